//! Files (`docs/decisions.md` §12): XEP-0363 HTTP File Upload, then the link as a chat
//! message with XEP-0066 `jabber:x:oob`.
//!
//! The service is found once per login (XEP-0363 §3: disco#items of the domain, then the
//! disco#info of each item until one lists `urn:xmpp:http:upload:0`, its `max-file-size`
//! read from the XEP-0128 form). Each upload asks for a slot (§4), then asks the shell to PUT
//! the bytes it keeps ([`Transmit::Put`]) and takes the outcome as an input
//! ([`Client::handle_upload`]); the core never sees the bytes. The message goes through the
//! same path as `xmpp.chat.message` (queued while reconnecting, kept until acknowledged).
//! A PUT cut by the network is retried from the start with a new slot, at most twice, once
//! the session is online again.

use super::iq::IqKind;
use super::sm::Out;
use super::{Callback, Client, Instant, Queued, Transmit};
use crate::events::file::{self, FileOut, Progress, Sent};
use crate::events::{self, BareJid, ClientError, Emit, Error, Jid, Limit, Reply, UploadError};
use crate::stanza::{self, ns, Element};
use xmpp_parsers::disco::DiscoInfoQuery;
use xmpp_parsers::http_upload::{SlotRequest, SlotResult};

/// Most uploads at a time.
const MAX_UPLOADS: usize = 100;
/// Most disco#items entries asked about the upload feature.
const MAX_ITEMS: usize = 20;
/// PUTs cut by the network that are retried (`docs/decisions.md` §12).
const MAX_RETRIES: u8 = 2;
/// The first retry waits this long, the second twice as long.
const RETRY_DELAY_MS: u64 = 1_000;
/// At most one progress event per upload in this time.
const PROGRESS_EVERY_MS: u64 = 100;

/// What the shell reports about a PUT ([`Client::handle_upload`]).
#[derive(Debug, Clone, PartialEq)]
pub enum UploadEvent {
    /// Bytes sent so far.
    Progress(u64),
    /// The server answered 2xx: the file is stored.
    Done,
    /// The server answered with another status (code, reason phrase).
    Status(u16, String),
    /// The request failed on the network (no HTTP answer).
    Failed,
}

/// The upload service of this login.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum Service {
    /// Not looked for yet.
    #[default]
    Unknown,
    /// disco#items sent, or the disco#info of these items is being asked, one at a time.
    Discovering(Vec<Jid>),
    /// The service and its `max-file-size`.
    Found(Jid, Option<u64>),
    /// None listed.
    Missing,
}

/// Where an upload is.
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    /// Waiting for the service or for the session.
    Waiting,
    /// The slot was asked for.
    Slot,
    /// The shell PUTs the bytes; the file will be at `get`.
    Put { get: String },
    /// The PUT was cut by the network: again at `at`, once online.
    Retry { at: Instant },
}

/// One file on its way.
pub(crate) struct Upload {
    /// The id of the message that will carry it.
    id: String,
    file: FileOut,
    callback: Callback,
    phase: Phase,
    /// PUTs cut by the network so far.
    failures: u8,
    /// The last `loaded` told, and when.
    told: u64,
    told_at: Instant,
}

/// The uploads in progress.
#[derive(Default)]
pub(crate) struct Uploads {
    list: Vec<Upload>,
}

impl Uploads {
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    /// What a reload keeps of them: message id and recipient.
    pub(crate) fn kept(&self) -> Vec<(String, Jid)> {
        self.list
            .iter()
            .map(|u| (u.id.clone(), u.file.to.clone()))
            .collect()
    }

    /// The earliest retry.
    pub(crate) fn next_retry(&self) -> Option<Instant> {
        self.list
            .iter()
            .filter_map(|u| match u.phase {
                Phase::Retry { at } => Some(at),
                _ => None,
            })
            .min()
    }

    fn take(&mut self, pred: impl Fn(&Upload) -> bool) -> Option<Upload> {
        let i = self.list.iter().position(pred)?;
        Some(self.list.remove(i))
    }
}

/// `max-file-size` of the XEP-0128 form of type `urn:xmpp:http:upload:0` in a disco#info
/// result (XEP-0363 §3); a server may add forms of other types (ejabberd: the legacy one).
fn max_file_size(query: &Element) -> Option<u64> {
    let field = |form: &Element, var: &str| {
        form.children()
            .find(|f| f.is("field", ns::DATA_FORMS) && f.attr("var") == Some(var))
            .and_then(|f| f.get_child("value", ns::DATA_FORMS))
            .map(Element::text)
    };
    query
        .children()
        .filter(|x| x.is("x", ns::DATA_FORMS))
        .find(|x| field(x, "FORM_TYPE").as_deref() == Some(ns::HTTP_UPLOAD))
        .and_then(|x| field(x, "max-file-size"))
        .and_then(|v| v.trim().parse().ok())
}

