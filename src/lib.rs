#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

pub mod events;
pub mod proto;
pub mod stanza;
pub mod tree;
#[cfg(target_arch = "wasm32")]
mod web;
