//! Typed stanzas read by xso straight from the frame's text, without a minidom tree and the
//! conversion from it (`TryFrom<Element>` replays the tree as events and builds every payload
//! again): the route of the stanzas that come in numbers, a roster's answer and messages.
//!
//! It keeps the general path's rules (`super::parse_frame`): restricted XML (rxml refuses a
//! DTD, a processing instruction, a repeated attribute), one element per frame with only
//! whitespace after it, names and values as long as the frame. It reads no deeper than it is
//! given; whatever it cannot read (too deep, not well-formed, not the type, a prefix bound
//! to the XML namespace that the general path repairs) is `None`, and the frame then takes
//! the general path, which applies its limits and decides.

use xmpp_parsers::minidom::rxml;
use xso::{FromEventsBuilder, FromXml};

/// The parser, with the general path's options.
fn parser(text: &str) -> rxml::Parser {
    use rxml::WithOptions;
    rxml::Parser::with_options(rxml::Options {
        max_token_length: text.len() + 1,
        ..rxml::Options::default()
    })
}

/// A read in progress: the parser, the builder of `T`, and how deep it is.
struct Progress<T: FromXml> {
    parser: rxml::Parser,
    builder: T::Builder,
    languages: rxml::xml_lang::XmlLangStack,
    depth: usize,
    max_depth: usize,
}

/// What one run of [`Progress::run`] came to.
enum Run<T> {
    /// Read: the value, or `None` (not `T`, or not within the rules).
    Done(Option<T>),
    /// Stopped on its budget with more to read.
    More,
}

impl<T: FromXml> Progress<T> {
    /// Reads up to `T`'s start and makes its builder; `None` if the text does not start with
    /// an element of `T`'s.
    fn start(text: &str, buf: &mut &[u8], max_depth: usize) -> Option<Progress<T>> {
        use rxml::Parse;
        let mut parser = parser(text);
        let (name, attrs) = loop {
            match parser.parse(buf, true) {
                Ok(Some(rxml::Event::XmlDeclaration(..))) => (),
                Ok(Some(rxml::Event::StartElement(_, name, attrs))) => break (name, attrs),
                _ => return None,
            }
        };
        let mut languages = rxml::xml_lang::XmlLangStack::new();
        languages.push_from_attrs(&attrs);
        let ctx = xso::Context::empty().with_language(languages.current());
        let builder = T::from_events(name, attrs, &ctx).ok()?;
        Some(Progress {
            parser,
            builder,
            languages,
            depth: 1,
            max_depth,
        })
    }

    /// Feeds the builder until `T` is read, or until no more than `stop` bytes are left.
    fn run(&mut self, buf: &mut &[u8], stop: usize) -> Run<T> {
        use rxml::Parse;
        loop {
            let ev = match self.parser.parse(buf, true) {
                Ok(Some(ev)) => ev,
                _ => return Run::Done(None),
            };
            match &ev {
                rxml::Event::StartElement(..) => {
                    self.depth += 1;
                    if self.depth > self.max_depth {
                        return Run::Done(None);
                    }
                }
                rxml::Event::EndElement(..) => self.depth -= 1,
                _ => {}
            }
            // xml:lang as xso's own reader tracks it (a body's language)
            self.languages.handle_event(&ev);
            let ctx = xso::Context::empty().with_language(self.languages.current());
            match self.builder.feed(ev, &ctx) {
                Ok(Some(v)) => {
                    // RFC 7395 §3.3.3: one element per message; only whitespace may follow.
                    let rest_blank = buf.iter().all(u8::is_ascii_whitespace);
                    return Run::Done(Some(v).filter(|_| rest_blank));
                }
                Ok(None) => (),
                Err(_) => return Run::Done(None),
            }
            if buf.len() <= stop {
                return Run::More;
            }
        }
    }
}

/// Reads `text` as a `T` at most `max_depth` levels deep (1: an element without children).
pub fn read<T: FromXml>(text: &str, max_depth: usize) -> Option<T> {
    let mut buf = text.as_bytes();
    let mut progress = Progress::<T>::start(text, &mut buf, max_depth)?;
    match progress.run(&mut buf, 0) {
        Run::Done(v) => v,
        Run::More => None,
    }
}

/// A read that can stop after a number of bytes and go on later, so that a large stanza is
/// read in slices, each a short task of its own. The parser is always given all the text
/// left, so no token is ever cut.
pub struct Reader<T: FromXml> {
    text: String,
    pos: usize,
    progress: Progress<T>,
}

