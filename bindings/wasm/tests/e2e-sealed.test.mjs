// End-to-end tests of a sealed lottery on the page (SPEC.md section 4.1), in headless Chromium,
// in English and French: the sealed example verifies with its `openings` step passed, and
// every place that shows a person's values (the lists, the ticket search, the receipt check,
// the quota table, the printed report) shows those the bundle opens and says that the others
// are sealed; a bundle whose opened values were changed fails at the `openings` step; axe-core
// finds no violation after each action.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { serve, launch, loadWasm, example, exampleEntry, greenSteps, STEPS, WWW, artifacts, noAxeViolations, findTicket, openPageAt } from './support.mjs';


/** The page's own texts (i18n.js), to compare what it shows with what it means to say. */
const sandbox = { Intl };
sandbox.globalThis = sandbox;
runInNewContext(readFileSync(join(WWW, 'i18n.js'), 'utf8'), sandbox);
const { MESSAGES } = sandbox.KleroterionI18n;


let server;
let context;
let wasm;
let shots;

before(async () => {
  server = await serve();
  context = await launch();
  wasm = await loadWasm();
  shots = await artifacts();
});

after(async () => {
  await context?.close();
  await server?.close();
});

function openPage(lang) {
  return openPageAt(context, `${server.url}/?lang=${lang}`);
}

async function stepStatuses(page) {
  return page.$$eval('#steps li.step', (lis) => Object.fromEntries(lis.map((li) => [li.dataset.step, li.dataset.status])));
}

const sealedText = () => example('lottery-sealed.json');
const pairs = (features, values) => features.map((f, i) => `${f} = ${values[i]}`).join(', ');

/** The lists on the page: per list, each row's ticket and values, or the text of its
 * missing-values cell. */
async function lists(page) {
  return page.$$eval('#lists details', (ds) => Object.fromEntries(ds.map((d) => [d.dataset.list,
    [...d.querySelectorAll('tbody tr')].map((tr) => ({
      ticket: tr.querySelector('th').textContent,
      values: [...tr.querySelectorAll('td:not(.num)')].map((td) => td.textContent),
    }))])));
}

