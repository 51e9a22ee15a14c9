//! Catch-up from the own archive (XEP-0313 §4, paged with XEP-0059 `after`) after a session
//! that was not resumed: what reached the account while this client was away (delivered to
//! another of its devices, or sent from one) is delivered as `xmpp.chat.message` with
//! `archived` and `delay`, de-duplicated against live and offline deliveries, and
//! `xmpp.mam.caughtup` says when it is done (`docs/decisions.md` §10).

use super::iq::IqKind;
use super::kept::{Mark, When};
use super::{Callback, Client};
use crate::events::command;
use crate::events::field::{Field, NumOrStr};
use crate::events::{mam, Emit};
use xmpp_parsers::stanza_error::{DefinedCondition, StanzaError};

/// Messages per page.
const PAGE: u32 = 100;
/// Most pages of one catch-up (then it stops and says it is not complete).
const MAX_PAGES: u32 = 50;

/// A catch-up in flight.
pub(crate) struct CatchUp {
    /// The `queryid` of the page in flight.
    pub(crate) query_id: String,
    /// Pages asked for so far.
    pages: u32,
    /// Messages delivered so far.
    delivered: u32,
    /// Paging by time: the archive did not know the mark's id.
    by_time: bool,
}

impl CatchUp {
    /// A catch-up from `mark`: by its archive id, or by its time when it has none.
    pub(crate) fn new(mark: &Mark) -> CatchUp {
        CatchUp {
            query_id: String::new(),
            pages: 0,
            delivered: 0,
            by_time: mark.id.is_none(),
        }
    }

    /// The query for the page after `mark`: XEP-0059 `after` its id, or XEP-0313 `start`
    /// at its time when paging by time; `PAGE` messages at most.
    fn page_query(&self, mark: &Mark) -> command::MamQuery {
        let mut rsm = command::Rsm {
            max: Field::Given(NumOrStr::Num(f64::from(PAGE))),
            ..command::Rsm::default()
        };
        let mut payload = command::MamQuery::default();
        match (&mark.id, self.by_time) {
            (Some(id), false) => rsm.after = Field::Given(id.clone()),
            _ => payload.start = Field::Given(mark.when.stamp()),
        }
        payload.rsm = Field::Given(rsm);
        payload
    }

    /// Whether another page may be asked for (at most `MAX_PAGES`).
    fn may_page_on(&self) -> bool {
        self.pages < MAX_PAGES
    }
}

impl Client {
    /// Starts the catch-up that a new session is due, once MAM support is known.
    pub(crate) fn start_catchup(&mut self) {
        if !std::mem::take(&mut self.session.catchup_due) || !self.cfg.catch_up {
            return;
        }
        if self.mam.support != Some(true) {
            return;
        }
        let Some(mark) = self.session.mark.clone() else {
            return;
        };
        self.session.catchup = Some(CatchUp::new(&mark));
        self.catchup_page(&mark);
    }

    /// Asks for the page after `mark` (its id, or its time when paging by time).
    fn catchup_page(&mut self, mark: &Mark) {
        let Some(c) = self.session.catchup.as_ref() else {
            return;
        };
        let payload = c.page_query(mark);
        let query_id = self.next_id();
        let Ok(q) = mam::validate_query(payload, query_id.clone()) else {
            return self.finish_catchup(false);
        };
        let id = self.next_id();
        self.mam.started(query_id.clone());
        self.send_stanza_el(q.stanza(&id));
        self.track_iq(
            id,
            None,
            Callback::None,
            IqKind::CatchUp {
                query_id: query_id.clone(),
            },
        );
        if let Some(c) = self.session.catchup.as_mut() {
            c.query_id = query_id;
            c.pages += 1;
        }
    }

    /// Whether a MAM result belongs to the catch-up.
    pub(crate) fn is_catchup_query(&self, query_id: &str) -> bool {
        self.session
            .catchup
            .as_ref()
            .is_some_and(|c| c.query_id == query_id)
    }

