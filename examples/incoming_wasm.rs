//! The core's incoming path in the browser's WebAssembly engine, with no JS between the frames:
//! a client online (`proto::testing::online_client`) reads flood chat messages
//! (`proto::testing::flood_frame`) and its events are drained, as `examples/incoming_profile.rs
//! whole` does natively. Not a test and not in the package: a measuring aid for changes to the
//! incoming path, which the page-level flood of `scripts/bench.sh` measures with the server,
//! the glue and the browser around it (their noise is larger than most such changes).
//!
//! `scripts/bench-core.sh [name]` builds it (release profile, the package's wasm-opt steps) into
//! `.work/core-bench/<name>` and measures every build kept there in Chromium, alternated:
//! µs per message.
#![forbid(unsafe_code)]

#[cfg(target_arch = "wasm32")]
mod web {
    use wasm_bindgen::prelude::wasm_bindgen;
    use xmpp_ftw_wasm::proto::testing::{flood_frame, online_client, read_all};
    use xmpp_ftw_wasm::proto::Client;

    /// An online client and the frames it is to read (built before the measured call).
    #[wasm_bindgen]
    pub struct Flood {
        client: Client,
        frames: Vec<String>,
    }

    #[wasm_bindgen]
    impl Flood {
        /// `n` flood messages numbered from `first` (ids unique across calls), for a new client.
        #[wasm_bindgen(constructor)]
        pub fn new(n: u32, first: u32) -> Flood {
            let frames = (first..first + n)
                .map(|i| flood_frame(i as usize))
                .collect();
            Flood {
                client: online_client(false, "pw").0,
                frames,
            }
        }

        /// Reads the frames: the number of events (one per message).
        pub fn run(&mut self) -> u32 {
            read_all(&mut self.client, &self.frames) as u32
        }
    }
}
