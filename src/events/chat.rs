//! One-to-one chat (`docs/xmpp-ftw-api.md` §4–§6, `docs/decisions.md` §4):
//! `xmpp.chat.message` and `xmpp.chat.receipt`, with XEP-0085 chat states, XEP-0184 receipts,
//! XEP-0308 corrections, XEP-0071 XHTML-IM, XEP-0203 delay, XEP-0359 stanza and origin ids,
//! and the legacy `<archived/>` marker. Stanzas are xmpp-parsers' `Message` and payload types.

use super::actions::{self, ReplyRef};
use super::command;
use super::error::{ClientError, Echo};
use super::incoming::Incoming;
use super::{parse_jid, Jid, JidObj};
use crate::stanza::{self, ns, Element};
use serde::Serialize;
use xmpp_parsers::chatstates::ChatState;
use xmpp_parsers::displayed_markers::Markable;
use xmpp_parsers::message::{Id, Lang, Message, MessageType};
use xmpp_parsers::message_correct::Replace;
use xmpp_parsers::receipts::{Received, Request};
use xmpp_parsers::stanza_id::OriginId;

/// Sends and receives chat messages.
pub const MESSAGE: &str = "xmpp.chat.message";
/// XEP-0184 delivery receipts.
pub const RECEIPT: &str = "xmpp.chat.receipt";
/// The server acknowledged one of the application's messages (XEP-0198 §4): `{id}`.
pub const SENT: &str = "xmpp.chat.sent";
/// The application's messages not acknowledged by the server yet (`docs/decisions.md` §10).
pub const PENDING: &str = "xmpp.chat.pending";

/// `xmpp.chat.message`, received (`docs/xmpp-ftw-api.md` §4, `docs/decisions.md` §4).
#[cfg_attr(
    test,
    derive(ts_rs::TS),
    ts(optional_fields, rename = "ChatMessageReceived")
)]
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ChatMessage {
    /// The sender.
    pub from: JidObj,
    /// The recipient, on the carbon of a message another resource sent (XEP-0280 §7).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<JidObj>,
    /// The text, or the sanitised XHTML-IM markup.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// `plain` or `xhtml`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional, type = "\"plain\" | \"xhtml\""))]
    pub format: Option<&'static str>,
    /// XEP-0203.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay: Option<DelayInfo>,
    /// XEP-0085.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional, type = "ChatState"))]
    pub state: Option<&'static str>,
    /// XEP-0184: the sender asks for a receipt (only ever `true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional, type = "true"))]
    pub receipt: Option<bool>,
    /// XEP-0308: the id of the message this one corrects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replace: Option<String>,
    /// XEP-0461: the message this one replies to (`content` is without its fallback quote).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<ReplyRef>,
    /// XEP-0333: the sender wants to know when it is read (only ever `true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional, type = "true"))]
    pub markable: Option<bool>,
    /// XEP-0066: a file or link sent with the message (`http(s):` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oob: Option<super::file::Link>,
    /// Where the account's archive keeps it (XEP-0359 stanza-id, legacy `<archived/>`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(test, ts(as = "Option<Vec<Archived>>"))]
    pub archived: Vec<Archived>,
    /// The message id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// XEP-0280: `received` or `sent`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional, type = "\"received\" | \"sent\""))]
    pub carbon: Option<&'static str>,
}

/// An archive entry of a message: `{by, id}`.
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "ArchiveEntry"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Archived {
    /// The archive.
    pub by: JidObj,
    /// The entry's id.
    pub id: String,
}

/// `xmpp.chat.receipt {from, id, carbon?}` (XEP-0184 §5).
#[cfg_attr(
    test,
    derive(ts_rs::TS),
    ts(optional_fields, rename = "ReceiptReceived")
)]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Receipt {
    /// Who received the message.
    pub from: JidObj,
    /// The id of the message received.
    pub id: String,
    /// XEP-0280: `received` or `sent`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional, type = "\"received\" | \"sent\""))]
    pub carbon: Option<&'static str>,
}

