// The core's English texts in French (www/core-text.js): every text the page's wasm module
// gives for the shared vectors tests/vectors/*.json (each step's detail lines, each report's
// error, each receipt check's and path check's error, both reports of a chain) has its French;
// a few answers written by hand; and the catalogue's own rules.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { WWW, VECTORS, REPO, loadWasm } from './support.mjs';

const sandbox = {};
sandbox.globalThis = sandbox;
runInNewContext(readFileSync(join(WWW, 'core-text.js'), 'utf8'), sandbox);
const { translate, CATALOGUE } = sandbox.KleroterionCoreText;

let k;
before(async () => {
  k = await loadWasm();
});

// JavaScript numbers lose integers above 2^53 (the vectors hold u64 drand rounds): such
// integers are carried as marked strings and written back as integers, as in parity.test.mjs.
const BIG = /(?<=[:[,]\s*)(\d{16,})(?=\s*[,\]}])/g;
const load = (name) => JSON.parse(readFileSync(join(VECTORS, `${name}.json`), 'utf8').replace(BIG, '"#big#$1"'));
const J = (v) => JSON.stringify(v).replace(/"#big#(\d+)"/g, '$1');
const text = (v) => (typeof v === 'string' ? v : J(v));
const cases = (v, key) => {
  assert.ok(Array.isArray(v[key]) && v[key].length > 0, `the list "${key}" is empty`);
  return v[key];
};

/** A fake formatter of UTC times, to see where the page's would go. */
const paris = (utc) => `${utc} [Paris]`;
const fr = (t, opts = { paris }) => translate(t, 'fr', opts);
/** The answer as a plain object of this realm (the script runs in its own context). */
const plain = (r) => ({ text: r.text, translated: r.translated, complete: r.complete });

/** The texts of a report: each step's detail lines, and its error. */
function reportTexts(report, where, out) {
  assert.ok(report && Array.isArray(report.steps), `${where}: not a report`);
  for (const s of report.steps) for (const d of s.detail) out.push({ where: `${where}, step ${s.id}`, text: d });
  if (report.error != null) out.push({ where: `${where}, error (${report.error_kind})`, text: report.error });
}

/** What a reader is told to compare by hand, in the core's words: every item's `what`, and its
 * `record` but a registered lottery's (its operator and result page, names of the registry). */
function byHandTexts(report, where, out) {
  for (const item of report.by_hand) {
    out.push({ where: `${where}, by hand ${item.subject}`, text: item.what });
    if (!(item.subject === 'lottery' && item.record.includes('https://'))) {
      out.push({ where: `${where}, by hand ${item.subject} record`, text: item.record });
    }
  }
}

/** A text with no words of its own: tickets, hashes, numbers and quoted data only. */
function pureData(t) {
  const rest = t.replace(/"[^"]*"|`[^`]*`/g, '').replace(/\b[0-9A-F]{4}-[0-9A-F]{4}\b|\b[0-9a-f]{16,}\b|\d+/g, '');
  return !/\p{L}{2,}/u.test(rest);
}

