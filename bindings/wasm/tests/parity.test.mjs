// The shared vectors tests/vectors/*.json through the built wasm module, loaded in Node:
// the browser build must give exactly the native results.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWasm, example, VECTORS } from './support.mjs';

let k;
// JavaScript numbers lose integers above 2^53 (the vectors hold u64 drand rounds): such
// integers are carried as marked strings and written back as integers.
const BIG = /(?<=[:[,]\s*)(\d{16,})(?=\s*[,\]}])/g;
const load = (name) => JSON.parse(readFileSync(join(VECTORS, `${name}.json`), 'utf8').replace(BIG, '"#big#$1"'));
const J = (v) => JSON.stringify(v).replace(/"#big#(\d+)"/g, '$1');

before(async () => {
  k = await loadWasm();
});

test('encoding: records, manifests, lottery numbers, invalid texts', () => {
  const v = load('encoding');
  for (const c of v.records) {
    const got = JSON.parse(k.record_encoding(J(c.record)));
    assert.equal(got.bytes, c.bytes);
    assert.equal(got.leaf, c.leaf);
  }
  for (const c of v.manifests) {
    const got = JSON.parse(k.manifest_encoding(J(c.manifest)));
    assert.equal(got.bytes, c.bytes);
    assert.equal(got.commitment, c.commitment);
    assert.equal(got.error, null);
    assert.equal(k.manifest_commitment(J(c.manifest)), c.commitment);
  }
  for (const c of v.lottery_canon) assert.equal(k.lottery_canonical(J(c.numbers)), c.canonical);
  for (const c of v.invalid_texts) {
    assert.throws(() => k.check_text(c.text, 'name'), { name: 'InvalidText' }, c.reason);
    if (c.text !== '') assert.throws(() => k.check_text(c.text, 'free'), { name: 'InvalidText' });
  }
});

test('merkle: roots, leaves, proofs and their verification', () => {
  for (const t of load('merkle').trees) {
    const got = JSON.parse(k.merkle_tree(J(t.records)));
    assert.equal(got.root, t.root);
    assert.deepEqual(got.leaves, t.leaves);
    assert.deepEqual(got.proofs, t.proofs);
    t.leaves.forEach((leaf, i) => {
      assert.equal(k.verify_inclusion(leaf, i, t.leaves.length, J(t.proofs[i]), t.root), true);
    });
  }
});

test('seed: reveal bytes, seed, RFC 3797 key', () => {
  for (const c of load('seed').cases) {
    const got = JSON.parse(k.reveal_seed(J(c.reveal), c.commitment));
    assert.equal(got.reveal_bytes, c.reveal_bytes);
    assert.equal(got.seed, c.seed);
    assert.equal(got.rfc3797_key, c.rfc3797_key);
  }
});

test('stream: keys and 64-bit words', () => {
  for (const c of load('stream').cases) {
    const key = k.stream_key(c.seed, c.purpose, c.index);
    assert.equal(key, c.key);
    assert.deepEqual(JSON.parse(k.stream_words(key, c.words64.length)), c.words64);
  }
});

test('sampling: uniform and sample', () => {
  const v = load('sampling');
  for (const c of v.uniform) {
    const got = JSON.parse(k.uniform(c.key, c.n, c.results.length));
    assert.deepEqual(got.results, c.results, `n = ${c.n}`);
    assert.equal(got.words_consumed, c.words_consumed, `n = ${c.n}`);
  }
  for (const c of v.sample) assert.deepEqual(JSON.parse(k.sample(c.key, c.n, c.k)), c.result);
});

test('draws: whole draws verify, failures fail, replacements match', () => {
  const v = load('draws');
  const bundles = new Map();
  for (const c of v.draws) {
    const text = k.draw(J(c.manifest), J(c.pool), J(c.reveal));
    const b = JSON.parse(text);
    bundles.set(c.name, text);
    assert.equal(b.manifest.pool.root, c.intermediate.pool_root, c.name);
    assert.equal(b.commitment, c.commitment, c.name);
    assert.equal(b.seed, c.seed, c.name);
    assert.deepEqual(b.result.selected, c.selected, c.name);
    assert.deepEqual(b.result.alternates, c.alternates, c.name);
    assert.equal(b.transcript, c.transcript, c.name);
    const report = JSON.parse(k.verify(text));
    assert.equal(report.valid, true, `${c.name}: ${report.error}`);
  }
  for (const c of v.failures) {
    assert.throws(() => k.draw(J(c.manifest), J(c.pool), J(c.reveal)), { name: c.error }, c.name);
  }
  for (const c of v.replacements) {
    const r = JSON.parse(k.replace(bundles.get(c.draw), J(c.dropped)));
    assert.deepEqual(r.replacements, c.replacements, c.draw);
    assert.deepEqual(r.panel, c.panel, c.draw);
    assert.equal(r.hash, c.hash, c.draw);
  }
});

test('errors are JavaScript Errors named after the failure', () => {
  assert.throws(() => k.selection_probabilities('{'), { name: 'Json' });
  assert.throws(() => k.stream_words('zz', 1), { name: 'InvalidHex' });
  assert.throws(() => k.uniform('00'.repeat(32), '0', 1), { name: 'InvalidArgument' });
  const r = JSON.parse(k.verify('[]'));
  assert.equal(r.valid, false);
  assert.equal(r.steps[0].status, 'failed');
  assert.equal(r.error_kind, 'Json');
  const a = JSON.parse(k.check_receipt('{}', '{}'));
  assert.equal(a.matches, false);
});

test('planning: the first drand round at or after a UTC time', () => {
  const q = JSON.parse(k.first_drand_round('quicknet', '2023-08-23T15:09:30Z'));
  assert.deepEqual([q.chain, q.round, q.time], ['quicknet', 2, '2023-08-23T15:09:30Z']);
  const m = JSON.parse(k.first_drand_round('mainnet', '2020-07-22T15:18:00Z'));
  assert.deepEqual([m.chain, m.round, m.time], ['mainnet', 2, '2020-07-22T15:18:00Z']);
  assert.equal(JSON.parse(k.first_drand_round(m.chain_hash, '2020-07-22T15:18:01Z')).round, 3);
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
