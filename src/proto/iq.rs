//! RFC 6120 §8.2.3 IQ semantics: the table of pending requests (who may answer, until when),
//! matching answers to them, and the answers the SDK gives by itself: XEP-0199 pings,
//! XEP-0030 disco#info about the client, `service-unavailable` for everything else
//! (RFC 6120 §8.4, `docs/decisions.md` §6).

use super::{Callback, Client, Instant};
use crate::events::{self, mam, BareJid, Emit, Error, Jid, Reply};
use crate::stanza::{self, ns, Element};
use xmpp_parsers::disco::DiscoInfoQuery;
use xmpp_parsers::iq::{Iq, IqHeader, IqPayload};
use xmpp_parsers::ping::Ping;
use xmpp_parsers::roster::Roster;
use xmpp_parsers::stanza_error::{DefinedCondition, ErrorType, StanzaError};

/// What a pending IQ is for.
pub(crate) enum IqKind {
    /// Answer goes to a callback as `(null, true)` or the stanza error.
    Ack,
    /// XEP-0030 disco#info of the server: enables carbons when offered.
    ServerDisco,
    /// XEP-0280 enable; nothing to tell the application.
    Quiet,
    /// XEP-0030 disco#info of the account: tells whether MAM is there (`docs/decisions.md` §5).
    AccountDisco,
    /// A XEP-0313 query: its `<fin/>` settles the callback.
    MamQuery {
        query_id: String,
        echo: mam::PageEcho,
    },
    /// XEP-0313 preferences read back.
    MamPrefsGet,
    /// RFC 6121 §2.1.3: this session's roster request (the `xmpp.roster.get`s wait for it).
    RosterFetch,
    /// XEP-0191 §3.2: the block list goes to the callback.
    BlockList,
    /// XEP-0199 keepalive.
    Ping,
    /// A page of the XEP-0313 catch-up (`docs/decisions.md` §10).
    CatchUp { query_id: String },
    /// XEP-0363 §3: the domain's disco#items, to find the upload service.
    UploadItems,
    /// XEP-0363 §3: an item's disco#info.
    UploadInfo(Jid),
    /// XEP-0363 §4: a slot for the upload with this message id.
    UploadSlot { upload: String },
}

/// A request sent and not answered yet.
pub(crate) struct PendingIq {
    /// The request's `to` (`None`: the account itself).
    pub(crate) to: Option<Jid>,
    pub(crate) callback: Callback,
    pub(crate) kind: IqKind,
    pub(crate) deadline: Instant,
}

impl PendingIq {
    /// Sent by the SDK itself: nobody to tell about its fate.
    pub(crate) fn internal(&self) -> bool {
        matches!(
            self.kind,
            IqKind::ServerDisco
                | IqKind::Quiet
                | IqKind::AccountDisco
                | IqKind::Ping
                | IqKind::RosterFetch
                | IqKind::CatchUp { .. }
                | IqKind::UploadItems
                | IqKind::UploadInfo(_)
                | IqKind::UploadSlot { .. }
        )
    }
}

/// Pending IQs by id, oldest first (few at a time: a Vec beats a map in code size).
#[derive(Default)]
pub(crate) struct IqTable {
    pending: Vec<(String, PendingIq)>,
}

impl IqTable {
    pub(crate) fn len(&self) -> usize {
        self.pending.len()
    }

    pub(crate) fn insert(&mut self, id: String, iq: PendingIq) {
        self.pending.push((id, iq));
    }