    /// Counts a message the catch-up delivered.
    pub(crate) fn caught(&mut self) {
        if let Some(c) = self.session.catchup.as_mut() {
            c.delivered += 1;
        }
    }

    /// The answer to the catch-up page `query_id` (`None`: it timed out): the next page, the
    /// fallback to time, or the end.
    pub(crate) fn handle_catchup_answer(
        &mut self,
        query_id: &str,
        result: Option<Result<Option<crate::stanza::Element>, StanzaError>>,
    ) {
        let Some(c) = self
            .session
            .catchup
            .as_ref()
            .filter(|c| c.query_id == query_id)
        else {
            return; // a page of an earlier session
        };
        let (more, by_time) = (c.may_page_on(), c.by_time);
        let Some(result) = result else {
            return self.finish_catchup(false);
        };
        match result {
            Ok(fin) => {
                let mam::FinPage { complete, last, .. } = mam::FinPage::read(fin);
                // Everything up to the page's last id has been handled, delivered or skipped
                // (docs/decisions.md §13): the next catch-up starts after it, not before a
                // message that could not be read.
                if let (Some(last), Some(mark)) = (&last, self.session.mark.as_mut()) {
                    mark.id = Some(last.clone());
                }
                match last {
                    Some(last) if !complete && more => {
                        // Paging on from the last id of this page, whatever the mark was.
                        let when = self
                            .session
                            .mark
                            .as_ref()
                            .map(|m| m.when.clone())
                            .unwrap_or(When::Ms(0));
                        if let Some(c) = self.session.catchup.as_mut() {
                            c.by_time = false;
                        }
                        self.catchup_page(&Mark {
                            id: Some(last),
                            when,
                        });
                    }
                    _ => self.finish_catchup(complete || last.is_none()),
                }
            }
            // XEP-0313 §6.1.1 (XEP-0059 §2.5): the archive does not know the id any more;
            // page from the time of the last delivery instead.
            Err(e) if e.defined_condition == DefinedCondition::ItemNotFound && !by_time => {
                if let Some(c) = self.session.catchup.as_mut() {
                    c.by_time = true;
                }
                if let Some(mark) = self.session.mark.clone() {
                    self.catchup_page(&mark);
                }
            }
            Err(_) => self.finish_catchup(false),
        }
    }

    /// `xmpp.mam.caughtup {count, complete}`.
    pub(crate) fn finish_catchup(&mut self, complete: bool) {
        let Some(c) = self.session.catchup.take() else {
            return;
        };
        self.mam.finished(&c.query_id);
        self.emit(Emit::CaughtUp(mam::CaughtUp {
            count: c.delivered,
            complete,
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_the_mark_by_id_or_by_time() {
        let by_id = Mark {
            id: Some("a9".into()),
            when: When::Ms(0),
        };
        let c = CatchUp::new(&by_id);
        let q = c.page_query(&by_id);
        let rsm = q.rsm.given().expect("paged");
        assert_eq!(rsm.after, Field::Given("a9".into()));
        assert_eq!(rsm.max, Field::Given(NumOrStr::Num(f64::from(PAGE))));
        assert!(q.start.is_absent());
        // no id: from the mark's time (XEP-0082)
        let by_time = Mark {
            id: None,
            when: When::Ms(86_400_000),
        };
        let c = CatchUp::new(&by_time);
        let q = c.page_query(&by_time);
        assert_eq!(q.start, Field::Given("1970-01-02T00:00:00.000Z".into()));
        assert!(q.rsm.given().expect("paged").after.is_absent());
        // a bounded number of pages
        let mut c = CatchUp::new(&by_id);
        c.pages = MAX_PAGES - 1;
        assert!(c.may_page_on());
        c.pages = MAX_PAGES;
        assert!(!c.may_page_on());
    }
}
