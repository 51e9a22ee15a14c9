// Direct messaging between two real accounts on Prosody, through the public XmppSocket API.
import { test, expect } from '@playwright/test';

const WS = process.env.XMPP_WS_URL || 'ws://127.0.0.1:5280/xmpp-websocket';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => { throw e; });
  await page.goto('/tests/browser/page.html');
  await page.waitForFunction(() => window.ready === true);
});

test('alice sends to bob live; bob gets the xmpp-ftw payload and answers a receipt', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const alice = await fresh(ws, 'alice'), bob = await fresh(ws, 'bob');
    bob.send('xmpp.presence', {});
    await bob.waitFor('xmpp.presence', (p) => p.from.user === bob.jid.split('@')[0]).catch(() => {});
    const [sent] = await alice.request('xmpp.chat.message', { to: bob.jid, content: 'Lunch?', receipt: true });
    const got = await bob.waitFor('xmpp.chat.message', (m) => m.content === 'Lunch?');
    bob.send('xmpp.chat.receipt', { to: `${got.from.user}@${got.from.domain}/${got.from.resource}`, id: got.id });
    const receipt = await alice.waitFor('xmpp.chat.receipt');
    return { sent, got, receipt, alice: alice.full, bob: bob.jid };
  }, WS);
  expect(r.sent.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const [user, rest] = r.alice.split('@');
  const [domain, resource] = rest.split('/');
  // Prosody's archive stamps a XEP-0359 stanza-id for bob: it becomes `archived`.
  expect(r.got).toEqual({
    from: { domain, user, resource }, content: 'Lunch?', format: 'plain', receipt: true, markable: true, id: r.sent.id,
    archived: [{ by: { domain: 'localhost', user: r.bob.split('@')[0] }, id: expect.any(String) }],
  });
  expect(r.receipt).toEqual({ from: expect.objectContaining({ user: r.bob.split('@')[0], domain: 'localhost' }), id: r.sent.id });
});

test('typing states and a correction travel', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const alice = await fresh(ws, 'alice'), bob = await fresh(ws, 'bob');
    bob.send('xmpp.presence', {});
    await new Promise((res) => setTimeout(res, 100));
    alice.send('xmpp.chat.message', { to: bob.jid, state: 'composing' });
    const typing = await bob.waitFor('xmpp.chat.message', (m) => m.state === 'composing');
    const [first] = await alice.request('xmpp.chat.message', { to: bob.jid, content: 'Teh plan', state: 'active' });
    await bob.waitFor('xmpp.chat.message', (m) => m.id === first.id);
    const [fix] = await alice.request('xmpp.chat.message', { to: bob.jid, content: 'The plan', replace: first.id });
    const corrected = await bob.waitFor('xmpp.chat.message', (m) => m.replace === first.id);
    return { typing, first, fix, corrected };
  }, WS);
  expect(Object.keys(r.typing).sort()).toEqual(['from', 'id', 'state']);
  expect(r.typing.state).toBe('composing');
  expect(r.corrected.content).toBe('The plan');
  expect(r.corrected.id).toBe(r.fix.id);
  expect(r.corrected.replace).toBe(r.first.id);
});

test('a message sent while bob is logged out arrives with delay after his initial presence', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const alice = await fresh(ws, 'alice'), bob = await fresh(ws, 'bob');
    await bob.request('xmpp.logout', {});
    const before = new Date().toISOString();
    const [sent] = await alice.request('xmpp.chat.message', { to: bob.jid, content: 'While you were out' });
    await new Promise((res) => setTimeout(res, 200));
    const again = await resource(ws, bob.jid, 'back');
    await new Promise((res) => setTimeout(res, 200));
    const earlyMessages = again.events.filter(([n]) => n === 'xmpp.chat.message').length;
    again.send('xmpp.presence', {});
    const got = await again.waitFor('xmpp.chat.message', (m) => m.id === sent.id);
    return { got, before, earlyMessages };
  }, WS);
  expect(r.earlyMessages).toBe(0);
  expect(r.got.content).toBe('While you were out');
  expect(r.got.delay.when).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  expect(Date.parse(r.got.delay.when)).toBeGreaterThanOrEqual(Date.parse(r.before) - 2000);
});

