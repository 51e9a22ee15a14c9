//! One-to-one chat (`xmpp-ftw-api.md` §4–§6, `api-decisions.md` §4):
//! `xmpp.chat.message` and `xmpp.chat.receipt`, with XEP-0085 chat states, XEP-0184 receipts,
//! XEP-0308 corrections, XEP-0071 XHTML-IM, XEP-0203 delay, XEP-0359 stanza and origin ids,
//! and the legacy `<archived/>` marker.

use super::xhtml::{self, NS_XHTML, NS_XHTML_IM};
use super::{client_error, jid_obj, jid_value, parse_jid};
use crate::jid::Jid;
use crate::proto::xml::{El, Element, Node};
use crate::value::Value;

/// Sends and receives chat messages.
pub const MESSAGE: &str = "xmpp.chat.message";
/// XEP-0184 delivery receipts.
pub const RECEIPT: &str = "xmpp.chat.receipt";

const NS_CLIENT: &str = "jabber:client";
/// XEP-0085 v2.1.
pub const NS_CHATSTATES: &str = "http://jabber.org/protocol/chatstates";
/// XEP-0184 v1.4.
pub const NS_RECEIPTS: &str = "urn:xmpp:receipts";
/// XEP-0308 v1.2.
pub const NS_CORRECT: &str = "urn:xmpp:message-correct:0";
/// XEP-0203 v2.0.
pub const NS_DELAY: &str = "urn:xmpp:delay";
/// XEP-0359 v0.7.
pub const NS_SID: &str = "urn:xmpp:sid:0";

/// XEP-0085 §5: the only chat states.
pub const STATES: &[&str] = &["active", "composing", "paused", "inactive", "gone"];

/// A validated outgoing chat message, ready to be sent with an id.
pub struct Outgoing {
    to: String,
    content: Option<String>,
    xhtml: Option<Element>,
    state: Option<String>,
    receipt: bool,
    replace: Option<String>,
}

impl Outgoing {
    /// The stanza, with `id` as both the message id and the XEP-0359 origin-id. Children in
    /// xmpp-ftw's order: body, html, replace, state, request; then origin-id.
    pub fn stanza(&self, id: &str) -> El {
        let mut m = El::new("message", NS_CLIENT)
            .attr("to", self.to.as_str())
            .attr("type", "chat")
            .attr("id", id);
        if let Some(c) = &self.content {
            let body = match &self.xhtml {
                Some(x) => all_text(x),
                None => c.clone(),
            };
            m = m.child(El::leaf("body", body));
        }
        if let Some(x) = &self.xhtml {
            m = m.child(
                El::new("html", NS_XHTML_IM)
                    .child(El::new("body", NS_XHTML).child(El::from_element(x, ""))),
            );
        }
        if let Some(r) = &self.replace {
            m = m.child(El::new("replace", NS_CORRECT).attr("id", r.as_str()));
        }
        if let Some(s) = &self.state {
            m = m.child(El::new(s, NS_CHATSTATES));
        }
        if self.receipt {
            m = m.child(El::new("request", NS_RECEIPTS));
        }
        m.child(El::new("origin-id", NS_SID).attr("id", id))
    }
}

/// All text under `el`: the XHTML content with its tags stripped, for `<body/>`.
fn all_text(el: &Element) -> String {
    let mut out = String::new();
    collect_text(el, &mut out);
    out
}

fn collect_text(el: &Element, out: &mut String) {
    // The parser bounds nesting (xml::MAX_DEPTH), so recursion depth is bounded too.
    for n in el.nodes() {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Element(c) => collect_text(c, out),
        }
    }
}

/// Validates `xmpp.chat.message` (`xmpp-ftw-api.md` §4, in xmpp-ftw's order). `has_callback`:
/// a function callback or a promise. Errors are client errors echoing the payload.
pub fn validate(payload: &Value, has_callback: bool) -> Result<Outgoing, Value> {
    let Some(to) = payload.get("to") else {
        return Err(client_error("Missing 'to' key", payload.clone()));
    };
    if payload.get("replace").is_some() && payload.get("content").is_none() {
        return Err(client_error("Missing 'content' key", payload.clone()));
    }
    let mut echo = payload.clone();
    echo.set("type", "chat");
    let err = |d: &str| client_error(d, echo.clone());
    if payload.get("content").is_none() && payload.get("state").is_none() {
        return Err(err("Message content or chat state not provided"));
    }
    let to = to
        .as_str()
        .and_then(parse_jid)
        .ok_or_else(|| err("Invalid 'to' key"))?;
    let opt_str = |key: &str| -> Result<Option<String>, Value> {
        match payload.get(key) {
            None => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s.clone())),
            Some(_) => Err(err(&format!("Invalid '{key}' key"))),
        }
    };
    let content = opt_str("content")?;
    let state = opt_str("state")?;
    if let Some(s) = &state {
        if !STATES.contains(&s.as_str()) {
            return Err(err("Invalid 'state' value"));
        }
    }
    let replace = opt_str("replace")?;
    let xhtml = match (&content, payload.get_str("format")) {
        (Some(c), Some("xhtml")) => Some(
            c.parse::<Element>()
                .map_err(|_| err("Can not parse XHTML message"))?,
        ),
        _ => None,
    };
    let receipt = payload.get("receipt").is_some_and(Value::truthy);
    if receipt && !has_callback {
        return Err(err("Callback required"));
    }
    Ok(Outgoing {
        to: to.to_string(),
        content,
        xhtml,
        state,
        receipt,
        replace,
    })
}