    /// The earliest expiry.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.pending.iter().map(|(_, iq)| iq.deadline).min()
    }

    /// Removes and returns the requests that expired at `now`.
    pub(crate) fn expire(&mut self, now: Instant) -> Vec<PendingIq> {
        let (expired, live) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|(_, iq)| iq.deadline <= now);
        self.pending = live;
        expired.into_iter().map(|(_, iq)| iq).collect()
    }

    /// Removes the requests of these kinds without telling anyone (their answers cannot come).
    pub(crate) fn forget(&mut self, kinds: impl Fn(&IqKind) -> bool) {
        self.pending.retain(|(_, iq)| !kinds(&iq.kind));
    }

    /// Removes the request with `id`, whoever would have answered it (one the server refused).
    pub(crate) fn take(&mut self, id: &str) -> Option<PendingIq> {
        let pos = self.pending.iter().position(|(k, _)| k == id)?;
        Some(self.pending.remove(pos).1)
    }

    /// Removes every request (a login attempt that failed).
    pub(crate) fn drain(&mut self) -> Vec<PendingIq> {
        std::mem::take(&mut self.pending)
            .into_iter()
            .map(|(_, iq)| iq)
            .collect()
    }

    /// The request answered by a result or error with `id` from `from`, if `from` may answer
    /// it (`docs/decisions.md` §6): the JID the request went to; for a request without `to`,
    /// no `from`, the account's bare JID or its domain. Anything else stays pending.
    pub(crate) fn take_answer(
        &mut self,
        id: &str,
        from: Option<&Jid>,
        me: Option<&Jid>,
    ) -> Option<PendingIq> {
        let pos = self.pending.iter().position(|(k, _)| k == id)?;
        let ok = match (&self.pending[pos].1.to, from) {
            (None, None) => true,
            (Some(to), Some(f)) => f == to,
            (Some(_), None) => false,
            (None, Some(f)) => me.is_some_and(|me| {
                let bare = me.to_bare();
                *f == bare
                    || (f.node().is_none() && f.resource().is_none() && f.domain() == bare.domain())
            }),
        };
        ok.then(|| self.pending.remove(pos).1)
    }
}

/// The client's disco#info (XEP-0030 §3.1): identity `client/web` and [`DISCO_FEATURES`],
/// built with minidom (xmpp-parsers' `DiscoInfoResult` serialiser pulls in XEP-0004 forms).
fn disco_info() -> Element {
    let identity = Element::builder("identity", ns::DISCO_INFO)
        .attr(stanza::name("category"), "client")
        .attr(stanza::name("type"), "web")
        .attr(stanza::name("name"), "xmpp-ftw-wasm")
        .build();
    let features = DISCO_FEATURES.iter().map(|f| {
        Element::builder("feature", ns::DISCO_INFO)
            .attr(stanza::name("var"), *f)
            .build()
    });
    Element::builder("query", ns::DISCO_INFO)
        .append(identity)
        .append_all(features)
        .build()
}

/// The features this client answers disco#info with (XEP-0030 §3.1).
pub(crate) const DISCO_FEATURES: &[&str] = &[
    ns::CHATSTATES,
    ns::DISCO_INFO,
    ns::XHTML_IM,
    ns::MESSAGE_CORRECT,
    ns::PING,
    ns::RECEIPTS,
    ns::SID,
];

impl Client {
    /// Registers an IQ sent with `id`; its answer is matched by id and sender (§6).
    pub(crate) fn track_iq(
        &mut self,
        id: String,
        to: Option<Jid>,
        callback: Callback,
        kind: IqKind,
    ) {
        let deadline = self.now.plus(self.cfg.request_timeout_ms);
        self.iqs.insert(
            id,
            PendingIq {
                to,
                callback,
                kind,
                deadline,
            },
        );
    }

    /// Sends `<iq type="get" to>` with `child` on the SDK's own behalf and tracks its answer.
    pub(crate) fn internal_get(&mut self, to: Jid, child: Element, kind: IqKind) {
        let id = self.next_id();
        self.send_stanza_el(stanza::iq_request(false, &id, Some(to.clone()), child));
        self.track_iq(id, Some(to), Callback::None, kind);
    }

