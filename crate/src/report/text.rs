//! The terminal rendering of a report: the verdict first, then each input as read.

use std::fmt::Write;

use super::{human_bytes, InputReport, Report};

/// Renders the report for a terminal (plain text, no colour codes: it is also what scripts capture).
pub fn render_text(report: &Report) -> String {
    let mut out = String::new();
    let s = &report.summary;
    let _ = writeln!(
        out,
        "{} ({} {}, {} {}, {} {})",
        report.generator,
        report.inputs.len(),
        plural(report.inputs.len() as u64, "input", "inputs"),
        s.entries,
        plural(s.entries, "entry", "entries"),
        s.origins,
        plural(s.origins, "origin", "origins"),
    );
    match &s.primary_cause {
        Some(cause) => {
            let _ = writeln!(
                out,
                "Session lost: {} {}; most likely cause: {cause}",
                s.session_losses,
                plural(s.session_losses, "time", "times")
            );
        }
        None => {
            let _ = writeln!(out, "Session losses: {}", s.session_losses);
        }
    }
    for input in &report.inputs {
        out.push('\n');
        write_input(&mut out, input);
    }
    out
}

fn write_input(out: &mut String, input: &InputReport) {
    let _ = writeln!(out, "{}", input.name);
    let mut facts = vec![
        human_bytes(input.bytes),
        format!("{} {}", input.entries, plural(input.entries, "entry", "entries")),
    ];
    facts.push(format!("{} {}", input.origins, plural(input.origins, "origin", "origins")));
    if let Some(v) = &input.har_version {
        facts.push(format!("HAR {v}"));
    }
    if let Some(c) = &input.creator {
        facts.push(format!("made by {c}"));
    }
    if let Some(b) = &input.browser {
        facts.push(format!("browser {b}"));
    }
    let _ = writeln!(out, "  {}", facts.join(", "));
    for w in &input.warnings {
        let times = if w.count > 1 { format!(" ({} times)", w.count) } else { String::new() };
        let _ = writeln!(out, "  warning: {}{times}", w.message);
    }
}

pub(crate) fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}
