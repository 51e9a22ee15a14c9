//! Sending safely (`docs/decisions.md` §16): the XEP-0198 sending window, and "careful
//! mode", which finds a stanza the server refuses by ending the connection right after it.
//!
//! With stream management at most `Config::send_window` stanzas and [`WINDOW_BYTES`] bytes are
//! in flight; the rest waits in `Session::paced`. A connection that ends shortly after stanzas
//! went out has them sent again one at a time, each acknowledged before the next; a stanza
//! alone in flight at two ends in a row is taken out of the outbox and reported, unless the
//! next resumption shows the server had it.

use std::collections::VecDeque;

use super::sm::{Out, Sm};
use super::{dedup, Client, ACK_BATCH, ACK_DELAY_MS};
use crate::events::{Emit, Jid};
use xmpp_parsers::stream_error::DefinedCondition as StreamCondition;

/// The sending window: at most `Config::send_window` stanzas in flight (sent, not
/// acknowledged; 64 by default) and at most this many bytes of them (a stanza larger than the
/// window goes alone): well under the 512 KiB Prosody buffers per WebSocket before it ends the
/// session.
const WINDOW_BYTES: usize = 192_000;
/// A stanza sent alone whose ack has not come this long later ends the connection (a server
/// that stopped reading, seen: Prosody 0.12 after a refused message).
pub(crate) const ACK_TIMEOUT_MS: u64 = 10_000;

/// Whether `out` fits in the sending window beside what is in flight (a window with nothing
/// in flight takes any stanza).
fn window_has_room(sm: &Sm, out: &Out, stanzas: usize) -> bool {
    if sm.unacked.is_empty() {
        return true;
    }
    let bytes: usize = sm.unacked.iter().map(|o| o.frame.len()).sum();
    sm.unacked.len() < stanzas && bytes + out.frame.len() <= WINDOW_BYTES
}

impl Client {
    /// Sends a stanza: counted and kept until acknowledged when XEP-0198 is on (§4). Without
    /// it, handing a message to the socket is all the SDK can know: `xmpp.chat.sent` at once.
    pub(crate) fn send_out(&mut self, out: Out) {
        if let Some(id) = &out.message {
            // A copy of it in the own archive is not news to the catch-up (XEP-0313).
            self.dedup.first_time(dedup::SENT_HERE, id);
        }
        let Some(sm) = self.session.sm.as_ref() else {
            self.acknowledged(out.message.clone().into_iter().collect());
            return self.send_frame(out.frame, None);
        };
        // docs/decisions.md §16: behind what waits already, or when the window is full.
        if !self.session.paced.is_empty() || !self.has_room(sm, &out) {
            self.session.paced.push_back(out);
            return self.request_ack();
        }
        self.send_in_window(out);
    }

    /// Sends stanzas that waited for the window, as far as it has room.
    pub(crate) fn flush_paced(&mut self) {
        if self.careful_resend() {
            return;
        }
        while let Some(out) = self.session.paced.pop_front() {
            if !self
                .session
                .sm
                .as_ref()
                .is_some_and(|sm| self.has_room(sm, &out))
            {
                self.session.paced.push_front(out);
                return self.request_ack();
            }
            self.send_in_window(out);
        }
    }

    /// Asks for an acknowledgement of what is unacknowledged (XEP-0198 §4), unless one is
    /// asked already: the ack timer, a full window, a stanza sent alone.
    pub(crate) fn request_ack(&mut self) {
        let online = self.is_online();
        if let Some(sm) = self.session.sm.as_mut() {
            if online && sm.enabled && !sm.requested && !sm.unacked.is_empty() {
                sm.requested = true;
                self.send_frame(Sm::request_frame(), None);
            }
        }
    }

    /// Whether `out` may go now: room in the window; in careful mode, nothing in flight on
    /// this connection and nothing left to send again.
    fn has_room(&self, sm: &Sm, out: &Out) -> bool {
        if !self.session.resend_queue.is_empty() {
            return false;
        }
        if self.session.careful > 0 || self.session.careful_wait.is_some() {
            return sm.unacked.is_empty();
        }
        window_has_room(sm, out, self.cfg.send_window)
    }

