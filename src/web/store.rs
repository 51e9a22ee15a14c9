//! The shell's side of the kept state (`docs/decisions.md` §10): the core's loads, saves and
//! removals done on `sessionStorage`, one key per account and socket of the page, and when
//! the state is written.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;

use js_sys::Reflect;
use wasm_bindgen::JsCast;

use super::{deliver, Shell};
use crate::proto::{Event, StoreOp};

impl Drop for Shell {
    fn drop(&mut self) {
        release_key(self.store_key.take());
    }
}

thread_local! {
    /// Storage keys held by the sockets of this page: two sockets of one account (two tabs'
    /// worth in one page) keep separate state, in the order they log in.
    static CLAIMED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// `sessionStorage`, see [`session_storage`].
    static STORAGE: Result<Option<web_sys::Storage>, String> = lookup_session_storage();
}

fn release_key(key: Option<String>) {
    if let Some(k) = key {
        CLAIMED.with(|c| c.borrow_mut().retain(|x| *x != k));
    }
}

/// The first key for `account` that no other socket of the page holds.
fn claim_key(account: &str) -> String {
    CLAIMED.with(|c| {
        let mut c = c.borrow_mut();
        let key = (1..)
            .map(|n| match n {
                1 => format!("xmpp-ftw-wasm:{account}"),
                n => format!("xmpp-ftw-wasm:{account}#{n}"),
            })
            .find(|k| !c.contains(k))
            .unwrap_or_default();
        c.push(key.clone());
        key
    })
}

/// The key of the roster kept for `account` (one per account: its version says what it holds,
/// so two sockets of the account can share it).
fn roster_key(account: &str) -> String {
    format!("xmpp-ftw-wasm-roster:{account}")
}

/// `sessionStorage`, where there is one. `Err`: the page has one but may not use it
/// (sandboxed frame, storage disabled); `Ok(None)`: there is none (Node.js).
/// Looked up once (a global lookup and its getter for every save would sit on the path of
/// every incoming frame).
pub(super) fn session_storage() -> Result<Option<web_sys::Storage>, String> {
    STORAGE.with(Clone::clone)
}

fn lookup_session_storage() -> Result<Option<web_sys::Storage>, String> {
    match Reflect::get(&js_sys::global(), &"sessionStorage".into()) {
        Err(_) => Err("sessionStorage is not available".into()),
        Ok(v) if v.is_undefined() => Ok(None),
        Ok(v) if v.is_null() => Err("sessionStorage is not available".into()),
        Ok(v) => Ok(Some(v.unchecked_into())),
    }
}

impl Shell {
    /// A load or remove of the kept state: done at once (a load is answered before the
    /// socket opens).
    pub(super) fn store(&mut self, op: StoreOp) {
        let storage = session_storage();
        match op {
            StoreOp::Load { account } => {
                release_key(self.store_key.take());
                let key = claim_key(&account);
                let text = match &storage {
                    Ok(Some(s)) => s.get_item(&key).ok().flatten(),
                    Ok(None) => None,
                    Err(why) => {
                        self.core.store_failed(why);
                        None
                    }
                };
                self.store_key = Some(key);
                self.core.handle_kept(&account, text.as_deref());
            }
            StoreOp::Remove { .. } => {
                if let (Ok(Some(s)), Some(key)) = (&storage, self.store_key.take()) {
                    let _ = s.remove_item(&key);
                    release_key(Some(key));
                }
            }
            StoreOp::LoadRoster { account } => {
                let text = match &storage {
                    Ok(Some(s)) => s.get_item(&roster_key(&account)).ok().flatten(),
                    _ => None,
                };
                self.core.handle_kept_roster(&account, text.as_deref());
            }
            StoreOp::SaveRoster { account, text } => {
                if let Ok(Some(s)) = &storage {
                    if s.set_item(&roster_key(&account), &text).is_err() {
                        // A full store keeps the roster in memory only; an old one must not
                        // stay with a version that no longer says what it holds.
                        let _ = s.remove_item(&roster_key(&account));
                    }
                }
            }
            StoreOp::RemoveRoster { account } => {
                if let Ok(Some(s)) = &storage {
                    let _ = s.remove_item(&roster_key(&account));
                }
            }
            StoreOp::Save { text, .. } => {
                let Some(key) = &self.store_key else { return };
                let written = match &storage {
                    Ok(Some(s)) => s
                        .set_item(key, &text)
                        .map_err(|_| "the storage is full".to_owned()),
                    Ok(None) => Ok(()),
                    Err(why) => Err(why.clone()),
                };
                if let Err(why) = written {
                    self.core.store_failed(&why);
                }
            }
        }
    }

    /// Schedules a write of the kept state (`docs/decisions.md` §10): at the end of this JS
    /// task (a microtask) when the application's stanzas changed or the page is hidden (a
    /// hidden tab can be discarded without another event), else within [`LAZY_SAVE_MS`],
    /// which is also when a changed roster is written;
    /// [`Shell::save_now`] runs on `pagehide`, `freeze` and when the page is hidden.
    pub(super) fn schedule_save(&mut self) {
        if self.store_key.is_none() {
            return;
        }
        let hidden = page_hidden();
        let urgent = self.core.store_urgent() || hidden;
        if urgent && !std::mem::replace(&mut self.save_scheduled, true) {
            let weak = self.me.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(rc) = weak.upgrade() {
                    save(&rc, hidden);
                }
            });
        }
        // The lazy save: the incoming side's changes, and a changed roster even while the
        // application's stanzas keep the kept state urgent.
        if (!urgent || self.core.roster_unsaved()) && self.save_timer.is_none() {
            let weak = self.me.clone();
            self.save_timer = Some(Timeout::new(LAZY_SAVE_MS, move || {
                if let Some(rc) = weak.upgrade() {
                    save(&rc, true);
                }
            }));
        }
    }
}

/// The longest an incoming-side change (counter in, delivery keys, the catch-up mark,
/// presences) waits to be written while the page is shown: one write per incoming frame
/// cost about 20 µs per message (`sessionStorage.setItem`), a third of the flood's rate.
const LAZY_SAVE_MS: u32 = 300;

thread_local! {
    /// The page's document, looked up once (`page_hidden` runs after every event).
    static DOCUMENT: Option<web_sys::Document> = web_sys::window().and_then(|w| w.document());
}

/// Whether the page is hidden (`document.hidden`; never where there is no document).
pub(super) fn page_hidden() -> bool {
    DOCUMENT.with(|d| d.as_ref().is_some_and(|d| d.hidden()))
}

/// Writes the kept state now if it changed (`pagehide`, `freeze`, hidden page, and the
/// scheduled saves).
pub(super) fn save(rc: &Rc<RefCell<Shell>>, roster: bool) {
    // Only what the save itself says (a full store) is delivered here: a `pump` would
    // schedule the next save, for ever.
    let events: Vec<Event> = {
        let mut sh = rc.borrow_mut();
        sh.save_scheduled = false;
        if let Some(op) = sh.core.poll_store_state() {
            sh.store(op);
        }
        // The roster (thousands of contacts, tens of milliseconds to write) only with the
        // lazy saves and before the page goes, never in the task of the answer that brought it
        // (`docs/decisions.md` §19).
        if roster {
            sh.save_timer = None;
            if let Some(op) = sh.core.poll_roster_store() {
                sh.store(op);
            }
        }
        std::iter::from_fn(|| sh.core.poll_event()).collect()
    };
    for ev in events {
        deliver(rc, ev, None);
    }
}
