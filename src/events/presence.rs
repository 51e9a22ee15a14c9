//! RFC 6121 presence in xmpp-ftw's shape (`docs/xmpp-ftw-api.md` §3).
//!
//! Outgoing: `xmpp.presence {show?, status?, priority?, to?, type?, client?}` (children in the
//! order status, priority, show, XEP-0115 `<c/>`), `xmpp.presence.offline`, `xmpp.presence.get
//! {to}` and the subscription family `xmpp.presence.subscribe|subscribed|unsubscribe|
//! unsubscribed {to}`. Incoming: `xmpp.presence {from, show?, status?, priority?, client?}`
//! (`show:"offline"` for unavailable), `xmpp.presence.<subscription type> {from, nick?}` and
//! `xmpp.presence.error {error, from?}`.

use super::command::{self, Directed};
use super::emit::Emit;
use super::error::ClientError;
use super::field::NumOrStr;
use super::{jid_obj, parse_jid, JidObj};
use crate::stanza::{self, ns, Element};
use serde::Serialize;
use xmpp_parsers::nick::Nick;
use xmpp_parsers::presence::{Presence, Show, Type};
use xmpp_parsers::stanza_error::StanzaError;

/// Sends or receives available/unavailable presence.
pub const PRESENCE: &str = "xmpp.presence";
/// Unavailable presence.
pub const OFFLINE: &str = "xmpp.presence.offline";
/// Directed available presence `{to}`.
pub const GET: &str = "xmpp.presence.get";
/// RFC 6121 §3.1 subscription request.
pub const SUBSCRIBE: &str = "xmpp.presence.subscribe";
/// RFC 6121 §3.1.5 approval.
pub const SUBSCRIBED: &str = "xmpp.presence.subscribed";
/// RFC 6121 §3.3 cancel own subscription.
pub const UNSUBSCRIBE: &str = "xmpp.presence.unsubscribe";
/// RFC 6121 §3.2 deny or revoke.
pub const UNSUBSCRIBED: &str = "xmpp.presence.unsubscribed";
/// A presence error from the network.
pub const ERROR: &str = "xmpp.presence.error";

/// `xmpp.presence`, received: `{from, show?, status?, priority?, client?}`.
#[cfg_attr(
    test,
    derive(ts_rs::TS),
    ts(optional_fields, rename = "PresenceReceived")
)]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PresenceUpdate {
    /// The contact's full JID.
    pub from: JidObj,
    /// `chat`, `away`, `dnd`, `xa`, or `offline` for unavailable.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        test,
        ts(
            optional,
            type = "\"chat\" | \"away\" | \"dnd\" | \"xa\" | \"offline\""
        )
    )]
    pub show: Option<&'static str>,
    /// `<status/>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `<priority/>` as a string, when the stanza had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// XEP-0115 `{node, ver, hash}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<Client>,
}

/// XEP-0115 capabilities of a contact's client.
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "ClientCaps"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Client {
    /// The client's node URI.
    pub node: String,
    /// The verification string.
    pub ver: String,
    /// Its hash function.
    pub hash: String,
}

/// `xmpp.presence.subscribe|subscribed|unsubscribe|unsubscribed {from, nick?}`.
#[cfg_attr(
    test,
    derive(ts_rs::TS),
    ts(optional_fields, rename = "SubscriptionReceived")
)]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubscriptionEvent {
    /// Which one (the event name).
    #[serde(skip)]
    pub kind: Directed,
    /// The contact.
    pub from: JidObj,
    /// XEP-0172 nickname.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nick: Option<String>,
}

impl SubscriptionEvent {
    /// The event name.
    pub fn name(&self) -> &'static str {
        match self.kind {
            Directed::Subscribe => SUBSCRIBE,
            Directed::Subscribed => SUBSCRIBED,
            Directed::Unsubscribe => UNSUBSCRIBE,
            Directed::Unsubscribed | Directed::Get => UNSUBSCRIBED,
        }
    }
}

/// `xmpp.presence.error {error, from}`: the condition of a presence error.
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "PresenceError"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PresenceError {
    /// The RFC 6120 §8.3.3 condition (empty when none could be read).
    pub error: String,
    /// Who answered.
    pub from: JidObj,
}

