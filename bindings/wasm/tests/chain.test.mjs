// Linked stages (SPEC.md sections 5.3, 12.5 and 13) through the page's built module, in Node:
// `verify_chain` on the chain example (its response rates recounted from the two bundles'
// JSON), the same answers from bundles read once, a stage without its previous stage, a
// tampered chain, receipts along the chain (`check_path`), texts that are not bundles, and
// every case of the shared vectors tests/vectors/chains.json.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWasm, example, VECTORS, STEPS, greenSteps, chainExample, recountResponses, notInvitedChain } from './support.mjs';

let k;
before(async () => {
  k = await loadWasm();
});

const statuses = (report) => Object.fromEntries(report.steps.map((s) => [s.id, s.status]));
const failedStep = (report) => report.steps.find((s) => s.status === 'failed')?.id ?? null;
const noFacts = () => k.published_facts('', '');

test('the chain example verifies both stages, and its response rates are those recounted from the two bundles', () => {
  const { entry, previous, stage } = chainExample();
  assert.equal(entry.previous, 'chain-stage1.json');
  const c = JSON.parse(k.verify_chain(stage, previous, noFacts(), noFacts()));
  assert.equal(c.verdict, 'valid_if');
  assert.equal(c.valid, true);
  assert.deepEqual(statuses(c.previous), greenSteps('stratified'));
  assert.deepEqual(statuses(c.report), greenSteps('lottery', 'passed', false, true));
  assert.deepEqual(c.report.steps.map((s) => s.id), STEPS);
  // The previous stage given, nothing about it is left to compare by hand in the stage's report.
  assert.ok(!c.report.by_hand.some((i) => i.subject === 'previous'));
  const prev = JSON.parse(previous);
  const b = JSON.parse(stage);
  assert.deepEqual(b.manifest.parent.inherited, ['commune', 'genre']);
  const rows = recountResponses(prev, b);
  assert.deepEqual(c.responses, rows);
  // The recount is not trivial: several values, and someone invited did not answer.
  assert.equal(rows.length, 4 + 2 + 1);
  assert.ok(rows.at(-1).volunteered < rows.at(-1).invited);
  assert.equal(rows.at(-1).invited, prev.result.selected.length + prev.result.alternates.length);
  // Every record of the stage links to a distinct invitee.
  const invitees = new Set([...prev.result.selected, ...prev.result.alternates]);
  assert.equal(new Set(b.pool.map((r) => r.link)).size, b.pool.length);
  assert.ok(b.pool.every((r) => invitees.has(r.link)));
});

test('bundles read once give the same chain report, and the same path answers', () => {
  const { entry, previous, stage } = chainExample();
  const p = new k.ParsedBundle(stage);
  const q = new k.ParsedBundle(previous);
  for (const facts of [noFacts(), k.published_facts('00'.repeat(32), '')]) {
    assert.equal(p.verify_chain(q, facts, noFacts(), '[]', null), k.verify_chain(stage, previous, facts, noFacts(), '[]', null));
  }
  assert.deepEqual(JSON.parse(p.parent()), JSON.parse(k.parent(stage)));
  assert.equal(q.parent(), 'null');
  for (const r of entry.receipts) {
    const receipt = example(r.file);
    assert.equal(p.check_path(q, null, receipt), k.check_path(null, receipt, previous, stage), r.file);
  }
  for (const r of entry.previous_receipts) {
    const receipt = example(r.file);
    assert.equal(p.check_path(q, receipt, null), k.check_path(receipt, null, previous, stage), r.file);
  }
  p.free();
  q.free();
});

