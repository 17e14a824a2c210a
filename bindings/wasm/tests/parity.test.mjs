// The shared vectors tests/vectors/*.json through the built wasm module, loaded in Node:
// the browser build must give exactly the native results.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadWasm, example, VECTORS } from './support.mjs';

let k;
// JavaScript numbers lose integers above 2^53 (the vectors hold u64 drand rounds): such
// integers are carried as marked strings and written back as integers.
const BIG = /(?<=[:[,]\s*)(\d{16,})(?=\s*[,\]}])/g;
const load = (name) => JSON.parse(readFileSync(join(VECTORS, `${name}.json`), 'utf8').replace(BIG, '"#big#$1"'));
const J = (v) => JSON.stringify(v).replace(/"#big#(\d+)"/g, '$1');
// The cases of a list of vectors, which must not be empty (so that a vector file that lost its
// cases cannot pass silently).
const cases = (v, key) => {
  assert.ok(Array.isArray(v[key]) && v[key].length > 0, `the list "${key}" is empty`);
  return v[key];
};

before(async () => {
  k = await loadWasm();
});

test('encoding: records, manifests, invalid manifests, lottery values, texts', () => {
  const v = load('encoding');
  for (const c of cases(v, 'records')) {
    const got = JSON.parse(k.record_encoding(J(c.record)));
    assert.equal(got.bytes, c.bytes);
    assert.equal(got.leaf, c.leaf);
  }
  for (const c of cases(v, 'manifests')) {
    const got = JSON.parse(k.manifest_encoding(J(c.manifest)));
    assert.equal(got.bytes, c.bytes);
    assert.equal(got.commitment, c.commitment);
    assert.equal(got.error, null);
    assert.equal(k.manifest_commitment(J(c.manifest)), c.commitment);
  }
  // One fault each, refused with the kind of SPEC section 5.1 (when reading or validating).
  const wrong = [];
  for (const c of cases(v, 'invalid_manifests')) {
    let kind;
    try {
      kind = JSON.parse(k.manifest_encoding(J(c.manifest))).error_kind;
    } catch (e) {
      kind = e.name;
    }
    if (kind !== c.error) wrong.push(`${c.what}: ${kind}, expected ${c.error}`);
  }
  assert.deepEqual(wrong, []);
  // A lottery value's val(s) bytes (in a reveal of one source) and its RFC 3797 string.
  for (const c of cases(v, 'lottery_values')) {
    const got = JSON.parse(k.reveal_seed(J({ sources: [c.value] }), '00'.repeat(32)));
    assert.equal(got.reveal_bytes, `00000001${c.bytes}`, J(c.value));
    assert.equal(got.rfc3797_key, `${c.rfc3797}/`, J(c.value));
  }
  for (const c of cases(v, 'invalid_texts')) {
    for (const kind of ['ticket', 'name', 'free']) {
      if (c.text === '' && kind === 'free') continue;
      assert.throws(() => k.check_text(c.text, kind), { name: 'InvalidText' }, `${c.reason} (${kind})`);
    }
  }
  for (const c of cases(v, 'valid_texts')) {
    for (const kind of ['ticket', 'name', 'free']) k.check_text(c.text, kind);
  }
});

test('merkle: roots, leaves, proofs and their verification', () => {
  for (const t of cases(load('merkle'), 'trees')) {
    const got = JSON.parse(k.merkle_tree(J(t.records)));
    assert.equal(got.root, t.root);
    assert.deepEqual(got.leaves, t.leaves);
    assert.deepEqual(got.proofs, t.proofs);
    cases(t, 'leaves').forEach((leaf, i) => {
      assert.equal(k.verify_inclusion(leaf, i, t.leaves.length, J(t.proofs[i]), t.root), true);
    });
  }
});

