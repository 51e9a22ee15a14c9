//! What a page reload would lose, kept outside the page (`docs/decisions.md` §10): the
//! XEP-0198 state of the session (§5 resumption: stream id, the counters in and out, the bound
//! JID), every stanza the application handed over that the server has not acknowledged, what
//! was delivered since the last acknowledgement the SDK sent (so nothing is shown twice when
//! the server sends it again), and the newest own-archive id delivered (XEP-0313 catch-up).
//!
//! The core stays sans-IO: it asks the shell to [`StoreOp::Load`] an account's state when the
//! application logs in, takes the answer with [`Client::handle_kept`], and hands out
//! [`StoreOp::Save`] with the whole state as text whenever it changed ([`Client::poll_store`],
//! which the shell calls once per JS task, before a reload can happen). Never kept: the
//! password or anything derived from it. The text is an XML element written and read with
//! the same parser as the stream, with a bounded size ([`MAX_KEPT_CHARS`]). Files being
//! uploaded are kept by message id and recipient only (their bytes cannot be): after a reload
//! each is reported as `xmpp.chat.error` with `upload-failed` (`docs/decisions.md` §12).

use super::sm::{Out, Sm};
use super::{Client, State};
use crate::events::{self, chat, Emit, Jid, Limit};
use crate::stanza::{self, Element};

/// Namespace of the kept state (private to this SDK; the version is part of it).
const NS_KEPT: &str = "urn:xmpp-ftw-wasm:kept:0";

/// Largest kept state, in characters (sessionStorage allows about 5 million per origin).
/// Stanzas beyond it are kept in memory only, and the application is told once.
pub const MAX_KEPT_CHARS: usize = 2 << 20;

/// Most delivery keys kept between two acknowledgements.
const MAX_RECENT: usize = 1_000;
/// Most contacts' presences kept (one per full JID).
const MAX_PRESENCES: usize = 1_000;

/// Something for the shell to do with the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreOp {
    /// Read the state kept for `account` (a bare JID) and pass it to [`Client::handle_kept`].
    Load {
        /// The account's bare JID.
        account: String,
    },
    /// Replace the state kept for `account` with `text`.
    Save {
        /// The account's bare JID.
        account: String,
        /// The state.
        text: String,
    },
    /// Forget the state kept for `account` (after a logout).
    Remove {
        /// The account's bare JID.
        account: String,
    },
    /// Read the roster kept for `account` and pass it to [`Client::handle_kept_roster`]
    /// (RFC 6121 §2.6; one per account, not per socket: its version says what it is).
    LoadRoster {
        /// The account's bare JID.
        account: String,
    },
    /// Replace the roster kept for `account` with `text`.
    SaveRoster {
        /// The account's bare JID.
        account: String,
        /// The roster.
        text: String,
    },
    /// Forget the roster kept for `account` (`xmpp.logout {forget: true}`, or a roster that
    /// cannot be kept).
    RemoveRoster {
        /// The account's bare JID.
        account: String,
    },
}

/// What the application handed over, as seen cheaply: the session it rides on, the
/// server's count of it, and how many stanzas wait in each place. A stanza handed over,
/// sent, acknowledged or moved to a new session changes it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outgoing {
    resumable: bool,
    acked: u32,
    unacked: usize,
    resend: usize,
    queue: usize,
    uploads: usize,
}

/// The newest point of the own archive the application has seen (XEP-0313 catch-up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The archive id (XEP-0359 stanza-id by the account) of the newest delivered message.
    pub id: Option<String>,
    /// Time of that delivery (or of the session start): the fallback when the archive no
    /// longer knows the id.
    pub when: When,
}

/// A time of the mark: as the server stamped it, or the wall clock in milliseconds since
/// 1970, formatted only when written (a live archived message moves the mark, and formatting
/// a time for each one cost the flood).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// An XEP-0082 DateTime as received.
    Stamp(String),
    /// The wall clock.
    Ms(u64),
}

