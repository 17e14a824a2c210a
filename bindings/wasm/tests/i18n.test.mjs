// The page's texts: every text has its French, and every key the page uses exists.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { WWW } from './support.mjs';

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
