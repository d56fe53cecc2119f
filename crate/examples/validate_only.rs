//! The benchmark's anchor for native speed: serde_json checking that a file is JSON and nothing more
//! (`IgnoredAny`: every value skipped, no allocation), over the same bytes `harlens analyze` reads.
//! The file is read whole into memory first, as `serde_json::from_slice` (serde's fastest way in) needs it;
//! `npm run bench` times the whole process, as it does harlens's.
//!
//!   cargo run --release --example validate_only -- FILE

use std::process::ExitCode;

use serde::de::IgnoredAny;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: validate_only FILE");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("validate_only: {}: {e}", path.to_string_lossy());
            return ExitCode::from(2);
        }
    };
    match serde_json::from_slice::<IgnoredAny>(&bytes) {
        Ok(IgnoredAny) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("validate_only: {}: {e}", path.to_string_lossy());
            ExitCode::from(1)
        }
    }
}