test('seed: reveal bytes, seed, RFC 3797 key', () => {
  for (const c of cases(load('seed'), 'cases')) {
    const got = JSON.parse(k.reveal_seed(J(c.reveal), c.commitment));
    assert.equal(got.reveal_bytes, c.reveal_bytes);
    assert.equal(got.seed, c.seed);
    assert.equal(got.rfc3797_key, c.rfc3797_key);
  }
});

test('stream: keys and 64-bit words', () => {
  for (const c of cases(load('stream'), 'cases')) {
    const key = k.stream_key(c.seed, c.purpose, c.index);
    assert.equal(key, c.key);
    assert.deepEqual(JSON.parse(k.stream_words(key, c.words64.length)), c.words64);
  }
});

test('sampling: uniform and sample', () => {
  const v = load('sampling');
  for (const c of cases(v, 'uniform')) {
    const got = JSON.parse(k.uniform(c.key, c.n, c.results.length));
    assert.deepEqual(got.results, c.results, `n = ${c.n}`);
    assert.equal(got.words_consumed, c.words_consumed, `n = ${c.n}`);
  }
  for (const c of cases(v, 'sample')) assert.deepEqual(JSON.parse(k.sample(c.key, c.n, c.k)), c.result);
});

test('draws: whole draws verify, failures fail, replacements match', () => {
  const v = load('draws');
  const bundles = new Map();
  let sealed = 0;
  let maxent = 0;
  for (const c of cases(v, 'draws')) {
    // A sealed draw takes every record's opening (what the organiser holds) and opens the
    // panel then the alternates; without them it is refused, and an open draw has nothing to open.
    let text;
    if (c.private_openings) {
      sealed += 1;
      text = k.draw_sealed(J(c.manifest), J(c.pool), J(c.reveal), J(c.private_openings));
      assert.deepEqual(JSON.parse(text).openings, c.openings, c.name);
      assert.throws(() => k.draw(J(c.manifest), J(c.pool), J(c.reveal)), { name: 'OpeningMismatch' }, c.name);
    } else {
      text = k.draw(J(c.manifest), J(c.pool), J(c.reveal));
      assert.equal(JSON.parse(text).openings, undefined, c.name);
      assert.throws(() => k.draw_sealed(J(c.manifest), J(c.pool), J(c.reveal), '[]'), { name: 'OpeningMismatch' }, c.name);
    }
    const b = JSON.parse(text);
    bundles.set(c.name, text);
    assert.equal(b.manifest.pool.root, c.intermediate.pool_root, c.name);
    assert.equal(b.commitment, c.commitment, c.name);
    assert.equal(b.seed, c.seed, c.name);
    assert.deepEqual(b.result.selected, c.selected, c.name);
    assert.deepEqual(b.result.alternates, c.alternates, c.name);
    assert.equal(b.transcript, c.transcript, c.name);
    // A maxent draw says how many panels it rejected before the panel (SPEC.md section 9.6);
    // the other methods' bundles have no such field.
    assert.equal(b.result.rejections, c.rejections, c.name);
    if (c.manifest.method.name === 'maxent') maxent += 1;
    // The draw pick by pick (SPEC.md section 10.3): the reference implementation's record.
    const parsed = new k.ParsedBundle(text);
    const { seed, picks } = JSON.parse(parsed.picks());
    assert.equal(JSON.parse(parsed.members()).rejections, c.rejections, c.name);
    parsed.free();
    assert.equal(seed, c.seed, c.name);
    const fields = ({ stream, index, value, rejected, among, position }) => ({ stream, index, value, rejected, among, position });
    assert.deepEqual(picks.map(fields), c.intermediate.picks, c.name);
    const byPick = picks.filter((p) => p.picked.kind === 'person').map((p) => p.ticket);
    // A lottery's and a maxent draw's picks choose the panel as a whole (a panel of the
    // portfolio, a number walked to a panel): only the alternates are people.
    if (['lottery', 'maxent'].includes(c.manifest.method.name)) assert.deepEqual(byPick, c.alternates, c.name);
    else if (c.manifest.method.name !== 'greedy') assert.deepEqual(byPick, [...c.selected, ...c.alternates], c.name);
    // A maxent attempt's picks are draws of its number, on the stream (panel, attempt): the
    // attempts 0 to `rejections`, in order; 0 among and at 0 when the number takes several
    // 64-bit draws (the count is 2^64 or more), never a person.
    const attempts = picks.filter((p) => p.picked.kind === 'attempt');
    if (c.manifest.method.name === 'maxent') {
      assert.deepEqual([...new Set(attempts.map((p) => p.picked.index))], Array.from({ length: c.rejections + 1 }, (_, a) => a), c.name);
      for (const p of attempts) {
        assert.deepEqual([p.stream, p.index, p.ticket], ['panel', p.picked.index, null], c.name);
        if (p.among === 0) assert.equal(p.position, 0, c.name);
      }
      assert.equal(picks.length, attempts.length + c.alternates.length, c.name);
    } else {
      assert.deepEqual(attempts, [], c.name);
    }
    const report = JSON.parse(k.verify(text));
    assert.equal(report.valid, true, `${c.name}: ${report.error}`);
    assert.equal(report.verdict, 'valid_if', c.name);
    const given = JSON.parse(k.verify_with(text, k.published_facts(c.commitment, ''), '[]'));
    assert.equal(given.valid, true, c.name);
    assert.ok(!given.by_hand.some((i) => i.subject === 'commitment'), c.name);
  }
  for (const c of cases(v, 'failures')) {
    assert.throws(() => k.draw(J(c.manifest), J(c.pool), J(c.reveal)), { name: c.error }, c.name);
  }
  assert.ok(sealed >= 1, 'draws.json holds a sealed draw');
  assert.ok(maxent >= 1, 'draws.json holds a maxent draw');
  const draws = new Map(v.draws.map((d) => [d.name, d]));
  for (const c of cases(v, 'replacements')) {
    const d = draws.get(c.draw);
    const r = JSON.parse(d.private_openings
      ? k.replace_sealed(bundles.get(c.draw), J(c.dropped), J({ spec: 'kleroterion/v2', openings: d.private_openings }))
      : k.replace(bundles.get(c.draw), J(c.dropped)));
    assert.deepEqual(r.replacements, c.replacements, c.draw);
    assert.deepEqual(r.panel, c.panel, c.draw);
    assert.deepEqual(r.broken_quotas, c.broken_quotas, c.draw);
    assert.equal(r.hash, c.hash, c.draw);
    // A sealed record opens exactly the records the rule read beyond the bundle's openings.
    if (d.private_openings) assert.deepEqual(r.openings ?? [], c.openings, c.draw);
  }
});

