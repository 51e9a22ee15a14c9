#!/usr/bin/env bash
# Reading rosters of 100, 1,000 and 5,000 contacts, xmpp-ftw-wasm beside Strophe.js, StanzaJS and
# xmpp.js in one run (bench/roster.mjs), then the demo with 5,000 contacts (bench/demo.mjs; README,
# Benchmarks): builds the package, starts a
# throwaway Prosody and the test server, prints a markdown table and writes
# bench/results/<date>-roster.md. Options go to roster.mjs: --reps N (3) --sizes 100,1000,5000;
# --profile N: CPU profiles of N reads of the largest size instead (no demo run)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
(cd bench && [[ -d node_modules/esbuild ]] || npm ci --no-audit --no-fund --loglevel=error)
# the package, and the same wasm with its function names for the CPU profiles (bench/dist/named)
./scripts/build.sh --named
work=$(mktemp -d /tmp/xmpp-ftw-wasm-bench-roster.XXXXXX)
http=${BENCH_PROSODY_HTTP_PORT:-5592}; c2s=${BENCH_PROSODY_C2S_PORT:-5534}; web=${BENCH_HTTP_PORT:-8292}
./scripts/prosody.sh start "$work/prosody" "$http" "$c2s" >/dev/null
XMPP_WS_URL="ws://127.0.0.1:$http/xmpp-websocket" node tests/server.mjs "$web" >/dev/null &
server=$!
trap 'kill $server 2>/dev/null; ./scripts/prosody.sh stop "$work/prosody"' EXIT
sleep 0.5
XMPP_WS_URL="ws://127.0.0.1:$http/xmpp-websocket" BENCH_HTTP_PORT=$web PROSODY_DIR="$work/prosody" \
  node bench/roster.mjs "$@"
[[ " $* " == *' --profile '* ]] && exit 0
# and the demo with 5,000 contacts, 500 online (appended to the same results file)
XMPP_WS_URL="ws://127.0.0.1:$http/xmpp-websocket" BENCH_HTTP_PORT=$web PROSODY_DIR="$work/prosody" \
  node bench/demo.mjs "$@"
