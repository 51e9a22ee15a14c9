//! XEP-0198 Stream Management (v1.6.1): acknowledgement counters, the queue of stanzas the
//! server has not acknowledged yet, and what resumption needs (§4 Acks, §5 Resumption).
//!
//! Counting (§4): the client counts what it sends from the moment it sends `<enable/>`, and
//! what it receives from the moment it receives `<enabled/>`. Counters wrap at 2^32.

use std::collections::VecDeque;

/// XEP-0198 namespace.
pub const NS_SM: &str = "urn:xmpp:sm:3";

/// Most unacknowledged stanzas kept; a server that acknowledges nothing for this long is
/// treated as a dead connection rather than allowed to grow memory without bound.
pub const MAX_UNACKED: usize = 10_000;

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
    acked: u32,
    /// Sent stanzas not yet acknowledged, oldest first.
    pub unacked: VecDeque<String>,
    /// An `<r/>` is outstanding.
    pub requested: bool,
}

/// The server acknowledged more stanzas than were sent (§4: `undefined-condition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AckTooHigh;

impl Sm {
    /// Records a sent stanza.
    pub fn sent(&mut self, stanza: String) {
        self.unacked.push_back(stanza);
    }

    /// Records a received stanza.
    pub fn received(&mut self) {
        if self.enabled {
            self.handled = self.handled.wrapping_add(1);
        }
    }

    /// Applies `<a h/>` (or the `h` of `<resumed/>`/`<failed/>`): drops what it acknowledges.
    pub fn ack(&mut self, h: u32) -> Result<(), AckTooHigh> {
        let newly = h.wrapping_sub(self.acked) as usize;
        if newly > self.unacked.len() {
            return Err(AckTooHigh);
        }
        self.unacked.drain(..newly);
        self.acked = h;
        self.requested = false;
        Ok(())
    }

    /// `<enable resume="true"/>`.
    pub fn enable_frame() -> String {
        format!("<enable xmlns=\"{NS_SM}\" resume=\"true\"/>")
    }

    /// `<r/>`.
    pub fn request_frame() -> String {
        format!("<r xmlns=\"{NS_SM}\"/>")
    }

    /// `<a h/>` with the handled count.
    pub fn answer_frame(&self) -> String {
        format!("<a xmlns=\"{NS_SM}\" h=\"{}\"/>", self.handled)
    }

    /// `<resume h previd/>`, when resumable.
    pub fn resume_frame(&self) -> Option<String> {
        let id = self.id.as_ref()?;
        let mut out = format!("<resume xmlns=\"{NS_SM}\" h=\"{}\" previd=\"", self.handled);
        super::xml::escape_into(&mut out, id);
        out.push_str("\"/>");
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acks_drop_from_the_front_and_wrap() {
        let mut sm = Sm::default();
        for i in 0..5 {
            sm.sent(format!("s{i}"));
        }
        assert_eq!(sm.ack(2), Ok(()));
        assert_eq!(sm.unacked.front().map(String::as_str), Some("s2"));
        assert_eq!(sm.ack(2), Ok(()), "a repeated ack changes nothing");
        assert_eq!(sm.unacked.len(), 3);
        assert_eq!(sm.ack(9), Err(AckTooHigh));
        assert_eq!(sm.ack(5), Ok(()));
        assert!(sm.unacked.is_empty());
        // wrap-around at 2^32
        let mut sm = Sm {
            acked: u32::MAX - 1,
            ..Sm::default()
        };
        sm.sent("a".into());
        sm.sent("b".into());
        sm.sent("c".into());
        assert_eq!(sm.ack(0), Ok(()));
        assert_eq!(sm.unacked.len(), 1);
    }

    #[test]
    fn counts_only_after_enabled() {
        let mut sm = Sm::default();
        sm.received();
        assert_eq!(sm.handled, 0);
        sm.enabled = true;
        sm.received();
        sm.received();
        assert_eq!(sm.answer_frame(), "<a xmlns=\"urn:xmpp:sm:3\" h=\"2\"/>");
        assert_eq!(sm.resume_frame(), None);
        sm.id = Some("a\"b".into());
        assert_eq!(
            sm.resume_frame().as_deref(),
            Some("<resume xmlns=\"urn:xmpp:sm:3\" h=\"2\" previd=\"a&quot;b\"/>")
        );
    }
}
