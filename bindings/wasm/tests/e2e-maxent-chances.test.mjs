// Everyone's exact chance of selection under a maxent draw (SPEC.md section 9.6, "Selection
// probabilities"), recomputed by the page from the committed count. The expected chances are
// found here without the core: every panel of k among the pool's records is listed, those
// that meet every quota and the household rule are kept, each weighted by the product of its
// members' weights (1 without weights), and the weights are summed in BigInt.
//
// In Node, through the wasm: the `maxent` example (16 volunteers, unequal chances), a weighted
// draw made from a vector with every bound feature counted, and the maxent draws of
// tests/vectors/draws.json, where a panel can be rejected and no exact chance is given (with
// why). In headless Chromium, in English and in French: the example's lowest and highest
// chance, each receipt's holder's chance, and the plain message of a draw that can reject.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve, launch, loadWasm, VECTORS, example, exampleEntry, openPageAt, nextRun } from './support.mjs';

const DRAWS = JSON.parse(readFileSync(join(VECTORS, 'draws.json'), 'utf8'));
const MAXENT = DRAWS.draws.filter((c) => c.manifest.method.name === 'maxent');

let wasm;
let server;
let context;

before(async () => {
  wasm = await loadWasm();
});

after(async () => {
  await context?.close();
  await server?.close();
});

/** The features whose quotas some panel of k could break: a value with a minimum, or with a
 * maximum below k. */
const boundFeatures = (m) => m.features.filter((f) => f.values.some((q) => q.min > 0 || q.max < m.panel_size)).map((f) => f.name);

/** Every panel of k records of the bundle's pool that meets every quota and the household
 * rule, weighted by the product of its members' weights: `{total, numerators}` in BigInt (the
 * weight of all those panels, and for each record in pool order the weight of those that hold
 * it). */
function bruteForce(bundle) {
  const { manifest: m, pool } = bundle;
  const k = m.panel_size;
  const n = pool.length;
  const weights = m.method.weights?.length ? m.method.weights.map(BigInt) : pool.map(() => 1n);
  const index = m.features.map((f) => new Map(f.values.map((q, i) => [q.value, i])));
  const rows = pool.map((r) => r.values.map((v, f) => index[f].get(v)));
  const numerators = pool.map(() => 0n);
  let total = 0n;
  const panel = [];
  const meets = () => {
    for (let f = 0; f < m.features.length; f++) {
      const counts = m.features[f].values.map(() => 0);
      for (const i of panel) counts[rows[i][f]]++;
      if (m.features[f].values.some((q, v) => counts[v] < q.min || counts[v] > q.max)) return false;
    }
    if (m.household_rule) {
      const keys = panel.map((i) => pool[i].household).filter((h) => h !== null && h !== undefined);
      if (new Set(keys).size !== keys.length) return false;
    }
    return true;
  };
  const walk = (from) => {
    if (panel.length === k) {
      if (!meets()) return;
      const w = panel.reduce((acc, i) => acc * weights[i], 1n);
      total += w;
      for (const i of panel) numerators[i] += w;
      return;
    }
    for (let i = from; i <= n - (k - panel.length); i++) {
      panel.push(i);
      walk(i + 1);
      panel.pop();
    }
  };
  walk(0);
  return { total, numerators };
}

/** The page's percentage of a chance, in the page's language. */
const percentOf = (lang, p) => new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { style: 'percent', maximumSignificantDigits: 4 }).format(p);
const grouped = (lang, x) => new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB').format(x);
/** A chance as the page writes it: the percentage, then the fraction n/Z. */
const chanceText = (lang, num, total) => `${percentOf(lang, Number(num) / Number(total))} (${grouped(lang, num)}/${grouped(lang, total)})`;

/** A weighted draw of the vectors made exact: every bound feature counted. */
function weightedExact() {
  const c = MAXENT.find((d) => d.manifest.method.weights?.length);
  assert.ok(c, 'draws.json holds a weighted maxent draw');
  const manifest = structuredClone(c.manifest);
  manifest.method.counted = boundFeatures(manifest);
  return wasm.draw(JSON.stringify(manifest), JSON.stringify(c.pool), JSON.stringify(c.reveal));
}

