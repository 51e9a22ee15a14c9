//! The stanza layer: XML in and out of the SDK, on xmpp-parsers (minidom and rxml underneath).
//!
//! It sits below both the protocol core (`proto`) and the xmpp-ftw payload conversions
//! (`events`): both take [`Element`]s and xmpp-parsers' typed stanzas from here, and neither
//! reads or writes XML text itself.
//!
//! Incoming: each RFC 7395 WebSocket message holds exactly one namespace-well-formed element
//! (RFC 7395 §3.3.3). [`parse_frame`] reads it with rxml, the restricted-XML parser that
//! xmpp-parsers is built on (RFC 6120 §11.1: no DTD, no comments, no processing instructions,
//! only the predefined entities), and builds the tree with minidom's `TreeBuilder`, checking the
//! size limit before reading and the nesting limit while reading, so that a hostile server can
//! make it neither build nor drop a huge or deep tree.
//!
//! Outgoing: [`write()`] serialises an element (or any xmpp-parsers type that converts into one).

use std::io;

pub use xmpp_parsers::minidom::{Element, Node};
pub use xmpp_parsers::ns;

use xmpp_parsers::iq::{Iq, IqHeader, IqPayload};
use xmpp_parsers::minidom::rxml;
use xmpp_parsers::minidom::tree_builder::TreeBuilder;

/// Why an incoming frame was refused. Each maps to an RFC 6120 §4.9.3 stream error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameError {
    /// Larger than the configured maximum stanza size (`policy-violation`).
    TooBig,
    /// Nested deeper than [`MAX_DEPTH`] (`policy-violation`).
    TooDeep,
    /// Not one well-formed, namespace-well-formed element (`not-well-formed`).
    NotWellFormed,
    /// A comment, processing instruction, DTD or entity XMPP forbids (`restricted-xml`).
    Restricted,
}

impl FrameError {
    /// The RFC 6120 §4.9.3 stream error condition for this fault.
    pub fn condition(self) -> &'static str {
        match self {
            FrameError::TooBig | FrameError::TooDeep => "policy-violation",
            FrameError::NotWellFormed => "not-well-formed",
            FrameError::Restricted => "restricted-xml",
        }
    }
}

/// Deepest element nesting accepted in one frame. XMPP stanzas nest a handful of levels
/// (a MAM result with a forwarded XHTML-IM message is about 10); 64 leaves ample room.
pub const MAX_DEPTH: usize = 64;

fn io_fault(e: &io::Error) -> FrameError {
    let restricted = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rxml::Error>())
        .is_some_and(|x| matches!(x, rxml::Error::RestrictedXml(_)));
    if restricted {
        FrameError::Restricted
    } else {
        FrameError::NotWellFormed
    }
}

/// Parses one RFC 7395 frame: exactly one element, at most `max_bytes` long and
/// [`MAX_DEPTH`] deep, in restricted XML (RFC 6120 §11.1).
pub fn parse_frame(text: &str, max_bytes: usize) -> Result<Element, FrameError> {
    if text.len() > max_bytes {
        return Err(FrameError::TooBig);
    }
    let mut reader = rxml::RawReader::new(text.as_bytes());
    let mut tree = TreeBuilder::new();
    // Attribute names of the element head being read: XML 1.0 §3.1 forbids repeating one,
    // which the raw (pre-namespace) event stream does not check by itself.
    // (Short names are stored inline: no allocation per attribute.)
    let mut head: Vec<(Option<rxml::NcName>, rxml::NcName)> = Vec::new();
    let root = loop {
        let event = match reader.read() {
            Ok(Some(ev)) => ev,
            Ok(None) => return Err(FrameError::NotWellFormed),
            Err(e) => return Err(io_fault(&e)),
        };
        match &event {
            rxml::RawEvent::ElementHeadOpen(..) => head.clear(),
            rxml::RawEvent::Attribute(_, (prefix, name), _) => {
                let key = (prefix.clone(), name.clone());
                if head.contains(&key) {
                    return Err(FrameError::NotWellFormed);
                }
                head.push(key);
            }
            _ => {}
        }
        tree.process_event(event)
            .map_err(|_| FrameError::NotWellFormed)?;
        if tree.depth() > MAX_DEPTH {
            return Err(FrameError::TooDeep);
        }
        if let Some(root) = tree.root.take() {
            break root;
        }
    };
    // RFC 7395 §3.3.3: one element per message; only whitespace may follow it.
    match reader.read() {
        Ok(None) => Ok(root),
        Ok(Some(_)) => Err(FrameError::NotWellFormed),
        Err(e) => Err(io_fault(&e)),
    }
}

