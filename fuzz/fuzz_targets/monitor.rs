//! The extension's live monitor: entries of any shape one per line; every entry the analysis reads is read.
#![no_main]

#[path = "../../crate/tests/property/mod.rs"]
mod property;

libfuzzer_sys::fuzz_target!(|data: &[u8]| property::monitor(data));
