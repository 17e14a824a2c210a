// The citizens' verification page: loads a bundle, verifies it with the wasm build of
// kleroterion, and shows the checklist, the quota table, the probability profile (lottery)
// and the receipt check, plus a planning helper (which drand round to commit to). A bundle
// drawn from the invitees of a previous stage is verified with that stage, when the reader
// gives it, as a chain (SPEC.md sections 5.3 and 12.5): both stages' steps and the response
// rates. No request leaves this site; receipts never leave the browser.
//
// A classic script (no ES module), like i18n.js and the wasm-bindgen glue
// (pkg/kleroterion_wasm.js, which defines `wasm_bindgen`), so that the page also works opened
// straight from its files (file://), where Chromium refuses modules and fetch. There the
// wasm bytes come from pkg/kleroterion_wasm_bytes.js and the examples from
// examples/examples.js, both classic scripts loaded on demand.

(() => {
'use strict';

const { LANGS, MESSAGES, percent } = globalThis.KleroterionI18n;
/* global wasm_bindgen */
const wasm = typeof wasm_bindgen === 'undefined' ? null : wasm_bindgen;
const FROM_FILES = location.protocol === 'file:';

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';

const state = {
  lang: 'en',
  ready: false,
  examples: [],
  plan: null,
  // True once a bundle was read by the worker (which keeps it, parsed, for every later view).
  bundleLoaded: false,
  bundleName: null,
  // The SHA-256 and size of the loaded file's bytes, to compare with the organiser's.
  bundleSha256: null,
  bundleSize: 0,
  // Where a verification is: null, or {step} while the worker works (hash, parse, verify, views).
  progress: null,
  // The ticket search's last answer: {ticket, in_pool, outcome} or {empty: true}.
  ticketAnswer: null,
  // The wasm file's SHA-256 and the page's version, shown in the footer.
  wasmSha256: null,
  report: null,
  summary: null,
  quotas: null,
  probabilities: null,
  // For a maxent bundle, everyone's chance recomputed from the committed count (the binding's
  // `maxent_chances`): {exact, total, chances: [{ticket, numerator, probability}], lowest,
  // highest, not_exact}; null for another method.
  chances: null,
  // The panel and alternates with their values (the binding's `members`): {sealed, features,
  // selected: [{ticket, values}], alternates}; in a sealed pool, the values the bundle opens.
  members: null,
  receiptAnswer: null,
  // The draw pick by pick ({seed, picks}, SPEC.md section 10.3), asked for once the loaded
  // bundle verified; null until then.
  picks: null,
  lastStatus: null,
  // The published facts as last read from the form: {ok, json, facts} or {ok: false, field,
  // kind, message}.
  facts: null,
  // Replacement records loaded by the reader: [{name, record}], and the last reading error.
  replacements: [],
  replacementsError: null,
  // What was typed in the per-source lottery fields, by `lottery@date`: one text per group.
  lotteryInputs: {},
  // How many verifications ran (the verdict box's data-run, for whoever waits on it).
  runs: 0,
  // Linked stages (SPEC.md section 5.3). The previous stage the reader gave: {name, sha256,
  // size, readable, summary}, or null.
  previous: null,
  // The previous stage the loaded bundle's manifest names (the binding's `parent`:
  // {commitment, commitment_grouped, invitees, inherited}), or null.
  parent: null,
  // The chain's report when the loaded bundle names a previous stage and it was given:
  // {verdict, valid, previous, report, responses}; `report` above is then its `report`.
  chain: null,
  // The previous stage's published facts as read from the form (as `facts`).
  previousFacts: null,
};

// ---------- i18n ----------

function t(key, params = {}) {
  const m = MESSAGES[state.lang][key] ?? MESSAGES.en[key];
  if (m === undefined) return key;
  return typeof m === 'function' ? m(params) : m;
}

function pickLang() {
  const q = new URLSearchParams(location.search).get('lang');
  if (LANGS.includes(q)) return q;
  try {
    const saved = localStorage.getItem('kleroterion-lang');
    if (LANGS.includes(saved)) return saved;
  } catch {
    // Storage may be disabled: fall through.
  }
  return (navigator.language || 'en').toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

function setLang(lang) {
  state.lang = lang;
  try {
    localStorage.setItem('kleroterion-lang', lang);
  } catch {
    // Not stored: the choice lasts for this visit.
  }
  document.documentElement.lang = lang;
  document.title = t('doc_title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-aria-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  }
  for (const b of document.querySelectorAll('button.lang')) {
    b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
  }
  renderAll();
}

// ---------- small DOM helpers ----------

/** Every text this page writes, escaped by the core (`text::display`, through the wasm): a
 * control or bidirectional formatting character from a bundle or a receipt shows as `\u{..}`
 * and cannot act on the page. Nothing from a file is shown before the module runs. */
function shown(text) {
  const s = String(text);
  return state.ready ? wasm.display_text(s, 0xffffffff) : s;
}

function setText(node, text) {
  node.textContent = shown(text);
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') setText(e, v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(shown(c)));
  }
  return e;
}

function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function setStatus(key, params) {
  state.lastStatus = key ? [key, params] : null;
  setText($('load-status'), key ? t(key, params) : '');
}

// ---------- loading ----------

async function readFile(file) {
  setStatus('reading', { name: file.name });
  try {
    return await file.text();
  } catch {
    setStatus('not_json_file', { name: file.name });
    return null;
  }
}

/** Texts past this size are bundles (a receipt or a replacement record is a few kB): they
 * are not read on the main thread to find their kind. */
const SNIFF_LIMIT = 1 << 20;

/** A file chosen or dropped anywhere: a receipt goes to the receipt check, a replacement
 * record to the replacement records, a bare ticket code to the ticket search; only a bundle
 * (or a text of no known kind, which fails as one) replaces the loaded bundle. */
async function routeFile(file) {
  const bytes = await readFile(file);
  if (bytes) await routeBytes(bytes, file.name);
}

/** A chosen or dropped file's bytes, or null (and the status says so) when it cannot be read. */
async function readFile(file) {
  setStatus('reading', { name: file.name });
  try {
    return await file.arrayBuffer();
  } catch {
    setStatus('not_json_file', { name: file.name });
    return null;
  }
}

/** A file's bytes: a large one is a bundle, handed to the worker as it is (the SHA-256 shown
 * is always that of the bytes read). */
async function routeBytes(bytes, name) {
  if (bytes.byteLength > SNIFF_LIMIT) await verifyBundle({ bytes }, name);
  else await routeText(new TextDecoder().decode(bytes), name, bytes);
}

/** A file chosen or dropped for the previous stage: a bundle (or a text of no known kind,
 * which fails as one) becomes the previous stage; a receipt, a replacement record or a ticket
 * code goes where it belongs. */
async function routePreviousFile(file) {
  const bytes = await readFile(file);
  if (!bytes) return;
  const kind = bytes.byteLength > SNIFF_LIMIT ? 'bundle' : wasm.file_kind(new TextDecoder().decode(bytes));
  if (kind === 'bundle' || kind === 'unknown') await loadPreviousStage({ bytes }, file.name);
  else await routeBytes(bytes, file.name);
}

/** A text dropped, pasted or read from a small file (`bytes`, its file's bytes), sent where
 * its kind belongs. */
async function routeText(text, name, bytes = null) {
  const kind = text.length > SNIFF_LIMIT ? 'bundle' : wasm.file_kind(text);
  if (kind === 'receipt') {
    $('receipt-text').value = text;
    if (!state.bundleLoaded) {
      setStatus('receipt_needs_bundle');
      return;
    }
    await checkReceipt();
  } else if (kind === 'ticket') {
    $('ticket-code').value = text.trim();
    if (!state.bundleLoaded) {
      setStatus('ticket_needs_bundle');
      return;
    }
    await findTicket();
  } else if (kind === 'replacement') {
    await addReplacements([{ name, text }]);
  } else {
    await verifyBundle(bytes ? { bytes } : { text }, name);
  }
}

/** Fetches a file of this same site only (`?bundle=`, examples), over http(s). */
async function fetchSameOrigin(path, bytes = false) {
  const url = new URL(path, location.href);
  if (url.origin !== location.origin || !/^https?:$/.test(url.protocol)) {
    throw Object.assign(new Error('refused'), { refused: true, url: url.href });
  }
  const r = await fetch(url, { credentials: 'same-origin', cache: 'no-cache' });
  if (!r.ok) throw Object.assign(new Error(String(r.status)), { url: url.href, status: r.status });
  return bytes ? r.arrayBuffer() : r.text();
}

/** Loads a classic script of this page's own folder (CSP `script-src 'self'`). */
function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`${src} could not be loaded`));
    document.head.append(s);
  });
}

/** The example files registered by examples/examples.js, if it was loaded. A large file
 * has its own script (named in `scripts`), loaded the first time it is asked for. */
async function registeredFile(path) {
  const reg = globalThis.KLEROTERION_EXAMPLES;
  if (!reg) return null;
  const url = new URL(path, location.href).href;
  const named = (name) => new URL(`examples/${name}`, location.href).href === url;
  for (const [name, script] of Object.entries(reg.scripts ?? {})) {
    if (named(name) && !(name in reg.files)) await loadScript(`examples/${script}`);
  }
  for (const [name, text] of Object.entries(reg.files)) {
    if (named(name)) return text;
  }
  return null;
}

/** A file of this page: a registered example, or fetched from the same site. */
async function readSiteFile(path) {
  const text = await registeredFile(path);
  if (text !== null) return text;
  if (FROM_FILES) throw Object.assign(new Error('file'), { fromFiles: true, url: path });
  return fetchSameOrigin(path);
}

/** Reads a file of this page's own (`?bundle=`, `?previous=`, the examples) and hands it to
 * `take(input, name)`: a registered example's text, or the bytes as served (they go to the
 * worker as they are). Says why it could not, and returns false then. */
async function loadSitePath(path, take) {
  try {
    setStatus('reading', { name: path });
    const name = path.split('/').pop() || path;
    const text = await registeredFile(path);
    if (text !== null) await take({ text }, name);
    else if (FROM_FILES) throw Object.assign(new Error('file'), { fromFiles: true, url: path });
    else await take({ bytes: await fetchSameOrigin(path, true) }, name);
    return true;
  } catch (e) {
    if (e.fromFiles) setStatus('url_from_files', { url: path });
    else if (e.refused) setStatus('url_refused', { url: path });
    else setStatus('url_failed', { url: path, status: e.status ?? e.message });
    return false;
  }
}

/** Loads the previous stage of a chain from this page's own files (`?previous=`, the chain
 * example); `verify` false when the stage is loaded right after. */
function loadPreviousUrl(path, verify = true) {
  return loadSitePath(path, (input, name) => loadPreviousStage(input, name, verify));
}

/** Loads a bundle (or whatever the file is) from this page's own files. */
function loadBundleUrl(path) {
  return loadSitePath(path, (input, name) => (input.text !== undefined ? routeText(input.text, name) : routeBytes(input.bytes, name)));
}

// ---------- the worker ----------

let worker = null;
let nextId = 0;
const pending = new Map();

/** Starts the verification worker with the compiled module: served from worker.js, opened
 * from files from a blob of pkg/kleroterion_worker.js (Chromium refuses a file:// worker). */
