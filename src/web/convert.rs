//! `JsValue` <-> [`Value`].
//!
//! To JS: serde-wasm-bindgen. From JS: a hardened reader rather than serde-wasm-bindgen's
//! deserializer, which walks objects with `Object.entries`: that runs getters and proxy traps
//! and lets their exceptions through to the caller of `send`, and it follows cycles. This
//! reader reads own data properties from their descriptors (no getter or trap runs), catches
//! every exception, and bounds depth, size and the total walk (self-referencing payloads).

use crate::value::Value;
use js_sys::{Array, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

/// Deepest payload nesting converted; deeper values become [`Value::Other`] (a wrong type).
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
pub(crate) fn from_js(v: &JsValue) -> Value {
    let mut walk = Walk {
        budget: MAX_NODES,
        path: Vec::new(),
    };
    from_js_depth(v, 0, &mut walk)
}

fn from_js_depth(v: &JsValue, depth: usize, walk: &mut Walk) -> Value {
    if walk.budget == 0 {
        return Value::Other;
    }
    walk.budget -= 1;
    if v.is_undefined() || v.is_null() {
        return Value::Null;
    }
    if let Some(b) = v.as_bool() {
        return Value::Bool(b);
    }
    if let Some(n) = v.as_f64() {
        return Value::Num(n);
    }
    if let Some(s) = v.as_string() {
        return Value::Str(s);
    }
    if depth >= MAX_DEPTH || v.is_function() || !v.is_object() {
        return Value::Other;
    }
    // An object that contains itself (directly or through a child) is a wrong type.
    if walk.path.iter().any(|p| Object::is(p, v)) {
        return Value::Other;
    }
    walk.path.push(v.clone());
    let out = from_js_object(v, depth, walk);
    walk.path.pop();
    out
}

fn from_js_object(v: &JsValue, depth: usize, walk: &mut Walk) -> Value {
    if Array::is_array(v) {
        let a: &Array = v.unchecked_ref();
        if a.length() > MAX_ITEMS {
            return Value::Other;
        }
        return Value::Arr(
            a.iter()
                .map(|x| from_js_depth(&x, depth + 1, walk))
                .collect(),
        );
    }
    let Ok(keys) = Reflect::own_keys(v) else {
        return Value::Other;
    };
    if keys.length() > MAX_ITEMS {
        return Value::Other;
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
    Value::Obj(fields)
}

/// Converts an event payload to a plain JS value with serde-wasm-bindgen (objects, not Maps).
/// Never fails for a [`Value`] (strings, finite or not numbers, booleans, arrays, objects).
pub(crate) fn to_js(v: &Value) -> JsValue {
    v.serialize(&SERIALIZER).unwrap_or(JsValue::UNDEFINED)
}

/// Plain objects for maps, `null` for unit.
const SERIALIZER: serde_wasm_bindgen::Serializer =
    serde_wasm_bindgen::Serializer::json_compatible();
