//! Helpers shared by the native integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use harlens::{Analyzer, InputError, Report};

/// The public fixtures: real HAR exports from many tools (tests/fixtures/public/SOURCES.md).
pub fn public_fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/public");
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display())) {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "har") {
                files.push(file);
            }
        }
    }
    files.sort();
    assert!(
        files.len() >= 25,
        "expected the public fixtures under {}, found {}",
        root.display(),
        files.len()
    );
    files
}

/// "harviewer/jsonp.har": the fixture's name as tests and snapshots call it.
pub fn fixture_name(path: &Path) -> String {
    let dir = path.parent().and_then(Path::file_name).unwrap().to_string_lossy();
    format!("{dir}/{}", path.file_name().unwrap().to_string_lossy())
}

/// Analyzes one input fed in chunks of `chunk` bytes.
pub fn analyze_chunked(name: &str, bytes: &[u8], chunk: usize) -> Result<Report, InputError> {
    let mut analyzer = Analyzer::new();
    analyzer.begin_input(name);
    for part in bytes.chunks(chunk.max(1)) {
        analyzer.push(part)?;
    }
    analyzer.end_input()?;
    Ok(analyzer.finish())
}

/// Analyzes one input given whole.
pub fn analyze(name: &str, bytes: &[u8]) -> Result<Report, InputError> {
    analyze_chunked(name, bytes, bytes.len())
}
