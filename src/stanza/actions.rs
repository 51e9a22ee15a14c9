//! Message actions xmpp-parsers 0.23 has no types for, written as xso types in its style (they
//! could go upstream): XEP-0461 replies, XEP-0428 fallback indication, XEP-0424 retraction.
//! and the XEP-0334 `<store/>` hint. Reactions (XEP-0444), chat markers (XEP-0333) and
//! blocking (XEP-0191) are xmpp-parsers' own.

use jid::Jid;
use xso::{AsXml, FromXml};

/// XEP-0461 namespace.
pub const NS_REPLY: &str = "urn:xmpp:reply:0";
/// XEP-0428 namespace.
pub const NS_FALLBACK: &str = "urn:xmpp:fallback:0";
/// XEP-0424 (version 1) namespace.
pub const NS_RETRACT: &str = "urn:xmpp:message-retract:1";

/// XEP-0334 namespace.
pub const NS_HINTS: &str = "urn:xmpp:hints";

/// XEP-0334 §4.4: the archive keeps this message (an action without a body of its own).
#[derive(FromXml, AsXml, PartialEq, Debug, Clone)]
#[xml(namespace = NS_HINTS, name = "store")]
pub struct Store;

/// XEP-0461 §2: this message replies to the message `id` of `to`.
#[derive(FromXml, AsXml, PartialEq, Debug, Clone)]
#[xml(namespace = NS_REPLY, name = "reply")]
pub struct Reply {
    /// The author of the message replied to (full or bare JID).
    #[xml(attribute(default))]
    pub to: Option<Jid>,
    /// Its id (the origin-id or id it was received with, in a chat).
    #[xml(attribute)]
    pub id: String,
}

/// XEP-0428 §3: which part of the body is a fallback for clients without the feature `for`.
#[derive(FromXml, AsXml, PartialEq, Debug, Clone)]
#[xml(namespace = NS_FALLBACK, name = "fallback")]
pub struct Fallback {
    /// The feature's namespace.
    #[xml(attribute(name = "for"))]
    pub for_: String,
    /// The ranges of the body; none: the whole body.
    #[xml(child(n = ..))]
    pub bodies: Vec<FallbackBody>,
}

/// XEP-0428 §3: a range of the body, in Unicode code points (`end` excluded).
#[derive(FromXml, AsXml, PartialEq, Debug, Clone)]
#[xml(namespace = NS_FALLBACK, name = "body")]
pub struct FallbackBody {
    /// First code point of the fallback.
    #[xml(attribute(default))]
    pub start: Option<usize>,
    /// The code point after it.
    #[xml(attribute(default))]
    pub end: Option<usize>,
}

/// XEP-0424 §3: retracts the sender's own message `id`.
#[derive(FromXml, AsXml, PartialEq, Debug, Clone)]
#[xml(namespace = NS_RETRACT, name = "retract")]
pub struct Retract {
    /// The retracted message's origin-id (or id).
    #[xml(attribute)]
    pub id: String,
}

impl Fallback {
    /// The body without the ranges marked as fallback for `feature` (the whole body when the
    /// element names no range); the body as it is when a range does not fit it.
    pub fn strip(body: &str, fallbacks: &[Fallback], feature: &str) -> String {
        let chars: Vec<char> = body.chars().collect();
        let mut keep = vec![true; chars.len()];
        for f in fallbacks.iter().filter(|f| f.for_ == feature) {
            if f.bodies.is_empty() {
                return String::new();
            }
            for b in &f.bodies {
                let (start, end) = (b.start.unwrap_or(0), b.end.unwrap_or(chars.len()));
                if start > end || end > chars.len() {
                    return body.to_owned();
                }
                keep[start..end].iter_mut().for_each(|k| *k = false);
            }
        }
        chars
            .iter()
            .zip(keep)
            .filter_map(|(c, k)| k.then_some(*c))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stanza::{parse_frame, write, Element};

    fn el(s: &str) -> Element {
        parse_frame(s, 4096).unwrap()
    }

    #[test]
    fn parse_and_write() {
        let r = Reply::try_from(el(
            "<reply xmlns='urn:xmpp:reply:0' to='anna@example.com/laptop' id='message-id1'/>",
        ))
        .unwrap();
        assert_eq!(r.id, "message-id1");
        assert_eq!(
            r.to.map(|j| j.to_string()).as_deref(),
            Some("anna@example.com/laptop")
        );
        let back = el(&write(Reply {
            to: None,
            id: "x".into(),
        }));
        assert!(back.is("reply", NS_REPLY) && back.attr("to").is_none());
        let f = Fallback::try_from(el(
            "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'><body start='0' end='8'/></fallback>",
        ))
        .unwrap();
        assert_eq!(f.bodies[0].end, Some(8));
        let r =
            Retract::try_from(el("<retract xmlns='urn:xmpp:message-retract:1' id='o1'/>")).unwrap();
        assert_eq!(r.id, "o1");
    }

    #[test]
    fn strips_the_fallback_in_code_points() {
        let f = |start, end| Fallback {
            for_: NS_REPLY.into(),
            bodies: vec![FallbackBody { start, end }],
        };
        // "> Anna wrote:\n> ✓ hi\n" is 21 code points
        let body = "> Anna wrote:\n> ✓ hi\nyes";
        assert_eq!(
            Fallback::strip(body, &[f(Some(0), Some(21))], NS_REPLY),
            "yes"
        );
        // another feature's fallback is kept; a range past the end leaves the body as it is
        assert_eq!(
            Fallback::strip(body, &[f(Some(0), Some(21))], NS_RETRACT),
            body
        );
        assert_eq!(
            Fallback::strip(body, &[f(Some(0), Some(99))], NS_REPLY),
            body
        );
        let whole = Fallback {
            for_: NS_REPLY.into(),
            bodies: Vec::new(),
        };
        assert_eq!(Fallback::strip(body, &[whole], NS_REPLY), "");
    }
}
