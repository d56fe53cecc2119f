//! X-Forwarded-For and Forwarded parsers: any header parses and resolves through a trusted list.
#![no_main]

#[path = "../../crate/tests/property/mod.rs"]
mod property;

libfuzzer_sys::fuzz_target!(|data: &[u8]| property::xff(data));
