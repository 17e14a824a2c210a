// Shared helpers of the Node tests: a tiny static server, the wasm module loaded in Node,
// and the Chromium launcher.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile, stat, mkdir } from 'node:fs/promises';
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runInThisContext } from 'node:vm';

const here = dirname(fileURLToPath(import.meta.url));
export const WASM_DIR = resolve(here, '..');
export const WWW = join(WASM_DIR, 'www');
export const REPO = resolve(WASM_DIR, '..', '..');
export const ARTIFACTS = join(REPO, 'test-artifacts');
export const VECTORS = join(REPO, 'tests', 'vectors');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves `root` on 127.0.0.1 (a random port); resolves to `{url, close}`. */
export async function serve(root = WWW) {
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) {
        res.writeHead(403).end();
        return;
      }
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(ok)) };
}

/** The page's build of the bindings (the no-modules glue, a classic script defining
 * `wasm_bindgen`), evaluated in Node and initialised from the .wasm bytes. */
export async function loadWasm() {
  const glue = join(WWW, 'pkg', 'kleroterion_wasm.js');
  if (!existsSync(glue)) throw new Error(`${glue} is missing: run bindings/wasm/build.sh first`);
  const code = `(() => {\n${readFileSync(glue, 'utf8')}\nreturn wasm_bindgen;\n})()`;
  const mod = runInThisContext(code, { filename: glue });
  mod.initSync({ module: readFileSync(join(WWW, 'pkg', 'kleroterion_wasm_bg.wasm')) });
  return mod;
}

/** The page opened straight from its files. */
export const FILE_URL = pathToFileURL(join(WWW, 'index.html')).href;

/** Reads a generated example file. */
export function example(name) {
  const p = join(WWW, 'examples', name);
  if (!existsSync(p)) throw new Error(`${p} is missing: run bindings/wasm/build.sh first`);
  return readFileSync(p, 'utf8');
}

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Launches Debian's Chromium headless through playwright-core. */
export async function launch() {
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(join(tmpdir(), 'kleroterion-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    viewport: { width: 1100, height: 900 },
  });
  return context;
}

export async function artifacts() {
  await mkdir(ARTIFACTS, { recursive: true });
  return ARTIFACTS;
}

/** The entry of an example in the generated examples/index.json. */
export function exampleEntry(id) {
  const entry = JSON.parse(example('index.json')).find((e) => e.id === id);
  if (!entry) throw new Error(`example ${id} is missing from examples/index.json: run bindings/wasm/build.sh`);
  return entry;
}

/** The steps of a report, in order (SPEC.md section 12.1). */
export const STEPS = [
  'format', 'manifest', 'pool', 'parent', 'links', 'portfolio', 'randomness', 'time_order', 'seed', 'draw', 'openings',
  'quotas', 'transcript', 'replacements', 'inherited',
];

/** The steps that check a stage against its previous stage (SPEC.md section 5.3). */
export const CHAIN_STEPS = ['parent', 'links', 'inherited'];

/** The steps of a valid bundle verified without replacement records: all passed, except the
 * portfolio step (the lottery method only), the openings step (a sealed pool only), the
 * replacements step (none given), the chain steps unless `chain` (a stage verified with its
 * previous stage; `'alone'` for a stage that names a previous stage verified without it: its
 * links step checks the links alone, its parent and inherited steps are skipped) and the time order step when `timeOrder` says so (skipped for a replay, or
 * without a source whose time a program knows). */
export function greenSteps(method, timeOrder = 'passed', sealed = false, chain = false) {
  const skipped = (s) => (s === 'portfolio' && method !== 'lottery') || (s === 'openings' && !sealed) || s === 'replacements'
    || (CHAIN_STEPS.includes(s) && (!chain || (chain === 'alone' && s !== 'links')));
  return Object.fromEntries(STEPS.map((s) => [s, s === 'time_order' ? timeOrder : skipped(s) ? 'skipped' : 'passed']));
}

