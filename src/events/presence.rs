//! RFC 6121 presence in xmpp-ftw's shape (`xmpp-ftw-api.md` §3).
//!
//! Outgoing: `xmpp.presence {show?, status?, priority?, to?, type?, client?}` (children in the
//! order status, priority, show, XEP-0115 `<c/>`), `xmpp.presence.offline`, `xmpp.presence.get
//! {to}` and the subscription family `xmpp.presence.subscribe|subscribed|unsubscribe|
//! unsubscribed {to}`. Incoming: `xmpp.presence {from, show?, status?, priority?, client?}`
//! (`show:"offline"` for unavailable), `xmpp.presence.<subscription type> {from, nick?}` and
//! `xmpp.presence.error {error, from?}`.

use super::{client_error, jid_value, parse_jid};
use crate::proto::xml::El;
use crate::proto::xml::Element;
use crate::value::Value;

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

const NS_CLIENT: &str = "jabber:client";
const NS_CAPS: &str = "http://jabber.org/protocol/caps";
const NS_NICK: &str = "http://jabber.org/protocol/nick";

/// Builds the stanza for `xmpp.presence`.
pub fn build(payload: &Value) -> Result<El, Value> {
    let err = |d: &str| client_error(d, payload.clone());
    let opt_str = |key: &str| -> Result<Option<&str>, Value> {
        match payload.get(key) {
            None => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s)),
            Some(_) => Err(err(&format!("Invalid '{key}' key"))),
        }
    };
    let to = match opt_str("to")? {
        Some(t) => Some(parse_jid(t).ok_or_else(|| err("Invalid 'to' key"))?),
        None => None,
    };
    let status = opt_str("status")?;
    let priority = match payload.get("priority") {
        None => None,
        Some(Value::Num(n)) if n.fract() == 0.0 && (-128.0..=127.0).contains(n) => Some(*n as i8),
        Some(Value::Str(s)) => Some(
            s.trim()
                .parse::<i8>()
                .map_err(|_| err("Invalid 'priority' key"))?,
        ),
        Some(_) => return Err(err("Invalid 'priority' key")),
    };
    // RFC 6121 §4.7.2.1; xmpp-ftw's manual uses "online", which means plain available.
    let show = match opt_str("show")? {
        None | Some("online") | Some("") => None,
        Some(s @ ("away" | "chat" | "dnd" | "xa")) => Some(s),
        Some(_) => return Err(err("Invalid 'show' key")),
    };
    let caps = match payload.get("client") {
        None => None,
        Some(c @ Value::Obj(_)) => {
            let mut parts = Vec::with_capacity(3);
            for key in ["node", "ver", "hash"] {
                match c.get_str(key) {
                    Some(v) => parts.push(v),
                    None => return Err(err(&format!("Missing '{key}' key"))),
                }
            }
            Some(
                El::new("c", NS_CAPS)
                    .attr("node", parts[0])
                    .attr("ver", parts[1])
                    .attr("hash", parts[2]),
            )
        }
        Some(_) => return Err(err("'client' key must be an object")),
    };
    let unavailable = payload.get_str("type") == Some("unavailable");
    Ok(El::new("presence", NS_CLIENT)
        .attr_opt("to", to.map(|j| j.to_string()))
        .attr_opt("type", unavailable.then_some("unavailable"))
        .child_opt(status.map(|s| El::leaf("status", s)))
        .child_opt(priority.map(|p| El::leaf("priority", p.to_string())))
        .child_opt(show.map(|s| El::leaf("show", s)))
        .child_opt(caps))
}

/// Builds `<presence to type/>` for `xmpp.presence.get` (`kind == None`) and the
/// subscription family.
pub fn build_directed(payload: &Value, kind: Option<&str>) -> Result<El, Value> {
    let Some(to) = payload.get("to") else {
        return Err(client_error("Missing 'to' key", payload.clone()));
    };
    let Some(to) = to.as_str().and_then(parse_jid) else {
        return Err(client_error("Invalid 'to' key", payload.clone()));
    };
    Ok(El::new("presence", NS_CLIENT)
        .attr("to", to.to_string())
        .attr_opt("type", kind))
}

/// `<presence type="unavailable"/>`.
pub fn build_offline() -> El {
    El::new("presence", NS_CLIENT).attr("type", "unavailable")
}