test('maxent: a changed, removed or added number of rejections fails at the draw step', () => {
  const v = load('draws');
  const failed = (b, name) => {
    const r = JSON.parse(k.verify(JSON.stringify(b)));
    assert.equal(r.valid, false, name);
    return [r.steps.find((s) => s.status === 'failed')?.id, r.error_kind, r.error];
  };
  let seen = 0;
  for (const c of cases(v, 'draws')) {
    const honest = JSON.parse(c.private_openings
      ? k.draw_sealed(J(c.manifest), J(c.pool), J(c.reveal), J(c.private_openings))
      : k.draw(J(c.manifest), J(c.pool), J(c.reveal)));
    if (c.manifest.method.name !== 'maxent') {
      const b = structuredClone(honest);
      b.result.rejections = 1;
      assert.deepEqual(failed(b, c.name),
        ['draw', 'DrawMismatch', `the bundle says 1 panels were rejected, but the ${c.manifest.method.name} method rejects none`], c.name);
      continue;
    }
    seen += 1;
    const more = structuredClone(honest);
    more.result.rejections = c.rejections + 1;
    assert.deepEqual(failed(more, c.name),
      ['draw', 'DrawMismatch', `the draw rejects ${c.rejections} panels before the panel, but the bundle says ${c.rejections + 1}`], c.name);
    const none = structuredClone(honest);
    delete none.result.rejections;
    assert.deepEqual(failed(none, c.name),
      ['draw', 'DrawMismatch', `the draw rejects ${c.rejections} panels before the panel, and the bundle does not say how many`], c.name);
    // The honest bundle's draw step says how many panels were rejected.
    const r = JSON.parse(k.verify(JSON.stringify(honest)));
    assert.ok(r.steps.find((s) => s.id === 'draw').detail.includes(
      `${c.rejections} panels drawn and rejected before the panel (a quota of a feature that is not counted, or the household rule)`), c.name);
  }
  assert.ok(seen >= 1, 'draws.json holds a maxent draw');
});

