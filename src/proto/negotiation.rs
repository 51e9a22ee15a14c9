//! Stream negotiation (RFC 6120 §4.3): the features, XEP-0077 in-band registration, SASL
//! (§6), resource binding (§7), the RFC 3921 session where a server still requires it, and
//! XEP-0198 resumption (§5), as `Expect*` steps: each consumes an element and returns the step
//! that comes next (`None` once online or given up), so no step puts the state back by hand. Every
//! element is read and built with its xmpp-parsers type.

use super::error::PeerMisbehaved;
use super::{framing, kept, sasl, sm, Callback, Client, Instant, State, Transmit};
use crate::events::{self, Connection, ConnectionError, Emit, Jid, Reply, StanzaFault};
use crate::stanza::{self, ns, Element};
use xmpp_parsers::bind::{BindQuery, BindResponse};
use xmpp_parsers::iq::Iq;
use xmpp_parsers::sasl::{Auth, Challenge, Mechanism, Response, Success};

/// RFC 3921 §3 session establishment (not in xmpp-parsers' `ns`: RFC 6121 dropped it).
use super::features::{Features, NS_SESSION};

/// Where the stream negotiation is (RFC 6120 §4.3, §6, §7).
#[allow(clippy::enum_variant_names)] // the style guide names states `Expect*`
pub(crate) enum Step {
    /// The server's `<open/>` (RFC 7395 §3.4); `authed` after SASL success.
    ExpectOpen { authed: bool },
    /// `<stream:features/>`.
    ExpectFeatures { authed: bool },
    /// XEP-0077 §3.1: the answer to the registration.
    ExpectRegister { id: String, mechanisms: Vec<String> },
    /// A SASL challenge, success or failure.
    ExpectSasl(sasl::Exchange),
    /// The answer to the bind request (§7.6).
    ExpectBind { id: String },
    /// The answer to the RFC 3921 session request.
    ExpectSession { id: String },
    /// XEP-0198 §5: `<resume/>` sent.
    ExpectResume,
}

/// The result or error answering the IQ `id`; `None` for any other element.
fn answer(el: Element, id: &str) -> Option<Result<Option<Element>, Element>> {
    if !el.is("iq", ns::DEFAULT_NS) || el.attr("id") != Some(id) {
        return None;
    }
    match el.attr("type") {
        Some("result") => Some(match Iq::try_from(el.clone()) {
            Ok(Iq::Result { payload, .. }) => Ok(payload),
            _ => Err(el),
        }),
        _ => Some(Err(el)),
    }
}

impl Client {
    /// An element during the negotiation: the current step consumes it and says which step
    /// comes next (`None`: the negotiation is over, online or given up, and whoever ended it
    /// set the state).
    pub(crate) fn handle_negotiation(&mut self, el: Element) {
        let State::Negotiating(step) = std::mem::replace(&mut self.state, State::Idle) else {
            return;
        };
        if let Some(next) = self.negotiate(step, el) {
            self.state = State::Negotiating(next);
        }
    }

    /// Ends the negotiation with a stream error (RFC 6120 §4.9.3).
    fn fail(&mut self, fault: PeerMisbehaved) -> Option<Step> {
        self.stream_error(fault);
        None
    }

    /// Ends the negotiation: `err` for the application, after `<close/>`.
    fn refuse(&mut self, err: impl Into<events::Error>) -> Option<Step> {
        self.send_nonza(framing::close());
        self.give_up(err);
        None
    }

