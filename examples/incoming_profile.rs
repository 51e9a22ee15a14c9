//! Where the time of one incoming chat message goes in the core (native, release):
//! `cargo run --release --example incoming_profile`. Not a test: a measuring aid.
//!
//! With `whole`, only the core's whole incoming path for 3,000 messages (frame in, event out),
//! for an instruction count by function that does not depend on the machine's load:
//! `cargo build --release --example incoming_profile && valgrind --tool=callgrind
//! --callgrind-out-file=/tmp/cg.out target/release/examples/incoming_profile whole &&
//! callgrind_annotate --inclusive=yes /tmp/cg.out` (natively: the split between the parts is
//! what it shows, not the wasm's times).
use std::time::Instant as T;
use xmpp_ftw_wasm::events::incoming::Incoming;
use xmpp_ftw_wasm::proto::testing::{flood_frame, online_client, read_all};
use xmpp_ftw_wasm::stanza;
use xmpp_parsers::message::Message;

/// The core's whole incoming path, `n` messages: one event each.
fn whole(n: usize) {
    let frames: Vec<String> = (0..n).map(flood_frame).collect();
    let (mut c, _) = online_client(false, "pw");
    assert_eq!(read_all(&mut c, &frames), n, "one event per message");
}

fn main() {
    if std::env::args().nth(1).as_deref() == Some("whole") {
        return whole(3_000);
    }
    let n = 20_000;
    let frames: Vec<String> = (0..n).map(flood_frame).collect();
    let t = T::now();
    let els: Vec<_> = frames
        .iter()
        .map(|f| stanza::parse_frame(f, 1 << 20).unwrap())
        .collect();
    let parse = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    let t = T::now();
    for f in &frames {
        std::hint::black_box(f.parse::<stanza::Element>().unwrap());
    }
    let minidom = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!("minidom Element::from_str {minidom:.2}");
    let t = T::now();
    for f in &frames {
        std::hint::black_box(stanza::direct::read::<Message>(f, stanza::MAX_DEPTH).unwrap());
    }
    let direct = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!("Message straight from the text (stanza::direct) {direct:.2}");
    let t = T::now();
    let msgs: Vec<Message> = els
        .into_iter()
        .map(|e| Message::try_from(e).unwrap())
        .collect();
    let typed = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    let t = T::now();
    let incs: Vec<Incoming> = msgs.into_iter().map(Incoming::read).collect();
    let read = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    let from = jid::Jid::new("bob@localhost/phone").unwrap();
    let own = jid::Jid::new("alice@localhost").unwrap();
    let t = T::now();
    for i in &incs {
        std::hint::black_box(i.payload(&from, &own));
    }
    let payload = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    let t = T::now();
    for _ in 0..n {
        std::hint::black_box(jid::Jid::new("bob@localhost/phone").unwrap());
    }
    let jid = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    let (mut c, _) = online_client(false, "pw");
    let t = T::now();
    read_all(&mut c, &frames);
    let whole = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!("per message (µs): parse_frame {parse:.2}, Message::try_from {typed:.2}, Incoming::read {read:.2}, payload {payload:.2}, one Jid::new {jid:.2}; handle_frame whole {whole:.2}");
}