/// `xmpp.chat.sent {id}`: the server acknowledged one of the application's messages.
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "SentMessage"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sent {
    /// The message's id.
    pub id: String,
}

/// One message of `xmpp.chat.pending`, as the application sent it.
#[cfg_attr(
    test,
    derive(ts_rs::TS),
    ts(optional_fields, rename = "PendingMessage")
)]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PendingMessage {
    /// The message id.
    pub id: String,
    /// The recipient.
    pub to: String,
    /// The text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// XEP-0085.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional, type = "ChatState"))]
    pub state: Option<&'static str>,
    /// XEP-0308.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replace: Option<String>,
    /// XEP-0184 asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt: Option<bool>,
}

/// One message of `xmpp.chat.pending`: `{id, to, content?, state?, replace?, receipt?}` read
/// back from the kept stanza, as the application sent it.
pub fn pending_payload(frame: &str) -> Option<PendingMessage> {
    let m = Message::try_from(stanza::parse_frame(frame, usize::MAX).ok()?).ok()?;
    let to = m.to.as_ref()?.to_string();
    let inc = Incoming::read(m);
    Some(PendingMessage {
        id: inc.id.clone()?,
        to,
        content: inc.body.clone(),
        state: inc.state.as_ref().map(state_name),
        replace: inc.replace.clone(),
        receipt: inc.receipt_request.then_some(true),
    })
}

/// XEP-0085 §5: the only chat states.
pub const STATES: &[&str] = &["active", "composing", "paused", "inactive", "gone"];

fn chat_state(name: &str) -> Option<ChatState> {
    Some(match name {
        "active" => ChatState::Active,
        "composing" => ChatState::Composing,
        "paused" => ChatState::Paused,
        "inactive" => ChatState::Inactive,
        "gone" => ChatState::Gone,
        _ => return None,
    })
}

pub(crate) fn state_name(s: &ChatState) -> &'static str {
    match s {
        ChatState::Active => "active",
        ChatState::Composing => "composing",
        ChatState::Paused => "paused",
        ChatState::Inactive => "inactive",
        ChatState::Gone => "gone",
    }
}

/// A validated outgoing chat message, ready to be sent with an id.
pub struct Outgoing {
    to: Jid,
    content: Option<String>,
    /// The XHTML-IM `<body/>` (XHTML namespace) holding the caller's markup.
    xhtml: Option<Element>,
    state: Option<ChatState>,
    receipt: bool,
    replace: Option<String>,
    /// XEP-0461: the id and author of the message replied to.
    reply: Option<(String, Jid)>,
    /// XEP-0428: the quote sent as fallback for clients without replies.
    quote: Option<String>,
    /// XEP-0066: the link of an uploaded file.
    oob: Option<xmpp_parsers::oob::Oob>,
}

impl Outgoing {
    /// The message carrying an uploaded file (`docs/decisions.md` §12): the download URL as
    /// the body and as a XEP-0066 link, with its description.
    pub fn file(f: &super::file::FileOut, url: &str) -> Outgoing {
        Outgoing {
            to: f.to.clone(),
            content: Some(url.to_owned()),
            xhtml: None,
            state: None,
            receipt: f.receipt,
            replace: None,
            reply: None,
            quote: None,
            oob: Some(xmpp_parsers::oob::Oob {
                url: url.to_owned(),
                desc: f.desc.clone(),
            }),
        }
    }
}

