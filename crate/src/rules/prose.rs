//! Sentences several rules say: one wording each, so that the report says one thing one way (the fix for
//! an untrusted proxy reads the same under every cause that points to it).

/// The less secure alternative to trusting proxies: no IP binding at all.
pub(crate) const IP_BINDING_OFF: &str = "Alternatively (less secure): turn off \"Require consistent client IP address\" in Crowd's session configuration.";

/// A logout in one SSO application ends the SSO session in all of them: expected, nothing to fix.
pub(crate) const SSO_LOGOUT_IS_GLOBAL: &str = "Nothing to fix: logging out of one SSO application logs out of all. Users who want to stay in one application should close the other one's tab instead of logging out.";

/// What a HAR without cookies cannot show, and how to record one that can.
pub(crate) fn record_with_cookies(what: &str) -> String {
    format!(
        "Record the HAR with cookies (Chrome DevTools settings: \"Allow to generate HAR with sensitive data\") \
         and analyze it again: {what}."
    )
}
