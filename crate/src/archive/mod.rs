//! Compressed and archived inputs, sans-I/O: bytes in, facts out. Support rarely receives a bare HAR: a
//! `session.har.gz`, a `session.har.zip`, a product's support zip with rotated (and gzipped) logs. The shells
//! inflate (flate2 natively, `DecompressionStream` in the browser: the `.wasm` carries no inflater); this
//! module holds the small, pure part both share, so that the page and the CLI read an archive the same way:
//!
//! - [`crate::input::sniff`] names gzip and zip data by their magic bytes;
//! - [`zip`]: the central directory reader (where the directory is, the members, where a member's data
//!   starts);
//! - [`members`]: what each member is (HAR, which product's log, trusted-proxy list, nested archive, other)
//!   and the order to read them in ([`members::plan`]: rotated logs oldest first, each log one stream);
//! - [`limits`]: the expansion ratio and total size an analysis may inflate, and the [`limits::Meter`] the
//!   shells feed as they inflate;
//! - [`crc32`] and [`write`]: checking what was inflated, writing a zip of redacted HARs.
//!
//! How a shell reads a zip: [`zip::find_directory`] on the last [`zip::TAIL_BYTES`], [`zip::read_directory`]
//! on the directory, [`members::plan`] on the names; then for each planned read, in order, each member:
//! [`zip::Member::readable`], [`limits::Limits::check_declared`], [`zip::data_offset`] from its local
//! header, inflate while feeding the [`limits::Meter`] and a [`Crc32`], and classify its first inflated
//! bytes with [`members::classify_content`] (a gzipped member is inflated once more; a zip inside the zip is
//! read the same way, one level deep). Each planned read is one input of the [`crate::Analyzer`]: HARs one
//! each, each log stream (`atlassian-jira.log.2`, `.log.1`, `.log`) one log input fed member after member
//! ([`crate::Analyzer::begin_member`] at each); skipped members and members in error are listed in the
//! report's inputs ([`crate::Analyzer::skip_input`], [`crate::Analyzer::abandon_input`]). A problem with one
//! member is an [`ArchiveError`] naming the archive, the member and the reason; the other members are read.

pub mod crc32;
pub mod limits;
pub mod members;
pub mod write;
pub mod zip;

pub use crc32::{crc32, Crc32};
pub use limits::{LimitError, Limits, Meter};

/// Archives inside archives read: a zip (or gzip) member of the input's archive is read, one inside that
/// is not. A gzip layer over one file counts once: `x.log.1.gz` in a support zip is one level.
pub const MAX_NESTING: usize = 1;

/// Why an archive, or one of its members, could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("not a zip (no end of central directory record): truncated, or another format")]
    NotZip,
    #[error("truncated: the file ends before its data does")]
    Truncated,
    #[error("corrupt: {0}")]
    Corrupt(String),
    #[error("encrypted: harlens does not read encrypted members; send it without a password")]
    Encrypted,
    #[error("compressed with {0}, which harlens does not read (stored and deflate only): recompress it with deflate")]
    Unsupported(String),
    #[error("corrupt: its CRC-32 is {found:08x}, the archive says {expected:08x}")]
    Crc { expected: u32, found: u32 },
    #[error(transparent)]
    Limit(#[from] LimitError),
    #[error("an archive inside an archive inside an archive: harlens reads one level of nesting; unpack the outer one first")]
    TooDeep,
    #[error("cannot inflate: {0}")]
    Inflate(String),
}

/// A problem with an archive (`member` None) or with one of its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveError {
    /// The archive's name; a nested one is `outer.zip > inner.zip`.
    pub archive: String,
    pub member: Option<String>,
    pub problem: Problem,
}

impl std::fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.member {
            Some(member) => write!(f, "{}: {}: {}", self.archive, member, self.problem),
            None => write!(f, "{}: {}", self.archive, self.problem),
        }
    }
}

impl std::error::Error for ArchiveError {}
