#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

#[macro_use]
pub mod value;
pub mod events;
pub mod proto;
pub mod stanza;
#[cfg(target_arch = "wasm32")]
mod web;
