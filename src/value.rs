//! A small JSON-like value: the payloads that cross the JS boundary.
//!
//! Commands from JS and events to JS are plain objects. The core works on this tree so that
//! validation can produce xmpp-ftw's exact error texts (`Missing 'to' key`, ...) in xmpp-ftw's
//! order and echo the caller's payload. Events go to JS with serde-wasm-bindgen (`Serialize`
//! below); payloads from JS are read by the shell's hardened reader (`src/web/convert.rs`).

use std::fmt;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// A JSON-like value. Objects keep their key order (xmpp-ftw payloads are compared whole).
#[derive(Clone, PartialEq, Default)]
pub enum Value {
    /// `null` (JS `undefined` in an object is dropped, not mapped here).
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A JS number.
    Num(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Value>),
    /// An object, keys in insertion order.
    Obj(Vec<(String, Value)>),
    /// A value JSON has no form for (a function, a symbol, a bigint): always a wrong type.
    Other,
}

impl Value {
    /// An empty object.
    pub fn obj() -> Value {
        Value::Obj(Vec::new())
    }

    /// Builder: sets `key` (replacing an existing one) and returns the object.
    #[must_use]
    pub fn with(mut self, key: &str, v: impl Into<Value>) -> Value {
        self.set(key, v);
        self
    }

    /// Builder: sets `key` only when `v` is `Some`.
    #[must_use]
    pub fn with_opt<V: Into<Value>>(mut self, key: &str, v: Option<V>) -> Value {
        if let Some(v) = v {
            self.set(key, v);
        }
        self
    }

    /// Sets `key` on an object (no-op on other values).
    pub fn set(&mut self, key: &str, v: impl Into<Value>) {
        if let Value::Obj(fields) = self {
            let v = v.into();
            if let Some(slot) = fields.iter_mut().find(|(k, _)| k == key) {
                slot.1 = v;
            } else {
                fields.push((key.to_owned(), v));
            }
        }
    }

    /// Removes `key` from an object.
    pub fn remove(&mut self, key: &str) {
        if let Value::Obj(fields) = self {
            fields.retain(|(k, _)| k != key);
        }
    }

    /// The value of `key`, when this is an object that has it (a `null` counts as absent).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Obj(fields) => fields
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .filter(|v| !matches!(v, Value::Null)),
            _ => None,
        }
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// `get(key)` as a string.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }

    /// Whether this is an object.
    pub fn is_obj(&self) -> bool {
        matches!(self, Value::Obj(_))
    }

    /// Removes, from every string in the value, the characters that XML 1.0 forbids
    /// (RFC 6120 §11.1: control characters, U+FFFE, U+FFFF): they can never be sent, so a
    /// command carrying them is sent without them rather than refused.
    pub fn strip_non_xml(&mut self) {
        fn xml_char(c: char) -> bool {
            matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        }
        match self {
            Value::Str(s) if !s.chars().all(xml_char) => s.retain(xml_char),
            Value::Arr(a) => a.iter_mut().for_each(Value::strip_non_xml),
            Value::Obj(fields) => {
                for (k, v) in fields.iter_mut() {
                    if !k.chars().all(xml_char) {
                        k.retain(xml_char);
                    }
                    v.strip_non_xml();
                }
            }
            _ => {}
        }
    }

    /// JS truthiness, as xmpp-ftw's `if (data.receipt)` tests it.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Num(n) => *n != 0.0 && !n.is_nan(),
            Value::Str(s) => !s.is_empty(),
            _ => true,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<f64> for Value {
    fn from(n: f64) -> Value {
        Value::Num(n)
    }
}
impl From<Vec<Value>> for Value {
    fn from(a: Vec<Value>) -> Value {
        Value::Arr(a)
    }
}

/// Serialises as the JS value the application receives: objects with their keys in order,
/// integers as numbers; [`Value::Other`] is left out of objects and is `null` in arrays. The
/// wasm shell hands every event payload to JS with serde-wasm-bindgen through this impl.
impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null | Value::Other => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Num(n) => s.serialize_f64(*n),
            Value::Str(v) => s.serialize_str(v),
            Value::Arr(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Value::Obj(fields) => {
                let shown = fields.iter().filter(|(_, v)| *v != Value::Other);
                let mut map = s.serialize_map(Some(shown.clone().count()))?;
                for (k, v) in shown {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// JSON text, for test failure messages and docs (not used on the hot path).
impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Num(n) => write!(f, "{n}"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::Arr(a) => f.debug_list().entries(a).finish(),
            Value::Obj(o) => {
                f.write_str("{")?;
                for (i, (k, v)) in o.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k:?}: {v:?}")?;
                }
                f.write_str("}")
            }
            Value::Other => f.write_str("<function>"),
        }
    }
}

/// Builds an object: `obj! { "to" => "bob@example.org", "content" => "hi" }`.
#[macro_export]
macro_rules! obj {
    () => { $crate::value::Value::obj() };
    ($($k:literal => $v:expr),+ $(,)?) => {{
        let mut o = $crate::value::Value::obj();
        $( o.set($k, $v); )+
        o
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_replaces_and_keeps_order() {
        let mut v = obj! { "a" => 1.0, "b" => "x" };
        v.set("a", true);
        v.set("c", Value::Null);
        assert_eq!(format!("{v:?}"), r#"{"a": true, "b": "x", "c": null}"#);
        assert_eq!(v.get("c"), None, "null counts as absent");
        v.remove("b");
        assert_eq!(v.get_str("b"), None);
    }

    #[test]
    fn serialises_like_json() {
        let v = obj! { "a" => "q\"", "n" => -120.0,
        "l" => Value::Arr(vec![Value::Bool(true), Value::Null, Value::Other]), "f" => Value::Other };
        // serde_json (a dev-dependency) stands in for serde-wasm-bindgen's serializer here.
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"a":"q\"","n":-120.0,"l":[true,null,null]}"#
        );
    }

    #[test]
    fn strips_what_xml_cannot_carry() {
        let mut v = obj! { "a" => "x\u{0}y\u{1b}\tz\u{fffe}", "l" => Value::Arr(vec![Value::Str("\u{8}".into())]) };
        v.strip_non_xml();
        assert_eq!(
            v,
            obj! { "a" => "xy\tz", "l" => Value::Arr(vec![Value::Str(String::new())]) }
        );
    }

    #[test]
    fn truthiness_follows_js() {
        assert!(!Value::Str(String::new()).truthy());
        assert!(Value::Num(2.0).truthy());
        assert!(!Value::Num(f64::NAN).truthy());
        assert!(Value::obj().truthy());
    }
}
