//! Errors, one type per fault, converted to xmpp-ftw's error object in one place: the
//! `Serialize` of [`Error`] (`docs/decisions.md` §3, `docs/xmpp-ftw-api.md` §1):
//! `{type, condition, description?, by?, application?, streamError?, closeCode?}`.
//!
//! - [`ClientError`]: the caller's payload (`condition: "client-error"`); the shell adds
//!   `request`, the caller's own payload, which it kept (see [`Echo`]);
//! - [`ConnectionError`]: not connected, the connection lost or refused, the login failed,
//!   including a stream error that ended the session (RFC 6120 §4.9.3, matched on
//!   xmpp-parsers' `DefinedCondition`);
//! - [`StanzaFault`]: the server refused a request with a stanza error (RFC 6120 §8.3);
//! - [`Limit`]: the SDK's own bounds (queue, store) and a missing server feature.

use std::borrow::Cow;

use serde::{Serialize, Serializer};
use xmpp_parsers::stanza_error::{ErrorType, StanzaError};
use xmpp_parsers::stream_error::DefinedCondition as StreamCondition;

/// Every error the application can get, by who caused it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The caller's payload.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The connection or the login.
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    /// The server's stanza error.
    #[error(transparent)]
    Stanza(#[from] StanzaFault),
    /// A bound of the SDK or a feature the server lacks.
    #[error(transparent)]
    Limit(#[from] Limit),
    /// A file upload that did not finish (`docs/decisions.md` §12).
    #[error(transparent)]
    Upload(#[from] UploadError),
}

/// Which copy of the caller's payload goes with a client error as `request`. The core does
/// not keep payloads: the shell (or the transcript harness) adds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Echo {
    /// The payload as given.
    Payload,
    /// The payload with `type: "chat"` (xmpp-ftw sets it before the later checks of
    /// `xmpp.chat.message`).
    AsChat,
    /// The payload without its `password` (never echoed).
    Redacted,
    /// An empty object (`xmpp.logout`, which takes no payload).
    Empty,
}

/// A command's payload was refused: xmpp-ftw's texts (`Missing 'to' key`, ...).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{description}")]
pub struct ClientError {
    /// xmpp-ftw's text.
    pub description: Cow<'static, str>,
    /// `type: "auth"` (login payloads) rather than `"modify"`.
    pub auth: bool,
    /// The payload copy for `request`.
    pub echo: Echo,
}

impl ClientError {
    /// A `modify` client error echoing the payload.
    pub fn new(description: impl Into<Cow<'static, str>>) -> ClientError {
        ClientError {
            description: description.into(),
            auth: false,
            echo: Echo::Payload,
        }
    }

    /// The same, echoing `echo`.
    #[must_use]
    pub fn echo(mut self, echo: Echo) -> ClientError {
        self.echo = echo;
        self
    }

    /// `Invalid '<key>' key`.
    pub fn invalid(key: &str) -> ClientError {
        ClientError::new(format!("Invalid '{key}' key"))
    }

    /// `Missing '<key>' key`.
    pub fn missing(key: &str) -> ClientError {
        ClientError::new(format!("Missing '{key}' key"))
    }
}

/// The connection or the login failed (`type: "connection"` or `"auth"`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConnectionError {
    /// No session for a command that needs one.
    #[error("You are not connected")]
    NotConnected,
    /// The session ended: the socket closed (`close_code`, RFC 6455 §7.1.5) or a stream
    /// error ended the stream (RFC 6120 §4.9.3, sent by either side).
    #[error("XMPP client disconnected")]
    Disconnected {
        /// The stream error's condition.
        stream_error: Option<StreamCondition>,
        /// The WebSocket close code.
        close_code: Option<u16>,
    },
    /// XEP-0156 found no endpoint.
    #[error("{0}")]
    DiscoveryFailed(String),
    /// Only PLAIN was offered over an unencrypted, non-loopback connection.
    #[error("The server offers only PLAIN, which is refused over ws:// to a non-loopback host")]
    InsecureTransport,
    /// SASL failed (RFC 6120 §6.5).
    #[error("XMPP authentication fail")]
    LoginFail,
    /// XEP-0077 registration failed.
    #[error("Registration error")]
    RegistrationFail,
    /// A deadline passed.
    #[error("{0}")]
    Timeout(Cow<'static, str>),
    /// No WebSocket to open (`type: "connection"`, `condition: "no-websocket"`).
    #[error("No WebSocket implementation: pass one as the XmppSocket option WebSocket (the ws package under Node.js 20)")]
    NoWebSocket,
}

impl ConnectionError {
    /// `disconnected` without a stream error or close code.
    pub fn disconnected() -> ConnectionError {
        ConnectionError::Disconnected {
            stream_error: None,
            close_code: None,
        }
    }
}

/// The server refused a request (RFC 6120 §8.3). `error: None`: an error stanza without a
/// readable `<error/>` (`{type: "cancel"}`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the server refused the request")]
pub struct StanzaFault {
    /// The stanza error, as xmpp-parsers read it.
    pub error: Option<StanzaError>,
    /// Replaces the error's own text (`Resource binding failed`).
    pub description: Option<Cow<'static, str>>,
}

impl StanzaFault {
    /// The error of an error stanza (`<iq/>`, `<message/>` or `<presence/>` of type
    /// `error`); `{type: "cancel"}` when it carries none that parses.
    pub fn of(stanza: &crate::stanza::Element) -> StanzaFault {
        StanzaFault {
            error: stanza
                .get_child("error", crate::stanza::ns::DEFAULT_NS)
                .and_then(|e| StanzaError::try_from(e.clone()).ok()),
            description: None,
        }
    }
}

impl From<StanzaError> for StanzaFault {
    fn from(e: StanzaError) -> StanzaFault {
        StanzaFault {
            error: Some(e),
            description: None,
        }
    }
}

/// A bound of the SDK, or a feature the server does not have.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Limit {
    /// Too many commands wait for the connection (`wait`, `resource-constraint`).
    #[error("Too many commands are waiting for the connection")]
    QueueFull,
    /// The store refused a write (`storage`, `resource-constraint`).
    #[error("Unsent messages cannot be kept for a page reload: {0}")]
    Storage(String),
    /// The archive does not speak XEP-0313 v2 (`cancel`, `feature-not-implemented`).
    #[error("The server does not support urn:xmpp:mam:2")]
    NoMam,
    /// The server does not offer XEP-0191 (`cancel`, `feature-not-implemented`).
    #[error("The server does not support urn:xmpp:blocking")]
    NoBlocking,
    /// The server refused a stanza twice by ending the connection right after it
    /// (`cancel`, the stream error's condition or `not-acceptable` with the close code).
    #[error("The server refused this twice by ending the connection")]
    Refused {
        /// The stream error's condition, or `not-acceptable` for a WebSocket close.
        condition: String,
        /// The WebSocket close code.
        close_code: Option<u16>,
    },
}