impl Outgoing {
    /// The stanza, with `id` as both the message id and the XEP-0359 origin-id. Payloads in
    /// xmpp-ftw's order: html, replace, state, request; then the XEP-0461 reply with its
    /// XEP-0428 fallback, the XEP-0333 `<markable/>` of a message with content, origin-id.
    pub fn stanza(&self, id: &str) -> Message {
        let mut m = Message::chat(Some(self.to.clone()));
        m.id = Some(Id(id.to_owned()));
        let mut fallback = None;
        if let Some(c) = &self.content {
            let text = match &self.xhtml {
                Some(x) => stanza::all_text(x),
                None => c.clone(),
            };
            let body = match (&self.reply, &self.quote) {
                (Some(_), Some(q)) => {
                    let (lines, end) = actions::quoted(q);
                    fallback = Some(stanza::Fallback {
                        for_: stanza::NS_REPLY.to_owned(),
                        bodies: vec![stanza::FallbackBody {
                            start: Some(0),
                            end: Some(end),
                        }],
                    });
                    lines + &text
                }
                _ => text,
            };
            m = m.with_body(Lang::new(), body);
        }
        if let Some(o) = &self.oob {
            // built with minidom: xmpp-parsers' `Oob` serialiser is 2 KB of wasm for two
            // text children (its parser reads incoming links)
            let text = |name: &str, t: &str| Element::builder(name, ns::OOB).append(t).build();
            let x = Element::builder("x", ns::OOB)
                .append(text("url", &o.url))
                .append_all(o.desc.as_deref().map(|d| text("desc", d)));
            m.payloads.push(x.build());
        }
        if let Some(x) = &self.xhtml {
            m.payloads.push(
                Element::builder("html", ns::XHTML_IM)
                    .append(x.clone())
                    .build(),
            );
        }
        if let Some(r) = &self.replace {
            m = m.with_payload(Replace { id: Id(r.clone()) });
        }
        if let Some(s) = &self.state {
            m = m.with_payload(s.clone());
        }
        if self.receipt {
            m = m.with_payload(Request);
        }
        if let Some((reply_id, to)) = &self.reply {
            m.payloads.push(
                stanza::Reply {
                    to: Some(to.clone()),
                    id: reply_id.clone(),
                }
                .into(),
            );
            m.payloads.extend(fallback.map(Element::from));
        }
        if self.content.is_some() {
            m = m.with_payload(Markable);
        }
        m.with_payload(OriginId { id: id.to_owned() })
    }
}

/// Validates `xmpp.chat.message` (`docs/xmpp-ftw-api.md` §4, in xmpp-ftw's order). `has_callback`:
/// a function callback or a promise. Errors are client errors echoing the payload.
pub fn validate(p: command::Message, has_callback: bool) -> Result<Outgoing, ClientError> {
    if p.to.is_absent() {
        return Err(ClientError::missing("to"));
    }
    if !p.replace.is_absent() && p.content.is_absent() {
        return Err(ClientError::missing("content"));
    }
    let err = |e: ClientError| e.echo(Echo::AsChat);
    if p.content.is_absent() && p.state.is_absent() {
        return Err(err(ClientError::new(
            "Message content or chat state not provided",
        )));
    }
    let to =
        p.to.given()
            .and_then(|t| parse_jid(t))
            .ok_or_else(|| err(ClientError::invalid("to")))?;
    let content = p
        .content
        .read()
        .map_err(|_| err(ClientError::invalid("content")))?;
    let state = match p
        .state
        .read()
        .map_err(|_| err(ClientError::invalid("state")))?
    {
        None => None,
        Some(s) => Some(
            chat_state(s.as_str()).ok_or_else(|| err(ClientError::new("Invalid 'state' value")))?,
        ),
    };
    let replace = p
        .replace
        .read()
        .map_err(|_| err(ClientError::invalid("replace")))?;
    let xhtml = match (&content, p.format.given().map(String::as_str)) {
        (Some(c), Some("xhtml")) => {
            // The markup is read inside an XHTML `<body/>` (XEP-0071 §7), with the same
            // restricted-XML parser and limits as incoming frames.
            let wrapped = format!("<body xmlns='{}'>{c}</body>", ns::XHTML);
            Some(
                stanza::parse_frame(&wrapped, 1 << 20)
                    .map_err(|_| err(ClientError::new("Can not parse XHTML message")))?,
            )
        }
        _ => None,
    };
    let receipt = p.receipt.truthy();
    if receipt && !has_callback {
        return Err(err(ClientError::new("Callback required")));
    }
    let reply = actions::reply_target(p.reply, &to).map_err(err)?;
    let quote = p
        .quote
        .read()
        .map_err(|_| err(ClientError::invalid("quote")))?;
    Ok(Outgoing {
        to,
        content,
        xhtml,
        state,
        receipt,
        replace,
        reply,
        quote,
        oob: None,
    })
}

