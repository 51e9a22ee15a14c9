#!/usr/bin/env bash
# The core's incoming path in Chromium with no JS between the frames (examples/incoming_wasm.rs):
#   ./scripts/bench-core.sh [name]
# builds the example (release profile, the package's wasm-opt flags) into .work/core-bench/<name>
# (default: current), then measures every build kept in .work/core-bench, alternated, in one
# headless Chromium: µs per message (median of 7 rounds of 20,000 messages). To compare a
# change: run it once as `before`, change the code, run it again. Nothing here is a test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
name=${1:-current}
out=.work/core-bench/$name
cargo build --release --target wasm32-unknown-unknown --example incoming_wasm -q
wasm-bindgen --target web --out-dir "$out" target/wasm32-unknown-unknown/release/examples/incoming_wasm.wasm
source scripts/wasm-opt-flags.sh
node_modules/.bin/wasm-opt "${optimize[@]}" "$out/incoming_wasm_bg.wasm" -o "$out/incoming_wasm_bg.wasm"
port=${BENCH_HTTP_PORT:-8296}
node tests/server.mjs "$port" >/dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT
sleep 0.5
node bench/core.mjs "$port" .work/core-bench/*/