/// Why a file upload ended without its message (XEP-0363, `docs/decisions.md` §12).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UploadError {
    /// The server lists no XEP-0363 service (`cancel`, `feature-not-implemented`).
    #[error("The server offers no file upload service (urn:xmpp:http:upload:0)")]
    NoService,
    /// Over the service's `max-file-size` (`modify`, `not-acceptable`, with `max`).
    #[error("The file is larger than the server accepts ({max} bytes)")]
    TooLarge {
        /// The service's limit in bytes.
        max: u64,
    },
    /// The PUT was answered with an HTTP error (`cancel`, `upload-failed`).
    #[error("HTTP {status} {text}")]
    Http {
        /// The status code.
        status: u16,
        /// Its reason phrase.
        text: String,
    },
    /// The PUT failed on the network, three times (`cancel`, `upload-failed`).
    #[error("The upload failed: the network connection was lost")]
    Network,
    /// The slot's URLs are not `http(s):` (`cancel`, `upload-failed`).
    #[error("The upload service gave an unusable slot")]
    BadSlot,
    /// A page reload cut the upload (`cancel`, `upload-failed`).
    #[error("The upload was cut by a page reload")]
    Interrupted,
    /// `xmpp.chat.file.cancel` (`cancel`, `cancelled`).
    #[error("The upload was cancelled")]
    Cancelled,
}

