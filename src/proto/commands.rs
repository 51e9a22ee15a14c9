//! What the application asks: `send(event, payload, cb)` and `request(event, payload)`.
//! Login and logout (RFC 6120 §7, RFC 7395 §3.6, XEP-0156 discovery), and the commands that
//! need a session: validated into xmpp-parsers stanzas by `events`, then sent, or queued until
//! online (`docs/decisions.md` §2–§3).

use super::kept::StoreOp;
use super::sm::Out;
use super::{
    framing, Callback, Client, Instant, Queued, State, Transmit, CLOSE_GRACE_MS, MAX_QUEUED,
};
use crate::events::command::Command;
use crate::events::{
    self, actions, chat, presence, ClientError, Connection, ConnectionError, Emit, Reply,
};
use crate::events::{Echo, Error, Limit};
use crate::stanza::{self, Element};

/// The outbox's cap, in the measure of the kept state (each stanza's length plus
/// [`OUTBOX_ITEM_BYTES`]): a full outbox still fits in the store with room to spare, so what
/// it holds survives a reload.
pub(crate) const OUTBOX_MAX_BYTES: usize = super::kept::MAX_KEPT_CHARS - 65_536;
/// What the store adds to each stanza it keeps.
const OUTBOX_ITEM_BYTES: usize = 64;

impl Client {
    /// The outbox: what the application handed over and the server has not acknowledged
    /// (sent, to send again on a new session, or waiting for the session), in the measure of
    /// [`OUTBOX_MAX_BYTES`].
    pub(crate) fn outbox_bytes(&self) -> usize {
        self.outbox()
            .map(|o| o.frame.len() + OUTBOX_ITEM_BYTES)
            .sum()
    }

    /// The outbox's stanzas, oldest first: sent and not acknowledged, waiting for the
    /// window, to send again on a new session, waiting for the session.
    pub(crate) fn outbox(&self) -> impl Iterator<Item = &Out> {
        let sm = self.session.sm.iter().flat_map(|s| s.unacked.iter());
        let waiting = self.waiting.commands.iter().map(|q| &q.out);
        sm.chain(self.session.paced.iter())
            .chain(self.session.resend.iter())
            .chain(waiting)
    }

    /// Whether commands that need a session are taken (logged in, or logging in).
    pub(crate) fn has_session(&self) -> bool {
        !matches!(self.state, State::Idle | State::Closing { .. })
    }

    /// A `send(event, payload, callback)` or `request(event, payload)` from the application,
    /// read by [`Command::read`].
    pub fn handle_command(&mut self, cmd: Command, cb: Callback, now: Instant) {
        self.settle();
        self.now = self.now.max(now);
        match cmd {
            Command::Login { payload, anonymous } => self.handle_login(payload, anonymous, cb, now),
            Command::Logout { forget } => {
                if forget {
                    self.session.roster_dirty = false;
                    if let Some(account) = self.session.roster_key.take() {
                        self.out
                            .store_ops
                            .push_back(StoreOp::RemoveRoster { account });
                    }
                }
                self.handle_logout(cb, now)
            }
            cmd => self.handle_session_command(cmd, cb),
        }
    }

