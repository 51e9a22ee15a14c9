//! Test support shared by the property tests and the fuzz target: a client driven online by
//! hand. Not part of the API.

use super::{Callback, Client, Config, Event, Instant, SocketEvent, Transmit};
use crate::events::command::Command;
use crate::events::field::{Field, Truthy};

/// A client (account `alice@localhost`, XEP-0077 registration, PLAIN on loopback, XEP-0198)
/// logged in (PLAIN on loopback) and online, with the server side played by hand.
pub fn online_client(raw: bool, password: &str) -> (Client, Vec<Event>) {
    let mut c = Client::new(Config {
        seed: [9; 32],
        ..Config::default()
    });
    c.set_raw(raw);
    let mut login = Command::login("alice@localhost", password, "ws://127.0.0.1:5280/ws");
    if let Command::Login { payload, .. } = &mut login {
        payload.register = Field::Given(Truthy(true));
    }
    let t = Instant(0);
    c.handle_command(login, Callback::None, t);
    c.handle_socket(SocketEvent::Open, t);
    let open =
        "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='localhost' id='x' version='1.0'/>";
    c.handle_frame(open, t);
    c.handle_frame(
        "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
         <register xmlns='http://jabber.org/features/iq-register'/>\
         <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>",
        t,
    );
    let reg_id = last_id(&mut c);
    c.handle_frame(
        &format!("<iq xmlns='jabber:client' type='result' id='{reg_id}'/>"),
        t,
    );
    c.handle_frame("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", t);
    c.handle_frame(open, t);
    c.handle_frame(
        "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
         <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><sm xmlns='urn:xmpp:sm:3'/></stream:features>",
        t,
    );
    let bind_id = last_id(&mut c);
    c.handle_frame(
        &format!(
            "<iq xmlns='jabber:client' type='result' id='{bind_id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>\
             <jid>alice@localhost/web</jid></bind></iq>"
        ),
        t,
    );
    c.handle_frame("<enabled xmlns='urn:xmpp:sm:3' id='s' resume='true'/>", t);
    assert!(c.is_online());
    let events = std::iter::from_fn(|| c.poll_event()).collect();
    while c.poll_transmit().is_some() {}
    (c, events)
}

/// A chat message of the incoming flood (`tests/server.mjs`' `floodMessage`): about 200 bytes
/// of body, a XEP-0184 request, a XEP-0203 delay and a XEP-0359 stanza-id.
pub fn flood_frame(i: usize) -> String {
    let mut body = format!("message {i} ");
    while body.len() < 200 {
        body.push_str("lorem ipsum dolor sit amet ");
    }
    body.truncate(200);
    format!("<message xmlns=\"jabber:client\" from=\"bob@localhost/phone\" to=\"alice@localhost/x\" type=\"chat\" id=\"m{i}\"><body>{body}</body><request xmlns=\"urn:xmpp:receipts\"/><delay xmlns=\"urn:xmpp:delay\" stamp=\"2026-11-25T10:00:00Z\"/><stanza-id xmlns=\"urn:xmpp:sid:0\" by=\"alice@localhost\" id=\"s{i}\"/></message>")
}

/// The core's whole incoming path for `frames` (each read, its events and transmits drained):
/// the number of events.
pub fn read_all(c: &mut Client, frames: &[String]) -> usize {
    let mut events = 0;
    for f in frames {
        c.handle_frame(f, Instant(1));
        while let Some(e) = c.poll_event() {
            std::hint::black_box(e);
            events += 1;
        }
        while c.poll_transmit().is_some() {}
    }
    events
}

/// The id attribute of the last frame sent.
fn last_id(c: &mut Client) -> String {
    let mut last = String::new();
    while let Some(t) = c.poll_transmit() {
        if let Transmit::Frame(f) = t {
            last = f;
        }
    }
    crate::stanza::parse_frame(&last, usize::MAX)
        .ok()
        .and_then(|el| el.attr("id").map(str::to_owned))
        .unwrap_or_default()
}