/// Builds `xmpp.chat.receipt` `{to, id}` → `<message id to><received id/></message>`
/// (XEP-0184 §5.1). `id` is the stanza's own id.
pub fn receipt_stanza(p: command::Receipt, id: &str) -> Result<Message, ClientError> {
    if p.to.is_absent() {
        return Err(ClientError::missing("to"));
    }
    if p.id.is_absent() {
        return Err(ClientError::missing("id"));
    }
    let to =
        p.to.given()
            .and_then(|t| parse_jid(t))
            .ok_or_else(|| ClientError::invalid("to"))?;
    let acked =
        p.id.read()
            .ok()
            .flatten()
            .ok_or_else(|| ClientError::invalid("id"))?;
    let mut m = Message::new_with_type(MessageType::Normal, Some(to));
    m.id = Some(Id(id.to_owned()));
    Ok(m.with_payload(Received { id: acked }))
}

/// XEP-0203 `<delay/>`, read: the application gets it as `{when, from?, reason?}`.
///
/// `when` is the `stamp` exactly as the server wrote it, once xmpp-parsers has checked that it
/// is an XEP-0082 DateTime (xmpp-ftw passes the attribute through). Re-formatting it would make
/// the width of the fraction vary with its value (`…05.1Z`, `…05.123456Z`), and the strings
/// of one server would no longer sort in time order; as written they do, and they go back to
/// the server unchanged as MAM `start`/`end` (`docs/decisions.md` §5).
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "Delay"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DelayInfo {
    /// The stamp as written.
    pub when: String,
    /// Who delayed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Why (the element's text), when not empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl DelayInfo {
    /// Reads a `<delay/>`; `None` when it does not parse.
    pub fn read(el: Element) -> Option<DelayInfo> {
        stanza::inbound::Delay::try_from(el)
            .ok()
            .map(DelayInfo::from)
    }
}

impl From<stanza::inbound::Delay> for DelayInfo {
    fn from(d: stanza::inbound::Delay) -> DelayInfo {
        DelayInfo {
            when: d.stamp.0,
            from: d.from.as_ref().map(|f| f.to_string()),
            reason: d.data.filter(|r| !r.is_empty()),
        }
    }
}

