// The page's built module: a bundle read once (ParsedBundle) answers exactly what the
// functions reading the text answer, the ticket search agrees with the receipts, file_kind
// sorts what is dropped on the page, and sha256_hex is SHA-256.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { loadWasm, example } from './support.mjs';

let wasm;
before(async () => {
  wasm = await loadWasm();
});

const EXAMPLES = ['lottery', 'lottery-sealed', 'greedy', 'stratified', 'maxent'];
const noFacts = () => wasm.published_facts('', '');

test('a parsed bundle gives the same report and views as the text', () => {
  for (const id of EXAMPLES) {
    const text = example(`${id}.json`);
    const p = new wasm.ParsedBundle(text);
    assert.equal(p.readable(), true);
    assert.equal(p.verify_with(noFacts(), '[]'), wasm.verify_with(text, noFacts(), '[]'), id);
    const facts = wasm.published_facts('00'.repeat(32), '');
    assert.equal(p.verify_with(facts, '[]'), wasm.verify_with(text, facts, '[]'), id);
    assert.equal(p.summary(), wasm.summary(text), id);
    assert.equal(p.quota_table(), wasm.quota_table(text), id);
    assert.equal(p.members(), wasm.members(text), id);
    if (id.startsWith('lottery')) assert.equal(p.selection_probabilities(), wasm.selection_probabilities(text));
    else assert.throws(() => p.selection_probabilities(), { name: 'NotLottery' });
    if (id === 'maxent') assert.equal(p.maxent_chances(), wasm.maxent_chances(text));
    else assert.throws(() => p.maxent_chances(), { name: 'NotMaxent' });
    for (const outcome of ['selected', 'alternate', 'not-selected']) {
      const receipt = example(`${id}-receipt-${outcome}.json`);
      assert.equal(p.check_receipt(receipt), wasm.check_receipt(receipt, text), `${id} ${outcome}`);
    }
    p.free();
  }
});

test('a bundle read from its bytes is read as a browser reads the text file', () => {
  const decoder = new TextDecoder();
  const bom = Uint8Array.of(0xef, 0xbb, 0xbf);
  for (const id of EXAMPLES) {
    const text = example(`${id}.json`);
    const bytes = new TextEncoder().encode(text);
    const withBom = new Uint8Array([...bom, ...bytes]);
    for (const b of [bytes, withBom]) {
      const p = wasm.ParsedBundle.from_bytes(b);
      const q = new wasm.ParsedBundle(decoder.decode(b));
      assert.equal(p.verify_with(noFacts(), '[]'), q.verify_with(noFacts(), '[]'), id);
      assert.equal(p.summary(), q.summary(), id);
      p.free();
      q.free();
    }
  }
  // Bytes that are not UTF-8 read as U+FFFD, as TextDecoder reads them.
  const bad = new Uint8Array([...new TextEncoder().encode('{"format": "kleroterion-bundle", "x": "'), 0xff, 0xfe, ...new TextEncoder().encode('"}')]);
  const p = wasm.ParsedBundle.from_bytes(bad);
  const q = new wasm.ParsedBundle(decoder.decode(bad));
  assert.equal(p.verify_with(noFacts(), '[]'), q.verify_with(noFacts(), '[]'));
  assert.equal(JSON.parse(p.verify_with(noFacts(), '[]')).valid, false);
  p.free();
  q.free();
});

test('a text that is not a bundle fails at the format step, and its views throw', () => {
  for (const text of ['not json', '{"format": "kleroterion-bundle"}']) {
    const p = new wasm.ParsedBundle(text);
    assert.equal(p.readable(), false);
    assert.equal(p.verify_with(noFacts(), '[]'), wasm.verify_with(text, noFacts(), '[]'));
    const report = JSON.parse(p.verify_with(noFacts(), '[]'));
    assert.equal(report.steps[0].id, 'format');
    assert.equal(report.steps[0].status, 'failed');
    assert.throws(() => p.summary());
    assert.throws(() => p.members());
    assert.throws(() => p.find_ticket('A'));
    assert.equal(JSON.parse(p.check_receipt(example('lottery-receipt-selected.json'))).matches, false);
  }
});

