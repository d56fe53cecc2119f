//! The application log reader (atlassian-jira.log, HttpClient wire lines), after a first line of its format.
#![no_main]

#[path = "../../crate/tests/property/mod.rs"]
mod property;

libfuzzer_sys::fuzz_target!(|data: &[u8]| property::log_reader(1, data));