async function startWorker(module) {
  let w;
  if (FROM_FILES) {
    if (!globalThis.KLEROTERION_WORKER_SOURCE) await loadScript('pkg/kleroterion_worker.js');
    const blob = new Blob([globalThis.KLEROTERION_WORKER_SOURCE], { type: 'text/javascript' });
    w = new Worker(URL.createObjectURL(blob));
  } else {
    w = new Worker('worker.js');
  }
  w.onmessage = (e) => {
    const { id, progress, result, error } = e.data;
    const p = pending.get(id);
    if (!p) return;
    if (progress) {
      p.onProgress?.(progress);
      return;
    }
    pending.delete(id);
    if (error) p.reject(Object.assign(new Error(error.message), { name: error.name }));
    else p.resolve(result);
    // After what awaited the answer has drawn it (or asked the worker again).
    setTimeout(markBusy, 0);
  };
  w.onerror = (e) => {
    for (const p of pending.values()) p.reject(new Error(e.message || 'worker error'));
    pending.clear();
    setTimeout(markBusy, 0);
  };
  worker = w;
  await ask('init', { module });
}

/** Asks the worker; resolves to its answer. `transfer` lists buffers handed over. */
function ask(op, payload = {}, onProgress = null, transfer = []) {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress });
    markBusy();
    worker.postMessage({ id, op, ...payload }, transfer);
  });
}

/** `data-busy` on the body while the worker has work whose answer is not yet on screen. */
function markBusy() {
  document.body.dataset.busy = String(pending.size > 0);
}

/** The steps of reading a bundle, in order, for the progress bar. */
const PROGRESS = ['hash', 'parse', 'verify', 'views'];

function setProgress(step) {
  state.progress = step ? { step } : null;
  renderProgress();
}

function renderProgress() {
  const bar = $('progress');
  const p = state.progress;
  bar.hidden = !p;
  if (!p) return;
  const i = PROGRESS.indexOf(p.step);
  const meter = bar.querySelector('progress');
  meter.max = PROGRESS.length;
  meter.value = i;
  bar.dataset.step = p.step;
  bar.querySelector('.progress-text').textContent = t('progress', { i: i + 1, n: PROGRESS.length, what: t(`progress_${p.step}`) });
}

/** Replacement records and published facts as the worker takes them. */
function replacementsJson() {
  return JSON.stringify(state.replacements.map((r) => r.record));
}

/** Reads both stages' published facts from the form; true when both can be read. */
function readAllFacts() {
  state.facts = readFacts();
  state.previousFacts = readPreviousFacts();
  return state.facts.ok && state.previousFacts.ok;
}

/** What the worker verifies with: the published facts (`{}` when they cannot be read: the
 * result is then not shown), the replacement records, the previous stage's facts. */
function verifyPayload() {
  return {
    published: state.facts.ok ? state.facts.json : '{}',
    replacements: replacementsJson(),
    previousPublished: state.previousFacts.ok ? state.previousFacts.json : '{}',
  };
}

/** Takes a verification from the worker: a chain's (`chain`) or a bundle's own (`report`);
 * none is shown when a published fact cannot be read. */
function applyVerified(r) {
  if (!state.facts.ok || !state.previousFacts.ok) {
    state.chain = null;
    setReport(null);
  } else if (r.chain) {
    state.chain = JSON.parse(r.chain);
    setReport(state.chain.report);
  } else {
    state.chain = null;
    setReport(JSON.parse(r.report));
  }
}

/** Reads the previous stage of a chain (its bytes or its text) in the worker, once; verifies
 * the chain when the loaded bundle names a previous stage (unless `verify` is false: the stage
 * is loaded next, as by the chain example). */
async function loadPreviousStage({ bytes, text }, name, verify = true) {
  readAllFacts();
  setStatus('reading_previous', { name });
  let r;
  try {
    r = await ask('loadPrevious', { bytes, text, ...verifyPayload(), verify }, null, bytes ? [bytes] : []);
  } catch (e) {
    setStatus('worker_failed', { msg: e.message });
    return;
  }
  state.previous = {
    name, sha256: r.sha256, size: r.size, readable: r.readable, summary: r.summary ? JSON.parse(r.summary) : null,
  };
  const verified = Boolean(r.chain || r.report);
  if (verified) {
    applyVerified(r);
    if (state.receiptAnswer && !state.receiptAnswer.empty) await checkReceipt(false);
    loadedStatus(state.bundleName, r.ms);
  } else {
    setStatus('previous_loaded_status', { name });
  }
  renderAll();
  if (verified) $('chain').focus({ preventScroll: false });
}

/** Forgets the previous stage; a loaded stage that names one is verified again without it. */
async function clearPrevious() {
  await ask('clearPrevious');
  state.previous = null;
  $('previous-file').value = '';
  if (state.bundleLoaded && state.parent) await applyFacts();
  else renderAll();
}

/** Reads a bundle (its bytes or its text) in the worker, once, and verifies it against the
 * published facts of the form; every later view reuses the parsed bundle. */
async function verifyBundle({ bytes, text }, name) {
  readAllFacts();
  setStatus('verifying', { name });
  setProgress('hash');
  document.body.dataset.state = 'verifying';
  let r;
  try {
    r = await ask('load', { bytes, text, ...verifyPayload() }, setProgress, bytes ? [bytes] : []);
  } catch (e) {
    setProgress(null);
    setStatus('worker_failed', { msg: e.message });
    document.body.dataset.state = state.report ? (state.report.valid ? 'valid' : 'invalid') : 'unverified';
    return;
  }
  state.bundleLoaded = true;
  state.bundleName = name;
  // How long each step took in the worker, for the benchmark (bench/stage1-bench.mjs).
  document.body.dataset.times = JSON.stringify(r.times);
  state.bundleSha256 = r.sha256;
  state.bundleSize = r.size;
  state.summary = r.summary ? JSON.parse(r.summary) : null;
  state.quotas = r.quotas ? JSON.parse(r.quotas) : null;
  state.probabilities = r.probabilities ? JSON.parse(r.probabilities) : null;
  state.chances = r.chances ? JSON.parse(r.chances) : null;
  state.members = r.members ? JSON.parse(r.members) : null;
  state.parent = r.parent ? JSON.parse(r.parent) : null;
  state.receiptAnswer = null;
  state.ticketAnswer = null;
  state.picks = null;
  applyVerified(r);
  setProgress(null);
  loadedStatus(name, r.ms);
  renderAll();
  $('verdict').focus({ preventScroll: false });
  loadPicks();
}

/** The picks' JSON with `among` and `position` of 16 digits or more kept exact, as texts: they
 * may pass 2^53, beyond which JavaScript numbers round (`maxent` draws a number below the count
 * of its panels, up to 64 bits in one pick). A field name inside a JSON string has its quotes
 * escaped, so a ticket's text never matches. */
function parseExact(json) {
  return JSON.parse(json.replace(/("(?:among|position)":\s*)(\d{16,})/g, '$1"$2"'));
}

/** Asks the worker for the draw pick by pick once the verdict is on screen: it draws again,
 * so it is only shown for a bundle that verified. */
async function loadPicks() {
  if (!state.report?.valid) return;
  try {
    state.picks = parseExact(await ask('picks'));
  } catch {
    state.picks = null;
  }
  renderLists();
}

/** The status line after a verification: the time only when the bundle passed. */
function loadedStatus(name, ms) {
  const rep = state.report;
  if (!rep) setStatus('loaded_unverified', { name });
  else if (isValid()) setStatus(state.chain ? 'loaded_chain' : 'loaded', { name, ms, previous: state.previous?.name ?? '' });
  else setStatus(state.chain ? 'loaded_chain_failed' : 'loaded_failed', { name, previous: state.previous?.name ?? '' });
}

/** True when the loaded bundle verified, and in a chain its previous stage too. */
function isValid() {
  const r = state.report;
  return Boolean(r?.valid && (!state.chain || state.chain.valid));
}

/** The number of items left to compare by hand: in a chain, both stages'. */
function byHandCount() {
  const n = state.report?.by_hand.length ?? 0;
  return state.chain ? n + (state.chain.previous?.by_hand.length ?? 0) : n;
}

function setReport(report) {
  state.report = report;
  state.runs += 1;
  // A chain is valid when both stages are (the stage's parent step fails with its previous
  // stage, so the two agree).
  const valid = state.chain ? state.chain.valid && Boolean(report?.valid) : report?.valid;
  document.body.dataset.state = report ? (valid ? 'valid' : 'invalid') : 'unverified';
}

/** The lottery sources of the loaded bundle that a reader can give published results for. */
function lotterySources(summary = state.summary) {
  return (summary?.randomness ?? []).filter((s) => s.kind === 'lottery' && s.committed && s.date);
}

/** The per-source lottery fields as `lottery@date=main+bonus` lines (empty sources left out). */
function fieldLines() {
  const lines = [];
  for (const s of lotterySources()) {
    const values = (state.lotteryInputs[`${s.lottery}@${s.date}`] ?? []).map((v) => (v ?? '').trim());
    if (!values.some(Boolean)) continue;
    const n = Math.max(values.length, s.groups.length, 1);
    const groups = Array.from({ length: n }, (_, i) => (values[i] ?? '').replaceAll('+', ' '));
    lines.push(`${s.lottery}@${s.date}=${groups.join('+')}`);
  }
  return lines;
}

/** The previous stage's published facts, read by the core like the stage's. */
function readPreviousFacts() {
  try {
    const json = wasm.published_facts($('previous-commitment').value, $('previous-lotteries').value);
    return { ok: true, json, facts: JSON.parse(json) };
  } catch (e) {
    return {
      ok: false, field: e.name === 'InvalidCommitment' ? 'previous-commitment' : 'previous-lotteries', kind: e.name, message: e.message,
    };
  }
}

/** The form's published facts, read by the core (the binding's `published_facts`). */
function readFacts() {
  const lines = [...$('lotteries').value.split('\n'), ...fieldLines()].join('\n');
  try {
    const json = wasm.published_facts($('commitment').value, lines);
    return { ok: true, json, facts: JSON.parse(json) };
  } catch (e) {
    return { ok: false, field: e.name === 'InvalidCommitment' ? 'commitment' : 'lotteries', kind: e.name, message: e.message };
  }
}

/** Reads the chosen replacement records; a file that is not JSON is named and left out. */
async function loadReplacements(files) {
  state.replacements = [];
  const read = [];
  for (const f of files) read.push({ name: f.name, text: await f.text().catch(() => '') });
  await addReplacements(read);
}

/** Adds replacement records ([{name, text}]) and verifies again when a bundle is loaded. */
async function addReplacements(files) {
  state.replacementsError = null;
  for (const f of files) {
    try {
      state.replacements.push({ name: f.name, record: JSON.parse(f.text) });
    } catch (e) {
      state.replacementsError = t('replacements_unreadable', { name: wasm.display_text(f.name, 200) });
    }
  }
  $('replacements-names').textContent = state.replacements.map((r) => wasm.display_text(r.name, 200)).join(', ');
  const err = $('replacements-error');
  err.textContent = state.replacementsError ?? '';
  err.hidden = !state.replacementsError;
  if (state.bundleLoaded && !state.replacementsError) await applyFacts();
}

/** Verifies the loaded bundle again (in the worker, from the parsed bundle) against the
 * published facts of the form; facts that cannot be read leave it unverified. */