/// The event for an incoming presence stanza, or `None` to ignore it (probes, a missing or
/// invalid `from`).
pub fn parse(p: &Element) -> Option<(&'static str, Value)> {
    let from_s = p.attr("from")?;
    let from = jid_value(from_s)?;
    let child_text = |name: &str| p.get_child(name, NS_CLIENT).map(|c| c.text());
    match p.attr("type") {
        None | Some("unavailable") => {
            let mut v = obj! { "from" => from };
            if p.attr("type").is_some() {
                v.set("show", "offline");
            } else if let Some(s) = child_text("show") {
                v.set("show", s);
            }
            v = v.with_opt("status", child_text("status"));
            v = v.with_opt("priority", child_text("priority"));
            if let Some(c) = p.get_child("c", NS_CAPS) {
                if let (Some(node), Some(ver), Some(hash)) =
                    (c.attr("node"), c.attr("ver"), c.attr("hash"))
                {
                    v.set(
                        "client",
                        obj! {"node" => node, "ver" => ver, "hash" => hash},
                    );
                }
            }
            Some((PRESENCE, v))
        }
        Some(t @ ("subscribe" | "subscribed" | "unsubscribe" | "unsubscribed")) => {
            let name = match t {
                "subscribe" => SUBSCRIBE,
                "subscribed" => SUBSCRIBED,
                "unsubscribe" => UNSUBSCRIBE,
                _ => UNSUBSCRIBED,
            };
            let nick = p.get_child("nick", NS_NICK).map(|n| n.text());
            Some((name, obj! { "from" => from }.with_opt("nick", nick)))
        }
        Some("error") => {
            let cond = p
                .children()
                .find(|c| c.name() == "error")
                .and_then(|e| e.children().next())
                .map(|c| c.name().to_owned())
                .unwrap_or_default();
            Some((ERROR, obj! { "error" => cond, "from" => from }))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_in_xmpp_ftw_child_order() {
        let el = build(
            &obj! {"show" => "away", "status" => "Lunch", "priority" => 5.0, "to" => "bob@b.org",
            "client" => obj!{"node" => "n", "ver" => "v", "hash" => "sha-1"}},
        )
        .unwrap();
        assert_eq!(
            el.to_string(),
            "<presence xmlns=\"jabber:client\" to=\"bob@b.org\"><status>Lunch</status><priority>5</priority>\
             <show>away</show><c xmlns=\"http://jabber.org/protocol/caps\" node=\"n\" ver=\"v\" hash=\"sha-1\"/></presence>"
        );
        assert_eq!(
            build(&obj! {}).unwrap().to_string(),
            "<presence xmlns=\"jabber:client\"/>"
        );
        assert_eq!(
            build(&obj! {"type" => "unavailable"}).unwrap().to_string(),
            "<presence xmlns=\"jabber:client\" type=\"unavailable\"/>"
        );
    }

    #[test]
    fn client_errors() {
        let d = |p: Value| {
            build(&p)
                .unwrap_err()
                .get_str("description")
                .map(str::to_owned)
        };
        assert_eq!(
            d(obj! {"client" => "x"}).as_deref(),
            Some("'client' key must be an object")
        );
        assert_eq!(
            d(obj! {"client" => obj!{"node" => "n"}}).as_deref(),
            Some("Missing 'ver' key")
        );
        assert_eq!(
            d(obj! {"priority" => 300.0}).as_deref(),
            Some("Invalid 'priority' key")
        );
        assert_eq!(
            d(obj! {"show" => "sleeping"}).as_deref(),
            Some("Invalid 'show' key")
        );
        assert_eq!(
            d(obj! {"to" => "a@@b"}).as_deref(),
            Some("Invalid 'to' key")
        );
        assert_eq!(
            d(obj! {"status" => true}).as_deref(),
            Some("Invalid 'status' key")
        );
        let e = build_directed(&obj! {}, Some("subscribe")).unwrap_err();
        assert_eq!(e, client_error("Missing 'to' key", obj! {}));
    }

    #[test]
    fn parses_incoming() {
        let p: Element = "<presence xmlns='jabber:client' from='ann@e.org/phone'><show>dnd</show>\
            <status>busy</status><priority>3</priority></presence>"
            .parse()
            .unwrap();
        assert_eq!(
            parse(&p),
            Some((
                PRESENCE,
                obj! {"from" => obj!{"domain" => "e.org", "user" => "ann", "resource" => "phone"},
                "show" => "dnd", "status" => "busy", "priority" => "3"}
            ))
        );
        let p: Element = "<presence xmlns='jabber:client' from='ann@e.org' type='subscribe'>\
            <nick xmlns='http://jabber.org/protocol/nick'>Ann</nick></presence>"
            .parse()
            .unwrap();
        assert_eq!(
            parse(&p),
            Some((
                SUBSCRIBE,
                obj! {"from" => obj!{"domain" => "e.org", "user" => "ann"}, "nick" => "Ann"}
            ))
        );
        let p: Element = "<presence xmlns='jabber:client' type='unavailable' from='e.org'/>"
            .parse()
            .unwrap();
        assert_eq!(
            parse(&p),
            Some((
                PRESENCE,
                obj! {"from" => obj!{"domain" => "e.org"}, "show" => "offline"}
            ))
        );
        let p: Element = "<presence xmlns='jabber:client'/>".parse().unwrap();
        assert_eq!(parse(&p), None, "no from");
        let p: Element = "<presence xmlns='jabber:client' from='a@b' type='probe'/>"
            .parse()
            .unwrap();
        assert_eq!(parse(&p), None);
    }
}
