//! The `jid` crate's preparation of a JID (RFC 7622 §3: nodeprep, nameprep with UTS #46,
//! resourceprep), exported to JS: in WebAssembly the Unicode work is the JS engine's (the two
//! crates in patches/), and tests/browser/jid.spec.mjs checks that Chromium and Node.js give
//! what the native build gives for every JID of tests/fixtures/jids.json.
//!
//! Built by scripts/test.sh: `cargo build --release --target wasm32-unknown-unknown --example
//! jid_prep`, then `wasm-bindgen --target web --out-dir .work/jid-prep`.
#![forbid(unsafe_code)]

#[cfg(target_arch = "wasm32")]
mod web {
    use wasm_bindgen::prelude::wasm_bindgen;

    /// `ok <the JID as prepared>` or `error <why not>`, as tests/jid_prep.rs writes them.
    #[wasm_bindgen]
    pub fn prepare(input: &str) -> String {
        match jid::Jid::new(input) {
            Ok(jid) => format!("ok {jid}"),
            Err(error) => format!("error {error}"),
        }
    }
}