async function applyFacts() {
  const ok = readAllFacts();
  if (!state.bundleLoaded) {
    renderFacts();
    if (ok) setStatus('facts_need_bundle');
    return;
  }
  const name = state.bundleName;
  let ms = 0;
  if (ok) {
    setStatus('verifying', { name });
    setProgress('verify');
    const r = await ask('verify', verifyPayload());
    setProgress(null);
    ms = r.ms;
    applyVerified(r);
  } else {
    state.chain = null;
    setReport(null);
  }
  // A receipt or a ticket already checked is checked again: what it means depends on the verdict.
  if (state.receiptAnswer && !state.receiptAnswer.empty) await checkReceipt(false);
  loadedStatus(name, ms);
  renderAll();
  $('verdict').focus({ preventScroll: false });
  if (!state.picks) loadPicks();
}

function tryJson(f) {
  try {
    return JSON.parse(f());
  } catch {
    return null;
  }
}

// ---------- rendering ----------

function renderAll() {
  renderVersion();
  renderPlan();
  renderExamples();
  renderFacts();
  renderLotteryFields();
  renderPreviousSlot();
  renderReport();
  renderQuotas();
  renderProbabilities();
  renderChances();
  renderReceiptExamples();
  renderReceipt();
  if (state.lastStatus) setStatus(...state.lastStatus);
}

function renderVersion() {
  if (!state.ready) return;
  $('version').textContent = t('version', { spec: wasm.spec_version(), drand: wasm.drand_supported() });
  const own = $('page-version');
  own.textContent = t('page_version', { version: wasm.page_version() });
  own.append(el('br'), el('span', { class: 'mono break', 'data-wasm-sha256': state.wasmSha256 ?? '', text: state.wasmSha256 ?? '' }));
}

function renderExamples() {
  const ul = $('examples');
  ul.replaceChildren();
  $('examples-box').hidden = state.examples.length === 0;
  for (const ex of state.examples) {
    const title = state.lang === 'fr' ? ex.title_fr : ex.title_en;
    ul.append(
      el(
        'li',
        {},
        el('button', {
          type: 'button',
          class: 'button secondary',
          'data-example': ex.id,
          text: t('example_button', { title }),
          onclick: () => loadExample(ex),
        }),
      ),
    );
  }
}

/** The published facts' errors, next to their fields (the previous stage's too). */
function renderFacts() {
  for (const [f, field, input, key] of [
    [state.facts, 'commitment', 'commitment', 'commitment_bad'],
    [state.facts, 'lotteries', 'lotteries', 'lotteries_bad'],
    [state.previousFacts, 'previous-commitment', 'previous-commitment', 'commitment_bad'],
    [state.previousFacts, 'previous-lotteries', 'previous-lotteries', 'lotteries_bad'],
  ]) {
    const box = $(`${field}-error`);
    const bad = Boolean(f && !f.ok && f.field === field);
    box.hidden = !bad;
    box.replaceChildren();
    $(input).setAttribute('aria-invalid', String(bad));
    if (bad) {
      box.append(el('span', { text: t(key) }), el('br'), coreSpan(f.message, { class: 'mono small' }));
      if (field === 'lotteries' && $('lotteries').value.trim()) $('lotteries-box').open = true;
    }
  }
}

/** One field per group of numbers for each lottery the loaded bundle committed to. */
function renderLotteryFields() {
  const box = $('lottery-fields');
  box.replaceChildren();
  const sources = lotterySources();
  if (!sources.length) return;
  box.append(el('p', { class: 'fields-h', text: t('lottery_fields_h') }), el('p', { class: 'hint small', text: t('lottery_fields_hint') }));
  sources.forEach((s, k) => {
    const key = `${s.lottery}@${s.date}`;
    const values = state.lotteryInputs[key] ?? (state.lotteryInputs[key] = []);
    const groups = s.groups.length ? s.groups : [{ name: '', numbers: [] }];
    box.append(el('fieldset', { class: 'lottery-field', 'data-lottery': s.lottery, 'data-date': s.date },
      el('legend', { text: t('lottery_field_legend', { name: lotteryName(s), date: s.date }) }),
      groups.map((g, i) => {
        const id = `lottery-${k}-${i}`;
        return el('div', { class: 'field inline' },
          el('label', { for: id, text: groupName(g.name, i) }),
          el('input', {
            id, type: 'text', inputmode: 'numeric', class: 'mono', autocomplete: 'off', spellcheck: 'false',
            'data-group': i === 0 ? 'main' : `bonus-${i}`, value: values[i] ?? '',
            oninput: (e) => { values[i] = e.target.value; },
          }));
      })));
  });
}

function currentExample() {
  return state.examples.find((ex) => ex.file === state.bundleName) ?? null;
}

/** Loads an example; a chain's previous stage first, then its stage (verified as a chain). */
async function loadExample(ex) {
  if (ex.previous && !(await loadPreviousUrl(`examples/${ex.previous}`, false))) return;
  await loadBundleUrl(`examples/${ex.file}`);
}

/** True when the loaded bundle's pool is sealed (SPEC.md section 4.1): its records publish a
 * seal of their values, and the bundle opens only the panel's and the alternates'. */
function sealed() {
  return Boolean(state.members?.sealed);
}

/** A stage as the page shows it: the loaded bundle (`stage`), or the previous stage of a chain
 * (`previous`): its report, summary and published facts, the prefix of its elements' ids and
 * the level of the headings in its verdict box. */
function stageView(which = 'stage') {
  if (which === 'previous') {
    const report = state.chain?.previous ?? null;
    return {
      which,
      report,
      summary: state.previous?.summary ?? null,
      facts: state.previousFacts?.facts ?? null,
      prefix: 'previous-',
      heading: 'h4',
      // The previous stage's openings step runs only for a sealed pool.
      sealed: Boolean(report?.steps.some((s) => s.id === 'openings' && s.status !== 'skipped' && s.status !== 'not_checked')),
    };
  }
  return {
    which, report: state.report, summary: state.summary, facts: state.facts?.facts ?? null, prefix: '', heading: 'h3', sealed: sealed(),
  };
}

/** The steps that check a stage against its previous stage (SPEC.md section 12.1). */
const CHAIN_STEPS = ['parent', 'links', 'inherited'];

/** True for a chain step of a loaded bundle that names a previous stage not given: whatever
 * the core could check alone, the chain is not checked, and the page says so. */
function needsPrevious(step, v) {
  return v.which === 'stage' && Boolean(state.parent) && !state.chain && CHAIN_STEPS.includes(step.id);
}

/** The key of a step's texts: in a sealed pool, the portfolio step checks no quota. */
function stepKey(id, v = stageView()) {
  return id === 'portfolio' && v.sealed ? 'portfolio_sealed' : id;
}

function stepTitle(id, v = stageView()) {
  return t(`step_${stepKey(id, v)}`);
}

function methodName(m) {
  return t(`method_${m}`);
}

function explainKind(kind) {
  const key = `kind_${kind}`;
  return key in MESSAGES.en ? t(key) : t('kind_other');
}

function renderReport() {
  const loaded = state.bundleLoaded;
  $('result').hidden = !loaded;
  $('receipt').hidden = !loaded;
  if (!loaded) return;
  renderChain();
  renderVerdict();
  renderTicket();
  renderSummary();
  renderSteps(stageView(), $('steps'));
  renderResponses();
  renderPreviousStage();
  renderLists();
  renderGlossary();
}

/** The kinds of source no program can check offline: each revealed one is an item to compare
 * by hand (SPEC.md section 12.3), never "checked". */
const BY_HAND_KINDS = ['lottery', 'dice', 'hex'];

/** A text of this language if it has one, else `fallback` (the core's words, or a proper name). */
function optional(key, fallback) {
  const m = MESSAGES[state.lang][key];
  return m === undefined ? fallback : m;
}

function colon() {
  return state.lang === 'fr' ? ' : ' : ': ';
}

function lotteryName(s) {
  if (!s.registered) return t('lottery_declared', { name: s.name ?? s.lottery ?? '?' });
  return optional(`lottery_name:${s.lottery}`, s.name);
}

function lotteryOperator(s) {
  return optional(`lottery_operator:${s.lottery}`, s.operator);
}

/** A group of lottery numbers by its name in the format (`numbers`, `stars`...), translated
 * when this language has a word for it. */
function groupName(name, i) {
  if (name) return optional(`group:${name}`, name);
  return i === 0 ? t('group_main') : t('group_bonus', { i });
}

function groupsText(groups) {
  return groups.map((g, i) => `${groupName(g.name, i)} ${g.numbers.join(' ')}`).join(' · ');
}

/** The chain box, for a loaded bundle that names a previous stage: the chain's verdict when
 * the previous stage was given, else that the chain is not checked and how to check it. */
function renderChain() {
  const box = $('chain');
  const r = state.report;
  box.hidden = !(state.parent && r);
  box.replaceChildren();
  for (const k of ['chain', 'verdict', 'valid', 'failedStage', 'failedStep']) delete box.dataset[k];
  if (box.hidden) return;
  const c = state.chain;
  if (!c) {
    box.className = 'verdict chain neutral';
    box.dataset.chain = 'needs-previous';
    box.append(
      el('p', { class: 'verdict-head', id: 'chain-head' }, el('span', { class: 'icon', 'aria-hidden': 'true', text: '!' }), ' ', t('chain_needs_previous')),
      el('p', { text: t('chain_needs_previous_hint', { commitment: state.parent.commitment_grouped }) }),
      el('p', { class: 'small' }, el('button', {
        type: 'button', class: 'link', 'data-action': 'load-previous', text: t('previous_go'), onclick: focusPrevious,
      })));
    return;
  }
  const prev = c.previous;
  const failedPrev = prev.steps.find((s) => s.status === 'failed');
  const failed = r.steps.find((s) => s.status === 'failed');
  box.className = `verdict chain ${{ valid: 'ok', valid_if: 'conditional', invalid: 'bad' }[c.verdict] ?? 'bad'}`;
  box.dataset.chain = 'checked';
  box.dataset.verdict = c.verdict;
  box.dataset.valid = String(c.valid);
  box.dataset.failedStage = failedPrev ? 'previous' : failed ? 'stage' : '';
  box.dataset.failedStep = (failedPrev ?? failed)?.id ?? '';
  let head;
  if (c.verdict === 'valid') head = t('chain_valid');
  else if (c.verdict === 'valid_if') head = t('chain_valid_if', { n: byHandCount(), stage: r.by_hand.length, previous: prev.by_hand.length });
  else if (failedPrev) head = t('chain_invalid_previous', { step: stepTitle(failedPrev.id, stageView('previous')) });
  else head = t('chain_invalid_stage', { step: failed ? stepTitle(failed.id) : '?' });
  const line = (key, summary, report) => el('li', {},
    t(key, { title: summary?.title ?? '?' }), colon(),
    report.valid ? t('chain_stage_ok', { n: report.by_hand.length }) : t('chain_stage_failed', {
      step: stepTitle(report.steps.find((s) => s.status === 'failed')?.id ?? '', key === 'chain_previous_line' ? stageView('previous') : stageView()),
    }));
  box.append(
    el('p', { class: 'verdict-head', id: 'chain-head' },
      el('span', { class: 'icon', 'aria-hidden': 'true', text: { valid: '✔', valid_if: '⚠', invalid: '✘' }[c.verdict] ?? '✘' }), ' ', head),
    el('ul', { class: 'chain-stages' },
      line('chain_previous_line', state.previous?.summary, prev),
      line('chain_stage_line', state.summary, r)),
    el('p', { class: 'small', text: t('chain_where') }));
}