    /// Commands that need a session: validated, then sent, or queued until online.
    pub(crate) fn handle_session_command(&mut self, cmd: Command, cb: Callback) {
        if cb == Callback::NotAFunction {
            return self.missing_callback();
        }
        let has_callback = cb.id().is_some();
        // The stanza, and the id of an application's chat message: its callback gets `{id}`
        // once it is handed over, and `xmpp.chat.sent` reports the id once acknowledged.
        let mut broadcast = false;
        let mut available = false;
        let built: Result<(Element, Option<String>), ClientError> = match cmd {
            Command::NotAnObject => {
                return self.client_error(cb, ClientError::new("Payload must be an object"))
            }
            Command::Roster(op, p) => return self.handle_roster_command(op, p, cb),
            Command::MamQuery(_) | Command::MamPreferences(_) | Command::MamPreferencesGet => {
                return self.handle_mam_command(cmd, cb)
            }
            Command::Pending => {
                return match cb.id() {
                    None => self.missing_callback(),
                    Some(_) if !self.has_session() => self.not_connected(cb),
                    Some(id) => {
                        let list = self.pending_messages();
                        self.reply(id, Ok(Reply::Pending(list)))
                    }
                };
            }
            Command::Presence(p) => {
                broadcast = p.to.is_absent();
                available = broadcast && p.type_.given().is_none_or(|t| t != "unavailable");
                presence::build(p).map(|e| (e, None))
            }
            Command::Offline => {
                broadcast = true;
                Ok((presence::build_offline(), None))
            }
            Command::Directed(kind, p) => presence::build_directed(p, kind).map(|e| (e, None)),
            Command::Message(m) => chat::validate(m, has_callback).map(|m| {
                // docs/decisions.md §4: every outgoing message has a UUID v4 id, callback or not.
                let id = self.next_id();
                (m.stanza(&id).into(), Some(id))
            }),
            Command::Receipt(r) => {
                let id = self.next_id();
                chat::receipt_stanza(r, &id).map(|e| (e.into(), None))
            }
            // docs/decisions.md §14: each action is a message with its own id and origin-id.
            Command::Reaction(r) => {
                let id = self.next_id();
                actions::reaction_stanza(r, &id).map(|m| (m.into(), Some(id)))
            }
            Command::Retract(r) => {
                let id = self.next_id();
                actions::retract_stanza(r, &id).map(|m| (m.into(), Some(id)))
            }
            Command::Displayed(r) => {
                let id = self.next_id();
                actions::displayed_stanza(r, &id).map(|m| (m.into(), Some(id)))
            }
            Command::BlockingList | Command::Block(..) => {
                return self.handle_blocking_command(cmd, cb)
            }
            Command::File(p) => return self.handle_file_command(p, cb),
            Command::FileCancel(p) => return self.handle_file_cancel(p, cb),
            Command::Unknown(name) => {
                let err = ClientError::new(format!("Unknown event '{name}'"));
                return self.client_error(cb, err);
            }
            Command::Login { .. } | Command::Logout { .. } => return,
        };
        if !self.has_session() {
            return self.not_connected(cb);
        }
        match built {
            Err(e) => self.client_error(cb, e),
            Ok((el, message)) => {
                let stanza = stanza::write(el);
                // docs/decisions.md §16: what the server or the browser could not take as one
                // frame is refused here, neither sent nor kept.
                if stanza.len() > self.outgoing_limit() {
                    return self.client_error(cb, ClientError::new("Message too large"));
                }
                let reply = message.clone().map(Reply::Id);
                // docs/decisions.md §2: the last broadcast presence is restored on a new session.
                if broadcast {
                    self.session.last_presence = Some(stanza.clone());
                }
                if available {
                    // RFC 6121 §2.2: the roster is requested before the initial presence.
                    self.session.roster_first = true;
                    self.request_roster();
                }
                self.enqueue(Queued {
                    out: Out {
                        frame: stanza,
                        message,
                    },
                    callback: cb,
                    reply,
                });
            }
        }
    }

    /// Sends a command's stanza now, or keeps it until online. A full outbox refuses it
    /// (`Outbox full`, `docs/decisions.md` §16): nothing older is dropped.
    pub(crate) fn enqueue(&mut self, q: Queued) {
        if self.outbox_bytes() + q.out.frame.len() + OUTBOX_ITEM_BYTES > OUTBOX_MAX_BYTES {
            return self.client_error(q.callback, ClientError::new("Outbox full"));
        }
        if self.is_online() {
            self.send_queued(q);
        } else if self.waiting.commands.len() >= MAX_QUEUED {
            self.client_error(q.callback, Limit::QueueFull);
        } else if self.session.established {
            // docs/decisions.md §3: while reconnecting, the callback hears at once.
            let mut q = q;
            match (q.reply.take(), q.callback.id()) {
                (Some(args), Some(id)) => self.reply(id, Ok(args)),
                _ => self.handed_over(q.callback),
            }
            q.callback = Callback::None;
            self.waiting.commands.push(q);
        } else {
            self.waiting.commands.push(q);
        }
    }

    /// Sends a command's stanza and settles its callback.
    pub(crate) fn send_queued(&mut self, q: Queued) {
        // The callback hears of the id before `xmpp.chat.sent` can report it.
        match (q.reply, q.callback.id()) {
            (Some(args), Some(id)) => self.reply(id, Ok(args)),
            _ => self.handed_over(q.callback),
        }
        self.send_out(q.out);
    }

    pub(crate) fn handle_login(
        &mut self,
        payload: events::command::Login,
        anonymous: bool,
        cb: Callback,
        now: Instant,
    ) {
        let params = match events::login::parse(payload, anonymous) {
            Ok(p) => p,
            Err(e) => {
                // xmpp-ftw: login errors are `xmpp.error` events; a promise also hears of it.
                if let Callback::Promise(id) = cb {
                    self.reply(id, Err(e.clone().into()));
                }
                return self.emit(Emit::Error(e.into()));
            }
        };
        // Any existing session is ended first (xmpp-ftw logs out before a new login).
        if !matches!(self.state, State::Idle) {
            self.abandon(Some(ConnectionError::NotConnected.into()));
        }
        // What the previous login keeps is written before it is forgotten.
        if let Some(op) = self.poll_store_state() {
            self.out.store_ops.push_back(op);
        }
        if let Some(op) = self.poll_roster_store() {
            self.out.store_ops.push_back(op);
        }
        // A new login starts from nothing: no stream to resume, no roster of another account.
        self.forget_session();
        // docs/decisions.md §10: the state kept for this account (after a reload) is asked
        // for; the shell answers with `handle_kept` before the socket opens.
        if self.cfg.persist && !anonymous {
            let account = params.jid.to_string();
            self.out.store_ops.push_back(StoreOp::Load {
                account: account.clone(),
            });
            // RFC 6121 §2.6: the roster kept from an earlier login or before a reload.
            self.session.roster_key = Some(account.clone());
            self.out
                .store_ops
                .push_back(StoreOp::LoadRoster { account });
        }
        let deadline = now.plus(self.cfg.request_timeout_ms);
        let host_meta = self.cfg.host_meta_url.clone();
        self.attempt.start(params, cb, deadline, host_meta);
        match self.attempt.websocket() {
            Some(url) => self.connect(url),
            None => {
                self.state = State::Discovering;
                self.next_discovery();
            }
        }
    }

