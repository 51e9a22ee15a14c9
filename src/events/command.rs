//! What the application asks: one `Deserialize` type per command, by xmpp-ftw event name
//! ([`Command::read`]). Every key is a [`Field`], so reading never fails on a key; the
//! validators of each area run xmpp-ftw's checks in xmpp-ftw's order.

use serde::{Deserialize, Deserializer};

use super::field::{BoolOrStr, Field, NumOrStr, Truthy};
use super::{actions, blocking, chat, file, mam, presence, roster, LOGIN, LOGIN_ANONYMOUS, LOGOUT};
use crate::loose_struct;

/// `xmpp.logout {forget?}`: `forget: true` also forgets the roster kept for the account
/// (RFC 6121 §2.6, `docs/decisions.md` §19). Any other payload logs out as xmpp-ftw's does.
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "LogoutPayload"))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Logout {
    /// Forget the kept roster too.
    #[cfg_attr(test, ts(optional, as = "Option<bool>"))]
    pub forget: Field<bool>,
}

/// `xmpp.login` / `xmpp.login.anonymous` (`docs/xmpp-ftw-api.md` §2).
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "LoginPayload"))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Login {
    /// The account (`user@domain`, or `user` with `host`).
    #[cfg_attr(test, ts(as = "String"))]
    pub jid: Field<String>,
    /// The password.
    #[cfg_attr(test, ts(as = "String"))]
    pub password: Field<String>,
    /// The domain of a `jid` without `@`.
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub host: Field<String>,
    /// The resource to ask for.
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub resource: Field<String>,
    /// XEP-0077 registration first.
    #[cfg_attr(test, ts(optional, as = "Option<bool>"))]
    pub register: Field<Truthy>,
    /// The RFC 7395 endpoint.
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub websocket: Field<String>,
}

/// `xmpp.presence` (RFC 6121 §4).
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "PresenceSend"))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Presence {
    /// A directed presence's recipient.
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub to: Field<String>,
    /// `<status/>`.
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub status: Field<String>,
    /// `<priority/>`: a number or a string of one.
    #[cfg_attr(test, ts(optional, type = "number | string"))]
    pub priority: Field<NumOrStr>,
    /// `<show/>` (`online` is plain available).
    #[cfg_attr(
        test,
        ts(optional, type = "\"away\" | \"chat\" | \"dnd\" | \"xa\" | \"online\"")
    )]
    pub show: Field<String>,
    /// XEP-0115 `{node, ver, hash}`.
    #[cfg_attr(test, ts(optional, as = "Option<Caps>"))]
    pub client: Field<Caps>,
    /// `unavailable`.
    #[serde(rename = "type")]
    #[cfg_attr(test, ts(optional, type = "\"unavailable\""))]
    pub type_: Field<String>,
}

/// XEP-0115 capabilities given with a presence.
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "ClientCapsSend"))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Caps {
    /// The client's node URI.
    #[cfg_attr(test, ts(as = "String"))]
    pub node: Field<String>,
    /// The verification string.
    #[cfg_attr(test, ts(as = "String"))]
    pub ver: Field<String>,
    /// Its hash function.
    #[cfg_attr(test, ts(as = "String"))]
    pub hash: Field<String>,
}
loose_struct!(Caps);

/// A payload with only `to` (directed presence and subscriptions).
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "To"))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct To {
    /// The recipient.
    #[cfg_attr(test, ts(as = "String"))]
    pub to: Field<String>,
}

/// `xmpp.chat.message` (`docs/xmpp-ftw-api.md` §4).
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "ChatMessageSend"))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Message {
    /// The recipient.
    #[cfg_attr(test, ts(as = "String"))]
    pub to: Field<String>,
    /// The text (or XHTML-IM markup with `format: "xhtml"`).
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub content: Field<String>,
    /// `plain` or `xhtml`.
    #[cfg_attr(test, ts(optional, type = "\"plain\" | \"xhtml\""))]
    pub format: Field<String>,
    /// XEP-0085 chat state.
    #[cfg_attr(test, ts(optional, type = "ChatState"))]
    pub state: Field<String>,
    /// XEP-0308: the id of the message this one corrects.
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub replace: Field<String>,
    /// XEP-0184: ask for a receipt.
    #[cfg_attr(test, ts(optional, as = "Option<bool>"))]
    pub receipt: Field<Truthy>,
    /// XEP-0461: the message this one replies to.
    #[cfg_attr(test, ts(optional, as = "Option<ReplyTo>"))]
    pub reply: Field<ReplyTo>,
    /// XEP-0428: a quote of it, for clients without replies (sent as `> ` lines).
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub quote: Field<String>,
}

