// Dev aid: the incoming flood through the npm package under Node.js (V8, no browser, no page),
// to compare two builds of the incoming path with less noise than the browser bench. Needs the
// scripted server: `node tests/server.mjs 8295 &`, then
//   node bench/node-flood.mjs [pkg dir (pkg)] [port (8295)] [messages (20000)] [runs (5)]
// Prints msgs/s of each run (sorted) and their median.
import fs from 'node:fs';
import path from 'node:path';
import ws from 'ws';

const [dir = 'pkg', port = '8295', n = '20000', runs = '5'] = process.argv.slice(2);
const pkg = path.resolve(dir);
const { default: init, XmppSocket } = await import(`${pkg}/xmpp_ftw_wasm.js`);
await init({ module_or_path: fs.readFileSync(`${pkg}/xmpp_ftw_wasm_bg.wasm`) });
const N = Number(n);
const rates = [];
for (let r = 0; r < Number(runs); r++) {
  const s = new XmppSocket({ reconnect: false, WebSocket: ws });
  let count = 0, first = 0, last = 0, done;
  const finished = new Promise((res) => { done = res; });
  s.on('xmpp.chat.message', () => {
    const t = performance.now();
    if (!count) first = t;
    count++;
    last = t;
    if (count === N) done();
  });
  await s.request('xmpp.login', { jid: 'alice@localhost', password: 'pw', websocket: `ws://127.0.0.1:${port}/scripted/flood?count=${N}&delay=300` });
  await finished;
  rates.push(Math.round((count - 1) / ((last - first) / 1000)));
  await s.request('xmpp.logout', {}).catch(() => {});
}
rates.sort((a, b) => a - b);
console.log(`${dir}: msgs/s ${rates.join(', ')}; median ${rates[rates.length >> 1]}`);
process.exit(0);
