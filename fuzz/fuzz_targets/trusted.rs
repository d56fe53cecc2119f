//! Crowd's trusted-proxy list parser: strict and lenient agree; any list resolves a request and renders.
#![no_main]

#[path = "../../crate/tests/property/mod.rs"]
mod property;

libfuzzer_sys::fuzz_target!(|data: &[u8]| property::trusted_list(data));