/** Takes the reader to the previous stage's file input. */
function focusPrevious() {
  $('previous-slot').scrollIntoView({ block: 'center' });
  $('previous-file').focus();
}

/** The verdict box of the loaded bundle. */
function renderVerdict() {
  renderVerdictInto($('verdict'), stageView());
}

/** A verdict box: purpose and uncommitted randomness first, then the headline, then what
 * failed, what to compare by hand and what was checked by computation. */
function renderVerdictInto(v, view) {
  const r = view.report;
  const head = `${view.prefix}verdict-head`;
  v.dataset.run = String(state.runs);
  if (!r) {
    v.className = 'verdict neutral';
    v.dataset.verdict = 'not_verified';
    v.dataset.valid = 'false';
    v.dataset.failedStep = '';
    v.dataset.byHand = '0';
    v.replaceChildren(...banners(view),
      el('p', { class: 'verdict-head', id: head }, el('span', { class: 'icon', 'aria-hidden': 'true', text: '!' }), ' ',
        t('verdict_unreadable_facts')));
    return;
  }
  const failed = r.steps.find((s) => s.status === 'failed');
  v.className = `verdict ${{ valid: 'ok', valid_if: 'conditional', invalid: 'bad' }[r.verdict] ?? 'bad'}`;
  v.dataset.verdict = r.verdict;
  v.dataset.valid = String(r.valid);
  v.dataset.failedStep = failed ? failed.id : '';
  v.dataset.byHand = String(r.by_hand.length);
  let text;
  if (r.verdict === 'valid') text = t('verdict_valid');
  else if (r.verdict === 'valid_if') text = t('verdict_valid_if', { n: r.by_hand.length });
  else text = t('verdict_invalid', { step: failed ? stepTitle(failed.id, view) : '?' });
  v.replaceChildren(...[
    ...banners(view),
    el('p', { class: 'verdict-head', id: head },
      el('span', { class: 'icon', 'aria-hidden': 'true', text: { valid: '✔', valid_if: '⚠', invalid: '✘' }[r.verdict] ?? '✘' }), ' ', text),
    failed ? renderFailure(r, failed, view) : null,
    r.by_hand.length ? renderByHand(r, view) : null,
    renderChecked(r, view),
  ].filter(Boolean));
}

/** Rehearsal, replay, randomness not committed: said before anything else. */
function banners(view = stageView()) {
  const s = view.summary;
  const purpose = view.report?.purpose ?? s?.purpose;
  const out = [];
  if (purpose === 'replay' || purpose === 'rehearsal') {
    out.push(el('p', { class: 'banner', 'data-banner': purpose }, el('strong', { text: t(`banner_${purpose}`) })));
  }
  if (s && !s.committed) {
    out.push(el('p', { class: 'banner', 'data-banner': 'uncommitted' }, el('strong', { text: t('banner_uncommitted') })));
  }
  return out;
}

function technical(kind, message) {
  return el('p', { class: 'technical' },
    el('span', { class: 'label', text: technicalLabel(message, kind) }), el('br'),
    coreSpan(message, { class: 'mono' }));
}

/** Labels of the two values a failed step compared. */
function compareLabels(kind, step, view) {
  const given = view.facts?.commitment ?? null;
  switch (kind) {
    case 'CommitmentMismatch':
      return [t('fail_commitment_computed'), given && step.published === given ? t('fail_commitment_given') : t('fail_commitment_bundle')];
    case 'LotteryMismatch':
      return [t('fail_lottery_bundle'), t('fail_lottery_given')];
    case 'CommittedLate':
      return [t('fail_late_source'), t('fail_late_announced')];
    case 'ParentMismatch':
      return [t('fail_parent_given'), t('fail_parent_named')];
    case 'InheritedMismatch':
      return [t('fail_inherited_record'), t('fail_inherited_invitee')];
    default:
      return [t('fail_computed'), t('fail_compared')];
  }
}

/** For a lottery result that differs from the bundle's: both in this page's words, from the
 * bundle's summary and the facts the reader gave (the core's text names the groups in
 * English). Null when they cannot be paired. */
function lotteryMismatch(view) {
  const sorted = (xs) => [...xs].sort((a, b) => a - b).join(' ');
  const same = (s, p) => s.groups.length === 1 + p.bonus.length
    && [p.main, ...p.bonus].every((g, i) => sorted(g) === sorted(s.groups[i].numbers));
  for (const s of lotterySources(view.summary)) {
    const p = (view.facts?.lotteries ?? []).find((x) => x.lottery === s.lottery && x.date === s.date);
    if (p && !same(s, p)) {
      const given = [p.main, ...p.bonus].map((numbers, i) => ({ name: s.groups[i]?.name ?? '', numbers }));
      return [groupsText(s.groups), groupsText(given)];
    }
  }
  return null;
}

function renderFailure(r, step, view) {
  const [computed, compared] = compareLabels(r.error_kind, step, view);
  let values = [step.computed, step.published];
  if (r.error_kind === 'LotteryMismatch' && step.computed) values = lotteryMismatch(view) ?? values;
  return el('div', { class: 'failure', 'data-kind': r.error_kind ?? '' },
    el('p', {}, el('strong', { text: `${t('first_difference')}${colon()}` }), explainKind(r.error_kind)),
    values[0] || values[1]
      ? el('dl', { class: 'values compare' },
        values[0] ? el('div', { 'data-value': 'computed' }, el('dt', { text: computed }), el('dd', { class: 'mono break', text: values[0] })) : null,
        values[1] ? el('div', { 'data-value': 'compared', class: 'differs' }, el('dt', { text: compared }), el('dd', { class: 'mono break', text: values[1] })) : null)
      : null,
    technical(r.error_kind, r.error));
}

/** The report's items to compare by hand, in its order, each in this page's language. */
function renderByHand(r, view) {
  const sources = (view.summary?.randomness ?? []).filter((s) => s.revealed && BY_HAND_KINDS.includes(s.kind));
  let next = 0;
  const items = r.by_hand.map((item) => {
    let source = null;
    if (BY_HAND_KINDS.includes(item.subject)) {
      source = sources[next] ?? null;
      next += 1;
      if (source && source.kind !== item.subject) source = null;
    }
    return byHandItem(item, source, view);
  });
  const h = `${view.prefix}by-hand-h`;
  // The previous stage's box is named as such: both stages may have as many items.
  return el('section', { class: 'by-hand-box', 'aria-labelledby': view.which === 'previous' ? `previous-stage-h ${h}` : h },
    el(view.heading, { id: h, text: t('by_hand_h', { n: r.by_hand.length }) }),
    el('p', { class: 'hint', text: t('by_hand_hint') }),
    el('ol', { id: `${view.prefix}by-hand`, class: 'by-hand' }, items));
}

function byHandItem(item, source, view) {
  const s = view.summary;
  // The core's own words, for a subject or a source this page cannot describe.
  let what = coreSpan(item.what);
  let value = el('span', { class: 'mono break', text: item.value });
  let record = coreSpan(item.record);
  let extra = null;
  switch (item.subject) {
    case 'purpose':
      what = optional(`bh_purpose_${item.value}`, item.what);
      value = optional(`purpose_${item.value}`, item.value);
      record = t('bh_purpose_record');
      break;
    case 'commitment': {
      const field = view.which === 'previous' ? 'previous-commitment' : 'commitment';
      what = t('bh_commitment_what');
      value = el('span', { class: 'mono commitment-groups', text: item.value });
      record = t('bh_commitment_record');
      extra = el('p', { class: 'small' },
        el('button', {
          type: 'button',
          class: 'link',
          'data-action': `type-${field}`,
          text: t(view.which === 'previous' ? 'bh_previous_commitment_type' : 'bh_commitment_type'),
          onclick: () => $(field).focus(),
        }));
      break;
    }
    case 'announcement':
      if (s) {
        const time = s.earliest_time;
        what = time ? t('bh_announcement_what') : t('bh_announcement_none_what');
        value = time ? withParis(t('bh_announcement_value', { time }), time) : t('bh_announcement_none_value');
        record = t('bh_announcement_record', { claim: s.announced_at ?? t('none') });
      }
      break;
    case 'uncommitted':
      what = t('bh_uncommitted_what');
      value = t('bh_uncommitted_value');
      record = t('bh_uncommitted_record');
      break;
    case 'lottery':
      if (source) [what, value, record] = lotteryByHand(source, view);
      break;
    case 'dice':
      what = t('bh_dice_what');
      record = source?.witnesses ? t('bh_dice_record', { witnesses: source.witnesses }) : t('bh_dice_record_none');
      break;
    case 'hex':
      what = t('bh_hex_what');
      record = t('bh_hex_record');
      break;
    case 'previous':
      what = t('bh_previous_what');
      value = el('span', { class: 'mono commitment-groups', text: item.value });
      record = t('bh_previous_record');
      extra = el('p', { class: 'small' },
        el('button', { type: 'button', class: 'link', 'data-action': 'load-previous', text: t('previous_go'), onclick: focusPrevious }));
      break;
    default:
      break;
  }
  return el('li', { class: 'by-hand-item', 'data-subject': item.subject },
    el('p', { class: 'bh-what' }, what),
    el('dl', { class: 'bh-values' },
      el('div', { class: 'bh-value' }, el('dt', { text: t('bh_value') }), el('dd', {}, value)),
      el('div', { class: 'bh-record' }, el('dt', { text: t('bh_record') }), el('dd', {}, record))),
    extra);
}

/** A lottery to compare by hand: its numbers with main numbers and each bonus group apart,
 * and the operator's result page. */
function lotteryByHand(s, view) {
  const given = (view.facts?.lotteries ?? []).some((p) => p.lottery === s.lottery && p.date === s.date);
  const what = [t('bh_lottery_what', { name: lotteryName(s), date: s.date ?? '?' }), given ? t('bh_lottery_given') : null]
    .filter(Boolean).join(' ');
  const groups = [];
  s.groups.forEach((g, i) => {
    if (i > 0) groups.push(el('span', { class: 'sep', 'aria-hidden': 'true', text: ' · ' }));
    groups.push(el('span', { class: `group ${i === 0 ? 'main' : 'bonus'}`, 'data-group': i === 0 ? 'main' : `bonus-${i}` },
      el('span', { class: 'group-name', text: groupName(g.name, i) }), ' ',
      el('span', { class: 'mono nums', text: g.numbers.join(' ') })));
  });
  const value = el('span', { class: 'numbers' }, groups);
  // The result page comes from the core's registry, never from the bundle.
  const record = s.result_page
    ? el('span', {}, t('bh_lottery_record', { operator: lotteryOperator(s) }), colon(),
      el('a', { href: s.result_page, rel: 'noopener noreferrer external', target: '_blank', class: 'break', text: s.result_page }))
    : t('bh_lottery_record_declared');
  return [what, value, record];
}

function renderChecked(r, view) {
  // A chain step that could not check the chain (no previous stage given) is not listed.
  const passed = r.steps.filter((s) => s.status === 'passed' && !needsPrevious(s, view));
  const given = Boolean(view.facts?.commitment);
  // Without the published commitment, the manifest step only compared the bundle with itself.
  const title = (id) => (id !== 'manifest' ? stepTitle(id, view) : given ? t('checked_commitment') : t('checked_manifest_own'));
  const items = passed.map((s) => el('li', { 'data-step': s.id, 'data-fact': s.id === 'manifest' && given ? 'commitment' : null },
    el('span', { class: 'icon', 'aria-hidden': 'true', text: '✔' }), ' ', title(s.id)));
  return el('div', { class: 'checked' },
    el(view.heading, { text: t('checked_h', { n: passed.length }) }),
    el('ul', { class: 'checked-list' }, items));
}

