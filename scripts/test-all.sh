#!/usr/bin/env bash
# Runs every test of the project: Rust (native, no_std targets), the fuzz smoke test, Python and
# the browser page.
# On a fresh machine it first installs what the tests need (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

step() { printf '\n==> %s\n' "$*"; }

if [ "${SKIP_SETUP:-0}" != 1 ]; then
    bash scripts/setup.sh
fi

step "Formatting and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

step "Rust tests (workspace)"
cargo test --workspace

step "The core builds without std: thumbv7em-none-eabihf and wasm32-unknown-unknown"
cargo build -p kleroterion --no-default-features --target thumbv7em-none-eabihf
cargo build -p kleroterion --target thumbv7em-none-eabihf
cargo build -p kleroterion --target wasm32-unknown-unknown

step "Fuzz smoke test: every fuzz target for a few seconds, or the corpus replayed"
bash scripts/fuzz-smoke.sh

step "Independent reference implementation reproduces the vectors"
.venv/bin/python tests/reference/test_reference.py
.venv/bin/python tests/reference/make_vectors.py --check

step "Python package"
(cd bindings/python && VIRTUAL_ENV="$ROOT/.venv" "$ROOT/.venv/bin/maturin" develop --release --quiet)
.venv/bin/python -m pytest bindings/python/tests -q
.venv/bin/python -m mypy bindings/python/tests bindings/python/examples

step "WebAssembly binding and the verification page (headless Chromium)"
bash bindings/wasm/run-tests.sh

step "All tests passed"
