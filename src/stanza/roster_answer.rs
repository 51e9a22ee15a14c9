//! The answer to a roster request read straight from the frame's text by xso (RFC 6121
//! §2.1.3), without building a minidom tree first: a roster of thousands of contacts is the
//! largest stanza a client reads, and the tree cost as much as the typed items.
//!
//! Only a `result` `<iq>` whose children are a roster `<query>` is read here; anything else
//! (another child, a DTD or processing instruction, which rxml refuses) fails, and the frame
//! takes the general path with its limits on depth and size (`super::parse_frame`).

use xmpp_parsers::roster::Roster;
use xso::FromXml;

/// `<iq type="result">` with the roster, or empty (RFC 6121 §2.6.3: nothing changed).
#[derive(FromXml, Debug)]
#[xml(
    namespace = "jabber:client",
    name = "iq",
    on_unknown_attribute = Discard,
    on_unknown_child = Fail
)]
pub struct RosterAnswer {
    /// The request's id.
    #[xml(attribute)]
    pub id: String,
    /// `result`.
    #[xml(attribute(name = "type"))]
    pub type_: String,
    /// Who answers (none: the account).
    #[xml(attribute(default))]
    pub from: Option<String>,
    /// The roster, if anything changed.
    #[xml(child(default))]
    pub query: Option<Roster>,
}

/// A read of the answer in slices (a roster of thousands of contacts), any depth: an item's
/// unknown children are dropped as they are read, without recursion.
pub type Reader = super::direct::Reader<RosterAnswer>;

/// Where a [`Reader`] is after a slice.
pub type Step = super::direct::Step<RosterAnswer>;

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` read at once as the answer to a roster request; `None` if it is anything else.
    fn read(text: &str) -> Option<RosterAnswer> {
        super::super::direct::read::<RosterAnswer>(text, usize::MAX).filter(|a| a.type_ == "result")
    }

    #[test]
    fn reads_the_answer_and_nothing_else() {
        let a = read("<iq xmlns='jabber:client' type='result' id='r1' to='a@b/c' xml:lang='en'><query xmlns='jabber:iq:roster' ver='v1'><item jid='bob@b' subscription='both'><group>G</group></item></query></iq>").unwrap();
        assert_eq!(a.id, "r1");
        let q = a.query.unwrap();
        assert_eq!(q.ver.as_deref(), Some("v1"));
        assert_eq!(q.items.len(), 1);
        assert!(read("<iq xmlns='jabber:client' type='result' id='r1'/>")
            .unwrap()
            .query
            .is_none());
        // not a result, another child, a processing instruction, a DTD: the general path
        assert!(read("<iq xmlns='jabber:client' type='error' id='r1'/>").is_none());
        assert!(
            read("<iq xmlns='jabber:client' type='result' id='r1'><x xmlns='y'/></iq>").is_none()
        );
        assert!(read("<?pi x?><iq xmlns='jabber:client' type='result' id='r1'/>").is_none());
        assert!(read("<!DOCTYPE iq><iq xmlns='jabber:client' type='result' id='r1'/>").is_none());
        // nesting deeper than the general path allows, inside an item: skipped without recursion
        let deep = format!(
            "<iq xmlns='jabber:client' type='result' id='r1'><query xmlns='jabber:iq:roster'>\
             <item jid='a@b'>{}{}</item></query></iq>",
            "<x xmlns='y'>".repeat(20_000),
            "</x>".repeat(20_000)
        );
        let a = read(&deep);
        assert_eq!(a.and_then(|a| a.query).map(|q| q.items.len()), Some(1));
        // XML 1.0 §3.1: an attribute given twice is not well-formed, here as on the general path
        assert!(read("<iq xmlns='jabber:client' type='result' id='r1' id='r2'/>").is_none());
        assert!(read("<iq xmlns='jabber:client' type='result' id='r1'><query xmlns='jabber:iq:roster'><item jid='a@b' jid='c@d'/></query></iq>").is_none());
        // inside an item, as on the general path (xmpp-parsers' types): unknown children dropped
        let a = read("<iq xmlns='jabber:client' type='result' id='r1'><query xmlns='jabber:iq:roster'><item jid='a@b'><x xmlns='y'/></item></query></iq>");
        assert_eq!(a.and_then(|a| a.query).map(|q| q.items.len()), Some(1));
    }

    #[test]
    fn slices_read_what_one_read_does() {
        let text = format!(
            "<iq xmlns='jabber:client' type='result' id='r1'><query xmlns='jabber:iq:roster' ver='v'>{}</query></iq>",
            (0..50)
                .map(|k| format!("<item jid='c{k}@b' name='C {k}'><group>G</group></item>"))
                .collect::<String>()
        );
        for budget in [1, 7, 100, 1000] {
            let mut reader = Reader::new(text.clone(), usize::MAX).unwrap();
            let mut steps = 0;
            let answer = loop {
                steps += 1;
                match reader.step(budget) {
                    Step::More(r) => reader = r,
                    Step::Done(a, t) => {
                        assert_eq!(t, text);
                        break a.unwrap();
                    }
                }
            };
            assert!(
                steps > text.len() / budget.max(80) / 2,
                "{budget}: {steps} steps"
            );
            let q = answer.query.unwrap();
            assert_eq!((q.items.len(), q.ver.as_deref()), (50, Some("v")));
            assert_eq!(q.items[49].name.as_deref(), Some("C 49"));
        }
        // cut short, or not well-formed half-way: the text comes back for the general path
        let bad = text.replace("<item jid='c30@b'", "<item jid='c30@b' jid='x@y'");
        let mut reader = Reader::new(bad.clone(), usize::MAX).unwrap();
        loop {
            match reader.step(100) {
                Step::More(r) => reader = r,
                Step::Done(a, t) => break assert!(a.is_none() && t == bad),
            }
        }
    }
}
