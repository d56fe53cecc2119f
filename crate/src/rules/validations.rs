//! What the server logs say about the SSO token: the Crowd calls of the HttpClient wire lines, paired so that
//! each rejected validation meets the call that bound its token, and the validation factors of both put
//! through Crowd's proxy logic ([`crate::net`]). This is how the logs confirm or rule out an address change
//! (domain.md sections 1, 2 and 5).

use crate::logs::{CrowdValidation, ParsedLogs, SessionOp};
use crate::net::{self, PositionRole, Suggestion, TrustedProxies};
use crate::report::Evidence;

use super::Context;

/// A validation Crowd refused because the factors no longer match the token's, with the call that created
/// (or last successfully validated) that token.
#[derive(Debug, Clone, Copy)]
pub struct Mismatch<'a> {
    pub bound: Option<&'a CrowdValidation>,
    pub failed: &'a CrowdValidation,
}

/// The logs' verdict on the client address.
#[derive(Debug, Clone)]
pub struct AddressChange<'a> {
    pub mismatches: Vec<Mismatch<'a>>,
    /// Crowd's resolution of every paired call, and what to trust (with the list given, or an empty one).
    pub suggestion: Suggestion,
}

impl AddressChange<'_> {
    /// A proxy (or the app-facing peer) changed: proxy-address-change, not the user's own address.
    pub fn proxy_changed(&self) -> bool {
        self.suggestion
            .changing
            .iter()
            .any(|c| matches!(c.role, PositionRole::Proxy | PositionRole::RemoteAddress))
    }

    /// The leftmost entry (the user's own address) changed.
    pub fn client_changed(&self) -> bool {
        self.suggestion
            .changing
            .iter()
            .any(|c| matches!(c.role, PositionRole::Client | PositionRole::ClientOrProxy))
    }
}

/// Crowd calls are in the logs at all (DEBUG org.apache.http was on).
pub fn logs_show_validations(logs: &ParsedLogs) -> bool {
    logs.validations.iter().any(|v| matches!(v.operation, SessionOp::Validate | SessionOp::Create))
}

fn factor_mismatch(v: &CrowdValidation) -> bool {
    v.reason.as_deref() == Some("INVALID_SSO_TOKEN")
        && v.message.as_deref().is_some_and(|m| m.to_ascii_lowercase().contains("doesn't match"))
}

/// Pairs every factor mismatch with the call that bound the token, and runs Crowd's logic over them.
pub(crate) fn address_change<'a>(ctx: &Context<'a>) -> Option<AddressChange<'a>> {
    let logs = ctx.logs?;
    let mut mismatches = Vec::new();
    for (i, failed) in logs.validations.iter().enumerate() {
        if !factor_mismatch(failed) {
            continue;
        }
        let bound = failed.token.as_ref().and_then(|token| {
            logs.validations[..i].iter().rev().find(|v| {
                v.token.as_ref() == Some(token)
                    && matches!(v.operation, SessionOp::Create | SessionOp::Validate)
                    && v.reason.is_none()
                    && !v.factors.is_empty()
            })
        });
        mismatches.push(Mismatch { bound, failed });
    }
    if mismatches.is_empty() {
        return None;
    }
    let mut compared: Vec<&CrowdValidation> = Vec::new();
    for m in &mismatches {
        for v in m.bound.into_iter().chain(std::iter::once(m.failed)) {
            if !compared.iter().any(|c| std::ptr::eq(*c, v)) {
                compared.push(v);
            }
        }
    }
    let observations: Vec<net::Observation> = compared.iter().filter_map(|v| observation(v)).collect();
    if observations.len() != compared.len() || observations.len() < 2 {
        // An address the logs anonymised or mangled (the KB's 10.444.x.x): Crowd's logic cannot run on it.
        return None;
    }
    let empty = TrustedProxies::default();
    let suggestion = net::suggest(ctx.trusted.unwrap_or(&empty), &observations);
    Some(AddressChange { mismatches, suggestion })
}

fn observation(v: &CrowdValidation) -> Option<net::Observation> {
    let remote = net::parse_remote_address(v.factors.remote_address.as_deref()?).ok()?;
    Some(net::Observation::new(remote, v.factors.xff.as_deref()))
}

/// Evidence pointing at the log line of a Crowd call.
pub fn evidence(ctx: &Context<'_>, v: &CrowdValidation, detail: impl Into<String>) -> Evidence {
    Evidence {
        input: ctx.log_inputs.get(v.input).copied().unwrap_or(v.input),
        entry: None,
        line: Some(v.first_line),
        at: v.time.to_utc_string(),
        detail: detail.into(),
    }
}

/// "remote_address=127.0.0.10, X-Forwarded-For=127.0.0.1, 127.0.0.10, 127.0.0.21"
pub fn factors_text(v: &CrowdValidation) -> String {
    let remote = v.factors.remote_address.as_deref().unwrap_or("?");
    match v.factors.xff.as_deref() {
        Some(xff) => format!("remote_address={remote}, X-Forwarded-For={xff}"),
        None => format!("remote_address={remote}"),
    }
}

/// Evidence for a factor mismatch: for each token, the call that bound it and the first refusal (further
/// refusals of the same token are counted, not listed), then the HAR's first loss, the browser's view of it.
pub fn mismatch_evidence(
    ctx: &Context<'_>,
    change: &AddressChange<'_>,
    loss: Option<&super::LossView<'_>>,
) -> Vec<Evidence> {
    let mut ev = Vec::new();
    let mut i = 0;
    while let Some(m) = change.mismatches.get(i) {
        let same_token =
            change.mismatches[i..].iter().take_while(|n| n.failed.token == m.failed.token).count();
        if let Some(b) = m.bound {
            ev.push(evidence(ctx, b, format!("the SSO token was bound to {}", factors_text(b))));
        }
        let answer = m.failed.message.as_deref().unwrap_or("");
        let more = if same_token > 1 {
            format!(" ({} refusals of this token in all)", same_token)
        } else {
            String::new()
        };
        ev.push(evidence(
            ctx,
            m.failed,
            format!("Crowd refused it: INVALID_SSO_TOKEN \"{answer}\" for {}{more}", factors_text(m.failed)),
        ));
        i += same_token.max(1);
    }
    if let Some(v) = loss.or(ctx.losses.first()) {
        ev.push(super::evidence(
            v.at,
            format!("the browser's view: logged out at {}", super::describe(v.at)),
        ));
    }
    ev
}
