//! RFC 7622 addresses (JIDs): parsing, validation and the comparison form.
//!
//! Parsing follows RFC 7622 §3.1 exactly (the resourcepart starts at the first `/`, so it may
//! contain `/` and `@`; the localpart ends at the first `@` before it). Validation enforces the
//! structure and the characters XMPP forbids: parts of 1 to 1023 bytes; no `"&'/:<>@`, spaces
//! or controls in a localpart (§3.3.1); a domainpart that is an IP literal or a name of
//! non-empty labels without ASCII punctuation other than `-` (§3.2); no controls in a
//! resourcepart (§3.4). Localparts and domainparts are lower-cased (the case mapping of the
//! UsernameCaseMapped profile and of domain names), and a trailing `.` of a domain is removed.
//!
//! What this leaves to the server: the full PRECIS profiles and IDNA2008 (Unicode category
//! rules, width mapping, NFC, punycode). A server applies them to every address it routes and
//! answers `jid-malformed`; it also stamps every `from` in its normalised form, which is what
//! this client compares with. Doing them here would need the Unicode tables of the `jid`
//! crate, measured at 138 KB of the 218 KB gzip download: two thirds of the SDK.

use std::fmt;

/// Why a string is not a JID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JidError {
    /// A part is empty (`@example.org`, `user@`, `example.org/`).
    Empty,
    /// A part is longer than 1023 bytes.
    TooLong,
    /// A character that the part does not allow.
    Forbidden,
}

/// A JID in its comparison form (see the module docs).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Jid {
    s: String,
    /// Length of the localpart (`@` follows it), if any.
    node_len: Option<usize>,
    /// Byte offset of the `/` before the resourcepart, if any.
    slash: Option<usize>,
}

const MAX_PART: usize = 1023;

impl Jid {
    /// Parses and validates `s` (RFC 7622 §3).
    pub fn new(s: &str) -> Result<Jid, JidError> {
        let (rest, resource) = match s.split_once('/') {
            Some((r, res)) => (r, Some(res)),
            None => (s, None),
        };
        let (node, domain) = match rest.split_once('@') {
            Some((n, d)) => (Some(n), d),
            None => (None, rest),
        };
        let domain = domain.strip_suffix('.').unwrap_or(domain);
        let node = node.map(check_node).transpose()?;
        let domain = check_domain(domain)?;
        if let Some(r) = resource {
            check_resource(r)?;
        }
        let mut out = String::with_capacity(s.len());
        if let Some(n) = &node {
            out.push_str(n);
            out.push('@');
        }
        out.push_str(&domain);
        let slash = resource.map(|r| {
            let at = out.len();
            out.push('/');
            out.push_str(r);
            at
        });
        Ok(Jid {
            node_len: node.map(|n| n.len()),
            slash,
            s: out,
        })
    }

    /// The localpart.
    pub fn node(&self) -> Option<&str> {
        self.node_len.map(|n| &self.s[..n])
    }

    /// The domainpart.
    pub fn domain(&self) -> &str {
        let start = self.node_len.map_or(0, |n| n + 1);
        &self.s[start..self.slash.unwrap_or(self.s.len())]
    }

    /// The resourcepart.
    pub fn resource(&self) -> Option<&str> {
        self.slash.map(|i| &self.s[i + 1..])
    }

    /// Whether there is no resourcepart.
    pub fn is_bare(&self) -> bool {
        self.slash.is_none()
    }

    /// The JID without its resourcepart.
    pub fn to_bare(&self) -> Jid {
        Jid {
            s: self.s[..self.slash.unwrap_or(self.s.len())].to_owned(),
            node_len: self.node_len,
            slash: None,
        }
    }

    /// The whole JID.
    pub fn as_str(&self) -> &str {
        &self.s
    }
}

impl fmt::Display for Jid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.s)
    }
}

impl fmt::Debug for Jid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Jid({})", self.s)
    }
}

fn check_len(part: &str) -> Result<(), JidError> {
    match part.len() {
        0 => Err(JidError::Empty),
        n if n > MAX_PART => Err(JidError::TooLong),
        _ => Ok(()),
    }
}

/// RFC 7622 §3.3.1: no `"&'/:<>@` (the `@`/`/` cannot occur here after splitting), no
/// whitespace, no controls; case-mapped to lower case.
fn check_node(node: &str) -> Result<String, JidError> {
    check_len(node)?;
    if node
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "\"&'/:<>@".contains(c))
    {
        return Err(JidError::Forbidden);
    }
    Ok(node.to_lowercase())
}