/// XEP-0461 `reply: {id, to?}` of an outgoing message.
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "ReplyTo"))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReplyTo {
    /// The id of the message replied to.
    #[cfg_attr(test, ts(as = "String"))]
    pub id: Field<String>,
    /// Its author (default: the conversation peer): a string or a JID object.
    #[cfg_attr(test, ts(optional, type = "string | JidObject"))]
    pub to: Field<JidRef>,
}
loose_struct!(ReplyTo);

/// A JID given as a string or as xmpp-ftw's object `{domain, user?, resource?}`.
#[derive(Debug, Clone, PartialEq)]
pub struct JidRef(pub String);

impl<'de> crate::events::field::Loose<'de> for JidRef {
    fn from_str(s: &str) -> Option<Self> {
        Some(JidRef(crate::events::field::xml_text(s)))
    }
    fn from_map<A: serde::de::MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
        #[derive(Default, Deserialize)]
        #[serde(default)]
        struct Parts {
            domain: Field<String>,
            user: Field<String>,
            resource: Field<String>,
        }
        let p = Parts::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        let Field::Given(domain) = p.domain else {
            return Ok(None);
        };
        let mut jid = match p.user.given() {
            Some(u) => format!("{u}@{domain}"),
            None => domain,
        };
        if let Some(r) = p.resource.given() {
            jid = format!("{jid}/{r}");
        }
        Ok(Some(JidRef(jid)))
    }
}

/// `xmpp.chat.reaction {to, id, reactions}` (XEP-0444).
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "ReactionSend"))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Reaction {
    /// The author of the message reacted to.
    #[cfg_attr(test, ts(as = "String"))]
    pub to: Field<String>,
    /// Its id.
    #[cfg_attr(test, ts(as = "String"))]
    pub id: Field<String>,
    /// The whole set of this user's reactions to it (`[]`: none).
    #[cfg_attr(test, ts(as = "Vec<String>"))]
    pub reactions: Field<Vec<Field<String>>>,
}

/// `xmpp.chat.retract {to, id}` (XEP-0424) and `xmpp.chat.displayed {to, id}` (XEP-0333).
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "ActionSend"))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Action {
    /// The conversation peer.
    #[cfg_attr(test, ts(as = "String"))]
    pub to: Field<String>,
    /// The message acted on.
    #[cfg_attr(test, ts(as = "String"))]
    pub id: Field<String>,
}

/// `xmpp.blocking.add|remove {jid} | {jids} | {all: true}` (XEP-0191).
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "BlockingSend"))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Blocking {
    /// One JID.
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub jid: Field<String>,
    /// Several.
    #[cfg_attr(test, ts(optional, as = "Option<Vec<String>>"))]
    pub jids: Field<Vec<Field<String>>>,
    /// `xmpp.blocking.remove`: everyone.
    #[cfg_attr(test, ts(optional, type = "true"))]
    pub all: Field<Truthy>,
}

/// `xmpp.chat.receipt {to, id}` (XEP-0184).
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "ReceiptSend"))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Receipt {
    /// Who sent the message.
    #[cfg_attr(test, ts(as = "String"))]
    pub to: Field<String>,
    /// Its id.
    #[cfg_attr(test, ts(as = "String"))]
    pub id: Field<String>,
}

/// `xmpp.roster.*` (`docs/xmpp-ftw-api.md` §10).
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "RosterPayload"))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RosterItem {
    /// The contact.
    #[cfg_attr(test, ts(as = "String"))]
    pub jid: Field<String>,
    /// The contact's name.
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub name: Field<String>,
    /// The groups.
    #[cfg_attr(test, ts(optional, as = "Option<Vec<String>>"))]
    pub groups: Field<Vec<Field<String>>>,
}

