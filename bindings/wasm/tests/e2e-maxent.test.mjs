// The maxent method (SPEC.md section 9.6, a draft of protocol version 3) on the page, in
// headless Chromium. The maxent draws of tests/vectors/draws.json are made here by the page's
// wasm and loaded as a reader would (the page's own maxent example, whose chances are exact, is
// tested in e2e-maxent-chances.test.mjs). Each
// verifies in English and in French: the method named and described, the draw step's note on
// the panels rejected before the panel, that number beside the published panel, and the draw
// pick by pick, where each attempt's number is shown as such, never as a person. A bundle
// whose number of rejections was changed or removed fails at the draw step. (The French page
// of each maxent draw is also read word by word in e2e-citizen.test.mjs.)

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve, launch, loadWasm, VECTORS, openPageAt, nextRun, stepStatusesOf } from './support.mjs';

const DRAWS = JSON.parse(readFileSync(join(VECTORS, 'draws.json'), 'utf8'));
const MAXENT = DRAWS.draws.filter((c) => c.manifest.method.name === 'maxent');

let server;
let context;
let wasm;

before(async () => {
  server = await serve();
  context = await launch();
  wasm = await loadWasm();
});

after(async () => {
  await context?.close();
  await server?.close();
});

/** The bundle of a draw of draws.json, made by the page's wasm. */
const bundleOf = (c) => wasm.draw(JSON.stringify(c.manifest), JSON.stringify(c.pool), JSON.stringify(c.reveal));

/** Loads a bundle's text with the file input; resolves once it is verified and the page is
 * idle (and, for a bundle that verifies, once the draw pick by pick is listed). */
async function load(page, text, name) {
  const run = await page.getAttribute('#verdict', 'data-run');
  await page.setInputFiles('#bundle-file', { name, mimeType: 'application/json', buffer: Buffer.from(text) });
  await nextRun(page, run);
  await page.waitForFunction(() => document.body.dataset.busy !== 'true');
  if (await page.getAttribute('#verdict', 'data-valid') === 'true') {
    await page.waitForSelector('details[data-list="picks"] tbody tr', { state: 'attached' });
  }
}

