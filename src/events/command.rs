//! What the application asks: one `Deserialize` type per command, by xmpp-ftw event name
//! ([`Command::read`]). Every key is a [`Field`], so reading never fails on a key; the
//! validators of each area run xmpp-ftw's checks in xmpp-ftw's order.

use serde::{Deserialize, Deserializer};

use super::field::{BoolOrStr, Field, NumOrStr, Truthy};
use super::{chat, mam, presence, roster, LOGIN, LOGIN_ANONYMOUS, LOGOUT};
use crate::loose_struct;

/// `xmpp.login` / `xmpp.login.anonymous` (`docs/xmpp-ftw-api.md` §2).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Login {
    /// The account (`user@domain`, or `user` with `host`).
    pub jid: Field<String>,
    /// The password.
    pub password: Field<String>,
    /// The domain of a `jid` without `@`.
    pub host: Field<String>,
    /// The resource to ask for.
    pub resource: Field<String>,
    /// XEP-0077 registration first.
    pub register: Field<Truthy>,
    /// The RFC 7395 endpoint.
    pub websocket: Field<String>,
}

/// `xmpp.presence` (RFC 6121 §4).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Presence {
    /// A directed presence's recipient.
    pub to: Field<String>,
    /// `<status/>`.
    pub status: Field<String>,
    /// `<priority/>`: a number or a string of one.
    pub priority: Field<NumOrStr>,
    /// `<show/>` (`online` is plain available).
    pub show: Field<String>,
    /// XEP-0115 `{node, ver, hash}`.
    pub client: Field<Caps>,
    /// `unavailable`.
    #[serde(rename = "type")]
    pub type_: Field<String>,
}

/// XEP-0115 capabilities given with a presence.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Caps {
    /// The client's node URI.
    pub node: Field<String>,
    /// The verification string.
    pub ver: Field<String>,
    /// Its hash function.
    pub hash: Field<String>,
}
loose_struct!(Caps);

/// A payload with only `to` (directed presence and subscriptions).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct To {
    /// The recipient.
    pub to: Field<String>,
}

/// `xmpp.chat.message` (`docs/xmpp-ftw-api.md` §4).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Message {
    /// The recipient.
    pub to: Field<String>,
    /// The text (or XHTML-IM markup with `format: "xhtml"`).
    pub content: Field<String>,
    /// `plain` or `xhtml`.
    pub format: Field<String>,
    /// XEP-0085 chat state.
    pub state: Field<String>,
    /// XEP-0308: the id of the message this one corrects.
    pub replace: Field<String>,
    /// XEP-0184: ask for a receipt.
    pub receipt: Field<Truthy>,
}

/// `xmpp.chat.receipt {to, id}` (XEP-0184).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Receipt {
    /// Who sent the message.
    pub to: Field<String>,
    /// Its id.
    pub id: Field<String>,
}

/// `xmpp.roster.*` (`docs/xmpp-ftw-api.md` §10).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RosterItem {
    /// The contact.
    pub jid: Field<String>,
    /// The contact's name.
    pub name: Field<String>,
    /// The groups.
    pub groups: Field<Vec<Field<String>>>,
}

/// `xmpp.mam.query` (XEP-0313 §4, xmpp-ftw-mam's keys).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MamQuery {
    /// The `queryid`.
    #[serde(rename = "queryId")]
    pub query_id: Field<String>,
    /// Only messages with this JID.
    pub with: Field<String>,
    /// From this XEP-0082 time.
    pub start: Field<String>,
    /// Up to this XEP-0082 time.
    pub end: Field<String>,
    /// XEP-0059 paging (a non-object is ignored).
    pub rsm: Field<Rsm>,
}

/// XEP-0059 `{max, after, before, index}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Rsm {
    /// Page size: a number or a string of digits.
    pub max: Field<NumOrStr>,
    /// The page after this id.
    pub after: Field<String>,
    /// The page before this id; `true`: the last page.
    pub before: Field<BoolOrStr>,
    /// The page at this index.
    pub index: Field<NumOrStr>,
}
loose_struct!(Rsm);

/// `xmpp.mam.preferences {default, always?, never?}` (XEP-0313 §6).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MamPreferences {
    /// `always`, `never` or `roster`.
    pub default: Field<String>,
    /// JIDs always archived.
    pub always: Field<Vec<Field<String>>>,
    /// JIDs never archived.
    pub never: Field<Vec<Field<String>>>,
}

/// RFC 6121 §3 directed presences with only `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Directed {
    /// `xmpp.presence.get`: directed available presence.
    Get,
    /// `xmpp.presence.subscribe`.
    Subscribe,
    /// `xmpp.presence.subscribed`.
    Subscribed,
    /// `xmpp.presence.unsubscribe`.
    Unsubscribe,
    /// `xmpp.presence.unsubscribed`.
    Unsubscribed,
}

