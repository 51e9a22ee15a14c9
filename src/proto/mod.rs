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
//! The client is split by concern, each module an `impl Client` block or a table it owns:
//! `commands` (what the application asks), `connection` (socket, frames, reconnection with
//! backoff, stream errors), `negotiation` (RFC 6120 §6 SASL and §7 binding as `Expect*`
//! states, XEP-0077 registration), `router` (RFC 6120 §8 stanzas to the handler of their area),
//! `iq` (the pending-request table and the answers the SDK gives itself), `mam` (XEP-0313
//! commands), `sm` (XEP-0198), `pacing` (the sending window and refused stanzas,
//! `docs/decisions.md` §16), `upload` (XEP-0363 files), `timer` (every deadline,
//! `poll_timeout` is their minimum) and `error` (faults by who caused them). Stanzas are xmpp-parsers types (`crate::stanza`).

mod attempt;
mod blocking;
mod catchup;
mod commands;
mod connection;
pub mod dedup;
pub mod error;
mod features;
pub mod framing;
mod iq;
pub mod kept;
mod mam;
mod negotiation;
mod output;
mod pacing;
pub mod rng;
mod roster;
mod router;
pub mod sasl;
mod slices;
pub mod sm;
#[doc(hidden)]
pub mod testing;
pub mod timer;
mod upload;
pub mod warm;

use crate::events::{self, ClientError, Emit, Error, Jid, Reply};
use crate::stanza::{self, Element};
use iq::IqTable;
use negotiation::Step;
use rng::Rng;
use sm::Out;