/// Builds the stanza for `xmpp.presence`, in xmpp-ftw's order of checks.
pub fn build(p: command::Presence) -> Result<Element, ClientError> {
    let to = match p.to.read().map_err(|_| ClientError::invalid("to"))? {
        Some(t) => Some(parse_jid(&t).ok_or_else(|| ClientError::invalid("to"))?),
        None => None,
    };
    let status = p
        .status
        .read()
        .map_err(|_| ClientError::invalid("status"))?;
    let priority = match p.priority.read() {
        Ok(None) => None,
        Ok(Some(NumOrStr::Num(n))) if n.fract() == 0.0 && (-128.0..=127.0).contains(&n) => {
            Some(n as i8)
        }
        Ok(Some(NumOrStr::Str(s))) => Some(
            s.trim()
                .parse::<i8>()
                .map_err(|_| ClientError::invalid("priority"))?,
        ),
        _ => return Err(ClientError::invalid("priority")),
    };
    // RFC 6121 §4.7.2.1; xmpp-ftw's manual uses "online", which means plain available.
    let show = match p
        .show
        .read()
        .map_err(|_| ClientError::invalid("show"))?
        .as_deref()
    {
        None | Some("online") | Some("") => None,
        Some("away") => Some(Show::Away),
        Some("chat") => Some(Show::Chat),
        Some("dnd") => Some(Show::Dnd),
        Some("xa") => Some(Show::Xa),
        Some(_) => return Err(ClientError::invalid("show")),
    };
    let caps = match p.client.read() {
        Ok(None) => None,
        Ok(Some(c)) => {
            let mut parts = Vec::with_capacity(3);
            for (key, v) in [("node", c.node), ("ver", c.ver), ("hash", c.hash)] {
                match v.read() {
                    Ok(Some(v)) => parts.push(v),
                    _ => return Err(ClientError::missing(key)),
                }
            }
            // XEP-0115 `<c/>` as given (the `ver` is the application's, not recomputed here).
            Some(
                Element::builder("c", ns::CAPS)
                    .attr(stanza::name("node"), parts[0].as_str())
                    .attr(stanza::name("ver"), parts[1].as_str())
                    .attr(stanza::name("hash"), parts[2].as_str())
                    .build(),
            )
        }
        Err(_) => return Err(ClientError::new("'client' key must be an object")),
    };
    let unavailable = p.type_.given().is_some_and(|t| t == "unavailable");
    let mut pr = Presence::new(if unavailable {
        Type::Unavailable
    } else {
        Type::None
    });
    pr.to = to;
    if let Some(s) = status {
        pr.set_status("", s);
    }
    if let Some(n) = priority {
        pr = pr.with_priority(n);
    }
    pr.show = show;
    if let Some(c) = caps {
        pr.payloads.push(c);
    }
    Ok(finish(pr))
}

/// The presence as an element. xmpp-parsers always writes `<priority/>`; a priority of 0 is
/// the RFC 6121 §4.7.2.3 default, so it is left out.
fn finish(p: Presence) -> Element {
    let unset = p.priority.0 == 0;
    let mut el: Element = p.into();
    if unset {
        el.remove_child("priority", ns::DEFAULT_NS);
    }
    el
}

/// A directed presence `{to}` of `kind` (`None`: available; RFC 6121 §3 subscriptions).
pub fn build_directed(p: command::To, kind: Directed) -> Result<Element, ClientError> {
    if p.to.is_absent() {
        return Err(ClientError::missing("to"));
    }
    let Some(to) = p.to.given().and_then(|t| parse_jid(t)) else {
        return Err(ClientError::invalid("to"));
    };
    let type_ = match kind {
        Directed::Get => Type::None,
        Directed::Subscribe => Type::Subscribe,
        Directed::Subscribed => Type::Subscribed,
        Directed::Unsubscribe => Type::Unsubscribe,
        Directed::Unsubscribed => Type::Unsubscribed,
    };
    Ok(finish(Presence::new(type_).with_to(to)))
}

/// `<presence type="unavailable"/>`.
pub fn build_offline() -> Element {
    finish(Presence::unavailable())
}

/// The event for an incoming `<presence/>` element: [`parse`] of its xmpp-parsers type, told
/// whether it carried `<priority/>`. `None`: it does not parse, or is to be ignored.
pub fn read(el: Element) -> Option<Emit> {
    let priority_given = el.has_child("priority", ns::DEFAULT_NS);
    parse(Presence::try_from(el).ok()?, priority_given)
}

/// The event for an incoming presence stanza (xmpp-parsers' `Presence`), or `None` to ignore
/// it (probes, a missing `from`).
/// `priority_given`: the stanza carried `<priority/>` (xmpp-parsers reads a missing one as 0;
/// xmpp-ftw passes the priority on only when there is one).
pub fn parse(p: Presence, priority_given: bool) -> Option<Emit> {
    let from = jid_obj(p.from.as_ref()?);
    let status = p.statuses.values().next().cloned();
    match p.type_ {
        Type::None | Type::Unavailable => {
            let show = if p.type_ == Type::Unavailable {
                Some("offline")
            } else {
                p.show.as_ref().map(show_name)
            };
            let client = p
                .payloads
                .iter()
                .find(|c| c.is("c", ns::CAPS))
                .and_then(|c| {
                    Some(Client {
                        node: c.attr("node")?.to_owned(),
                        ver: c.attr("ver")?.to_owned(),
                        hash: c.attr("hash")?.to_owned(),
                    })
                });
            Some(Emit::Presence(PresenceUpdate {
                from,
                show,
                status,
                priority: priority_given.then(|| p.priority.0.to_string()),
                client,
            }))
        }
        t @ (Type::Subscribe | Type::Subscribed | Type::Unsubscribe | Type::Unsubscribed) => {
            let kind = match t {
                Type::Subscribe => Directed::Subscribe,
                Type::Subscribed => Directed::Subscribed,
                Type::Unsubscribe => Directed::Unsubscribe,
                _ => Directed::Unsubscribed,
            };
            let nick = p
                .payloads
                .into_iter()
                .find(|n| n.is("nick", ns::NICK))
                .and_then(|n| Nick::try_from(n).ok())
                .map(|n| n.0);
            Some(Emit::Subscription(SubscriptionEvent { kind, from, nick }))
        }
        Type::Error => {
            let cond = p
                .payloads
                .into_iter()
                .find(|e| e.is("error", ns::DEFAULT_NS))
                .and_then(|e| StanzaError::try_from(e).ok())
                .map(|e| stanza::element_name(e.defined_condition))
                .unwrap_or_default();
            Some(Emit::PresenceError(PresenceError { error: cond, from }))
        }
        Type::Probe => None,
    }
}

