#!/usr/bin/env bash
# Builds the Python package's wheel: one abi3 wheel (CPython 3.9 and later) that installs with no
# Rust toolchain. Usage: scripts/build-wheel.sh [OUT_DIR]   (default: dist/)
#
# The platform tag is manylinux_2_X, where X is the newest glibc symbol version the module uses:
# maturin audits the built library (as auditwheel does), takes the lowest tag that holds and fails
# when none does (--auditwheel check), so the tag is never claimed without the check. No docker or
# zig is needed; the tag follows the glibc of the machine that builds, and the Rust standard
# library's own symbols set the floor. Prints the wheel's path last.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${1:-$ROOT/dist}
MATURIN=${MATURIN:-$ROOT/.venv/bin/maturin}
mkdir -p "$OUT"
# cargo's progress is shown (no --quiet): a cold build takes minutes.
(cd bindings/python && "$MATURIN" build --release --auditwheel check --out "$OUT")
wheel=$(ls -t "$OUT"/kleroterion-*.whl | head -n 1)
case "$wheel" in
    *-abi3-manylinux*) ;;
    *)
        echo "build-wheel.sh: $wheel is not an abi3 manylinux wheel" >&2
        exit 1
        ;;
esac
echo "$wheel"