    /// An IQ stanza (RFC 6120 §8.2.3).
    pub(crate) fn handle_iq(&mut self, iq: Iq) {
        let (from, id, result) = match iq {
            Iq::Get {
                from, id, payload, ..
            } => return self.answer_iq(from, id, Some(payload)),
            Iq::Set {
                from, id, payload, ..
            } => {
                if payload.is("query", ns::ROSTER) {
                    return self.handle_roster_push(from, id, payload);
                }
                if payload.has_ns(ns::BLOCKING) {
                    return self.handle_blocking_push(from, id, payload);
                }
                return self.answer_iq(from, id, None);
            }
            Iq::Result {
                from, id, payload, ..
            } => (from, id, Ok(payload)),
            Iq::Error {
                from, id, error, ..
            } => (from, id, Err(error)),
        };
        let me = self.stream.bound.clone();
        let Some(pending) = self.iqs.take_answer(&id, from.as_ref(), me.as_ref()) else {
            return; // no such request, or a spoofed sender (docs/decisions.md §6)
        };
        if let IqKind::MamQuery { query_id, .. } | IqKind::CatchUp { query_id } = &pending.kind {
            let query_id = query_id.clone();
            self.mam.finished(&query_id);
        }
        let reply = match (pending.kind, result) {
            (IqKind::ServerDisco, Ok(p)) => return self.handle_server_disco(p),
            (IqKind::AccountDisco, r) => return self.handle_account_disco(r.ok().flatten()),
            (IqKind::Ping, _) => {
                self.session.ping_pending = false;
                return;
            }
            (IqKind::ServerDisco | IqKind::Quiet, _) => return,
            (IqKind::UploadItems, r) => return self.handle_upload_items(r.ok().flatten()),
            (IqKind::UploadInfo(item), r) => {
                return self.handle_upload_info(item, r.ok().flatten())
            }
            (IqKind::UploadSlot { upload }, r) => {
                return self.handle_upload_slot(&upload, r.map_err(Error::from))
            }
            (IqKind::RosterFetch, r) => {
                let roster = r.map(|p| p.and_then(|q| Roster::try_from(q).ok()));
                return self.roster_answered(roster.map_err(Error::from));
            }
            (IqKind::CatchUp { query_id }, r) => {
                return self.handle_catchup_answer(&query_id, Some(r));
            }
            (_, Err(e)) => Err(Error::from(e)),
            (IqKind::Ack, Ok(_)) => Ok(Reply::True),
            (IqKind::MamQuery { echo, .. }, Ok(p)) => {
                let (data, rsm) = mam::FinPage::read(p).args(echo);
                Ok(Reply::Page(data, rsm))
            }
            (IqKind::MamPrefsGet, Ok(p)) => Ok(Reply::Preferences(mam::parse_preferences(p))),
            (IqKind::BlockList, Ok(p)) => Ok(Reply::Blocklist(events::blocking::list_items(p))),
        };
        match (pending.callback.id(), reply) {
            (Some(rid), r) => self.reply(rid, r),
            (None, Err(e)) => self.emit(Emit::Error(e)),
            (None, Ok(_)) => {}
        }
    }

    /// XEP-0199 ping and XEP-0030 disco#info (`get` carries its `payload`); everything else
    /// is `service-unavailable` (RFC 6120 §8.4).
    pub(crate) fn answer_iq(&mut self, from: Option<Jid>, id: String, get: Option<Element>) {
        let header = IqHeader {
            from: None,
            to: from,
            id,
        };
        let answer = match get {
            Some(p) if p.is("ping", ns::PING) && Ping::try_from(p.clone()).is_ok() => {
                IqPayload::Result(None)
            }
            Some(p)
                if p.is("query", ns::DISCO_INFO)
                    && DiscoInfoQuery::try_from(p.clone()).is_ok_and(|q| q.node.is_none()) =>
            {
                IqPayload::Result(Some(disco_info()))
            }
            _ => IqPayload::Error(StanzaError {
                type_: ErrorType::Cancel,
                by: None,
                defined_condition: DefinedCondition::ServiceUnavailable,
                texts: Default::default(),
                other: None,
            }),
        };
        self.send_stanza_el(header.assemble(answer));
    }

    /// `bad-request` for an IQ request that could not be read (RFC 6120 §8.2.3: its sender
    /// is not left waiting; `docs/decisions.md` §13).
    pub(crate) fn answer_bad_request(&mut self, from: Option<Jid>, id: String) {
        let header = IqHeader {
            from: None,
            to: from,
            id,
        };
        self.send_stanza_el(header.assemble(IqPayload::Error(StanzaError {
            type_: ErrorType::Modify,
            by: None,
            defined_condition: DefinedCondition::BadRequest,
            texts: Default::default(),
            other: None,
        })));
    }

