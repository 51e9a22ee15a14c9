//! What other people write, read as far as it can be (`docs/decisions.md` §13): a stanza
//! whose typed parser would reject it for a detail that the SDK can do without is mended
//! first, so that one odd value does not hide the whole message or presence.
//!
//! - RFC 6121 §5.2.2: a message `type` the client does not understand is read as `normal`.
//! - RFC 6121 §5.2.5: one `<thread/>`; further ones are dropped.
//! - RFC 6121 §4.7.2.1 and §4.7.2.3: a `<show/>` or `<priority/>` that is not one of the
//!   defined values is dropped (as if absent), and so are repeats.
//!
//! The same is done for the message a XEP-0313 result or a XEP-0280 carbon forwards.

use super::{ns, Element};

/// RFC 6121 §5.2.2.
const MESSAGE_TYPES: &[&str] = &["chat", "error", "groupchat", "headline", "normal"];
/// RFC 6121 §4.7.2.1.
const SHOWS: &[&str] = &["away", "chat", "dnd", "xa"];

/// Mends `el` (a stanza in `jabber:client`) in place; cheap when there is nothing to mend.
pub fn mend(el: &mut Element) {
    match el.name() {
        "message" => mend_message(el, true),
        "presence" => mend_presence(el),
        _ => {}
    }
}

fn mend_message(el: &mut Element, outer: bool) {
    if el.attr("type").is_some_and(|t| !MESSAGE_TYPES.contains(&t)) {
        el.set_attr(
            xmpp_parsers::minidom::rxml::Namespace::NONE,
            super::name("type"),
            "normal",
        );
    }
    keep_first(el, |c| c.is("thread", ns::DEFAULT_NS));
    if !outer {
        return;
    }
    for w in el
        .children_mut()
        .filter(|c| super::is_forwarding_wrapper(c))
    {
        mend_forwarded(w);
    }
}

/// Mends the message a XEP-0313 result or a XEP-0280 carbon (`w`) forwards.
pub fn mend_forwarded(w: &mut Element) {
    for fwd in w.children_mut().filter(|c| c.is("forwarded", ns::FORWARD)) {
        for inner in fwd
            .children_mut()
            .filter(|c| c.is("message", ns::DEFAULT_NS))
        {
            mend_message(inner, false);
        }
    }
}

fn mend_presence(el: &mut Element) {
    let bad_show = |c: &Element| c.is("show", ns::DEFAULT_NS) && !SHOWS.contains(&c.text().trim());
    let bad_priority =
        |c: &Element| c.is("priority", ns::DEFAULT_NS) && c.text().trim().parse::<i8>().is_err();
    if el.children().any(|c| bad_show(c) || bad_priority(c)) {
        retain_children(el, |c| !bad_show(c) && !bad_priority(c));
    }
    keep_first(el, |c| c.is("show", ns::DEFAULT_NS));
    keep_first(el, |c| c.is("priority", ns::DEFAULT_NS));
}

/// Drops every child matching `is` after the first one.
fn keep_first(el: &mut Element, is: impl Fn(&Element) -> bool) {
    if el.children().filter(|c| is(c)).nth(1).is_none() {
        return;
    }
    let mut seen = false;
    retain_children(el, |c| {
        let repeat = seen && is(c);
        seen |= is(c);
        !repeat
    });
}

/// Keeps the child elements for which `keep` holds, in order (text between them is whitespace
/// in a stanza's top level and is dropped with them).
fn retain_children(el: &mut Element, mut keep: impl FnMut(&Element) -> bool) {
    for node in el.take_nodes() {
        if let super::Node::Element(c) = node {
            if keep(&c) {
                el.append_child(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stanza::parse_frame;
    use xmpp_parsers::message::{Message, MessageType};
    use xmpp_parsers::presence::{Presence, Show};

    fn mended(s: &str) -> Element {
        let mut el = parse_frame(s, 1 << 20).unwrap();
        mend(&mut el);
        el
    }

    #[test]
    fn messages() {
        let m = Message::try_from(mended(
            "<message xmlns='jabber:client' from='b@x/r' type='bogus'><body>x</body><thread>1</thread><thread>2</thread></message>",
        ))
        .unwrap();
        assert_eq!(m.type_, MessageType::Normal);
        assert_eq!(m.thread.map(|t| t.id).as_deref(), Some("1"));
        assert_eq!(m.bodies.values().next().map(String::as_str), Some("x"));
        // inside a carbon
        let el = mended(
            "<message xmlns='jabber:client' from='a@x'><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>\
             <message xmlns='jabber:client' from='b@x/r' type='weird'><body>y</body><thread>1</thread><thread>2</thread></message></forwarded></received></message>",
        );
        let inner = el
            .get_child("received", ns::CARBONS)
            .and_then(|r| r.get_child("forwarded", ns::FORWARD))
            .and_then(|f| f.get_child("message", ns::DEFAULT_NS))
            .cloned()
            .unwrap();
        assert!(Message::try_from(inner).is_ok());
        // nothing to mend: untouched
        let src =
            "<message xmlns='jabber:client' type='chat'><body>z</body><thread>1</thread></message>";
        assert_eq!(mended(src), parse_frame(src, 1 << 20).unwrap());
    }

    #[test]
    fn presences() {
        let p = Presence::try_from(mended(
            "<presence xmlns='jabber:client' from='b@x/r'><show>sleeping</show><status>zzz</status><priority>abc</priority></presence>",
        ))
        .unwrap();
        assert_eq!(p.show, None);
        assert_eq!(p.statuses.values().next().map(String::as_str), Some("zzz"));
        let p = Presence::try_from(mended(
            "<presence xmlns='jabber:client' from='b@x/r'><show>dnd</show><show>away</show><priority>5</priority><priority>300</priority></presence>",
        ))
        .unwrap();
        assert_eq!(p.show, Some(Show::Dnd));
        assert_eq!(p.priority.0, 5);
    }
}
