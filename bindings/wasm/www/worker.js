// The page's verification worker: reads a bundle once (the wasm `ParsedBundle`) and answers
// every later question about it (verify again with published facts, receipts, ticket search)
// from the parsed bundle, off the page's main thread, so that a 22 MB bundle does not freeze
// the page.
//
// For linked stages (SPEC.md section 5.3) it also keeps the previous stage, read once too: when
// the loaded bundle names a previous stage and that stage was given, every verification is the
// chain's (the wasm `verify_chain`), and receipts are checked along the chain (`check_path`).
//
// A classic worker script. Served, the page starts it as `worker.js` and it imports the
// wasm-bindgen glue; opened from its files, where Chromium refuses a worker of a file:// URL,
// the page starts it from a blob holding the glue and this file (pkg/kleroterion_worker.js,
// made by build.sh). Either way the page sends the wasm module it compiled.
//
// Messages in: {id, op, ...}; out: {id, progress} while working, then {id, result} or
// {id, error: {name, message}}.

/* global wasm_bindgen, importScripts */
'use strict';

if (typeof wasm_bindgen === 'undefined') importScripts('pkg/kleroterion_wasm.js');

let parsed = null;
// The previous stage, when given, and its commitment (to tell its receipts from the stage's).
let previous = null;
let previousCommitment = null;
// The previous stage the loaded bundle names (the wasm `parent` view), or null.
let parent = null;

const chainMode = () => Boolean(parsed && previous && parent);

/** The report of the loaded bundle: the chain's when it names a previous stage that was given
 * (`{chain}`), else its own (`{report}`). */
function verifyNow({ published, replacements, previousPublished }) {
  if (chainMode()) return { chain: parsed.verify_chain(previous, published, previousPublished, replacements, null) };
  return { report: parsed.verify_with(published, replacements) };
}

/** Hashes a file's bytes (or a text) and reads it as a bundle. */
function read(bytes, text) {
  const data = bytes ? new Uint8Array(bytes) : new TextEncoder().encode(text);
  const sha256 = wasm_bindgen.sha256_hex(data);
  const p = bytes ? wasm_bindgen.ParsedBundle.from_bytes(data) : new wasm_bindgen.ParsedBundle(text);
  return { sha256, size: data.length, p };
}

const views = (p) => {
  const view = (f) => {
    try {
      return f();
    } catch {
      return null;
    }
  };
  return {
    summary: view(() => p.summary()),
    quotas: view(() => p.quota_table()),
    probabilities: view(() => p.selection_probabilities()),
    chances: view(() => p.maxent_chances()),
    members: view(() => p.members()),
    parent: view(() => p.parent()),
  };
};

const ops = {
  init({ module }) {
    wasm_bindgen.initSync({ module });
    return true;
  },

  /** Hashes the file, reads it once, verifies it and computes the views. */
  load({ id, bytes, text, published, replacements, previousPublished }) {
    const times = {};
    let t0 = performance.now();
    const step = (name) => {
      const now = performance.now();
      times[name] = Math.round(now - t0);
      t0 = now;
    };
    const progress = (name) => postMessage({ id, progress: name });
    progress('hash');
    const data = bytes ? new Uint8Array(bytes) : new TextEncoder().encode(text);
    const sha256 = wasm_bindgen.sha256_hex(data);
    step('hash');
    progress('parse');
    if (parsed) parsed.free();
    parsed = bytes ? wasm_bindgen.ParsedBundle.from_bytes(data) : new wasm_bindgen.ParsedBundle(text);
    try {
      parent = JSON.parse(parsed.parent());
    } catch {
      parent = null;
    }
    step('parse');
    progress('verify');
    const verified = verifyNow({ published, replacements, previousPublished });
    step('verify');
    progress('views');
    const shown = views(parsed);
    step('views');
    return { sha256, size: data.length, ...verified, ms: times.verify, times, readable: parsed.readable(), ...shown };
  },

  /** Reads the previous stage of a chain once; verifies the chain when the loaded bundle names
   * a previous stage (unless `verify` is false: the stage itself is loaded next). */
  loadPrevious({ bytes, text, published, replacements, previousPublished, verify }) {
    const r = read(bytes, text);
    if (previous) previous.free();
    previous = r.p;
    let summary = null;
    try {
      summary = previous.summary();
      previousCommitment = JSON.parse(summary).commitment;
    } catch {
      previousCommitment = null;
    }
    const t0 = performance.now();
    const verified = verify !== false && chainMode() ? verifyNow({ published, replacements, previousPublished }) : {};
    return { sha256: r.sha256, size: r.size, readable: previous.readable(), summary, ms: Math.round(performance.now() - t0), ...verified };
  },

  clearPrevious() {
    if (previous) previous.free();
    previous = null;
    previousCommitment = null;
    return true;
  },

  verify({ published, replacements, previousPublished }) {
    const t0 = performance.now();
    const verified = verifyNow({ published, replacements, previousPublished });
    return { ...verified, ms: Math.round(performance.now() - t0) };
  },

  /** A receipt: checked against the loaded bundle; in a chain, a receipt of either stage, with
   * the person's path along the chain (invited, answered). */
  receipt({ text }) {
    if (!chainMode()) return parsed.check_receipt(text);
    let commitment = null;
    try {
      commitment = JSON.parse(text).commitment;
    } catch {
      // Not JSON: the stage's check says so.
    }
    if (previousCommitment && commitment === previousCommitment) {
      const path = JSON.parse(parsed.check_path(previous, text, null));
      const answer = path.matches ? path.previous : JSON.parse(previous.check_receipt(text));
      return JSON.stringify({ ...answer, stage: 'previous', path: path.matches ? path : null });
    }
    const answer = JSON.parse(parsed.check_receipt(text));
    const path = answer.matches ? JSON.parse(parsed.check_path(previous, null, text)) : null;
    return JSON.stringify({ ...answer, stage: 'stage', path });
  },


  ticket({ code }) {
    return parsed.find_ticket(code);
  },

  /** The draw pick by pick (SPEC.md section 10.3), asked for once the bundle verified. */
  picks() {
    return parsed.picks();
  },
};

self.onmessage = (e) => {
  const { id, op } = e.data;
  try {
    postMessage({ id, result: ops[op](e.data) });
  } catch (err) {
    postMessage({ id, error: { name: err?.name ?? 'Error', message: err?.message ?? String(err) } });
  }
};