    fn negotiate(&mut self, step: Step, el: Element) -> Option<Step> {
        match step {
            // A stanza before the stream header.
            Step::ExpectOpen { .. } => self.fail(PeerMisbehaved::InvalidXml),
            Step::ExpectFeatures { authed } => {
                let Some(features) = Features::read(&el) else {
                    return self.fail(PeerMisbehaved::InvalidXml);
                };
                if !authed {
                    return self.start_auth(&features);
                }
                self.stream.sm_offered = features.sm;
                self.stream.roster_versioning = features.roster_ver;
                self.stream.max_bytes = features.max_bytes;
                let resume = self.session.sm.as_ref().and_then(sm::Sm::resume);
                self.session.last_features = Some(features);
                match resume {
                    Some(r) if self.stream.sm_offered => {
                        self.send_nonza(r);
                        Some(Step::ExpectResume)
                    }
                    _ => self.start_bind(),
                }
            }
            Step::ExpectRegister { id, mechanisms } => match answer(el, &id) {
                None => Some(Step::ExpectRegister { id, mechanisms }),
                Some(Ok(_)) => self.start_sasl(&mechanisms),
                Some(Err(_)) => self.refuse(ConnectionError::RegistrationFail),
            },
            Step::ExpectSasl(exchange) => self.handle_sasl(el, exchange),
            Step::ExpectBind { id } => match answer(el, &id) {
                None => Some(Step::ExpectBind { id }),
                Some(result) => {
                    let jid = result
                        .as_ref()
                        .ok()
                        .cloned()
                        .flatten()
                        .and_then(|p| BindResponse::try_from(p).ok())
                        .map(|b| Jid::from(b.jid));
                    match (jid, result) {
                        (Some(jid), _) => {
                            self.stream.bound = Some(jid);
                            self.after_bind()
                        }
                        (None, r) => {
                            let mut err = match r {
                                Err(el) => StanzaFault::of(&el),
                                Ok(_) => StanzaFault {
                                    error: None,
                                    description: None,
                                },
                            };
                            err.description = Some("Resource binding failed".into());
                            self.refuse(err)
                        }
                    }
                }
            },
            Step::ExpectResume => self.handle_resume_answer(el),
            Step::ExpectSession { id } => match answer(el, &id) {
                None => Some(Step::ExpectSession { id }),
                Some(_) => self.go_online(),
            },
        }
    }

    /// RFC 3921 session establishment, only where a server still requires it; else online.
    fn after_bind(&mut self) -> Option<Step> {
        if !self.stream.session_required {
            return self.go_online();
        }
        let id = self.next_id();
        let session = Element::builder("session", NS_SESSION).build();
        self.send_nonza(stanza::iq_request(true, &id, None, session));
        Some(Step::ExpectSession { id })
    }

    /// Pre-authentication features: XEP-0077 registration when asked, then SASL.
    fn start_auth(&mut self, features: &Features) -> Option<Step> {
        let mechanisms = features.mechanisms.clone();
        let Some(p) = self.attempt.params.as_ref() else {
            return self.fail(PeerMisbehaved::InternalServerError);
        };
        if p.register {
            if !features.register {
                return self.refuse(ConnectionError::RegistrationFail);
            }
            // XEP-0077 §3.1: the server accepts a set with username and password directly.
            let (user, password) = (p.user(), p.password.clone());
            let id = self.next_id();
            // Built with minidom: xmpp-parsers' `ibr::LegacyQuery` serialiser is 17 KB of wasm
            // (twiggy) for two fields sent once per account.
            let iq = |pw: &str| {
                let field =
                    |name: &str, v: &str| Element::builder(name, ns::REGISTER).append(v).build();
                let query = Element::builder("query", ns::REGISTER)
                    .append(field("username", &user))
                    .append(field("password", pw))
                    .build();
                stanza::iq_request(true, &id, None, query)
            };
            let (iq, redacted) = (iq(&password), iq("[redacted]"));
            self.send_frame(stanza::write(iq), Some(&stanza::write(redacted)));
            return Some(Step::ExpectRegister { id, mechanisms });
        }
        self.start_sasl(&mechanisms)
    }

