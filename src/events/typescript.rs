//! The TypeScript types of the JS API, generated from the Rust types (ts-rs, in tests only:
//! no byte of it is in the wasm). `src/web/payloads.d.ts` is this module's output, checked in;
//! the test fails when it differs (`UPDATE_TYPES=1 cargo test --lib typescript` rewrites it).
//! `src/web/types.d.ts` adds what is not a payload (the socket's methods, its options).

use super::command::{self, Caps, Rsm, To};
use super::emit::{Connection, Raw};
use super::error::{Application, Shape};
use super::{actions, blocking, chat, file, mam, presence, roster, JidObj};
use super::{CONNECTION, ERROR, ERROR_CLIENT, LOGIN, LOGIN_ANONYMOUS, LOGOUT, RAW};
use ts_rs::{Config, TS};

fn decl<T: TS>(cfg: &Config) -> String {
    format!("export {}\n", T::decl(cfg))
}

fn name<T: TS>(cfg: &Config) -> String {
    T::name(cfg)
}

/// The generated declarations.
fn generate() -> String {
    let cfg = Config::default();
    let mut out = String::from(
        "// Generated from the Rust types by `src/events/typescript.rs` (ts-rs): do not edit.\n\n",
    );
    for d in [
        decl::<JidObj>(&cfg),
        decl::<Shape>(&cfg),
        decl::<Application>(&cfg),
        decl::<Connection>(&cfg),
        decl::<Raw>(&cfg),
        decl::<chat::ChatMessage>(&cfg),
        decl::<chat::Archived>(&cfg),
        decl::<chat::DelayInfo>(&cfg),
        decl::<chat::Receipt>(&cfg),
        decl::<chat::Sent>(&cfg),
        decl::<chat::PendingMessage>(&cfg),
        decl::<actions::ReplyRef>(&cfg),
        decl::<actions::ChatAction>(&cfg),
        decl::<actions::ChatError>(&cfg),
        decl::<blocking::BlockingPush>(&cfg),
        decl::<file::Progress>(&cfg),
        decl::<file::Sent>(&cfg),
        decl::<file::Link>(&cfg),
        decl::<file::ChatFile>(&cfg),
        decl::<file::Cancel>(&cfg),
        decl::<mam::ArchivedAction>(&cfg),
        decl::<presence::PresenceUpdate>(&cfg),
        decl::<presence::Client>(&cfg),
        decl::<presence::SubscriptionEvent>(&cfg),
        decl::<presence::PresenceError>(&cfg),
        decl::<roster::RosterItem>(&cfg),
        decl::<mam::MamMessage>(&cfg),
        decl::<mam::MamRef>(&cfg),
        decl::<mam::PageEcho>(&cfg),
        decl::<mam::RsmPage>(&cfg),
        decl::<mam::CaughtUp>(&cfg),
        decl::<mam::Preferences>(&cfg),
        decl::<command::Login>(&cfg),
        decl::<command::Logout>(&cfg),
        decl::<command::Presence>(&cfg),
        decl::<Caps>(&cfg),
        decl::<To>(&cfg),
        decl::<command::Message>(&cfg),
        decl::<command::Receipt>(&cfg),
        decl::<command::ReplyTo>(&cfg),
        decl::<command::Reaction>(&cfg),
        decl::<command::Action>(&cfg),
        decl::<command::Blocking>(&cfg),
        decl::<command::RosterItem>(&cfg),
        decl::<command::MamQuery>(&cfg),
        decl::<Rsm>(&cfg),
        decl::<command::MamPreferences>(&cfg),
    ] {
        out.push_str(&d);
    }
    // Events: name → payload (the `Emit` variants).
    let error = "XmppError".to_owned();
    let subscription = name::<presence::SubscriptionEvent>(&cfg);
    let events = [
        (CONNECTION, name::<Connection>(&cfg)),
        (ERROR, error.clone()),
        (ERROR_CLIENT, error),
        (RAW, name::<Raw>(&cfg)),
        (chat::MESSAGE, name::<chat::ChatMessage>(&cfg)),
        (chat::RECEIPT, name::<chat::Receipt>(&cfg)),
        (chat::SENT, name::<chat::Sent>(&cfg)),
        (presence::PRESENCE, name::<presence::PresenceUpdate>(&cfg)),
        (presence::SUBSCRIBE, subscription.clone()),
        (presence::SUBSCRIBED, subscription.clone()),
        (presence::UNSUBSCRIBE, subscription.clone()),
        (presence::UNSUBSCRIBED, subscription),
        (presence::ERROR, name::<presence::PresenceError>(&cfg)),
        (roster::PUSH, name::<roster::RosterItem>(&cfg)),
        (mam::MESSAGE, name::<mam::MamMessage>(&cfg)),
        (mam::CAUGHT_UP, name::<mam::CaughtUp>(&cfg)),
        (actions::REACTION, name::<actions::ChatAction>(&cfg)),
        (actions::RETRACT, name::<actions::ChatAction>(&cfg)),
        (actions::DISPLAYED, name::<actions::ChatAction>(&cfg)),
        (actions::ERROR, name::<actions::ChatError>(&cfg)),
        (blocking::PUSH, name::<blocking::BlockingPush>(&cfg)),
        (file::PROGRESS, name::<file::Progress>(&cfg)),
    ];
    out.push_str("\n/** Events: event name → payload. */\nexport interface XmppEvents {\n");
    for (n, t) in events {
        out.push_str(&format!("  \"{n}\": {t};\n"));
    }
    out.push_str("}\n");
    // Commands: name → [payload, callback data, callback rsm?] (the `Command` variants and
    // their `Reply`).
    let none = "Record<string, never> | undefined";
    let to = name::<To>(&cfg);
    let roster_payload = name::<command::RosterItem>(&cfg);
    let items = format!("{}[]", name::<roster::RosterItem>(&cfg));
    let commands: Vec<(&str, String, String)> = vec![
        (
            LOGIN,
            name::<command::Login>(&cfg),
            name::<Connection>(&cfg),
        ),
        (
            LOGIN_ANONYMOUS,
            "AnonymousLoginPayload".into(),
            name::<Connection>(&cfg),
        ),
        (
            LOGOUT,
            format!("{} | undefined", name::<command::Logout>(&cfg)),
            "true".into(),
        ),
        (
            presence::PRESENCE,
            name::<command::Presence>(&cfg),
            "undefined".into(),
        ),
        (presence::OFFLINE, none.into(), "undefined".into()),
        (presence::GET, to.clone(), "undefined".into()),
        (presence::SUBSCRIBE, to.clone(), "undefined".into()),
        (presence::SUBSCRIBED, to.clone(), "undefined".into()),
        (presence::UNSUBSCRIBE, to.clone(), "undefined".into()),
        (presence::UNSUBSCRIBED, to, "undefined".into()),
        (
            chat::MESSAGE,
            name::<command::Message>(&cfg),
            "{ id: string }".into(),
        ),
        (
            chat::RECEIPT,
            name::<command::Receipt>(&cfg),
            "undefined".into(),
        ),
        (
            file::FILE,
            name::<file::ChatFile>(&cfg),
            name::<file::Sent>(&cfg),
        ),
        (file::CANCEL, name::<file::Cancel>(&cfg), "true".into()),
        (
            chat::PENDING,
            none.into(),
            format!("{}[]", name::<chat::PendingMessage>(&cfg)),
        ),
        (
            mam::QUERY,
            name::<command::MamQuery>(&cfg),
            format!(
                "{}, {}",
                name::<mam::PageEcho>(&cfg),
                name::<mam::RsmPage>(&cfg)
            ),
        ),
        (
            mam::PREFERENCES,
            name::<command::MamPreferences>(&cfg),
            "true".into(),
        ),
        (
            mam::PREFERENCES_GET,
            none.into(),
            format!("{} | true", name::<mam::Preferences>(&cfg)),
        ),
        (roster::GET, none.into(), items),
        (roster::ADD, roster_payload.clone(), "true".into()),
        (roster::EDIT, "RosterEdit".into(), "true".into()),
        (roster::GROUP, "RosterEdit".into(), "true".into()),
        (roster::REMOVE, roster_payload, "true".into()),
        (
            actions::REACTION,
            name::<command::Reaction>(&cfg),
            "{ id: string }".into(),
        ),
        (
            actions::RETRACT,
            name::<command::Action>(&cfg),
            "{ id: string }".into(),
        ),
        (
            actions::DISPLAYED,
            name::<command::Action>(&cfg),
            "{ id: string }".into(),
        ),
        (blocking::LIST, none.into(), "string[]".into()),
        (
            blocking::ADD,
            name::<command::Blocking>(&cfg),
            "true".into(),
        ),
        (
            blocking::REMOVE,
            name::<command::Blocking>(&cfg),
            "true".into(),
        ),
    ];
    out.push_str(
        "\n/** Commands: event name → [payload, callback data, callback rsm?]. */\n\
         export interface XmppCommands {\n",
    );
    for (n, payload, reply) in commands {
        out.push_str(&format!("  \"{n}\": [{payload}, {reply}];\n"));
    }
    out.push_str("}\n");
    out
}

#[test]
fn typescript_types_are_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/payloads.d.ts");
    let generated = generate();
    if std::env::var_os("UPDATE_TYPES").is_some() {
        std::fs::write(path, &generated).expect("write payloads.d.ts");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "src/web/payloads.d.ts is not what the Rust types generate: \
         run `UPDATE_TYPES=1 cargo test --lib typescript` and commit it"
    );
}
