// End-to-end tests of the verification page in headless Chromium (Debian's), driven by
// playwright-core. Run `bash bindings/wasm/build.sh` first, then `node --test tests/`.
// Screenshots of every state go to test-artifacts/ at the repository root.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  serve, launch, loadWasm, example, artifacts, exampleEntry, greenSteps, assertDemoSources, STEPS, hasExample,
  verifyWithFacts, byHandSubjects, textWithoutEnglish, openPageAt,
} from './support.mjs';

let server;
let context;
let wasm;
let shots;
const external = [];

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

function openPage(query = '?lang=en') {
  return openPageAt(context, `${server.url}/${query}`);
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `wasm-${name}.png`), fullPage: true });
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

async function stepStatuses(page) {
  return page.$$eval('#steps li.step', (lis) => Object.fromEntries(lis.map((li) => [li.dataset.step, li.dataset.status])));
}

const honestLottery = () => JSON.parse(example('lottery.json'));

describe('honest bundles', () => {
  test('the lottery example shows every step green, the quotas and the probability profile', async () => {
    const page = await openPage();
    await page.click('button[data-example="lottery"]');
    await page.waitForSelector('#verdict[data-valid="true"]');
    assert.deepEqual(await stepStatuses(page), greenSteps('lottery'));
    assert.match(await page.locator('#verdict .verdict-head').textContent(), /VALID if the 3 items below match their public records/);
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
      // Dice only: no source whose time a program knows.
      assert.deepEqual(await stepStatuses(page), greenSteps(id, id === 'greedy' ? 'skipped' : 'passed'));
      assert.equal(await page.locator('#probabilities').isHidden(), true);
      if (id === 'stratified') assert.match(await page.locator('#quotas-note').textContent(), /for information/);
      await shot(page, `honest-${id}`);
      await page.close();
    });
  }
});

