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
//! Outgoing: [`write()`] serialises an element or an xmpp-parsers type straight to text (xso's
//! items through rxml's encoder).

use std::io;

pub mod direct;
mod head;
pub mod inbound;
pub mod roster_answer;
pub mod tolerant;

mod actions;
pub use actions::{
    Fallback, FallbackBody, Reply, Retract, Store, NS_FALLBACK, NS_HINTS, NS_REPLY, NS_RETRACT,
};
pub use head::{stanza_head, HeadAttrs, StanzaHead, StanzaKind};
pub use inbound::MessageIn;

pub use xmpp_parsers::minidom::{Element, Node};
pub use xmpp_parsers::ns;

use xmpp_parsers::iq::{Iq, IqHeader, IqPayload};
use xmpp_parsers::minidom::rxml;
use xmpp_parsers::minidom::tree_builder::TreeBuilder;

/// Why an incoming frame could not be read. For a frame the server wrote (stream features,
/// SASL, XEP-0198, ...), each maps to an RFC 6120 §4.9.3 stream error; a stanza that cannot be
/// read is skipped instead (RFC 7395 §3.3.3: one stanza per message, so nothing else is lost).
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

    /// A short name for the debug channel (`xmpp.raw`'s `skipped`).
    pub fn reason(self) -> &'static str {
        match self {
            FrameError::TooBig => "too-large",
            FrameError::TooDeep => "too-deep",
            FrameError::NotWellFormed => "not-well-formed",
            FrameError::Restricted => "restricted-xml",
        }
    }
}

/// Deepest element nesting accepted in one stanza, counted from the stanza's own element.
/// XMPP stanzas nest a handful of levels (an XHTML-IM message is about 6); 64 leaves ample room.
pub const MAX_DEPTH: usize = 64;

/// Levels a server adds around a stanza it forwards: `<message><result><forwarded><message>`
/// (XEP-0313 §4.2) and `<message><received|sent><forwarded><message>` (XEP-0280 §6, §7).
/// Limits count from the stanza (a message accepted live is accepted in history), so a frame
/// that wraps one may be this much deeper.
pub const WRAPPER_DEPTH: usize = 3;

/// Bytes a server adds around a stanza it forwards (the wrapper's attributes, ids, JIDs and
/// `<delay/>`), allowed to a frame that wraps one on top of the stanza size limit.
pub const WRAPPER_BYTES: usize = 16 * 1024;

/// The XML namespace (Namespaces in XML 1.0 §3): only the `xml` prefix may be bound to it.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// What a prefix bound to [`XML_NS`] is bound to instead while repairing a frame.
const REBOUND_NS: &str = "urn:xmpp-ftw-wasm:dropped";

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

/// One frame read by [`read_frame`]: its element and how deep it nests (1: an element
/// without children).
#[derive(Debug)]
struct Frame {
    /// The frame's element.
    el: Element,
    /// The deepest nesting level in it.
    depth: usize,
}

impl Frame {
    /// Checks the stanza limits, counted from the stanza: a message that wraps another one
    /// (XEP-0313 result, XEP-0280 carbon) may be [`WRAPPER_DEPTH`] levels deeper and
    /// [`WRAPPER_BYTES`] longer than `max_bytes`, every other element may not.
    fn check(self, len: usize, max_bytes: usize) -> Result<Element, FrameError> {
        if self.depth <= MAX_DEPTH && len <= max_bytes {
            return Ok(self.el);
        }
        let wrapper =
            self.el.is("message", ns::DEFAULT_NS) && self.el.children().any(is_forwarding_wrapper);
        let (depth, bytes) = match wrapper {
            true => (
                MAX_DEPTH + WRAPPER_DEPTH,
                max_bytes.saturating_add(WRAPPER_BYTES),
            ),
            false => (MAX_DEPTH, max_bytes),
        };
        if self.depth > depth {
            Err(FrameError::TooDeep)
        } else if len > bytes {
            Err(FrameError::TooBig)
        } else {
            Ok(self.el)
        }
    }
}