test('errors are JavaScript Errors named after the failure', () => {
  assert.throws(() => k.selection_probabilities('{'), { name: 'Json' });
  assert.throws(() => k.stream_words('zz', 1), { name: 'InvalidHex' });
  assert.throws(() => k.uniform('00'.repeat(32), '0', 1), { name: 'InvalidArgument' });
  const r = JSON.parse(k.verify('[]'));
  assert.equal(r.valid, false);
  assert.equal(r.verdict, 'invalid');
  assert.equal(r.steps[0].status, 'failed');
  assert.equal(r.error_kind, 'UnreadableBundle');
  assert.throws(() => k.published_facts('zz', ''), { name: 'InvalidCommitment' });
  assert.throws(() => k.published_facts('', 'euromillions@2026-12-04'), { name: 'InvalidReveal' });
  assert.throws(() => k.verify_with('{}', '3', '[]'), { name: 'Json' });
  assert.throws(() => k.verify_with('{}', '{}', '{}'), { name: 'Json' });
  const a = JSON.parse(k.check_receipt('{}', '{}'));
  assert.equal(a.matches, false);
});

test('planning: the first drand round at or after a UTC time', () => {
  const q = JSON.parse(k.first_drand_round('quicknet', '2023-08-23T15:09:30Z'));
  assert.deepEqual([q.network, q.round, q.time], ['quicknet', 2, '2023-08-23T15:09:30Z']);
  const m = JSON.parse(k.first_drand_round('mainnet', '2020-07-22T15:18:00Z'));
  assert.deepEqual([m.network, m.round, m.time], ['mainnet', 2, '2020-07-22T15:18:00Z']);
  assert.equal(JSON.parse(k.first_drand_round(m.chain, '2020-07-22T15:18:01Z')).round, 3);
  assert.throws(() => k.first_drand_round('testnet', '2023-08-23T15:09:30Z'), { name: 'InvalidArgument' });
  assert.throws(() => k.first_drand_round('quicknet', '23/08/2023'), { name: 'InvalidArgument' });
});

test('a receipt of another draw is a ReceiptMismatch', () => {
  const a = JSON.parse(k.check_receipt(example('lottery-receipt-selected.json'), example('greedy.json')));
  assert.equal(a.matches, false);
  assert.equal(a.error_kind, 'ReceiptMismatch');
  const ok = JSON.parse(k.check_receipt(example('greedy-receipt-selected.json'), example('greedy.json')));
  assert.equal(ok.matches, true, ok.error);
});

test('verify: every case of verify.json, with its published facts and replacement records', () => {
  const v = load('verify');
  for (const c of cases(v, 'cases')) {
    const text = c.bundle_text ?? J(c.bundle);
    const r = JSON.parse(k.verify_with(text, J(c.published), J(c.replacements)));
    assert.equal(r.verdict, c.verdict, `${c.name}: ${r.error}`);
    assert.equal(r.valid, c.valid, c.name);
    assert.equal(r.purpose, c.purpose, c.name);
    assert.equal(r.error_kind, c.error_kind, c.name);
    assert.deepEqual(r.steps.map((s) => ({ id: s.id, status: s.status })), c.steps, c.name);
    assert.equal(r.steps.find((s) => s.status === 'failed')?.id ?? null, c.failed_step, c.name);
    assert.deepEqual(r.by_hand.map((i) => i.subject), c.by_hand, c.name);
  }
});