test('a stage verified without its previous stage: the chain is not checked, and the previous stage is to compare by hand', () => {
  const { stage } = chainExample();
  const b = JSON.parse(stage);
  const r = JSON.parse(k.verify(stage));
  assert.equal(r.verdict, 'valid_if');
  const s = statuses(r);
  // The links are checked for what needs no previous stage (each record has its own).
  assert.deepEqual([s.parent, s.links, s.inherited], ['skipped', 'passed', 'skipped']);
  const last = r.by_hand.at(-1);
  assert.equal(last.subject, 'previous');
  assert.equal(last.value, b.manifest.parent.commitment.match(/.{4}/g).join(' '));
  const parent = JSON.parse(k.parent(stage));
  assert.equal(parent.commitment, b.manifest.parent.commitment);
  assert.equal(parent.commitment_grouped, last.value);
  assert.deepEqual(parent.inherited, ['commune', 'genre']);
  assert.equal(k.parent(example('lottery.json')), 'null');
});

test('a record linking to someone the previous stage did not invite fails the chain at the links step', () => {
  const t = notInvitedChain(k);
  // Alone, the tampered stage verifies: only the previous stage shows the link is not an invitee.
  assert.equal(JSON.parse(k.verify(t.stage)).valid, true);
  const c = JSON.parse(k.verify_chain(t.stage, t.previous, noFacts(), noFacts()));
  assert.equal(c.verdict, 'invalid');
  assert.equal(c.previous.valid, true);
  assert.equal(failedStep(c.report), 'links');
  assert.equal(c.report.error_kind, 'NotInvited');
  assert.ok(c.report.error.includes(t.ticket) && c.report.error.includes(t.link), c.report.error);
  assert.deepEqual(c.responses, []);
});

test('the wrong previous stage, or one that fails, fails the stage at its parent step', () => {
  const { previous, stage } = chainExample();
  const wrong = JSON.parse(k.verify_chain(stage, example('stratified.json'), noFacts(), noFacts()));
  assert.equal(failedStep(wrong.report), 'parent');
  assert.equal(wrong.report.error_kind, 'ParentMismatch');
  assert.equal(wrong.verdict, 'invalid');
  // The previous stage's commitment as published differs: the previous stage fails at its
  // manifest step, and the stage at its parent step.
  const c = JSON.parse(k.verify_chain(stage, previous, noFacts(), k.published_facts('ab'.repeat(32), '')));
  assert.equal(failedStep(c.previous), 'manifest');
  assert.equal(c.previous.error_kind, 'CommitmentMismatch');
  assert.equal(failedStep(c.report), 'parent');
  assert.equal(c.verdict, 'invalid');
});

test('texts that are not bundles fail their format step and the chain; unreadable facts throw', () => {
  const { previous, stage } = chainExample();
  const a = JSON.parse(k.verify_chain('not json', previous, noFacts(), noFacts()));
  assert.deepEqual([a.verdict, failedStep(a.report), a.report.error_kind, a.previous.valid], ['invalid', 'format', 'UnreadableBundle', true]);
  const b = JSON.parse(k.verify_chain(stage, '{"format": "kleroterion-bundle"}', noFacts(), noFacts()));
  assert.deepEqual([b.verdict, failedStep(b.previous), b.responses], ['invalid', 'format', []]);
  const p = new k.ParsedBundle('not json');
  const q = new k.ParsedBundle(previous);
  assert.equal(p.verify_chain(q, noFacts(), noFacts()), k.verify_chain('not json', previous, noFacts(), noFacts()));
  assert.throws(() => k.verify_chain(stage, previous, 'not json', noFacts()), { name: 'Json' });
  assert.throws(() => k.verify_chain(stage, previous, noFacts(), noFacts(), 'not json'), { name: 'Json' });
});

