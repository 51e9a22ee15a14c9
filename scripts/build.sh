#!/usr/bin/env bash
# Builds the npm package into pkg/: release wasm (opt-level z, LTO), wasm-bindgen --target web,
# then wasm-opt -Oz from npm's binaryen 132 (Debian's binaryen 108 breaks wasm-bindgen output).
set -euo pipefail
cd "$(dirname "$0")/.."
# The panic locations name the dependencies' files by their path in the registry
# ($CARGO_HOME/registry/src/<index>/crate-1.0/src/x.rs): the registry's part is dropped
# (`--remap-path-prefix`, added to .cargo/config.toml's flags): 4.4 KB of wasm, ~0.2 KB brotli.
remap=""
for dir in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
  [[ -d $dir ]] && remap+="${remap:+, }\"--remap-path-prefix=${dir%/}/=\""
done
cargo build --release --target wasm32-unknown-unknown --lib -q \
  --config "target.wasm32-unknown-unknown.rustflags=[$remap]"
# --keep-debug: the function names, for scripts/no-debug-fmt.mjs (the last wasm-opt drops them).
wasm-bindgen --target web --keep-debug --out-dir pkg target/wasm32-unknown-unknown/release/xmpp_ftw_wasm.wasm
# Debug formatting, which only panic messages use, writes nothing (scripts/no-debug-fmt.mjs says
# why): wasm-opt then drops the impls and what they call.
node scripts/no-debug-fmt.mjs pkg/xmpp_ftw_wasm_bg.wasm
# The generated types use `Symbol.dispose` (the `free()` of `using`): a user project with
# `target: es2022` and its default libs has no such symbol unless the types ask for the lib.
sed -i '1i /// <reference lib="esnext.disposable" />' pkg/xmpp_ftw_wasm.d.ts
# wasm-opt's optimisation for size (scripts/wasm-opt-flags.sh says what each flag saved).
source scripts/wasm-opt-flags.sh
node_modules/.bin/wasm-opt "${optimize[@]}" pkg/xmpp_ftw_wasm_bg.wasm -o pkg/xmpp_ftw_wasm_bg.wasm
# Short import names in the wasm and the glue, functions of similar code next to each other
# for the compressors' windows, and the glue's reading of short strings without TextDecoder
# (scripts/pack-wasm.mjs; nothing else changes; README, Size, has what each saved). The import
# names chosen are kept in target/ for the copy with names below.
node scripts/pack-wasm.mjs pkg/xmpp_ftw_wasm_bg.wasm pkg/xmpp_ftw_wasm.js target/pack-wasm-imports.json
node_modules/.bin/wasm-opt --reorder-functions-by-name --strip-debug --strip-producers --strip-target-features "${features[@]}" \
  pkg/xmpp_ftw_wasm_bg.wasm -o pkg/xmpp_ftw_wasm_bg.wasm
# The glue minified by terser (its own names shortened, its comments dropped but the
# `@ts-self-types` pointer to the types; the exports and the import object's keys keep their
# names): gzip 5.6 -> 3.6 KB, brotli 5.0 -> 3.2 KB.
node_modules/.bin/terser pkg/xmpp_ftw_wasm.js --module --compress --mangle \
  --comments '/@ts-self-types/' -o pkg/xmpp_ftw_wasm.js
# The npm package's version is the crate's.
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
node -e 'const f="pkg/package.json",p=JSON.parse(require("fs").readFileSync(f));p.version=process.argv[1];require("fs").writeFileSync(f,JSON.stringify(p,null,2)+"\n")' "$version"
wasm=$(stat -c %s pkg/xmpp_ftw_wasm_bg.wasm)
gz=$(cat pkg/xmpp_ftw_wasm_bg.wasm pkg/xmpp_ftw_wasm.js | gzip -9 | wc -c)
# Precompressed copies, as a server should send them (README, "Serving the package"): brotli 11
# (scripts/brotli.mjs: the smallest of a few distance settings) and gzip -9 next to each file
# (not in the npm package; the test server sends them).
br=$(node scripts/brotli.mjs pkg/xmpp_ftw_wasm_bg.wasm pkg/xmpp_ftw_wasm.js)
# GNU gzip -9 beats zlib's level 9 on this wasm by 13 KB.
for f in pkg/xmpp_ftw_wasm_bg.wasm pkg/xmpp_ftw_wasm.js; do gzip -9 -n -c "$f" > "$f.gz"; done
echo "build: pkg/xmpp_ftw_wasm_bg.wasm $wasm bytes; wasm + JS glue gzip -9: $gz bytes, brotli 11: $br bytes"
# --named (the benches): the same wasm with its function names and no wasm-opt, for CPU
# profiles; it is loaded with the package's glue, so it takes the package's import names.
if [[ ${1:-} == --named ]]; then
  wasm-bindgen --target web --keep-debug --out-dir bench/dist/named target/wasm32-unknown-unknown/release/xmpp_ftw_wasm.wasm
  node scripts/pack-wasm.mjs --rename-imports target/pack-wasm-imports.json bench/dist/named/xmpp_ftw_wasm_bg.wasm
fi
