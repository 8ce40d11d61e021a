#!/usr/bin/env bash
# Installs what `make` (deps.sh build) or `make test` (deps.sh test) needs.
# Idempotent: each step checks first and does nothing when already satisfied.
set -euo pipefail
cd "$(dirname "$0")/.."

want=${1:-build}
say() { printf '==> %s\n' "$*"; }

# The wasm-bindgen CLI must match the crate version locked in Cargo.lock exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock
}

if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust with rustup first (https://rustup.rs)" >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown Rust target"
  rustup target add wasm32-unknown-unknown
fi

[ -f Cargo.lock ] || cargo generate-lockfile
version=$(wasm_bindgen_version)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$version" ]; then
  say "installing wasm-bindgen-cli $version (takes a few minutes, once)"
  # --locked fails against registry mirrors that lack one pinned dependency.
  cargo install wasm-bindgen-cli --version "$version"
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "installing Node.js and npm"
  apt-get update -qq && apt-get install -y -qq nodejs npm
fi

# npm packages from the committed lock file; reinstalled only when it changed.
if [ ! -f node_modules/.stamp ] || [ package-lock.json -nt node_modules/.stamp ]; then
  say "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.stamp
fi

if [ "$want" = test ]; then
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  [ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
  # tests/e2e-firefox/harness.mjs (serveFiles) makes a throwaway certificate authority with it.
  command -v openssl >/dev/null || missing+=(openssl)
  # tests/e2e-firefox installs the extension over WebDriver BiDi (webExtension.install, Firefox
  # 138+) and the manifest asks for 140: an older Firefox ESR is upgraded.
  if [ -x /usr/bin/firefox-esr ] && [ "$(/usr/bin/firefox-esr --version 2>/dev/null | grep -o '[0-9]\+' | head -1)" -lt 140 ]; then
    missing+=(firefox-esr)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian's ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
fi