/// xmpp-ftw's `application` key: an application-specific condition of a stanza error.
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "ErrorApplication"))]
#[derive(Serialize)]
pub(super) struct Application<'a> {
    condition: &'a str,
    #[serde(skip_serializing_if = "String::is_empty")]
    #[cfg_attr(test, ts(as = "Option<String>", optional))]
    xmlns: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    #[cfg_attr(test, ts(as = "Option<String>", optional))]
    description: String,
}

/// The one shape every error takes in JS (the shell adds `request` to client errors).
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "ErrorShape"))]
#[derive(Serialize)]
pub(super) struct Shape<'a> {
    #[serde(rename = "type")]
    type_: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(as = "Option<String>", optional))]
    condition: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(as = "Option<String>", optional))]
    description: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    application: Option<Application<'a>>,
    #[serde(rename = "streamError", skip_serializing_if = "Option::is_none")]
    stream_error: Option<String>,
    #[serde(rename = "closeCode", skip_serializing_if = "Option::is_none")]
    close_code: Option<u16>,
    /// A file's size limit in bytes (`not-acceptable` of an upload).
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<u64>,
}

impl<'a> Shape<'a> {
    fn new(type_: &'static str, condition: &'a str, description: Cow<'a, str>) -> Shape<'a> {
        Shape {
            type_,
            condition: Some(Cow::Borrowed(condition)),
            description: Some(description),
            by: None,
            application: None,
            stream_error: None,
            close_code: None,
            max: None,
        }
    }
}

fn type_name(t: &ErrorType) -> &'static str {
    match t {
        ErrorType::Auth => "auth",
        ErrorType::Cancel => "cancel",
        ErrorType::Continue => "continue",
        ErrorType::Modify => "modify",
        ErrorType::Wait => "wait",
    }
}

impl Error {
    /// The condition of a client error, `None` for the others (the shell adds `request`).
    pub fn as_client(&self) -> Option<&ClientError> {
        match self {
            Error::Client(c) => Some(c),
            _ => None,
        }
    }

    fn shape(&self) -> Shape<'_> {
        match self {
            Error::Client(c) => Shape::new(
                if c.auth { "auth" } else { "modify" },
                "client-error",
                Cow::Borrowed(&c.description),
            ),
            Error::Connection(c) => {
                let text = Cow::Owned(c.to_string());
                match c {
                    ConnectionError::NotConnected => {
                        Shape::new("connection", "not-connected", text)
                    }
                    ConnectionError::Disconnected {
                        stream_error,
                        close_code,
                    } => Shape {
                        stream_error: stream_error
                            .as_ref()
                            .map(crate::proto::error::condition_name),
                        close_code: *close_code,
                        ..Shape::new("connection", "disconnected", text)
                    },
                    ConnectionError::DiscoveryFailed(_) => {
                        Shape::new("connection", "discovery-failed", text)
                    }
                    ConnectionError::InsecureTransport => {
                        Shape::new("auth", "insecure-transport", text)
                    }
                    ConnectionError::LoginFail => Shape::new("auth", "login-fail", text),
                    ConnectionError::RegistrationFail => {
                        Shape::new("auth", "registration-fail", text)
                    }
                    ConnectionError::Timeout(_) => Shape::new("cancel", "timeout", text),
                    ConnectionError::NoWebSocket => Shape::new("connection", "no-websocket", text),
                }
            }
            Error::Stanza(f) => {
                let mut s = Shape {
                    type_: "cancel",
                    condition: None,
                    description: f.description.clone(),
                    by: None,
                    application: None,
                    stream_error: None,
                    close_code: None,
                    max: None,
                };
                if let Some(e) = &f.error {
                    s.type_ = type_name(&e.type_);
                    s.condition = Some(Cow::Owned(crate::stanza::element_name(
                        e.defined_condition.clone(),
                    )));
                    if s.description.is_none() {
                        s.description = e.texts.values().next().map(|t| Cow::Borrowed(t.as_str()));
                    }
                    s.by = e.by.as_ref().map(ToString::to_string);
                    s.application = e.other.as_ref().map(|c| Application {
                        condition: c.name(),
                        xmlns: c.ns(),
                        description: c.text(),
                    });
                }
                s
            }
            Error::Limit(l) => {
                let text = Cow::Owned(l.to_string());
                match l {
                    Limit::QueueFull => Shape::new("wait", "resource-constraint", text),
                    Limit::Storage(_) => Shape::new("storage", "resource-constraint", text),
                    Limit::NoMam | Limit::NoBlocking => {
                        Shape::new("cancel", "feature-not-implemented", text)
                    }
                    Limit::Refused {
                        condition,
                        close_code,
                    } => Shape {
                        close_code: *close_code,
                        ..Shape::new("cancel", condition, text)
                    },
                }
            }
            Error::Upload(u) => {
                let text = Cow::Owned(u.to_string());
                match u {
                    UploadError::NoService => Shape::new("cancel", "feature-not-implemented", text),
                    UploadError::TooLarge { max } => Shape {
                        max: Some(*max),
                        ..Shape::new("modify", "not-acceptable", text)
                    },
                    UploadError::Cancelled => Shape::new("cancel", "cancelled", text),
                    _ => Shape::new("cancel", "upload-failed", text),
                }
            }
        }
    }
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.shape().serialize(s)
    }
}

