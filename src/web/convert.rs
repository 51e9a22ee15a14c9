//! `JsValue` <-> [`Value`] without JSON or serde: the payloads cross the boundary as objects.

use crate::value::Value;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Deepest payload nesting converted; deeper values become [`Value::Other`] (a wrong type).
const MAX_DEPTH: usize = 32;
/// Most array items or object keys converted; more is a wrong type.
const MAX_ITEMS: u32 = 10_000;

/// Converts a JS value. Never throws: getters that throw, proxies and cycles become
/// `Null`/`Other`, which validation then refuses with a client error.
pub(crate) fn from_js(v: &JsValue) -> Value {
    from_js_depth(v, 0)
}

fn from_js_depth(v: &JsValue, depth: usize) -> Value {
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
    if Array::is_array(v) {
        let a: &Array = v.unchecked_ref();
        if a.length() > MAX_ITEMS {
            return Value::Other;
        }
        return Value::Arr(a.iter().map(|x| from_js_depth(&x, depth + 1)).collect());
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
        fields.push((name, from_js_depth(&val, depth + 1)));
    }
    Value::Obj(fields)
}

/// Converts to a plain JS value: JSON text parsed by the browser, which is several times
/// faster than setting each property across the wasm boundary (measured with bench/). JSON.parse
/// makes every key an own data property, so a key such as `__proto__` changes no prototype.
pub(crate) fn to_js(v: &Value) -> JsValue {
    let mut text = String::new();
    if !v.write_json(&mut text) {
        return to_js_slow(v);
    }
    js_sys::JSON::parse(&text).unwrap_or_else(|_| to_js_slow(v))
}

/// Property-by-property conversion, used only if `JSON.parse` refused the text.
fn to_js_slow(v: &Value) -> JsValue {
    match v {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Num(n) => JsValue::from_f64(*n),
        Value::Str(s) => JsValue::from_str(s),
        Value::Arr(a) => a.iter().map(to_js_slow).collect::<Array>().into(),
        Value::Obj(fields) => {
            let o = Object::new();
            for (k, val) in fields {
                let key = JsValue::from_str(k);
                if k == "__proto__" {
                    let desc = Object::new();
                    let _ = Reflect::set(&desc, &"value".into(), &to_js_slow(val));
                    for flag in ["writable", "enumerable", "configurable"] {
                        let _ = Reflect::set(&desc, &flag.into(), &JsValue::TRUE);
                    }
                    Object::define_property(&o, &key, &desc);
                } else {
                    let _ = Reflect::set(&o, &key, &to_js_slow(val));
                }
            }
            o.into()
        }
        Value::Other => JsValue::UNDEFINED,
    }
}
