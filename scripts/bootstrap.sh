#!/usr/bin/env bash
# Installs what the npm scripts need, idempotently: every step checks first and skips what is already there.
# Usage: scripts/bootstrap.sh [rust] [wasm] [npm] [browser] [fuzz]   (no argument = all but fuzz)
#   rust     the host toolchain's rustfmt and clippy
#   wasm     the wasm32 target, wasm-pack, and the wasm-bindgen-cli that matches the pinned crate
#   npm      node_modules (binaryen's wasm-opt, playwright-core, ...)
#   browser  Debian's chromium, chromium-driver and firefox-esr (tests drive them; no browser download works)
#   fuzz     the nightly toolchain and cargo-fuzz, for `npm run fuzz` only (npm test runs the same properties
#            on stable, with fixed seeds)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

export PATH="$HOME/.cargo/bin:$PATH"

want_rust=0 want_wasm=0 want_npm=0 want_browser=0 want_fuzz=0
[ $# -eq 0 ] && set -- rust wasm npm browser
for part in "$@"; do
  case "$part" in
    rust) want_rust=1 ;;
    wasm) want_wasm=1 ;;
    npm) want_npm=1 ;;
    browser) want_browser=1 ;;
    fuzz) want_fuzz=1 ;;
    *) die "unknown part '$part' (expected rust, wasm, npm, browser or fuzz)" ;;
  esac
done

have cargo || die "cargo is missing: install Rust with rustup (https://rustup.rs), then run this again"

if [ $want_rust = 1 ]; then
  for comp in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^$comp"; then
      say "adding the $comp component"
      rustup component add "$comp"
    fi
  done
fi

if [ $want_wasm = 1 ]; then
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! have wasm-pack; then
    # The npm wasm-pack package downloads a binary at install time, which fails without internet: build it.
    say "installing wasm-pack with cargo (about 5 minutes, once)"
    cargo install wasm-pack --locked
  fi
  # wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate pinned in Cargo.toml.
  pinned=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
  [ -n "$pinned" ] || die "could not read the pinned wasm-bindgen version from Cargo.toml"
  current=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$current" != "$pinned" ]; then
    say "installing wasm-bindgen-cli $pinned with cargo (about 7 minutes, once; found '${current:-none}')"
    # Without --locked: with it, the CLI's lockfile pinned a dependency that failed to build here.
    cargo install wasm-bindgen-cli --version "$pinned" --force
  fi
fi

if [ $want_npm = 1 ]; then
  have npm || die "npm is missing: install Node.js 20 or newer (Debian: apt-get install -y nodejs npm)"
  # Reinstall when package.json or the lockfile changed since the last install (a hash of both is kept).
  stamp=node_modules/.harlens-install-stamp
  sum=$(cat package.json package-lock.json 2>/dev/null | cksum)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    say "installing npm dependencies"
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
    cat package.json package-lock.json 2>/dev/null | cksum > "$stamp"
  fi
fi

if [ $want_browser = 1 ]; then
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  # The extension's Firefox test installs the packaged Firefox build in firefox-esr.
  have firefox-esr || have firefox || missing+=(firefox-esr)
  if [ ${#missing[@]} -gt 0 ]; then
    cmd="apt-get update && apt-get install -y ${missing[*]}"
    if [ "$(id -u)" = 0 ] && have apt-get; then
      say "installing Debian's ${missing[*]}"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      die "the browser tests need ${missing[*]}; run as root: $cmd"
    fi
  fi
fi

if [ $want_fuzz = 1 ]; then
  # cargo-fuzz builds with sanitizers and libFuzzer, which need the nightly compiler.
  if ! rustup toolchain list | grep -q '^nightly'; then
    say "installing the nightly toolchain (for cargo-fuzz)"
    rustup toolchain install nightly --profile minimal
  fi
  if ! cargo fuzz --version >/dev/null 2>&1; then
    say "installing cargo-fuzz with cargo (about 3 minutes, once)"
    cargo install cargo-fuzz --locked
  fi
fi