function renderSummary() {
  renderSummaryInto($('summary'), state.summary, {
    sha256: state.bundleSha256, size: state.bundleSize, sealed: sealed(), parent: state.parent,
  });
}

/** A bundle's description: the SHA-256 of its file, then its summary (title, purpose, method,
 * sizes, sources, announcement, commitment). */
function renderSummaryInto(dl, s, { sha256, size, sealed: isSealed, parent = null }) {
  dl.replaceChildren();
  const row = (k, v, cls) => dl.append(el('div', { 'data-row': k }, el('dt', { text: t(k) }), el('dd', { class: cls }, v)));
  if (sha256) {
    row('s_sha256', el('span', {}, el('span', { class: 'mono break', 'data-sha256': sha256, text: sha256 }),
      el('br'), el('small', { text: t('s_sha256_hint', { size: new Intl.NumberFormat(state.lang).format(size) }) })));
  }
  if (!s) return;
  row('s_title', s.title);
  row('s_purpose', t(`purpose_${s.purpose}`));
  row('s_method', methodName(s.method));
  row('s_sizes', t('s_sizes_v', { k: s.panel_size, a: s.alternates, n: s.pool_count }));
  if (s.household_rule) row('s_households', t('yes'));
  if (isSealed) row('s_features', el('span', { 'data-sealed': 'true', text: t('s_sealed_v') }));
  const committed = s.randomness.filter((x) => x.committed);
  row('s_sources', committed.length ? el('ul', {}, committed.map((x) => el('li', { text: sourceLabel(x, s.randomness.indexOf(x)) }))) : t('none'));
  row('s_announced', el('span', {}, s.announced_at ? withParis(s.announced_at, s.announced_at) : t('none'), el('br'), el('small', { text: t('late_commitment') })));
  row('s_commitment', s.commitment, 'mono break');
  if (parent) {
    row('s_parent', el('span', {}, el('span', { class: 'mono break', text: parent.commitment_grouped }), el('br'),
      el('small', { text: parent.inherited.length ? t('s_parent_inherited', { list: parent.inherited.join(', ') }) : t('s_parent_none') })));
  }
}

/** A stage's steps, in order, each with its two plain lines, its values and the core's notes. */
function renderSteps(view, ol) {
  const r = view.report;
  ol.replaceChildren();
  if (!r) return;
  const s = view.summary;
  for (const step of r.steps) {
    const waiting = needsPrevious(step, view);
    const li = el('li', {
      class: `step ${step.status}${waiting ? ' needs-previous' : ''}`,
      'data-step': step.id,
      'data-status': step.status,
      'data-needs-previous': waiting ? 'true' : null,
    });
    const icon = waiting ? '·' : { passed: '✔', failed: '✘', skipped: '–', not_checked: '·' }[step.status];
    li.append(
      el('div', { class: 'step-head' },
        el('span', { class: 'icon', 'aria-hidden': 'true', text: icon }),
        el('span', { class: 'step-title', text: stepTitle(step.id, view) }),
        el('span', { class: 'badge', text: waiting ? t('status_needs_previous') : t(`status_${step.status}`) })),
      el('p', { class: 'step-plain' }, el('strong', { text: t('step_what') }), ' ', t(`step_${stepKey(step.id, view)}_what`)),
      el('p', { class: 'step-plain' }, el('strong', { text: t('step_proves') }), ' ', t(`step_${stepKey(step.id, view)}_proves`)),
    );
    if (waiting) li.append(el('p', { class: 'note', 'data-note': 'needs-previous', text: t(step.id === 'links' && step.status === 'passed' ? 'links_alone_note' : 'needs_previous_note') }));
    if (step.computed || step.published) {
      const same = step.computed === step.published;
      li.append(
        el('dl', { class: 'values' },
          step.computed ? el('div', {}, el('dt', { text: t('computed') }), el('dd', { class: 'mono break', text: step.computed })) : null,
          step.published ? el('div', { class: same ? '' : 'differs' }, el('dt', { text: t('published') }), el('dd', { class: 'mono break', text: step.published })) : null),
      );
    }
    if (step.id === 'randomness') {
      const sources = renderSources(step.status, s);
      if (sources) li.append(sources);
    }
    if (step.id === 'time_order' && step.status === 'passed' && s?.earliest_time && s.announced_at) {
      li.append(el('p', { class: 'note', text: t('time_order_note', { announced: s.announced_at, time: s.earliest_time }) }));
    }
    if (step.detail.length) {
      const lines = step.detail.map(coreText);
      li.append(el('div', { class: 'core-notes' },
        lines.some((l) => l.english) && state.lang !== 'en' ? el('p', { class: 'small label', text: t('core_notes') }) : null,
        el('ul', { class: 'detail' }, lines.map((l) => el('li', { lang: l.english && state.lang !== 'en' ? 'en' : null, text: l.text })))));
    }
    ol.append(li);
  }
}

/** A rate as the core writes it (`27.5%`, or `-` when nobody was invited), in this language. */
function rateText(rate) {
  if (rate === '-') return '–';
  return state.lang === 'fr' ? rate.replace('.', ',').replace('%', '\u202f%') : rate;
}

/** The response rates of a verified chain (SPEC.md section 5.3): for each inherited feature
 * and value, the previous stage's invitees and how many of them are in this stage's pool. */
function renderResponses() {
  const box = $('responses');
  const c = state.chain;
  box.hidden = !c;
  if (!c) return;
  const rows = c.responses ?? [];
  const scroll = box.querySelector('.table-scroll');
  scroll.hidden = rows.length === 0;
  $('responses-note').textContent = rows.length ? t('responses_note') : t('responses_none');
  $('responses-caption').textContent = t('responses_caption', { previous: state.previous?.summary?.title ?? '?', stage: state.summary?.title ?? '?' });
  const tbody = $('responses-table').querySelector('tbody');
  tbody.replaceChildren();
  const nf = new Intl.NumberFormat(state.lang === 'fr' ? 'fr-FR' : 'en-GB');
  let prev = null;
  for (const row of rows) {
    const total = row.feature === null;
    const first = !total && row.feature !== prev;
    prev = row.feature;
    const numbers = [
      el('td', { class: 'num', 'data-col': 'invited', text: nf.format(row.invited) }),
      el('td', { class: 'num', 'data-col': 'volunteered', text: nf.format(row.volunteered) }),
      el('td', { class: 'num strong', 'data-col': 'rate', text: rateText(row.rate) }),
    ];
    tbody.append(total
      ? el('tr', { class: 'total first', 'data-total': 'true' }, el('th', { scope: 'row', colspan: '2', text: t('responses_total') }), numbers)
      : el('tr', { class: first ? 'first' : '', 'data-feature': row.feature, 'data-value': row.value },
        el('th', { scope: 'row', text: first ? row.feature : '' }, first ? null : el('span', { class: 'visually-hidden', text: row.feature })),
        el('td', { text: row.value }),
        numbers));
  }
}

/** The previous stage of a chain: its verdict, its description and its steps. */
function renderPreviousStage() {
  const box = $('previous-stage');
  box.hidden = !state.chain;
  if (!state.chain) return;
  const view = stageView('previous');
  renderVerdictInto($('previous-verdict'), view);
  renderSummaryInto($('previous-summary'), view.summary, { sha256: state.previous?.sha256, size: state.previous?.size ?? 0, sealed: view.sealed });
  renderSteps(view, $('previous-steps'));
}

/** The previous-stage slot of the loading section: what the loaded bundle asks for, what was
 * given, and the previous stage's published facts. */
function renderPreviousSlot() {
  const need = $('previous-needed');
  const p = state.parent;
  const given = state.previous;
  need.hidden = !(state.bundleLoaded && p && !given);
  need.textContent = need.hidden ? '' : t('previous_needed', { commitment: p.commitment_grouped });
  let status = '';
  if (given) {
    if (!state.bundleLoaded) status = t('previous_waiting', { name: given.name });
    else if (!p) status = t('previous_unused', { name: given.name });
    else status = t('previous_in_use', { name: given.name });
  }
  setText($('previous-status'), status);
  $('previous-status').dataset.previous = given ? (state.chain ? 'in-use' : state.bundleLoaded && !p ? 'unused' : 'waiting') : '';
  $('previous-clear').hidden = !given;
  $('previous-facts').hidden = !(p || given);
}
/** A drand round on drand's public endpoint, to compare its randomness with the bundle's. */
function drandLink(s) {
  const href = `https://api.drand.sh/${encodeURIComponent(s.chain)}/public/${encodeURIComponent(s.round)}`;
  return el('a', { href, rel: 'noopener noreferrer external', target: '_blank', 'data-drand-link': '', text: t('drand_link') });
}

/** A UTC time (`YYYY-MM-DDTHH:MM:SSZ`) in the draw's time zone, Europe/Paris, in words. */
function parisTime(utc) {
  const d = new Date(utc);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(state.lang === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'medium',
  }).format(d);
}

/** A text naming a UTC time, followed by that time in Paris when it is one. */
function withParis(text, utc) {
  const paris = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$/.test(utc) ? parisTime(utc) : '';
  return paris ? `${text}, ${t('paris_time', { paris })}` : text;
}

/** A UTC time as the core writes it. */
const UTC_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z/g;

/** A text of the core in this page's language, its UTC times with Paris time beside them:
 * `{text, english}`, `english` true when no French for it is known (then shown as the core's
 * English, marked as such). */
function coreText(text) {
  const source = text ?? '';
  if (state.lang === 'en') return { text: source.replace(UTC_TIME, (utc) => withParis(utc, utc)), english: false };
  const r = globalThis.KleroterionCoreText.translate(source, state.lang, { paris: (utc) => withParis(`${utc} (UTC)`, utc) });
  return r.translated && r.complete ? { text: r.text, english: false } : { text: source, english: true };
}

/** A `span` holding a text of the core (see `coreText`). */
function coreSpan(text, attrs = {}) {
  const c = coreText(text);
  return el('span', { ...attrs, lang: c.english && state.lang !== 'en' ? 'en' : null, text: c.text });
}

/** The label of a technical message: "(in English)" only when it stays in English. */
function technicalLabel(text, kind) {
  return `${t(coreText(text).english && state.lang !== 'en' ? 'technical' : 'technical_plain')} — ${kind ?? ''}`;
}

/** One randomness source in words, in the page's language. */
function sourceLabel(s, i) {
  const n = i + 1;
  const list = (xs) => xs.join(state.lang === 'fr' ? ' ; ' : ', ');
  if (s.kind === 'drand') return withParis(t('src_drand', { i: n, network: s.network ?? s.chain, round: s.round, time: s.time }), s.time ?? '');
  if (!s.committed) return t('src_uncommitted', { i: n, kind: s.kind });
  if (s.kind === 'lottery') return t('src_lottery', { i: n, name: lotteryName(s), date: s.date, numbers: groupsText(s.groups) });
  if (s.kind === 'dice') return t('src_dice', { i: n, count: s.dice[0], faces: s.dice[1], witnesses: s.witnesses, values: list(s.values.map(String)) });
  return t('src_hex', { i: n, label: s.name });
}

