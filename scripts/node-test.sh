#!/usr/bin/env bash
# The npm package under Node.js: `npm pack` pkg/ into a tarball, install it with `ws` into a
# temporary project, and run tests/node with `node --test` against the Prosody at $XMPP_WS_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$(mktemp -d /tmp/xmpp-ftw-wasm-node.XXXXXX)
tarball=$(cd pkg && npm pack --silent --pack-destination "$out")
ws_version=$(node -p 'require("./node_modules/ws/package.json").version')
cd "$out"
echo '{"name":"node-test","private":true,"type":"module"}' > package.json
npm install --no-save --no-audit --no-fund --loglevel=error "./$tarball" "ws@$ws_version"
cp "$root"/tests/node/*.test.mjs .
node --test --test-reporter=tap *.test.mjs
