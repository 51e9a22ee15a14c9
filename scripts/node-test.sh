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
# A user's TypeScript project against the packed types: strict, target es2022, default libs.
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "strict": true, "noEmit": true, "target": "es2022", "module": "esnext",
  "moduleResolution": "bundler" }, "files": ["check.ts"] }
JSON
cat > check.ts <<'TS'
import init, { XmppSocket } from 'xmpp-ftw-wasm';
await init();
const socket = new XmppSocket({ requestTimeoutMs: 5000 });
const [online] = await socket.request('xmpp.login', { jid: 'a@example.org', password: 'pw' });
console.log(online.jid?.domain);
socket.on('xmpp.chat.message', (m) => console.log(m.from.user, m.content, m.oob?.url));
socket.free();
TS
"$root"/node_modules/.bin/tsc -p . && echo "ok - tsc --strict, target es2022, default libs, against the packed types"
node --test --test-reporter=tap *.test.mjs
