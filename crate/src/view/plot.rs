//! The page's session plot: one lane per application as the timeline knows it (scheme, host, port and
//! context path, the rules' own definition), drawn from the timeline's observations: when the server knew the
//! user and when not, and the moments something changed (HTTP session, node, edge address, SSO token, login
//! redirect, login, logout, a pause as long as the rules' idle threshold). Only changes are listed, so a lane of
//! 100k entries stays a few dozen shapes; the losses are the report's own (same origin, same entries).

use serde::Serialize;

use crate::timeline::{Observation, Timeline, IDLE_MS};

/// One application's lane.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plot {
    pub input: u16,
    /// The application, exactly as the report's losses name it.
    pub origin: String,
    pub start_ms: i64,
    pub end_ms: i64,
    /// Entries of this application that say something about the session.
    pub entries: u64,
    pub bands: Vec<Band>,
    pub events: Vec<PlotEvent>,
}

/// A stretch during which the server knew the user (`authenticated`) or did not (`anonymous`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    pub state: &'static str,
    pub user: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub first_entry: u64,
    pub last_entry: u64,
}

/// A moment something changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlotEvent {
    /// `session`, `node`, `edge`, `token-set`, `token-deleted`, `login-redirect`, `login`, `logout`, `gap`
    /// (at the last request before a pause) and `gap-end` (the first after it).
    pub kind: &'static str,
    pub t: i64,
    pub input: u16,
    pub entry: u64,
    pub detail: String,
}

/// The lanes of every application of every input, in the timelines' order.
pub fn plots(timelines: &[Timeline], sso_name: &str) -> Vec<Plot> {
    timelines.iter().filter_map(|t| plot_of(t, sso_name)).collect()
}

fn plot_of(t: &Timeline, sso: &str) -> Option<Plot> {
    let timed: Vec<&Observation> = t.observations.iter().filter(|o| o.time_ms.is_some()).collect();
    let (first, last) = (timed.first()?, timed.last()?);
    let input = u16::try_from(t.input).unwrap_or(u16::MAX);
    let mut plot = Plot {
        input,
        origin: t.origin.clone(),
        start_ms: first.time_ms.unwrap_or_default(),
        end_ms: last.time_ms.unwrap_or_default(),
        entries: timed.iter().map(|o| u64::from(o.weight)).sum(),
        bands: Vec::new(),
        events: Vec::new(),
    };
    let (mut asession, mut node, mut ip): (Option<&str>, Option<&str>, Option<std::net::IpAddr>) =
        (None, None, None);
    let mut previous: Option<&Observation> = None;
    for o in timed {
        let at = o.time_ms.unwrap_or_default();
        let event =
            |kind: &'static str, detail: String| PlotEvent { kind, t: at, input, entry: o.entry, detail };
        // A pause as long as the one the rules call idle (cache hits replay other moments: not requests).
        if !o.from_cache {
            if let Some(p) = previous.filter(|p| at - p.time_ms.unwrap_or(at) >= IDLE_MS) {
                let from = p.time_ms.unwrap_or(at);
                plot.events.push(PlotEvent {
                    kind: "gap",
                    t: from,
                    input,
                    entry: p.entry,
                    detail: format!(
                        "{} without a request to this application",
                        crate::calendar::human_duration(at - from)
                    ),
                });
                plot.events.push(event("gap-end", String::new()));
            }
            previous = Some(o);
        }
        if o.counts_for_session() {
            let state = match o.confirmed_user() {
                Some(user) => Some(("authenticated", user)),
                None if !o.loss_signals().is_empty() => Some(("anonymous", "")),
                None => None,
            };
            if let Some((state, user)) = state {
                match plot.bands.last_mut() {
                    Some(b) if b.state == state && b.user == user => {
                        b.end_ms = at;
                        b.last_entry = o.entry;
                    }
                    _ => plot.bands.push(Band {
                        state,
                        user: user.to_owned(),
                        start_ms: at,
                        end_ms: at,
                        first_entry: o.entry,
                        last_entry: o.entry,
                    }),
                }
            }
            if let Some(now) = o.asession_id.as_deref() {
                if let Some(was) = asession.filter(|was| *was != now) {
                    plot.events.push(event("session", format!("X-ASESSIONID {now} (was {was})")));
                }
                asession = Some(now);
            }
            if let Some(now) = o.node_id.as_deref() {
                if let Some(was) = node.filter(|was| *was != now) {
                    plot.events.push(event("node", format!("X-ANODEID {now} (was {was})")));
                }
                node = Some(now);
            }
        }
        if let Some(now) = o.server_ip {
            if let Some(was) = ip.filter(|was| *was != now) {
                plot.events.push(event("edge", format!("server address {now} (was {was})")));
            }
            ip = Some(now);
        }
        if o.token_issued() {
            let why = if o.is_login() { "login" } else { "issued again" };
            plot.events.push(event("token-set", format!("a new {sso} was set ({why})")));
        } else if o.is_login() {
            plot.events.push(event("login", "login".to_owned()));
        }
        if o.token_deleted() {
            plot.events.push(event("token-deleted", format!("{sso} was deleted")));
        }
        if o.login_redirect && o.counts_for_session() {
            plot.events.push(event("login-redirect", "redirect to the login page".to_owned()));
        }
        if o.logout_request {
            plot.events.push(event("logout", "logout request".to_owned()));
        }
    }
    Some(plot)
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::Story;

    #[test]
    fn one_lane_per_application_with_the_reports_origins_and_gaps() {
        // Jira under /jira and Confluence under /wiki on one host: two lanes, named as the report names them.
        let mut s = Story::new();
        let jira = s.app("https://apps.example.test/jira", true);
        let wiki = s.app("https://apps.example.test/wiki", false);
        s.login(jira).work(jira).sso_login(wiki).work(wiki).wait(45).rejected(jira);
        let (report, plots) = s.report_and_plots(false);
        let origins: Vec<&str> = plots.iter().map(|p| p.origin.as_str()).collect();
        assert_eq!(origins, ["https://apps.example.test/jira", "https://apps.example.test/wiki"]);
        assert!(report.losses.iter().all(|l| origins.contains(&l.origin.as_str())));
        // The idle gap the rules saw before the loss is drawn in the same lane.
        assert_eq!(report.losses[0].cause.as_deref(), Some("idle-timeout"));
        let jira_lane = &plots[0];
        let gaps: Vec<_> = jira_lane.events.iter().filter(|e| e.kind == "gap").collect();
        assert_eq!(gaps.len(), 1, "{:?}", jira_lane.events);
        assert!(gaps[0].detail.starts_with("45 minutes"), "{}", gaps[0].detail);
        let states: Vec<&str> = jira_lane.bands.iter().map(|b| b.state).collect();
        assert_eq!(states, ["authenticated", "anonymous"]);
        // Pauses shorter than the rules' threshold are no gap.
        assert!(plots[1].events.iter().all(|e| e.kind != "gap"));
    }

    #[test]
    fn changes_only() {
        let mut s = Story::new();
        let jira = s.jira();
        s.node(jira, "node1").login(jira).work_for(jira, 3, 1).node(jira, "node2").rejected(jira);
        let (_, plots) = s.report_and_plots(true);
        let kinds: Vec<&str> = plots[0].events.iter().map(|e| e.kind).collect();
        // The story names the session by its jvmRoute too, so the node change shows as a session change as well.
        assert_eq!(kinds, ["token-set", "session", "node"]);
    }
}
