//! Property tests of the core against hostile input (issue: reliability and hostile input):
//! arbitrary and mutated frames never panic and never grow the client's memory without bound;
//! credentials never reach an event.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use xmpp_ftw_wasm::events::command::{Command, Payload};
use xmpp_ftw_wasm::proto::{Callback, Client, Event, Instant, Transmit};

const PASSWORD: &str = "s3cr3t-Pa55";

fn online_client(raw: bool) -> (Client, Vec<Event>) {
    xmpp_ftw_wasm::proto::testing::online_client(raw, PASSWORD)
}

#[test]
fn the_password_never_reaches_an_event_or_the_raw_log() {
    let (_, events) = online_client(true);
    // every event as the application gets it
    let text: String = events
        .iter()
        .map(|e| match e {
            Event::Emit(emit) => {
                format!("{} {}", emit.name(), serde_json::to_string(emit).unwrap())
            }
            other => format!("{other:?}"),
        })
        .collect();
    assert!(text.contains("xmpp.raw"), "the raw log was on");
    assert!(!text.contains(PASSWORD), "password leaked: {text}");
    // PLAIN and the registration carry it base64'd or in clear on the wire: neither is shown
    assert!(!text.contains("czNjcjN0LVBhNTU"), "base64 password leaked");
}

/// Valid frames a server sends, to be mutated.
const SEEDS: &[&str] = &[
    "<message xmlns='jabber:client' from='bob@localhost/x' type='chat' id='m1'><body>hi</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>",
    "<message xmlns='jabber:client' from='alice@localhost'><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='bob@localhost/x' to='alice@localhost/y' type='chat' id='c'><body>x</body></message></forwarded></received></message>",
    "<message xmlns='jabber:client'><result xmlns='urn:xmpp:mam:2' queryid='q' id='r'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2024-01-01T00:00:00Z'/><message xmlns='jabber:client' from='bob@localhost' to='alice@localhost' type='chat'><body>old</body></message></forwarded></result></message>",
    "<message xmlns='jabber:client' from='bob@localhost/x' type='chat' id='x'><body>b</body><html xmlns='http://jabber.org/protocol/xhtml-im'><body xmlns='http://www.w3.org/1999/xhtml'><p style='color:red'>x<a href='https://e'>l</a></p></body></html></message>",
    "<presence xmlns='jabber:client' from='bob@localhost/x'><show>away</show><status>s</status><priority>1</priority></presence>",
    "<iq xmlns='jabber:client' type='get' id='p' from='localhost'><ping xmlns='urn:xmpp:ping'/></iq>",
    "<iq xmlns='jabber:client' type='result' id='nobody'/>",
    "<r xmlns='urn:xmpp:sm:3'/>",
    "<a xmlns='urn:xmpp:sm:3' h='1'/>",
    "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
    "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>",
];

