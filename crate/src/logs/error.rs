//! Errors for inputs that are not a server log harlens reads. Lines it cannot read inside a recognised log are
//! [`super::LogWarning`]s instead: one bad line must not hide the thousands of good ones around it.

/// What the detector looks for, listed in the error so the user knows which files to give.
pub const EXPECTED_FORMATS: &str = "a Jira access log (atlassian-jira-http-access.log: `IP REQUEST-ID USER \
     [TIME] \"REQUEST\" STATUS ...`), an application log (atlassian-jira.log or atlassian-crowd.log: \
     `2021-10-19 11:56:47,306-0500 THREAD LEVEL ... [LOGGER] MESSAGE`; also atlassian-confluence.log), a \
     Confluence access log (`[TIME] USER THREAD IP REQUEST STATUS Nms ...`), or a Bitbucket access log \
     (`IP | PROTOCOL | i@ID | ...`)";

/// An input that is not a server log harlens reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogError {
    /// None of the first lines looks like a known log format.
    #[error(
        "line {line}: not a server log harlens reads; the first line is `{first_line}`; expected {expected}"
    )]
    UnknownFormat { line: u64, first_line: String, expected: &'static str },
    /// The input is a known non-text format (compressed, an archive, UTF-16): the hint says what to do.
    #[error("line {line}: {hint}")]
    NotText { line: u64, hint: &'static str },
    /// The input has no line with any text.
    #[error("the file is empty; expected {expected}")]
    Empty { expected: &'static str },
    /// More input was pushed after the reader finished.
    #[error("input pushed after the end of the log")]
    AfterFinish,
}

impl LogError {
    /// The line the problem was found on, when it has one.
    pub fn line(&self) -> Option<u64> {
        match self {
            LogError::UnknownFormat { line, .. } | LogError::NotText { line, .. } => Some(*line),
            LogError::Empty { .. } | LogError::AfterFinish => None,
        }
    }
}

/// A log input that could not be read, named so the user knows which file to look at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input}: {error}")]
pub struct LogInputError {
    pub input: String,
    #[source]
    pub error: LogError,
}
