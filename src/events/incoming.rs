//! A received `<message/>`, read once: its body and each payload parsed with its
//! xmpp-parsers type (or this SDK's xso types for XEP-0461, XEP-0428, XEP-0424), and what the
//! application gets of it: `xmpp.chat.message`, `xmpp.chat.receipt`, or an action
//! (`docs/decisions.md` §4, §14).

use super::actions::{self, ReplyRef};
use super::chat::{state_name, Archived, ChatMessage, DelayInfo, Receipt};
use super::{file, xhtml};
use super::{jid_obj, jid_value, Jid};
use crate::stanza::inbound::{MessageIn, Payload};
use crate::stanza::{self, ns, Element};
use xmpp_parsers::chatstates::ChatState;
use xmpp_parsers::message::{Id, Message, MessageType};
use xmpp_parsers::reactions::Reactions;
use xmpp_parsers::stanza_error::StanzaError;
use xmpp_parsers::stanza_id::StanzaId;

/// What this SDK reads of a received `<message/>`: its payloads, each parsed with its
/// xmpp-parsers type (one pass; payloads that do not parse as their type are ignored).
#[derive(Default)]
pub struct Incoming {
    /// The message id.
    pub id: Option<String>,
    /// `type` is absent or `chat`.
    pub chat: bool,
    /// The `<body/>` text.
    pub body: Option<String>,
    /// XEP-0071 `<html/>`.
    pub html: Option<Element>,
    /// XEP-0085.
    pub state: Option<ChatState>,
    /// XEP-0184 request.
    pub receipt_request: bool,
    /// XEP-0184 `<received id/>`.
    pub received: Option<String>,
    /// XEP-0308 replaced id.
    pub replace: Option<String>,
    /// XEP-0203, as the application gets it.
    pub delay: Option<DelayInfo>,
    /// XEP-0359 stanza-ids.
    pub stanza_ids: Vec<StanzaId>,
    /// XEP-0359 origin-id.
    pub origin_id: Option<String>,
    /// The legacy `<archived by id/>` markers.
    pub archived: Vec<(String, String)>,
    /// XEP-0280 `received`/`sent` carbon, or XEP-0313 `<result/>`: the wrapper, unparsed.
    pub wrapper: Option<Element>,
    /// XEP-0461.
    pub reply: Option<stanza::Reply>,
    /// XEP-0428.
    pub fallbacks: Vec<stanza::Fallback>,
    /// XEP-0444.
    pub reactions: Option<Reactions>,
    /// XEP-0424: the retracted id.
    pub retract: Option<String>,
    /// XEP-0333: the id read.
    pub displayed: Option<String>,
    /// XEP-0333 `<markable/>`.
    pub markable: bool,
    /// XEP-0066 link with an `http(s):` URL.
    pub oob: Option<file::Link>,
    /// `type="error"`, with the error when it parses (RFC 6120 §8.3).
    pub error: Option<Option<StanzaError>>,
}

impl Incoming {
    /// Reads `m`'s body and payloads (the general path, and forwarded messages): each payload
    /// as `stanza::inbound` reads it with the frame; one that does not parse as its type is
    /// ignored.
    pub fn read(m: Message) -> Incoming {
        let mut v = Incoming::head(m.id, &m.type_, m.bodies.into_values().next());
        for p in m.payloads {
            if let Ok(p) = Payload::try_from(p) {
                v.read_payload(p);
            }
        }
        v
    }

    /// Reads a message whose payloads were read with it (`stanza::inbound`).
    pub fn read_typed(m: MessageIn) -> Incoming {
        let mut v = Incoming::head(m.id, &m.type_, m.bodies.into_values().next());
        for p in m.payloads {
            v.read_payload(p);
        }
        v
    }

    /// What every message has: id, type and body.
    fn head(id: Option<Id>, type_: &MessageType, body: Option<String>) -> Incoming {
        Incoming {
            id: id.map(|i| i.0),
            chat: matches!(type_, MessageType::Chat | MessageType::Normal),
            error: (*type_ == MessageType::Error).then_some(None),
            body,
            ..Incoming::default()
        }
    }