    /// Careful mode after a resumption: sends the next stanza of the resumed queue once
    /// nothing is in flight, asking for its ack at once. Returns whether some remain.
    pub(crate) fn careful_resend(&mut self) -> bool {
        let Some(sm) = self.session.sm.as_ref() else {
            return false;
        };
        let in_flight = sm
            .unacked
            .len()
            .saturating_sub(self.session.resend_queue.len());
        if in_flight == 0 {
            if let Some(frame) = self.session.resend_queue.pop_front() {
                self.went_out();
                self.session.careful = self.session.careful.saturating_sub(1);
                self.send_alone(frame);
            }
        }
        !self.session.resend_queue.is_empty()
    }

    /// Notes that a stanza goes out now, on this connection.
    pub(crate) fn went_out(&mut self) {
        self.session.last_stanza_at = Some(self.now);
        self.session.sent_on_connection = true;
    }

    /// Careful mode: a stanza alone in flight, whose ack is asked for at once (and awaited
    /// at most [`ACK_TIMEOUT_MS`]).
    fn send_alone(&mut self, frame: String) {
        self.session.careful_wait = Some(self.now);
        self.send_frame(frame, None);
        self.request_ack();
    }

    /// Sends a stanza that has room in the window.
    fn send_in_window(&mut self, out: Out) {
        self.went_out();
        let careful = self.session.careful > 0;
        self.session.careful = self.session.careful.saturating_sub(1);
        let frame = out.frame.clone();
        let Some(sm) = self.session.sm.as_mut() else {
            return;
        };
        sm.sent(out);
        if careful {
            return self.send_alone(frame);
        }
        let Some(sm) = self.session.sm.as_mut() else {
            return;
        };
        if sm.unacked.len() > super::sm::MAX_UNACKED {
            // A server that acknowledges nothing: treat the connection as dead.
            self.send_frame(frame, None);
            return self.connection_lost(None);
        }
        if sm.enabled && !sm.requested && sm.unacked.len() >= ACK_BATCH {
            sm.requested = true;
            self.send_frame(frame, None);
            return self.send_frame(Sm::request_frame(), None);
        }
        self.arm_ack_timer();
        self.send_frame(frame, None);
    }

    /// Asks for an ack [`ACK_DELAY_MS`] from now, unless a request is planned already.
    pub(crate) fn arm_ack_timer(&mut self) {
        if self.session.ack_request_at.is_none() {
            self.session.ack_request_at = Some(self.now.plus(ACK_DELAY_MS));
        }
    }
}

/// How the server ended the connection after stanzas went out.
pub(crate) enum Refusal {
    /// A stream error (RFC 6120 §4.9.3).
    Stream(StreamCondition),
    /// A WebSocket close that was not clean (RFC 6455 §7.1.5), with its code.
    Close(Option<u16>),
}

/// The stream errors a server ends a stream with when it refuses a stanza (RFC 6120 §4.9.3).
pub(crate) fn is_refusal(condition: &StreamCondition) -> bool {
    matches!(
        condition,
        StreamCondition::PolicyViolation
            | StreamCondition::ResourceConstraint
            | StreamCondition::NotWellFormed
            | StreamCondition::InvalidXml
            | StreamCondition::BadFormat
            | StreamCondition::RestrictedXml
    )
}

/// A connection that ends within this long of a stanza going out may have refused it (longer
/// than a stanza sent alone waits for its ack).
const REFUSAL_MS: u64 = ACK_TIMEOUT_MS + 5_000;

/// Browsers send a WebSocket message over this many bytes as several frames; a server that
/// refuses that may keep the first part in the session's parser.
const SPLIT_BYTES: usize = 64_000;

