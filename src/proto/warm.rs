//! The first login of a page runs code the browser has not compiled yet: V8 compiles wasm
//! functions lazily, on their first call, and that cost (about 2 ms of a 12 ms login on
//! loopback, `docs/decisions.md` §12) fell on the moment the user pressed "log in". The shell
//! calls [`warm_up`] once when the page is idle after `init()`: a SCRAM login, a chat
//! message and a roster answer played through a throwaway client with no network, so their
//! code is compiled before it is needed. Nothing of it leaves this function.

use super::{Callback, Client, Config, Instant, SocketEvent, Transmit};
use crate::events::command::Command;

const OPEN: &str =
    "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='localhost' id='w' version='1.0'/>";

/// Plays a login (SCRAM-SHA-1, a resource bound, XEP-0198 enabled) and one incoming message;
/// `true` when the SCRAM response was computed and the played session came online.
pub fn warm_up() -> bool {
    let t = Instant(0);
    let mut c = logging_in(
        Config {
            scram_nonce: Some("warm".into()),
            derive_in_shell: true,
            ..Config::default()
        },
        "<mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism>",
    );
    // r=warm… s=salt i=4096, as the server's first message
    c.handle_frame(
        "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>cj13YXJtMSxzPWMyRnNkQT09LGk9NDA5Ng==</challenge>",
        t,
    );
    let mut derive = None;
    drain(&mut c, |tr| {
        if let Transmit::Derive { id, .. } = tr {
            derive = Some(id);
        }
    });
    if let Some(id) = derive {
        c.handle_derived(id, Some(vec![0; 20]), t);
    }
    let mut responded = false;
    drain(&mut c, |tr| {
        responded |= matches!(tr, Transmit::Frame(f) if f.starts_with("<response"));
    });
    // The signature cannot verify (the key above is not the password's): the exchange ends
    // here, and the stream after it is played on a new client with PLAIN.
    c.handle_frame(
        "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1BQUFB</success>",
        t,
    );
    drain(&mut c, |_| {});
    let mut c = logging_in(Config::default(), "<mechanism>PLAIN</mechanism>");
    c.handle_frame("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", t);
    c.handle_frame(OPEN, t);
    c.handle_frame(
        "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><bind \
         xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><sm xmlns='urn:xmpp:sm:3'/></stream:features>",
        t,
    );
    let mut bind = String::new();
    drain(&mut c, |tr| {
        if let Transmit::Frame(f) = tr {
            bind = f;
        }
    });
    let id = id_of(&bind);
    c.handle_frame(
        &format!(
            "<iq xmlns='jabber:client' type='result' id='{id}'><bind \
             xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>warm@localhost/w</jid></bind></iq>"
        ),
        t,
    );
    c.handle_frame("<enabled xmlns='urn:xmpp:sm:3' id='s' resume='true'/>", t);
    let online = c.is_online();
    c.handle_frame(
        "<message xmlns='jabber:client' from='b@localhost/x' to='warm@localhost/w' type='chat' \
         id='m'><body>hi</body><request xmlns='urn:xmpp:receipts'/></message>",
        t,
    );
    // The roster: requested before the presence, its answer read from the text (RFC 6121
    // §2.2, `docs/decisions.md` §19), as the first login with thousands of contacts does.
    c.handle_command(Command::Presence(Default::default()), Callback::None, t);
    let mut fetch = String::new();
    drain(&mut c, |tr| match tr {
        Transmit::Frame(f) if f.contains("jabber:iq:roster") => fetch = f,
        _ => {}
    });
    c.handle_frame(
        &format!(
            "<iq xmlns='jabber:client' type='result' id='{}'><query xmlns='jabber:iq:roster' \
             ver='1'><item jid='a@localhost' name='A' subscription='both'><group>G</group></item>\
             </query></iq>",
            id_of(&fetch)
        ),
        t,
    );
    let roster = c.session.roster.as_ref().map_or(0, |r| r.len());
    drain(&mut c, |_| {});
    responded && online && roster == 1
}

/// The `id` of a frame the client wrote.
fn id_of(frame: &str) -> String {
    crate::stanza::parse_frame(frame, usize::MAX)
        .ok()
        .and_then(|el| el.attr("id").map(str::to_owned))
        .unwrap_or_default()
}

/// A client that asked to log in, has its socket open and was offered `mechanisms`.
fn logging_in(cfg: Config, mechanisms: &str) -> Client {
    let t = Instant(0);
    let mut c = Client::new(cfg);
    let login = Command::login("warm@localhost", "warm", "ws://127.0.0.1/");
    c.handle_command(login, Callback::None, t);
    c.handle_socket(SocketEvent::Open, t);
    c.handle_frame(OPEN, t);
    c.handle_frame(
        &format!(
            "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms \
             xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{mechanisms}</mechanisms></stream:features>"
        ),
        t,
    );
    c
}

fn drain(c: &mut Client, mut f: impl FnMut(Transmit)) {
    while let Some(t) = c.poll_transmit() {
        f(t);
    }
    while c.poll_event().is_some() {}
}

#[cfg(test)]
mod tests {
    /// The played login reaches online: the code it is meant to compile is the code that runs.
    #[test]
    fn warm_up_runs_through() {
        assert!(super::warm_up());
    }
}
