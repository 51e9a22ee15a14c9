//! The wasm shell: owns the WebSocket, the one timer and the JS callbacks, and moves data
//! between them and the sans-IO core. It holds no protocol logic.

mod convert;
mod options;
mod pbkdf2;
mod socket;
mod store;
mod upload;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::proto::{Callback, Client, Discovery, Event, Instant, RequestId, Transmit};
use convert::{args_to_js, copy_payload, error_to_js, read_command, to_js};
use socket::Socket;

/// The heap's allocator: Talc's single-threaded WebAssembly allocator (no atomics), smaller than
/// std's dlmalloc and as fast for the SDK's allocations (`docs/decisions.md` §11).
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = concat!(include_str!("payloads.d.ts"), include_str!("types.d.ts"));

/// How a `send` callback or a `request` promise is settled.
enum Pending {
    Callback(Function),
    Promise { resolve: Function, reject: Function },
}

struct Handler {
    event: String,
    func: Function,
    once: bool,
}

struct Shell {
    core: Client,
    handlers: Vec<Handler>,
    /// Callbacks and promises waiting for the core, by request id.
    pending: Vec<(RequestId, Pending)>,
    next_request: RequestId,
    socket: Option<Socket>,
    timer: Option<(Instant, Timeout)>,
    /// The next slice of a large answer being read (`Client::reading`).
    slice_task: Option<Timeout>,
    /// The window's `online`/`offline` listeners (removed when the socket is dropped).
    network: Option<NetworkListeners>,
    /// The `WebSocket` constructor option (else the global `WebSocket`).
    websocket: Option<Function>,
    /// The sessionStorage key this socket holds for its account (`docs/decisions.md` §10).
    store_key: Option<String>,
    /// A save of the kept state is scheduled for the end of this JS task.
    save_scheduled: bool,
    /// A save of the kept state is scheduled for later (`Shell::schedule_save`).
    save_timer: Option<Timeout>,
    /// The files of `xmpp.chat.file`, kept as JS objects for their PUT.
    files: upload::Files,
    me: Weak<RefCell<Shell>>,
}

/// `online`/`offline` listeners on the window and `visibilitychange` on the document
/// (gloo-events; dropping them removes them).
struct NetworkListeners {
    _listeners: Vec<EventListener>,
}

/// Tells the core about the browser's network state, so that a lost connection is retried as
/// soon as the network is back and not while it is down.
fn listen_network(me: &Weak<RefCell<Shell>>) -> Option<NetworkListeners> {
    let window = web_sys::window()?;
    let make = |name: &'static str, up: bool| {
        let weak = me.clone();
        EventListener::new(&window, name, move |_| {
            if let Some(rc) = weak.upgrade() {
                rc.borrow_mut().core.handle_network(up, now());
                pump(&rc);
            }
        })
    };
    let mut listeners = vec![make("online", true), make("offline", false)];
    // The page may go (reload, navigation, discard): the kept state is written first.
    let saving = |target: &web_sys::EventTarget, name: &'static str| {
        let weak = me.clone();
        EventListener::new(target, name, move |_| {
            if let Some(rc) = weak.upgrade() {
                store::save(&rc, true);
            }
        })
    };
    listeners.push(saving(&window, "pagehide"));
    if let Some(d) = window.document() {
        listeners.push(saving(&d, "freeze"));
        // A tab that wakes up: retry a waiting reconnection now, or check the connection
        // lives. A tab that is hidden: write the kept state.
        let weak = me.clone();
        listeners.push(EventListener::new(&d, "visibilitychange", move |_| {
            if let Some(rc) = weak.upgrade() {
                if !store::page_hidden() {
                    rc.borrow_mut().core.handle_wake(now());
                    pump(&rc);
                } else {
                    store::save(&rc, true);
                }
            }
        }));
    }
    Some(NetworkListeners {
        _listeners: listeners,
    })
}

