//! RFC 6121 presence in xmpp-ftw's shape (`docs/xmpp-ftw-api.md` §3).
//!
//! Outgoing: `xmpp.presence {show?, status?, priority?, to?, type?, client?}` (children in the
//! order status, priority, show, XEP-0115 `<c/>`), `xmpp.presence.offline`, `xmpp.presence.get
//! {to}` and the subscription family `xmpp.presence.subscribe|subscribed|unsubscribe|
//! unsubscribed {to}`. Incoming: `xmpp.presence {from, show?, status?, priority?, client?}`
//! (`show:"offline"` for unavailable), `xmpp.presence.<subscription type> {from, nick?}` and
//! `xmpp.presence.error {error, from?}`.

use super::{client_error, jid_obj, parse_jid};
use crate::stanza::{self, ns, Element};
use crate::value::Value;
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

/// Builds the stanza for `xmpp.presence`.
pub fn build(payload: &Value) -> Result<Element, Value> {
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
        Some("away") => Some(Show::Away),
        Some("chat") => Some(Show::Chat),
        Some("dnd") => Some(Show::Dnd),
        Some("xa") => Some(Show::Xa),
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
            // XEP-0115 `<c/>` as given (the `ver` is the application's, not recomputed here).
            Some(
                Element::builder("c", ns::CAPS)
                    .attr(stanza::name("node"), parts[0])
                    .attr(stanza::name("ver"), parts[1])
                    .attr(stanza::name("hash"), parts[2])
                    .build(),
            )
        }
        Some(_) => return Err(err("'client' key must be an object")),
    };
    let unavailable = payload.get_str("type") == Some("unavailable");
    let mut p = Presence::new(if unavailable {
        Type::Unavailable
    } else {
        Type::None
    });
    p.to = to;
    if let Some(s) = status {
        p.set_status("", s);
    }
    if let Some(pr) = priority {
        p = p.with_priority(pr);
    }
    p.show = show;
    if let Some(c) = caps {
        p.payloads.push(c);
    }
    Ok(finish(p))
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
pub fn build_directed(payload: &Value, kind: Option<Type>) -> Result<Element, Value> {
    let Some(to) = payload.get("to") else {
        return Err(client_error("Missing 'to' key", payload.clone()));
    };
    let Some(to) = to.as_str().and_then(parse_jid) else {
        return Err(client_error("Invalid 'to' key", payload.clone()));
    };
    Ok(finish(
        Presence::new(kind.unwrap_or(Type::None)).with_to(to),
    ))
}

/// `<presence type="unavailable"/>`.
pub fn build_offline() -> Element {
    finish(Presence::unavailable())
}

/// The event for an incoming `<presence/>` element: [`parse`] of its xmpp-parsers type, told
/// whether it carried `<priority/>`. `None`: it does not parse, or is to be ignored.
pub fn read(el: Element) -> Option<(&'static str, Value)> {
    let priority_given = el.has_child("priority", ns::DEFAULT_NS);
    parse(Presence::try_from(el).ok()?, priority_given)
}