test('the ticket search agrees with the receipts and with the published lists', () => {
  const text = example('lottery.json');
  const p = new wasm.ParsedBundle(text);
  const s = JSON.parse(wasm.summary(text));
  for (const outcome of ['selected', 'alternate', 'not-selected']) {
    const c = JSON.parse(wasm.check_receipt(example(`lottery-receipt-${outcome}.json`), text));
    const a = JSON.parse(p.find_ticket(c.ticket));
    assert.deepEqual(a, { ticket: c.ticket, in_pool: true, outcome: c.outcome, sealed: false, features: c.features });
  }
  s.selected.forEach((t, i) => assert.deepEqual(JSON.parse(p.find_ticket(t)).outcome, { outcome: 'selected', position: i + 1 }));
  s.alternates_list.forEach((t, i) => assert.deepEqual(JSON.parse(p.find_ticket(t)).outcome, { outcome: 'alternate', number: i + 1 }));
  // Typed from paper: spaces around it and another case.
  assert.deepEqual(JSON.parse(p.find_ticket(` ${s.selected[0].toLowerCase()}\n`)).ticket, s.selected[0]);
  assert.deepEqual(JSON.parse(p.find_ticket('FFFF-FFFF-FFFF-FFFF')), { ticket: 'FFFF-FFFF-FFFF-FFFF', in_pool: false, outcome: null, sealed: false, features: [] });
  // The published lists give each person's values, as the pool publishes them.
  const m = JSON.parse(p.members());
  assert.equal(m.sealed, false);
  assert.deepEqual(m.selected.map((x) => x.ticket), s.selected);
  assert.deepEqual(m.alternates.map((x) => x.ticket), s.alternates_list);
  const pool = new Map(JSON.parse(text).pool.map((r) => [r.ticket, r.values]));
  for (const x of [...m.selected, ...m.alternates]) assert.deepEqual(x.values, pool.get(x.ticket), x.ticket);
});

test('a sealed lottery: its views show the values the bundle opens, and only those', () => {
  const text = example('lottery-sealed.json');
  const b = JSON.parse(text);
  const p = new wasm.ParsedBundle(text);
  const r = JSON.parse(p.verify_with(noFacts(), '[]'));
  assert.equal(r.verdict, 'valid_if');
  assert.equal(r.steps.find((x) => x.id === 'openings').status, 'passed');
  assert.ok(b.pool.every((x) => x.values.length === 0 && /^[0-9a-f]{64}$/.test(x.seal)), 'every record is sealed');
  const opened = new Map(b.openings.map((o) => [o.ticket, o.values]));
  assert.equal(b.openings.length, b.result.selected.length + b.result.alternates.length);
  // The lists: the panel and the alternates with their opened values.
  const m = JSON.parse(p.members());
  assert.equal(m.sealed, true);
  assert.deepEqual(m.features, b.manifest.features.map((f) => f.name));
  for (const x of [...m.selected, ...m.alternates]) assert.deepEqual(x.values, opened.get(x.ticket), x.ticket);
  // The quota table: the panel counted from the openings, no pool counts, every quota met.
  const q = JSON.parse(p.quota_table());
  assert.equal(q.sealed, true);
  const k = b.manifest.panel_size;
  b.manifest.features.forEach((f, i) => {
    for (const v of f.values) {
      const row = q.rows.find((x) => x.feature === f.name && x.value === v.value);
      const count = b.result.selected.filter((t) => opened.get(t)[i] === v.value).length;
      assert.deepEqual([row.panel, row.pool, row.ok], [count, null, true], `${f.name}=${v.value}`);
    }
  });
  assert.equal(q.rows.reduce((sum, x) => sum + x.panel, 0), k * b.manifest.features.length);
  // Receipts: each shows its opening's values; the ticket search shows the opened values of
  // the panel and the alternates, and says that everyone else's are sealed.
  for (const outcome of ['selected', 'alternate', 'not-selected']) {
    const receipt = JSON.parse(example(`lottery-sealed-receipt-${outcome}.json`));
    const c = JSON.parse(p.check_receipt(JSON.stringify(receipt)));
    assert.equal(c.matches, true, c.error);
    assert.equal(c.sealed, true);
    assert.deepEqual(c.features.map(([, v]) => v), receipt.opening.values);
    const a = JSON.parse(p.find_ticket(c.ticket));
    assert.equal(a.sealed, true);
    assert.deepEqual(a.features, outcome === 'not-selected' ? [] : c.features, outcome);
    // Without its opening, a sealed record's receipt is refused (SPEC.md section 13, check 5).
    const { opening, ...bare } = receipt;
    assert.equal(JSON.parse(p.check_receipt(JSON.stringify(bare))).error_kind, 'ReceiptMismatch');
    assert.ok(opening);
  }
  p.free();
});

test('file_kind sorts bundles, receipts, replacement records, ticket codes and the rest', () => {
  const text = example('lottery.json');
  const s = JSON.parse(wasm.summary(text));
  const record = wasm.replace(text, JSON.stringify([s.selected[0]]));
  assert.equal(wasm.file_kind(text), 'bundle');
  assert.equal(wasm.file_kind(example('lottery-receipt-selected.json')), 'receipt');
  assert.equal(wasm.file_kind(record), 'replacement');
  assert.equal(wasm.file_kind(`  ${s.selected[0]}\n`), 'ticket');
  for (const other of ['', '{"format": "something else"}', '[1, 2]', 'two words', '{not json']) {
    assert.equal(wasm.file_kind(other), 'unknown', JSON.stringify(other));
  }
});

test('sha256_hex is SHA-256', () => {
  for (const text of ['', 'abc', example('lottery.json')]) {
    const bytes = Buffer.from(text);
    assert.equal(wasm.sha256_hex(bytes), createHash('sha256').update(bytes).digest('hex'));
  }
  assert.match(wasm.page_version(), /^\d+\.\d+\.\d+/);
});
