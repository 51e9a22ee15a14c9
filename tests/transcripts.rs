//! Transcript tests: each file in `tests/fixtures/**.transcript` drives the sans-IO core and
//! checks the client's frames as XML (attributes in any order) and its events payload for payload.
//!
//! Lines (blank lines and `#` comments ignored):
//! - `config nonce=<scram nonce> timeout=<ms> max=<bytes> outmax=<bytes> window=<stanzas> hostmeta=<url> reconnect=<bool>
//!   ping=<ms> maxdelay=<ms> persist=<bool> catchup=<bool> epoch=<ms> derive=shell
//!   slice=<bytes>`: before
//!   anything else
//! - `cmd <event> <json payload> [none|fn:N|promise:N|notfn]`: `handle_command`
//! - `S: <frame>`: a frame from the server (`${var}` is replaced by a captured value,
//!   `{{repeat N text}}` by `text` N times)
//! - `S~ <frame>`: the same, but a large answer being read in slices stays unread (the
//!   shell's next task has not come); `slice`: that task, one slice read; `quiet`: no event
//!   and no transmit has come
//! - `C: <frame>`: the next transmit must be this frame (`${var}` captures any text)
//! - `T: connect <url>` / `T: discover <url>` / `T: close`: the next transmit
//! - `T: derive sha1|sha256 <salt base64> <iterations>`: the next transmit asks the shell for
//!   SCRAM's Hi(); `derived <key base64>|failed`: the shell's answer
//! - `socket open` / `socket closed [code]`: `handle_socket`
//! - `network up` / `network down`: `handle_network` (the browser's online/offline events)
//! - `T: put <handle> <url> <content-type>[ <Name>=<value>[; ...]]` / `T: release <handle>`:
//!   the next transmit asks the shell to PUT a file (XEP-0363) / to drop it;
//!   `upload <handle> progress N|done|failed|status N text`: the shell's report on the PUT
//! - `wake`: `handle_wake` (the page became visible again)
//! - `discovery links <rel> <href>` / `discovery xrd <xml>` / `discovery failed <text>`: the
//!   answer to the latest lookup; `stale discovery ...`: to the first login's lookup
//! - `E: <event> <json>`: the next event must be this emit
//! - `R: <N> ok <json array>` / `R: <N> err <json>`: the next event must settle callback N
//! - `+<ms>`: advance the clock and call `handle_timeout`
//! - `include <file>`: the lines of another file (shared prefixes such as logging in)
//! - `reload`: the page reloads (`pagehide` writes the state): a new client with the same
//!   config, the store kept
//! - `lazy save`: the shell's timer writes incoming-side changes
//! - `store full` / `store ok`: saving fails (quota) from now on / works again
//! - `K: contains <text>` / `K: lacks <text>`: what the store holds for the account
//! - `KR: contains <text>` / `KR: lacks <text>`: the roster the store holds for the account
//!   (`KR: none`: no roster is kept)
//!
//! The store (sessionStorage in the browser) is a map here: after every line, the client's
//! loads are answered from it, and the state written when `store_urgent` (`config persist=true`).
//!
//! At the end no transmit or event may be left over.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use std::path::Path;

use serde_json::Value;
use std::collections::VecDeque;
use xmpp_ftw_wasm::events::command::{Command, Payload};
use xmpp_ftw_wasm::events::{Echo, Error};
use xmpp_ftw_wasm::proto::{
    Callback, Client, Config, Discovery, Event, Instant, SocketEvent, StoreOp, Transmit,
    UploadEvent,
};
use xmpp_ftw_wasm::stanza::{Element, Node};

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("bad JSON {s:?}: {e}"))
}

/// Compares objects without regard to key order (xmpp-ftw payloads are compared whole:
/// same keys, same values), numbers as JS numbers. Expected strings may hold `${name}`
/// captures.
fn same(a: &Value, b: &Value, vars: &mut HashMap<String, String>) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|v2| same(v, v2, vars)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q, vars))
        }
        (Value::String(actual), Value::String(want)) if want.contains("${") => {
            matches(want, actual, vars)
        }
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// An error as the application gets it: a client error carries `request`, the caller's
/// payload, which the shell adds (the core does not keep payloads).
fn error_js(e: &Error, payload: Option<&Value>) -> Value {
    let mut v = serde_json::to_value(e).unwrap();
    if let (Some(c), Some(obj)) = (e.as_client(), v.as_object_mut()) {
        let mut request = payload.cloned().unwrap_or(Value::Null);
        match (c.echo, request.as_object_mut()) {
            (Echo::AsChat, Some(r)) => {
                r.insert("type".into(), "chat".into());
            }
            (Echo::Redacted, Some(r)) => {
                r.remove("password");
            }
            (Echo::Empty, _) => request = serde_json::json!({}),
            _ => {}
        }
        obj.insert("request".into(), request);
    }
    v
}

