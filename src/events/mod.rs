//! xmpp-ftw events: names, payload conversions and the error shapes.
//!
//! Commands are read into one `Deserialize` type each (`command`, every key a `field::Field`);
//! one module per area validates them in xmpp-ftw's order, builds the stanzas with
//! xmpp-parsers and turns what arrives into one `Serialize` type per event (`emit`); errors
//! are typed by fault (`error`). The names and payload keys follow xmpp-ftw 2.0 exactly
//! (`docs/xmpp-ftw-api.md`), with the decisions of `docs/decisions.md` on top.

pub mod actions;
pub mod blocking;
pub mod chat;
pub mod command;
mod css;
pub mod emit;
pub mod error;
pub mod field;
pub mod file;
pub mod incoming;
pub mod login;
pub mod mam;
pub mod presence;
pub mod roster;
#[cfg(test)]
mod typescript;
pub mod xhtml;

pub use emit::{Connection, Emit, Raw, Reply};
pub use error::{ClientError, ConnectionError, Echo, Error, Limit, StanzaFault, UploadError};
pub use jid::{BareJid, Jid};
use serde::Serialize;

/// RFC 6120 §7 / xmpp-ftw: a login with a password.
pub const LOGIN: &str = "xmpp.login";
/// RFC 4505 SASL ANONYMOUS login.
pub const LOGIN_ANONYMOUS: &str = "xmpp.login.anonymous";
/// Closes the session (RFC 7395 §3.6).
pub const LOGOUT: &str = "xmpp.logout";
/// Connection status: `{status:"online", jid}` and `{status:"offline"}`.
pub const CONNECTION: &str = "xmpp.connection";
/// Connection and authentication errors (`docs/decisions.md` §2–§3).
pub const ERROR: &str = "xmpp.error";
/// Errors caused by the caller's payload when no callback takes them.
pub const ERROR_CLIENT: &str = "xmpp.error.client";
/// Every WebSocket frame, for debugging, with credentials redacted.
pub const RAW: &str = "xmpp.raw";

/// A JID as xmpp-ftw's object `{domain, user?, resource?}` (RFC 7622, parsed by the `jid`
/// crate, so a resource may contain `/`).
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "JidObject"))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct JidObj {
    /// The domainpart.
    pub domain: String,
    /// The localpart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The resourcepart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
}

impl From<&Jid> for JidObj {
    fn from(jid: &Jid) -> JidObj {
        JidObj {
            // `as_str`, not `to_string`: no trip through `core::fmt` for every event (seen in
            // the CPU profile of the incoming flood).
            domain: jid.domain().as_str().to_owned(),
            user: jid.node().map(|n| n.as_str().to_owned()),
            resource: jid.resource().map(|r| r.as_str().to_owned()),
        }
    }
}

/// An incoming JID string as xmpp-ftw's object; `None` when it is not a valid JID.
pub fn jid_value(s: &str) -> Option<JidObj> {
    Jid::new(s).ok().as_ref().map(JidObj::from)
}

/// A parsed JID as xmpp-ftw's object `{domain, user?, resource?}`.
pub fn jid_obj(jid: &Jid) -> JidObj {
    JidObj::from(jid)
}

/// Validates an outgoing JID string (RFC 7622 with stringprep); returns its normalised form.
pub fn parse_jid(s: &str) -> Option<Jid> {
    Jid::new(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(s: &str, f: fn(JidObj) -> Option<String>) -> Option<String> {
        jid_value(s).and_then(f)
    }

    #[test]
    fn jid_objects_follow_xmpp_ftw_shape() {
        assert_eq!(
            serde_json::to_value(jid_value("example.org")).unwrap(),
            serde_json::json!({"domain": "example.org"})
        );
        assert_eq!(
            serde_json::to_value(jid_value("ann@example.org/phone")).unwrap(),
            serde_json::json!({"domain": "example.org", "user": "ann", "resource": "phone"})
        );
        // RFC 7622: the resource is everything after the first '/'.
        assert_eq!(
            part("ann@example.org/a/b", |j| j.resource),
            Some("a/b".into())
        );
        assert_eq!(jid_value("@example.org"), None);
        // IDNA (idna_adapter 1.1, unicode-rs tables shared with stringprep): non-ASCII domain
        // names are accepted and normalised.
        assert_eq!(
            part("a@MÜNCHEN.example", |j| Some(j.domain)),
            Some("münchen.example".into())
        );
        // RFC 7622 §3.3 / RFC 7613: the localpart is case-folded and NFKC-normalised.
        assert_eq!(
            part("\u{212B}NN@Example.ORG", |j| j.user),
            Some("\u{e5}nn".into())
        );
        assert_eq!(jid_value(""), None);
    }
}
