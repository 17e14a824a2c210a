// End-to-end tests of the verification page opened straight from its files
// (file:///.../www/index.html, as after a double click), in headless Chromium (Debian's)
// driven by playwright-core with the same launch flags as tests/e2e.test.mjs. There Chromium
// refuses ES modules and fetch: the page runs from classic scripts, the wasm bytes come
// from pkg/kleroterion_wasm_bytes.js and the examples from examples/examples.js.
// Run `bash bindings/wasm/build.sh` first, then `node --test tests/`.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  launch, loadWasm, example, artifacts, FILE_URL, exampleEntry, greenSteps, assertDemoSources, hasExample, byHandSubjects,
  verifyWithFacts, openPageAt,
} from './support.mjs';

let context;
let wasm;
let shots;
const external = [];

const NO_DEMO = hasExample('montpellier-stage2') ? false : 'the Montpellier examples were not generated (kleroterion demo)';
const WWW_URL = FILE_URL.replace(/index\.html$/, '');

before(async () => {
  context = await launch();
  wasm = await loadWasm();
  shots = await artifacts();
  // Record any request that is not a file of the page's own folder.
  context.on('request', (req) => {
    const u = req.url();
    if (!u.startsWith(WWW_URL) && !u.startsWith('data:') && !u.startsWith('blob:')) external.push(u);
  });
});

after(async () => {
  await context?.close();
});

function openPage(query = '?lang=en') {
  return openPageAt(context, `${FILE_URL}${query}`);
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `wasm-file-${name}.png`), fullPage: true });
}

async function stepStatuses(page) {
  return page.$$eval('#steps li.step', (lis) => Object.fromEntries(lis.map((li) => [li.dataset.step, li.dataset.status])));
}

async function loadBundle(page, text, name = 'bundle.json') {
  const before = await page.locator('#load-status').textContent();
  await page.setInputFiles('#bundle-file', { name, mimeType: 'application/json', buffer: Buffer.from(text) });
  await page.waitForFunction((b) => {
    const s = document.getElementById('load-status').textContent;
    // Verified (valid or not): the status line names the file as checked.
    return s !== b && /verified|vérifié|checked|contrôlé/.test(s) && document.body.dataset.state !== 'verifying';
  }, before);
}

async function plan(page, chain, time) {
  await page.selectOption('#plan-chain', chain);
  await page.fill('#plan-time', time);
  await page.click('#plan-form button[type="submit"]');
  await page.waitForSelector('#plan-result.ok, #plan-result.bad');
}

