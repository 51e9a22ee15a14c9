//! RFC 6121 §2 roster management with xmpp-ftw's `xmpp.roster.*` events
//! (`docs/xmpp-ftw-api.md` §10, `docs/decisions.md` §9), on xmpp-parsers' `roster` types:
//! `get`, `add`, `edit` (and its deprecated alias `group`), `remove`, and the incoming
//! `xmpp.roster.push` (§2.1.6).

use super::command::{self, RosterOp};
use super::error::ClientError;
use super::field::Field;
use super::{jid_obj, parse_jid, BareJid, Jid, JidObj};
use serde::Serialize;
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

/// A validated roster command: the `<query/>` to send, and whether its answer is the items.
pub struct Request {
    /// The query (`get`: empty; `set`: one item).
    pub query: Roster,
    /// `get` (answered with the items) rather than `set` (answered with `true`).
    pub get: bool,
}

/// Why a command was refused: `Missing callback` is always an `xmpp.error.client` event; the
/// others follow the callback-else-event rule.
#[derive(Debug)]
pub enum Refused {
    /// No function callback (xmpp-ftw: `Missing callback`).
    MissingCallback(ClientError),
    /// A client error in the payload.
    Invalid(ClientError),
}

fn jid_key(jid: &Field<String>) -> Result<BareJid, Refused> {
    if jid.is_absent() {
        return Err(Refused::Invalid(ClientError::missing("jid")));
    }
    jid.given()
        .and_then(|j| parse_jid(j))
        .map(|j| j.to_bare())
        .ok_or_else(|| Refused::Invalid(ClientError::invalid("jid")))
}

fn groups_key(groups: Field<Vec<Field<String>>>) -> Result<Vec<Group>, Refused> {
    let invalid = || Refused::Invalid(ClientError::new("Groups should be an array"));
    match groups.read() {
        Ok(None) => Ok(Vec::new()),
        Ok(Some(list)) => list
            .into_iter()
            .map(|g| match g {
                Field::Given(s) => Ok(Group(s)),
                _ => Err(invalid()),
            })
            .collect(),
        Err(_) => Err(invalid()),
    }
}

fn name_key(name: Field<String>) -> Result<Option<String>, Refused> {
    name.read()
        .map_err(|_| Refused::Invalid(ClientError::invalid("name")))
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
pub fn validate(
    op: RosterOp,
    p: command::RosterItem,
    has_callback: bool,
) -> Result<Request, Refused> {
    let missing_callback = || Refused::MissingCallback(ClientError::new("Missing callback"));
    match op {
        RosterOp::Get => {
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
        RosterOp::Add | RosterOp::Remove => {
            if !has_callback {
                return Err(missing_callback());
            }
            let jid = jid_key(&p.jid)?;
            if op == RosterOp::Remove {
                return Ok(set(item(jid, None, Vec::new(), true)));
            }
            let name = name_key(p.name)?;
            Ok(set(item(jid, name, groups_key(p.groups)?, false)))
        }
        RosterOp::Edit => {
            // edit (and its alias): jid, groups, then the callback, then the groups' type.
            let jid = jid_key(&p.jid)?;
            if p.groups.is_absent() {
                return Err(Refused::Invalid(ClientError::missing("groups")));
            }
            if !has_callback {
                return Err(missing_callback());
            }
            let groups = groups_key(p.groups)?;
            Ok(set(item(jid, name_key(p.name)?, groups, false)))
        }
    }
}

/// A roster item as xmpp-ftw's `{jid: {user?, domain}, subscription, name?, ask?, groups?}`
/// (`xmpp.roster.get`'s answer, `xmpp.roster.push`).
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "RosterItem"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterItem {
    /// The contact.
    pub jid: JidObj,
    /// `none`, `from`, `to`, `both` or `remove`.
    #[cfg_attr(
        test,
        ts(type = "\"none\" | \"to\" | \"from\" | \"both\" | \"remove\"")
    )]
    pub subscription: &'static str,
    /// The contact's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `subscribe` while a subscription request is pending.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional, type = "\"subscribe\""))]
    pub ask: Option<&'static str>,
    /// The groups.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(test, ts(as = "Option<Vec<String>>"))]
    pub groups: Vec<String>,
}

/// An item as xmpp-ftw's `{jid: {user?, domain}, subscription, name?, ask?, groups?}`.
pub fn item_value(item: &Item) -> RosterItem {
    let subscription = match item.subscription {
        Subscription::None => "none",
        Subscription::From => "from",
        Subscription::To => "to",
        Subscription::Both => "both",
        Subscription::Remove => "remove",
    };
    RosterItem {
        jid: jid_obj(&Jid::from(item.jid.clone())),
        subscription,
        name: item.name.clone(),
        ask: (item.ask == Ask::Subscribe).then_some("subscribe"),
        groups: item.groups.iter().map(|g| g.0.clone()).collect(),
    }
}

/// The items of a `get` answer.
pub fn items_value(roster: &Roster) -> Vec<RosterItem> {
    roster.items.iter().map(item_value).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stanza;

    fn description(r: Result<Request, Refused>) -> (bool, String) {
        match r {
            Ok(_) => (false, "ok".into()),
            Err(Refused::MissingCallback(e)) => (true, e.to_string()),
            Err(Refused::Invalid(e)) => (false, e.to_string()),
        }
    }

    #[test]
    fn validation_in_xmpp_ftw_order() {
        use RosterOp::*;
        let d = |op, p: &str, cb| description(validate(op, serde_json::from_str(p).unwrap(), cb));
        assert_eq!(d(Get, "{}", false), (true, "Missing callback".into()));
        assert_eq!(d(Add, "{}", false), (true, "Missing callback".into()));
        assert_eq!(d(Add, "{}", true), (false, "Missing 'jid' key".into()));
        assert_eq!(
            d(Remove, r#"{"jid": "a@@b"}"#, true),
            (false, "Invalid 'jid' key".into())
        );
        assert_eq!(d(Edit, "{}", false), (false, "Missing 'jid' key".into()));
        assert_eq!(
            d(Edit, r#"{"jid": "a@b"}"#, false),
            (false, "Missing 'groups' key".into())
        );
        assert_eq!(
            d(Edit, r#"{"jid": "a@b", "groups": "x"}"#, false),
            (true, "Missing callback".into())
        );
        assert_eq!(
            d(Edit, r#"{"jid": "a@b", "groups": "x"}"#, true),
            (false, "Groups should be an array".into())
        );
        assert_eq!(
            d(Edit, r#"{"jid": "a@b", "groups": []}"#, true),
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
            serde_json::to_value(items_value(&roster)).unwrap(),
            serde_json::json!([
                {"jid": {"domain": "example.net", "user": "juliet"}, "subscription": "from",
                 "groups": ["colleagues", "buddies"]},
                {"jid": {"domain": "example.com", "user": "romeo"}, "subscription": "none",
                 "name": "Romeo", "ask": "subscribe"},
            ])
        );
    }
}
