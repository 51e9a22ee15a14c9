//! XEP-0280 Message Carbons (v1.0.1): unwrapping `<received/>` and `<sent/>` copies.
//! Whether a copy may be trusted (it must come from the account's own bare JID, §11) is
//! checked by the caller, which knows the account.

use super::xml::Element;

/// XEP-0280 namespace.
pub const NS_CARBONS: &str = "urn:xmpp:carbons:2";
/// XEP-0297 Stanza Forwarding.
pub const NS_FORWARD: &str = "urn:xmpp:forward:0";

/// The kind (`"received"` or `"sent"`) and the forwarded message of a carbon copy.
pub fn unwrap(m: &Element) -> Option<(&'static str, &Element)> {
    let (kind, wrapper) = if let Some(w) = m.get_child("received", NS_CARBONS) {
        ("received", w)
    } else {
        ("sent", m.get_child("sent", NS_CARBONS)?)
    };
    let inner = wrapper
        .get_child("forwarded", NS_FORWARD)?
        .get_child("message", "jabber:client")?;
    Some((kind, inner))
}
