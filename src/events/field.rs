//! Command payload fields that never fail to deserialise.
//!
//! xmpp-ftw checks a payload key by key, in its own order, and answers the first fault with
//! its own text (`Missing 'to' key`, `Invalid 'to' key`). A `#[derive(Deserialize)]` struct
//! that stopped at the first wrong type would answer with serde's text instead, in the order
//! of the input. So each key of a command is a [`Field`]: absent, of a wrong type, or given;
//! the command's validator then runs xmpp-ftw's checks in xmpp-ftw's order.
//!
//! A `null` counts as absent (xmpp-ftw tests keys with `if (!data.to)`-like checks). A value
//! serde cannot read at all (a function or a symbol in the shell's copy of a JS payload) is a
//! wrong type.

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// One key of a command's payload.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Field<T> {
    /// Not in the payload, or `null`.
    #[default]
    Absent,
    /// Present with a type this key cannot have.
    Wrong,
    /// Present and readable.
    Given(T),
}

impl<T> Field<T> {
    /// Whether the key is absent (or `null`).
    pub fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }

    /// The value when given.
    pub fn given(&self) -> Option<&T> {
        match self {
            Field::Given(v) => Some(v),
            _ => None,
        }
    }

    /// `Ok(None)` when absent, `Ok(Some(v))` when given, `Err(WrongType)` for a wrong type.
    pub fn read(self) -> Result<Option<T>, WrongType> {
        match self {
            Field::Absent => Ok(None),
            Field::Wrong => Err(WrongType),
            Field::Given(v) => Ok(Some(v)),
        }
    }
}

/// A key's value has a type the key cannot have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrongType;

/// How a value of a JS-like type becomes `Self`; `None` is a wrong type. Arrays and objects
/// are read from serde's accessors (and skipped when the type takes neither).
pub trait Loose<'de>: Sized {
    /// From `true`/`false`.
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
    /// From a number.
    fn from_num(_: f64) -> Option<Self> {
        None
    }
    /// From a string.
    fn from_str(_: &str) -> Option<Self> {
        None
    }
    /// From an array.
    fn from_seq<A: SeqAccess<'de>>(seq: A) -> Result<Option<Self>, A::Error> {
        skip_seq(seq).map(|()| None)
    }
    /// From an object.
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
        skip_map(map).map(|()| None)
    }
}

/// Reads an array to its end without keeping it (one copy per reader, not per key type).
fn skip_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Reads an object to its end without keeping it.
fn skip_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// A string without the characters XML 1.0 forbids (RFC 6120 §11.1: control characters,
/// U+FFFE, U+FFFF): they can never be sent, so a command carrying them is sent without them
/// rather than refused.
pub fn xml_text(s: &str) -> String {
    fn xml_char(c: &char) -> bool {
        matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
    }
    if s.chars().all(|c| xml_char(&c)) {
        s.to_owned()
    } else {
        s.chars().filter(xml_char).collect()
    }
}

impl Loose<'_> for String {
    fn from_str(s: &str) -> Option<Self> {
        Some(xml_text(s))
    }
}

impl Loose<'_> for f64 {
    fn from_num(n: f64) -> Option<Self> {
        Some(n)
    }
}

impl Loose<'_> for bool {
    fn from_bool(b: bool) -> Option<Self> {
        Some(b)
    }
}

/// JS truthiness, as xmpp-ftw's `if (data.receipt)` tests it: an absent key is `false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Truthy(pub bool);

impl Field<Truthy> {
    /// Whether the key is truthy.
    pub fn truthy(&self) -> bool {
        match self {
            Field::Given(t) => t.0,
            Field::Wrong => true, // a function or symbol is truthy in JS
            Field::Absent => false,
        }
    }
}

impl<'de> Loose<'de> for Truthy {
    fn from_bool(b: bool) -> Option<Self> {
        Some(Truthy(b))
    }
    fn from_num(n: f64) -> Option<Self> {
        Some(Truthy(n != 0.0 && !n.is_nan()))
    }
    fn from_str(s: &str) -> Option<Self> {
        Some(Truthy(!s.is_empty()))
    }
    fn from_seq<A: SeqAccess<'de>>(seq: A) -> Result<Option<Self>, A::Error> {
        skip_seq(seq).map(|()| Some(Truthy(true)))
    }
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
        skip_map(map).map(|()| Some(Truthy(true)))
    }
}

/// A key that takes a number or a string (a priority, an RSM count).
#[derive(Debug, Clone, PartialEq)]
pub enum NumOrStr {
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
}

