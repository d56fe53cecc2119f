#!/usr/bin/env bash
# `npm start`: builds what the page needs (once, then only what changed) and serves it on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh wasm
exec node scripts/serve.mjs