    /// RFC 6120 §6.4.2: choose a mechanism and send `<auth/>` with the initial response.
    fn start_sasl(&mut self, mechanisms: &[String]) -> Option<Step> {
        let Some(p) = self.attempt.params.as_ref() else {
            return self.fail(PeerMisbehaved::InternalServerError);
        };
        let plain_ok = self
            .attempt
            .url
            .as_deref()
            .is_some_and(events::login::plain_allowed);
        let mech = match sasl::choose(mechanisms, p.anonymous, plain_ok) {
            Ok(m) => m,
            Err(e) => {
                let err = match e {
                    sasl::ChoiceError::InsecurePlain => ConnectionError::InsecureTransport,
                    sasl::ChoiceError::NoMechanism => ConnectionError::LoginFail,
                };
                return self.refuse(err);
            }
        };
        let (user, password) = (p.user(), p.password.clone());
        let nonce = match &self.cfg.scram_nonce {
            Some(n) => n.clone(),
            None => self.rng.nonce(),
        };
        let (initial, exchange) = sasl::start(mech, &user, &password, nonce);
        let Ok(mechanism) = mech.name().parse::<Mechanism>() else {
            return self.fail(PeerMisbehaved::InternalServerError);
        };
        let with_text = |t: &str| {
            Element::builder("auth", ns::SASL)
                .attr(stanza::name("mechanism"), mech.name())
                .append(t)
                .build()
        };
        // RFC 6120 §6.4.2: an empty initial response is sent as "=" (xmpp-parsers' `Auth`
        // would send no text, which means "no initial response").
        let auth = if initial.is_empty() {
            with_text("=")
        } else {
            Auth {
                mechanism,
                data: initial,
            }
            .into()
        };
        self.send_frame(
            stanza::write(auth),
            Some(&stanza::write(with_text("[redacted]"))),
        );
        Some(Step::ExpectSasl(exchange))
    }

    fn handle_sasl(&mut self, el: Element, mut exchange: sasl::Exchange) -> Option<Step> {
        if !el.has_ns(ns::SASL) {
            return self.fail(PeerMisbehaved::InvalidXml);
        }
        match el.name() {
            "challenge" => {
                let salting = match (&mut exchange, Challenge::try_from(el)) {
                    (sasl::Exchange::Scram(s), Ok(c)) => s.server_first(&c.data).ok(),
                    _ => None,
                };
                let Some(salting) = salting else {
                    // RFC 6120 §6.4.4: abort, then end the attempt.
                    self.send_nonza(xmpp_parsers::sasl::Abort);
                    return self.refuse(ConnectionError::LoginFail);
                };
                // RFC 5802 §5.1: a client may keep SaltedPassword for the next
                // authentication; kept in memory only, so a reconnection skips PBKDF2.
                if let Some(key) = self.scram.cached(&salting) {
                    return self.sasl_respond(exchange, &key);
                }
                if !self.cfg.derive_in_shell {
                    let key = salting.derive();
                    return self.sasl_respond_derived(exchange, salting, key);
                }
                let id = self.scram.next_derivation();
                self.session.deriving = Some((id, salting.clone()));
                self.out.transmit(Transmit::Derive { id, salting });
                Some(Step::ExpectSasl(exchange))
            }
            "success" => {
                let verified = match (&exchange, Success::try_from(el)) {
                    (sasl::Exchange::Scram(s), Ok(d)) => s.verify(&d.data).is_ok(),
                    (sasl::Exchange::Simple, _) => true,
                    _ => false,
                };
                if !verified {
                    // The server could not prove it knows the password (RFC 5802 §9).
                    return self.refuse(ConnectionError::LoginFail);
                }
                // RFC 6120 §6.4.6: restart the stream.
                let Some(jid) = self.attempt.params.as_ref().map(|p| p.jid.clone()) else {
                    return self.fail(PeerMisbehaved::InternalServerError);
                };
                self.send_nonza(framing::open(jid));
                Some(Step::ExpectOpen { authed: true })
            }
            "failure" => self.refuse(ConnectionError::LoginFail),
            _ => self.fail(PeerMisbehaved::InvalidXml),
        }
    }

