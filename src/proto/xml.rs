//! XML in and out of the core.
//!
//! Incoming: each RFC 7395 WebSocket message holds exactly one namespace-well-formed element
//! (RFC 7395 §3.3.3). It is checked against the size and nesting limits *before* it is parsed
//! (a hostile server must not make us build, or recursively drop, a huge tree), then parsed
//! into a `minidom` tree with the parser that xmpp-parsers uses.
//!
//! Outgoing: frames are written by [`El`], a small builder with a deterministic serialisation
//! (attributes in the order given, `'` never used, `"` quoting), so that transcript tests can
//! compare the client's frames byte for byte.

use xmpp_parsers::minidom::{Element, Node};

/// Why an incoming frame was refused. Each maps to an RFC 6120 §4.9.3 stream error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameError {
    /// Larger than the configured maximum stanza size (`policy-violation`).
    TooBig,
    /// Nested deeper than [`MAX_DEPTH`] (`policy-violation`).
    TooDeep,
    /// Not one well-formed element (`not-well-formed`).
    NotWellFormed,
}

/// Deepest element nesting accepted in one frame. XMPP stanzas nest a handful of levels
/// (a MAM result with a forwarded XHTML-IM message is about 10); 64 leaves ample room.
pub const MAX_DEPTH: usize = 64;

/// Parses one frame: size check, nesting pre-scan, then the XML parser.
pub fn parse_frame(text: &str, max_bytes: usize) -> Result<Element, FrameError> {
    if text.len() > max_bytes {
        return Err(FrameError::TooBig);
    }
    if max_depth(text) > MAX_DEPTH {
        return Err(FrameError::TooDeep);
    }
    let el: Element = text.parse().map_err(|_| FrameError::NotWellFormed)?;
    Ok(el)
}

/// An upper bound of the element nesting depth of `text`, found with a lexical scan that
/// skips quoted attribute values, comments, CDATA and processing instructions. It never
/// under-counts well-formed input; garbage is left to the parser to reject.
pub fn max_depth(text: &str) -> usize {
    let b = text.as_bytes();
    let (mut i, mut depth, mut max) = (0usize, 0usize, 0usize);
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &b[i..];
        if rest.starts_with(b"<!--") {
            i = find(b, i + 4, b"-->").map_or(b.len(), |e| e + 3);
        } else if rest.starts_with(b"<![CDATA[") {
            i = find(b, i + 9, b"]]>").map_or(b.len(), |e| e + 3);
        } else if rest.starts_with(b"<?") || rest.starts_with(b"<!") {
            i = find(b, i + 2, b">").map_or(b.len(), |e| e + 1);
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            i = find(b, i + 2, b">").map_or(b.len(), |e| e + 1);
        } else {
            // A start tag: scan to its end, honouring quotes; `/>` closes it at once.
            let mut j = i + 1;
            let mut quote = 0u8;
            let mut empty = false;
            while j < b.len() {
                let c = b[j];
                if quote != 0 {
                    if c == quote {
                        quote = 0;
                    }
                } else if c == b'"' || c == b'\'' {
                    quote = c;
                } else if c == b'>' {
                    empty = j > 0 && b[j - 1] == b'/';
                    break;
                }
                j += 1;
            }
            if !empty {
                depth += 1;
                max = max.max(depth);
            } else {
                max = max.max(depth + 1);
            }
            i = j + 1;
        }
    }
    max
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Escapes text content and attribute values (`&`, `<`, `>`, `"`, `'`).
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids (RFC 6120 §11.1) are dropped rather than sent.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
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

    /// Converts a parsed tree (for example sanitised XHTML) into a builder, keeping only
    /// elements and text; prefixes are not kept, namespaces are declared where they change.
    pub fn from_element(e: &Element, parent_ns: &str) -> El {
        let ns = e.ns();
        let mut out = El::new(e.name(), if ns == parent_ns { "" } else { &ns });
        for ((attr_ns, k), v) in e.attrs().iter() {
            // Only attributes without a namespace (XHTML has none of its own).
            if attr_ns.is_empty() {
                out.attrs.push((k.to_string(), v.to_string()));
            }
        }
        for n in e.nodes() {
            match n {
                Node::Element(c) => out.kids.push(Kid::El(El::from_element(c, &ns))),
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

    #[test]
    fn depth_scan_counts_nesting_and_skips_quotes() {
        assert_eq!(max_depth("<a><b><c/></b></a>"), 3);
        assert_eq!(max_depth("<a x='>' y=\"/>\"><b>t</b></a>"), 2);
        assert_eq!(max_depth("<a><!-- <b><c> --><![CDATA[<d><e>]]></a>"), 1);
        let deep = "<a>".repeat(1000);
        assert_eq!(parse_frame(&deep, 1 << 20), Err(FrameError::TooDeep));
    }

    #[test]
    fn parse_limits() {
        assert_eq!(parse_frame("<a/>", 3), Err(FrameError::TooBig));
        assert_eq!(parse_frame("<a>", 100), Err(FrameError::NotWellFormed));
        assert_eq!(parse_frame("not xml", 100), Err(FrameError::NotWellFormed));
        assert_eq!(
            parse_frame("<a xmlns='x'><b/></a>", 100).map(|e| e.name().to_owned()),
            Ok("a".into())
        );
    }

    #[test]
    fn doctype_is_refused() {
        let bomb = "<!DOCTYPE a [<!ENTITY x \"xx\">]><a xmlns='x'>&x;</a>";
        assert_eq!(parse_frame(bomb, 1000), Err(FrameError::NotWellFormed));
    }
}
