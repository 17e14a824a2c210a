// Times the verification of `maxent` bundles in WebAssembly (the page's build, run in Node's
// V8, the engine of Chromium): the exported `verify` on each bundle's text, which redoes the
// count and the walks (SPEC.md section 9.6), `runs` times, and prints the median.
// Run `bash bindings/wasm/build.sh` first, then
//   node bindings/wasm/bench/maxent-bench.mjs RUNS BUNDLE.json...
// (`benches/maxent.sh` makes the bundles and runs this.)

import { readFileSync, statSync } from 'node:fs';
import { loadWasm } from '../tests/support.mjs';

const [runs, ...bundles] = process.argv.slice(2);
const k = await loadWasm();
for (const path of bundles) {
  const text = readFileSync(path, 'utf8');
  const times = [];
  let valid;
  for (let i = 0; i < Number(runs); i++) {
    const t0 = performance.now();
    const report = JSON.parse(k.verify(text));
    times.push(performance.now() - t0);
    valid = report.valid;
  }
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)];
  console.log(`${path}: ${statSync(path).size} bytes, valid ${valid}, verify median of ${runs} ${(med / 1000).toFixed(3)} s (min ${(times[0] / 1000).toFixed(3)} s, max ${(times.at(-1) / 1000).toFixed(3)} s)`);
}