impl When {
    /// The XEP-0082 DateTime.
    pub fn stamp(&self) -> String {
        match self {
            When::Stamp(s) => s.clone(),
            When::Ms(ms) => {
                chrono::DateTime::from_timestamp_millis(i64::try_from(*ms).unwrap_or(i64::MAX))
                    .unwrap_or_default()
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            }
        }
    }
}

/// A delivered message's key: `(sender bare JID, id)`, or `("", archive id)`.
pub type SeenKey = (String, String);

/// The kept state as read back.
#[derive(Debug, Default, PartialEq)]
pub struct Kept {
    /// The bound full JID of the session.
    pub jid: Option<Jid>,
    /// XEP-0198 resumption id.
    pub sm_id: Option<String>,
    /// Stanzas handled (the `h` to resume with).
    pub h_in: u32,
    /// The last `h` the server reported.
    pub h_out: u32,
    /// Sent and not acknowledged, counted by `h_out`.
    pub unacked: Vec<Out>,
    /// Not sent yet, or sent on a session that cannot be resumed.
    pub later: Vec<Out>,
    /// Delivered since the last acknowledgement the SDK sent.
    pub seen: Vec<SeenKey>,
    /// The catch-up mark.
    pub mark: Option<Mark>,
    /// The last available presence of each full JID, as received (replayed after a
    /// resumption that follows a reload: the server does not send it again).
    pub presences: Vec<(String, String)>,
    /// Files being uploaded: their message id and recipient.
    pub uploads: Vec<(String, Jid)>,
}

fn out_el(name: &str, o: &Out) -> Element {
    let mut b = Element::builder(name, NS_KEPT).append(o.frame.as_str());
    if let Some(id) = &o.message {
        b = b.attr(stanza::name("id"), id.as_str());
    }
    b.build()
}

