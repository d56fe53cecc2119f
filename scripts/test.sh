#!/usr/bin/env bash
# `npm test`: every check, in the order that fails fastest. Bootstraps what it needs first (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Snapshot tests never rewrite their snapshots here: a changed report is a failure to review.
export INSTA_UPDATE=no

step() { printf '\n== %s\n' "$*" >&2; }

step "format (cargo fmt --check)"
cargo fmt --all --check

step "lints, host (cargo clippy)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "lints, wasm32 (cargo clippy --target wasm32-unknown-unknown)"
cargo clippy --workspace --all-targets --quiet --target wasm32-unknown-unknown -- -D warnings

step "lints, the page's first module (wasm32 without default features: no log readers, no sanitizer)"
cargo clippy -p harlens --lib --quiet --target wasm32-unknown-unknown --no-default-features -- -D warnings

step "Rust tests (cargo test)"
cargo test --workspace --quiet

step "WASM boundary in headless Chromium (wasm-pack test)"
wasm-pack --log-level warn test --headless --chrome crate --test web

step "sanitized HARs against the HAR 1.2 schema (har-validator)"
node scripts/validate-redacted.mjs
node scripts/validate-redacted.mjs --all

step "build (WASM package for the page)"
bash scripts/build.sh wasm

mapfile -t browser_tests < <(find tests -name '*.test.mjs' -not -path '*/node_modules/*' | sort)
if [ ${#browser_tests[@]} -gt 0 ]; then
  step "browser and simulation tests (node --test)"
  node --test --test-concurrency=1 "${browser_tests[@]}"
fi
