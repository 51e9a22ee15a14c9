#!/usr/bin/env bash
# The sending window measured on Prosody and ejabberd side by side (bench/window.mjs; README,
# Benchmarks): builds the package, starts a throwaway Prosody and ejabberd and the test server,
# prints a markdown table and writes bench/results/<date>-window.md. Options go to window.mjs:
# --reps N (3) --windows 8,16,32,64,128,1024
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
work=$(mktemp -d /tmp/xmpp-ftw-wasm-bench-window.XXXXXX)
ejd=$(mktemp -d /tmp/xmpp-ftw-wasm-ejabberd.XXXXXX)
web=${BENCH_HTTP_PORT:-8291}
./scripts/prosody.sh start "$work/prosody" 5590 5532 >/dev/null
./scripts/ejabberd.sh start "$ejd" 5690 5632 >/dev/null
XMPP_WS_URL="ws://127.0.0.1:5590/xmpp-websocket" node tests/server.mjs "$web" >/dev/null &
server=$!
trap 'kill $server 2>/dev/null; ./scripts/prosody.sh stop "$work/prosody"; ./scripts/ejabberd.sh stop "$ejd"' EXIT
sleep 0.5
BENCH_HTTP_PORT=$web BENCH_SERVERS="prosody=ws://127.0.0.1:5590/xmpp-websocket,ejabberd=ws://127.0.0.1:5690/xmpp-websocket" \
  node bench/window.mjs "$@"
