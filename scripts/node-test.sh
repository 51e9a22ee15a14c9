#!/usr/bin/env bash
# The npm package under Node.js: `npm pack` pkg/ into a tarball, install it with `ws` into a
# temporary project, and run tests/node with `node --test` against the Prosody at $XMPP_WS_URL:
# the *.test.mjs files on this machine's Node.js (20, with `ws`), then *.node22.mjs on Node.js 22
# (npm's node-linux-<arch> binary, kept in .work/node22) without `ws`.
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
case $(uname -m) in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
node22="$root/.work/node22/node_modules/node-linux-$arch/bin/node"
if [[ ! -x $node22 ]]; then
  mkdir -p "$root/.work/node22"
  (cd "$root/.work/node22" && echo '{"private":true}' > package.json &&
    npm install --no-audit --no-fund --loglevel=error "node-linux-$arch@22")
fi
cp "$root"/tests/node/*.node22.mjs .
"$node22" --test --test-reporter=tap *.node22.mjs
