//! De-duplication of incoming messages (`docs/decisions.md` §4): a sender that lost its session
//! resends what the server never acknowledged, so the same message can arrive twice. The last
//! ids (XEP-0359 origin-id, else the message id) are remembered per sender bare JID in a
//! bounded window.

use std::collections::VecDeque;

/// Ids remembered per sender.
const IDS_PER_SENDER: usize = 64;
/// Senders remembered (least recently heard from forgotten first).
const SENDERS: usize = 128;

/// The bounded memory of recent message ids.
#[derive(Default)]
pub struct Dedup {
    senders: VecDeque<(String, VecDeque<String>)>,
}

impl Dedup {
    /// How many ids are remembered.
    pub fn len(&self) -> usize {
        self.senders.iter().map(|(_, ids)| ids.len()).sum()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.senders.is_empty()
    }

    /// Records `id` from `sender`; `false` when it was already seen.
    pub fn first_time(&mut self, sender: &str, id: &str) -> bool {
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
    }
}
