//! XML in and out of the core.
//!
//! Incoming: each RFC 7395 WebSocket message holds exactly one namespace-well-formed element
//! (RFC 7395 §3.3.3). [`parse_frame`] reads it into a small [`Element`] tree with a reader built
//! for XMPP's restricted XML (RFC 6120 §11.1): no DTD, no comments, no processing instructions,
//! only the five predefined entities and character references. It checks the size limit before
//! reading and the nesting limit while reading (an explicit stack, no recursion), so a hostile
//! server cannot make it build or drop a huge tree. It replaces a general XML library to keep the
//! wasm download small (that library alone cost 25 KB gzip).
//!
//! Outgoing: frames are written by [`El`], a small builder with a deterministic serialisation
//! (attributes in the order given, `"` quoting), so that transcript tests can compare the client's
//! frames byte for byte.

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

const NS_XML: &str = "http://www.w3.org/XML/1998/namespace";

/// A parsed element: local name, resolved namespace, attributes (namespace declarations are
/// not attributes; a prefixed attribute keeps its `prefix:name`), and child nodes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Element {
    name: String,
    ns: String,
    attrs: Vec<(String, String)>,
    nodes: Vec<Node>,
}

/// A child of an [`Element`].
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A child element.
    Element(Element),
    /// Character data (entities resolved, CDATA included).
    Text(String),
}

impl Element {
    /// The local name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The namespace URI (`""` when none is in scope).
    pub fn ns(&self) -> &str {
        &self.ns
    }

    /// Whether this is `name` in namespace `ns`.
    pub fn is(&self, name: &str, ns: &str) -> bool {
        self.name == name && self.ns == ns
    }

    /// The value of an unprefixed attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// All attributes, in document order.
    pub fn attrs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.attrs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Child nodes in document order.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Child elements in document order.
    pub fn children(&self) -> impl Iterator<Item = &Element> {
        self.nodes.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element `name` in namespace `ns`.
    pub fn get_child(&self, name: &str, ns: &str) -> Option<&Element> {
        self.children().find(|c| c.is(name, ns))
    }

    /// Whether a child element `name` in namespace `ns` exists.
    pub fn has_child(&self, name: &str, ns: &str) -> bool {
        self.get_child(name, ns).is_some()
    }

    /// The concatenated text of the direct text children.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for n in &self.nodes {
            if let Node::Text(t) = n {
                out.push_str(t);
            }
        }
        out
    }
}

/// Parses an element with no size limit (tests and trusted input).
impl std::str::FromStr for Element {
    type Err = FrameError;
    fn from_str(s: &str) -> Result<Element, FrameError> {
        parse_frame(s, usize::MAX)
    }
}

/// Parses one frame: exactly one element, optionally surrounded by whitespace.
pub fn parse_frame(text: &str, max_bytes: usize) -> Result<Element, FrameError> {
    if text.len() > max_bytes {
        return Err(FrameError::TooBig);
    }
    Reader {
        s: text,
        b: text.as_bytes(),
        i: 0,
    }
    .document()
}

/// One open element while reading: the element, its raw (prefixed) name, and how many
/// namespace bindings it pushed.
struct Open {
    el: Element,
    qname_start: usize,
    qname_end: usize,
    bindings: usize,
}

struct Reader<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