/// The next event: those a command caused (with its payload) first, then the client's.
fn next_event(
    early: &mut VecDeque<(Event, Option<Value>)>,
    c: &mut Client,
) -> Option<(Event, Option<Value>)> {
    early
        .pop_front()
        .or_else(|| c.poll_event().map(|e| (e, None)))
}

/// Compares a frame with the expected one as XML (RFC 7395 frames are XML documents):
/// the same elements, namespaces, attributes in any order, and text, with `${name}` captures
/// in attribute values and text. xmpp-parsers orders attributes its own way.
fn same_frame(expected: &str, actual: &str, vars: &mut HashMap<String, String>) -> bool {
    let parse = |s: &str| xmpp_ftw_wasm::stanza::parse_frame(s, usize::MAX).ok();
    match (parse(expected), parse(actual)) {
        (Some(e), Some(a)) => same_element(&e, &a, vars),
        _ => matches(expected, actual, vars),
    }
}

fn same_element(e: &Element, a: &Element, vars: &mut HashMap<String, String>) -> bool {
    if e.name() != a.name() || e.ns() != a.ns() || e.attrs().len() != a.attrs().len() {
        return false;
    }
    for ((ns, name), want) in e.attrs().iter() {
        match a.attrs().get(ns, name) {
            Some(got) if matches(want, got, vars) => {}
            _ => return false,
        }
    }
    let (en, an): (Vec<_>, Vec<_>) = (e.nodes().collect(), a.nodes().collect());
    en.len() == an.len()
        && en.iter().zip(an).all(|(x, y)| match (x, y) {
            (Node::Element(x), Node::Element(y)) => same_element(x, y, vars),
            (Node::Text(x), Node::Text(y)) => matches(x, y, vars),
            _ => false,
        })
}

/// Matches `actual` against `expected` with `${name}` captures.
fn matches(expected: &str, actual: &str, vars: &mut HashMap<String, String>) -> bool {
    let mut rest = actual;
    let mut pat = expected;
    while let Some(start) = pat.find("${") {
        let Some(end) = pat[start..].find('}') else {
            break;
        };
        let (lit, name) = (&pat[..start], &pat[start + 2..start + end]);
        let Some(r) = rest.strip_prefix(lit) else {
            return false;
        };
        pat = &pat[start + end + 1..];
        let next_lit = pat.split("${").next().unwrap_or("");
        let cap_len = if next_lit.is_empty() {
            r.len()
        } else {
            r.find(next_lit).unwrap_or(r.len())
        };
        let cap = &r[..cap_len];
        if let Some(prev) = vars.get(name) {
            if prev != cap {
                return false;
            }
        }
        vars.insert(name.to_owned(), cap.to_owned());
        rest = &r[cap_len..];
    }
    rest == pat
}

fn subst(s: &str, vars: &HashMap<String, String>) -> String {
    let mut out = repeat(s);
    for (k, v) in vars {
        out = out.replace(&format!("${{{k}}}"), v);
    }
    out
}

