//! XEP-0313 Message Archive Management (v1.1, `urn:xmpp:mam:2`) with XEP-0059 Result Set
//! Management, keeping xmpp-ftw-mam's JSON contract (`xmpp-ftw-api.md` §7,
//! `api-decisions.md` §5): `with`/`start`/`end` become the `jabber:x:data` form fields (§4.1),
//! `queryId` the `queryid` attribute, `rsm` the `<set/>` element.

use super::chat;
use super::{client_error, jid_value, parse_jid};
use crate::proto::xml::{El, Element};
use crate::value::Value;

/// `xmpp.mam.query`.
pub const QUERY: &str = "xmpp.mam.query";
/// Each archived message of a page.
pub const MESSAGE: &str = "xmpp.mam.message";
/// `xmpp.mam.preferences` (XEP-0313 §6).
pub const PREFERENCES: &str = "xmpp.mam.preferences";
/// SDK extension: reads the preferences back (`{default, always, never}`).
pub const PREFERENCES_GET: &str = "xmpp.mam.preferences.get";

/// XEP-0313 namespace.
pub const NS_MAM: &str = "urn:xmpp:mam:2";
/// XEP-0059 namespace.
pub const NS_RSM: &str = "http://jabber.org/protocol/rsm";
const NS_DATA: &str = "jabber:x:data";
const NS_FORWARD: &str = "urn:xmpp:forward:0";
const NS_CLIENT: &str = "jabber:client";

