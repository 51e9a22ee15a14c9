//! The sans-IO XMPP client core.
//!
//! Commands, WebSocket text frames, socket state changes and time go in; frames to send,
//! one deadline and xmpp-ftw events come out. Nothing here touches the network, a clock, an
//! RNG or JS: the wasm shell (`src/web`) does, and tests drive the core by hand.
//!
//! Driving order, after any `handle_*` call:
//!
//! ```text
//! while let Some(t) = client.poll_transmit() { /* Connect{url} | Discover{url} | Frame(text) | Close */ }
//! let next = client.poll_timeout();           // call handle_timeout(now) when it passes
//! while let Some(ev) = client.poll_event() { /* Emit{name, data} | Reply{request, result} */ }
//! ```
//!
//! Specs: RFC 7395 (framing), RFC 6120 §6 SASL and §7 resource binding, XEP-0077 in-band
//! registration, XEP-0156 endpoint discovery, RFC 6121 presence, XEP-0199 ping and XEP-0030
//! disco#info answers.

pub mod base64;
pub mod carbons;
pub mod dedup;
pub mod framing;
pub mod rng;
pub mod sasl;
pub mod sm;
#[doc(hidden)]
pub mod testing;
pub mod xml;

use std::collections::VecDeque;

use crate::jid::Jid;

use crate::events::{self, chat, login::LoginParams, mam, presence, stanza_error};
use crate::value::Value;
use framing::{NS_FRAMING, NS_STREAMS, NS_STREAM_ERRORS};
use rng::Rng;
use xml::{El, Element};

const NS_CLIENT: &str = "jabber:client";
const NS_SASL: &str = "urn:ietf:params:xml:ns:xmpp-sasl";
const NS_BIND: &str = "urn:ietf:params:xml:ns:xmpp-bind";
const NS_SESSION: &str = "urn:ietf:params:xml:ns:xmpp-session";
const NS_REGISTER_FEATURE: &str = "http://jabber.org/features/iq-register";
const NS_REGISTER: &str = "jabber:iq:register";
const NS_PING: &str = "urn:xmpp:ping";
const NS_DISCO_INFO: &str = "http://jabber.org/protocol/disco#info";

/// Most `see-other-uri` redirects followed for one login (RFC 7395 §3.6.1).
const MAX_REDIRECTS: u8 = 5;

/// XEP-0198: ask for an acknowledgement after this many unacknowledged stanzas...
const ACK_BATCH: usize = 10;
/// ...or this long after the first one.
const ACK_DELAY_MS: u64 = 250;
/// First reconnection delay; it doubles per failed attempt up to `max_reconnect_delay_ms`.
const RECONNECT_BASE_MS: u64 = 1_000;
/// Most commands kept while the session is being (re)established.
const MAX_QUEUED: usize = 10_000;
/// Most requests waiting for an answer at a time.
pub const MAX_PENDING_IQS: usize = 1_000;

/// How long a `<close/>` waits for the server's answer before the socket is closed anyway.
const CLOSE_GRACE_MS: u64 = 2_000;

/// Milliseconds on the shell's monotonic clock (`performance.now()` in the browser).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(pub u64);

impl Instant {
    fn plus(self, ms: u64) -> Instant {
        Instant(self.0.saturating_add(ms))
    }
}

/// Identifies a JS callback or promise; chosen by the shell.
pub type RequestId = u32;

/// What the caller passed as the callback of `send`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callback {
    /// No callback argument.
    None,
    /// A function: errors and results go to it.
    Function(RequestId),
    /// `request()`: a promise that must always settle.
    Promise(RequestId),
    /// A callback argument that is not a function (xmpp-ftw: `Missing callback`).
    NotAFunction,
}

impl Callback {
    fn id(self) -> Option<RequestId> {
        match self {
            Callback::Function(id) | Callback::Promise(id) => Some(id),
            _ => None,
        }
    }
}

/// Settings fixed for the life of a [`Client`].
#[derive(Debug, Clone)]
pub struct Config {
    /// Seed of the id/nonce generator (from a CSPRNG in the browser).
    pub seed: [u8; 32],
    /// How long a request waits for its answer (`api-decisions.md` §3).
    pub request_timeout_ms: u64,
    /// Largest accepted frame in bytes.
    pub max_stanza_bytes: usize,
    /// Replaces the XEP-0156 lookup URL (for tests on loopback).
    pub host_meta_url: Option<String>,
    /// Restore a lost connection (`api-decisions.md` §2); `false`: give up at the first drop.
    pub reconnect: bool,
    /// Upper bound of the reconnection backoff.
    pub max_reconnect_delay_ms: u64,
    /// XEP-0199 keepalive: ping the server after this long without hearing from it.
    pub ping_interval_ms: u64,
    /// A fixed SCRAM client nonce, only for replaying the RFC 5802 / RFC 7677 test vectors.
    #[doc(hidden)]
    pub scram_nonce: Option<String>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            seed: [0; 32],
            request_timeout_ms: 30_000,
            max_stanza_bytes: 1 << 20,
            host_meta_url: None,
            reconnect: true,
            max_reconnect_delay_ms: 30_000,
            ping_interval_ms: 60_000,
            scram_nonce: None,
        }
    }
}

/// Something for the shell to do with the network.
#[derive(Debug, Clone, PartialEq)]
pub enum Transmit {
    /// Open a WebSocket to `url` with subprotocol `xmpp` (RFC 7395 §3.1).
    Connect {
        /// `ws://` or `wss://` URL.
        url: String,
    },
    /// Fetch a XEP-0156 host-meta document and answer with [`Client::handle_discovery`].
    Discover {
        /// `host-meta.json` (JSON, XEP-0156 §3.2) or `host-meta` (XRD) URL.
        url: String,
    },
    /// Send one text message on the open socket.
    Frame(String),
    /// Close the socket.
    Close,
}

/// A socket-level change reported by the shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketEvent {
    /// The WebSocket opened (with the `xmpp` subprotocol).
    Open,
    /// The WebSocket closed or failed to open.
    Closed,
}

/// The answer to a [`Transmit::Discover`].
#[derive(Debug, Clone, PartialEq)]
pub enum Discovery {
    /// The `links` of a JSON host-meta, as `(rel, href)` (the shell parses JSON with the
    /// browser's own parser).
    Links(Vec<(String, String)>),
    /// An XRD host-meta document (XML).
    Xrd(String),
    /// The fetch failed; the text says why.
    Failed(String),
}

/// Something for the application.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Emit `name` with `data` to the `on(name)` handlers.
    Emit {
        /// xmpp-ftw event name.
        name: &'static str,
        /// The payload.
        data: Value,
    },
    /// Settle a callback or promise: `Ok(args)` is `cb(null, ...args)`, `Err(e)` is `cb(e)`.
    Reply {
        /// Which callback.
        request: RequestId,
        /// The outcome.
        result: Result<Vec<Value>, Value>,
    },
}

/// Where the stream negotiation is (RFC 6120 §4.3, §6, §7).
#[allow(clippy::enum_variant_names)] // the style guide names states `Expect*`
enum Step {
    ExpectOpen {
        authed: bool,
    },
    ExpectFeatures {
        authed: bool,
    },
    ExpectRegister {
        id: String,
        mechanisms: Vec<String>,
    },
    ExpectSasl(sasl::Exchange),
    ExpectBind {
        id: String,
    },
    ExpectSession {
        id: String,
    },
    /// XEP-0198 §5: `<resume/>` sent.
    ExpectResume,
}

enum State {
    /// No session: before login, after logout or after giving up.
    Idle,
    /// Waiting for the XEP-0156 lookup.
    Discovering,
    /// Waiting for the socket to open.
    Connecting,
    /// Socket open, stream being negotiated.
    Negotiating(Step),
    /// Bound and ready.
    Online,
    /// `<close/>` sent (logout): waiting for the server's `<close/>` or the socket to close.
    Closing {
        callback: Callback,
        deadline: Instant,
    },
    /// The connection was lost: the next attempt is due at `at` (`None`: when the browser is
    /// back online).
    Waiting { at: Option<Instant> },
}

