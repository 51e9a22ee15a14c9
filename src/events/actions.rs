//! Message actions (`docs/decisions.md` §14): XEP-0461 replies, XEP-0444 reactions, XEP-0424
//! retraction, XEP-0333 read markers, and bounced messages (`<message type="error">` for a
//! message this socket sent). Each outgoing action is a chat message of its own with an id and
//! an XEP-0359 origin-id, stored by the archive (XEP-0334 `<store/>`); each incoming one is one
//! event (its fallback body, for clients without the feature, is never also a message).

use super::chat::{Archived, DelayInfo};
use super::command;
use super::error::{ClientError, Error};
use super::field::Field;
use super::{jid_obj, parse_jid, Jid, JidObj};
use crate::stanza::{Fallback, Retract, Store, NS_RETRACT};
use serde::Serialize;
use xmpp_parsers::displayed_markers::Displayed;
use xmpp_parsers::message::{Id, Lang, Message};
use xmpp_parsers::reactions::{Reaction, Reactions};
use xmpp_parsers::stanza_id::OriginId;

/// `xmpp.chat.reaction`: XEP-0444 reactions, both ways.
pub const REACTION: &str = "xmpp.chat.reaction";
/// `xmpp.chat.retract`: XEP-0424 retraction, both ways.
pub const RETRACT: &str = "xmpp.chat.retract";
/// `xmpp.chat.displayed`: XEP-0333 read markers, both ways.
pub const DISPLAYED: &str = "xmpp.chat.displayed";
/// `xmpp.chat.error`: a message this socket sent bounced.
pub const ERROR: &str = "xmpp.chat.error";

/// Most reactions in one set, and the longest one (an emoji, XEP-0444 §4; a few code points
/// with skin tones and joiners).
const MAX_REACTIONS: usize = 20;
const MAX_REACTION_CHARS: usize = 32;

/// The body a retraction carries for clients without XEP-0424 (§4).
pub const RETRACT_FALLBACK: &str =
    "This person attempted to retract a previous message, but it's unsupported by your client.";

/// XEP-0461 `reply: {id, to?}` of an incoming message.
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "ReplyRef"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplyRef {
    /// The id of the message replied to.
    pub id: String,
    /// Its author, when the reply names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<JidObj>,
}

/// Which action an incoming [`ChatAction`] is (its event name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// XEP-0444.
    Reaction,
    /// XEP-0424.
    Retract,
    /// XEP-0333.
    Displayed,
}

/// `xmpp.chat.reaction {from, id, reactions}`, `xmpp.chat.retract {from, id}`,
/// `xmpp.chat.displayed {from, id}`, with `archived`, `delay`, `carbon` and `to` as messages
/// have them.
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "ChatAction"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChatAction {
    /// Which action.
    #[serde(skip)]
    pub kind: ActionKind,
    /// Who acted.
    pub from: JidObj,
    /// On a `carbon: "sent"`: whose message it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<JidObj>,
    /// The message acted on (the id it was received with).
    pub id: String,
    /// XEP-0444: the sender's whole set (`[]`: none any more).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reactions: Option<Vec<String>>,
    /// Where the account's archive keeps the action.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(test, ts(as = "Option<Vec<Archived>>"))]
    pub archived: Vec<Archived>,
    /// XEP-0203.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay: Option<DelayInfo>,
    /// XEP-0280: `received` or `sent`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional, type = "\"received\" | \"sent\""))]
    pub carbon: Option<&'static str>,
}

impl ChatAction {
    /// The event name.
    pub fn name(&self) -> &'static str {
        match self.kind {
            ActionKind::Reaction => REACTION,
            ActionKind::Retract => RETRACT,
            ActionKind::Displayed => DISPLAYED,
        }
    }
}

/// `xmpp.chat.error {from, id, error}`: a message this socket sent came back as an error.
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "ChatError"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChatError {
    /// Who answered (the recipient's server).
    pub from: JidObj,
    /// The id of the message that was not delivered.
    pub id: String,
    /// The stanza error (RFC 6120 §8.3).
    #[cfg_attr(test, ts(type = "ErrorShape"))]
    pub error: Error,
}