/** Words of English left in a French text outside quoted data (« … », "…", `…`). */
function englishLeft(t) {
  const rest = t.replace(/«[^»]*»|"[^"]*"|`[^`]*`/g, '');
  return rest.match(/\b(the|does|which|because|with|from|and|is|are|was|not|of|given|record|records|draw|panel's)\b/gi);
}

/** Checks every text: French, complete, not the English (unless pure data), no English word left;
 * English unchanged. Returns the number of distinct texts. */
function assertFrench(items) {
  const wrong = [];
  const seen = new Set();
  for (const { where, text: t } of items) {
    assert.equal(typeof t, 'string', where);
    if (seen.has(t)) continue;
    seen.add(t);
    const en = translate(t, 'en', { paris });
    if (en.text !== t || en.translated !== true) wrong.push(`${where}: the English is not given back as it is: ${t}`);
    const f = fr(t);
    if (!f.translated) wrong.push(`${where}: no template: ${t}`);
    else if (!f.complete) wrong.push(`${where}: partly in English: ${t} -> ${f.text}`);
    else if (f.text === t && !pureData(t)) wrong.push(`${where}: the French is the English: ${t}`);
    else if (englishLeft(f.text)) wrong.push(`${where}: English words ${englishLeft(f.text)} left: ${t} -> ${f.text}`);
  }
  assert.deepEqual(wrong, []);
  return seen.size;
}

/** A draw's bundle from draws.json (sealed draws take every record's opening). */
function drawBundle(c) {
  return c.private_openings
    ? k.draw_sealed(J(c.manifest), J(c.pool), J(c.reveal), J(c.private_openings))
    : k.draw(J(c.manifest), J(c.pool), J(c.reveal));
}

test('every text of every report, receipt check and chain check of the vectors is in French', (t) => {
  const items = [];
  const byHand = [];
  const noFacts = k.published_facts('', '');
  let reports = 0;
  const report = (r, where) => {
    reports += 1;
    reportTexts(r, where, items);
    byHandTexts(r, where, byHand);
  };

  // verify.json: each case with its published facts and replacement records, and alone.
  for (const c of cases(load('verify'), 'cases')) {
    const bundle = c.bundle_text ?? J(c.bundle);
    report(JSON.parse(k.verify_with(bundle, J(c.published), J(c.replacements))), `verify.json ${c.name}`);
    report(JSON.parse(k.verify(bundle)), `verify.json ${c.name} (no facts)`);
  }

  // receipts.json: each receipt checked against its bundle, and each bundle verified.
  const rv = load('receipts');
  const bundles = new Map(cases(rv, 'bundles').map((b) => [b.name, J(b.bundle)]));
  for (const [name, bundle] of bundles) report(JSON.parse(k.verify(bundle)), `receipts.json bundle ${name}`);
  let receiptErrors = 0;
  for (const c of cases(rv, 'cases')) {
    const a = JSON.parse(k.check_receipt(J(c.receipt), bundles.get(c.bundle)));
    assert.equal(a.matches, c.matches, c.name);
    if (a.error != null) {
      receiptErrors += 1;
      items.push({ where: `receipts.json ${c.name}, receipt error (${a.error_kind})`, text: a.error });
    }
  }
  assert.ok(receiptErrors > 0, 'receipts.json gives receipts that do not match');

  // chains.json: both reports of each chain, and each path's answer.
  if (existsSync(join(VECTORS, 'chains.json'))) {
    const cv = load('chains');
    for (const c of cases(cv, 'cases')) {
      const got = JSON.parse(k.verify_chain(text(c.bundle), text(c.previous), J(c.published ?? {}),
        J(c.previous_published ?? {}), J(c.replacements ?? []), J(c.previous_replacements ?? [])));
      report(got.report, `chains.json ${c.name}, stage`);
      report(got.previous, `chains.json ${c.name}, previous stage`);
      if (got.error != null) items.push({ where: `chains.json ${c.name}, chain error`, text: got.error });
    }
    const named = new Map(cv.cases.map((c) => [c.name, c]));
    for (const p of cv.paths ?? []) {
      const from = named.get(p.case) ?? p;
      const got = JSON.parse(k.check_path(p.previous_receipt ? text(p.previous_receipt) : null, p.receipt ? text(p.receipt) : null,
        text(p.previous ?? from.previous), text(p.bundle ?? from.bundle)));
      for (const [what, e] of [['path', got.error], ['previous receipt', got.previous?.error], ['receipt', got.current?.error]]) {
        if (e != null) items.push({ where: `chains.json path ${p.name}, ${what} error`, text: e });
      }
    }
  }

  // draws.json: each draw verified alone and with its commitment, and with each replacement
  // record made from it.
  const dv = load('draws');
  const drawn = new Map();
  for (const c of cases(dv, 'draws')) {
    const bundle = drawBundle(c);
    drawn.set(c.name, bundle);
    report(JSON.parse(k.verify(bundle)), `draws.json ${c.name}`);
    report(JSON.parse(k.verify_with(bundle, k.published_facts(c.commitment, ''), '[]')), `draws.json ${c.name} (commitment given)`);
  }
  const draws = new Map(dv.draws.map((d) => [d.name, d]));
  for (const c of cases(dv, 'replacements')) {
    const d = draws.get(c.draw);
    const record = d.private_openings
      ? k.replace_sealed(drawn.get(c.draw), J(c.dropped), J({ spec: 'kleroterion/v2', openings: d.private_openings }))
      : k.replace(drawn.get(c.draw), J(c.dropped));
    report(JSON.parse(k.verify_with(drawn.get(c.draw), noFacts, `[${record}]`)), `draws.json replacement of ${c.draw}`);
  }

  // Texts that are not bundles, and a receipt without a bundle.
  for (const bad of ['[]', 'not json', '{}', '{"format": "kleroterion-bundle"}', '']) report(JSON.parse(k.verify(bad)), `verify(${JSON.stringify(bad)})`);
  items.push({ where: 'check_receipt({}, {})', text: JSON.parse(k.check_receipt('{}', '{}')).error });

  // The vectors exercise failures of every kind of text.
  for (const [what, re] of [['a failed step', /, error \(/], ['a receipt', /receipt error/], ['a chain', /chains\.json/], ['a replacement', /replacement of/]]) {
    assert.ok(items.some((i) => re.test(i.where)), `no text of ${what}`);
  }
  const n = assertFrench(items);
  const m = assertFrench(byHand);
  assert.ok(n > 150, `only ${n} distinct texts`);
  t.diagnostic(`${reports} reports: ${items.length} texts (${n} distinct) and ${byHand.length} items to compare by hand (${m} distinct), all in French`);
});

test('the other core messages the vectors give (invalid manifests, texts, draws) are in French', (t) => {
  const items = [];
  const thrown = (where, f) => {
    try {
      f();
    } catch (e) {
      items.push({ where: `${where} (${e.name})`, text: e.message });
      return;
    }
    assert.fail(`${where}: no error`);
  };
  const enc = load('encoding');
  for (const c of cases(enc, 'invalid_manifests')) {
    let r;
    try {
      r = JSON.parse(k.manifest_encoding(J(c.manifest)));
    } catch (e) {
      items.push({ where: `encoding.json ${c.what} (${e.name})`, text: e.message });
      continue;
    }
    items.push({ where: `encoding.json ${c.what} (${r.error_kind})`, text: r.error });
  }
  for (const c of cases(enc, 'invalid_texts')) thrown(`invalid text: ${c.reason}`, () => k.check_text(c.text, 'name'));
  const dv = load('draws');
  for (const c of cases(dv, 'failures')) thrown(`draws.json ${c.name}`, () => k.draw(J(c.manifest), J(c.pool), J(c.reveal)));
  for (const c of dv.draws) {
    if (c.private_openings) thrown(`draws.json ${c.name} without its openings`, () => k.draw(J(c.manifest), J(c.pool), J(c.reveal)));
    else thrown(`draws.json ${c.name} with openings`, () => k.draw_sealed(J(c.manifest), J(c.pool), J(c.reveal), '[]'));
  }
  thrown('published facts', () => k.published_facts('zz', ''));
  thrown('published lottery', () => k.published_facts('', 'euromillions@2026-12-04'));
  thrown('verify_with', () => k.verify_with('{}', '3', '[]'));
  thrown('plan', () => k.first_drand_round('testnet', '2023-08-23T15:09:30Z'));
  thrown('plan', () => k.first_drand_round('quicknet', '23/08/2023'));
  thrown('hex', () => k.stream_words('zz', 1));
  thrown('uniform', () => k.uniform('00'.repeat(32), '0', 1));
  const n = assertFrench(items);
  t.diagnostic(`${items.length} messages (${n} distinct), all in French`);
});

test('known answers: plain, with placeholders, nested, with a UTC time', () => {
  const answers = [
    ['the manifest\'s floor is 5', 'le seuil du manifeste est 5'],
    ['every quota holds', 'chaque quota est respecté'],
    ['4 selected and 3 alternates recomputed', 'tirage recalculé : 4 personne(s) tirée(s) et 3 suppléant(s)'],
    ['disclosure: the smallest cell holds 1 record(s), 2 record(s) are alone in their cell; the manifest\'s floor is 1: the organiser lowered it below the default of 5',
      'divulgation : le plus petit groupe de fiches aux valeurs identiques en compte 1, et 2 fiche(s) sont seules dans leur groupe ; le seuil du manifeste est 1 : l’organisateur l’a abaissé sous la valeur par défaut, 5'],
    ['the {method} method does not enforce quotas; for information:'.replace('{method}', 'greedy'), 'la méthode gloutonne n’impose pas les quotas ; pour information :'],
    ['source 1: EuroMillions draw of 2026-12-04: numbers 41 6 23 15 30 · stars 12 4',
      'source 1 : le tirage EuroMillions du 2026-12-04 : numéros 41 6 23 15 30 · étoiles 12 4'],
    // A value from the file may hold the template's own separators.
    ['source 2: lottery "Tombola: 2e tirage" of 2026-12-01: numbers 12 77 3',
      'source 2 : la loterie « Tombola: 2e tirage » du 2026-12-01 : numéros 12 77 3'],
    // Nested: a reason inside a detail inside an error.
    ['randomness recipe: recipe source 1: 2026-12-05 is a Saturday, but EuroMillions draws only on Tuesday and Friday',
      'recette du hasard : source 1 de la recette : le 2026-12-05 est un samedi, mais EuroMillions ne tire que le mardi et le vendredi'],
    ['ticket "AB-12": household: is empty; give a non-empty text', 'ticket « AB-12 » : foyer : est vide ; donnez un texte non vide'],
    ['the file is not a readable kleroterion bundle: bundle: missing field `seed` at line 1 column 3430',
      'le fichier n’est pas un dossier kleroterion lisible : dossier : champ `seed` manquant (ligne 1, colonne 3430)'],
    ['the previous stage does not verify: it failed at its seed step (the seed does not follow from the published randomness)',
      'l’étape précédente ne passe pas la vérification : elle a échoué à sa vérification « graine » (la graine ne découle pas du hasard publié)'],
    ['this receipt does not match this draw: the receipt\'s opening does not open its sealed record (opening: an opening of ticket "CAB7-03C3" was given for ticket "84DA-EC00"): this receipt does not match this draw',
      'ce reçu ne correspond pas à ce tirage : l’ouverture du reçu n’ouvre pas sa fiche scellée (ouverture : une ouverture du ticket « CAB7-03C3 » a été donnée pour le ticket « 84DA-EC00 ») : ce reçu ne correspond pas à ce tirage'],
    ['record E853-DCF4 says genre is nothing, but the invitee it links to, E793-4C13, has no value in the previous stage: the record does not come from that invitee',
      'la fiche E853-DCF4 indique genre = (rien), mais la personne invitée à laquelle elle renvoie, E793-4C13, a genre = (aucune valeur) dans l’étape précédente : la fiche ne vient pas de cette personne'],
    // A text the core cut for display.
    ['ticket "AAAA… (300 more bytes)" appears twice; tickets must be unique', 'le ticket « AAAA… (300 octets de plus) » figure deux fois ; les tickets doivent être uniques'],
    // UTC times through the page's formatter; other times (a date, a time refused) as they are.
    ['EuroMillions draw of 2026-12-04 exists from 2026-12-04T19:30:00Z (UTC), after the announcement at 2026-12-01T12:00:00Z',
      'le tirage EuroMillions du 2026-12-04 existe à partir du 2026-12-04T19:30:00Z [Paris], après l’annonce du 2026-12-01T12:00:00Z [Paris]'],
    ['source 1: drand round 42, produced at 2023-08-23T15:11:30.5Z: signature verified, randomness 8ada64ba',
      'source 1 : tour drand 42, produit le 2023-08-23T15:11:30.5Z [Paris] : signature vérifiée, hasard 8ada64ba'],
    ['announced_at "2026-11-31T12:00:00Z" is not a UTC time of the form YYYY-MM-DDTHH:MM:SSZ',
      'announced_at « 2026-11-31T12:00:00Z » n’est pas une heure UTC de la forme AAAA-MM-JJTHH:MM:SSZ'],
    // A maxent count refused before it is made (no vector: its pool would be 20,000 records).
    ['method: the maxent count\'s weights need 10020000 terms, more than 10000000, the most a verifier\'s browser is asked to compute (SPEC.md section 9.6); draw from a smaller pool, or count more features',
      'méthode : les poids du décompte de la méthode à entropie maximale demandent 10020000 termes, plus que 10000000, le plus qu’on demande au navigateur d’un vérificateur de calculer (section 9.6 de SPEC.md) ; tirez dans un vivier plus petit, ou comptez plus de caractéristiques'],
  ];
  for (const [en, want] of answers) {
    assert.deepEqual(plain(fr(en)), { text: want, translated: true, complete: true }, en);
    assert.deepEqual(plain(translate(en, 'en', { paris })), { text: en, translated: true, complete: true }, en);
  }
  // Without a formatter, the UTC time is left as it is.
  assert.equal(fr('committed after the randomness existed: the draw proves nothing (drand round 1 of chain 8990e7a9aaed2ffe existed at 2020-07-22T15:17:30Z, but the commitment says it was announced at 2020-07-22T15:17:30Z)', {}).text,
    'engagé après que le hasard existait : le tirage ne prouve rien (le tour drand 1 de la chaîne 8990e7a9aaed2ffe existait le 2020-07-22T15:17:30Z, mais l’engagement dit avoir été annoncé le 2020-07-22T15:17:30Z)');
  // No template: the English back, not translated.
  assert.deepEqual(plain(fr('a sentence the core never writes')), { text: 'a sentence the core never writes', translated: false, complete: false });
  // A known sentence around an unknown one: French around the English, not complete.
  assert.deepEqual(plain(fr('the draw failed: something new')), { text: 'le tirage a échoué : something new', translated: true, complete: false });
  assert.equal(translate('', 'fr').text, '');
  assert.equal(translate(null, 'fr').text, '');
});

const PLACEHOLDER = /\{([a-z_][a-z0-9_]*)\}/g;
const names = (template) => [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
const shape = (template) => template.replace(PLACEHOLDER, '{}');

test('the catalogue: same placeholders in English and French, no English template twice, French typography', () => {
  assert.ok(Array.isArray(CATALOGUE) && CATALOGUE.length > 100);
  const wrong = [];
  const shapes = new Map();
  for (const entry of CATALOGUE) {
    if (!Array.isArray(entry) || entry.length !== 2 || !entry.every((s) => typeof s === 'string' && s.length > 0)) {
      wrong.push(`not [English, French]: ${JSON.stringify(entry)}`);
      continue;
    }
    const [en, frTemplate] = entry;
    const a = [...new Set(names(en))].sort();
    const b = [...new Set(names(frTemplate))].sort();
    if (JSON.stringify(a) !== JSON.stringify(b)) wrong.push(`placeholders ${a} in English, ${b} in French: ${en}`);
    if (shapes.has(shape(en))) wrong.push(`twice (as "${shapes.get(shape(en))}"): ${en}`);
    shapes.set(shape(en), en);
    if (/^\{[a-z_]+\}$/.test(en)) wrong.push(`a template that is only a placeholder: ${en}`);
    // The typography of i18n.js: ’ not ', a space before : and ;, « » around quoted data.
    const words = frTemplate.replace(/`[^`]*`|\{"round".*\}/g, '');
    if (words.includes('\'')) wrong.push(`a straight apostrophe in French: ${frTemplate}`);
    if (/[^\s\d][:;](\s|$)/u.test(words)) wrong.push(`no space before : or ; in French: ${frTemplate}`);
    if (/"\{[a-z_]+\}"/.test(words)) wrong.push(`"…" instead of « … » in French: ${frTemplate}`);
  }
  assert.deepEqual(wrong, []);
});

test('every template is reachable: a text it gives comes back through it, in French', () => {
  // A sample value for each placeholder that is not data, with its French; data is "7" (a number
  // fits every data placeholder).
  const samples = {
    detail: ['no detail', 'aucun détail'],
    why: ['no detail', 'aucun détail'],
    note: ['no detail', 'aucun détail'],
    reason: ['it is empty', 'elle est vide'],
    source: ['drand round 3 of chain abcd', 'le tour drand 3 de la chaîne abcd'],
    quota: ['genre=femme: 4 on the panel, above the maximum 3', 'genre=femme : 4 dans le panel, au-dessus du maximum 3'],
    field: ['title', 'titre'],
    msg: ['trailing comma', 'virgule en trop à la fin'],
    rule: ['its indices are not strictly increasing', 'ses indices ne sont pas strictement croissants'],
    method: ['greedy', 'gloutonne'],
    step: ['seed', 'graine'],
    kind: ['dice', 'de dés'],
    got_kind: ['hex', 'hexadécimale'],
    weekday: ['Monday', 'lundi'],
    days: ['Tuesday and Friday', 'le mardi et le vendredi'],
    numbers: ['numbers 1 2 · stars 3', 'numéros 1 2 · étoiles 3'],
    name: ['Lotto 6aus49 (Germany)', 'Lotto 6aus49 (Allemagne)'],
    ours: ['nothing', '(rien)'],
    theirs: ['no value', '(aucune valeur)'],
    replaced: ['AB-1, (nobody)', 'AB-1, (personne)'],
    drand_field: ['signature', 'la signature'],
    list: ['`a` or `b`', '`a` ou `b`'],
    json_got: ['sequence', 'une liste'],
    json_expected: ['a string', 'un texte'],
    time: ['2026-12-04T19:30:00Z', '2026-12-04T19:30:00Z [Paris]'],
    announced: ['2026-12-01T12:00:00Z', '2026-12-01T12:00:00Z [Paris]'],
  };
  const value = (name) => samples[name] ?? ['7', '7'];
  const wrong = [];
  for (const [en, frTemplate] of CATALOGUE) {
    const t = en.replace(PLACEHOLDER, (m, name) => value(name)[0]);
    const want = frTemplate.replace(PLACEHOLDER, (m, name) => value(name)[1]);
    const got = fr(t);
    if (got.text !== want || !got.complete) wrong.push(`${en}: ${t} -> ${got.text}, expected ${want}`);
  }
  assert.deepEqual(wrong, []);
});

test('every `Error` of the core (error.rs, its Display) has a template', () => {
  const source = readFileSync(join(REPO, 'crates', 'kleroterion', 'src', 'error.rs'), 'utf8');
  const display = source.slice(source.indexOf('impl fmt::Display for Error'), source.indexOf('impl core::error::Error for Error'));
  const rust = [...display.matchAll(/write!\(\s*f,\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\"/g, '"').replace(/\{\{/g, '{').replace(/\}\}/g, '}'));
  assert.ok(rust.length > 35, `only ${rust.length} messages read from error.rs`);
  const norm = (s) => s.replace(/\{[a-z_0-9]*\}/g, '{}');
  const known = new Set(CATALOGUE.map(([en]) => norm(en)));
  // `NoRandomness` is its detail alone: nothing to translate around it.
  const missing = rust.map(norm).filter((s) => s !== '{}' && !known.has(s));
  assert.deepEqual(missing, []);
});