impl From<StanzaError> for Error {
    fn from(e: StanzaError) -> Error {
        Error::Stanza(e.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stanza::Element;
    use serde_json::json;

    fn stanza_error(s: &str) -> Error {
        let el: Element = s.parse().unwrap();
        Error::Stanza(StanzaFault::of(&el))
    }

    fn js(e: &Error) -> serde_json::Value {
        serde_json::to_value(e).unwrap()
    }

    #[test]
    fn stanza_errors_in_xmpp_ftw_shape() {
        let e = stanza_error(
            "<iq xmlns='jabber:client' type='error'><error type='cancel'>\
             <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
        );
        assert_eq!(
            js(&e),
            json!({"type": "cancel", "condition": "item-not-found"})
        );
        let e = stanza_error(
            "<iq xmlns='jabber:client' type='error'><error type='modify' by='x@y'>\
             <bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
             <text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Bad</text>\
             <too-many xmlns='urn:app'>n</too-many></error></iq>",
        );
        assert_eq!(
            js(&e),
            json!({"type": "modify", "condition": "bad-request", "description": "Bad", "by": "x@y",
                   "application": {"condition": "too-many", "xmlns": "urn:app", "description": "n"}})
        );
        assert_eq!(
            js(&stanza_error("<iq xmlns='jabber:client' type='error'/>")),
            json!({"type": "cancel"})
        );
    }

    #[test]
    fn one_shape_per_fault() {
        let cases = [
            (
                Error::from(ClientError::missing("to")),
                json!({"type": "modify", "condition": "client-error", "description": "Missing 'to' key"}),
            ),
            (
                Error::from(ConnectionError::Disconnected {
                    stream_error: Some(StreamCondition::SystemShutdown),
                    close_code: Some(1006),
                }),
                json!({"type": "connection", "condition": "disconnected",
                       "description": "XMPP client disconnected", "streamError": "system-shutdown",
                       "closeCode": 1006}),
            ),
            (
                Error::from(ConnectionError::NotConnected),
                json!({"type": "connection", "condition": "not-connected",
                       "description": "You are not connected"}),
            ),
            (
                Error::from(Limit::Storage("quota".into())),
                json!({"type": "storage", "condition": "resource-constraint",
                       "description": "Unsent messages cannot be kept for a page reload: quota"}),
            ),
        ];
        for (e, want) in cases {
            assert_eq!(js(&e), want);
            // std::error::Error, with the same text
            let dyn_err: &dyn std::error::Error = &e;
            assert_eq!(
                Some(dyn_err.to_string().as_str()),
                want["description"].as_str()
            );
        }
    }
}
