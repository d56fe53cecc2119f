//! The archive core: any bytes read as a zip are read or refused (the directory inside the file), names of
//! any shape classify, CRC-32 is the same in any chunks, and what the zip writer writes reads back the same.
#![no_main]

#[path = "../../crate/tests/property/mod.rs"]
mod property;

libfuzzer_sys::fuzz_target!(|data: &[u8]| property::archive(data));
