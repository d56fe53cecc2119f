//! Files the command line must never damage: an output is written beside its target and renamed over it only
//! when complete, so a broken input, a full disk or a SIGTERM leaves the previous file as it was; links and
//! device nodes are never removed; no output replaces an input, whatever name leads to it; and an error on
//! standard input is reported at once, not when the input closes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests state their assumptions
#![cfg(unix)]

use std::io::{Read, Write};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BROKEN: &[u8] = br#"{"log":{"entries":[{"a":1},{"b":tru}]}}"#;
const PREVIOUS: &[u8] = b"the previous content\n";

fn harlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_harlens")).args(args).output().unwrap()
}

fn recording() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/testbed/proxy-address-change/recording.har")
}

/// An empty directory of its own for each test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("harlens-files-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The names in `dir`, sorted: a temporary file left behind shows here.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn entries(har: &[u8]) -> usize {
    let v: serde_json::Value = serde_json::from_slice(har).unwrap();
    v["log"]["entries"].as_array().unwrap().len()
}

#[test]
fn a_failed_redaction_leaves_the_existing_output_as_it_was() {
    let dir = scratch("existing");
    let (broken, out) = (dir.join("broken.har"), dir.join("out.har"));
    std::fs::write(&broken, BROKEN).unwrap();
    std::fs::write(&out, PREVIOUS).unwrap();
    let run = harlens(&["redact", "-o", s(&out), s(&broken)]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("in entry 1: invalid literal"), "{stderr}");
    assert!(stderr.contains(&format!("harlens: {} was left as it was", out.display())), "{stderr}");
    assert_eq!(std::fs::read(&out).unwrap(), PREVIOUS);
    assert_eq!(names(&dir), ["broken.har", "out.har"]);
    // A new output is not created at all.
    let run = harlens(&["redact", "-o", s(&dir.join("new.har")), s(&broken)]);
    assert!(String::from_utf8_lossy(&run.stderr).contains("new.har was not created"));
    assert_eq!(names(&dir), ["broken.har", "out.har"]);
    // A complete one replaces the file, keeping its permissions.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o600)).unwrap();
    let run = harlens(&["redact", "-o", s(&out), s(&recording())]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(entries(&std::fs::read(&out).unwrap()), 23);
    assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(names(&dir), ["broken.har", "out.har"]);
    // A read-only file is not replaced, though a rename could.
    std::fs::write(&out, PREVIOUS).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o444)).unwrap();
    let run = harlens(&["redact", "-o", s(&out), s(&recording())]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("out.har: is read-only"));
    assert_eq!(std::fs::read(&out).unwrap(), PREVIOUS);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_symbolic_link_as_output_is_followed_and_stays() {
    let dir = scratch("symlink");
    let (broken, real, link) = (dir.join("broken.har"), dir.join("real.har"), dir.join("link.har"));
    std::fs::write(&broken, BROKEN).unwrap();
    std::fs::write(&real, PREVIOUS).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let run = harlens(&["redact", "-o", s(&link), s(&broken)]);
    assert_eq!(run.status.code(), Some(2));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link was removed");
    assert_eq!(std::fs::read(&real).unwrap(), PREVIOUS);
    let run = harlens(&["redact", "-o", s(&link), s(&recording())]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link was replaced");
    assert_eq!(entries(&std::fs::read(&real).unwrap()), 23);
    assert_eq!(names(&dir), ["broken.har", "link.har", "real.har"]);
    std::fs::remove_dir_all(dir).unwrap();
}

/// Reads a FIFO to its end in a thread, as `cat fifo` would.
fn drain(fifo: &Path) -> std::thread::JoinHandle<Vec<u8>> {
    let fifo = fifo.to_path_buf();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::fs::File::open(fifo).unwrap().read_to_end(&mut bytes).unwrap();
        bytes
    })
}

