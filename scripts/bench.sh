#!/usr/bin/env bash
# The benchmark command (README, Benchmarks): builds the release package, starts a throwaway
# Prosody and the scripted server, and runs bench/run.mjs, which prints a markdown table and
# writes bench/results/<date>.md (--name x: <date>-x.md). Options go to run.mjs: --reps N (5) --flood N (20000) --memory N (100000)
# --only lib,lib --logins N (3) --nav yes|no --seed yes|no --profile login|flood|none --upload MB (10; 0: skip)
# --profile-only yes (stop after the CPU profiles; with --reps 0 --seed no, just them).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
(cd bench && [[ -d node_modules/esbuild ]] || npm ci --no-audit --no-fund --loglevel=error)
# the package, and the same wasm with its function names for the CPU profiles (bench/dist/named)
./scripts/build.sh --named
work=$(mktemp -d /tmp/xmpp-ftw-wasm-bench.XXXXXX)
http=${BENCH_PROSODY_HTTP_PORT:-5580}; c2s=${BENCH_PROSODY_C2S_PORT:-5522}; web=${BENCH_HTTP_PORT:-8290}
export XMPP_WS_URL="ws://127.0.0.1:$http/xmpp-websocket" BENCH_HTTP_PORT=$web
./scripts/prosody.sh start "$work/prosody" "$http" "$c2s" >/dev/null
./scripts/prosody.sh adduser "$work/prosody" bencha localhost password
./scripts/prosody.sh adduser "$work/prosody" benchb localhost password
# benchc receives the flood through Prosody from benchd (kept apart from the MAM history above)
./scripts/prosody.sh adduser "$work/prosody" benchc localhost password
./scripts/prosody.sh adduser "$work/prosody" benchd localhost password
node tests/server.mjs "$web" >/dev/null &
server=$!
trap 'kill $server 2>/dev/null; ./scripts/prosody.sh stop "$work/prosody"' EXIT
sleep 0.5
node bench/run.mjs "$@"

# Where the wasm bytes go: the largest functions and data of the release build (names kept).
if ! command -v twiggy >/dev/null 2>&1; then
  echo "bench: cargo install twiggy (for the size breakdown)"
  cargo install twiggy --locked >/dev/null 2>&1 || cargo install twiggy >/dev/null 2>&1 || true
fi
if command -v twiggy >/dev/null 2>&1; then
  echo
  echo "Size breakdown (twiggy top, before wasm-opt; names kept):"
  twiggy top -n 15 bench/dist/named/xmpp_ftw_wasm_bg.wasm | grep -v 'function names'
fi
