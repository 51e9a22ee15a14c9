//! XEP-0313 commands (`xmpp.mam.query`, `xmpp.mam.preferences`, `.get`): a callback is
//! required; they wait for the session and for MAM support to be known (disco#info on the
//! account, `docs/decisions.md` §5), then go out. Payload conversions are in `events::mam`.

use super::iq::IqKind;
use super::{Callback, Client};
use crate::events::command::Command;
use crate::events::{mam, Limit};
use xmpp_parsers::mam_prefs::Prefs;

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
        self.mam_waiting.push((cmd, cb));
        self.flush_mam();
    }

    /// Sends the waiting MAM commands once online and MAM support is known.
    pub(crate) fn flush_mam(&mut self) {
        if !self.is_online() {
            return;
        }
        let Some(supported) = self.mam_support else {
            return;
        };
        for (cmd, cb) in std::mem::take(&mut self.mam_waiting) {
            if !supported {
                self.connection_error(cb, Limit::NoMam);
                continue;
            }
            let id = self.next_id();
            let (iq, kind) = match cmd {
                MamCommand::Query(q) => {
                    self.mam_queries.push(q.query_id.clone());
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
        c.mam_support = Some(false);
        c.flush_mam();
        assert!(replies(&mut c)[0].contains("feature-not-implemented"));
    }
}
