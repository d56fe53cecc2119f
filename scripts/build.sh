#!/usr/bin/env bash
# Builds what the product runs: the WASM modules in www/pkg (loaded by the page and the extension)
# and the release CLI in target/release/harlens.
# Usage: scripts/build.sh [wasm|cli|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}

bash scripts/bootstrap.sh wasm npm
# node_modules/.bin first: wasm-pack must find binaryen 132's wasm-opt there (Debian's 108 breaks the output).
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

if [ "$what" = all ] || [ "$what" = wasm ]; then
  # Two modules from the one crate (its features): the page's first module, harlens (HAR analysis, rules,
  # report, entries table and plot, trusted-list check, Crowd simulation), and harlens_full (everything: the
  # server-log readers, the sanitizer, the extension's live monitor), which the page loads only when a log is
  # given or a sanitized HAR is asked for, and which the extension's own scripts load.
  echo "build: WASM packages -> www/pkg (harlens, harlens_full)" >&2
  wasm-pack --log-level warn build crate --release --target web --out-dir ../www/pkg --out-name harlens --no-pack -- --no-default-features
  wasm-pack --log-level warn build crate --release --target web --out-dir ../www/pkg --out-name harlens_full --no-pack
  node scripts/wasm-size.mjs
  # The page's "Try an example": the test bed's recording of the KB case and its settings, shipped with the page.
  mkdir -p www/examples
  cp tests/fixtures/testbed/proxy-address-change/recording.har www/examples/proxy-address-change.har
  cp tests/fixtures/testbed/example.json www/examples/proxy-address-change.json
fi
if [ "$what" = all ] || [ "$what" = cli ]; then
  echo "build: CLI -> target/release/harlens" >&2
  cargo build --release --quiet
fi