/// Serialises an element (an xmpp-parsers stanza converts into one with `.into()`).
pub fn write(el: impl Into<Element>) -> String {
    let el: Element = el.into();
    let mut out = Vec::with_capacity(256);
    // Writing into memory fails only for names that are not XML names, which only elements
    // built from validated input or xmpp-parsers' own types reach.
    if el.write_to(&mut out).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// An IQ of type `get` or `set` carrying `child` (RFC 6120 §8.2.3), for payloads that have
/// no xmpp-parsers request type of their own.
pub fn iq_request(set: bool, id: &str, to: Option<jid::Jid>, child: Element) -> Iq {
    let header = IqHeader {
        from: None,
        to,
        id: id.to_owned(),
    };
    header.assemble(if set {
        IqPayload::Set(child)
    } else {
        IqPayload::Get(child)
    })
}

/// An attribute name for minidom's builder. Only called with the SDK's own constant names,
/// which are valid XML names.
pub fn name(n: &'static str) -> rxml::NcName {
    rxml::NcName::try_from(n).expect("the SDK's attribute names are XML names")
}

/// The element name of an xmpp-parsers value, such as an error condition (RFC 6120 §4.9.3,
/// §8.3.3: the condition is the element's name).
pub fn element_name(value: impl Into<Element>) -> String {
    value.into().name().to_owned()
}

/// All character data under `el`, children included, in document order (XHTML-IM's plain
/// text for `<body/>`). [`parse_frame`] bounds the depth, so the recursion is bounded too.
pub fn all_text(el: &Element) -> String {
    fn collect(el: &Element, out: &mut String) {
        for n in el.nodes() {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(c) => collect(c, out),
            }
        }
    }
    let mut out = String::new();
    collect(el, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Element, FrameError> {
        parse_frame(s, 1 << 20)
    }

    #[test]
    fn namespaces_prefixes_and_attributes() {
        let el = p(
            "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>\
            <conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
        )
        .unwrap();
        assert!(el.is("error", ns::STREAM));
        assert!(el.has_child("conflict", ns::XMPP_STREAMS));
        let m = p("<message xmlns='jabber:client' to='a@b' id='x'><body>a &amp; &lt;b&gt; &#x263A;</body></message>").unwrap();
        assert_eq!(m.attr("to"), Some("a@b"));
        assert_eq!(
            m.get_child("body", ns::DEFAULT_NS).unwrap().text(),
            "a & <b> \u{263a}"
        );
    }

    #[test]
    fn refuses_what_is_not_one_well_formed_element() {
        for bad in [
            "",
            "   ",
            "<a xmlns='x'>",
            "<a xmlns='x'></b>",
            "<a xmlns='x'/><b xmlns='x'/>",
            "<a xmlns='x'/>trailing",
            "<p:a/>",
            "<a xmlns='x' b='1' b='2'/>",
            "not xml",
        ] {
            assert_eq!(p(bad).err(), Some(FrameError::NotWellFormed), "{bad:?}");
        }
        assert!(p("<a xmlns='x'/>\n").is_ok());
    }

    #[test]
    fn restricted_xml_is_refused() {
        for bad in [
            "<!DOCTYPE a [<!ENTITY e 'x'>]><a xmlns='x'>&e;</a>",
            "<a xmlns='x'><!-- c --></a>",
            "<?pi x?><a xmlns='x'/>",
            "<a xmlns='x'>&e;</a>",
        ] {
            assert!(
                matches!(
                    p(bad),
                    Err(FrameError::Restricted | FrameError::NotWellFormed)
                ),
                "{bad:?}"
            );
        }
        assert_eq!(
            p("<a xmlns='x'><!-- c --></a>").err(),
            Some(FrameError::Restricted)
        );
    }

    #[test]
    fn depth_and_size_limits() {
        let nest = |n: usize| {
            format!(
                "<a xmlns='x'>{}{}</a>",
                "<a>".repeat(n - 1),
                "</a>".repeat(n - 1)
            )
        };
        assert!(p(&nest(MAX_DEPTH)).is_ok());
        assert_eq!(p(&nest(MAX_DEPTH + 1)).err(), Some(FrameError::TooDeep));
        // 100,000 levels are refused while reading, long before a tree that deep exists.
        assert_eq!(p(&nest(100_000)).err(), Some(FrameError::TooDeep));
        assert_eq!(
            parse_frame("<a xmlns='x'/>", 5).err(),
            Some(FrameError::TooBig)
        );
    }

    #[test]
    fn round_trip_through_the_writer() {
        let src =
            "<message xmlns='jabber:client' to='a@b'><body>1 &lt; 2 &amp; \"q\"</body></message>";
        let el = p(src).unwrap();
        assert_eq!(p(&write(el.clone())).unwrap(), el);
        assert_eq!(
            all_text(&p("<p xmlns='x'>a<b>b<i>c</i></b>d</p>").unwrap()),
            "abcd"
        );
    }
}
