//! XEP-0191 blocking (`docs/decisions.md` §14): `xmpp.blocking.list` → `(null, [jid…])`,
//! `xmpp.blocking.add {jid} | {jids}`, `xmpp.blocking.remove {jid} | {jids} | {all: true}` →
//! `(null, true)`, and the server's pushes as `xmpp.blocking.push {blocked?, unblocked?}`. On
//! xmpp-parsers' `blocking` types.

use super::command;
use super::error::ClientError;
use super::field::Field;
use super::{parse_jid, Jid};
use crate::stanza::Element;
use serde::Serialize;
use xmpp_parsers::blocking::{Block, BlocklistRequest, BlocklistResult, Unblock};

/// `xmpp.blocking.list`.
pub const LIST: &str = "xmpp.blocking.list";
/// `xmpp.blocking.add`.
pub const ADD: &str = "xmpp.blocking.add";
/// `xmpp.blocking.remove`.
pub const REMOVE: &str = "xmpp.blocking.remove";
/// `xmpp.blocking.push`: the block list changed (from another device, or this one).
pub const PUSH: &str = "xmpp.blocking.push";

/// `xmpp.blocking.push`: who was blocked, or unblocked (`"all"`: everyone).
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "BlockingPush"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockingPush {
    /// Newly blocked JIDs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked: Option<Vec<String>>,
    /// Newly unblocked JIDs, or `"all"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional, type = "string[] | \"all\""))]
    pub unblocked: Option<Unblocked>,
}

/// The unblocked part of a push.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Unblocked {
    /// These JIDs.
    Some(Vec<String>),
    /// Everyone (`"all"`).
    All(&'static str),
}

/// What a command asks for: the `<block/>` or `<unblock/>` to send.
pub fn request(add: bool, p: command::Blocking) -> Result<Element, ClientError> {
    let jids = jids(&p)?;
    if add {
        if jids.is_empty() {
            return Err(ClientError::missing("jid"));
        }
        return Ok(Block { items: jids }.into());
    }
    if jids.is_empty() && !p.all.truthy() {
        return Err(ClientError::missing("jid"));
    }
    Ok(Unblock { items: jids }.into())
}

/// `jid` and `jids`, each checked (RFC 7622).
fn jids(p: &command::Blocking) -> Result<Vec<Jid>, ClientError> {
    let mut out = Vec::new();
    match &p.jid {
        Field::Absent => {}
        Field::Given(j) => out.push(parse_jid(j).ok_or_else(|| ClientError::invalid("jid"))?),
        Field::Wrong => return Err(ClientError::invalid("jid")),
    }
    match &p.jids {
        Field::Absent => {}
        Field::Given(list) => {
            for j in list {
                let jid = j.given().and_then(|j| parse_jid(j));
                out.push(jid.ok_or_else(|| ClientError::invalid("jids"))?);
            }
        }
        Field::Wrong => return Err(ClientError::invalid("jids")),
    }
    Ok(out)
}

/// `<blocklist/>` (§3.2).
pub fn list_request() -> Element {
    BlocklistRequest.into()
}

/// The JIDs of a `<blocklist/>` answer (none when it does not parse).
pub fn list_items(result: Option<Element>) -> Vec<String> {
    result
        .and_then(|el| BlocklistResult::try_from(el).ok())
        .map(|r| r.items.iter().map(ToString::to_string).collect())
        .unwrap_or_default()
}

/// The push a `<block/>` or `<unblock/>` from the server is (§3.3, §3.4).
pub fn push(el: Element) -> Option<BlockingPush> {
    let names = |items: Vec<Jid>| items.iter().map(ToString::to_string).collect::<Vec<_>>();
    if let Ok(b) = Block::try_from(el.clone()) {
        return Some(BlockingPush {
            blocked: Some(names(b.items)),
            unblocked: None,
        });
    }
    let u = Unblock::try_from(el).ok()?;
    let unblocked = if u.items.is_empty() {
        Unblocked::All("all")
    } else {
        Unblocked::Some(names(u.items))
    };
    Some(BlockingPush {
        blocked: None,
        unblocked: Some(unblocked),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stanza::parse_frame;

    fn cmd(s: &str) -> command::Blocking {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn requests_in_xmpp_ftw_style() {
        let e = |add, p: &str| request(add, cmd(p)).err().map(|e| e.to_string());
        assert_eq!(e(true, "{}").as_deref(), Some("Missing 'jid' key"));
        assert_eq!(
            e(true, r#"{"jid": "a@@b"}"#).as_deref(),
            Some("Invalid 'jid' key")
        );
        assert_eq!(
            e(true, r#"{"jids": ["a@b", 1]}"#).as_deref(),
            Some("Invalid 'jids' key")
        );
        assert_eq!(e(false, "{}").as_deref(), Some("Missing 'jid' key"));
        let all = request(false, cmd(r#"{"all": true}"#)).unwrap();
        assert!(all.is("unblock", crate::stanza::ns::BLOCKING) && all.children().count() == 0);
        let two = request(true, cmd(r#"{"jid": "a@b", "jids": ["c@d"]}"#)).unwrap();
        assert_eq!(two.children().count(), 2);
    }

    #[test]
    fn pushes_and_lists() {
        let el = |s: &str| parse_frame(s, 4096).unwrap();
        let p = push(el(
            "<block xmlns='urn:xmpp:blocking'><item jid='a@b'/></block>",
        ))
        .unwrap();
        assert_eq!(
            serde_json::to_value(p).unwrap(),
            serde_json::json!({"blocked": ["a@b"]})
        );
        let p = push(el("<unblock xmlns='urn:xmpp:blocking'/>")).unwrap();
        assert_eq!(
            serde_json::to_value(p).unwrap(),
            serde_json::json!({"unblocked": "all"})
        );
        assert_eq!(push(el("<query xmlns='jabber:iq:roster'/>")), None);
        let items = list_items(Some(el(
            "<blocklist xmlns='urn:xmpp:blocking'><item jid='x@y'/><item jid='z@y'/></blocklist>",
        )));
        assert_eq!(items, ["x@y", "z@y"]);
    }
}
