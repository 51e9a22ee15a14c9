//! RFC 6121 §2 roster management with xmpp-ftw's `xmpp.roster.*` events
//! (`docs/xmpp-ftw-api.md` §10, `docs/decisions.md` §9), on xmpp-parsers' `roster` types:
//! `get`, `add`, `edit` (and its deprecated alias `group`), `remove`, and the incoming
//! `xmpp.roster.push` (§2.1.6).

use super::{client_error, jid_obj, parse_jid, BareJid, Jid};
use crate::value::Value;
use xmpp_parsers::roster::{Ask, Group, Item, Roster, Subscription};

/// `xmpp.roster.get` → `(null, items)` (RFC 6121 §2.1.3).
pub const GET: &str = "xmpp.roster.get";
/// `xmpp.roster.add {jid, name?, groups?}` → `(null, true)` (§2.3).
pub const ADD: &str = "xmpp.roster.add";
/// `xmpp.roster.edit {jid, groups, name?}` → `(null, true)` (§2.4): replaces the groups.
pub const EDIT: &str = "xmpp.roster.edit";
/// xmpp-ftw's deprecated name of `xmpp.roster.edit`.
pub const GROUP: &str = "xmpp.roster.group";
/// `xmpp.roster.remove {jid}` → `(null, true)` (§2.5).
pub const REMOVE: &str = "xmpp.roster.remove";
/// A roster push from the server (§2.1.6): one item.
pub const PUSH: &str = "xmpp.roster.push";

/// Whether `name` is a roster command.
pub fn is_command(name: &str) -> bool {
    matches!(name, GET | ADD | EDIT | GROUP | REMOVE)
}

/// A validated roster command: the `<query/>` to send, and whether its answer is the items.
pub struct Request {
    /// The query (`get`: empty; `set`: one item).
    pub query: Roster,
    /// `get` (answered with the items) rather than `set` (answered with `true`).
    pub get: bool,
}

/// Why a command was refused: `Missing callback` is always an `xmpp.error.client` event; the
/// others follow the callback-else-event rule.
pub enum Refused {
    /// No function callback (xmpp-ftw: `Missing callback`).
    MissingCallback(Value),
    /// A client error in the payload.
    Invalid(Value),
}

fn jid_key(payload: &Value) -> Result<BareJid, Refused> {
    let Some(j) = payload.get("jid") else {
        return Err(Refused::Invalid(client_error(
            "Missing 'jid' key",
            payload.clone(),
        )));
    };
    j.as_str()
        .and_then(parse_jid)
        .map(|j| j.to_bare())
        .ok_or_else(|| Refused::Invalid(client_error("Invalid 'jid' key", payload.clone())))
}

fn groups_key(payload: &Value) -> Result<Vec<Group>, Refused> {
    let invalid = || Refused::Invalid(client_error("Groups should be an array", payload.clone()));
    match payload.get("groups") {
        None => Ok(Vec::new()),
        Some(Value::Arr(list)) => list
            .iter()
            .map(|g| g.as_str().map(|s| Group(s.to_owned())).ok_or_else(invalid))
            .collect(),
        Some(_) => Err(invalid()),
    }
}

fn name_key(payload: &Value) -> Result<Option<String>, Refused> {
    match payload.get("name") {
        None => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Refused::Invalid(client_error(
            "Invalid 'name' key",
            payload.clone(),
        ))),
    }
}

fn set(item: Item) -> Request {
    Request {
        query: Roster {
            ver: None,
            items: vec![item],
        },
        get: false,
    }
}

fn item(jid: BareJid, name: Option<String>, groups: Vec<Group>, remove: bool) -> Item {
    Item {
        jid,
        name,
        subscription: if remove {
            Subscription::Remove
        } else {
            Subscription::None
        },
        ask: Ask::None,
        groups,
        approved: None,
    }
}

