//! harlens explains why a user of Jira, Confluence or Bitbucket behind Crowd SSO was logged out.
//!
//! Data flows one way (see DESIGN.md): bytes -> [`har`] entries -> per-origin facts -> [`report`].
//! [`analysis::Analyzer`] drives that pipeline; the CLI (`src/bin/`) and the WASM boundary (`src/wasm.rs`)
//! are thin shells around it and never re-implement analysis.

pub mod analysis;
pub mod archive;
pub mod calendar;
pub mod escape;
pub mod har;
pub mod input;
pub mod logs;
pub mod monitor;
pub mod net;
pub mod redact;
pub mod report;
pub mod rules;
pub mod signals;
pub mod sort;
pub mod timeline;
pub mod url;
pub mod view;

#[cfg(target_arch = "wasm32")]
mod wasm;
#[cfg(target_arch = "wasm32")]
pub use wasm::{
    check_trusted_proxies, entry_flags, inflate_limits, input_kind, input_kind_head, rules as rule_list,
    signal_headers, version, StreamingAnalyzer,
};
#[cfg(all(target_arch = "wasm32", feature = "full"))]
pub use wasm::{
    simulate_proxies, Checksum, InflateMeter, LiveMonitor, StreamingRedactor, ZipArchive, ZipOut,
};

pub use analysis::{Analyzer, InputError, InputProblem};
pub use report::Report;

/// The crate version, shown by the CLI, the page and the extension.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
