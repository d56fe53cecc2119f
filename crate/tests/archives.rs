//! Compressed and archived inputs on the command line (issue 16): a `.har.gz`, a zipped HAR and a support zip
//! with rotated and gzipped logs give the same report as the unpacked files; a bomb, a corrupt, truncated or
//! encrypted member, an unsupported method and a second level of nesting are errors for that member only.
//! The archives are written here, with the core's zip writer and flate2's encoders.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests state their assumptions
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use flate2::write::{DeflateEncoder, GzEncoder};
use harlens::archive::crc32;
use harlens::archive::write::{Compression, ZipWriter};
use serde_json::Value;

const SCENARIO: &str = "proxy-address-change";

fn testbed(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/testbed").join(SCENARIO).join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(testbed(name)).unwrap()
}

fn harlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_harlens")).args(args).output().unwrap()
}

/// `harlens ARGS` with `input` on standard input.
fn piped(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_harlens"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// A fresh directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("harlens-archives-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut d = DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    d.write_all(data).unwrap();
    d.finish().unwrap()
}

/// A zip of `(path, data, deflated)` members.
fn zip(files: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut w = ZipWriter::new();
    let mut out = Vec::new();
    for (name, data, deflated) in files {
        let compression = if *deflated { Compression::Deflate } else { Compression::Stored };
        let at = out.len() as u64;
        out.extend(w.begin_member(name, compression, at));
        let body = if *deflated { deflate(data) } else { data.to_vec() };
        out.extend_from_slice(&body);
        out.extend(w.end_member(crc32(data), body.len() as u64, data.len() as u64));
    }
    let at = out.len() as u64;
    out.extend(w.finish(at));
    out
}

/// The offset of the `n`th central directory record of a zip.
fn central_record(file: &[u8], n: usize) -> usize {
    file.windows(4).enumerate().filter(|(_, w)| *w == b"PK\x01\x02").nth(n).unwrap().0
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

/// An input as evidence may name it, whether packed or not: its file name without a folder or `.gz`.
fn base_name(input: &Value) -> Value {
    let name = input["name"].as_str().unwrap();
    let file = name.rsplit('/').next().unwrap();
    Value::from(file.strip_suffix(".gz").unwrap_or(file))
}

/// The report without what only says where the inputs came from: the same for the same bytes read. Losses
/// and evidence name their input by its file name, not its place (a member in error takes a place).
fn verdict(report: &Value) -> Value {
    let mut v = report.clone();
    let names: Vec<Value> = v["inputs"].as_array().unwrap().iter().map(base_name).collect();
    let rename = |x: &mut Value| {
        let i = x["input"].as_u64().unwrap() as usize;
        x["input"] = names[i].clone();
    };
    for loss in v["losses"].as_array_mut().unwrap() {
        rename(loss);
    }
    for finding in v["findings"].as_array_mut().unwrap() {
        for e in finding["evidence"].as_array_mut().unwrap() {
            rename(e);
        }
    }
    let inputs: Vec<Value> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] != "skipped")
        .map(|i| {
            serde_json::json!({"kind": i["kind"], "bytes": i["bytes"], "entries": i["entries"],
            "origins": i["origins"], "creator": i["creator"], "warnings": i["warnings"]})
        })
        .collect();
    v["inputs"] = Value::Array(inputs);
    v
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_har_gz_gives_the_same_report_as_the_har() {
    let dir = scratch("gz");
    let har = read("recording.har");
    // Two gzip members back to back (what `cat a.gz b.gz` makes) are one stream.
    let cut = har.len() / 3;
    let mut gz = gzip(&har[..cut]);
    gz.extend(gzip(&har[cut..]));
    let file = dir.join("recording.har.gz");
    std::fs::write(&file, &gz).unwrap();
    let plain = harlens(&["analyze", "--format", "json", path(&testbed("recording.har"))]);
    let packed = harlens(&["analyze", "--format", "json", path(&file)]);
    assert_eq!(packed.status.code(), plain.status.code());
    assert_eq!(plain.status.code(), Some(1));
    let (plain, packed) = (json(&plain), json(&packed));
    assert_eq!(verdict(&packed), verdict(&plain));
    assert_eq!(packed["inputs"][0]["name"], "recording.har.gz");
    assert_eq!(packed["inputs"][0]["compression"], "gzip");
    assert!(plain["inputs"][0].get("compression").is_none());

    // From standard input too, and a gzipped log given with --log.
    let log_gz = dir.join("atlassian-jira.log.gz");
    std::fs::write(&log_gz, gzip(&read("atlassian-jira.log"))).unwrap();
    let from_stdin = piped(&["analyze", "--format", "json", "--log", path(&log_gz), "-"], &gz);
    let log = testbed("atlassian-jira.log");
    let unpacked = piped(&["analyze", "--format", "json", "--log", path(&log), "-"], &har);
    assert_eq!(verdict(&json(&from_stdin)), verdict(&json(&unpacked)));
    std::fs::remove_dir_all(dir).unwrap();
}