    /// One payload, in document order (a later one of a kind replaces an earlier one).
    fn read_payload(&mut self, p: Payload) {
        match p {
            Payload::State(s) => self.state = Some(s),
            Payload::Request(_) => self.receipt_request = true,
            Payload::Received(r) => self.received = Some(r.id),
            Payload::Replace(r) => self.replace = Some(r.id.0),
            Payload::Delay(d) => self.delay = Some(DelayInfo::from(d)),
            Payload::StanzaId(s) => self.stanza_ids.push(s),
            Payload::OriginId(o) => self.origin_id = Some(o.id),
            Payload::Reply(r) => self.reply = Some(r),
            Payload::Fallback(f) => self.fallbacks.push(f),
            Payload::Reactions(r) => self.reactions = Some(r),
            Payload::Retract(r) => self.retract = Some(r.id),
            Payload::Displayed(d) => self.displayed = Some(d.id.0),
            Payload::Oob(o) if self.oob.is_none() => self.oob = file::link(&o),
            Payload::Oob(_) => {}
            Payload::Other(p) => self.read_other(p),
        }
    }

    /// A payload of no common kind: XHTML-IM, archive markers, wrappers, a chat marker request
    /// and, in an error, the error.
    fn read_other(&mut self, p: Element) {
        if p.is("html", ns::XHTML_IM) {
            self.html = Some(p);
        } else if p.name() == "archived" {
            if let (Some(by), Some(id)) = (p.attr("by"), p.attr("id")) {
                self.archived.push((by.to_owned(), id.to_owned()));
            }
        } else if stanza::is_forwarding_wrapper(&p) {
            self.wrapper = Some(p);
        } else if p.is("markable", ns::DISPLAYED_MARKERS) {
            self.markable = true;
        } else if p.is("error", ns::DEFAULT_NS) && self.error.is_some() {
            self.error = Some(StanzaError::try_from(p).ok());
        }
    }

    /// `content` and `format`: the sanitised XHTML-IM markup when there is any, else the
    /// `<body/>` text, without the fallback quote of a reply (XEP-0461 §4); `None` without a
    /// `<body/>` (docs/xmpp-ftw-api.md §4).
    pub fn content(&self) -> Option<(String, &'static str)> {
        let body = self.body.as_ref()?;
        match self.html.as_ref().and_then(xhtml::sanitised_content) {
            Some(markup) => Some((markup, "xhtml")),
            None if self.reply.is_some() && !self.fallbacks.is_empty() => Some((
                stanza::Fallback::strip(body, &self.fallbacks, stanza::NS_REPLY),
                "plain",
            )),
            None => Some((body.clone(), "plain")),
        }
    }