const OUTCOME_TEXT = {
  selected: /Outcome: selected \(seat \d+ of 40 in draw order/,
  alternate: /Outcome: alternate number \d+/,
  'not-selected': /Outcome: not selected/,
};

const NO_DEMO = hasExample('montpellier-stage2') ? false : 'the Montpellier examples were not generated (kleroterion demo)';

describe('the Montpellier 2023 replay (kleroterion demo)', { skip: NO_DEMO }, () => {
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
    // The demo seals stage 2's features: its openings step passes. It names stage 1, not
    // loaded here: its links are checked alone, the rest of the chain is not.
    assert.equal(JSON.parse(example(entry.file)).manifest.sealed, true);
    assert.deepEqual(await stepStatuses(page), greenSteps(entry.method, 'skipped', true, 'alone'));
    assert.match(await page.locator('#summary').textContent(), /Montpellier/);
    await assertDemoSources(page, summary, 'en');
    await shot(page, 'montpellier-stage2');
    // A replay: said first, before the verdict.
    assert.equal(await page.getAttribute('#verdict > :first-child', 'data-banner'), 'replay');
    assert.equal((await byHandSubjects(page))[0], 'purpose');
    await page.click('button.lang[data-lang="fr"]');
    await assertDemoSources(page, summary, 'fr');
    assert.match(await page.locator('#verdict').textContent(), /VALIDE si les \d+ éléments ci-dessous/);
    assert.match(await page.locator('#verdict .banner').textContent(), /REJEU/);
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
    assert.deepEqual(await stepStatuses(page), greenSteps(entry.method, 'skipped'));
    const summary = JSON.parse(wasm.summary(example(entry.file)));
    await assertDemoSources(page, summary, 'en');
    assert.ok(entry.receipts.length >= 1);
    const r = entry.receipts[0];
    await page.click(`button[data-receipt="${r.outcome}"]`);
    await page.waitForSelector(`#receipt-result[data-matches="true"][data-outcome="${r.outcome.replace('-', '_')}"]`, { timeout: 120_000 });
    // Stage 1 invites 2,000 people: a selected receipt is an invitation, seat n of 2000.
    const want = r.outcome === 'selected' ? /Outcome: selected \(seat \d+ of 2000 in draw order/ : OUTCOME_TEXT[r.outcome];
    assert.match(await page.locator('#receipt-result').textContent(), want);
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
    edit: (b) => { b.reveal.sources[1].lottery = 'EuroDreams'; },
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
    edit: (b) => { b.reveal.sources[1].main[0] = 8; },
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
    // Only a maxent draw rejects panels (SPEC.md section 9.6); e2e-maxent.test.mjs changes a
    // maxent bundle's number.
    name: 'draw: a number of rejected panels given for a lottery',
    step: 'draw',
    kind: 'DrawMismatch',
    edit: (b) => { b.result.rejections = 2; },
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

// A bundle made in Node with the page's wasm: the stratified example's manifest, pool and
// reveal, with `change` applied to copies of them first.
function redraw(name, change) {
  const b = JSON.parse(example(name));
  const m = structuredClone(b.manifest);
  const reveal = structuredClone(b.reveal);
  change(m, reveal);
  return wasm.draw(JSON.stringify(m), JSON.stringify(b.pool), JSON.stringify(reveal));
}

// English words of the page's own texts; Unicode-aware bounds, so that no piece of an accented
// French word counts as one.
const ENGLISH = /(?<![\p{L}\p{N}])(the|and|with|comparing|commitment|published|numbers|stars|checked|items?|valid|record|draw|before|bonus|lottery|receipt|outcome|by hand)(?![\p{L}\p{N}])/iu;

describe('published facts: the commitment and the lottery results as published', () => {
  const lottery = () => JSON.parse(example('lottery.json'));
  const grouped = (hex) => hex.match(/.{4}/g).join(' ');

  test('without them, the verdict is VALID if the items to compare by hand match, and lists them', async () => {
    const b = lottery();
    const page = await openPage('?lang=en&bundle=examples/lottery.json');
    await page.waitForSelector('#verdict[data-verdict="valid_if"]');
    assert.equal(await page.locator('#commitment').isVisible(), true);
    assert.equal(await page.locator('label[for="commitment"]').textContent(), 'Commitment as published');
    const head = await page.locator('#verdict .verdict-head').textContent();
    assert.match(head, /VALID if the 3 items below match their public records/);
    assert.deepEqual(await byHandSubjects(page), ['commitment', 'announcement', 'lottery']);
    // The commitment in 16 groups of 4 hex digits.
    const c = page.locator('#by-hand li[data-subject="commitment"] .commitment-groups');
    assert.equal(await c.textContent(), grouped(b.commitment));
    // The announcement: before the earliest source (the drand round, before the EuroMillions draw).
    const drandTime = JSON.parse(wasm.summary(example('lottery.json'))).randomness[0].time;
    assert.match(await page.locator('#by-hand li[data-subject="announcement"]').textContent(), new RegExp(`before ${drandTime} \\(UTC\\)`));
    // The lottery: main numbers and stars apart, with the operator's result page.
    const l = page.locator('#by-hand li[data-subject="lottery"]');
    assert.match(await l.locator('.bh-what').textContent(), /EuroMillions, draw of 2026-07-24: compare the numbers/);
    assert.equal(await l.locator('[data-group="main"]').textContent(), 'numbers 7 19 23 36 44');
    assert.equal(await l.locator('[data-group="bonus-1"]').textContent(), 'stars 3 11');
    assert.equal(await l.locator('a').getAttribute('href'), 'https://www.fdj.fr/jeux-de-tirage/euromillions-my-million/resultats');
    // The lottery source is never shown as checked; drand is.
    const src = page.locator('#steps li[data-step="randomness"] li.source[data-source="lottery"]');
    assert.equal(await src.getAttribute('data-checked'), 'false');
    assert.ok(!(await src.textContent()).includes('✔'));
    assert.equal(await page.getAttribute('#steps li[data-step="randomness"] li.source[data-source="drand"]', 'data-checked'), 'true');
    // What was checked by computation is listed too, without the lottery; the manifest was
    // only compared with the bundle's own copy of the commitment.
    assert.ok((await page.locator('#verdict .checked-list li').count()) >= 8);
    assert.match(await page.locator('#verdict .checked-list li[data-step="manifest"]').textContent(), /the bundle’s own copy of the commitment/);
    await shot(page, 'by-hand');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('the commitment field is pre-filled from ?commitment=, and a correct one leaves the by-hand list', async () => {
    const b = lottery();
    const page = await openPage(`?lang=en&commitment=${b.commitment}&bundle=examples/lottery.json`);
    await page.waitForSelector('#verdict[data-verdict="valid_if"]');
    assert.equal(await page.inputValue('#commitment'), b.commitment);
    assert.deepEqual(await byHandSubjects(page), ['announcement', 'lottery']);
    assert.match(await page.locator('#verdict .verdict-head').textContent(), /VALID if the 2 items below/);
    assert.match(await page.locator('#verdict [data-fact="commitment"]').textContent(), /^✔ The manifest hashes to the commitment you gave$/);
    await page.close();
  });

  test('a commitment typed by hand (grouped, in capitals) is compared for the reader', async () => {
    const b = lottery();
    const page = await openPage('?lang=en&bundle=examples/lottery.json');
    await page.waitForSelector('#verdict[data-verdict="valid_if"]');
    assert.deepEqual(await byHandSubjects(page), ['commitment', 'announcement', 'lottery']);
    await verifyWithFacts(page, { commitment: grouped(b.commitment).toUpperCase() });
    assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'valid_if');
    assert.deepEqual(await byHandSubjects(page), ['announcement', 'lottery']);
    await page.close();
  });

  test('a wrong typed commitment gives a failed verdict with the computed and typed values', async () => {
    const b = lottery();
    const wrong = hexFlip(b.commitment, 5);
    const page = await openPage('?lang=en&bundle=examples/lottery.json');
    await page.waitForSelector('#verdict[data-verdict="valid_if"]');
    await verifyWithFacts(page, { commitment: wrong });
    await page.waitForSelector('#verdict[data-verdict="invalid"][data-failed-step="manifest"]');
    const v = page.locator('#verdict');
    assert.match(await v.locator('.verdict-head').textContent(), /INVALID: the check “The manifest hashes to the commitment” failed/);
    assert.equal(await v.locator('.failure').getAttribute('data-kind'), 'CommitmentMismatch');
    assert.equal(await v.locator('[data-value="computed"] dt').textContent(), 'Recomputed from the manifest');
    assert.equal(await v.locator('[data-value="computed"] dd').textContent(), b.commitment);
    assert.equal(await v.locator('[data-value="compared"] dt').textContent(), 'Commitment you gave');
    assert.equal(await v.locator('[data-value="compared"] dd').textContent(), wrong);
    assert.equal(await page.locator('#by-hand').count(), 0);
    assert.deepEqual(await stepStatuses(page), Object.fromEntries(STEPS.map((s, i) => [s, i === 0 ? 'passed' : i === 1 ? 'failed' : 'not_checked'])));
    await shot(page, 'commitment-wrong');
    // A receipt checked against this failed verification is not presented as an outcome.
    await page.click('button[data-receipt="selected"]');
    await page.waitForSelector('#receipt-result[data-matches="true"]');
    const box = page.locator('#receipt-result');
    assert.equal(await box.getAttribute('data-established'), 'false');
    assert.equal(await box.getAttribute('data-outcome'), null);
    assert.match(await box.getAttribute('class'), /neutral/);
    assert.doesNotMatch(await box.getAttribute('class'), /\bok\b/);
    const text = await box.textContent();
    assert.match(text, /the bundle failed verification: what it says about you \(selected or not\) therefore means nothing/);
    assert.doesNotMatch(text, /Outcome: selected/);
    await shot(page, 'receipt-failed-bundle');
    await page.close();
  });

  test('replacement records are recomputed: an honest one passes and names who dropped out, a tampered one fails', async () => {
    const text = example('lottery.json');
    const b = JSON.parse(text);
    const dropped = b.result.selected[0];
    const record = JSON.parse(wasm.replace(text, JSON.stringify([dropped])));
    const page = await openPage(`?lang=en&commitment=${b.commitment}&bundle=examples/lottery.json`);
    await page.waitForSelector('#verdict[data-verdict="valid_if"]');
    const upload = async (r, name) => {
      await page.setInputFiles('#replacements-file', { name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(r)) });
      await page.waitForFunction((n) => document.getElementById('replacements-names').textContent.includes(n), name);
    };
    await upload(record, 'replacement.json');
    await page.waitForSelector('#steps li[data-step="replacements"][data-status="passed"]');
    assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'valid_if');
    assert.ok((await page.locator('#steps li[data-step="replacements"]').textContent()).includes(dropped));
    const tampered = { ...record, hash: (record.hash[0] === '0' ? '1' : '0') + record.hash.slice(1) };
    await upload(tampered, 'tampered.json');
    await page.waitForSelector('#verdict[data-verdict="invalid"][data-failed-step="replacements"]');
    assert.equal(await page.locator('#verdict .failure').getAttribute('data-kind'), 'ReplacementMismatch');
    await page.setInputFiles('#replacements-file', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{') });
    await page.waitForSelector('#replacements-error:not([hidden])');
    assert.match(await page.locator('#replacements-error').textContent(), /broken\.json is not a readable replacement record/);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('text that is not a commitment is refused next to the field, and nothing is verified', async () => {
    const page = await openPage('?lang=en&bundle=examples/lottery.json');
    await page.waitForSelector('#verdict[data-verdict="valid_if"]');
    await verifyWithFacts(page, { commitment: 'not a commitment' });
    await page.waitForSelector('#verdict[data-verdict="not_verified"]');
    assert.equal(await page.locator('#commitment-error').isVisible(), true);
    assert.match(await page.locator('#commitment-error').textContent(), /give its 64 hexadecimal digits/);
    assert.equal(await page.getAttribute('#commitment', 'aria-invalid'), 'true');
    await page.close();
  });

  test('a bundle with ground lottery numbers fails when the published numbers are typed', async () => {
    const entry = exampleEntry('stratified');
    const [published] = entry.lotteries;
    assert.match(published, /^fr-loto@2026-11-11=4,15,27,33,41\+8$/);
    // The organiser drew again with other numbers until the panel suited them: the bundle is
    // consistent with itself.
    const ground = redraw('stratified.json', (m, reveal) => { reveal.sources[0].main = [4, 15, 27, 33, 42]; });
    assert.equal(JSON.parse(wasm.verify(ground)).verdict, 'valid_if');
    const page = await openPage();
    await loadBundle(page, ground, 'ground.json');
    await page.waitForSelector('#verdict[data-verdict="valid_if"]');
    // One field per group of numbers, labelled with the lottery's own names.
    const field = page.locator('#lottery-fields fieldset[data-lottery="fr-loto"][data-date="2026-11-11"]');
    assert.match(await field.locator('legend').textContent(), /Loto \(France\), draw of 2026-11-11/);
    assert.deepEqual(await field.locator('label').allTextContents(), ['numbers', 'numéro chance']);
    await field.locator('input[data-group="main"]').fill('4 15 27 33 41');
    await field.locator('input[data-group="bonus-1"]').fill('8');
    const run = await page.getAttribute('#verdict', 'data-run');
    await page.click('#facts-form button[type="submit"]');
    await page.waitForSelector(`#verdict[data-verdict="invalid"]:not([data-run="${run}"])`);
    assert.equal(await page.getAttribute('#verdict', 'data-failed-step'), 'randomness');
    const v = page.locator('#verdict');
    assert.equal(await v.locator('.failure').getAttribute('data-kind'), 'LotteryMismatch');
    assert.equal(await v.locator('[data-value="computed"] dt').textContent(), 'In the bundle');
    assert.match(await v.locator('[data-value="computed"] dd').textContent(), /numbers 4 15 27 33 42 · numéro chance 8/);
    assert.equal(await v.locator('[data-value="compared"] dt').textContent(), 'Published numbers you gave');
    assert.match(await v.locator('[data-value="compared"] dd').textContent(), /numbers 4 15 27 33 41 · numéro chance 8/);
    assert.match(await v.textContent(), /not the published ones/);
    await shot(page, 'lottery-ground');
    await page.close();
  });

  test('the published numbers of the honest draw match, and the lottery is still compared by hand', async () => {
    const entry = exampleEntry('lottery');
    const page = await openPage('?lang=en&bundle=examples/lottery.json');
    await page.waitForSelector('#verdict[data-verdict="valid_if"]');
    await verifyWithFacts(page, { lotteries: entry.lotteries.join('\n') });
    assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'valid_if');
    assert.deepEqual(await byHandSubjects(page), ['commitment', 'announcement', 'lottery']);
    assert.match(await page.locator('#by-hand li[data-subject="lottery"]').textContent(), /They match the numbers you gave: check that you copied those from the operator’s own page/);
    // A line that cannot be read is said next to the field.
    await verifyWithFacts(page, { lotteries: 'euromillions 2026-07-24 7 19' });
    assert.equal(await page.locator('#lotteries-error').isVisible(), true);
    assert.match(await page.locator('#lotteries-error').textContent(), /cannot be read/);
    await page.close();
  });

  test('a rehearsal, and a draw without a recipe, say so at the top', async () => {
    const rehearsal = redraw('stratified.json', (m) => { m.purpose = 'rehearsal'; });
    const page = await openPage();
    await loadBundle(page, rehearsal, 'rehearsal.json');
    await page.waitForSelector('#verdict[data-verdict="valid_if"]');
    assert.equal(await page.getAttribute('#verdict > :first-child', 'data-banner'), 'rehearsal');
    assert.match(await page.locator('#verdict > :first-child').textContent(), /REHEARSAL/);
    assert.deepEqual(await byHandSubjects(page), ['purpose', 'commitment', 'announcement', 'lottery']);
    assert.match(await page.locator('#summary').textContent(), /rehearsal \(not the assembly’s panel\)/);
    await shot(page, 'rehearsal');

    const uncommitted = redraw('stratified.json', (m) => { m.randomness = null; m.announced_at = null; });
    await loadBundle(page, uncommitted, 'uncommitted.json');
    await page.waitForSelector('#verdict [data-banner="uncommitted"]');
    assert.equal(await page.getAttribute('#verdict > :first-child', 'data-banner'), 'uncommitted');
    assert.match(await page.locator('#verdict > :first-child').textContent(), /RANDOMNESS NOT COMMITTED/);
    assert.deepEqual(await byHandSubjects(page), ['commitment', 'uncommitted', 'lottery']);
    assert.equal(await page.getAttribute('#steps li[data-step="time_order"]', 'data-status'), 'skipped');
    await shot(page, 'uncommitted');
    await page.close();
  });

  test('control and direction characters from a bundle are shown escaped', async () => {
    const b = JSON.parse(example('greedy.json'));
    b.manifest.title = 'Panel \u202elanoitan\u202c \u001b[2J\u0085';
    b.pool[0].ticket = 'T\u20661';
    const page = await openPage();
    await loadBundle(page, JSON.stringify(b), 'escapes.json');
    await page.waitForSelector('#verdict[data-verdict="invalid"]');
    assert.equal(await page.locator('#summary [data-row="s_title"] dd').textContent(), 'Panel \\u{202e}lanoitan\\u{202c} \\u{1b}[2J\\u{85}');
    const body = await page.evaluate(() => document.body.textContent);
    for (const ch of ['\u202e', '\u202c', '\u001b', '\u0085', '\u2066']) assert.ok(!body.includes(ch), `U+${ch.codePointAt(0).toString(16)} reached the page`);
    await shot(page, 'escaped');
    await page.close();
  });

  test('in French: every new element is in French', async () => {
    const b = lottery();
    const page = await openPage('?lang=fr&bundle=examples/lottery.json');
    await page.waitForSelector('#verdict[data-verdict="valid_if"]');
    assert.equal(await page.locator('label[for="commitment"]').textContent(), 'Engagement tel que publié');
    assert.match(await page.locator('#verdict .verdict-head').textContent(), /VALIDE si les 3 éléments ci-dessous correspondent à leurs traces publiques/);
    const l = page.locator('#by-hand li[data-subject="lottery"]');
    assert.equal(await l.locator('[data-group="main"]').textContent(), 'numéros 7 19 23 36 44');
    assert.equal(await l.locator('[data-group="bonus-1"]').textContent(), 'étoiles 3 11');
    for (const sel of ['#verdict', '#facts-form']) {
      const text = await textWithoutEnglish(page, sel);
      assert.doesNotMatch(text, ENGLISH, `${sel}: ${text}`);
    }
    await shot(page, 'by-hand-fr');
    // A wrong commitment, then the published numbers of another draw, in French.
    await verifyWithFacts(page, { commitment: hexFlip(b.commitment, 9) });
    await page.waitForSelector('#verdict[data-verdict="invalid"]');
    assert.match(await page.locator('#verdict .verdict-head').textContent(), /NON VALIDE : la vérification « Le manifeste correspond à l’engagement » a échoué/);
    assert.equal(await page.locator('#verdict [data-value="compared"] dt').textContent(), 'Engagement que vous avez saisi');
    await page.click('button[data-receipt="selected"]');
    await page.waitForSelector('#receipt-result[data-established="false"]');
    assert.match(await page.locator('#receipt-result').textContent(), /le dossier n’a pas passé la vérification/);
    for (const sel of ['#verdict', '#facts-form', '#receipt-result']) {
      const text = await textWithoutEnglish(page, sel);
      assert.doesNotMatch(text, ENGLISH, `${sel}: ${text}`);
    }
    await verifyWithFacts(page, { commitment: b.commitment, lotteries: 'euromillions@2026-07-24=7,19,23,36,45+3,11' });
    await page.waitForSelector('#verdict[data-verdict="invalid"][data-failed-step="randomness"]');
    assert.equal(await page.locator('#verdict [data-value="compared"] dt').textContent(), 'Numéros publiés que vous avez saisis');
    const text = await textWithoutEnglish(page, '#verdict');
    assert.doesNotMatch(text, ENGLISH, text);
    await shot(page, 'lottery-mismatch-fr');
    assert.deepEqual(page.errors, []);
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
    assert.match(await page.locator('#verdict').textContent(), /VALIDE si les 3 éléments ci-dessous correspondent à leurs traces publiques/);
    assert.equal(
      await page.locator('#steps li[data-step="manifest"] .step-title').textContent(),
      'Le manifeste correspond à l’engagement',
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
    assert.match(await page.locator('#verdict').textContent(), /NON VALIDE.*Le vivier publié n’est pas celui qui a été engagé/s);
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