test('published facts: what the page fields hold, read by the core', () => {
  const hex = 'ab'.repeat(32);
  const grouped = hex.toUpperCase().match(/.{4}/g).join(' ');
  const f = JSON.parse(k.published_facts(grouped, 'euromillions@2026-12-04=7,18,28,40,48+3,9\n\nfr-loto@2026-12-05=1 2 3 4 5+6'));
  assert.equal(f.commitment, hex);
  assert.deepEqual(f.lotteries, [
    { lottery: 'euromillions', date: '2026-12-04', main: [7, 18, 28, 40, 48], bonus: [[3, 9]] },
    { lottery: 'fr-loto', date: '2026-12-05', main: [1, 2, 3, 4, 5], bonus: [[6]] },
  ]);
  assert.deepEqual(JSON.parse(k.published_facts('', '')), { commitment: null, lotteries: [] });
});

test('display: control and direction characters escaped, long texts cut (the core’s text::display)', () => {
  assert.equal(k.display_text('a\u001b[31mb\u202ec\u0085', 0xffffffff), 'a\\u{1b}[31mb\\u{202e}c\\u{85}');
  assert.equal(k.display_text('Pérols', 0xffffffff), 'Pérols');
  assert.equal(k.display_text('x'.repeat(300), 200), `${'x'.repeat(200)}… (100 more bytes)`);
});

test('examples: each verifies, and with its published facts only the by-hand items no program can check remain', () => {
  const examples = JSON.parse(example('index.json'));
  assert.ok(examples.length > 0, 'examples/index.json lists no example');
  for (const e of examples) {
    const text = example(e.file);
    const r = JSON.parse(k.verify(text));
    assert.equal(r.verdict, 'valid_if', e.id);
    const facts = k.published_facts(JSON.parse(text).commitment, e.lotteries.join('\n'));
    const given = JSON.parse(k.verify_with(text, facts, '[]'));
    assert.equal(given.verdict, 'valid_if', e.id);
    assert.ok(!given.by_hand.some((i) => i.subject === 'commitment'), e.id);
    // Lotteries stay to compare by hand even when their published numbers were given.
    assert.equal(given.by_hand.filter((i) => i.subject === 'lottery').length, e.lotteries.length, e.id);
  }
});

test('receipts: a genuine receipt matches, one without its holder secret does not (SPEC 13)', () => {
  const v = load('receipts');
  const bundles = new Map(cases(v, 'bundles').map((b) => [b.name, J(b.bundle)]));
  for (const c of cases(v, 'cases')) {
    const bundle = bundles.get(c.bundle);
    assert.ok(bundle, `${c.name}: bundle ${c.bundle}`);
    const got = JSON.parse(k.check_receipt(J(c.receipt), bundle));
    assert.equal(got.matches, c.matches, c.name);
    if (!c.matches) {
      assert.equal(got.error_kind, c.error_kind, c.name);
      continue;
    }
    const outcome = got.outcome.outcome.replace('_', ' ');
    assert.equal(outcome, c.outcome, c.name);
    // A sealed record's receipt shows the values of its opening.
    assert.equal(got.sealed, Boolean(c.receipt.opening), c.name);
    assert.deepEqual(got.features.map(([, value]) => value), (c.receipt.opening ?? c.receipt.record).values, c.name);
    assert.equal(got.outcome.position ?? got.outcome.number ?? null, c.position ?? c.number, c.name);
    assert.equal(JSON.parse(k.verify(bundle)).valid, c.established, c.name);
  }
});