/// A command accepted while the session was being set up.
struct Queued {
    stanza: String,
    callback: Callback,
    /// What the callback gets once the stanza is sent (`None`: only a promise hears of it).
    reply: Option<Vec<Value>>,
}

/// What a pending IQ is for.
enum IqKind {
    /// Answer goes to a callback as `(null, true)` or the stanza error.
    Ack,
    /// XEP-0030 disco#info of the server: enables carbons when offered.
    ServerDisco,
    /// XEP-0280 enable; nothing to tell the application.
    Quiet,
    /// XEP-0030 disco#info of the account: tells whether MAM is there (`api-decisions.md` §5).
    AccountDisco,
    /// A XEP-0313 query: its `<fin/>` settles the callback.
    MamQuery { query_id: String, echo: Value },
    /// XEP-0313 preferences read back.
    MamPrefsGet,
    /// XEP-0199 keepalive.
    Ping,
}

impl PendingIq {
    /// Sent by the SDK itself: nobody to tell about its fate.
    fn internal(&self) -> bool {
        matches!(
            self.kind,
            IqKind::ServerDisco | IqKind::Quiet | IqKind::AccountDisco | IqKind::Ping
        )
    }
}

struct PendingIq {
    /// The request's `to` (`None`: the account itself).
    to: Option<Jid>,
    callback: Callback,
    kind: IqKind,
    deadline: Instant,
}

/// The XMPP client state machine. See the module docs for the driving order.
pub struct Client {
    cfg: Config,
    rng: Rng,
    state: State,
    login: Option<LoginParams>,
    login_callback: Callback,
    login_deadline: Option<Instant>,
    url: Option<String>,
    bound: Option<Jid>,
    queue: Vec<Queued>,
    /// Pending IQs by id, oldest first (few at a time: a Vec beats a map in code size).
    iqs: Vec<(String, PendingIq)>,
    transmits: VecDeque<Transmit>,
    events: VecDeque<Event>,
    raw: bool,
    session_required: bool,
    discovery_urls: Vec<String>,
    redirects: u8,
    /// The time of the call being handled.
    now: Instant,
    dedup: dedup::Dedup,
    /// Whether the account's archive speaks `urn:xmpp:mam:2` (`None`: not known yet).
    mam_support: Option<bool>,
    /// MAM commands waiting for the session or for the answer to the account disco#info.
    mam_waiting: Vec<(MamCommand, Callback)>,
    /// `queryid`s of this socket's queries in flight: only their results are accepted.
    mam_queries: Vec<String>,
    /// XEP-0198 state of the session (kept across reconnections while resumable).
    sm: Option<sm::Sm>,
    /// The post-authentication features offered XEP-0198.
    sm_offered: bool,
    /// Stanzas of a session that could not be resumed, to send again on the new one.
    resend: Vec<String>,
    /// The session has been online: a drop is reconnected, not a failed login.
    established: bool,
    /// Reconnection attempts since the last time online (the backoff exponent).
    attempt: u32,
    /// What the browser says about the network (`navigator.onLine`).
    network_up: bool,
    /// When a frame last arrived (XEP-0199 keepalive).
    last_rx: Instant,
    /// A keepalive ping is outstanding.
    ping_pending: bool,
    /// When to send the next XEP-0198 `<r/>`.
    ack_request_at: Option<Instant>,
    /// The last broadcast presence the application sent, re-sent on a new session.
    last_presence: Option<String>,
    /// The post-authentication features, kept while a resumption is tried.
    last_features: Option<Element>,
}

/// A XEP-0313 command ready to be sent once MAM support is known.
enum MamCommand {
    Query(mam::Query),
    Prefs(Value),
    PrefsGet,
}

impl Client {
    /// A client with no session.
    pub fn new(cfg: Config) -> Client {
        Client {
            rng: Rng::new(cfg.seed),
            cfg,
            state: State::Idle,
            login: None,
            login_callback: Callback::None,
            login_deadline: None,
            url: None,
            bound: None,
            queue: Vec::new(),
            iqs: Vec::new(),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            raw: false,
            session_required: false,
            discovery_urls: Vec::new(),
            redirects: 0,
            now: Instant(0),
            dedup: dedup::Dedup::default(),
            mam_support: None,
            mam_waiting: Vec::new(),
            mam_queries: Vec::new(),
            sm: None,
            sm_offered: false,
            resend: Vec::new(),
            established: false,
            attempt: 0,
            network_up: true,
            last_rx: Instant(0),
            ping_pending: false,
            ack_request_at: None,
            last_presence: None,
            last_features: None,
        }
    }

    /// Turns `xmpp.raw` events on or off (the shell turns them on while a handler listens).
    pub fn set_raw(&mut self, on: bool) {
        self.raw = on;
    }

    /// The bound full JID while online.
    pub fn bound_jid(&self) -> Option<&Jid> {
        self.bound.as_ref()
    }

    /// How many items the client holds in its queues and tables (for tests that check memory
    /// stays bounded under hostile input).
    #[doc(hidden)]
    pub fn footprint(&self) -> usize {
        self.transmits.len()
            + self.events.len()
            + self.iqs.len()
            + self.queue.len()
            + self.mam_waiting.len()
            + self.mam_queries.len()
            + self.resend.len()
            + self.sm.as_ref().map_or(0, |s| s.unacked.len())
            + self.dedup.len()
    }

    /// Whether the session is online.
    pub fn is_online(&self) -> bool {
        matches!(self.state, State::Online)
    }

