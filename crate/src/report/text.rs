//! The terminal rendering of a report: the verdict first, then each input as read.

use std::fmt::Write;

use super::{human_bytes, Basis, Confidence, Finding, InputReport, Loss, Report, Severity};
use crate::escape::terminal;

/// Renders the report for a terminal (plain text, no colour codes: it is also what scripts capture). Text from
/// the inputs goes through [`terminal`]: no escape sequence of a HAR or a log reaches the terminal.
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
        None if s.session_losses > 0 => {
            let _ = writeln!(
                out,
                "Session lost: {} {}; no cause found (see what to collect below)",
                s.session_losses,
                plural(s.session_losses, "time", "times")
            );
        }
        None => {
            let _ = writeln!(out, "Session losses: 0");
        }
    }
    if let Some(sso) = &report.sso_cookie {
        let _ = writeln!(out, "{}", wrap(&format!("SSO cookie: {}", sso.detail), ""));
    }
    if !report.losses.is_empty() {
        let _ = writeln!(out, "\nWhere the session was lost:");
        for (i, loss) in report.losses.iter().enumerate() {
            write_loss(&mut out, i + 1, loss, &report.inputs);
        }
    }
    for (i, f) in report.findings.iter().enumerate() {
        out.push('\n');
        write_finding(&mut out, i + 1, f, &report.inputs);
    }
    for input in &report.inputs {
        out.push('\n');
        write_input(&mut out, input);
    }
    out
}

fn write_loss(out: &mut String, n: usize, loss: &Loss, inputs: &[InputReport]) {
    let at = loss.at.as_deref().map(|t| format!(" at {t}")).unwrap_or_default();
    let status = loss.status.map_or_else(|| "no response".to_owned(), |s| s.to_string());
    let input = if inputs.iter().filter(|i| i.kind == "har").count() > 1 {
        format!("{} ", input_name(inputs, loss.input))
    } else {
        String::new()
    };
    let head = format!(
        "{n}. {input}entry {}{at}: {} {} -> {status}, on {}",
        loss.entry,
        loss.method,
        crate::url::path_of(&loss.url),
        loss.origin,
    );
    let _ = writeln!(out, "{}", wrap(&head, "  "));
    let who = format!("{} no longer known ({})", loss.user, loss.signals.join(", "));
    let _ = writeln!(out, "{}", wrap(&who, "     "));
    let verdict = match &loss.cause {
        Some(cause) => {
            let support = match (loss.basis, loss.confidence) {
                (Some(b), Some(c)) => format!(" ({}, {} confidence)", basis_word(b), confidence_word(c)),
                _ => String::new(),
            };
            let behind =
                loss.underlying_cause.as_deref().map(|u| format!(", behind it {u}")).unwrap_or_default();
            let see = loss.finding.map(|f| format!(": finding {}", f + 1)).unwrap_or_default();
            format!("explained by {cause}{support}{behind}{see}")
        }
        None => format!(
            "unexplained: no cause fits what the recording shows (last known at entry {})",
            loss.last_known_entry
        ),
    };
    let _ = writeln!(out, "{}", wrap(&verdict, "     "));
    if !loss.alternatives.is_empty() {
        let _ =
            writeln!(out, "{}", wrap(&format!("also possible: {}", loss.alternatives.join(", ")), "     "));
    }
    if !loss.collect.is_empty() {
        let _ = writeln!(out, "     To explain it, collect:");
        for c in &loss.collect {
            let _ = writeln!(out, "{}", wrap(&format!("- {c}"), "       "));
        }
    }
}

pub(crate) fn basis_word(b: Basis) -> &'static str {
    match b {
        Basis::Observed => "observed",
        Basis::Inferred => "inferred",
    }
}