fn mutate(seed: &str, ops: &[(u8, usize, u8)]) -> String {
    let mut b = seed.as_bytes().to_vec();
    for &(op, pos, byte) in ops {
        let at = if b.is_empty() { 0 } else { pos % (b.len() + 1) };
        match op % 4 {
            0 if at < b.len() => b[at] = byte,
            1 => b.insert(at, byte),
            2 if at < b.len() => {
                b.remove(at);
            }
            _ => {
                // duplicate a slice: nesting and repetition
                let end = (at + (byte as usize)).min(b.len());
                let piece = b[at..end].to_vec();
                b.splice(at..at, piece);
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_frames_never_panic_or_grow_memory(frames in proptest::collection::vec(".{0,300}", 1..40)) {
        let (mut c, _) = online_client(false);
        for (i, f) in frames.iter().enumerate() {
            c.handle_frame(f, Instant(i as u64));
            c.handle_timeout(Instant(i as u64 * 1000));
            while c.poll_transmit().is_some() {}
            while c.poll_event().is_some() {}
            prop_assert!(c.footprint() < 200, "footprint {}", c.footprint());
            if !c.is_online() {
                c = online_client(false).0; // a stream error ended it: go on with a fresh session
            }
        }
    }

    #[test]
    fn mutated_frames_never_panic_or_grow_memory(
        picks in proptest::collection::vec((0..SEEDS.len(), proptest::collection::vec((any::<u8>(), any::<usize>(), any::<u8>()), 0..8)), 1..60)
    ) {
        let (mut c, _) = online_client(false);
        for (i, (seed, ops)) in picks.iter().enumerate() {
            let frame = mutate(SEEDS[*seed], ops);
            c.handle_frame(&frame, Instant(i as u64));
            while c.poll_transmit().is_some() {}
            while c.poll_event().is_some() {}
            // whatever happened, the client still answers commands without panicking
            let cmd = Command::read::<&mut serde_json::Deserializer<serde_json::de::StrRead>>("xmpp.chat.message", Payload::Empty);
            c.handle_command(cmd, Callback::Function(1), Instant(i as u64));
            while c.poll_event().is_some() {}
            prop_assert!(c.footprint() < 200, "footprint {}", c.footprint());
            if !c.is_online() {
                c = online_client(false).0;
            }
        }
    }
}

/// Stanzas another user can make the server relay (docs/decisions.md §13), to be mutated.
const STRANGER_SEEDS: &[&str] = &[
    "<message xmlns='jabber:client' from='bob@localhost/x' type='chat' id='p1'><body xmlns:ns1='http://www.w3.org/XML/1998/namespace' ns1:foo='1'>x</body></message>",
    "<message xmlns='jabber:client' from='bob@localhost/x' type='chat' id='p2'><body>b</body><x xmlns='urn:example:poison' a='AAAA'><y><z/></y></x><delay xmlns='urn:xmpp:delay' stamp='2024-01-01T00:00:00Z'/><replace xmlns='urn:xmpp:message-correct:0' id='p1'/><thread>t</thread></message>",
    "<message xmlns='jabber:client' from='alice@localhost'><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='bob@localhost/x' to='alice@localhost/y' type='chat' id='c'><body>x</body><composing xmlns='http://jabber.org/protocol/chatstates'/></message></forwarded></received></message>",
    "<message xmlns='jabber:client' to='alice@localhost/web'><result xmlns='urn:xmpp:mam:2' queryid='q' id='r'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2024-01-01T00:00:00Z'/><message xmlns='jabber:client' from='bob@localhost' to='alice@localhost' type='chat'><body>old</body></message></forwarded></result></message>",
    "<presence xmlns='jabber:client' from='bob@localhost/x'><show>away</show><status>s</status><priority>1</priority><c xmlns='http://jabber.org/protocol/caps' node='n' ver='v' hash='sha-1'/></presence>",
    "<iq xmlns='jabber:client' type='get' id='v' from='bob@localhost/x'><query xmlns='jabber:iq:version'/></iq>",
    "<iq xmlns='jabber:client' type='set' id='s' from='bob@localhost/x'><query xmlns='jabber:iq:roster'><item jid='eve@localhost'/></query></iq>",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    /// docs/decisions.md §13: whatever another user puts in a stanza (the root element's name
    /// kept), the session stays up, sends no stream error and counts it (XEP-0198).
    #[test]
    fn mutated_stanzas_never_end_the_session(
        picks in proptest::collection::vec((0..STRANGER_SEEDS.len(), proptest::collection::vec((any::<u8>(), any::<usize>(), any::<u8>()), 0..8)), 1..40)
    ) {
        let (mut c, _) = online_client(false);
        let mut counted = 0;
        let mut frames = Vec::new();
        for (seed, ops) in &picks {
            let original = STRANGER_SEEDS[*seed];
            // mutations after the root's name and the space after it: it stays a stanza
            let head = original.find(' ').map_or(0, |i| i + 1);
            let frame = format!("{}{}", &original[..head], mutate(&original[head..], ops));
            // counted: every stanza the server could have sent (in jabber:client), read or not
            counted += usize::from(
                xmpp_ftw_wasm::stanza::parse_frame(&frame, 1 << 20).map_or(true, |el| el.has_ns("jabber:client")),
            );
            c.handle_frame(&frame, Instant(1));
            frames.push(frame.clone());
            while let Some(t) = c.poll_transmit() {
                // by the frame's root: an IQ answer may echo any id, "stream:error" included
                let Transmit::Frame(f) = t else {
                    return Err(TestCaseError::fail(format!("{frame:?} -> {t:?}")));
                };
                prop_assert!(!["<error", "<stream:error", "<close"].iter().any(|r| f.starts_with(r)), "{frame:?} -> {f}");
            }
            while let Some(e) = c.poll_event() {
                if let Event::Emit(emit) = &e {
                let name = &emit.name();
                    prop_assert!(*name != "xmpp.connection" && *name != "xmpp.error", "{frame:?} -> {e:?}");
                }
            }
            prop_assert!(c.is_online(), "{frame:?} ended the session");
        }
        c.handle_frame("<r xmlns='urn:xmpp:sm:3'/>", Instant(1));
        let acks: Vec<String> = std::iter::from_fn(|| c.poll_transmit()).map(|t| format!("{t:?}")).collect();
        let want = format!("h='{counted}'");
        prop_assert!(acks.last().is_some_and(|a| a.contains("<a ") && a.contains(&want)), "{acks:?} (want {want}) {frames:?}");
    }
}

#[test]
fn a_flood_of_messages_keeps_memory_bounded() {
    let (mut c, _) = online_client(false);
    for i in 0..100_000u32 {
        c.handle_frame(
            &format!("<message xmlns='jabber:client' from='bob{}@localhost/x' type='chat' id='m{i}'><body>hello {i}</body></message>", i % 500),
            Instant(u64::from(i)),
        );
        while c.poll_event().is_some() {}
        while c.poll_transmit().is_some() {}
    }
    // the de-duplication window is bounded (128 senders x 64 ids), nothing else accumulates
    assert!(
        c.footprint() <= 128 * 64 + 16,
        "footprint {}",
        c.footprint()
    );
}