impl Client {
    /// The connection ended shortly after stanzas went out (`docs/decisions.md` §16). What
    /// was in flight goes again one stanza at a time, each acknowledged before the next, so
    /// that a stanza the server refuses is the only one in flight when it ends the connection
    /// again; a stanza alone in flight at two ends in a row is taken out of the outbox and
    /// reported. Returns whether stanzas were in flight.
    pub(crate) fn on_end(&mut self, how: Refusal) -> bool {
        self.session.careful_wait = None;
        // Only stanzas sent on this connection can be what it ended over: a resumption that
        // is cut before it sent anything again says nothing about them.
        let recent = self.session.sent_on_connection
            && self
                .session
                .last_stanza_at
                .is_some_and(|t| self.now.0 <= t.0.saturating_add(REFUSAL_MS));
        let queued = self.session.resend_queue.len();
        // A stream error over what went first after a resumption may be the server's: Prosody
        // 0.12 keeps a frame cut on the old connection and reads the new bytes as its rest
        // (docs/decisions.md §18). No strike; a new session instead of a resumption, where a
        // stanza that is really refused counts again.
        let stale_frame = std::mem::take(&mut self.session.resumption_unproven)
            && matches!(how, Refusal::Stream(_));
        let Some(sm) = self.session.sm.as_mut().filter(|_| recent) else {
            return false;
        };
        if stale_frame {
            sm.id = None;
        }
        let in_flight = sm.unacked.len().saturating_sub(queued);
        if in_flight == 0 {
            return false;
        }
        if in_flight == 1 && !stale_frame {
            let Some(front) = sm.unacked.front().map(|o| o.frame.clone()) else {
                return false;
            };
            if front.len() > SPLIT_BYTES {
                sm.id = None; // the server may hold half of it: a new session
            }
            let strikes = match &self.session.suspect {
                Some((f, n)) if *f == front => n.saturating_add(1),
                _ => 1,
            };
            if strikes < 2 {
                self.session.suspect = Some((front, strikes));
            } else {
                // Decided when the next connection says whether the server had it.
                self.session.suspect = None;
                self.session.doomed = Some((front, Refused::from(how)));
            }
        }
        // what goes again one at a time: not the stanza refused twice, which does not go again
        let sm_len = self.session.sm.as_ref().map_or(0, |sm| sm.unacked.len());
        let doomed = usize::from(self.session.doomed.is_some());
        self.session.careful = self.session.careful.max(sm_len.saturating_sub(doomed));
        true
    }

    /// A resumption answered (its `h` applied): the stanza refused twice is taken out of the
    /// outbox and reported, unless the server acknowledged it, which a refusal never is.
    pub(crate) fn settle_on_resumption(&mut self) {
        let doomed = self.session.doomed.take();
        let found = (self.session.sm.as_mut()).and_then(|sm| take_doomed(doomed, &mut sm.unacked));
        if let Some((out, why)) = found {
            self.refused(&out, why);
        }
    }

    /// A new session (no resumption): the stanza refused twice is not sent again but
    /// reported; the rest of `unsent` goes.
    pub(crate) fn settle_on_new_session(&mut self, unsent: &mut VecDeque<Out>) {
        if let Some((out, why)) = take_doomed(self.session.doomed.take(), unsent) {
            self.refused(&out, why);
        }
    }

    /// A stanza refused twice: `xmpp.chat.error` for a message of the application, the
    /// callback or promise for a request of the application (an IQ still waiting).
    fn refused(&mut self, out: &Out, why: Refused) {
        let error = crate::events::Limit::Refused {
            condition: why.condition,
            close_code: why.close_code,
        };
        if out.message.is_none() {
            let Some(iq) = crate::stanza::parse_frame(&out.frame, usize::MAX)
                .ok()
                .filter(|el| el.name() == "iq")
                .and_then(|el| el.attr("id").and_then(|id| self.iqs.take(id)))
            else {
                return;
            };
            if !iq.internal() {
                self.connection_error(iq.callback, error);
            }
            return;
        }
        let Some(m) = crate::events::chat::pending_payload(&out.frame) else {
            return;
        };
        let Ok(to) = Jid::new(&m.to) else {
            return;
        };
        self.emit(Emit::ChatError(crate::events::actions::ChatError {
            from: crate::events::jid_obj(&to),
            id: m.id,
            error: error.into(),
        }));
    }
}

/// Takes the stanza refused twice (`doomed`) out of `queue`, with why, if it is still there.
fn take_doomed(
    doomed: Option<(String, Refused)>,
    queue: &mut VecDeque<Out>,
) -> Option<(Out, Refused)> {
    let (frame, why) = doomed?;
    let pos = queue.iter().position(|o| o.frame == frame)?;
    Some((queue.remove(pos)?, why))
}

/// Why a stanza counts as refused: the stream error's condition, or `not-acceptable` with
/// the WebSocket close code.
pub(crate) struct Refused {
    condition: String,
    close_code: Option<u16>,
}

impl From<Refusal> for Refused {
    fn from(how: Refusal) -> Refused {
        match how {
            Refusal::Stream(c) => Refused {
                condition: crate::proto::error::condition_name(&c),
                close_code: None,
            },
            Refusal::Close(code) => Refused {
                condition: "not-acceptable".to_owned(),
                close_code: code,
            },
        }
    }
}