describe('a sealed lottery', () => {
  for (const lang of ['en', 'fr']) {
    const M = MESSAGES[lang];
    test(`${lang}: verifies with its openings step passed, and shows only the values the bundle opens`, async () => {
      const text = sealedText();
      const b = JSON.parse(text);
      const features = b.manifest.features.map((f) => f.name);
      const opened = new Map(b.openings.map((o) => [o.ticket, o.values]));
      const page = await openPage(lang);
      await page.click('button[data-example="lottery-sealed"]');
      await page.waitForSelector('#verdict[data-run]');
      await page.waitForSelector('body[data-state="valid"]');
      assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'valid_if');
      assert.deepEqual(await stepStatuses(page), greenSteps('lottery', 'passed', true));
      await noAxeViolations(page, `${lang}: the sealed example verified`);

      // The openings step and the portfolio step in plain words of this language.
      const openings = page.locator('#steps li[data-step="openings"]');
      assert.equal(await openings.locator('.step-title').textContent(), M.step_openings);
      const plain = await openings.locator('.step-plain').allTextContents();
      assert.equal(plain.length, 2);
      assert.ok(plain[0].endsWith(M.step_openings_what), plain[0]);
      assert.ok(plain[1].endsWith(M.step_openings_proves), plain[1]);
      const portfolio = page.locator('#steps li[data-step="portfolio"]');
      assert.equal(await portfolio.locator('.step-title').textContent(), M.step_portfolio_sealed);
      assert.ok((await portfolio.locator('.step-plain').first().textContent()).endsWith(M.step_portfolio_sealed_what));
      assert.equal(await page.locator('#summary [data-row="s_features"] [data-sealed]').textContent(), M.s_sealed_v);
      const glossary = await page.locator('#glossary dt').allTextContents();
      assert.ok(glossary.includes(M.glossary.at(-2)[0]) && glossary.includes(M.glossary.at(-1)[0]), glossary.join(', '));

      // The lists: the panel and the alternates, in order, with the values the bundle opens.
      assert.equal(await page.locator('#lists [data-sealed]').textContent(), M.list_sealed);
      const shown = await lists(page);
      const want = (tickets) => tickets.map((ticket) => ({ ticket, values: opened.get(ticket) }));
      assert.deepEqual(shown.selected, want(b.result.selected));
      assert.deepEqual(shown.alternates, want(b.result.alternates));
      await page.click('#lists details[data-list="selected"] summary');
      assert.deepEqual(await page.locator('#lists table[data-list="selected"] thead th').allTextContents(),
        [M.list_col_number, M.list_col_ticket, ...features]);
      await noAxeViolations(page, `${lang}: the sealed panel unfolded`);

      // The quota table: the panel counted from the openings, the pool's values sealed.
      const note = await page.locator('#quotas-note').textContent();
      assert.ok(note.includes(M.quotas_sealed), note);
      const rows = await page.$$eval('#quota-table tbody tr', (trs) => trs.map((tr) => ({
        value: tr.dataset.value, panel: tr.querySelector('td.strong').textContent, pool: tr.querySelector('td.sealed')?.textContent ?? null,
      })));
      const expected = b.manifest.features.flatMap((f, i) => f.values.map((v) => ({
        value: v.value,
        panel: String(b.result.selected.filter((t) => opened.get(t)[i] === v.value).length),
        pool: M.pool_sealed,
      })));
      assert.deepEqual(rows, expected);
      assert.equal(await page.locator('#quota-table tbody tr.broken').count(), 0);

      // Find my ticket: an alternate's values are opened, someone not drawn keeps them sealed.
      const alternate = b.result.alternates[1];
      let a = await findTicket(page, alternate);
      assert.deepEqual([a.outcome, a.values], ['alternate', 'opened']);
      assert.ok(a.text.includes(M.ticket_values_opened({ features: pairs(features, opened.get(alternate)) })), a.text);
      const outsider = b.pool.find((r) => !opened.has(r.ticket)).ticket;
      a = await findTicket(page, outsider);
      assert.deepEqual([a.outcome, a.values], ['not_selected', 'sealed']);
      assert.ok(a.text.includes(M.ticket_values_sealed), a.text);
      await noAxeViolations(page, `${lang}: a ticket search in a sealed pool`);
      await page.screenshot({ path: join(shots, `wasm-sealed-${lang}.png`), fullPage: true });
      assert.deepEqual(page.errors, []);
      await page.close();
    });

    test(`${lang}: a receipt of a sealed record shows the person's values and outcome`, async () => {
      const entry = exampleEntry('lottery-sealed');
      assert.deepEqual(entry.receipts.map((r) => r.outcome), ['selected', 'alternate', 'not-selected']);
      const b = JSON.parse(sealedText());
      const features = b.manifest.features.map((f) => f.name);
      const page = await openPage(lang);
      await page.click('button[data-example="lottery-sealed"]');
      await page.waitForSelector('body[data-state="valid"]');
      for (const r of entry.receipts) {
        const receipt = JSON.parse(example(r.file));
        assert.deepEqual(receipt.record.values, [], 'the record is sealed');
        const outcome = r.outcome.replace('-', '_');
        await page.click(`button[data-receipt="${r.outcome}"]`);
        await page.waitForSelector(`#receipt-result[data-matches="true"][data-outcome="${outcome}"]`);
        const box = page.locator('#receipt-result');
        assert.equal(await box.getAttribute('data-sealed'), 'true');
        assert.equal(await box.getAttribute('data-established'), 'true');
        const shown = await box.textContent();
        assert.ok(shown.includes(M.receipt_match_sealed({
          ticket: r.ticket, features: pairs(features, receipt.opening.values), hashes: receipt.proof.length,
        })), shown);
        const answer = JSON.parse(wasm.check_receipt(JSON.stringify(receipt), sealedText())).outcome;
        const said = outcome === 'selected'
          ? M.receipt_selected({ position: answer.position, k: b.manifest.panel_size })
          : outcome === 'alternate' ? M.receipt_alternate({ number: answer.number }) : M.receipt_not_selected;
        assert.equal(await box.locator('.outcome').textContent(), said);
      }
      await noAxeViolations(page, `${lang}: sealed receipts checked`);
      await page.locator('#receipt').screenshot({ path: join(shots, `wasm-sealed-receipt-${lang}.png`) });
      // A receipt without its opening does not match (SPEC.md section 13, check 5).
      const { opening, ...bare } = JSON.parse(example(entry.receipts[0].file));
      assert.ok(opening);
      await page.fill('#receipt-text', JSON.stringify(bare));
      await page.click('#receipt-form button[type="submit"]');
      await page.waitForSelector('#receipt-result[data-matches="false"]');
      assert.ok((await page.locator('#receipt-result').textContent()).includes(M.kind_ReceiptMismatch));
      assert.deepEqual(page.errors, []);
      await page.close();
    });

    test(`${lang}: opened values changed after the draw fail at the openings step`, async () => {
      const b = JSON.parse(sealedText());
      // The first panel member's first value, replaced by another declared value.
      const first = b.openings[0];
      const other = b.manifest.features[0].values.map((v) => v.value).find((v) => v !== first.values[0]);
      first.values[0] = other;
      const page = await openPage(lang);
      await page.setInputFiles('#bundle-file', { name: 'sealed-tampered.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(b)) });
      await page.waitForSelector('body[data-state="invalid"]');
      const v = page.locator('#verdict');
      assert.equal(await v.getAttribute('data-failed-step'), 'openings');
      assert.ok((await v.locator('.verdict-head').textContent()).endsWith(M.verdict_invalid({ step: M.step_openings })));
      assert.equal(await v.locator('.failure').getAttribute('data-kind'), 'OpeningMismatch');
      assert.ok((await v.locator('.failure').textContent()).includes(M.kind_OpeningMismatch));
      const at = STEPS.indexOf('openings');
      const statuses = await stepStatuses(page);
      const green = greenSteps('lottery', 'passed', true);
      STEPS.forEach((s, i) => assert.equal(statuses[s], i < at ? green[s] : i === at ? 'failed' : 'not_checked', s));
      // The changed values are shown nowhere: that member's values are not opened.
      const shown = await lists(page);
      assert.deepEqual(shown.selected[0], { ticket: first.ticket, values: [M.list_not_opened] });
      assert.deepEqual(shown.selected[1].values, b.openings[1].values);
      assert.ok((await page.locator('#quotas-note').textContent()).includes(M.quotas_unverified));
      await noAxeViolations(page, `${lang}: a sealed bundle with a changed opening`);
      await page.screenshot({ path: join(shots, `wasm-sealed-tampered-${lang}.png`), fullPage: true });
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }

  test('the printed report lists the panel with its opened values', async () => {
    const b = JSON.parse(sealedText());
    const page = await openPage('en');
    await page.click('button[data-example="lottery-sealed"]');
    await page.waitForSelector('body[data-state="valid"]');
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    await page.emulateMedia({ media: 'print' });
    const rows = await page.$$eval('#lists table[data-list="selected"] tbody tr', (trs) => trs.map((tr) => tr.checkVisibility()
      && [tr.querySelector('th').textContent, ...[...tr.querySelectorAll('td:not(.num)')].map((td) => td.textContent)]));
    assert.deepEqual(rows, b.openings.slice(0, b.result.selected.length).map((o) => [o.ticket, ...o.values]));
    assert.equal(await page.locator('#steps li[data-step="openings"]').isVisible(), true);
    await page.pdf({ path: join(shots, 'wasm-sealed-report.pdf') });
    await page.close();
  });
});