/// A panic, which is a bug, on the console: where (the crate's file, line and column) and its
/// message, instead of a bare `unreachable`. The browser's console adds the JS stack. The
/// `console_error_panic_hook` crate said the same with the stack in the text, for ~0.7 KB
/// brotli more.
fn report_panic(info: &std::panic::PanicHookInfo) {
    let at = info
        .location()
        .map(|at| format!("{}:{}:{}", at.file(), at.line(), at.column()))
        .unwrap_or_default();
    let payload = info.payload();
    let what = (payload.downcast_ref::<&str>().copied())
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or_default();
    web_sys::console::error_3(
        &"xmpp-ftw-wasm panicked at".into(),
        &at.into(),
        &what.into(),
    );
}

/// Runs once when the module is instantiated (`init()`): panics reported ([`report_panic`]),
/// the warm-up scheduled.
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(report_panic));
    // The login path's code compiled while the page is idle, not when the user logs in
    // (`docs/decisions.md` §12).
    let warm = || {
        crate::proto::warm::warm_up();
        // and the roster's way to JS (one JSON text)
        if let Ok(jid) = crate::events::BareJid::new("a@localhost") {
            let item = xmpp_parsers::roster::Item {
                jid,
                name: Some("A".into()),
                subscription: xmpp_parsers::roster::Subscription::Both,
                ask: xmpp_parsers::roster::Ask::None,
                groups: vec![xmpp_parsers::roster::Group("G".into())],
                approved: None,
            };
            let items = vec![crate::events::roster::item_value(&item)];
            let _ = args_to_js(&crate::events::Reply::Roster(items));
        }
    };
    match global("requestIdleCallback").and_then(|f| f.dyn_into::<Function>().ok()) {
        Some(idle) => {
            let _ = idle.call1(&JsValue::NULL, &Closure::once_into_js(warm));
        }
        None => {
            Timeout::new(0, warm).forget();
        }
    }
}

/// An XMPP session with xmpp-ftw's socket API: `send`, `request`, `on`, `once`, `off`.
#[wasm_bindgen]
pub struct XmppSocket {
    inner: Rc<RefCell<Shell>>,
}

/// A global of the JS environment (`globalThis.name`): the same code runs in a page, a worker
/// and Node.js, where there is no `window`.
fn global(name: &str) -> Option<JsValue> {
    Reflect::get(&js_sys::global(), &name.into())
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (browsers, workers, Node.js 18+).
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str) -> Result<Promise, JsValue>;
}

thread_local! {
    /// `performance`, looked up once: a lookup and its getter cost a visible share of the
    /// per-message time when done for every frame (measured with a CPU profile).
    static PERFORMANCE: Option<web_sys::Performance> =
        global("performance").map(JsCast::unchecked_into);
}

fn now() -> Instant {
    let ms = PERFORMANCE
        .with(|p| p.as_ref().map(|p| p.now()))
        .unwrap_or_else(js_sys::Date::now);
    Instant(ms.max(0.0) as u64)
}

