// The citizens' verification page: loads a bundle, verifies it with the wasm build of
// kleroterion, and shows the checklist, the quota table, the probability profile (lottery)
// and the receipt check, plus a planning helper (which drand round to commit to). No request
// leaves this site; receipts never leave the browser.
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
  bundleText: null,
  bundleName: null,
  report: null,
  summary: null,
  quotas: null,
  probabilities: null,
  receiptAnswer: null,
  lastStatus: null,
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

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
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
  $('load-status').textContent = key ? t(key, params) : '';
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

async function loadBundleFile(file) {
  const text = await readFile(file);
  if (text !== null) verifyText(text, file.name);
}

/** Fetches a file of this same site only (`?bundle=`, examples), over http(s). */
async function fetchSameOrigin(path) {
  const url = new URL(path, location.href);
  if (url.origin !== location.origin || !/^https?:$/.test(url.protocol)) {
    throw Object.assign(new Error('refused'), { refused: true, url: url.href });
  }
  const r = await fetch(url, { credentials: 'same-origin', cache: 'no-cache' });
  if (!r.ok) throw Object.assign(new Error(String(r.status)), { url: url.href, status: r.status });
  return r.text();
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

async function loadBundleUrl(path) {
  try {
    setStatus('reading', { name: path });
    const text = await readSiteFile(path);
    await verifyText(text, path.split('/').pop() || path);
  } catch (e) {
    if (e.fromFiles) setStatus('url_from_files', { url: path });
    else if (e.refused) setStatus('url_refused', { url: path });
    else setStatus('url_failed', { url: path, status: e.status ?? e.message });
  }
}

/** Lets the browser paint (the status line) before a long synchronous step. */
function painted() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

async function verifyText(text, name) {
  setStatus('verifying', { name });
  // A large bundle (the Montpellier invitations: 321,215 people) takes seconds: show it.
  if (text.length > 1e6) await painted();
  const start = performance.now();
  const report = JSON.parse(wasm.verify(text));
  const ms = Math.round(performance.now() - start);
  state.bundleText = text;
  state.bundleName = name;
  state.report = report;
  state.summary = tryJson(() => wasm.summary(text));
  state.quotas = tryJson(() => wasm.quota_table(text));
  state.probabilities = tryJson(() => wasm.selection_probabilities(text));
  state.receiptAnswer = null;
  setStatus('loaded', { name, ms });
  document.body.dataset.state = report.valid ? 'valid' : 'invalid';
  renderAll();
  $('verdict').focus({ preventScroll: false });
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
  renderReport();
  renderQuotas();
  renderProbabilities();
  renderReceiptExamples();
  renderReceipt();
  if (state.lastStatus) setStatus(...state.lastStatus);
}

function renderVersion() {
  if (!state.ready) return;
  $('version').textContent = t('version', { spec: wasm.spec_version(), drand: wasm.drand_supported() });
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

function currentExample() {
  return state.examples.find((ex) => ex.file === state.bundleName) ?? null;
}

async function loadExample(ex) {
  await loadBundleUrl(`examples/${ex.file}`);
}

function stepTitle(id) {
  return t(`step_${id}`);
}

function methodName(m) {
  return t(`method_${m}`);
}

function explainKind(kind) {
  const key = `kind_${kind}`;
  return key in MESSAGES.en ? t(key) : t('kind_other');
}

function renderReport() {
  const r = state.report;
  $('result').hidden = !r;
  $('receipt').hidden = !r;
  if (!r) return;
  const verdict = $('verdict');
  const failed = r.steps.find((s) => s.status === 'failed');
  verdict.className = `verdict ${r.valid ? 'ok' : 'bad'}`;
  verdict.dataset.valid = String(r.valid);
  verdict.dataset.failedStep = failed ? failed.id : '';
  verdict.replaceChildren(
    el('p', { class: 'verdict-head' }, el('span', { class: 'icon', 'aria-hidden': 'true', text: r.valid ? '✔' : '✘' }), ' ',
      r.valid ? t('valid') : t('invalid', { step: failed ? stepTitle(failed.id) : '?' })),
  );
  if (!r.valid) {
    verdict.append(
      el('p', {}, el('strong', { text: `${t('first_difference')}${state.lang === 'fr' ? ' : ' : ': '}` }),
        explainKind(r.error_kind)),
      el('p', { class: 'technical' }, el('span', { class: 'label', text: `${t('technical')} — ${r.error_kind ?? ''}` }), el('br'),
        el('span', { class: 'mono', text: r.error ?? '' })),
    );
  }

  const s = state.summary;
  const dl = $('summary');
  dl.replaceChildren();
  if (s) {
    const row = (k, v, cls) => dl.append(el('div', {}, el('dt', { text: t(k) }), el('dd', { class: cls }, v)));
    row('s_title', s.title);
    row('s_method', methodName(s.method));
    row('s_sizes', t('s_sizes_v', { k: s.panel_size, a: s.alternates, n: s.pool_count }));
    if (s.household_rule) row('s_households', t('yes'));
    row('s_sources', s.sources.length ? el('ul', {}, s.sources.map((x) => el('li', { text: x }))) : t('none'));
    row('s_announced', el('span', {}, s.announced_at ?? t('none'), el('br'), el('small', { text: t('late_commitment') })));
    row('s_commitment', s.commitment, 'mono break');
    row('s_panel', s.selected.join(', '), 'mono');
  }

  const ol = $('steps');
  ol.replaceChildren();
  for (const step of r.steps) {
    const li = el('li', { class: `step ${step.status}`, 'data-step': step.id, 'data-status': step.status });
    li.append(
      el('div', { class: 'step-head' },
        el('span', { class: 'icon', 'aria-hidden': 'true', text: { passed: '✔', failed: '✘', skipped: '–', not_checked: '·' }[step.status] }),
        el('span', { class: 'step-title', text: stepTitle(step.id) }),
        el('span', { class: 'badge', text: t(`status_${step.status}`) })),
    );
    if (step.computed || step.published) {
      const same = step.computed === step.published;
      li.append(
        el('dl', { class: 'values' },
          step.computed ? el('div', {}, el('dt', { text: t('computed') }), el('dd', { class: 'mono break', text: step.computed })) : null,
          step.published ? el('div', { class: same ? '' : 'differs' }, el('dt', { text: t('published') }), el('dd', { class: 'mono break', text: step.published })) : null),
      );
    }
    if (step.id === 'randomness') {
      const sources = renderSources(step.status);
      if (sources) li.append(sources);
    }
    if (step.detail.length) li.append(el('ul', { class: 'detail' }, step.detail.map((d) => el('li', { text: d }))));
    ol.append(li);
  }
}

/** Each committed randomness source and its revealed value, in the page's language; each is
 * checked when the randomness step passed (drand: its BLS signature, offline). */
function renderSources(status) {
  const sources = state.summary?.randomness ?? [];
  if (!sources.length) return null;
  const checked = status === 'passed';
  const list = (xs) => xs.join(state.lang === 'fr' ? ' ; ' : ', ');
  return el('ul', { class: 'sources' }, sources.map((s, i) => {
    const n = i + 1;
    let what;
    let how;
    if (s.kind === 'drand') {
      what = t('src_drand', { i: n, network: s.network ?? s.chain, round: s.round, time: s.time });
      how = t('src_drand_checked');
    } else if (s.kind === 'lottery') {
      what = t('src_lottery', { i: n, name: s.name, date: s.date, numbers: list(s.numbers ?? []) });
      how = t('src_lottery_checked', { canonical: s.canonical ?? '' });
    } else if (s.kind === 'dice') {
      what = t('src_dice', { i: n, count: s.dice[0], faces: s.dice[1], witnesses: s.witnesses, values: list(s.numbers ?? []) });
      how = t('src_dice_checked');
    } else {
      what = t('src_hex', { i: n, label: s.name });
      how = t('src_hex_checked');
    }
    return el('li', {
      class: `source ${checked ? 'checked' : 'unchecked'}`,
      'data-source': s.kind,
      'data-checked': String(checked),
      'data-round': s.round ?? null,
      'data-time': s.time ?? null,
    },
    el('span', { class: 'icon', 'aria-hidden': 'true', text: checked ? '✔' : '·' }), ' ',
    el('span', { class: 'source-what', text: what }), ' — ',
    el('span', { class: 'source-how', text: checked ? how : t('src_unchecked') }));
  }));
}

function renderQuotas() {
  const q = state.quotas;
  $('quotas').hidden = !q;
  if (!q) return;
  $('quotas-note').textContent = q.enforced
    ? t('quotas_enforced', { method: methodName(q.method) })
    : t('quotas_informative', { method: methodName(q.method) });
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
        el('td', { class: 'num', text: row.pool }),
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
  svg('text', { x: W - pad.r - 4, y: y(kn) - 6, 'text-anchor': 'end', class: 'kn-label' }, `k/n = ${fmt(kn)}`),
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

function renderReceiptExamples() {
  const box = $('receipt-examples');
  box.replaceChildren();
  const ex = currentExample();
  if (!ex || !ex.receipts.length) return;
  box.append(el('span', { text: t('receipt_examples') }));
  for (const r of ex.receipts) {
    box.append(
      el('button', {
        type: 'button', class: 'link', 'data-receipt': r.outcome,
        text: t(`receipt_ex_${r.outcome}`),
        onclick: async () => {
          try {
            $('receipt-text').value = await readSiteFile(`examples/${r.file}`);
            checkReceipt();
          } catch (e) {
            $('receipt-result').textContent = String(e.message);
          }
        },
      }),
    );
  }
}

function checkReceipt() {
  const text = $('receipt-text').value.trim();
  if (!text) {
    state.receiptAnswer = { empty: true };
  } else if (state.bundleText) {
    state.receiptAnswer = JSON.parse(wasm.check_receipt(text, state.bundleText));
  }
  renderReceipt();
  $('receipt-result').focus();
}

function renderReceipt() {
  const box = $('receipt-result');
  const a = state.receiptAnswer;
  box.replaceChildren();
  box.className = 'receipt-result';
  delete box.dataset.matches;
  delete box.dataset.outcome;
  if (!a) return;
  if (a.empty) {
    box.append(el('p', { text: t('receipt_empty') }));
    return;
  }
  box.dataset.matches = String(a.matches);
  if (!a.matches) {
    box.classList.add('bad');
    box.append(
      el('p', { class: 'verdict-head' }, el('span', { class: 'icon', 'aria-hidden': 'true', text: '✘' }), ' ', t('receipt_nomatch')),
      `kind_${a.error_kind}` in MESSAGES.en ? el('p', { text: t(`kind_${a.error_kind}`) }) : null,
      el('p', { class: 'technical' }, el('span', { class: 'label', text: `${t('technical')} — ${a.error_kind ?? ''}` }), el('br'),
        el('span', { class: 'mono', text: a.error ?? '' })),
    );
    return;
  }
  box.classList.add('ok');
  const features = a.features.map(([f, v]) => `${f} = ${v}`).join(', ');
  box.append(
    el('p', {}, el('span', { class: 'icon', 'aria-hidden': 'true', text: '✔' }), ' ',
      t('receipt_match', { ticket: a.ticket, features, hashes: a.proof_length })),
  );
  const o = a.outcome;
  box.dataset.outcome = o.outcome;
  const k = state.summary?.panel_size ?? '?';
  const text = o.outcome === 'selected'
    ? t('receipt_selected', { position: o.position, k })
    : o.outcome === 'alternate' ? t('receipt_alternate', { number: o.number }) : t('receipt_not_selected');
  box.append(el('p', { class: `outcome ${o.outcome}` }, el('strong', { text })));
  if (state.report && !state.report.valid) box.append(el('p', { class: 'warn', text: t('receipt_bundle_invalid') }));
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
    el('p', {}, el('strong', { text: t('plan_answer', { chain: p.chain, round: p.round, time: p.time }) })),
    el('p', { text: t('plan_after', { after: p.after, wait: p.unix - Date.parse(p.after) / 1000 }) }),
    el('p', { class: 'small' }, el('span', { text: `${t('plan_chain_hash')} ` }), el('span', { class: 'mono break', text: p.chain_hash })),
  );
}

// ---------- wiring ----------

function wireDrop(target, onFile, onText) {
  const stop = (e) => {
    e.preventDefault();
    e.stopPropagation();
  };
  target.addEventListener('dragover', (e) => {
    stop(e);
    target.classList.add('dragging');
  });
  target.addEventListener('dragleave', () => target.classList.remove('dragging'));
  target.addEventListener('drop', (e) => {
    stop(e);
    target.classList.remove('dragging');
    const file = e.dataTransfer?.files?.[0];
    if (file) onFile(file);
    else if (onText) {
      const text = e.dataTransfer?.getData('text/plain');
      if (text) onText(text);
    }
  });
}

function wire() {
  for (const b of document.querySelectorAll('button.lang')) b.addEventListener('click', () => setLang(b.dataset.lang));
  $('bundle-file').addEventListener('change', (e) => {
    const f = e.target.files?.[0];
    if (f) loadBundleFile(f);
    e.target.value = '';
  });
  const dz = $('dropzone');
  wireDrop(dz, loadBundleFile, (text) => verifyText(text, 'dropped text'));
  dz.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      $('bundle-file').click();
    }
  });
  // The whole page accepts a dropped bundle too, except the receipt box.
  wireDrop(document.body, (f) => loadBundleFile(f));
  $('plan-form').addEventListener('submit', (e) => {
    e.preventDefault();
    planRound();
  });
  $('receipt-form').addEventListener('submit', (e) => {
    e.preventDefault();
    checkReceipt();
  });
  $('receipt-file').addEventListener('change', async (e) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (!f) return;
    $('receipt-text').value = await f.text();
    checkReceipt();
  });
  wireDrop($('receipt-text'), async (f) => {
    $('receipt-text').value = await f.text();
    checkReceipt();
  }, (text) => {
    $('receipt-text').value = text;
    checkReceipt();
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

/** Starts the wasm module: fetched (and compiled while it streams) when served, or from the
 * base64 bytes script when opened from files or when the fetch fails. */
async function startWasm() {
  if (!wasm) throw new Error('pkg/kleroterion_wasm.js is missing: run build.sh');
  if (!FROM_FILES) {
    try {
      await wasm({ module_or_path: new URL('pkg/kleroterion_wasm_bg.wasm', location.href) });
      return;
    } catch {
      // Served without the .wasm file or with a refused fetch: try the bytes script.
    }
  }
  if (!globalThis.KLEROTERION_WASM_BASE64) await loadScript('pkg/kleroterion_wasm_bytes.js');
  await wasm({ module_or_path: fromBase64(globalThis.KLEROTERION_WASM_BASE64) });
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
  state.examples = await loadExamples();
  renderAll();
  const param = new URLSearchParams(location.search).get('bundle');
  if (param) await loadBundleUrl(param);
}

main();
})();
