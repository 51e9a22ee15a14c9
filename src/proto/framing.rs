//! RFC 7395 framing (`<open/>`, `<close/>` in `urn:ietf:params:xml:ns:xmpp-framing`, with
//! xmpp-parsers' `websocket::Open`), and XEP-0156 endpoint discovery documents.

use crate::events::BareJid;
use crate::stanza::{self, ns, Element};
use xmpp_parsers::websocket::Open;

/// XEP-0156 link relation of an RFC 7395 endpoint.
pub const REL_WEBSOCKET: &str = "urn:xmpp:alt-connections:websocket";

/// RFC 7395 §3.4 `<open to version="1.0"/>`.
pub fn open(domain: BareJid) -> Open {
    Open::new(BareJid::from_parts(None, domain.domain()))
}

/// RFC 7395 §3.6 `<close/>` (xmpp-parsers has no type for it; minidom builds it).
pub fn close() -> Element {
    Element::builder("close", ns::WEBSOCKET).build()
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

/// The endpoint from an XRD host-meta document (XEP-0156 §3.1, RFC 6415), read with the
/// same restricted-XML parser and limits as frames.
pub fn parse_xrd(text: &str) -> Option<String> {
    let el = stanza::parse_frame(text.trim(), 64 * 1024).ok()?;
    if el.name() != "XRD" {
        return None;
    }
    pick_websocket(
        el.children()
            .filter(|c| c.name() == "Link")
            .filter_map(|c| Some((c.attr("rel")?, c.attr("href")?))),
    )
}

/// An incoming SASL `<challenge/>` or `<success/>` as shown to `xmpp.raw`, its data replaced by
/// `[redacted]`; `None` for every other frame (shown as received).
pub fn redact_incoming(el: &Element) -> Option<String> {
    if !(el.is("challenge", ns::SASL) || el.is("success", ns::SASL)) {
        return None;
    }
    Some(stanza::write(
        Element::builder(el.name(), ns::SASL)
            .append("[redacted]")
            .build(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames() {
        let o = stanza::parse_frame(
            &stanza::write(open(BareJid::new("example.org").unwrap())),
            1024,
        )
        .unwrap();
        assert!(o.is("open", ns::WEBSOCKET));
        assert_eq!(o.attr("to"), Some("example.org"));
        assert_eq!(o.attr("version"), Some("1.0"));
        assert!(stanza::parse_frame(&stanza::write(close()), 1024)
            .unwrap()
            .is("close", ns::WEBSOCKET));
    }

    #[test]
    fn host_meta() {
        let xrd = "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>\
            <Link rel='urn:xmpp:alt-connections:xbosh' href='https://e.org/bosh'/>\
            <Link rel='urn:xmpp:alt-connections:websocket' href='wss://e.org/ws'/></XRD>";
        assert_eq!(parse_xrd(xrd).as_deref(), Some("wss://e.org/ws"));
        assert_eq!(parse_xrd("<XRD xmlns='x'/>"), None);
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
        let s = stanza::parse_frame(
            "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1ybUY5</success>",
            1024,
        )
        .unwrap();
        let shown = redact_incoming(&s).unwrap();
        assert!(shown.contains("[redacted]") && !shown.contains("dj1ybUY5"));
        let p = stanza::parse_frame("<presence xmlns='jabber:client'/>", 1024).unwrap();
        assert_eq!(redact_incoming(&p), None);
    }
}
