//! Times the HAR reader alone (no analysis): every entry parsed by `har::Scanner`, then dropped.
//!
//!   cargo run --release --example scan_only -- FILE

use std::io::Read;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: scan_only FILE");
        return ExitCode::from(2);
    };
    let mut file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("scan_only: {e}");
            return ExitCode::from(2);
        }
    };
    let mut scanner = harlens::har::Scanner::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let k = match file.read(&mut buf) {
            Ok(k) => k,
            Err(e) => {
                eprintln!("scan_only: {e}");
                return ExitCode::from(2);
            }
        };
        if let Err(e) = scanner.feed(&buf[..k], k == 0, |_| n += 1) {
            eprintln!("scan_only: {e}");
            return ExitCode::from(1);
        }
        if k == 0 {
            break;
        }
    }
    eprintln!("{n} entries");
    ExitCode::SUCCESS
}
