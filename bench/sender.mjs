// A bare XMPP sender for the benchmark's "through Prosody" flood: logs in over RFC 7395 with
// PLAIN (loopback) and sends `count` chat messages to `to` as fast as the socket takes them.
// Usage (from run.mjs): send({url, jid, password, to, count}) -> Promise<void>
import { WebSocket } from 'ws';

export function send({ url, jid, password, to, count, prefix = 'via prosody ' }) {
  const [user, domain] = jid.split('@');
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'xmpp');
    let stage = 'open';
    const open = `<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="${domain}" version="1.0"/>`;
    ws.on('open', () => ws.send(open));
    ws.on('error', reject);
    ws.on('message', (d) => {
      const f = d.toString();
      if (f.includes('<mechanisms') && stage === 'open') {
        stage = 'auth';
        ws.send(`<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">${Buffer.from(`\0${user}\0${password}`).toString('base64')}</auth>`);
      } else if (f.startsWith('<success')) {
        stage = 'restart';
        ws.send(open);
      } else if (f.includes('<bind') && stage === 'restart') {
        stage = 'bind';
        ws.send('<iq xmlns="jabber:client" type="set" id="b1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></iq>');
      } else if (f.includes("id='b1'") || f.includes('id="b1"')) {
        stage = 'sending';
        for (let i = 0; i < count; i++) {
          ws.send(`<message xmlns="jabber:client" to="${to}" type="chat" id="p${i}"><body>${(prefix + i + ' ').padEnd(200, 'lorem ipsum ')}</body></message>`);
        }
        // Let the server take it all before closing.
        const check = setInterval(() => {
          if (ws.bufferedAmount === 0) { clearInterval(check); setTimeout(() => { ws.close(); resolve(); }, 200); }
        }, 20);
      } else if (f.includes('<failure')) {
        reject(new Error('sender: authentication failed'));
      }
    });
  });
}
