#!/usr/bin/env bash
# Installs everything the build, the tests and the demo need, on a fresh Debian machine.
# Idempotent: each step is skipped when its tool is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v prosody >/dev/null || need_apt+=(prosody)
command -v ejabberdctl >/dev/null || need_apt+=(ejabberd)
command -v chromium >/dev/null || need_apt+=(chromium)
command -v curl >/dev/null || need_apt+=(curl)
if ((${#need_apt[@]})); then
  echo "setup: apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown; then
  echo "setup: rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly.
WBG=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/version = "\(.*\)"/\1/p')
if [[ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WBG" ]]; then
  echo "setup: cargo install wasm-bindgen-cli $WBG (about 3 minutes)"
  # --locked fails on this registry mirror (webpki-roots 1.0.11 is missing), see docs.
  cargo install wasm-bindgen-cli --version "$WBG" --locked 2>/dev/null \
    || cargo install wasm-bindgen-cli --version "$WBG"
fi

# cargo-fuzz: the bounded fuzzing smoke run of the test suite (stable toolchain, -s none).
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "setup: cargo install cargo-fuzz"
  cargo install cargo-fuzz --locked 2>/dev/null || cargo install cargo-fuzz
fi

# slixmpp (PyPI): a client that is not ours, sending what other people can send in the
# browser tests (tests/peer/send_raw.py).
if ! python3 -c 'import slixmpp' 2>/dev/null; then
  echo "setup: pip install slixmpp"
  pip3 install -q slixmpp 2>/dev/null || pip3 install -q --break-system-packages slixmpp
fi

if [[ ! -x node_modules/.bin/wasm-opt || ! -d node_modules/@playwright/test ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