describe('opened from files (file://)', () => {
  test('the page starts from its files, under its Content-Security-Policy', async () => {
    const page = await openPage();
    assert.equal(await page.evaluate(() => location.protocol), 'file:');
    assert.equal(await page.evaluate(() => document.body.dataset.from), 'files');
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval';/);
    assert.doesNotMatch(csp, /unsafe-inline|https?:|\*/);
    assert.match(await page.locator('#version').textContent(), /kleroterion\/v2.*checked offline/);
    // The examples are listed without fetch, the Montpellier replay first.
    const ids = await page.$$eval('#examples button[data-example]', (bs) => bs.map((b) => b.dataset.example));
    const demo = NO_DEMO ? [] : ['montpellier-stage1', 'montpellier-stage2'];
    assert.deepEqual(ids, [...demo, 'lottery', 'lottery-sealed', 'greedy', 'stratified', 'chain', 'maxent']);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('the chain example loads both stages from their scripts and verifies them as a chain', async () => {
    const page = await openPage();
    await page.click('button[data-example="chain"]');
    await page.waitForSelector('#chain[data-chain="checked"][data-verdict="valid_if"]');
    assert.deepEqual(await stepStatuses(page), greenSteps('lottery', 'passed', false, true));
    assert.equal(await page.locator('#previous-steps li.step').count(), 15);
    assert.equal(await page.locator('#responses-table tbody tr[data-total]').count(), 1);
    await shot(page, 'chain');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('the honest lottery example shows every step green', async () => {
    const page = await openPage();
    await page.click('button[data-example="lottery"]');
    await page.waitForSelector('#verdict[data-valid="true"]');
    assert.deepEqual(await stepStatuses(page), greenSteps('lottery'));
    assert.match(await page.locator('#verdict .verdict-head').textContent(), /VALID if the 3 items below match their public records/);
    assert.deepEqual(await byHandSubjects(page), ['commitment', 'announcement', 'lottery']);
    assert.match(await page.locator('#steps li[data-step="randomness"]').textContent(), /signature verified/);
    assert.equal(await page.locator('#quota-table tbody tr.broken').count(), 0);
    assert.equal(await page.locator('#proba-chart svg path.line').count(), 1);
    await shot(page, 'honest-lottery');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('the commitment field is pre-filled from ?commitment=; a wrong one fails, a right one is compared', async () => {
    const b = JSON.parse(example('lottery.json'));
    const page = await openPage(`?lang=en&commitment=${b.commitment}&bundle=examples/lottery.json`);
    await page.waitForSelector('#verdict[data-verdict="valid_if"]');
    assert.equal(await page.inputValue('#commitment'), b.commitment);
    assert.deepEqual(await byHandSubjects(page), ['announcement', 'lottery']);
    await verifyWithFacts(page, { commitment: '00'.repeat(32) });
    await page.waitForSelector('#verdict[data-verdict="invalid"][data-failed-step="manifest"]');
    assert.equal(await page.locator('#verdict .failure').getAttribute('data-kind'), 'CommitmentMismatch');
    assert.equal(await page.locator('#verdict [data-value="compared"] dd').textContent(), '00'.repeat(32));
    await shot(page, 'commitment-wrong');
    await page.close();
  });

  test('the Montpellier stage 2 example: every step green, each source checked, in both languages, and its receipts', { skip: NO_DEMO }, async () => {
    const entry = exampleEntry('montpellier-stage2');
    const summary = JSON.parse(wasm.summary(example(entry.file)));
    const page = await openPage();
    await page.click('button[data-example="montpellier-stage2"]');
    await page.waitForSelector('#verdict[data-valid="true"]');
    // The demo seals stage 2's features: its openings step passes. It names stage 1, not
    // loaded here: its links are checked alone, the rest of the chain is not.
    assert.equal(JSON.parse(example(entry.file)).manifest.sealed, true);
    assert.deepEqual(await stepStatuses(page), greenSteps(entry.method, 'skipped', true, 'alone'));
    await assertDemoSources(page, summary, 'en');
    await shot(page, 'montpellier-stage2');
    const want = { selected: /Outcome: selected \(seat \d+ of 40 in draw order/, alternate: /Outcome: alternate number \d+/, 'not-selected': /Outcome: not selected/ };
    assert.deepEqual(entry.receipts.map((r) => r.outcome), ['selected', 'alternate', 'not-selected']);
    for (const r of entry.receipts) {
      await page.click(`button[data-receipt="${r.outcome}"]`);
      await page.waitForSelector(`#receipt-result[data-matches="true"][data-outcome="${r.outcome.replace('-', '_')}"]`);
      const text = await page.locator('#receipt-result').textContent();
      assert.ok(text.includes(`ticket ${r.ticket}`), text);
      assert.match(text, want[r.outcome]);
    }
    await shot(page, 'montpellier-receipt');
    await page.click('button.lang[data-lang="fr"]');
    await assertDemoSources(page, summary, 'fr');
    await shot(page, 'montpellier-stage2-fr');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('the Montpellier stage 1 example (its own script, loaded on demand) is valid', { skip: NO_DEMO }, async () => {
    const entry = exampleEntry('montpellier-stage1');
    const page = await openPage();
    assert.equal(await page.evaluate(() => 'montpellier-stage1.json' in globalThis.KLEROTERION_EXAMPLES.files), false);
    await page.click('button[data-example="montpellier-stage1"]');
    await page.waitForSelector('#verdict[data-valid="true"]', { timeout: 120_000 });
    assert.deepEqual(await stepStatuses(page), greenSteps(entry.method, 'skipped'));
    await assertDemoSources(page, JSON.parse(wasm.summary(example(entry.file))), 'en');
    await shot(page, 'montpellier-stage1');
    await page.close();
  });

  test('the sealed lottery example: its openings step passes, and its lists and receipt show the opened values', async () => {
    const b = JSON.parse(example('lottery-sealed.json'));
    const page = await openPage('?lang=fr&bundle=examples/lottery-sealed.json');
    await page.waitForSelector('#verdict[data-valid="true"]');
    assert.deepEqual(await stepStatuses(page), greenSteps('lottery', 'passed', true));
    const panel = await page.$$eval('#lists table[data-list="selected"] tbody tr', (trs) => trs.map((tr) => [
      tr.querySelector('th').textContent, ...[...tr.querySelectorAll('td:not(.num)')].map((td) => td.textContent)]));
    assert.deepEqual(panel, b.openings.slice(0, b.result.selected.length).map((o) => [o.ticket, ...o.values]));
    assert.equal(await page.locator('#quota-table td.sealed').count(), await page.locator('#quota-table tbody tr').count());
    const receipt = JSON.parse(example('lottery-sealed-receipt-selected.json'));
    await page.click('button[data-receipt="selected"]');
    await page.waitForSelector('#receipt-result[data-matches="true"][data-outcome="selected"][data-sealed="true"]');
    const text = await page.locator('#receipt-result').textContent();
    const features = b.manifest.features.map((f, i) => `${f.name} = ${receipt.opening.values[i]}`).join(', ');
    assert.ok(text.includes(`votre reçu l’ouvre et donne les caractéristiques ${features}`), text);
    await shot(page, 'sealed');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  for (const id of ['greedy', 'stratified']) {
    test(`the ${id} example loads by ?bundle= and is valid`, async () => {
      const page = await openPage(`?lang=en&bundle=examples/${id}.json`);
      await page.waitForSelector('#verdict[data-valid="true"]');
      // Dice only: no source whose time a program knows.
      assert.deepEqual(await stepStatuses(page), greenSteps(id, id === 'greedy' ? 'skipped' : 'passed'));
      await page.close();
    });
  }

  test('a tampered bundle is red and names the step', async () => {
    const b = JSON.parse(example('lottery.json'));
    const r = b.result.selected;
    [r[0], r[1]] = [r[1], r[0]];
    const text = JSON.stringify(b);
    const report = JSON.parse(wasm.verify(text));
    assert.equal(report.error_kind, 'DrawMismatch');
    const page = await openPage();
    await loadBundle(page, text, 'tampered-draw.json');
    await page.waitForSelector('#verdict[data-valid="false"][data-failed-step="draw"]');
    const verdict = await page.locator('#verdict').textContent();
    assert.ok(verdict.includes(report.error), verdict);
    assert.ok(verdict.includes('DrawMismatch'));
    assert.equal((await stepStatuses(page)).transcript, 'not_checked');
    await shot(page, 'tampered-draw');
    await page.close();
  });

  test('a file that is not a bundle fails at the format step (UnreadableBundle)', async () => {
    const page = await openPage();
    await loadBundle(page, 'this is not JSON', 'notes.txt');
    await page.waitForSelector('#verdict[data-valid="false"][data-failed-step="format"]');
    assert.match(await page.locator('#verdict').textContent(), /not a readable kleroterion bundle.*UnreadableBundle/s);
    await page.close();
  });

  test('receipts: the example receipts give their outcome, a forged one is rejected', async () => {
    const page = await openPage('?lang=en&bundle=examples/lottery.json');
    await page.waitForSelector('#verdict[data-valid="true"]');
    for (const [outcome, want] of [['selected', /selected \(seat 3 of 40/], ['alternate', /alternate number 1\b/], ['not-selected', /not selected/]]) {
      await page.click(`button[data-receipt="${outcome}"]`);
      await page.waitForSelector(`#receipt-result[data-matches="true"][data-outcome="${outcome.replace('-', '_')}"]`);
      const receipt = JSON.parse(example(`lottery-receipt-${outcome}.json`));
      const text = await page.locator('#receipt-result').textContent();
      assert.ok(text.includes(`ticket ${receipt.record.ticket}`), text);
      assert.match(text, want);
      if (outcome === 'selected') await shot(page, 'receipt-selected');
    }
    const forged = JSON.parse(example('lottery-receipt-selected.json'));
    forged.record.values[1] = forged.record.values[1] === '65+' ? '16-24' : '65+';
    await page.fill('#receipt-text', JSON.stringify(forged));
    await page.click('#receipt-form button[type="submit"]');
    await page.waitForSelector('#receipt-result[data-matches="false"]');
    const text = await page.locator('#receipt-result').textContent();
    assert.match(text, /This receipt does not match this draw/);
    assert.match(text, /ReceiptMismatch/);
    assert.match(text, /was not issued for this draw, or it was changed/);
    await shot(page, 'receipt-forged');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('the language switch translates the page, the report and the receipt', async () => {
    const page = await openPage('?lang=en&bundle=examples/lottery.json');
    await page.waitForSelector('#verdict[data-valid="true"]');
    await page.click('button[data-receipt="alternate"]');
    await page.waitForSelector('#receipt-result[data-matches="true"]');
    await page.click('button.lang[data-lang="fr"]');
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    assert.equal(await page.locator('h1').textContent(), 'Vérifier un tirage au sort');
    assert.match(await page.locator('#verdict').textContent(), /VALIDE si les 3 éléments ci-dessous/);
    assert.match(await page.locator('#receipt-result').textContent(), /suppléant numéro 1/);
    assert.match(await page.locator('button[data-example="lottery"]').textContent(), /Loterie/);
    await shot(page, 'french');
    await page.click('button.lang[data-lang="en"]');
    assert.equal(await page.locator('h1').textContent(), 'Verify a draw by lot');
    await page.close();
  });

  test('planning: the first drand round at or after a time', async () => {
    const page = await openPage();
    await plan(page, 'quicknet', '2023-08-23T15:09:30Z');
    assert.equal(await page.getAttribute('#plan-result', 'data-round'), '2');
    assert.equal(await page.getAttribute('#plan-result', 'data-time'), '2023-08-23T15:09:30Z');
    assert.match(await page.locator('#plan-result').textContent(), /Round 2 of quicknet, produced at 2023-08-23T15:09:30Z/);
    await plan(page, 'mainnet', '2020-07-22T15:18:00Z');
    assert.equal(await page.getAttribute('#plan-result', 'data-round'), '2');
    await shot(page, 'plan');
    await page.close();
  });

  test('?bundle= from files loads only the page’s own examples', async () => {
    const page = await openPage('?lang=en&bundle=../../../SPEC.md');
    await page.waitForFunction(() => /can only load its own examples/.test(document.getElementById('load-status').textContent));
    assert.equal(await page.locator('#result').isHidden(), true);
    await page.close();
  });

  test('no request left the page’s folder', () => {
    assert.deepEqual(external, []);
  });
});
