//! The connection: socket events, incoming frames (RFC 7395), stream errors (RFC 6120 §4.9),
//! reconnection with jittered exponential backoff, the browser's network and visibility
//! signals, and the timers (`docs/decisions.md` §2).

use super::error::PeerMisbehaved;
use super::iq::IqKind;
use super::negotiation::Step;
use super::pacing::{is_refusal, Refusal};
use super::timer::Timer;
use super::{
    framing, Client, Discovery, Instant, SocketEvent, State, Transmit, MAX_REDIRECTS,
    RECONNECT_BASE_MS,
};
use crate::events::{Connection, ConnectionError, Emit, Error, Jid};
use crate::stanza::{self, ns, Element};

use xmpp_parsers::iq::Iq;
use xmpp_parsers::stanza_error::{DefinedCondition, ErrorType, StanzaError};
use xmpp_parsers::stream_error::DefinedCondition as StreamCondition;
use xmpp_parsers::websocket::Open;

/// How long after a resumption a `conflict` is taken for the old connection's notice.
const RESUMED_CONFLICT_MS: u64 = 5_000;

impl Client {
    /// Ends the session after a failure: `xmpp.error` once, then `offline` if it was online.
    pub(crate) fn give_up(&mut self, err: impl Into<Error>) {
        let err = err.into();
        let was_online = self.is_online() || self.session.established;
        self.forget_session();
        self.fail_login_attempt(err.clone());
        self.emit(Emit::Error(err));
        self.out.transmits.push_back(Transmit::Close);
        self.state = State::Idle;
        self.stream.bound = None;
        self.attempt.params = None;
        if was_online {
            self.emit(Emit::Connection(Connection::status("offline")));
        }
    }

    /// Drops everything that only made sense for this login.
    pub(crate) fn forget_session(&mut self) {
        self.session = super::Session::default();
    }

    /// An established session lost its connection: retry with jittered exponential backoff
    /// (`docs/decisions.md` §2), keeping the XEP-0198 state for resumption.
    pub(crate) fn connection_lost(&mut self, stream_error: Option<StreamCondition>) {
        self.lost(ConnectionError::Disconnected {
            stream_error,
            close_code: None,
        })
    }

    /// [`Client::connection_lost`], with the error the application gets if the client gives
    /// up (`docs/decisions.md` §2).
    fn lost(&mut self, err: ConnectionError) {
        self.session.deriving = None; // a SCRAM key still being derived belongs to the lost exchange
        if !self.session.established || !self.cfg.reconnect {
            return self.give_up(err);
        }
        self.out.transmits.push_back(Transmit::Close);
        if self.is_online() {
            self.emit(Emit::Connection(Connection::status("reconnecting")));
        }
        self.attempt.deadline = None;
        self.session.ping_pending = false;
        self.session.ack_request_at = None;
        self.session.resend_queue.clear();
        self.session.careful_wait = None;
        self.session.resumption_unproven = false;
        if let Some(sm) = self.session.sm.as_mut() {
            sm.requested = false;
        }
        let cap = self.cfg.max_reconnect_delay_ms.max(RECONNECT_BASE_MS);
        let delay = RECONNECT_BASE_MS
            .saturating_mul(1u64 << self.session.attempt.min(20))
            .min(cap);
        let mut r = [0u8; 2];
        self.rng.fill(&mut r);
        let jitter = u64::from(u16::from_le_bytes(r)) * (delay / 2) / u64::from(u16::MAX);
        self.session.attempt = self.session.attempt.saturating_add(1);
        let at = self.network_up.then(|| self.now.plus(delay / 2 + jitter));
        self.state = State::Waiting { at };
    }

    /// The browser's `online`/`offline` events: a waiting reconnection goes at once when the
    /// network comes back, and waits while it is down.
    pub fn handle_network(&mut self, up: bool, now: Instant) {
        self.settle();
        self.now = self.now.max(now);
        self.network_up = up;
        if let State::Waiting { .. } = self.state {
            self.state = State::Waiting {
                at: up.then_some(self.now),
            };
        }
        self.advance_uploads(); // a PUT cut by the network is retried once it is back
    }

    /// The page became visible again (a tab that slept): a waiting reconnection goes at once,
    /// and an online session checks with a keepalive ping that its connection still lives.
    pub fn handle_wake(&mut self, now: Instant) {
        self.settle();
        self.now = self.now.max(now);
        match self.state {
            State::Waiting { .. } if self.network_up => {
                self.state = State::Waiting { at: Some(self.now) }
            }
            State::Online if !self.session.ping_pending => self.send_ping(),
            _ => {}
        }
    }

