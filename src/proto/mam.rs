//! XEP-0313 commands (`xmpp.mam.query`, `xmpp.mam.preferences`, `.get`): a callback is
//! required; they wait for the session and for MAM support to be known (disco#info on the
//! account, `docs/decisions.md` §5), then go out. Payload conversions are in `events::mam`.

use super::iq::IqKind;
use super::{Callback, Client};
use crate::events::{self, mam};
use crate::value::Value;

/// A XEP-0313 command ready to be sent once MAM support is known.
pub(crate) enum MamCommand {
    Query(mam::Query),
    Prefs(Value),
    PrefsGet,
}

impl Client {
    /// Validates a MAM command and queues it until the session and MAM support are known.
    pub(crate) fn handle_mam_command(&mut self, name: &str, payload: Value, cb: Callback) {
        if cb.id().is_none() {
            return self.emit(
                events::ERROR_CLIENT,
                events::client_error("Missing callback", payload),
            );
        }
        let cmd = match name {
            mam::QUERY => {
                let generated = self.next_id();
                match mam::validate_query(&payload, generated) {
                    Ok(q) => MamCommand::Query(q),
                    Err(e) => return self.client_error(cb, e),
                }
            }
            mam::PREFERENCES => match mam::preferences_stanza(&payload, "") {
                Ok(_) => MamCommand::Prefs(payload),
                Err(e) => return self.client_error(cb, e),
            },
            _ => MamCommand::PrefsGet,
        };
        if !self.has_session() {
            return self.connection_error(cb, events::not_connected());
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
                self.connection_error(
                    cb,
                    obj! {
                        "type" => "cancel", "condition" => "feature-not-implemented",
                        "description" => "The server does not support urn:xmpp:mam:2",
                    },
                );
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
                MamCommand::Prefs(p) => match mam::preferences_stanza(&p, &id) {
                    Ok(iq) => (iq, IqKind::Ack),
                    Err(e) => {
                        self.client_error(cb, e);
                        continue;
                    }
                },
                MamCommand::PrefsGet => (mam::preferences_get_stanza(&id), IqKind::MamPrefsGet),
            };
            self.send_stanza_el(iq);
            self.track_iq(id, None, cb, kind);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::proto::testing::online_client;
    use crate::proto::{Callback, Client, Config, Event, Instant};

    fn replies(c: &mut Client) -> Vec<String> {
        std::iter::from_fn(|| c.poll_event())
            .filter_map(|e| match e {
                Event::Reply { result, .. } => Some(format!("{result:?}")),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn queries_wait_for_support_and_need_a_session() {
        let mut idle = Client::new(Config::default());
        idle.handle_command("xmpp.mam.query", obj! {}, Callback::Function(1), Instant(0));
        assert!(replies(&mut idle)[0].contains("not-connected"));
        let (mut c, _) = online_client(false, "pw");
        c.handle_command("xmpp.mam.query", obj! {}, Callback::Function(2), Instant(1));
        assert!(
            replies(&mut c).is_empty(),
            "waits for the account's disco#info"
        );
        c.mam_support = Some(false);
        c.flush_mam();
        assert!(replies(&mut c)[0].contains("feature-not-implemented"));
    }
}
