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

const EXAMPLES = ['lottery', 'greedy', 'stratified'];
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
    if (id === 'lottery') assert.equal(p.selection_probabilities(), wasm.selection_probabilities(text));
    else assert.throws(() => p.selection_probabilities(), { name: 'NotLottery' });
    for (const outcome of ['selected', 'alternate', 'not-selected']) {
      const receipt = example(`${id}-receipt-${outcome}.json`);
      assert.equal(p.check_receipt(receipt), wasm.check_receipt(receipt, text), `${id} ${outcome}`);
    }
    p.free();
  }
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
    assert.deepEqual(a, { ticket: c.ticket, in_pool: true, outcome: c.outcome });
  }
  s.selected.forEach((t, i) => assert.deepEqual(JSON.parse(p.find_ticket(t)).outcome, { outcome: 'selected', position: i + 1 }));
  s.alternates_list.forEach((t, i) => assert.deepEqual(JSON.parse(p.find_ticket(t)).outcome, { outcome: 'alternate', number: i + 1 }));
  // Typed from paper: spaces around it and another case.
  assert.deepEqual(JSON.parse(p.find_ticket(` ${s.selected[0].toLowerCase()}\n`)).ticket, s.selected[0]);
  assert.deepEqual(JSON.parse(p.find_ticket('FFFF-FFFF-FFFF-FFFF')), { ticket: 'FFFF-FFFF-FFFF-FFFF', in_pool: false, outcome: null });
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