/// Validates a roster command in xmpp-ftw's order (`docs/xmpp-ftw-api.md` §10).
pub fn validate(name: &str, payload: &Value, has_callback: bool) -> Result<Request, Refused> {
    let missing_callback =
        || Refused::MissingCallback(client_error("Missing callback", payload.clone()));
    match name {
        GET => {
            if !has_callback {
                return Err(missing_callback());
            }
            Ok(Request {
                query: Roster {
                    ver: None,
                    items: Vec::new(),
                },
                get: true,
            })
        }
        ADD | REMOVE => {
            if !has_callback {
                return Err(missing_callback());
            }
            let jid = jid_key(payload)?;
            if name == REMOVE {
                return Ok(set(item(jid, None, Vec::new(), true)));
            }
            let name = name_key(payload)?;
            Ok(set(item(jid, name, groups_key(payload)?, false)))
        }
        _ => {
            // edit (and its alias): jid, groups, then the callback, then the groups' type.
            let jid = jid_key(payload)?;
            if payload.get("groups").is_none() {
                return Err(Refused::Invalid(client_error(
                    "Missing 'groups' key",
                    payload.clone(),
                )));
            }
            if !has_callback {
                return Err(missing_callback());
            }
            let groups = groups_key(payload)?;
            Ok(set(item(jid, name_key(payload)?, groups, false)))
        }
    }
}

/// An item as xmpp-ftw's `{jid: {user?, domain}, subscription, name?, ask?, groups?}`.
pub fn item_value(item: &Item) -> Value {
    let subscription = match item.subscription {
        Subscription::None => "none",
        Subscription::From => "from",
        Subscription::To => "to",
        Subscription::Both => "both",
        Subscription::Remove => "remove",
    };
    let mut v = obj! {
        "jid" => jid_obj(&Jid::from(item.jid.clone())),
        "subscription" => subscription,
    };
    if let Some(n) = &item.name {
        v.set("name", n.as_str());
    }
    if item.ask == Ask::Subscribe {
        v.set("ask", "subscribe");
    }
    if !item.groups.is_empty() {
        v.set(
            "groups",
            Value::Arr(
                item.groups
                    .iter()
                    .map(|g| Value::Str(g.0.clone()))
                    .collect(),
            ),
        );
    }
    v
}

/// The items of a `get` answer.
pub fn items_value(roster: &Roster) -> Value {
    Value::Arr(roster.items.iter().map(item_value).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stanza;

    fn description(r: Result<Request, Refused>) -> (bool, String) {
        match r {
            Ok(_) => (false, "ok".into()),
            Err(Refused::MissingCallback(e)) => {
                (true, e.get_str("description").unwrap_or("").into())
            }
            Err(Refused::Invalid(e)) => (false, e.get_str("description").unwrap_or("").into()),
        }
    }

    #[test]
    fn validation_in_xmpp_ftw_order() {
        let d = |name, p: Value, cb| description(validate(name, &p, cb));
        assert_eq!(d(GET, obj! {}, false), (true, "Missing callback".into()));
        assert_eq!(d(ADD, obj! {}, false), (true, "Missing callback".into()));
        assert_eq!(d(ADD, obj! {}, true), (false, "Missing 'jid' key".into()));
        assert_eq!(
            d(REMOVE, obj! {"jid" => "a@@b"}, true),
            (false, "Invalid 'jid' key".into())
        );
        assert_eq!(d(EDIT, obj! {}, false), (false, "Missing 'jid' key".into()));
        assert_eq!(
            d(EDIT, obj! {"jid" => "a@b"}, false),
            (false, "Missing 'groups' key".into())
        );
        assert_eq!(
            d(GROUP, obj! {"jid" => "a@b", "groups" => "x"}, false),
            (true, "Missing callback".into())
        );
        assert_eq!(
            d(EDIT, obj! {"jid" => "a@b", "groups" => "x"}, true),
            (false, "Groups should be an array".into())
        );
        assert_eq!(
            d(
                EDIT,
                obj! {"jid" => "a@b", "groups" => Value::Arr(vec![])},
                true
            ),
            (false, "ok".into())
        );
    }

    #[test]
    fn items_in_xmpp_ftw_shape() {
        let el = stanza::parse_frame(
            "<query xmlns='jabber:iq:roster' ver='v1'>\
             <item jid='juliet@example.net' subscription='from'><group>colleagues</group><group>buddies</group></item>\
             <item jid='romeo@example.com' subscription='none' ask='subscribe' name='Romeo'/></query>",
            4096,
        )
        .unwrap();
        let roster = Roster::try_from(el).unwrap();
        assert_eq!(
            items_value(&roster),
            Value::Arr(vec![
                obj! {"jid" => obj!{"domain" => "example.net", "user" => "juliet"}, "subscription" => "from",
                "groups" => Value::Arr(vec!["colleagues".into(), "buddies".into()])},
                obj! {"jid" => obj!{"domain" => "example.com", "user" => "romeo"}, "subscription" => "none",
                "name" => "Romeo", "ask" => "subscribe"},
            ])
        );
    }
}