/// A support zip as Jira writes it, with the recording added: the application log in three rotations (one
/// gzipped, one without a final line break), the access log, the trusted-proxy list and files to skip.
fn support_zip() -> (Vec<u8>, Vec<&'static str>) {
    let log = read("atlassian-jira.log");
    let lines: Vec<usize> =
        log.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1).collect();
    let (a, b) = (lines[lines.len() / 3], lines[2 * lines.len() / 3]);
    let oldest = gzip(&log[..a]);
    let middle = &log[a..b - 1]; // its last line break is put back by the reader
    let files: Vec<(&str, Vec<u8>, bool)> = vec![
        ("application-config/dbconfig.xml", b"<jira-database-config/>".to_vec(), true),
        ("application-logs/atlassian-jira.log", log[b..].to_vec(), true),
        ("application-logs/atlassian-jira.log.1", middle.to_vec(), false),
        ("application-logs/atlassian-jira.log.2.gz", oldest, false),
        ("application-logs/atlassian-jira-http-access.log", read("atlassian-jira-http-access.log"), true),
        ("application-logs/atlassian-jira-security.log", b"2026-10-19 nothing\n".to_vec(), true),
        ("recording.har", read("recording.har"), true),
        ("trusted-proxies.txt", read("trusted-proxies.txt"), true),
    ];
    let refs: Vec<(&str, &[u8], bool)> = files.iter().map(|(n, d, z)| (*n, d.as_slice(), *z)).collect();
    (zip(&refs), files.iter().map(|f| f.0).collect())
}

fn unpacked_report() -> Output {
    harlens(&[
        "analyze",
        "--format",
        "json",
        "--trusted-proxies",
        &format!("@{}", path(&testbed("trusted-proxies.txt"))),
        "--log",
        path(&testbed("atlassian-jira-http-access.log")),
        "--log",
        path(&testbed("atlassian-jira.log")),
        path(&testbed("recording.har")),
    ])
}

