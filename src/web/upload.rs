//! The bytes of `xmpp.chat.file` (`docs/decisions.md` §12): the shell keeps the caller's
//! `Blob`/`File` (or `Uint8Array` under Node.js) as a JS object under a handle, the core gets
//! only `{handle, size, name, type}`, and the PUT hands the object itself to the browser
//! (`XMLHttpRequest`, for upload progress; `fetch` where there is none): the file is never
//! copied through wasm memory.

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::XmlHttpRequest;

use super::{global, now, pump, Shell};
use crate::proto::UploadEvent;
use crate::tree::Tree;

#[wasm_bindgen]
extern "C" {
    /// `fetch(url, init)`.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn fetch_with(url: &str, init: &JsValue) -> Result<js_sys::Promise, JsValue>;
}

/// A PUT in progress.
enum Running {
    /// With its listeners (dropping them detaches them).
    Xhr {
        xhr: XmlHttpRequest,
        _listeners: [EventListener; 4],
    },
    /// `fetch` (Node.js): stopped through its `AbortController`.
    Fetch(web_sys::AbortController),
}

impl Drop for Running {
    fn drop(&mut self) {
        match self {
            Running::Xhr { xhr, .. } => {
                let _ = xhr.abort();
            }
            Running::Fetch(c) => c.abort(),
        }
    }
}

/// The files the core may ask to PUT, by handle.
#[derive(Default)]
pub(super) struct Files {
    next: u32,
    kept: Vec<(u32, JsValue, Option<Running>)>,
}

/// A value of the payload's own data property `key` (no getter runs).
fn own(obj: &JsValue, key: &str) -> Option<JsValue> {
    let obj: &Object = obj.dyn_ref()?;
    let desc = Reflect::get_own_property_descriptor(obj, &key.into()).ok()?;
    if desc.is_undefined() {
        return None;
    }
    Reflect::get(&desc, &"value".into()).ok()
}

/// A property of a `Blob`/`File` (its own getters, on the browser's class).
fn prop(v: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(v, &key.into()).ok()
}

impl Files {
    /// Keeps the `file` of an `xmpp.chat.file` payload and puts `{handle, size, name?,
    /// type?}` in its place in the copy; anything but a `Blob`, `Uint8Array` or `ArrayBuffer`
    /// becomes a wrong type there.
    pub(super) fn take(&mut self, payload: &JsValue, copy: &mut Tree) {
        let Tree::Obj(fields) = copy else { return };
        let Some(slot) = fields.iter_mut().find(|(k, _)| k == "file") else {
            return;
        };
        let Some(file) = own(payload, "file") else {
            return;
        };
        let blob = global("Blob").is_some() && file.is_instance_of::<web_sys::Blob>();
        let (file, size) = if blob {
            let size = prop(&file, "size").and_then(|s| s.as_f64());
            (file, size)
        } else if let Some(bytes) = file.dyn_ref::<Uint8Array>() {
            (file.clone(), Some(f64::from(bytes.length())))
        } else if file.is_instance_of::<js_sys::ArrayBuffer>() {
            let bytes = Uint8Array::new(&file);
            let size = f64::from(bytes.length());
            (bytes.into(), Some(size))
        } else {
            (file, None)
        };
        let Some(size) = size else {
            slot.1 = Tree::Other;
            return;
        };
        self.next = self.next.wrapping_add(1);
        let handle = self.next;
        let text = |k: &str| match blob.then(|| prop(&file, k)).flatten()?.as_string() {
            Some(s) if !s.is_empty() => Some((k.to_owned(), Tree::Str(s))),
            _ => None,
        };
        let mut meta = vec![
            ("handle".to_owned(), Tree::Num(f64::from(handle))),
            ("size".to_owned(), Tree::Num(size)),
        ];
        meta.extend(text("name"));
        meta.extend(text("type"));
        slot.1 = Tree::Obj(meta);
        self.kept.push((handle, file, None));
    }

    /// Stops the PUT of `handle`, if any, and drops the file.
    pub(super) fn release(&mut self, handle: u32) {
        self.kept.retain(|(h, _, _)| *h != handle);
    }
}