/// Expands `{{repeat N text}}` into `text` N times (long names, values and nesting).
fn repeat(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find("{{repeat ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "{{repeat ".len()..];
        let end = after.find("}}").expect("{{repeat N text}} is closed");
        let (n, text) = after[..end].split_once(' ').expect("{{repeat N text}}");
        out.push_str(&text.repeat(n.parse().expect("a count")));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Reads a transcript, expanding `include <file>` lines (relative to the including file).
fn read_expanded(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = String::new();
    for line in text.lines() {
        match line.strip_prefix("include ") {
            Some(inc) => out.push_str(&read_expanded(&path.parent().unwrap().join(inc.trim()))),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

fn run(path: &Path) {
    let text = read_expanded(path);
    let name = path.display().to_string();
    let mut cfg = Config {
        seed: [42; 32],
        ..Config::default()
    };
    let mut client: Option<Client> = None;
    let mut now = Instant(1_000);
    // Events a command caused, drained right after it with its payload.
    let mut early: VecDeque<(Event, Option<Value>)> = VecDeque::new();
    let mut vars = HashMap::new();
    // The login numbers of the XEP-0156 lookups seen, in order.
    let mut logins: Vec<u32> = Vec::new();
    let mut derive_id = 0u32;
    let mut store: HashMap<String, String> = HashMap::new();
    let mut rosters: HashMap<String, String> = HashMap::new();
    let mut store_full = false;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        let at = format!("{name}:{}", n + 1);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("config ") {
            assert!(client.is_none(), "{at}: config after the first step");
            for kv in rest.split_whitespace() {
                let (k, v) = kv.split_once('=').expect("key=value");
                match k {
                    "nonce" => cfg.scram_nonce = Some(v.to_owned()),
                    "timeout" => cfg.request_timeout_ms = v.parse().unwrap(),
                    "max" => cfg.max_stanza_bytes = v.parse().unwrap(),
                    "slice" => cfg.slice_bytes = v.parse().unwrap(),
                    "outmax" => cfg.max_outgoing_stanza_bytes = v.parse().unwrap(),
                    "window" => cfg.send_window = v.parse().unwrap(),
                    "hostmeta" => cfg.host_meta_url = Some(v.to_owned()),
                    "reconnect" => cfg.reconnect = v == "true",
                    "ping" => cfg.ping_interval_ms = v.parse().unwrap(),
                    "maxdelay" => cfg.max_reconnect_delay_ms = v.parse().unwrap(),
                    "persist" => cfg.persist = v == "true",
                    "catchup" => cfg.catch_up = v == "true",
                    "epoch" => cfg.epoch_ms = v.parse().unwrap(),
                    "derive" => cfg.derive_in_shell = v == "shell",
                    _ => panic!("{at}: unknown config {k}"),
                }
            }
            continue;
        }
        if line == "reload" {
            // `pagehide`: the shell writes what changed; whatever the old page had not handed
            // out is lost with it
            if let Some(c) = client.as_mut() {
                save(c, &mut store, store_full);
            }
            client = Some(Client::new(cfg.clone()));
            continue;
        }
        let c = client.get_or_insert_with(|| Client::new(cfg.clone()));
        if line == "store full" || line == "store ok" {
            store_full = line == "store full";
        } else if line == "lazy save" {
            // the shell's timer for changes that are not urgent
            save(c, &mut store, store_full);
        } else if let Some(k) = line.strip_prefix("KR: ") {
            let held = rosters.values().next().cloned();
            match (k.split_once(' '), held) {
                (None, held) if k == "none" => assert_eq!(held, None, "{at}: a roster is kept"),
                (Some(("contains", t)), Some(held)) => assert!(
                    held.contains(&subst(t, &vars)),
                    "{at}: kept roster lacks {t}\n  {held}"
                ),
                (Some(("lacks", t)), Some(held)) => assert!(
                    !held.contains(&subst(t, &vars)),
                    "{at}: kept roster holds {t}\n  {held}"
                ),
                _ => panic!("{at}: bad KR: line, or no roster kept"),
            }
        } else if let Some(k) = line.strip_prefix("K: ") {
            let held = store.values().next().cloned().unwrap_or_default();
            match k.split_once(' ') {
                Some(("contains", t)) => {
                    assert!(
                        held.contains(&subst(t, &vars)),
                        "{at}: store lacks {t}\n  {held}"
                    )
                }
                Some(("lacks", t)) => {
                    assert!(
                        !held.contains(&subst(t, &vars)),
                        "{at}: store holds {t}\n  {held}"
                    )
                }
                _ => panic!("{at}: bad K: line"),
            }
        } else if let Some(rest) = line.strip_prefix("cmd ") {
            let (ev, rest) = rest.split_once(' ').unwrap_or((rest, "null"));
            let (payload, cb) = match rest.rsplit_once(' ') {
                Some((p, cb))
                    if cb == "none" || cb == "notfn" || cb.contains(':') && !cb.contains('"') =>
                {
                    (p, cb)
                }
                _ => (rest, "none"),
            };
            let cb = match cb.split_once(':') {
                Some(("fn", id)) => Callback::Function(id.parse().unwrap()),
                Some(("promise", id)) => Callback::Promise(id.parse().unwrap()),
                _ if cb == "notfn" => Callback::NotAFunction,
                _ => Callback::None,
            };
            let text = subst(payload, &vars);
            let payload = json(&text);
            let mut de = serde_json::Deserializer::from_str(&text);
            let cmd = Command::read(
                ev,
                match &payload {
                    Value::Null => Payload::Empty,
                    Value::Object(_) => Payload::Object(&mut de),
                    _ => Payload::NotAnObject,
                },
            );
            c.handle_command(cmd, cb, now);
            // What this command caused carries its payload, for the echo of client errors.
            while let Some(e) = c.poll_event() {
                early.push_back((e, Some(payload.clone())));
            }
        } else if let Some(frame) = line.strip_prefix("S: ") {
            c.handle_frame(&subst(frame, &vars), now);
            // the shell reads a large answer in later tasks, before any other input
            while c.reading() {
                c.read_slice(now);
            }
        } else if let Some(frame) = line.strip_prefix("S~ ") {
            c.handle_frame(&subst(frame, &vars), now);
        } else if line == "quiet" {
            assert!(c.poll_event().is_none(), "{at}: an event came");
            assert!(c.poll_transmit().is_none(), "{at}: a transmit came");
        } else if line == "slice" {
            assert!(c.reading(), "{at}: no answer is being read");
            c.read_slice(now);
        } else if let Some(expected) = line.strip_prefix("C: ") {
            match c.poll_transmit() {
                Some(Transmit::Frame(f)) => {
                    assert!(
                        same_frame(expected, &f, &mut vars),
                        "{at}: frame differs\n  expected: {expected}\n  actual:   {f}"
                    )
                }
                other => panic!("{at}: expected frame {expected}, got {other:?}"),
            }
        } else if let Some(t) = line.strip_prefix("T: ") {
            let got = c.poll_transmit();
            let want = match t.split_once(' ') {
                Some(("connect", url)) => Transmit::Connect {
                    url: url.to_owned(),
                },
                Some(("discover", url)) => {
                    if let Some(Transmit::Discover { login, .. }) = &got {
                        logins.push(*login);
                    }
                    Transmit::Discover {
                        url: url.to_owned(),
                        login: logins.last().copied().unwrap_or(0),
                    }
                }
                Some(("derive", rest)) => {
                    // `T: derive sha1|sha256 <salt base64> <iterations>`: the password is
                    // the login's
                    let Some(Transmit::Derive { id, salting }) = &got else {
                        panic!("{at}: expected a derivation, got {got:?}");
                    };
                    derive_id = *id;
                    let want = format!(
                        "{} {} {}",
                        if salting.sha256 { "sha256" } else { "sha1" },
                        B64.encode(&salting.salt),
                        salting.iterations
                    );
                    assert_eq!(rest, want, "{at}");
                    continue;
                }
                Some(("release", h)) => Transmit::Release {
                    handle: h.parse().unwrap(),
                },
                Some(("put", rest)) => {
                    // `T: put <handle> <url> <content-type>[ <Name>=<value>[; ...]]`
                    let mut parts = rest.splitn(4, ' ');
                    let mut next = || parts.next().unwrap_or_else(|| panic!("{at}: bad put"));
                    let (handle, url, content_type) = (next(), next(), next());
                    let headers = parts.next().map_or_else(Vec::new, |h| {
                        h.split("; ")
                            .map(|kv| {
                                let (k, v) = kv.split_once('=').unwrap();
                                (k.to_owned(), subst(v, &vars))
                            })
                            .collect()
                    });
                    Transmit::Put {
                        handle: handle.parse().unwrap(),
                        url: subst(url, &vars),
                        headers,
                        content_type: content_type.to_owned(),
                    }
                }
                None if t == "close" => Transmit::Close,
                _ => panic!("{at}: bad T: line"),
            };
            assert_eq!(got, Some(want), "{at}");
        } else if let Some(s) = line.strip_prefix("socket ") {
            let ev = match s.strip_prefix("closed") {
                None => SocketEvent::Open,
                Some(code) => SocketEvent::Closed {
                    code: code.trim().parse().ok(),
                },
            };
            c.handle_socket(ev, now);
        } else if let Some(key) = line.strip_prefix("derived ") {
            // the shell's answer: SaltedPassword in base64, or `failed`
            c.handle_derived(derive_id, B64.decode(key).ok(), now);
        } else if let Some(u) = line.strip_prefix("upload ") {
            // the shell's report on a PUT: `upload <handle> progress N|done|failed|status N text`
            let (handle, what) = u.split_once(' ').unwrap();
            let ev = match what.split_once(' ') {
                Some(("progress", n)) => UploadEvent::Progress(n.parse().unwrap()),
                Some(("status", s)) => {
                    let (code, text) = s.split_once(' ').unwrap_or((s, ""));
                    UploadEvent::Status(code.parse().unwrap(), text.to_owned())
                }
                None if what == "done" => UploadEvent::Done,
                None if what == "failed" => UploadEvent::Failed,
                _ => panic!("{at}: bad upload line"),
            };
            c.handle_upload(handle.parse().unwrap(), ev, now);
        } else if line == "wake" {
            c.handle_wake(now);
        } else if let Some(n) = line.strip_prefix("network ") {
            c.handle_network(n == "up", now);
        } else if let Some(d) = line
            .strip_prefix("discovery ")
            .or_else(|| line.strip_prefix("stale discovery "))
        {
            // `stale discovery`: the answer to the first login's lookup, arriving late.
            let login = if line.starts_with("stale") {
                logins.first().copied().unwrap_or(0)
            } else {
                logins.last().copied().unwrap_or(0)
            };
            let d = match d.split_once(' ') {
                Some(("links", rest)) => {
                    let (rel, href) = rest.split_once(' ').unwrap();
                    Discovery::Links(vec![(rel.to_owned(), href.to_owned())])
                }
                Some(("xrd", xml)) => Discovery::Xrd(xml.to_owned()),
                Some(("failed", why)) => Discovery::Failed(why.to_owned()),
                _ => panic!("{at}: bad discovery line"),
            };
            c.handle_discovery(login, d, now);
        } else if let Some(e) = line.strip_prefix("E: ") {
            let (ev, payload) = e.split_once(' ').unwrap_or((e, "null"));
            let want = json(&subst(payload, &vars));
            match next_event(&mut early, c) {
                Some((Event::Emit(emit), echo)) => {
                    let name = emit.name();
                    let data = match emit.error() {
                        Some(e) => error_js(e, echo.as_ref()),
                        None => serde_json::to_value(&emit).unwrap(),
                    };
                    assert_eq!(name, ev, "{at}: event name (data {data:?})");
                    assert!(
                        same(&data, &want, &mut vars),
                        "{at}: {ev} payload\n  expected: {want:?}\n  actual:   {data:?}"
                    );
                }
                other => panic!("{at}: expected event {ev}, got {other:?}"),
            }
        } else if let Some(r) = line.strip_prefix("R: ") {
            let mut parts = r.splitn(3, ' ');
            let id: u32 = parts.next().unwrap().parse().unwrap();
            let kind = parts.next().unwrap();
            let want = json(&subst(parts.next().unwrap_or("null"), &vars));
            match next_event(&mut early, c) {
                Some((Event::Reply { request, result }, echo)) => {
                    assert_eq!(request, id, "{at}: reply id");
                    match (kind, result) {
                        ("ok", Ok(args)) => {
                            let args = serde_json::to_value(&args).unwrap();
                            assert!(
                                same(&args, &want, &mut vars),
                                "{at}: reply\n  expected: {want:?}\n  actual:   {args:?}"
                            )
                        }
                        ("err", Err(e)) => {
                            let e = error_js(&e, echo.as_ref());
                            assert!(
                                same(&e, &want, &mut vars),
                                "{at}: error reply\n  expected: {want:?}\n  actual:   {e:?}"
                            )
                        }
                        (k, r) => panic!("{at}: expected {k}, got {r:?}"),
                    }
                }
                other => panic!("{at}: expected reply {id}, got {other:?}"),
            }
        } else if let Some(ms) = line.strip_prefix('+') {
            now = Instant(now.0 + ms.parse::<u64>().unwrap());
            c.handle_timeout(now);
        } else {
            panic!("{at}: cannot read line {line:?}");
        }
        // The shell's part: loads answered at once; the state written before the task ends
        // when the application's stanzas changed (else at `lazy save` or `reload`); a changed
        // roster, which the shell writes with its lazy saves, here after every line.
        while let Some(op) = c.poll_store_op().or_else(|| c.poll_roster_store()) {
            match op {
                StoreOp::Load { account } => {
                    let held = store.get(&account).cloned();
                    c.handle_kept(&account, held.as_deref());
                }
                StoreOp::Remove { account } => {
                    store.remove(&account);
                }
                StoreOp::Save { .. } => unreachable!("saves come from poll_store_state"),
                StoreOp::LoadRoster { account } => {
                    let held = rosters.get(&account).cloned();
                    c.handle_kept_roster(&account, held.as_deref());
                }
                StoreOp::SaveRoster { account, text } => {
                    rosters.insert(account, text);
                }
                StoreOp::RemoveRoster { account } => {
                    rosters.remove(&account);
                }
            }
        }
        if c.store_urgent() {
            save(c, &mut store, store_full);
        }
    }
    if let Some(c) = client.as_mut() {
        assert_eq!(c.poll_transmit(), None, "{name}: transmit left over");
        assert!(early.is_empty(), "{name}: event left over: {early:?}");
        assert_eq!(c.poll_event(), None, "{name}: event left over");
    }
}

/// The shell's save: the state written when it changed (or refused when the store is full).
fn save(c: &mut Client, store: &mut HashMap<String, String>, full: bool) {
    if let Some(StoreOp::Save { account, text }) = c.poll_store_state() {
        if full {
            c.store_failed("the storage is full");
        } else {
            store.insert(account, text);
        }
    }
}

fn all_fixtures(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            all_fixtures(&p, out);
        } else if p.extension().is_some_and(|x| x == "transcript") {
            out.push(p);
        }
    }
}

fn fixture(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// One test per fixture, so that each shows (and fails) on its own.
macro_rules! transcripts {
    ($($name:ident => $path:literal,)*) => {
        $( #[test] fn $name() { run(&fixture($path)); } )*
        const LISTED: &[&str] = &[$($path),*];
    };
}

transcripts! {
    actions_outgoing => "actions/outgoing.transcript",
    actions_incoming => "actions/incoming.transcript",
    actions_bounced => "actions/bounced.transcript",
    actions_blocking => "actions/blocking.transcript",
    actions_history => "actions/history.transcript",
    actions_catchup => "actions/catchup.transcript",
    files_upload => "files/upload.transcript",
    files_retry => "files/retry.transcript",
    files_noservice => "files/noservice.transcript",
    files_incoming => "files/incoming.transcript",
    files_reload => "files/reload.transcript",
    sending_limits => "sending/limits.transcript",
    sending_option => "sending/option.transcript",
    sending_default => "sending/default.transcript",
    sending_outbox => "sending/outbox.transcript",
    sending_window => "sending/window.transcript",
    sending_refused_close => "sending/refused-close.transcript",
    sending_refused_stream_error => "sending/refused-stream-error.transcript",
    sending_refused_request => "sending/refused-request.transcript",
    sending_window_option => "sending/window-option.transcript",
    sending_cut_during_resumption => "sending/cut-during-resumption.transcript",
    sending_cut_twice_received => "sending/cut-twice-received.transcript",
    sending_stale_frame_after_resumption => "sending/stale-frame-after-resumption.transcript",
    sending_resumed_too_high => "sending/resumed-too-high.transcript",
    sending_ack_after_slow_answer => "sending/ack-after-slow-answer.transcript",
    chat_carbons => "chat/carbons.transcript",
    chat_hostile => "chat/hostile.transcript",
    chat_ids_and_dedup => "chat/ids-and-dedup.transcript",
    chat_issue_11_jid_normalisation => "chat/issue-11-jid-normalisation.transcript",
    chat_incoming => "chat/incoming.transcript",
    chat_no_carbons => "chat/no-carbons.transcript",
    chat_outgoing => "chat/outgoing.transcript",
    chat_receipts => "chat/receipts.transcript",
    errors_before_login => "errors/before-login.transcript",
    errors_deep_nesting => "errors/deep-nesting.transcript",
    errors_negotiation_not_well_formed => "errors/negotiation-not-well-formed.transcript",
    errors_no_reconnect => "errors/no-reconnect.transcript",
    errors_not_well_formed => "errors/not-well-formed.transcript",
    errors_policy_violation => "errors/policy-violation.transcript",
    errors_server_stream_error => "errors/server-stream-error.transcript",
    login_anonymous => "login/anonymous.transcript",
    login_discovery_failed => "login/discovery-failed.transcript",
    login_discovery => "login/discovery.transcript",
    roster_commands => "roster/commands.transcript",
    roster_push => "roster/push.transcript",
    roster_versioning => "roster/versioning.transcript",
    roster_kept => "roster/kept.transcript",
    roster_large_answer => "roster/large-answer.transcript",
    roster_sliced => "roster/sliced.transcript",
    roster_sliced_settle => "roster/sliced-settle.transcript",
    login_issue_11_stale_discovery => "login/issue-11-stale-discovery.transcript",
    login_login_timeout => "login/login-timeout.transcript",
    login_missing_credentials => "login/missing-credentials.transcript",
    login_plain_loopback => "login/plain-loopback.transcript",
    login_plain_refused_insecure => "login/plain-refused-insecure.transcript",
    login_register_conflict => "login/register-conflict.transcript",
    login_register => "login/register.transcript",
    login_sasl_failure => "login/sasl-failure.transcript",
    login_scram_bad_server_signature => "login/scram-bad-server-signature.transcript",
    login_scram_sha1_rfc5802 => "login/scram-sha1-rfc5802.transcript",
    login_scram_sha256_rfc7677 => "login/scram-sha256-rfc7677.transcript",
    login_scram_shell_derived => "login/scram-shell-derived.transcript",
    login_scram_shell_derive_failed => "login/scram-shell-derive-failed.transcript",
    login_scram_shell_derive_late => "login/scram-shell-derive-late.transcript",
    mam_disco_timeout => "mam/disco-timeout.transcript",
    mam_preferences => "mam/preferences.transcript",
    mam_query => "mam/query.transcript",
    mam_unsupported => "mam/unsupported.transcript",
    presence_receive => "presence/receive.transcript",
    sm_ack_unasked => "sm/ack-unasked.transcript",
    sm_conflict_after_resume => "sm/conflict-after-resume.transcript",
    reload_resume_after_reload => "reload/resume-after-reload.transcript",
    reload_failed_resume_and_catchup => "reload/failed-resume-and-catchup.transcript",
    presence_send => "presence/send.transcript",
    session_auto_answers => "session/auto-answers.transcript",
    session_logout_no_answer => "session/logout-no-answer.transcript",
    session_logout => "session/logout.transcript",
    session_queued_before_online => "session/queued-before-online.transcript",
    session_see_other_uri => "session/see-other-uri.transcript",
    sm_acks => "sm/acks.transcript",
    sm_carbons_counted => "sm/carbons-counted.transcript",
    sm_counts_every_stanza => "sm/counts-every-stanza.transcript",
    sm_give_up => "sm/give-up.transcript",
    sm_keepalive => "sm/keepalive.transcript",
    sm_network_and_logout => "sm/network-and-logout.transcript",
    sm_no_sm_reconnect => "sm/no-sm-reconnect.transcript",
    sm_resume_failed => "sm/resume-failed.transcript",
    sm_resume => "sm/resume.transcript",
    sm_server_not_well_formed => "sm/server-not-well-formed.transcript",
    sm_terminal_stream_error => "sm/terminal-stream-error.transcript",
    sm_wake => "sm/wake.transcript",
    strangers_carbons => "strangers/carbons.transcript",
    strangers_catchup => "strangers/catchup.transcript",
    strangers_history => "strangers/history.transcript",
    strangers_limits => "strangers/limits.transcript",
    strangers_live => "strangers/live.transcript",
}

#[test]
fn every_fixture_is_listed() {
    let mut files = Vec::new();
    all_fixtures(&fixture(""), &mut files);
    for f in files {
        let rel = f
            .strip_prefix(fixture(""))
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        assert!(
            LISTED.contains(&rel.as_str()),
            "add {rel} to the transcripts! list"
        );
    }
}