pub(crate) fn confidence_word(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

fn write_finding(out: &mut String, n: usize, f: &Finding, inputs: &[InputReport]) {
    let severity = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    };
    let _ = writeln!(
        out,
        "{n}. [{severity}, {}, {} confidence] {} ({})",
        basis_word(f.basis),
        confidence_word(f.confidence),
        terminal(&f.title),
        f.cause
    );
    let _ = writeln!(out, "{}", wrap(&f.explanation, "   "));
    if !f.evidence.is_empty() {
        let _ = writeln!(out, "   Evidence:");
        for e in &f.evidence {
            let at = e.at.as_deref().map(|t| format!(" {t}")).unwrap_or_default();
            let _ = writeln!(
                out,
                "{}",
                wrap(
                    &format!("- {} {}{at}: {}", input_name(inputs, e.input), place(inputs, e), e.detail),
                    "     "
                )
            );
        }
    }
    if !f.fix.is_empty() {
        let _ = writeln!(out, "   Fix:");
        for (i, step) in f.fix.iter().enumerate() {
            let _ = writeln!(out, "{}", wrap(&format!("{}. {step}", i + 1), "     "));
        }
    }
    if !f.confirm.is_empty() {
        let _ = writeln!(out, "   To confirm:");
        for c in &f.confirm {
            let _ = writeln!(out, "{}", wrap(&format!("- {c}"), "     "));
        }
    }
}

/// Wraps prose at 100 columns with an indent (first line included); control characters in it are shown
/// escaped.
fn wrap(text: &str, indent: &str) -> String {
    const WIDTH: usize = 100;
    let mut out = String::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        let word = terminal(word);
        let word = word.as_ref();
        if line.len() > indent.len() && line.len() + 1 + word.len() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = format!("{indent}  ");
        }
        if line.len() > indent.len() && !line.ends_with(' ') {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out
}

fn write_input(out: &mut String, input: &InputReport) {
    let _ = writeln!(out, "{}", terminal(&input.name));
    if let Some(archive) = &input.archive {
        let _ = writeln!(out, "  in {}", terminal(archive));
    }
    if input.kind == "skipped" {
        let why = input.skipped.as_deref().or(input.error.as_deref()).unwrap_or("");
        let label = if input.error.is_some() { "not read" } else { "skipped" };
        let _ = writeln!(out, "  {label} ({}): {}", human_bytes(input.bytes), terminal(why));
        return;
    }
    if let Some(error) = &input.error {
        let _ = writeln!(out, "  error: {}", terminal(error));
    }
    if input.members.len() > 1 || input.members.iter().any(|m| m.name != input.name) {
        for m in &input.members {
            let from = m.first_line.map_or(String::new(), |l| format!(", from line {l}"));
            let _ = writeln!(out, "  member {} ({}{from})", terminal(&m.name), human_bytes(m.bytes));
        }
    }
    let mut facts = vec![
        human_bytes(input.bytes),
        format!("{} {}", input.entries, plural(input.entries, "entry", "entries")),
    ];
    facts.push(format!("{} {}", input.origins, plural(input.origins, "origin", "origins")));
    if let Some(c) = input.compression {
        facts.push(format!("{c}-compressed"));
    }
    if let Some(v) = &input.har_version {
        facts.push(format!("HAR {}", terminal(v)));
    }
    if let Some(c) = &input.creator {
        facts.push(format!("made by {}", terminal(c)));
    }
    if let Some(b) = &input.browser {
        facts.push(format!("browser {}", terminal(b)));
    }
    let _ = writeln!(out, "  {}", facts.join(", "));
    for w in &input.warnings {
        let times = if w.count > 1 { format!(" ({} times)", w.count) } else { String::new() };
        let _ = writeln!(out, "  warning: {}{times}", terminal(&w.message));
    }
}

pub(crate) fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// "entry 17" for a HAR entry, "line 120" for a log line; in a log read from several files (a log's rotations
/// in an archive), also the file and its own line: "line 120 (atlassian-jira.log.1, line 20)".
pub(crate) fn place(inputs: &[InputReport], e: &super::Evidence) -> String {
    match (e.entry, e.line) {
        (Some(entry), _) => format!("entry {entry}"),
        (None, Some(line)) => {
            let members = inputs.get(e.input).map_or(&[][..], |i| i.members.as_slice());
            let member = members.iter().rev().find(|m| m.first_line.is_some_and(|first| first <= line));
            match member.and_then(|m| Some((m, m.first_line?))) {
                Some((m, first)) if members.len() > 1 => {
                    let file = m.name.rsplit('/').next().unwrap_or(&m.name);
                    format!("line {line} ({file}, line {})", line - first + 1)
                }
                _ => format!("line {line}"),
            }
        }
        (None, None) => String::new(),
    }
}

/// An input as evidence names it: its file name, or "input N" when the report does not list it.
pub(crate) fn input_name(inputs: &[InputReport], index: usize) -> String {
    inputs.get(index).map_or_else(|| format!("input {index}"), |i| i.name.clone())
}
