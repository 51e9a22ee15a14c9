//! Fuzzing with the session's invariant (`docs/decisions.md` §13): stanzas written by another
//! user, relayed by the server, never end the session. The input is split at NUL bytes; each
//! piece becomes one stanza from `bob@localhost`, chosen by its first byte: the piece as a
//! message's, presence's or IQ's content, inside a XEP-0313 result or a XEP-0280 carbon, or
//! as the rest of a stanza's start tag. For every one of them the client must stay online,
//! send no stream error and no `<close/>`, emit no connection event, and count it for
//! XEP-0198; afterwards the next message is still delivered.
//!
//! Run (stable toolchain, no sanitizer): `cargo fuzz run -s none strangers -- -max_total_time=60`
#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use xmpp_ftw_wasm::proto::{testing::online_client, Client, Event, Instant, Transmit};

const M: &str = "<message xmlns='jabber:client' from='bob@localhost/x' to='alice@localhost/web' type='chat' id='f'>";
const R: &str = "<message xmlns='jabber:client' to='alice@localhost/web'><result xmlns='urn:xmpp:mam:2' queryid='q' id='r'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2024-01-01T00:00:00Z'/>";
const CR: &str = "<message xmlns='jabber:client' from='alice@localhost' to='alice@localhost/web'><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>";
const CS: &str = "<message xmlns='jabber:client' from='alice@localhost' to='alice@localhost/web'><sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>";

fn stanza(kind: u8, s: &str) -> String {
    match kind % 10 {
        0 => format!("{M}{s}</message>"),
        1 => format!("<presence xmlns='jabber:client' from='bob@localhost/x'>{s}</presence>"),
        2 => format!("<iq xmlns='jabber:client' type='get' id='g' from='bob@localhost/x'>{s}</iq>"),
        3 => format!("<iq xmlns='jabber:client' type='set' id='s' from='bob@localhost/x'>{s}</iq>"),
        4 => format!("{R}{M}{s}</message></forwarded></result></message>"),
        5 => format!("{CR}{M}{s}</message></forwarded></received></message>"),
        6 => format!("{CS}{M}{s}</message></forwarded></sent></message>"),
        7 => format!("<message xmlns='jabber:client' from='bob@localhost/x' {s}"),
        8 => format!("<presence xmlns='jabber:client' from='bob@localhost/x' {s}"),
        _ => format!("<iq xmlns='jabber:client' from='bob@localhost/x' {s}"),
    }
}

/// The h of the client's answer to `<r/>` (XEP-0198 §4).
fn h(c: &mut Client) -> u32 {
    c.handle_frame("<r xmlns='urn:xmpp:sm:3'/>", Instant(1));
    let mut h = None;
    while let Some(t) = c.poll_transmit() {
        if let Transmit::Frame(f) = t {
            if let Some(rest) = f.split("h='").nth(1) {
                h = rest.split('\'').next().and_then(|n| n.parse().ok());
            }
        }
    }
    while c.poll_event().is_some() {}
    h.expect("an answer to <r/>")
}

thread_local! {
    /// One session for all inputs (a login per input would cost most of the time): by the
    /// invariant under test it stays online, and its memory is bounded (`footprint`).
    /// With the stanzas it has sent since, which the harness acknowledges as a server would:
    /// whenever the client asks (`<r/>`) and after each input (a server that acknowledges
    /// nothing is rightly taken for a dead connection, and what waits for its acknowledgement
    /// grows with every answer the client sends).
    static CLIENT: RefCell<(Client, u32)> = RefCell::new((online_client(false, "pw").0, 0));
}

fuzz_target!(|data: &[u8]| CLIENT.with_borrow_mut(|(c, out)| run(c, out, data)));

fn is_stanza(frame: &str) -> bool {
    ["<message", "<presence", "<iq"]
        .iter()
        .any(|s| frame.starts_with(s))
}

fn run(c: &mut Client, out: &mut u32, data: &[u8]) {
    let start = h(c);
    let mut sent = 0u32;
    for piece in data.split(|&b| b == 0) {
        let Some((&kind, rest)) = piece.split_first() else {
            continue;
        };
        let frame = stanza(kind, &String::from_utf8_lossy(rest));
        c.handle_frame(&frame, Instant(1));
        sent += 1;
        while let Some(t) = c.poll_transmit() {
            match t {
                // XEP-0198 §4: the client asks, the harness answers as a server does at once
                Transmit::Frame(f) if f.starts_with("<r ") => {
                    c.handle_frame(&format!("<a xmlns='urn:xmpp:sm:3' h='{out}'/>"), Instant(1));
                }
                Transmit::Frame(f) => {
                    // by its root: an IQ answer may echo any id, "stream:error" included
                    assert!(
                        !["<error", "<stream:error", "<close"]
                            .iter()
                            .any(|root| f.starts_with(root)),
                        "{frame:?} -> {f}"
                    );
                    *out = out.wrapping_add(u32::from(is_stanza(&f)));
                }
                other => panic!("{frame:?} -> {other:?}"),
            }
        }
        while let Some(e) = c.poll_event() {
            if let Event::Emit(emit) = &e {
                let name = &emit.name();
                assert!(
                    *name != "xmpp.connection" && *name != "xmpp.error",
                    "{frame:?} -> {e:?}"
                );
            }
        }
        assert!(c.is_online(), "{frame:?} ended the session");
        // the de-duplication windows are bounded (64 senders x 512 ids, 5,000 archive ids),
        // nothing else grows
        assert!(
            c.footprint() < 64 * 512 + 5_000 + 1_000,
            "footprint {} {:?}",
            c.footprint(),
            c.footprint_parts()
        );
    }
    c.handle_frame(&format!("<a xmlns='urn:xmpp:sm:3' h='{out}'/>"), Instant(1));
    while c.poll_transmit().is_some() {}
    while c.poll_event().is_some() {}
    assert!(c.is_online(), "the acknowledgement ended the session");
    // every stanza was counted (the unasked acks every 16 do not change h)
    assert_eq!(h(c), start.wrapping_add(sent), "h after {sent} stanzas");
    c.handle_frame(
        &format!("<message xmlns='jabber:client' from='carol@localhost/y' type='chat' id='after{start}'><body>next</body></message>"),
        Instant(1),
    );
    let delivered =
        std::iter::from_fn(|| c.poll_event()).any(|e| format!("{e:?}").contains("\"next\""));
    assert!(delivered, "the message after them was not delivered");
}