    /// Starts a reconnection attempt to the last endpoint.
    pub(crate) fn reconnect_now(&mut self) {
        let Some(url) = self.attempt.url.clone() else {
            return self.give_up(ConnectionError::disconnected());
        };
        self.attempt.deadline = Some(self.now.plus(self.cfg.request_timeout_ms));
        self.connect(url);
    }

    /// Sends an RFC 6120 §4.9 stream error, closes the stream and gives up.
    pub(crate) fn stream_error(&mut self, fault: PeerMisbehaved) {
        self.send_nonza(fault.stream_error());
        self.send_nonza(framing::close());
        self.give_up(fault.payload());
    }

    // ----- network input --------------------------------------------------------------

    /// The answer to a [`Transmit::Discover`] (XEP-0156).
    /// `login` is the one the [`Transmit::Discover`] carried: an answer that arrives after a
    /// newer login started is ignored.
    pub fn handle_discovery(&mut self, login: u32, d: Discovery, now: Instant) {
        self.now = self.now.max(now);
        if !matches!(self.state, State::Discovering) || login != self.attempt.seq {
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
                self.give_up(ConnectionError::DiscoveryFailed(why));
            }
        }
    }

    /// The socket opened or closed.
    pub fn handle_socket(&mut self, ev: SocketEvent, now: Instant) {
        self.settle();
        self.now = self.now.max(now);
        match (ev, &self.state) {
            (SocketEvent::Open, State::Connecting) => {
                let Some(domain) = self.attempt.params.as_ref().map(|p| p.jid.clone()) else {
                    return;
                };
                self.state = State::Negotiating(Step::ExpectOpen { authed: false });
                self.send_nonza(framing::open(domain));
            }
            (SocketEvent::Open, _) => {}
            (SocketEvent::Closed { .. }, State::Closing { callback, .. }) => {
                let cb = *callback;
                self.state = State::Idle;
                self.finish_logout(cb);
            }
            (SocketEvent::Closed { .. }, State::Idle | State::Waiting { .. }) => {}
            // nothing to retry with: the login fails with what is missing
            (SocketEvent::Unsupported, State::Connecting) => {
                self.give_up(ConnectionError::NoWebSocket)
            }
            (SocketEvent::Unsupported, _) => {}
            (SocketEvent::Closed { code }, _) => {
                // docs/decisions.md §16: closed right after stanzas went out (Prosody 0.12
                // closes with 1003 on a message the browser split into several frames, which
                // Chromium may report as 1006)
                if code != Some(1000) {
                    self.on_end(Refusal::Close(code));
                }
                // when it is not retried, the application hears why: RFC 6455 §7.1.5
                self.lost(ConnectionError::Disconnected {
                    stream_error: None,
                    close_code: code,
                })
            }
        }
    }

    /// Passes time: whichever [`Timer`]s are due.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.settle();
        self.now = self.now.max(now);
        for timer in self.due(now) {
            match timer {
                Timer::CloseGrace => {
                    if let State::Closing { callback, .. } = self.state {
                        self.out.transmits.push_back(Transmit::Close);
                        self.state = State::Idle;
                        self.finish_logout(callback);
                    }
                }
                Timer::Reconnect => {
                    if let State::Waiting { at: Some(_) } = self.state {
                        self.reconnect_now();
                    }
                }
                Timer::Login => {
                    if self.attempt.deadline.is_some_and(|d| d <= now) && !self.is_online() {
                        if self.session.established {
                            self.connection_lost(None); // an attempt that stalls is retried
                        } else {
                            self.give_up(ConnectionError::Timeout("Login timed out".into()));
                        }
                    }
                }
                Timer::Keepalive => {
                    if self.is_online() && !self.session.ping_pending {
                        self.send_ping();
                    }
                }
                Timer::AckRequest => self.request_ack_now(),
                Timer::UploadRetry => self.advance_uploads(),
                Timer::AckTimeout => {
                    if self.is_online() {
                        self.on_end(Refusal::Close(None));
                        self.connection_lost(None);
                    }
                }
                Timer::Iq => self.expire_iqs(now),
            }
        }
    }

    fn expire_iqs(&mut self, now: Instant) {
        for iq in self.iqs.expire(now) {
            if matches!(iq.kind, IqKind::Ping) && self.is_online() {
                // No answer to the keepalive: the connection is dead though the socket is open.
                self.connection_lost(None);
                continue;
            }
            if matches!(iq.kind, IqKind::AccountDisco) {
                // No answer about MAM: treat it as absent rather than leave queries waiting.
                self.mam.support = Some(false);
                self.flush_mam();
                self.start_catchup(); // not due any more: live deliveries move the mark again
            }
            if let IqKind::CatchUp { query_id } = &iq.kind {
                self.handle_catchup_answer(query_id, None);
            }
            self.upload_iq_expired(&iq.kind);
            if matches!(iq.kind, IqKind::RosterFetch) {
                // the `xmpp.roster.get`s that waited for it hear of the timeout
                let timeout = ConnectionError::Timeout("The request timed out".into());
                self.roster_answered(Err(timeout.into()));
            }
            if iq.internal() {
                continue;
            }
            self.connection_error(
                iq.callback,
                ConnectionError::Timeout("The request timed out".into()),
            );
        }
    }

    /// One WebSocket text message (RFC 7395 §3.3.3: one element).
    pub fn handle_frame(&mut self, text: &str, now: Instant) {
        self.now = self.now.max(now);
        if matches!(
            self.state,
            State::Idle | State::Discovering | State::Connecting | State::Waiting { .. }
        ) {
            return;
        }
        self.stream.last_rx = self.now;
        if self.hold_frame(text) || self.start_roster_answer(text) {
            return;
        }
        self.read_frame(text);
    }

    /// A frame read into a tree and handled (the general path).
    pub(crate) fn read_frame(&mut self, text: &str) {
        if self.read_message(text) {
            return;
        }
        let el = match stanza::parse_frame(text, self.incoming_limit(text)) {
            Ok(el) => {
                let shown = || framing::redact_incoming(&el).unwrap_or_else(|| text.to_owned());
                self.out.frame_in(shown, None);
                el
            }
            Err(e) => {
                // docs/decisions.md §13: what is inside a stanza was written by someone else
                // and only relayed by the server; a stanza that cannot be read costs that
                // stanza, never the stream. Only the server's own elements end it, and so do
                // the IQ answers of the negotiation (binding, registration), which it writes.
                let head = stanza::stanza_head(text)
                    .filter(|_| !matches!(self.state, State::Negotiating(_)));
                let skipped = head.is_some().then(|| e.reason());
                self.out.frame_in(|| text.to_owned(), skipped);
                return match head {
                    Some(head) => self.skip_stanza(head, e),
                    None => self.stream_error(e.into()),
                };
            }
        };
        if el.has_ns(ns::WEBSOCKET) {
            return match el.name() {
                "open" => self.handle_open(el),
                "close" => self.handle_close(el.attr("see-other-uri")),
                _ => self.stream_error(PeerMisbehaved::UnsupportedStanzaType),
            };
        }
        if el.is("error", ns::STREAM) {
            return self.handle_stream_error(el);
        }
        if matches!(self.state, State::Closing { .. }) {
            return;
        }
        if matches!(self.state, State::Negotiating(_)) {
            return self.handle_negotiation(el);
        }
        if el.has_ns(ns::SM) {
            return self.handle_sm(el);
        }
        if !el.has_ns(ns::DEFAULT_NS) {
            return self.handle_stanza(el); // not a stanza: not counted (RFC 6120 §8)
        }
        self.handle_counted(|c| c.handle_stanza(el));
    }

    /// The largest frame read: `maxStanzaBytes`, except for the answer to this session's
    /// roster request, which may hold the whole roster (RFC 6121 §2.1.3: 20,000 contacts of
    /// 200 bytes are 4 MB) up to [`super::roster::MAX_ROSTER_ANSWER_BYTES`].
    pub(crate) fn incoming_limit(&self, text: &str) -> usize {
        let max = self.cfg.max_stanza_bytes;
        if text.len() <= max {
            return max;
        }
        let super::roster::Fetch::Sent(fetch) = &self.session.roster_fetch else {
            return max;
        };
        let answers_fetch = stanza::stanza_head(text).is_some_and(|h| {
            matches!(h.kind, stanza::StanzaKind::Iq)
                && h.attrs.is_some_and(|a| {
                    a.type_.as_deref() == Some("result") && a.id.as_ref() == Some(fetch)
                })
        });
        if answers_fetch {
            max.max(super::roster::MAX_ROSTER_ANSWER_BYTES)
        } else {
            max
        }
    }

    /// Counts a stanza received for XEP-0198 (§4: every stanza, whatever the client made of
    /// it); `false` without stream management.
    fn count_stanza(&mut self) -> bool {
        match self.session.sm.as_mut() {
            Some(sm) => {
                sm.received();
                true
            }
            None => false,
        }
    }

    /// Handles a stanza received, counted for XEP-0198 (§4) before it is handled and
    /// acknowledged unasked after it when due: every route a stanza takes in goes through here.
    pub(crate) fn handle_counted(&mut self, handle: impl FnOnce(&mut Self)) {
        let counted = self.count_stanza();
        handle(self);
        if counted {
            self.ack_unasked();
        }
    }

    /// A stanza that could not be read (`docs/decisions.md` §13): counted like any other
    /// (XEP-0198 §4), so the server neither resends it nor disagrees about the count; an IQ
    /// request whose start tag was readable gets `bad-request` (RFC 6120 §8.2.3), and an
    /// answer to one of this client's requests fails that request instead of leaving it to
    /// time out. Nothing else: no event the application must handle.
    fn skip_stanza(&mut self, head: stanza::StanzaHead, fault: stanza::FrameError) {
        if matches!(self.state, State::Closing { .. }) {
            return;
        }
        self.handle_counted(|c| {
            let (stanza::StanzaKind::Iq, Some(a)) = (head.kind, head.attrs) else {
                return;
            };
            let from = a.from.as_deref().and_then(|f| Jid::new(f).ok());
            match (a.type_.as_deref(), a.id) {
                (Some("get" | "set"), Some(id)) => c.answer_bad_request(from, id),
                (Some("result" | "error"), Some(id)) => c.handle_iq(Iq::Error {
                    from,
                    to: None,
                    id,
                    error: unreadable_answer(fault),
                    payload: None,
                }),
                _ => {}
            }
        });
    }

    pub(crate) fn handle_open(&mut self, el: Element) {
        if let State::Negotiating(Step::ExpectOpen { authed }) = self.state {
            let version = Open::try_from(el).ok().and_then(|o| o.version);
            if version.as_deref() != Some("1.0") {
                return self.stream_error(PeerMisbehaved::UnsupportedVersion);
            }
            self.state = State::Negotiating(Step::ExpectFeatures { authed });
        } else if !matches!(self.state, State::Closing { .. }) {
            self.stream_error(PeerMisbehaved::InvalidXml);
        }
    }

    /// The server's `<close/>` (RFC 7395 §3.6). With `see-other-uri` (§3.6.1) the client
    /// reconnects there and negotiates again, unless that would leave TLS or loop.
    pub(crate) fn handle_close(&mut self, see_other_uri: Option<&str>) {
        if let State::Closing { callback, .. } = self.state {
            self.out.transmits.push_back(Transmit::Close);
            self.state = State::Idle;
            return self.finish_logout(callback);
        }
        let was_tls = self
            .attempt
            .url
            .as_deref()
            .is_some_and(|u| u.starts_with("wss://"));
        let target = see_other_uri
            .filter(|u| u.starts_with("wss://") || (!was_tls && u.starts_with("ws://")));
        match target {
            Some(url) if self.attempt.redirects < MAX_REDIRECTS => {
                self.attempt.redirects += 1;
                let was_online = self.is_online();
                self.out.transmits.push_back(Transmit::Close);
                self.stream.bound = None;
                if was_online {
                    self.emit(Emit::Connection(Connection::status("reconnecting")));
                }
                self.connect(url.to_owned());
            }
            _ => {
                self.send_nonza(framing::close());
                self.connection_lost(None);
            }
        }
    }

    /// A stream error from the server (RFC 6120 §4.9): the stream is over; whether the client
    /// connects again depends on the condition (`docs/decisions.md` §2).
    pub(crate) fn handle_stream_error(&mut self, el: Element) {
        let condition = super::error::read_stream_error(&el);
        if let State::Closing { callback, .. } = self.state {
            self.out.transmits.push_back(Transmit::Close);
            self.state = State::Idle;
            return self.finish_logout(callback);
        }
        self.send_nonza(framing::close());
        // docs/decisions.md §16: a refusal right after stanzas went out refuses one of them, not
        // the account: the connection is restored and they go again one at a time.
        if is_refusal(&condition) && self.on_end(Refusal::Stream(condition.clone())) {
            return self.connection_lost(Some(condition));
        }
        if self.is_retried(&condition) {
            self.connection_lost(Some(condition));
        } else {
            self.give_up(ConnectionError::Disconnected {
                stream_error: Some(condition),
                close_code: None,
            });
        }
    }

    /// Whether a stream error is retried with a new connection; every other condition is
    /// terminal (`docs/decisions.md` §2).
    fn is_retried(&self, condition: &StreamCondition) -> bool {
        match condition {
            // The server's own trouble, or a move: a new connection is the remedy.
            StreamCondition::SystemShutdown
            | StreamCondition::ConnectionTimeout
            | StreamCondition::Reset
            | StreamCondition::InternalServerError
            | StreamCondition::SeeOtherHost(_) => true,
            // The client only sends XML it generated, so a `not-well-formed` from the server
            // means bytes damaged in transit: seen against Prosody when a connection is cut in
            // the middle of a frame and the dying connection's parser error reaches the resumed
            // session.
            StreamCondition::NotWellFormed => true,
            // A `conflict` within seconds of this client resuming its session is the same kind
            // of leak: the server replaced the old connection's process with ours (XEP-0198
            // §5) and the notice meant for the old connection arrived on the resumed one (seen
            // against ejabberd 23.01 under rapid connection cuts). Nobody else took the
            // resource: this client did. Later, a `conflict` means another client and stays
            // terminal.
            StreamCondition::Conflict => self
                .session
                .resumed_at
                .is_some_and(|t| self.now.0 < t.0.saturating_add(RESUMED_CONFLICT_MS)),
            _ => false,
        }
    }
}

