//! Crowd's proxy logic, offline: X-Forwarded-For and `Forwarded` parsing ([`xff`]), trusted-proxy lists
//! ([`trusted`]), the client-address resolution under both of Crowd's rules ([`mod@resolve`]) and the entries
//! to trust so that a changing proxy stops breaking SSO tokens ([`mod@suggest`]); [`simulation`] puts one
//! request through all of it for the CLI and the page. Facts in domain.md sections 2 and 6.
//!
//! No DNS and no sockets: the same code runs in the CLI and in the browser (WASM). Hostnames in a trusted
//! list are therefore reported, never resolved.

pub mod resolve;
pub mod simulation;
pub mod suggest;
pub mod trusted;
pub mod xff;

pub use resolve::{
    parse_remote_address, resolve, ChainHop, HopRole, Observation, RemoteAddressError, Resolution, Resolved,
    Rule, TrustedBy, ValidationFactor,
};
pub use simulation::Simulation;
pub use suggest::{
    covering_net, suggest, ChangingPosition, Outcome, PoolAlternative, PositionRole, Suggestion,
};
pub use trusted::{
    check_list, CheckedEntry, EntryError, EntryProblem, ListPosition, Pattern, TrustedEntry,
    TrustedListError, TrustedProxies,
};
pub use xff::{parse_forwarded, parse_forwarded_lines, parse_xff, parse_xff_lines, Hop, HopForm, XffChain};
