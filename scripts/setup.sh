#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine with a Rust toolchain.
# Safe to run again: every step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.129
CARGO_FUZZ_VERSION=0.13.2

step() { printf '\n==> %s\n' "$*"; }

step "Rust targets"
rustup target add wasm32-unknown-unknown thumbv7em-none-eabihf >/dev/null
rustup component add clippy rustfmt >/dev/null 2>&1 || true

step "Chromium and ChromeDriver (browser tests)"
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium chromium-driver >/dev/null
fi
chromium --version

step "wasm-bindgen CLI ${WASM_BINDGEN_VERSION}"
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen ${WASM_BINDGEN_VERSION}" ]; then
    cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}" --locked
fi
wasm-bindgen --version

step "cargo-fuzz ${CARGO_FUZZ_VERSION} (fuzz smoke test)"
if [ "$(cargo fuzz --version 2>/dev/null || true)" != "cargo-fuzz ${CARGO_FUZZ_VERSION}" ]; then
    # Not fatal: without cargo-fuzz, scripts/fuzz-smoke.sh replays the corpus instead.
    cargo install cargo-fuzz --version "${CARGO_FUZZ_VERSION}" --locked ||
        echo "cargo-fuzz could not be installed: the fuzz smoke test will replay the corpus"
fi
cargo fuzz --version 2>/dev/null || true

step "Python virtual environment (.venv)"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -r bindings/python/requirements-dev.txt

step "npm packages (browser tests; binaryen's wasm-opt for bindings/wasm/build.sh)"
(cd bindings/wasm && (npm ci --no-audit --no-fund --silent || npm install --no-audit --no-fund --silent))
bindings/wasm/node_modules/.bin/wasm-opt --version