use FrameError::{NotWellFormed as Bad, Restricted};

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn starts(&self, lit: &str) -> bool {
        self.b[self.i..].starts_with(lit.as_bytes())
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn document(mut self) -> Result<Element, FrameError> {
        self.skip_ws();
        if self.starts("<?xml")
            && matches!(
                self.b.get(self.i + 5),
                Some(b' ' | b'\t' | b'\n' | b'\r' | b'?')
            )
        {
            // The XML declaration (RFC 6120 §11.5 allows it); its content is not needed.
            let end = find(self.b, self.i, b"?>").ok_or(Bad)?;
            self.i = end + 2;
            self.skip_ws();
        }
        let mut stack: Vec<Open> = Vec::new();
        // Namespace bindings in scope: (prefix, uri); "" is the default namespace.
        let mut scope: Vec<(&'a str, String)> = Vec::new();
        let mut root: Option<Element> = None;
        loop {
            if root.is_some() {
                self.skip_ws();
                return if self.i == self.b.len() {
                    root.ok_or(Bad)
                } else {
                    Err(Bad)
                };
            }
            let Some(c) = self.peek() else {
                return Err(Bad);
            };
            if c != b'<' {
                // Character data: only inside an element.
                let Some(top) = stack.last_mut() else {
                    return Err(Bad);
                };
                let end = self.b[self.i..]
                    .iter()
                    .position(|&x| x == b'<')
                    .map_or(self.b.len(), |p| p + self.i);
                let text = unescape(&self.s[self.i..end])?;
                push_text(&mut top.el, text);
                self.i = end;
                continue;
            }
            if self.starts("</") {
                let open = stack.pop().ok_or(Bad)?;
                self.i += 2;
                let qname = &self.s[open.qname_start..open.qname_end];
                if !self.starts(qname) {
                    return Err(Bad);
                }
                self.i += qname.len();
                self.skip_ws();
                if self.peek() != Some(b'>') {
                    return Err(Bad);
                }
                self.i += 1;
                scope.truncate(scope.len() - open.bindings);
                match stack.last_mut() {
                    Some(parent) => parent.el.nodes.push(Node::Element(open.el)),
                    None => root = Some(open.el),
                }
                continue;
            }
            if self.starts("<![CDATA[") {
                let Some(top) = stack.last_mut() else {
                    return Err(Bad);
                };
                let end = find(self.b, self.i + 9, b"]]>").ok_or(Bad)?;
                let text = &self.s[self.i + 9..end];
                check_chars(text)?;
                push_text(&mut top.el, text.to_owned());
                self.i = end + 3;
                continue;
            }
            if self.starts("<!") || self.starts("<?") {
                // Comments, DTDs and processing instructions (RFC 6120 §11.1).
                return Err(Restricted);
            }
            // A start tag.
            if stack.len() >= MAX_DEPTH {
                return Err(FrameError::TooDeep);
            }
            self.i += 1;
            let (qs, qe) = self.name()?;
            let mut raw_attrs: Vec<(&'a str, String)> = Vec::new();
            let bindings_before = scope.len();
            let empty = loop {
                let had_ws = matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r'));
                self.skip_ws();
                match self.peek() {
                    Some(b'/') => {
                        if self.b.get(self.i + 1) != Some(&b'>') {
                            return Err(Bad);
                        }
                        self.i += 2;
                        break true;
                    }
                    Some(b'>') => {
                        self.i += 1;
                        break false;
                    }
                    Some(_) if had_ws => {
                        let (ns_, ne) = self.name()?;
                        let an = &self.s[ns_..ne];
                        self.skip_ws();
                        if self.peek() != Some(b'=') {
                            return Err(Bad);
                        }
                        self.i += 1;
                        self.skip_ws();
                        let q = self.peek().ok_or(Bad)?;
                        if q != b'"' && q != b'\'' {
                            return Err(Bad);
                        }
                        let vend = self.b[self.i + 1..]
                            .iter()
                            .position(|&x| x == q)
                            .ok_or(Bad)?
                            + self.i
                            + 1;
                        let raw = &self.s[self.i + 1..vend];
                        if raw.contains('<') {
                            return Err(Bad);
                        }
                        let value = unescape(raw)?;
                        self.i = vend + 1;
                        if raw_attrs.iter().any(|(k, _)| *k == an) {
                            return Err(Bad);
                        }
                        if an == "xmlns" {
                            scope.push(("", value));
                        } else if let Some(p) = an.strip_prefix("xmlns:") {
                            if value.is_empty() || p == "xml" || p == "xmlns" {
                                return Err(Bad);
                            }
                            scope.push((p, value));
                        } else {
                            raw_attrs.push((an, value));
                        }
                    }
                    _ => return Err(Bad),
                }
            };
            let qname = &self.s[qs..qe];
            let (prefix, local) = split_qname(qname)?;
            let ns = resolve(&scope, prefix).ok_or(Bad)?.to_owned();
            let mut attrs = Vec::with_capacity(raw_attrs.len());
            for (an, v) in raw_attrs {
                let (p, _) = split_qname(an)?;
                if !p.is_empty() && p != "xml" && resolve(&scope, p).is_none() {
                    return Err(Bad);
                }
                attrs.push((an.to_owned(), v));
            }
            let el = Element {
                name: local.to_owned(),
                ns,
                attrs,
                nodes: Vec::new(),
            };
            let bindings = scope.len() - bindings_before;
            if empty {
                scope.truncate(bindings_before);
                match stack.last_mut() {
                    Some(parent) => parent.el.nodes.push(Node::Element(el)),
                    None => root = Some(el),
                }
            } else {
                stack.push(Open {
                    el,
                    qname_start: qs,
                    qname_end: qe,
                    bindings,
                });
            }
        }
    }

    /// An XML name: returns its byte range. Names stop at whitespace, `/`, `>`, `=`.
    fn name(&mut self) -> Result<(usize, usize), FrameError> {
        let start = self.i;
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'>' | b'=' => break,
                b'<' | b'&' | b'"' | b'\'' | b'!' | b'?' | b'(' | b')' | b';' | b',' | 0..=0x1f => {
                    return Err(Bad)
                }
                _ => self.i += 1,
            }
        }
        let name = &self.s[start..self.i];
        let first = name.chars().next().ok_or(Bad)?;
        if first == '-' || first == '.' || first.is_ascii_digit() {
            return Err(Bad);
        }
        Ok((start, self.i))
    }
}