#[wasm_bindgen]
impl XmppSocket {
    /// `new XmppSocket({requestTimeoutMs?, maxStanzaBytes?, hostMetaUrl?, ...})`. Throws on
    /// unknown or wrongly typed options (a programmer error).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "XmppSocketOptions")] options: Option<
            js_sys::Object,
        >,
    ) -> Result<XmppSocket, JsError> {
        let opts = options.map_or(JsValue::UNDEFINED, JsValue::from);
        let cfg = options::parse(&opts)?;
        let websocket = options::websocket(&opts)?;
        let inner = Rc::new_cyclic(|me| {
            RefCell::new(Shell {
                core: Client::new(cfg),
                handlers: Vec::new(),
                pending: Vec::new(),
                next_request: 1,
                socket: None,
                timer: None,
                slice_task: None,
                network: None,
                websocket,
                store_key: None,
                save_scheduled: false,
                save_timer: None,
                files: upload::Files::default(),
                me: me.clone(),
            })
        });
        {
            let mut sh = inner.borrow_mut();
            sh.network = listen_network(&sh.me);
            // Where there is no `navigator.onLine` (Node.js), the network counts as up.
            let up = global("navigator")
                .and_then(|n| Reflect::get(&n, &"onLine".into()).ok())
                .and_then(|v| v.as_bool())
                .unwrap_or(true);
            sh.core.handle_network(up, now());
        }
        Ok(XmppSocket { inner })
    }

    /// `send(event, payload, callback?)`: xmpp-ftw's `socket.send`. Never throws.
    #[wasm_bindgen(skip_typescript)]
    pub fn send(&self, event: JsValue, payload: JsValue, callback: JsValue) {
        if callback.is_undefined() {
            self.command(event, payload, None, false);
        } else {
            match callback.dyn_into::<Function>() {
                Ok(f) => self.command(event, payload, Some(Pending::Callback(f)), false),
                // xmpp-ftw: a callback that is not a function is `Missing callback`.
                Err(_) => self.command(event, payload, None, true),
            }
        }
    }

    /// `request(event, payload)`: `send` as a Promise resolving with `[data, rsm]`.
    #[wasm_bindgen(skip_typescript)]
    pub fn request(&self, event: JsValue, payload: JsValue) -> Promise {
        let mut slot = None;
        let promise =
            Promise::new(&mut |resolve, reject| slot = Some(Pending::Promise { resolve, reject }));
        self.command(event, payload, slot, false);
        promise
    }

    /// `on(event, handler)`.
    #[wasm_bindgen(skip_typescript)]
    pub fn on(&self, event: &str, handler: Function) {
        self.add_handler(event, handler, false);
    }

    /// `once(event, handler)`: the handler runs for the next event only.
    #[wasm_bindgen(skip_typescript)]
    pub fn once(&self, event: &str, handler: Function) {
        self.add_handler(event, handler, true);
    }

    /// `off(event, handler?)`: removes one handler, or all handlers of `event`.
    #[wasm_bindgen(skip_typescript)]
    pub fn off(&self, event: &str, handler: JsValue) {
        let mut sh = self.inner.borrow_mut();
        sh.handlers.retain(|h| {
            !(h.event == event
                && (handler.is_undefined() || JsValue::from(h.func.clone()) == handler))
        });
        let raw = sh.handlers.iter().any(|h| h.event == crate::events::RAW);
        sh.core.set_raw(raw);
    }
}

impl XmppSocket {
    fn add_handler(&self, event: &str, func: Function, once: bool) {
        let mut sh = self.inner.borrow_mut();
        if event == crate::events::RAW {
            sh.core.set_raw(true);
        }
        sh.handlers.push(Handler {
            event: event.to_owned(),
            func,
            once,
        });
    }

    fn command(&self, event: JsValue, payload: JsValue, pending: Option<Pending>, not_fn: bool) {
        let name = event.as_string().unwrap_or_default();
        let mut copy = copy_payload(&payload);
        {
            let mut sh = self.inner.borrow_mut();
            if name == crate::events::file::FILE {
                sh.files.take(&payload, &mut copy);
            }
            let cb = match pending {
                _ if not_fn => Callback::NotAFunction,
                None => Callback::None,
                Some(p) => {
                    let id = sh.next_request;
                    sh.next_request = sh.next_request.wrapping_add(1).max(1);
                    let cb = match p {
                        Pending::Callback(_) => Callback::Function(id),
                        Pending::Promise { .. } => Callback::Promise(id),
                    };
                    sh.pending.push((id, p));
                    cb
                }
            };
            let cmd = read_command(&name, &copy);
            sh.core.handle_command(cmd, cb, now());
        }
        // The events this command caused: a client error among them echoes the payload.
        pump_echoing(&self.inner, Some(copy));
    }
}

/// Drains the core, performs its transmits, re-arms the timer, then delivers its events with
/// no borrow held (handlers may call `send` again).
fn pump(rc: &Rc<RefCell<Shell>>) {
    pump_echoing(rc, None);
}