/// The event for an incoming presence stanza (xmpp-parsers' `Presence`), or `None` to ignore
/// it (probes, a missing `from`).
/// `priority_given`: the stanza carried `<priority/>` (xmpp-parsers reads a missing one as 0;
/// xmpp-ftw passes the priority on only when there is one).
pub fn parse(p: Presence, priority_given: bool) -> Option<(&'static str, Value)> {
    let from = jid_obj(p.from.as_ref()?);
    let status = p.statuses.values().next().cloned();
    match p.type_ {
        Type::None | Type::Unavailable => {
            let mut v = obj! { "from" => from };
            if p.type_ == Type::Unavailable {
                v.set("show", "offline");
            } else if let Some(s) = &p.show {
                v.set("show", show_name(s));
            }
            v = v.with_opt("status", status);
            if priority_given {
                v.set("priority", p.priority.0.to_string());
            }
            if let Some(c) = p.payloads.iter().find(|c| c.is("c", ns::CAPS)) {
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
        t @ (Type::Subscribe | Type::Subscribed | Type::Unsubscribe | Type::Unsubscribed) => {
            let name = match t {
                Type::Subscribe => SUBSCRIBE,
                Type::Subscribed => SUBSCRIBED,
                Type::Unsubscribe => UNSUBSCRIBE,
                _ => UNSUBSCRIBED,
            };
            let nick = p
                .payloads
                .into_iter()
                .find(|n| n.is("nick", ns::NICK))
                .and_then(|n| Nick::try_from(n).ok())
                .map(|n| n.0);
            Some((name, obj! { "from" => from }.with_opt("nick", nick)))
        }
        Type::Error => {
            let cond = p
                .payloads
                .into_iter()
                .find(|e| e.is("error", ns::DEFAULT_NS))
                .and_then(|e| StanzaError::try_from(e).ok())
                .map(|e| super::stanza_error::condition_name(&e.defined_condition))
                .unwrap_or_default();
            Some((ERROR, obj! { "error" => cond, "from" => from }))
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

    fn el(p: Element) -> Element {
        p
    }

    #[test]
    fn builds_with_xmpp_parsers() {
        let p = el(build(
            &obj! {"show" => "away", "status" => "Lunch", "priority" => 5.0, "to" => "bob@b.org",
            "client" => obj!{"node" => "n", "ver" => "v", "hash" => "sha-1"}},
        )
        .unwrap());
        assert_eq!(p.attr("to"), Some("bob@b.org"));
        assert_eq!(
            p.get_child("show", ns::DEFAULT_NS)
                .map(|c| c.text())
                .as_deref(),
            Some("away")
        );
        assert_eq!(
            p.get_child("status", ns::DEFAULT_NS)
                .map(|c| c.text())
                .as_deref(),
            Some("Lunch")
        );
        assert_eq!(
            p.get_child("priority", ns::DEFAULT_NS)
                .map(|c| c.text())
                .as_deref(),
            Some("5")
        );
        assert_eq!(
            p.get_child("c", ns::CAPS).and_then(|c| c.attr("hash")),
            Some("sha-1")
        );
        let plain = el(build(&obj! {}).unwrap());
        assert_eq!(plain.attr("type"), None);
        assert_eq!(plain.children().count(), 0);
        let off = el(build(&obj! {"type" => "unavailable"}).unwrap());
        assert_eq!(off.attr("type"), Some("unavailable"));
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
        let e = build_directed(&obj! {}, Some(Type::Subscribe)).unwrap_err();
        assert_eq!(e, client_error("Missing 'to' key", obj! {}));
    }

    fn pres(s: &str) -> Presence {
        Presence::try_from(crate::stanza::parse_frame(s, 4096).unwrap()).unwrap()
    }

    #[test]
    fn parses_incoming() {
        let p: Presence = pres(
            "<presence xmlns='jabber:client' from='ann@e.org/phone'><show>dnd</show>\
            <status>busy</status><priority>3</priority></presence>",
        );
        assert_eq!(
            parse(p, true),
            Some((
                PRESENCE,
                obj! {"from" => obj!{"domain" => "e.org", "user" => "ann", "resource" => "phone"},
                "show" => "dnd", "status" => "busy", "priority" => "3"}
            ))
        );
        let p: Presence = pres(
            "<presence xmlns='jabber:client' from='ann@e.org' type='subscribe'>\
            <nick xmlns='http://jabber.org/protocol/nick'>Ann</nick></presence>",
        );
        assert_eq!(
            parse(p, false),
            Some((
                SUBSCRIBE,
                obj! {"from" => obj!{"domain" => "e.org", "user" => "ann"}, "nick" => "Ann"}
            ))
        );
        let p: Presence = pres("<presence xmlns='jabber:client' type='unavailable' from='e.org'/>");
        assert_eq!(
            parse(p, false),
            Some((
                PRESENCE,
                obj! {"from" => obj!{"domain" => "e.org"}, "show" => "offline"}
            ))
        );
        let p = pres("<presence xmlns='jabber:client'/>");
        assert_eq!(parse(p, false), None, "no from");
        let p: Presence = pres("<presence xmlns='jabber:client' from='a@b' type='probe'/>");
        assert_eq!(parse(p, false), None);
    }
}
