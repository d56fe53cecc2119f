//! The properties harlens holds whatever its input, one function each, panicking when one fails. The fuzz
//! targets in `fuzz/` call them with libFuzzer's inputs (`npm run fuzz`), and `tests/properties.rs` calls
//! them deterministically, in `npm test`, with mutations of the fixtures drawn from fixed seeds.
//!
//! An input's first 8 bytes seed what the property varies (chunk sizes, options); the rest is the input.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed property panics

use harlens::analysis::Analyzer;
use harlens::monitor::Monitor;
use harlens::net::{
    parse_forwarded, parse_forwarded_lines, parse_xff, parse_xff_lines, Observation, Simulation,
    TrustedProxies,
};
use harlens::redact::{Options, Redactor, Shape};
use serde_json::Value;

/// A small deterministic generator (xorshift64*), for chunk sizes and mutations.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// The seed in the first 8 bytes and the input after them.
fn split(data: &[u8]) -> (Rng, &[u8]) {
    match data.split_first_chunk::<8>() {
        Some((seed, rest)) => (Rng::new(u64::from_le_bytes(*seed)), rest),
        None => (Rng::new(0), data),
    }
}

/// Chunk sizes covering `len` bytes: small ones for small inputs, a mix of tiny and large for large ones.
fn chunking(rng: &mut Rng, len: usize) -> Vec<usize> {
    let mut sizes = Vec::new();
    let mut left = len;
    let cap = (len / 3).max(1);
    while left > 0 {
        let size = match rng.below(4) {
            0 => 1 + rng.below(3),
            1 => 1 + rng.below(64),
            _ => 1 + rng.below(cap),
        }
        .min(left);
        sizes.push(size);
        left -= size;
    }
    sizes
}

fn chunks<'a>(input: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    let mut at = 0;
    sizes
        .iter()
        .map(|&n| {
            let part = &input[at..at + n];
            at += n;
            part
        })
        .collect()
}

/// The JSON report of an input read (as a HAR, or a log) in these chunks, or the error message.
fn analyze(parts: &[&[u8]], log: bool) -> Result<String, String> {
    let mut analyzer = Analyzer::new();
    if log {
        analyzer.begin_log("input");
    } else {
        analyzer.begin_input("input");
    }
    for part in parts {
        analyzer.push(part).map_err(|e| e.to_string())?;
    }
    analyzer.end_input().map_err(|e| e.to_string())?;
    analyzer.finish().to_json().map_err(|e| e.to_string())
}

/// The scanner reads the same report whatever the chunks (or fails with the same located error).
pub fn scanner_chunking(data: &[u8]) {
    let (mut rng, input) = split(data);
    let whole = analyze(&[input], false);
    for _ in 0..3 {
        let sizes = chunking(&mut rng, input.len());
        let chunked = analyze(&chunks(input, &sizes), false);
        assert_eq!(chunked, whole, "chunks {sizes:?}");
    }
}

/// Two passes in these chunks: the output, and the values replaced (secrets only).
fn redact(input: &[u8], options: Options, sizes: &[usize]) -> Result<(Vec<u8>, Vec<String>), String> {
    let key = b"property test key, fixed";
    let mut first = Redactor::first_pass(options, key);
    let mut out = Vec::new();
    for part in chunks(input, sizes) {
        first.feed(part, false, &mut out).map_err(|e| e.to_string())?;
    }
    first.feed(&[], true, &mut out).map_err(|e| e.to_string())?;
    assert!(out.is_empty(), "the first pass wrote {} bytes", out.len());
    let mut second = first.next(false);
    for part in chunks(input, sizes) {
        second.feed(part, false, &mut out).map_err(|e| e.to_string())?;
    }
    second.feed(&[], true, &mut out).map_err(|e| e.to_string())?;
    let secrets = second
        .learnt()
        .copies()
        .values()
        .filter(|(_, shape)| *shape == Shape::Secret)
        .map(|(v, _)| v.to_owned())
        .collect();
    Ok((out, secrets))
}

/// Every string, member name and number of a JSON value.
fn texts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(items) => items.iter().for_each(|v| texts(v, out)),
        Value::Object(members) => {
            for (k, v) in members {
                out.push(k.clone());
                texts(v, out);
            }
        }
        _ => {}
    }
}

/// The entries a report read from its first input.
fn entries(report: &str) -> u64 {
    let v: Value = serde_json::from_str(report).unwrap();
    v["inputs"][0]["entries"].as_u64().unwrap()
}

