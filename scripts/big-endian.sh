#!/usr/bin/env bash
# Runs the core crate's test vectors (tests/vectors/*.json) on a big-endian target under
# qemu-user, to check that every hash, seed and draw is byte-identical to the little-endian
# build (SPEC.md section 18).
#
# Usage: scripts/big-endian.sh [target]
#   target: powerpc64-unknown-linux-gnu (default) or s390x-unknown-linux-gnu
# Installs what it needs (rustup target, Debian cross linker, qemu-user); safe to run again.
# Needs root for apt-get (or the packages already installed).
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET="${1:-powerpc64-unknown-linux-gnu}"
case "$TARGET" in
    powerpc64-unknown-linux-gnu) GCC=powerpc64-linux-gnu-gcc; PKG=gcc-powerpc64-linux-gnu; QEMU=qemu-ppc64; SYSROOT=/usr/powerpc64-linux-gnu ;;
    s390x-unknown-linux-gnu)     GCC=s390x-linux-gnu-gcc;     PKG=gcc-s390x-linux-gnu;     QEMU=qemu-s390x; SYSROOT=/usr/s390x-linux-gnu ;;
    *) echo "unsupported target $TARGET (use powerpc64-unknown-linux-gnu or s390x-unknown-linux-gnu)" >&2; exit 2 ;;
esac

step() { printf '\n==> %s\n' "$*"; }

step "Rust target $TARGET"
rustup target add "$TARGET" >/dev/null

step "cross linker ($PKG) and qemu-user"
if ! command -v "$GCC" >/dev/null || ! command -v "$QEMU" >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq "$PKG" qemu-user >/dev/null
fi
"$GCC" --version | head -1
"$QEMU" --version | head -1

ENV_TARGET="$(echo "$TARGET" | tr 'a-z-' 'A-Z_')"
export "CARGO_TARGET_${ENV_TARGET}_LINKER=$GCC"
export "CARGO_TARGET_${ENV_TARGET}_RUNNER=$QEMU -L $SYSROOT"

step "byte order check"
cat > "${TMPDIR:-/tmp}/kleroterion-endian.rs" <<'RS'
fn main() { println!("{}", if cfg!(target_endian = "big") { "big-endian" } else { "little-endian" }); }
RS
rustc --target "$TARGET" -C "linker=$GCC" -o "${TMPDIR:-/tmp}/kleroterion-endian" "${TMPDIR:-/tmp}/kleroterion-endian.rs"
$QEMU -L "$SYSROOT" "${TMPDIR:-/tmp}/kleroterion-endian"

step "core vectors on $TARGET (under $QEMU)"
start=$(date +%s)
nice -n 10 cargo test -p kleroterion --test vectors --target "$TARGET" "${@:2}"
step "core RFC known answers on $TARGET"
nice -n 10 cargo test -p kleroterion --test rfc_known_answers --target "$TARGET"
end=$(date +%s)
echo "big-endian vectors passed on $TARGET in $((end - start)) s (build and run)"
