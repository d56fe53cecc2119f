//! Errors for input that is not a readable HAR, with the place they were found.

use std::fmt;

/// Where in an input a problem was found: a byte offset, its line and column (1-based; columns count bytes),
/// and the index of the entry being read, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub offset: u64,
    pub line: u64,
    pub column: u64,
    pub entry: Option<u64>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {} (byte {})", self.line, self.column, self.offset)?;
        if let Some(entry) = self.entry {
            write!(f, ", in entry {entry}")?;
        }
        Ok(())
    }
}

/// Input that cannot be read as a HAR. Deviations from the HAR spec are [`super::Warning`]s instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HarError {
    /// The bytes are not JSON (or not the JSON shape of a HAR) at this place.
    #[error("{at}: {message}")]
    Syntax { at: Location, message: String },
    /// The input ended before the HAR did.
    #[error("{at}: the file ends too early ({message}); was it truncated while saving or uploading?")]
    Truncated { at: Location, message: String },
    /// The JSON is fine but it is not a HAR (no `log` object).
    #[error("{at}: not a HAR file: {message}")]
    NotHar { at: Location, message: String },
    /// More input was pushed after the scanner finished.
    #[error("input pushed after the end of the HAR")]
    AfterFinish,
}

impl HarError {
    /// Where the problem was found, when it has a place.
    pub fn location(&self) -> Option<Location> {
        match self {
            HarError::Syntax { at, .. } | HarError::Truncated { at, .. } | HarError::NotHar { at, .. } => {
                Some(*at)
            }
            HarError::AfterFinish => None,
        }
    }
}
