// End-to-end tests of what a citizen does on the page, in headless Chromium, in English and
// French, at desktop and phone widths: find a ticket without a receipt, drop a receipt or a
// ticket code anywhere, a receipt against a failed bundle, the file's SHA-256 and the page's
// own wasm hash, the stage-1 bundle read in the worker with a progress bar. Screenshots of the
// first screen, a valid verdict, a failed verdict and a receipt check go to
// test-artifacts/page-screenshots/.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve, launch, loadWasm, example, ARTIFACTS, WWW, VECTORS, hasExample, STEPS, noAxeViolations, findTicket, auditEveryAction, verifyWithFacts } from './support.mjs';

// axe-core (package-lock.json), evaluated in the page through the driver, which the page's
// CSP does not govern.


let server;
let context;
let wasm;
const SHOTS = join(ARTIFACTS, 'page-screenshots');
const WIDTHS = { desktop: { width: 1100, height: 900 }, phone: { width: 390, height: 844 } };

before(async () => {
  server = await serve();
  context = await launch();
  wasm = await loadWasm();
  await mkdir(SHOTS, { recursive: true });
});

after(async () => {
  await context?.close();
  await server?.close();
});

async function openPage(lang, width = 'desktop', query = '') {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setViewportSize(WIDTHS[width]);
  await page.goto(`${server.url}/?lang=${lang}${query}`);
  await page.waitForSelector('body[data-ready="true"]');
  page.errors = errors;
  return auditEveryAction(page);
}

async function openExample(page, id) {
  await page.click(`button[data-example="${id}"]`);
  await page.waitForSelector('body[data-state="valid"], body[data-state="invalid"]');
  await page.waitForSelector('#verdict[data-run]');
}

const lotteryText = () => example('lottery.json');
const summaryOf = (text) => JSON.parse(wasm.summary(text));
const receiptTicket = (file, bundle) => JSON.parse(wasm.check_receipt(example(file), bundle)).ticket;

/** A drop of files or text on an element, as a browser fires it. */
async function drop(page, selector, { name, text, plain }) {
  const dt = await page.evaluateHandle(({ name: n, text: t, plain: p }) => {
    const d = new DataTransfer();
    if (t !== undefined) d.items.add(new File([t], n, { type: 'application/json' }));
    if (p !== undefined) d.setData('text/plain', p);
    return d;
  }, { name, text, plain });
  await page.dispatchEvent(selector, 'dragover', { dataTransfer: dt });
  await page.dispatchEvent(selector, 'drop', { dataTransfer: dt });
}

const WORDS = {
  en: { selected: /selected, seat 7 of 40/, alternate: /alternate 3\b/, not: /in the pool, not selected/, absent: /not in the pool/ },
  fr: { selected: /tiré au sort, siège 7 sur 40/, alternate: /suppléant n° 3\b/, not: /dans le vivier, non tiré/, absent: /absent du vivier/ },
};

