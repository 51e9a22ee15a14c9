// The package's entry under Node.js: `init()` reads the .wasm from the package directory
// (Node's fetch cannot read file: URLs); everything else is the browser build's.
// Node 22 has a global WebSocket; on Node 20 pass one: new XmppSocket({ WebSocket }) from `ws`.
import { readFile } from 'node:fs/promises';
import init from './xmpp_ftw_wasm.js';

export * from './xmpp_ftw_wasm.js';

export default async function initNode(input) {
  if (input !== undefined) return init(input);
  const bytes = await readFile(new URL('./xmpp_ftw_wasm_bg.wasm', import.meta.url));
  return init({ module_or_path: bytes });
}