/** The example entries that were generated (the Montpellier stages need `kleroterion demo`). */
export function hasExample(id) {
  return JSON.parse(example('index.json')).some((e) => e.id === id);
}

/** The page's state after a verification other than `run`: waits for the next one. */
export async function nextRun(page, run) {
  await page.waitForFunction((r) => {
    const v = document.getElementById('verdict');
    return v && v.dataset.run && v.dataset.run !== r;
  }, run);
}

/** Types published facts in the form and verifies again; resolves when the verdict is new. */
export async function verifyWithFacts(page, { commitment, lotteries } = {}) {
  const run = await page.getAttribute('#verdict', 'data-run');
  if (commitment !== undefined) await page.fill('#commitment', commitment);
  if (lotteries !== undefined) {
    await page.evaluate(() => { document.getElementById('lotteries-box').open = true; });
    await page.fill('#lotteries', lotteries);
  }
  await page.click('#facts-form button[type="submit"]');
  await nextRun(page, run);
}

/** The subjects of the items to compare by hand, in the page's order. */
export async function byHandSubjects(page) {
  return page.$$eval('#by-hand li[data-subject]', (lis) => lis.map((li) => li.dataset.subject));
}

/** The visible text of an element without its parts marked as English (the core's technical
 * messages, labelled as such on the French page). */
export async function textWithoutEnglish(page, selector) {
  return page.$eval(selector, (e) => {
    const c = e.cloneNode(true);
    for (const x of c.querySelectorAll('[lang="en"]')) x.remove();
    return c.textContent;
  });
}

/** The randomness step of a demo bundle on the page, in the page's language: the drand
 * quicknet round checked by computation with its production time, and the EuroMillions draw
 * never shown as checked but compared by hand, its numbers and stars apart. `summary` is the
 * wasm `summary` of the same bundle. */
export async function assertDemoSources(page, summary, lang) {
  const { default: assert } = await import('node:assert/strict');
  const [drand, lottery] = summary.randomness;
  assert.equal(drand.kind, 'drand');
  assert.equal(drand.network, 'quicknet');
  // Production time: quicknet's genesis (1692803367) + 3 s × (round − 1).
  const unix = 1692803367 + 3 * (drand.round - 1);
  assert.equal(drand.time, new Date(unix * 1000).toISOString().replace(/\.000Z$/, 'Z'));
  assert.equal(lottery.kind, 'lottery');
  assert.equal(lottery.lottery, 'euromillions');
  assert.equal(lottery.name, 'EuroMillions');
  assert.equal(lottery.groups.length, 2);
  const step = page.locator('#steps li[data-step="randomness"]');
  assert.equal(await step.getAttribute('data-status'), 'passed');
  assert.equal(await step.locator('li.source').count(), 2);
  assert.equal(await step.locator('li.source[data-checked="true"]').count(), 1);
  const d = step.locator('li.source[data-source="drand"]');
  assert.equal(await d.getAttribute('data-checked'), 'true');
  assert.equal(await d.getAttribute('data-round'), String(drand.round));
  assert.equal(await d.getAttribute('data-time'), drand.time);
  const dText = await d.textContent();
  const round = new Intl.NumberFormat(lang === 'fr' ? 'fr' : 'en').format(drand.round);
  const l = step.locator('li.source[data-source="lottery"]');
  assert.equal(await l.getAttribute('data-checked'), 'false');
  assert.equal(await l.getAttribute('data-by-hand'), 'true');
  const lText = await l.textContent();
  assert.ok(!lText.includes('✔'), lText);
  const [main, stars] = lottery.groups.map((g) => g.numbers.join(' '));
  if (lang === 'fr') {
    assert.ok(dText.includes(`tour ${round} de drand quicknet, produit le ${drand.time} (UTC)`), dText);
    assert.match(dText, /vérifiée : sa signature BLS est contrôlée hors ligne/);
    assert.ok(lText.includes(`EuroMillions, tirage du ${lottery.date} : numéros ${main} · étoiles ${stars}`), lText);
    assert.match(lText, /non vérifiée par le calcul/);
  } else {
    assert.ok(dText.includes(`drand quicknet round ${round}, produced at ${drand.time} (UTC)`), dText);
    assert.match(dText, /checked: its BLS signature verified offline/);
    assert.ok(lText.includes(`EuroMillions, draw of ${lottery.date}: numbers ${main} · stars ${stars}`), lText);
    assert.match(lText, /not checked by computation/);
  }
  assert.ok(lText.includes(lottery.canonical), lText);
  // The lottery is among the items to compare by hand, main numbers and stars apart.
  const item = page.locator('#by-hand li[data-subject="lottery"]');
  assert.equal(await item.count(), 1);
  assert.equal(await item.locator('[data-group="main"] .nums').textContent(), main);
  assert.equal(await item.locator('[data-group="bonus-1"] .nums').textContent(), stars);
  assert.equal(await item.locator('a').getAttribute('href'), lottery.result_page);
}

