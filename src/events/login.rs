//! `xmpp.login` / `xmpp.login.anonymous` payloads (`docs/xmpp-ftw-api.md` §2, `docs/decisions.md` §2).

use super::command;
use super::error::{ClientError, Echo};
use super::{BareJid, Jid};

/// A validated login request.
#[derive(Debug, Clone, PartialEq)]
pub struct LoginParams {
    /// The account (for ANONYMOUS: only the domain).
    pub jid: BareJid,
    /// Empty for ANONYMOUS.
    pub password: String,
    /// Requested resource; the server assigns one when `None`.
    pub resource: Option<String>,
    /// XEP-0077 in-band registration before authenticating.
    pub register: bool,
    /// SASL ANONYMOUS.
    pub anonymous: bool,
    /// The RFC 7395 endpoint; discovered with XEP-0156 when `None`.
    pub websocket: Option<String>,
}

impl LoginParams {
    /// The SASL and XEP-0077 username: the JID's localpart.
    pub fn user(&self) -> String {
        self.jid.node().map(|n| n.to_string()).unwrap_or_default()
    }
}

fn auth_client_error(description: impl Into<std::borrow::Cow<'static, str>>) -> ClientError {
    ClientError {
        description: description.into(),
        auth: true,
        echo: Echo::Redacted,
    }
}

/// Validates `xmpp.login` (`anonymous == false`) or `xmpp.login.anonymous`.
pub fn parse(p: command::Login, anonymous: bool) -> Result<LoginParams, ClientError> {
    let opt = |f: super::field::Field<String>, key: &str| {
        f.read()
            .map_err(|_| auth_client_error(format!("Invalid '{key}' key")))
    };
    let jid_s = p.jid.given().filter(|s| !s.is_empty()).cloned();
    let password = if anonymous {
        String::new()
    } else {
        p.password.given().cloned().unwrap_or_default()
    };
    let Some(jid_s) = jid_s.filter(|_| anonymous || !password.is_empty()) else {
        return Err(auth_client_error("Missing jid and/or password"));
    };
    let host = opt(p.host, "host")?;
    let mut resource = opt(p.resource, "resource")?.filter(|r| !r.is_empty());
    // xmpp-ftw: a jid without '@' is completed with `host`; for ANONYMOUS only the domain counts.
    let full = if anonymous {
        // the domain, read by the jid crate (RFC 7622: a resource may hold '@')
        Jid::new(&jid_s)
            .map_err(|_| auth_client_error("Invalid 'jid' key"))?
            .domain()
            .to_string()
    } else if !jid_s.contains('@') {
        match host {
            Some(h) => format!("{jid_s}@{h}"),
            None => return Err(auth_client_error("Invalid 'jid' key")),
        }
    } else {
        jid_s
    };
    let jid = Jid::new(&full).map_err(|_| auth_client_error("Invalid 'jid' key"))?;
    if let Some(r) = jid.resource() {
        resource = Some(r.to_string());
    }
    if !anonymous && jid.node().is_none() {
        return Err(auth_client_error("Invalid 'jid' key"));
    }
    let websocket = opt(p.websocket, "websocket")?;
    if let Some(url) = &websocket {
        if !(url.starts_with("ws://") || url.starts_with("wss://")) {
            return Err(auth_client_error("Invalid 'websocket' key"));
        }
    }
    Ok(LoginParams {
        jid: jid.to_bare(),
        password,
        resource,
        register: !anonymous && p.register.truthy(),
        anonymous,
        websocket,
    })
}

/// Whether PLAIN may be used on `url` (`docs/decisions.md` §2): over `wss://`, or to a
/// loopback host (`localhost`, 127.0.0.0/8, `[::1]`).
pub fn plain_allowed(url: &str) -> bool {
    if url.starts_with("wss://") {
        return true;
    }
    let Some(rest) = url.strip_prefix("ws://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.split(':').next().unwrap_or("")
    };
    host.eq_ignore_ascii_case("localhost")
        || host == "::1"
        || host.strip_prefix("127.").is_some_and(|r| {
            r.split('.').count() == 3 && r.split('.').all(|o| o.parse::<u8>().is_ok())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(s: &str) -> command::Login {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn login_payload_rules() {
        let p = parse(
            cmd(r#"{"jid": "alice", "host": "example.org", "password": "pw"}"#),
            false,
        )
        .unwrap();
        assert_eq!(p.jid.as_str(), "alice@example.org");
        let p = parse(
            cmd(
                r#"{"jid": "alice@example.org/phone", "password": "pw", "resource": "x",
                "register": true, "websocket": "wss://e/ws"}"#,
            ),
            false,
        )
        .unwrap();
        assert_eq!(p.resource.as_deref(), Some("phone"));
        assert!(p.register);
        let err = parse(
            cmd(r#"{"jid": "alice@example.org", "password": ""}"#),
            false,
        )
        .unwrap_err();
        assert_eq!(
            serde_json::to_value(super::super::Error::from(err.clone())).unwrap(),
            serde_json::json!({"type": "auth", "condition": "client-error",
                "description": "Missing jid and/or password"})
        );
        assert_eq!(err.echo, Echo::Redacted, "the password is never echoed");
        let err = parse(command::Login::default(), false).unwrap_err();
        assert_eq!(err.to_string(), "Missing jid and/or password");
        let err = parse(
            cmd(r#"{"jid": "a@b", "password": "p", "websocket": "http://x"}"#),
            false,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "Invalid 'websocket' key");
        let err = parse(
            cmd(r#"{"jid": "a@b", "password": "p", "resource": 5}"#),
            false,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "Invalid 'resource' key");
    }

    #[test]
    fn anonymous_keeps_only_the_domain() {
        let p = parse(cmd(r#"{"jid": "ignored@anon.example.org"}"#), true).unwrap();
        assert_eq!(p.jid.as_str(), "anon.example.org");
        assert!(p.anonymous && p.password.is_empty());
        // an '@' in the resource is not where the domain starts (RFC 7622 §3.1)
        let p = parse(cmd(r#"{"jid": "anon.example.org/me@home"}"#), true).unwrap();
        assert_eq!(p.jid.as_str(), "anon.example.org");
        let p = parse(cmd(r#"{"jid": "x@Anon.Example.org/a@b"}"#), true).unwrap();
        assert_eq!(p.jid.as_str(), "anon.example.org");
        assert!(parse(cmd(r#"{"jid": "a@@b"}"#), true).is_err());
    }

    #[test]
    fn plain_only_on_tls_or_loopback() {
        assert!(plain_allowed("wss://example.org/ws"));
        assert!(plain_allowed("ws://127.0.0.1:5280/xmpp-websocket"));
        assert!(plain_allowed("ws://localhost/x"));
        assert!(plain_allowed("ws://[::1]:5280/x"));
        assert!(!plain_allowed("ws://example.org/ws"));
        assert!(!plain_allowed("ws://127.0.0.1.evil.org/ws"));
        assert!(!plain_allowed("ws://10.0.0.1/ws"));
    }
}
