//! De-duplication of incoming messages (`docs/decisions.md` §4): a sender that lost its session
//! resends what the server never acknowledged, so the same message can arrive twice. The last
//! ids (XEP-0359 origin-id, else the message id) are remembered per sender bare JID in a
//! bounded window; own-archive ids (XEP-0359 stanza-ids by the account, recorded with an
//! empty sender) in a longer window of their own.

use std::collections::{BTreeSet, VecDeque};

/// The "sender" under which the ids of messages this client sent are recorded (not a JID:
/// a domain cannot hold `#`).
pub const SENT_HERE: &str = "#sent";

/// Ids remembered per sender.
const IDS_PER_SENDER: usize = 512;
/// Senders remembered (least recently heard from forgotten first).
const SENDERS: usize = 64;
/// Own-archive ids remembered (a catch-up delivers up to 5,000 messages).
const ARCHIVE_IDS: usize = 5_000;

/// The bounded memory of recent message ids.
#[derive(Default)]
pub struct Dedup {
    senders: VecDeque<(String, VecDeque<String>)>,
    /// Own-archive ids, oldest first, and the same as a set (looked up for every message).
    archive: VecDeque<String>,
    archive_set: BTreeSet<String>,
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

    /// Whether `id` from `sender` was recorded (without recording it).
    pub fn seen(&self, sender: &str, id: &str) -> bool {
        self.senders
            .iter()
            .any(|(s, ids)| s == sender && ids.iter().any(|i| i == id))
    }

    /// Records `id` from `sender` (empty: an own-archive id); `false` when it was already seen.
    pub fn first_time(&mut self, sender: &str, id: &str) -> bool {
        if sender.is_empty() {
            if self.archive_set.contains(id) {
                return false;
            }
            if self.archive.len() == ARCHIVE_IDS {
                if let Some(old) = self.archive.pop_front() {
                    self.archive_set.remove(&old);
                }
            }
            self.archive.push_back(id.to_owned());
            self.archive_set.insert(id.to_owned());
            return true;
        }
        let pos = self.senders.iter().position(|(s, _)| s == sender);
        let mut entry = match pos.and_then(|p| self.senders.remove(p)) {
            Some(e) => e,
            None => (sender.to_owned(), VecDeque::new()),
        };
        let seen = entry.1.iter().any(|i| i == id);
        if !seen {
            if entry.1.len() == IDS_PER_SENDER {
                entry.1.pop_front();
            }
            entry.1.push_back(id.to_owned());
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
        // own-archive ids: a window of their own
        assert!(d.first_time("", "a1"));
        assert!(!d.first_time("", "a1"));
        for i in 0..ARCHIVE_IDS {
            d.first_time("", &format!("x{i}"));
        }
        assert!(d.first_time("", "a1"), "forgotten after the window");
        assert_eq!(d.archive.len(), d.archive_set.len());
    }
}
