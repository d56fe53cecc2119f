//! What the entries index's row flags mean, in words, for the page's detail pane: the page reads the bits and
//! their names from here and keeps no copy of either.
//!
//! The flags `AUTH` and `ANONYMOUS` have no name: the table's filter and the user column show them.

use serde::Serialize;

use super::rows::flag;

/// One row flag and what it says about the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FlagName {
    /// The bit in a row's `flags`.
    pub bit: u16,
    pub name: &'static str,
}

/// Every named row flag, in the order the detail pane lists them.
pub const FLAG_NAMES: &[FlagName] = &[
    FlagName { bit: flag::LOGIN_REDIRECT, name: "redirect to the login page" },
    FlagName { bit: flag::LOGOUT, name: "logout request" },
    FlagName { bit: flag::FROM_CACHE, name: "served from the browser cache (old headers)" },
    FlagName { bit: flag::STATIC, name: "static resource" },
    FlagName { bit: flag::TOKEN_SET, name: "sets a new crowd.token_key (login)" },
    FlagName { bit: flag::TOKEN_DELETED, name: "deletes crowd.token_key" },
    FlagName { bit: flag::SESSION_SET, name: "sets JSESSIONID" },
    FlagName { bit: flag::TOKEN_SENT, name: "sends crowd.token_key" },
    FlagName { bit: flag::SESSION_SENT, name: "sends JSESSIONID" },
    FlagName { bit: flag::LOGGED_OUT_REASON, name: "Seraph says logged out" },
    FlagName { bit: flag::UNREADABLE, name: "unreadable entry (skipped by the analysis)" },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_but_auth_and_anonymous_has_one_name_of_its_own() {
        let mut seen = flag::AUTH | flag::ANONYMOUS;
        for f in FLAG_NAMES {
            assert_eq!(f.bit.count_ones(), 1, "{}", f.name);
            assert_eq!(seen & f.bit, 0, "{} shares its bit", f.name);
            seen |= f.bit;
        }
        // The flags are the bits 0 to 12: all of them are accounted for.
        assert_eq!(seen, (1 << 13) - 1);
    }
}
