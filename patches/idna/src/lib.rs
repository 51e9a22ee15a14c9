//! The `idna` crate (1.1.0, by The rust-url developers, MIT OR Apache-2.0) as the SDK builds it:
//! natively its own code, unchanged (`upstream.rs` is its `lib.rs` without the crate-level
//! attributes and docs; `uts46.rs`, `punycode.rs` and `deprecated.rs` are its files as they
//! are). In WebAssembly, UTS #46 ToASCII as the `jid` crate asks for it when it checks a
//! domainpart (RFC 7622 §3.2.1) is done by the JS engine's URL parser instead (the `web`
//! module), so that the wasm carries no second copy of Unicode tables that every browser and
//! Node.js already ship (about 50 KB, gzip). patches/README.md says how it is tested.
#![no_std]
// The wasm side is ours and has no unsafe code; upstream's native code has some, as published.
#![cfg_attr(target_arch = "wasm32", forbid(unsafe_code))]
// Upstream's code is kept as it is, lints and all.
#![cfg_attr(not(target_arch = "wasm32"), allow(warnings, clippy::all))]

#[cfg(not(target_arch = "wasm32"))]
include!("upstream.rs");

#[cfg(target_arch = "wasm32")]
extern crate std;

#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(target_arch = "wasm32")]
pub use web::*;