test('receipts along the chain: invited, answered, linked; two people’s receipts are refused', () => {
  const { entry, previous, stage } = chainExample();
  const prev = JSON.parse(previous);
  const b = JSON.parse(stage);
  const byLink = new Map(b.pool.map((r) => [r.link, r.ticket]));
  const place = (ticket) => {
    const s = prev.result.selected.indexOf(ticket);
    if (s >= 0) return { place: 'selected', number: s + 1 };
    const a = prev.result.alternates.indexOf(ticket);
    return a >= 0 ? { place: 'alternate', number: a + 1 } : null;
  };
  for (const r of entry.previous_receipts) {
    const got = JSON.parse(k.check_path(example(r.file), null, previous, stage));
    assert.equal(got.matches, true, r.file);
    assert.equal(got.link, r.ticket);
    assert.deepEqual(got.invited, place(r.ticket), r.file);
    assert.equal(got.answered, byLink.get(r.ticket) ?? null, r.file);
    assert.equal(got.previous.ticket, r.ticket);
    assert.equal(got.current, null);
  }
  // The example's invited person answered: their path goes on into stage 2.
  assert.ok(JSON.parse(k.check_path(example(entry.previous_receipts[0].file), null, previous, stage)).answered);
  for (const r of entry.receipts) {
    const got = JSON.parse(k.check_path(null, example(r.file), previous, stage));
    const record = b.pool.find((x) => x.ticket === r.ticket);
    assert.equal(got.matches, true, r.file);
    assert.equal(got.link, record.link);
    assert.notEqual(place(record.link), null, r.file);
    // A receipt of the stage alone shows its link and its outcome; "invited" and "answered"
    // are said only from a receipt of the previous stage (SPEC.md section 13).
    assert.equal(got.invited, null, r.file);
    assert.equal(got.answered, null, r.file);
    assert.equal(got.current.outcome.outcome, r.outcome.replace('-', '_'));
  }
  // Both receipts of one person match; of two people, they do not.
  const mine = entry.receipts[0];
  const link = b.pool.find((x) => x.ticket === mine.ticket).link;
  const other = entry.previous_receipts.find((r) => r.ticket !== link);
  const two = JSON.parse(k.check_path(example(other.file), example(mine.file), previous, stage));
  assert.deepEqual([two.matches, two.error_kind], [false, 'ReceiptMismatch']);
  const none = JSON.parse(k.check_path(null, null, previous, stage));
  assert.deepEqual([none.matches, none.error_kind], [false, 'InvalidArgument']);
  // A stage receipt checked against another previous stage: its link is not an invitee there.
  const elsewhere = JSON.parse(k.check_path(null, example(mine.file), example('stratified.json'), stage));
  assert.deepEqual([elsewhere.matches, elsewhere.error_kind], [false, 'ReceiptMismatch']);
});

// ---- The shared vectors of chains (tests/vectors/chains.json) ----

const CHAINS = join(VECTORS, 'chains.json');
const NO_CHAINS = existsSync(CHAINS)
  ? false
  : 'tests/vectors/chains.json does not exist yet (the chain vectors are being generated): skipped until it does';
// JavaScript numbers lose integers above 2^53 (drand rounds are u64): such integers are
// carried as marked strings and written back as integers, as in parity.test.mjs.
const BIG = /(?<=[:[,]\s*)(\d{16,})(?=\s*[,\]}])/g;
const J = (v) => JSON.stringify(v).replace(/"#big#(\d+)"/g, '$1');
const loadChains = () => JSON.parse(readFileSync(CHAINS, 'utf8').replace(BIG, '"#big#$1"'));
const text = (v) => (typeof v === 'string' ? v : J(v));

/** A report's statuses in the form the expectation gives them: a list of statuses in step
 * order, a list of `{id, status}`, or an object by step id. */
function statusesLike(report, expected) {
  if (Array.isArray(expected)) {
    return typeof expected[0] === 'string'
      ? report.steps.map((s) => s.status)
      : report.steps.map((s) => ({ id: s.id, status: s.status }));
  }
  return statuses(report);
}

/** The fields of `got` that `want` names (a row of responses). */
const pick = (got, want) => Object.fromEntries(Object.keys(want).map((key) => [key, got?.[key]]));

