#!/usr/bin/env bash
# The npm package as a frontend developer gets it: `npm pack` pkg/ into a tarball, install it
# into a copy of the Vite fixture (tests/vite-app, its lockfile pins Vite), and `vite build`.
# The result is .work/vite-app/dist, opened by tests/browser/vite.spec.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.work/vite-app
rm -rf "$out"; mkdir -p "$out"
tarball=$(cd pkg && npm pack --silent --pack-destination "../$out")
cp tests/vite-app/{package.json,package-lock.json,vite.config.js,index.html,main.js} "$out/"
cd "$out"
npm ci --no-audit --no-fund --loglevel=error
npm install --no-save --no-audit --no-fund --loglevel=error "./$tarball"
npx vite build --logLevel warn
echo "vite-app: built $out/dist from $tarball ($(stat -c %s "$tarball") bytes)"