    /// The answer to a [`Transmit::Derive`]: SaltedPassword computed by the shell (WebCrypto),
    /// or `None` when it could not (then it is computed here). An answer for an attempt that
    /// is over is ignored.
    pub fn handle_derived(&mut self, id: u32, key: Option<Vec<u8>>, now: Instant) {
        self.now = self.now.max(now);
        match &self.session.deriving {
            Some((want, _)) if *want == id => {}
            _ => return,
        }
        let Some((_, salting)) = self.session.deriving.take() else {
            return;
        };
        if !matches!(self.state, State::Negotiating(Step::ExpectSasl(_))) {
            return; // the exchange that asked is over (the connection went, the server failed it)
        }
        let State::Negotiating(Step::ExpectSasl(exchange)) =
            std::mem::replace(&mut self.state, State::Idle)
        else {
            return;
        };
        let key = match key {
            Some(k) if k.len() == salting.key_len() => k,
            _ => salting.derive(),
        };
        if let Some(next) = self.sasl_respond_derived(exchange, salting, key) {
            self.state = State::Negotiating(next);
        }
    }

    /// Keeps a freshly derived SaltedPassword in memory (RFC 5802 §5.1) and answers with it.
    fn sasl_respond_derived(
        &mut self,
        exchange: sasl::Exchange,
        salting: sasl::Salting,
        key: Vec<u8>,
    ) -> Option<Step> {
        let next = self.sasl_respond(exchange, &key);
        self.scram.keep(salting, key);
        next
    }

    /// Sends `client-final-message` (RFC 5802 §5.1) computed from SaltedPassword.
    fn sasl_respond(&mut self, mut exchange: sasl::Exchange, salted: &[u8]) -> Option<Step> {
        let sasl::Exchange::Scram(s) = &mut exchange else {
            return self.fail(PeerMisbehaved::InternalServerError);
        };
        let resp = Response {
            data: s.finish(salted).into_bytes(),
        };
        let redacted = Element::builder("response", ns::SASL)
            .append("[redacted]")
            .build();
        self.send_frame(stanza::write(resp), Some(&stanza::write(redacted)));
        Some(Step::ExpectSasl(exchange))
    }

    /// RFC 6120 §7: bind the requested resource (or let the server choose), with the
    /// post-authentication features kept in `last_features`.
    fn start_bind(&mut self) -> Option<Step> {
        let Some(features) = self.session.last_features.as_ref() else {
            return self.fail(PeerMisbehaved::InternalServerError);
        };
        if !features.bind {
            return self.fail(PeerMisbehaved::UnsupportedFeature);
        }
        // RFC 3921 §3: `<session/>` unless it is marked optional (RFC 6121 leaves it out).
        self.stream.session_required = features.session_required;
        // A new session: what the old one never had acknowledged is sent again once online,
        // but a stanza the server refused twice (docs/decisions.md §16).
        if let Some(old) = self.session.sm.take() {
            let mut unsent = old.unacked;
            self.settle_on_new_session(&mut unsent);
            self.session.resend.extend(unsent);
        }
        self.session
            .resend
            .extend(std::mem::take(&mut self.session.paced));
        let resource = self
            .attempt
            .params
            .as_ref()
            .and_then(|p| p.resource.clone());
        let id = self.next_id();
        self.send_nonza(Iq::from_set(id.clone(), BindQuery::new(resource)));
        Some(Step::ExpectBind { id })
    }

    /// The session is ready: a new one after binding. The negotiation is over.
    fn go_online(&mut self) -> Option<Step> {
        self.go_online_as(false);
        None
    }