#[test]
fn a_fifo_as_output_is_written_in_place_and_never_removed() {
    let dir = scratch("fifo");
    let (broken, fifo) = (dir.join("broken.har"), dir.join("pipe"));
    std::fs::write(&broken, BROKEN).unwrap();
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = drain(&fifo);
    let run = harlens(&["redact", "-o", s(&fifo), s(&broken)]);
    reader.join().unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(
        std::fs::symlink_metadata(&fifo).map(|m| m.file_type().is_fifo()).unwrap_or(false),
        "the FIFO was removed"
    );
    let reader = drain(&fifo);
    let run = harlens(&["redact", "-o", s(&fifo), s(&recording())]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(entries(&reader.join().unwrap()), 23);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_full_device_is_reported_and_stays() {
    let full = Path::new("/dev/full");
    if !std::fs::metadata(full).is_ok_and(|m| m.file_type().is_char_device()) {
        return; // no /dev/full on this system
    }
    let run = harlens(&["redact", "-o", "/dev/full", s(&recording())]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("/dev/full: cannot write: No space left on device"), "{stderr}");
    assert!(stderr.contains("/dev/full: what was written to it is incomplete"), "{stderr}");
    assert!(std::fs::metadata(full).is_ok_and(|m| m.file_type().is_char_device()));
    let run = harlens(&["analyze", "-o", "/dev/full", s(&recording())]);
    assert_eq!(run.status.code(), Some(2));
    assert!(std::fs::metadata(full).is_ok_and(|m| m.file_type().is_char_device()));
}

#[test]
fn no_output_replaces_an_input_whatever_its_name() {
    let dir = scratch("same-file");
    let (input, hard, soft) = (dir.join("session.har"), dir.join("hard.har"), dir.join("soft.har"));
    std::fs::copy(recording(), &input).unwrap();
    std::fs::hard_link(&input, &hard).unwrap();
    std::os::unix::fs::symlink(&input, &soft).unwrap();
    let original = std::fs::read(&input).unwrap();
    for target in [&input, &hard, &soft] {
        for command in ["redact", "analyze"] {
            let run = harlens(&[command, "-o", s(target), s(&input)]);
            assert_eq!(run.status.code(), Some(2), "{command} -o {}", target.display());
            let stderr = String::from_utf8_lossy(&run.stderr);
            assert!(stderr.contains("the output would overwrite the input"), "{stderr}");
            assert_eq!(std::fs::read(&input).unwrap(), original, "{command} -o {}", target.display());
        }
    }
    // A log input or the trusted list is an input too.
    let list = dir.join("trusted.txt");
    std::fs::write(&list, "127.0.0.10\n").unwrap();
    let trusted = format!("@{}", list.display());
    let run = harlens(&["analyze", "--trusted-proxies", &trusted, "-o", s(&list), s(&input)]);
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(std::fs::read(&list).unwrap(), b"127.0.0.10\n");
    let run = harlens(&["analyze", "--log", s(&hard), "-o", s(&hard), s(&recording())]);
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(std::fs::read(&input).unwrap(), original);
    // One file's output is not another input: `redact a.har a.redacted.har`.
    let other = dir.join("session.redacted.har");
    std::fs::write(&other, &original).unwrap();
    let run = harlens(&["redact", s(&input), s(&other)]);
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(std::fs::read(&other).unwrap(), original);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_full_disk_leaves_the_previous_output() {
    // A file size limit stands for a full disk: the output's writes fail past 16 KiB.
    let dir = scratch("full-disk");
    let out = dir.join("out.har");
    std::fs::write(&out, PREVIOUS).unwrap();
    let script = format!(
        "ulimit -f 16; exec '{}' redact -o '{}' '{}'",
        env!("CARGO_BIN_EXE_harlens"),
        s(&out),
        s(&recording())
    );
    let run = Command::new("sh").args(["-c", &script]).output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot write: File too large"), "{stderr}");
    assert!(stderr.contains("was left as it was"), "{stderr}");
    assert_eq!(std::fs::read(&out).unwrap(), PREVIOUS);
    assert_eq!(names(&dir), ["out.har"], "a temporary file was left behind");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Polls until `ready` holds, for at most a minute (a loaded machine is slow; a hang is what fails).
fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < Duration::from_secs(60), "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_harlens"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn sigterm_while_writing_leaves_the_previous_output() {
    let dir = scratch("sigterm");
    let out = dir.join("out.har");
    std::fs::write(&out, PREVIOUS).unwrap();
    let mut child = spawn(&["redact", "-o", s(&out), "-"]);
    let har = std::fs::read(recording()).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&har[..har.len() / 2]).unwrap();
    stdin.flush().unwrap();
    // The run has begun once its output exists beside the target (or, as it used to, truncated it).
    wait_for("the output to begin", || {
        names(&dir).len() > 1 || std::fs::read(&out).map(|b| b != PREVIOUS).unwrap_or(true)
    });
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let status = child.wait().unwrap();
    drop(stdin);
    assert!(!status.success());
    assert_eq!(std::fs::read(&out).unwrap(), PREVIOUS);
    assert_eq!(names(&dir), ["out.har"], "a temporary file was left behind");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_error_on_standard_input_is_reported_while_it_is_still_open() {
    for command in ["analyze", "redact"] {
        let mut child = spawn(&[command, "-"]);
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"{\"log\": {\"entries\": [{\"time\": tru}").unwrap();
        stdin.flush().unwrap();
        // Standard input stays open: the error is already known and must not wait for its end.
        wait_for("the error", || child.try_wait().unwrap().is_some());
        let mut stderr = String::new();
        child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        assert_eq!(child.wait().unwrap().code(), Some(2), "{command}");
        assert!(
            stderr.contains("<stdin>: line 1, column 34 (byte 33), in entry 0: invalid literal"),
            "{stderr}"
        );
        drop(stdin);
    }
}
