//! Coverage-guided fuzzing of the core's frame input (`Client::handle_frame`): the input is
//! split at NUL bytes into WebSocket frames fed to a client that is online with XEP-0198 on.
//! It must never panic, and the client's queues must stay bounded.
//!
//! Run (stable toolchain, no sanitizer): `cargo fuzz run -s none frames -- -max_total_time=60`
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmpp_ftw_wasm::proto::{testing::online_client, Instant};

fuzz_target!(|data: &[u8]| {
    let (mut c, _) = online_client(false, "pw");
    for (i, frame) in data.split(|&b| b == 0).enumerate() {
        let text = String::from_utf8_lossy(frame);
        c.handle_frame(&text, Instant(i as u64 * 700));
        c.handle_timeout(Instant(i as u64 * 700));
        while c.poll_transmit().is_some() {}
        while c.poll_event().is_some() {}
        assert!(c.footprint() < 1_000, "footprint {}", c.footprint());
    }
});