/// RFC 7622 §3.2: an IP literal, or labels separated by dots with no ASCII other than
/// letters, digits and `-`; lower-cased.
fn check_domain(domain: &str) -> Result<String, JidError> {
    check_len(domain)?;
    if let Some(v6) = domain.strip_prefix('[') {
        let inner = v6.strip_suffix(']').ok_or(JidError::Forbidden)?;
        let ok = !inner.is_empty()
            && inner.contains(':')
            && inner
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
        return if ok {
            Ok(domain.to_ascii_lowercase())
        } else {
            Err(JidError::Forbidden)
        };
    }
    for label in domain.split('.') {
        if label.is_empty() || (label.is_ascii() && label.len() > 63) {
            return Err(JidError::Forbidden);
        }
        let bad = |c: char| {
            c.is_whitespace()
                || c.is_control()
                || (c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '-'))
        };
        if label.chars().any(bad) {
            return Err(JidError::Forbidden);
        }
    }
    Ok(domain.to_lowercase())
}

/// RFC 7622 §3.4 (OpaqueString): anything but controls.
fn check_resource(resource: &str) -> Result<(), JidError> {
    check_len(resource)?;
    if resource.chars().any(char::is_control) {
        return Err(JidError::Forbidden);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(s: &str) -> Option<(Option<String>, String, Option<String>)> {
        let j = Jid::new(s).ok()?;
        Some((
            j.node().map(str::to_owned),
            j.domain().to_owned(),
            j.resource().map(str::to_owned),
        ))
    }

    /// RFC 7622 §3.5 examples of valid JIDs.
    #[test]
    fn rfc7622_valid_examples() {
        let p = |n: Option<&str>, d: &str, r: Option<&str>| {
            Some((n.map(str::to_owned), d.to_owned(), r.map(str::to_owned)))
        };
        assert_eq!(
            parts("juliet@example.com"),
            p(Some("juliet"), "example.com", None)
        );
        assert_eq!(
            parts("juliet@example.com/foo"),
            p(Some("juliet"), "example.com", Some("foo"))
        );
        assert_eq!(
            parts("juliet@example.com/foo bar"),
            p(Some("juliet"), "example.com", Some("foo bar"))
        );
        assert_eq!(
            parts("juliet@example.com/foo@bar"),
            p(Some("juliet"), "example.com", Some("foo@bar"))
        );
        assert_eq!(
            parts("foo\\20bar@example.com"),
            p(Some("foo\\20bar"), "example.com", None)
        );
        assert_eq!(
            parts("fussball@example.com"),
            p(Some("fussball"), "example.com", None)
        );
        assert_eq!(
            parts("fußball@example.com"),
            p(Some("fußball"), "example.com", None)
        );
        assert_eq!(parts("π@example.com"), p(Some("π"), "example.com", None));
        assert_eq!(
            parts("Σ@example.com/foo"),
            p(Some("σ"), "example.com", Some("foo"))
        );
        assert_eq!(parts("example.com"), p(None, "example.com", None));
        assert_eq!(
            parts("example.com/foobar"),
            p(None, "example.com", Some("foobar"))
        );
        assert_eq!(
            parts("a.example.com/b@example.net"),
            p(None, "a.example.com", Some("b@example.net"))
        );
        assert_eq!(
            parts("Juliet@Example.COM./Balcony/2"),
            p(Some("juliet"), "example.com", Some("Balcony/2"))
        );
        assert_eq!(parts("x@[::1]/r"), p(Some("x"), "[::1]", Some("r")));
        assert_eq!(parts("x@127.0.0.1"), p(Some("x"), "127.0.0.1", None));
        assert_eq!(
            Jid::new("Juliet@Example.com/Foo").unwrap().as_str(),
            "juliet@example.com/Foo"
        );
    }

    /// RFC 7622 §3.5 examples of invalid JIDs, and more.
    #[test]
    fn rfc7622_invalid_examples() {
        for bad in [
            "\"juliet\"@example.com",
            "foo bar@example.com",
            "juliet@example.com/",
            "@example.com",
            "juliet@",
            "",
            "/res",
            "a@b@c",
            "a:b@example.com",
            "a<b@example.com",
            "a@exa mple.com",
            "a@example..com",
            "a@.example.com",
            "a@exa_mple.com",
            "a@[::1",
            "a@[zz]",
            "a@example.com/\u{7}",
            "a\u{0}@example.com",
            "a@example.com/res\u{1f}",
            "a@@example.com",
        ] {
            assert!(Jid::new(bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(
            Jid::new(&format!("{}@e.org", "a".repeat(1024))),
            Err(JidError::TooLong)
        );
        assert!(Jid::new(&format!("{}@e.org", "a".repeat(1023))).is_ok());
    }

    #[test]
    fn bare_and_comparison() {
        let j = Jid::new("Alice@Localhost/Phone").unwrap();
        assert!(!j.is_bare());
        assert_eq!(j.to_bare(), Jid::new("alice@localhost").unwrap());
        assert_eq!(j.to_bare().to_string(), "alice@localhost");
        assert!(j.to_bare().is_bare());
        assert_eq!(Jid::new("localhost").unwrap().node(), None);
    }
}