/// XEP-0461 `reply: {id, to?}` of an outgoing message: the id and author of the message
/// replied to (default author: the conversation peer `peer`).
pub fn reply_target(
    reply: Field<command::ReplyTo>,
    peer: &Jid,
) -> Result<Option<(String, Jid)>, ClientError> {
    let r = match reply {
        Field::Absent => return Ok(None),
        Field::Wrong => return Err(ClientError::invalid("reply")),
        Field::Given(r) => r,
    };
    let id = match r.id {
        Field::Absent => return Err(ClientError::missing("reply.id")),
        Field::Wrong => return Err(ClientError::invalid("reply.id")),
        Field::Given(id) => id,
    };
    let to = match r.to {
        Field::Absent => Jid::from(peer.to_bare()),
        Field::Wrong => return Err(ClientError::invalid("reply.to")),
        Field::Given(j) => parse_jid(&j.0).ok_or_else(|| ClientError::invalid("reply.to"))?,
    };
    Ok(Some((id, to)))
}

/// The reply's fallback quote (XEP-0461 §4, XEP-0428): each line of `quote` as a `> ` line,
/// and the number of code points it takes at the start of the body.
pub fn quoted(quote: &str) -> (String, usize) {
    let mut out = String::new();
    for line in quote.lines() {
        out.push_str("> ");
        out.push_str(line);
        out.push('\n');
    }
    let n = out.chars().count();
    (out, n)
}

/// The message acted on: `to` and `id`, in xmpp-ftw's order of checks.
fn target(to: &Field<String>, id: &Field<String>) -> Result<(Jid, String), ClientError> {
    if to.is_absent() {
        return Err(ClientError::missing("to"));
    }
    if id.is_absent() {
        return Err(ClientError::missing("id"));
    }
    let to = to
        .given()
        .and_then(|t| parse_jid(t))
        .ok_or_else(|| ClientError::invalid("to"))?;
    let id = id
        .given()
        .cloned()
        .ok_or_else(|| ClientError::invalid("id"))?;
    Ok((to, id))
}

/// A chat message of the action, with `id` as its id and origin-id, kept by the archive.
fn action_message(to: Jid, id: &str, payload: impl Into<crate::stanza::Element>) -> Message {
    let mut m = Message::chat(Some(to));
    m.id = Some(Id(id.to_owned()));
    m.payloads.push(payload.into());
    m.payloads.push(Store.into());
    m.with_payload(OriginId { id: id.to_owned() })
}

/// `xmpp.chat.reaction {to, id, reactions}` → `<reactions id><reaction/>…</reactions>`
/// (XEP-0444 §3): the whole set, `[]` removes every reaction; duplicates are sent once.
pub fn reaction_stanza(p: command::Reaction, id: &str) -> Result<Message, ClientError> {
    let (to, acted) = target(&p.to, &p.id)?;
    if p.reactions.is_absent() {
        return Err(ClientError::missing("reactions"));
    }
    let invalid = || ClientError::new("Invalid 'reactions' value");
    let list = p.reactions.read().ok().flatten().ok_or_else(invalid)?;
    if list.len() > MAX_REACTIONS {
        return Err(invalid());
    }
    let mut reactions: Vec<Reaction> = Vec::new();
    for r in list {
        let Field::Given(emoji) = r else {
            return Err(invalid());
        };
        let n = emoji.chars().count();
        if n == 0 || n > MAX_REACTION_CHARS || emoji.chars().any(char::is_whitespace) {
            return Err(invalid());
        }
        if !reactions.iter().any(|r| r.emoji == emoji) {
            reactions.push(Reaction { emoji });
        }
    }
    Ok(action_message(
        to,
        id,
        Reactions {
            id: acted,
            reactions,
        },
    ))
}

/// `xmpp.chat.retract {to, id}` → `<retract id/>` with its fallback body (XEP-0424 §3, §4).
pub fn retract_stanza(p: command::Action, id: &str) -> Result<Message, ClientError> {
    let (to, acted) = target(&p.to, &p.id)?;
    let fallback = Fallback {
        for_: NS_RETRACT.to_owned(),
        bodies: Vec::new(),
    };
    let m = action_message(to, id, Retract { id: acted });
    let mut m = m.with_body(Lang::new(), RETRACT_FALLBACK.to_owned());
    m.payloads.push(fallback.into());
    Ok(m)
}

