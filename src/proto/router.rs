//! RFC 6120 §8: stanzas on an established session go to the handler of their kind. Each
//! xmpp-parsers type is tried in turn; a `Mismatch` hands the element back to try the next.
//! Messages go on to their area: XEP-0313 results, XEP-0280 carbons, receipts, chat.

use super::dedup;
use super::kept::{Mark, When};
use super::{from_account, Client, State};
use crate::events::incoming::Incoming;
use crate::events::{self, mam, presence, Emit, Jid};
use crate::stanza::{self, ns, Element};
use xmpp_parsers::carbons::{Received, Sent};
use xmpp_parsers::iq::Iq;
use xmpp_parsers::message::Message;
use xmpp_parsers::stanza_error::StanzaError;
use xmpp_parsers::FromElementError;

/// A carbon copy's direction and, for a sent one, its recipient (XEP-0280 §6, §7).
type Carbon = (&'static str, Option<Jid>);

impl Client {
    /// A stanza on an established session. Stanzas in other namespaces are not ours to handle
    /// (RFC 6120 §8); ones that do not parse as their type even once mended are skipped
    /// (`docs/decisions.md` §13).
    pub(crate) fn handle_stanza(&mut self, mut el: Element) {
        if !el.has_ns(ns::DEFAULT_NS) {
            return;
        }
        // docs/decisions.md §13: an odd detail (an unknown message type, a second thread, a
        // show or priority out of range) is mended rather than losing the stanza.
        stanza::tolerant::mend(&mut el);
        // What answering a malformed request needs, kept only for an IQ get or set (not for
        // every message on the hot path).
        let request = if el.name() == "iq" && matches!(el.attr("type"), Some("get" | "set")) {
            let from = || el.attr("from").and_then(|f| Jid::new(f).ok());
            el.attr("id").map(|id| (id.to_owned(), from()))
        } else {
            None
        };
        let el = match Iq::try_from(el) {
            Ok(iq) => return self.handle_iq(iq),
            Err(FromElementError::Mismatch(el)) => el,
            Err(_) => {
                // RFC 6120 §8.2.3: a request without exactly one child is still answered.
                if let Some((id, from)) = request {
                    self.answer_bad_request(from, id);
                }
                return;
            }
        };
        // RFC 6121 §5.2.2: a `normal` message (or one without a type) is a standalone message a
        // client may show in a chat; xmpp-ftw dropped `type="normal"`, which hid them live while
        // history showed them (docs/decisions.md §4).
        let el = match Message::try_from(el) {
            Ok(mut m) => {
                let from = m.from.take();
                return self.handle_message(from, Incoming::read(m));
            }
            Err(FromElementError::Mismatch(el)) => el,
            Err(_) => return,
        };
        // Kept for a reload (docs/decisions.md §10): a resumed session does not send again
        // what the contacts' presence is.
        let kept = self.session.kept_key.is_some().then(|| {
            let available = el.attr("type").is_none();
            (
                // keyed by the JID, not its spelling (RFC 7622: `BOB@x` and `bob@x` are one)
                el.attr("from")
                    .and_then(|f| Jid::new(f).ok())
                    .map(|j| j.to_string()),
                available.then(|| stanza::write(el.clone())),
            )
        });
        if let Some(event) = presence::read(el) {
            if let (Emit::Presence(_), Some((Some(from), frame))) = (&event, kept) {
                self.note_presence(from, frame);
            }
            self.emit(event);
        }
    }

    /// A `<message/>` read by xso straight from the frame's text (`stanza::direct`: no tree,
    /// no conversion from it), the route of most frames; returns whether `text` was one.
    /// Anything it cannot read (over the size or depth of a plain stanza, a type to mend, not
    /// well-formed) takes the general path, which applies the limits and mends.
    pub(crate) fn read_message(&mut self, text: &str) -> bool {
        if !matches!(self.state, State::Online)
            || !text.starts_with("<message")
            || text.len() > self.cfg.max_stanza_bytes
        {
            return false;
        }
        let Some(mut m) = stanza::direct::read::<stanza::MessageIn>(text, stanza::MAX_DEPTH) else {
            return false;
        };
        // docs/decisions.md §13: a forwarded message is mended as on the general path
        for p in m.payloads.iter_mut() {
            if let stanza::inbound::Payload::Other(w) = p {
                if stanza::is_forwarding_wrapper(w) {
                    stanza::tolerant::mend_forwarded(w);
                }
            }
        }
        self.out.frame_in(|| text.to_owned(), None);
        let from = m.from.take();
        self.handle_counted(|c| c.handle_message(from, Incoming::read_typed(m)));
        true
    }

    /// RFC 6121 §5 messages, read (`from` and the rest): MAM results, carbons (XEP-0280),
    /// receipts, chat messages.
    fn handle_message(&mut self, from: Option<Jid>, mut inc: Incoming) {
        let Some(own) = self.own_bare() else {
            return;
        };
        let from_account = from_account(from.as_ref(), &own);
        match inc.wrapper.take() {
            Some(w) if w.is("result", ns::MAM) => {
                // docs/decisions.md §5: only the own archive, only queries this socket made.
                if !from_account {
                    return;
                }
                let Some(result) = mam::unwrap_result(w) else {
                    return;
                };
                if self.is_catchup_query(&result.query_id) {
                    return self.deliver_archived(result, &own);
                }
                if self.mam.is_ours(&result.query_id) {
                    if let Some(v) = mam::message_payload(result) {
                        self.emit(Emit::MamMessage(Box::new(v)));
                    }
                }
            }
            Some(w) => {
                // XEP-0280 §11: only the account itself may send carbons.
                if !from_account || from.is_none() {
                    return;
                }
                let (kind, fwd) = if w.name() == "received" {
                    match Received::try_from(w) {
                        Ok(r) => ("received", r.forwarded),
                        Err(_) => return,
                    }
                } else {
                    match Sent::try_from(w) {
                        Ok(s) => ("sent", s.forwarded),
                        Err(_) => return,
                    }
                };
                let inner = fwd.message;
                let Some(inner_from) = inner.from.clone() else {
                    return;
                };
                let to = inner.to.clone();
                let carbon = Some((kind, to));
                self.deliver_message(Incoming::read(inner), &inner_from, &own, carbon, false);
            }
            None => {
                let Some(from) = from else {
                    return; // a chat message needs a sender
                };
                self.deliver_message(inc, &from, &own, None, false);
            }
        }
    }

    /// A message of the XEP-0313 catch-up: delivered as if it had arrived live (a message the
    /// account sent from another device as a `sent` carbon would be), with its archive id
    /// and time (`docs/decisions.md` §10).
    fn deliver_archived(&mut self, r: mam::ArchivedResult, own: &Jid) {
        let inner = r.forwarded.message;
        let Some(from) = inner.from.clone() else {
            return;
        };
        let to = inner.to.clone();
        let mut m = Incoming::read(inner);
        m.from_archive(own, r.result_id, r.delay);
        let carbon = (from.to_bare() == *own.to_bare()).then_some(("sent", to));
        self.deliver_message(m, &from, own, carbon, true);
    }

    /// Delivers a chat message or receipt once (`docs/decisions.md` §4): a message already
    /// delivered, live, from offline storage or by the catch-up, is recognised by its
    /// own-archive id, then by its sender and origin-id (or id). The catch-up mark follows
    /// the newest own-archive id delivered.
    fn deliver_message(
        &mut self,
        m: Incoming,
        from: &Jid,
        own: &Jid,
        carbon: Option<Carbon>,
        caught_up: bool,
    ) {
        let archive_id = m.own_archive_id(own).map(str::to_owned);
        if let Some(id) = &archive_id {
            // Live messages move the mark only while no catch-up is due or running: offline
            // messages flushed before the catch-up starts must not make it skip what came
            // between, and a reload in the middle of one starts again where the pages got to.
            if caught_up || (self.session.catchup.is_none() && !self.session.catchup_due) {
                let when = match (&m.delay, caught_up) {
                    (Some(d), true) => Some(When::Stamp(d.when.clone())),
                    _ => None,
                };
                let when = when.unwrap_or_else(|| self.wall_time());
                self.session.mark = Some(Mark {
                    id: Some(id.clone()),
                    when,
                });
            }
        }
        let kind = carbon.as_ref().map(|(kind, _)| *kind);
        if let Some(mut r) = m.receipt(from) {
            r.carbon = kind;
            return self.emit(Emit::Receipt(r));
        }
        if let Some(error) = &m.error {
            return self.bounced(&m, from, error.clone());
        }
        if !m.chat {
            return; // headline and groupchat messages are not chat
        }
        // docs/decisions.md §14: an action is one event; its fallback body is not a message.
        let event = match m.action(from, own) {
            Some(a) => Emit::Action(a),
            None => match m.payload(from, own) {
                Some(v) => Emit::ChatMessage(Box::new(v)),
                None => return,
            },
        };
        if caught_up
            && m.id
                .as_deref()
                .is_some_and(|id| self.dedup.seen(dedup::SENT_HERE, id))
        {
            return; // this client's own message, as the archive has it
        }
        let keys = [
            archive_id.map(|id| (String::new(), id)),
            m.dedup_id()
                .map(|id| (from.clone().into_bare().into_inner(), id.to_owned())),
        ];
        let mut fresh = true;
        self.dedup
            .set_catching_up(self.session.catchup_due || self.session.catchup.is_some());
        for (by, id) in keys.into_iter().flatten() {
            // Both keys are recorded, whichever recognised the message.
            fresh &= self.dedup.first_time(&by, &id);
            self.note_delivered((by, id));
        }
        if !fresh {
            return; // docs/decisions.md §4: a repeat of a message already delivered
        }
        let mut event = event;
        if let Some((kind, to)) = &carbon {
            let to = (*kind == "sent")
                .then(|| to.as_ref().map(events::jid_obj))
                .flatten();
            match &mut event {
                Emit::ChatMessage(v) => (v.carbon, v.to) = (Some(*kind), to),
                Emit::Action(a) => (a.carbon, a.to) = (Some(*kind), to),
                _ => {}
            }
        }
        if caught_up {
            self.caught();
        }
        self.emit(event);
    }

    /// `<message type="error">` (RFC 6120 §8.3): `xmpp.chat.error` when it answers a message
    /// this socket sent (`docs/decisions.md` §14); anything else is dropped.
    fn bounced(&mut self, m: &Incoming, from: &Jid, error: Option<StanzaError>) {
        let Some(id) = m.id.as_deref() else {
            return;
        };
        if !self.dedup.seen(dedup::SENT_HERE, id) {
            return;
        }
        let error = events::StanzaFault {
            error,
            description: None,
        };
        self.emit(Emit::ChatError(events::actions::ChatError {
            from: events::jid_obj(from),
            id: id.to_owned(),
            error: error.into(),
        }));
    }
}

#[cfg(test)]
mod tests {
    use crate::proto::testing::online_client;
    use crate::proto::{Event, Instant};

    #[test]
    fn kept_presences_are_keyed_by_the_jid_not_its_spelling() {
        let (mut c, _) = online_client(false, "pw");
        c.session.kept_key = Some("alice@localhost".into());
        for from in ["BOB@localhost/x", "bob@LOCALHOST/x", "bob@localhost/y"] {
            let frame = format!("<presence xmlns='jabber:client' from='{from}'/>");
            c.handle_frame(&frame, Instant(1));
        }
        let mut keys: Vec<&str> = c
            .session
            .presences
            .iter()
            .map(|(f, _)| f.as_str())
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["bob@localhost/x", "bob@localhost/y"]);
    }

    fn events(c: &mut crate::proto::Client) -> Vec<(&'static str, String)> {
        std::iter::from_fn(|| c.poll_event())
            .filter_map(|e| match e {
                Event::Emit(e) => Some((e.name(), format!("{e:?}"))),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn each_stanza_reaches_its_handler() {
        let (mut c, _) = online_client(false, "pw");
        let t = Instant(1);
        c.handle_frame(
            "<presence xmlns='jabber:client' from='bob@localhost/x'/>",
            t,
        );
        c.handle_frame(
            "<message xmlns='jabber:client' from='bob@localhost/x' type='chat' id='1'><body>hi</body></message>",
            t,
        );
        // a carbon from someone else than the account is a forgery (XEP-0280 §11)
        c.handle_frame(
            "<message xmlns='jabber:client' from='bob@localhost/x'><sent xmlns='urn:xmpp:carbons:2'>\
             <forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='alice@localhost/p' \
             to='carol@localhost' type='chat'><body>forged</body></message></forwarded></sent></message>",
            t,
        );
        // a stanza in another namespace, and one that does not parse as its type, are ignored
        c.handle_frame(
            "<message xmlns='jabber:server' from='bob@localhost/x'><body>x</body></message>",
            t,
        );
        c.handle_frame(
            "<message xmlns='jabber:client' from='not a jid@@'><body>x</body></message>",
            t,
        );
        let got = events(&mut c);
        let names: Vec<_> = got.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["xmpp.presence", "xmpp.chat.message"], "{got:?}");
        assert!(got[1].1.contains("\"hi\""));
    }

    #[test]
    fn a_request_without_a_child_is_answered() {
        let (mut c, _) = online_client(false, "pw");
        c.handle_frame(
            "<iq xmlns='jabber:client' type='get' id='q1' from='bob@localhost/x'/>",
            Instant(1),
        );
        let frames: Vec<_> = std::iter::from_fn(|| c.poll_transmit()).collect();
        assert!(format!("{frames:?}").contains("bad-request"), "{frames:?}");
    }
}
