// End-to-end tests of the verification page in headless Chromium (Debian's), driven by
// playwright-core. Run `bash bindings/wasm/build.sh` first, then `node --test tests/`.
// Screenshots of every state go to test-artifacts/ at the repository root.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serve, launch, loadWasm, example, artifacts, exampleEntry, greenSteps, assertDemoSources } from './support.mjs';

let server;
let context;
let wasm;
let shots;
const external = [];

const STEPS = ['format', 'manifest', 'pool', 'portfolio', 'randomness', 'seed', 'draw', 'quotas', 'transcript'];

before(async () => {
  server = await serve();
  context = await launch();
  wasm = await loadWasm();
  shots = await artifacts();
  // Record any request that leaves the test server: the page must make none.
  context.on('request', (req) => {
    const u = req.url();
    if (!u.startsWith(server.url) && !u.startsWith('data:') && !u.startsWith('blob:')) external.push(u);
  });
});

after(async () => {
  await context?.close();
  await server?.close();
});

async function openPage(query = '?lang=en') {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${server.url}/${query}`);
  await page.waitForSelector('body[data-ready="true"]');
  page.errors = errors;
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `wasm-${name}.png`), fullPage: true });
}

async function loadBundle(page, text, name = 'bundle.json') {
  const before = await page.locator('#load-status').textContent();
  await page.setInputFiles('#bundle-file', { name, mimeType: 'application/json', buffer: Buffer.from(text) });
  await page.waitForFunction((b) => {
    const s = document.getElementById('load-status').textContent;
    return s !== b && /verified|vérifié/.test(s);
  }, before);
}

async function stepStatuses(page) {
  return page.$$eval('#steps li.step', (lis) => Object.fromEntries(lis.map((li) => [li.dataset.step, li.dataset.status])));
}

const honestLottery = () => JSON.parse(example('lottery.json'));

describe('honest bundles', () => {
  test('the lottery example shows every step green, the quotas and the probability profile', async () => {
    const page = await openPage();
    await page.click('button[data-example="lottery"]');
    await page.waitForSelector('#verdict[data-valid="true"]');
    assert.deepEqual(await stepStatuses(page), Object.fromEntries(STEPS.map((s) => [s, 'passed'])));
    assert.match(await page.locator('#verdict').textContent(), /Valid/);
    // Recomputed and published values are shown side by side.
    const manifest = page.locator('#steps li[data-step="manifest"] dl.values dd');
    assert.equal(await manifest.count(), 2);
    assert.equal(await manifest.nth(0).textContent(), await manifest.nth(1).textContent());
    // drand is checked offline.
    assert.match(await page.locator('#steps li[data-step="randomness"]').textContent(), /signature verified/);
    // Quota table: every row met.
    const rows = page.locator('#quota-table tbody tr');
    assert.ok((await rows.count()) >= 10);
    assert.equal(await page.locator('#quota-table tbody tr.broken').count(), 0);
    // Probability profile: an inline SVG and the min, max and k/n figures.
    assert.equal(await page.locator('#proba-chart svg path.line').count(), 1);
    assert.match(await page.locator('[data-stat="kn"] dd').textContent(), /2\.0%.*40\/2,000/);
    assert.match(await page.locator('[data-stat="m"] dd').textContent(), /1,000/);
    const p = JSON.parse(wasm.selection_probabilities(example('lottery.json')));
    assert.match(await page.locator('[data-stat="min"] dd').textContent(), new RegExp(`\\(${p.min_count} of 1,000`));
    assert.match(await page.locator('[data-stat="max"] dd').textContent(), new RegExp(`\\(${p.max_count} of 1,000`));
    await shot(page, 'honest-lottery');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  for (const id of ['greedy', 'stratified']) {
    test(`the ${id} example is valid (portfolio not applicable)`, async () => {
      const page = await openPage(`?lang=en&bundle=examples/${id}.json`);
      await page.waitForSelector('#verdict[data-valid="true"]');
      const st = await stepStatuses(page);
      for (const s of STEPS) assert.equal(st[s], s === 'portfolio' ? 'skipped' : 'passed', s);
      assert.equal(await page.locator('#probabilities').isHidden(), true);
      if (id === 'stratified') assert.match(await page.locator('#quotas-note').textContent(), /for information/);
      await shot(page, `honest-${id}`);
      await page.close();
    });
  }
});

const OUTCOME_TEXT = {
  selected: /Outcome: selected \(seat \d+ of 40/,
  alternate: /Outcome: alternate number \d+/,
  'not-selected': /Outcome: not selected/,
};

describe('the Montpellier 2023 replay (kleroterion demo)', () => {
  test('its two stages are the first one-click examples', async () => {
    const page = await openPage();
    const ids = await page.$$eval('#examples button[data-example]', (bs) => bs.map((b) => b.dataset.example));
    assert.deepEqual(ids.slice(0, 2), ['montpellier-stage1', 'montpellier-stage2']);
    assert.ok(ids.includes('lottery') && ids.includes('greedy') && ids.includes('stratified'), ids.join(' '));
    assert.match(await page.locator('button[data-example="montpellier-stage1"]').textContent(), /Montpellier 2023, stage 1: invitations/);
    assert.match(await page.locator('button[data-example="montpellier-stage2"]').textContent(), /Montpellier 2023, stage 2: panel/);
    await page.close();
  });

  test('stage 2 (the panel): every step green, each randomness source checked, in both languages', async () => {
    const entry = exampleEntry('montpellier-stage2');
    const summary = JSON.parse(wasm.summary(example(entry.file)));
    const page = await openPage();
    await page.click('button[data-example="montpellier-stage2"]');
    await page.waitForSelector('#verdict[data-valid="true"]');
    assert.deepEqual(await stepStatuses(page), greenSteps(entry.method));
    assert.match(await page.locator('#summary').textContent(), /Montpellier/);
    await assertDemoSources(page, summary, 'en');
    await shot(page, 'montpellier-stage2');
    await page.click('button.lang[data-lang="fr"]');
    await assertDemoSources(page, summary, 'fr');
    assert.match(await page.locator('#verdict').textContent(), /Valide/);
    await shot(page, 'montpellier-stage2-fr');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('stage 2: the demo receipts give their outcome', async () => {
    const entry = exampleEntry('montpellier-stage2');
    assert.deepEqual(entry.receipts.map((r) => r.outcome), ['selected', 'alternate', 'not-selected']);
    const page = await openPage('?lang=en&bundle=examples/montpellier-stage2.json');
    await page.waitForSelector('#verdict[data-valid="true"]');
    for (const r of entry.receipts) {
      const answer = JSON.parse(wasm.check_receipt(example(r.file), example(entry.file)));
      assert.equal(answer.outcome.outcome, r.outcome.replace('-', '_'));
      await page.click(`button[data-receipt="${r.outcome}"]`);
      await page.waitForSelector(`#receipt-result[data-matches="true"][data-outcome="${r.outcome.replace('-', '_')}"]`);
      const text = await page.locator('#receipt-result').textContent();
      assert.ok(text.includes(`ticket ${r.ticket}`), text);
      assert.match(text, OUTCOME_TEXT[r.outcome]);
      await shot(page, `montpellier-receipt-${r.outcome}`);
    }
    await page.close();
  });

  test('stage 1 (invitations, 321,215 voters): one click, every step green, a receipt', async () => {
    const entry = exampleEntry('montpellier-stage1');
    const page = await openPage();
    await page.click('button[data-example="montpellier-stage1"]');
    await page.waitForSelector('#verdict[data-valid="true"]', { timeout: 120_000 });
    assert.deepEqual(await stepStatuses(page), greenSteps(entry.method));
    const summary = JSON.parse(wasm.summary(example(entry.file)));
    await assertDemoSources(page, summary, 'en');
    assert.ok(entry.receipts.length >= 1);
    const r = entry.receipts[0];
    await page.click(`button[data-receipt="${r.outcome}"]`);
    await page.waitForSelector(`#receipt-result[data-matches="true"][data-outcome="${r.outcome.replace('-', '_')}"]`, { timeout: 120_000 });
    assert.match(await page.locator('#receipt-result').textContent(), OUTCOME_TEXT[r.outcome]);
    await shot(page, 'montpellier-stage1');
    await page.close();
  });
});

