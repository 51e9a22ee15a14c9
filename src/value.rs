//! A small JSON-like value: the payloads that cross the JS boundary.
//!
//! Commands from JS and events to JS are plain objects. The core works on this tree rather
//! than on serde structs so that validation can produce xmpp-ftw's exact error texts
//! (`Missing 'to' key`, ...) and echo the caller's payload, and so that the wasm build carries
//! no JSON or serde machinery: the shell converts `Value` to and from `JsValue` directly.

use std::fmt;

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

impl Value {
    /// Writes the value as JSON text (RFC 8259). The wasm shell hands payloads to JS this way:
    /// one string and the browser's native `JSON.parse` cost a fraction of building the object
    /// property by property across the wasm boundary. [`Value::Other`] is left out of objects
    /// and is `null` in arrays. Returns `false` when a number is not an integer of at most 2^53
    /// (the shell then converts property by property: float formatting would cost 10 KB of wasm).
    pub fn write_json(&self, out: &mut String) -> bool {
        match self {
            Value::Null | Value::Other => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Num(n) => {
                if n.fract() != 0.0 || n.abs() > 9_007_199_254_740_992.0 || n.is_nan() {
                    return false;
                }
                let mut v = n.abs() as u64;
                if *n < 0.0 {
                    out.push('-');
                }
                let mut digits = [0u8; 20];
                let mut i = digits.len();
                loop {
                    i -= 1;
                    digits[i] = b'0' + (v % 10) as u8;
                    v /= 10;
                    if v == 0 {
                        break;
                    }
                }
                for d in &digits[i..] {
                    out.push(*d as char);
                }
            }
            Value::Str(s) => write_json_string(out, s),
            Value::Arr(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if !v.write_json(out) {
                        return false;
                    }
                }
                out.push(']');
            }
            Value::Obj(o) => {
                out.push('{');
                let mut first = true;
                for (k, v) in o {
                    if matches!(v, Value::Other) {
                        continue;
                    }
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    write_json_string(out, k);
                    out.push(':');
                    if !v.write_json(out) {
                        return false;
                    }
                }
                out.push('}');
            }
        }
        true
    }
}

/// A JSON string literal: `"` and `\` escaped, control characters as `\u00XX`.
fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let esc = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let n = c as u32;
            out.push_str("\\u");
            for shift in [12, 8, 4, 0] {
                out.push(HEX[((n >> shift) & 15) as usize] as char);
            }
        } else {
            out.push_str(esc);
        }
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
    out.push('"');
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
    fn json_text() {
        let v = obj! { "a" => "q\"\\\n\u{1}\u{2028}é", "n" => -120.0, "z" => 0.0,
        "l" => Value::Arr(vec![Value::Bool(true), Value::Null, Value::Other]), "f" => Value::Other,
        "__proto__" => obj!{"x" => 2.0} };
        let mut s = String::new();
        assert!(v.write_json(&mut s));
        assert_eq!(
            s,
            r#"{"a":"q\"\\\u000a\u0001\u2028é","n":-120,"z":0,"l":[true,null,null],"__proto__":{"x":2}}"#
        );
        for n in [1.5, f64::NAN, f64::INFINITY, 1e300] {
            assert!(!Value::Num(n).write_json(&mut String::new()), "{n}");
        }
    }

    #[test]
    fn truthiness_follows_js() {
        assert!(!Value::Str(String::new()).truthy());
        assert!(Value::Num(2.0).truthy());
        assert!(!Value::Num(f64::NAN).truthy());
        assert!(Value::obj().truthy());
    }
}
