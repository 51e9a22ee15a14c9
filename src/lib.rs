#![forbid(unsafe_code)]
pub mod value;
pub mod proto;