impl Kept {
    /// The state as text, and whether some stanzas did not fit in [`MAX_KEPT_CHARS`].
    pub fn write(&self) -> (String, bool) {
        // The mark's time as the server stamped it, or the wall clock as a number (formatting
        // a time on the login path compiled and ran chrono's formatter: 1 ms of a login).
        let when = |ms: bool| {
            self.mark.as_ref().and_then(|m| match (&m.when, ms) {
                (When::Stamp(s), false) => Some(s.clone()),
                (When::Ms(n), true) => Some(n.to_string()),
                _ => None,
            })
        };
        let attrs: [(&'static str, Option<String>); 7] = [
            ("in", Some(self.h_in.to_string())),
            ("out", Some(self.h_out.to_string())),
            ("jid", self.jid.as_ref().map(|j| j.to_string())),
            ("sm", self.sm_id.clone()),
            ("mark", self.mark.as_ref().and_then(|m| m.id.clone())),
            ("mark-time", when(false)),
            ("mark-ms", when(true)),
        ];
        let mut b = Element::builder("kept", NS_KEPT);
        for (k, v) in attrs {
            if let Some(v) = v {
                b = b.attr(stanza::name(k), v);
            }
        }
        let mut root = b.build();
        for (id, to) in &self.uploads {
            root.append_child(
                Element::builder("upload", NS_KEPT)
                    .attr(stanza::name("id"), id.as_str())
                    .attr(stanza::name("to"), to.to_string())
                    .build(),
            );
        }
        for (by, id) in &self.seen {
            root.append_child(
                Element::builder("seen", NS_KEPT)
                    .attr(stanza::name("by"), by.as_str())
                    .attr(stanza::name("id"), id.as_str())
                    .build(),
            );
        }
        // Oldest first: when the bound is reached, the newest stanzas are the ones left out.
        let mut size = 0usize;
        let mut overflow = false;
        let stanzas = self
            .unacked
            .iter()
            .map(|o| ("unacked", o))
            .chain(self.later.iter().map(|o| ("later", o)));
        for (name, o) in stanzas {
            size += o.frame.len() + 64;
            if size > MAX_KEPT_CHARS {
                overflow = true;
                break;
            }
            root.append_child(out_el(name, o));
        }
        for (from, frame) in &self.presences {
            size += frame.len() + 64;
            if size > MAX_KEPT_CHARS {
                break; // presences matter less than stanzas: left out silently
            }
            root.append_child(
                Element::builder("presence", NS_KEPT)
                    .attr(stanza::name("from"), from.as_str())
                    .append(frame.as_str())
                    .build(),
            );
        }
        (stanza::write(root), overflow)
    }

    /// Reads a kept state; `None` when it is not one (another version, damaged, foreign).
    pub fn read(text: &str) -> Option<Kept> {
        let root = stanza::parse_frame(text, MAX_KEPT_CHARS * 8).ok()?;
        if !root.is("kept", NS_KEPT) {
            return None;
        }
        let num = |k: &str| root.attr(k).and_then(|v| v.parse::<u32>().ok());
        let mut k = Kept {
            jid: root.attr("jid").and_then(|j| Jid::new(j).ok()),
            sm_id: root.attr("sm").map(str::to_owned),
            h_in: num("in")?,
            h_out: num("out")?,
            mark: root
                .attr("mark-time")
                .map(|t| When::Stamp(t.to_owned()))
                .or_else(|| root.attr("mark-ms")?.parse().ok().map(When::Ms))
                .map(|when| Mark {
                    id: root.attr("mark").map(str::to_owned),
                    when,
                }),
            ..Kept::default()
        };
        for c in root.children().filter(|c| c.ns() == NS_KEPT) {
            let out = || Out {
                frame: c.text(),
                message: c.attr("id").map(str::to_owned),
            };
            match c.name() {
                "unacked" => k.unacked.push(out()),
                "later" => k.later.push(out()),
                "presence" => {
                    if let Some(from) = c.attr("from") {
                        k.presences.push((from.to_owned(), c.text()));
                    }
                }
                "seen" => {
                    if let (Some(by), Some(id)) = (c.attr("by"), c.attr("id")) {
                        k.seen.push((by.to_owned(), id.to_owned()));
                    }
                }
                "upload" => {
                    let to = c.attr("to").and_then(|t| Jid::new(t).ok());
                    if let (Some(id), Some(to)) = (c.attr("id"), to) {
                        k.uploads.push((id.to_owned(), to));
                    }
                }
                _ => {}
            }
        }
        Some(k)
    }
}

impl Client {
    /// Next thing for the shell to do with the store: a load or remove asked for, else the
    /// state when it changed since the last save. Call it once per JS task (it writes the
    /// whole state).
    pub fn poll_store(&mut self) -> Option<StoreOp> {
        self.poll_store_op().or_else(|| self.poll_store_state())
    }

    /// Next load or remove asked for (the shell does these at once: a load must be answered
    /// before the socket opens).
    pub fn poll_store_op(&mut self) -> Option<StoreOp> {
        self.out.store_ops.pop_front()
    }

    /// Whether the kept state must be written before this JS task ends (`docs/decisions.md`
    /// §10): the application's stanzas changed (handed over, sent, acknowledged, moved to a
    /// new session). Changes on the incoming side (the counter in, delivery keys, the mark,
    /// presences) can wait for a later save: writing on every incoming frame halved the
    /// messages per second, and the shell writes before the page can go (`pagehide`,
    /// `freeze`, hidden).
    pub fn store_urgent(&self) -> bool {
        self.session.kept_key.is_some() && self.outgoing() != self.session.saved_outgoing
    }

    fn outgoing(&self) -> Outgoing {
        let sm = self.session.sm.as_ref();
        Outgoing {
            resumable: sm.is_some_and(|s| s.id.is_some()),
            acked: sm.map_or(0, |s| s.acked),
            unacked: sm.map_or(0, |s| s.unacked.len()),
            resend: self.session.resend.len() + self.session.paced.len(),
            queue: self.waiting.commands.len(),
            uploads: self.uploads.len(),
        }
    }

