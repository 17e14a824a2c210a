// Times the Montpellier stage-1 bundle (invitations: 2,000 of 321,215 voters, about 22 MB) on
// the page in headless Chromium, as a citizen meets it: from the click on its example button to
// the verdict, summary, steps and quota table on screen. A 10 ms heartbeat runs on the page's
// main thread meanwhile; its longest gap is how long the page stayed frozen.
// Run `bash bindings/wasm/build.sh` first, then
//   node bindings/wasm/bench/stage1-bench.mjs [runs]

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { serve, launch, WWW } from '../tests/support.mjs';

const runs = Number(process.argv[2] ?? 3);
const file = 'montpellier-stage1.json';
const bytes = statSync(join(WWW, 'examples', file)).size;

const server = await serve();
const context = await launch();
try {
  const results = [];
  for (let i = 0; i < runs; i++) {
    const page = await context.newPage();
    await page.goto(`${server.url}/?lang=en`);
    await page.waitForSelector('body[data-ready="true"]');
    // The example's text is fetched once before timing, so that the figure is the page's own
    // work (parse, verify, views, rendering), not the local server's.
    await page.evaluate(async (f) => { await (await fetch(`examples/${f}`)).text(); }, file);
    const r = await page.evaluate(async (f) => {
      const gaps = [];
      let last = performance.now();
      const beat = setInterval(() => {
        const now = performance.now();
        gaps.push(now - last);
        last = now;
      }, 10);
      const button = [...document.querySelectorAll('button[data-example]')]
        .find((b) => b.dataset.example === 'montpellier-stage1');
      const t0 = performance.now();
      button.click();
      const done = () => document.body.dataset.state === 'valid' || document.body.dataset.state === 'invalid';
      while (!(done() && !document.getElementById('quotas').hidden
        && document.querySelector('#steps li[data-step="transcript"]'))) {
        await new Promise((ok) => setTimeout(ok, 5));
      }
      await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
      const total = performance.now() - t0;
      clearInterval(beat);
      return { total, frozen: Math.max(...gaps), state: document.body.dataset.state, times: document.body.dataset.times ?? '', ua: navigator.userAgent, f };
    }, file);
    results.push(r);
    await page.close();
  }
  const fmt = (x) => `${(x / 1000).toFixed(2)} s`;
  console.log(`browser: ${results[0].ua.match(/(Headless)?Chrome\/[\d.]+/)?.[0] ?? results[0].ua}`);
  console.log(`bundle: examples/${file}, ${bytes} bytes, state ${results[0].state}`);
  for (const [i, r] of results.entries()) {
    console.log(`run ${i + 1}: click to verdict, steps and quotas on screen ${fmt(r.total)}; longest main-thread freeze ${fmt(r.frozen)}${r.times ? `; in the worker (ms): ${r.times}` : ''}`);
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`median of ${runs}: ${fmt(med(results.map((r) => r.total)))} on screen, ${fmt(med(results.map((r) => r.frozen)))} longest freeze`);
} finally {
  await context.close();
  await server.close();
}
