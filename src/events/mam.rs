//! XEP-0313 Message Archive Management (v1.1, `urn:xmpp:mam:2`) with XEP-0059 Result Set
//! Management, keeping xmpp-ftw-mam's JSON contract (`docs/xmpp-ftw-api.md` §7,
//! `docs/decisions.md` §5): `with`/`start`/`end` become the `jabber:x:data` form fields (§4.1),
//! `queryId` the `queryid` attribute, `rsm` the `<set/>` element.

use super::chat::{self, Incoming};
use super::{client_error, jid_obj, parse_jid, Jid};
use crate::stanza::{self, ns, Element};
use crate::value::Value;
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

/// A validated query.
pub struct Query {
    /// The `queryid` (the caller's `queryId` or a generated one).
    pub query_id: String,
    /// The filter echoed to the callback (`with`, `start`, `end`).
    pub echo: Value,
    /// The `jabber:x:data` fields (`var`, value) of the filter.
    form: Vec<(&'static str, String)>,
    rsm: Option<SetQuery>,
}

fn opt_string(payload: &Value, key: &str) -> Result<Option<String>, Value> {
    match payload.get(key) {
        None => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s.clone())),
        Some(_) => Err(client_error(
            &format!("Invalid '{key}' key"),
            payload.clone(),
        )),
    }
}

/// An RSM number: a non-negative integer, as a number or a string of digits.
fn rsm_number(v: &Value) -> Option<usize> {
    match v {
        Value::Num(n) if *n >= 0.0 && n.fract() == 0.0 && *n < 1e15 => Some(*n as usize),
        Value::Str(s) if !s.is_empty() && s.len() < 16 && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok()
        }
        _ => None,
    }
}