/** Asserts that the binding's chances are the brute force's, exactly. */
function assertExact(text, name) {
  const bundle = JSON.parse(text);
  const got = JSON.parse(wasm.maxent_chances(text));
  const want = bruteForce(bundle);
  assert.equal(got.exact, true, name);
  assert.equal(got.not_exact, null, name);
  assert.equal(got.total, String(want.total), name);
  assert.ok(want.total > 0n, name);
  assert.equal(got.panel_size, bundle.manifest.panel_size, name);
  assert.equal(got.pool_size, bundle.pool.length, name);
  assert.deepEqual(got.chances.map((c) => c.ticket), bundle.pool.map((r) => r.ticket), name);
  assert.deepEqual(got.chances.map((c) => c.numerator), want.numerators.map(String), name);
  got.chances.forEach((c, i) => {
    const p = Number(want.numerators[i]) / Number(want.total);
    assert.ok(Math.abs(c.probability - p) <= 1e-12, `${name}: ${c.ticket} ${c.probability} ${p}`);
  });
  // Each panel holds k people: the numerators add up to k·Z.
  assert.equal(want.numerators.reduce((a, b) => a + b, 0n), BigInt(bundle.manifest.panel_size) * want.total, name);
  const lowest = want.numerators.reduce((a, b) => (b < a ? b : a));
  const highest = want.numerators.reduce((a, b) => (b > a ? b : a));
  assert.equal(got.lowest.numerator, String(lowest), name);
  assert.equal(got.highest.numerator, String(highest), name);
  assert.equal(got.lowest.ticket, bundle.pool[want.numerators.indexOf(lowest)].ticket, name);
  assert.equal(got.highest.ticket, bundle.pool[want.numerators.indexOf(highest)].ticket, name);
  // The same from a bundle read once.
  const parsed = new wasm.ParsedBundle(text);
  assert.deepEqual(JSON.parse(parsed.maxent_chances()), got, name);
  parsed.free();
  return { bundle, got, want };
}

describe('exact chances in Node, against a brute force over every panel', () => {
  test('the maxent example: every bound feature counted, no shared household, unequal chances', () => {
    const entry = exampleEntry('maxent');
    assert.equal(entry.method, 'maxent');
    const text = example(entry.file);
    assert.equal(JSON.parse(wasm.verify(text)).valid, true);
    const { bundle, got, want } = assertExact(text, 'maxent');
    assert.ok(bundle.pool.length >= 14 && bundle.pool.length <= 18, 'small enough to list every panel');
    assert.deepEqual([...bundle.manifest.method.counted].sort(), boundFeatures(bundle.manifest).sort());
    assert.equal(bundle.manifest.method.weights?.length ?? 0, 0);
    assert.equal(got.weighted, false);
    assert.equal(bundle.result.rejections, 0);
    assert.ok(new Set(want.numerators).size >= 3, 'several different chances');
    // The example's receipts: selected, alternate, not selected.
    assert.deepEqual(entry.receipts.map((r) => r.outcome), ['selected', 'alternate', 'not-selected']);
  });

  test('a weighted draw of the vectors with every bound feature counted', () => {
    const text = weightedExact();
    assert.equal(JSON.parse(wasm.verify(text)).valid, true);
    const { got, want } = assertExact(text, 'weighted');
    assert.equal(got.weighted, true);
    assert.ok(new Set(want.numerators).size >= 3, 'several different chances');
  });

  test('the maxent draws of the vectors can reject a panel: no exact chance, and why', () => {
    assert.ok(MAXENT.length >= 1);
    let households = 0;
    for (const c of MAXENT) {
      const text = wasm.draw(JSON.stringify(c.manifest), JSON.stringify(c.pool), JSON.stringify(c.reveal));
      const got = JSON.parse(wasm.maxent_chances(text));
      assert.equal(got.exact, false, c.name);
      assert.equal(got.total, null, c.name);
      assert.deepEqual(got.chances, [], c.name);
      assert.equal(got.lowest, null, c.name);
      const uncounted = boundFeatures(c.manifest).filter((f) => !c.manifest.method.counted.includes(f));
      assert.deepEqual(got.not_exact.uncounted, uncounted, c.name);
      const shared = got.not_exact.shared_household;
      if (c.manifest.household_rule && new Set(c.pool.filter((r) => r.household).map((r) => r.household)).size < c.pool.filter((r) => r.household).length) {
        households++;
        const [a, b] = shared;
        const key = (t) => c.pool.find((r) => r.ticket === t).household;
        assert.ok(a !== b && key(a) && key(a) === key(b), `${c.name}: ${a} and ${b} share a household`);
      } else {
        assert.equal(shared, null, c.name);
      }
    }
    assert.ok(households >= 1, 'a draw of the vectors has shared households under the rule');
  });

  test('another method is refused with a typed error', () => {
    for (const id of ['greedy', 'lottery']) {
      const text = example(`${id}.json`);
      assert.throws(() => wasm.maxent_chances(text), { name: 'NotMaxent' }, id);
      const parsed = new wasm.ParsedBundle(text);
      assert.throws(() => parsed.maxent_chances(), { name: 'NotMaxent' }, id);
      parsed.free();
    }
    assert.throws(() => wasm.maxent_chances('{"not": "a bundle"}'), (e) => e.name !== 'NotMaxent' && e.name !== 'Error');
  });
});