/// The error a request gets when its answer could not be read (`docs/decisions.md` §13).
fn unreadable_answer(fault: stanza::FrameError) -> StanzaError {
    let text = match fault {
        stanza::FrameError::TooBig => "The answer is larger than maxStanzaBytes",
        stanza::FrameError::TooDeep => "The answer is nested too deep",
        stanza::FrameError::NotWellFormed | stanza::FrameError::Restricted => {
            "The answer could not be read"
        }
    };
    StanzaError::new(
        ErrorType::Cancel,
        DefinedCondition::NotAcceptable,
        "en",
        text,
    )
}

#[cfg(test)]
mod tests {
    use crate::proto::testing::online_client;
    use crate::proto::{Event, Instant, Transmit};

    #[test]
    fn a_server_frame_that_is_not_xml_ends_the_stream_with_a_stream_error() {
        let (mut c, _) = online_client(false, "pw");
        c.handle_frame(
            "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><unclosed",
            Instant(1),
        );
        let frames: Vec<String> = std::iter::from_fn(|| c.poll_transmit())
            .filter_map(|t| match t {
                Transmit::Frame(f) => Some(f),
                _ => None,
            })
            .collect();
        assert!(frames[0].contains("not-well-formed"), "{frames:?}");
        assert!(frames[1].contains("<close"), "{frames:?}");
        let errors: Vec<String> = std::iter::from_fn(|| c.poll_event())
            .filter_map(|e| match e {
                Event::Emit(e @ crate::events::Emit::Error(_)) => {
                    Some(serde_json::to_string(&e).unwrap())
                }
                _ => None,
            })
            .collect();
        assert!(errors[0].contains("not-well-formed"), "{errors:?}");
        assert!(!c.is_online());
        // nothing more is read on a stream that has ended
        c.handle_frame("<presence xmlns='jabber:client' from='a@b'/>", Instant(2));
        assert!(c.poll_event().is_none());
    }

