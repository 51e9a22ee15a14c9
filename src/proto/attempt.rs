//! The login attempt: what `xmpp.login` asked for, its promise and deadline, the endpoint
//! (given, or found by XEP-0156 discovery), and how many RFC 7395 §3.6.1 redirects it
//! followed. Each login is numbered, so that a late XEP-0156 answer for an earlier one is
//! ignored.

use super::{Callback, Instant};
use crate::events::login::LoginParams;

/// The current (or last) login.
#[derive(Default)]
pub(super) struct Attempt {
    /// What the application asked for (`None`: logged out).
    pub(super) params: Option<LoginParams>,
    /// The login's promise, settled once online or failed.
    pub(super) callback: Callback,
    /// When the login gives up (`docs/decisions.md` §3).
    pub(super) deadline: Option<Instant>,
    /// The WebSocket endpoint in use.
    pub(super) url: Option<String>,
    /// XEP-0156 documents still to try, last first.
    pub(super) discovery: Vec<String>,
    /// Counts logins.
    pub(super) seq: u32,
    /// `see-other-uri` redirects followed.
    pub(super) redirects: u8,
}

impl Attempt {
    /// Starts a login: a new number, its promise (only a promise hears of the login's
    /// outcome as a reply), its deadline, no redirect yet; the XEP-0156 documents to try
    /// when no endpoint is given (§3: the JSON document first, then the XRD one;
    /// `host_meta`: one URL instead).
    pub(super) fn start(
        &mut self,
        params: LoginParams,
        cb: Callback,
        deadline: Instant,
        host_meta: Option<String>,
    ) {
        let domain = params.jid.domain().to_string();
        self.discovery = match (&params.websocket, host_meta) {
            (Some(_), _) => Vec::new(),
            (None, Some(url)) => vec![url],
            (None, None) => vec![
                format!("https://{domain}/.well-known/host-meta"),
                format!("https://{domain}/.well-known/host-meta.json"),
            ],
        };
        self.params = Some(params);
        self.seq = self.seq.wrapping_add(1);
        self.callback = match cb {
            Callback::Promise(_) => cb,
            _ => Callback::None,
        };
        self.deadline = Some(deadline);
        self.redirects = 0;
    }

    /// The given endpoint, if any.
    pub(super) fn websocket(&self) -> Option<String> {
        self.params.as_ref().and_then(|p| p.websocket.clone())
    }

    /// Takes the login's promise (to settle it once).
    pub(super) fn take_callback(&mut self) -> Callback {
        std::mem::take(&mut self.callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::BareJid;

    fn params(websocket: Option<&str>) -> LoginParams {
        LoginParams {
            jid: BareJid::new("ann@example.org").unwrap(),
            password: "pw".into(),
            resource: None,
            register: false,
            anonymous: false,
            websocket: websocket.map(str::to_owned),
        }
    }

    #[test]
    fn each_login_is_numbered_and_finds_its_endpoint() {
        let mut a = Attempt::default();
        a.start(params(None), Callback::Function(3), Instant(10), None);
        assert_eq!(a.seq, 1);
        // only a promise hears of the login as a reply
        assert_eq!(a.take_callback(), Callback::None);
        // XEP-0156 §3: JSON first (popped from the end)
        assert_eq!(
            a.discovery.pop().as_deref(),
            Some("https://example.org/.well-known/host-meta.json")
        );
        a.redirects = 2;
        a.start(
            params(Some("wss://x/ws")),
            Callback::Promise(4),
            Instant(20),
            None,
        );
        assert_eq!((a.seq, a.redirects, a.deadline), (2, 0, Some(Instant(20))));
        assert!(a.discovery.is_empty());
        assert_eq!(a.websocket().as_deref(), Some("wss://x/ws"));
        assert_eq!(a.take_callback(), Callback::Promise(4));
        assert_eq!(a.take_callback(), Callback::None, "settled once");
        a.start(
            params(None),
            Callback::None,
            Instant(30),
            Some("http://l/hm".into()),
        );
        assert_eq!(a.discovery, ["http://l/hm"]);
    }
}