pub use kept::StoreOp;
pub use upload::UploadEvent;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Callback {
    /// No callback argument.
    #[default]
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
    /// How long a request waits for its answer (`docs/decisions.md` §3).
    pub request_timeout_ms: u64,
    /// Largest accepted frame in bytes.
    pub max_stanza_bytes: usize,
    /// Largest stanza the application may send, in UTF-8 bytes (`docs/decisions.md` §16);
    /// a smaller XEP-0478 `max-bytes` of the server wins.
    pub max_outgoing_stanza_bytes: usize,
    /// The XEP-0198 sending window: at most this many stanzas in flight, not acknowledged
    /// (`docs/decisions.md` §16).
    pub send_window: usize,
    /// Replaces the XEP-0156 lookup URL (for tests on loopback).
    pub host_meta_url: Option<String>,
    /// Restore a lost connection (`docs/decisions.md` §2); `false`: give up at the first drop.
    pub reconnect: bool,
    /// Upper bound of the reconnection backoff.
    pub max_reconnect_delay_ms: u64,
    /// XEP-0199 keepalive: ping the server after this long without hearing from it.
    pub ping_interval_ms: u64,
    /// Keep the session and unacknowledged stanzas for a page reload ([`StoreOp`]).
    pub persist: bool,
    /// After a session that was not resumed, fetch from the own archive what was missed
    /// (XEP-0313, `docs/decisions.md` §10).
    pub catch_up: bool,
    /// The wall clock at `Instant(0)`, in milliseconds since 1970 (`performance.timeOrigin`).
    pub epoch_ms: u64,
    /// SCRAM's Hi() (PBKDF2) is computed by the shell ([`Transmit::Derive`], WebCrypto in the
    /// browser); `false`: here, in Rust.
    pub derive_in_shell: bool,
    /// Bytes of a large answer read per task ([`Client::read_slice`]).
    pub slice_bytes: usize,
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
            max_outgoing_stanza_bytes: 64_000,
            send_window: 64,
            host_meta_url: None,
            reconnect: true,
            max_reconnect_delay_ms: 30_000,
            ping_interval_ms: 60_000,
            persist: false,
            catch_up: true,
            epoch_ms: 0,
            derive_in_shell: false,
            slice_bytes: slices::SLICE_BYTES,
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
    /// Fetch a XEP-0156 host-meta document and answer with [`Client::handle_discovery`],
    /// passing `login` back.
    Discover {
        /// Which login asked: an answer for an earlier login is ignored.
        login: u32,
        /// `host-meta.json` (JSON, XEP-0156 §3.2) or `host-meta` (XRD) URL.
        url: String,
    },
    /// Compute SCRAM's SaltedPassword := Hi(password, salt, i) (RFC 5802 §2.2, PBKDF2) and
    /// answer with [`Client::handle_derived`], passing `id` back (only when
    /// [`Config::derive_in_shell`]).
    Derive {
        /// Which derivation asked.
        id: u32,
        /// Hash, password, salt and count.
        salting: sasl::Salting,
    },
    /// PUT the file kept under `handle` to `url` with these headers (XEP-0363 §5) and
    /// report with [`Client::handle_upload`] (progress, then the outcome).
    Put {
        /// The shell's handle for the file (from the command's payload).
        handle: u32,
        /// The slot's PUT URL (`http:` or `https:`).
        url: String,
        /// The slot's headers (`Authorization`, `Cookie`, `Expires`).
        headers: Vec<(String, String)>,
        /// The `Content-Type` to send.
        content_type: String,
    },
    /// Stop any PUT of the file kept under `handle` and drop the file: the core is done
    /// with it (sent, refused, failed or cancelled).
    Release {
        /// The shell's handle.
        handle: u32,
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
    /// The environment has no WebSocket to open (Node.js 20 without the `ws` package's
    /// constructor as the `WebSocket` option).
    Unsupported,
    /// The WebSocket closed or failed to open.
    Closed {
        /// The close code (RFC 6455 §7.1.5), when the socket gave one.
        code: Option<u16>,
    },
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
    /// Emit an event ([`Emit::name`]) to the `on(name)` handlers.
    Emit(Emit),
    /// Settle a callback or promise: `Ok(args)` is `cb(null, ...args)`, `Err(e)` is `cb(e)`.
    Reply {
        /// Which callback.
        request: RequestId,
        /// The outcome.
        result: Result<Reply, Error>,
    },
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
pub(crate) struct Queued {
    out: Out,
    callback: Callback,
    /// What the callback gets once the stanza is sent (`None`: only a promise hears of it).
    reply: Option<Reply>,
}

/// The XMPP client state machine. See the module docs for the driving order.
///
/// It routes between parts that own their data: the outputs (`output::Output`), the login
/// attempt (`attempt::Attempt`), the stream's facts (`Stream`), the commands waiting for
/// the session (`Waiting`), the MAM queries (`mam::Mam`), the IQ table, the
/// de-duplication window, the SCRAM keys (`sasl::Keys`), the uploads (`upload::Uploads`) and
/// what one login keeps (`Session`: XEP-0198, kept state, catch-up, roster cache, backoff).
pub struct Client {
    cfg: Config,
    rng: Rng,
    state: State,
    /// The time of the call being handled.
    now: Instant,
    out: output::Output,
    attempt: attempt::Attempt,
    stream: Stream,
    waiting: Waiting,
    mam: mam::Mam,
    /// Pending IQs (RFC 6120 §8.2.3): who may answer and until when.
    iqs: IqTable,
    dedup: dedup::Dedup,
    scram: sasl::Keys,
    /// What the browser says about the network (`navigator.onLine`).
    network_up: bool,
    /// Files being uploaded (XEP-0363).
    uploads: upload::Uploads,
    /// What only makes sense for one login, dropped whole by `forget_session`.
    session: Session,
    /// A large answer being read in slices, and the frames behind it.
    slicing: Option<slices::Slicing>,
}

/// What the current stream is and offers.
#[derive(Default)]
struct Stream {
    /// The bound full JID (RFC 6120 §7), while bound.
    bound: Option<Jid>,
    /// RFC 3921 §3 `<session/>` is required after binding.
    session_required: bool,
    /// The post-authentication features offered XEP-0198.
    sm_offered: bool,
    /// The server offers roster versioning (RFC 6121 §2.6) on this session.
    roster_versioning: bool,
    /// The server offers XEP-0191 blocking (its disco#info; `None`: not known yet).
    blocking: Option<bool>,
    /// XEP-0478 `max-bytes` of this stream: the largest stanza the server takes.
    max_bytes: Option<usize>,
    /// When a frame last arrived (XEP-0199 keepalive).
    last_rx: Instant,
}

/// Commands accepted before the session is online, sent once it is.
#[derive(Default)]
struct Waiting {
    /// Stanzas of `send` commands.
    commands: Vec<Queued>,
    /// Roster commands (RFC 6121 §2).
    roster: Vec<(events::roster::Request, Callback)>,
    /// XEP-0191 requests: the query, whether it is a get, the callback.
    blocking: Vec<(Element, bool, Callback)>,
}

impl Waiting {
    /// Takes every waiting command's callback (the login failed: each hears `not-connected`).
    fn drain_callbacks(&mut self) -> Vec<Callback> {
        let commands = std::mem::take(&mut self.commands).into_iter();
        let roster = std::mem::take(&mut self.roster).into_iter();
        let blocking = std::mem::take(&mut self.blocking).into_iter();
        commands
            .map(|q| q.callback)
            .chain(roster.map(|(_, cb)| cb))
            .chain(blocking.map(|(_, _, cb)| cb))
            .collect()
    }

    fn len(&self) -> usize {
        self.commands.len() + self.roster.len() + self.blocking.len()
    }
}

#[cfg(test)]
mod waiting_tests {
    use super::*;

    #[test]
    fn every_waiting_command_is_told_once() {
        let mut w = Waiting::default();
        w.commands.push(Queued {
            out: Out::plain("<presence/>".into()),
            callback: Callback::Promise(1),
            reply: None,
        });
        let roster = events::roster::Request {
            query: xmpp_parsers::roster::Roster {
                ver: None,
                items: Vec::new(),
            },
            get: true,
        };
        w.roster.push((roster, Callback::Function(2)));
        assert_eq!(w.len(), 2);
        assert_eq!(
            w.drain_callbacks(),
            [Callback::Promise(1), Callback::Function(2)]
        );
        assert_eq!(w.len(), 0);
        assert!(w.drain_callbacks().is_empty());
    }
}

/// What only makes sense for one login: the XEP-0198 state, the kept state, the catch-up,
/// the roster cache, the reconnection backoff. `forget_session` drops it in one assignment,
/// so that no field is forgotten and the next login inherits nothing.
#[derive(Default)]
struct Session {
    /// The roster and its version (§2.6), kept across reconnections of this account, and
    /// across its logins and reloads in the store (`roster_key`).
    roster: Option<roster::Cache>,
    /// This session's roster request (RFC 6121 §2.1.3).
    roster_fetch: roster::Fetch,
    /// The application sends available presence: each new session requests the roster
    /// before it (RFC 6121 §2.2).
    roster_first: bool,
    /// The account whose roster is kept in the store (`None`: `persist: "none"`, anonymous).
    roster_key: Option<String>,
    /// The roster changed since it was last written to the store.
    roster_dirty: bool,
    /// XEP-0198 state of the session (kept across reconnections while resumable).
    sm: Option<sm::Sm>,
    /// Stanzas of a session that could not be resumed, to send again on the new one.
    resend: Vec<Out>,
    /// Stanzas waiting for room in the sending window (XEP-0198 acks make it), oldest first.
    paced: std::collections::VecDeque<Out>,
    /// When a stanza last went out.
    last_stanza_at: Option<Instant>,
    /// A stanza went out on the current connection (only then can its end be a refusal).
    sent_on_connection: bool,
    /// Stanzas still to send one at a time, each acknowledged before the next: after a
    /// connection ended right after stanzas went out, so that one the server refuses is
    /// found (`docs/decisions.md` §16).
    careful: usize,
    /// Unacknowledged stanzas of a resumed session not sent again yet (careful mode sends
    /// them one at a time), oldest first: the tail of the XEP-0198 queue.
    resend_queue: std::collections::VecDeque<String>,
    /// The stanza that was alone in flight when a connection ended, and how many times.
    suspect: Option<(String, u8)>,
    /// The stanza alone in flight at two ends in a row, with why: refused unless the next
    /// resumption shows the server had it (a network cut twice in a row looks the same).
    doomed: Option<(String, pacing::Refused)>,
    /// A stanza sent alone (careful mode) is waiting for its ack since then.
    careful_wait: Option<Instant>,
    /// The session was resumed on this connection and the server has not yet shown (with an
    /// `<a/>`) that it read what went after: Prosody 0.12 reads the first bytes after a
    /// resumption as the rest of a frame cut on the old connection (`docs/decisions.md` §18).
    resumption_unproven: bool,
    /// The session has been online: a drop is reconnected, not a failed login.
    established: bool,
    /// Reconnection attempts since the last time online (the backoff exponent).
    attempt: u32,
    /// A keepalive ping is outstanding.
    ping_pending: bool,
    /// When to send the next XEP-0198 `<r/>`.
    ack_request_at: Option<Instant>,
    /// The last broadcast presence the application sent, re-sent on a new session.
    last_presence: Option<String>,
    /// The post-authentication features, kept while a resumption is tried.
    last_features: Option<features::Features>,
    /// The account whose state is kept for a reload (`None`: nothing is written).
    kept_key: Option<String>,
    /// The SCRAM derivation waiting for [`Client::handle_derived`], with its id.
    deriving: Option<(u32, sasl::Salting)>,
    /// The state last handed out for saving.
    last_saved: Option<String>,
    /// [`Client::store_urgent`]'s view of that state.
    saved_outgoing: kept::Outgoing,
    /// `xmpp.error` about the store was emitted for this login.
    store_error_said: bool,
    /// Delivered since the last `<a/>` the SDK sent (kept, so a reload shows nothing twice).
    kept_recent: Vec<kept::SeenKey>,
    /// The newest own-archive point delivered (XEP-0313 catch-up).
    mark: Option<kept::Mark>,
    /// The catch-up query in flight.
    catchup: Option<catchup::CatchUp>,
    /// A catch-up is to start once MAM support is known.
    catchup_due: bool,
    /// Contacts' last available presences, by full JID, kept for a reload.
    presences: Vec<(String, String)>,
    /// When the session was last resumed (XEP-0198 §5).
    resumed_at: Option<Instant>,
    /// The XEP-0363 upload service, once looked for.
    upload_service: upload::Service,
}

/// Whether a stanza comes from the account itself: no `from` (the server on its behalf,
/// RFC 6120 §8.1.2.1) or the account's bare JID (carbons, MAM results, roster pushes).
fn from_account(from: Option<&Jid>, own: &Jid) -> bool {
    from.is_none_or(|f| f == own)
}

impl Client {
    /// A client with no session.
    pub fn new(cfg: Config) -> Client {
        Client {
            rng: Rng::new(cfg.seed),
            cfg,
            state: State::Idle,
            now: Instant(0),
            out: output::Output::default(),
            attempt: attempt::Attempt::default(),
            stream: Stream::default(),
            waiting: Waiting::default(),
            mam: mam::Mam::default(),
            iqs: IqTable::default(),
            dedup: dedup::Dedup::default(),
            scram: sasl::Keys::default(),
            network_up: true,
            uploads: upload::Uploads::default(),
            session: Session::default(),
            slicing: None,
        }
    }

    /// Turns `xmpp.raw` events on or off (the shell turns them on while a handler listens).
    pub fn set_raw(&mut self, on: bool) {
        self.out.raw = on;
    }

    /// The bound full JID while online.
    pub fn bound_jid(&self) -> Option<&Jid> {
        self.stream.bound.as_ref()
    }

    /// How many items the client holds in its queues and tables (for tests that check memory
    /// stays bounded under hostile input).
    #[doc(hidden)]
    pub fn footprint(&self) -> usize {
        self.footprint_parts().iter().map(|(_, n)| n).sum()
    }

    /// [`Client::footprint`] part by part, for the fuzz targets' reports.
    #[doc(hidden)]
    pub fn footprint_parts(&self) -> [(&'static str, usize); 12] {
        [
            ("events", self.out.len()),
            ("iqs", self.iqs.len()),
            ("waiting", self.waiting.len()),
            ("mam", self.mam.len()),
            (
                "roster",
                self.session.roster.as_ref().map_or(0, roster::Cache::len),
            ),
            ("resend", self.session.resend.len()),
            ("paced", self.session.paced.len()),
            (
                "unacked",
                self.session.sm.as_ref().map_or(0, |s| s.unacked.len()),
            ),
            ("dedup", self.dedup.len()),
            ("recent", self.session.kept_recent.len()),
            ("presences", self.session.presences.len()),
            ("uploads", self.uploads.len()),
        ]
    }

    /// The largest stanza that may be sent now: the option, or the server's XEP-0478 limit
    /// when it is smaller.
    pub(crate) fn outgoing_limit(&self) -> usize {
        let server = self.stream.max_bytes.unwrap_or(usize::MAX);
        self.cfg.max_outgoing_stanza_bytes.min(server)
    }

    /// The account's bare JID while bound.
    fn own_bare(&self) -> Option<Jid> {
        // `into_bare` truncates a copy; `to_bare` would format the parts anew (per message)
        self.stream.bound.clone().map(|b| Jid::from(b.into_bare()))
    }

    /// Whether the session is online.
    pub fn is_online(&self) -> bool {
        matches!(self.state, State::Online)
    }

    /// Next thing to do with the network.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.out.transmits.pop_front()
    }

    /// Next thing for the application.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.out.events.pop_front()
    }

    /// The earliest deadline; call [`Client::handle_timeout`] when it has passed.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers().map(|(_, at)| at).min()
    }

    // ----- output helpers -------------------------------------------------------------

    fn emit(&mut self, event: Emit) {
        self.out.emit(event);
    }

    fn reply(&mut self, request: RequestId, result: Result<Reply, Error>) {
        self.out.reply(request, result);
    }

    /// Sends a frame; `redacted` replaces it in `xmpp.raw` (SASL data, passwords).
    fn send_frame(&mut self, frame: String, redacted: Option<&str>) {
        self.out.frame(frame, redacted);
    }

    /// Sends a nonza (framing, SASL, XEP-0198): not counted by stream management.
    fn send_nonza(&mut self, el: impl xso::AsXml) {
        self.send_frame(stanza::write(el), None);
    }

    /// Sends a stanza (iq, message, presence) on the SDK's own behalf.
    fn send_stanza(&mut self, frame: String) {
        self.send_out(Out::plain(frame));
    }

    /// The wall-clock time now.
    fn wall_time(&self) -> kept::When {
        kept::When::Ms(self.cfg.epoch_ms.saturating_add(self.now.0))
    }

    fn send_stanza_el(&mut self, el: impl xso::AsXml) {
        self.send_stanza(stanza::write(el));
    }

    /// The callback-else-event rule for errors caused by the caller (`docs/decisions.md` §3).
    fn client_error(&mut self, cb: Callback, err: impl Into<Error>) {
        let err = err.into();
        match cb.id() {
            Some(id) => self.reply(id, Err(err)),
            None => self.emit(Emit::ClientError(err)),
        }
    }

    /// `Missing callback`: always the event `xmpp.error.client`.
    fn missing_callback(&mut self) {
        self.emit(Emit::ClientError(
            ClientError::new("Missing callback").into(),
        ));
    }

    /// The same rule for connection errors (event `xmpp.error`).
    fn connection_error(&mut self, cb: Callback, err: impl Into<Error>) {
        let err = err.into();
        match cb.id() {
            Some(id) => self.reply(id, Err(err)),
            None => self.emit(Emit::Error(err)),
        }
    }

    /// `not-connected`, by the same rule.
    fn not_connected(&mut self, cb: Callback) {
        self.connection_error(cb, events::ConnectionError::NotConnected);
    }

    /// Success of a command that has no callback in xmpp-ftw: only a promise hears of it.
    fn handed_over(&mut self, cb: Callback) {
        if let Callback::Promise(id) = cb {
            self.reply(id, Ok(Reply::Done));
        }
    }

    fn next_id(&mut self) -> String {
        self.rng.uuid()
    }
}
