//! RFC 6121 §2 roster commands and pushes. Commands need a callback; they wait for the
//! session like the other requests, go out as IQs and are answered by the IQ table. A push is
//! accepted only without `from` or from the account's own bare JID, and answered (§2.1.6).

use super::iq::IqKind;
use super::{Callback, Client};
use crate::events::{self, roster, Jid};
use crate::stanza::{self, Element};
use crate::value::Value;
use xmpp_parsers::iq::{IqHeader, IqPayload};
use xmpp_parsers::roster::Roster;

impl Client {
    /// A roster command from the application: validated, then sent once online.
    pub(crate) fn handle_roster_command(&mut self, name: &str, payload: Value, cb: Callback) {
        let request = match roster::validate(name, &payload, cb.id().is_some()) {
            Ok(r) => r,
            Err(roster::Refused::MissingCallback(e)) => return self.emit(events::ERROR_CLIENT, e),
            Err(roster::Refused::Invalid(e)) => return self.client_error(cb, e),
        };
        if !self.has_session() {
            return self.connection_error(cb, events::not_connected());
        }
        self.roster_waiting.push((request, cb));
        self.flush_roster();
    }

    /// Sends the roster commands that waited for the session.
    pub(crate) fn flush_roster(&mut self) {
        if !self.is_online() {
            return;
        }
        for (request, cb) in std::mem::take(&mut self.roster_waiting) {
            let id = self.next_id();
            let query: Element = request.query.into();
            self.send_stanza_el(stanza::iq_request(!request.get, &id, None, query));
            let kind = if request.get {
                IqKind::RosterGet
            } else {
                IqKind::Ack
            };
            self.track_iq(id, None, cb, kind);
        }
    }

    /// The items of a `get` answer (`(null, items)`).
    pub(crate) fn roster_items(result: Option<Element>) -> Value {
        result
            .and_then(|q| Roster::try_from(q).ok())
            .map_or_else(|| Value::Arr(Vec::new()), |r| roster::items_value(&r))
    }

    /// A roster push (RFC 6121 §2.1.6): from the server on the account's behalf only; each
    /// item is an `xmpp.roster.push` event, and the push is acknowledged. A push from anyone
    /// else is ignored: not shown to the application, not answered.
    pub(crate) fn handle_roster_push(&mut self, from: Option<Jid>, id: String, query: Element) {
        let own = self.bound.as_ref().map(|b| Jid::from(b.to_bare()));
        let trusted = match (&from, &own) {
            (None, _) => true,
            (Some(f), Some(own)) => f == own,
            (Some(_), None) => false,
        };
        if !trusted {
            return;
        }
        let Ok(push) = Roster::try_from(query) else {
            return self.answer_iq(from, id, None);
        };
        for item in &push.items {
            self.emit(roster::PUSH, roster::item_value(item));
        }
        let header = IqHeader {
            from: None,
            to: from,
            id,
        };
        self.send_stanza_el(header.assemble(IqPayload::Result(None)));
    }
}
