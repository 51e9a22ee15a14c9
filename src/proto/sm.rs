//! XEP-0198 Stream Management (v1.6.1): acknowledgement counters, the queue of stanzas the
//! server has not acknowledged yet, and what resumption needs (§4 Acks, §5 Resumption).
//!
//! Counting (§4): the client counts what it sends from the moment it sends `<enable/>`, and
//! what it receives from the moment it receives `<enabled/>`. Counters wrap at 2^32.

use super::error::PeerMisbehaved;
use super::Client;
use crate::stanza::{self, ns, Element};
use xmpp_parsers::sm::{Enable, Failed, Nonza, Resume, StreamId, A, R};

use std::collections::VecDeque;

/// XEP-0198 namespace.
pub use xmpp_parsers::ns::SM as NS_SM;

/// XEP-0198 §4 lets either side send `<a/>` unasked: the client does after this many stanzas
/// handled since its last one, so that what a reload keeps to recognise repeats stays small.
pub const ACK_UNASKED_AFTER: u32 = 16;

/// Most unacknowledged stanzas kept; a server that acknowledges nothing for this long is
/// treated as a dead connection rather than allowed to grow memory without bound.
pub const MAX_UNACKED: usize = 10_000;

/// A stanza handed to the connection, kept until the server acknowledges it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Out {
    /// The serialised stanza.
    pub frame: String,
    /// For a chat message the application sent: its id (`xmpp.chat.sent` once acknowledged).
    pub message: Option<String>,
}

impl Out {
    /// A stanza the SDK sent on its own behalf (or one that is not a chat message).
    pub fn plain(frame: String) -> Out {
        Out {
            frame,
            message: None,
        }
    }
}

/// Stream management state of one session (it survives reconnections while resumable).
#[derive(Debug, Default)]
pub struct Sm {
    /// Resumption id from `<enabled resume="true" id/>`; `None`: not resumable.
    pub id: Option<String>,
    /// `<enabled/>` received: incoming stanzas are counted.
    pub enabled: bool,
    /// Stanzas received and handled since `<enabled/>` (the `h` we report).
    pub handled: u32,
    /// The last `h` the server reported.
    pub acked: u32,
    /// Sent stanzas not yet acknowledged, oldest first.
    pub unacked: VecDeque<Out>,
    /// An `<r/>` is outstanding.
    pub requested: bool,
    /// The `h` of the last `<a/>` the client sent.
    pub answered: u32,
    /// The full JID bound on the session (what a resumption gives back).
    pub jid: Option<crate::events::Jid>,
}

/// The server acknowledged more stanzas than were sent (§4: `undefined-condition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AckTooHigh;

impl Sm {
    /// Records a sent stanza.
    pub fn sent(&mut self, stanza: Out) {
        self.unacked.push_back(stanza);
    }

    /// Records a received stanza.
    pub fn received(&mut self) {
        if self.enabled {
            self.handled = self.handled.wrapping_add(1);
        }
    }

    /// Applies `<a h/>` (or the `h` of `<resumed/>`/`<failed/>`): drops what it acknowledges
    /// and returns the ids of the application's chat messages among them.
    pub fn ack(&mut self, h: u32) -> Result<Vec<String>, AckTooHigh> {
        let newly = h.wrapping_sub(self.acked) as usize;
        if newly > self.unacked.len() {
            return Err(AckTooHigh);
        }
        let ids = self
            .unacked
            .drain(..newly)
            .filter_map(|o| o.message)
            .collect();
        self.acked = h;
        self.requested = false;
        Ok(ids)
    }

    /// The `h` of `<resumed/>` (§5). A server whose resumed state is older than the last
    /// `<a/>` it sent (ejabberd 23.01 when a session is resumed twice in quick succession)
    /// reports an `h` behind ours: what it acknowledged before was received, so the count is
    /// taken from the server again and everything unacknowledged is sent again as usual.
    pub fn ack_resumed(&mut self, h: u32) -> Result<Vec<String>, AckTooHigh> {
        let behind = self.acked.wrapping_sub(h);
        if behind != 0 && behind < 1 << 31 {
            self.acked = h;
            self.requested = false;
            return Ok(Vec::new());
        }
        self.ack(h)
    }

    /// `<enable resume="true"/>`.
    /// XEP-0198 §3 `<enable resume="true"/>`.
    pub fn enable() -> Enable {
        Enable {
            max: None,
            resume: true,
        }
    }

    /// XEP-0198 §4 `<r/>`.
    pub fn request_frame() -> String {
        stanza::write(R)
    }

    /// XEP-0198 §4 `<a h/>` with the count of stanzas handled.
    pub fn answer(&mut self) -> A {
        self.answered = self.handled;
        A::new(self.handled)
    }

    /// XEP-0198 §5 `<resume h previd/>`, when the server allowed resumption.
    pub fn resume(&self) -> Option<Resume> {
        Some(Resume {
            h: self.handled,
            previd: StreamId(self.id.clone()?),
        })
    }
}

/// Reads a XEP-0198 nonza. xmpp-parsers 0.23 requires `h` on `<failed/>`, which XEP-0198
/// §5 makes optional (Prosody leaves it out when it knows nothing of the session); such a
/// `<failed/>` is read as one without `h`.
pub fn read_nonza(el: Element) -> Option<Nonza> {
    if el.is("failed", ns::SM) && el.attr("h").is_none() {
        return Some(Nonza::Failed(Failed {
            h: None,
            error: None,
        }));
    }
    Nonza::try_from(el).ok()
}

