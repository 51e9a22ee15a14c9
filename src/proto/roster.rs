//! RFC 6121 §2 roster commands and pushes. Commands need a callback; they wait for the
//! session like the other requests, go out as IQs and are answered by the IQ table. A push is
//! accepted only without `from` or from the account's own bare JID, and answered (§2.1.6).
//!
//! §2.6 roster versioning, where the server offers it: the roster and its version are kept in
//! memory for the session's account (across reconnections), a get asks with `ver`, and when
//! the server answers that nothing changed (an empty result, then pushes) the items come from
//! what is kept, updated by the pushes. The application sees the same items either way.

use super::iq::IqKind;
use super::{from_account, Callback, Client};
use crate::events::command::{self, RosterOp};
use crate::events::{roster, Emit, Jid};
use crate::stanza::{self, Element};
use xmpp_parsers::iq::{IqHeader, IqPayload};
use xmpp_parsers::roster::{Item, Roster, Subscription};

/// The roster as last received with a version (§2.6).
#[derive(Debug, Default)]
pub(crate) struct Cache {
    ver: String,
    items: Vec<Item>,
}

impl Cache {
    /// How many items are kept.
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// Applies a pushed item (§2.1.6): replaces the item of the same JID, or removes it.
    fn apply(&mut self, item: &Item, ver: Option<&str>) {
        self.items.retain(|i| i.jid != item.jid);
        if item.subscription != Subscription::Remove {
            self.items.push(item.clone());
        }
        if let Some(v) = ver {
            v.clone_into(&mut self.ver);
        }
    }
}

impl Client {
    /// A roster command from the application: validated, then sent once online.
    pub(crate) fn handle_roster_command(
        &mut self,
        op: RosterOp,
        payload: command::RosterItem,
        cb: Callback,
    ) {
        let request = match roster::validate(op, payload, cb.id().is_some()) {
            Ok(r) => r,
            Err(roster::Refused::MissingCallback(e)) => {
                return self.emit(Emit::ClientError(e.into()))
            }
            Err(roster::Refused::Invalid(e)) => return self.client_error(cb, e),
        };
        if !self.has_session() {
            return self.not_connected(cb);
        }
        self.waiting.roster.push((request, cb));
        self.flush_roster();
    }

    /// Sends the roster commands that waited for the session.
    pub(crate) fn flush_roster(&mut self) {
        if !self.is_online() {
            return;
        }
        for (mut request, cb) in std::mem::take(&mut self.waiting.roster) {
            let id = self.next_id();
            if request.get && self.stream.roster_versioning {
                // §2.6.2: the version held, or "" when none is.
                let ver = self
                    .session
                    .roster
                    .as_ref()
                    .map(|c| c.ver.clone())
                    .unwrap_or_default();
                request.query.ver = Some(ver);
            }
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

    /// The items of a `get` answer (`(null, items)`): the roster it carries, kept when it has
    /// a version; or, for an empty answer (§2.6.3: nothing changed), the roster kept.
    pub(crate) fn roster_items(&mut self, result: Option<Element>) -> Vec<roster::RosterItem> {
        match result.and_then(|q| Roster::try_from(q).ok()) {
            Some(r) => {
                let items = roster::items_value(&r);
                self.session.roster = match (self.stream.roster_versioning, r.ver) {
                    (true, Some(ver)) => Some(Cache {
                        ver,
                        items: r.items,
                    }),
                    _ => None,
                };
                items
            }
            None => self
                .session
                .roster
                .as_ref()
                .map(|c| c.items.iter().map(roster::item_value).collect())
                .unwrap_or_default(),
        }
    }

    /// A roster push (RFC 6121 §2.1.6): from the server on the account's behalf only; each
    /// item is an `xmpp.roster.push` event, and the push is acknowledged. A push from anyone
    /// else is ignored: not shown to the application, not answered.
    pub(crate) fn handle_roster_push(&mut self, from: Option<Jid>, id: String, query: Element) {
        if !self.pushed_by_account(from.as_ref()) {
            return;
        }
        let Ok(push) = Roster::try_from(query) else {
            return self.answer_iq(from, id, None);
        };
        for item in &push.items {
            if let Some(cache) = self.session.roster.as_mut() {
                cache.apply(item, push.ver.as_deref());
            }
            self.emit(Emit::RosterPush(roster::item_value(item)));
        }
        self.acknowledge_push(from, id);
    }

    /// Whether a push (roster, blocking) comes from the server on the account's behalf:
    /// without `from` or from the account's own bare JID (RFC 6121 §2.1.6).
    pub(crate) fn pushed_by_account(&self, from: Option<&Jid>) -> bool {
        self.own_bare().is_some_and(|own| from_account(from, &own))
    }

    /// The empty result that acknowledges a push.
    pub(crate) fn acknowledge_push(&mut self, from: Option<Jid>, id: String) {
        let header = IqHeader {
            from: None,
            to: from,
            id,
        };
        self.send_stanza_el(header.assemble(IqPayload::Result(None)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::BareJid;

    fn item(jid: &str, sub: Subscription) -> Item {
        Item {
            jid: BareJid::new(jid).unwrap(),
            name: None,
            subscription: sub,
            ask: xmpp_parsers::roster::Ask::None,
            groups: Vec::new(),
            approved: None,
        }
    }

    #[test]
    fn pushes_update_the_kept_roster() {
        let mut c = Cache {
            ver: "v1".into(),
            items: vec![
                item("a@x", Subscription::Both),
                item("b@x", Subscription::To),
            ],
        };
        c.apply(&item("b@x", Subscription::Both), Some("v2"));
        c.apply(&item("a@x", Subscription::Remove), Some("v3"));
        c.apply(&item("c@x", Subscription::None), None);
        assert_eq!(c.ver, "v3");
        let jids: Vec<String> = c.items.iter().map(|i| i.jid.to_string()).collect();
        assert_eq!(jids, ["b@x", "c@x"]);
        assert_eq!(c.items[0].subscription, Subscription::Both);
    }
}
