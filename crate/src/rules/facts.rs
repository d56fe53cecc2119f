//! The facts around one session loss that several rules weigh: what changed between the last request the
//! server knew the user on and the loss, and what happened meanwhile in the recording's other applications.

use std::net::IpAddr;

pub use crate::timeline::IDLE_MS;
use crate::timeline::{Loss, Observation, Timeline};

/// A session loss in its timeline.
#[derive(Debug, Clone, Copy)]
pub struct LossView<'a> {
    /// The loss's index in the report's `losses`.
    pub index: usize,
    pub all: &'a [Timeline],
    pub timeline: &'a Timeline,
    pub loss: &'a Loss,
    /// The loss entry.
    pub at: &'a Observation,
    /// The last entry on which the server still knew the user.
    pub before: &'a Observation,
}

impl<'a> LossView<'a> {
    pub fn new(all: &'a [Timeline], timeline: &'a Timeline, loss: &'a Loss) -> Option<Self> {
        Some(LossView {
            index: 0,
            all,
            timeline,
            loss,
            at: timeline.observations.get(loss.at)?,
            before: timeline.observations.get(loss.last_known)?,
        })
    }

    /// The entries of this application strictly between the last known one and the loss that count for the
    /// session (no cache hits, no static resources).
    pub fn between(&self) -> impl Iterator<Item = &'a Observation> + 'a {
        let obs = &self.timeline.observations;
        let range = (self.loss.last_known + 1)..self.loss.at;
        obs.get(range).unwrap_or_default().iter().filter(|o| o.counts_for_session())
    }

    /// Time without any request to this application right before the loss.
    pub fn idle_before_ms(&self) -> Option<i64> {
        let obs = &self.timeline.observations;
        let previous = obs.get(..self.loss.at)?.iter().rev().find(|o| !o.from_cache)?;
        Some(self.at.time_ms? - previous.time_ms?)
    }

    /// The HTTP session changed between the last known request and the loss (`X-ASESSIONID` or `JSESSIONID`).
    pub fn session_changed(&self) -> Option<bool> {
        match (&self.before.asession_id, &self.at.asession_id) {
            (Some(a), Some(b)) => Some(a != b),
            _ => match (&self.before.session_sent, &self.at.session_sent) {
                (Some(a), Some(b)) => Some(a.id != b.id),
                _ => None,
            },
        }
    }

    /// `X-ANODEID` before and at the loss, when they differ.
    pub fn node_change(&self) -> Option<(&'a str, &'a str)> {
        match (&self.before.node_id, &self.at.node_id) {
            (Some(a), Some(b)) if a != b => Some((a, b)),
            _ => None,
        }
    }

    /// The request counter of `X-AREQUESTID` went backwards on the same node: the JVM restarted (inferred).
    pub fn jvm_restart(&self) -> bool {
        if self.node_change().is_some() {
            return false;
        }
        match (&self.before.request_id, &self.at.request_id) {
            (Some((p1, _, c1)), Some((p2, _, c2))) => p1 == p2 && c2 < c1,
            _ => false,
        }
    }

    /// `serverIPAddress` before and at the loss, when it changed.
    pub fn edge_change(&self) -> Option<(IpAddr, IpAddr)> {
        let last_before =
            std::iter::once(self.before).chain(self.between()).filter_map(|o| o.server_ip).last();
        match (last_before, self.at.server_ip) {
            (Some(a), Some(b)) if a != b => Some((a, b)),
            _ => None,
        }
    }

    /// The loss is the first request after a login (a login loop: the new session never worked), not a
    /// session that worked for a while and then broke.
    pub fn right_after_login(&self) -> bool {
        self.before.is_login() && self.between().next().is_none()
    }

    /// Entries of the recording's other applications between the last known request and the loss.
    pub fn elsewhere(&self) -> impl Iterator<Item = (&'a Timeline, &'a Observation)> + 'a {
        self.elsewhere_from(self.before.time_ms)
    }

    /// When the SSO token this application last knew the user with was issued: its last login or new token,
    /// or else the first request of the application in the recording. An application validates the token
    /// only every few minutes, so what happened elsewhere since then can explain a loss even when this
    /// application still knew the user a moment after it.
    pub fn token_since(&self) -> Option<i64> {
        let obs = &self.timeline.observations;
        let upto = obs.get(..=self.loss.last_known).unwrap_or_default();
        upto.iter()
            .rev()
            .find(|o| o.counts_for_session() && (o.is_login() || o.token_issued()))
            .or_else(|| upto.first())
            .and_then(|o| o.time_ms)
    }

    /// Entries of the recording's other applications since this application's token was issued
    /// ([`LossView::token_since`]) and up to the loss.
    pub fn elsewhere_since_token(&self) -> impl Iterator<Item = (&'a Timeline, &'a Observation)> + 'a {
        self.elsewhere_from(self.token_since())
    }

    fn elsewhere_from(
        &self,
        from: Option<i64>,
    ) -> impl Iterator<Item = (&'a Timeline, &'a Observation)> + 'a {
        let to = self.at.time_ms;
        let me = self.timeline;
        self.all
            .iter()
            .filter(move |t| t.input == me.input && !std::ptr::eq(*t, me))
            .flat_map(|t| t.observations.iter().map(move |o| (t, o)))
            .filter(move |(_, o)| match (from, to, o.time_ms) {
                (Some(from), Some(to), Some(t)) => t >= from && t <= to,
                _ => false,
            })
    }
}
