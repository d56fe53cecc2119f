//! The HAR model and the streaming entry scanner.
//!
//! [`Scanner`] takes byte chunks of any size and boundaries and yields one [`Entry`] at a time, borrowed from
//! its buffer; [`RawScanner`] walks the same state machine for the sanitizer, handing over the outer structure
//! and every element raw. Both have one entry point, `feed(chunk, eof)`. Memory grows with the largest single
//! entry, never with the file: a 1 GB HAR from `File.stream()` or from disk is read in the same bounded space.
//! Entries are parsed leniently (HAR as written by real tools, not as the spec wishes) and every deviation
//! becomes a [`Warning`], never an error; only input that is not a HAR at all (not JSON, truncated, binary) is
//! an [`HarError`].

mod error;
#[cfg(not(target_arch = "wasm32"))]
mod fast;
pub mod json;
mod lenient;
mod locate;
mod model;
mod raw;
mod scan;
mod skim;
mod warnings;

pub use error::{HarError, Location};
pub use lenient::{Flag, LenientBool, LenientNum, LenientStr};
pub use model::{Content, Cookie, Cookies, Entry, Header, Log, PostData, Request, Response, Timings};
pub use raw::{RawPart, RawScanner, RawSink};
pub use scan::Scanner;
pub use warnings::{Warning, Warnings};

/// Containers nested deeper than this inside one value (an entry) are read as `null` and noted: a HAR written
/// back, three levels above its entries, then stays within the 128 levels strict readers (serde_json) accept,
/// and the code that rewrites a value may recurse. No exporter comes close: Chrome's deepest, an initiator's
/// chain of async stacks, stops near 40.
pub const MAX_DEPTH: usize = 100;
