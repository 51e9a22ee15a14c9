//! SASL for XMPP, RFC 6120 §6: mechanism choice and the client side of the mechanisms.
//!
//! - SCRAM-SHA-256 (RFC 7677) and SCRAM-SHA-1 (RFC 5802), without channel binding (`n,,`),
//!   built on RustCrypto's `hmac`/`pbkdf2`/`sha1`/`sha2`; the nonce comes from the core's
//!   seeded generator. The server signature in `<success/>` is verified (RFC 5802 §5.1 `v=`).
//! - PLAIN (RFC 4616), only over `wss://` or to a loopback host (`docs/decisions.md` §2).
//! - ANONYMOUS (RFC 4505), for `xmpp.login.anonymous`.
//!
//! Preference: SCRAM-SHA-256, then SCRAM-SHA-1, then PLAIN.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// A mechanism this client implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mech {
    /// RFC 7677.
    ScramSha256,
    /// RFC 5802.
    ScramSha1,
    /// RFC 4616.
    Plain,
    /// RFC 4505.
    Anonymous,
}

impl Mech {
    /// The IANA name sent in `<auth mechanism>`.
    pub fn name(self) -> &'static str {
        match self {
            Mech::ScramSha256 => "SCRAM-SHA-256",
            Mech::ScramSha1 => "SCRAM-SHA-1",
            Mech::Plain => "PLAIN",
            Mech::Anonymous => "ANONYMOUS",
        }
    }
}

/// Why no mechanism could be chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceError {
    /// The only usable mechanism is PLAIN and the transport is not secure.
    InsecurePlain,
    /// Nothing in common.
    NoMechanism,
}

/// Chooses the strongest offered mechanism (`offered`: the `<mechanism>` texts).
pub fn choose(
    offered: &[String],
    anonymous: bool,
    plain_allowed: bool,
) -> Result<Mech, ChoiceError> {
    let has = |m: Mech| offered.iter().any(|o| o == m.name());
    if anonymous {
        return if has(Mech::Anonymous) {
            Ok(Mech::Anonymous)
        } else {
            Err(ChoiceError::NoMechanism)
        };
    }
    for m in [Mech::ScramSha256, Mech::ScramSha1] {
        if has(m) {
            return Ok(m);
        }
    }
    if has(Mech::Plain) {
        return if plain_allowed {
            Ok(Mech::Plain)
        } else {
            Err(ChoiceError::InsecurePlain)
        };
    }
    Err(ChoiceError::NoMechanism)
}

/// A SASL exchange failed on our side (the server's data was wrong).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaslError {
    /// A challenge we cannot parse, or a nonce that does not extend ours.
    BadChallenge,
    /// The server's signature did not verify: it does not know the password.
    BadServerSignature,
    /// A challenge arrived in a state that expects none.
    Unexpected,
}

/// The client side of one SASL exchange.
pub enum Exchange {
    /// SCRAM, see [`Scram`].
    Scram(Scram),
    /// PLAIN or ANONYMOUS: one initial message, then `<success/>`.
    Simple,
}

/// The initial response for `mech` and the exchange state that follows it.
pub fn start(mech: Mech, user: &str, password: &str, nonce: String) -> (Vec<u8>, Exchange) {
    match mech {
        Mech::ScramSha256 | Mech::ScramSha1 => {
            let s = Scram::new(mech == Mech::ScramSha256, user, password, nonce);
            (s.client_first().into_bytes(), Exchange::Scram(s))
        }
        Mech::Plain => {
            let mut v = Vec::with_capacity(user.len() + password.len() + 2);
            v.push(0);
            v.extend_from_slice(user.as_bytes());
            v.push(0);
            v.extend_from_slice(password.as_bytes());
            (v, Exchange::Simple)
        }
        Mech::Anonymous => (Vec::new(), Exchange::Simple),
    }
}

/// SCRAM-SHA-1 / SCRAM-SHA-256 client (RFC 5802 §3, §5), without channel binding.
pub struct Scram {
    sha256: bool,
    user: String,
    password: String,
    nonce: String,
    /// `AuthMessage` and `client-final-message-without-proof`, once the server's first
    /// message is read.
    auth_message: Option<(String, String)>,
    /// `ServerSignature`, once the client-final message has been computed.
    expected_v: Option<Vec<u8>>,
}

