//! RFC 6120 §8.3 stanza errors in xmpp-ftw's shape
//! `{type, condition?, description?, by?, application?}` (`docs/xmpp-ftw-api.md` §1).

use crate::stanza::{ns, Element};
use crate::value::Value;
use xmpp_parsers::stanza_error::{DefinedCondition, ErrorType, StanzaError};

/// The kebab-case name of an RFC 6120 §8.3.3 condition (its element name).
pub fn condition_name(c: &DefinedCondition) -> String {
    crate::stanza::element_name(c.clone())
}

fn type_name(t: &ErrorType) -> &'static str {
    match t {
        ErrorType::Auth => "auth",
        ErrorType::Cancel => "cancel",
        ErrorType::Continue => "continue",
        ErrorType::Modify => "modify",
        ErrorType::Wait => "wait",
    }
}

/// An RFC 6120 §8.3 stanza error in xmpp-ftw's shape
/// `{type, condition, description?, by?, application?}`.
pub fn value(e: &StanzaError) -> Value {
    let mut out = obj! {
        "type" => type_name(&e.type_),
        "condition" => condition_name(&e.defined_condition),
    };
    if let Some(t) = e.texts.values().next() {
        out.set("description", t.as_str());
    }
    if let Some(by) = &e.by {
        out.set("by", by.to_string());
    }
    if let Some(c) = &e.other {
        let mut a = obj! { "condition" => c.name() };
        let ns = c.ns();
        if !ns.is_empty() {
            a.set("xmlns", ns);
        }
        let t = c.text();
        if !t.is_empty() {
            a.set("description", t);
        }
        out.set("application", a);
    }
    out
}

/// The error of an error stanza (`<iq/>`, `<message/>` or `<presence/>` of type `error`);
/// `{type:"cancel"}` when it carries none that parses.
pub fn parse(stanza: &Element) -> Value {
    stanza
        .get_child("error", ns::DEFAULT_NS)
        .and_then(|e| StanzaError::try_from(e.clone()).ok())
        .map_or_else(|| obj! { "type" => "cancel" }, |e| value(&e))
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
        assert_eq!(
            condition_name(&DefinedCondition::ServiceUnavailable),
            "service-unavailable"
        );
    }
}