    /// Online on a new session, or on a resumed one (`resumed`, XEP-0198 §5).
    fn go_online_as(&mut self, resumed: bool) {
        let reconnection = self.session.established;
        // A session kept from before a reload (docs/decisions.md §10) counts as one.
        let restored = !reconnection
            && self.session.kept_key.is_some()
            && (resumed || self.session.mark.is_some());
        self.state = State::Online;
        self.attempt.deadline = None;
        self.session.established = true;
        self.session.attempt = 0;
        self.stream.last_rx = self.now;
        if let Some(p) = self.attempt.params.as_mut() {
            p.register = false; // the account exists now; a reconnection only logs in
        }
        if !resumed && self.stream.sm_offered {
            // XEP-0198 §3: counting starts with <enable/>.
            self.session.sm = Some(sm::Sm::default());
            self.send_nonza(sm::Sm::enable());
        }
        let data = Connection {
            status: "online",
            jid: self.stream.bound.as_ref().map(events::jid_obj),
            resumed: (reconnection || restored).then_some(resumed),
        };
        if let Callback::Promise(id) = self.attempt.take_callback() {
            self.reply(id, Ok(Reply::Online(data.clone())));
        }
        self.emit(Emit::Connection(data));
        if resumed && !reconnection {
            self.replay_presences();
        } else if !resumed {
            self.session.presences.clear(); // a new session: the server sends them again
        }
        if resumed {
            // XEP-0198 §5: send again what the server had not received.
            let again: Vec<String> = self
                .session
                .sm
                .as_ref()
                .map(|sm| sm.unacked.iter().map(|o| o.frame.clone()).collect())
                .unwrap_or_default();
            if self.session.careful > 0 {
                // docs/decisions.md §16: one at a time, each acknowledged before the next
                self.session.careful = again.len();
                self.session.resend_queue = again.into();
                self.careful_resend();
            } else {
                if !again.is_empty() {
                    self.went_out();
                }
                for frame in again {
                    self.send_frame(frame, None);
                }
            }
            // Kept from before a reload: what was waiting for the connection.
            for out in std::mem::take(&mut self.session.resend) {
                self.send_out(out);
            }
            // What waited for the window before the drop goes as acks make room.
            self.flush_paced();
        } else {
            // RFC 6121 §2.2: the roster before the presence that makes contacts' arrive.
            self.roster_new_session();
            if self.session.roster_first || !self.waiting.roster.is_empty() {
                self.request_roster();
            }
            if reconnection {
                if let Some(p) = self.session.last_presence.clone() {
                    self.send_stanza(p);
                }
            }
            if self.session.careful > 0 {
                // docs/decisions.md §16: what the old session had in flight, one at a time
                self.session.careful = self.session.resend.len();
            }
            for out in std::mem::take(&mut self.session.resend) {
                self.send_out(out);
            }
            // XEP-0313 catch-up from the last point delivered, once MAM support is known; a
            // first session starts the mark at its own start.
            self.session.catchup_due = self.session.mark.is_some();
            if self.session.mark.is_none() {
                let when = self.wall_time();
                self.session.mark = Some(kept::Mark { id: None, when });
            }
        }
        for q in std::mem::take(&mut self.waiting.commands) {
            self.send_queued(q);
        }
        // A resumption within the page keeps what the session knew; one after a reload
        // (this page has not been online) learns it again.
        if !resumed || !reconnection {
            self.discover_services();
        }
        if !resumed {
            self.restart_uploads();
        }
        self.flush_mam();
        self.flush_roster();
        self.flush_blocking();
        self.advance_uploads();
    }

