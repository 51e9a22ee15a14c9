pub mod rng;
pub mod sasl;
pub mod xml;
