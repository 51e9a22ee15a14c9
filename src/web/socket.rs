//! The WebSocket (RFC 7395 §3): opening it with the `xmpp` subprotocol, its events for the
//! core, and the frames it carries, held back while its buffer is full
//! (`docs/decisions.md` §16).

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use js_sys::{Array, Reflect};
use wasm_bindgen::JsCast;
use web_sys::WebSocket;

use super::{global, now, pump, Shell};
use crate::proto::SocketEvent;

/// Frames wait in the shell while the WebSocket holds more than this many bytes not yet on the
/// network (`bufferedAmount`; `docs/decisions.md` §16): without XEP-0198 this is all that
/// paces a burst.
const SOCKET_BUFFER_BYTES: u32 = 256 * 1024;
/// How often frames that wait for the socket's buffer are tried again.
const SOCKET_DRAIN_MS: u32 = 16;

/// An open WebSocket with its listeners (gloo-events: dropping a listener removes it);
/// dropping it detaches them and closes the socket.
pub(super) struct Socket {
    pub(super) ws: WebSocket,
    _listeners: [EventListener; 4],
    /// Frames waiting for room in the socket's buffer, oldest first, and the timer that
    /// tries them again.
    backlog: std::collections::VecDeque<String>,
    drain: Option<Timeout>,
}

impl Drop for Socket {
    fn drop(&mut self) {
        // The listeners are removed right after this (field drop), before any `close` event
        // can be dispatched: nothing runs for a socket the shell has let go of.
        let _ = self.ws.close();
    }
}

/// What an open socket is for the core: open if the server agreed to the `xmpp` subprotocol
/// (RFC 7395 §3.1), else closed.
fn open_event(ws: &WebSocket) -> SocketEvent {
    match ws.protocol() == "xmpp" {
        true => SocketEvent::Open,
        false => SocketEvent::Closed { code: None },
    }
}

impl Shell {
    pub(super) fn connect(&mut self, url: &str) {
        self.socket = None;
        let weak = self.me.clone();
        let on_socket = move |ev: SocketEvent| {
            if let Some(rc) = weak.upgrade() {
                rc.borrow_mut().core.handle_socket(ev, now());
                pump(&rc);
            }
        };
        let opened = match &self.websocket {
            Some(ctor) => Reflect::construct(ctor, &Array::of2(&url.into(), &"xmpp".into()))
                .map(JsCast::unchecked_into::<WebSocket>),
            None if global("WebSocket").is_none() => {
                // Node.js 20: no global WebSocket and none given (asynchronously, like an open)
                Timeout::new(0, move || on_socket(SocketEvent::Unsupported)).forget();
                return;
            }
            None => WebSocket::new_with_str(url, "xmpp"),
        };
        let ws = match opened {
            Ok(ws) => ws,
            Err(_) => {
                // A malformed URL: report it as a closed socket (asynchronously, like a failed open).
                Timeout::new(0, move || on_socket(SocketEvent::Closed { code: None })).forget();
                return;
            }
        };
        let weak = self.me.clone();
        let on_message = EventListener::new(&ws, "message", move |e| {
            // RFC 7395 §3.2: XMPP frames are text messages; binary ones are ignored.
            // `event.data`, read without a check of the event's class: the `ws` package's events
            // are not instances of the global `MessageEvent` (a getter that cannot throw: no
            // exception wrapper, unlike `Reflect.get`).
            let data = e.unchecked_ref::<web_sys::MessageEvent>().data();
            let Some(text) = data.as_string() else {
                return;
            };
            if let Some(rc) = weak.upgrade() {
                rc.borrow_mut().core.handle_frame(&text, now());
                pump(&rc);
            }
        });
        let ws_for_open = ws.clone();
        let on_open_socket = on_socket.clone();
        let on_open = EventListener::new(&ws, "open", move |_| {
            on_open_socket(open_event(&ws_for_open))
        });
        let on_early_socket = on_socket.clone();
        let on_close = EventListener::new(&ws, "close", move |e| {
            // RFC 6455 §7.1.5: the close code, read as `event.code` (the `ws` package's events
            // are not instances of the global `CloseEvent`).
            let code = Reflect::get(e, &"code".into())
                .ok()
                .and_then(|c| c.as_f64())
                .filter(|c| (0.0..=f64::from(u16::MAX)).contains(c))
                .map(|c| c as u16);
            on_socket(SocketEvent::Closed { code })
        });
        // A failed connection is reported by the `close` event that follows (browsers, and the
        // `ws` package, which would throw its `error` event at the process without a listener).
        // Node.js 22's own WebSocket fires only `error` and stays CONNECTING: once the event has
        // been handled, a socket still connecting is reported closed (1006, RFC 6455 §7.1.5).
        let weak = self.me.clone();
        let failed = ws.clone();
        let on_error = EventListener::new(&ws, "error", move |_| {
            let (weak, failed) = (weak.clone(), failed.clone());
            Timeout::new(0, move || {
                let Some(rc) = weak.upgrade() else {
                    return;
                };
                let stuck =
                    failed.ready_state() == WebSocket::CONNECTING && rc.borrow().holds(&failed);
                if stuck {
                    rc.borrow_mut().socket = None;
                    let code = Some(1006);
                    rc.borrow_mut()
                        .core
                        .handle_socket(SocketEvent::Closed { code }, now());
                    pump(&rc);
                }
            })
            .forget();
        });
        // A socket opened before the SDK was ready (`preconnect.js`: the WebSocket handshake
        // overlaps the wasm's download) may be open already, or closed: its state is reported
        // as its event would have been (asynchronously).
        let state = ws.ready_state();
        if state != WebSocket::CONNECTING {
            let (weak, early) = (self.me.clone(), ws.clone());
            Timeout::new(0, move || {
                if weak.upgrade().is_some_and(|rc| rc.borrow().holds(&early)) {
                    on_early_socket(match state == WebSocket::OPEN {
                        true => open_event(&early),
                        false => SocketEvent::Closed { code: None },
                    });
                }
            })
            .forget();
        }
        self.socket = Some(Socket {
            ws,
            _listeners: [on_open, on_message, on_close, on_error],
            backlog: Default::default(),
            drain: None,
        });
    }

    /// Whether `ws` is still the shell's socket (not let go of since).
    fn holds(&self, ws: &WebSocket) -> bool {
        self.socket.as_ref().is_some_and(|s| s.ws == *ws)
    }

    /// A text message for the open socket, after those that wait already.
    pub(super) fn send_text(&mut self, text: String) {
        if let Some(s) = self.socket.as_mut() {
            s.backlog.push_back(text);
        }
        self.drain_socket();
    }

    /// Hands waiting frames to the socket while its buffer has room; the rest is tried again
    /// shortly.
    fn drain_socket(&mut self) {
        let me = &self.me;
        let Some(s) = self.socket.as_mut() else {
            return;
        };
        while !s.backlog.is_empty() && s.ws.buffered_amount() < SOCKET_BUFFER_BYTES {
            if let Some(text) = s.backlog.pop_front() {
                let _ = s.ws.send_with_str(&text);
            }
        }
        if s.backlog.is_empty() || s.drain.is_some() {
            return;
        }
        let weak = me.clone();
        s.drain = Some(Timeout::new(SOCKET_DRAIN_MS, move || {
            if let Some(rc) = weak.upgrade() {
                let mut sh = rc.borrow_mut();
                if let Some(s) = sh.socket.as_mut() {
                    s.drain = None;
                }
                sh.drain_socket();
            }
        }));
    }
}
