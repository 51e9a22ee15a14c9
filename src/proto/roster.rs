//! RFC 6121 §2 roster commands and pushes. Commands need a callback; they wait for the
//! session like the other requests, go out as IQs and are answered by the IQ table. A push is
//! accepted only without `from` or from the account's own bare JID, and answered (§2.1.6).
//!
//! §2.6 roster versioning, where the server offers it: the roster and its version are kept in
//! memory for the session's account (across reconnections), a get asks with `ver`, and when
//! the server answers that nothing changed (an empty result, then pushes) the items come from
//! what is kept, updated by the pushes. The application sees the same items either way.

use super::iq::IqKind;
use super::{from_account, Callback, Client, Reply, StoreOp};
use crate::events::command::{self, RosterOp};
use crate::events::Error;
use crate::events::{roster, Emit, Jid};
use crate::stanza::{self, Element};
use xmpp_parsers::iq::{IqHeader, IqPayload};
use xmpp_parsers::roster::{Item, Roster, Subscription};
use xso::{AsXml, FromXml};

/// The roster as last received (§2.1.3), with its version where the server versions it
/// (§2.6); pushes keep it current (§2.1.6).
#[derive(Debug, Default)]
pub(crate) struct Cache {
    ver: Option<String>,
    items: Vec<Item>,
}

/// This session's roster request (§2.1.3): a session that requested the roster gets pushes
/// (§2.1.6), so once answered the kept copy is current for as long as the session lasts.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) enum Fetch {
    /// Not requested on this session.
    #[default]
    No,
    /// Requested: the IQ's id.
    Sent(String),
    /// Answered; `xmpp.roster.get` is answered from the kept copy.
    Current,
}

/// Largest answer to the session's roster request read (`maxStanzaBytes` when larger): room
/// for 80,000 contacts of 200 bytes.
pub(crate) const MAX_ROSTER_ANSWER_BYTES: usize = 16 << 20;

/// Namespace of the roster kept for reloads and later logins (private to this SDK).
const NS_KEPT_ROSTER: &str = "urn:xmpp-ftw-wasm:roster:0";

/// Largest kept roster, in characters (about 10,000 contacts of 200 bytes): beside the kept
/// state (`kept::MAX_KEPT_CHARS`) in the ~5 million characters sessionStorage allows an
/// origin. A larger roster is kept in memory only.
pub(crate) const MAX_KEPT_ROSTER_CHARS: usize = 2 << 20;

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
            self.ver = Some(v.to_owned());
        }
    }

    /// The text kept for `account`: `<roster account>` around the `<query ver>`; `None`
    /// without a version (nothing to ask with next time) or over [`MAX_KEPT_ROSTER_CHARS`].
    /// Written by xso straight to text (no tree; the items are lent, not copied).
    fn write(&mut self, account: &str) -> Option<String> {
        let kept = Kept {
            account: account.to_owned(),
            query: Roster {
                ver: Some(self.ver.clone()?),
                items: std::mem::take(&mut self.items),
            },
        };
        let text = xso::to_vec(&kept)
            .ok()
            .and_then(|t| String::from_utf8(t).ok());
        self.items = kept.query.items;
        text.filter(|t| t.len() <= MAX_KEPT_ROSTER_CHARS)
    }

    /// Reads what [`Cache::write`] wrote for `account` (by xso, straight from the text);
    /// anything else is `None`.
    fn read(text: &str, account: &str) -> Option<Cache> {
        if text.len() > MAX_KEPT_ROSTER_CHARS {
            return None;
        }
        let kept = stanza::direct::read::<Kept>(text, usize::MAX)?;
        Some(Cache {
            ver: Some(kept.query.ver?),
            items: kept.query.items,
        })
        .filter(|_| kept.account == account)
    }
}

/// The roster kept for later logins and reloads (this SDK's own format).
#[derive(FromXml, AsXml, Debug)]
#[xml(namespace = NS_KEPT_ROSTER, name = "roster")]
struct Kept {
    /// Whose roster it is: read back for that account only.
    #[xml(attribute)]
    account: String,
    /// The roster and its version (RFC 6121 §2.6).
    #[xml(child)]
    query: Roster,
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

    /// Sends the roster commands that waited for the session. A `get` is answered from the
    /// copy this session keeps current, once it has one: the roster is requested once per
    /// session (§2.1.3), before the initial presence (§2.2).
    pub(crate) fn flush_roster(&mut self) {
        if !self.is_online() {
            return;
        }
        let (gets, sets): (Vec<_>, Vec<_>) = std::mem::take(&mut self.waiting.roster)
            .into_iter()
            .partition(|(r, _)| r.get);
        for (request, cb) in sets {
            let id = self.next_id();
            let query: Element = request.query.into();
            self.send_stanza_el(stanza::iq_request(true, &id, None, query));
            self.track_iq(id, None, cb, IqKind::Ack);
        }
        if gets.is_empty() {
            return;
        }
        if self.session.roster_fetch != Fetch::Current {
            self.waiting.roster = gets;
            return self.request_roster();
        }
        let items: Vec<roster::RosterItem> = self
            .session
            .roster
            .as_ref()
            .map(|c| c.items.iter().map(roster::item_value).collect())
            .unwrap_or_default();
        for (_, cb) in gets {
            if let Some(id) = cb.id() {
                self.reply(id, Ok(Reply::Roster(items.clone())));
            }
        }
    }

