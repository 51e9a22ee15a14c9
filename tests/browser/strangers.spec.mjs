// What other people can send (docs/decisions.md §13), on the real servers: a client that is not
// ours (slixmpp, tests/peer/send_raw.py) sends the frames that used to lock a user out, and the
// user stays online, receives the message after them, and after logging in again loads the
// history with them in it.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';

const WS = process.env.XMPP_WS_URL || 'ws://127.0.0.1:5280/xmpp-websocket';
const SERVER = process.env.XMPP_SERVER || 'prosody';
const C2S = process.env.XMPP_C2S_PORT || (SERVER === 'ejabberd' ? '5422' : '5322');

const nested = (levels) => `${'<x>'.repeat(levels)}${'</x>'.repeat(levels)}`;
// (1) an xml: attribute Prosody relays under a prefix bound to the XML namespace, (2) a value
// and (3) a name over 8,192 bytes, (4) 70 levels of nesting (skipped), 62 levels (delivered)
const frames = (to) => [
  `<message to='${to}' type='chat' id='p1'><body xml:foo='1'>x</body></message>`,
  `<message to='${to}' type='chat' id='p2'><body>value</body><x xmlns='urn:example:poison' a='${'A'.repeat(9000)}'/></message>`,
  `<message to='${to}' type='chat' id='p3'><body>name</body><${'n'.repeat(9000)} xmlns='urn:example:poison'/></message>`,
  `<message to='${to}' type='chat' id='p4'><body>deep</body><x xmlns='urn:example:poison'>${nested(68)}</x></message>`,
  `<message to='${to}' type='chat' id='p5'><body>62 levels</body><x xmlns='urn:example:poison'>${nested(60)}</x></message>`,
  `<message to='${to}' type='chat' id='after'><body>still here</body></message>`,
];
const DELIVERED = { p1: 'x', p2: 'value', p3: 'name', p5: '62 levels', after: 'still here' };

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => { throw e; });
  await page.goto('/tests/browser/page.html');
  await page.waitForFunction(() => window.ready === true);
});

test(`a stranger's poison messages cost nothing on ${SERVER}: live and in history`, async ({ page }) => {
  const { alice, mallory } = await page.evaluate(async (ws) => {
    const mallory = await register(ws, 'mallory');
    window.alice = await fresh(ws, 'alice');
    window.alice.send('xmpp.presence', {});
    await new Promise((res) => setTimeout(res, 200));
    return { alice: window.alice.jid, mallory };
  }, WS);

  const sent = spawnSync('python3', ['tests/peer/send_raw.py', mallory, 'pw', '127.0.0.1', C2S], {
    input: frames(alice).join('\n'), encoding: 'utf8', timeout: 45_000,
  });
  expect(sent.status, `${sent.stdout}\n${sent.stderr}`).toBe(0);

  const live = await page.evaluate(async () => {
    const a = window.alice;
    await a.waitFor('xmpp.chat.message', (m) => m.id === 'after', 15000);
    const messages = a.events.filter(([n]) => n === 'xmpp.chat.message').map(([, m]) => [m.id, m.content]);
    const trouble = a.events.filter(([n, d]) => n === 'xmpp.error' || (n === 'xmpp.connection' && d.status !== 'online'));
    const online = a.events.filter(([n]) => n === 'xmpp.connection').length;
    return { messages, trouble, online };
  });
  expect(live.trouble).toEqual([]);
  expect(live.online).toBe(1);
  expect(Object.fromEntries(live.messages)).toEqual(DELIVERED);

  // logging in again: history (and the SDK's own catch-up) replays the same messages
  const history = await page.evaluate(async ({ ws, mallory }) => {
    const jid = window.alice.jid;
    await window.alice.request('xmpp.logout', {});
    const a = track();
    await a.request('xmpp.login', { jid, password: 'pw', websocket: ws });
    a.send('xmpp.presence', {});
    const [data] = await a.request('xmpp.mam.query', { with: mallory, rsm: { max: 50 } });
    const archived = a.events.filter(([n]) => n === 'xmpp.mam.message').map(([, m]) => [m.id, m.content]);
    // still online: a second query answers
    const [again] = await a.request('xmpp.mam.query', { with: mallory, rsm: { max: 1 } });
    const trouble = a.events.filter(([n, d]) => n === 'xmpp.error' || (n === 'xmpp.connection' && d.status !== 'online'));
    return { data, again, archived, trouble };
  }, { ws: WS, mallory });
  expect(history.trouble).toEqual([]);
  expect(history.data.complete).toBe(true);
  expect(history.again).toBeDefined();
  expect(Object.fromEntries(history.archived)).toEqual(DELIVERED);
});