fn push_text(el: &mut Element, text: String) {
    if text.is_empty() {
        return;
    }
    if let Some(Node::Text(prev)) = el.nodes.last_mut() {
        prev.push_str(&text);
    } else {
        el.nodes.push(Node::Text(text));
    }
}

fn split_qname(q: &str) -> Result<(&str, &str), FrameError> {
    match q.split_once(':') {
        None => Ok(("", q)),
        Some((p, l)) if !p.is_empty() && !l.is_empty() && !l.contains(':') => Ok((p, l)),
        _ => Err(Bad),
    }
}

fn resolve<'s>(scope: &'s [(&str, String)], prefix: &str) -> Option<&'s str> {
    if prefix == "xml" {
        return Some(NS_XML);
    }
    match scope.iter().rev().find(|(p, _)| *p == prefix) {
        Some((_, uri)) => Some(uri.as_str()),
        None if prefix.is_empty() => Some(""),
        None => None,
    }
}

/// Characters XML 1.0 allows (§2.2).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

fn check_chars(s: &str) -> Result<(), FrameError> {
    if s.chars().all(is_xml_char) {
        Ok(())
    } else {
        Err(Bad)
    }
}

/// Resolves the predefined entities and character references; any other `&` is an error.
fn unescape(raw: &str) -> Result<String, FrameError> {
    check_chars(raw)?;
    if !raw.contains('&') {
        return Ok(raw.to_owned());
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').ok_or(Bad)?;
        let ent = &after[..semi];
        let c = match ent {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = ent.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).map_err(|_| Bad)?
                } else if let Some(dec) = ent.strip_prefix('#') {
                    dec.parse::<u32>().map_err(|_| Bad)?
                } else {
                    return Err(Restricted); // an entity XMPP does not allow
                };
                char::from_u32(code)
                    .filter(|c| is_xml_char(*c))
                    .ok_or(Bad)?
            }
        };
        out.push(c);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Escapes text content and attribute values (`&`, `<`, `>`, `"`, `'`).
pub fn escape_into(out: &mut String, s: &str) {
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let rep = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&apos;",
            // Characters XML 1.0 forbids (RFC 6120 §11.1) are dropped rather than sent.
            c if !is_xml_char(c) => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(rep);
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
}