/// [`pump`], where the first events drained are a command's: its client errors carry `echo`,
/// the copy of its payload, as `request`.
fn pump_echoing(rc: &Rc<RefCell<Shell>>, mut echo: Option<crate::tree::Tree>) {
    loop {
        let events: Vec<Event> = {
            let mut sh = rc.borrow_mut();
            // The socket first: a login's `new WebSocket` is not kept waiting by the read of
            // the kept state (the first sessionStorage access of a page takes about 1 ms), which
            // is answered before any socket event can arrive.
            while let Some(t) = sh.core.poll_transmit() {
                sh.transmit(t);
            }
            while let Some(op) = sh.core.poll_store_op() {
                sh.store(op);
            }
            while let Some(t) = sh.core.poll_transmit() {
                sh.transmit(t);
            }
            sh.arm_timer();
            sh.schedule_slice();
            let events: Vec<Event> = std::iter::from_fn(|| sh.core.poll_event()).collect();
            if events.is_empty() {
                // After the events: the save's microtask is queued after the promises they
                // settled, so `online` is not kept waiting by a sessionStorage write.
                sh.schedule_save();
                return;
            }
            events
        };
        for ev in events {
            deliver(rc, ev, echo.as_ref());
        }
        echo = None;
    }
}

fn deliver(rc: &Rc<RefCell<Shell>>, ev: Event, echo: Option<&crate::tree::Tree>) {
    match ev {
        Event::Emit(emit) => {
            let name = emit.name();
            let funcs: Vec<Function> = {
                let mut sh = rc.borrow_mut();
                let funcs = sh
                    .handlers
                    .iter()
                    .filter(|h| h.event == name)
                    .map(|h| h.func.clone())
                    .collect();
                sh.handlers.retain(|h| !(h.once && h.event == name));
                funcs
            };
            if funcs.is_empty() {
                return;
            }
            let payload = match emit.error() {
                Some(e) => error_to_js(e, echo),
                None => to_js(&emit),
            };
            for f in funcs {
                call(&f, &payload);
            }
        }
        Event::Reply { request, result } => {
            let p = {
                let mut sh = rc.borrow_mut();
                let Some(pos) = sh.pending.iter().position(|(id, _)| *id == request) else {
                    return;
                };
                sh.pending.swap_remove(pos).1
            };
            match (p, result) {
                (Pending::Callback(f), Ok(args)) => {
                    let args = args_to_js(&args);
                    args.unshift(&JsValue::NULL);
                    call_with(&f, &args);
                }
                (Pending::Callback(f), Err(e)) => call(&f, &error_to_js(&e, echo)),
                (Pending::Promise { resolve, .. }, Ok(args)) => {
                    let arr = args_to_js(&args);
                    if arr.length() == 0 {
                        arr.push(&JsValue::UNDEFINED);
                    }
                    call(&resolve, &arr);
                }
                (Pending::Promise { reject, .. }, Err(e)) => call(&reject, &error_to_js(&e, echo)),
            }
        }
    }
}

/// Calls an application function with one argument (one call across, no arguments array); an
/// exception is reported and does not reach the SDK.
fn call(f: &Function, arg: &JsValue) {
    if let Err(e) = f.call1(&JsValue::NULL, arg) {
        threw(&e);
    }
}

fn threw(e: &JsValue) {
    web_sys::console::error_2(&"xmpp-ftw-wasm: an event handler threw".into(), e);
}

/// [`call`] with the arguments in an array.
fn call_with(f: &Function, args: &Array) {
    if let Err(e) = f.apply(&JsValue::NULL, args) {
        threw(&e);
    }
}

