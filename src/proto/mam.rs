//! XEP-0313 commands (`xmpp.mam.query`, `xmpp.mam.preferences`, `.get`): a callback is
//! required; they wait for the session and for MAM support to be known (disco#info on the
//! account, `docs/decisions.md` §5), then go out. Payload conversions are in `events::mam`.

use super::iq::IqKind;
use super::{Callback, Client};
use crate::events::command::Command;
use crate::events::{mam, Limit};
use xmpp_parsers::mam_prefs::Prefs;

/// The XEP-0313 side of the session: whether the account's archive speaks `urn:xmpp:mam:2`,
/// the commands waiting to know it, and the `queryid`s of this socket's queries in flight
/// (only their results are accepted, `docs/decisions.md` §5).
#[derive(Default)]
pub(crate) struct Mam {
    /// `None`: not known yet.
    pub(crate) support: Option<bool>,
    pub(crate) waiting: Vec<(MamCommand, Callback)>,
    queries: Vec<String>,
}

impl Mam {
    /// A query of this socket is in flight.
    pub(crate) fn started(&mut self, query_id: String) {
        self.queries.push(query_id);
    }

    /// Whether a `<result queryid/>` answers a query of this socket.
    pub(crate) fn is_ours(&self, query_id: &str) -> bool {
        self.queries.iter().any(|q| q == query_id)
    }

    /// The query is over (its `<fin/>` came, or it failed).
    pub(crate) fn finished(&mut self, query_id: &str) {
        self.queries.retain(|q| q != query_id);
    }

    /// The login ended: support is asked again next time, nothing is in flight. Returns the
    /// callbacks of the commands that waited.
    pub(crate) fn reset(&mut self) -> Vec<Callback> {
        self.queries.clear();
        self.support = None;
        std::mem::take(&mut self.waiting)
            .into_iter()
            .map(|(_, cb)| cb)
            .collect()
    }

    /// Items held.
    pub(crate) fn len(&self) -> usize {
        self.waiting.len() + self.queries.len()
    }
}

/// A XEP-0313 command ready to be sent once MAM support is known.
pub(crate) enum MamCommand {
    Query(mam::Query),
    Prefs(Prefs),
    PrefsGet,
}

impl Client {
    /// Validates a MAM command and queues it until the session and MAM support are known.
    pub(crate) fn handle_mam_command(&mut self, cmd: Command, cb: Callback) {
        if cb.id().is_none() {
            return self.missing_callback();
        }
        let cmd = match cmd {
            Command::MamQuery(p) => {
                let generated = self.next_id();
                match mam::validate_query(p, generated) {
                    Ok(q) => MamCommand::Query(q),
                    Err(e) => return self.client_error(cb, e),
                }
            }
            Command::MamPreferences(p) => match mam::validate_preferences(p) {
                Ok(prefs) => MamCommand::Prefs(prefs),
                Err(e) => return self.client_error(cb, e),
            },
            _ => MamCommand::PrefsGet,
        };
        if !self.has_session() {
            return self.not_connected(cb);
        }
        self.mam.waiting.push((cmd, cb));
        self.flush_mam();
    }

    /// Sends the waiting MAM commands once online and MAM support is known.
    pub(crate) fn flush_mam(&mut self) {
        if !self.is_online() {
            return;
        }
        let Some(supported) = self.mam.support else {
            return;
        };
        for (cmd, cb) in std::mem::take(&mut self.mam.waiting) {
            if !supported {
                self.connection_error(cb, Limit::NoMam);
                continue;
            }
            let id = self.next_id();
            let (iq, kind) = match cmd {
                MamCommand::Query(q) => {
                    self.mam.started(q.query_id.clone());
                    (
                        q.stanza(&id),
                        IqKind::MamQuery {
                            query_id: q.query_id,
                            echo: q.echo,
                        },
                    )
                }
                MamCommand::Prefs(p) => (mam::preferences_stanza(p, &id), IqKind::Ack),
                MamCommand::PrefsGet => (mam::preferences_get_stanza(&id), IqKind::MamPrefsGet),
            };
            self.send_stanza_el(iq);
            self.track_iq(id, None, cb, kind);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::events::command::Command;
    use crate::proto::testing::online_client;
    use crate::proto::{Callback, Client, Config, Event, Instant};

    fn query() -> Command {
        Command::read(
            "xmpp.mam.query",
            crate::events::command::Payload::Object(&mut serde_json::Deserializer::from_str("{}")),
        )
    }

    fn replies(c: &mut Client) -> Vec<String> {
        std::iter::from_fn(|| c.poll_event())
            .filter_map(|e| match e {
                Event::Reply { result, .. } => Some(match result {
                    Ok(r) => serde_json::to_string(&r).unwrap(),
                    Err(e) => serde_json::to_string(&e).unwrap(),
                }),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn only_this_sockets_queries_are_ours() {
        let mut m = super::Mam::default();
        m.started("q1".into());
        m.waiting
            .push((super::MamCommand::PrefsGet, Callback::Function(7)));
        assert!(m.is_ours("q1") && !m.is_ours("q2"));
        m.finished("q1");
        assert!(!m.is_ours("q1"));
        m.support = Some(true);
        m.started("q3".into());
        assert_eq!(m.reset(), [Callback::Function(7)]);
        assert_eq!((m.len(), m.support), (0, None));
    }

    #[test]
    fn queries_wait_for_support_and_need_a_session() {
        let mut idle = Client::new(Config::default());
        idle.handle_command(query(), Callback::Function(1), Instant(0));
        assert!(replies(&mut idle)[0].contains("not-connected"));
        let (mut c, _) = online_client(false, "pw");
        c.handle_command(query(), Callback::Function(2), Instant(1));
        assert!(
            replies(&mut c).is_empty(),
            "waits for the account's disco#info"
        );
        c.mam.support = Some(false);
        c.flush_mam();
        assert!(replies(&mut c)[0].contains("feature-not-implemented"));
    }
}
