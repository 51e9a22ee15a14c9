//! A received `<message/>` read in one pass (RFC 6121 §5.2, XEP-0085, XEP-0184, XEP-0203,
//! XEP-0308, XEP-0359, and the message actions: XEP-0461, XEP-0428, XEP-0444, XEP-0424,
//! XEP-0333, XEP-0066): the payloads chat messages carry are read as their xmpp-parsers types
//! (or this SDK's, `super::actions`) while the frame is parsed, instead of first as minidom elements
//! (xmpp-parsers' `Message` keeps payloads as elements) and then again, each element replayed
//! as events, into their types. Every other payload stays an element, read as on the general
//! path.
//!
//! Stricter than `Message` on purpose: a typed payload that does not parse makes the whole read
//! fail, and the frame then takes the general path, which reads payloads one by one and ignores
//! the ones that do not parse. A payload given twice is read twice, in order, on both paths.
//! Either way the application gets the same event.

use std::collections::BTreeMap;

use jid::Jid;
use xmpp_parsers::chatstates::ChatState;
use xmpp_parsers::displayed_markers::Displayed;
use xmpp_parsers::message::{Id, Lang, MessageType};
use xmpp_parsers::message_correct::Replace;
use xmpp_parsers::oob::Oob;
use xmpp_parsers::reactions::Reactions;
use xmpp_parsers::receipts::{Received, Request};
use xmpp_parsers::stanza_id::{OriginId, StanzaId};
use xso::FromXml;

use super::{ns, Element};

/// `<message/>` with its common payloads typed (the attributes and bodies as xmpp-parsers'
/// `Message` has them).
#[derive(FromXml, Debug, PartialEq)]
#[xml(namespace = ns::DEFAULT_NS, name = "message")]
pub struct MessageIn {
    /// The sender.
    #[xml(attribute(default))]
    pub from: Option<Jid>,
    /// The recipient.
    #[xml(attribute(default))]
    pub to: Option<Jid>,
    /// The message id.
    #[xml(attribute(default))]
    pub id: Option<Id>,
    /// RFC 6121 §5.2.2.
    #[xml(attribute(name = "type", default))]
    pub type_: MessageType,
    /// The bodies by language (RFC 6121 §5.2.3).
    #[xml(extract(n = .., name = "body", fields(
        lang(type_ = Lang, default),
        text(type_ = String),
    )))]
    pub bodies: BTreeMap<Lang, String>,
    /// The payloads, in order.
    #[xml(child(n = ..))]
    pub payloads: Vec<Payload>,
}

/// A payload of a received message: one of the common ones, read as its type, or any other
/// element.
#[derive(FromXml, Debug, PartialEq)]
#[xml()]
pub enum Payload {
    /// XEP-0085.
    #[xml(transparent)]
    State(ChatState),
    /// XEP-0184 §5.1.
    #[xml(transparent)]
    Request(Request),
    /// XEP-0184 §5.2.
    #[xml(transparent)]
    Received(Received),
    /// XEP-0308 §3.
    #[xml(transparent)]
    Replace(Replace),
    /// XEP-0203.
    #[xml(transparent)]
    Delay(Delay),
    /// XEP-0359 §3.
    #[xml(transparent)]
    StanzaId(StanzaId),
    /// XEP-0359 §3.1.
    #[xml(transparent)]
    OriginId(OriginId),
    /// XEP-0461 §2.
    #[xml(transparent)]
    Reply(super::Reply),
    /// XEP-0428 §3.
    #[xml(transparent)]
    Fallback(super::Fallback),
    /// XEP-0444 §3.
    #[xml(transparent)]
    Reactions(Reactions),
    /// XEP-0424 §3.
    #[xml(transparent)]
    Retract(super::Retract),
    /// XEP-0333 §4.
    #[xml(transparent)]
    Displayed(Displayed),
    /// XEP-0066 §3.
    #[xml(transparent)]
    Oob(Oob),
    /// Every other payload, kept as an element.
    #[xml(transparent)]
    Other(Element),
}

/// XEP-0203 `<delay/>` as xmpp-parsers' `Delay` reads it, with the stamp kept as written:
/// stamps of one server sort in time order only as written (ejabberd writes six fraction
/// digits, and a re-formatted `…05.123Z` sorts after `…05.123456Z`).
#[derive(FromXml, Debug, PartialEq)]
#[xml(namespace = ns::DELAY, name = "delay")]
pub struct Delay {
    /// Who delayed it.
    #[xml(attribute(default))]
    pub from: Option<Jid>,
    /// XEP-0082 DateTime, as written.
    #[xml(attribute)]
    pub stamp: Stamp,
    /// Why, when given.
    #[xml(text = xso::text::EmptyAsNone)]
    pub data: Option<String>,
}

/// An XEP-0082 DateTime as written, checked with xmpp-parsers' `DateTime`.
#[derive(Debug, PartialEq)]
pub struct Stamp(pub String);

impl xso::FromXmlText for Stamp {
    fn from_xml_text(s: String) -> Result<Stamp, xso::error::Error> {
        match s.parse::<xmpp_parsers::date::DateTime>() {
            Ok(_) => Ok(Stamp(s)),
            Err(e) => Err(xso::error::Error::text_parse_error(e)),
        }
    }
}