    /// Next thing to do with the network.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    /// Next thing for the application.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// The earliest deadline; call [`Client::handle_timeout`] when it has passed.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let mut t = self.login_deadline;
        let mut min = |d: Instant| t = Some(t.map_or(d, |x: Instant| x.min(d)));
        match self.state {
            State::Closing { deadline, .. } => min(deadline),
            State::Waiting { at: Some(at) } => min(at),
            State::Online if !self.ping_pending => {
                min(self.last_rx.plus(self.cfg.ping_interval_ms))
            }
            _ => {}
        }
        if let Some(at) = self.ack_request_at {
            min(at);
        }
        for (_, iq) in &self.iqs {
            min(iq.deadline);
        }
        t
    }

    // ----- output helpers -------------------------------------------------------------

    fn emit(&mut self, name: &'static str, data: Value) {
        self.events.push_back(Event::Emit { name, data });
    }

    fn reply(&mut self, request: RequestId, result: Result<Vec<Value>, Value>) {
        self.events.push_back(Event::Reply { request, result });
    }

    /// Sends a frame; `redacted` replaces it in `xmpp.raw` (SASL data, passwords).
    fn send_frame(&mut self, frame: String, redacted: Option<&str>) {
        if self.raw {
            let shown = redacted.map_or_else(|| frame.clone(), str::to_owned);
            self.emit(events::RAW, obj! {"direction" => "out", "frame" => shown});
        }
        self.transmits.push_back(Transmit::Frame(frame));
    }

    fn send_el(&mut self, el: El) {
        self.send_frame(el.to_string(), None);
    }

    /// Sends a stanza (iq, message, presence): counted and kept until acknowledged when
    /// XEP-0198 is on (§4).
    fn send_stanza(&mut self, frame: String) {
        if let Some(sm) = self.sm.as_mut() {
            sm.sent(frame.clone());
            if sm.unacked.len() > sm::MAX_UNACKED {
                // A server that acknowledges nothing: treat the connection as dead.
                self.send_frame(frame, None);
                return self.connection_lost(None);
            }
            if sm.enabled && !sm.requested && sm.unacked.len() >= ACK_BATCH {
                sm.requested = true;
                self.send_frame(frame, None);
                return self.send_frame(sm::Sm::request_frame(), None);
            }
            if self.ack_request_at.is_none() {
                self.ack_request_at = Some(self.now.plus(ACK_DELAY_MS));
            }
        }
        self.send_frame(frame, None);
    }

    fn send_stanza_el(&mut self, el: El) {
        self.send_stanza(el.to_string());
    }

    /// The callback-else-event rule for errors caused by the caller (`api-decisions.md` §3).
    fn client_error(&mut self, cb: Callback, err: Value) {
        match cb.id() {
            Some(id) => self.reply(id, Err(err)),
            None => self.emit(events::ERROR_CLIENT, err),
        }
    }

    /// The same rule for connection errors (event `xmpp.error`).
    fn connection_error(&mut self, cb: Callback, err: Value) {
        match cb.id() {
            Some(id) => self.reply(id, Err(err)),
            None => self.emit(events::ERROR, err),
        }
    }

    /// Success of a command that has no callback in xmpp-ftw: only a promise hears of it.
    fn handed_over(&mut self, cb: Callback) {
        if let Callback::Promise(id) = cb {
            self.reply(id, Ok(vec![]));
        }
    }

    fn next_id(&mut self) -> String {
        self.rng.uuid()
    }

    // ----- commands -------------------------------------------------------------------

    /// A `send(event, payload, callback)` or `request(event, payload)` from the application.
    pub fn handle_command(&mut self, name: &str, payload: Value, cb: Callback, now: Instant) {
        self.now = self.now.max(now);
        match name {
            events::LOGIN | events::LOGIN_ANONYMOUS => {
                self.handle_login(payload, name == events::LOGIN_ANONYMOUS, cb, now)
            }
            events::LOGOUT => self.handle_logout(cb, now),
            _ => self.handle_session_command(name, payload, cb),
        }
    }

    /// Commands that need a session: validated, then sent, or queued until online.
    fn handle_session_command(&mut self, name: &str, payload: Value, cb: Callback) {
        if cb == Callback::NotAFunction {
            let echo = events::client_error("Missing callback", payload);
            self.emit(events::ERROR_CLIENT, echo);
            return;
        }
        // `undefined`/`null` is an empty payload; any other non-object is refused.
        let payload = match payload {
            Value::Null => Value::obj(),
            p @ Value::Obj(_) => p,
            p => {
                return self.client_error(cb, events::client_error("Payload must be an object", p))
            }
        };
        if matches!(name, mam::QUERY | mam::PREFERENCES | mam::PREFERENCES_GET) {
            return self.handle_mam_command(name, payload, cb);
        }
        // The stanza, and what a callback gets once it is handed over.
        let built: Result<(El, Option<Vec<Value>>), Value> = match name {
            presence::PRESENCE => presence::build(&payload).map(|e| (e, None)),
            presence::OFFLINE => Ok((presence::build_offline(), None)),
            presence::GET => presence::build_directed(&payload, None).map(|e| (e, None)),
            presence::SUBSCRIBE => {
                presence::build_directed(&payload, Some("subscribe")).map(|e| (e, None))
            }
            presence::SUBSCRIBED => {
                presence::build_directed(&payload, Some("subscribed")).map(|e| (e, None))
            }
            presence::UNSUBSCRIBE => {
                presence::build_directed(&payload, Some("unsubscribe")).map(|e| (e, None))
            }
            presence::UNSUBSCRIBED => {
                presence::build_directed(&payload, Some("unsubscribed")).map(|e| (e, None))
            }
            chat::MESSAGE => chat::validate(&payload, cb.id().is_some()).map(|m| {
                // api-decisions §4: every outgoing message has a UUID v4 id, callback or not.
                let id = self.next_id();
                (m.stanza(&id), Some(vec![obj! {"id" => id}]))
            }),
            chat::RECEIPT => {
                let id = self.next_id();
                chat::receipt_stanza(&payload, &id).map(|e| (e, None))
            }
            _ => {
                let err = events::client_error(&format!("Unknown event '{name}'"), payload);
                return self.client_error(cb, err);
            }
        };
        if matches!(self.state, State::Idle | State::Closing { .. }) {
            return self.connection_error(cb, events::not_connected());
        }
        match built {
            Err(e) => self.client_error(cb, e),
            Ok((el, reply)) => {
                let stanza = el.to_string();
                // api-decisions §2: the last broadcast presence is restored on a new session.
                if (name == presence::PRESENCE && payload.get("to").is_none())
                    || name == presence::OFFLINE
                {
                    self.last_presence = Some(stanza.clone());
                }
                let q = Queued {
                    stanza,
                    callback: cb,
                    reply,
                };
                if self.is_online() {
                    self.send_queued(q);
                } else if self.queue.len() >= MAX_QUEUED {
                    let err = obj! {
                        "type" => "wait", "condition" => "resource-constraint",
                        "description" => "Too many commands are waiting for the connection",
                    };
                    self.client_error(q.callback, err);
                } else if self.established {
                    // api-decisions §3: while reconnecting, the callback hears at once.
                    let mut q = q;
                    match (q.reply.take(), q.callback.id()) {
                        (Some(args), Some(id)) => self.reply(id, Ok(args)),
                        _ => self.handed_over(q.callback),
                    }
                    q.callback = Callback::None;
                    self.queue.push(q);
                } else {
                    self.queue.push(q);
                }
            }
        }
    }

    /// Sends a command's stanza and settles its callback.
    fn send_queued(&mut self, q: Queued) {
        self.send_stanza(q.stanza);
        match (q.reply, q.callback.id()) {
            (Some(args), Some(id)) => self.reply(id, Ok(args)),
            _ => self.handed_over(q.callback),
        }
    }

    fn handle_login(&mut self, payload: Value, anonymous: bool, cb: Callback, now: Instant) {
        let params = match events::login::parse(&payload, anonymous) {
            Ok(p) => p,
            Err(e) => {
                // xmpp-ftw: login errors are `xmpp.error` events; a promise also hears of it.
                if let Callback::Promise(id) = cb {
                    self.reply(id, Err(e.clone()));
                }
                return self.emit(events::ERROR, e);
            }
        };
        // Any existing session is ended first (xmpp-ftw logs out before a new login).
        if !matches!(self.state, State::Idle) {
            self.abandon(Some(events::not_connected()));
        }
        self.login = Some(params);
        self.login_callback = match cb {
            Callback::Promise(_) => cb,
            _ => Callback::None,
        };
        self.login_deadline = Some(now.plus(self.cfg.request_timeout_ms));
        self.redirects = 0;
        let (ws, domain) = {
            let p = self.login.as_ref().expect("set just above");
            (p.websocket.clone(), p.jid.domain().to_owned())
        };
        match ws {
            Some(url) => self.connect(url),
            None => {
                // XEP-0156 §3: the JSON document first, then the XRD one.
                self.discovery_urls = match self.cfg.host_meta_url.clone() {
                    Some(url) => vec![url],
                    None => vec![
                        format!("https://{domain}/.well-known/host-meta"),
                        format!("https://{domain}/.well-known/host-meta.json"),
                    ],
                };
                self.state = State::Discovering;
                self.next_discovery();
            }
        }
    }

    /// Asks the shell for the next host-meta URL; `false` when none is left.
    fn next_discovery(&mut self) -> bool {
        match self.discovery_urls.pop() {
            Some(url) => {
                self.transmits.push_back(Transmit::Discover { url });
                true
            }
            None => false,
        }
    }

    fn connect(&mut self, url: String) {
        self.url = Some(url.clone());
        self.state = State::Connecting;
        self.transmits.push_back(Transmit::Connect { url });
    }

    fn handle_logout(&mut self, cb: Callback, now: Instant) {
        match self.state {
            State::Idle | State::Closing { .. } => {
                if cb == Callback::NotAFunction {
                    return self.emit(
                        events::ERROR_CLIENT,
                        events::client_error("Missing callback", Value::obj()),
                    );
                }
                self.connection_error(cb, events::not_connected())
            }
            State::Online | State::Negotiating(_) => {
                self.fail_login_attempt(events::not_connected());
                self.send_frame(framing::close(), None);
                self.state = State::Closing {
                    callback: cb,
                    deadline: now.plus(CLOSE_GRACE_MS),
                };
            }
            State::Discovering | State::Connecting | State::Waiting { .. } => {
                self.fail_login_attempt(events::not_connected());
                self.transmits.push_back(Transmit::Close);
                self.state = State::Idle;
                self.finish_logout(cb);
            }
        }
    }

    fn finish_logout(&mut self, cb: Callback) {
        self.bound = None;
        self.login = None;
        self.forget_session();
        if let Some(id) = cb.id() {
            self.reply(id, Ok(vec![Value::Bool(true)]));
        }
        self.emit(events::CONNECTION, obj! {"status" => "offline"});
    }

    /// Settles everything that waited for this login with `err`: the login promise, the
    /// commands queued before online, and pending IQs.
    fn fail_login_attempt(&mut self, err: Value) {
        self.login_deadline = None;
        if let Callback::Promise(id) = std::mem::replace(&mut self.login_callback, Callback::None) {
            self.reply(id, Err(err));
        }
        for q in std::mem::take(&mut self.queue) {
            self.connection_error(q.callback, events::not_connected());
        }
        for (_, cb) in std::mem::take(&mut self.mam_waiting) {
            self.connection_error(cb, events::not_connected());
        }
        self.mam_queries.clear();
        self.mam_support = None;
        for (_, iq) in std::mem::take(&mut self.iqs) {
            if iq.internal() {
                continue;
            }
            self.connection_error(iq.callback, events::not_connected());
        }
    }

    /// Drops the current connection without telling the server (before a new login).
    fn abandon(&mut self, err: Option<Value>) {
        if let Some(e) = err {
            self.fail_login_attempt(e);
        }
        self.transmits.push_back(Transmit::Close);
        self.state = State::Idle;
        self.bound = None;
    }

    /// Ends the session after a failure: `xmpp.error` once, then `offline` if it was online.
    fn give_up(&mut self, err: Value) {
        let was_online = self.is_online() || self.established;
        self.forget_session();
        self.fail_login_attempt(err.clone());
        self.emit(events::ERROR, err);
        self.transmits.push_back(Transmit::Close);
        self.state = State::Idle;
        self.bound = None;
        self.login = None;
        if was_online {
            self.emit(events::CONNECTION, obj! {"status" => "offline"});
        }
    }

    /// Drops everything that only made sense for this login.
    fn forget_session(&mut self) {
        self.sm = None;
        self.resend.clear();
        self.established = false;
        self.attempt = 0;
        self.ping_pending = false;
        self.ack_request_at = None;
        self.last_presence = None;
        self.last_features = None;
    }

    /// An established session lost its connection: retry with jittered exponential backoff
    /// (`api-decisions.md` §2), keeping the XEP-0198 state for resumption.
    fn connection_lost(&mut self, stream_error: Option<&str>) {
        if !self.established || !self.cfg.reconnect {
            return self.give_up(events::disconnected(stream_error));
        }
        self.transmits.push_back(Transmit::Close);
        if self.is_online() {
            self.emit(events::CONNECTION, obj! {"status" => "reconnecting"});
        }
        self.login_deadline = None;
        self.ping_pending = false;
        self.ack_request_at = None;
        if let Some(sm) = self.sm.as_mut() {
            sm.requested = false;
        }
        let cap = self.cfg.max_reconnect_delay_ms.max(RECONNECT_BASE_MS);
        let delay = RECONNECT_BASE_MS
            .saturating_mul(1u64 << self.attempt.min(20))
            .min(cap);
        let mut r = [0u8; 2];
        self.rng.fill(&mut r);
        let jitter = u64::from(u16::from_le_bytes(r)) * (delay / 2) / u64::from(u16::MAX);
        self.attempt = self.attempt.saturating_add(1);
        let at = self.network_up.then(|| self.now.plus(delay / 2 + jitter));
        self.state = State::Waiting { at };
    }

    /// The browser's `online`/`offline` events: a waiting reconnection goes at once when the
    /// network comes back, and waits while it is down.
    pub fn handle_network(&mut self, up: bool, now: Instant) {
        self.now = self.now.max(now);
        self.network_up = up;
        if let State::Waiting { .. } = self.state {
            self.state = State::Waiting {
                at: up.then_some(self.now),
            };
        }
    }

    /// The page became visible again (a tab that slept): a waiting reconnection goes at once,
    /// and an online session checks with a keepalive ping that its connection still lives.
    pub fn handle_wake(&mut self, now: Instant) {
        self.now = self.now.max(now);
        match self.state {
            State::Waiting { .. } if self.network_up => {
                self.state = State::Waiting { at: Some(self.now) }
            }
            State::Online if !self.ping_pending => self.send_ping(),
            _ => {}
        }
    }

    /// XEP-0199 §4.2: a client-to-server ping finds connections that died silently.
    fn send_ping(&mut self) {
        self.ping_pending = true;
        let domain = self
            .bound
            .as_ref()
            .map(|j| j.domain().to_owned())
            .unwrap_or_default();
        self.internal_get(domain, El::new("ping", NS_PING), IqKind::Ping);
    }

    /// Starts a reconnection attempt to the last endpoint.
    fn reconnect_now(&mut self) {
        let Some(url) = self.url.clone() else {
            return self.give_up(events::disconnected(None));
        };
        self.login_deadline = Some(self.now.plus(self.cfg.request_timeout_ms));
        self.connect(url);
    }

    /// Sends an RFC 6120 §4.9 stream error, closes the stream and gives up.
    fn stream_error(&mut self, condition: &str) {
        self.send_frame(framing::stream_error(condition), None);
        self.send_frame(framing::close(), None);
        self.give_up(events::disconnected(Some(condition)));
    }

    // ----- network input --------------------------------------------------------------

    /// The answer to a [`Transmit::Discover`] (XEP-0156).
    pub fn handle_discovery(&mut self, d: Discovery, now: Instant) {
        self.now = self.now.max(now);
        if !matches!(self.state, State::Discovering) {
            return;
        }
        let url = match &d {
            Discovery::Links(links) => {
                framing::pick_websocket(links.iter().map(|(r, h)| (r.as_str(), h.as_str())))
            }
            Discovery::Xrd(text) => framing::parse_xrd(text),
            Discovery::Failed(_) => None,
        };
        match url {
            Some(url) => self.connect(url),
            None if self.next_discovery() => {}
            None => {
                let why = match d {
                    Discovery::Failed(why) => why,
                    _ => "No XMPP WebSocket endpoint in host-meta".to_owned(),
                };
                self.give_up(obj! {
                    "type" => "connection",
                    "condition" => "discovery-failed",
                    "description" => why,
                });
            }
        }
    }

    /// The socket opened or closed.
    pub fn handle_socket(&mut self, ev: SocketEvent, now: Instant) {
        self.now = self.now.max(now);
        match (ev, &self.state) {
            (SocketEvent::Open, State::Connecting) => {
                let domain = self
                    .login
                    .as_ref()
                    .map(|p| p.jid.domain().to_owned())
                    .unwrap_or_default();
                self.state = State::Negotiating(Step::ExpectOpen { authed: false });
                self.send_frame(framing::open(&domain), None);
            }
            (SocketEvent::Open, _) => {}
            (SocketEvent::Closed, State::Closing { callback, .. }) => {
                let cb = *callback;
                self.state = State::Idle;
                self.finish_logout(cb);
            }
            (SocketEvent::Closed, State::Idle | State::Waiting { .. }) => {}
            (SocketEvent::Closed, _) => self.connection_lost(None),
        }
    }

    /// Passes time: request timeouts, the login deadline, the logout grace period.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.now = self.now.max(now);
        if let State::Closing { callback, deadline } = self.state {
            if deadline <= now {
                self.transmits.push_back(Transmit::Close);
                self.state = State::Idle;
                self.finish_logout(callback);
            }
        }
        if let State::Waiting { at: Some(at) } = self.state {
            if at <= now {
                self.reconnect_now();
            }
        }
        if self.login_deadline.is_some_and(|d| d <= now) && !self.is_online() {
            if self.established {
                self.connection_lost(None); // an attempt that stalls is retried
            } else {
                self.give_up(events::timeout("Login timed out"));
            }
        }
        if self.is_online()
            && !self.ping_pending
            && self.last_rx.plus(self.cfg.ping_interval_ms) <= now
        {
            self.send_ping();
        }
        if self.ack_request_at.is_some_and(|t| t <= now) {
            self.ack_request_at = None;
            if let Some(sm) = self.sm.as_mut() {
                if sm.enabled
                    && !sm.requested
                    && !sm.unacked.is_empty()
                    && matches!(self.state, State::Online)
                {
                    sm.requested = true;
                    self.send_frame(sm::Sm::request_frame(), None);
                }
            }
        }
        let (expired, live) = std::mem::take(&mut self.iqs)
            .into_iter()
            .partition(|(_, iq)| iq.deadline <= now);
        self.iqs = live;
        for (_, iq) in expired {
            if matches!(iq.kind, IqKind::Ping) && self.is_online() {
                // No answer to the keepalive: the connection is dead though the socket is open.
                self.connection_lost(None);
                continue;
            }
            if matches!(iq.kind, IqKind::AccountDisco) {
                // No answer about MAM: treat it as absent rather than leave queries waiting.
                self.mam_support = Some(false);
                self.flush_mam();
            }
            if iq.internal() {
                continue;
            }
            self.connection_error(iq.callback, events::timeout("The request timed out"));
        }
    }

    /// One WebSocket text message.
    pub fn handle_frame(&mut self, text: &str, now: Instant) {
        self.now = self.now.max(now);
        if matches!(
            self.state,
            State::Idle | State::Discovering | State::Connecting | State::Waiting { .. }
        ) {
            return;
        }
        self.last_rx = self.now;
        if self.raw {
            self.emit(
                events::RAW,
                obj! {"direction" => "in", "frame" => framing::redact_incoming(text)},
            );
        }
        let el = match xml::parse_frame(text, self.cfg.max_stanza_bytes) {
            Ok(el) => el,
            Err(e) => return self.stream_error(e.condition()),
        };
        let ns = el.ns();
        if ns == NS_FRAMING {
            return match el.name() {
                "open" => self.handle_open(&el),
                "close" => self.handle_close(el.attr("see-other-uri")),
                _ => self.stream_error("unsupported-stanza-type"),
            };
        }
        if ns == NS_STREAMS && el.name() == "error" {
            return self.handle_stream_error(&el);
        }
        if matches!(self.state, State::Closing { .. }) {
            return;
        }
        let State::Negotiating(_) = self.state else {
            if ns == sm::NS_SM {
                return self.handle_sm(&el);
            }
            if let Some(sm) = self.sm.as_mut() {
                if ns == NS_CLIENT {
                    sm.received();
                }
            }
            return self.handle_stanza(&el);
        };
        self.handle_negotiation(&el);
    }

    fn handle_open(&mut self, el: &Element) {
        if let State::Negotiating(Step::ExpectOpen { authed }) = self.state {
            if el.attr("version") != Some("1.0") {
                return self.stream_error("unsupported-version");
            }
            self.state = State::Negotiating(Step::ExpectFeatures { authed });
        } else if !matches!(self.state, State::Closing { .. }) {
            self.stream_error("invalid-xml");
        }
    }

    /// The server's `<close/>` (RFC 7395 §3.6). With `see-other-uri` (§3.6.1) the client
    /// reconnects there and negotiates again, unless that would leave TLS or loop.
    fn handle_close(&mut self, see_other_uri: Option<&str>) {
        if let State::Closing { callback, .. } = self.state {
            self.transmits.push_back(Transmit::Close);
            self.state = State::Idle;
            return self.finish_logout(callback);
        }
        let was_tls = self.url.as_deref().is_some_and(|u| u.starts_with("wss://"));
        let target = see_other_uri
            .filter(|u| u.starts_with("wss://") || (!was_tls && u.starts_with("ws://")));
        match target {
            Some(url) if self.redirects < MAX_REDIRECTS => {
                self.redirects += 1;
                let was_online = self.is_online();
                self.transmits.push_back(Transmit::Close);
                self.bound = None;
                if was_online {
                    self.emit(events::CONNECTION, obj! {"status" => "reconnecting"});
                }
                self.connect(url.to_owned());
            }
            _ => {
                self.send_frame(framing::close(), None);
                self.connection_lost(None);
            }
        }
    }

    fn handle_stream_error(&mut self, el: &Element) {
        let condition = el
            .children()
            .find(|c| c.ns() == NS_STREAM_ERRORS && c.name() != "text")
            .map(|c| c.name().to_owned())
            .unwrap_or_else(|| "undefined-condition".to_owned());
        if let State::Closing { callback, .. } = self.state {
            self.transmits.push_back(Transmit::Close);
            self.state = State::Idle;
            return self.finish_logout(callback);
        }
        self.send_frame(framing::close(), None);
        // api-decisions §2: these are retried; every other condition is terminal. The client
        // only sends XML it generated, so a `not-well-formed` from the server means bytes damaged
        // in transit: seen against Prosody when a connection is cut in the middle of a frame and
        // the dying connection's parser error reaches the resumed session. A new connection is
        // the remedy.
        let retry = matches!(
            condition.as_str(),
            "system-shutdown"
                | "connection-timeout"
                | "reset"
                | "internal-server-error"
                | "see-other-host"
                | "not-well-formed"
        );
        if retry {
            self.connection_lost(Some(&condition));
        } else {
            self.give_up(events::disconnected(Some(&condition)));
        }
    }

    fn handle_negotiation(&mut self, el: &Element) {
        let State::Negotiating(step) = std::mem::replace(&mut self.state, State::Idle) else {
            return;
        };
        match step {
            Step::ExpectOpen { authed } => {
                // A stanza before the stream header.
                self.state = State::Negotiating(Step::ExpectOpen { authed });
                self.stream_error("invalid-xml")
            }
            Step::ExpectFeatures { authed } => {
                if !(el.name() == "features" && el.ns() == NS_STREAMS) {
                    self.state = State::Negotiating(Step::ExpectFeatures { authed });
                    return self.stream_error("invalid-xml");
                }
                if !authed {
                    return self.start_auth(el);
                }
                self.sm_offered = el.has_child("sm", sm::NS_SM);
                self.last_features = Some(el.clone());
                let resume = self.sm.as_ref().and_then(sm::Sm::resume_frame);
                match resume {
                    Some(frame) if self.sm_offered => {
                        self.send_frame(frame, None);
                        self.state = State::Negotiating(Step::ExpectResume);
                    }
                    _ => self.start_bind(el),
                }
            }
            Step::ExpectRegister { id, mechanisms } => {
                if el.name() != "iq" || el.attr("id") != Some(id.as_str()) {
                    self.state = State::Negotiating(Step::ExpectRegister { id, mechanisms });
                    return;
                }
                if el.attr("type") == Some("result") {
                    self.start_sasl(&mechanisms)
                } else {
                    self.send_frame(framing::close(), None);
                    self.give_up(events::registration_fail());
                }
            }
            Step::ExpectSasl(exchange) => self.handle_sasl(el, exchange),
            Step::ExpectBind { id } => {
                if el.name() != "iq" || el.attr("id") != Some(id.as_str()) {
                    self.state = State::Negotiating(Step::ExpectBind { id });
                    return;
                }
                let jid = el
                    .get_child("bind", NS_BIND)
                    .and_then(|b| b.get_child("jid", NS_BIND))
                    .and_then(|j| Jid::new(&j.text()).ok().filter(|j| !j.is_bare()));
                match (el.attr("type"), jid) {
                    (Some("result"), Some(jid)) => {
                        self.bound = Some(jid);
                        // RFC 3921 session establishment, only where a server still requires it.
                        if self.session_required {
                            let id = self.next_id();
                            self.send_el(
                                El::new("iq", NS_CLIENT)
                                    .attr("type", "set")
                                    .attr("id", id.clone())
                                    .child(El::new("session", NS_SESSION)),
                            );
                            self.state = State::Negotiating(Step::ExpectSession { id });
                        } else {
                            self.go_online();
                        }
                    }
                    _ => {
                        let mut err = stanza_error::parse(el);
                        err.set("description", "Resource binding failed");
                        self.send_frame(framing::close(), None);
                        self.give_up(err);
                    }
                }
            }
            Step::ExpectResume => self.handle_resume_answer(el),
            Step::ExpectSession { id } => {
                if el.name() != "iq" || el.attr("id") != Some(id.as_str()) {
                    self.state = State::Negotiating(Step::ExpectSession { id });
                    return;
                }
                self.go_online();
            }
        }
    }
}