/** Each randomness source and its revealed value. Only a drand round is checked by
 * computation (its BLS signature, offline); a lottery, dice or a hex value is never shown as
 * checked: it is among the items to compare by hand. */
function renderSources(status, summary = state.summary) {
  const sources = summary?.randomness ?? [];
  if (!sources.length) return null;
  const passed = status === 'passed';
  return el('ul', { class: 'sources' }, sources.map((s, i) => {
    const checked = passed && s.kind === 'drand';
    const byHand = passed && BY_HAND_KINDS.includes(s.kind);
    let how = t('src_unchecked');
    if (checked) how = t('src_drand_checked');
    else if (byHand && s.kind === 'lottery') how = t('src_lottery_by_hand', { canonical: s.canonical ?? '' });
    else if (byHand && s.kind === 'dice') how = t('src_dice_by_hand');
    else if (byHand) how = t('src_hex_by_hand');
    return el('li', {
      class: `source ${checked ? 'checked' : byHand ? 'manual' : 'unchecked'}`,
      'data-source': s.kind,
      'data-checked': String(checked),
      'data-by-hand': String(byHand),
      'data-round': s.round ?? null,
      'data-time': s.time ?? null,
    },
    el('span', { class: 'icon', 'aria-hidden': 'true', text: checked ? '✔' : byHand ? '☐' : '·' }), ' ',
    el('span', { class: 'source-what', text: sourceLabel(s, i) }), ' — ',
    el('span', { class: 'source-how', text: how }),
    s.kind === 'drand' && s.chain && s.round ? [' (', drandLink(s), ')'] : null);
  }));
}

function renderQuotas() {
  const q = state.quotas;
  $('quotas').hidden = !q;
  if (!q) return;
  // A method's guarantee holds for a draw only when the bundle verified (in a chain, both).
  const verified = isValid();
  $('quotas-note').textContent = !verified
    ? t('quotas_unverified')
    : q.enforced
      ? t('quotas_enforced', { method: methodName(q.method) })
      : t('quotas_informative', { method: methodName(q.method) });
  if (q.sealed) $('quotas-note').append(el('br'), el('span', { 'data-sealed': 'true', text: t('quotas_sealed') }));
  $('quota-caption').textContent = t('quotas_caption');
  const tbody = $('quota-table').querySelector('tbody');
  tbody.replaceChildren();
  let prev = null;
  for (const row of q.rows) {
    const first = row.feature !== prev;
    prev = row.feature;
    tbody.append(
      el('tr', { class: `${row.ok ? '' : 'broken'} ${first ? 'first' : ''}`, 'data-feature': row.feature, 'data-value': row.value },
        el('th', { scope: 'row', text: first ? row.feature : '' }, first ? null : el('span', { class: 'visually-hidden', text: row.feature })),
        el('td', { text: row.value }),
        el('td', { class: 'num', text: row.min }),
        el('td', { class: 'num strong', text: row.panel }),
        el('td', { class: 'num', text: row.max }),
        row.pool === null
          ? el('td', { class: 'num sealed', 'data-sealed': 'true', text: t('pool_sealed') })
          : el('td', { class: 'num', text: row.pool }),
        el('td', {}, el('span', { class: row.ok ? 'pill ok' : 'pill bad', text: row.ok ? `✔ ${t('quota_ok')}` : `✘ ${t('quota_bad')}` }))),
    );
  }
  const old = $('quotas').querySelector('.unknown');
  if (old) old.remove();
  if (q.unknown_tickets.length) {
    $('quotas').append(el('p', { class: 'unknown bad', text: t('unknown_tickets', { list: q.unknown_tickets.join(', ') }) }));
  }
}

function renderProbabilities() {
  const p = state.probabilities;
  $('probabilities').hidden = !p;
  if (!p) return;
  const m = p.panels;
  const sorted = Float64Array.from(p.counts).sort();
  const n = sorted.length;
  const kn = p.panel_size / p.pool_size;
  const W = 640;
  const H = 260;
  const pad = { l: 52, r: 12, t: 12, b: 34 };
  const iw = W - pad.l - pad.r;
  const ih = H - pad.t - pad.b;
  const top = Math.max(p.max_count / m, kn) * 1.1 || 1;
  const x = (i) => pad.l + (n <= 1 ? 0 : (i / (n - 1)) * iw);
  const y = (v) => pad.t + ih - (v / top) * ih;
  // A step line through the sorted profile; consecutive equal values are merged.
  let d = `M${x(0).toFixed(1)},${y(sorted[0] / m).toFixed(1)}`;
  for (let i = 1; i < n; i++) {
    if (sorted[i] !== sorted[i - 1] || i === n - 1) {
      d += `H${x(i).toFixed(1)}V${y(sorted[i] / m).toFixed(1)}`;
    }
  }
  d += `H${x(n - 1).toFixed(1)}`;
  const fmt = (v) => percent(state.lang, v);
  const ticks = [0, top / 2, top].map((v) =>
    svg('g', { class: 'tick' },
      svg('line', { x1: pad.l, x2: W - pad.r, y1: y(v), y2: y(v) }),
      svg('text', { x: pad.l - 6, y: y(v) + 4, 'text-anchor': 'end' }, fmt(v))),
  );
  const minV = p.min_count / m;
  const maxV = p.max_count / m;
  const chart = svg('svg', {
    viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'proba-svg-title proba-svg-desc', class: 'profile',
    preserveAspectRatio: 'xMidYMid meet',
  },
  svg('title', { id: 'proba-svg-title' }, t('proba_svg_title')),
  svg('desc', { id: 'proba-svg-desc' }, t('proba_svg_desc', { min: fmt(minV), max: fmt(maxV), kn: fmt(kn) })),
  ...ticks,
  svg('path', { d: `${d}V${y(0)}H${x(0)}Z`, class: 'area' }),
  svg('path', { d, class: 'line' }),
  svg('line', { x1: pad.l, x2: W - pad.r, y1: y(kn), y2: y(kn), class: 'kn' }),
  // On the left, where the sorted profile is at its lowest: the label stays clear of the curve.
  svg('text', { x: pad.l + 6, y: y(kn) - 6, 'text-anchor': 'start', class: 'kn-label' }, `k/n = ${fmt(kn)}`),
  svg('text', { x: pad.l + iw / 2, y: H - 8, 'text-anchor': 'middle', class: 'axis' }, t('proba_axis_x')),
  );
  $('proba-chart').replaceChildren(chart);
  $('proba-caption').textContent = t('proba_caption', { n: p.pool_size, m });
  const stats = $('proba-stats');
  stats.replaceChildren(
    ...[
      ['proba_min', t('proba_value', { c: p.min_count, m }), 'min'],
      ['proba_max', t('proba_value', { c: p.max_count, m }), 'max'],
      ['proba_kn', t('proba_kn_value', { k: p.panel_size, n: p.pool_size }), 'kn'],
      ['proba_panels', new Intl.NumberFormat(state.lang).format(m), 'm'],
    ].map(([k, v, id]) => el('div', { 'data-stat': id }, el('dt', { text: t(k) }), el('dd', { text: v }))),
  );
}

/** A fraction n/Z is shown beside its percentage while Z has at most this many digits. */
const CHANCE_FRACTION_DIGITS = 12;

/** A `maxent` chance `{numerator, probability}` out of `total` (decimal texts): as a
 * percentage, followed by the fraction n/Z while Z is short. */
function chanceText(c, total) {
  const nf = new Intl.NumberFormat(state.lang === 'fr' ? 'fr-FR' : 'en-GB');
  const p = new Intl.NumberFormat(state.lang === 'fr' ? 'fr-FR' : 'en-GB', { style: 'percent', maximumSignificantDigits: 4 })
    .format(c.probability);
  if (total.length > CHANCE_FRACTION_DIGITS) return p;
  return t('chance_fraction', { fraction: `${nf.format(BigInt(c.numerator))}/${nf.format(BigInt(total))}`, percent: p });
}

/** For a maxent bundle: the lowest and the highest exact chance, recomputed by the page from
 * the committed count (SPEC.md section 9.6), or why they cannot be computed exactly. */
function renderChances() {
  const c = state.chances;
  const box = $('chances');
  box.hidden = !c;
  if (!c) return;
  box.dataset.exact = String(c.exact);
  $('chances-note').textContent = t(c.exact ? (c.weighted ? 'chances_note_weighted' : 'chances_note') : 'chances_not_exact');
  const stats = $('chances-stats');
  const why = $('chances-why');
  stats.replaceChildren();
  why.replaceChildren();
  stats.hidden = !c.exact;
  why.hidden = c.exact;
  if (!c.exact) {
    const r = c.not_exact ?? { uncounted: [], shared_household: null };
    if (r.uncounted.length) {
      why.append(el('li', { 'data-reason': 'uncounted', 'data-features': JSON.stringify(r.uncounted), text: t('chances_uncounted', { features: r.uncounted.join(', ') }) }));
    }
    if (r.shared_household) {
      const [a, b] = r.shared_household;
      why.append(el('li', { 'data-reason': 'household', text: t('chances_household', { a, b }) }));
    }
    why.append(el('li', { 'data-reason': 'estimate', text: t('chances_estimate') }));
    return;
  }
  const nf = new Intl.NumberFormat(state.lang === 'fr' ? 'fr-FR' : 'en-GB');
  stats.append(
    ...[
      ['chances_min', chanceText(c.lowest, c.total), 'min', c.lowest],
      ['chances_max', chanceText(c.highest, c.total), 'max', c.highest],
      [c.weighted ? 'chances_total_weighted' : 'chances_total', nf.format(BigInt(c.total)), 'total', null],
      ['proba_kn', t('proba_kn_value', { k: c.panel_size, n: c.pool_size }), 'kn', null],
    ].map(([k, v, id, x]) => el('div', { 'data-stat': id, 'data-numerator': x?.numerator, 'data-ticket': x?.ticket },
      el('dt', { text: t(k) }), el('dd', { text: v }))),
  );
}

/** The receipt holder's exact chance under a maxent draw, when the page could compute it. */
function receiptChance(ticket) {
  const c = state.chances;
  if (!c?.exact) return null;
  const mine = c.chances.find((x) => x.ticket === ticket);
  if (!mine) return null;
  return el('p', { class: 'chance', 'data-numerator': mine.numerator, 'data-total': c.total },
    t('receipt_chance', { chance: chanceText(mine, c.total) }));
}

function renderReceiptExamples() {
  const box = $('receipt-examples');
  box.replaceChildren();
  const ex = currentExample();
  if (!ex || !ex.receipts.length) return;
  box.append(el('span', { text: t('receipt_examples') }));
  // A chain's example receipts: this stage's, then, when its previous stage is the one given,
  // the previous stage's.
  const previous = state.chain && ex.previous && state.previous?.name === ex.previous ? ex.previous_receipts ?? [] : [];
  for (const r of [...ex.receipts, ...previous.map((x) => ({ ...x, previous: true }))]) {
    box.append(
      el('button', {
        type: 'button',
        class: 'link',
        'data-receipt': r.previous ? null : r.outcome,
        'data-previous-receipt': r.previous ? r.outcome : null,
        text: t(r.previous ? `receipt_ex_previous_${r.outcome}` : `receipt_ex_${r.outcome}`),
        onclick: async () => {
          try {
            $('receipt-text').value = await readSiteFile(`examples/${r.file}`);
            checkReceipt();
          } catch (e) {
            setText($('receipt-result'), e.message);
          }
        },
      }),
    );
  }
}

