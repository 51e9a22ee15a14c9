//! JS payloads in, typed events out.
//!
//! In: the caller's payload is copied into a [`Tree`], which `Command::read` deserialises
//! (`crate::tree` says why from a tree). The copy is hardened: it reads own data properties
//! from their descriptors (no getter, proxy trap or method of the object runs), catches every
//! exception, and bounds depth, size and the total walk (self-referencing payloads); a value
//! JSON has no form for (a function, a symbol, a bigint, a cycle, too deep) is
//! [`Tree::Other`], which every command key reads as a wrong type. The copy is also what a
//! client error echoes as `request`.
//!
//! Out: events, callback arguments and errors with serde-wasm-bindgen (plain objects).

use crate::events::command::{Command, Payload};
use crate::events::Reply;
use crate::events::{Echo, Error};
use crate::tree::Tree;
use js_sys::{Array, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

/// Deepest payload nesting converted; deeper values become [`Tree::Other`] (a wrong type).
const MAX_DEPTH: usize = 32;
/// Most array items or object keys converted; more is a wrong type.
const MAX_ITEMS: u32 = 10_000;

/// Most values (of any kind, at any depth) converted from one payload: bounds the work for
/// payloads that contain themselves (a key pointing back to the object or a parent), whose
/// walk would otherwise grow exponentially with the depth limit.
const MAX_NODES: usize = 20_000;

/// The walk's state: values left in the budget, and the objects on the current path.
struct Walk {
    budget: usize,
    path: Vec<JsValue>,
}

/// Converts a JS value. Never throws: getters that throw, proxies and cycles become
/// `Null`/`Other`, which validation then refuses with a client error.
pub(crate) fn copy_payload(v: &JsValue) -> Tree {
    let mut walk = Walk {
        budget: MAX_NODES,
        path: Vec::new(),
    };
    from_js_depth(v, 0, &mut walk)
}

fn from_js_depth(v: &JsValue, depth: usize, walk: &mut Walk) -> Tree {
    if walk.budget == 0 {
        return Tree::Other;
    }
    walk.budget -= 1;
    if v.is_undefined() || v.is_null() {
        return Tree::Null;
    }
    if let Some(b) = v.as_bool() {
        return Tree::Bool(b);
    }
    if let Some(n) = v.as_f64() {
        return Tree::Num(n);
    }
    if let Some(s) = v.as_string() {
        return Tree::Str(s);
    }
    if depth >= MAX_DEPTH || v.is_function() || !v.is_object() {
        return Tree::Other;
    }
    // An object that contains itself (directly or through a child) is a wrong type.
    if walk.path.iter().any(|p| Object::is(p, v)) {
        return Tree::Other;
    }
    walk.path.push(v.clone());
    let out = from_js_object(v, depth, walk);
    walk.path.pop();
    out
}

fn from_js_object(v: &JsValue, depth: usize, walk: &mut Walk) -> Tree {
    if Array::is_array(v) {
        let a: &Array = v.unchecked_ref();
        if a.length() > MAX_ITEMS {
            return Tree::Other;
        }
        return Tree::Arr(
            a.iter()
                .map(|x| from_js_depth(&x, depth + 1, walk))
                .collect(),
        );
    }
    let Ok(keys) = Reflect::own_keys(v) else {
        return Tree::Other;
    };
    if keys.length() > MAX_ITEMS {
        return Tree::Other;
    }
    let mut fields = Vec::new();
    let obj: &Object = v.unchecked_ref();
    for k in keys.iter() {
        let Some(name) = k.as_string() else { continue };
        // Not an xmpp-ftw key; skipped so that no echo of it can set a prototype.
        if name == "__proto__" {
            continue;
        }
        // Own enumerable data properties only, read from their descriptors: no getter, proxy
        // trap or method of the object (which may be missing or hostile) runs.
        let Ok(desc) = Reflect::get_own_property_descriptor(obj, &k) else {
            continue;
        };
        if desc.is_undefined()
            || !Reflect::get(&desc, &"enumerable".into()).is_ok_and(|e| e.is_truthy())
        {
            continue;
        }
        let val = Reflect::get(&desc, &"value".into()).unwrap_or(JsValue::UNDEFINED);
        if val.is_undefined() {
            continue;
        }
        fields.push((name, from_js_depth(&val, depth + 1, walk)));
    }
    Tree::Obj(fields)
}

/// Reads a command from the copy of its payload.
pub(crate) fn read_command(name: &str, copy: &Tree) -> Command {
    let payload = match copy {
        Tree::Null => Payload::Empty,
        Tree::Obj(_) => Payload::Object(copy),
        _ => Payload::NotAnObject,
    };
    Command::read(name, payload)
}

/// Converts an event payload or callback arguments to plain JS values.
pub(crate) fn to_js<T: Serialize + ?Sized>(v: &T) -> JsValue {
    v.serialize(&SERIALIZER).unwrap_or(JsValue::UNDEFINED)
}

/// `v` written as one JSON text that `JSON.parse` reads: one crossing instead of one per
/// field and string. The same values as [`to_js`] (its serializer is JSON-compatible).
fn via_json<T: Serialize + ?Sized>(v: &T) -> Option<JsValue> {
    let text = serde_json::to_string(v).ok()?;
    js_sys::JSON::parse(&text).ok()
}

/// Callback arguments as a JS array. A roster's items (thousands of objects) cross as one
/// JSON text (docs/decisions.md §19).
pub(crate) fn args_to_js(args: &Reply) -> Array {
    if let Reply::Roster(items) = args {
        if let Some(items) = via_json(items) {
            return Array::of1(&items);
        }
    }
    to_js(args).unchecked_into()
}

/// An error as the application gets it: a client error carries `request`, the copy of the
/// caller's payload (`echo`), without its password or with `type: "chat"` where xmpp-ftw
/// says so.
pub(crate) fn error_to_js(e: &Error, echo: Option<&Tree>) -> JsValue {
    let out = to_js(e);
    if let Some(c) = e.as_client() {
        // `undefined` and `null` are an empty payload
        let mut request = match echo {
            None | Some(Tree::Null) => Tree::Obj(Vec::new()),
            Some(t) => t.clone(),
        };
        match (c.echo, &mut request) {
            (Echo::Empty, r) => *r = Tree::Obj(Vec::new()),
            (Echo::AsChat, Tree::Obj(fields)) => {
                fields.retain(|(k, _)| k != "type");
                fields.push(("type".into(), Tree::Str("chat".into())));
            }
            (Echo::Redacted, Tree::Obj(fields)) => fields.retain(|(k, _)| k != "password"),
            _ => {}
        }
        let _ = Reflect::set(&out, &"request".into(), &to_js(&request));
    }
    out
}

/// Plain objects for maps, `null` for unit.
const SERIALIZER: serde_wasm_bindgen::Serializer =
    serde_wasm_bindgen::Serializer::json_compatible();
