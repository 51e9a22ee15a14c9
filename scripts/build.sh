#!/usr/bin/env bash
# Builds the npm package into pkg/: release wasm (opt-level z, LTO), wasm-bindgen --target web,
# then wasm-opt -Oz from npm's binaryen 132 (Debian's binaryen 108 breaks wasm-bindgen output).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --target wasm32-unknown-unknown --lib -q
wasm-bindgen --target web --out-dir pkg target/wasm32-unknown-unknown/release/xmpp_ftw_wasm.wasm
node_modules/.bin/wasm-opt -Oz --enable-reference-types --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-multivalue \
  pkg/xmpp_ftw_wasm_bg.wasm -o pkg/xmpp_ftw_wasm_bg.wasm
wasm=$(stat -c %s pkg/xmpp_ftw_wasm_bg.wasm)
gz=$(cat pkg/xmpp_ftw_wasm_bg.wasm pkg/xmpp_ftw_wasm.js | gzip -9 | wc -c)
echo "build: pkg/xmpp_ftw_wasm_bg.wasm $wasm bytes; wasm + JS glue gzip -9: $gz bytes"