/// Negotiation steps and stanza handling.
impl Client {
    /// Pre-authentication features: XEP-0077 registration when asked, then SASL.
    fn start_auth(&mut self, features: &Element) {
        let mechanisms: Vec<String> = features
            .get_child("mechanisms", NS_SASL)
            .map(|m| {
                m.children()
                    .filter(|c| c.name() == "mechanism")
                    .map(|c| c.text())
                    .collect()
            })
            .unwrap_or_default();
        let Some(p) = self.login.as_ref() else {
            return self.stream_error("internal-server-error");
        };
        if p.register {
            if !features.has_child("register", NS_REGISTER_FEATURE) {
                self.send_frame(framing::close(), None);
                return self.give_up(events::registration_fail());
            }
            // XEP-0077 §3.1: the server accepts a set with username and password directly.
            let (user, password) = (p.user(), p.password.clone());
            let id = self.next_id();
            let iq = |pw: &str| {
                El::new("iq", NS_CLIENT)
                    .attr("type", "set")
                    .attr("id", id.as_str())
                    .child(
                        El::new("query", NS_REGISTER)
                            .child(El::leaf("username", user.as_str()))
                            .child(El::leaf("password", pw)),
                    )
            };
            let (iq, redacted) = (iq(&password), iq("[redacted]"));
            self.send_frame(iq.to_string(), Some(&redacted.to_string()));
            self.state = State::Negotiating(Step::ExpectRegister { id, mechanisms });
            return;
        }
        self.start_sasl(&mechanisms)
    }

