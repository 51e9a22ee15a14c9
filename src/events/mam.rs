//! XEP-0313 Message Archive Management (v1.1, `urn:xmpp:mam:2`) with XEP-0059 Result Set
//! Management, keeping xmpp-ftw-mam's JSON contract (`docs/xmpp-ftw-api.md` §7,
//! `docs/decisions.md` §5): `with`/`start`/`end` become the `jabber:x:data` form fields (§4.1),
//! `queryId` the `queryid` attribute, `rsm` the `<set/>` element.

use super::actions::{ActionKind, ReplyRef};
use super::chat::{self, DelayInfo};
use super::command;
use super::error::ClientError;
use super::field::{BoolOrStr, Field, NumOrStr};
use super::incoming::Incoming;
use super::{jid_obj, parse_jid, Jid, JidObj};
use crate::stanza::{self, ns, Element};
use serde::Serialize;
use xmpp_parsers::forwarding::Forwarded;
use xmpp_parsers::iq::Iq;
use xmpp_parsers::mam::Fin;
use xmpp_parsers::mam_prefs::{DefaultPrefs, Prefs};
use xmpp_parsers::rsm::SetQuery;

/// `xmpp.mam.query`.
pub const QUERY: &str = "xmpp.mam.query";
/// Each archived message of a page.
pub const MESSAGE: &str = "xmpp.mam.message";
/// The catch-up after a session that was not resumed is over: `{count, complete}`.
pub const CAUGHT_UP: &str = "xmpp.mam.caughtup";
/// `xmpp.mam.preferences` (XEP-0313 §6).
pub const PREFERENCES: &str = "xmpp.mam.preferences";
/// SDK extension: reads the preferences back (`{default, always, never}`).
pub const PREFERENCES_GET: &str = "xmpp.mam.preferences.get";

/// XEP-0313 namespace.
pub use xmpp_parsers::ns::MAM as NS_MAM;

/// The filter of a query, echoed to its callback with `complete` (`docs/decisions.md` §5).
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "MamFin"))]
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PageEcho {
    /// The `with` filter, as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with: Option<String>,
    /// The `start` filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// The `end` filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// `<fin complete/>`: the last page.
    pub complete: bool,
}

/// The XEP-0059 values of a page: `{count?, first?, first-index?, last?}`.
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "Rsm"))]
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct RsmPage {
    /// `<count/>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional, as = "Option<u32>"))]
    pub count: Option<usize>,
    /// `<first/>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first: Option<String>,
    /// `<first index/>`, as a string (xmpp-ftw-mam's shape).
    #[serde(rename = "first-index", skip_serializing_if = "Option::is_none")]
    pub first_index: Option<String>,
    /// `<last/>`: where the next page starts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
}

/// `xmpp.mam.message`: an archived message (`docs/decisions.md` §5).
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "MamMessage"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MamMessage {
    /// The sender.
    pub from: JidObj,
    /// The text or sanitised XHTML-IM markup.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// `plain` or `xhtml`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional, type = "\"plain\" | \"xhtml\""))]
    pub format: Option<&'static str>,
    /// The archive's time (`null` when the archive gave none).
    #[cfg_attr(test, ts(optional = false))]
    pub delay: Option<DelayInfo>,
    /// XEP-0085.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional, type = "ChatState"))]
    pub state: Option<&'static str>,
    /// XEP-0184 asked (only ever `true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional, type = "true"))]
    pub receipt: Option<bool>,
    /// XEP-0308.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replace: Option<String>,
    /// The message id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// XEP-0461: the message it replies to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<ReplyRef>,
    /// XEP-0066: a file or link sent with the message (`http(s):` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oob: Option<super::file::Link>,
    /// XEP-0444: the sender's reactions to the message `id` (no `content`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reaction: Option<ArchivedAction>,
    /// XEP-0424: the sender retracted the message `id` (no `content`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retract: Option<ArchivedAction>,
    /// XEP-0333: the sender read up to the message `id` (no `content`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub displayed: Option<ArchivedAction>,
    /// Where it is in the archive.
    pub mam: MamRef,
}

/// An action in the archive: `{id}`, with `reactions` for a reaction (`docs/decisions.md` §14).
#[cfg_attr(
    test,
    derive(ts_rs::TS),
    ts(optional_fields, rename = "ArchivedAction")
)]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArchivedAction {
    /// The message acted on.
    pub id: String,
    /// XEP-0444: the sender's whole set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reactions: Option<Vec<String>>,
}

/// `{to, id, queryId}` of an archived message.
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "MamRef"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MamRef {
    /// The recipient (`null` when the message had none).
    #[cfg_attr(test, ts(optional = false))]
    pub to: Option<JidObj>,
    /// The archive id.
    pub id: String,
    /// The query it answers.
    #[serde(rename = "queryId")]
    pub query_id: String,
}