/// Validates `xmpp.mam.query` (xmpp-ftw-mam's keys). `generated_id` is used when the caller
/// gives no `queryId`.
pub fn validate_query(payload: &Value, generated_id: String) -> Result<Query, Value> {
    let err = |d: &str| client_error(d, payload.clone());
    let query_id = opt_string(payload, "queryId")?.unwrap_or(generated_id);
    let mut form = Vec::new();
    let mut echo = Value::obj();
    if let Some(with) = opt_string(payload, "with")? {
        let jid = parse_jid(&with).ok_or_else(|| err("Invalid 'with' key"))?;
        form.push(("with", jid.to_string()));
        echo.set("with", with);
    }
    for key in ["start", "end"] {
        if let Some(t) = opt_string(payload, key)? {
            if !chat::is_datetime(&t) {
                return Err(err(&format!("Invalid '{key}' key")));
            }
            form.push((if key == "start" { "start" } else { "end" }, t.clone()));
            echo.set(key, t);
        }
    }
    // xmpp-ftw: a non-object `rsm` is ignored.
    let rsm = match payload.get("rsm") {
        Some(r @ Value::Obj(_)) => {
            Some(build_rsm(r).map_err(|k| err(&format!("Invalid 'rsm.{k}' key")))?)
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
fn build_rsm(r: &Value) -> Result<SetQuery, &'static str> {
    let mut set = SetQuery {
        max: None,
        after: None,
        before: None,
        index: None,
    };
    if let Some(max) = r.get("max") {
        set.max = Some(rsm_number(max).ok_or("max")?);
    }
    match r.get("after") {
        None => {}
        Some(Value::Str(a)) => set.after = Some(a.clone()),
        Some(_) => return Err("after"),
    }
    match r.get("before") {
        None | Some(Value::Bool(false)) => {}
        Some(Value::Bool(true)) => set.before = Some(String::new()),
        Some(Value::Str(b)) => set.before = Some(b.clone()),
        Some(_) => return Err("before"),
    }
    if let Some(index) = r.get("index") {
        set.index = Some(rsm_number(index).ok_or("index")?);
    }
    Ok(set)
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
    pub fn args(self, echo: &Value) -> Vec<Value> {
        let mut data = echo.clone();
        data.set("complete", self.complete);
        let mut rsm = Value::obj();
        if let Some(count) = self.count {
            rsm.set("count", count as f64);
        }
        if let Some((first, index)) = self.first {
            rsm.set("first", first);
            if let Some(index) = index {
                rsm.set("first-index", index.to_string());
            }
        }
        if let Some(last) = self.last {
            rsm.set("last", last);
        }
        vec![data, rsm]
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
pub fn message_payload(r: ArchivedResult) -> Option<Value> {
    let ArchivedResult {
        query_id,
        result_id,
        forwarded,
        delay,
    } = r;
    let delay = delay.map(|d| d.value()).unwrap_or_default();
    let m = forwarded.message;
    let from = jid_obj(m.from.as_ref()?);
    let to = m.to.as_ref().map(jid_obj).unwrap_or_default();
    let inner = Incoming::read(m);
    let mut v = obj! { "from" => from };
    if let Some((content, format)) = inner.content() {
        v.set("content", content);
        v.set("format", format);
    }
    v.set("delay", delay);
    inner.add_extensions(&mut v);
    if let Some(id) = &inner.id {
        v.set("id", id.as_str());
    }
    v.set(
        "mam",
        obj! { "to" => to, "id" => result_id, "queryId" => query_id },
    );
    Some(v)
}

/// `xmpp.mam.preferences` `{default, always?, never?}` → `<prefs/>` (§6).
pub fn preferences_stanza(payload: &Value, id: &str) -> Result<Iq, Value> {
    let err = |d: &str| client_error(d, payload.clone());
    let Some(default) = payload.get("default") else {
        return Err(err("Missing 'default' key"));
    };
    let default_ = match default.as_str() {
        Some("always") => DefaultPrefs::Always,
        Some("never") => DefaultPrefs::Never,
        Some("roster") => DefaultPrefs::Roster,
        _ => return Err(err("Invalid 'default' key")),
    };
    let mut lists: [Vec<Jid>; 2] = [Vec::new(), Vec::new()];
    for (key, out) in ["always", "never"].into_iter().zip(lists.iter_mut()) {
        let list = match payload.get(key) {
            None => &[][..],
            Some(Value::Arr(a)) => a.as_slice(),
            Some(_) => return Err(err(&format!("'{key}' should be an array"))),
        };
        for j in list {
            let jid = j
                .as_str()
                .and_then(parse_jid)
                .ok_or_else(|| err(&format!("Invalid JID in '{key}'")))?;
            out.push(jid);
        }
    }
    let [always, never] = lists;
    Ok(Iq::from_set(
        id,
        Prefs {
            default_,
            always,
            never,
        },
    ))
}

/// `<iq type="get"><prefs/></iq>` (§6).
pub fn preferences_get_stanza(id: &str) -> Iq {
    stanza::iq_request(false, id, None, Element::builder("prefs", NS_MAM).build())
}

/// The preferences in an IQ result as `{default, always, never}` (`true` when it has none).
pub fn parse_preferences(result: Option<Element>) -> Value {
    let Some(p) = result.and_then(|el| Prefs::try_from(el).ok()) else {
        return Value::Bool(true);
    };
    let list = |l: &[Jid]| Value::Arr(l.iter().map(|j| Value::Str(j.to_string())).collect());
    let default = match p.default_ {
        DefaultPrefs::Always => "always",
        DefaultPrefs::Never => "never",
        DefaultPrefs::Roster => "roster",
    };
    obj! { "default" => default, "always" => list(&p.always), "never" => list(&p.never) }
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
        let args = page.args(&obj! {"with" => "bob@localhost"});
        assert_eq!(
            args[0],
            obj! {"with" => "bob@localhost", "complete" => true}
        );
        assert_eq!(
            args[1],
            obj! {"count" => 10.0, "first" => "a1", "first-index" => "0", "last" => "a9"}
        );
        // without its <set/>: the flag still counts; nothing at all: an empty page
        assert!(FinPage::read(fin("<fin xmlns='urn:xmpp:mam:2' complete='1'/>")).complete);
        assert_eq!(FinPage::read(None), FinPage::default());
    }
}