/// Whether a child of a `<message/>` wraps a message the server forwards: a XEP-0313
/// `<result/>` (§4.2) or a XEP-0280 `<received/>`/`<sent/>` carbon (§6, §7).
pub fn is_forwarding_wrapper(child: &Element) -> bool {
    child.is("result", ns::MAM)
        || child.is("received", ns::CARBONS)
        || child.is("sent", ns::CARBONS)
}

/// Parses one RFC 7395 frame: exactly one element, in restricted XML (RFC 6120 §11.1), at most
/// `max_bytes` long and [`MAX_DEPTH`] deep, counted from the stanza: a message that wraps
/// another one (XEP-0313 result, XEP-0280 carbon) may be [`WRAPPER_DEPTH`] levels deeper and
/// [`WRAPPER_BYTES`] longer.
pub fn parse_frame(text: &str, max_bytes: usize) -> Result<Element, FrameError> {
    read_frame(text, max_bytes).and_then(|f| f.check(text.len(), max_bytes))
}

/// The frame and its depth, read within the limits of a wrapper (the most any frame may
/// have); [`Frame::check`] then applies the frame's own.
///
/// A prefix bound to the XML namespace other than `xml` is not namespace-well-formed
/// (Namespaces in XML 1.0 §3), yet Prosody 0.12 writes one when it relays an attribute such as
/// `xml:foo` (`xmlns:ns1='http://www.w3.org/XML/1998/namespace' ns1:foo='1'`): such a frame is
/// read again with the prefix rebound and the attributes under it dropped, so the stanza
/// arrives as the sender meant it, less what cannot be represented.
fn read_frame(text: &str, max_bytes: usize) -> Result<Frame, FrameError> {
    let allowed = max_bytes.saturating_add(WRAPPER_BYTES);
    if text.len() > allowed {
        return Err(FrameError::TooBig);
    }
    match read_tree(text) {
        Err(FrameError::NotWellFormed) if text.contains(XML_NS) => {
            let repaired = rebind_xml_prefixes(text).ok_or(FrameError::NotWellFormed)?;
            let mut frame = read_tree(&repaired)?;
            drop_rebound_attributes(&mut frame.el);
            Ok(frame)
        }
        other => other,
    }
}

fn read_tree(text: &str) -> Result<Frame, FrameError> {
    // Names and attribute values may be as long as the frame (rxml's default is 8 KiB, which
    // a stranger's message can exceed); the reader reserves this much once per frame.
    let options = rxml::Options {
        max_token_length: text.len() + 1,
        ..rxml::Options::default()
    };
    let mut reader = rxml::RawReader::with_options(text.as_bytes(), options);
    let mut tree = TreeBuilder::new();
    let mut depth = 0;
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
        depth = depth.max(tree.depth());
        if depth > MAX_DEPTH + WRAPPER_DEPTH {
            return Err(FrameError::TooDeep);
        }
        if let Some(root) = tree.root.take() {
            break root;
        }
    };
    // RFC 7395 §3.3.3: one element per message; only whitespace may follow it.
    match reader.read() {
        Ok(None) => Ok(Frame { el: root, depth }),
        Ok(Some(_)) => Err(FrameError::NotWellFormed),
        Err(e) => Err(io_fault(&e)),
    }
}