const WORDS = {
  en: {
    heading: "4. Everyone's chance of selection",
    note: /^Computed by this page from the committed count \(SPEC\.md section 9\.6\), not a claim of the bundle\. .*no panel drawn can be rejected/,
    min: 'Lowest chance',
    max: 'Highest chance',
    receipt: (chance) => `Your exact chance of selection, computed by this page from the committed count (not a claim of the bundle): ${chance}.`,
    notExact: 'The chances cannot be computed exactly from the count: a panel drawn can be rejected, and rejection changes everyone’s chance. Why:',
    uncounted: (f) => `the quotas of ${f} are not counted, so a panel drawn can break them and be rejected;`,
    household: (a, b) => `the household rule applies and volunteers share a household (tickets ${a} and ${b}, for example), so a panel drawn can hold two of them and be rejected;`,
  },
  fr: {
    heading: '4. La chance de chacun d’être tiré',
    note: /^Calculée par cette page à partir du décompte engagé \(SPEC\.md, partie 9\.6\), et non affirmée par le dossier\. .*aucun panel tiré ne peut être rejeté/,
    min: 'Chance la plus faible',
    max: 'Chance la plus forte',
    receipt: (chance) => `Votre chance exacte d’être tiré, calculée par cette page à partir du décompte engagé (et non affirmée par le dossier) : ${chance}.`,
    notExact: 'Les chances ne peuvent pas être calculées exactement à partir du décompte : un panel tiré peut être rejeté, et le rejet modifie la chance de chacun. Pourquoi :',
    uncounted: (f) => `les quotas de ${f} ne sont pas comptés : un panel tiré peut les enfreindre et être rejeté ;`,
    household: (a, b) => `la règle des foyers s’applique et des volontaires partagent un foyer (par exemple les tickets ${a} et ${b}) : un panel tiré peut en contenir deux et être rejeté ;`,
  },
};