/// `xmpp.mam.caughtup {count, complete}`: the catch-up is over.
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "CaughtUp"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaughtUp {
    /// Messages delivered by it.
    pub count: u32,
    /// Whether it reached the end of the archive.
    pub complete: bool,
}

/// `xmpp.mam.preferences.get`'s answer `{default, always, never}` (XEP-0313 §6).
#[cfg_attr(
    test,
    derive(ts_rs::TS),
    ts(optional_fields, rename = "MamPreferencesReceived")
)]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preferences {
    /// `always`, `never` or `roster`.
    #[cfg_attr(test, ts(type = "\"always\" | \"never\" | \"roster\""))]
    pub default: &'static str,
    /// JIDs always archived.
    pub always: Vec<String>,
    /// JIDs never archived.
    pub never: Vec<String>,
}

/// A validated query.
pub struct Query {
    /// The `queryid` (the caller's `queryId` or a generated one).
    pub query_id: String,
    /// The filter echoed to the callback (`with`, `start`, `end`).
    pub echo: PageEcho,
    /// The `jabber:x:data` fields (`var`, value) of the filter.
    form: Vec<(&'static str, String)>,
    rsm: Option<SetQuery>,
}

/// An RSM number: a non-negative integer, as a number or a string of digits.
fn rsm_number(v: NumOrStr) -> Option<usize> {
    match v {
        NumOrStr::Num(n) if n >= 0.0 && n.fract() == 0.0 && n < 1e15 => Some(n as usize),
        NumOrStr::Str(s)
            if !s.is_empty() && s.len() < 16 && s.bytes().all(|b| b.is_ascii_digit()) =>
        {
            s.parse().ok()
        }
        _ => None,
    }
}

/// Validates `xmpp.mam.query` (xmpp-ftw-mam's keys). `generated_id` is used when the caller
/// gives no `queryId`.
pub fn validate_query(p: command::MamQuery, generated_id: String) -> Result<Query, ClientError> {
    let opt = |f: Field<String>, key: &str| f.read().map_err(|_| ClientError::invalid(key));
    let query_id = opt(p.query_id, "queryId")?.unwrap_or(generated_id);
    let mut form = Vec::new();
    let mut echo = PageEcho::default();
    if let Some(with) = opt(p.with, "with")? {
        let jid = parse_jid(&with).ok_or_else(|| ClientError::invalid("with"))?;
        form.push(("with", jid.to_string()));
        echo.with = Some(with);
    }
    for (key, field, slot) in [
        ("start", p.start, &mut echo.start),
        ("end", p.end, &mut echo.end),
    ] {
        if let Some(t) = opt(field, key)? {
            if !chat::is_datetime(&t) {
                return Err(ClientError::invalid(key));
            }
            form.push((key, t.clone()));
            *slot = Some(t);
        }
    }
    // xmpp-ftw: a non-object `rsm` is ignored.
    let rsm = match p.rsm {
        Field::Given(r) => {
            Some(build_rsm(r).map_err(|k| ClientError::new(format!("Invalid 'rsm.{k}' key")))?)
        }
        _ => None,
    };
    Ok(Query {
        query_id,
        echo,
        form,
        rsm,
    })
}

/// XEP-0059 `<set/>` from `{max, after, before, index}`; `before: true` asks for the last page.
fn build_rsm(r: command::Rsm) -> Result<SetQuery, &'static str> {
    let number = |f: Field<NumOrStr>, key| match f.read() {
        Ok(None) => Ok(None),
        Ok(Some(n)) => rsm_number(n).map(Some).ok_or(key),
        Err(_) => Err(key),
    };
    let max = number(r.max, "max")?;
    let after = r.after.read().map_err(|_| "after")?;
    let before = match r.before.read() {
        Ok(None | Some(BoolOrStr::Bool(false))) => None,
        Ok(Some(BoolOrStr::Bool(true))) => Some(String::new()),
        Ok(Some(BoolOrStr::Str(b))) => Some(b),
        Err(_) => return Err("before"),
    };
    let index = number(r.index, "index")?;
    Ok(SetQuery {
        max,
        after,
        before,
        index,
    })
}

impl Query {
    /// The XEP-0004 submit form of the filter (§4.1.1), built with minidom: xmpp-parsers'
    /// `DataForm` serialiser costs 40 KB of wasm for these few fields (measured with twiggy).
    fn data_form(&self) -> Element {
        let field = |var: &str, hidden: bool, value: &str| {
            let mut f = Element::builder("field", ns::DATA_FORMS).attr(stanza::name("var"), var);
            if hidden {
                f = f.attr(stanza::name("type"), "hidden");
            }
            f.append(
                Element::builder("value", ns::DATA_FORMS)
                    .append(value)
                    .build(),
            )
            .build()
        };
        Element::builder("x", ns::DATA_FORMS)
            .attr(stanza::name("type"), "submit")
            .append(field("FORM_TYPE", true, NS_MAM))
            .append_all(self.form.iter().map(|(var, v)| field(var, false, v)))
            .build()
    }