    /// RFC 6120 §6.4.2: choose a mechanism and send `<auth/>` with the initial response.
    fn start_sasl(&mut self, mechanisms: &[String]) {
        let Some(p) = self.login.as_ref() else {
            return self.stream_error("internal-server-error");
        };
        let plain_ok = self
            .url
            .as_deref()
            .is_some_and(events::login::plain_allowed);
        let mech = match sasl::choose(mechanisms, p.anonymous, plain_ok) {
            Ok(m) => m,
            Err(e) => {
                let err = match e {
                    sasl::ChoiceError::InsecurePlain => obj! {
                        "type" => "auth", "condition" => "insecure-transport",
                        "description" => "The server offers only PLAIN, which is refused over ws:// to a non-loopback host",
                    },
                    sasl::ChoiceError::NoMechanism => events::login_fail(),
                };
                self.send_frame(framing::close(), None);
                return self.give_up(err);
            }
        };
        let (user, password) = (p.user(), p.password.clone());
        let nonce = match &self.cfg.scram_nonce {
            Some(n) => n.clone(),
            None => self.rng.nonce(),
        };
        let (initial, exchange) = sasl::start(mech, &user, &password, nonce);
        // RFC 6120 §6.4.2: an empty initial response is sent as "=".
        let data = if initial.is_empty() {
            "=".to_owned()
        } else {
            base64::encode(&initial)
        };
        let auth = El::new("auth", NS_SASL).attr("mechanism", mech.name());
        let frame = auth.clone().text(data).to_string();
        self.send_frame(frame, Some(&auth.text("[redacted]").to_string()));
        self.state = State::Negotiating(Step::ExpectSasl(exchange));
    }