const WORDS = {
  en: {
    method: /^maximal entropy with quotas \(/,
    quotas: /^Method: maximal entropy with quotas .*It guarantees every quota\.$/,
    note: (r) => `${r} panels drawn and rejected before the panel (a quota of a feature that is not counted, or the household rule)`,
    rejections: 'Panels drawn and rejected before this one',
    stream: /^attempt (\d+)$/,
    number: 'the attempt’s number (the position drawn)',
    part: (k) => `64-bit value ${k} drawn for the attempt’s number`,
    rejected: '; panel rejected',
    kept: '; panel kept: the published panel',
    mismatch: (r, got) => `the draw rejects ${r} panels before the panel, but the bundle says ${got}`,
    missing: (r) => `the draw rejects ${r} panels before the panel, and the bundle does not say how many`,
  },
  fr: {
    method: /^entropie maximale avec quotas \(/,
    quotas: /^Méthode : entropie maximale avec quotas .*Elle garantit chaque quota\.$/,
    note: (r) => `${r} panel(s) tiré(s) puis rejeté(s) avant le panel (un quota d’une caractéristique qui n’est pas comptée, ou la règle des foyers)`,
    rejections: 'Panels tirés puis rejetés avant celui-ci',
    stream: /^essai (\d+)$/,
    number: 'le nombre de l’essai (la position tirée)',
    part: (k) => `valeur de 64 bits n° ${k} tirée pour le nombre de l’essai`,
    rejected: ' ; panel rejeté',
    kept: ' ; panel retenu : c’est le panel publié',
    mismatch: (r, got) => `le tirage rejette ${r} panel(s) avant le panel, mais le dossier en indique ${got}`,
    missing: (r) => `le tirage rejette ${r} panel(s) avant le panel, et le dossier n’indique pas combien`,
  },
};

describe('maxent draws of the vectors verify on the page', () => {
  test('draws.json holds maxent draws, one of them with a count of 2^64 panels or more', () => {
    assert.ok(MAXENT.length >= 1);
    assert.ok(MAXENT.some((c) => c.intermediate.picks.some((p) => p.among === 0)), 'a draw whose attempts take several 64-bit values');
  });

  for (const lang of ['en', 'fr']) {
    test(`${lang}: every step, the method, the rejections and the draw pick by pick`, async () => {
      const w = WORDS[lang];
      const page = await openPageAt(context, `${server.url}/?lang=${lang}`);
      for (const c of MAXENT) {
        const text = bundleOf(c);
        const report = JSON.parse(wasm.verify(text));
        assert.equal(report.valid, true, c.name);
        await load(page, text, `${c.name}.json`);
        assert.equal(await page.getAttribute('#verdict', 'data-valid'), 'true', c.name);
        assert.deepEqual(await stepStatusesOf(page), Object.fromEntries(report.steps.map((s) => [s.id, s.status])), c.name);

        // The method, named and described, and what it guarantees.
        assert.match(await page.locator('#summary [data-row="s_method"] dd').textContent(), w.method, c.name);
        assert.match(await page.locator('#quotas-note').textContent(), w.quotas, c.name);
        assert.equal(await page.locator('#quota-table tbody tr.broken').count(), 0, c.name);

        // The draw step's note on the panels rejected, in the page's language.
        const notes = await page.$$eval('#steps li[data-step="draw"] ul.detail li', (lis) => lis.map((li) => li.textContent));
        assert.ok(notes.includes(w.note(c.rejections)), `${c.name}: ${notes.join(' | ')}`);

        // The number of rejections beside the published panel.
        const line = page.locator('#lists [data-rejections]');
        assert.equal(await line.getAttribute('data-rejections'), String(c.rejections), c.name);
        assert.ok((await line.textContent()).startsWith(w.rejections), c.name);

        // The draw pick by pick: each attempt's draws, then the alternates' people.
        const rows = await page.$$eval('details[data-list="picks"] tbody tr', (trs) => trs.map((tr) => ({
          kind: tr.dataset.kind,
          big: tr.dataset.big === 'true',
          cells: [...tr.children].map((td) => td.textContent),
        })));
        assert.equal(rows.length, c.intermediate.picks.length, c.name);
        const attempts = rows.filter((r) => r.kind === 'attempt');
        const people = rows.filter((r) => r.kind === 'person');
        assert.equal(attempts.length + people.length, rows.length, c.name);
        assert.deepEqual(people.map((r) => r.cells[5]), c.alternates, c.name);
        const tickets = new Set(c.pool.map((r) => r.ticket));
        const part = new Map();
        attempts.forEach((r, i) => {
          const [n, stream, value, among, position, chosen] = r.cells;
          const pick = c.intermediate.picks[Number(n) - 1];
          assert.equal(value, pick.value, `${c.name} pick ${n}`);
          const a = Number(w.stream.exec(stream)?.[1]);
          assert.equal(a, pick.index + 1, `${c.name} pick ${n}: ${stream}`);
          assert.ok(!tickets.has(chosen) && !c.alternates.includes(chosen), `${c.name} pick ${n} is not a person`);
          // A number of 2^64 or more is drawn as several 64-bit values: no count, no position.
          assert.equal(r.big, pick.among === 0, `${c.name} pick ${n}`);
          let what;
          if (r.big) {
            assert.deepEqual([among, position], ['—', '—'], `${c.name} pick ${n}`);
            part.set(a, (part.get(a) ?? 0) + 1);
            what = w.part(part.get(a));
          } else {
            // SPEC.md section 8: the position is the high 64 bits of value × among.
            const count = BigInt(among.replace(/\D/g, ''));
            assert.equal(count, BigInt(pick.among), `${c.name} pick ${n}`);
            assert.equal(BigInt(position), (BigInt(`0x${value}`) * count) >> 64n, `${c.name} pick ${n}`);
            what = w.number;
          }
          // The last draw of each attempt says what became of its panel: the attempts before
          // the published panel's were rejected.
          const last = attempts[i + 1]?.cells[1] !== stream;
          const end = !last ? '' : a - 1 < c.rejections ? w.rejected : w.kept;
          assert.equal(chosen, `${what}${end}`, `${c.name} pick ${n}`);
        });
        assert.equal(new Set(attempts.map((r) => r.cells[1])).size, c.rejections + 1, c.name);
        assert.ok(attempts.at(-1).cells[5].endsWith(w.kept), c.name);
        assert.equal(await page.locator('details[data-list="picks"] [data-picks-maxent]').count(), 1, c.name);
        if (lang === 'fr') {
          assert.equal(await page.locator('[lang="en"]:visible:not(button.lang)').count(), 0, `${c.name}: nothing shown marked as English`);
        }
      }
      await page.click('details[data-list="picks"] summary');
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }
});

describe('a changed number of rejections fails at the draw step', () => {
  for (const lang of ['en', 'fr']) {
    test(`${lang}: one more, or none, is a DrawMismatch, explained, with no pick shown`, async () => {
      const w = WORDS[lang];
      const c = MAXENT[0];
      const honest = JSON.parse(bundleOf(c));
      const more = structuredClone(honest);
      more.result.rejections = c.rejections + 1;
      const none = structuredClone(honest);
      delete none.result.rejections;
      const page = await openPageAt(context, `${server.url}/?lang=${lang}`);
      for (const [b, error, shown] of [
        [more, w.mismatch(c.rejections, c.rejections + 1), String(c.rejections + 1)],
        [none, w.missing(c.rejections), null],
      ]) {
        const text = JSON.stringify(b);
        const report = JSON.parse(wasm.verify(text));
        assert.equal(report.steps.find((s) => s.status === 'failed')?.id, 'draw');
        assert.equal(report.error_kind, 'DrawMismatch');
        await load(page, text, 'rejections.json');
        assert.equal(await page.getAttribute('#verdict', 'data-valid'), 'false');
        assert.equal(await page.getAttribute('#verdict', 'data-failed-step'), 'draw');
        assert.equal(await page.locator('#verdict .failure').getAttribute('data-kind'), 'DrawMismatch');
        assert.ok((await page.locator('#verdict').textContent()).includes(error), error);
        assert.equal(await page.locator('#steps li[data-step="draw"]').getAttribute('data-status'), 'failed');
        // The number shown beside the panel is the bundle's, and the honest draw's picks are
        // not shown beside a bundle that fails.
        assert.equal(await page.locator('#lists [data-rejections]').count(), shown === null ? 0 : 1);
        if (shown !== null) assert.equal(await page.getAttribute('#lists [data-rejections]', 'data-rejections'), shown);
        assert.equal(await page.locator('details[data-list="picks"]').count(), 0);
        if (lang === 'fr') assert.equal(await page.locator('[lang="en"]:visible:not(button.lang)').count(), 0, 'nothing shown marked as English');
      }
      assert.deepEqual(page.errors, []);
      await page.close();
    });
  }
});