/// What SaltedPassword := Hi(Normalize(password), salt, i) needs (RFC 5802 §2.2: PBKDF2 with
/// HMAC-SHA-1 or HMAC-SHA-256, as long as the hash's output).
#[derive(Clone, PartialEq, Eq)]
pub struct Salting {
    /// HMAC-SHA-256 (RFC 7677), else HMAC-SHA-1.
    pub sha256: bool,
    /// The password (never logged: `Debug` leaves it out).
    pub password: String,
    /// The server's salt.
    pub salt: Vec<u8>,
    /// The iteration count.
    pub iterations: u32,
}

impl std::fmt::Debug for Salting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Salting")
            .field("sha256", &self.sha256)
            .field("salt", &B64.encode(&self.salt))
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

impl Salting {
    /// Hi() in pure Rust (RustCrypto `pbkdf2`).
    pub fn derive(&self) -> Vec<u8> {
        let mut out = vec![0u8; self.key_len()];
        let (password, salt, i) = (self.password.as_bytes(), &self.salt, self.iterations);
        if self.sha256 {
            pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, i, &mut out);
        } else {
            pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, i, &mut out);
        }
        out
    }

    /// The length of the key: the hash's output.
    pub fn key_len(&self) -> usize {
        if self.sha256 {
            32
        } else {
            20
        }
    }
}

impl Scram {
    /// A new exchange for `user` with the client nonce `nonce`.
    pub fn new(sha256: bool, user: &str, password: &str, nonce: String) -> Scram {
        Scram {
            sha256,
            user: user.to_owned(),
            password: password.to_owned(),
            nonce,
            auth_message: None,
            expected_v: None,
        }
    }

    fn first_bare(&self) -> String {
        format!("n={},r={}", saslname(&self.user), self.nonce)
    }

    /// `client-first-message`: `n,,n=user,r=nonce`.
    pub fn client_first(&self) -> String {
        format!("n,,{}", self.first_bare())
    }

    /// Answers `server-first-message` with `client-final-message`, deriving the key here
    /// (pure Rust PBKDF2).
    pub fn client_final(&mut self, server_first: &[u8]) -> Result<String, SaslError> {
        let salting = self.server_first(server_first)?;
        let salted = salting.derive();
        Ok(self.finish(&salted))
    }

    /// Reads `server-first-message` (RFC 5802 §5.1): the salting the password needs, Hi(password,
    /// salt, i); the answer is [`Scram::finish`] with the result, computed here
    /// ([`Salting::derive`]) or by the shell (WebCrypto).
    pub fn server_first(&mut self, server_first: &[u8]) -> Result<Salting, SaslError> {
        if self.expected_v.is_some() || self.auth_message.is_some() {
            return Err(SaslError::Unexpected);
        }
        let sf = std::str::from_utf8(server_first).map_err(|_| SaslError::BadChallenge)?;
        let (mut r, mut s, mut i) = (None, None, None);
        for part in sf.split(',') {
            match part.split_once('=') {
                Some(("r", v)) => r = Some(v),
                Some(("s", v)) => s = Some(v),
                Some(("i", v)) => i = Some(v),
                Some(("m", _)) => return Err(SaslError::BadChallenge), // mandatory extension
                _ => {}
            }
        }
        let (Some(r), Some(s), Some(i)) = (r, s, i) else {
            return Err(SaslError::BadChallenge);
        };
        if !r.starts_with(self.nonce.as_str()) || r.len() == self.nonce.len() {
            return Err(SaslError::BadChallenge);
        }
        let salt = B64.decode(s).map_err(|_| SaslError::BadChallenge)?;
        let iterations: u32 = i.parse().map_err(|_| SaslError::BadChallenge)?;
        // RFC 5802 §5.1 requires at least 4096 for new servers; refuse absurd counts that
        // would freeze the page (a hostile server could send 2^32-1).
        if !(1..=1_000_000).contains(&iterations) {
            return Err(SaslError::BadChallenge);
        }
        let without_proof = format!("c=biws,r={r}");
        self.auth_message = Some((
            format!("{},{sf},{without_proof}", self.first_bare()),
            without_proof,
        ));
        Ok(Salting {
            sha256: self.sha256,
            password: self.password.clone(),
            salt,
            iterations,
        })
    }