/// The sanitizer accepts exactly what the analysis accepts; what it writes is strict JSON, the same bytes
/// whatever the chunks, with the same entries, and none of the secrets it replaced anywhere in it.
pub fn redactor(data: &[u8]) {
    let (mut rng, input) = split(data);
    let options = match rng.below(3) {
        0 => Options::default(),
        1 => Options::all(),
        _ => Options { post_bodies: false, response_bodies: false, ..Options::all() },
    };
    let analysis = analyze(&[input], false);
    let whole = redact(input, options, &[input.len()]);
    assert_eq!(
        whole.is_ok(),
        analysis.is_ok(),
        "one tolerance policy: analysis {:?}, sanitizer {:?}",
        analysis.as_ref().err(),
        whole.as_ref().err()
    );
    let sizes = chunking(&mut rng, input.len());
    let chunked = redact(input, options, &sizes);
    assert_eq!(chunked, whole, "chunks {sizes:?}");
    let (Ok(report), Ok((out, secrets))) = (analysis, whole) else { return };
    let value: Value = serde_json::from_slice(&out).unwrap_or_else(|e| {
        panic!("the output is not strict JSON: {e}: {}", String::from_utf8_lossy(&out));
    });
    let again = analyze(&[&out], false).unwrap_or_else(|e| panic!("the output does not read: {e}"));
    assert_eq!(entries(&again), entries(&report), "the same entries");
    let mut strings = Vec::new();
    texts(&value, &mut strings);
    for secret in &secrets {
        if let Some(text) = strings.iter().find(|t| t.contains(secret.as_str())) {
            panic!("`{secret}` survives in `{text}`");
        }
    }
}

/// A first line of each log format, so that the fuzzer explores the format's line parser.
pub const LOG_FORMATS: [&str; 4] = [
    "127.0.0.10 840x107901x1 - [19/Oct/2026:14:00:00 +0000] \"GET /track/browse/APS-3982 HTTP/1.1\" 302 - 3 \"-\" \"Mozilla/5.0\" \"-\"\n",
    "2026-10-19 14:00:01,734+0000 http-nio-8080-exec-5 url: /track/login.jsp; user: anonymous DEBUG anonymous 840x107905x1 bobn14 127.0.0.1 /track/login.jsp [o.a.h.wire] http-outgoing-2 >> \"POST /crowd/rest/usermanagement/1/session HTTP/1.1[\\r][\\n]\"\n",
    "63.246.22.196,172.16.1.187 | https | i@1S969HQx1015x832x0 | - | 2019-01-31 16:55:45,557 | \"GET /scm/project/repo.git/info/refs HTTP/1.1\" | \"\" \"git/1.8.3.1\" | - | - | - | - | - | - |\n",
    "[19/Oct/2021:11:58:02 -0500] v3ry8 http-nio-8090-exec-4 10.444.222.10 GET /wiki/rest/quickreload/latest/2129924?since=1634662682000 HTTP/1.1 200 12ms 152 - Mozilla/5.0\n",
];

/// A log reader (`format`: an index into [`LOG_FORMATS`], whose line starts the input) gives the same report
/// whatever the chunks, and each line parser takes any line.
pub fn log_reader(format: usize, data: &[u8]) {
    let (mut rng, rest) = split(data);
    let mut input = LOG_FORMATS[format % LOG_FORMATS.len()].as_bytes().to_vec();
    input.extend_from_slice(rest);
    let whole = analyze(&[&input], true);
    let sizes = chunking(&mut rng, input.len());
    assert_eq!(analyze(&chunks(&input, &sizes), true), whole, "chunks {sizes:?}");
    for (n, line) in String::from_utf8_lossy(rest).lines().enumerate().take(64) {
        let _ = harlens::logs::parse_access_line(n as u64, line);
        let _ = harlens::logs::parse_bitbucket_line(n as u64, line);
        let _ = harlens::logs::parse_confluence_access_line(n as u64, line);
    }
}

/// A trusted-proxy list is refused exactly when the lenient reading finds unreadable entries, and whatever it
/// holds, the resolution of a request through it renders as text and as JSON.
pub fn trusted_list(data: &[u8]) {
    let (mut rng, rest) = split(data);
    let text = String::from_utf8_lossy(rest);
    let (list, errors) = TrustedProxies::parse_lenient(&text);
    let strict = TrustedProxies::parse(&text);
    assert_eq!(strict.is_ok(), errors.is_empty(), "{text:?}");
    for e in &list.entries {
        let _ = (e.pattern.describe(), e.name());
    }
    for e in &errors {
        let _ = e.to_string();
    }
    let _ = list.warnings();
    let remote = ["192.0.2.10", "2001:db8::10", "127.0.0.1"][rng.below(3)].parse().unwrap();
    let xff = text.lines().take(3).map(str::to_owned).collect();
    render(Simulation::new(list, Observation { remote_address: remote, x_forwarded_for: xff }));
}

fn render(simulation: Simulation) {
    let _ = simulation.render_text();
    let json = simulation.to_json().unwrap();
    let _: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
}

