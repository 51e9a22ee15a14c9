//! The incoming path of the core for 3,000 chat messages (the bench's flood message: body,
//! receipt request, `<delay>`, `<stanza-id>`), frame in to event out, for an instruction
//! count by function that does not depend on the machine's load:
//! `cargo build --release --example incoming_callgrind && valgrind --tool=callgrind
//! --callgrind-out-file=/tmp/cg.out target/release/examples/incoming_callgrind &&
//! callgrind_annotate --inclusive=yes /tmp/cg.out`. Not a test: a measuring aid (natively, so
//! the split between parts is what it shows, not the wasm's times).
use xmpp_ftw_wasm::proto::testing::online_client;
use xmpp_ftw_wasm::proto::Instant;

fn frame(i: usize) -> String {
    let mut body = format!("message {i} ");
    while body.len() < 200 {
        body.push_str("lorem ipsum dolor sit amet ");
    }
    body.truncate(200);
    format!("<message xmlns=\"jabber:client\" from=\"bob@localhost/phone\" to=\"alice@localhost/x\" type=\"chat\" id=\"m{i}\"><body>{body}</body><request xmlns=\"urn:xmpp:receipts\"/><delay xmlns=\"urn:xmpp:delay\" stamp=\"2026-11-25T10:00:00Z\"/><stanza-id xmlns=\"urn:xmpp:sid:0\" by=\"alice@localhost\" id=\"s{i}\"/></message>")
}

fn main() {
    let frames: Vec<String> = (0..3000).map(frame).collect();
    let (mut c, _) = online_client(false, "pw");
    let mut events = 0;
    for f in &frames {
        c.handle_frame(f, Instant(1));
        while let Some(e) = c.poll_event() {
            std::hint::black_box(e);
            events += 1;
        }
        while c.poll_transmit().is_some() {}
    }
    assert_eq!(events, frames.len(), "one event per message");
}
