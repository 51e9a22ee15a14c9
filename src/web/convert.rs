//! JS payloads in, typed events out.
//!
//! In: the caller's payload is copied into a plain JS value before serde-wasm-bindgen reads
//! it. serde-wasm-bindgen's deserializer walks objects with `Object.entries`, which runs
//! getters and proxy traps, lets their exceptions through to the caller of `send` and follows
//! cycles. The copy reads own data properties from their descriptors (no getter or trap runs),
//! catches every exception, and bounds depth, size and the total walk (self-referencing
//! payloads); a value JSON has no form for (a function, a symbol, a bigint, a cycle, too deep)
//! becomes a symbol, which every command key reads as a wrong type. The copy is also what a
//! client error echoes as `request`.
//!
//! Out: events, callback arguments and errors with serde-wasm-bindgen (plain objects).

use crate::events::command::{Command, Payload};
use crate::events::{Echo, Error};
use js_sys::{Array, Object, Reflect, Symbol};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

/// Deepest payload nesting copied; deeper values are a wrong type.
const MAX_DEPTH: usize = 32;
/// Most array items or object keys copied; more is a wrong type.
const MAX_ITEMS: u32 = 10_000;

/// Most values (of any kind, at any depth) copied from one payload: bounds the work for
/// payloads that contain themselves (a key pointing back to the object or a parent), whose
/// walk would otherwise grow exponentially with the depth limit.
const MAX_NODES: usize = 20_000;

/// The walk's state: values left in the budget, and the objects on the current path.
struct Walk {
    budget: usize,
    path: Vec<JsValue>,
}

/// The stand-in for a value of a type no payload key takes.
fn wrong() -> JsValue {
    Symbol::for_("xmpp-ftw-wasm: wrong type").into()
}

/// Copies a JS payload. Never throws: getters that throw, proxies and cycles become absent
/// keys or wrong types, which validation then refuses with a client error.
pub(crate) fn copy_payload(v: &JsValue) -> JsValue {
    let mut walk = Walk {
        budget: MAX_NODES,
        path: Vec::new(),
    };
    copy(v, 0, &mut walk)
}

fn copy(v: &JsValue, depth: usize, walk: &mut Walk) -> JsValue {
    if walk.budget == 0 {
        return wrong();
    }
    walk.budget -= 1;
    if v.is_undefined() || v.is_null() || v.as_bool().is_some() || v.is_string() {
        return v.clone();
    }
    if v.as_f64().is_some() {
        return v.clone();
    }
    if depth >= MAX_DEPTH || v.is_function() || !v.is_object() {
        return wrong();
    }
    // An object that contains itself (directly or through a child) is a wrong type.
    if walk.path.iter().any(|p| Object::is(p, v)) {
        return wrong();
    }
    walk.path.push(v.clone());
    let out = copy_object(v, depth, walk);
    walk.path.pop();
    out
}

fn copy_object(v: &JsValue, depth: usize, walk: &mut Walk) -> JsValue {
    if Array::is_array(v) {
        let a: &Array = v.unchecked_ref();
        if a.length() > MAX_ITEMS {
            return wrong();
        }
        return a
            .iter()
            .map(|x| copy(&x, depth + 1, walk))
            .collect::<Array>()
            .into();
    }
    let Ok(keys) = Reflect::own_keys(v) else {
        return wrong();
    };
    if keys.length() > MAX_ITEMS {
        return wrong();
    }
    let out = Object::new();
    let obj: &Object = v.unchecked_ref();
    for k in keys.iter() {
        // Symbol keys are not xmpp-ftw keys; `__proto__` is skipped so that no copy of it
        // can set a prototype.
        if !k.is_string() || k.as_string().as_deref() == Some("__proto__") {
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
        let _ = Reflect::set(&out, &k, &copy(&val, depth + 1, walk));
    }
    out.into()
}

/// Reads a command from the copy of its payload.
pub(crate) fn read_command(name: &str, copy: &JsValue) -> Command {
    let payload = if copy.is_undefined() || copy.is_null() {
        Payload::Empty
    } else if !copy.is_object() || Array::is_array(copy) {
        Payload::NotAnObject
    } else {
        Payload::Object(serde_wasm_bindgen::Deserializer::from(copy.clone()))
    };
    Command::read(name, payload)
}

/// Converts an event payload or callback arguments to plain JS values.
pub(crate) fn to_js<T: Serialize + ?Sized>(v: &T) -> JsValue {
    v.serialize(&SERIALIZER).unwrap_or(JsValue::UNDEFINED)
}

/// An error as the application gets it: a client error carries `request`, the copy of the
/// caller's payload (`echo`), without its password or with `type: "chat"` where xmpp-ftw
/// says so.
pub(crate) fn error_to_js(e: &Error, echo: Option<&JsValue>) -> JsValue {
    let out = to_js(e);
    if let Some(c) = e.as_client() {
        // `undefined` and `null` are an empty payload
        let payload = echo
            .filter(|p| !p.is_undefined() && !p.is_null())
            .cloned()
            .unwrap_or_else(|| Object::new().into());
        let request: JsValue = match c.echo {
            Echo::Empty => Object::new().into(),
            Echo::Payload => payload,
            Echo::AsChat | Echo::Redacted if payload.is_object() => {
                let r = Object::assign(&Object::new(), payload.unchecked_ref());
                if c.echo == Echo::AsChat {
                    let _ = Reflect::set(&r, &"type".into(), &"chat".into());
                } else {
                    let _ = Reflect::delete_property(&r, &"password".into());
                }
                r.into()
            }
            Echo::AsChat | Echo::Redacted => Object::new().into(),
        };
        let _ = Reflect::set(&out, &"request".into(), &request);
    }
    out
}

/// Plain objects for maps, `null` for unit.
const SERIALIZER: serde_wasm_bindgen::Serializer =
    serde_wasm_bindgen::Serializer::json_compatible();