const AXE = readFileSync(join(WASM_DIR, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Runs axe-core on the whole page and asserts no violation (`after` names the action). */
export async function noAxeViolations(page, after) {
  if (!(await page.evaluate(() => typeof globalThis.axe === 'object'))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => (await globalThis.axe.run(document, { preload: false })).violations
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''} ${n.html.slice(0, 160)}`).slice(0, 3).join(' | ')}`));
  assert.deepEqual(violations, [], `axe after ${after}`);
}

/** Searches a ticket code on the page ("find my ticket") and returns the answer box: whether
 * the ticket is in the pool, its outcome, whether the outcome is established, how its values
 * are shown (`published`, `opened`, `sealed`, or null), its text and its classes. */
export async function findTicket(page, code) {
  await page.fill('#ticket-code', code);
  const before = await page.evaluate(() => document.getElementById('ticket-result').textContent);
  await page.click('#ticket-form button[type="submit"]');
  await page.waitForFunction((b) => {
    const box = document.getElementById('ticket-result');
    return box.dataset.inPool !== undefined && box.textContent !== b;
  }, before);
  return page.evaluate(() => {
    const box = document.getElementById('ticket-result');
    return {
      inPool: box.dataset.inPool,
      outcome: box.dataset.outcome,
      established: box.dataset.established,
      values: box.querySelector('.values-line')?.dataset.values ?? null,
      text: box.textContent,
      cls: box.className,
    };
  });
}

/** The chain example's two bundles (SPEC.md section 5.3): `previous` (stage 1, the
 * invitations) and `stage` (stage 2, drawn from those who answered), as texts. */
export function chainExample() {
  const entry = exampleEntry('chain');
  return { entry, previous: example(entry.previous), stage: example(entry.file) };
}

/** The response rates of a chain recounted from the two bundles' JSON alone (SPEC.md section
 * 5.3), without the core: for each inherited feature of the stage (in its manifest's order) and
 * each value of the previous manifest, the invitees with that value (their record's, or in a
 * sealed previous stage the bundle's opening) and the stage's records linked to one of them;
 * then the total. The rate rounds half up to one decimal, as the core writes it. */
export function recountResponses(previous, stage) {
  const invitees = [...previous.result.selected, ...previous.result.alternates];
  const values = new Map(previous.pool.map((r) => [r.ticket, r.values]));
  for (const o of previous.openings ?? []) values.set(o.ticket, o.values);
  const linked = new Set(stage.pool.map((r) => r.link));
  const rate = (invited, volunteered) => {
    if (invited === 0) return '-';
    const perMille = Math.floor((volunteered * 1000 + Math.floor(invited / 2)) / invited);
    return `${Math.floor(perMille / 10)}.${perMille % 10}%`;
  };
  const rows = [];
  for (const f of stage.manifest.features.filter((x) => stage.manifest.parent.inherited.includes(x.name))) {
    const at = previous.manifest.features.findIndex((g) => g.name === f.name);
    for (const v of previous.manifest.features[at].values) {
      const having = invitees.filter((t) => values.get(t)?.[at] === v.value);
      const volunteered = having.filter((t) => linked.has(t)).length;
      rows.push({ feature: f.name, value: v.value, invited: having.length, volunteered, rate: rate(having.length, volunteered) });
    }
  }
  rows.push({ feature: null, value: null, invited: invitees.length, volunteered: stage.pool.length, rate: rate(invitees.length, stage.pool.length) });
  return rows;
}