impl Client {
    /// `xmpp.chat.file`: validated, then uploaded once the service is known.
    pub(crate) fn handle_file_command(&mut self, p: file::ChatFile, cb: Callback) {
        let handle = file::handle_of(&p);
        let refused = match (cb.id(), file::validate(p)) {
            (None, _) => None,
            (Some(_), Err(e)) => Some(Error::from(e)),
            (Some(_), Ok(_)) if !self.has_session() => {
                Some(events::ConnectionError::NotConnected.into())
            }
            (Some(_), Ok(f)) => {
                let taken = |id: &str| self.uploads.list.iter().any(|u| u.id == id);
                if f.id.as_deref().is_some_and(taken) {
                    Some(ClientError::new("An upload with this 'id' is in progress").into())
                } else if self.uploads.list.len() >= MAX_UPLOADS {
                    Some(Limit::QueueFull.into())
                } else {
                    let id = f.id.clone().unwrap_or_else(|| self.next_id());
                    return self.start_upload(id, f, cb);
                }
            }
        };
        if let Some(h) = handle {
            self.out.transmit(Transmit::Release { handle: h });
        }
        match (refused, cb.id()) {
            (None, _) | (_, None) => self.missing_callback(),
            (Some(e), Some(rid)) => self.reply(rid, Err(e)),
        }
    }

    fn start_upload(&mut self, id: String, file: FileOut, callback: Callback) {
        // The first progress event comes before any byte moves.
        self.emit(Emit::FileProgress(Progress {
            id: id.clone(),
            loaded: 0,
            total: file.size,
        }));
        self.uploads.list.push(Upload {
            id,
            file,
            callback,
            phase: Phase::Waiting,
            failures: 0,
            told: 0,
            told_at: self.now,
        });
        self.advance_uploads();
    }

    /// `xmpp.chat.file.cancel {id}`: the PUT is stopped, the upload's callback gets
    /// `cancelled`, the cancel's callback `true`.
    pub(crate) fn handle_file_cancel(&mut self, p: file::Cancel, cb: Callback) {
        let id = match file::cancel_id(p) {
            Ok(id) => id,
            Err(e) => return self.client_error(cb, e),
        };
        match self.uploads.take(|u| u.id == id) {
            None => self.client_error(cb, ClientError::new("No upload with this 'id'")),
            Some(u) => {
                self.end_upload(u, Err(UploadError::Cancelled.into()));
                if let Some(rid) = cb.id() {
                    self.reply(rid, Ok(Reply::True));
                }
            }
        }
    }

    /// Moves every upload that can move: finds the service, refuses what it cannot take,
    /// asks for slots, retries what is due.
    pub(crate) fn advance_uploads(&mut self) {
        if !self.is_online() || self.uploads.list.is_empty() {
            return;
        }
        let now = self.now;
        let network_up = self.network_up;
        for u in &mut self.uploads.list {
            if matches!(u.phase, Phase::Retry { at } if at <= now && network_up) {
                u.phase = Phase::Waiting;
            }
        }
        if !self.uploads.list.iter().any(|u| u.phase == Phase::Waiting) {
            return;
        }
        match self.session.upload_service.clone() {
            Service::Unknown => {
                let Some(me) = self.stream.bound.clone() else {
                    return;
                };
                self.session.upload_service = Service::Discovering(Vec::new());
                let domain = Jid::from(BareJid::from_parts(None, me.domain()));
                // an empty query, built with minidom (xmpp-parsers' serialiser for it, with its
                // RSM part, costs 2.5 KB of wasm for one element)
                let items = Element::builder("query", ns::DISCO_ITEMS).build();
                self.internal_get(domain, items, IqKind::UploadItems);
            }
            Service::Discovering(_) => {}
            Service::Missing => {
                while let Some(u) = self.uploads.take(|u| u.phase == Phase::Waiting) {
                    self.end_upload(u, Err(UploadError::NoService.into()));
                }
            }
            Service::Found(service, max) => {
                while let Some(i) = self
                    .uploads
                    .list
                    .iter()
                    .position(|u| u.phase == Phase::Waiting)
                {
                    let size = self.uploads.list[i].file.size;
                    if let Some(max) = max.filter(|m| size > *m) {
                        let u = self.uploads.list.remove(i);
                        self.end_upload(u, Err(UploadError::TooLarge { max }.into()));
                        continue;
                    }
                    let u = &mut self.uploads.list[i];
                    u.phase = Phase::Slot;
                    let request = SlotRequest {
                        filename: u.file.name.clone(),
                        size,
                        content_type: Some(u.file.content_type.clone()),
                    };
                    let kind = IqKind::UploadSlot {
                        upload: u.id.clone(),
                    };
                    self.internal_get(service.clone(), request.into(), kind);
                }
            }
        }
    }

