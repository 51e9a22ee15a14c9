//! RFC 7395 framing (`<open/>`, `<close/>` in `urn:ietf:params:xml:ns:xmpp-framing`), RFC 6120
//! §4.9 stream errors, and XEP-0156 endpoint discovery documents.

use super::xml::El;
use crate::proto::xml::Element;

/// RFC 7395 §3.3.2 framing namespace.
pub const NS_FRAMING: &str = "urn:ietf:params:xml:ns:xmpp-framing";
/// RFC 6120 stream namespace (`<stream:features/>`, `<stream:error/>`).
pub const NS_STREAMS: &str = "http://etherx.jabber.org/streams";
/// RFC 6120 §4.9.3 stream error conditions.
pub const NS_STREAM_ERRORS: &str = "urn:ietf:params:xml:ns:xmpp-streams";
/// XEP-0156 link relation of an RFC 7395 endpoint.
pub const REL_WEBSOCKET: &str = "urn:xmpp:alt-connections:websocket";

/// The features this client answers disco#info with (XEP-0030 §3.1, XEP-0115 §6).
pub const DISCO_FEATURES: &[&str] = &[
    "http://jabber.org/protocol/chatstates",
    "http://jabber.org/protocol/disco#info",
    "http://jabber.org/protocol/xhtml-im",
    "urn:xmpp:message-correct:0",
    "urn:xmpp:ping",
    "urn:xmpp:receipts",
    "urn:xmpp:sid:0",
];

/// RFC 7395 §3.4 `<open/>`.
pub fn open(domain: &str) -> String {
    El::new("open", NS_FRAMING)
        .attr("to", domain)
        .attr("version", "1.0")
        .to_string()
}

/// RFC 7395 §3.6 `<close/>`.
pub fn close() -> String {
    El::new("close", NS_FRAMING).to_string()
}

/// RFC 6120 §4.9 stream error with a defined condition.
pub fn stream_error(condition: &str) -> String {
    El::new("stream:error", "")
        .attr("xmlns:stream", NS_STREAMS)
        .child(El::new(condition, NS_STREAM_ERRORS))
        .to_string()
}

/// The first usable RFC 7395 endpoint among host-meta links (XEP-0156 §3).
pub fn pick_websocket<'a>(links: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<String> {
    links
        .into_iter()
        .find(|(rel, href)| {
            *rel == REL_WEBSOCKET && (href.starts_with("wss://") || href.starts_with("ws://"))
        })
        .map(|(_, href)| href.to_owned())
}

/// The endpoint from an XRD host-meta document (XEP-0156 §3.1, RFC 6415).
pub fn parse_xrd(text: &str) -> Option<String> {
    let el = super::xml::parse_frame(text, 64 * 1024).ok()?;
    if el.name() != "XRD" {
        return None;
    }
    pick_websocket(
        el.children()
            .filter(|c: &&Element| c.name() == "Link")
            .filter_map(|c| Some((c.attr("rel")?, c.attr("href")?))),
    )
}

/// An incoming frame as shown to `xmpp.raw`: SASL payloads redacted.
pub fn redact_incoming(text: &str) -> String {
    let t = text.trim_start();
    for tag in ["<challenge", "<success"] {
        if t.starts_with(tag) && t.contains("xmpp-sasl") {
            if let (Some(a), Some(b)) = (t.find('>'), t.rfind("</")) {
                if a < b && !t[..=a].ends_with("/>") {
                    return format!("{}[redacted]{}", &t[..=a], &t[b..]);
                }
            }
        }
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames() {
        assert_eq!(
            open("example.org"),
            "<open xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\" to=\"example.org\" version=\"1.0\"/>"
        );
        assert_eq!(
            close(),
            "<close xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\"/>"
        );
        assert_eq!(
            stream_error("not-well-formed"),
            "<stream:error xmlns:stream=\"http://etherx.jabber.org/streams\">\
             <not-well-formed xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\"/></stream:error>"
        );
    }

    #[test]
    fn host_meta() {
        let xrd = "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>\
            <Link rel='urn:xmpp:alt-connections:xbosh' href='https://e.org/bosh'/>\
            <Link rel='urn:xmpp:alt-connections:websocket' href='wss://e.org/ws'/></XRD>";
        assert_eq!(parse_xrd(xrd).as_deref(), Some("wss://e.org/ws"));
        assert_eq!(parse_xrd("<XRD/>"), None);
        assert_eq!(parse_xrd("garbage"), None);
        assert_eq!(
            pick_websocket([
                (REL_WEBSOCKET, "https://nope"),
                (REL_WEBSOCKET, "ws://127.0.0.1/x")
            ])
            .as_deref(),
            Some("ws://127.0.0.1/x")
        );
    }

    #[test]
    fn redaction() {
        let s = "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1ybUY5</success>";
        assert_eq!(
            redact_incoming(s),
            "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>[redacted]</success>"
        );
        assert_eq!(redact_incoming("<presence/>"), "<presence/>");
    }
}
