//! Bitbucket's access log reader, after a first line of its format: the same report whatever the chunks.
#![no_main]

#[path = "../../crate/tests/property/mod.rs"]
mod property;

libfuzzer_sys::fuzz_target!(|data: &[u8]| property::log_reader(2, data));
