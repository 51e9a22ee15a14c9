//! De-duplication of incoming messages (`docs/decisions.md` §4): a sender that lost its session
//! resends what the server never acknowledged, so the same message can arrive twice. The last
//! ids (XEP-0359 origin-id, else the message id) are remembered per sender bare JID in a
//! bounded window; own-archive ids (XEP-0359 stanza-ids by the account, recorded with an
//! empty sender) in a window of their own, wide while a catch-up is due or running. Ids are
//! remembered as 64-bit hashes (std's SipHash with fixed keys): 5,000 archive ids as strings,
//! twice (order and set), held 430 KB of wasm memory after a long flood; a false match needs a
//! 64-bit collision among at most 5,000 ids.
//!
//! The windows are scanned only when the id's bucket of a small counting filter (how many
//! remembered ids share the hash's low 12 bits) is not empty: a new message, the common case,
//! is then answered without reading the 512 (up to 5,000) ids of its windows.

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

/// Buckets of the counting filter (a power of two).
const BUCKETS: usize = 4096;

/// The bounded memory of recent message ids.
#[derive(Default)]
pub struct Dedup {
    /// Remembered ids per bucket of their hash (all windows together; at most 64 × 512 +
    /// 5,000 ids, within `u16`); empty until the first id.
    counts: Vec<u16>,
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
        for id in self.archive.drain(..excess) {
            forget(&mut self.counts, id);
        }
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
        self.may_hold(id)
            && self
                .senders
                .iter()
                .any(|(s, ids)| s == sender && ids.contains(&id))
    }

    /// Whether some window may hold `id` (`false`: none does).
    fn may_hold(&self, id: u64) -> bool {
        self.counts.get(bucket(id)).is_some_and(|&n| n > 0)
    }

    fn remember(&mut self, id: u64) {
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS];
        }
        self.counts[bucket(id)] += 1;
    }

    /// Records `id` from `sender` (empty: an own-archive id); `false` when it was already seen.
    pub fn first_time(&mut self, sender: &str, id: &str) -> bool {
        let id = key(id);
        let may_hold = self.may_hold(id);
        if sender.is_empty() {
            if may_hold && self.archive.contains(&id) {
                return false;
            }
            if self.archive.len() >= self.archive_limit() {
                if let Some(old) = self.archive.pop_front() {
                    forget(&mut self.counts, old);
                }
            }
            self.archive.push_back(id);
            self.remember(id);
            return true;
        }
        let pos = self.senders.iter().position(|(s, _)| s == sender);
        let mut entry = match pos.and_then(|p| self.senders.remove(p)) {
            Some(e) => e,
            None => (sender.to_owned(), VecDeque::new()),
        };
        let seen = may_hold && entry.1.contains(&id);
        if !seen {
            if entry.1.len() == IDS_PER_SENDER {
                if let Some(old) = entry.1.pop_front() {
                    forget(&mut self.counts, old);
                }
            }
            entry.1.push_back(id);
            self.remember(id);
        }
        self.senders.push_back(entry);
        if self.senders.len() > SENDERS {
            if let Some((_, ids)) = self.senders.pop_front() {
                for old in ids {
                    forget(&mut self.counts, old);
                }
            }
        }
        !seen
    }
}

/// The filter's bucket of an id.
fn bucket(id: u64) -> usize {
    id as usize & (BUCKETS - 1)
}

/// One id fewer in its bucket.
fn forget(counts: &mut [u16], id: u64) {
    if let Some(n) = counts.get_mut(bucket(id)) {
        *n = n.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The filter counts exactly the ids the windows hold (a count too low would let a
    /// repeat through; too high only costs a scan).
    fn filter_matches(d: &Dedup) {
        let mut counts = vec![0u16; BUCKETS];
        let ids = d.senders.iter().flat_map(|(_, ids)| ids).chain(&d.archive);
        for &id in ids {
            counts[bucket(id)] += 1;
        }
        assert_eq!(d.counts, counts);
    }

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
        filter_matches(&d);
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
        filter_matches(&d);
        d.set_catching_up(false);
        filter_matches(&d);
        assert_eq!(d.archive.len(), ARCHIVE_IDS);
        assert!(!d.first_time("", &format!("y{}", ARCHIVE_IDS_CATCHING_UP - 1)));
        assert!(
            d.first_time("", "y0"),
            "the oldest forgotten when the window narrows"
        );
        assert_eq!(d.archive.len(), ARCHIVE_IDS);
    }
}
