//! RFC 6120 §4.3.2 `<stream:features/>`: what the client uses of them, read from minidom's
//! element. xmpp-parsers' `StreamFeatures` also parses STARTTLS, SASL2 (XEP-0388), channel
//! binding (XEP-0440) and stream limits (XEP-0478), none of which this client uses; their
//! parsers were about 8 KB of the gzipped wasm.

use crate::stanza::{ns, Element};

/// RFC 3921 §3 session establishment (RFC 6121 leaves it out).
pub(crate) const NS_SESSION: &str = "urn:ietf:params:xml:ns:xmpp-session";
/// RFC 6121 §2.6.1 roster versioning feature.
const NS_ROSTERVER: &str = "urn:xmpp:features:rosterver";
/// XEP-0478 stream limits.
const NS_LIMITS: &str = "urn:xmpp:stream-limits:0";

/// The features offered, as the negotiation needs them.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Features {
    /// RFC 6120 §6.4.1 SASL mechanisms, in the server's order.
    pub(crate) mechanisms: Vec<String>,
    /// RFC 6120 §7 resource binding.
    pub(crate) bind: bool,
    /// XEP-0198 stream management (`urn:xmpp:sm:3`).
    pub(crate) sm: bool,
    /// XEP-0077 in-band registration.
    pub(crate) register: bool,
    /// RFC 6121 §2.6.1 roster versioning.
    pub(crate) roster_ver: bool,
    /// RFC 3921 §3 `<session/>` not marked `<optional/>`.
    pub(crate) session_required: bool,
    /// XEP-0478 §3 `max-bytes`: the largest stanza the server accepts.
    pub(crate) max_bytes: Option<usize>,
}

impl Features {
    /// Reads `<stream:features/>`; `None` for another element.
    pub(crate) fn read(el: &Element) -> Option<Features> {
        if !el.is("features", ns::STREAM) {
            return None;
        }
        let mut f = Features::default();
        for c in el.children() {
            if c.is("mechanisms", ns::SASL) {
                f.mechanisms = c
                    .children()
                    .filter(|m| m.is("mechanism", ns::SASL))
                    .map(Element::text)
                    .collect();
            } else if c.is("bind", ns::BIND) {
                f.bind = true;
            } else if c.is("sm", ns::SM) {
                f.sm = true;
            } else if c.is("register", ns::REGISTER_FEATURE) {
                f.register = true;
            } else if c.is("ver", NS_ROSTERVER) {
                f.roster_ver = true;
            } else if c.is("session", NS_SESSION) {
                f.session_required = !c.has_child("optional", NS_SESSION);
            } else if c.is("limits", NS_LIMITS) {
                f.max_bytes = c
                    .get_child("max-bytes", NS_LIMITS)
                    .and_then(|m| m.text().trim().parse().ok());
            }
        }
        Some(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_negotiation_uses() {
        let el = crate::stanza::parse_frame(
            "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
             <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism>\
             <mechanism>PLAIN</mechanism></mechanisms>\
             <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><required/></bind>\
             <sm xmlns='urn:xmpp:sm:2'><optional/></sm><sm xmlns='urn:xmpp:sm:3'><optional/></sm>\
             <ver xmlns='urn:xmpp:features:rosterver'/>\
             <session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session>\
             <authentication xmlns='urn:xmpp:sasl:2'><mechanism>X</mechanism></authentication>\
             <limits xmlns='urn:xmpp:stream-limits:0'><max-bytes>10000</max-bytes><idle-seconds>600</idle-seconds></limits>\
             </stream:features>",
            1 << 16,
        )
        .unwrap();
        let f = Features::read(&el).unwrap();
        assert_eq!(f.mechanisms, ["SCRAM-SHA-1", "PLAIN"]);
        assert!(f.bind && f.sm && f.roster_ver);
        assert!(!f.register && !f.session_required);
        assert_eq!(f.max_bytes, Some(10_000));
        let none = crate::stanza::parse_frame(
            "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
             <session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></stream:features>",
            1024,
        )
        .unwrap();
        let f = Features::read(&none).unwrap();
        assert!(f.session_required && !f.bind && f.mechanisms.is_empty());
        assert_eq!(f.max_bytes, None);
        let other = crate::stanza::parse_frame("<a xmlns='b'/>", 64).unwrap();
        assert_eq!(Features::read(&other), None);
    }
}
