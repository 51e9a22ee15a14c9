//! RFC 6120 §8.3 stanza errors in xmpp-ftw's shape
//! `{type, condition?, description?, by?, application?}` (`xmpp-ftw-api.md` §1).

use crate::proto::xml::Element;
use crate::value::Value;

/// RFC 6120 §8.3.3 namespace of the defined conditions.
pub const NS_STANZAS: &str = "urn:ietf:params:xml:ns:xmpp-stanzas";

/// Parses the `<error/>` child of an error stanza (or returns a bare `{type:"cancel"}` when
/// the server sent none).
pub fn parse(stanza: &Element) -> Value {
    let Some(err) = stanza.children().find(|c| c.name() == "error") else {
        return obj! { "type" => "cancel" };
    };
    let mut out = obj! { "type" => err.attr("type").unwrap_or("cancel") };
    let mut app: Option<Value> = None;
    for c in err.children() {
        if c.ns() == NS_STANZAS {
            if c.name() == "text" {
                out.set("description", c.text());
            } else if out.get("condition").is_none() {
                out.set("condition", c.name().to_ascii_lowercase());
            }
        } else if app.is_none() {
            let mut a = obj! { "condition" => c.name() };
            let ns = c.ns();
            if !ns.is_empty() {
                a.set("xmlns", ns);
            }
            let t = c.text();
            if !t.is_empty() {
                a.set("description", t);
            }
            app = Some(a);
        }
    }
    if let Some(by) = err.attr("by") {
        out.set("by", by);
    }
    if let Some(a) = app {
        out.set("application", a);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(s: &str) -> Element {
        s.parse().unwrap()
    }

    #[test]
    fn basic_extended_and_text_by() {
        let e = el(
            "<iq xmlns='jabber:client' type='error'><error type='cancel'>\
                    <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
        );
        assert_eq!(
            parse(&e),
            obj! {"type" => "cancel", "condition" => "item-not-found"}
        );
        let e = el(
            "<iq xmlns='jabber:client' type='error'><error type='modify' by='x@y'>\
                    <bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
                    <text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Bad</text>\
                    <too-many xmlns='urn:app'>n</too-many></error></iq>",
        );
        assert_eq!(
            parse(&e),
            obj! {"type" => "modify", "condition" => "bad-request", "description" => "Bad", "by" => "x@y",
            "application" => obj!{"condition" => "too-many", "xmlns" => "urn:app", "description" => "n"}}
        );
        assert_eq!(
            parse(&el("<iq xmlns='jabber:client' type='error'/>")),
            obj! {"type" => "cancel"}
        );
    }
}
