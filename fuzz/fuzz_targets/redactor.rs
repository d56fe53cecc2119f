//! The sanitizer: accepts what the analysis accepts; strict JSON out, the same bytes whatever the chunks, the same entries, no replaced secret left.
#![no_main]

#[path = "../../crate/tests/property/mod.rs"]
mod property;

libfuzzer_sys::fuzz_target!(|data: &[u8]| property::redactor(data));
