//! UTS #46 ToASCII through the JS engine's URL parser (see the crate's documentation).

use std::borrow::Cow;
use std::format;
use std::prelude::v1::*;

/// A domain that ToASCII refused (the `idna` crate's error type carries nothing either).
#[derive(Debug, Default)]
pub struct Errors;

impl core::fmt::Display for Errors {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("domain refused by UTS #46 ToASCII")
    }
}

impl std::error::Error for Errors {}

/// UTS #46 processing (the `idna::uts46` module's API, as far as `jid` uses it).
pub mod uts46 {
    use super::*;

    /// Which ASCII characters a domain may not contain after mapping.
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub struct AsciiDenyList(Deny);

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Deny {
        Url,
        Std3,
    }

    impl AsciiDenyList {
        /// The URL Standard's forbidden domain code points (§3.5): C0 controls, space, `#`,
        /// `%`, `/`, `:`, `<`, `>`, `?`, `@`, `[`, `\`, `]`, `^`, `|` and DEL.
        pub const URL: AsciiDenyList = AsciiDenyList(Deny::Url);
        /// UseSTD3ASCIIRules: only letters, digits and hyphens (and the dots between labels).
        pub const STD3: AsciiDenyList = AsciiDenyList(Deny::Std3);

        fn denies(self, c: char) -> bool {
            match self.0 {
                Deny::Url => matches!(
                    c,
                    '\0'..=' '
                        | '#'
                        | '%'
                        | '/'
                        | ':'
                        | '<'
                        | '>'
                        | '?'
                        | '@'
                        | '['
                        | '\\'
                        | ']'
                        | '^'
                        | '|'
                        | '\u{7f}'
                ),
                Deny::Std3 => c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '-' || c == '.'),
            }
        }
    }

    /// UTS #46 CheckHyphens.
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub enum Hyphens {
        /// No positional rule.
        Allow,
        /// No hyphen first or last in a label.
        CheckFirstLast,
        /// No hyphen first or last, and not in both the third and fourth positions.
        Check,
    }

    /// UTS #46 VerifyDnsLength.
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub enum DnsLength {
        /// No length rule.
        Ignore,
        /// Labels of 1 to 63 octets, at most 253 in all, one root dot allowed at the end.
        VerifyAllowRootDot,
        /// Labels of 1 to 63 octets, at most 253 in all, no root dot.
        Verify,
    }

    /// UTS #46 processing with the JS engine's tables.
    #[derive(Default)]
    pub struct Uts46;

    impl Uts46 {
        /// The processor (it keeps no state).
        pub const fn new() -> Self {
            Uts46
        }

        /// ToASCII (UTS #46 §4.2), nontransitional, with CheckBidi and CheckJoiners, the given
        /// deny list, CheckHyphens and VerifyDnsLength. Bytes that are not UTF-8 are refused.
        pub fn to_ascii<'a>(
            &self,
            domain_name: &'a [u8],
            ascii_deny_list: AsciiDenyList,
            hyphens: Hyphens,
            dns_length: DnsLength,
        ) -> Result<Cow<'a, str>, Errors> {
            let domain = core::str::from_utf8(domain_name).map_err(|_| Errors)?;
            if domain.chars().any(|c| ascii_deny_list.denies(c)) {
                return Err(Errors);
            }
            let ascii = if domain.is_ascii() && !domain.split('.').any(is_punycode) {
                // ASCII labels: the mapping is lower-casing, nothing else can fail.
                if domain.bytes().any(|b| b.is_ascii_uppercase()) {
                    Cow::Owned(domain.to_ascii_lowercase())
                } else {
                    Cow::Borrowed(domain)
                }
            } else if domain.is_ascii() {
                // `xn--` labels: the URL parser of some engines lets an ASCII host through
                // unchecked, so decode them and have the Unicode form checked and converted;
                // a valid label converts back to itself (UTS #46 §4 step 4.1: decoded labels
                // must be valid, that is unchanged by the mapping and in NFC).
                let lower = domain.to_ascii_lowercase();
                let mut unicode = String::with_capacity(lower.len());
                for (n, label) in lower.split('.').enumerate() {
                    if n > 0 {
                        unicode.push('.');
                    }
                    match label.strip_prefix("xn--") {
                        Some(code) => {
                            let decoded = punycode::decode(code).map_err(|_| Errors)?;
                            // §4 step 4.1: an empty or all-ASCII decoding is an error.
                            if decoded.is_empty() || decoded.is_ascii() {
                                return Err(Errors);
                            }
                            unicode.push_str(&decoded);
                        }
                        None => unicode.push_str(label),
                    }
                }
                if host_to_ascii(&unicode)? != lower {
                    return Err(Errors);
                }
                Cow::Owned(lower)
            } else {
                // A character that maps to one the deny list refuses (a fullwidth `％`, `／`,
                // a no-break space): UTS #46 refuses it after mapping, but a URL parser may
                // act on it first (Chromium percent-decodes a mapped `%41`). NFKC is the core
                // of the UTS #46 mapping (§5) and is what maps these to ASCII.
                let compatible = String::from(js_sys::JsString::from(domain).normalize("NFKC"));
                if compatible.chars().any(|c| ascii_deny_list.denies(c)) {
                    return Err(Errors);
                }
                Cow::Owned(host_to_ascii(domain)?)
            };
            // What the URL parser gave back is held to the deny list too (it applies its own).
            if !domain.is_ascii() && ascii.chars().any(|c| ascii_deny_list.denies(c)) {
                return Err(Errors);
            }
            let check_first_last = hyphens == Hyphens::CheckFirstLast;
            if !ascii.split('.').any(is_punycode) {
                // Every label is its own Unicode form, and ASCII has no right-to-left
                // character, so the bidi rule has nothing to check (the common case: no
                // allocation, no table lookup).
                if hyphens != Hyphens::Allow
                    && !ascii.split('.').all(|l| hyphens_ok(l, check_first_last))
                {
                    return Err(Errors);
                }
            } else {
                let mut labels = Vec::new();
                for label in ascii.split('.') {
                    labels.push(match label.strip_prefix("xn--") {
                        Some(code) => Cow::Owned(punycode::decode(code).map_err(|_| Errors)?),
                        None => Cow::Borrowed(label),
                    });
                }
                if hyphens != Hyphens::Allow
                    && !labels.iter().all(|l| hyphens_ok(l, check_first_last))
                {
                    return Err(Errors);
                }
                if !bidi_ok(&labels) {
                    return Err(Errors);
                }
            }
            if dns_length != DnsLength::Ignore
                && !verify_dns_length(&ascii, dns_length == DnsLength::VerifyAllowRootDot)
            {
                return Err(Errors);
            }
            Ok(ascii)
        }
    }

    fn is_punycode(label: &str) -> bool {
        label
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("xn--"))
    }

    /// CheckHyphens (UTS #46 §4.1 criteria 2 and 3) on a label's Unicode form.
    fn hyphens_ok(label: &str, allow_third_fourth: bool) -> bool {
        if label.starts_with('-') || label.ends_with('-') {
            return false;
        }
        let mut chars = label.chars().skip(2);
        allow_third_fourth || !(chars.next() == Some('-') && chars.next() == Some('-'))
    }

    /// CheckBidi (UTS #46 §4.1 criterion 8): in a domain with a right-to-left label, every
    /// label follows the Bidi Rule of RFC 5893 §2. Done here because not every engine's URL
    /// parser does it (Node.js 20 lets `1שלום` through). The classes are `unicode-bidi`'s, the
    /// table `stringprep` uses for RFC 3454 §6 as well (one copy in the wasm).
    fn bidi_ok(labels: &[Cow<'_, str>]) -> bool {
        use unicode_bidi::{bidi_class, BidiClass::*};
        let rtl = |c: char| matches!(bidi_class(c), R | AL | AN);
        if !labels.iter().any(|l| l.chars().any(rtl)) {
            return true;
        }
        labels.iter().all(|label| {
            let mut classes = label.chars().map(bidi_class);
            let Some(first) = classes.next() else {
                return true;
            };
            let all: Vec<_> = core::iter::once(first).chain(classes).collect();
            // Rules 3 and 6 look at the last character that is not a nonspacing mark.
            let last = all
                .iter()
                .rev()
                .find(|c| **c != NSM)
                .copied()
                .unwrap_or(first);
            match first {
                // Rules 2, 3, 4.
                R | AL => {
                    all.iter()
                        .all(|c| matches!(c, R | AL | AN | EN | ES | CS | ET | ON | BN | NSM))
                        && matches!(last, R | AL | EN | AN)
                        && !(all.contains(&EN) && all.contains(&AN))
                }
                // Rules 5, 6.
                L => {
                    all.iter()
                        .all(|c| matches!(c, L | EN | ES | CS | ET | ON | BN | NSM))
                        && matches!(last, L | EN)
                }
                // Rule 1.
                _ => false,
            }
        })
    }

    /// VerifyDnsLength (UTS #46 §4.2 step 4), as the `idna` crate's function of that name.
    pub fn verify_dns_length(domain_name: &str, allow_trailing_dot: bool) -> bool {
        let name = match domain_name.strip_suffix('.') {
            Some(_) if !allow_trailing_dot => return false,
            Some(without) => without,
            None => domain_name,
        };
        name.len() <= 253 && name.split('.').all(|l| !l.is_empty() && l.len() <= 63)
    }

    /// The URL parser's domain to ASCII (URL Standard §3.5) of a host that has no character
    /// the parser treats before it (the deny list above keeps `%`, `:`, `/`, `@`, `[`, tabs
    /// and newlines away). A last label `a` is added so that the parser's IPv4 rules (a host
    /// that ends in a number) never apply, and taken off again.
    fn host_to_ascii(domain: &str) -> Result<String, Errors> {
        let url = web_sys::Url::new(&format!("http://{domain}.a/")).map_err(|_| Errors)?;
        let host = url.hostname();
        match host.strip_suffix(".a") {
            Some(ascii) if ascii.is_ascii() => Ok(ascii.to_owned()),
            _ => Err(Errors),
        }
    }
}
