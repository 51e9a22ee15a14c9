//! SCRAM's Hi() (RFC 5802 §2.2: PBKDF2 with HMAC-SHA-1 or HMAC-SHA-256) through the
//! platform's WebCrypto (`SubtleCrypto.deriveBits`), for the core's [`Transmit::Derive`]:
//! native code, off the page's main thread's JS and wasm, about three times faster than the
//! same PBKDF2 in wasm (`docs/decisions.md` §12). Where there is no `crypto.subtle` (a page
//! that is not a secure context), the core computes it in Rust.
//!
//! [`Transmit::Derive`]: crate::proto::Transmit::Derive

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, Pbkdf2Params, SubtleCrypto};

use crate::proto::sasl::Salting;

/// `crypto.subtle`, where there is one (pages in a secure context, workers, Node.js).
pub(super) fn subtle() -> Option<SubtleCrypto> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).ok()?;
    let subtle = Reflect::get(&crypto, &"subtle".into()).ok()?;
    (subtle.is_object()).then(|| subtle.unchecked_into())
}

/// SaltedPassword for `s`; `None` when WebCrypto refused (the core then derives it itself).
pub(super) async fn derive(s: &Salting) -> Option<Vec<u8>> {
    derive_bits(s).await.ok()
}

async fn derive_bits(s: &Salting) -> Result<Vec<u8>, JsValue> {
    let subtle = subtle().ok_or(JsValue::NULL)?;
    let password = Uint8Array::from(s.password.as_bytes());
    let usages = Array::of1(&"deriveBits".into());
    let key =
        JsFuture::from(subtle.import_key_with_str("raw", &password, "PBKDF2", false, &usages)?)
            .await?;
    let hash = if s.sha256 { "SHA-256" } else { "SHA-1" };
    let params = Pbkdf2Params::new(
        "PBKDF2",
        &hash.into(),
        s.iterations,
        &Uint8Array::from(s.salt.as_slice()),
    );
    let bits = JsFuture::from(subtle.derive_bits_with_object(
        &params,
        &key.unchecked_into::<CryptoKey>(),
        (s.key_len() * 8) as u32,
    )?)
    .await?;
    Ok(Uint8Array::new(&bits).to_vec())
}