    /// `client-final-message` from SaltedPassword (RFC 5802 §3), after [`Scram::server_first`].
    pub fn finish(&mut self, salted: &[u8]) -> String {
        let (auth_message, without_proof) = self.auth_message.clone().unwrap_or_default();
        let (proof, server_sig) = if self.sha256 {
            scram_keys::<Sha256>(salted, &auth_message)
        } else {
            scram_keys::<Sha1>(salted, &auth_message)
        };
        self.expected_v = Some(server_sig);
        format!("{without_proof},p={}", B64.encode(proof))
    }

    /// Checks `server-final-message` (`v=...`), carried by `<success/>`.
    pub fn verify(&self, server_final: &[u8]) -> Result<(), SaslError> {
        let Some(expected) = &self.expected_v else {
            return Err(SaslError::Unexpected);
        };
        let sf = std::str::from_utf8(server_final).map_err(|_| SaslError::BadServerSignature)?;
        let v = sf
            .split(',')
            .find_map(|p| p.strip_prefix("v="))
            .ok_or(SaslError::BadServerSignature)?;
        let got = B64.decode(v).map_err(|_| SaslError::BadServerSignature)?;
        if &got == expected {
            Ok(())
        } else {
            Err(SaslError::BadServerSignature)
        }
    }
}

/// RFC 5802 §3: (ClientProof, ServerSignature) from SaltedPassword.
fn scram_keys<D>(salted: &[u8], auth_message: &str) -> (Vec<u8>, Vec<u8>)
where
    D: Digest + Clone + hmac::digest::block_api::BlockSizeUser + hmac::EagerHash,
    Hmac<D>: KeyInit + Mac + Clone,
{
    let hmac = |key: &[u8], data: &[u8]| -> Vec<u8> {
        let mut m =
            <Hmac<D> as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
        m.update(data);
        m.finalize().into_bytes().to_vec()
    };
    let client_key = hmac(salted, b"Client Key");
    let stored_key = D::digest(&client_key).to_vec();
    let client_sig = hmac(&stored_key, auth_message.as_bytes());
    let proof = client_key
        .iter()
        .zip(&client_sig)
        .map(|(a, b)| a ^ b)
        .collect();
    let server_key = hmac(salted, b"Server Key");
    let server_sig = hmac(&server_key, auth_message.as_bytes());
    (proof, server_sig)
}