/** The chain example with one stage-2 record linking to someone of the roll whom stage 1 did
 * not invite, rebuilt consistently with the page's wasm (`wasm`): the pool's root and count
 * recomputed, then the stage drawn again, so that every step before `links` passes. Returns
 * `{previous, stage, ticket, link}` (texts, the changed record's ticket and its new link). */
export function notInvitedChain(wasm) {
  const { previous } = chainExample();
  const prev = JSON.parse(previous);
  const b = JSON.parse(chainExample().stage);
  const invited = new Set([...prev.result.selected, ...prev.result.alternates]);
  const outsider = prev.pool.find((r) => !invited.has(r.ticket));
  const pool = structuredClone(b.pool);
  pool[3].link = outsider.ticket;
  const manifest = structuredClone(b.manifest);
  manifest.pool = { root: JSON.parse(wasm.merkle_tree(JSON.stringify(pool))).root, count: pool.length };
  const stage = wasm.draw(JSON.stringify(manifest), JSON.stringify(pool), JSON.stringify(b.reveal));
  return { previous, stage, ticket: pool[3].ticket, link: outsider.ticket };
}

/** The steps of a chain report on the page, in order, as `{id: status}`: the stage's
 * (`#steps`) or the previous stage's (`#previous-steps`). */
export async function stepStatusesOf(page, list = '#steps') {
  return page.$$eval(`${list} li.step`, (lis) => Object.fromEntries(lis.map((li) => [li.dataset.step, li.dataset.status])));
}

/** Opens the page at `url` in `context` and waits until it is ready; `page.errors` collects
 * its uncaught errors and console errors, which every test expects to stay empty. */
/** The page methods that act on it as a reader would. */
const ACTIONS = ['click', 'fill', 'setInputFiles', 'selectOption', 'press', 'check', 'uncheck', 'dispatchEvent'];

/** Makes every action on `page` (a click, a fill, a file chosen, a key, a drop...) followed by
 * an axe-core run that must find no violation, once the page has finished what the action
 * started (no verification in progress). An action that closes the page or leaves it is not
 * audited. */
export function auditEveryAction(page) {
  for (const name of ACTIONS) {
    const act = page[name].bind(page);
    page[name] = async (...args) => {
      const out = await act(...args);
      if (name === 'dispatchEvent' && args[1] === 'dragover') return out;
      await settledAxe(page, `${name}(${JSON.stringify(args[0])})`);
      return out;
    };
  }
  const press = page.keyboard.press.bind(page.keyboard);
  page.keyboard.press = async (...args) => {
    const out = await press(...args);
    await settledAxe(page, `keyboard.press(${JSON.stringify(args[0])})`);
    return out;
  };
  return page;
}

async function settledAxe(page, after) {
  // The page's answer to an action may start a frame later (input events, then the worker):
  // two animation frames, then no answer pending; an audit during which the page changed
  // (a new answer drawn) is made again on the settled page.
  const settled = async () => {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.waitForFunction(() => document.body?.dataset.state !== 'verifying' && document.body?.dataset.busy !== 'true',
      null, { timeout: 60_000 });
    return page.evaluate(() => `${document.getElementById('verdict')?.dataset.run}:${document.body.dataset.busy}`);
  };
  try {
    for (let tries = 0; tries < 3; tries++) {
      const before = await settled();
      await noAxeViolations(page, after);
      if (await page.evaluate(() => `${document.getElementById('verdict')?.dataset.run}:${document.body.dataset.busy}`) === before) return;
    }
  } catch (e) {
    if (page.isClosed()) return;
    throw e;
  }
}

export async function openPageAt(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  await noAxeViolations(page, 'opening');
  page.errors = errors;
  return auditEveryAction(page);
}
