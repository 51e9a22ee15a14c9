// Bundles each library's minimal app (bench/apps) with esbuild: minified ESM for the browser.
// Node built-ins that a library imports only on Node (xmpp.js's DNS lookup) become empty modules.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { brotli } from '../scripts/brotli.mjs';

export const LIBS = ['raw', 'xmpp-ftw-wasm', 'xmpp.js', 'strophe', 'stanza'];
const here = new URL('.', import.meta.url).pathname;

const emptyNodeBuiltins = {
  name: 'empty-node-builtins',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'empty' }));
    build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export default {};', loader: 'js' }));
  },
};

/** Bundles every app; returns {lib: {raw, gzip, brotli}} counting the .wasm for xmpp-ftw-wasm. */
export async function bundleAll() {
  const sizes = {};
  for (const lib of LIBS) {
    await esbuild.build({
      entryPoints: [`${here}apps/${lib === 'xmpp.js' ? 'xmpp.js.js' : `${lib}.js`}`],
      bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022',
      outfile: `${here}dist/${lib}.js`, logLevel: 'error', define: { global: 'globalThis' },
      plugins: [emptyNodeBuiltins],
    });
    const files = [`${here}dist/${lib}.js`];
    // Precompressed copies for the test server, as for the package (scripts/build.sh).
    const bundle = fs.readFileSync(files[0]);
    fs.writeFileSync(`${files[0]}.gz`, zlib.gzipSync(bundle, { level: 9 }));
    fs.writeFileSync(`${files[0]}.br`, brotli(bundle));
    if (lib === 'xmpp-ftw-wasm') files.push(`${here}../pkg/xmpp_ftw_wasm_bg.wasm`);
    sizes[lib] = {
      raw: files.reduce((n, f) => n + fs.statSync(f).size, 0),
      gzip: files.reduce((n, f) => n + zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length, 0),
      brotli: files.reduce((n, f) => n + brotli(fs.readFileSync(f)).length, 0),
    };
  }
  return sizes;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  console.log(await bundleAll());
}
