// The page's texts: every text has its French, and every key the page uses exists.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { WWW, VECTORS, STEPS } from './support.mjs';

const sandbox = {};
sandbox.globalThis = sandbox;
sandbox.Intl = Intl;
runInNewContext(readFileSync(join(WWW, 'i18n.js'), 'utf8'), sandbox);
const { MESSAGES } = sandbox.KleroterionI18n;

test('every English text has a French one', () => {
  const missing = Object.keys(MESSAGES.en).filter((k) => !(k in MESSAGES.fr));
  assert.deepEqual(missing, []);
});

test('every text the page asks for exists', () => {
  const app = readFileSync(join(WWW, 'app.js'), 'utf8');
  const used = new Set([...app.matchAll(/\bt\('([\w:]+)'/g)].map((m) => m[1]));
  const html = readFileSync(join(WWW, 'index.html'), 'utf8');
  for (const m of html.matchAll(/data-i18n(?:-aria-label)?="([^"]+)"/g)) used.add(m[1]);
  assert.deepEqual([...used].filter((k) => !(k in MESSAGES.en)), []);
});

test('the verdict with items to compare by hand is never a bare VALID, in either language', () => {
  for (const n of [1, 2, 5]) {
    assert.match(MESSAGES.en.verdict_valid_if({ n }), /^VALID if the /);
    assert.match(MESSAGES.fr.verdict_valid_if({ n }), /^VALIDE si /);
  }
  assert.equal(MESSAGES.en.verdict_valid_if({ n: 3 }), 'VALID if the 3 items below match their public records');
});

test('every step has its title and two plain lines, in both languages (the portfolio of a sealed pool too)', () => {
  assert.equal(STEPS.length, 15);
  for (const lang of ['en', 'fr']) {
    for (const id of [...STEPS, 'portfolio_sealed']) {
      for (const key of [`step_${id}`, `step_${id}_what`, `step_${id}_proves`]) {
        assert.equal(typeof MESSAGES[lang][key], 'string', `${lang}: ${key}`);
        assert.ok(MESSAGES[lang][key].length > 20, `${lang}: ${key}`);
      }
    }
  }
});

test('every error kind a report or a receipt check gives is explained, in both languages', () => {
  // The kinds of a chain (SPEC.md sections 5.3 and 12.1), whether or not the vectors give them yet.
  const kinds = new Set(['LinkMissing', 'DuplicateLink', 'ParentMismatch', 'NotInvited', 'InheritedMismatch']);
  for (const name of ['verify', 'receipts']) {
    const v = JSON.parse(readFileSync(join(VECTORS, `${name}.json`), 'utf8'));
    for (const c of v.cases) if (c.error_kind) kinds.add(c.error_kind);
  }
  if (existsSync(join(VECTORS, 'chains.json'))) {
    const v = JSON.parse(readFileSync(join(VECTORS, 'chains.json'), 'utf8'));
    for (const c of v.cases ?? []) if (c.expect?.error_kind) kinds.add(c.expect.error_kind);
  }
  for (const kind of ['SealedRecord', 'OpeningMismatch']) assert.ok(kinds.has(kind), `the vectors give ${kind}`);
  for (const lang of ['en', 'fr']) {
    assert.deepEqual([...kinds].filter((k) => typeof MESSAGES[lang][`kind_${k}`] !== 'string'), [], lang);
  }
  // The French texts are not the English ones.
  for (const k of kinds) assert.notEqual(MESSAGES.fr[`kind_${k}`], MESSAGES.en[`kind_${k}`], k);
});

test('the texts of linked stages: the chain steps’ notes, the response table, the item to compare by hand', () => {
  for (const lang of ['en', 'fr']) {
    const M = MESSAGES[lang];
    for (const key of ['status_needs_previous', 'needs_previous_note', 'links_alone_note', 'bh_previous_what', 'bh_previous_record',
      'responses_h', 'responses_note', 'responses_none', 'responses_total', 'col_invited', 'col_volunteered', 'col_rate',
      'chain_needs_previous', 'previous_h', 'previous_hint', 'previous_choose']) {
      assert.equal(typeof M[key], 'string', `${lang}: ${key}`);
      if (lang === 'fr' && !['responses_total'].includes(key)) assert.notEqual(M[key], MESSAGES.en[key], key);
    }
    assert.match(M.responses_caption({ previous: 'A', stage: 'B' }), /A.*B/);
    assert.match(M.chain_valid_if({ n: 5, stage: 2, previous: 3 }), /5.*2.*3/);
  }
  assert.match(MESSAGES.en.chain_valid_if({ n: 5, stage: 2, previous: 3 }), /VALID if the 5 items/);
  assert.match(MESSAGES.fr.chain_valid_if({ n: 5, stage: 2, previous: 3 }), /VALIDE si les 5 éléments/);
});