    /// The disco#items of the domain (XEP-0030 §4): its items are asked about, in order.
    pub(crate) fn handle_upload_items(&mut self, result: Option<Element>) {
        let items: Vec<Jid> = result
            .iter()
            .flat_map(|q| q.children())
            .filter(|i| i.is("item", ns::DISCO_ITEMS) && i.attr("node").is_none())
            .filter_map(|i| Jid::new(i.attr("jid")?).ok())
            .take(MAX_ITEMS)
            .collect();
        let items = items.into_iter().rev().collect(); // asked in order, popped from the end
        self.session.upload_service = Service::Discovering(items);
        self.ask_next_item();
    }

    fn ask_next_item(&mut self) {
        let Service::Discovering(left) = &mut self.session.upload_service else {
            return;
        };
        match left.pop() {
            Some(item) => {
                let query = DiscoInfoQuery { node: None };
                self.internal_get(item.clone(), query.into(), IqKind::UploadInfo(item));
            }
            None => {
                self.session.upload_service = Service::Missing;
                self.advance_uploads();
            }
        }
    }

    /// The disco#info of an item: the service when it lists `urn:xmpp:http:upload:0`.
    pub(crate) fn handle_upload_info(&mut self, item: Jid, result: Option<Element>) {
        if !matches!(self.session.upload_service, Service::Discovering(_)) {
            return;
        }
        let max = result.as_ref().and_then(max_file_size);
        if Self::offers(result, ns::HTTP_UPLOAD) {
            self.session.upload_service = Service::Found(item, max);
            self.advance_uploads();
        } else {
            self.ask_next_item();
        }
    }

    /// The slot (XEP-0363 §4): the shell PUTs to it; a refusal is the callback's error.
    pub(crate) fn handle_upload_slot(
        &mut self,
        upload: &str,
        result: Result<Option<Element>, Error>,
    ) {
        let Some(i) = self
            .uploads
            .list
            .iter()
            .position(|u| u.id == upload && u.phase == Phase::Slot)
        else {
            return; // cancelled meanwhile
        };
        let slot = match result {
            Err(e) => {
                let u = self.uploads.list.remove(i);
                return self.end_upload(u, Err(e));
            }
            Ok(el) => el
                .and_then(|el| SlotResult::try_from(el).ok())
                .filter(|s| file::is_web_url(&s.put.url) && file::is_web_url(&s.get.url)),
        };
        let Some(slot) = slot else {
            let u = self.uploads.list.remove(i);
            return self.end_upload(u, Err(UploadError::BadSlot.into()));
        };
        let u = &mut self.uploads.list[i];
        u.phase = Phase::Put { get: slot.get.url };
        let put = Transmit::Put {
            handle: u.file.handle,
            url: slot.put.url,
            headers: slot
                .put
                .headers
                .into_iter()
                .map(|h| (h.name.as_str().to_owned(), h.value))
                .collect(),
            content_type: u.file.content_type.clone(),
        };
        self.out.transmit(put);
    }

    /// What the shell reports about the PUT of the file it keeps under `handle`.
    pub fn handle_upload(&mut self, handle: u32, event: UploadEvent, now: Instant) {
        self.settle();
        self.now = self.now.max(now);
        let Some(i) = self
            .uploads
            .list
            .iter()
            .position(|u| u.file.handle == handle && matches!(u.phase, Phase::Put { .. }))
        else {
            return; // cancelled, or a late report
        };
        match event {
            UploadEvent::Progress(loaded) => {
                let u = &mut self.uploads.list[i];
                let loaded = loaded.min(u.file.size);
                if loaded > u.told && self.now >= u.told_at.plus(PROGRESS_EVERY_MS) {
                    u.told = loaded;
                    u.told_at = self.now;
                    let p = Progress {
                        id: u.id.clone(),
                        loaded,
                        total: u.file.size,
                    };
                    self.emit(Emit::FileProgress(p));
                }
            }
            UploadEvent::Done => {
                let u = self.uploads.list.remove(i);
                self.upload_done(u);
            }
            UploadEvent::Status(status, text) => {
                let u = self.uploads.list.remove(i);
                self.end_upload(u, Err(UploadError::Http { status, text }.into()));
            }
            UploadEvent::Failed => {
                let u = &mut self.uploads.list[i];
                u.failures += 1;
                if u.failures > MAX_RETRIES {
                    let u = self.uploads.list.remove(i);
                    return self.end_upload(u, Err(UploadError::Network.into()));
                }
                let delay = RETRY_DELAY_MS << (u.failures - 1);
                u.phase = Phase::Retry {
                    at: self.now.plus(delay),
                };
            }
        }
    }

