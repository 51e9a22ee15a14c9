//! The options of `new XmppSocket(options)`: read into the core's `Config`, with the
//! environment's defaults (a CSPRNG seed, sessionStorage where there is one, WebCrypto for
//! SCRAM, the wall clock's origin).

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use serde::Deserialize;

use super::convert::copy_payload;
use super::{global, pbkdf2, store, PERFORMANCE};
use crate::events::field::Field;
use crate::proto::Config;
use crate::tree::Tree;

/// The options `new XmppSocket(options)` takes (`WebSocket` is read by [`websocket`]).
const KNOWN: &[&str] = &[
    "requestTimeoutMs",
    "maxStanzaBytes",
    "maxOutgoingStanzaBytes",
    "sendWindow",
    "maxReconnectDelayMs",
    "pingIntervalMs",
    "reconnect",
    "hostMetaUrl",
    "persist",
    "catchUp",
    "WebSocket",
];

/// `new XmppSocket(options)`.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Options {
    request_timeout_ms: Field<f64>,
    max_stanza_bytes: Field<f64>,
    max_outgoing_stanza_bytes: Field<f64>,
    send_window: Field<f64>,
    max_reconnect_delay_ms: Field<f64>,
    ping_interval_ms: Field<f64>,
    reconnect: Field<bool>,
    host_meta_url: Field<String>,
    persist: Field<String>,
    catch_up: Field<bool>,
}

fn seed() -> [u8; 32] {
    let mut seed = [0u8; 32];
    let filled = global("crypto")
        .map(JsCast::unchecked_into::<web_sys::Crypto>)
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut seed).is_ok());
    if !filled {
        // Without WebCrypto there is no CSPRNG to seed from; refuse rather than guess.
        wasm_bindgen::throw_str("xmpp-ftw-wasm needs crypto.getRandomValues");
    }
    seed
}

/// The `WebSocket` option: a constructor to use instead of the global one (Node.js 20 has
/// none; the `ws` package's works).
pub(super) fn websocket(opts: &JsValue) -> Result<Option<Function>, JsError> {
    if !opts.is_object() {
        return Ok(None);
    }
    match Reflect::get(opts, &"WebSocket".into()) {
        Ok(v) if v.is_undefined() => Ok(None),
        Ok(v) => v
            .dyn_into::<Function>()
            .map(Some)
            .map_err(|_| JsError::new("XmppSocket option 'WebSocket' must be a constructor")),
        Err(_) => Err(JsError::new(
            "XmppSocket option 'WebSocket' must be a constructor",
        )),
    }
}

/// The `Config` of `new XmppSocket(options)`: defaults for this environment, then each option
/// checked (unknown or wrongly typed ones throw: a programmer error).
pub(super) fn parse(opts: &JsValue) -> Result<Config, JsError> {
    let mut cfg = Config {
        seed: seed(),
        // docs/decisions.md §10: kept in sessionStorage by default, where there is one.
        persist: !matches!(store::session_storage(), Ok(None)),
        // SCRAM's PBKDF2 through WebCrypto where there is one (docs/decisions.md §12).
        derive_in_shell: pbkdf2::subtle().is_some(),
        epoch_ms: PERFORMANCE
            .with(|p| p.as_ref().map(|p| p.time_origin()))
            .unwrap_or(0.0) as u64,
        ..Config::default()
    };
    if opts.is_undefined() || opts.is_null() {
        return Ok(cfg);
    }
    let copy = copy_payload(opts);
    let Tree::Obj(fields) = &copy else {
        return Err(JsError::new("XmppSocket options must be an object"));
    };
    if let Some((k, _)) = fields.iter().find(|(k, _)| !KNOWN.contains(&k.as_str())) {
        return Err(JsError::new(&format!("Unknown XmppSocket option '{k}'")));
    }
    let o = Options::deserialize(&copy)
        .map_err(|_| JsError::new("XmppSocket options must be an object"))?;
    let ms = |k: &str, v: Field<f64>, slot: &mut u64| -> Result<(), JsError> {
        match v {
            Field::Absent => Ok(()),
            Field::Given(n) if n > 0.0 && n.is_finite() => {
                *slot = n as u64;
                Ok(())
            }
            _ => Err(JsError::new(&format!(
                "XmppSocket option '{k}' must be a positive number"
            ))),
        }
    };
    ms(
        "requestTimeoutMs",
        o.request_timeout_ms,
        &mut cfg.request_timeout_ms,
    )?;
    let mut max = cfg.max_stanza_bytes as u64;
    ms("maxStanzaBytes", o.max_stanza_bytes, &mut max)?;
    cfg.max_stanza_bytes = max as usize;
    let mut out = cfg.max_outgoing_stanza_bytes as u64;
    ms(
        "maxOutgoingStanzaBytes",
        o.max_outgoing_stanza_bytes,
        &mut out,
    )?;
    cfg.max_outgoing_stanza_bytes = out as usize;
    let mut window = cfg.send_window as u64;
    ms("sendWindow", o.send_window, &mut window)?;
    cfg.send_window = window as usize;
    ms(
        "maxReconnectDelayMs",
        o.max_reconnect_delay_ms,
        &mut cfg.max_reconnect_delay_ms,
    )?;
    ms(
        "pingIntervalMs",
        o.ping_interval_ms,
        &mut cfg.ping_interval_ms,
    )?;
    let flag = |k: &str, v: Field<bool>, slot: &mut bool| -> Result<(), JsError> {
        match v.read() {
            Ok(b) => {
                *slot = b.unwrap_or(*slot);
                Ok(())
            }
            Err(_) => Err(JsError::new(&format!(
                "XmppSocket option '{k}' must be a boolean"
            ))),
        }
    };
    flag("reconnect", o.reconnect, &mut cfg.reconnect)?;
    flag("catchUp", o.catch_up, &mut cfg.catch_up)?;
    match o.host_meta_url.read() {
        Ok(url) => cfg.host_meta_url = url.or(cfg.host_meta_url),
        Err(_) => {
            return Err(JsError::new(
                "XmppSocket option 'hostMetaUrl' must be a string",
            ))
        }
    }
    match o.persist.read().as_ref().map(|p| p.as_deref()) {
        Ok(None) => {}
        Ok(Some("session")) => cfg.persist = true,
        Ok(Some("none")) => cfg.persist = false,
        _ => {
            return Err(JsError::new(
                "XmppSocket option 'persist' must be \"session\" or \"none\"",
            ))
        }
    }
    Ok(cfg)
}