// Each tampering, the step the core names for it, and what is checked.
const hexFlip = (h, i = 0) => h.slice(0, i) + (h[i] === '0' ? '1' : '0') + h.slice(i + 1);
const TAMPERS = [
  {
    name: 'format: the spec string',
    step: 'format',
    kind: 'UnsupportedSpec',
    edit: (b) => { b.spec = 'kleroterion/v9'; },
  },
  {
    name: 'manifest: the title changed after the commitment',
    step: 'manifest',
    kind: 'CommitmentMismatch',
    edit: (b) => { b.manifest.title += ' (modifié)'; },
  },
  {
    name: 'pool: a record’s feature value',
    step: 'pool',
    kind: 'PoolRootMismatch',
    edit: (b) => {
      const r = b.pool[5];
      r.values[0] = r.values[0] === 'femme' ? 'homme' : 'femme';
    },
  },
  {
    name: 'portfolio: a panel entry, re-committed',
    step: 'portfolio',
    kind: 'InvalidPortfolio',
    edit: (b) => {
      const panel = b.manifest.method.portfolio[17];
      panel[1] = panel[0];
      b.commitment = wasm.manifest_commitment(JSON.stringify(b.manifest));
    },
  },
  {
    name: 'randomness: a byte of the drand signature',
    step: 'randomness',
    kind: 'DrandSignature',
    edit: (b) => { b.reveal.sources[0].signature = hexFlip(b.reveal.sources[0].signature, 10); },
  },
  {
    name: 'randomness: the lottery named in the reveal',
    step: 'randomness',
    kind: 'RevealMismatch',
    edit: (b) => { b.reveal.sources[1].name = 'EuroDreams'; },
  },
  {
    name: 'seed: a byte of the seed',
    step: 'seed',
    kind: 'SeedMismatch',
    edit: (b) => { b.seed = hexFlip(b.seed, 7); },
  },
  {
    name: 'seed: a revealed lottery number',
    step: 'seed',
    kind: 'SeedMismatch',
    edit: (b) => { b.reveal.sources[1].numbers[0] = 8; },
  },
  {
    name: 'draw: two selected tickets swapped',
    step: 'draw',
    kind: 'DrawMismatch',
    edit: (b) => {
      const s = b.result.selected;
      [s[0], s[1]] = [s[1], s[0]];
    },
  },
  {
    // The quotas step itself cannot be reached by editing a bundle: the panel is pinned by
    // the draw step, and the method guarantees the quotas. A changed quota is caught earlier.
    name: 'quotas: a quota bound tightened (caught at the commitment)',
    step: 'manifest',
    kind: 'CommitmentMismatch',
    edit: (b) => { b.manifest.features[0].values[0].max -= 1; },
  },
  {
    name: 'quotas: a quota bound tightened and re-committed (caught at the portfolio)',
    step: 'portfolio',
    kind: 'InvalidPortfolio',
    edit: (b) => {
      const v = b.manifest.features[1].values[0];
      v.max = v.min;
      v.min = Math.max(0, v.min - 1);
      b.manifest.features[1].values[0] = v;
      b.commitment = wasm.manifest_commitment(JSON.stringify(b.manifest));
    },
  },
  {
    name: 'transcript: changed',
    step: 'transcript',
    kind: 'TranscriptMismatch',
    edit: (b) => { b.transcript = hexFlip(b.transcript, 63); },
  },
];

