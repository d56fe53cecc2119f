//! The fuzz targets' properties (`tests/property/`), run briefly and deterministically: mutations of the
//! fixtures drawn from fixed seeds, and every input a fuzzer once failed on (`fuzz/regressions/<target>/`).
//! `npm run fuzz` runs the same properties under libFuzzer for as long as asked.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests state their assumptions
#![cfg(not(target_arch = "wasm32"))]

mod property;

use std::path::{Path, PathBuf};

use property::{mutate, Rng};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Files under `dir` (recursively) whose name ends with one of `ends`.
fn files(dir: &Path, ends: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(read) = std::fs::read_dir(dir) else { return out };
    for entry in read {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path, ends));
        } else if ends.iter().any(|e| path.to_string_lossy().ends_with(e)) {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Runs `property` on `cases` mutations of the seeds (each with an 8-byte seed of its own in front), then on
/// every regression input of `target`.
fn run(target: &str, seeds: &[Vec<u8>], cases: usize, max: usize, property: impl Fn(&[u8])) {
    assert!(!seeds.is_empty(), "{target}: no seeds");
    let mut rng = Rng::new(0x5EED ^ target.len() as u64);
    for case in 0..cases {
        let seed = &seeds[case % seeds.len()];
        let body = if case < seeds.len() {
            seed[..seed.len().min(max)].to_vec()
        } else {
            mutate(seed, &mut rng, max)
        };
        let mut input = rng.next().to_le_bytes().to_vec();
        input.extend_from_slice(&body);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| property(&input)));
        if let Err(panic) = result {
            let dump = std::env::temp_dir().join(format!("harlens-property-{target}-{case}"));
            std::fs::write(&dump, &input).unwrap();
            let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
            panic!("{target}: case {case} fails (input in {}): {message}", dump.display());
        }
    }
    for path in files(&root().join("fuzz/regressions").join(target), &[""]) {
        let input = std::fs::read(&path).unwrap();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| property(&input)));
        assert!(result.is_ok(), "{target}: regression {} fails again", path.display());
    }
}

fn read_all(paths: &[PathBuf]) -> Vec<Vec<u8>> {
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// The HARs the analysis and the sanitizer are fuzzed from: the public exports and the test bed's recordings.
fn har_seeds() -> Vec<Vec<u8>> {
    read_all(&files(&root().join("tests/fixtures"), &[".har"]))
}

#[test]
fn the_scanner_reads_the_same_whatever_the_chunks() {
    run("scanner", &har_seeds(), 1500, 24 * 1024, property::scanner_chunking);
}

#[test]
fn the_sanitizer_accepts_what_the_analysis_accepts_and_leaves_no_secret() {
    run("redactor", &har_seeds(), 1500, 24 * 1024, property::redactor);
}

#[test]
fn each_log_reader_reads_the_same_whatever_the_chunks() {
    let mut seeds = read_all(&files(&root().join("crate/tests/fixtures/logs"), &[".log", ".log.1"]));
    seeds.extend(read_all(&files(&root().join("tests/fixtures/testbed/proxy-address-change"), &[".log"])));
    for format in 0..property::LOG_FORMATS.len() {
        run(&format!("log_{format}"), &seeds, 300, 8 * 1024, |data| property::log_reader(format, data));
    }
}

#[test]
fn trusted_lists_and_forwarded_headers_of_any_shape() {
    let mut lists = read_all(&files(&root().join("tests/fixtures/testbed"), &["trusted-proxies.txt"]));
    lists
        .push(b"192.168.*.*, 10.0.0.0/8\n2001:db8::/32, proxy.example.test, 192.168.01.1, [::1]:80".to_vec());
    run("trusted", &lists, 3000, 4096, property::trusted_list);
    let headers = [
        "203.0.113.7, 192.0.2.10, 198.51.100.20",
        "for=192.0.2.60;proto=http;by=203.0.113.43, for=\"[2001:db8:cafe::17]:4711\"",
        "unknown, _hidden, 10.0.0.1:8080\n[2001:db8::1]:443, 192.0.2.1",
    ];
    let headers: Vec<Vec<u8>> = headers.iter().map(|h| h.as_bytes().to_vec()).collect();
    run("xff", &headers, 3000, 4096, property::xff);
}

#[test]
fn the_live_monitor_takes_entries_of_any_shape() {
    // One entry per line, as the extension pushes them.
    let mut seeds = Vec::new();
    for path in files(&root().join("tests/fixtures/testbed"), &["recording.har"]).iter().take(4) {
        let har: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let lines: Vec<String> =
            har["log"]["entries"].as_array().unwrap().iter().map(|e| e.to_string()).collect();
        seeds.push(lines.join("\n").into_bytes());
    }
    run("monitor", &seeds, 300, 24 * 1024, property::monitor);
}

#[test]
fn archives_of_any_shape_are_read_or_refused() {
    let seeds = read_all(&files(&root().join("tests/fixtures/testbed"), &[".zip"]));
    run("archive", &seeds, 1500, 64 * 1024, property::archive);
}