fn show_name(s: &Show) -> &'static str {
    match s {
        Show::Away => "away",
        Show::Chat => "chat",
        Show::Dnd => "dnd",
        Show::Xa => "xa",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(s: &str) -> command::Presence {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn builds_with_xmpp_parsers() {
        let p = build(cmd(
            r#"{"show": "away", "status": "Lunch", "priority": 5, "to": "bob@b.org",
                "client": {"node": "n", "ver": "v", "hash": "sha-1"}}"#,
        ))
        .unwrap();
        assert_eq!(p.attr("to"), Some("bob@b.org"));
        let text = |name| p.get_child(name, ns::DEFAULT_NS).map(|c| c.text());
        assert_eq!(text("show").as_deref(), Some("away"));
        assert_eq!(text("status").as_deref(), Some("Lunch"));
        assert_eq!(text("priority").as_deref(), Some("5"));
        assert_eq!(
            p.get_child("c", ns::CAPS).and_then(|c| c.attr("hash")),
            Some("sha-1")
        );
        let plain = build(cmd("{}")).unwrap();
        assert_eq!(plain.attr("type"), None);
        assert_eq!(plain.children().count(), 0);
        let off = build(cmd(r#"{"type": "unavailable"}"#)).unwrap();
        assert_eq!(off.attr("type"), Some("unavailable"));
    }

    #[test]
    fn client_errors() {
        let d = |p: &str| build(cmd(p)).unwrap_err().to_string();
        assert_eq!(d(r#"{"client": "x"}"#), "'client' key must be an object");
        assert_eq!(d(r#"{"client": {"node": "n"}}"#), "Missing 'ver' key");
        assert_eq!(d(r#"{"priority": 300}"#), "Invalid 'priority' key");
        assert_eq!(d(r#"{"show": "sleeping"}"#), "Invalid 'show' key");
        assert_eq!(d(r#"{"to": "a@@b"}"#), "Invalid 'to' key");
        assert_eq!(d(r#"{"status": true}"#), "Invalid 'status' key");
        let e = build_directed(serde_json::from_str("{}").unwrap(), Directed::Subscribe);
        assert_eq!(e.unwrap_err(), ClientError::missing("to"));
    }

    fn pres(s: &str) -> Presence {
        Presence::try_from(crate::stanza::parse_frame(s, 4096).unwrap()).unwrap()
    }

    fn event(p: Presence, priority: bool) -> Option<(&'static str, serde_json::Value)> {
        parse(p, priority).map(|e| (e.name(), serde_json::to_value(e).unwrap()))
    }

    #[test]
    fn parses_incoming() {
        let p = pres(
            "<presence xmlns='jabber:client' from='ann@e.org/phone'><show>dnd</show>\
            <status>busy</status><priority>3</priority></presence>",
        );
        assert_eq!(
            event(p, true),
            Some((
                PRESENCE,
                serde_json::json!({"from": {"domain": "e.org", "user": "ann", "resource": "phone"},
                "show": "dnd", "status": "busy", "priority": "3"})
            ))
        );
        let p = pres(
            "<presence xmlns='jabber:client' from='ann@e.org' type='subscribe'>\
            <nick xmlns='http://jabber.org/protocol/nick'>Ann</nick></presence>",
        );
        assert_eq!(
            event(p, false),
            Some((
                SUBSCRIBE,
                serde_json::json!({"from": {"domain": "e.org", "user": "ann"}, "nick": "Ann"})
            ))
        );
        let p = pres("<presence xmlns='jabber:client' type='unavailable' from='e.org'/>");
        assert_eq!(
            event(p, false),
            Some((
                PRESENCE,
                serde_json::json!({"from": {"domain": "e.org"}, "show": "offline"})
            ))
        );
        assert_eq!(
            event(pres("<presence xmlns='jabber:client'/>"), false),
            None,
            "no from"
        );
        let p = pres("<presence xmlns='jabber:client' from='a@b' type='probe'/>");
        assert_eq!(event(p, false), None);
    }
}