describe('tampered bundles show red and name the step', () => {
  for (const [i, c] of TAMPERS.entries()) {
    test(c.name, async () => {
      const b = honestLottery();
      c.edit(b);
      const text = JSON.stringify(b);
      // The core's own verdict, through the same wasm in Node.
      const report = JSON.parse(wasm.verify(text));
      assert.equal(report.valid, false);
      assert.equal(report.steps.find((s) => s.status === 'failed')?.id, c.step);
      assert.equal(report.error_kind, c.kind);

      const page = await openPage();
      await loadBundle(page, text, `tampered-${c.step}.json`);
      await page.waitForSelector(`#verdict[data-valid="false"][data-failed-step="${c.step}"]`);
      const st = await stepStatuses(page);
      const at = STEPS.indexOf(c.step);
      for (const [j, s] of STEPS.entries()) {
        if (j < at) assert.ok(['passed', 'skipped'].includes(st[s]), `${s} before ${c.step}: ${st[s]}`);
        if (j === at) assert.equal(st[s], 'failed');
        if (j > at) assert.equal(st[s], 'not_checked', s);
      }
      const verdict = await page.locator('#verdict').textContent();
      const title = await page.locator(`#steps li[data-step="${c.step}"] .step-title`).textContent();
      assert.ok(verdict.includes(title), `the verdict names the step: ${verdict}`);
      assert.ok(verdict.includes(report.error), 'the first difference is explained');
      assert.ok(verdict.includes(c.kind));
      await shot(page, `tampered-${String(i).padStart(2, '0')}-${c.step}`);
      await page.close();
    });
  }

  test('a file that is not a bundle fails at the format step', async () => {
    const page = await openPage();
    await loadBundle(page, '{"hello": "world"}', 'not-a-bundle.json');
    await page.waitForSelector('#verdict[data-valid="false"][data-failed-step="format"]');
    await page.close();
  });
});

