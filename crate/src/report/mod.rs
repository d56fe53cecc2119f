//! The report: what harlens concluded, as data (the versioned JSON contract of DESIGN.md) and its renderers.

mod markdown;
mod text;

use serde::Serialize;

use crate::har::Warning;

pub use markdown::render_markdown;
pub use text::render_text;

/// The schema id of the JSON report; bumped on any incompatible change.
pub const SCHEMA: &str = "harlens.report/1";

/// Everything harlens concluded from its inputs. Serialized as the JSON report (`--format json`, and what the
/// WASM analyzer returns): the same bytes from both for the same inputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub schema: &'static str,
    /// The harlens version that wrote the report.
    pub generator: String,
    pub inputs: Vec<InputReport>,
    pub summary: Summary,
    /// The SSO cookie the recording was read with, and why that one; null when none was seen.
    pub sso_cookie: Option<SsoCookie>,
    pub losses: Vec<Loss>,
    pub findings: Vec<Finding>,
}

/// Which cookie was taken for the SSO token (Crowd's `cookie.tokenkey` can rename it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SsoCookie {
    pub name: String,
    /// `name` (a name Crowd uses), `behaviour` (set with a Domain at the login and sent back) or `option`
    /// (given by the user).
    pub source: &'static str,
    pub detail: String,
}

/// One input file as read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputReport {
    pub name: String,
    /// `har` (server logs and proxy lists join later).
    pub kind: &'static str,
    pub bytes: u64,
    pub entries: u64,
    /// `log.creator` as "name version", e.g. "WebInspector 537.36".
    pub creator: Option<String>,
    /// `log.browser` as "name version", when the exporter wrote it.
    pub browser: Option<String>,
    /// `log.version` as written.
    pub har_version: Option<String>,
    /// Number of `log.pages`, when present.
    pub pages: Option<u64>,
    /// Distinct origins (scheme, host, port) of this input's requests.
    pub origins: u64,
    pub warnings: Vec<Warning>,
    /// The archive it was read from (`support.zip`; nested: `outer.zip > inner.zip`); absent for a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    /// `gzip` when the input itself was gzip data (a `.har.gz`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<&'static str>,
    /// The archive members read into this input, in order: one for a HAR, a log's rotations oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<MemberReport>,
    /// Why the input was not read (kind `skipped`: a member that is neither a HAR nor a log read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// Why the input was read only in part or not at all (a corrupt, encrypted or too large member): what was
    /// read of it before the error stays in the analysis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One archive member read into an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberReport {
    /// Its path in the archive.
    pub name: String,
    /// Its inflated bytes read.
    pub bytes: u64,
    /// The 1-based line of the input where it starts (log inputs), so a log line's evidence can be found in
    /// its file: line `n` of the input is line `n - first_line + 1` of the member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_line: Option<u64>,
    /// `gzip` for a gzipped member (`atlassian-jira.log.2.gz`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<&'static str>,
    /// Why it was read only in part or not at all (a rotation that is corrupt, encrypted or past a limit);
    /// the input's other members are still read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl InputReport {
    /// An input with only its name, kind and size known yet.
    pub fn empty(name: String, kind: &'static str, bytes: u64) -> Self {
        InputReport {
            name,
            kind,
            bytes,
            entries: 0,
            creator: None,
            browser: None,
            har_version: None,
            pages: None,
            origins: 0,
            warnings: Vec::new(),
            archive: None,
            compression: None,
            members: Vec::new(),
            skipped: None,
            error: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub entries: u64,
    /// Distinct origins across all inputs.
    pub origins: u64,
    pub session_losses: u64,
    /// The first finding's cause id when a session loss was found, else null.
    pub primary_cause: Option<String>,
}

/// A point where the server stopped knowing the user, with its own explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Loss {
    /// The application: `scheme://host[:port]` plus its context path.
    pub origin: String,
    pub input: usize,
    pub entry: u64,
    pub at: Option<String>,
    pub method: String,
    pub url: String,
    pub status: Option<u16>,
    pub signals: Vec<String>,
    /// The user the server knew until then.
    pub user: String,
    /// The last entry on which the server still knew the user.
    pub last_known_entry: u64,
    /// The cause that explains this loss best; null when no rule explains it.
    pub cause: Option<String>,
    /// For a symptom (`xsrf-after-session-loss`): the cause behind it, when one explains the loss.
    pub underlying_cause: Option<String>,
    /// Index into `findings` of the finding that explains this loss.
    pub finding: Option<usize>,
    /// How the explanation is supported: `observed` or `inferred` (null when unexplained).
    pub basis: Option<Basis>,
    pub confidence: Option<Confidence>,
    /// Other causes that could explain it, less well supported, best first.
    pub alternatives: Vec<String>,
    /// For an unexplained loss: what to collect to explain it.
    pub collect: Vec<String>,
}

/// One explained cause, most likely first in [`Report::findings`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub cause: String,
    /// How bad the cause is (not how likely).
    pub severity: Severity,
    /// `observed` (the HAR or a log shows the cause) or `inferred` (by elimination).
    pub basis: Basis,
    pub confidence: Confidence,
    pub title: String,
    pub explanation: String,
    /// Indices into the report's `losses` of the losses this finding explains (empty for a finding about
    /// the recording as a whole, such as a cookie setting).
    pub losses: Vec<usize>,
    pub evidence: Vec<Evidence>,
    pub fix: Vec<String>,
    /// The entries the fix adds to Crowd's trusted proxy list, exactly as the admin types them (in the order
    /// the fix names them), for a "copy" button; absent when the fix names no entry.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trusted_proxies_to_add: Vec<String>,
    pub confirm: Vec<String>,
    pub references: Vec<String>,
}

/// One fact behind a finding: an entry of a HAR input, or a line of a log input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// Index into the report's `inputs`.
    pub input: usize,
    /// 0-based index into the HAR input's `log.entries`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<u64>,
    /// 1-based line of the log input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    pub at: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    Observed,
    Inferred,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    High,
    Medium,
    Low,
}

impl Report {
    /// The JSON report, pretty-printed, ending with a newline.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let mut json = serde_json::to_string_pretty(self)?;
        json.push('\n');
        Ok(json)
    }

    /// True when a session-loss problem was found: the CLI's exit status 1.
    pub fn has_problem(&self) -> bool {
        self.summary.session_losses > 0 || self.summary.primary_cause.is_some()
    }
}

/// A byte count for people: "850 KB", "1.2 GB".
pub(crate) fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    match unit {
        0 => format!("{n} bytes"),
        _ if value < 10.0 => format!("{value:.1} {}", UNITS[unit]),
        _ => format!("{value:.0} {}", UNITS[unit]),
    }
}