impl Client {
    /// XEP-0198 nonzas on an established stream: `<r/>`, `<a/>`, `<enabled/>`, `<failed/>`.
    pub(crate) fn handle_sm(&mut self, el: Element) {
        let Some(sm) = self.session.sm.as_mut() else {
            return;
        };
        match read_nonza(el) {
            Some(Nonza::Req(_)) => {
                let a = sm.answer();
                self.send_nonza(a);
                // What the server now knows we handled, it will not send again.
                self.session.kept_recent.clear();
            }
            Some(Nonza::Ack(a)) => match sm.ack(a.h) {
                Ok(ids) => {
                    self.session.resumption_unproven = false;
                    if !ids.is_empty() || sm.unacked.is_empty() {
                        self.session.careful_wait = None;
                    }
                    // What went out after the request this answers is asked for in turn: an
                    // ack timer that fired while that request was outstanding asked nothing
                    // (a slow server would otherwise leave the last stanzas unacknowledged).
                    if !sm.unacked.is_empty() {
                        self.arm_ack_timer();
                    }
                    self.acknowledged(ids);
                    self.flush_paced();
                }
                Err(AckTooHigh) => self.stream_error(PeerMisbehaved::UndefinedCondition),
            },
            Some(Nonza::Enabled(e)) => {
                sm.enabled = true;
                sm.jid = self.stream.bound.clone();
                sm.id = e.id.filter(|_| e.resume).map(|i| i.0);
                // acks can be asked for now: the window that filled meanwhile makes room, and a
                // stanza sent alone before this (careful mode) is acknowledged
                self.flush_paced();
                if self.session.careful_wait.is_some() {
                    self.request_ack();
                }
            }
            Some(Nonza::Failed(_)) => {
                // <enable/> refused: no stream management on this session; what waited for
                // the window goes now.
                self.session.sm = None;
                for out in std::mem::take(&mut self.session.paced) {
                    self.send_out(out);
                }
            }
            Some(_) => {}
            // A malformed `<a/>` cannot be trusted to count anything.
            None => self.stream_error(PeerMisbehaved::UndefinedCondition),
        }
    }

    /// `xmpp.chat.sent {id}` for each of the application's messages the server acknowledged
    /// (`docs/decisions.md` §10).
    pub(crate) fn acknowledged(&mut self, ids: Vec<String>) {
        for id in ids {
            self.emit(crate::events::Emit::Sent(crate::events::chat::Sent { id }));
        }
    }

    /// An `<a/>` nobody asked for, after [`ACK_UNASKED_AFTER`] stanzas handled since the last.
    pub(crate) fn ack_unasked(&mut self) {
        let Some(sm) = self.session.sm.as_mut() else {
            return;
        };
        if !sm.enabled || sm.handled.wrapping_sub(sm.answered) < ACK_UNASKED_AFTER {
            return;
        }
        let a = sm.answer();
        self.send_nonza(a);
        self.session.kept_recent.clear();
    }

    /// The ack request timer: asks for an acknowledgement of what is unacknowledged (§4).
    pub(crate) fn request_ack_now(&mut self) {
        self.session.ack_request_at = None;
        self.request_ack();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acks_drop_from_the_front_and_wrap() {
        let mut sm = Sm::default();
        for i in 0..5 {
            sm.sent(Out {
                frame: format!("s{i}"),
                message: (i % 2 == 1).then(|| format!("m{i}")),
            });
        }
        assert_eq!(sm.ack(2), Ok(vec!["m1".to_owned()]));
        assert_eq!(sm.unacked.front().map(|o| o.frame.as_str()), Some("s2"));
        assert_eq!(sm.ack(2), Ok(vec![]), "a repeated ack changes nothing");
        assert_eq!(sm.unacked.len(), 3);
        assert_eq!(sm.ack(9), Err(AckTooHigh));
        assert_eq!(sm.ack(5), Ok(vec!["m3".to_owned()]));
        assert!(sm.unacked.is_empty());
        // wrap-around at 2^32
        let mut sm = Sm {
            acked: u32::MAX - 1,
            ..Sm::default()
        };
        for f in ["a", "b", "c"] {
            sm.sent(Out::plain(f.into()));
        }
        assert_eq!(sm.ack(0), Ok(vec![]));
        assert_eq!(sm.unacked.len(), 1);
    }

    #[test]
    fn a_resumed_count_behind_ours_is_taken_from_the_server() {
        let mut sm = Sm::default();
        for f in ["a", "b", "c", "d"] {
            sm.sent(Out::plain(f.into()));
        }
        assert_eq!(sm.ack(3), Ok(vec![]));
        // the server's resumed state says 1: nothing dropped, counting goes on from 1
        assert_eq!(sm.ack_resumed(1), Ok(vec![]));
        assert_eq!(sm.unacked.len(), 1);
        assert_eq!(sm.ack(2), Ok(vec![]));
        assert!(sm.unacked.is_empty());
        // ahead of what was sent is still an error
        assert_eq!(sm.ack_resumed(9), Err(AckTooHigh));
    }

    #[test]
    fn counts_only_after_enabled() {
        let mut sm = Sm::default();
        sm.received();
        assert_eq!(sm.handled, 0);
        sm.enabled = true;
        sm.received();
        sm.received();
        assert_eq!(sm.answer().h, 2);
        assert!(sm.resume().is_none());
        let failed = stanza::parse_frame("<failed xmlns='urn:xmpp:sm:3'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>", 1024).unwrap();
        assert!(matches!(
            read_nonza(failed),
            Some(Nonza::Failed(Failed { h: None, .. }))
        ));
        sm.id = Some("a\"b".into());
        let r = stanza::parse_frame(&stanza::write(sm.resume().unwrap()), 1024).unwrap();
        assert_eq!(r.attr("previd"), Some("a\"b"));
        assert_eq!(r.attr("h"), Some("2"));
    }
}