/// The roster commands (RFC 6121 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RosterOp {
    /// `xmpp.roster.get`.
    Get,
    /// `xmpp.roster.add`.
    Add,
    /// `xmpp.roster.edit` (and its deprecated alias `xmpp.roster.group`).
    Edit,
    /// `xmpp.roster.remove`.
    Remove,
}

/// A command, by xmpp-ftw event name.
#[derive(Debug, Clone)]
pub enum Command {
    /// `xmpp.login` (`anonymous: false`) or `xmpp.login.anonymous`.
    Login {
        /// The payload.
        payload: Login,
        /// SASL ANONYMOUS.
        anonymous: bool,
    },
    /// `xmpp.logout`.
    Logout,
    /// `xmpp.presence`.
    Presence(Presence),
    /// `xmpp.presence.offline`.
    Offline,
    /// `xmpp.presence.get|subscribe|subscribed|unsubscribe|unsubscribed`.
    Directed(Directed, To),
    /// `xmpp.chat.message`.
    Message(Message),
    /// `xmpp.chat.receipt`.
    Receipt(Receipt),
    /// `xmpp.chat.pending`.
    Pending,
    /// `xmpp.roster.*`.
    Roster(RosterOp, RosterItem),
    /// `xmpp.mam.query`.
    MamQuery(MamQuery),
    /// `xmpp.mam.preferences`.
    MamPreferences(MamPreferences),
    /// `xmpp.mam.preferences.get`.
    MamPreferencesGet,
    /// A payload that is not an object (xmpp-ftw: `Payload must be an object`).
    NotAnObject,
    /// An event name this SDK does not know (`Unknown event '<name>'`).
    Unknown(String),
}

/// A command's payload, as the caller gave it.
pub enum Payload<D> {
    /// `undefined` or `null`: an empty payload.
    Empty,
    /// Not an object (a string, a number, an array...).
    NotAnObject,
    /// An object, to be read by `D`.
    Object(D),
}

impl Command {
    /// Reads the payload of `name`. Never fails: a payload that is not an object is
    /// [`Command::NotAnObject`] (a login reads it as empty; a logout takes no payload).
    pub fn read<'de, D: Deserializer<'de>>(name: &str, payload: Payload<D>) -> Command {
        fn de<'de, T: Deserialize<'de> + Default, D: Deserializer<'de>>(
            p: Payload<D>,
        ) -> Option<T> {
            match p {
                Payload::Empty => Some(T::default()),
                Payload::NotAnObject => None,
                Payload::Object(d) => T::deserialize(d).ok(),
            }
        }
        let not_object = || Command::NotAnObject;
        let directed =
            |k, p: Payload<D>| de(p).map_or_else(not_object, |t| Command::Directed(k, t));
        let roster = |op, p: Payload<D>| de(p).map_or_else(not_object, |r| Command::Roster(op, r));
        // A command without payload keys still needs an object (or nothing).
        let unit = |p: Payload<D>, cmd: Command| match de::<IgnoredObject, D>(p) {
            Some(_) => cmd,
            None => Command::NotAnObject,
        };
        match name {
            LOGIN | LOGIN_ANONYMOUS => Command::Login {
                payload: de(payload).unwrap_or_default(),
                anonymous: name == LOGIN_ANONYMOUS,
            },
            LOGOUT => Command::Logout,
            presence::PRESENCE => de(payload).map_or_else(not_object, Command::Presence),
            presence::OFFLINE => unit(payload, Command::Offline),
            presence::GET => directed(Directed::Get, payload),
            presence::SUBSCRIBE => directed(Directed::Subscribe, payload),
            presence::SUBSCRIBED => directed(Directed::Subscribed, payload),
            presence::UNSUBSCRIBE => directed(Directed::Unsubscribe, payload),
            presence::UNSUBSCRIBED => directed(Directed::Unsubscribed, payload),
            chat::MESSAGE => de(payload).map_or_else(not_object, Command::Message),
            chat::RECEIPT => de(payload).map_or_else(not_object, Command::Receipt),
            chat::PENDING => unit(payload, Command::Pending),
            roster::GET => roster(RosterOp::Get, payload),
            roster::ADD => roster(RosterOp::Add, payload),
            roster::EDIT | roster::GROUP => roster(RosterOp::Edit, payload),
            roster::REMOVE => roster(RosterOp::Remove, payload),
            mam::QUERY => de(payload).map_or_else(not_object, Command::MamQuery),
            mam::PREFERENCES => de(payload).map_or_else(not_object, Command::MamPreferences),
            mam::PREFERENCES_GET => unit(payload, Command::MamPreferencesGet),
            _ => unit(payload, Command::Unknown(name.to_owned())),
        }
    }
}

/// Any object (its keys are not read).
#[derive(Default, Deserialize)]
struct IgnoredObject {}