impl Shell {
    /// PUTs the file kept under `handle` (XEP-0363 §5) and reports to the core.
    pub(super) fn put(
        &mut self,
        handle: u32,
        url: &str,
        headers: &[(String, String)],
        content_type: &str,
    ) {
        let weak = self.me.clone();
        let report = move |ev: UploadEvent| {
            if let Some(rc) = weak.upgrade() {
                rc.borrow_mut().core.handle_upload(handle, ev, now());
                pump(&rc);
            }
        };
        let Some(entry) = self.files.kept.iter_mut().find(|(h, _, _)| *h == handle) else {
            return;
        };
        let running = match global("XMLHttpRequest") {
            Some(_) => xhr_put(&entry.1, url, headers, content_type, report.clone()),
            None => fetch_put(&entry.1, url, headers, content_type, report.clone()),
        };
        match running {
            Some(r) => entry.2 = Some(r),
            // Refused before it started: reported like a network failure, asynchronously.
            None => {
                Timeout::new(0, move || report(UploadEvent::Failed)).forget();
            }
        }
    }
}

fn xhr_put(
    file: &JsValue,
    url: &str,
    headers: &[(String, String)],
    content_type: &str,
    report: impl Fn(UploadEvent) + Clone + 'static,
) -> Option<Running> {
    let xhr = XmlHttpRequest::new().ok()?;
    xhr.open_with_async("PUT", url, true).ok()?;
    xhr.set_request_header("Content-Type", content_type).ok()?;
    for (k, v) in headers {
        xhr.set_request_header(k, v).ok()?;
    }
    let r = report.clone();
    let target: web_sys::EventTarget = xhr.upload().ok()?.into();
    let progress = EventListener::new(&target, "progress", move |e| {
        let loaded = prop(e, "loaded").and_then(|l| l.as_f64()).unwrap_or(0.0);
        r(UploadEvent::Progress(loaded.max(0.0) as u64));
    });
    let r = report.clone();
    let done = xhr.clone();
    let load = EventListener::new(&xhr, "load", move |_| {
        let status = done.status().unwrap_or(0);
        r(match status {
            200..=299 => UploadEvent::Done,
            0 => UploadEvent::Failed,
            s => UploadEvent::Status(s, done.status_text().unwrap_or_default()),
        });
    });
    let r = report.clone();
    let error = EventListener::new(&xhr, "error", move |_| r(UploadEvent::Failed));
    let timeout = EventListener::new(&xhr, "timeout", move |_| report(UploadEvent::Failed));
    let sent = match file.dyn_ref::<web_sys::Blob>() {
        Some(b) => xhr.send_with_opt_blob(Some(b)),
        None => xhr.send_with_opt_buffer_source(Some(file.unchecked_ref())),
    };
    sent.ok()?;
    Some(Running::Xhr {
        xhr,
        _listeners: [progress, load, error, timeout],
    })
}

fn fetch_put(
    file: &JsValue,
    url: &str,
    headers: &[(String, String)],
    content_type: &str,
    report: impl Fn(UploadEvent) + 'static,
) -> Option<Running> {
    let controller = web_sys::AbortController::new().ok()?;
    let h = Object::new();
    Reflect::set(&h, &"Content-Type".into(), &content_type.into()).ok()?;
    for (k, v) in headers {
        Reflect::set(&h, &k.into(), &v.into()).ok()?;
    }
    let init = Object::new();
    Reflect::set(&init, &"method".into(), &"PUT".into()).ok()?;
    Reflect::set(&init, &"body".into(), file).ok()?;
    Reflect::set(&init, &"headers".into(), &h).ok()?;
    Reflect::set(&init, &"signal".into(), &controller.signal()).ok()?;
    let fetching = fetch_with(url, &init).ok()?;
    wasm_bindgen_futures::spawn_local(async move {
        let ev = match wasm_bindgen_futures::JsFuture::from(fetching).await {
            Ok(resp) => match resp.dyn_into::<web_sys::Response>() {
                Ok(r) if r.ok() => UploadEvent::Done,
                Ok(r) => UploadEvent::Status(r.status(), r.status_text()),
                Err(_) => UploadEvent::Failed,
            },
            Err(_) => UploadEvent::Failed,
        };
        report(ev);
    });
    Some(Running::Fetch(controller))
}