/// `xmpp.mam.query` (XEP-0313 §4, xmpp-ftw-mam's keys).
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "MamQuery"))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MamQuery {
    /// The `queryid`.
    #[serde(rename = "queryId")]
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub query_id: Field<String>,
    /// Only messages with this JID.
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub with: Field<String>,
    /// From this XEP-0082 time.
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub start: Field<String>,
    /// Up to this XEP-0082 time.
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub end: Field<String>,
    /// XEP-0059 paging (a non-object is ignored).
    #[cfg_attr(test, ts(optional, as = "Option<Rsm>"))]
    pub rsm: Field<Rsm>,
}

/// XEP-0059 `{max, after, before, index}`.
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "RsmQuery"))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Rsm {
    /// Page size: a number or a string of digits.
    #[cfg_attr(test, ts(optional, type = "number | string"))]
    pub max: Field<NumOrStr>,
    /// The page after this id.
    #[cfg_attr(test, ts(optional, as = "Option<String>"))]
    pub after: Field<String>,
    /// The page before this id; `true`: the last page.
    #[cfg_attr(test, ts(optional, type = "true | string"))]
    pub before: Field<BoolOrStr>,
    /// The page at this index.
    #[cfg_attr(test, ts(optional, type = "number | string"))]
    pub index: Field<NumOrStr>,
}
loose_struct!(Rsm);

/// `xmpp.mam.preferences {default, always?, never?}` (XEP-0313 §6).
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "MamPreferences"))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MamPreferences {
    /// `always`, `never` or `roster`.
    #[cfg_attr(test, ts(type = "\"always\" | \"never\" | \"roster\""))]
    pub default: Field<String>,
    /// JIDs always archived.
    #[cfg_attr(test, ts(optional, as = "Option<Vec<String>>"))]
    pub always: Field<Vec<Field<String>>>,
    /// JIDs never archived.
    #[cfg_attr(test, ts(optional, as = "Option<Vec<String>>"))]
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
    /// `xmpp.logout`: whether to forget the kept roster.
    Logout {
        /// `forget: true`.
        forget: bool,
    },
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
    /// `xmpp.chat.reaction`.
    Reaction(Reaction),
    /// `xmpp.chat.retract`.
    Retract(Action),
    /// `xmpp.chat.displayed`.
    Displayed(Action),
    /// `xmpp.chat.file`.
    File(file::ChatFile),
    /// `xmpp.chat.file.cancel`.
    FileCancel(file::Cancel),
    /// `xmpp.blocking.list`.
    BlockingList,
    /// `xmpp.blocking.add` (`true`) or `xmpp.blocking.remove`.
    Block(bool, Blocking),
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
    /// `xmpp.login` with a password and an endpoint, as the core's own logins give it (the
    /// warm-up, tests).
    pub fn login(jid: &str, password: &str, websocket: &str) -> Command {
        Command::Login {
            payload: Login {
                jid: Field::Given(jid.into()),
                password: Field::Given(password.into()),
                websocket: Field::Given(websocket.into()),
                ..Login::default()
            },
            anonymous: false,
        }
    }

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
            LOGOUT => Command::Logout {
                forget: de::<Logout, D>(payload)
                    .and_then(|l| l.forget.given().copied())
                    .unwrap_or(false),
            },
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
            actions::REACTION => de(payload).map_or_else(not_object, Command::Reaction),
            actions::RETRACT => de(payload).map_or_else(not_object, Command::Retract),
            actions::DISPLAYED => de(payload).map_or_else(not_object, Command::Displayed),
            file::FILE => de(payload).map_or_else(not_object, Command::File),
            file::CANCEL => de(payload).map_or_else(not_object, Command::FileCancel),
            blocking::LIST => unit(payload, Command::BlockingList),
            blocking::ADD => de(payload).map_or_else(not_object, |b| Command::Block(true, b)),
            blocking::REMOVE => de(payload).map_or_else(not_object, |b| Command::Block(false, b)),
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
