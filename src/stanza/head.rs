//! RFC 6120 §8 and RFC 7395 §3.3.3: what can be read of a frame that did not parse, to tell a
//! stanza (written by someone else, relayed by the server: skipped, `docs/decisions.md` §13)
//! from an element of the server's own (a reason to end the stream).

use xmpp_parsers::minidom::rxml;

/// The kinds of stanza (RFC 6120 §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StanzaKind {
    /// `<message/>`
    Message,
    /// `<presence/>`
    Presence,
    /// `<iq/>`
    Iq,
}

/// What could be read of the root of a frame that did not parse: enough to count it as a
/// stanza (XEP-0198) and to answer an IQ request (RFC 6120 §8.2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StanzaHead {
    /// The stanza's kind.
    pub kind: StanzaKind,
    /// `type`, `id` and `from`, when the root's start tag could be read whole.
    pub attrs: Option<HeadAttrs>,
}

/// The attributes of a [`StanzaHead`] that the SDK uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeadAttrs {
    /// `type`
    pub type_: Option<String>,
    /// `id`
    pub id: Option<String>,
    /// `from`
    pub from: Option<String>,
}

/// Reads the root's start tag of a frame that could not be parsed. `Some` when the root is a
/// stanza (`message`, `presence`, `iq`), which someone other than the server wrote (RFC 6120
/// §8): such a frame is skipped, never a reason to end the stream.
pub fn stanza_head(text: &str) -> Option<StanzaHead> {
    let kind_of = |name: &str| match name {
        "message" => Some(StanzaKind::Message),
        "presence" => Some(StanzaKind::Presence),
        "iq" => Some(StanzaKind::Iq),
        _ => None,
    };
    let mut reader = rxml::RawReader::new(text.as_bytes());
    let mut kind = None;
    let mut attrs = HeadAttrs::default();
    loop {
        match reader.read() {
            Ok(Some(rxml::RawEvent::XmlDeclaration(..))) if kind.is_none() => {}
            Ok(Some(rxml::RawEvent::ElementHeadOpen(_, (_, name)))) if kind.is_none() => {
                kind = Some(kind_of(name.as_str())?);
            }
            Ok(Some(rxml::RawEvent::Attribute(_, (None, name), value))) if kind.is_some() => {
                match name.as_str() {
                    "type" => attrs.type_ = Some(value),
                    "id" => attrs.id = Some(value),
                    "from" => attrs.from = Some(value),
                    _ => {}
                }
            }
            Ok(Some(rxml::RawEvent::Attribute(..))) if kind.is_some() => {}
            Ok(Some(rxml::RawEvent::ElementHeadClose(_))) => {
                return kind.map(|kind| StanzaHead {
                    kind,
                    attrs: Some(attrs),
                });
            }
            Ok(_) if kind.is_none() => return None,
            Ok(_) => break,
            // The start tag itself is beyond reading (a name over the reader's limit, say):
            // the name alone tells a stanza.
            Err(_) if kind.is_none() => {
                let t = text.trim_start();
                let name_end = t
                    .char_indices()
                    .skip(1)
                    .find(|&(_, c)| {
                        // XML name characters, with every non-ASCII one taken for one (no
                        // Unicode tables for a fallback)
                        !(c.is_ascii_alphanumeric()
                            || !c.is_ascii()
                            || matches!(c, '-' | '_' | '.' | ':'))
                    })
                    .map_or(t.len(), |(i, _)| i);
                kind = Some(kind_of(t.get(1..name_end).filter(|_| t.starts_with('<'))?)?);
                break;
            }
            Err(_) => break,
        }
    }
    kind.map(|kind| StanzaHead { kind, attrs: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_of_a_stanza_that_cannot_be_parsed() {
        let h =
            stanza_head("<iq xmlns='jabber:client' type='get' id='q1' from='b@x/r'><x:y/></iq>")
                .unwrap();
        assert_eq!(h.kind, StanzaKind::Iq);
        let a = h.attrs.unwrap();
        assert_eq!(
            (a.type_.as_deref(), a.id.as_deref(), a.from.as_deref()),
            (Some("get"), Some("q1"), Some("b@x/r"))
        );
        let long = "a".repeat(10_000);
        let h = stanza_head(&format!("<message id='{long}'><body>x</body></message>")).unwrap();
        assert_eq!((h.kind, h.attrs), (StanzaKind::Message, None));
        let h = stanza_head(&format!("<presence{long}/>"));
        assert_eq!(h, None);
        let h = stanza_head(&format!("<presence \n{long}='1'/>")).unwrap();
        assert_eq!((h.kind, h.attrs), (StanzaKind::Presence, None));
        for not_a_stanza in [
            "<stream:features><x/",
            "<success xmlns='x'>",
            "",
            "garbage",
            "<messages/>",
        ] {
            assert_eq!(stanza_head(not_a_stanza), None, "{not_a_stanza}");
        }
    }
}
