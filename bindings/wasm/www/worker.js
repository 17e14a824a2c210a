// The page's verification worker: reads a bundle once (the wasm `ParsedBundle`) and answers
// every later question about it (verify again with published facts, receipts, ticket search)
// from the parsed bundle, off the page's main thread, so that a 22 MB bundle does not freeze
// the page.
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
    members: view(() => p.members()),
  };
};

const ops = {
  init({ module }) {
    wasm_bindgen.initSync({ module });
    return true;
  },

  /** Hashes the file, reads it once, verifies it and computes the views. */
  load({ id, bytes, text, published, replacements }) {
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
    parsed = new wasm_bindgen.ParsedBundle(bytes ? new TextDecoder().decode(data) : text);
    step('parse');
    progress('verify');
    const report = parsed.verify_with(published, replacements);
    step('verify');
    progress('views');
    const shown = views(parsed);
    step('views');
    return { sha256, size: data.length, report, ms: times.verify, times, readable: parsed.readable(), ...shown };
  },

  verify({ published, replacements }) {
    const t0 = performance.now();
    const report = parsed.verify_with(published, replacements);
    return { report, ms: Math.round(performance.now() - t0) };
  },

  receipt({ text }) {
    return parsed.check_receipt(text);
  },

  ticket({ code }) {
    return parsed.find_ticket(code);
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