/// Where a [`Reader`] is after a slice.
pub enum Step<T: FromXml> {
    /// Read to its end: the value, or `None` if the text is anything else; and the text.
    Done(Option<T>, String),
    /// More to read.
    More(Box<Reader<T>>),
}

impl<T: FromXml> std::fmt::Debug for Reader<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Reader({} of {} bytes)", self.pos, self.text.len())
    }
}

impl<T: FromXml> Reader<T> {
    /// Starts reading `text`: `None` unless it starts with an element of `T`'s.
    pub fn new(text: String, max_depth: usize) -> Option<Box<Reader<T>>> {
        let mut buf = text.as_bytes();
        let progress = Progress::start(&text, &mut buf, max_depth)?;
        let pos = text.len() - buf.len();
        Some(Box::new(Reader {
            text,
            pos,
            progress,
        }))
    }

    /// Reads on for at least `budget` bytes of the text (a whole event more at most).
    pub fn step(mut self: Box<Self>, budget: usize) -> Step<T> {
        let mut buf = &self.text.as_bytes()[self.pos..];
        let stop = buf.len().saturating_sub(budget);
        match self.progress.run(&mut buf, stop) {
            Run::Done(v) => Step::Done(v, self.text),
            Run::More => {
                self.pos = self.text.len() - buf.len();
                Step::More(self)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stanza::MessageIn;
    use crate::stanza::{parse_frame, MAX_DEPTH};
    use xmpp_parsers::message::Message;

    const M: &str = "<message xmlns='jabber:client' from='b@x/r' id='m1' type='chat'>";

    fn nested(levels: usize) -> String {
        // the message is level 1, the outer `<x>` level 2, then `levels - 2` more
        format!(
            "{M}<body>hi</body><x xmlns='y'>{}{}</x></message>",
            "<x>".repeat(levels - 2),
            "</x>".repeat(levels - 2)
        )
    }

    #[test]
    fn reads_what_the_general_path_reads() {
        let text = format!(
            "{M}<body xml:lang='en'>hi &amp; bye</body><request xmlns='urn:xmpp:receipts'/></message>"
        );
        let direct = read::<Message>(&text, MAX_DEPTH).unwrap();
        let general = Message::try_from(parse_frame(&text, 1 << 20).unwrap()).unwrap();
        assert_eq!(direct.bodies, general.bodies);
        assert_eq!(direct.id, general.id);
        assert_eq!(direct.payloads, general.payloads);
        assert_eq!(direct.bodies.values().next().unwrap(), "hi & bye");
    }

    #[test]
    fn keeps_the_general_paths_rules() {
        // depth: up to the limit it is read, one level more is left to the general path
        assert!(read::<MessageIn>(&nested(MAX_DEPTH), MAX_DEPTH).is_some());
        assert!(parse_frame(&nested(MAX_DEPTH), 1 << 20).is_ok());
        assert!(read::<MessageIn>(&nested(MAX_DEPTH + 1), MAX_DEPTH).is_none());
        assert!(parse_frame(&nested(MAX_DEPTH + 1), 1 << 20).is_err());
        // 20,000 levels: refused as soon as the limit is passed, nothing built that deep
        assert!(read::<MessageIn>(&nested(20_000), MAX_DEPTH).is_none());
        // restricted XML (RFC 6120 §11.1): no DTD, no processing instruction, no comment
        let body = format!("{M}<body>hi</body></message>");
        assert!(read::<MessageIn>(&body, MAX_DEPTH).is_some());
        for bad in [
            format!("<!DOCTYPE message>{body}"),
            format!("<?pi x?>{body}"),
            format!("{M}<!-- c --><body>hi</body></message>"),
            // XML 1.0 §3.1: an attribute given twice
            body.replace("id='m1'", "id='m1' id='m2'"),
            // RFC 7395 §3.3.3: one element per frame
            format!("{body}{body}"),
            format!("{body}text"),
            // not well-formed, cut short
            body.replace("</message>", ""),
            // a prefix bound to the XML namespace (the general path repairs it)
            body.replace(
                "<body>",
                "<body xmlns:ns1='http://www.w3.org/XML/1998/namespace' ns1:foo='1'>",
            ),
        ] {
            assert!(read::<MessageIn>(&bad, MAX_DEPTH).is_none(), "{bad}");
        }
        // whitespace after the element is allowed
        assert!(read::<MessageIn>(&format!("{body} \n"), MAX_DEPTH).is_some());
        // a name or value longer than rxml's default token limit (8 KiB), as on the general path
        let long = format!("{M}<body>{}</body></message>", "x".repeat(20_000));
        assert!(read::<MessageIn>(&long, MAX_DEPTH).is_some());
    }
}