    fn handle_sasl(&mut self, el: &Element, mut exchange: sasl::Exchange) {
        if el.ns() != NS_SASL {
            self.state = State::Negotiating(Step::ExpectSasl(exchange));
            return self.stream_error("invalid-xml");
        }
        let data = el.text();
        let decoded = if data.trim() == "=" {
            Some(Vec::new())
        } else {
            base64::decode(data.trim())
        };
        match el.name() {
            "challenge" => {
                let reply = match (&mut exchange, decoded) {
                    (sasl::Exchange::Scram(s), Some(d)) => s.client_final(&d).ok(),
                    _ => None,
                };
                match reply {
                    Some(r) => {
                        let resp = El::new("response", NS_SASL);
                        let frame = resp.clone().text(base64::encode(r.as_bytes())).to_string();
                        self.send_frame(frame, Some(&resp.text("[redacted]").to_string()));
                        self.state = State::Negotiating(Step::ExpectSasl(exchange));
                    }
                    None => {
                        // RFC 6120 §6.4.4: abort, then end the attempt.
                        self.send_el(El::new("abort", NS_SASL));
                        self.send_frame(framing::close(), None);
                        self.give_up(events::login_fail());
                    }
                }
            }
            "success" => {
                let verified = match (&exchange, decoded) {
                    (sasl::Exchange::Scram(s), Some(d)) => s.verify(&d).is_ok(),
                    (sasl::Exchange::Simple, _) => true,
                    _ => false,
                };
                if !verified {
                    // The server could not prove it knows the password (RFC 5802 §9).
                    self.send_frame(framing::close(), None);
                    return self.give_up(events::login_fail());
                }
                // RFC 6120 §6.4.6: restart the stream.
                let domain = self
                    .login
                    .as_ref()
                    .map(|p| p.jid.domain().to_owned())
                    .unwrap_or_default();
                self.send_frame(framing::open(&domain), None);
                self.state = State::Negotiating(Step::ExpectOpen { authed: true });
            }
            "failure" => {
                self.send_frame(framing::close(), None);
                self.give_up(events::login_fail());
            }
            _ => {
                self.state = State::Negotiating(Step::ExpectSasl(exchange));
                self.stream_error("invalid-xml");
            }
        }
    }

    /// RFC 6120 §7: bind the requested resource (or let the server choose).
    fn start_bind(&mut self, features: &Element) {
        if !features.has_child("bind", NS_BIND) {
            return self.stream_error("unsupported-feature");
        }
        // A new session: what the old one never had acknowledged is sent again once online.
        if let Some(old) = self.sm.take() {
            self.resend.extend(old.unacked);
        }
        self.session_required = features
            .get_child("session", NS_SESSION)
            .is_some_and(|s| !s.has_child("optional", NS_SESSION));
        let resource = self.login.as_ref().and_then(|p| p.resource.clone());
        let id = self.next_id();
        let bind = El::new("bind", NS_BIND).child_opt(resource.map(|r| El::leaf("resource", r)));
        self.send_el(
            El::new("iq", NS_CLIENT)
                .attr("type", "set")
                .attr("id", id.clone())
                .child(bind),
        );
        self.state = State::Negotiating(Step::ExpectBind { id });
    }

    /// The session is ready: a new one after binding.
    fn go_online(&mut self) {
        self.go_online_as(false);
    }

