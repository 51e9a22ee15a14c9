//! Where the time of reading a large roster answer goes in the core (native, release):
//! `cargo run --release --example roster_profile [contacts]`. Not a test: a measuring aid.
use std::time::Instant as T;
use xmpp_ftw_wasm::events::roster;
use xmpp_ftw_wasm::stanza;
use xmpp_parsers::roster::Roster;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5_000);
    let mut frame = String::from(
        "<iq xmlns='jabber:client' type='result' id='r1'><query xmlns='jabber:iq:roster' ver='v1'>",
    );
    for i in 0..n {
        frame.push_str(&format!("<item jid='contact{i}@example.org' subscription='both' name='Contact number {i}'><group>Customers</group></item>"));
    }
    frame.push_str("</query></iq>");
    let t = T::now();
    let el = stanza::parse_frame(&frame, 64 << 20).unwrap();
    let parse = t.elapsed();
    let query = el.get_child("query", "jabber:iq:roster").unwrap().clone();
    let t = T::now();
    let r = Roster::try_from(query).unwrap();
    let typed = t.elapsed();
    let t = T::now();
    let items = roster::items_value(&r);
    let values = t.elapsed();
    std::hint::black_box(items);
    let us = |d: std::time::Duration| d.as_secs_f64() * 1e6 / n as f64;
    let jids: Vec<String> = (0..n).map(|i| format!("contact{i}@example.org")).collect();
    let t = T::now();
    for j in &jids {
        std::hint::black_box(jid::BareJid::new(j).unwrap());
    }
    println!("BareJid::new {:.2} µs per contact", us(t.elapsed()));
    println!(
        "direct (xso from the text): {:.2} µs per contact",
        us(direct(&frame))
    );
    println!(
        "{n} contacts, {} bytes: parse {:.2} µs, Roster::try_from {:.2} µs, items {:.2} µs per contact",
        frame.len(),
        us(parse),
        us(typed),
        us(values)
    );
}

/// The `<iq>` around a roster answer, read straight from the text by xso (no minidom tree).
#[derive(xso::FromXml, Debug)]
#[xml(namespace = "jabber:client", name = "iq")]
pub struct RosterIq {
    #[xml(attribute)]
    pub id: String,
    #[xml(attribute(name = "type"))]
    pub type_: String,
    #[xml(child(default))]
    pub query: Option<Roster>,
}

pub fn direct(frame: &str) -> std::time::Duration {
    let t = T::now();
    let r: RosterIq = xso::from_bytes(frame.as_bytes()).unwrap();
    let d = t.elapsed();
    assert!(r.query.is_some());
    d
}