    /// [`StoreOp::Save`] of the state when it changed since the last save.
    pub fn poll_store_state(&mut self) -> Option<StoreOp> {
        let account = self.session.kept_key.clone()?;
        self.session.saved_outgoing = self.outgoing();
        let (text, overflow) = self.kept_state().write();
        if overflow {
            self.store_failed("more unacknowledged stanzas than fit in the store");
        }
        if self.session.last_saved.as_deref() == Some(text.as_str()) {
            return None;
        }
        self.session.last_saved = Some(text.clone());
        Some(StoreOp::Save { account, text })
    }

    /// The store is unavailable or full (private mode, quota): said once per login as
    /// `xmpp.error {type: "storage", condition: "resource-constraint"}`; the SDK goes on in
    /// memory.
    pub fn store_failed(&mut self, why: &str) {
        if std::mem::replace(&mut self.session.store_error_said, true) {
            return;
        }
        self.emit(Emit::Error(Limit::Storage(why.to_owned()).into()));
    }

    /// The answer to [`StoreOp::Load`]: the state kept for `account`, if any. It is used when
    /// it belongs to the account now logging in: the session is resumed if the server still
    /// holds it, and the kept stanzas are sent again otherwise.
    pub fn handle_kept(&mut self, account: &str, text: Option<&str>) {
        let Some(bare) = self.attempt.params.as_ref().map(|p| p.jid.to_string()) else {
            return;
        };
        if bare != account || !matches!(self.state, State::Discovering | State::Connecting) {
            return;
        }
        self.session.kept_key = Some(bare.clone());
        self.session.last_saved = text.map(str::to_owned);
        let Some(k) = text.and_then(Kept::read) else {
            return;
        };
        let Some(jid) = k.jid.filter(|j| j.to_bare().to_string() == bare) else {
            return;
        };
        match k.sm_id {
            Some(id) => {
                self.session.sm = Some(Sm {
                    id: Some(id),
                    enabled: true,
                    handled: k.h_in,
                    // `<resume h/>` tells the server this much
                    answered: k.h_in,
                    acked: k.h_out,
                    unacked: k.unacked.into(),
                    requested: false,
                    jid: Some(jid),
                });
            }
            None => self.session.resend.extend(k.unacked),
        }
        self.session.resend.extend(k.later);
        for (by, id) in k.seen {
            self.dedup.first_time(&by, &id);
            self.session.kept_recent.push((by, id));
        }
        self.session.mark = k.mark;
        self.session.presences = k.presences;
        for (id, to) in k.uploads {
            self.upload_cut_by_reload(id, to);
        }
    }

    /// Records a contact's presence (`frame`: available; `None`: gone) for a reload.
    pub(crate) fn note_presence(&mut self, from: String, frame: Option<String>) {
        self.session.presences.retain(|(f, _)| *f != from);
        if let Some(frame) = frame {
            if self.session.presences.len() == MAX_PRESENCES {
                self.session.presences.remove(0);
            }
            self.session.presences.push((from, frame));
        }
    }

    /// After a resumption that follows a reload, the contacts' presence as it was, as
    /// `xmpp.presence` events: the server sends only what changed since.
    pub(crate) fn replay_presences(&mut self) {
        for (_, frame) in self.session.presences.clone() {
            let event = stanza::parse_frame(&frame, usize::MAX)
                .ok()
                .and_then(events::presence::read);
            if let Some(event) = event {
                self.emit(event);
            }
        }
    }

    /// `xmpp.chat.pending`: the application's messages the server has not acknowledged yet,
    /// oldest first, as `[{id, to, content?, state?, replace?, receipt?}]`.
    pub(crate) fn pending_messages(&self) -> Vec<chat::PendingMessage> {
        self.outbox()
            .filter(|o| o.message.is_some())
            .filter_map(|o| chat::pending_payload(&o.frame))
            .collect()
    }

