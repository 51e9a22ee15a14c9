//! The options of `new XmppSocket(options)`: read into the core's `Config`, with the
//! environment's defaults (a CSPRNG seed, sessionStorage where there is one, WebCrypto for
//! SCRAM, the wall clock's origin).

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::from_js;
use super::{global, pbkdf2, store, PERFORMANCE};
use crate::proto::Config;
use crate::value::Value;

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
    let v = from_js(opts);
    let fields = match v {
        Value::Null => return Ok(cfg),
        Value::Obj(f) => f,
        _ => return Err(JsError::new("XmppSocket options must be an object")),
    };
    let ms = |k: &str, v: &Value| -> Result<u64, JsError> {
        match v {
            Value::Num(n) if *n > 0.0 && n.is_finite() => Ok(*n as u64),
            _ => Err(JsError::new(&format!(
                "XmppSocket option '{k}' must be a positive number"
            ))),
        }
    };
    for (k, val) in &fields {
        match k.as_str() {
            "requestTimeoutMs" => cfg.request_timeout_ms = ms(k, val)?,
            "maxStanzaBytes" => cfg.max_stanza_bytes = ms(k, val)? as usize,
            "maxReconnectDelayMs" => cfg.max_reconnect_delay_ms = ms(k, val)?,
            "pingIntervalMs" => cfg.ping_interval_ms = ms(k, val)?,
            "reconnect" => match val {
                Value::Bool(b) => cfg.reconnect = *b,
                _ => {
                    return Err(JsError::new(
                        "XmppSocket option 'reconnect' must be a boolean",
                    ))
                }
            },
            "hostMetaUrl" => match val {
                Value::Str(s) => cfg.host_meta_url = Some(s.clone()),
                _ => {
                    return Err(JsError::new(
                        "XmppSocket option 'hostMetaUrl' must be a string",
                    ))
                }
            },
            "persist" => match val {
                Value::Str(s) if s == "session" => cfg.persist = true,
                Value::Str(s) if s == "none" => cfg.persist = false,
                _ => {
                    return Err(JsError::new(
                        "XmppSocket option 'persist' must be \"session\" or \"none\"",
                    ))
                }
            },
            "catchUp" => match val {
                Value::Bool(b) => cfg.catch_up = *b,
                _ => {
                    return Err(JsError::new(
                        "XmppSocket option 'catchUp' must be a boolean",
                    ))
                }
            },
            "WebSocket" => {} // read by `websocket`
            other => {
                return Err(JsError::new(&format!(
                    "Unknown XmppSocket option '{other}'"
                )))
            }
        }
    }
    Ok(cfg)
}