/** Checks the receipt of the receipt box against the loaded bundle (in the worker). A bare
 * ticket code typed there goes to the ticket search. */
async function checkReceipt(focus = true) {
  const text = $('receipt-text').value.trim();
  if (!text) {
    state.receiptAnswer = { empty: true };
  } else if (text.length <= SNIFF_LIMIT && wasm.file_kind(text) === 'ticket') {
    $('ticket-code').value = text;
    await findTicket();
    return;
  } else if (state.bundleLoaded) {
    state.receiptAnswer = JSON.parse(await ask('receipt', { text }));
  }
  renderReceipt();
  if (focus) {
    $('receipt').hidden = false;
    $('receipt-result').focus();
  }
}

/** Looks a ticket code up in the loaded draw (in the worker): no receipt needed. */
async function findTicket() {
  const code = $('ticket-code').value.trim();
  if (!code) state.ticketAnswer = { empty: true };
  else if (state.bundleLoaded) state.ticketAnswer = JSON.parse(await ask('ticket', { code }));
  renderTicket();
  $('ticket-result').focus();
}

/** The answer of the ticket search; what the draw says of a ticket counts only when it
 * verified (the same rule as for a receipt). */
function renderTicket() {
  const box = $('ticket-result');
  const a = state.ticketAnswer;
  box.replaceChildren();
  box.className = 'receipt-result';
  for (const k of ['inPool', 'outcome', 'established']) delete box.dataset[k];
  if (!a) return;
  if (a.empty) {
    box.append(el('p', { text: t('ticket_empty') }));
    return;
  }
  box.dataset.inPool = String(a.in_pool);
  const r = state.report;
  if (!a.in_pool) {
    box.classList.add(isValid() ? 'bad' : 'neutral');
    box.dataset.outcome = 'not_in_pool';
    box.append(el('p', { class: 'outcome' }, el('strong', { text: t('ticket_not_in_pool', { ticket: a.ticket }) })),
      el('p', { class: 'small', text: t('ticket_not_in_pool_hint') }));
    return;
  }
  const o = a.outcome;
  box.dataset.outcome = o.outcome;
  if (!r || !isValid()) {
    box.classList.add('neutral');
    box.dataset.established = 'false';
    box.append(el('p', {}, el('span', { class: 'icon', 'aria-hidden': 'true', text: '!' }), ' ',
      t(r ? 'ticket_bundle_failed' : 'receipt_not_verified', { ticket: a.ticket })));
    return;
  }
  box.classList.add('ok');
  box.dataset.established = 'true';
  box.append(el('p', { class: `outcome ${o.outcome}` }, el('strong', { text: ticketOutcome(a.ticket, o) })), ticketValues(a));
  if (r.verdict === 'valid_if' || state.chain?.verdict === 'valid_if') {
    box.append(el('p', { class: 'small', text: t('receipt_holds_if', { n: byHandCount() }) }));
  }
  box.append(el('p', { class: 'small', text: t('ticket_receipt_hint') }));
}

/** `f = v, …` for `[feature, value]` pairs. */
function featuresText(pairs) {
  return pairs.map(([f, v]) => `${f} = ${v}`).join(', ');
}

/** A ticket's values: published in an open pool, opened by the bundle for the panel and the
 * alternates of a sealed pool, and sealed for everyone else there. */
function ticketValues(a) {
  if (a.features.length) {
    const key = a.sealed ? 'ticket_values_opened' : 'ticket_values';
    return el('p', { class: 'values-line', 'data-values': a.sealed ? 'opened' : 'published', text: t(key, { features: featuresText(a.features) }) });
  }
  return a.sealed ? el('p', { class: 'values-line', 'data-values': 'sealed', text: t('ticket_values_sealed') }) : null;
}

function ticketOutcome(ticket, o) {
  if (o.outcome === 'selected') return t('ticket_selected', { ticket, position: o.position, k: state.summary?.panel_size ?? '?' });
  if (o.outcome === 'alternate') return t('ticket_alternate', { ticket, number: o.number });
  return t('ticket_not_selected', { ticket });
}

/** The published panel and alternates, in order, with each person's values (in a sealed
 * pool, those the bundle opens), folded away below the steps. */
function renderLists() {
  const box = $('lists');
  box.replaceChildren();
  const s = state.summary;
  if (!s) return;
  const m = state.members;
  const bare = (tickets) => tickets.map((ticket) => ({ ticket, values: null }));
  const features = m?.features ?? [];
  const list = (key, people, id) => {
    const title = t(key, { n: people.length });
    return el('details', { class: 'ticket-list', 'data-list': id },
      el('summary', { text: title }),
      people.length ? membersTable(title, people, features, id) : el('p', { text: t('none') }));
  };
  if (m?.sealed) box.append(el('p', { class: 'hint small', 'data-sealed': 'true', text: t('list_sealed') }));
  // A maxent draw (SPEC.md section 9.6) says how many panels it drew and rejected before this
  // one; the draw step recomputes that number with the panel.
  if (m && m.rejections !== undefined && m.rejections !== null) {
    box.append(el('p', { 'data-rejections': String(m.rejections) }, el('strong', { text: `${t('list_rejections')}${colon()}` }), ' ',
      numberText(m.rejections), el('br'), el('small', { text: t('list_rejections_hint') })));
  }
  box.append(
    list('list_selected', m?.selected ?? bare(s.selected), 'selected'),
    list('list_alternates', m?.alternates ?? bare(s.alternates_list), 'alternates'));
  if (state.picks && state.report?.valid) box.append(picksList(state.picks, s));
}

/** The stream of a pick in words: a stratum by its value, a greedy or maxent attempt by its
 * number. */
function pickStream(p, s) {
  if (p.stream === 'stratum') return t('picks_stream_stratum', { number: p.index + 1 });
  if (p.stream === 'panel' && (s.method === 'greedy' || p.picked.kind === 'attempt')) return t('picks_stream_attempt', { number: p.index + 1 });
  return t(`picks_stream_${p.stream}`);
}

/** A whole number of the page's language; exact for a text of digits (parseExact). */
function numberText(n) {
  return new Intl.NumberFormat(state.lang === 'fr' ? 'fr-FR' : 'en-GB').format(BigInt(n));
}

/** A draw of a maxent attempt's number (SPEC.md section 9.6), never a person (the stream
 * column names the attempt): below 2^64 the number itself, drawn as `uniform` draws (its
 * position); from 2^64 on, one of the 64-bit values drawn to make it, counted within the
 * attempt (a number that is not below the count is drawn again). The last pick of an attempt
 * says whether the panel it walked to was rejected or is the published one (`rejections`
 * attempts were rejected before it). */
function attemptPick(p, { part, last }, rejections) {
  const what = isZero(p.among) ? t('picks_attempt_part', { part }) : t('picks_attempt_number');
  if (!last || rejections === null) return what;
  return t(p.picked.index < rejections ? 'picks_attempt_rejected' : 'picks_attempt_accepted', { what });
}

function isZero(n) {
  return BigInt(n) === 0n;
}

/** The draw pick by pick, in the style of RFC 3797's published records: the seed, then each
 * pick with its random value, how many it chose among, the position drawn and the ticket. */
function picksList({ seed, picks }, s) {
  const title = t('list_picks', { n: picks.length });
  // Each maxent attempt's picks: which 64-bit value of its number each one is, and the last.
  const attempts = picks.map((p, i) => {
    if (p.picked.kind !== 'attempt') return null;
    const same = (q) => q?.picked.kind === 'attempt' && q.picked.index === p.picked.index;
    let part = 1;
    while (same(picks[i - part])) part += 1;
    return { part, last: !same(picks[i + 1]) };
  });
  const rejections = state.members?.rejections ?? null;
  const chosen = (p, i) => {
    if (p.picked.kind === 'panel') return t('picks_panel', { number: p.picked.index + 1, m: p.among });
    if (p.picked.kind === 'attempt') return attemptPick(p, attempts[i], rejections);
    return p.ticket ?? '';
  };
  // A draw of a number of 2^64 or more has no count nor position of its own (SPEC.md 9.6).
  const bigPart = (p) => p.picked.kind === 'attempt' && isZero(p.among);
  const rejected = picks.reduce((n, p) => n + p.rejected, 0);
  const maxent = picks.some((p) => p.picked.kind === 'attempt');
  return el('details', { class: 'ticket-list', 'data-list': 'picks' },
    el('summary', { text: title }),
    el('p', { class: 'hint small', text: t('picks_intro') }),
    maxent ? el('p', { class: 'hint small', 'data-picks-maxent': 'true', text: t('picks_maxent') }) : null,
    el('p', {}, el('strong', { text: `${t('picks_seed')}${colon()}` }), ' ', el('span', { class: 'mono break', text: seed })),
    rejected ? el('p', { class: 'hint small', text: t('picks_rejected', { n: rejected }) }) : null,
    el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': title },
      el('table', { class: 'members picks', 'data-list': 'picks' },
        el('caption', { class: 'visually-hidden', text: title }),
        el('thead', {}, el('tr', {},
          ['picks_col_number', 'picks_col_stream', 'picks_col_value', 'picks_col_among', 'picks_col_position', 'picks_col_chosen']
            .map((k) => el('th', { scope: 'col', text: t(k) })))),
        el('tbody', {}, picks.map((p, i) => el('tr', { 'data-pick': String(i + 1), 'data-kind': p.picked.kind, 'data-big': bigPart(p) ? 'true' : null },
          el('td', { class: 'num', text: String(i + 1) }),
          el('td', { text: pickStream(p, s) }),
          el('td', { class: 'mono', text: p.value }),
          el('td', { class: 'num', text: bigPart(p) ? '—' : numberText(p.among) }),
          el('td', { class: 'num', text: bigPart(p) ? '—' : String(p.position) }),
          el('th', { scope: 'row', class: p.picked.kind === 'attempt' ? null : 'mono', text: chosen(p, i) })))))));
}

/** A table of people in order: number, ticket, then one column per feature. */
function membersTable(title, people, features, id) {
  // A value unknown: a sealed record the bundle does not open, or a ticket not in the pool.
  const missing = state.members?.sealed ? t('list_not_opened') : t('list_not_in_pool');
  const values = (x) => {
    if (!features.length) return [];
    if (!x.values) return [el('td', { colspan: features.length, class: 'missing', text: missing })];
    return x.values.map((v) => el('td', { text: v }));
  };
  return el('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': title },
    el('table', { class: 'members', 'data-list': id },
      el('caption', { class: 'visually-hidden', text: title }),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col', class: 'num', text: t('list_col_number') }),
        el('th', { scope: 'col', text: t('list_col_ticket') }),
        features.map((f) => el('th', { scope: 'col', text: f })))),
      el('tbody', {}, people.map((x, i) => el('tr', { 'data-ticket': x.ticket },
        el('td', { class: 'num', text: String(i + 1) }),
        el('th', { scope: 'row', class: 'mono', text: x.ticket }),
        values(x))))));
}

function renderGlossary() {
  const box = $('glossary');
  box.replaceChildren(
    el('summary', { text: t('glossary_h') }),
    el('dl', {}, t('glossary').map(([term, def]) => el('div', {}, el('dt', { text: term }), el('dd', { text: def })))),
  );
  $('print-hint').textContent = t('print_hint');
}