test('chains.json: every case through verify_chain gives the expected verdict, failures, statuses and responses', { skip: NO_CHAINS }, () => {
  const v = loadChains();
  assert.ok(Array.isArray(v.cases) && v.cases.length > 0, 'chains.json lists no case');
  const wrong = [];
  for (const c of v.cases) {
    const e = c.expect;
    const got = JSON.parse(k.verify_chain(
      text(c.bundle),
      text(c.previous),
      J(c.published ?? {}),
      J(c.previous_published ?? {}),
      J(c.replacements ?? []),
      J(c.previous_replacements ?? []),
    ));
    const check = (what, have, want) => {
      try {
        assert.deepEqual(have, want);
      } catch {
        wrong.push(`${c.name}: ${what} is ${JSON.stringify(have)}, expected ${JSON.stringify(want)}`);
      }
    };
    if ('verdict' in e) check('the verdict', got.verdict, e.verdict);
    if ('previous_failed_step' in e) check('the previous stage’s failed step', failedStep(got.previous), e.previous_failed_step);
    if ('failed_step' in e) check('the failed step', failedStep(got.report), e.failed_step);
    // The kind of the stage's report (a failed previous stage fails the stage at its parent step).
    if ('error_kind' in e) check('the error kind', got.report.error_kind ?? null, e.error_kind);
    if ('previous_error_kind' in e) check('the previous stage’s error kind', got.previous.error_kind ?? null, e.previous_error_kind);
    if (e.statuses && typeof e.statuses === 'object' && !Array.isArray(e.statuses) && ('report' in e.statuses || 'previous' in e.statuses)) {
      for (const [key, want] of Object.entries(e.statuses)) {
        const report = key === 'previous' ? got.previous : got.report;
        check(`the ${key === 'previous' ? 'previous stage’s' : 'stage’s'} statuses`, statusesLike(report, want), want);
      }
    } else if (e.statuses) {
      check('the statuses', statusesLike(got.report, e.statuses), e.statuses);
    }
    if ('responses' in e) {
      check('the responses', got.responses.map((row, i) => pick(row, e.responses[i] ?? row)), e.responses);
    }
  }
  assert.deepEqual(wrong, []);
});

test('chains.json: each path through check_path', { skip: NO_CHAINS }, (t) => {
  const v = loadChains();
  const paths = v.paths ?? [];
  if (!paths.length) {
    t.skip('chains.json lists no path');
    return;
  }
  // A path names its bundles, or the case whose bundles it uses.
  const cases = new Map((v.cases ?? []).map((c) => [c.name, c]));
  const wrong = [];
  for (const p of paths) {
    const from = cases.get(p.case) ?? p;
    const previous = p.previous ?? from.previous;
    const bundle = p.bundle ?? from.bundle;
    const e = p.expect ?? p;
    if (!previous || !bundle) {
      wrong.push(`${p.name}: no bundles to check the path against`);
      continue;
    }
    const got = JSON.parse(k.check_path(
      p.previous_receipt ? text(p.previous_receipt) : null,
      p.receipt ? text(p.receipt) : null,
      text(previous),
      text(bundle),
    ));
    const matches = 'matches' in e ? e.matches : !e.error_kind;
    if (got.matches !== matches) wrong.push(`${p.name}: matches is ${got.matches}, expected ${matches} (${got.error})`);
    if (e.error_kind && got.error_kind !== e.error_kind) wrong.push(`${p.name}: error kind ${got.error_kind}, expected ${e.error_kind}`);
    if (!matches) continue;
    if ('invited' in e && JSON.stringify(got.invited) !== JSON.stringify(e.invited)) {
      wrong.push(`${p.name}: invited ${JSON.stringify(got.invited)}, expected ${JSON.stringify(e.invited)}`);
    }
    if ('answered' in e && got.answered !== e.answered) wrong.push(`${p.name}: answered ${got.answered}, expected ${e.answered}`);
    // The outcome in this stage, of the stage's receipt when it was given.
    const outcome = got.current?.outcome?.outcome ?? null;
    if ('outcome' in e && outcome !== e.outcome) wrong.push(`${p.name}: outcome ${outcome}, expected ${e.outcome}`);
  }
  assert.deepEqual(wrong, []);
});