    /// XEP-0198 §5: `<resumed/>` or `<failed/>` after `<resume/>`.
    fn handle_resume_answer(&mut self, el: Element) -> Option<Step> {
        use xmpp_parsers::sm::Nonza;
        match sm::read_nonza(el) {
            Some(Nonza::Resumed(r)) => {
                let Some(acked) = self.session.sm.as_mut().map(|sm| {
                    sm.answered = sm.handled; // `<resume h/>` told the server this much
                    sm.ack_resumed(r.h)
                }) else {
                    return self.fail(PeerMisbehaved::UndefinedCondition);
                };
                let Ok(ids) = acked else {
                    // XEP-0198 §4: more acknowledged than was sent. Said with a stream error,
                    // then a new session, with everything unacknowledged sent again: the
                    // account stays online (a receiver drops what it got twice by id).
                    if let Some(sm) = self.session.sm.as_mut() {
                        sm.id = None;
                    }
                    self.send_nonza(PeerMisbehaved::UndefinedCondition.stream_error());
                    self.send_nonza(framing::close());
                    self.connection_lost(None);
                    return None;
                };
                // After a reload, the JID comes back with the session.
                if let Some(jid) = self.session.sm.as_ref().and_then(|sm| sm.jid.clone()) {
                    self.stream.bound = Some(jid);
                }
                self.acknowledged(ids);
                self.settle_on_resumption();
                self.session.resumed_at = Some(self.now);
                self.session.resumption_unproven = true;
                self.go_online_as(true);
                None
            }
            Some(Nonza::Failed(f)) => {
                // The server may say what it had received (v1.6 §5); the rest is resent.
                if let (Some(sm), Some(h)) = (self.session.sm.as_mut(), f.h) {
                    if let Ok(ids) = sm.ack(h) {
                        self.acknowledged(ids);
                    }
                }
                self.start_bind()
            }
            _ => self.fail(PeerMisbehaved::InvalidXml),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(s: &str) -> Element {
        stanza::parse_frame(s, 4096).unwrap()
    }

    /// A client whose socket opened for `alice@localhost` (PLAIN allowed on loopback).
    fn opened() -> Client {
        use crate::events::command::Command;
        let mut c = Client::new(super::super::Config::default());
        let login = Command::login("alice@localhost", "pw", "ws://127.0.0.1/ws");
        c.handle_command(login, Callback::None, Instant(0));
        c.handle_socket(super::super::SocketEvent::Open, Instant(0));
        c.handle_frame(
            "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='localhost' id='x' version='1.0'/>",
            Instant(0),
        );
        c
    }

    #[test]
    fn each_step_says_what_comes_next() {
        let mut c = opened();
        assert!(matches!(
            c.state,
            State::Negotiating(Step::ExpectFeatures { authed: false })
        ));
        c.handle_frame(
            "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
             <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>\
             </mechanisms></stream:features>",
            Instant(1),
        );
        assert!(matches!(c.state, State::Negotiating(Step::ExpectSasl(_))));
        // an element the step does not expect ends the negotiation with a stream error
        c.handle_frame(
            "<foo xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
            Instant(2),
        );
        assert!(matches!(c.state, State::Idle));
        let frames: Vec<Transmit> = std::iter::from_fn(|| c.poll_transmit()).collect();
        assert!(format!("{frames:?}").contains("invalid-xml"), "{frames:?}");
        // a SASL failure ends it too, without a stream error
        let mut c = opened();
        c.handle_frame(
            "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
             <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>\
             </mechanisms></stream:features>",
            Instant(1),
        );
        c.handle_frame(
            "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>",
            Instant(2),
        );
        assert!(matches!(c.state, State::Idle));
    }

    #[test]
    fn answers_are_matched_by_id_and_type() {
        assert!(answer(el("<iq xmlns='jabber:client' type='result' id='b'/>"), "a").is_none());
        assert!(answer(el("<presence xmlns='jabber:client' id='a'/>"), "a").is_none());
        assert!(matches!(
            answer(el("<iq xmlns='jabber:client' type='result' id='a'/>"), "a"),
            Some(Ok(None))
        ));
        assert!(matches!(
            answer(
                el(
                    "<iq xmlns='jabber:client' type='error' id='a'><error type='cancel'>\
                <conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
                ),
                "a"
            ),
            Some(Err(_))
        ));
    }
}