describe('exact chances on the page, in headless Chromium', () => {
  before(async () => {
    server = await serve();
    context = await launch();
  });

  for (const lang of ['en', 'fr']) {
    test(`${lang}: the maxent example shows its verdict, the lowest and highest chance, and each receipt's holder's chance`, async () => {
      const w = WORDS[lang];
      const text = example('maxent.json');
      const bundle = JSON.parse(text);
      const want = bruteForce(bundle);
      const page = await openPageAt(context, `${server.url}/?lang=${lang}`);
      await page.click('button[data-example="maxent"]');
      await page.waitForSelector('body[data-state="valid"]');
      await page.waitForFunction(() => document.body.dataset.busy !== 'true');
      assert.equal(await page.getAttribute('#verdict', 'data-valid'), 'true');
      assert.match(await page.locator('#verdict').textContent(), lang === 'fr' ? /VALIDE si / : /VALID if /);

      const box = page.locator('#chances');
      assert.ok(await box.isVisible());
      assert.equal(await box.getAttribute('data-exact'), 'true');
      assert.equal(await page.locator('#chances-h').textContent(), w.heading);
      assert.match(await page.locator('#chances-note').textContent(), w.note);
      assert.ok(await page.locator('#chances-why').isHidden());
      const lowest = want.numerators.reduce((a, b) => (b < a ? b : a));
      const highest = want.numerators.reduce((a, b) => (b > a ? b : a));
      for (const [id, label, num] of [['min', w.min, lowest], ['max', w.max, highest]]) {
        const stat = page.locator(`#chances-stats [data-stat="${id}"]`);
        assert.equal(await stat.locator('dt').textContent(), label);
        assert.equal(await stat.getAttribute('data-numerator'), String(num));
        assert.equal(await stat.locator('dd').textContent(), chanceText(lang, num, want.total));
      }
      assert.equal(await page.locator('#chances-stats [data-stat="total"] dd').textContent(), grouped(lang, want.total));

      // Each example receipt: its holder's exact chance, below the outcome.
      const entry = exampleEntry('maxent');
      for (const r of entry.receipts) {
        await page.click(`button[data-receipt="${r.outcome}"]`);
        await page.waitForSelector(`#receipt-result[data-matches="true"][data-outcome="${r.outcome.replace('-', '_')}"]`);
        const i = bundle.pool.findIndex((x) => x.ticket === r.ticket);
        assert.ok(i >= 0, r.ticket);
        const line = page.locator('#receipt-result p.chance');
        assert.equal(await line.count(), 1, r.outcome);
        assert.equal(await line.getAttribute('data-numerator'), String(want.numerators[i]), r.outcome);
        assert.equal(await line.getAttribute('data-total'), String(want.total), r.outcome);
        assert.equal(await line.textContent(), w.receipt(chanceText(lang, want.numerators[i], want.total)), r.outcome);
      }
      if (lang === 'fr') assert.equal(await page.locator('[lang="en"]:visible:not(button.lang)').count(), 0, 'nothing shown marked as English');
      assert.deepEqual(page.errors, []);
      await page.close();
    });

    test(`${lang}: a maxent draw that can reject a panel says plainly why its chances are not exact`, async () => {
      const w = WORDS[lang];
      const c = MAXENT.find((d) => d.manifest.household_rule && d.pool.some((r) => r.household));
      assert.ok(c, 'draws.json holds a maxent draw with shared households under the rule');
      const text = wasm.draw(JSON.stringify(c.manifest), JSON.stringify(c.pool), JSON.stringify(c.reveal));
      const reason = JSON.parse(wasm.maxent_chances(text)).not_exact;
      const uncounted = boundFeatures(c.manifest).filter((f) => !c.manifest.method.counted.includes(f));
      assert.ok(uncounted.length >= 1, c.name);
      const page = await openPageAt(context, `${server.url}/?lang=${lang}`);
      const run = await page.getAttribute('#verdict', 'data-run');
      await page.setInputFiles('#bundle-file', { name: `${c.name}.json`, mimeType: 'application/json', buffer: Buffer.from(text) });
      await nextRun(page, run);
      await page.waitForFunction(() => document.body.dataset.busy !== 'true');
      assert.equal(await page.getAttribute('#verdict', 'data-valid'), 'true');
      assert.equal(await page.getAttribute('#chances', 'data-exact'), 'false');
      assert.equal(await page.locator('#chances-note').textContent(), w.notExact);
      assert.ok(await page.locator('#chances-stats').isHidden());
      const reasons = await page.$$eval('#chances-why li', (lis) => lis.map((li) => [li.dataset.reason, li.textContent]));
      assert.deepEqual(reasons.slice(0, 2), [
        ['uncounted', w.uncounted(uncounted.join(', '))],
        ['household', w.household(...reason.shared_household)],
      ]);
      assert.equal(reasons[2][0], 'estimate');
      assert.equal(reasons.length, 3);
      if (lang === 'fr') assert.equal(await page.locator('[lang="en"]:visible:not(button.lang)').count(), 0, 'nothing shown marked as English');
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }

  test('a weighted exact draw loaded as a file shows the weighted note and its extremes', async () => {
    const text = weightedExact();
    const want = bruteForce(JSON.parse(text));
    const page = await openPageAt(context, `${server.url}/?lang=en`);
    const run = await page.getAttribute('#verdict', 'data-run');
    await page.setInputFiles('#bundle-file', { name: 'weighted.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await nextRun(page, run);
    await page.waitForFunction(() => document.body.dataset.busy !== 'true');
    assert.equal(await page.getAttribute('#chances', 'data-exact'), 'true');
    assert.match(await page.locator('#chances-note').textContent(), /in proportion to the product of its members’ committed weights/);
    const lowest = want.numerators.reduce((a, b) => (b < a ? b : a));
    const highest = want.numerators.reduce((a, b) => (b > a ? b : a));
    assert.equal(await page.getAttribute('#chances-stats [data-stat="min"]', 'data-numerator'), String(lowest));
    assert.equal(await page.getAttribute('#chances-stats [data-stat="max"]', 'data-numerator'), String(highest));
    assert.equal(await page.locator('#chances-stats [data-stat="min"] dd').textContent(), chanceText('en', lowest, want.total));
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('another method shows no maxent chances', async () => {
    const page = await openPageAt(context, `${server.url}/?lang=en`);
    await page.click('button[data-example="greedy"]');
    await page.waitForSelector('body[data-state="valid"]');
    await page.waitForFunction(() => document.body.dataset.busy !== 'true');
    assert.ok(await page.locator('#chances').isHidden());
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