    /// XEP-0030 queries of a new session: the server (carbons) and the account (MAM).
    pub(crate) fn discover_services(&mut self) {
        let Some(me) = self.stream.bound.clone() else {
            return;
        };
        let disco = || Element::from(DiscoInfoQuery { node: None });
        // XEP-0280 §4: find out whether the server offers Message Carbons, then enable them.
        let domain = Jid::from(BareJid::from_parts(None, me.domain()));
        self.internal_get(domain, disco(), IqKind::ServerDisco);
        // docs/decisions.md §5: MAM support is advertised on the account's bare JID.
        self.internal_get(Jid::from(me.to_bare()), disco(), IqKind::AccountDisco);
    }

    /// Whether a disco#info result lists `feature` (XEP-0030 §3.1). Only the `feature` vars
    /// are read: xmpp-parsers' `DiscoInfoResult` also parses and validates XEP-0128 data forms,
    /// 90 KB of wasm (measured with twiggy) for nothing this SDK reads.
    pub(crate) fn offers(result: Option<Element>, feature: &str) -> bool {
        result.is_some_and(|q| {
            q.is("query", ns::DISCO_INFO)
                && q.children()
                    .any(|f| f.is("feature", ns::DISCO_INFO) && f.attr("var") == Some(feature))
        })
    }

    fn handle_account_disco(&mut self, result: Option<Element>) {
        self.mam.support = Some(Self::offers(result, ns::MAM));
        self.flush_mam();
        self.start_catchup();
    }

    /// XEP-0280 §4: enable carbons when the server's disco#info lists them.
    fn handle_server_disco(&mut self, result: Option<Element>) {
        self.stream.blocking = Some(Self::offers(result.clone(), ns::BLOCKING));
        self.flush_blocking();
        if Self::offers(result, ns::CARBONS) {
            let id = self.next_id();
            self.send_stanza_el(Iq::from_set(id.clone(), xmpp_parsers::carbons::Enable));
            self.track_iq(id, None, Callback::None, IqKind::Quiet);
        }
    }

    /// XEP-0199 §4.2: a client-to-server ping finds connections that died silently.
    pub(crate) fn send_ping(&mut self) {
        let Some(domain) = self
            .stream
            .bound
            .as_ref()
            .map(|j| Jid::from(BareJid::from_parts(None, j.domain())))
        else {
            return;
        };
        self.session.ping_pending = true;
        self.internal_get(domain, Ping.into(), IqKind::Ping);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(to: Option<&str>) -> PendingIq {
        PendingIq {
            to: to.map(|t| Jid::new(t).unwrap()),
            callback: Callback::None,
            kind: IqKind::Quiet,
            deadline: Instant(10),
        }
    }

    #[test]
    fn answers_only_from_whom_they_should_come() {
        let me = Jid::new("alice@a.org/web").unwrap();
        let j = |s: &str| Jid::new(s).unwrap();
        let mut t = IqTable::default();
        t.insert("1".into(), pending(Some("bob@b.org/x")));
        assert!(t
            .take_answer("1", Some(&j("mallory@b.org/x")), Some(&me))
            .is_none());
        assert!(t.take_answer("1", None, Some(&me)).is_none());
        // RFC 7622: the two spellings are the same JID.
        assert!(t
            .take_answer("1", Some(&j("BOB@B.ORG/x")), Some(&me))
            .is_some());
        t.insert("2".into(), pending(None));
        assert!(t.take_answer("2", Some(&j("a.org/x")), Some(&me)).is_none());
        assert!(t
            .take_answer("2", Some(&j("ALICE@a.org")), Some(&me))
            .is_some());
        t.insert("3".into(), pending(None));
        assert!(t.take_answer("3", Some(&j("a.org")), Some(&me)).is_some());
        t.insert("4".into(), pending(None));
        assert_eq!(t.next_deadline(), Some(Instant(10)));
        assert_eq!(t.expire(Instant(9)).len(), 0);
        assert_eq!(t.expire(Instant(10)).len(), 1);
        assert_eq!(t.len(), 0);
    }
}