/// A validated query.
pub struct Query {
    /// The `queryid` in use (the caller's, or one the SDK generated).
    pub query_id: String,
    /// The filter echo for the callback's `data`.
    pub echo: Value,
    form: Vec<(&'static str, String)>,
    rsm: Option<El>,
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

/// An RSM number: a non-negative integer, as a number or a numeric string.
fn rsm_number(v: &Value) -> Option<String> {
    match v {
        Value::Num(n) if *n >= 0.0 && n.fract() == 0.0 && *n < 1e15 => {
            Some(format!("{}", *n as u64))
        }
        Value::Str(s) if !s.is_empty() && s.len() < 16 && s.bytes().all(|b| b.is_ascii_digit()) => {
            Some(s.clone())
        }
        _ => None,
    }
}

/// Validates `xmpp.mam.query`; `generated_id` is used when the caller gave no `queryId`.
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
            if !chat::looks_like_datetime(&t) {
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

/// XEP-0059 `<set/>`, children in xmpp-ftw's order `max`, `after`, `before`, `index`;
/// `before: true` is the empty `<before/>` (the last page). Errors name the bad key.
fn build_rsm(r: &Value) -> Result<El, &'static str> {
    let mut set = El::new("set", NS_RSM);
    if let Some(max) = r.get("max") {
        set = set.child(El::leaf("max", rsm_number(max).ok_or("max")?));
    }
    match r.get("after") {
        None => {}
        Some(Value::Str(a)) => set = set.child(El::leaf("after", a.as_str())),
        Some(_) => return Err("after"),
    }
    match r.get("before") {
        None | Some(Value::Bool(false)) => {}
        Some(Value::Bool(true)) => set = set.child(El::new("before", "")),
        Some(Value::Str(b)) => set = set.child(El::leaf("before", b.as_str())),
        Some(_) => return Err("before"),
    }
    if let Some(index) = r.get("index") {
        set = set.child(El::leaf("index", rsm_number(index).ok_or("index")?));
    }
    Ok(set)
}

impl Query {
    /// `<iq type="set"><query xmlns="urn:xmpp:mam:2" queryid><x type="submit">...</x><set/></query></iq>`.
    pub fn stanza(&self, id: &str) -> El {
        let mut q = El::new("query", NS_MAM).attr("queryid", self.query_id.as_str());
        if !self.form.is_empty() {
            let mut x = El::new("x", NS_DATA).attr("type", "submit").child(
                El::new("field", "")
                    .attr("var", "FORM_TYPE")
                    .attr("type", "hidden")
                    .child(El::leaf("value", NS_MAM)),
            );
            for (var, value) in &self.form {
                x = x.child(
                    El::new("field", "")
                        .attr("var", *var)
                        .child(El::leaf("value", value.as_str())),
                );
            }
            q = q.child(x);
        }
        q = q.child_opt(self.rsm.clone());
        El::new("iq", NS_CLIENT)
            .attr("type", "set")
            .attr("id", id)
            .child(q)
    }
}

/// The callback arguments for the query's `<fin/>` (XEP-0313 §4.2): `data` is the filter
/// echo plus `complete`; `rsm` is `{count?, first?, "first-index"?, last?}` (xmpp-ftw §7).
pub fn fin_args(iq: &Element, echo: &Value) -> Vec<Value> {
    let fin = iq.get_child("fin", NS_MAM);
    let mut data = echo.clone();
    let complete = fin
        .and_then(|f| f.attr("complete"))
        .is_some_and(|c| c == "true" || c == "1");
    data.set("complete", complete);
    let mut rsm = Value::obj();
    if let Some(set) = fin.and_then(|f| f.get_child("set", NS_RSM)) {
        if let Some(count) = set
            .get_child("count", NS_RSM)
            .and_then(|c| c.text().trim().parse::<u64>().ok())
        {
            rsm.set("count", count as f64);
        }
        if let Some(first) = set.get_child("first", NS_RSM) {
            rsm.set("first", first.text());
            if let Some(index) = first.attr("index") {
                rsm.set("first-index", index);
            }
        }
        if let Some(last) = set.get_child("last", NS_RSM) {
            rsm.set("last", last.text());
        }
    }
    vec![data, rsm]
}

/// The `<result/>` of a MAM message: `(queryid, result id, forwarded message, archive delay)`.
pub fn unwrap_result(m: &Element) -> Option<(&str, &str, &Element, Option<Value>)> {
    let result = m.get_child("result", NS_MAM)?;
    let fwd = result.get_child("forwarded", NS_FORWARD)?;
    let inner = fwd.get_child("message", NS_CLIENT)?;
    Some((
        result.attr("queryid")?,
        result.attr("id")?,
        inner,
        chat::parse_delay(fwd),
    ))
}

/// `xmpp.mam.message` for an archived message: exactly `from`, `content?`, `format?`, `delay`,
/// `state?`, `receipt?`, `replace?`, `id?`, `mam {to, id, queryId}` (`api-decisions.md` §5).
pub fn message_payload(
    inner: &Element,
    result_id: &str,
    query_id: &str,
    delay: Value,
) -> Option<Value> {
    let from = jid_value(inner.attr("from")?)?;
    let to = inner.attr("to").and_then(jid_value).unwrap_or_default();
    let mut v = obj! { "from" => from };
    if let Some((content, format)) = chat::content(inner) {
        v.set("content", content);
        v.set("format", format);
    }
    v.set("delay", delay);
    chat::add_extensions(inner, &mut v);
    if let Some(id) = inner.attr("id") {
        v.set("id", id);
    }
    v.set(
        "mam",
        obj! { "to" => to, "id" => result_id, "queryId" => query_id },
    );
    Some(v)
}

/// Validates `xmpp.mam.preferences` and builds `<prefs/>` (XEP-0313 §6.1).
pub fn preferences_stanza(payload: &Value, id: &str) -> Result<El, Value> {
    let err = |d: &str| client_error(d, payload.clone());
    let Some(default) = payload.get("default") else {
        return Err(err("Missing 'default' key"));
    };
    let default = match default.as_str() {
        Some(d @ ("always" | "never" | "roster")) => d,
        _ => return Err(err("Invalid 'default' key")),
    };
    let mut prefs = El::new("prefs", NS_MAM).attr("default", default);
    for key in ["always", "never"] {
        let list = match payload.get(key) {
            None => &[][..],
            Some(Value::Arr(a)) => a.as_slice(),
            Some(_) => return Err(err(&format!("'{key}' should be an array"))),
        };
        let mut el = El::new(key, "");
        for j in list {
            let jid = j
                .as_str()
                .and_then(parse_jid)
                .ok_or_else(|| err(&format!("Invalid JID in '{key}'")))?;
            el = el.child(El::leaf("jid", jid.to_string()));
        }
        prefs = prefs.child(el);
    }
    Ok(El::new("iq", NS_CLIENT)
        .attr("type", "set")
        .attr("id", id)
        .child(prefs))
}

/// `<iq type="get"><prefs/></iq>` for `xmpp.mam.preferences.get`.
pub fn preferences_get_stanza(id: &str) -> El {
    El::new("iq", NS_CLIENT)
        .attr("type", "get")
        .attr("id", id)
        .child(El::new("prefs", NS_MAM))
}

/// `{default, always, never}` from a `<prefs/>` result.
pub fn parse_preferences(iq: &Element) -> Value {
    let Some(p) = iq.get_child("prefs", NS_MAM) else {
        return Value::Bool(true);
    };
    let list = |key: &str| -> Value {
        Value::Arr(
            p.get_child(key, NS_MAM)
                .map(|l| {
                    l.children()
                        .filter(|j| j.name() == "jid")
                        .map(|j| Value::Str(j.text()))
                        .collect()
                })
                .unwrap_or_default(),
        )
    };
    obj! { "default" => p.attr("default").unwrap_or("roster"), "always" => list("always"), "never" => list("never") }
}