    /// Requests the roster for this session unless it has been (§2.1.3), with the version
    /// kept (§2.6.2: "" when none is), so that an unchanged roster costs an empty answer.
    pub(crate) fn request_roster(&mut self) {
        if self.session.roster_fetch != Fetch::No || !self.is_online() {
            return;
        }
        let ver = self.stream.roster_versioning.then(|| {
            let kept = self.session.roster.as_ref().and_then(|c| c.ver.clone());
            kept.unwrap_or_default()
        });
        let query: Element = Roster {
            ver,
            items: Vec::new(),
        }
        .into();
        let id = self.next_id();
        self.send_stanza_el(stanza::iq_request(false, &id, None, query));
        self.track_iq(id.clone(), None, Callback::None, IqKind::RosterFetch);
        self.session.roster_fetch = Fetch::Sent(id);
    }

    /// A new session (not resumed): its roster is not requested yet, and an answer to the old
    /// session's request will not come.
    pub(crate) fn roster_new_session(&mut self) {
        if let Fetch::Sent(id) = std::mem::take(&mut self.session.roster_fetch) {
            self.iqs.take(&id);
        }
    }

    /// The answer to this session's roster request: the roster it carries (kept, with its
    /// version), or for an empty answer (§2.6.3: nothing changed) the roster kept; then the
    /// waiting `xmpp.roster.get`s are answered. An error goes to each of them.
    pub(crate) fn roster_answered(&mut self, answer: Result<Option<Roster>, Error>) {
        let result = match answer {
            Ok(r) => r,
            Err(e) => {
                self.session.roster_fetch = Fetch::No;
                for (_, cb) in std::mem::take(&mut self.waiting.roster) {
                    self.connection_error(cb, e.clone());
                }
                return;
            }
        };
        self.session.roster_fetch = Fetch::Current;
        if let Some(r) = result {
            let ver = r.ver.filter(|_| self.stream.roster_versioning);
            self.session.roster = Some(Cache {
                ver,
                items: r.items,
            });
            self.keep_roster();
        } else if self.session.roster.is_none() {
            self.session.roster = Some(Cache::default());
        }
        self.flush_roster();
    }

    /// Notes that the roster is to be written for later logins and reloads (§2.6): not now,
    /// on the path of the answer, but with the shell's next lazy save
    /// ([`Client::poll_roster_store`]).
    fn keep_roster(&mut self) {
        self.session.roster_dirty = self.session.roster_key.is_some();
    }

    /// Whether the roster changed since it was last written ([`Client::poll_roster_store`]).
    pub fn roster_unsaved(&self) -> bool {
        self.session.roster_dirty
    }

    /// [`StoreOp::SaveRoster`] of the roster when it changed since it was last written, or
    /// [`StoreOp::RemoveRoster`] when it cannot be kept (no version, too large). The shell
    /// calls it with its lazy saves and before the page goes: writing thousands of contacts
    /// (tens of milliseconds) never delays the answer that brought them.
    pub fn poll_roster_store(&mut self) -> Option<StoreOp> {
        if !std::mem::take(&mut self.session.roster_dirty) {
            return None;
        }
        let account = self.session.roster_key.clone()?;
        Some(
            match self.session.roster.as_mut().and_then(|c| c.write(&account)) {
                Some(text) => StoreOp::SaveRoster { account, text },
                None => StoreOp::RemoveRoster { account },
            },
        )
    }

    /// The answer to [`StoreOp::LoadRoster`]: the roster kept for `account`, used when it is
    /// the account logging in.
    pub fn handle_kept_roster(&mut self, account: &str, text: Option<&str>) {
        if self.session.roster_key.as_deref() != Some(account) {
            return;
        }
        if let Some(cache) = text.and_then(|t| Cache::read(t, account)) {
            self.session.roster = Some(cache);
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
        if !push.items.is_empty() && self.session.roster.is_some() {
            self.keep_roster();
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

    /// `a@x` (both) and `b@x` (to), version `v1`.
    fn two_items() -> Cache {
        Cache {
            ver: Some("v1".into()),
            items: vec![
                item("a@x", Subscription::Both),
                item("b@x", Subscription::To),
            ],
        }
    }

    #[test]
    fn pushes_update_the_kept_roster() {
        let mut c = two_items();
        c.apply(&item("b@x", Subscription::Both), Some("v2"));
        c.apply(&item("a@x", Subscription::Remove), Some("v3"));
        c.apply(&item("c@x", Subscription::None), None);
        assert_eq!(c.ver.as_deref(), Some("v3"));
        let jids: Vec<String> = c.items.iter().map(|i| i.jid.to_string()).collect();
        assert_eq!(jids, ["b@x", "c@x"]);
        assert_eq!(c.items[0].subscription, Subscription::Both);
    }

    #[test]
    fn kept_text_is_read_back_for_its_account_only() {
        let mut c = two_items();
        let text = c.write("me@x").unwrap();
        assert_eq!(
            c.items.len(),
            2,
            "the items are lent to the writer, not lost"
        );
        let back = Cache::read(&text, "me@x").unwrap();
        assert_eq!(
            (back.ver.as_deref(), back.items),
            (Some("v1"), c.items.clone())
        );
        assert!(Cache::read(&text, "other@x").is_none());
        // what earlier builds wrote (minidom's writer) is the same format
        let earlier = "<roster xmlns='urn:xmpp-ftw-wasm:roster:0' account='me@x'><query xmlns='jabber:iq:roster' ver='v0'><item jid='c@x' subscription='both' name='C'><group>G</group></item></query></roster>";
        let back = Cache::read(earlier, "me@x").unwrap();
        assert_eq!((back.ver.as_deref(), back.items.len()), (Some("v0"), 1));
        // nothing to ask with, nothing kept; anything else is not read
        c.ver = None;
        assert!(c.write("me@x").is_none());
        assert!(Cache::read("<roster/>", "me@x").is_none());
        assert!(Cache::read(&text.replace("ver='v1'", ""), "me@x").is_none());
    }
}