describe('receipts', () => {
  for (const [outcome, want] of [['selected', /selected \(seat 3 of 40/], ['alternate', /alternate number 1\b/], ['not-selected', /not selected/]]) {
    test(`a valid receipt (${outcome}) gives its outcome`, async () => {
      const page = await openPage('?lang=en&bundle=examples/lottery.json');
      await page.waitForSelector('#verdict[data-valid="true"]');
      await page.click(`button[data-receipt="${outcome}"]`);
      await page.waitForSelector('#receipt-result[data-matches="true"]');
      const receipt = JSON.parse(example(`lottery-receipt-${outcome}.json`));
      const text = await page.locator('#receipt-result').textContent();
      assert.ok(text.includes(`ticket ${receipt.record.ticket}`), text);
      assert.ok(text.includes(`genre = ${receipt.record.values[0]}`), text);
      assert.match(text, /proof of \d+ hashes checked against the committed root/);
      assert.match(text, want);
      await shot(page, `receipt-${outcome}`);
      await page.close();
    });
  }

  const forgeries = [
    ['a changed feature value', (r) => { r.record.values[1] = r.record.values[1] === '65+' ? '16-24' : '65+'; }],
    ['a changed proof byte', (r) => { r.proof[3] = hexFlip(r.proof[3], 20); }],
    ['another index', (r) => { r.index += 1; }],
  ];
  for (const [name, forge] of forgeries) {
    test(`a forged receipt (${name}) is rejected`, async () => {
      const page = await openPage('?lang=en&bundle=examples/lottery.json');
      await page.waitForSelector('#verdict[data-valid="true"]');
      const r = JSON.parse(example('lottery-receipt-selected.json'));
      forge(r);
      await page.fill('#receipt-text', JSON.stringify(r));
      await page.click('#receipt-form button[type="submit"]');
      await page.waitForSelector('#receipt-result[data-matches="false"]');
      const text = await page.locator('#receipt-result').textContent();
      assert.match(text, /This receipt does not match this draw/);
      assert.match(text, /ReceiptMismatch/);
      await shot(page, `receipt-forged-${name.replace(/\W+/g, '-')}`);
      await page.close();
    });
  }

  test('a receipt of another draw does not match', async () => {
    const page = await openPage('?lang=en&bundle=examples/greedy.json');
    await page.waitForSelector('#verdict[data-valid="true"]');
    await page.fill('#receipt-text', example('lottery-receipt-selected.json'));
    await page.keyboard.press('Tab');
    await page.click('#receipt-form button[type="submit"]');
    await page.waitForSelector('#receipt-result[data-matches="false"]');
    await page.close();
  });
});

describe('planning: which drand round to commit to', () => {
  async function plan(page, chain, time) {
    await page.selectOption('#plan-chain', chain);
    await page.fill('#plan-time', time);
    await page.click('#plan-form button[type="submit"]');
    await page.waitForSelector('#plan-result.ok, #plan-result.bad');
  }

  test('quicknet and mainnet: the first round at or after a UTC time', async () => {
    const page = await openPage();
    // Shown before any bundle is loaded, with a time filled in.
    assert.equal(await page.locator('#plan').isVisible(), true);
    assert.match(await page.inputValue('#plan-time'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
    await plan(page, 'quicknet', '2023-08-23T15:09:30Z');
    assert.equal(await page.getAttribute('#plan-result', 'data-round'), '2');
    assert.equal(await page.getAttribute('#plan-result', 'data-time'), '2023-08-23T15:09:30Z');
    const text = await page.locator('#plan-result').textContent();
    assert.match(text, /Round 2 of quicknet, produced at 2023-08-23T15:09:30Z \(UTC\)/);
    assert.match(text, /52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971/);
    await plan(page, 'mainnet', '2020-07-22T15:18:00Z');
    assert.equal(await page.getAttribute('#plan-result', 'data-round'), '2');
    assert.equal(await page.getAttribute('#plan-result', 'data-time'), '2020-07-22T15:18:00Z');
    // One second later: the next round, 29 s after.
    await plan(page, 'mainnet', '2020-07-22T15:18:01Z');
    assert.equal(await page.getAttribute('#plan-result', 'data-round'), '3');
    assert.match(await page.locator('#plan-result').textContent(), /29 s later/);
    // The same as the wasm in Node.
    const want = JSON.parse(wasm.first_drand_round('quicknet', '2026-07-23T07:38:29Z'));
    await plan(page, 'quicknet', '2026-07-23T07:38:29Z');
    assert.equal(await page.getAttribute('#plan-result', 'data-round'), String(want.round));
    await shot(page, 'plan');
    // French, and a time that cannot be read.
    await page.click('button.lang[data-lang="fr"]');
    assert.match(await page.locator('#plan-result').textContent(), /Tour \d+ de quicknet, produit le/);
    await plan(page, 'quicknet', '2023-02-30T12:00:00Z');
    assert.match(await page.locator('#plan-result.bad').textContent(), /ne peut pas être lu.*2023-02-30/s);
    await shot(page, 'plan-error-fr');
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});

describe('language, loading and accessibility', () => {
  test('the language switch translates the page and the report', async () => {
    const page = await openPage('?lang=en&bundle=examples/lottery.json');
    await page.waitForSelector('#verdict[data-valid="true"]');
    assert.equal(await page.locator('h1').textContent(), 'Verify a draw by lot');
    await page.click('button.lang[data-lang="fr"]');
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    assert.equal(await page.locator('h1').textContent(), 'Vérifier un tirage au sort');
    assert.equal(await page.getAttribute('button.lang[data-lang="fr"]', 'aria-pressed'), 'true');
    assert.match(await page.locator('#verdict').textContent(), /Valide/);
    assert.equal(
      await page.locator('#steps li[data-step="manifest"] .step-title').textContent(),
      'Le manifeste correspond à l’engagement publié',
    );
    assert.match(await page.locator('[data-stat="kn"] dd').textContent(), /2,0\s?%/);
    await page.click('button[data-receipt="alternate"]');
    await page.waitForSelector('#receipt-result[data-matches="true"]');
    assert.match(await page.locator('#receipt-result').textContent(), /suppléant numéro 1/);
    await shot(page, 'french');
    await page.click('button.lang[data-lang="en"]');
    assert.equal(await page.locator('h1').textContent(), 'Verify a draw by lot');
    assert.match(await page.locator('#receipt-result').textContent(), /alternate number 1/);
    await page.close();
  });

  test('a tampered bundle is explained in French', async () => {
    const page = await openPage('?lang=fr');
    const b = honestLottery();
    b.pool[0].values[0] = b.pool[0].values[0] === 'femme' ? 'homme' : 'femme';
    await loadBundle(page, JSON.stringify(b));
    await page.waitForSelector('#verdict[data-valid="false"][data-failed-step="pool"]');
    assert.match(await page.locator('#verdict').textContent(), /Non valide.*Le vivier publié n’est pas celui qui a été engagé/s);
    await shot(page, 'french-tampered');
    await page.close();
  });

  test('?bundle= only loads files of the same site', async () => {
    const page = await openPage('?lang=en&bundle=https://example.org/bundle.json');
    await page.waitForFunction(() => /Refused/.test(document.getElementById('load-status').textContent));
    assert.equal(await page.locator('#result').isHidden(), true);
    await page.close();
  });

  test('keyboard: the drop zone opens the file picker, and a file can be dropped', async () => {
    const page = await openPage();
    // Enter on the focused drop zone opens the file picker (the picker itself is native UI:
    // record the call rather than depend on the browser's dialog interception).
    await page.evaluate(() => {
      const input = document.getElementById('bundle-file');
      window.pickerOpened = 0;
      input.click = () => { window.pickerOpened += 1; };
    });
    await page.focus('#dropzone');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'dropzone');
    await page.keyboard.press('Enter');
    await page.keyboard.press(' ');
    assert.equal(await page.evaluate(() => window.pickerOpened), 2);
    await page.setInputFiles('#bundle-file', { name: 'greedy.json', mimeType: 'application/json', buffer: Buffer.from(example('greedy.json')) });
    await page.waitForSelector('#verdict[data-valid="true"]');
    // Drag and drop of a file onto the drop zone.
    const dt = await page.evaluateHandle((text) => {
      const d = new DataTransfer();
      d.items.add(new File([text], 'stratified.json', { type: 'application/json' }));
      return d;
    }, example('stratified.json'));
    await page.dispatchEvent('#dropzone', 'drop', { dataTransfer: dt });
    await page.waitForFunction(() => /stratified\.json verified/.test(document.getElementById('load-status').textContent));
    assert.match(await page.locator('#summary').textContent(), /stratifi/);
    await page.close();
  });

  test('phone-sized screen: no horizontal scrolling', async () => {
    const page = await openPage('?lang=fr&bundle=examples/lottery.json');
    await page.setViewportSize({ width: 375, height: 740 });
    await page.waitForSelector('#verdict[data-valid="true"]');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
    await shot(page, 'phone');
    await page.close();
  });

  test('served, the page fetches the .wasm file (not the base64 copy) and the example index', async () => {
    const page = await context.newPage();
    const files = [];
    page.on('request', (req) => files.push(new URL(req.url()).pathname));
    await page.goto(`${server.url}/?lang=en`);
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.evaluate(() => document.body.dataset.from), 'server');
    assert.ok(files.includes('/pkg/kleroterion_wasm_bg.wasm'), files.join(' '));
    assert.ok(files.includes('/examples/index.json'), files.join(' '));
    assert.ok(!files.includes('/pkg/kleroterion_wasm_bytes.js'), files.join(' '));
    assert.ok(!files.includes('/examples/examples.js'), files.join(' '));
    await page.close();
  });

  test('no request left the site', () => {
    assert.deepEqual(external, []);
  });
});