    /// `<iq type="set"><query queryid><x type="submit">…</x><set/></query></iq>` (§4.1).
    ///
    /// The `<query/>` is built with minidom and its RSM `<set/>` with xmpp-parsers'
    /// `SetQuery`: xmpp-parsers' `mam::Query` serialiser carries its optional data form's,
    /// 37 KB of wasm (twiggy) for one element.
    pub fn stanza(&self, id: &str) -> Iq {
        let mut query = Element::builder("query", NS_MAM)
            .attr(stanza::name("queryid"), self.query_id.as_str())
            .build();
        if !self.form.is_empty() {
            query.append_child(self.data_form());
        }
        if let Some(set) = &self.rsm {
            query.append_child(set.clone().into());
        }
        stanza::iq_request(true, id, None, query)
    }
}

/// A query's `<fin/>` (XEP-0313 §4.3, in the IQ result), read once: what the callback and
/// the catch-up need of it.
#[derive(Debug, Default, PartialEq)]
pub struct FinPage {
    /// `<fin complete>`: the last page.
    pub complete: bool,
    /// XEP-0059 `<count/>`.
    pub count: Option<usize>,
    /// XEP-0059 `<first/>` and its `index`.
    pub first: Option<(String, Option<usize>)>,
    /// XEP-0059 `<last/>`: where the next page starts (`after`).
    pub last: Option<String>,
}

impl FinPage {
    /// Reads the IQ result's payload; an absent or unreadable `<fin/>` is an empty page.
    pub fn read(result: Option<Element>) -> FinPage {
        // A `<fin/>` without its RSM `<set/>` does not parse as xmpp-parsers' `Fin`; its
        // `complete` flag still counts.
        let flag = result
            .as_ref()
            .and_then(|el| el.attr("complete"))
            .is_some_and(|c| c == "true" || c == "1");
        match result.and_then(|el| Fin::try_from(el).ok()) {
            None => FinPage {
                complete: flag,
                ..FinPage::default()
            },
            Some(f) => FinPage {
                complete: f.complete,
                count: f.set.count,
                first: f.set.first.map(|first| (first.item, first.index)),
                last: f.set.last,
            },
        }
    }

    /// The callback arguments `[data, rsm]`: the query's echo with `complete`, and the RSM
    /// values (`docs/decisions.md` §5).
    pub fn args(self, echo: PageEcho) -> (PageEcho, RsmPage) {
        let (first, first_index) = match self.first {
            Some((first, index)) => (Some(first), index.map(|i| i.to_string())),
            None => (None, None),
        };
        (
            PageEcho {
                complete: self.complete,
                ..echo
            },
            RsmPage {
                count: self.count,
                first,
                first_index,
                last: self.last,
            },
        )
    }
}

/// A XEP-0313 `<result/>` (§4.2), read.
pub struct ArchivedResult {
    /// The `queryid` it answers.
    pub query_id: String,
    /// Its id in the archive.
    pub result_id: String,
    /// The forwarded message.
    pub forwarded: Forwarded,
    /// The archive time (XEP-0297 `<delay/>`) as the application gets it.
    pub delay: Option<chat::DelayInfo>,
}

/// Reads a XEP-0313 `<result/>` (§4.2); `None` when it is not one or lacks its `queryid`.
pub fn unwrap_result(result: Element) -> Option<ArchivedResult> {
    let delay = result
        .get_child("forwarded", ns::FORWARD)
        .and_then(|f| f.get_child("delay", ns::DELAY))
        .cloned()
        .and_then(chat::DelayInfo::read);
    let r = xmpp_parsers::mam::Result_::try_from(result).ok()?;
    Some(ArchivedResult {
        query_id: r.queryid?.0,
        result_id: r.id,
        forwarded: r.forwarded,
        delay,
    })
}