test('a second resource of alice gets a carbon "sent" copy', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const alice = await fresh(ws, 'alice'), bob = await fresh(ws, 'bob');
    const phone = track();
    const enabled = carbonsEnabled(phone);
    const [online] = await phone.request('xmpp.login', { jid: alice.jid, password: 'pw', resource: 'phone', websocket: ws });
    await enabled;
    // An available resource (ejabberd copies only to those; Prosody to any that enabled carbons).
    await phone.request('xmpp.presence', {});
    await phone.request('xmpp.roster.get', {}); // a round trip: the presence has been taken
    bob.send('xmpp.presence', {});
    const [sent] = await alice.request('xmpp.chat.message', { to: bob.jid, content: 'from the laptop' });
    const copy = await phone.waitFor('xmpp.chat.message', (m) => m.id === sent.id);
    return { copy, alice: alice.full, bob: bob.jid, phoneJid: online.jid };
  }, WS);
  const [user, rest] = r.alice.split('@');
  expect(r.copy.carbon).toBe('sent');
  expect(r.copy.from).toEqual({ domain: 'localhost', user, resource: rest.split('/')[1] });
  expect(r.copy.to).toEqual({ domain: 'localhost', user: r.bob.split('@')[0] });
  expect(r.copy.content).toBe('from the laptop');
});

test('XHTML-IM: an XSS corpus arrives sanitised and nothing executes in the page', async ({ page }) => {
  const corpus = [
    '<p>safe <strong>bold</strong> <em>it</em> <a href="https://example.org/">link</a></p>',
    '<p><script>window.__xss = 1</script>text</p>',
    '<p onclick="window.__xss = 2" onmouseover="window.__xss = 2">hover</p>',
    '<p><a href="javascript:window.__xss = 3">js link</a></p>',
    '<p><a href=" &#x09;javascript:window.__xss = 4">tab js link</a></p>',
    '<p><img src="x" onerror="window.__xss = 5"/></p>',
    '<p><img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"/></p>',
    '<svg xmlns="http://www.w3.org/2000/svg" onload="window.__xss = 6"><script>window.__xss = 6</script></svg>',
    '<p><iframe src="javascript:window.__xss = 7"></iframe></p>',
    '<p><iframe srcdoc="&lt;script&gt;parent.__xss = 8&lt;/script&gt;"></iframe></p>',
    '<p><object data="javascript:window.__xss = 9"></object><embed src="javascript:window.__xss = 9"/></p>',
    '<p style="background:url(javascript:window.__xss=10)">css</p>',
    '<p><style>*{background:url(javascript:window.__xss=11)}</style></p>',
    '<p><form action="javascript:window.__xss=12"><button>go</button></form></p>',
    '<p title="&quot;&gt;&lt;img src=x onerror=window.__xss=13&gt;">attr breakout</p>',
    '<p>&lt;img src=x onerror=window.__xss=14&gt;</p>',
    '<p><details open="" ontoggle="window.__xss=15">d</details></p>',
    '<p><math><mtext><img src="x" onerror="window.__xss=16"/></mtext></math></p>',
    '<p><noscript><img src="x" onerror="window.__xss=17"/></noscript></p>',
    '<p><meta http-equiv="refresh" content="0;url=javascript:window.__xss=18"/></p>',
  ];
  const r = await page.evaluate(async ({ ws, corpus }) => {
    window.__xss = 0;
    const alice = await fresh(ws, 'alice'), bob = await fresh(ws, 'bob');
    bob.send('xmpp.presence', {});
    await new Promise((res) => setTimeout(res, 100));
    const ids = [];
    for (const content of corpus) {
      const [sent] = await alice.request('xmpp.chat.message', { to: bob.jid, content, format: 'xhtml' });
      ids.push(sent.id);
    }
    const got = [];
    for (const id of ids) got.push(await bob.waitFor('xmpp.chat.message', (m) => m.id === id));
    const box = document.createElement('div');
    document.body.append(box);
    for (const m of got) {
      const div = document.createElement('div');
      div.innerHTML = m.content;   // what a chat app does with format "xhtml"
      box.append(div);
    }
    for (const el of box.querySelectorAll('*')) {
      // Click everything but the one legitimate https link (following it would leave the page).
      if (!el.closest('a[href^="https:"]')) el.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      el.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    }
    await new Promise((res) => setTimeout(res, 300));
    const all = [...box.querySelectorAll(':scope > div *')]; // what the messages made, not the wrappers
    return {
      xss: window.__xss,
      formats: got.map((m) => m.format),
      tags: [...new Set(all.map((e) => e.tagName.toLowerCase()))].sort(),
      handlers: all.flatMap((e) => [...e.attributes].map((a) => a.name)).filter((n) => n.startsWith('on')),
      hrefs: all.map((e) => e.getAttribute('href') || e.getAttribute('src')).filter(Boolean),
      first: got[0].content,
    };
  }, { ws: WS, corpus });
  expect(r.xss).toBe(0);
  expect(r.formats.every((f) => f === 'xhtml')).toBe(true);
  expect(r.handlers).toEqual([]);
  for (const t of r.tags) expect(['a', 'br', 'em', 'img', 'p', 'strong']).toContain(t);
  for (const h of r.hrefs) expect(h).toMatch(/^https?:/);
  expect(r.first).toBe('<p>safe <strong>bold</strong> <em>it</em> <a href="https://example.org/">link</a></p>');
});

