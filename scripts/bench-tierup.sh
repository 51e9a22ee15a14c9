#!/usr/bin/env bash
# What V8's tier-up costs an incoming flood (bench/tierup.mjs): ./scripts/bench-tierup.sh [rounds]
# builds the release package, starts the scripted server and measures, in fresh headless
# Chromiums, the first and second flood of 20,000 messages on a page under V8's default
# settings and two settings that optimise the wasm sooner. Nothing here is a test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
(cd bench && [[ -d node_modules/esbuild ]] || npm ci --no-audit --no-fund --loglevel=error)
./scripts/build.sh
node -e "import('./bench/build.mjs').then((m) => m.bundleAll())"
port=${BENCH_HTTP_PORT:-8297}
node tests/server.mjs "$port" >/dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT
sleep 0.5
node bench/tierup.mjs "$port" "${1:-5}"
