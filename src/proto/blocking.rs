//! XEP-0191 blocking commands and pushes. Commands wait for the session like the other
//! requests and go out as IQs answered through the IQ table; a server known not to offer
//! `urn:xmpp:blocking` (its disco#info) gets `feature-not-implemented` without a request. A
//! push is accepted only without `from` or from the account's own bare JID, and answered
//! (§3.3, `docs/decisions.md` §14).

use super::iq::IqKind;
use super::{Callback, Client};
use crate::events::command::Command;
use crate::events::{blocking, Emit, Jid, Limit};
use crate::stanza::{self, Element};

impl Client {
    /// `xmpp.blocking.list|add|remove`: validated, then sent once online.
    pub(crate) fn handle_blocking_command(&mut self, cmd: Command, cb: Callback) {
        let (query, get) = match cmd {
            Command::BlockingList => {
                if cb.id().is_none() {
                    return self.missing_callback();
                }
                (blocking::list_request(), true)
            }
            Command::Block(add, p) => match blocking::request(add, p) {
                Ok(q) => (q, false),
                Err(e) => return self.client_error(cb, e),
            },
            _ => return,
        };
        if !self.has_session() {
            return self.not_connected(cb);
        }
        self.waiting.blocking.push((query, get, cb));
        self.flush_blocking();
    }

    /// Sends the blocking commands that waited for the session.
    pub(crate) fn flush_blocking(&mut self) {
        if !self.is_online() {
            return;
        }
        for (query, get, cb) in std::mem::take(&mut self.waiting.blocking) {
            if self.stream.blocking == Some(false) {
                self.connection_error(cb, Limit::NoBlocking);
                continue;
            }
            let id = self.next_id();
            self.send_stanza_el(stanza::iq_request(!get, &id, None, query));
            let kind = if get { IqKind::BlockList } else { IqKind::Ack };
            self.track_iq(id, None, cb, kind);
        }
    }

    /// A `<block/>` or `<unblock/>` push (§3.3, §3.4): from the server on the account's
    /// behalf only, as `xmpp.blocking.push`, and acknowledged. Anyone else's is ignored.
    pub(crate) fn handle_blocking_push(&mut self, from: Option<Jid>, id: String, el: Element) {
        if !self.pushed_by_account(from.as_ref()) {
            return;
        }
        let Some(push) = blocking::push(el) else {
            return self.answer_iq(from, id, None);
        };
        self.emit(Emit::BlockingPush(push));
        self.acknowledge_push(from, id);
    }
}
