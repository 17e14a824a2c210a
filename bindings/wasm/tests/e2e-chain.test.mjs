// End-to-end tests of linked stages on the page (SPEC.md sections 5.3, 12.5 and 13), in
// headless Chromium, in English and French: the chain example verifies both stages, shows
// both verdicts and step lists and the response rates, whose numbers are recounted here from
// the two bundles' JSON; a stage loaded without its previous stage says the previous stage is
// needed, its chain steps not checked and the previous stage among the items to compare by
// hand, until the previous stage is given; a chain whose stage-2 record links to someone not
// invited fails at the `links` step, and each invented volunteer of the shared chain vectors
// (no link, not invited, one invitee linked twice, roll values that differ) at its own step;
// the previous stage's published commitment is checked;
// receipts of either stage give the person's path; axe-core finds no violation.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import {
  serve, launch, loadWasm, example, artifacts, greenSteps, STEPS, CHAIN_STEPS, WWW, VECTORS, noAxeViolations, byHandSubjects,
  chainExample, recountResponses, notInvitedChain, stepStatusesOf, verifyWithFacts, openPageAt,
} from './support.mjs';

/** The page's own texts (i18n.js) and its French for the core's (core-text.js), to compare
 * what it shows with what it means to say. */
const sandbox = { Intl };
sandbox.globalThis = sandbox;
runInNewContext(readFileSync(join(WWW, 'i18n.js'), 'utf8'), sandbox);
runInNewContext(readFileSync(join(WWW, 'core-text.js'), 'utf8'), sandbox);
const { MESSAGES } = sandbox.KleroterionI18n;
const coreText = (text, lang) => sandbox.KleroterionCoreText.translate(text, lang).text;

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
  context.on('request', (req) => {
    const u = req.url();
    if (!u.startsWith(server.url) && !u.startsWith('data:') && !u.startsWith('blob:')) external.push(u);
  });
});

after(async () => {
  await context?.close();
  await server?.close();
});

function openPage(query) {
  return openPageAt(context, `${server.url}/${query}`);
}

const file = (name, text) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });

/** Gives the previous stage through its own file input; resolves when the page took it. */
async function givePrevious(page, name, text) {
  const run = await page.getAttribute('#verdict', 'data-run');
  await page.setInputFiles('#previous-file', file(name, text));
  await page.waitForFunction((r) => {
    const s = document.getElementById('previous-status');
    const v = document.getElementById('verdict');
    return s.dataset.previous && (!v.dataset.run || v.dataset.run !== r || s.dataset.previous !== 'in-use');
  }, run);
}

/** The response table as the page shows it: per row, its cells' texts. */
async function responseRows(page) {
  return page.$$eval('#responses-table tbody tr', (trs) => trs.map((tr) => ({
    total: tr.dataset.total === 'true',
    feature: tr.dataset.feature ?? null,
    value: tr.dataset.value ?? null,
    invited: tr.querySelector('[data-col="invited"]').textContent,
    volunteered: tr.querySelector('[data-col="volunteered"]').textContent,
    rate: tr.querySelector('[data-col="rate"]').textContent,
  })));
}

/** The rows the page must show for `rows` (the recount), in `lang`. */
function expectedRows(rows, lang) {
  const nf = new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB');
  const rate = (r) => (lang === 'fr' ? r.replace('.', ',').replace('%', '\u202f%') : r);
  return rows.map((r) => ({
    total: r.feature === null,
    feature: r.feature,
    value: r.value,
    invited: nf.format(r.invited),
    volunteered: nf.format(r.volunteered),
    rate: rate(r.rate),
  }));
}