test('bad chat payloads from JS get client errors, never exceptions', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const alice = await fresh(ws, 'alice');
    const cb = (payload) => new Promise((res) => alice.send('xmpp.chat.message', payload, (e, d) => res(e ? e.description : d)));
    const out = [];
    for (const p of [{}, { to: 'x@localhost' }, { to: 7, content: 'x' }, { to: 'x@localhost', content: {} },
      { to: 'x@localhost', state: 'dancing' }, { to: 'x@localhost', content: '<b>unclosed', format: 'xhtml' },
      { to: 'x@localhost', replace: 'id1' }, null, 'str', [1, 2], { to: 'x@localhost', content: 'x'.repeat(100) + '\u0000' }]) {
      out.push(await cb(p));
    }
    const receipt = await new Promise((res) => alice.send('xmpp.chat.receipt', { to: 'x@localhost', id: 5 }, (e) => res(e.description)));
    return { out, receipt };
  }, WS);
  expect(r.out.slice(0, 10)).toEqual(["Missing 'to' key", 'Message content or chat state not provided', "Invalid 'to' key",
    "Invalid 'content' key", "Invalid 'state' value", 'Can not parse XHTML message', "Missing 'content' key",
    "Missing 'to' key", 'Payload must be an object', 'Payload must be an object']);
  expect(r.out[10].id).toMatch(/-/); // a control character is dropped, the message is sent
  expect(r.receipt).toBe("Invalid 'id' key");
});

