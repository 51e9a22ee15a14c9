//! Every deadline of the client in one place: a [`Timer`] per kind, and
//! [`Client::poll_timeout`] is the minimum over them (the shell keeps one `setTimeout`).

use super::{Client, Instant, State};

/// A kind of deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// The login (or a reconnection attempt) must be online by then (`docs/decisions.md` §3).
    Login,
    /// `<close/>` sent: the socket is closed anyway after a grace period (RFC 7395 §3.6).
    CloseGrace,
    /// The next reconnection attempt (jittered exponential backoff, `docs/decisions.md` §2).
    Reconnect,
    /// XEP-0199 §4.2 keepalive ping after a quiet period.
    Keepalive,
    /// XEP-0198 §4: ask for an acknowledgement of what is unacknowledged.
    AckRequest,
    /// The earliest pending IQ expires (`requestTimeoutMs`).
    Iq,
    /// A file upload cut by the network is tried again (`docs/decisions.md` §12).
    UploadRetry,
    /// A stanza sent alone got no ack: the connection is replaced (`docs/decisions.md` §16).
    AckTimeout,
}

impl Client {
    /// Every armed timer with its deadline.
    pub(crate) fn timers(&self) -> impl Iterator<Item = (Timer, Instant)> {
        let state = match self.state {
            State::Closing { deadline, .. } => Some((Timer::CloseGrace, deadline)),
            State::Waiting { at: Some(at) } => Some((Timer::Reconnect, at)),
            State::Online if !self.session.ping_pending => Some((
                Timer::Keepalive,
                self.stream.last_rx.plus(self.cfg.ping_interval_ms),
            )),
            _ => None,
        };
        [
            self.attempt.deadline.map(|d| (Timer::Login, d)),
            state,
            self.session.ack_request_at.map(|d| (Timer::AckRequest, d)),
            self.iqs.next_deadline().map(|d| (Timer::Iq, d)),
            self.session
                .careful_wait
                .filter(|_| self.is_online())
                .map(|at| (Timer::AckTimeout, at.plus(super::pacing::ACK_TIMEOUT_MS))),
            self.uploads
                .next_retry()
                .filter(|_| self.is_online() && self.network_up)
                .map(|d| (Timer::UploadRetry, d)),
        ]
        .into_iter()
        .flatten()
    }

    /// The timers that are due at `now`.
    pub(crate) fn due(&self, now: Instant) -> Vec<Timer> {
        self.timers()
            .filter(|(_, at)| *at <= now)
            .map(|(t, _)| t)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::Config;

    #[test]
    fn poll_timeout_is_the_minimum() {
        let mut c = Client::new(Config::default());
        assert_eq!(c.poll_timeout(), None);
        c.attempt.deadline = Some(Instant(500));
        c.session.ack_request_at = Some(Instant(200));
        assert_eq!(c.poll_timeout(), Some(Instant(200)));
        assert_eq!(c.due(Instant(300)), vec![Timer::AckRequest]);
        c.state = State::Waiting {
            at: Some(Instant(100)),
        };
        assert_eq!(c.poll_timeout(), Some(Instant(100)));
        assert_eq!(c.due(Instant(600)).len(), 3);
    }
}
