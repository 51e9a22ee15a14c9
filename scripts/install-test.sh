#!/usr/bin/env bash
# The README's install section, run as written from a fresh directory: a clone of this repository
# beside a new app `my-app`; the block under "<!-- install: ..." is run in the clone, then the app
# imports the installed package under Node.js.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d /tmp/xmpp-ftw-wasm-install.XXXXXX)
trap 'rm -rf "$work"' EXIT
git clone -q "$root" "$work/xmpp-ftw-wasm"
# the clone builds with this checkout's npm packages and cargo cache (nothing is downloaded twice)
ln -s "$root/node_modules" "$work/xmpp-ftw-wasm/node_modules"
ln -s "$root/target" "$work/xmpp-ftw-wasm/target"
mkdir "$work/my-app"
echo '{"name":"my-app","private":true,"type":"module"}' > "$work/my-app/package.json"
block=$(awk '/<!-- install:/{f=1;next} f&&/^```sh/{g=1;next} g&&/^```/{exit} g{print}' README.md)
[[ -n "$block" ]] || { echo "install-test: no install block in README.md" >&2; exit 1; }
echo "install-test: running the README's block:"; echo "$block" | sed 's/^/  /'
(cd "$work/xmpp-ftw-wasm" && bash -euo pipefail -c "$block")
cd "$work/my-app"
node -e "import('xmpp-ftw-wasm').then(async (m) => { await m.default(); const s = new m.XmppSocket(); s.free(); console.log('ok - the installed package loads and makes a socket'); })"
