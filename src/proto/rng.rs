//! The core's deterministic random generator: stanza ids (UUID v4) and SCRAM nonces.
//!
//! The core never reads an entropy source itself. It is seeded through `Config::seed`: the
//! wasm shell fills the seed from `crypto.getRandomValues` (a CSPRNG), tests use a fixed seed
//! so transcripts replay byte for byte. Output blocks are `SHA-256(seed || counter)`, a hash
//! in counter mode, which is unpredictable to anyone who does not know the 256-bit seed.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

use sha2::{Digest, Sha256};

/// Seeded generator (see the module docs).
#[derive(Clone)]
pub struct Rng {
    seed: [u8; 32],
    counter: u64,
    buf: [u8; 32],
    pos: usize,
}

impl Rng {
    /// A generator from a 32-byte seed.
    pub fn new(seed: [u8; 32]) -> Rng {
        Rng {
            seed,
            counter: 0,
            buf: [0; 32],
            pos: 32,
        }
    }

    /// Fills `out` with generator output.
    pub fn fill(&mut self, out: &mut [u8]) {
        for b in out {
            if self.pos == self.buf.len() {
                let mut h = Sha256::new();
                h.update(self.seed);
                h.update(self.counter.to_le_bytes());
                self.counter = self.counter.wrapping_add(1);
                self.buf.copy_from_slice(&h.finalize());
                self.pos = 0;
            }
            *b = self.buf[self.pos];
            self.pos += 1;
        }
    }

    /// A random UUID version 4 string (RFC 9562 §5.4), lower case, from this generator's
    /// bytes (so that transcripts replay).
    pub fn uuid(&mut self) -> String {
        let mut b = [0u8; 16];
        self.fill(&mut b);
        uuid::Builder::from_random_bytes(b)
            .into_uuid()
            .hyphenated()
            .to_string()
    }

    /// A printable SCRAM client nonce (RFC 5802 §5.1: printable, no `,`): 24 random bytes
    /// as 32 base64 characters.
    pub fn nonce(&mut self) -> String {
        let mut b = [0u8; 24];
        self.fill(&mut b);
        B64.encode(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_v4_shape_and_distinct() {
        let mut r = Rng::new([7; 32]);
        let a = r.uuid();
        let b = r.uuid();
        assert_ne!(a, b);
        for u in [&a, &b] {
            let bytes = u.as_bytes();
            assert_eq!(u.len(), 36);
            assert_eq!(bytes[14], b'4', "{u}");
            assert!(matches!(bytes[19], b'8' | b'9' | b'a' | b'b'), "{u}");
            assert_eq!(u.matches('-').count(), 4);
        }
    }

    #[test]
    fn same_seed_same_stream_other_seed_other_stream() {
        let (mut a, mut b, mut c) = (Rng::new([1; 32]), Rng::new([1; 32]), Rng::new([2; 32]));
        assert_eq!(a.nonce(), b.nonce());
        assert_ne!(a.uuid(), c.uuid());
        assert!(!a.nonce().contains(','));
    }
}