    /// Online on a new session, or on a resumed one (`resumed`, XEP-0198 §5).
    fn go_online_as(&mut self, resumed: bool) {
        let reconnection = self.established;
        self.state = State::Online;
        self.login_deadline = None;
        self.established = true;
        self.attempt = 0;
        self.last_rx = self.now;
        if let Some(p) = self.login.as_mut() {
            p.register = false; // the account exists now; a reconnection only logs in
        }
        if !resumed && self.sm_offered {
            // XEP-0198 §3: counting starts with <enable/>.
            self.sm = Some(sm::Sm::default());
            self.send_frame(sm::Sm::enable_frame(), None);
        }
        let jid = self.bound.as_ref().map(events::jid_obj).unwrap_or_default();
        let mut data = obj! {"status" => "online", "jid" => jid};
        if reconnection {
            data.set("resumed", resumed);
        }
        if let Callback::Promise(id) = std::mem::replace(&mut self.login_callback, Callback::None) {
            self.reply(id, Ok(vec![data.clone()]));
        }
        self.emit(events::CONNECTION, data);
        if resumed {
            // XEP-0198 §5: send again what the server had not received.
            let again: Vec<String> = self
                .sm
                .as_ref()
                .map(|sm| sm.unacked.iter().cloned().collect())
                .unwrap_or_default();
            for frame in again {
                self.send_frame(frame, None);
            }
        } else {
            if reconnection {
                if let Some(p) = self.last_presence.clone() {
                    self.send_stanza(p);
                }
            }
            for frame in std::mem::take(&mut self.resend) {
                self.send_stanza(frame);
            }
        }
        for q in std::mem::take(&mut self.queue) {
            self.send_queued(q);
        }
        if !resumed {
            self.discover_services();
        }
        self.flush_mam();
    }

    /// XEP-0030 queries of a new session: the server (carbons) and the account (MAM).
    fn discover_services(&mut self) {
        let Some(me) = self.bound.clone() else { return };
        // XEP-0280 §4: find out whether the server offers Message Carbons, then enable them.
        let disco = || El::new("query", NS_DISCO_INFO);
        self.internal_get(me.domain().to_owned(), disco(), IqKind::ServerDisco);
        // api-decisions §5: MAM support is advertised on the account's bare JID.
        self.internal_get(me.to_bare().to_string(), disco(), IqKind::AccountDisco);
    }

    /// Sends `<iq type="get" to>` with `child` on the SDK's own behalf and tracks its answer.
    fn internal_get(&mut self, to: String, child: El, kind: IqKind) {
        let id = self.next_id();
        self.send_stanza_el(
            El::new("iq", NS_CLIENT)
                .attr("type", "get")
                .attr("to", to.as_str())
                .attr("id", id.as_str())
                .child(child),
        );
        self.track_iq(id, Jid::new(&to).ok(), Callback::None, kind);
    }

    /// XEP-0198 §5: `<resumed/>` or `<failed/>` after `<resume/>`.
    fn handle_resume_answer(&mut self, el: &Element) {
        let h = el.attr("h").and_then(|h| h.parse::<u32>().ok());
        match (el.ns() == sm::NS_SM, el.name()) {
            (true, "resumed") => {
                let acked = match (self.sm.as_mut(), h) {
                    (Some(sm), Some(h)) => sm.ack(h).is_ok(),
                    _ => false,
                };
                if !acked {
                    return self.stream_error("undefined-condition");
                }
                self.go_online_as(true);
            }
            (true, "failed") => {
                // The server may say what it had received (v1.6 §5); the rest is resent.
                if let (Some(sm), Some(h)) = (self.sm.as_mut(), h) {
                    let _ = sm.ack(h);
                }
                let Some(features) = self.last_features.take() else {
                    return self.stream_error("internal-server-error");
                };
                self.start_bind(&features);
            }
            _ => {
                self.state = State::Negotiating(Step::ExpectResume);
                self.stream_error("invalid-xml");
            }
        }
    }

    /// XEP-0198 nonzas on an established stream: `<r/>`, `<a/>`, `<enabled/>`, `<failed/>`.
    fn handle_sm(&mut self, el: &Element) {
        let Some(sm) = self.sm.as_mut() else { return };
        match el.name() {
            "r" => {
                let a = sm.answer_frame();
                self.send_frame(a, None);
            }
            "a" => {
                let ok = el
                    .attr("h")
                    .and_then(|h| h.parse::<u32>().ok())
                    .is_some_and(|h| sm.ack(h).is_ok());
                if !ok {
                    self.stream_error("undefined-condition");
                }
            }
            "enabled" => {
                sm.enabled = true;
                let resumable = matches!(el.attr("resume"), Some("true" | "1"));
                sm.id = el.attr("id").filter(|_| resumable).map(str::to_owned);
            }
            "failed" => {
                // <enable/> refused: no stream management on this session.
                self.sm = None;
            }
            _ => {}
        }
    }

    /// RFC 6120 §8: a stanza on an established session.
    fn handle_stanza(&mut self, el: &Element) {
        if el.ns() != NS_CLIENT {
            return; // RFC 6120 §8: stanzas in other namespaces are not ours to handle.
        }
        match el.name() {
            "iq" => self.handle_iq(el),
            "message" => self.handle_message(el),
            "presence" => {
                if let Some((name, data)) = presence::parse(el) {
                    self.emit(name, data);
                }
            }
            _ => {}
        }
    }

    /// Whether `from` may answer a request sent to `to` (`api-decisions.md` §6).
    fn answer_from_ok(&self, to: Option<&Jid>, from: Option<&str>) -> bool {
        let from = match from {
            None => return to.is_none(),
            Some(f) => match Jid::new(f) {
                Ok(j) => j,
                Err(_) => return false,
            },
        };
        match to {
            Some(t) => &from == t,
            None => {
                let Some(me) = &self.bound else { return false };
                let bare = me.to_bare();
                from == bare
                    || (from.node().is_none()
                        && from.resource().is_none()
                        && from.domain() == bare.domain())
            }
        }
    }

    fn handle_iq(&mut self, iq: &Element) {
        let Some(id) = iq.attr("id") else { return };
        match iq.attr("type") {
            Some("get") | Some("set") => self.answer_iq(iq, id),
            Some("result") | Some("error") => {
                let Some(pos) = self.iqs.iter().position(|(k, _)| k == id) else {
                    return; // no request with this id
                };
                if !self.answer_from_ok(self.iqs[pos].1.to.as_ref(), iq.attr("from")) {
                    return; // spoofed sender: dropped (api-decisions §6)
                }
                let (_, pending) = self.iqs.remove(pos);
                if let IqKind::MamQuery { query_id, .. } = &pending.kind {
                    let query_id = query_id.clone();
                    self.mam_queries.retain(|q| *q != query_id);
                }
                let ok = iq.attr("type") == Some("result");
                let result = match pending.kind {
                    IqKind::ServerDisco if ok => return self.handle_server_disco(iq),
                    IqKind::AccountDisco => return self.handle_account_disco(iq, ok),
                    IqKind::Ping => {
                        self.ping_pending = false;
                        return;
                    }
                    IqKind::ServerDisco | IqKind::Quiet => return,
                    _ if !ok => Err(stanza_error::parse(iq)),
                    IqKind::Ack => Ok(vec![Value::Bool(true)]),
                    IqKind::MamQuery { echo, .. } => Ok(mam::fin_args(iq, &echo)),
                    IqKind::MamPrefsGet => Ok(vec![mam::parse_preferences(iq)]),
                };
                match (pending.callback.id(), result) {
                    (Some(rid), r) => self.reply(rid, r),
                    (None, Err(e)) => self.emit(events::ERROR, e),
                    (None, Ok(_)) => {}
                }
            }
            _ => {}
        }
    }

