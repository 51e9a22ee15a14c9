//! XEP-0071 XHTML-IM (v1.5.4): sanitising received markup to the recommended profile (§7–§8)
//! and building the `<html/>` of sent messages.
//!
//! The application puts received `content` into the DOM (`format:"xhtml"`), so it must be safe
//! to do so (`docs/decisions.md` §4). The sanitiser works on the parsed element tree against an
//! allow-list (no HTML parser, no regex):
//! - elements: `a blockquote br cite code em img li ol p span strong ul` in the XHTML namespace;
//!   `script`, `style`, embedded documents, forms, media and anything in another namespace
//!   (SVG, MathML) are removed with their content; other XHTML elements are unwrapped (their
//!   text and allowed children stay);
//! - attributes: `href` on `a` (only `http`, `https`, `xmpp`, `mailto`), `src`/`alt`/`width`/
//!   `height` on `img` (`src` only `http`/`https`), and `style` limited to the CSS properties of
//!   XEP-0071 §8 with values free of `url(`, `expression(`, escapes and comments, and within
//!   the bounds of [`super::css`] (nothing that reaches out of the message's box); no event
//!   handlers, no other attributes;
//! - the output is serialised with every `<`, `>`, `&`, `"`, `'` of text and attribute values
//!   escaped, and with explicit end tags, so an HTML parser reads it as the same tree.

use crate::stanza::{Element, Node};
use xmpp_parsers::minidom::element::escape;

/// XEP-0071 wrapper namespace.
pub const NS_XHTML_IM: &str = xmpp_parsers::ns::XHTML_IM;
/// The XHTML namespace of the `<body/>` inside `<html/>`.
pub const NS_XHTML: &str = xmpp_parsers::ns::XHTML;

const ALLOWED: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "cite",
    "code",
    "em",
    "img",
    "li",
    "ol",
    "p",
    "span",
    "strong",
    "ul",
];
const DROP_WITH_CONTENT: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "option",
    "template",
    "link",
    "meta",
    "base",
    "head",
    "title",
    "audio",
    "video",
    "source",
    "track",
    "canvas",
    "noscript",
    "noembed",
    "noframes",
    "xmp",
    "plaintext",
    "param",
    "portal",
    "dialog",
];
const CSS_PROPERTIES: &[&str] = &[
    "background-color",
    "color",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "margin-left",
    "text-align",
    "text-decoration",
];

/// The sanitised inner markup of the `<body/>` of an XHTML-IM `<html/>`, trimmed; `None` when
/// `html` has no XHTML body.
pub fn sanitised_content(html: &Element) -> Option<String> {
    let body = html.get_child("body", NS_XHTML)?;
    let mut out = String::new();
    write_children(body, &mut out);
    Some(out.trim().to_owned())
}

fn write_children(el: &Element, out: &mut String) {
    for n in el.nodes() {
        match n {
            Node::Text(t) => escape_into(out, t),
            Node::Element(c) => write_element(c, out),
        }
    }
}

fn write_element(el: &Element, out: &mut String) {
    let name = el.name();
    if !el.has_ns(NS_XHTML) || DROP_WITH_CONTENT.contains(&name) {
        return;
    }
    if !ALLOWED.contains(&name) {
        // Unknown but harmless XHTML (div, b, table, ...): keep what is inside.
        return write_children(el, out);
    }
    out.push('<');
    out.push_str(name);
    // Only the allowed attributes, in a fixed order, read by name (attributes in another
    // namespace are never read).
    let keys: &[&str] = match name {
        "a" => &["href", "style"],
        "img" => &["src", "alt", "width", "height", "style"],
        _ => &["style"],
    };
    for k in keys {
        let Some(v) = el.attr(*k) else { continue };
        match *k {
            "href" if safe_url(v, &["http", "https", "xmpp", "mailto"]) => push_attr(out, k, v),
            "src" if safe_url(v, &["http", "https"]) => push_attr(out, k, v),
            "alt" | "width" | "height" => push_attr(out, k, v),
            "style" => {
                let css = safe_style(v);
                if !css.is_empty() {
                    push_attr(out, "style", &css);
                }
            }
            _ => {}
        }
    }
    if matches!(name, "br" | "img") {
        // Void elements: nothing inside, ever.
        out.push_str("/>");
        return;
    }
    out.push('>');
    write_children(el, out);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn push_attr(out: &mut String, k: &str, v: &str) {
    out.push(' ');
    out.push_str(k);
    out.push_str("=\"");
    escape_into(out, v);
    out.push('"');
}

/// Escapes text and attribute values with minidom's XML escaping (`& < > " '`); the input
/// came out of the XML parser, so it holds only XML characters.
fn escape_into(out: &mut String, s: &str) {
    out.push_str(&String::from_utf8_lossy(&escape(s.as_bytes())));
}

/// Whether `url` is absolute with one of `schemes`. Browsers ignore ASCII whitespace and
/// control characters inside a scheme (`java\tscript:`), so they are removed before comparing.
fn safe_url(url: &str, schemes: &[&str]) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    let Some((scheme, _)) = cleaned.split_once(':') else {
        return false;
    };
    schemes.iter().any(|s| s.eq_ignore_ascii_case(scheme))
}

