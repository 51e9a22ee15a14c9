//! Unicode normalization for the `stringprep` profiles of RFC 6122 that the `jid` crate applies
//! to JIDs (RFC 3454 §6: NFKC).
//!
//! In WebAssembly, NFKC comes from the JS engine's `String.prototype.normalize("NFKC")`
//! (ECMA-262 §22.1.3.15, Unicode UAX #15): the browser (and Node.js) already carries the
//! Unicode tables, so the SDK does not ship a second copy of them (about 62 KB of the wasm,
//! gzip). Natively it comes from ICU4X's `icu_normalizer`. Only the part of the crate's API
//! that `stringprep` uses is provided: `UnicodeNormalization::nfkc`.
#![forbid(unsafe_code)]

use std::str::Chars;
use std::vec::IntoIter;

/// The normal form KC of a sequence of characters (UAX #15), as the trait of the same name
/// in `unicode-normalization`.
pub trait UnicodeNormalization<I: Iterator<Item = char>> {
    /// NFKC: compatibility decomposition, then canonical composition.
    fn nfkc(self) -> Recompositions;
}

/// The characters of a normalized string.
pub struct Recompositions(IntoIter<char>);

impl Iterator for Recompositions {
    type Item = char;
    fn next(&mut self) -> Option<char> {
        self.0.next()
    }
}

fn nfkc(text: String) -> Recompositions {
    // ASCII is its own normal form (UAX #15 §9): no call into JS for the common case.
    let normal = if text.is_ascii() {
        text
    } else {
        engine_nfkc(&text)
    };
    Recompositions(normal.chars().collect::<Vec<_>>().into_iter())
}

impl<I: Iterator<Item = char>> UnicodeNormalization<I> for I {
    fn nfkc(self) -> Recompositions {
        nfkc(self.collect())
    }
}

impl<'a> UnicodeNormalization<Chars<'a>> for &'a str {
    fn nfkc(self) -> Recompositions {
        nfkc(self.to_owned())
    }
}

#[cfg(target_arch = "wasm32")]
fn engine_nfkc(text: &str) -> String {
    String::from(js_sys::JsString::from(text).normalize("NFKC"))
}

#[cfg(not(target_arch = "wasm32"))]
fn engine_nfkc(text: &str) -> String {
    icu_normalizer::ComposingNormalizerBorrowed::new_nfkc()
        .normalize(text)
        .into_owned()
}