    /// XEP-0199 ping and XEP-0030 disco#info; everything else is `service-unavailable`
    /// (RFC 6120 §8.4).
    fn answer_iq(&mut self, iq: &Element, id: &str) {
        let from = iq.attr("from");
        let child = iq.children().next();
        let reply = El::new("iq", NS_CLIENT).attr_opt("to", from).attr("id", id);
        let is = |name: &str, ns: &str| child.is_some_and(|c| c.name() == name && c.ns() == ns);
        let get = iq.attr("type") == Some("get");
        let el = if get && is("ping", NS_PING) {
            reply.attr("type", "result")
        } else if get
            && is("query", NS_DISCO_INFO)
            && child.is_some_and(|c| c.attr("node").is_none())
        {
            let mut q = El::new("query", NS_DISCO_INFO).child(
                El::new("identity", "")
                    .attr("category", "client")
                    .attr("type", "web")
                    .attr("name", "xmpp-ftw-wasm"),
            );
            for f in framing::DISCO_FEATURES {
                q = q.child(El::new("feature", "").attr("var", *f));
            }
            reply.attr("type", "result").child(q)
        } else {
            reply.attr("type", "error").child(
                El::new("error", "")
                    .attr("type", "cancel")
                    .child(El::new("service-unavailable", stanza_error::NS_STANZAS)),
            )
        };
        self.send_stanza_el(el);
    }

    /// Registers an IQ sent with `id`; its answer is matched by id and sender (§6).
    fn track_iq(&mut self, id: String, to: Option<Jid>, callback: Callback, kind: IqKind) {
        let deadline = self.now.plus(self.cfg.request_timeout_ms);
        self.iqs.push((
            id,
            PendingIq {
                to,
                callback,
                kind,
                deadline,
            },
        ));
    }

    /// `xmpp.mam.query`, `xmpp.mam.preferences` and `.get`: a callback is required; they wait
    /// for the session and for MAM support to be known, then go out.
    fn handle_mam_command(&mut self, name: &str, payload: Value, cb: Callback) {
        if cb.id().is_none() {
            return self.emit(
                events::ERROR_CLIENT,
                events::client_error("Missing callback", payload),
            );
        }
        let cmd = match name {
            mam::QUERY => {
                let generated = self.next_id();
                match mam::validate_query(&payload, generated) {
                    Ok(q) => MamCommand::Query(q),
                    Err(e) => return self.client_error(cb, e),
                }
            }
            mam::PREFERENCES => match mam::preferences_stanza(&payload, "") {
                Ok(_) => MamCommand::Prefs(payload),
                Err(e) => return self.client_error(cb, e),
            },
            _ => MamCommand::PrefsGet,
        };
        if matches!(self.state, State::Idle | State::Closing { .. }) {
            return self.connection_error(cb, events::not_connected());
        }
        self.mam_waiting.push((cmd, cb));
        self.flush_mam();
    }

    /// Sends the waiting MAM commands once online and MAM support is known.
    fn flush_mam(&mut self) {
        if !self.is_online() {
            return;
        }
        let Some(supported) = self.mam_support else {
            return;
        };
        for (cmd, cb) in std::mem::take(&mut self.mam_waiting) {
            if !supported {
                self.connection_error(
                    cb,
                    obj! {
                        "type" => "cancel", "condition" => "feature-not-implemented",
                        "description" => "The server does not support urn:xmpp:mam:2",
                    },
                );
                continue;
            }
            let id = self.next_id();
            let (el, kind) = match cmd {
                MamCommand::Query(q) => {
                    self.mam_queries.push(q.query_id.clone());
                    (
                        q.stanza(&id),
                        IqKind::MamQuery {
                            query_id: q.query_id,
                            echo: q.echo,
                        },
                    )
                }
                MamCommand::Prefs(p) => match mam::preferences_stanza(&p, &id) {
                    Ok(el) => (el, IqKind::Ack),
                    Err(e) => {
                        self.client_error(cb, e);
                        continue;
                    }
                },
                MamCommand::PrefsGet => (mam::preferences_get_stanza(&id), IqKind::MamPrefsGet),
            };
            self.send_stanza_el(el);
            self.track_iq(id, None, cb, kind);
        }
    }

    fn handle_account_disco(&mut self, iq: &Element, ok: bool) {
        let offers = ok
            && iq.get_child("query", NS_DISCO_INFO).is_some_and(|q| {
                q.children()
                    .any(|f| f.name() == "feature" && f.attr("var") == Some(mam::NS_MAM))
            });
        self.mam_support = Some(offers);
        self.flush_mam();
    }

    /// XEP-0280 §4: enable carbons when the server's disco#info lists them.
    fn handle_server_disco(&mut self, iq: &Element) {
        let offers = iq.get_child("query", NS_DISCO_INFO).is_some_and(|q| {
            q.children()
                .any(|f| f.name() == "feature" && f.attr("var") == Some(carbons::NS_CARBONS))
        });
        if offers {
            let id = self.next_id();
            self.send_stanza_el(
                El::new("iq", NS_CLIENT)
                    .attr("type", "set")
                    .attr("id", id.as_str())
                    .child(El::new("enable", carbons::NS_CARBONS)),
            );
            self.track_iq(id, None, Callback::None, IqKind::Quiet);
        }
    }

    /// RFC 6121 §5 messages: receipts, chat messages, carbons (XEP-0280).
    fn handle_message(&mut self, m: &Element) {
        let Some(own_bare) = self.bound.as_ref().map(Jid::to_bare) else {
            return;
        };
        // RFC 6120 §8.1.2.1: no `from` means the account itself (its server on its behalf).
        let from = match m.attr("from") {
            None => None,
            Some(f) => match Jid::new(f) {
                Ok(j) => Some(j),
                Err(_) => return, // an invalid sender: nothing here can be trusted
            },
        };
        let from_account = from.as_ref().is_none_or(|f| *f == own_bare);
        if let Some((query_id, result_id, inner, delay)) = mam::unwrap_result(m) {
            // api-decisions §5: only the own archive, only queries this socket made.
            if from_account && self.mam_queries.iter().any(|q| q == query_id) {
                if let Some(v) =
                    mam::message_payload(inner, result_id, query_id, delay.unwrap_or_default())
                {
                    self.emit(mam::MESSAGE, v);
                }
            }
            return;
        }
        let Some(from) = from else {
            return; // a chat message needs a sender
        };
        if let Some((kind, inner)) = carbons::unwrap(m) {
            // XEP-0280 §11: only the account itself may send carbons.
            if !from_account {
                return;
            }
            let Some(inner_from) = inner.attr("from").and_then(|f| Jid::new(f).ok()) else {
                return;
            };
            let to = inner.attr("to").and_then(|t| Jid::new(t).ok());
            return self.deliver_message(inner, &inner_from, own_bare.as_str(), Some((kind, to)));
        }
        self.deliver_message(m, &from, own_bare.as_str(), None);
    }

    fn deliver_message(
        &mut self,
        m: &Element,
        from: &Jid,
        own_bare: &str,
        carbon: Option<(&'static str, Option<Jid>)>,
    ) {
        let add_carbon = |v: &mut Value| {
            if let Some((kind, to)) = &carbon {
                v.set("carbon", *kind);
                if *kind == "sent" {
                    if let Some(to) = to {
                        v.set("to", events::jid_obj(to));
                    }
                }
            }
        };
        if let Some(mut r) = chat::parse_receipt(m, from) {
            add_carbon(&mut r);
            return self.emit(chat::RECEIPT, r);
        }
        if !matches!(m.attr("type"), None | Some("chat")) {
            return; // normal, headline, groupchat and error messages are not chat
        }
        let Some(mut v) = chat::parse_message(m, from, own_bare) else {
            return;
        };
        if let Some(id) = chat::dedup_id(m) {
            let sender = from.to_bare().to_string();
            if !self.dedup.first_time(&sender, id) {
                return; // api-decisions §4: a repeat of a message already delivered
            }
        }
        add_carbon(&mut v);
        self.emit(chat::MESSAGE, v);
    }
}