    /// The XEP-0085 state's name.
    pub fn state_name(&self) -> Option<&'static str> {
        self.state.as_ref().map(state_name)
    }

    /// The receipt, as `xmpp.chat.receipt {from, id}` (any message type).
    pub fn receipt(&self, from: &Jid) -> Option<Receipt> {
        Some(Receipt {
            from: jid_obj(from),
            id: self.received.clone()?,
            carbon: None,
        })
    }

    /// The message as xmpp-ftw's `xmpp.chat.message` payload (`docs/xmpp-ftw-api.md` §4). `own`:
    /// the account's bare JID, whose XEP-0359 stanza-ids are trusted. `None` when the message
    /// carries neither content nor a chat state.
    pub fn payload(&self, from: &Jid, own: &Jid) -> Option<ChatMessage> {
        let content = self.content();
        if content.is_none() && self.state.is_none() {
            return None;
        }
        let (content, format) = content.map_or((None, None), |(c, f)| (Some(c), Some(f)));
        let archived = self.archived(own);
        Some(ChatMessage {
            from: jid_obj(from),
            content,
            format,
            delay: self.delay.clone(),
            state: self.state_name(),
            receipt: self.receipt_request.then_some(true),
            replace: self.replace.clone(),
            reply: self.reply_ref(),
            markable: self.markable.then_some(true),
            oob: self.oob.clone(),
            archived,
            id: self.id.clone(),
            ..ChatMessage::default()
        })
    }

    /// XEP-0461 `reply: {id, to?}` as the application gets it.
    pub fn reply_ref(&self) -> Option<ReplyRef> {
        self.reply.as_ref().map(|r| ReplyRef {
            id: r.id.clone(),
            to: r.to.as_ref().map(jid_obj),
        })
    }

    /// The action the message carries (`docs/decisions.md` §14), with its archive entries and
    /// delay as a message would have them.
    pub fn action(&self, from: &Jid, own: &Jid) -> Option<actions::ChatAction> {
        let mut a = self.action_of(from)?;
        a.delay = self.delay.clone();
        a.archived = self.archived(own);
        Some(a)
    }

    /// The action the message carries, as sent by `from` (no archive entries, no delay).
    pub fn action_of(&self, from: &Jid) -> Option<actions::ChatAction> {
        actions::incoming_action(
            self.retract.as_deref(),
            self.reactions.as_ref(),
            self.displayed.as_deref(),
            from,
        )
    }

    /// Where the account's archive keeps the message: the legacy `<archived/>` markers and
    /// the XEP-0359 stanza-ids `by` the account (§6: only the own archive is trusted). A server
    /// that writes both markers for one entry (ejabberd) gives it once.
    fn archived(&self, own: &Jid) -> Vec<Archived> {
        let mut archived: Vec<Archived> = self
            .archived
            .iter()
            .filter_map(|(by, id)| {
                Some(Archived {
                    by: jid_value(by)?,
                    id: id.clone(),
                })
            })
            .collect();
        for s in self.stanza_ids.iter().filter(|s| s.by == *own) {
            let entry = Archived {
                by: jid_obj(&s.by),
                id: s.id.clone(),
            };
            if !archived.contains(&entry) {
                archived.push(entry);
            }
        }
        archived
    }

    /// The id of the account's own archive entry (XEP-0359 stanza-id `by` the account).
    pub fn own_archive_id(&self, own: &Jid) -> Option<&str> {
        self.stanza_ids
            .iter()
            .find(|s| s.by == *own)
            .map(|s| s.id.as_str())
    }

    /// Reads it as the archive entry `id` of the account `own` (XEP-0313 §4.2), delivered
    /// at `delay` when it carries no time of its own.
    pub fn from_archive(&mut self, own: &Jid, id: String, delay: Option<DelayInfo>) {
        if self.own_archive_id(own).is_none() {
            self.stanza_ids.push(StanzaId {
                id,
                by: own.clone(),
            });
        }
        if self.delay.is_none() {
            self.delay = delay;
        }
    }

    /// The id used to recognise a repeated message: XEP-0359 origin-id, else the message id.
    pub fn dedup_id(&self) -> Option<&str> {
        self.origin_id.as_deref().or(self.id.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stanza::{direct, parse_frame, MAX_DEPTH};

    const OWN: &str = "a@x";

    /// What the application gets of a message, read either way.
    fn seen(inc: Incoming) -> impl std::fmt::Debug + PartialEq {
        let from = Jid::new("b@x/r").unwrap();
        let own = Jid::new(OWN).unwrap();
        (
            inc.payload(&from, &own),
            inc.action(&from, &own),
            inc.receipt(&from),
            inc.error.clone(),
            inc.dedup_id().map(str::to_owned),
            inc.own_archive_id(&own).map(str::to_owned),
            inc.chat,
            inc.wrapper,
        )
    }

    fn general(text: &str) -> Incoming {
        Incoming::read(Message::try_from(parse_frame(text, 1 << 20).unwrap()).unwrap())
    }

    fn msg(attrs: &str, inner: &str) -> String {
        format!("<message xmlns='jabber:client' from='b@x/r' to='a@x/s' id='m1'{attrs}>{inner}</message>")
    }

    /// The one-pass reading (`stanza::inbound`) gives what the general path gives, payload
    /// kind by payload kind, repeated ones and unknown ones included.
    #[test]
    fn one_pass_reads_what_the_general_path_reads() {
        let frames = [
            msg(" type='chat'", "<body xml:lang='en'>hi &amp; bye</body><request xmlns='urn:xmpp:receipts'/>"),
            msg("", "<body>plain</body><active xmlns='http://jabber.org/protocol/chatstates'/>"),
            msg(" type='chat'", "<composing xmlns='http://jabber.org/protocol/chatstates'/>"),
            msg(" type='chat'", "<received xmlns='urn:xmpp:receipts' id='s1'/>"),
            msg(" type='chat'", "<body>fixed</body><replace xmlns='urn:xmpp:message-correct:0' id='m0'/>"),
            msg(" type='chat'", "<body>late</body><delay xmlns='urn:xmpp:delay' from='x' stamp='2026-12-01T00:00:05.122999Z'>Offline</delay>"),
            msg(" type='chat'", "<body>two</body><delay xmlns='urn:xmpp:delay' stamp='2026-12-01T00:00:05Z'/><delay xmlns='urn:xmpp:delay' stamp='2026-12-02T00:00:05Z'/>"),
            msg(" type='chat'", "<body>ids</body><stanza-id xmlns='urn:xmpp:sid:0' by='a@x' id='s9'/><stanza-id xmlns='urn:xmpp:sid:0' by='c@x' id='s8'/><origin-id xmlns='urn:xmpp:sid:0' id='o1'/>"),
            msg(" type='chat'", "<body>&gt; q\nre</body><reply xmlns='urn:xmpp:reply:0' to='b@x' id='m0'/><fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'><body start='0' end='4'/></fallback>"),
            msg(" type='chat'", "<reactions xmlns='urn:xmpp:reactions:0' id='m0'><reaction>👍</reaction></reactions><store xmlns='urn:xmpp:hints'/>"),
            msg(" type='chat'", "<retract xmlns='urn:xmpp:message-retract:1' id='m0'/><body>retracted</body><fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'/>"),
            msg(" type='chat'", "<displayed xmlns='urn:xmpp:chat-markers:0' id='m0'/>"),
            msg(" type='chat'", "<body>look</body><markable xmlns='urn:xmpp:chat-markers:0'/><x xmlns='jabber:x:oob'><url>https://x/f.png</url></x><x xmlns='jabber:x:oob'><url>https://x/g.png</url></x>"),
            msg(" type='chat'", "<body>b</body><html xmlns='http://jabber.org/protocol/xhtml-im'><body xmlns='http://www.w3.org/1999/xhtml'><p>b</p></body></html>"),
            msg(" type='chat'", "<body>m</body><archived xmlns='urn:xmpp:mam:tmp' by='a@x' id='s7'/><unknown xmlns='urn:other'><deep/></unknown>"),
            msg(" type='error'", "<error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"),
            msg(" type='headline'", "<body>news</body>"),
            msg(" type='chat' xml:lang='de'", "<body>de</body><body xml:lang='en'>en</body>"),
            msg(" type='chat'", "<body xml:lang='fr'>fr</body><body>none</body><body>none2</body>"),
            msg(" type='chat'", "<subject>s</subject><thread>t</thread><body xml:lang='en'>en</body>"),
            "<message xmlns='jabber:client' from='a@x'><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='b@x/r' to='a@x/s' type='chat'><body>c</body></message></forwarded></received></message>".to_owned(),
        ];
        for text in &frames {
            let m = direct::read::<MessageIn>(text, MAX_DEPTH).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(seen(Incoming::read_typed(m)), seen(general(text)), "{text}");
        }
    }

    /// A typed payload that does not parse makes the one-pass read give up (the client then
    /// takes the general path, which ignores that payload): the message is not lost.
    #[test]
    fn a_payload_that_does_not_parse_takes_the_general_path() {
        for bad in [
            "<delay xmlns='urn:xmpp:delay' stamp='yesterday'/>",
            "<stanza-id xmlns='urn:xmpp:sid:0' id='s1'/>",
            "<unknown-state xmlns='http://jabber.org/protocol/chatstates'/>",
            "<reply xmlns='urn:xmpp:reply:0' to='not a jid@@' id='m0'/>",
        ] {
            let text = msg(" type='chat'", &format!("<body>kept</body>{bad}"));
            assert!(
                direct::read::<MessageIn>(&text, MAX_DEPTH).is_none(),
                "{bad}"
            );
            let inc = general(&text);
            assert_eq!(inc.body.as_deref(), Some("kept"), "{bad}");
        }
    }
}