describe('find my ticket', () => {
  for (const lang of ['en', 'fr']) {
    for (const width of ['desktop', 'phone']) {
      test(`${lang}, ${width}: selected, alternate, not selected, not in the pool; lists folded, alternates in order`, async () => {
        const text = lotteryText();
        const s = summaryOf(text);
        const page = await openPage(lang, width);
        await noAxeViolations(page, 'opening');
        await openExample(page, 'lottery');
        await noAxeViolations(page, 'verification');
        const w = WORDS[lang];
        let a = await findTicket(page, s.selected[6]);
        assert.deepEqual([a.inPool, a.outcome, a.established], ['true', 'selected', 'true']);
        assert.match(a.text, w.selected);
        // With the values the pool publishes for this ticket.
        const values = JSON.parse(text).pool.find((r) => r.ticket === s.selected[6]).values;
        assert.equal(await page.getAttribute('#ticket-result .values-line', 'data-values'), 'published');
        assert.ok(values.every((v) => a.text.includes(v)), a.text);
        assert.match(a.cls, /\bok\b/);
        await noAxeViolations(page, 'a ticket search');
        // Typed from paper: lowercase and spaces around it.
        a = await findTicket(page, ` ${s.alternates_list[2].toLowerCase()} `);
        assert.deepEqual([a.inPool, a.outcome], ['true', 'alternate']);
        assert.match(a.text, w.alternate);
        assert.ok(a.text.includes(s.alternates_list[2]), a.text);
        const notSelected = receiptTicket('lottery-receipt-not-selected.json', text);
        a = await findTicket(page, notSelected);
        assert.deepEqual([a.inPool, a.outcome], ['true', 'not_selected']);
        assert.match(a.text, w.not);
        a = await findTicket(page, 'FFFF-FFFF-FFFF-FFFF');
        assert.deepEqual([a.inPool, a.outcome], ['false', 'not_in_pool']);
        assert.match(a.text, w.absent);
        await page.click('#lists details[data-list="alternates"] summary');
        await noAxeViolations(page, 'a search for a ticket not in the pool and the alternates unfolded');
        await page.click('#lists details[data-list="alternates"] summary');
        // The lists come after the steps, folded, the alternates in their order.
        const lists = await page.$$eval('#lists details', (ds) => ds.map((d) => ({
          id: d.dataset.list,
          open: d.open,
          items: [...d.querySelectorAll('tbody tr')].map((tr) => tr.querySelector('th').textContent),
          values: [...d.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td:not(.num)')].map((td) => td.textContent)),
        })));
        assert.deepEqual(lists.map((l) => [l.id, l.open]), [['selected', false], ['alternates', false], ['picks', false]]);
        assert.deepEqual(lists[0].items, s.selected);
        assert.deepEqual(lists[1].items, s.alternates_list);
        // Each person with the values the pool publishes for them, one column per feature.
        const pool = new Map(JSON.parse(text).pool.map((r) => [r.ticket, r.values]));
        assert.deepEqual(lists[0].values, s.selected.map((t) => pool.get(t)));
        assert.deepEqual(lists[1].values, s.alternates_list.map((t) => pool.get(t)));
        const below = await page.evaluate(() => {
          const steps = document.getElementById('steps').getBoundingClientRect().top;
          return document.getElementById('lists').getBoundingClientRect().top > steps;
        });
        assert.ok(below, 'the ticket lists come after the steps');
        if (width === 'desktop') {
          await page.screenshot({ path: join(SHOTS, `${lang}-find-ticket.png`), fullPage: false });
        }
        assert.deepEqual(page.errors, []);
        await page.close();
      });
    }
  }
});

describe('receipts and ticket codes go to their own check', () => {
  test('a receipt dropped anywhere, or chosen as a bundle, is checked and never replaces the bundle', async () => {
    const text = lotteryText();
    const page = await openPage('en');
    await openExample(page, 'lottery');
    const run = await page.getAttribute('#verdict', 'data-run');
    // Dropped on the page's title, far from the receipt box.
    await drop(page, 'h1', { name: 'receipt.json', text: example('lottery-receipt-selected.json') });
    await page.waitForSelector('#receipt-result[data-outcome="selected"]');
    assert.equal(await page.getAttribute('#verdict', 'data-run'), run);
    assert.equal(await page.getAttribute('body', 'data-state'), 'valid');
    await noAxeViolations(page, 'a receipt dropped');
    // Chosen with the bundle's own file input.
    await page.setInputFiles('#bundle-file', { name: 'r.json', mimeType: 'application/json', buffer: Buffer.from(example('lottery-receipt-alternate.json')) });
    await page.waitForSelector('#receipt-result[data-outcome="alternate"]');
    assert.equal(await page.getAttribute('#verdict', 'data-run'), run);
    // A bare ticket code dropped as text goes to the ticket search.
    const code = summaryOf(text).selected[0];
    await drop(page, '#dropzone', { plain: code });
    await page.waitForSelector('#ticket-result[data-outcome="selected"]');
    assert.equal(await page.inputValue('#ticket-code'), code);
    // Typed in the receipt box, a ticket code is searched too.
    await page.fill('#receipt-text', summaryOf(text).alternates_list[0]);
    await page.click('#receipt-form button[type="submit"]');
    await page.waitForSelector('#ticket-result[data-outcome="alternate"]');
    assert.equal(await page.getAttribute('#verdict', 'data-run'), run);
    await page.screenshot({ path: join(SHOTS, 'en-receipt-dropped.png'), fullPage: true });
    await page.close();
  });

  test('a receipt rebuilt from the public pool, without its holder secret, does not match', async () => {
    for (const lang of ['en', 'fr']) {
      const page = await openPage(lang);
      await openExample(page, 'lottery');
      const genuine = JSON.parse(example('lottery-receipt-selected.json'));
      // Everything but the secret is public: the record and its proof come from the bundle.
      const rebuilt = JSON.stringify({ ...genuine, secret: '00'.repeat(32) });
      await page.fill('#receipt-text', rebuilt);
      await page.click('#receipt-form button[type="submit"]');
      await page.waitForSelector('#receipt-result[data-matches="false"]');
      assert.doesNotMatch(await page.getAttribute('#receipt-result', 'class'), /\bok\b/);
      assert.equal(await page.getAttribute('body', 'data-state'), 'valid');
      await page.fill('#receipt-text', JSON.stringify(genuine));
      await page.click('#receipt-form button[type="submit"]');
      await page.waitForSelector('#receipt-result[data-outcome="selected"]');
      await noAxeViolations(page, `${lang}: a rebuilt receipt, then the genuine one`);
      await page.close();
    }
  });

  test('before any bundle, a dropped receipt waits in the receipt box and a pasted code in the ticket search', async () => {
    const page = await openPage('fr');
    await drop(page, 'main', { name: 'recu.json', text: example('lottery-receipt-selected.json') });
    await page.waitForFunction(() => /C’est un reçu/.test(document.getElementById('load-status').textContent));
    assert.equal(await page.locator('#result').isHidden(), true);
    assert.match(await page.inputValue('#receipt-text'), /kleroterion-receipt/);
    await page.close();
  });
});

describe('a failed bundle claims nothing', () => {
  for (const lang of ['en', 'fr']) {
    test(`${lang}: neutral receipt and ticket boxes, no time in the status line, no quota guarantee`, async () => {
      const b = JSON.parse(lotteryText());
      b.result.selected.reverse();
      const page = await openPage(lang);
      await page.setInputFiles('#bundle-file', { name: 'tampered.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(b)) });
      await page.waitForSelector('body[data-state="invalid"]');
      const status = await page.locator('#load-status').textContent();
      assert.doesNotMatch(status, /\bms\b|verified in|vérifié en/, status);
      assert.match(status, lang === 'en' ? /does NOT pass/ : /ne passe PAS/);
      const note = await page.locator('#quotas-note').textContent();
      assert.doesNotMatch(note, /guarantees|garantit/, note);
      assert.match(note, lang === 'en' ? /nothing below is guaranteed/ : /rien ci-dessous n’est garanti/);
      // The draw pick by pick is the honest draw's: shown beside a bundle that lists other
      // people, it would lend them its record. It is never asked for nor shown.
      await page.waitForFunction(() => document.body.dataset.busy !== 'true');
      assert.equal(await page.locator('details[data-list="picks"]').count(), 0);
      await page.fill('#receipt-text', example('lottery-receipt-selected.json'));
      await page.click('#receipt-form button[type="submit"]');
      await page.waitForSelector('#receipt-result[data-matches="true"]');
      assert.equal(await page.getAttribute('#receipt-result', 'data-established'), 'false');
      assert.match(await page.getAttribute('#receipt-result', 'class'), /\bneutral\b/);
      assert.doesNotMatch(await page.getAttribute('#receipt-result', 'class'), /\bok\b/);
      const a = await findTicket(page, b.result.selected[0]);
      assert.equal(a.established, 'false');
      assert.match(a.cls, /\bneutral\b/);
      await noAxeViolations(page, 'a failed bundle, a receipt and a ticket search');
      await page.evaluate(() => document.getElementById('verdict').scrollIntoView());
      await page.screenshot({ path: join(SHOTS, `${lang}-failed-verdict.png`), fullPage: false });
      await page.close();
    });
  }
});

describe('outside cross-checks and first screens', () => {
  for (const lang of ['en', 'fr']) {
    test(`${lang}: the file's SHA-256, the page's version and wasm hash; screenshots`, async () => {
      const page = await openPage(lang);
      await page.screenshot({ path: join(SHOTS, `${lang}-first-screen.png`), fullPage: false });
      const wasmFile = await readFile(join(WWW, 'pkg', 'kleroterion_wasm_bg.wasm'));
      const wasmSha = createHash('sha256').update(wasmFile).digest('hex');
      assert.equal(await page.getAttribute('#page-version [data-wasm-sha256]', 'data-wasm-sha256'), wasmSha);
      assert.match(await page.locator('#page-version').textContent(), /kleroterion \d+\.\d+\.\d+/);
      const text = lotteryText();
      await page.setInputFiles('#bundle-file', { name: 'lottery.json', mimeType: 'application/json', buffer: Buffer.from(text) });
      await page.waitForSelector('body[data-state="valid"]');
      const sha = createHash('sha256').update(Buffer.from(text)).digest('hex');
      assert.equal(await page.locator('#summary [data-sha256]').textContent(), sha);
      await page.screenshot({ path: join(SHOTS, `${lang}-valid-verdict.png`), fullPage: false });
      await page.fill('#receipt-text', example('lottery-receipt-selected.json'));
      await page.click('#receipt-form button[type="submit"]');
      await page.waitForSelector('#receipt-result[data-outcome="selected"]');
      await noAxeViolations(page, 'a receipt check');
      await page.locator('#receipt').screenshot({ path: join(SHOTS, `${lang}-receipt-check.png`) });
      // Planning helper and published facts: the other actions of the page.
      await page.click('#plan-form button[type="submit"]');
      await page.waitForSelector('#plan-result[data-round]');
      await noAxeViolations(page, 'the planning helper');
      await page.fill('#commitment', 'not hex');
      await page.click('#facts-form button[type="submit"]');
      await page.waitForSelector('#commitment-error:not([hidden])');
      await noAxeViolations(page, 'an unreadable commitment');
      await page.close();
    });
  }

  test('keyboard: one Tab stop for the bundle file, and the receipt file input rings its label', async () => {
    const page = await openPage('en');
    await openExample(page, 'lottery');
    assert.equal(await page.getAttribute('#bundle-file', 'tabindex'), '-1');
    await page.focus('#receipt-text');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'receipt-file');
    const rings = await page.evaluate(() => {
      const style = (sel) => getComputedStyle(document.querySelector(sel)).outlineStyle;
      return { label: style('label[for="receipt-file"]'), button: style('#receipt-form button[type="submit"]') };
    });
    assert.deepEqual(rings, { label: 'solid', button: 'none' });
    await page.close();
  });
});

describe('keyboard: the whole page', () => {
  for (const lang of ['en', 'fr']) {
    test(`${lang}: one Tab stop per action, each with its focus ring on what it acts on`, async () => {
      const page = await openPage(lang);
      await openExample(page, 'chain');
      await page.waitForFunction(() => document.body.dataset.busy !== 'true');
      await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
      // Round the whole cycle of stops, from the verdict (focused after a verification) back to it.
      const stops = [];
      let outside = 0;
      for (let i = 0; i < 400; i++) {
        await page.keyboard.press('Tab');
        const stop = await page.evaluate(() => {
          const e = document.activeElement;
          if (!e || e === document.body) return null;
          const ring = (x) => x && getComputedStyle(x).outlineStyle !== 'none';
          const hidden = e.classList.contains('visually-hidden');
          const label = e.id ? document.querySelector(`label[for="${e.id}"]`) : null;
          const key = e.id || `${e.tagName}.${e.className}:${[...document.querySelectorAll(e.tagName)].indexOf(e)}`;
          return { key, tag: e.tagName, hidden, visible: e.checkVisibility(), ring: ring(e), labelRing: ring(label), labelVisible: Boolean(label?.checkVisibility()) };
        });
        if (!stop) {
          // Past the last stop, the focus leaves the page once before it comes back.
          outside += 1;
          if (outside > 2) break;
          continue;
        }
        if (stops.some((x) => x.key === stop.key)) break;
        stops.push(stop);
      }
      assert.ok(stops.length > 20, `${stops.length} stops`);
      assert.ok(!stops.some((x) => x.key === 'bundle-file'), 'the bundle input is not a stop of its own: its drop zone is');
      assert.ok(stops.some((x) => x.key === 'dropzone'));
      for (const x of stops) {
        if (x.hidden) {
          // A file input hidden behind its label-button: the label shows the ring, and is no stop.
          assert.equal(x.tag, 'INPUT', x.key);
          assert.ok(x.labelVisible && x.labelRing, `${x.key}: the ring is on its label ${JSON.stringify(x)}`);
        } else {
          assert.ok(x.visible && x.ring, `${x.key}: visible, with its ring`);
        }
      }
      assert.ok(!stops.some((x) => x.tag === 'LABEL'), 'no label is a stop');
      await page.close();
    });
  }
});

describe('the stage-1 bundle in the worker', { skip: !hasExample('montpellier-stage1') }, () => {
  test('read once with a progress bar, the page responsive, then the ticket search answers from the parsed bundle', async () => {
    const page = await openPage('en');
    await page.evaluate(() => {
      // Record every step the progress bar shows, and the heartbeat of the main thread.
      window.seenSteps = [];
      new MutationObserver(() => {
        const s = document.getElementById('progress').dataset.step;
        if (s && !window.seenSteps.includes(s)) window.seenSteps.push(s);
      }).observe(document.getElementById('progress'), { attributes: true });
      window.beats = 0;
      window.beat = setInterval(() => { window.beats += 1; }, 50);
    });
    await page.click('button[data-example="montpellier-stage1"]');
    await page.waitForSelector('#progress:not([hidden])');
    await page.waitForSelector('body[data-state="valid"]', { timeout: 120000 });
    const { steps, beats } = await page.evaluate(() => ({ steps: window.seenSteps, beats: window.beats }));
    assert.deepEqual(steps.filter((s) => ['parse', 'verify'].includes(s)), ['parse', 'verify']);
    // The main thread kept running while the worker verified (the figure itself is in
    // BENCHMARKS.md; here only that it was not frozen throughout).
    assert.ok(beats > 5, `heartbeats during verification: ${beats}`);
    assert.equal(await page.locator('#progress').isHidden(), true);
    const receipt = example('montpellier-stage1-receipt-not-selected.json');
    const code = JSON.parse(wasm.check_receipt(receipt, example('montpellier-stage1.json'))).ticket;
    const a = await findTicket(page, code);
    assert.deepEqual([a.inPool, a.outcome, a.established], ['true', 'not_selected', 'true']);
    await page.close();
  });
});

describe('plain words, outside links, dates in Paris time, the printed report', () => {
  for (const lang of ['en', 'fr']) {
    test(`${lang}: two plain lines per step, a glossary, the drand round linked, Paris time beside UTC`, async () => {
      const text = lotteryText();
      const s = summaryOf(text);
      const page = await openPage(lang);
      await openExample(page, 'lottery');
      const plain = await page.$$eval('#steps li.step', (lis) => lis.map((li) => [...li.querySelectorAll('.step-plain')].map((p) => p.textContent)));
      assert.equal(plain.length, STEPS.length);
      for (const lines of plain) {
        assert.equal(lines.length, 2);
        assert.match(lines[0], lang === 'en' ? /^Checked: \S/ : /^Contrôlé : \S/);
        assert.match(lines[1], lang === 'en' ? /^This proves: \S/ : /^Cela prouve : \S/);
      }
      assert.ok(await page.locator('#glossary dt').count() >= 6);
      const drand = s.randomness.find((x) => x.kind === 'drand');
      const link = page.locator('#steps li.source[data-source="drand"] a[data-drand-link]');
      assert.equal(await link.getAttribute('href'), `https://api.drand.sh/${drand.chain}/public/${drand.round}`);
      const clock = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
      }).format(new Date(drand.time));
      const line = await page.locator('#steps li.source[data-source="drand"] .source-what').textContent();
      assert.ok(line.includes(`${drand.time} (UTC)`), line);
      assert.ok(line.includes(clock) && line.includes('Paris'), `${line} should give ${clock} in Paris`);
      // The date before which the commitment must have been public, in Paris time too.
      const announcement = await page.locator('#by-hand li[data-subject="announcement"] .bh-value').textContent();
      assert.ok(announcement.includes(`${s.earliest_time} (UTC)`), announcement);
      const earliest = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
      }).format(new Date(s.earliest_time));
      assert.ok(announcement.includes(earliest) && announcement.includes('Paris'), announcement);
      await page.close();
    });
  }

  test('the printed report: no forms, the steps and every pick in order', async () => {
    const text = lotteryText();
    const s = summaryOf(text);
    const page = await openPage('en');
    await openExample(page, 'lottery');
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#load').isVisible(), false);
    assert.equal(await page.locator('#ticket-form').isVisible(), false);
    assert.equal(await page.locator('#steps li[data-step="seed"] dl.values').isVisible(), true);
    const picks = await page.$$eval('#lists details[data-list="selected"] tbody th', (ths) => ths.map((th) => th.checkVisibility() && th.textContent));
    assert.deepEqual(picks, s.selected);
    await page.pdf({ path: join(SHOTS, 'en-report.pdf') });
    await page.close();
  });
});

