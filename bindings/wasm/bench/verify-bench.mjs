// Times the verification of the 2,000-volunteer, M = 1,000 lottery example in headless
// Chromium (the wasm `verify` call on the bundle text, median of several runs), and prints
// the start-up time served and opened from files (file://), and the size of the .wasm file.
// Run `bash bindings/wasm/build.sh` first, then
//   node bindings/wasm/bench/verify-bench.mjs [runs]

import { statSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { serve, launch, WWW, FILE_URL } from '../tests/support.mjs';

const runs = Number(process.argv[2] ?? 15);
const wasmPath = join(WWW, 'pkg', 'kleroterion_wasm_bg.wasm');
const size = statSync(wasmPath).size;
const gz = gzipSync(readFileSync(wasmPath), { level: 9 }).length;
const bundleSize = statSync(join(WWW, 'examples', 'lottery.json')).size;

const server = await serve();
const context = await launch();
try {
  // Start-up: from navigation to the verifier ready, served (the .wasm file is fetched)
  // and opened from files (the wasm comes from the base64 script). Median of 5 each.
  const startup = {};
  for (const [how, url] of [['served', `${server.url}/?lang=en`], ['file://', `${FILE_URL}?lang=en`]]) {
    const times = [];
    for (let i = 0; i < 5; i++) {
      const p = await context.newPage();
      await p.goto(url);
      await p.waitForSelector('body[data-ready="true"]');
      times.push(await p.evaluate(() => performance.now()));
      await p.close();
    }
    startup[how] = times.sort((a, b) => a - b)[2];
  }
  const page = await context.newPage();
  await page.goto(`${server.url}/?lang=en`);
  await page.waitForSelector('body[data-ready="true"]');
  const result = await page.evaluate(async (n) => {
    // The glue of the page (a classic script) defines the global `wasm_bindgen`.
    const wasm = wasm_bindgen; // eslint-disable-line no-undef
    const text = await (await fetch('examples/lottery.json')).text();
    const times = [];
    let valid = null;
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const report = JSON.parse(wasm.verify(text));
      times.push(performance.now() - t0);
      valid = report.valid;
    }
    // The whole page path: verify + quota table + probabilities + rendering.
    const t0 = performance.now();
    const input = document.getElementById('bundle-file');
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'lottery.json', { type: 'application/json' }));
    input.files = dt.files;
    input.dispatchEvent(new Event('change'));
    while (!/lottery\.json verified/.test(document.getElementById('load-status').textContent)) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => requestAnimationFrame(() => r()));
    const page = performance.now() - t0;
    return { times, valid, page, ua: navigator.userAgent };
  }, runs);
  const sorted = [...result.times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const fmt = (x) => x.toFixed(1);
  console.log(`browser: ${result.ua.match(/(Headless)?Chrome\/[\d.]+/)?.[0] ?? result.ua}`);
  console.log(`bundle: examples/lottery.json, ${bundleSize} bytes (2,000 volunteers, k = 40, M = 1,000), valid = ${result.valid}`);
  console.log(`verify: median ${fmt(median)} ms over ${runs} runs (min ${fmt(sorted[0])} ms, max ${fmt(sorted[sorted.length - 1])} ms)`);
  console.log(`page (file input -> report, quota table, probability chart rendered): ${fmt(result.page)} ms`);
  console.log(`start-up to ready, median of 5: served ${fmt(startup.served)} ms, opened from files ${fmt(startup['file://'])} ms`);
  console.log(`wasm: ${size} bytes (${(size / 1024).toFixed(0)} KiB), ${gz} bytes gzipped`);
} finally {
  await context.close();
  await server.close();
}