/// `xmpp.mam.message` for an archived message: exactly `from`, `content?`, `format?`, `delay`,
/// `state?`, `receipt?`, `replace?`, `id?`, `mam {to, id, queryId}` (`docs/decisions.md` §5).
pub fn message_payload(r: ArchivedResult) -> Option<MamMessage> {
    let ArchivedResult {
        query_id,
        result_id,
        forwarded,
        delay,
    } = r;
    let m = forwarded.message;
    let from = jid_obj(m.from.as_ref()?);
    let forwarded_from = m.from.clone();
    let to = m.to.as_ref().map(jid_obj);
    let inner = Incoming::read(m);
    let from_jid = forwarded_from?;
    let action = inner.action_of(&from_jid);
    let (content, format) = match &action {
        Some(_) => (None, None),
        None => inner
            .content()
            .map_or((None, None), |(c, f)| (Some(c), Some(f))),
    };
    let (mut reaction, mut retract, mut displayed) = (None, None, None);
    if let Some(a) = action {
        let slot = match a.kind {
            ActionKind::Reaction => &mut reaction,
            ActionKind::Retract => &mut retract,
            ActionKind::Displayed => &mut displayed,
        };
        *slot = Some(ArchivedAction {
            id: a.id,
            reactions: a.reactions,
        });
    }
    Some(MamMessage {
        from,
        content,
        format,
        delay,
        state: inner.state_name(),
        receipt: inner.receipt_request.then_some(true),
        replace: inner.replace.clone(),
        reply: inner.reply_ref(),
        oob: inner.oob.clone(),
        reaction,
        retract,
        displayed,
        id: inner.id,
        mam: MamRef {
            to,
            id: result_id,
            query_id,
        },
    })
}

/// Validates `xmpp.mam.preferences` `{default, always?, never?}` (§6).
pub fn validate_preferences(p: command::MamPreferences) -> Result<Prefs, ClientError> {
    if p.default.is_absent() {
        return Err(ClientError::missing("default"));
    }
    let default_ = match p.default.given().map(String::as_str) {
        Some("always") => DefaultPrefs::Always,
        Some("never") => DefaultPrefs::Never,
        Some("roster") => DefaultPrefs::Roster,
        _ => return Err(ClientError::invalid("default")),
    };
    let mut lists: [Vec<Jid>; 2] = [Vec::new(), Vec::new()];
    for ((key, field), out) in [("always", p.always), ("never", p.never)]
        .into_iter()
        .zip(lists.iter_mut())
    {
        let list = field
            .read()
            .map_err(|_| ClientError::new(format!("'{key}' should be an array")))?
            .unwrap_or_default();
        for j in list {
            let jid = j
                .given()
                .and_then(|j| parse_jid(j))
                .ok_or_else(|| ClientError::new(format!("Invalid JID in '{key}'")))?;
            out.push(jid);
        }
    }
    let [always, never] = lists;
    Ok(Prefs {
        default_,
        always,
        never,
    })
}

/// `<iq type="set"><prefs/></iq>` (§6).
pub fn preferences_stanza(prefs: Prefs, id: &str) -> Iq {
    Iq::from_set(id, prefs)
}

/// `<iq type="get"><prefs/></iq>` (§6).
pub fn preferences_get_stanza(id: &str) -> Iq {
    stanza::iq_request(false, id, None, Element::builder("prefs", NS_MAM).build())
}

/// The preferences in an IQ result as `{default, always, never}` (`true` when it has none).
pub fn parse_preferences(result: Option<Element>) -> Option<Preferences> {
    let p = result.and_then(|el| Prefs::try_from(el).ok())?;
    let list = |l: &[Jid]| l.iter().map(ToString::to_string).collect();
    let default = match p.default_ {
        DefaultPrefs::Always => "always",
        DefaultPrefs::Never => "never",
        DefaultPrefs::Roster => "roster",
    };
    Some(Preferences {
        default,
        always: list(&p.always),
        never: list(&p.never),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fin(s: &str) -> Option<Element> {
        Some(stanza::parse_frame(s, 4096).expect("a test frame"))
    }

    #[test]
    fn a_fin_page_is_read_once() {
        let page = FinPage::read(fin(
            "<fin xmlns='urn:xmpp:mam:2' complete='true'><set xmlns='http://jabber.org/protocol/rsm'>\
             <first index='0'>a1</first><last>a9</last><count>10</count></set></fin>",
        ));
        assert_eq!(
            page,
            FinPage {
                complete: true,
                count: Some(10),
                first: Some(("a1".into(), Some(0))),
                last: Some("a9".into()),
            }
        );
        let args = page.args(PageEcho {
            with: Some("bob@localhost".into()),
            ..PageEcho::default()
        });
        assert_eq!(
            serde_json::to_value(args).unwrap(),
            serde_json::json!([{"with": "bob@localhost", "complete": true},
                {"count": 10, "first": "a1", "first-index": "0", "last": "a9"}])
        );
        // without its <set/>: the flag still counts; nothing at all: an empty page
        assert!(FinPage::read(fin("<fin xmlns='urn:xmpp:mam:2' complete='1'/>")).complete);
        assert_eq!(FinPage::read(None), FinPage::default());
    }
}
