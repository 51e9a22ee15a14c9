//! What the core tells the application: one `Serialize` type per event ([`Emit`], by name) and
//! per callback answer ([`Reply`], the arguments after `null`). The shell hands them to JS with
//! serde-wasm-bindgen; the TypeScript types are generated from these types.

use serde::ser::{SerializeTuple, Serializer};
use serde::Serialize;

use super::actions::{ChatAction, ChatError};
use super::blocking::BlockingPush;
use super::chat::{ChatMessage, PendingMessage, Receipt, Sent};
use super::error::Error;
use super::file;
use super::mam::{CaughtUp, MamMessage, PageEcho, Preferences, RsmPage};
use super::presence::{PresenceError, PresenceUpdate, SubscriptionEvent};
use super::roster::RosterItem;
use super::JidObj;

/// `xmpp.connection`: `{status: "online", jid, resumed?}`, `{status: "reconnecting"}` or
/// `{status: "offline"}` (`docs/decisions.md` §2).
#[cfg_attr(
    test,
    derive(ts_rs::TS),
    ts(optional_fields, rename = "ConnectionStatus")
)]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Connection {
    /// `online`, `reconnecting` or `offline`.
    #[cfg_attr(test, ts(type = "\"online\" | \"offline\" | \"reconnecting\""))]
    pub status: &'static str,
    /// The bound JID, when online.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jid: Option<JidObj>,
    /// Whether the XEP-0198 session was resumed (after a reconnection or reload).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resumed: Option<bool>,
}

impl Connection {
    /// `{status}` alone.
    pub fn status(status: &'static str) -> Connection {
        Connection {
            status,
            jid: None,
            resumed: None,
        }
    }
}

/// `xmpp.raw`: a frame in or out, credentials redacted; `skipped` says why an incoming
/// stanza that could not be read was skipped (`docs/decisions.md` §13).
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "RawFrame"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Raw {
    /// `in` or `out`.
    #[cfg_attr(test, ts(type = "\"in\" | \"out\""))]
    pub direction: &'static str,
    /// The frame's text.
    pub frame: String,
    /// `not-well-formed`, `restricted-xml`, `too-large` or `too-deep`.
    #[cfg_attr(
        test,
        ts(
            optional,
            type = "\"not-well-formed\" | \"restricted-xml\" | \"too-large\" | \"too-deep\""
        )
    )]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<&'static str>,
}

/// An event for the `on(name)` handlers; [`Emit::name`] is its xmpp-ftw name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Emit {
    /// `xmpp.connection`.
    Connection(Connection),
    /// `xmpp.error`: connection and login errors, and errors of commands without callback.
    Error(Error),
    /// `xmpp.error.client`: the caller's payload was refused and no callback takes it.
    ClientError(Error),
    /// `xmpp.raw`.
    Raw(Raw),
    /// `xmpp.chat.message` (boxed: the largest payload; events are moved through a queue).
    ChatMessage(Box<ChatMessage>),
    /// `xmpp.chat.receipt`.
    Receipt(Receipt),
    /// `xmpp.chat.sent`.
    Sent(Sent),
    /// `xmpp.presence`.
    Presence(PresenceUpdate),
    /// `xmpp.presence.subscribe|subscribed|unsubscribe|unsubscribed`.
    Subscription(SubscriptionEvent),
    /// `xmpp.presence.error`.
    PresenceError(PresenceError),
    /// `xmpp.roster.push`.
    RosterPush(RosterItem),
    /// `xmpp.mam.message` (boxed, as messages).
    MamMessage(Box<MamMessage>),
    /// `xmpp.mam.caughtup`.
    CaughtUp(CaughtUp),
    /// `xmpp.chat.reaction`, `xmpp.chat.retract`, `xmpp.chat.displayed`.
    Action(ChatAction),
    /// `xmpp.chat.error`.
    ChatError(ChatError),
    /// `xmpp.blocking.push`.
    BlockingPush(BlockingPush),
    /// `xmpp.chat.file.progress`.
    FileProgress(file::Progress),
}

impl Emit {
    /// The xmpp-ftw event name.
    pub fn name(&self) -> &'static str {
        match self {
            Emit::Connection(_) => super::CONNECTION,
            Emit::Error(_) => super::ERROR,
            Emit::ClientError(_) => super::ERROR_CLIENT,
            Emit::Raw(_) => super::RAW,
            Emit::ChatMessage(_) => super::chat::MESSAGE,
            Emit::Receipt(_) => super::chat::RECEIPT,
            Emit::Sent(_) => super::chat::SENT,
            Emit::Presence(_) => super::presence::PRESENCE,
            Emit::Subscription(s) => s.name(),
            Emit::PresenceError(_) => super::presence::ERROR,
            Emit::RosterPush(_) => super::roster::PUSH,
            Emit::MamMessage(_) => super::mam::MESSAGE,
            Emit::CaughtUp(_) => super::mam::CAUGHT_UP,
            Emit::Action(a) => a.name(),
            Emit::ChatError(_) => super::actions::ERROR,
            Emit::BlockingPush(_) => super::blocking::PUSH,
            Emit::FileProgress(_) => file::PROGRESS,
        }
    }

    /// The error it carries (`xmpp.error`, `xmpp.error.client`).
    pub fn error(&self) -> Option<&Error> {
        match self {
            Emit::Error(e) | Emit::ClientError(e) => Some(e),
            _ => None,
        }
    }
}

/// A command's success: the arguments its callback gets after `null` (serialised as that
/// array), or what its promise resolves to (the first of them).
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// `cb(null)`: handed over (a promise resolves to `undefined`).
    Done,
    /// `cb(null, true)`.
    True,
    /// `cb(null, {id})`: the id of the application's chat message.
    Id(String),
    /// `xmpp.login`'s promise: the `xmpp.connection` payload.
    Online(Connection),
    /// `xmpp.roster.get`: the items.
    Roster(Vec<RosterItem>),
    /// `xmpp.chat.pending`: the messages not acknowledged yet.
    Pending(Vec<PendingMessage>),
    /// `xmpp.mam.query`: the filter with `complete`, and the RSM values.
    Page(PageEcho, RsmPage),
    /// `xmpp.mam.preferences.get`: the preferences, or `true` when the server sent none.
    Preferences(Option<Preferences>),
    /// `xmpp.blocking.list`: the blocked JIDs.
    Blocklist(Vec<String>),
    /// `xmpp.chat.file`: `{id, url}`.
    File(file::Sent),
}

/// `{id}`.
#[derive(Serialize)]
struct IdArg<'a> {
    id: &'a str,
}

impl Serialize for Reply {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let len = match self {
            Reply::Done => 0,
            Reply::Page(..) => 2,
            _ => 1,
        };
        let mut t = s.serialize_tuple(len)?;
        match self {
            Reply::Done => {}
            Reply::True | Reply::Preferences(None) => t.serialize_element(&true)?,
            Reply::Id(id) => t.serialize_element(&IdArg { id })?,
            Reply::Online(c) => t.serialize_element(c)?,
            Reply::Roster(items) => t.serialize_element(items)?,
            Reply::Pending(list) => t.serialize_element(list)?,
            Reply::Blocklist(list) => t.serialize_element(list)?,
            Reply::Page(echo, rsm) => {
                t.serialize_element(echo)?;
                t.serialize_element(rsm)?;
            }
            Reply::Preferences(Some(p)) => t.serialize_element(p)?,
            Reply::File(f) => t.serialize_element(f)?,
        }
        t.end()
    }
}
