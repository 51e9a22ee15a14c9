//! A JSON-like tree: the shell's copy of a JS payload, read into the typed commands by serde.
//!
//! The wasm shell copies each payload the application passes (own data properties only, no
//! getter or proxy trap run, bounded in depth and size: `src/web/convert.rs`) into a [`Tree`],
//! then `Command::read` deserialises the command's type from it. Reading from this tree rather
//! than from the JS object keeps the deserializer small: its errors carry no text (serde's
//! error messages would bring `core::fmt`'s float formatting along, about 30 KB of wasm), and a
//! command type never produces an error anyway ([`crate::events::field::Field`]). The tree is
//! also what a client error echoes as `request` (its `Serialize`).

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// A JSON-like value. Objects keep their key order.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Tree {
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
    Arr(Vec<Tree>),
    /// An object, keys in insertion order.
    Obj(Vec<(String, Tree)>),
    /// A value JSON has no form for (a function, a symbol, a bigint, a cycle, nesting too
    /// deep): a wrong type for every command key.
    Other,
}

/// Serialises as the JS value the application receives (the `request` echo): [`Tree::Other`]
/// is left out of objects and is `null` in arrays.
impl Serialize for Tree {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Tree::Null | Tree::Other => s.serialize_unit(),
            Tree::Bool(b) => s.serialize_bool(*b),
            Tree::Num(n) => s.serialize_f64(*n),
            Tree::Str(v) => s.serialize_str(v),
            Tree::Arr(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Tree::Obj(fields) => {
                let shown = fields.iter().filter(|(_, v)| *v != Tree::Other);
                let mut map = s.serialize_map(Some(shown.clone().count()))?;
                for (k, v) in shown {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// A tree that cannot be read as the type asked for. It carries no text: every constructor
/// of serde's error trait is overridden so that no message is ever formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotRead;

impl fmt::Display for NotRead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the payload does not have this type")
    }
}

impl std::error::Error for NotRead {}

impl de::Error for NotRead {
    fn custom<T: fmt::Display>(_: T) -> NotRead {
        NotRead
    }
    fn invalid_type(_: de::Unexpected<'_>, _: &dyn de::Expected) -> NotRead {
        NotRead
    }
    fn invalid_value(_: de::Unexpected<'_>, _: &dyn de::Expected) -> NotRead {
        NotRead
    }
    fn invalid_length(_: usize, _: &dyn de::Expected) -> NotRead {
        NotRead
    }
    fn unknown_variant(_: &str, _: &'static [&'static str]) -> NotRead {
        NotRead
    }
    fn unknown_field(_: &str, _: &'static [&'static str]) -> NotRead {
        NotRead
    }
    fn missing_field(_: &'static str) -> NotRead {
        NotRead
    }
    fn duplicate_field(_: &'static str) -> NotRead {
        NotRead
    }
}

impl<'de> Deserializer<'de> for &'de Tree {
    type Error = NotRead;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, NotRead> {
        match self {
            Tree::Null => v.visit_unit(),
            Tree::Bool(b) => v.visit_bool(*b),
            Tree::Num(n) => v.visit_f64(*n),
            Tree::Str(s) => v.visit_borrowed_str(s),
            Tree::Arr(items) => v.visit_seq(Items(items.iter())),
            Tree::Obj(fields) => v.visit_map(Fields {
                iter: fields.iter(),
                value: None,
            }),
            // Not an error: a key nobody reads may hold it (serde skips it as `IgnoredAny`);
            // every command key reads bytes as a wrong type.
            Tree::Other => v.visit_bytes(&[]),
        }
    }

    /// A struct is read from an object only: a derived struct's visitor also reads arrays
    /// by position, code no command needs (it is left out of the wasm this way).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, NotRead> {
        match self {
            Tree::Obj(fields) => v.visit_map(Fields {
                iter: fields.iter(),
                value: None,
            }),
            _ => Err(NotRead),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

struct Items<'de>(std::slice::Iter<'de, Tree>);

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = NotRead;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, NotRead> {
        self.0.next().map(|t| seed.deserialize(t)).transpose()
    }
}

struct Fields<'de> {
    iter: std::slice::Iter<'de, (String, Tree)>,
    value: Option<&'de Tree>,
}

impl<'de> MapAccess<'de> for Fields<'de> {
    type Error = NotRead;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, NotRead> {
        let Some((k, v)) = self.iter.next() else {
            return Ok(None);
        };
        self.value = Some(v);
        seed.deserialize(de::value::BorrowedStrDeserializer::new(k))
            .map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, NotRead> {
        seed.deserialize(self.value.take().ok_or(NotRead)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::command::{Command, Payload};

    fn obj(fields: &[(&str, Tree)]) -> Tree {
        Tree::Obj(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn commands_read_from_a_tree() {
        let t = obj(&[
            ("to", Tree::Str("bob@b.org".into())),
            ("content", Tree::Other),
            ("receipt", Tree::Arr(vec![Tree::Other])),
            ("state", Tree::Null),
            ("someone's", Tree::Other),
        ]);
        let Command::Message(m) = Command::read("xmpp.chat.message", Payload::Object(&t)) else {
            panic!("a message");
        };
        assert_eq!(m.to.given().map(String::as_str), Some("bob@b.org"));
        assert_eq!(m.content, crate::events::field::Field::Wrong);
        assert!(m.receipt.truthy());
        assert!(m.state.is_absent());
    }

    #[test]
    fn serialises_like_json_without_what_json_cannot_hold() {
        let t = obj(&[
            ("a", Tree::Str("q\"".into())),
            ("n", Tree::Num(-120.0)),
            (
                "l",
                Tree::Arr(vec![Tree::Bool(true), Tree::Null, Tree::Other]),
            ),
            ("f", Tree::Other),
        ]);
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"a":"q\"","n":-120.0,"l":[true,null,null]}"#
        );
    }
}