function renderReceipt() {
  const box = $('receipt-result');
  let a = state.receiptAnswer;
  box.replaceChildren();
  box.className = 'receipt-result';
  for (const k of ['matches', 'outcome', 'established', 'sealed', 'stage', 'invited', 'answered']) delete box.dataset[k];
  if (!a) return;
  if (a.empty) {
    box.append(el('p', { text: t('receipt_empty') }));
    return;
  }
  // In a chain, a receipt of this stage whose record links to someone the previous stage did
  // not invite does not match either (SPEC.md section 13).
  if (a.matches && a.path && !a.path.matches) a = { ...a, matches: false, error: a.path.error, error_kind: a.path.error_kind };
  box.dataset.matches = String(a.matches);
  if (a.stage) box.dataset.stage = a.stage;
  if (!a.matches) {
    box.classList.add('bad');
    box.append(
      el('p', { class: 'verdict-head' }, el('span', { class: 'icon', 'aria-hidden': 'true', text: '✘' }), ' ', t('receipt_nomatch')),
      `kind_${a.error_kind}` in MESSAGES.en ? el('p', { text: t(`kind_${a.error_kind}`) }) : null,
      technical(a.error_kind, a.error),
    );
    return;
  }
  // The outcome is this person's only when the bundle verifies (SPEC.md section 13); in a
  // chain, when both stages do.
  const r = state.report;
  if (!r || !isValid()) {
    box.classList.add('neutral');
    box.dataset.established = 'false';
    box.append(el('p', { class: 'verdict-head' }, el('span', { class: 'icon', 'aria-hidden': 'true', text: '!' }), ' ',
      t(r ? 'receipt_bundle_failed' : 'receipt_not_verified', { ticket: a.ticket })));
    return;
  }
  box.classList.add('ok');
  box.dataset.established = 'true';
  const features = featuresText(a.features);
  box.dataset.sealed = String(Boolean(a.sealed));
  const previous = a.stage === 'previous';
  const match = previous ? (a.sealed ? 'receipt_previous_match_sealed' : 'receipt_previous_match') : a.sealed ? 'receipt_match_sealed' : 'receipt_match';
  box.append(
    el('p', {}, el('span', { class: 'icon', 'aria-hidden': 'true', text: '✔' }), ' ',
      t(match, { ticket: a.ticket, features, hashes: a.proof_length })),
  );
  const o = a.outcome;
  box.dataset.outcome = o.outcome;
  let text;
  if (previous) {
    const k = state.previous?.summary?.panel_size ?? '?';
    text = o.outcome === 'selected'
      ? t('receipt_invited', { position: o.position, k })
      : o.outcome === 'alternate' ? t('receipt_invited_alternate', { number: o.number }) : t('receipt_not_invited');
  } else {
    const k = state.summary?.panel_size ?? '?';
    text = o.outcome === 'selected'
      ? t('receipt_selected', { position: o.position, k })
      : o.outcome === 'alternate' ? t('receipt_alternate', { number: o.number }) : t('receipt_not_selected');
  }
  box.append(el('p', { class: `outcome ${o.outcome}` }, el('strong', { text })));
  const chance = previous ? null : receiptChance(a.ticket);
  if (chance) box.append(chance);
  if (a.path) box.append(pathLine(a, previous));
  if (r.verdict === 'valid_if' || state.chain?.verdict === 'valid_if') {
    box.append(el('p', { class: 'small', text: t('receipt_holds_if', { n: byHandCount() }) }));
  }
}

/** A person's path along a chain, from a receipt of either stage: from the previous stage's,
 * invited, then answered (a record of this stage links to them); from this stage's, its link. */
function pathLine(a, previous) {
  const p = a.path;
  const box = $('receipt-result');
  box.dataset.invited = p.invited ? p.invited.place : 'no';
  box.dataset.answered = p.answered ? 'true' : 'false';
  if (previous) {
    if (!p.invited) return el('p', { class: 'path', text: t('path_not_invited') });
    return el('p', { class: 'path', text: p.answered ? t('path_answered', { ticket: p.answered }) : t('path_not_answered') });
  }
  // A receipt of this stage alone: its link is an invitee (the core checked it), but only a
  // receipt of the previous stage says that the invitee is its holder (SPEC.md section 13).
  return el('p', { class: 'path', text: t('path_linked', { link: p.link ?? '?' }) });
}

// ---------- planning: which drand round to commit to ----------

/** Now plus one hour, to the minute, as `YYYY-MM-DDTHH:MM:00Z`: a starting point. */
function defaultPlanTime() {
  const d = new Date(Date.now() + 3600 * 1000);
  d.setUTCSeconds(0, 0);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function planRound() {
  const chain = $('plan-chain').value;
  const time = $('plan-time').value;
  try {
    state.plan = { ok: true, ...JSON.parse(wasm.first_drand_round(chain, time)) };
  } catch (e) {
    state.plan = { ok: false, kind: e.name, message: e.message };
  }
  renderPlan();
}

function renderPlan() {
  const box = $('plan-result');
  const p = state.plan;
  box.replaceChildren();
  box.className = 'plan-result';
  delete box.dataset.round;
  delete box.dataset.time;
  if (!p) return;
  if (!p.ok) {
    box.classList.add('bad');
    box.append(el('p', { text: t('plan_error') }), el('p', { class: 'technical mono', text: p.message }));
    return;
  }
  box.dataset.round = String(p.round);
  box.dataset.time = p.time;
  box.classList.add('ok');
  box.append(
    el('p', {}, el('strong', { text: t('plan_answer', { chain: p.network, round: p.round, time: p.time }) })),
    el('p', { text: t('plan_after', { after: p.after, wait: p.unix - Date.parse(p.after) / 1000 }) }),
    el('p', { class: 'small' }, el('span', { text: `${t('plan_chain_hash')} ` }), el('span', { class: 'mono break', text: p.chain })),
  );
}

// ---------- wiring ----------

/** Drops anywhere on the page: a file or a text goes where its kind belongs (routeFile). */
function wireDrop() {
  const zone = $('dropzone');
  const dragging = (on) => {
    zone.classList.toggle('dragging', on);
    document.body.classList.toggle('dragging', on);
  };
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    dragging(true);
  });
  document.addEventListener('dragleave', (e) => {
    if (!e.relatedTarget) dragging(false);
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    dragging(false);
    if (!state.ready) return;
    const file = e.dataTransfer?.files?.[0];
    // A bundle dropped on the previous-stage box is the previous stage of a chain.
    const onPrevious = e.target instanceof Element && e.target.closest('#previous-slot');
    if (file) {
      if (onPrevious) routePreviousFile(file);
      else routeFile(file);
      return;
    }
    const text = e.dataTransfer?.getData('text/plain');
    if (text) routeText(text, t('dropped_text'));
  });
}

/** Text pasted outside a field (a receipt, a ticket code, a bundle) goes where it belongs. */
function wirePaste() {
  document.addEventListener('paste', (e) => {
    const target = e.target instanceof Element ? e.target : null;
    if (!state.ready || target?.closest('input, textarea, select, [contenteditable]')) return;
    const text = e.clipboardData?.getData('text/plain');
    if (!text) return;
    e.preventDefault();
    routeText(text, t('pasted_text'));
  });
}

function wire() {
  for (const b of document.querySelectorAll('button.lang')) b.addEventListener('click', () => setLang(b.dataset.lang));
  // Every file input takes any kind of file: a receipt chosen as a bundle still goes to the
  // receipt check, and never replaces the loaded bundle.
  for (const id of ['bundle-file', 'receipt-file']) {
    $(id).addEventListener('change', (e) => {
      const f = e.target.files?.[0];
      e.target.value = '';
      if (f) routeFile(f);
    });
  }
  $('previous-file').addEventListener('change', (e) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (f) routePreviousFile(f);
  });
  $('previous-clear').addEventListener('click', () => clearPrevious());
  const dz = $('dropzone');
  dz.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      $('bundle-file').click();
    }
  });
  wireDrop();
  wirePaste();
  $('plan-form').addEventListener('submit', (e) => {
    e.preventDefault();
    planRound();
  });
  $('replacements-file').addEventListener('change', (e) => loadReplacements([...(e.target.files ?? [])]));
  $('facts-form').addEventListener('submit', (e) => {
    e.preventDefault();
    applyFacts();
  });
  $('receipt-form').addEventListener('submit', (e) => {
    e.preventDefault();
    checkReceipt();
  });
  $('print').addEventListener('click', () => window.print());
  // The printed report lists every pick: the folded lists open for printing.
  window.addEventListener('beforeprint', () => {
    for (const d of document.querySelectorAll('#lists details')) d.open = true;
  });
  $('ticket-form').addEventListener('submit', (e) => {
    e.preventDefault();
    findTicket();
  });
}

/** Decodes base64 (pkg/kleroterion_wasm_bytes.js) into bytes. */
function fromBase64(b64) {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(b64);
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** The wasm file's bytes: fetched when served, else (opened from files, or a refused fetch)
 * from the base64 bytes script. */
async function wasmBytes() {
  if (!FROM_FILES) {
    try {
      const r = await fetch(new URL('pkg/kleroterion_wasm_bg.wasm', location.href));
      if (r.ok) return new Uint8Array(await r.arrayBuffer());
    } catch {
      // Served without the .wasm file or with a refused fetch: try the bytes script.
    }
  }
  if (!globalThis.KLEROTERION_WASM_BASE64) await loadScript('pkg/kleroterion_wasm_bytes.js');
  return fromBase64(globalThis.KLEROTERION_WASM_BASE64);
}

/** Starts the wasm module here and in the verification worker (compiled once, here), and
 * hashes the wasm file so that a copy of the page can be compared with a release. */
async function startWasm() {
  if (!wasm) throw new Error('pkg/kleroterion_wasm.js is missing: run build.sh');
  const bytes = await wasmBytes();
  const module = await WebAssembly.compile(bytes);
  await wasm({ module_or_path: module });
  state.wasmSha256 = wasm.sha256_hex(bytes);
  await startWorker(module);
}

/** The examples: from examples/examples.js when opened from files, else examples/index.json. */
async function loadExamples() {
  if (FROM_FILES) {
    try {
      await loadScript('examples/examples.js');
    } catch {
      return [];
    }
  }
  if (globalThis.KLEROTERION_EXAMPLES) return globalThis.KLEROTERION_EXAMPLES.index;
  try {
    return JSON.parse(await fetchSameOrigin('examples/index.json'));
  } catch {
    return [];
  }
}

async function main() {
  state.lang = pickLang();
  wire();
  setLang(state.lang);
  $('plan-time').value = defaultPlanTime();
  try {
    await startWasm();
    state.ready = true;
    $('boot').hidden = true;
    $('plan').hidden = false;
    document.body.dataset.ready = 'true';
    document.body.dataset.from = FROM_FILES ? 'files' : 'server';
  } catch (e) {
    $('boot').hidden = true;
    $('boot-error').hidden = false;
    $('boot-error').textContent = t('boot_failed', { msg: e.message });
    return;
  }
  const params = new URLSearchParams(location.search);
  // Escaped like any text from outside: a link cannot slip direction characters into the field.
  if (params.get('commitment')) $('commitment').value = shown(params.get('commitment').trim());
  state.examples = await loadExamples();
  renderAll();
  // `?previous=` names the previous stage of a chain, loaded before the bundle.
  const previous = params.get('previous');
  if (previous && !(await loadPreviousUrl(previous, !params.get('bundle')))) return;
  const param = params.get('bundle');
  if (param) await loadBundleUrl(param);
}

main();
})();