/// An outgoing element under construction.
#[derive(Debug, Clone, PartialEq)]
pub struct El {
    name: String,
    attrs: Vec<(String, String)>,
    kids: Vec<Kid>,
}

#[derive(Debug, Clone, PartialEq)]
enum Kid {
    El(El),
    Text(String),
}

impl El {
    /// `<name xmlns="ns">`; pass `""` as `ns` for an element that inherits its namespace.
    pub fn new(name: &str, ns: &str) -> El {
        let mut el = El {
            name: name.to_owned(),
            attrs: Vec::new(),
            kids: Vec::new(),
        };
        if !ns.is_empty() {
            el.attrs.push(("xmlns".to_owned(), ns.to_owned()));
        }
        el
    }

    /// Adds an attribute.
    #[must_use]
    pub fn attr(mut self, name: &str, value: impl Into<String>) -> El {
        self.attrs.push((name.to_owned(), value.into()));
        self
    }

    /// Adds an attribute when `value` is `Some`.
    #[must_use]
    pub fn attr_opt(self, name: &str, value: Option<impl Into<String>>) -> El {
        match value {
            Some(v) => self.attr(name, v),
            None => self,
        }
    }

    /// Appends a child element.
    #[must_use]
    pub fn child(mut self, el: El) -> El {
        self.kids.push(Kid::El(el));
        self
    }

    /// Appends a child element when `Some`.
    #[must_use]
    pub fn child_opt(self, el: Option<El>) -> El {
        match el {
            Some(el) => self.child(el),
            None => self,
        }
    }

    /// Appends text.
    #[must_use]
    pub fn text(mut self, t: impl Into<String>) -> El {
        self.kids.push(Kid::Text(t.into()));
        self
    }

    /// `<name>text</name>` in the parent's namespace.
    pub fn leaf(name: &str, t: impl Into<String>) -> El {
        El::new(name, "").text(t)
    }