test('a JID written upper-case and in fullwidth forms is the same account (RFC 7622 stringprep)', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const alice = await fresh(ws, 'alice'), bob = await fresh(ws, 'bob');
    bob.send('xmpp.presence', {});
    // A round trip on bob's stream: the server has taken his presence before alice writes
    // (without it the message raced the presence on ejabberd once).
    await bob.request('xmpp.roster.get', {});
    // NFKC folds fullwidth letters and digits back to ASCII; nodeprep case-folds the localpart.
    const fullwidth = (s) => [...s].map((c) => (/[a-z0-9]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xFEE0) : c)).join('');
    const odd = (bare) => { const [u, d] = bare.split('@'); return `${fullwidth(u.toUpperCase())}@${d.toUpperCase()}`; };
    const [sent] = await alice.request('xmpp.chat.message', { to: odd(bob.jid), content: 'hi', receipt: true });
    const got = await bob.waitFor('xmpp.chat.message', (m) => m.id === sent.id);
    const resource = alice.full.split('/')[1];
    bob.send('xmpp.chat.receipt', { to: `${odd(alice.jid)}/${resource}`, id: got.id });
    const receipt = await alice.waitFor('xmpp.chat.receipt', (x) => x.id === sent.id);
    const queryId = 'odd';
    const mark = alice.events.length;
    const [fin] = await alice.request('xmpp.mam.query', { with: odd(bob.jid), queryId });
    const history = alice.events.slice(mark).filter(([n, d]) => n === 'xmpp.mam.message' && d.mam.queryId === queryId).map(([, d]) => d.content);
    // JIDs the SDK must refuse, with the browser's Unicode doing the work (patches/README.md):
    // RFC 5893's bidi rule (a right-to-left label starting with a digit), a fullwidth `％`
    // that maps to a percent sign; and a domain in fullwidth letters, which UTS #46 maps to ASCII.
    const refused = [];
    for (const to of ['x@1\u05e9\u05dc\u05d5\u05dd.example', 'x@a\uff0541.example', 'x@\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54']) {
      refused.push(await new Promise((res) => alice.send('xmpp.chat.message', { to, content: 'x' }, (e, d) => res(e ? e.description : `sent to ${to}`))));
    }
    return { got, receipt, fin, history, refused, bob: bob.jid, alice: alice.jid, odd: odd(bob.jid) };
  }, WS);
  expect(r.refused.slice(0, 2)).toEqual(["Invalid 'to' key", "Invalid 'to' key"]);
  expect(r.refused[2]).toMatch(/^sent to/);
  expect(r.odd).not.toBe(r.bob);
  expect(r.got.content).toBe('hi');
  expect(`${r.got.from.user}@${r.got.from.domain}`).toBe(r.alice);
  expect(`${r.receipt.from.user}@${r.receipt.from.domain}`).toBe(r.bob);
  expect(r.fin.complete).toBe(true);
  expect(r.history).toEqual(['hi']);
});

test('texts arrive exactly as sent: short and long, ASCII and not (the glue reads short ASCII texts itself, and writes long ones into the wasm with encodeInto first)', async ({ page }) => {
  const texts = ['a', 'hi', 'héllo', 'Ünïcödé ✓', '😀', '日本語', 'x'.repeat(23), 'y'.repeat(24), 'z'.repeat(25),
    `${'w'.repeat(23)}é`, `é${'v'.repeat(23)}`, 'tab\there', 'line\nbreak', '<&>"\'', 'u'.repeat(300),
    's'.repeat(64), 't'.repeat(65), `${'a'.repeat(70)}é`, `é${'b'.repeat(70)}`, 'ü'.repeat(100), '😀'.repeat(40)];
  const r = await page.evaluate(async ({ ws, texts }) => {
    const alice = await fresh(ws, 'alice'), bob = await fresh(ws, 'bob');
    const phone = await resource(ws, alice.jid, 'téléphone');
    bob.send('xmpp.presence', {});
    await new Promise((res) => setTimeout(res, 100));
    for (const content of texts) phone.send('xmpp.chat.message', { to: bob.jid, content });
    const got = [];
    for (const content of texts) got.push(await bob.waitFor('xmpp.chat.message', (m) => m.content === content));
    return got.map((m) => [m.content, m.from.resource]);
  }, { ws: WS, texts });
  expect(r.map(([c]) => c)).toEqual(texts);
  expect(new Set(r.map(([, res]) => res))).toEqual(new Set(['téléphone']));
});