    #[test]
    fn without_a_websocket_the_login_fails_and_says_why() {
        use crate::events::command::Command;
        use crate::proto::{Callback, Client, Config, SocketEvent};
        let mut c = Client::new(Config::default());
        let login = Command::login("alice@localhost", "pw", "ws://127.0.0.1/ws");
        c.handle_command(login, Callback::Promise(1), Instant(0));
        c.handle_socket(SocketEvent::Unsupported, Instant(1));
        let errors: Vec<String> = std::iter::from_fn(|| c.poll_event())
            .filter_map(|e| match e {
                Event::Reply { result: Err(e), .. } => Some(serde_json::to_string(&e).unwrap()),
                _ => None,
            })
            .collect();
        assert!(errors[0].contains("no-websocket"), "{errors:?}");
        assert!(!c.is_online());
    }

    #[test]
    fn a_stanza_that_is_not_xml_is_skipped() {
        let (mut c, _) = online_client(false, "pw");
        c.set_raw(true);
        c.handle_frame("<message xmlns='jabber:client'><body>unclosed", Instant(1));
        assert!(c.poll_transmit().is_none());
        let raw = format!("{:?}", c.poll_event());
        assert!(
            raw.contains("not-well-formed") && raw.contains("skipped"),
            "{raw}"
        );
        assert!(c.poll_event().is_none());
        assert!(c.is_online());
    }
}