    /// Asks the shell for the next host-meta URL; `false` when none is left.
    pub(crate) fn next_discovery(&mut self) -> bool {
        match self.attempt.discovery.pop() {
            Some(url) => {
                self.out.transmits.push_back(Transmit::Discover {
                    url,
                    login: self.attempt.seq,
                });
                true
            }
            None => false,
        }
    }

    pub(crate) fn connect(&mut self, url: String) {
        self.attempt.url = Some(url.clone());
        self.state = State::Connecting;
        self.session.sent_on_connection = false;
        self.out.transmits.push_back(Transmit::Connect { url });
    }

    pub(crate) fn handle_logout(&mut self, cb: Callback, now: Instant) {
        match self.state {
            State::Idle | State::Closing { .. } => {
                if cb == Callback::NotAFunction {
                    let err = ClientError::new("Missing callback").echo(Echo::Empty);
                    return self.emit(Emit::ClientError(err.into()));
                }
                self.not_connected(cb)
            }
            State::Online | State::Negotiating(_) => {
                self.fail_login_attempt(ConnectionError::NotConnected.into());
                self.send_nonza(framing::close());
                self.state = State::Closing {
                    callback: cb,
                    deadline: now.plus(CLOSE_GRACE_MS),
                };
            }
            State::Discovering | State::Connecting | State::Waiting { .. } => {
                self.fail_login_attempt(ConnectionError::NotConnected.into());
                self.out.transmits.push_back(Transmit::Close);
                self.state = State::Idle;
                self.finish_logout(cb);
            }
        }
    }

    pub(crate) fn finish_logout(&mut self, cb: Callback) {
        // What changed in the roster is written before the session is forgotten.
        if let Some(op) = self.poll_roster_store() {
            self.out.store_ops.push_back(op);
        }
        // A logout ends the session for good: nothing is kept for a reload.
        if let Some(account) = self.session.kept_key.take() {
            self.out.store_ops.push_back(StoreOp::Remove { account });
        }
        self.stream.bound = None;
        self.attempt.params = None;
        self.scram.clear();
        self.forget_session();
        if let Some(id) = cb.id() {
            self.reply(id, Ok(Reply::True));
        }
        self.emit(Emit::Connection(Connection::status("offline")));
    }

    /// Settles everything that waited for this login with `err`: the login promise, the
    /// commands queued before online, and pending IQs.
    pub(crate) fn fail_login_attempt(&mut self, err: Error) {
        self.attempt.deadline = None;
        if let Callback::Promise(id) = self.attempt.take_callback() {
            self.reply(id, Err(err));
        }
        let waiting = self.waiting.drain_callbacks();
        for cb in waiting.into_iter().chain(self.mam.reset()) {
            self.not_connected(cb);
        }
        for iq in self.iqs.drain() {
            if iq.internal() {
                continue;
            }
            self.not_connected(iq.callback);
        }
        self.fail_uploads();
    }

    /// Drops the current connection without telling the server (before a new login).
    pub(crate) fn abandon(&mut self, err: Option<Error>) {
        if let Some(e) = err {
            self.fail_login_attempt(e);
        }
        self.out.transmits.push_back(Transmit::Close);
        self.state = State::Idle;
        self.stream.bound = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::testing::online_client;

    #[test]
    fn characters_xml_cannot_carry_are_dropped_before_building() {
        let (mut c, _) = online_client(false, "pw");
        let payload = r#"{"to": "bob@localhost", "content": "a\u0000b\u001fc"}"#;
        let cmd = Command::read(
            chat::MESSAGE,
            crate::events::command::Payload::Object(&mut serde_json::Deserializer::from_str(
                payload,
            )),
        );
        c.handle_command(cmd, Callback::Function(1), Instant(1));
        let frames: Vec<String> = std::iter::from_fn(|| c.poll_transmit())
            .filter_map(|t| match t {
                Transmit::Frame(f) => Some(f),
                _ => None,
            })
            .collect();
        assert!(
            frames.iter().any(|f| f.contains("<body>abc</body>")),
            "{frames:?}"
        );
    }
}