impl Loose<'_> for NumOrStr {
    fn from_num(n: f64) -> Option<Self> {
        Some(NumOrStr::Num(n))
    }
    fn from_str(s: &str) -> Option<Self> {
        Some(NumOrStr::Str(xml_text(s)))
    }
}

/// A key that takes a boolean or a string (XEP-0059 `before`).
#[derive(Debug, Clone, PartialEq)]
pub enum BoolOrStr {
    /// A boolean.
    Bool(bool),
    /// A string.
    Str(String),
}

impl Loose<'_> for BoolOrStr {
    fn from_bool(b: bool) -> Option<Self> {
        Some(BoolOrStr::Bool(b))
    }
    fn from_str(s: &str) -> Option<Self> {
        Some(BoolOrStr::Str(xml_text(s)))
    }
}

/// An array whose items are read one by one (a wrong item is kept as [`Field::Wrong`], so
/// the validator decides what to say about it).
impl<'de, T: Loose<'de>> Loose<'de> for Vec<Field<T>> {
    fn from_seq<A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = seq.next_element::<Field<T>>()? {
            out.push(item);
        }
        Ok(Some(out))
    }
}

/// An object key whose value is itself a struct of [`Field`]s (never fails on an object).
#[macro_export]
macro_rules! loose_struct {
    ($t:ty) => {
        impl<'de> $crate::events::field::Loose<'de> for $t {
            fn from_map<A: serde::de::MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
                <$t as serde::Deserialize>::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )
                .map(Some)
            }
        }
    };
}

impl<'de, T: Loose<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A value the deserializer cannot read at all (a JS function or symbol) is of a wrong
        // type; serde-wasm-bindgen reads each value on its own, so nothing is left half-read.
        Ok(d.deserialize_any(FieldVisitor(PhantomData))
            .unwrap_or(Field::Wrong))
    }
}

struct FieldVisitor<T>(PhantomData<T>);

fn given<T>(v: Option<T>) -> Field<T> {
    v.map_or(Field::Wrong, Field::Given)
}

impl<'de, T: Loose<'de>> Visitor<'de> for FieldVisitor<T> {
    type Value = Field<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Field<T>, E> {
        Ok(given(T::from_bool(b)))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Field<T>, E> {
        Ok(given(T::from_num(n as f64)))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Field<T>, E> {
        Ok(given(T::from_num(n as f64)))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Field<T>, E> {
        Ok(given(T::from_num(n)))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Field<T>, E> {
        Ok(given(T::from_str(s)))
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Field<T>, E> {
        Ok(Field::Wrong)
    }
    fn visit_none<E: de::Error>(self) -> Result<Field<T>, E> {
        Ok(Field::Absent)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Field<T>, E> {
        Ok(Field::Absent)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Field<T>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Field<T>, A::Error> {
        Ok(given(T::from_seq(seq)?))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Field<T>, A::Error> {
        Ok(given(T::from_map(map)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Default, Debug)]
    #[serde(default)]
    struct Cmd {
        to: Field<String>,
        receipt: Field<Truthy>,
        groups: Field<Vec<Field<String>>>,
        priority: Field<NumOrStr>,
        inner: Field<Inner>,
    }

    #[derive(serde::Deserialize, Default, Debug, PartialEq)]
    #[serde(default)]
    struct Inner {
        node: Field<String>,
    }
    crate::loose_struct!(Inner);

    fn cmd(s: &str) -> Cmd {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn every_key_is_absent_wrong_or_given() {
        let c =
            cmd(r#"{"to": 5, "receipt": "x", "groups": ["a", 1], "priority": "3", "extra": {}}"#);
        assert_eq!(c.to, Field::Wrong);
        assert!(c.receipt.truthy());
        assert_eq!(
            c.groups,
            Field::Given(vec![Field::Given("a".into()), Field::Wrong])
        );
        assert_eq!(c.priority, Field::Given(NumOrStr::Str("3".into())));
        assert!(c.inner.is_absent());
        let c =
            cmd(r#"{"to": null, "receipt": 0, "groups": {}, "inner": {"node": [1, {"a": 2}]}}"#);
        assert!(c.to.is_absent());
        assert!(!c.receipt.truthy());
        assert_eq!(c.groups, Field::Wrong);
        assert_eq!(c.inner, Field::Given(Inner { node: Field::Wrong }));
        assert_eq!(cmd(r#"{"inner": "x"}"#).inner, Field::Wrong);
        // RFC 6120 §11.1: what XML cannot carry is dropped
        assert_eq!(
            cmd(r#"{"to": "x\u0000y\u001b\tz\ufffe"}"#).to,
            Field::Given("xy\tz".into())
        );
    }
}
