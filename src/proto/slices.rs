//! A large answer read in slices, each a short task of the page's: the answer to the
//! session's roster request (RFC 6121 §2.1.3) holds the whole roster, half a megabyte at 5,000
//! contacts, and read at once it would hold the page for tens of milliseconds. The shell
//! calls [`Client::read_slice`] in a task of its own while [`Client::reading`] says so.
//!
//! Nothing is reordered: frames that arrive meanwhile wait, in order, for the answer to be
//! read, and any other input (a command, a timer, the socket's end) first finishes the read
//! and those frames at once ([`Client::settle`]).

use super::roster::Fetch;
use super::{Client, Instant};
use crate::events::Jid;
use crate::stanza::roster_answer::{Reader, RosterAnswer, Step};
use std::collections::VecDeque;

/// Bytes of the text read per slice by default ([`super::Config::slice_bytes`]): about 5 ms
/// in Chromium on a laptop.
pub(crate) const SLICE_BYTES: usize = 128 << 10;

/// The read under way and the frames that came after it.
#[derive(Debug)]
pub(crate) struct Slicing {
    reader: Box<Reader>,
    later: VecDeque<String>,
}

impl Client {
    /// Whether a frame is being read in slices: the shell then calls [`Client::read_slice`]
    /// in a new task (after the page has had its turn).
    pub fn reading(&self) -> bool {
        self.slicing.is_some()
    }

    /// Reads the next slice; when the answer is read, the frames that waited for it follow.
    pub fn read_slice(&mut self, now: Instant) {
        self.now = self.now.max(now);
        if let Some(s) = self.slicing.take() {
            self.read_on(s.reader, s.later, self.cfg.slice_bytes);
        }
    }

    /// Finishes the read and the frames behind it now: before any input that is not a frame,
    /// so that it meets the state those frames leave.
    pub(crate) fn settle(&mut self) {
        while let Some(s) = self.slicing.take() {
            self.read_on(s.reader, s.later, usize::MAX);
        }
    }

    /// Holds `text` behind the read under way; `false` when there is none.
    pub(crate) fn hold_frame(&mut self, text: &str) -> bool {
        match self.slicing.as_mut() {
            Some(s) => {
                s.later.push_back(text.to_owned());
                true
            }
            None => false,
        }
    }

    /// Starts reading `text` as the answer to this session's roster request, if it may be
    /// one; returns whether it was taken (read, or being read).
    pub(crate) fn start_roster_answer(&mut self, text: &str) -> bool {
        let Fetch::Sent(fetch) = &self.session.roster_fetch else {
            return false;
        };
        if !text.contains(fetch.as_str()) || text.len() > self.incoming_limit(text) {
            return false;
        }
        let Some(reader) = Reader::new(text.to_owned(), usize::MAX) else {
            return false;
        };
        self.read_on(reader, VecDeque::new(), self.cfg.slice_bytes);
        true
    }

    /// Reads `budget` more bytes; at the end, the answer (or, if the text was something
    /// else, the general path for it), then the frames in `later`, until one starts a read.
    fn read_on(&mut self, reader: Box<Reader>, mut later: VecDeque<String>, budget: usize) {
        match reader.step(budget) {
            Step::More(reader) => {
                self.slicing = Some(Slicing { reader, later });
                return;
            }
            Step::Done(answer, text) => {
                let answer = answer.filter(|a| a.type_ == "result");
                if !answer.is_some_and(|a| self.roster_answer_read(a, &text)) {
                    self.read_frame(&text);
                }
            }
        }
        while let Some(text) = later.pop_front() {
            self.handle_frame(&text, self.now);
            if let Some(s) = self.slicing.as_mut() {
                s.later.extend(later);
                return;
            }
        }
    }

    /// The answer read: taken if it answers this session's request and comes from the
    /// account (anyone else's is a spoof, RFC 6121 §2.1.6, and takes the general path).
    fn roster_answer_read(&mut self, answer: RosterAnswer, text: &str) -> bool {
        if !matches!(&self.session.roster_fetch, Fetch::Sent(id) if *id == answer.id) {
            return false;
        }
        let from = match answer.from.as_deref().map(Jid::new) {
            None => None,
            Some(Ok(j)) => Some(j),
            Some(Err(_)) => return false,
        };
        let me = self.stream.bound.clone();
        if self
            .iqs
            .take_answer(&answer.id, from.as_ref(), me.as_ref())
            .is_none()
        {
            return false;
        }
        self.out.frame_in(|| text.to_owned(), None);
        self.handle_counted(|c| c.roster_answered(Ok(answer.query)));
        true
    }
}
