//! De-duplication of incoming messages (`docs/decisions.md` §4): a sender that lost its session
//! resends what the server never acknowledged, so the same message can arrive twice. The last
//! ids (XEP-0359 origin-id, else the message id) are remembered per sender bare JID in a
//! bounded window; own-archive ids (XEP-0359 stanza-ids by the account, recorded with an
//! empty sender) in a window of their own, wide while a catch-up is due or running. Ids are
//! remembered as 64-bit hashes (std's SipHash with fixed keys): 5,000 archive ids as strings,
//! twice (order and set), held 430 KB of wasm memory after a long flood; a false match needs a
//! 64-bit collision among at most 5,000 ids.

use std::collections::VecDeque;
use std::hash::{DefaultHasher, Hash, Hasher};

fn key(id: &str) -> u64 {
    let mut h = DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// The "sender" under which the ids of messages this client sent are recorded (not a JID:
/// a domain cannot hold `#`).
pub const SENT_HERE: &str = "#sent";

/// Ids remembered per sender.
const IDS_PER_SENDER: usize = 512;
/// Senders remembered (least recently heard from forgotten first).
const SENDERS: usize = 64;
/// Own-archive ids remembered while a catch-up is due or running (it delivers up to 5,000
/// messages, some of which may have come live or from offline storage already).
const ARCHIVE_IDS_CATCHING_UP: usize = 5_000;
/// Own-archive ids remembered otherwise: a server resends at most what the SDK had not
/// acknowledged (XEP-0198), which is far fewer. The wide window held 180 KB of wasm memory
/// for good after a long flood.
const ARCHIVE_IDS: usize = 512;

/// The bounded memory of recent message ids.
#[derive(Default)]
pub struct Dedup {
    senders: VecDeque<(String, VecDeque<u64>)>,
    /// Own-archive ids, oldest first (a scan of at most 5,000 integers per message: no set,
    /// whose code would cost the wasm more bytes than the scan costs time).
    archive: VecDeque<u64>,
    /// A catch-up is due or running: the own-archive window is the wide one.
    wide: bool,
}

impl Dedup {
    /// How many ids are remembered.
    pub fn len(&self) -> usize {
        self.senders.iter().map(|(_, ids)| ids.len()).sum::<usize>() + self.archive.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.senders.is_empty() && self.archive.is_empty()
    }

    /// Widens the own-archive window while a catch-up is due or running; narrowing it forgets
    /// the oldest ids beyond `ARCHIVE_IDS`.
    pub fn set_catching_up(&mut self, wide: bool) {
        self.wide = wide;
        let excess = self.archive.len().saturating_sub(self.archive_limit());
        self.archive.drain(..excess);
        if !wide && self.archive.capacity() > 2 * ARCHIVE_IDS {
            self.archive.shrink_to(ARCHIVE_IDS);
        }
    }

    fn archive_limit(&self) -> usize {
        if self.wide {
            ARCHIVE_IDS_CATCHING_UP
        } else {
            ARCHIVE_IDS
        }
    }

    /// Whether `id` from `sender` was recorded (without recording it).
    pub fn seen(&self, sender: &str, id: &str) -> bool {
        let id = key(id);
        self.senders
            .iter()
            .any(|(s, ids)| s == sender && ids.contains(&id))
    }

    /// Records `id` from `sender` (empty: an own-archive id); `false` when it was already seen.
    pub fn first_time(&mut self, sender: &str, id: &str) -> bool {
        let id = key(id);
        if sender.is_empty() {
            if self.archive.contains(&id) {
                return false;
            }
            if self.archive.len() >= self.archive_limit() {
                self.archive.pop_front();
            }
            self.archive.push_back(id);
            return true;
        }
        let pos = self.senders.iter().position(|(s, _)| s == sender);
        let mut entry = match pos.and_then(|p| self.senders.remove(p)) {
            Some(e) => e,
            None => (sender.to_owned(), VecDeque::new()),
        };
        let seen = entry.1.contains(&id);
        if !seen {
            if entry.1.len() == IDS_PER_SENDER {
                entry.1.pop_front();
            }
            entry.1.push_back(id);
        }
        self.senders.push_back(entry);
        if self.senders.len() > SENDERS {
            self.senders.pop_front();
        }
        !seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_a_bounded_window() {
        let mut d = Dedup::default();
        assert!(d.first_time("a@x", "1"));
        assert!(!d.first_time("a@x", "1"));
        assert!(d.first_time("b@x", "1"), "per sender");
        for i in 0..IDS_PER_SENDER {
            assert!(d.first_time("a@x", &format!("n{i}")));
        }
        assert!(d.first_time("a@x", "1"), "forgotten after the window");
        for i in 0..SENDERS + 5 {
            d.first_time(&format!("s{i}@x"), "z");
        }
        assert!(d.senders.len() <= SENDERS);
        // own-archive ids: a window of their own, wide while a catch-up is due or running
        assert!(d.first_time("", "a1"));
        assert!(!d.first_time("", "a1"));
        for i in 0..ARCHIVE_IDS {
            d.first_time("", &format!("x{i}"));
        }
        assert!(d.first_time("", "a1"), "forgotten after the window");
        assert_eq!(d.archive.len(), ARCHIVE_IDS);
        d.set_catching_up(true);
        for i in 0..ARCHIVE_IDS_CATCHING_UP {
            d.first_time("", &format!("y{i}"));
        }
        assert!(!d.first_time("", "y0"), "still within the wide window");
        assert_eq!(d.archive.len(), ARCHIVE_IDS_CATCHING_UP);
        d.set_catching_up(false);
        assert_eq!(d.archive.len(), ARCHIVE_IDS);
        assert!(!d.first_time("", &format!("y{}", ARCHIVE_IDS_CATCHING_UP - 1)));
        assert!(
            d.first_time("", "y0"),
            "the oldest forgotten when the window narrows"
        );
        assert_eq!(d.archive.len(), ARCHIVE_IDS);
    }
}