describe('linked stages', () => {
  for (const lang of ['en', 'fr']) {
    const M = MESSAGES[lang];

    test(`${lang}: the chain example verifies both stages, with the response rates recounted from the two bundles`, async () => {
      const { previous, stage } = chainExample();
      const prev = JSON.parse(previous);
      const b = JSON.parse(stage);
      const c = JSON.parse(wasm.verify_chain(stage, previous, wasm.published_facts('', ''), wasm.published_facts('', '')));
      const page = await openPage(`?lang=${lang}`);
      await page.click('button[data-example="chain"]');
      await page.waitForSelector('#chain[data-chain="checked"]');
      await page.waitForSelector('body[data-state="valid"]');

      // The chain's verdict, then each stage's.
      const chain = page.locator('#chain');
      assert.equal(await chain.getAttribute('data-verdict'), 'valid_if');
      const n = c.report.by_hand.length + c.previous.by_hand.length;
      assert.ok((await chain.locator('.verdict-head').textContent()).endsWith(
        M.chain_valid_if({ n, stage: c.report.by_hand.length, previous: c.previous.by_hand.length })));
      assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'valid_if');
      assert.equal(await page.getAttribute('#previous-verdict', 'data-verdict'), 'valid_if');
      assert.ok(!(await byHandSubjects(page)).includes('previous'));
      assert.equal(await page.locator('#previous-by-hand li[data-subject]').count(), c.previous.by_hand.length);

      // Both stages' steps: the stage's chain steps passed, the previous stage's not applicable.
      assert.deepEqual(await stepStatusesOf(page, '#steps'), greenSteps('lottery', 'passed', false, true));
      assert.deepEqual(await stepStatusesOf(page, '#previous-steps'), greenSteps('stratified'));
      assert.equal(await page.locator('#steps li[data-needs-previous]').count(), 0);
      for (const id of CHAIN_STEPS) {
        const li = page.locator(`#steps li[data-step="${id}"]`);
        assert.equal(await li.locator('.step-title').textContent(), M[`step_${id}`]);
        const plain = await li.locator('.step-plain').allTextContents();
        assert.ok(plain[0].endsWith(M[`step_${id}_what`]) && plain[1].endsWith(M[`step_${id}_proves`]), id);
        assert.equal(await li.locator('.badge').textContent(), M.status_passed);
      }
      assert.equal(await page.locator('#verdict .checked-list li[data-step="links"]').textContent(), `✔ ${M.step_links}`);

      // The response rates: the numbers recounted from the two bundles' JSON.
      const rows = recountResponses(prev, b);
      assert.deepEqual(c.responses, rows);
      assert.deepEqual(await responseRows(page), expectedRows(rows, lang));
      assert.equal(await page.locator('#responses-table caption').textContent(),
        M.responses_caption({ previous: prev.manifest.title, stage: b.manifest.title }));
      assert.equal(await page.getAttribute('#responses .table-scroll', 'aria-labelledby'), 'responses-caption');
      assert.equal(await page.locator('#responses-table tr[data-total] th').textContent(), M.responses_total);
      assert.deepEqual(await page.locator('#responses-table thead th').allTextContents(),
        [M.col_feature, M.col_value, M.col_invited, M.col_volunteered, M.col_rate]);

      // Both files' fingerprints.
      assert.equal(await page.getAttribute('#previous-summary [data-sha256]', 'data-sha256'), wasm.sha256_hex(Buffer.from(previous)));
      assert.equal(await page.getAttribute('#summary [data-sha256]', 'data-sha256'), wasm.sha256_hex(Buffer.from(stage)));
      assert.equal(await page.locator('#previous-status').textContent(), M.previous_in_use({ name: 'chain-stage1.json' }));
      await noAxeViolations(page, `${lang}: the chain example verified`);
      await page.screenshot({ path: join(shots, `wasm-chain-${lang}.png`), fullPage: true });
      assert.deepEqual(page.errors, []);
      await page.close();
    });

    test(`${lang}: a stage without its previous stage says the previous stage is needed, until it is given`, async () => {
      const { previous, stage } = chainExample();
      const b = JSON.parse(stage);
      const grouped = b.manifest.parent.commitment.match(/.{4}/g).join(' ');
      const page = await openPage(`?lang=${lang}&bundle=examples/chain-stage2.json`);
      await page.waitForSelector('#verdict[data-verdict="valid_if"]');
      assert.equal(await page.getAttribute('#chain', 'data-chain'), 'needs-previous');
      assert.ok((await page.locator('#chain .verdict-head').textContent()).endsWith(M.chain_needs_previous));
      assert.equal(await page.locator('#previous-needed').isVisible(), true);
      assert.equal(await page.locator('#previous-needed').textContent(), M.previous_needed({ commitment: grouped }));
      // The chain steps are not checked: each says the previous stage is needed, and none is
      // listed among the checks done by computation.
      for (const id of CHAIN_STEPS) {
        const li = page.locator(`#steps li[data-step="${id}"]`);
        assert.equal(await li.getAttribute('data-needs-previous'), 'true', id);
        assert.equal(await li.locator('.badge').textContent(), M.status_needs_previous, id);
        assert.equal(await page.locator(`#verdict .checked-list li[data-step="${id}"]`).count(), 0, id);
      }
      assert.equal(await page.locator('#steps li[data-step="links"] [data-note]').textContent(), M.links_alone_note);
      // The previous stage is the last item to compare by hand, its commitment in groups of 4.
      assert.equal((await byHandSubjects(page)).at(-1), 'previous');
      const item = page.locator('#by-hand li[data-subject="previous"]');
      assert.equal(await item.locator('.bh-what').textContent(), M.bh_previous_what);
      assert.equal(await item.locator('.commitment-groups').textContent(), grouped);
      assert.equal(await item.locator('.bh-record dd').textContent(), M.bh_previous_record);
      assert.equal(await page.locator('#responses').isHidden(), true);
      assert.equal(await page.locator('#previous-stage').isHidden(), true);
      await noAxeViolations(page, `${lang}: a stage whose previous stage is needed`);
      await page.screenshot({ path: join(shots, `wasm-chain-needs-previous-${lang}.png`), fullPage: true });
      // The button of the item takes the reader to the previous stage's file input.
      await item.locator('button[data-action="load-previous"]').click();
      assert.equal(await page.evaluate(() => document.activeElement.id), 'previous-file');

      // Given the previous stage, the chain is checked.
      await givePrevious(page, 'stage1.json', previous);
      await page.waitForSelector('#chain[data-chain="checked"][data-verdict="valid_if"]');
      assert.equal(await page.locator('#steps li[data-needs-previous]').count(), 0);
      assert.deepEqual(await stepStatusesOf(page, '#steps'), greenSteps('lottery', 'passed', false, true));
      assert.ok(!(await byHandSubjects(page)).includes('previous'));
      assert.equal(await page.locator('#previous-needed').isHidden(), true);
      assert.equal(await page.locator('#responses-table tbody tr').count(), 7);
      await noAxeViolations(page, `${lang}: the previous stage given`);

      // Removed again, the chain is no longer checked.
      await page.click('#previous-clear');
      await page.waitForSelector('#chain[data-chain="needs-previous"]');
      assert.equal((await byHandSubjects(page)).at(-1), 'previous');
      assert.deepEqual(page.errors, []);
      await page.close();
    });

    test(`${lang}: a stage-2 record linking to someone not invited fails the chain at the links step`, async () => {
      const t = notInvitedChain(wasm);
      const report = JSON.parse(wasm.verify_chain(t.stage, t.previous, wasm.published_facts('', ''), wasm.published_facts('', '')));
      assert.equal(report.report.error_kind, 'NotInvited');
      const page = await openPage(`?lang=${lang}`);
      await givePrevious(page, 'stage1.json', t.previous);
      assert.equal(await page.locator('#previous-status').textContent(), M.previous_waiting({ name: 'stage1.json' }));
      await page.setInputFiles('#bundle-file', file('stage2-not-invited.json', t.stage));
      await page.waitForSelector('body[data-state="invalid"]');
      const chain = page.locator('#chain');
      assert.equal(await chain.getAttribute('data-verdict'), 'invalid');
      assert.equal(await chain.getAttribute('data-failed-stage'), 'stage');
      assert.equal(await chain.getAttribute('data-failed-step'), 'links');
      assert.ok((await chain.locator('.verdict-head').textContent()).endsWith(M.chain_invalid_stage({ step: M.step_links })));
      const v = page.locator('#verdict');
      assert.equal(await v.getAttribute('data-failed-step'), 'links');
      assert.ok((await v.locator('.verdict-head').textContent()).endsWith(M.verdict_invalid({ step: M.step_links })));
      assert.equal(await v.locator('.failure').getAttribute('data-kind'), 'NotInvited');
      const failure = await v.locator('.failure').textContent();
      assert.ok(failure.includes(M.kind_NotInvited) && failure.includes(coreText(report.report.error, lang)), failure);
      const statuses = await stepStatusesOf(page, '#steps');
      const at = STEPS.indexOf('links');
      STEPS.forEach((s, i) => {
        if (i < at) assert.equal(statuses[s], 'passed', s);
        else assert.equal(statuses[s], i === at ? 'failed' : 'not_checked', s);
      });
      // The previous stage itself verifies; no response rate is given for a failed chain.
      assert.deepEqual(await stepStatusesOf(page, '#previous-steps'), greenSteps('stratified'));
      assert.equal(await page.locator('#responses-note').textContent(), M.responses_none);
      assert.equal(await page.locator('#responses .table-scroll').isHidden(), true);
      await noAxeViolations(page, `${lang}: a chain failed at its links step`);
      await page.screenshot({ path: join(shots, `wasm-chain-not-invited-${lang}.png`), fullPage: true });
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }

  // Each invented volunteer of the shared vectors (tests/vectors/chains.json): no link, a link
  // to someone not invited, two records linked to one invitee, a linked record whose roll
  // values differ (open and sealed), given to the page as files: each fails at its own step.
  test('every invented volunteer of the chain vectors fails the page at its own step', async () => {
    const cases = JSON.parse(readFileSync(join(VECTORS, 'chains.json'), 'utf8')).cases
      .filter((c) => c.bundle.manifest.parent && ['links', 'inherited'].includes(c.expect.failed_step));
    assert.deepEqual(cases.map((c) => c.expect.error_kind).sort(),
      ['DuplicateLink', 'InheritedMismatch', 'InheritedMismatch', 'LinkMissing', 'NotInvited']);
    for (const c of cases) {
      const page = await openPage('?lang=en');
      await givePrevious(page, 'previous.json', JSON.stringify(c.previous));
      await page.setInputFiles('#bundle-file', file(`${c.name}.json`, JSON.stringify(c.bundle)));
      await page.waitForSelector('body[data-state="invalid"]');
      const chain = page.locator('#chain');
      assert.equal(await chain.getAttribute('data-verdict'), 'invalid', c.name);
      assert.equal(await chain.getAttribute('data-failed-stage'), 'stage', c.name);
      assert.equal(await chain.getAttribute('data-failed-step'), c.expect.failed_step, c.name);
      const v = page.locator('#verdict');
      assert.equal(await v.getAttribute('data-failed-step'), c.expect.failed_step, c.name);
      assert.equal(await v.locator('.failure').getAttribute('data-kind'), c.expect.error_kind, c.name);
      // The previous stage itself verifies: the failure is the stage's own.
      const previous = Object.values(await stepStatusesOf(page, '#previous-steps'));
      assert.ok(previous.length === STEPS.length && !previous.includes('failed') && !previous.includes('not_checked'), c.name);
      assert.deepEqual(page.errors, [], c.name);
      await page.close();
    }
  });

  test('the previous stage’s commitment as published: a wrong one fails the previous stage, then the stage at its parent', async () => {
    const { previous } = chainExample();
    const right = JSON.parse(previous).commitment;
    const page = await openPage('?lang=en');
    await page.click('button[data-example="chain"]');
    await page.waitForSelector('#chain[data-verdict="valid_if"]');
    assert.equal(await page.locator('#previous-facts').isVisible(), true);
    assert.ok((await page.locator('#previous-by-hand li[data-subject]').allTextContents()).length > 0);
    assert.equal(await page.locator('#previous-by-hand li[data-subject="commitment"]').count(), 1);
    await page.fill('#previous-commitment', right.replace(/^./, (ch) => (ch === '0' ? '1' : '0')));
    await verifyWithFacts(page, {});
    await page.waitForSelector('#chain[data-verdict="invalid"]');
    assert.equal(await page.getAttribute('#chain', 'data-failed-stage'), 'previous');
    assert.equal(await page.getAttribute('#chain', 'data-failed-step'), 'manifest');
    assert.equal(await page.getAttribute('#previous-verdict', 'data-failed-step'), 'manifest');
    assert.equal(await page.getAttribute('#previous-verdict .failure', 'data-kind'), 'CommitmentMismatch');
    assert.equal(await page.getAttribute('#verdict', 'data-failed-step'), 'parent');
    assert.equal(await page.getAttribute('#verdict .failure', 'data-kind'), 'ParentMismatch');
    assert.ok((await page.locator('#verdict .failure').textContent()).includes(MESSAGES.en.kind_ParentMismatch));
    await noAxeViolations(page, 'a previous stage failed at its commitment');
    // The right one, grouped: the previous stage's commitment leaves its items to compare by hand.
    await page.fill('#previous-commitment', right.match(/.{4}/g).join(' '));
    await verifyWithFacts(page, {});
    await page.waitForSelector('#chain[data-verdict="valid_if"]');
    assert.equal(await page.locator('#previous-by-hand li[data-subject="commitment"]').count(), 0);
    assert.match(await page.locator('#previous-verdict [data-fact="commitment"]').textContent(), /The manifest hashes to the commitment you gave/);
    // An unreadable one leaves the chain unverified, with the field's error.
    await page.fill('#previous-commitment', 'not hex');
    await verifyWithFacts(page, {});
    assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'not_verified');
    assert.equal(await page.locator('#previous-commitment-error').isVisible(), true);
    assert.equal(await page.getAttribute('#previous-commitment', 'aria-invalid'), 'true');
    await noAxeViolations(page, 'an unreadable previous commitment');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('the wrong previous stage fails the stage at its parent step', async () => {
    const page = await openPage('?lang=en&previous=examples/stratified.json&bundle=examples/chain-stage2.json');
    await page.waitForSelector('#chain[data-verdict="invalid"]');
    assert.equal(await page.getAttribute('#chain', 'data-failed-stage'), 'stage');
    assert.equal(await page.getAttribute('#verdict', 'data-failed-step'), 'parent');
    assert.equal(await page.getAttribute('#verdict .failure', 'data-kind'), 'ParentMismatch');
    // A bundle that names no previous stage does not use the previous stage given.
    await page.setInputFiles('#bundle-file', file('greedy.json', example('greedy.json')));
    await page.waitForSelector('#verdict[data-valid="true"]');
    assert.equal(await page.locator('#chain').isHidden(), true);
    assert.equal(await page.getAttribute('#previous-status', 'data-previous'), 'unused');
    assert.deepEqual(await stepStatusesOf(page, '#steps'), greenSteps('greedy', 'skipped'));
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  for (const lang of ['en', 'fr']) {
    const M = MESSAGES[lang];
    test(`${lang}: receipts of either stage give the person's path along the chain`, async () => {
      const { entry, previous, stage } = chainExample();
      const prev = JSON.parse(previous);
      const b = JSON.parse(stage);
      const page = await openPage(`?lang=${lang}`);
      await page.click('button[data-example="chain"]');
      await page.waitForSelector('#chain[data-verdict="valid_if"]');
      // A receipt of the previous stage: invited, and answered.
      const invited = entry.previous_receipts.find((r) => r.outcome === 'selected');
      const answered = b.pool.find((r) => r.link === invited.ticket).ticket;
      await page.click('button[data-previous-receipt="selected"]');
      await page.waitForSelector('#receipt-result[data-stage="previous"][data-matches="true"]');
      const box = page.locator('#receipt-result');
      assert.equal(await box.getAttribute('data-established'), 'true');
      assert.equal(await box.getAttribute('data-invited'), 'selected');
      assert.equal(await box.getAttribute('data-answered'), 'true');
      const position = prev.result.selected.indexOf(invited.ticket) + 1;
      assert.equal(await box.locator('.outcome').textContent(), M.receipt_invited({ position, k: prev.manifest.panel_size }));
      assert.equal(await box.locator('.path').textContent(), M.path_answered({ ticket: answered }));
      await noAxeViolations(page, `${lang}: a previous stage's receipt checked along the chain`);
      // Someone not invited.
      await page.click('button[data-previous-receipt="not-selected"]');
      await page.waitForSelector('#receipt-result[data-stage="previous"][data-invited="no"]');
      assert.equal(await box.locator('.path').textContent(), M.path_not_invited);
      // A receipt of this stage: its record links to an invitee.
      const mine = entry.receipts.find((r) => r.outcome === 'selected');
      const link = b.pool.find((r) => r.ticket === mine.ticket).link;
      await page.click('button[data-receipt="selected"]');
      await page.waitForSelector('#receipt-result[data-stage="stage"][data-matches="true"]');
      assert.ok(prev.result.selected.includes(link) || prev.result.alternates.includes(link));
      assert.equal(await box.locator('.path').textContent(), M.path_linked({ link }));
      // Alone, it does not say "invited": only a receipt of the previous stage does.
      assert.equal(await box.getAttribute('data-invited'), 'no');
      assert.equal(await box.getAttribute('data-outcome'), 'selected');
      await noAxeViolations(page, `${lang}: a stage receipt checked along the chain`);
      await page.locator('#receipt').screenshot({ path: join(shots, `wasm-chain-receipt-${lang}.png`) });
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }

  test('no request leaves the site', () => {
    assert.deepEqual(external, []);
  });
});