impl Shell {
    fn transmit(&mut self, t: Transmit) {
        match t {
            Transmit::Connect { url } => self.connect(&url),
            Transmit::Frame(text) => self.send_text(text),
            Transmit::Close => self.socket = None,
            Transmit::Put {
                handle,
                url,
                headers,
                content_type,
            } => self.put(handle, &url, &headers, &content_type),
            Transmit::Release { handle } => self.files.release(handle),
            Transmit::Derive { id, salting } => {
                let weak = self.me.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let key = pbkdf2::derive(&salting).await;
                    if let Some(rc) = weak.upgrade() {
                        rc.borrow_mut().core.handle_derived(id, key, now());
                        pump(&rc);
                    }
                });
            }
            Transmit::Discover { url, login } => {
                let weak = self.me.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let d = discover(&url).await;
                    if let Some(rc) = weak.upgrade() {
                        rc.borrow_mut().core.handle_discovery(login, d, now());
                        pump(&rc);
                    }
                });
            }
        }
    }

    /// While the core reads a large answer in slices, each next slice in a task of its own (a
    /// 0 ms timer), so that the page renders and handles input between them.
    fn schedule_slice(&mut self) {
        if !self.core.reading() {
            self.slice_task = None;
            return;
        }
        if self.slice_task.is_some() {
            return;
        }
        let weak = self.me.clone();
        self.slice_task = Some(Timeout::new(0, move || {
            if let Some(rc) = weak.upgrade() {
                {
                    let mut sh = rc.borrow_mut();
                    sh.slice_task = None;
                    sh.core.read_slice(now());
                }
                pump(&rc);
            }
        }));
    }

    /// Keeps one `setTimeout`, due no later than the core's earliest deadline. A deadline that
    /// moved later (the XEP-0199 keepalive moves with every frame received) keeps the armed
    /// timer: when it fires, nothing is due yet and it is armed again for the new deadline.
    /// Re-arming on every frame cost a `clearTimeout`, a `setTimeout` and a closure per message.
    fn arm_timer(&mut self) {
        let Some(deadline) = self.core.poll_timeout() else {
            self.timer = None;
            return;
        };
        if self.timer.as_ref().is_some_and(|(d, _)| *d <= deadline) {
            return;
        }
        let wait = deadline.0.saturating_sub(now().0).min(u32::MAX as u64) as u32;
        let weak = self.me.clone();
        let t = Timeout::new(wait, move || {
            if let Some(rc) = weak.upgrade() {
                {
                    let mut sh = rc.borrow_mut();
                    sh.timer = None;
                    sh.core.handle_timeout(now());
                }
                pump(&rc);
            }
        });
        self.timer = Some((deadline, t));
    }
}

/// Fetches a XEP-0156 host-meta document: JSON links are read with the browser's JSON parser,
/// anything else is handed to the core as XRD.
async fn discover(url: &str) -> Discovery {
    let Ok(fetching) = global_fetch(url) else {
        return Discovery::Failed(format!("Could not fetch {url}"));
    };
    let resp = match wasm_bindgen_futures::JsFuture::from(fetching).await {
        Ok(r) => r,
        Err(_) => return Discovery::Failed(format!("Could not fetch {url}")),
    };
    let Ok(resp) = resp.dyn_into::<web_sys::Response>() else {
        return Discovery::Failed(format!("Could not fetch {url}"));
    };
    if !resp.ok() {
        return Discovery::Failed(format!("{url} answered HTTP {}", resp.status()));
    }
    let text = match resp.text() {
        Ok(p) => wasm_bindgen_futures::JsFuture::from(p)
            .await
            .ok()
            .and_then(|t| t.as_string()),
        Err(_) => None,
    };
    let Some(text) = text else {
        return Discovery::Failed(format!("Could not read {url}"));
    };
    match js_sys::JSON::parse(&text) {
        Ok(json) => {
            let links = Reflect::get(&json, &"links".into()).unwrap_or(JsValue::UNDEFINED);
            let mut out = Vec::new();
            if Array::is_array(&links) {
                for l in Array::from(&links).iter() {
                    let get =
                        |k: &str| Reflect::get(&l, &k.into()).ok().and_then(|v| v.as_string());
                    if let (Some(rel), Some(href)) = (get("rel"), get("href")) {
                        out.push((rel, href));
                    }
                }
            }
            Discovery::Links(out)
        }
        Err(_) => Discovery::Xrd(text),
    }
}