/// `text` with every `xmlns:P='<XML namespace>'` (P other than `xml`) bound to
/// [`REBOUND_NS`] instead; `None` when there is none.
fn rebind_xml_prefixes(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.find(XML_NS) {
        let (before, after) = rest.split_at(at);
        // The declaration before the value: `xmlns:P` `=` and a quote, with optional spaces.
        let head = before.trim_end_matches(['\'', '"']);
        let quoted = head.len() + 1 == before.len();
        let head = head.trim_end().strip_suffix('=').map(str::trim_end);
        let prefix = head.and_then(|h| {
            let name_start = h.rfind(|c: char| c.is_whitespace()).map_or(0, |i| i + 1);
            h[name_start..].strip_prefix("xmlns:")
        });
        out.push_str(before);
        if quoted && prefix.is_some_and(|p| p != "xml") {
            out.push_str(REBOUND_NS);
            changed = true;
        } else {
            out.push_str(XML_NS);
        }
        rest = &after[XML_NS.len()..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// Removes the attributes under [`REBOUND_NS`] from `el` and its descendants (the frame's
/// depth is bounded, so the recursion is too).
fn drop_rebound_attributes(el: &mut Element) {
    el.attrs_mut()
        .retain(|namespace, _, _| namespace.as_str() != REBOUND_NS);
    for child in el.children_mut() {
        drop_rebound_attributes(child);
    }
}

/// Serialises an element or any xso type (xmpp-parsers' stanzas) straight to text, without
/// converting it into an element first.
pub fn write(v: impl xso::AsXml) -> String {
    match v.as_xml_iter() {
        Ok(mut items) => write_items(&mut items).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// An item of xso's serialisation.
type ItemResult<'a> = Result<xso::Item<'a>, xso::error::Error>;

/// [`write()`]: xso's items through rxml's encoder (no tree), an element without content
/// written `<x/>` as minidom wrote it (the encoder does when the head's end is left out).
/// One copy for every type written (the items come through a `dyn Iterator`).
fn write_items<'a>(items: &mut dyn Iterator<Item = ItemResult<'a>>) -> Option<String> {
    let mut encoder = rxml::Encoder::new();
    let mut out = Vec::with_capacity(256);
    let mut head_end = false;
    for item in items {
        let item = item.ok()?;
        let item = item.as_rxml_item();
        let foot = matches!(item, rxml::Item::ElementFoot);
        if std::mem::take(&mut head_end) && !foot {
            encoder.encode(rxml::Item::ElementHeadEnd, &mut out).ok()?;
        }
        if matches!(item, rxml::Item::ElementHeadEnd) {
            head_end = true;
            continue;
        }
        encoder.encode(item, &mut out).ok()?;
    }
    String::from_utf8(out).ok()
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
        let check = |s: &str| parse_frame(s, 1 << 20);
        assert!(check(&nest(MAX_DEPTH)).is_ok());
        assert_eq!(check(&nest(MAX_DEPTH + 1)).err(), Some(FrameError::TooDeep));
        assert_eq!(
            p(&nest(MAX_DEPTH + WRAPPER_DEPTH + 1)).err(),
            Some(FrameError::TooDeep)
        );
        // 100,000 levels are refused while reading, long before a tree that deep exists.
        assert_eq!(p(&nest(100_000)).err(), Some(FrameError::TooDeep));
        assert_eq!(
            parse_frame(
                &format!("<a xmlns='x'>{}</a>", "x".repeat(WRAPPER_BYTES)),
                5
            )
            .err(),
            Some(FrameError::TooBig)
        );
        let small = "<a xmlns='x'>xxxxxxxxxxxxxxxxxxxx</a>";
        assert_eq!(check_with(small, 5).err(), Some(FrameError::TooBig));
    }

    fn check_with(s: &str, max: usize) -> Result<Element, FrameError> {
        parse_frame(s, max)
    }

    /// A message accepted live is accepted inside a MAM result or a carbon.
    #[test]
    fn limits_count_from_the_stanza() {
        let deep = |n: usize| format!("{}{}", "<x>".repeat(n), "</x>".repeat(n));
        let live = |inner: &str| {
            format!("<message xmlns='jabber:client' from='b@x/r'><body>hi</body><p xmlns='urn:example'>{inner}</p></message>")
        };
        let wrapped = |wrapper: &str, m: &str| {
            format!(
                "<message xmlns='jabber:client' from='a@x'><{wrapper}><forwarded xmlns='urn:xmpp:forward:0'>{m}</forwarded></{}></message>",
                wrapper.split(' ').next().unwrap_or_default()
            )
        };
        let max = 4096;
        for levels in [MAX_DEPTH - 1, MAX_DEPTH] {
            let m = live(&deep(levels - 1));
            let live_ok = check_with(&m, max).is_ok();
            for w in [
                "result xmlns='urn:xmpp:mam:2' id='1' queryid='q'",
                "received xmlns='urn:xmpp:carbons:2'",
                "sent xmlns='urn:xmpp:carbons:2'",
            ] {
                assert_eq!(
                    check_with(&wrapped(w, &m), max).is_ok(),
                    live_ok,
                    "{levels} {w}"
                );
            }
            assert_eq!(live_ok, levels < MAX_DEPTH, "{levels}");
        }
        // the same for size: a message just under the limit fits in its wrapper
        let m = live(&"y".repeat(max - 200));
        assert!(m.len() <= max);
        assert!(check_with(&m, max).is_ok());
        let w = wrapped("result xmlns='urn:xmpp:mam:2' id='1' queryid='q'", &m);
        assert!(w.len() > max);
        assert!(check_with(&w, max).is_ok());
        // a message that is not a wrapper gets no extra room
        let fake = format!(
            "<message xmlns='jabber:client'><forwarded>{}</forwarded></message>",
            deep(MAX_DEPTH)
        );
        assert_eq!(check_with(&fake, max).err(), Some(FrameError::TooDeep));
    }

    /// rxml's default 8 KiB token limit is lifted: a stranger's long name or value is read.
    #[test]
    fn long_names_and_values_are_read() {
        let value = "A".repeat(9000);
        let el = p(&format!(
            "<message xmlns='jabber:client'><x xmlns='urn:example:poison' a='{value}'/><body>x</body></message>"
        ))
        .unwrap();
        assert_eq!(
            el.get_child("x", "urn:example:poison")
                .and_then(|x| x.attr("a")),
            Some(value.as_str())
        );
        let name = "n".repeat(9000);
        let el = p(&format!(
            "<message xmlns='jabber:client'><{name} xmlns='urn:example:poison'/><body>x</body></message>"
        ))
        .unwrap();
        assert_eq!(
            el.get_child("body", ns::DEFAULT_NS)
                .map(Element::text)
                .as_deref(),
            Some("x")
        );
        let text = "t".repeat(100_000);
        let el = p(&format!(
            "<message xmlns='jabber:client'><body>{text}</body></message>"
        ))
        .unwrap();
        assert_eq!(
            el.get_child("body", ns::DEFAULT_NS).map(Element::text),
            Some(text)
        );
    }

    /// Prosody 0.12 relays `xml:foo` under a made-up prefix bound to the XML namespace.
    #[test]
    fn a_prefix_bound_to_the_xml_namespace_is_dropped() {
        for frame in [
            "<message xmlns='jabber:client' from='b@x/r'><body xmlns:ns1='http://www.w3.org/XML/1998/namespace' ns1:foo='1'>x</body></message>",
            "<message xmlns='jabber:client' from='b@x/r'><body ns1:foo=\"1\" xmlns:ns1 = \"http://www.w3.org/XML/1998/namespace\" xml:lang='en'>x</body></message>",
        ] {
            let el = p(frame).unwrap();
            let body = el.get_child("body", ns::DEFAULT_NS).unwrap();
            assert_eq!(body.text(), "x");
            assert_eq!(body.attrs().len(), usize::from(frame.contains("xml:lang")), "{frame}");
            assert!(!write(el).contains("foo"));
        }
        // the `xml` prefix itself, the namespace as text, and bound as a default namespace
        assert!(p("<a xmlns='x' xmlns:xml='http://www.w3.org/XML/1998/namespace'/>").is_ok());
        assert!(p("<a xmlns='x'>http://www.w3.org/XML/1998/namespace</a>").is_ok());
        assert!(p("<a xmlns='http://www.w3.org/XML/1998/namespace'/>").is_err());
        assert_eq!(
            rebind_xml_prefixes("<a xmlns='x'>http://www.w3.org/XML/1998/namespace</a>"),
            None
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