/// Builds `xmpp.chat.receipt` `{to, id}` → `<message id to><received id/></message>`
/// (XEP-0184 §5.1). `id` is the stanza's own id.
pub fn receipt_stanza(payload: &Value, id: &str) -> Result<El, Value> {
    let Some(to) = payload.get("to") else {
        return Err(client_error("Missing 'to' key", payload.clone()));
    };
    let Some(acked) = payload.get("id") else {
        return Err(client_error("Missing 'id' key", payload.clone()));
    };
    let to = to
        .as_str()
        .and_then(parse_jid)
        .ok_or_else(|| client_error("Invalid 'to' key", payload.clone()))?;
    let acked = acked
        .as_str()
        .ok_or_else(|| client_error("Invalid 'id' key", payload.clone()))?;
    Ok(El::new("message", NS_CLIENT)
        .attr("id", id)
        .attr("to", to.to_string())
        .child(El::new("received", NS_RECEIPTS).attr("id", acked)))
}

/// XEP-0203 `<delay/>` → `{when, from?, reason?}`.
pub fn parse_delay(parent: &Element) -> Option<Value> {
    let d = parent.get_child("delay", NS_DELAY)?;
    let when = d.attr("stamp").filter(|s| looks_like_datetime(s))?;
    let reason = d.text();
    Some(
        obj! { "when" => when }
            .with_opt("from", d.attr("from"))
            .with_opt("reason", (!reason.is_empty()).then_some(reason)),
    )
}

/// XEP-0082 DateTime shape (`CCYY-MM-DDThh:mm:ss[.sss]TZD`), checked loosely so that the
/// application can hand it to `new Date()`.
pub fn looks_like_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 20
        && b.len() <= 40
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && s.chars()
            .all(|c| c.is_ascii_digit() || "-:T.Z+".contains(c))
}

/// The receipt in `m`, as `xmpp.chat.receipt {from, id}` (any message type).
pub fn parse_receipt(m: &Element, from: &Jid) -> Option<Value> {
    let r = m.get_child("received", NS_RECEIPTS)?;
    let id = r.attr("id")?;
    Some(obj! { "from" => jid_obj(from), "id" => id })
}

/// `content` and `format` of a message: the sanitised XHTML-IM markup when there is any,
/// else the `<body/>` text; `None` without a `<body/>` (xmpp-ftw-api §4).
pub fn content(m: &Element) -> Option<(String, &'static str)> {
    let body = m.get_child("body", NS_CLIENT)?;
    match m
        .get_child("html", NS_XHTML_IM)
        .and_then(xhtml::sanitised_content)
    {
        Some(markup) => Some((markup, "xhtml")),
        None => Some((body.text(), "plain")),
    }
}

/// Sets `state` (XEP-0085, known states only), `receipt` (XEP-0184 request) and `replace`
/// (XEP-0308) from the message `m` on the payload `v`.
pub fn add_extensions(m: &Element, v: &mut Value) {
    let state = m
        .children()
        .find(|c| c.ns() == NS_CHATSTATES)
        .map(Element::name);
    if let Some(s) = state.filter(|s| STATES.contains(s)) {
        v.set("state", s);
    }
    if m.has_child("request", NS_RECEIPTS) {
        v.set("receipt", true);
    }
    if let Some(r) = m
        .get_child("replace", NS_CORRECT)
        .and_then(|r| r.attr("id"))
    {
        v.set("replace", r);
    }
}

/// An incoming chat message as xmpp-ftw's `xmpp.chat.message` payload (`xmpp-ftw-api.md` §4).
/// `own_bare`: the account, whose XEP-0359 stanza-ids are trusted. `None` when the message
/// carries neither content nor a chat state.
pub fn parse_message(m: &Element, from: &Jid, own_bare: &str) -> Option<Value> {
    let mut v = obj! { "from" => jid_obj(from) };
    if let Some((content, format)) = content(m) {
        v.set("content", content);
        v.set("format", format);
    }
    if let Some(d) = parse_delay(m) {
        v.set("delay", d);
    }
    add_extensions(m, &mut v);
    if v.get("content").is_none() && v.get("state").is_none() {
        return None;
    }
    let mut archived = Vec::new();
    for c in m.children() {
        let trusted_by = match (c.name(), c.ns()) {
            ("archived", _) => c.attr("by").and_then(jid_value),
            // XEP-0359 §6: only the account's own archive is trusted.
            ("stanza-id", NS_SID) => c
                .attr("by")
                .filter(|by| *by == own_bare)
                .and_then(jid_value),
            _ => None,
        };
        if let (Some(by), Some(id)) = (trusted_by, c.attr("id")) {
            archived.push(obj! { "by" => by, "id" => id });
        }
    }
    if !archived.is_empty() {
        v.set("archived", Value::Arr(archived));
    }
    if let Some(id) = m.attr("id") {
        v.set("id", id);
    }
    Some(v)
}

/// The id used to recognise a repeated message: XEP-0359 origin-id, else the message id.
pub fn dedup_id(m: &Element) -> Option<&str> {
    m.get_child("origin-id", NS_SID)
        .and_then(|o| o.attr("id"))
        .or_else(|| m.attr("id"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(s: &str) -> Element {
        s.parse().unwrap()
    }

    #[test]
    fn all_text_strips_tags_in_order() {
        assert_eq!(
            all_text(&el("<p>Hi <em>Bob</em>, <strong>x<br/>y</strong>!</p>")),
            "Hi Bob, xy!"
        );
    }
}