/// X-Forwarded-For and Forwarded headers of any shape parse, and resolve through a trusted list.
pub fn xff(data: &[u8]) {
    let (mut rng, rest) = split(data);
    let text = String::from_utf8_lossy(rest);
    let _ = parse_xff(&text);
    let _ = parse_xff_lines(text.lines());
    let _ = parse_forwarded(&text);
    let _ = parse_forwarded_lines(text.lines());
    let trusted =
        ["", "192.0.2.10, 10.0.0.0/8", "192.168.*.*, 2001:db8::/32, proxy.example.test"][rng.below(3)];
    let list = TrustedProxies::parse(trusted).unwrap();
    let remote = ["192.0.2.10", "10.1.2.3", "2001:db8::1"][rng.below(3)].parse().unwrap();
    render(Simulation::new(
        list,
        Observation { remote_address: remote, x_forwarded_for: text.lines().map(str::to_owned).collect() },
    ));
}

/// The live monitor takes entries of any shape one line at a time (alerts that serialize, errors for what
/// is not an entry), and accepts every entry the analysis reads.
pub fn monitor(data: &[u8]) {
    let (mut rng, rest) = split(data);
    let mut monitor = Monitor::new();
    let replay = rng.below(4) == 0;
    if replay {
        monitor.begin_replay();
    }
    for line in rest.split(|&b| b == b'\n') {
        let result = monitor.push_entry(line);
        if let Ok(alerts) = &result {
            let _ = serde_json::to_string(alerts).unwrap();
        }
        // The same entry as the only one of a HAR: if the analysis reads it (not skipped as unreadable),
        // the monitor must too. Only a line that is one JSON value is one entry: `{..}],"x":[{..}` makes a
        // HAR of one entry too.
        if harlens::har::json::normalize(line).is_err() {
            continue;
        }
        let mut har = b"{\"log\":{\"entries\":[".to_vec();
        har.extend_from_slice(line);
        har.extend_from_slice(b"]}}");
        if let Ok(report) = analyze(&[&har], false) {
            let read = entries(&report) == 1 && !report.contains("\"unreadable-entry\"");
            assert!(
                !read || result.is_ok(),
                "the analysis reads the entry, the monitor refuses it: {result:?}"
            );
        }
    }
    if replay {
        monitor.end_replay();
    }
}

/// Values JSON forbids or that need redacting, to put where a value goes: what the abuse pass found.
const VALUES: [&str; 14] = [
    "\"a\\ud800b\"",
    "\"\\udc00\"",
    "1e999",
    "18446744073709551616",
    "-6.78e+90",
    "12345",
    "\"\\u001b]52;c;aGk=\\u0007\"",
    "\"a\u{1}b\"",
    "\"bad \\q escape\"",
    "\"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtdXNlciJ9.c2lnbmF0dXJl\"",
    "{\"name\":\"Cookie\",\"value\":[\"JSESSIONID=SECRETVALUE1.node1\"]}",
    "{\"value\":\"crowd.token_key=SECRETVALUE2\"}",
    "\"https://h.example.test/x?access_token=SECRETVALUE3&utmcc=__utma%3DSECRETVALUE1.node1%3B\"",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
];

/// Bytes to splice anywhere: broken structure, escapes, control bytes.
const TOKENS: [&str; 10] = ["\\ud800", "\"", "\\", "{", "}", "[", "]", ",", ":", "\u{1b}[2J"];

/// Where `needle` ends in `hay`, searching from a random place (or the start).
fn after(hay: &[u8], needle: &[u8], rng: &mut Rng) -> Option<usize> {
    let from = if rng.below(2) == 0 { 0 } else { rng.below(hay.len()) };
    let find = |from: usize| {
        hay[from..].windows(needle.len()).position(|w| w == needle).map(|i| from + i + needle.len())
    };
    find(from).or_else(|| find(0))
}

/// Mutations of a seed input: byte flips, cut and duplicated ranges, stray structure; and, what the abuse pass
/// found, hostile values put where values go (a new member of an object, a new element of `log.entries`) and
/// duplicate `log` and `entries` members.
pub fn mutate(seed: &[u8], rng: &mut Rng, max: usize) -> Vec<u8> {
    let mut out = seed[..seed.len().min(max)].to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(out.len() + 1);
        let value = VALUES[rng.below(VALUES.len())];
        let insert: Option<(usize, String)> = match rng.below(9) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
                None
            }
            1 => Some((at, TOKENS[rng.below(TOKENS.len())].to_owned())),
            2 => {
                let end = (at + rng.below(64)).min(out.len());
                out.drain(at..end);
                None
            }
            3 => {
                let end = (at + rng.below(256)).min(out.len());
                let copy = String::from_utf8_lossy(&out[at..end]).into_owned();
                Some((rng.below(out.len() + 1), copy))
            }
            4 => {
                out.truncate(at);
                None
            }
            5 | 6 => after(&out, b"{", rng).map(|i| (i, format!("\"_x\":{value},"))),
            7 => after(&out, b"\"entries\":[", rng)
                .or_else(|| after(&out, b"\"entries\": [", rng))
                .map(|i| (i, format!("{value},"))),
            _ => match rng.below(2) {
                0 => after(&out, b"\"log\":{", rng)
                    .or_else(|| after(&out, b"\"log\": {", rng))
                    .map(|i| (i, "\"entries\":[{\"time\":1}],".to_owned())),
                _ => after(&out, b"{", rng).map(|i| (i, "\"log\":{\"entries\":[7]},".to_owned())),
            },
        };
        if let Some((at, text)) = insert {
            out.splice(at..at, text.into_bytes());
        }
    }
    out.truncate(max);
    out
}

