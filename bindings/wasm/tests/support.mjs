// Shared helpers of the Node tests: a tiny static server, the wasm module loaded in Node,
// and the Chromium launcher.

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