describe('the draw pick by pick, for the printed report', () => {
  for (const lang of ['en', 'fr']) {
    test(`${lang}: the seed, then each pick's random value, position and ticket, recomputed here`, async () => {
      const page = await openPage(lang);
      await openExample(page, 'stratified');
      await page.waitForSelector('details[data-list="picks"] tbody tr', { state: 'attached' });
      const text = example('stratified.json');
      const bundle = JSON.parse(text);
      const shown = await page.evaluate(() => {
        const box = document.querySelector('details[data-list="picks"]');
        return {
          seed: box.querySelector('.mono.break').textContent,
          rows: [...box.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent)),
          big: [...box.querySelectorAll('tbody tr')].map((tr) => tr.dataset.big === 'true'),
        };
      });
      assert.equal(shown.seed, bundle.seed);
      // Stratified: one pick per seat, then one per alternate, in the published order.
      const tickets = shown.rows.map((r) => r[5]);
      assert.deepEqual(tickets, [...bundle.result.selected, ...bundle.result.alternates]);
      // No pick here is one 64-bit part of a maxent attempt's number, which has no count nor
      // position of its own (e2e-maxent.test.mjs shows those).
      assert.deepEqual(shown.big.filter(Boolean), []);
      for (const [n, stream, value, among, position] of shown.rows) {
        // SPEC.md section 8: the position is the high 64 bits of value × among.
        const count = BigInt(among.replace(/\D/g, ''));
        assert.equal(BigInt(position), (BigInt(`0x${value}`) * count) >> 64n, `pick ${n}`);
        assert.match(stream, lang === 'fr' ? /^(strate \d+|suppléants)$/ : /^(stratum \d+|alternates)$/);
      }
      // The printed report shows it (the print style hides forms, not the lists).
      await page.emulateMedia({ media: 'print' });
      assert.notEqual(await page.evaluate(() => getComputedStyle(document.getElementById('lists')).display), 'none');
      await page.emulateMedia({ media: 'screen' });
      await page.click('details[data-list="picks"] summary');
      await noAxeViolations(page, 'opening the picks');
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }
});

/** Visible texts of the page that read as English: every visible text node outside the
 * hexadecimal and ticket cells (`.mono`), the bundle's own data (the organiser's titles,
 * feature and value names) and names quoted from the file, with its English words. */
async function englishOnPage(page, data) {
  return page.evaluate((names) => {
    const words = /\b(the|and|of|is|are|was|were|with|this|that|not|every|from|which|by|has|have|been|its|for|to|in|no|one|or|at|as|an|be|it|on|than|does|did|gives|gave|drawn|checked|selected|published|given|before|after|only|each|must|pool|seed|step|draw)\b/i;
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const e = n.parentElement;
      if (!e || e.closest('.mono, script, style, .visually-hidden[hidden]') || !e.checkVisibility()) continue;
      let text = n.textContent;
      for (const name of names) text = text.split(name).join(' ');
      // Names quoted from the file: a JSON field in `backquotes`, a text in « guillemets ».
      text = text.replace(/`[^`]*`/g, ' ').replace(/«[^»]*»/g, ' ');
      const m = text.match(words);
      if (m) out.push(`${m[0]}: ${n.textContent.trim().slice(0, 160)}`);
    }
    return out;
  }, data);
}

/** The organiser's own texts in a bundle: its title, feature and value names, lottery names. */
function dataOf(text) {
  const b = JSON.parse(text);
  const names = [b.manifest.title];
  for (const f of b.manifest.features ?? []) names.push(f.name, ...f.values.map((v) => v.value));
  return names.filter(Boolean).sort((x, y) => y.length - x.length);
}

describe('the draw pick by pick is shown only for a bundle that verifies', () => {
  test('a wrong published commitment takes it away, the right one brings it back', async () => {
    const page = await openPage('en');
    await openExample(page, 'lottery');
    await page.waitForSelector('details[data-list="picks"]', { state: 'attached' });
    const right = JSON.parse(lotteryText()).commitment;
    await verifyWithFacts(page, { commitment: right.replace(/^./, (c) => (c === '0' ? '1' : '0')) });
    await page.waitForFunction(() => document.body.dataset.busy !== 'true');
    assert.equal(await page.getAttribute('#verdict', 'data-valid'), 'false');
    assert.equal(await page.locator('details[data-list="picks"]').count(), 0);
    await verifyWithFacts(page, { commitment: right });
    await page.waitForSelector('details[data-list="picks"]', { state: 'attached' });
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});

/** The maxent draws of tests/vectors/draws.json (SPEC.md section 9.6), as `draws.json:NAME`:
 * made here by the page's wasm (they can reject a panel, unlike the page's maxent example). */
function maxentDraws() {
  const v = JSON.parse(readFileSync(join(VECTORS, 'draws.json'), 'utf8'));
  return v.draws.filter((c) => c.manifest.method.name === 'maxent').map((c) => `draws.json:${c.name}`);
}

/** The bundle of a draw of tests/vectors/draws.json, made by the page's wasm. */
function drawsBundle(name) {
  const c = JSON.parse(readFileSync(join(VECTORS, 'draws.json'), 'utf8')).draws.find((d) => d.name === name);
  return wasm.draw(JSON.stringify(c.manifest), JSON.stringify(c.pool), JSON.stringify(c.reveal));
}

describe('no English left on the French page', () => {
  const ids = ['lottery', 'lottery-sealed', 'stratified', 'greedy', 'montpellier-stage2', 'chain', 'maxent', ...maxentDraws()];
  assert.ok(ids.some((id) => id.startsWith('draws.json:')), 'draws.json holds a maxent draw');
  for (const id of ids) {
    test(`${id}: every visible text after verification, every list and the glossary open`, async () => {
      const page = await openPage('fr');
      let text = null;
      if (id.startsWith('draws.json:')) {
        // A bundle of the vectors, loaded as a reader would.
        text = drawsBundle(id.slice('draws.json:'.length));
        await page.setInputFiles('#bundle-file', { name: 'dossier.json', mimeType: 'application/json', buffer: Buffer.from(text) });
        await page.waitForSelector('body[data-state="valid"]');
        await page.waitForSelector('details[data-list="picks"]', { state: 'attached' });
      } else {
        await page.click(`button[data-example="${id}"]`);
      }
      await page.waitForSelector('body[data-state="valid"], body[data-state="invalid"]');
      await page.waitForFunction(() => document.body.dataset.busy !== 'true');
      await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
      const data = id === 'chain'
        ? [...dataOf(example('chain-stage1.json')), ...dataOf(example('chain-stage2.json'))]
        : dataOf(text ?? example(`${id}.json`));
      assert.deepEqual(await englishOnPage(page, data), []);
      // The one English text is the language switch's own name, "English".
      assert.equal(await page.locator('[lang="en"]:visible:not(button.lang)').count(), 0, 'nothing shown marked as English');
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }
});

describe('no English left on the French page of a failed verification', () => {
  // One bundle of tests/vectors/verify.json for each kind of failure it holds that the bundle
  // alone shows (no published fact, no replacement record), and every unreadable one, loaded
  // as a reader would.
  const cases = [];
  test('the failed bundles of the vectors', async () => {
    const v = JSON.parse(await readFile(join(VECTORS, 'verify.json'), 'utf8'));
    const kinds = new Set();
    for (const c of v.cases) {
      const alone = !Object.keys(c.published ?? {}).length && !(c.replacements ?? []).length;
      // Every unreadable file: each has its own message from the JSON reader.
      if (c.error_kind && alone && (!kinds.has(c.error_kind) || c.error_kind === 'UnreadableBundle')) {
        kinds.add(c.error_kind);
        cases.push(c);
      }
    }
    assert.ok(cases.length >= 20, `${cases.length} kinds`);
    const page = await openPage('fr');
    for (const c of cases) {
      const text = c.bundle_text ?? JSON.stringify(c.bundle);
      const run = await page.getAttribute('#verdict', 'data-run');
      const status = await page.textContent('#load-status');
      await page.setInputFiles('#bundle-file', { name: `${c.name}.json`, mimeType: 'application/json', buffer: Buffer.from(text) });
      // A file whose format is not a bundle's is refused before any verification: the status
      // line says what it is.
      await page.waitForFunction(([r, st]) => (document.getElementById('verdict').dataset.run !== r
        || document.getElementById('load-status').textContent !== st) && document.body.dataset.busy !== 'true', [run, status]);
      if (await page.getAttribute('#verdict', 'data-run') !== run) {
        assert.equal(await page.getAttribute('#verdict', 'data-failed-step'), c.failed_step, c.name);
      }
      await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
      const data = c.bundle?.manifest ? dataOf(text) : [];
      assert.deepEqual(await englishOnPage(page, data), [], c.name);
      assert.equal(await page.locator('[lang="en"]:visible:not(button.lang)').count(), 0, `${c.name}: nothing shown marked as English`);
    }
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