/// Any bytes read as a zip: the directory reader, the reading plan, the member checks and the content
/// classification answer or refuse, never panic, and never ask for bytes beyond the file. What the zip writer
/// writes (names and data from the input) reads back the same, and a CRC-32 is the same whatever the chunks.
pub fn archive(data: &[u8]) {
    use harlens::archive::members::{classify_content, classify_name, plan};
    use harlens::archive::write::{Compression, ZipWriter};
    use harlens::archive::{crc32, zip, Crc32, Limits, Meter};

    let (mut rng, rest) = split(data);
    let len = rest.len() as u64;
    let tail = &rest[rest.len().saturating_sub(zip::TAIL_BYTES)..];
    if let Ok(dir) = zip::find_directory(tail, len) {
        assert!(dir.offset + dir.size <= len, "the directory is inside the file: {dir:?}");
        let bytes = &rest[dir.offset as usize..(dir.offset + dir.size) as usize];
        if let Ok(members) = zip::read_directory(bytes, &dir) {
            let plan = plan(members.iter().map(|m| m.name.as_str()));
            for read in &plan.reads {
                assert!(!read.members.is_empty());
                for &i in &read.members {
                    assert!(i < members.len());
                }
            }
            for m in &members {
                let _ = (
                    m.readable(),
                    m.method.name(),
                    Limits::default().check_declared(m.compressed_size, m.size, 0),
                );
                let Some(header) = rest.get(m.header_offset as usize..) else { continue };
                if let Ok(start) = zip::data_offset(header, m) {
                    let named = classify_name(&m.name);
                    let head = rest.get(start as usize..).unwrap_or_default();
                    let _ = classify_content(&named.class, &head[..head.len().min(4096)]);
                }
            }
        }
    }

    // Names of any shape.
    for line in String::from_utf8_lossy(rest).lines().take(64) {
        let _ = classify_name(line);
    }

    // CRC-32 in chunks, and the meter with any counts.
    let mut crc = Crc32::new();
    let mut at = 0;
    for size in chunking(&mut rng, rest.len()) {
        crc.update(&rest[at..at + size]);
        at += size;
    }
    assert_eq!(crc.value(), crc32(rest));
    let mut meter = Meter::new(Limits {
        max_ratio: 1 + rng.below(300) as u64,
        ratio_grace: rng.below(1 << 16) as u64,
        max_total: rng.next() >> rng.below(64),
    });
    for chunk in rest.chunks(7).take(32) {
        meter.begin();
        let _ = meter.add(u64::from(chunk[0]), chunk.iter().map(|&b| u64::from(b) << 8).sum());
    }

    // Written, then read back.
    let mut writer = ZipWriter::new();
    let mut file = Vec::new();
    let mut expected = Vec::new();
    for (n, piece) in rest.chunks(1 + rng.below(64)).take(16).enumerate() {
        let name = format!("{n}/{}", String::from_utf8_lossy(&piece[..piece.len().min(12)]));
        let at = file.len() as u64;
        file.extend(writer.begin_member(&name, Compression::Stored, at));
        file.extend_from_slice(piece);
        file.extend(writer.end_member(crc32(piece), piece.len() as u64, piece.len() as u64));
        expected.push((name, piece.to_vec()));
    }
    let at = file.len() as u64;
    file.extend(writer.finish(at));
    let tail = &file[file.len().saturating_sub(zip::TAIL_BYTES)..];
    let dir = zip::find_directory(tail, file.len() as u64).unwrap();
    let members =
        zip::read_directory(&file[dir.offset as usize..(dir.offset + dir.size) as usize], &dir).unwrap();
    assert_eq!(members.len(), expected.len());
    for (m, (name, data)) in members.iter().zip(&expected) {
        assert_eq!(&m.name, name);
        let start = zip::data_offset(&file[m.header_offset as usize..], m).unwrap() as usize;
        assert_eq!(&file[start..start + m.compressed_size as usize], data.as_slice());
        assert_eq!(m.crc32, crc32(data));
    }
}
