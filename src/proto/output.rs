//! What the client has for the shell, in the order it must be done: transmits (socket and
//! lookups), events for the application, and store operations. `xmpp.raw` is produced only
//! while the shell says someone listens.

use std::collections::VecDeque;

use super::{Event, RequestId, StoreOp, Transmit};
use crate::events::{Emit, Error, Raw, Reply};

/// The client's output queues.
#[derive(Default)]
pub(super) struct Output {
    pub(super) transmits: VecDeque<Transmit>,
    pub(super) events: VecDeque<Event>,
    pub(super) store_ops: VecDeque<StoreOp>,
    /// `xmpp.raw` events are wanted.
    pub(super) raw: bool,
}

impl Output {
    /// An event for the `on(name)` handlers.
    pub(super) fn emit(&mut self, event: Emit) {
        self.events.push_back(Event::Emit(event));
    }

    /// Settles a callback or promise.
    pub(super) fn reply(&mut self, request: RequestId, result: Result<Reply, Error>) {
        self.events.push_back(Event::Reply { request, result });
    }

    /// A frame for the socket, shown in `xmpp.raw` as `shown` (credentials redacted).
    pub(super) fn frame(&mut self, frame: String, shown: Option<&str>) {
        if self.raw {
            let frame = shown.map_or_else(|| frame.clone(), str::to_owned);
            self.emit(Emit::Raw(Raw {
                direction: "out",
                frame,
                skipped: None,
            }));
        }
        self.transmits.push_back(Transmit::Frame(frame));
    }

    /// A frame received, shown in `xmpp.raw` when someone listens (`frame` is only made
    /// then); `skipped` says why a stanza that could not be read was skipped.
    pub(super) fn frame_in(
        &mut self,
        frame: impl FnOnce() -> String,
        skipped: Option<&'static str>,
    ) {
        if self.raw {
            self.emit(Emit::Raw(Raw {
                direction: "in",
                frame: frame(),
                skipped,
            }));
        }
    }

    /// Something else for the shell to do with the network.
    pub(super) fn transmit(&mut self, t: Transmit) {
        self.transmits.push_back(t);
    }

    /// How many items wait in the queues.
    pub(super) fn len(&self) -> usize {
        self.transmits.len() + self.events.len() + self.store_ops.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Connection;

    #[test]
    fn frames_are_shown_redacted_only_while_raw_is_wanted() {
        let mut o = Output::default();
        o.frame("<auth>secret</auth>".into(), Some("<auth>…</auth>"));
        assert!(o.events.is_empty(), "nobody listens to xmpp.raw");
        o.raw = true;
        o.frame("<auth>secret</auth>".into(), Some("<auth>…</auth>"));
        o.emit(Emit::Connection(Connection::status("offline")));
        o.transmit(Transmit::Close);
        // the socket gets the real frame, the log the redacted one, in order
        assert_eq!(
            o.transmits.iter().collect::<Vec<_>>(),
            [
                &Transmit::Frame("<auth>secret</auth>".into()),
                &Transmit::Frame("<auth>secret</auth>".into()),
                &Transmit::Close
            ]
        );
        match o.events.pop_front() {
            Some(Event::Emit(Emit::Raw(r))) => assert_eq!(r.frame, "<auth>…</auth>"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            o.events.pop_front(),
            Some(Event::Emit(Emit::Connection(_)))
        ));
        assert_eq!(o.len(), 3);
    }
}