    /// The file is stored: the last progress event, then its message (`docs/decisions.md`
    /// §12: through the outbox like any message), whose callback gets `{id, url}`.
    fn upload_done(&mut self, u: Upload) {
        let Phase::Put { get } = &u.phase else {
            return;
        };
        let url = get.clone();
        if u.told < u.file.size {
            self.emit(Emit::FileProgress(Progress {
                id: u.id.clone(),
                loaded: u.file.size,
                total: u.file.size,
            }));
        }
        self.out.transmit(Transmit::Release {
            handle: u.file.handle,
        });
        let message = events::chat::Outgoing::file(&u.file, &url);
        let q = Queued {
            out: Out {
                frame: stanza::write(message.stanza(&u.id)),
                message: Some(u.id.clone()),
            },
            callback: u.callback,
            reply: Some(Reply::File(Sent { id: u.id, url })),
        };
        self.enqueue(q);
    }

    /// Ends an upload without its message: the shell drops the file, the callback hears why.
    fn end_upload(&mut self, u: Upload, result: Result<Reply, Error>) {
        self.out.transmit(Transmit::Release {
            handle: u.file.handle,
        });
        if let Some(rid) = u.callback.id() {
            self.reply(rid, result);
        }
    }

    /// The request for a slot or about the service got no answer in time.
    pub(crate) fn upload_iq_expired(&mut self, kind: &IqKind) {
        match kind {
            IqKind::UploadItems => self.handle_upload_items(None),
            IqKind::UploadInfo(item) => self.handle_upload_info(item.clone(), None),
            IqKind::UploadSlot { upload } => {
                let timeout = events::ConnectionError::Timeout("The request timed out".into());
                self.handle_upload_slot(upload, Err(timeout.into()));
            }
            _ => {}
        }
    }

    /// A new session (not resumed): requests sent on the old stream get no answer, so the
    /// uploads that waited for one ask again.
    pub(crate) fn restart_uploads(&mut self) {
        self.iqs.forget(|k| {
            matches!(
                k,
                IqKind::UploadItems | IqKind::UploadInfo(_) | IqKind::UploadSlot { .. }
            )
        });
        if matches!(self.session.upload_service, Service::Discovering(_)) {
            self.session.upload_service = Service::Unknown;
        }
        for u in &mut self.uploads.list {
            if u.phase == Phase::Slot {
                u.phase = Phase::Waiting;
            }
        }
    }

    /// An upload the page was reloaded in the middle of: its bytes went with the page, so it
    /// is reported as failed (`docs/decisions.md` §12).
    pub(crate) fn upload_cut_by_reload(&mut self, id: String, to: Jid) {
        self.emit(Emit::ChatError(events::actions::ChatError {
            from: events::jid_obj(&to),
            id,
            error: UploadError::Interrupted.into(),
        }));
    }

    /// The session ended (logout, a failed login): every upload hears `not-connected`.
    pub(crate) fn fail_uploads(&mut self) {
        for u in std::mem::take(&mut self.uploads.list) {
            let err = events::ConnectionError::NotConnected;
            self.end_upload(u, Err(err.into()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_comes_from_the_upload_form() {
        // ejabberd lists the legacy namespace's form first.
        let q: Element = "<query xmlns='http://jabber.org/protocol/disco#info'>\
            <feature var='urn:xmpp:http:upload:0'/>\
            <x xmlns='jabber:x:data' type='result'>\
              <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:http:upload</value></field>\
              <field var='max-file-size'><value>5</value></field></x>\
            <x xmlns='jabber:x:data' type='result'>\
              <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:http:upload:0</value></field>\
              <field var='max-file-size'><value> 16777216 </value></field></x></query>"
            .parse()
            .unwrap();
        assert_eq!(max_file_size(&q), Some(16_777_216));
        let none: Element = "<query xmlns='http://jabber.org/protocol/disco#info'/>"
            .parse()
            .unwrap();
        assert_eq!(max_file_size(&none), None);
    }
}
