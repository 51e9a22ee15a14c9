// Dev aid: the frames of one login with their times, in the bench page (our lib or another).
import { launch } from './cdp.mjs';
const lib = process.argv[2] || 'xmpp-ftw-wasm';
const jid = process.argv[3] || 'alice@localhost';
const b = await launch();
for (let i = 0; i < Number(process.env.N || 3); i++) {
  await b.navigate(`http://127.0.0.1:8290/bench/page.html?lib=${lib}`);
  for (let k = 0; k < 100 && !(await b.evaluate('window.ready === true')); k++) await new Promise((r) => setTimeout(r, 20));
  const out = await b.evaluate(`(async () => {
    const log = []; const t0 = performance.now();
    const W = WebSocket;
    window.WebSocket = class extends W {
      constructor(u, p) { super(u, p); log.push([performance.now() - t0, 'new']); this.addEventListener('open', () => log.push([performance.now() - t0, 'open'])); this.addEventListener('message', (e) => log.push([performance.now() - t0, 'S ' + String(e.data).slice(0, 60)])); }
      send(d) { log.push([performance.now() - t0, 'C ' + String(d).slice(0, 60)]); super.send(d); }
    };
    const r = await login('ws://127.0.0.1:5580/xmpp-websocket', '${jid}', 'password');
    log.push([performance.now() - t0, 'online ' + r.ms.toFixed(1)]);
    window.WebSocket = W;
    return log.map(([t, s]) => t.toFixed(2) + ' ' + s).join('\\n');
  })()`);
  console.log(out, '\n');
}
await b.close();
