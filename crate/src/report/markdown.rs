//! The Markdown rendering of a report, for pasting into a support ticket.

use std::fmt::Write;

use super::text::plural;
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
        None => {
            let _ = writeln!(out, "Session losses: {}.\n", s.session_losses);
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
    for (i, f) in report.findings.iter().enumerate() {
        let _ = writeln!(
            out,
            "## {}. {} (`{}`, {:?}, {:?} confidence)\n",
            i + 1,
            inline(&f.title),
            f.cause,
            f.severity,
            f.confidence
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
                    super::text::place(e),
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
            cell(&i.name),
            human_bytes(i.bytes),
            i.entries,
            i.origins,
            cell(i.har_version.as_deref().unwrap_or("")),
            cell(i.creator.as_deref().unwrap_or("")),
            i.warnings.len(),
        );
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