/// `xmpp.chat.displayed {to, id}` → `<displayed id/>` (XEP-0333 §3).
pub fn displayed_stanza(p: command::Action, id: &str) -> Result<Message, ClientError> {
    let (to, acted) = target(&p.to, &p.id)?;
    Ok(action_message(to, id, Displayed { id: Id(acted) }))
}

/// The action an incoming message carries, if any (a retraction first, then reactions, then
/// a read marker).
pub fn incoming_action(
    retract: Option<&str>,
    reactions: Option<&Reactions>,
    displayed: Option<&str>,
    from: &Jid,
) -> Option<ChatAction> {
    let (kind, id, reactions) = match (retract, reactions, displayed) {
        (Some(id), _, _) => (ActionKind::Retract, id.to_owned(), None),
        (None, Some(r), _) => (
            ActionKind::Reaction,
            r.id.clone(),
            Some(r.reactions.iter().map(|r| r.emoji.clone()).collect()),
        ),
        (None, None, Some(id)) => (ActionKind::Displayed, id.to_owned(), None),
        (None, None, None) => return None,
    };
    Some(ChatAction {
        kind,
        from: jid_obj(from),
        to: None,
        id,
        reactions,
        archived: Vec::new(),
        delay: None,
        carbon: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stanza;

    fn cmd<T: serde::de::DeserializeOwned>(s: &str) -> T {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn actions_in_xmpp_ftw_order_of_checks() {
        let err = |r: Result<Message, ClientError>| r.err().map(|e| e.to_string());
        assert_eq!(
            err(reaction_stanza(cmd("{}"), "x")).as_deref(),
            Some("Missing 'to' key")
        );
        assert_eq!(
            err(reaction_stanza(cmd(r#"{"to": "b@b.org"}"#), "x")).as_deref(),
            Some("Missing 'id' key")
        );
        assert_eq!(
            err(reaction_stanza(cmd(r#"{"to": "b@@b", "id": "m"}"#), "x")).as_deref(),
            Some("Invalid 'to' key")
        );
        assert_eq!(
            err(reaction_stanza(cmd(r#"{"to": "b@b.org", "id": "m"}"#), "x")).as_deref(),
            Some("Missing 'reactions' key")
        );
        for bad in [r#""👍""#, "[1]", r#"["a b"]"#, r#"[""]"#] {
            let p = format!(r#"{{"to": "b@b.org", "id": "m", "reactions": {bad}}}"#);
            assert_eq!(
                err(reaction_stanza(cmd(&p), "x")).as_deref(),
                Some("Invalid 'reactions' value"),
                "{bad}"
            );
        }
        assert_eq!(
            err(retract_stanza(cmd(r#"{"to": "b@b.org", "id": 5}"#), "x")).as_deref(),
            Some("Invalid 'id' key")
        );
    }

    #[test]
    fn stanzas_are_xmpp_parsers_types() {
        let m = reaction_stanza(
            cmd(r#"{"to": "b@b.org", "id": "m1", "reactions": ["👍", "🐢", "👍"]}"#),
            "r1",
        )
        .unwrap();
        let el: stanza::Element = m.into();
        let r = Reactions::try_from(
            el.get_child("reactions", stanza::ns::REACTIONS)
                .unwrap()
                .clone(),
        )
        .unwrap();
        assert_eq!(r.id, "m1");
        assert_eq!(r.reactions.len(), 2, "sent once each");
        assert!(el.has_child("store", stanza::NS_HINTS));
        let m: stanza::Element = retract_stanza(cmd(r#"{"to": "b@b.org", "id": "m1"}"#), "r2")
            .unwrap()
            .into();
        assert!(m.has_child("retract", NS_RETRACT));
        assert!(m.has_child("fallback", stanza::NS_FALLBACK));
        assert_eq!(
            m.get_child("body", stanza::ns::DEFAULT_NS)
                .map(|b| b.text())
                .as_deref(),
            Some(RETRACT_FALLBACK)
        );
        let m: stanza::Element = displayed_stanza(cmd(r#"{"to": "b@b.org", "id": "m1"}"#), "r3")
            .unwrap()
            .into();
        assert_eq!(
            m.get_child("displayed", stanza::ns::DISPLAYED_MARKERS)
                .and_then(|d| d.attr("id")),
            Some("m1")
        );
    }
}
