// Bare XMPP sessions for the benchmarks, over RFC 7395 with PLAIN (loopback): `session` logs in
// (with `register`, XEP-0077 first) and resolves with the socket once a resource is bound;
// `send` is the "through Prosody" flood of run.mjs: `count` chat messages to `to` as fast as
// the socket takes them.
import { WebSocket } from 'ws';

export function session({ url, jid, password, register = false }) {
  const [user, domain] = jid.split('@');
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'xmpp');
    let stage = 'open';
    const open = `<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="${domain}" version="1.0"/>`;
    const auth = () => {
      stage = 'auth';
      ws.send(`<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">${Buffer.from(`\0${user}\0${password}`).toString('base64')}</auth>`);
    };
    ws.on('open', () => ws.send(open));
    ws.on('error', reject);
    ws.on('message', (d) => {
      const f = d.toString();
      if (f.includes('<mechanisms') && stage === 'open') {
        if (!register) return auth();
        stage = 'register';
        ws.send(`<iq xmlns="jabber:client" type="set" id="reg"><query xmlns="jabber:iq:register"><username>${user}</username><password>${password}</password></query></iq>`);
      } else if (stage === 'register' && /id=["']reg["']/.test(f)) {
        auth(); // registered, or there already
      } else if (f.startsWith('<success')) {
        stage = 'restart';
        ws.send(open);
      } else if (f.includes('<bind') && stage === 'restart') {
        stage = 'bind';
        ws.send('<iq xmlns="jabber:client" type="set" id="b1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></iq>');
      } else if (stage === 'bind' && /id=["']b1["']/.test(f)) {
        stage = 'online';
        resolve(ws);
      } else if (f.includes('<failure')) {
        reject(new Error(`${jid}: authentication failed`));
      }
    });
  });
}

export async function send({ url, jid, password, to, count, prefix = 'via prosody ' }) {
  const ws = await session({ url, jid, password });
  for (let i = 0; i < count; i++) {
    ws.send(`<message xmlns="jabber:client" to="${to}" type="chat" id="p${i}"><body>${(prefix + i + ' ').padEnd(200, 'lorem ipsum ')}</body></message>`);
  }
  // Let the server take it all before closing.
  await new Promise((resolve) => {
    const check = setInterval(() => {
      if (ws.bufferedAmount === 0) { clearInterval(check); setTimeout(() => { ws.close(); resolve(); }, 200); }
    }, 20);
  });
}