/// RFC 5802 §5.1 `saslname`: `=` → `=3D`, `,` → `=2C`.
fn saslname(user: &str) -> String {
    user.replace('=', "=3D").replace(',', "=2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5802 §5, the SCRAM-SHA-1 example exchange.
    #[test]
    fn rfc5802_vector() {
        let mut s = Scram::new(false, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL".into());
        assert_eq!(s.client_first(), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
        let fin = s
            .client_final(b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096")
            .unwrap();
        assert_eq!(
            fin,
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
        );
        assert_eq!(s.verify(b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ="), Ok(()));
        assert_eq!(
            s.verify(b"v=AAAApqV8S7suAoZWja4dJRkFsKQ="),
            Err(SaslError::BadServerSignature)
        );
    }

    /// RFC 7677 §3, the SCRAM-SHA-256 example exchange.
    #[test]
    fn rfc7677_vector() {
        let mut s = Scram::new(true, "user", "pencil", "rOprNGfwEbeRWgbNEkqO".into());
        assert_eq!(s.client_first(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        let fin = s
            .client_final(
                b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            )
            .unwrap();
        assert_eq!(
            fin,
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        assert_eq!(
            s.verify(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="),
            Ok(())
        );
    }

    #[test]
    fn hostile_challenges_are_refused() {
        let mut s = Scram::new(false, "user", "pencil", "abc".into());
        assert_eq!(
            s.client_final(b"r=xyz1,s=QSXC,i=4096"),
            Err(SaslError::BadChallenge),
            "foreign nonce"
        );
        assert_eq!(
            s.client_final(b"r=abc,s=QSXC,i=4096"),
            Err(SaslError::BadChallenge),
            "no server part"
        );
        assert_eq!(
            s.client_final(b"r=abcd,s=QSXC,i=4294967295"),
            Err(SaslError::BadChallenge)
        );
        assert_eq!(
            s.client_final(b"r=abcd,s=!!,i=4096"),
            Err(SaslError::BadChallenge)
        );
        assert_eq!(s.client_final(&[0xff, 0xfe]), Err(SaslError::BadChallenge));
        assert_eq!(
            s.verify(b"v=AAAA"),
            Err(SaslError::Unexpected),
            "success before challenge"
        );
    }

    #[test]
    fn choice_prefers_strongest_and_guards_plain() {
        let o = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            choose(&o(&["PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256"]), false, true),
            Ok(Mech::ScramSha256)
        );
        assert_eq!(
            choose(&o(&["PLAIN", "SCRAM-SHA-1"]), false, false),
            Ok(Mech::ScramSha1)
        );
        assert_eq!(
            choose(&o(&["PLAIN"]), false, false),
            Err(ChoiceError::InsecurePlain)
        );
        assert_eq!(choose(&o(&["PLAIN"]), false, true), Ok(Mech::Plain));
        assert_eq!(
            choose(&o(&["X-OAUTH"]), false, true),
            Err(ChoiceError::NoMechanism)
        );
        assert_eq!(
            choose(&o(&["ANONYMOUS", "PLAIN"]), true, true),
            Ok(Mech::Anonymous)
        );
        assert_eq!(
            choose(&o(&["PLAIN"]), true, true),
            Err(ChoiceError::NoMechanism)
        );
    }

    #[test]
    fn plain_message_and_saslname() {
        let (msg, _) = start(Mech::Plain, "alice", "pw", String::new());
        assert_eq!(msg, b"\0alice\0pw");
        assert_eq!(saslname("a=b,c"), "a=3Db=2Cc");
    }
}

/// Most SaltedPassword values kept for one login (a server that changes salts between
/// connections does not make the list grow).
const MAX_SALTED: usize = 4;

/// The SCRAM keys of this login (RFC 5802 §5.1: a client may keep SaltedPassword for the next
/// authentication), in memory only, so that a reconnection skips PBKDF2; and the numbering of
/// the derivations asked of the shell.
#[derive(Default)]
pub(crate) struct Keys {
    salted: Vec<(Salting, Vec<u8>)>,
    derive_seq: u32,
}

impl Keys {
    /// The key derived for these parameters, if kept.
    pub(crate) fn cached(&self, salting: &Salting) -> Option<Vec<u8>> {
        self.salted
            .iter()
            .find(|(k, _)| k == salting)
            .map(|(_, key)| key.clone())
    }

    /// Keeps a derived key (the oldest goes when the list is full).
    pub(crate) fn keep(&mut self, salting: Salting, key: Vec<u8>) {
        if self.salted.len() == MAX_SALTED {
            self.salted.remove(0);
        }
        self.salted.push((salting, key));
    }

    /// The id of a new derivation asked of the shell.
    pub(crate) fn next_derivation(&mut self) -> u32 {
        self.derive_seq = self.derive_seq.wrapping_add(1);
        self.derive_seq
    }

    /// Forgets every key (logout, another account).
    pub(crate) fn clear(&mut self) {
        self.salted.clear();
    }
}

#[cfg(test)]
mod keys_tests {
    use super::*;

    fn salting(salt: &[u8]) -> Salting {
        Salting {
            sha256: false,
            password: "pencil".into(),
            salt: salt.to_vec(),
            iterations: 4096,
        }
    }

    #[test]
    fn keys_are_kept_per_salt_up_to_a_bound() {
        let mut k = Keys::default();
        assert_eq!(k.cached(&salting(b"a")), None);
        for i in 0..6u8 {
            k.keep(salting(&[i]), vec![i]);
        }
        assert_eq!(k.cached(&salting(&[5])), Some(vec![5]));
        assert_eq!(k.cached(&salting(&[1])), None, "the oldest went");
        assert_ne!(k.next_derivation(), k.next_derivation());
        k.clear();
        assert_eq!(k.cached(&salting(&[5])), None);
    }
}