    /// Serialises into `out`.
    pub fn write(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        for (k, v) in &self.attrs {
            out.push(' ');
            out.push_str(k);
            out.push_str("=\"");
            escape_into(out, v);
            out.push('"');
        }
        if self.kids.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        for k in &self.kids {
            match k {
                Kid::El(e) => e.write(out),
                Kid::Text(t) => escape_into(out, t),
            }
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
    }

    /// Converts a parsed tree (for example sanitised XHTML) into a builder, keeping elements,
    /// unprefixed attributes and text; namespaces are declared where they change.
    pub fn from_element(e: &Element, parent_ns: &str) -> El {
        let ns = e.ns();
        let mut out = El::new(e.name(), if ns == parent_ns { "" } else { ns });
        for (k, v) in e.attrs() {
            if !k.contains(':') {
                out.attrs.push((k.to_owned(), v.to_owned()));
            }
        }
        for n in e.nodes() {
            match n {
                Node::Element(c) => out.kids.push(Kid::El(El::from_element(c, ns))),
                Node::Text(t) => out.kids.push(Kid::Text(t.clone())),
            }
        }
        out
    }
}

impl std::fmt::Display for El {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = String::new();
        self.write(&mut s);
        f.write_str(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_deterministically_and_escapes() {
        let el = El::new("message", "jabber:client")
            .attr("to", "a&b@example.org")
            .child(El::leaf("body", "1 < 2 \"q\" 'a'\u{1}"))
            .child(El::new("active", "http://jabber.org/protocol/chatstates"));
        assert_eq!(
            el.to_string(),
            "<message xmlns=\"jabber:client\" to=\"a&amp;b@example.org\"><body>1 &lt; 2 &quot;q&quot; &apos;a&apos;</body>\
             <active xmlns=\"http://jabber.org/protocol/chatstates\"/></message>"
        );
    }

    fn p(s: &str) -> Result<Element, FrameError> {
        parse_frame(s, 1 << 20)
    }

    #[test]
    fn namespaces_prefixes_and_attributes() {
        let e = p("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
                   <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>\
                   <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>")
        .unwrap();
        assert!(e.is("features", "http://etherx.jabber.org/streams"));
        let m = e
            .get_child("mechanisms", "urn:ietf:params:xml:ns:xmpp-sasl")
            .unwrap();
        assert_eq!(
            m.children().next().map(|c| (c.name(), c.ns(), c.text())),
            Some((
                "mechanism",
                "urn:ietf:params:xml:ns:xmpp-sasl",
                "PLAIN".to_owned()
            ))
        );
        assert!(e.has_child("bind", "urn:ietf:params:xml:ns:xmpp-bind"));
        let e = p("<message xmlns='jabber:client' to=\"a@b\" xml:lang='en' id = 'x'><body>1 &lt; 2 &amp;&#x41;&#66;</body></message>").unwrap();
        assert_eq!(e.attr("to"), Some("a@b"));
        assert_eq!(e.attr("id"), Some("x"));
        assert_eq!(
            e.attr("lang"),
            None,
            "prefixed attributes keep their prefix"
        );
        assert_eq!(e.attrs().count(), 3);
        assert_eq!(
            e.get_child("body", "jabber:client")
                .map(|b| b.text())
                .as_deref(),
            Some("1 < 2 &AB")
        );
        let e = p("<a xmlns='x'>t1<![CDATA[<not> & markup]]>t2<b/>t3</a>").unwrap();
        assert_eq!(e.text(), "t1<not> & markupt2t3");
        assert_eq!(p("<a/>").unwrap().ns(), "");
    }

    #[test]
    fn refuses_what_is_not_one_well_formed_element() {
        for bad in [
            "",
            "   ",
            "text",
            "<a>",
            "<a></b>",
            "<a><b></a></b>",
            "<a/><b/>",
            "<a/>trailing",
            "<a x='1' x='2'/>",
            "<p:a/>",
            "<a p:x='1'/>",
            "<a x=1/>",
            "<a x='<'/>",
            "<a>&unknown</a>",
            "<a>&#0;</a>",
            "<a>&#xD800;</a>",
            "<a>\u{1}</a>",
            "<1a/>",
            "<a b/>",
            "<a xmlns:p=''/>",
            "<a/ >",
            "</a>",
            "<a x='1'y='2'/>",
            "<a:b:c/>",
        ] {
            assert!(p(bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(p("<a>&nbsp;</a>"), Err(FrameError::Restricted));
        assert_eq!(p("<a><!-- c --></a>"), Err(FrameError::Restricted));
        assert_eq!(p("<a><?pi x?></a>"), Err(FrameError::Restricted));
        assert!(p("<?xml version='1.0'?><a/>").is_ok());
    }

    #[test]
    fn depth_and_size_limits() {
        let ok = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(p(&ok).is_ok());
        let deep = format!(
            "{}{}",
            "<a>".repeat(MAX_DEPTH + 1),
            "</a>".repeat(MAX_DEPTH + 1)
        );
        assert_eq!(p(&deep), Err(FrameError::TooDeep));
        assert_eq!(p(&"<a>".repeat(100_000)), Err(FrameError::TooDeep));
        assert_eq!(parse_frame("<a/>", 3), Err(FrameError::TooBig));
    }

    #[test]
    fn round_trip_through_the_writer() {
        let src = "<html xmlns=\"http://jabber.org/protocol/xhtml-im\"><body xmlns=\"http://www.w3.org/1999/xhtml\">\
                   <p>Hi &amp; <em class=\"x\">Bob</em></p></body></html>";
        let e = p(src).unwrap();
        assert_eq!(El::from_element(&e, "").to_string(), src);
    }

    #[test]
    fn doctype_is_refused() {
        let bomb = "<!DOCTYPE a [<!ENTITY x \"xx\">]><a xmlns='x'>&x;</a>";
        assert_eq!(parse_frame(bomb, 1000), Err(FrameError::Restricted));
    }
}