    /// Remembers a delivered message's keys until the server has been told it was handled.
    pub(crate) fn note_delivered(&mut self, key: SeenKey) {
        // Only a resumable session gets stanzas sent again after a reload.
        let resumable = self.session.sm.as_ref().is_some_and(|s| s.id.is_some());
        if self.session.kept_key.is_none() || !resumable {
            return;
        }
        if self.session.kept_recent.len() == MAX_RECENT {
            self.session.kept_recent.remove(0);
        }
        self.session.kept_recent.push(key);
    }

    /// The state to keep now.
    fn kept_state(&self) -> Kept {
        let mut k = Kept {
            seen: self.session.kept_recent.clone(),
            mark: self.session.mark.clone(),
            jid: self.stream.bound.clone(),
            presences: self.session.presences.clone(),
            uploads: self.uploads.kept(),
            ..Kept::default()
        };
        match self.session.sm.as_ref() {
            Some(sm) if sm.id.is_some() && sm.jid.is_some() => {
                k.jid = sm.jid.clone();
                k.sm_id = sm.id.clone();
                k.h_in = sm.handled;
                k.h_out = sm.acked;
                k.unacked = sm.unacked.iter().cloned().collect();
            }
            Some(sm) => k.later = sm.unacked.iter().cloned().collect(),
            None => {}
        }
        k.later.extend(self.session.paced.iter().cloned());
        k.later.extend(self.session.resend.iter().cloned());
        k.later
            .extend(self.waiting.commands.iter().map(|q| q.out.clone()));
        if k.jid.is_none() {
            k.jid = self
                .attempt
                .params
                .as_ref()
                .map(|p| Jid::from(p.jid.clone()));
        }
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_reads_back_and_refuses_what_is_not_its_own() {
        let k = Kept {
            jid: Jid::new("alice@localhost/r").ok(),
            sm_id: Some("s\"1".into()),
            h_in: 7,
            h_out: u32::MAX,
            unacked: vec![Out {
                frame: "<message xmlns='jabber:client' id='m1'><body>a &lt; b</body></message>"
                    .into(),
                message: Some("m1".into()),
            }],
            later: vec![Out::plain("<presence xmlns='jabber:client'/>".into())],
            seen: vec![
                ("bob@localhost".into(), "x".into()),
                ("".into(), "arch-1".into()),
            ],
            mark: Some(Mark {
                id: None,
                when: When::Stamp("2026-12-01T00:00:00.000Z".into()),
            }),
            presences: vec![(
                "bob@localhost/x".into(),
                "<presence xmlns='jabber:client' from='bob@localhost/x'><show>away</show></presence>".into(),
            )],
            uploads: vec![("f1".into(), Jid::new("bob@localhost").unwrap())],
        };
        let (text, overflow) = k.write();
        assert!(!overflow);
        assert_eq!(Kept::read(&text), Some(k));
        let k = Kept {
            mark: Some(Mark {
                id: Some("a1".into()),
                when: When::Ms(1_764_547_200_000),
            }),
            ..Kept::default()
        };
        assert_eq!(Kept::read(&k.write().0), Some(k));
        assert_eq!(Kept::read("<kept xmlns='urn:other' in='1' out='1'/>"), None);
        assert_eq!(Kept::read("not xml"), None);
        assert_eq!(
            Kept::read(&format!("<kept xmlns='{NS_KEPT}' in='x' out='1'/>")),
            None
        );
    }

    #[test]
    fn the_size_is_bounded_and_the_oldest_stanzas_are_kept() {
        let big = "x".repeat(MAX_KEPT_CHARS / 3);
        let k = Kept {
            later: (0..5)
                .map(|i| Out::plain(format!("<b xmlns='a' n='{i}'>{big}</b>")))
                .collect(),
            ..Kept::default()
        };
        let (text, overflow) = k.write();
        assert!(overflow);
        let back = Kept::read(&text).unwrap();
        assert_eq!(back.later.len(), 2);
        assert!(back.later[0].frame.contains("n='0'") || back.later[0].frame.contains("n=\"0\""));
    }
}
