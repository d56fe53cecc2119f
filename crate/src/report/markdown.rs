//! The Markdown rendering of a report, for pasting into a support ticket.

use std::fmt::Write;

use super::text::{basis_word, confidence_word, plural};
use super::{human_bytes, Report};
use crate::escape::markdown_inline as inline;

/// Renders the report as GitHub-flavoured Markdown. Text from the inputs goes through
/// [`crate::escape::markdown_inline`]: it cannot inject markup, HTML, a link other than https, or an escape
/// sequence.
pub fn render_markdown(report: &Report) -> String {
    let mut out = String::new();
    let s = &report.summary;
    let _ = writeln!(out, "# harlens report\n");
    match &s.primary_cause {
        Some(cause) => {
            let _ = writeln!(
                out,
                "**Session lost** {} {}; most likely cause: `{cause}`.\n",
                s.session_losses,
                plural(s.session_losses, "time", "times")
            );
        }
        None if s.session_losses > 0 => {
            let _ = writeln!(
                out,
                "**Session lost** {} {}; no cause found (see what to collect below).\n",
                s.session_losses,
                plural(s.session_losses, "time", "times")
            );
        }
        None => {
            let _ = writeln!(out, "Session losses: 0.\n");
        }
    }
    let _ = writeln!(
        out,
        "{} {}, {} {}, {} {}.\n",
        report.inputs.len(),
        plural(report.inputs.len() as u64, "input", "inputs"),
        s.entries,
        plural(s.entries, "entry", "entries"),
        s.origins,
        plural(s.origins, "origin", "origins"),
    );
    if let Some(sso) = &report.sso_cookie {
        let _ = writeln!(out, "SSO cookie: {}.\n", inline(&sso.detail));
    }
    if !report.losses.is_empty() {
        let _ = writeln!(out, "## Where the session was lost\n");
        let _ = writeln!(out, "| # | input | entry | time | application | request | status | explained by |");
        let _ = writeln!(out, "|---:|---|---:|---|---|---|---:|---|");
        for (n, l) in report.losses.iter().enumerate() {
            let verdict = match (&l.cause, l.basis, l.confidence) {
                (Some(cause), Some(b), Some(c)) => {
                    let behind = l
                        .underlying_cause
                        .as_deref()
                        .map(|u| format!(", behind it `{u}`"))
                        .unwrap_or_default();
                    format!("`{cause}` ({}, {} confidence){behind}", basis_word(b), confidence_word(c))
                }
                (Some(cause), _, _) => format!("`{cause}`"),
                (None, _, _) => "**unexplained**".to_owned(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {verdict} |",
                n + 1,
                cell(&super::text::input_name(&report.inputs, l.input)),
                l.entry,
                cell(l.at.as_deref().unwrap_or("")),
                cell(&l.origin),
                cell(&l.url),
                l.status.map(|s| s.to_string()).unwrap_or_default(),
            );
        }
        out.push('\n');
        for (n, l) in report.losses.iter().enumerate().filter(|(_, l)| !l.collect.is_empty()) {
            let _ = writeln!(
                out,
                "**Loss {} is unexplained** (signals: {}; last known at entry {}). To explain it, collect:\n",
                n + 1,
                inline(&l.signals.join(", ")),
                l.last_known_entry
            );
            for c in &l.collect {
                let _ = writeln!(out, "- {}", inline(c));
            }
            out.push('\n');
        }
    }
    for (i, f) in report.findings.iter().enumerate() {
        let _ = writeln!(
            out,
            "## {}. {} (`{}`, {:?}, {}, {} confidence)\n",
            i + 1,
            inline(&f.title),
            f.cause,
            f.severity,
            basis_word(f.basis),
            confidence_word(f.confidence)
        );
        let _ = writeln!(out, "{}\n", inline(&f.explanation));
        if !f.evidence.is_empty() {
            let _ = writeln!(out, "**Evidence**\n");
            for e in &f.evidence {
                let at = e.at.as_deref().map(|t| format!(" ({})", inline(t))).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "- {}, {}{at}: {}",
                    inline(&super::text::input_name(&report.inputs, e.input)),
                    inline(&super::text::place(&report.inputs, e)),
                    inline(&e.detail)
                );
            }
            out.push('\n');
        }
        if !f.fix.is_empty() {
            let _ = writeln!(out, "**Fix**\n");
            for (n, step) in f.fix.iter().enumerate() {
                let _ = writeln!(out, "{}. {}", n + 1, inline(step));
            }
            out.push('\n');
        }
        if !f.confirm.is_empty() {
            let _ = writeln!(out, "**To confirm**\n");
            for c in &f.confirm {
                let _ = writeln!(out, "- {}", inline(c));
            }
            out.push('\n');
        }
    }
    let _ = writeln!(out, "## Inputs\n");
    let _ = writeln!(out, "| file | size | entries | origins | HAR | creator | warnings |");
    let _ = writeln!(out, "|---|---:|---:|---:|---|---|---:|");
    for i in &report.inputs {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            cell(&match &i.archive {
                Some(archive) => format!("{archive}: {}", i.name),
                None => i.name.clone(),
            }),
            human_bytes(i.bytes),
            i.entries,
            i.origins,
            cell(i.har_version.as_deref().unwrap_or("")),
            cell(i.creator.as_deref().unwrap_or("")),
            i.warnings.len(),
        );
    }
    let unread: Vec<_> = report.inputs.iter().filter(|i| i.skipped.is_some() || i.error.is_some()).collect();
    if !unread.is_empty() {
        let _ = writeln!(out, "\n## Not read\n");
        for i in unread {
            let (label, why) = match (&i.error, &i.skipped) {
                (Some(e), _) => ("error", e.as_str()),
                (None, Some(s)) => ("skipped", s.as_str()),
                (None, None) => continue,
            };
            let _ = writeln!(out, "- {} ({label}): {}", inline(&i.name), inline(why));
        }
    }
    let warned: Vec<_> = report.inputs.iter().filter(|i| !i.warnings.is_empty()).collect();
    if !warned.is_empty() {
        let _ = writeln!(out, "\n## Warnings\n");
        for i in warned {
            for w in &i.warnings {
                let times = if w.count > 1 { format!(" ({} times)", w.count) } else { String::new() };
                let _ = writeln!(out, "- {}: {}{times}", inline(&i.name), inline(&w.message));
            }
        }
    }
    out
}

/// Text for a table cell: [`inline`] already escapes the pipes and newlines that would break the table.
fn cell(text: &str) -> String {
    inline(text)
}