#[test]
fn a_support_zip_gives_the_same_report_as_its_files_unpacked() {
    let dir = scratch("support");
    let (bytes, _) = support_zip();
    let file = dir.join("jira_support_2026-12-05.zip");
    std::fs::write(&file, &bytes).unwrap();
    let zipped = harlens(&["analyze", "--format", "json", path(&file)]);
    let unpacked = unpacked_report();
    assert_eq!(zipped.status.code(), unpacked.status.code(), "{}", String::from_utf8_lossy(&zipped.stderr));
    assert!(zipped.stderr.is_empty(), "{}", String::from_utf8_lossy(&zipped.stderr));
    let (zipped, unpacked) = (json(&zipped), json(&unpacked));
    assert_eq!(verdict(&zipped), verdict(&unpacked));
    assert_eq!(zipped["summary"]["primary_cause"], "proxy-address-change");

    let inputs = zipped["inputs"].as_array().unwrap();
    let listed: Vec<(&str, &str)> =
        inputs.iter().map(|i| (i["name"].as_str().unwrap(), i["kind"].as_str().unwrap())).collect();
    assert_eq!(
        listed,
        [
            ("trusted-proxies.txt", "trusted-proxies"),
            ("recording.har", "har"),
            ("application-logs/atlassian-jira-http-access.log", "jira-access"),
            ("application-logs/atlassian-jira.log", "application"),
            ("application-config/dbconfig.xml", "skipped"),
            ("application-logs/atlassian-jira-security.log", "skipped"),
        ]
    );
    assert!(inputs.iter().all(|i| i["archive"] == "jira_support_2026-12-05.zip"));
    let members: Vec<(&str, Option<&str>)> = inputs[3]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["name"].as_str().unwrap(), m["compression"].as_str()))
        .collect();
    assert_eq!(
        members,
        [
            ("application-logs/atlassian-jira.log.2.gz", Some("gzip")),
            ("application-logs/atlassian-jira.log.1", None),
            ("application-logs/atlassian-jira.log", None),
        ]
    );
    assert!(inputs[4]["skipped"].as_str().unwrap().contains("configuration"));

    // The same zip on standard input: kept in a temporary file, read the same.
    let from_stdin = piped(&["analyze", "--format", "json", "-"], &bytes);
    assert_eq!(verdict(&json(&from_stdin)), verdict(&zipped));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_zipped_har_and_a_zip_in_a_zip_one_level_deep() {
    let dir = scratch("nested");
    let har = read("recording.har");
    let inner = zip(&[("recording.har", &har, true)]);
    let outer = zip(&[("inner.zip", &inner, false), ("readme.md", b"see the zip", true)]);
    let file = dir.join("outer.zip");
    std::fs::write(&file, &outer).unwrap();
    let plain = json(&harlens(&["analyze", "--format", "json", path(&testbed("recording.har"))]));
    let once = json(&harlens(&["analyze", "--format", "json", path(&file)]));
    assert_eq!(verdict(&once), verdict(&plain));
    assert_eq!(once["inputs"][0]["archive"], "outer.zip > inner.zip");

    // One more level is refused, for that member only: the HAR beside it is read.
    let deepest = zip(&[("outer.zip", &outer, true), ("recording.har", &har, true)]);
    let file = dir.join("deepest.zip");
    std::fs::write(&file, deepest).unwrap();
    let out = harlens(&["analyze", "--format", "json", path(&file)]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("deepest.zip > outer.zip: inner.zip: an archive inside an archive inside an archive"),
        "{err}"
    );
    let report = json(&out);
    assert_eq!(verdict(&report), verdict(&plain));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_bomb_is_refused_and_the_rest_is_read() {
    let dir = scratch("bomb");
    let har = read("recording.har");
    // 40 MiB of one byte deflates to about 40 KiB: 1000:1.
    let zeros = vec![b' '; 40 << 20];
    let honest = zip(&[("bomb.har", &zeros, true), ("recording.har", &har, true)]);
    // The same, its directory lying about the size (4 KiB): only the meter sees it.
    let mut lying = honest.clone();
    let record = central_record(&lying, 0);
    lying[record + 24..record + 28].copy_from_slice(&4096u32.to_le_bytes());
    let plain = json(&harlens(&["analyze", "--format", "json", path(&testbed("recording.har"))]));
    for (name, bytes) in [("honest.zip", honest), ("lying.zip", lying)] {
        let file = dir.join(name);
        std::fs::write(&file, bytes).unwrap();
        let out = harlens(&["analyze", "--format", "json", path(&file)]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("{name}: bomb.har: expands more than 200:1")), "{err}");
        let report = json(&out);
        assert_eq!(verdict(&report)["summary"], verdict(&plain)["summary"], "{name}");
        assert_eq!(verdict(&report)["findings"], verdict(&plain)["findings"], "{name}");
        let bomb = report["inputs"].as_array().unwrap().iter().find(|i| i["name"] == "bomb.har").unwrap();
        assert!(bomb["error"].as_str().unwrap().contains("archive bomb"), "{bomb}");
    }
    // Raising the limit reads it (and the HAR reader then says what it is).
    let out = harlens(&["analyze", "--max-ratio", "2000", path(&dir.join("honest.zip"))]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("expands"), "{err}");
    // The total: a small one stops at the first member past it.
    let out = harlens(&["analyze", "--format", "json", "--max-total", "1K", path(&dir.join("honest.zip"))]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the inflated inputs exceed 1024 bytes in total"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn corrupt_truncated_encrypted_and_unsupported_members_are_named() {
    let dir = scratch("bad");
    let har = read("recording.har");
    let good = zip(&[("a.har", &har, true), ("b.har", &har, true), ("c.har", &har, true)]);
    let plain = json(&harlens(&["analyze", "--format", "json", path(&testbed("recording.har"))]));

    // a.har's data damaged in the middle; b.har encrypted (flag bit 0); c.har said to be bzip2 (method 12).
    let mut bad = good.clone();
    let middle = 30 + "a.har".len() + 200;
    for b in &mut bad[middle..middle + 64] {
        *b ^= 0x55;
    }
    let b = central_record(&bad, 1);
    bad[b + 8] |= 1;
    let c = central_record(&bad, 2);
    bad[c + 10..c + 12].copy_from_slice(&12u16.to_le_bytes());
    let file = dir.join("bad.zip");
    std::fs::write(&file, &bad).unwrap();
    let out = harlens(&["analyze", "--format", "json", path(&file)]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.zip: a.har: "), "{err}");
    assert!(err.contains("bad.zip: b.har: encrypted"), "{err}");
    assert!(err.contains("bad.zip: c.har: compressed with bzip2, which harlens does not read"), "{err}");
    let report = json(&out);
    let errors: Vec<&str> =
        report["inputs"].as_array().unwrap().iter().filter_map(|i| i["error"].as_str()).collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(report["summary"]["entries"].as_u64().unwrap() < plain["summary"]["entries"].as_u64().unwrap());

    // Truncated: the end of the zip is gone.
    let cut = dir.join("cut.zip");
    std::fs::write(&cut, &good[..good.len() / 2]).unwrap();
    let out = harlens(&["analyze", path(&cut)]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cut.zip: not a zip (no end of central directory record): truncated"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// The test bed's archives (tests/testbed/archives.mjs): for every scenario, `recording.har.zip` and
/// `support.zip` (Jira's logs, the application log in three rotations, the oldest gzipped) give the report
/// the files give unpacked.
#[test]
fn the_test_beds_archives_give_the_reports_of_their_files() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/testbed");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|d| d.unwrap().path())
        .filter(|p| p.join("expected.json").is_file())
        .collect();
    dirs.sort();
    let mut checked = 0;
    for dir in dirs {
        let file = |name: &str| dir.join(name).to_string_lossy().into_owned();
        assert!(
            dir.join("recording.har.zip").is_file(),
            "{}: run node tests/testbed/archives.mjs",
            dir.display()
        );
        let mut common = vec!["analyze".to_owned(), "--format".into(), "json".into()];
        if std::fs::read_to_string(dir.join("trusted-proxies.txt")).is_ok_and(|t| !t.trim().is_empty()) {
            common.extend(["--trusted-proxies".into(), format!("@{}", file("trusted-proxies.txt"))]);
        }
        let run = |more: &[String]| {
            let args: Vec<&str> = common.iter().chain(more).map(String::as_str).collect();
            harlens(&args)
        };
        let (zipped, unpacked) = if dir.join("support.zip").is_file() {
            (
                run(&["--log".into(), file("support.zip"), file("recording.har.zip")]),
                run(&[
                    "--log".into(),
                    file("atlassian-jira-http-access.log"),
                    "--log".into(),
                    file("atlassian-jira.log"),
                    file("recording.har"),
                ]),
            )
        } else {
            (run(&[file("recording.har.zip")]), run(&[file("recording.har")]))
        };
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(
            zipped.status.code(),
            unpacked.status.code(),
            "{name}: {}",
            String::from_utf8_lossy(&zipped.stderr)
        );
        assert!(zipped.stderr.is_empty(), "{name}: {}", String::from_utf8_lossy(&zipped.stderr));
        let (zipped, unpacked) = (json(&zipped), json(&unpacked));
        assert_eq!(verdict(&zipped), verdict(&unpacked), "{name}");
        // Same places too: the trusted list, the HAR, the access log, the application log, then what was skipped.
        assert_eq!(zipped["losses"], unpacked["losses"], "{name}");
        checked += 1;
    }
    assert!(checked >= 13, "{checked} scenarios");
}

/// The members of a zip file, inflated: (name, bytes), with the core's reader.
fn unzip(file: &[u8]) -> Vec<(String, Vec<u8>)> {
    use harlens::archive::zip;
    let tail = &file[file.len().saturating_sub(zip::TAIL_BYTES)..];
    let dir = zip::find_directory(tail, file.len() as u64).unwrap();
    let members = zip::read_directory(&file[dir.offset as usize..][..dir.size as usize], &dir).unwrap();
    members
        .iter()
        .map(|m| {
            let start = zip::data_offset(&file[m.header_offset as usize..], m).unwrap() as usize;
            let data = &file[start..start + m.compressed_size as usize];
            let bytes = match m.method {
                zip::Method::Deflate => {
                    let mut out = Vec::new();
                    std::io::Read::read_to_end(&mut flate2::read::DeflateDecoder::new(data), &mut out)
                        .unwrap();
                    out
                }
                _ => data.to_vec(),
            };
            assert_eq!(crc32(&bytes), m.crc32, "{}", m.name);
            (m.name.clone(), bytes)
        })
        .collect()
}

fn gunzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(data), &mut out).unwrap();
    out
}

/// The SSO token the recording's first login set: a secret the copy must not hold.
fn a_secret(har: &[u8]) -> String {
    let har: Value = serde_json::from_slice(har).unwrap();
    let entries = har["log"]["entries"].as_array().unwrap();
    let cookie = entries
        .iter()
        .flat_map(|e| e["response"]["cookies"].as_array().unwrap())
        .find(|c| c["name"] == "crowd.token_key" && c["value"].as_str().is_some_and(|v| v.len() > 8))
        .unwrap();
    cookie["value"].as_str().unwrap().to_owned()
}

#[test]
fn redact_keeps_the_form_gzip_and_zip() {
    let dir = scratch("redact");
    let har = read("recording.har");
    let secret = a_secret(&har);
    assert!(String::from_utf8_lossy(&har).contains(&secret));
    let plain = json(&harlens(&["analyze", "--format", "json", path(&testbed("recording.har"))]));

    // A .har.gz gives a .redacted.har.gz that is still diagnosable.
    let gz = dir.join("session.har.gz");
    std::fs::write(&gz, gzip(&har)).unwrap();
    let out = harlens(&["redact", path(&gz)]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let redacted = dir.join("session.redacted.har.gz");
    let text = gunzip(&std::fs::read(&redacted).unwrap());
    assert!(!String::from_utf8_lossy(&text).contains(&secret));
    let report = json(&harlens(&["analyze", "--format", "json", path(&redacted)]));
    assert_eq!(report["summary"], plain["summary"]);

    // A zip gives a zip of its redacted HARs; the log is left out, or kept as it is with --keep-others.
    let log = read("atlassian-jira.log");
    let archive = zip(&[
        ("a/first.har", &har, true),
        ("notes/atlassian-jira.log", &log, true),
        ("second.har", &har, false),
    ]);
    let file = dir.join("support.zip");
    std::fs::write(&file, archive).unwrap();
    let out = harlens(&["redact", path(&file)]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let members = unzip(&std::fs::read(dir.join("support.redacted.zip")).unwrap());
    let names: Vec<&str> = members.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["a/first.har", "second.har"]);
    for (_, bytes) in &members {
        assert!(!String::from_utf8_lossy(bytes).contains(&secret));
        let _: Value = serde_json::from_slice(bytes).unwrap();
    }
    // The same placeholders in both: one batch, one key.
    assert_eq!(members[0].1, members[1].1);
    let report = json(&harlens(&["analyze", "--format", "json", path(&dir.join("support.redacted.zip"))]));
    assert_eq!(report["summary"]["primary_cause"], plain["summary"]["primary_cause"]);

    let out = harlens(&["redact", "--keep-others", "-o", path(&dir.join("kept.zip")), path(&file)]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let members = unzip(&std::fs::read(dir.join("kept.zip")).unwrap());
    let names: Vec<&str> = members.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["a/first.har", "second.har", "notes/atlassian-jira.log"]);
    assert_eq!(members[2].1, log);
    std::fs::remove_dir_all(dir).unwrap();
}

/// A gzipped HAR in a zip is read by the analysis; `redact` inflates it too (it stopped at its gzip bytes), and
/// names its copy without the `.gz`: the copy is the inflated HAR, deflated as every member (the page names it
/// so too: tests/redact-archives-names.test.mjs).
#[test]
fn redact_reads_a_gzipped_har_in_a_zip() {
    let dir = scratch("redact-gz-member");
    let har = read("recording.har");
    let secret = a_secret(&har);
    let plain = json(&harlens(&["analyze", "--format", "json", path(&testbed("recording.har"))]));
    let gzipped = gzip(&har);
    let file = dir.join("support.zip");
    std::fs::write(
        &file,
        zip(&[("old/recording.har.gz", &gzipped, false), ("exports/session.GZ", &gzipped, true)]),
    )
    .unwrap();
    // Both members are read by the analysis: the recording twice.
    let analyzed = json(&harlens(&["analyze", "--format", "json", path(&file)]));
    assert_eq!(analyzed["summary"]["entries"], 2 * plain["summary"]["entries"].as_u64().unwrap());

    let out = harlens(&["redact", path(&file)]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let members = unzip(&std::fs::read(dir.join("support.redacted.zip")).unwrap());
    let names: Vec<&str> = members.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["old/recording.har", "exports/session"]);
    for (_, bytes) in &members {
        assert!(!String::from_utf8_lossy(bytes).contains(&secret));
        let _: Value = serde_json::from_slice(bytes).unwrap();
    }
    let report = json(&harlens(&["analyze", "--format", "json", path(&dir.join("support.redacted.zip"))]));
    assert_eq!(report["summary"]["primary_cause"], plain["summary"]["primary_cause"]);
    std::fs::remove_dir_all(dir).unwrap();
}
