//! The HAR scanner: the same report whatever the chunks, or the same located error.
#![no_main]

#[path = "../../crate/tests/property/mod.rs"]
mod property;

libfuzzer_sys::fuzz_target!(|data: &[u8]| property::scanner_chunking(data));
