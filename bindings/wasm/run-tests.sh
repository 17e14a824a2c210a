#!/usr/bin/env bash
# Every test of bindings/wasm: build, wasm-bindgen-test in wasm (Node runner), then the
# Node tests (parity with the shared vectors, end-to-end in Debian's headless Chromium).
# Needs: wasm32-unknown-unknown, wasm-bindgen-cli (same version as the crate),
# wasm-bindgen-test-runner, Node 20 with npm (playwright-core and binaryen, from
# package-lock.json), /usr/bin/chromium.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

# The npm packages first: build.sh needs binaryen's wasm-opt from them.
cd "$here"
npm ci --no-audit --no-fund || npm install --no-audit --no-fund

bash "$here/build.sh"

cd "$root"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p kleroterion-wasm --target wasm32-unknown-unknown

cd "$here"
node --test tests/
