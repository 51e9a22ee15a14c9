//! JIDs are prepared (RFC 7622 §3 through the `jid` crate) natively as tests/fixtures/jids.json
//! says. The WebAssembly build does the same with the JS engine's Unicode (patches/README.md);
//! tests/browser/jid.spec.mjs checks it against the same file in Chromium and Node.js, so the
//! file is where the two meet, and this test keeps it true to the crates.
//!
//! `JIDS_WRITE=1 cargo test --test jid_prep` rewrites the expectations from this build.

use std::path::Path;

fn prepare(input: &str) -> String {
    match jid::Jid::new(input) {
        Ok(jid) => format!("ok {jid}"),
        Err(error) => format!("error {error}"),
    }
}

#[test]
fn jids_are_prepared_as_the_fixture_says() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jids.json");
    let text = std::fs::read_to_string(&path).expect("tests/fixtures/jids.json");
    let mut fixture: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let cases = fixture["cases"].as_array_mut().expect("a `cases` array");
    assert!(cases.len() >= 50, "the fixture has {} cases", cases.len());
    let mut wrong = Vec::new();
    for case in cases.iter_mut() {
        let input = case[0].as_str().expect("input").to_owned();
        let got = prepare(&input);
        if case[1].as_str() != Some(got.as_str()) {
            wrong.push(format!("{input:?}: fixture {}, native {got:?}", case[1]));
            case[1] = got.into();
        }
    }
    if std::env::var_os("JIDS_WRITE").is_some() {
        let mut out = serde_json::to_string_pretty(&fixture).expect("JSON");
        out.push('\n');
        std::fs::write(&path, out).expect("write the fixture");
        return;
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Both outcomes are covered, and non-ASCII JIDs among the accepted ones.
    let outcomes = |p: &str| {
        cases
            .iter()
            .filter(|c| c[1].as_str().is_some_and(|s| s.starts_with(p)))
            .count()
    };
    assert!(outcomes("ok ") >= 20 && outcomes("error ") >= 20);
}
