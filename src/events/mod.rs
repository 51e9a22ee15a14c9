//! xmpp-ftw events: names, payload conversions and the error shapes.
//!
//! One module per area; each converts between the xmpp-ftw JSON payloads (`Value`) and
//! stanzas. The names and payload keys follow xmpp-ftw 2.0 exactly (`docs/xmpp-ftw-api.md`), with
//! the decisions of `docs/decisions.md` on top.

pub mod chat;
pub mod login;
pub mod mam;
pub mod presence;
pub mod roster;
pub mod stanza_error;
pub mod xhtml;

use crate::value::Value;
pub use jid::{BareJid, Jid};

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

/// `{type:"modify", condition:"client-error", description, request}`.
pub fn client_error(description: &str, request: Value) -> Value {
    obj! {
        "type" => "modify",
        "condition" => "client-error",
        "description" => description,
        "request" => request,
    }
}

/// `{type:"connection", condition:"not-connected", description:"You are not connected"}`.
pub fn not_connected() -> Value {
    obj! {
        "type" => "connection",
        "condition" => "not-connected",
        "description" => "You are not connected",
    }
}

/// `{type:"connection", condition:"disconnected", description:"XMPP client disconnected"}`,
/// plus `streamError` (the RFC 6120 §4.9.3 condition) when a stream error ended the stream.
pub fn disconnected(stream_error: Option<&str>) -> Value {
    obj! {
        "type" => "connection",
        "condition" => "disconnected",
        "description" => "XMPP client disconnected",
    }
    .with_opt("streamError", stream_error)
}

/// xmpp-ftw's SASL failure: `{type:"auth", condition:"login-fail", description}`.
pub fn login_fail() -> Value {
    obj! { "type" => "auth", "condition" => "login-fail", "description" => "XMPP authentication fail" }
}

/// xmpp-ftw's XEP-0077 failure: `{type:"auth", condition:"registration-fail", description}`.
pub fn registration_fail() -> Value {
    obj! { "type" => "auth", "condition" => "registration-fail", "description" => "Registration error" }
}

/// `{type:"cancel", condition:"timeout", description}` (`docs/decisions.md` §3).
pub fn timeout(description: &str) -> Value {
    obj! { "type" => "cancel", "condition" => "timeout", "description" => description }
}

/// An incoming JID as xmpp-ftw's object `{domain, user?, resource?}` (RFC 7622 parsing with
/// the `jid` crate, so a resource may contain `/`). `None` when the string is not a valid JID.
pub fn jid_value(s: &str) -> Option<Value> {
    let jid = Jid::new(s).ok()?;
    Some(jid_obj(&jid))
}

/// A parsed JID as xmpp-ftw's object `{domain, user?, resource?}`.
pub fn jid_obj(jid: &Jid) -> Value {
    obj! { "domain" => jid.domain().as_str() }
        .with_opt("user", jid.node().map(|n| n.as_str()))
        .with_opt("resource", jid.resource().map(|r| r.as_str()))
}

/// Validates an outgoing JID string (RFC 7622 with stringprep); returns its normalised form.
pub fn parse_jid(s: &str) -> Option<Jid> {
    Jid::new(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jid_objects_follow_xmpp_ftw_shape() {
        assert_eq!(
            jid_value("example.org"),
            Some(obj! {"domain" => "example.org"})
        );
        assert_eq!(
            jid_value("ann@example.org/phone"),
            Some(obj! {"domain" => "example.org", "user" => "ann", "resource" => "phone"})
        );
        // RFC 7622: the resource is everything after the first '/'.
        assert_eq!(
            jid_value("ann@example.org/a/b").and_then(|v| v.get_str("resource").map(str::to_owned)),
            Some("a/b".into())
        );
        assert_eq!(jid_value("@example.org"), None);
        // IDNA (idna_adapter 1.1, unicode-rs tables shared with stringprep): non-ASCII domain
        // names are accepted and normalised.
        assert_eq!(
            jid_value("a@MÜNCHEN.example").and_then(|v| v.get_str("domain").map(str::to_owned)),
            Some("münchen.example".into())
        );
        // RFC 7622 §3.3 / RFC 7613: the localpart is case-folded and NFKC-normalised.
        assert_eq!(
            jid_value("\u{212B}NN@Example.ORG").and_then(|v| v.get_str("user").map(str::to_owned)),
            Some("\u{e5}nn".into())
        );
        assert_eq!(jid_value(""), None);
    }
}