/// Checks an XEP-0082 DateTime given by the application (MAM `start`/`end`).
pub fn is_datetime(s: &str) -> bool {
    s.parse::<xmpp_parsers::date::DateTime>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incoming(s: &str) -> Incoming {
        Incoming::read(Message::try_from(stanza::parse_frame(s, 1 << 20).unwrap()).unwrap())
    }

    /// ejabberd writes six fraction digits; one in a thousand stamps ends in `000`. As written,
    /// the stamps of one server sort in time order (a re-formatted `…05.123Z` sorted after
    /// `…05.123456Z`, and MAM history came out of order).
    #[test]
    fn delay_when_is_the_stamp_as_written() {
        let when = |stamp: &str| {
            let el = stanza::parse_frame(
                &format!("<delay xmlns='urn:xmpp:delay' stamp='{stamp}'/>"),
                1024,
            )
            .unwrap();
            DelayInfo::read(el).map(|d| Some(d.when))
        };
        let stamps = [
            "2026-12-01T00:00:05.122999Z",
            "2026-12-01T00:00:05.123000Z",
            "2026-12-01T00:00:05.123001Z",
        ];
        for s in stamps {
            assert_eq!(when(s), Some(Some(s.to_owned())));
        }
        assert_eq!(
            when("2026-12-01T01:00:05+01:00"),
            Some(Some("2026-12-01T01:00:05+01:00".into()))
        );
        // Not an XEP-0082 DateTime: no delay at all.
        assert_eq!(when("yesterday"), None);
    }

    #[test]
    fn reads_every_payload_in_one_pass() {
        let m = incoming(
            "<message xmlns='jabber:client' from='bob@b.org/x' id='m1' type='chat'>\
             <body>hi</body><composing xmlns='http://jabber.org/protocol/chatstates'/>\
             <request xmlns='urn:xmpp:receipts'/><replace xmlns='urn:xmpp:message-correct:0' id='m0'/>\
             <delay xmlns='urn:xmpp:delay' stamp='2026-11-25T10:00:00Z' from='b.org'>Offline</delay>\
             <stanza-id xmlns='urn:xmpp:sid:0' by='alice@a.org' id='s1'/>\
             <stanza-id xmlns='urn:xmpp:sid:0' by='mallory@m.org' id='s2'/>\
             <origin-id xmlns='urn:xmpp:sid:0' id='o1'/></message>",
        );
        let from = Jid::new("bob@b.org/x").unwrap();
        let own = Jid::new("Alice@A.org").unwrap();
        let v = serde_json::to_value(m.payload(&from, &own).unwrap()).unwrap();
        assert_eq!(v["content"], "hi");
        assert_eq!(v["state"], "composing");
        assert_eq!(v["replace"], "m0");
        assert_eq!(v["delay"]["when"], "2026-11-25T10:00:00Z");
        assert_eq!(
            v["archived"],
            serde_json::json!([{"by": {"domain": "a.org", "user": "alice"}, "id": "s1"}])
        );
        assert_eq!(m.dedup_id(), Some("o1"));
    }

    #[test]
    fn one_archive_entry_marked_twice_is_given_once() {
        let m = incoming(
            "<message xmlns='jabber:client' from='bob@b.org/x' id='m1' type='chat'><body>hi</body>\
             <archived xmlns='urn:xmpp:mam:tmp' by='alice@a.org' id='1'/>\
             <stanza-id xmlns='urn:xmpp:sid:0' by='alice@a.org' id='1'/></message>",
        );
        let v = m
            .payload(
                &Jid::new("bob@b.org/x").unwrap(),
                &Jid::new("alice@a.org").unwrap(),
            )
            .unwrap();
        assert_eq!(
            serde_json::to_value(v).unwrap()["archived"],
            serde_json::json!([{"by": {"domain": "a.org", "user": "alice"}, "id": "1"}])
        );
    }

    #[test]
    fn outgoing_is_xmpp_parsers_message() {
        let msg = |s: &str| -> command::Message { serde_json::from_str(s).unwrap() };
        let out = validate(
            msg(r#"{"to": "Bob@B.org", "content": "<p>a <em>b</em></p>", "format": "xhtml", "state": "active"}"#),
            false,
        )
        .unwrap();
        let el: Element = out.stanza("id1").into();
        let back = incoming(&stanza::write(el));
        assert_eq!(back.body.as_deref(), Some("a b"));
        assert_eq!(
            back.content().map(|c| c.0).as_deref(),
            Some("<p>a <em>b</em></p>")
        );
        assert_eq!(back.origin_id.as_deref(), Some("id1"));
        let bad = validate(
            msg(r#"{"to": "b@b.org", "content": "<p>", "format": "xhtml"}"#),
            false,
        );
        assert_eq!(
            bad.err().map(|e| e.to_string()).as_deref(),
            Some("Can not parse XHTML message")
        );
    }
}