/// Keeps the XEP-0071 §8 CSS properties whose values cannot load or run anything and stay
/// inside the message's box.
fn safe_style(style: &str) -> String {
    let mut out = String::new();
    for decl in style.split(';') {
        let Some((prop, value)) = decl.split_once(':') else {
            continue;
        };
        let prop = prop.trim().to_ascii_lowercase();
        let value = value.trim();
        let lower = value.to_ascii_lowercase();
        let dangerous = [
            "url(",
            "expression(",
            "\\",
            "/*",
            "<",
            ">",
            "@",
            "\"",
            "'",
            "&",
            "javascript",
            "image-set(",
        ]
        .iter()
        .any(|bad| lower.contains(bad));
        let kept = (CSS_PROPERTIES.contains(&prop.as_str()) && !dangerous)
            .then(|| super::css::safe_value(&prop, value))
            .flatten();
        if let Some(value) = kept {
            if !out.is_empty() {
                out.push_str("; ");
            }
            out.push_str(&prop);
            out.push_str(": ");
            out.push_str(&value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(inner: &str) -> String {
        let html =
            format!("<html xmlns='{NS_XHTML_IM}'><body xmlns='{NS_XHTML}'>{inner}</body></html>");
        let el: Element = html.parse().unwrap_or_else(|e| panic!("{inner}: {e:?}"));
        sanitised_content(&el).unwrap()
    }

    #[test]
    fn keeps_the_recommended_profile() {
        assert_eq!(
            clean("<p>Hi <strong>Bob</strong></p>"),
            "<p>Hi <strong>Bob</strong></p>"
        );
        assert_eq!(
            clean("<p style='color: red; position: fixed'><a href='https://e.org/?a=1&amp;b=2' onclick='x()'>l</a><br/></p>"),
            "<p style=\"color: red\"><a href=\"https://e.org/?a=1&amp;b=2\">l</a><br/></p>"
        );
        assert_eq!(
            clean("<ul><li>a</li><li>b</li></ul>"),
            "<ul><li>a</li><li>b</li></ul>"
        );
        assert_eq!(
            clean("<img src='https://e.org/i.png' alt='i' onerror='x()'/>"),
            "<img src=\"https://e.org/i.png\" alt=\"i\"/>"
        );
        // what would reach out of the bubble goes, the rest stays (css.rs has the grammar)
        assert_eq!(
            clean("<p style='margin-left:100000px; font-size:500px; color: Red; font-size: 1.2em'>x</p>"),
            "<p style=\"color: red; font-size: 1.2em\">x</p>"
        );
        assert_eq!(clean("<div><b>bold</b> text</div>"), "bold text");
        assert_eq!(clean("  <p></p>  "), "<p></p>");
        assert_eq!(clean("1 &lt; 2"), "1 &lt; 2");
    }

    /// An XSS corpus: nothing executable may survive.
    #[test]
    fn xss_corpus() {
        let corpus = [
            "<script>alert(1)</script>",
            "<p onclick='alert(1)' onmouseover=\"alert(1)\">x</p>",
            "<a href='javascript:alert(1)'>x</a>",
            "<a href=' JaVaScRiPt:alert(1)'>x</a>",
            "<a href='java&#x09;script:alert(1)'>x</a>",
            "<a href='java&#x0A;script:alert(1)'>x</a>",
            "<a href='vbscript:msgbox(1)'>x</a>",
            "<a href='data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='>x</a>",
            "<img src='x' onerror='alert(1)'/>",
            "<img src='javascript:alert(1)'/>",
            "<img src='data:image/svg+xml,&lt;svg onload=alert(1)&gt;'/>",
            "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'><script>alert(1)</script></svg>",
            "<svg><a href='javascript:alert(1)'><text>x</text></a></svg>",
            "<math><mtext><script>alert(1)</script></mtext></math>",
            "<iframe src='javascript:alert(1)'></iframe>",
            "<iframe srcdoc='&lt;script&gt;alert(1)&lt;/script&gt;'></iframe>",
            "<object data='javascript:alert(1)'></object>",
            "<embed src='javascript:alert(1)'/>",
            "<form action='javascript:alert(1)'><button>x</button></form>",
            "<p style='background: url(javascript:alert(1))'>x</p>",
            "<p style='color: expression(alert(1))'>x</p>",
            "<p style='color: red; background-image: url(https://tracker)'>x</p>",
            "<span style='font-family: \\0065xpression(alert(1))'>x</span>",
            "<style>body{background:url(javascript:alert(1))}</style>",
            "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'/>",
            "<base href='javascript:alert(1)//'/>",
            "<link rel='stylesheet' href='javascript:alert(1)'/>",
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
            "<p title='&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'>x</p>",
            "<a href='https://ok' title='x' target='_blank' rel='opener'>x</a>",
            "<template><script>alert(1)</script></template>",
            "<noscript><p title='&lt;/noscript&gt;&lt;img src=x onerror=alert(1)&gt;'>x</p></noscript>",
            "<x:script xmlns:x='http://www.w3.org/1999/xhtml'>alert(1)</x:script>",
            "<p xmlns='urn:other'><script>alert(1)</script></p>",
            "<video><source onerror='alert(1)'/></video>",
            "<details open='' ontoggle='alert(1)'>x</details>",
            "<textarea>&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>",
        ];
        for xss in corpus {
            let out = clean(xss).to_ascii_lowercase();
            for bad in [
                "<script",
                "javascript:",
                "vbscript:",
                "data:",
                " on",
                "<iframe",
                "<svg",
                "<math",
                "<object",
                "<embed",
                "<form",
                "<style",
                "<meta",
                "<base",
                "<link",
                "expression(",
                "url(",
                "srcdoc",
                "<template",
                "<textarea",
                "target=",
                "title=",
            ] {
                assert!(!out.contains(bad), "{xss} -> {out} contains {bad}");
            }
            // Every '<' of the output starts an allowed tag.
            for (i, _) in out.match_indices('<') {
                let rest = &out[i + 1..];
                let rest = rest.strip_prefix('/').unwrap_or(rest);
                assert!(
                    ALLOWED.iter().any(|a| rest.starts_with(a)),
                    "{xss} -> {out}"
                );
            }
        }
    }
}
