//! The `harlens` command line: the same analysis as the page and the extension, for terminals and scripts.
//!
//! Exit status (DESIGN.md): 0 analysis done and no session-loss problem found; 1 a problem found; 2 usage or
//! input error, with the file, the place and what was expected on stderr.

mod inputs;
mod output;

use std::fs::File;
use std::io::{self, IsTerminal, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use harlens::escape::{terminal, terminal_lines};
use harlens::net::{parse_remote_address, Observation, Simulation, TrustedProxies};
use harlens::redact::{Batch, Options as RedactOptions, Summary as RedactSummary};
use harlens::report::{render_markdown, render_text};
use harlens::Analyzer;
use output::Output;

/// Explains why a user of Jira, Confluence or Bitbucket behind Crowd SSO was logged out, from HAR files.
#[derive(Debug, Parser)]
#[command(name = "harlens", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Reads HAR files and reports what they show about the user's sessions.
    Analyze {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Write the report to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Crowd's trusted proxy servers (commas or newlines), or @FILE to read them from a file.
        #[arg(long, value_name = "LIST|@FILE")]
        trusted_proxies: Option<String>,
        /// The SSO cookie's name, when Crowd's cookie.tokenkey renamed it (found by itself otherwise: known
        /// names such as crowd.token_key and *.tokenkey, or the cookie set with a Domain at the login).
        #[arg(long, value_name = "NAME")]
        sso_cookie: Option<String>,
        /// A server log: Jira's access log, atlassian-jira.log (with DEBUG org.apache.http wire lines),
        /// atlassian-crowd.log, Confluence's or Bitbucket's logs; the format is detected. Repeatable.
        #[arg(long = "log", value_name = "FILE")]
        logs: Vec<PathBuf>,
        /// Largest expansion of an archive member or gzip input (inflated bytes per compressed byte, counted
        /// after its first 16 MiB); beyond it the member is refused as an archive bomb.
        #[arg(long, value_name = "N", default_value_t = harlens::archive::limits::DEFAULT_MAX_RATIO)]
        max_ratio: u64,
        /// Largest total of bytes inflated from gzip inputs and archive members (suffixes K, M, G).
        #[arg(long, value_name = "SIZE", default_value = "8G", value_parser = parse_size)]
        max_total: u64,
        /// HAR files to read ("-" reads standard input). gzip (.har.gz) and zip files (a zipped HAR, a
        /// product's support zip: its HARs, logs and trusted-proxy list are found by name) are read as they
        /// are; a zip on standard input is kept in a temporary file meanwhile.
        #[arg(value_name = "HAR", required = true)]
        hars: Vec<PathBuf>,
    },
    /// Writes a sanitized copy of HAR files: secrets become stable placeholders (HMAC under a key drawn for
    /// this run and never stored), what the diagnosis reads keeps its shape. A summary goes to stderr.
    Redact {
        /// Write the copy to FILE ("-": standard output). Default: `NAME.redacted.har` next to each input,
        /// standard output for standard input.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Keep posted bodies and response bodies.
        #[arg(long)]
        keep_bodies: bool,
        /// Keep posted bodies (form and JSON values are redacted by default).
        #[arg(long)]
        keep_post_bodies: bool,
        /// Keep response bodies (HTML, JS, CSS, JSON and other text are dropped by default; the size stays).
        #[arg(long)]
        keep_response_bodies: bool,
        /// Also replace user names (X-AUSERNAME, user names in URLs).
        #[arg(long)]
        usernames: bool,
        /// Also replace IP addresses (serverIPAddress, IP hosts, X-Forwarded-For).
        #[arg(long)]
        ips: bool,
        /// Also replace host names (label by label; the top-level domain and cookie domain matching stay).
        #[arg(long)]
        hostnames: bool,
        /// Same as --usernames --ips --hostnames.
        #[arg(long)]
        all: bool,
        /// HAR files to sanitize ("-" reads standard input); files redacted together share placeholders.
        #[arg(value_name = "HAR", required = true)]
        hars: Vec<PathBuf>,
    },
    /// Lists the causes harlens can name (the rule registry).
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// Shows how Crowd resolves one request's client address from its trusted-proxy list, under the
    /// documented rule and under the shipped all-or-nothing code, and what to trust to reach the user.
    Proxies {
        /// Crowd's trusted proxy servers, separated by commas or newlines, or @FILE to read them from a file.
        #[arg(long, value_name = "LIST|@FILE")]
        trusted: String,
        /// The app's TCP peer: the `remote_address` validation factor.
        #[arg(long, value_name = "IP")]
        remote: String,
        /// The X-Forwarded-For header the app received, e.g. "203.0.113.7, 192.0.2.10". Repeat it for a
        /// header sent on several lines (Crowd sees only the first).
        #[arg(long, value_name = "CHAIN")]
        xff: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TextOrJson {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
}

/// Reading in blocks of this size keeps memory flat and the number of read calls low.
const CHUNK: usize = 1 << 20;
/// Inputs smaller than this finish before a progress line would be worth drawing.
const PROGRESS_MIN_BYTES: u64 = 16 << 20;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze {
            format,
            output,
            trusted_proxies,
            sso_cookie,
            logs,
            max_ratio,
            max_total,
            hars,
        } => {
            let limits = harlens::archive::Limits { max_ratio, max_total, ..Default::default() };
            analyze(
                format,
                output.as_deref(),
                trusted_proxies.as_deref(),
                sso_cookie.as_deref(),
                &logs,
                &hars,
                limits,
            )
        }
        Command::Redact {
            output,
            keep_bodies,
            keep_post_bodies,
            keep_response_bodies,
            usernames,
            ips,
            hostnames,
            all,
            hars,
        } => {
            let options = RedactOptions {
                post_bodies: !(keep_bodies || keep_post_bodies),
                response_bodies: !(keep_bodies || keep_response_bodies),
                usernames: usernames || all,
                ips: ips || all,
                hostnames: hostnames || all,
                ..RedactOptions::default()
            };
            redact(options, output.as_deref(), &hars)
        }
        Command::Rules { format } => list_rules(format),
        Command::Proxies { trusted, remote, xff, format } => proxies(&trusted, &remote, &xff, format),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            // Messages quote file names and input: nothing in them may act on the terminal.
            eprintln!("harlens: {}", terminal_lines(&message));
            ExitCode::from(2)
        }
    }
}

fn analyze(
    format: Format,
    output: Option<&Path>,
    trusted: Option<&str>,
    sso_cookie: Option<&str>,
    logs: &[PathBuf],
    hars: &[PathBuf],
    limits: harlens::archive::Limits,
) -> Result<ExitCode, String> {
    // Checked before reading anything: the report must never replace one of the inputs.
    let out = match output {
        Some(path) => {
            let mut inputs: Vec<&Path> = hars.iter().chain(logs).map(PathBuf::as_path).collect();
            if let Some(list) = trusted.and_then(|t| t.strip_prefix('@')) {
                inputs.push(Path::new(list));
            }
            Output::file(path, &inputs)?
        }
        None => Output::stdout(),
    };
    let (report, member_errors) = match read_all(trusted, sso_cookie, logs, hars, limits) {
        Ok(read) => read,
        Err(message) => return Err(with_note(message, &out)),
    };
    let rendered = match format {
        Format::Json => report.to_json().map_err(|e| format!("cannot write the JSON report: {e}"))?,
        // The renderers escape what they quote; this is the last guard before a terminal or a file.
        Format::Markdown => terminal_lines(&render_markdown(&report)).into_owned(),
        Format::Text => terminal_lines(&render_text(&report)).into_owned(),
    };
    write_whole(out, rendered.as_bytes())?;
    // Members of archives that could not be read: the report lists them and the rest was read, but the
    // answer may lack them, so the exit status is that of an input error.
    for message in &member_errors {
        eprintln!("harlens: {}", terminal_lines(message));
    }
    if !member_errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    Ok(if report.has_problem() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `8G`, `512M`, `100K` or a byte count.
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let shift = match unit.to_ascii_uppercase().trim_end_matches(['B', 'I']) {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => return Err(format!("`{text}`: expected a size such as 8G, 512M or 100000")),
    };
    let n: u64 =
        digits.parse().map_err(|_| format!("`{text}`: expected a size such as 8G, 512M or 100000"))?;
    n.checked_mul(1 << shift).ok_or_else(|| format!("`{text}` is too large"))
}

/// Every input through the analysis, in the report's order: the trusted list, the HARs, the logs; with the
/// errors of archive members that could not be read (the rest was).
fn read_all(
    trusted: Option<&str>,
    sso_cookie: Option<&str>,
    logs: &[PathBuf],
    hars: &[PathBuf],
    limits: harlens::archive::Limits,
) -> Result<(harlens::Report, Vec<String>), String> {
    let mut analyzer = Analyzer::new();
    if let Some(name) = sso_cookie {
        if name.trim().is_empty() || name.contains(['=', ';', ' ']) {
            return Err(format!("--sso-cookie: `{name}` is not a cookie name"));
        }
        analyzer.set_sso_cookie(name);
    }
    if let Some(trusted) = trusted {
        let (source, list) = list_argument(trusted, "trusted proxies")?;
        analyzer.set_trusted_proxies(&source, &list).map_err(|e| multiline(&e.to_string()))?;
    }
    let mut archives = inputs::Archives::new(limits, trusted.is_some());
    for path in hars {
        inputs::read(&mut analyzer, &mut archives, path, inputs::Role::Har)?;
    }
    for path in logs {
        inputs::read(&mut analyzer, &mut archives, path, inputs::Role::Log)?;
    }
    Ok((analyzer.finish(), archives.errors))
}

/// Writes `bytes` and puts the output in place, or says what became of the target.
fn write_whole(mut out: Output, bytes: &[u8]) -> Result<(), String> {
    let shown = out.shown().to_owned();
    match out.write_all(bytes) {
        // A closed pipe (`| head`) is not an error worth reporting.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe && out.is_stdout() => Ok(()),
        Err(e) => Err(with_note(format!("{shown}: cannot write: {e}"), &out)),
        Ok(()) => out.commit(),
    }
}

/// An error message, and what became of the output's target.
fn with_note(message: String, out: &Output) -> String {
    match out.abandoned() {
        Some(note) => format!("{message}\nharlens: {note}"),
        None => message,
    }
}

/// Sanitizes each input into its own output, all with one key (so placeholders match across the files), in
/// two passes: the first reads every input and learns each value it will replace, the second writes the
/// outputs with those values and all their copies replaced. Standard input, which cannot be read twice, is
/// kept in a temporary file meanwhile (nameless on Unix: nothing is left behind whatever happens).
fn redact(options: RedactOptions, output: Option<&Path>, hars: &[PathBuf]) -> Result<ExitCode, String> {
    if output.is_some() && hars.len() > 1 {
        return Err(
            "-o names one output: give one HAR, or none to write NAME.redacted.har for each".to_owned()
        );
    }
    // No output may replace any input, its own or another's (`harlens redact a.har a.redacted.har`): all are
    // checked before anything is read.
    let inputs: Vec<&Path> = hars.iter().map(PathBuf::as_path).filter(|p| p.as_os_str() != "-").collect();
    let mut outs = Vec::with_capacity(hars.len());
    for path in hars {
        outs.push(match output {
            Some(out) if out.as_os_str() == "-" => Output::stdout(),
            Some(out) => Output::file(out, &inputs)?,
            None if path.as_os_str() == "-" => Output::stdout(),
            None => Output::file(&redacted_name(path), &inputs)?,
        });
    }
    let note = |message: String, outs: &[Output]| outs.iter().fold(message, with_note);
    let key = random_key()?;
    let mut batch = Batch::new(options, &key).map_err(|e| e.to_string())?;
    let mut spools = Vec::with_capacity(hars.len());
    for path in hars {
        let spool =
            if path.as_os_str() == "-" { Some(output::spool().map_err(|e| note(e, &outs))?) } else { None };
        let (reader, total) = open_input(path).map_err(|e| note(e, &outs))?;
        let label = format!("{} (reading, 1/2)", input_display(path));
        let mut tee = spool.as_ref().map(|(file, _)| file);
        let mut keep = |bytes: &[u8]| match tee.as_mut() {
            Some(file) => file
                .write_all(bytes)
                .map_err(|e| format!("cannot keep standard input in a temporary file: {e}")),
            None => Ok(()),
        };
        redact_pass(&mut batch, Pass::Collect, reader, total, &label, &mut keep, &mut |_| Ok(()))
            .map_err(|e| note(e, &outs))?;
        spools.push(spool);
    }
    let mut total = RedactSummary::default();
    for ((path, mut out), spool) in hars.iter().zip(outs).zip(spools) {
        let (reader, size): (Box<dyn Read + Send>, Option<u64>) = match &spool {
            Some((file, _)) => {
                let mut file =
                    file.try_clone().map_err(|e| format!("the temporary copy of standard input: {e}"))?;
                let size = file.seek(SeekFrom::End(0)).ok();
                file.seek(SeekFrom::Start(0))
                    .map_err(|e| format!("the temporary copy of standard input: {e}"))?;
                (Box::new(file), size)
            }
            None => open_input(path)?,
        };
        let label = format!("{} (writing, 2/2)", input_display(path));
        let shown = out.shown().to_owned();
        let result =
            redact_pass(&mut batch, Pass::Write, reader, size, &label, &mut |_| Ok(()), &mut |bytes| {
                out.write_all(bytes).map_err(|e| format!("{shown}: cannot write: {e}"))
            });
        if let Some((_, Some(name))) = &spool {
            output::remove_spool(name);
        }
        let summary = match result {
            Ok(summary) => out.commit().map(|()| summary)?,
            Err(message) => return Err(with_note(message, &out)),
        };
        let name = input_display(path);
        eprintln!("harlens: {} -> {}: {}", terminal(&name), terminal(&shown), summary.describe());
        // What the input does that JSON or HAR does not, as `analyze` lists it: tolerated, but worth knowing.
        for w in batch.warnings() {
            let times = if w.count > 1 { format!(" ({} times)", w.count) } else { String::new() };
            eprintln!("harlens: {}: warning: {}{times}", terminal(&name), terminal(&w.message));
        }
        total.add(&summary);
    }
    if hars.len() > 1 {
        eprintln!("harlens: {} files: {}", hars.len(), total.describe());
    }
    Ok(ExitCode::SUCCESS)
}

/// The per-run redaction key, from the OS; never stored or printed.
#[cfg(not(target_arch = "wasm32"))]
fn random_key() -> Result<[u8; 32], String> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| format!("cannot draw a random key: {e}"))?;
    Ok(key)
}

/// The CLI is built for wasm32 only as a side effect of `--all-targets`; the browser uses StreamingRedactor.
#[cfg(target_arch = "wasm32")]
fn random_key() -> Result<[u8; 32], String> {
    Err("no OS random source on this target".to_owned())
}

/// `x.har` -> `x.redacted.har`, next to the input.
fn redacted_name(path: &Path) -> PathBuf {
    let stem = path.file_stem().map_or_else(|| "output".into(), |s| s.to_string_lossy().into_owned());
    path.with_file_name(format!("{stem}.redacted.har"))
}

fn input_display(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// The pass of a [`Batch`] a file goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    Collect,
    Write,
}

/// Streams one input through one pass of the batch: `input` sees each chunk read (the first pass keeps
/// standard input with it), `output` the output as it is ready (the second pass writes it).
fn redact_pass(
    batch: &mut Batch,
    pass: Pass,
    reader: Box<dyn Read + Send>,
    total: Option<u64>,
    label: &str,
    input: &mut dyn FnMut(&[u8]) -> Result<(), String>,
    output: &mut dyn FnMut(&[u8]) -> Result<(), String>,
) -> Result<RedactSummary, String> {
    let display = label.split(" (").next().unwrap_or(label).to_owned();
    let mut progress = Progress::new(label, total);
    let mut ready = Vec::with_capacity(CHUNK);
    let mut feed = |batch: &mut Batch, chunk: &[u8], eof: bool| -> Result<(), String> {
        match pass {
            Pass::Collect => batch.collect(chunk, eof),
            Pass::Write => batch.write(chunk, eof, &mut ready),
        }
        .map_err(|e| format!("{display}: {e}"))?;
        output(&ready)?;
        ready.clear();
        Ok(())
    };
    let result = stream_chunks(reader, &display, |chunk| {
        input(chunk)?;
        feed(batch, chunk, false)?;
        progress
            .update(harlens::analysis::Progress { bytes: batch.bytes_consumed(), entries: batch.entries() });
        Ok(())
    })
    .and_then(|()| feed(batch, &[], true))
    .map(|()| *batch.summary());
    progress.clear();
    result
}

fn list_rules(format: TextOrJson) -> Result<ExitCode, String> {
    let text = match format {
        TextOrJson::Json => {
            serde_json::to_string_pretty(harlens::rules::REGISTRY).map_err(|e| e.to_string())? + "\n"
        }
        TextOrJson::Text => harlens::rules::REGISTRY
            .iter()
            .map(|r| format!("{:<28} {}\n{:<28} {}\n", r.id, r.title, "", r.summary))
            .collect(),
    };
    write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Puts one request through Crowd's proxy logic. Exit 0 whatever the verdict: this command explains, it does
/// not judge a recording.
fn proxies(trusted: &str, remote: &str, xff: &[String], format: TextOrJson) -> Result<ExitCode, String> {
    let (source, list) = list_argument(trusted, "--trusted")?;
    let trusted = TrustedProxies::parse(&list).map_err(|e| {
        e.errors.iter().map(|err| format!("{source}: {err}")).collect::<Vec<_>>().join("\nharlens: ")
    })?;
    let remote = parse_remote_address(remote).map_err(|e| format!("--remote: {e}"))?;
    let request = Observation { remote_address: remote, x_forwarded_for: xff.to_vec() };
    let simulation = Simulation::new(trusted, request);
    let rendered = match format {
        TextOrJson::Json => simulation.to_json().map_err(|e| format!("cannot write the JSON output: {e}"))?,
        // The list and the header are the user's text: shown, never obeyed, by the terminal.
        TextOrJson::Text => terminal_lines(&simulation.render_text()).into_owned(),
    };
    write_stdout(&rendered)?;
    Ok(ExitCode::SUCCESS)
}

/// A list given inline or as `@FILE`: its name (for messages and the report) and its text.
fn list_argument(value: &str, inline_name: &str) -> Result<(String, String), String> {
    match value.strip_prefix('@') {
        Some(path) => {
            let list = std::fs::read_to_string(path).map_err(|e| format!("{path}: cannot read: {e}"))?;
            let name = Path::new(path).file_name().map_or(path.into(), |n| n.to_string_lossy().into_owned());
            Ok((name, list))
        }
        None => Ok((inline_name.to_owned(), value.to_owned())),
    }
}

/// Prefixes every line of a multi-line error after the first with the program name, as the first gets it.
fn multiline(message: &str) -> String {
    message.replace('\n', "\nharlens: ")
}

/// Writes to standard output; a closed pipe (`| head`) is not an error worth reporting.
fn write_stdout(text: &str) -> Result<(), String> {
    let mut stdout = io::stdout().lock();
    if let Err(e) = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            return Err(format!("cannot write to standard output: {e}"));
        }
    }
    Ok(())
}

/// Opens an input ("-" is standard input), with its size when known.
fn open_input(path: &Path) -> Result<(Box<dyn Read + Send>, Option<u64>), String> {
    if path.as_os_str() == "-" {
        return Ok((Box::new(io::stdin()), None));
    }
    let display = path.display();
    let file = File::open(path).map_err(|e| format!("{display}: cannot open: {e}"))?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(format!("{display}: is a directory, expected a file"));
    }
    let size = file.metadata().ok().map(|m| m.len());
    Ok((Box::new(file), size))
}

/// Pushes a reader's bytes into the analyzer's current input, drawing a progress line on a terminal for big
/// inputs; `analyzer_failed` tells an error of the analysis from one of the reading.
fn feed_stream(
    analyzer: &mut Analyzer,
    reader: Box<dyn Read + Send>,
    total: Option<u64>,
    name: &str,
    display: &str,
    analyzer_failed: &mut bool,
) -> Result<(), String> {
    let mut progress = Progress::new(name, total);
    let result = stream_chunks(reader, display, |chunk| {
        analyzer.push(chunk).map_err(|e| {
            *analyzer_failed = true;
            e.to_string()
        })?;
        progress.update(analyzer.progress());
        Ok(())
    });
    progress.clear();
    result
}

/// Calls `each` with the input's bytes in blocks of [`CHUNK`]. A reader thread overlaps the kernel's copy of
/// the file with parsing: on two cores that copy is a fifth of the work. Full buffers come back through
/// `spare` so the two threads reuse a few allocations. The reader is never waited for: after an error it may
/// be blocked reading a terminal or a pipe that stays open, and the error must be reported now, not once the
/// input closes (the thread ends with the process, or at its next read).
fn stream_chunks(
    mut reader: Box<dyn Read + Send>,
    display: &str,
    mut each: impl FnMut(&[u8]) -> Result<(), String>,
) -> Result<(), String> {
    let (full_tx, full_rx) = mpsc::sync_channel::<io::Result<Vec<u8>>>(2);
    let (spare_tx, spare_rx) = mpsc::channel::<Vec<u8>>();
    thread::spawn(move || loop {
        let mut buf = spare_rx.try_recv().unwrap_or_else(|_| vec![0; CHUNK]);
        buf.resize(CHUNK, 0);
        let n = loop {
            match reader.read(&mut buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        let done = !matches!(n, Ok(n) if n > 0);
        let sent = n.map(|n| {
            buf.truncate(n);
            buf
        });
        if full_tx.send(sent).is_err() || done {
            return;
        }
    });
    for chunk in full_rx {
        let chunk = chunk.map_err(|e| format!("{display}: cannot read: {e}"))?;
        if chunk.is_empty() {
            break;
        }
        each(&chunk)?;
        // The reader may have finished already; a lost spare buffer is only a missed reuse.
        let _ = spare_tx.send(chunk);
    }
    Ok(())
}

/// A one-line progress display on stderr, only when stderr is a terminal and the input is big.
struct Progress<'a> {
    name: &'a str,
    total: Option<u64>,
    enabled: bool,
    started: Instant,
    last: Option<Instant>,
    drawn: bool,
}

impl<'a> Progress<'a> {
    fn new(name: &'a str, total: Option<u64>) -> Self {
        let big = total.is_none_or(|t| t >= PROGRESS_MIN_BYTES);
        Progress {
            name,
            total,
            enabled: big && io::stderr().is_terminal(),
            started: Instant::now(),
            last: None,
            drawn: false,
        }
    }

    fn update(&mut self, p: harlens::analysis::Progress) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        if self.last.is_some_and(|t| now - t < Duration::from_millis(200)) {
            return;
        }
        self.last = Some(now);
        let mb = p.bytes as f64 / 1e6;
        let rate = mb / now.duration_since(self.started).as_secs_f64().max(1e-3);
        let share = match self.total {
            Some(t) if t > 0 => {
                format!(" of {:.0} MB ({:.0}%)", t as f64 / 1e6, p.bytes as f64 * 100.0 / t as f64)
            }
            _ => String::new(),
        };
        let name = terminal(self.name);
        eprint!("\r\x1b[2K{name}: {mb:.0} MB{share}, {} entries, {rate:.0} MB/s", p.entries);
        self.drawn = true;
    }

    fn clear(&mut self) {
        if self.drawn {
            eprint!("\r\x1b[2K");
            self.drawn = false;
        }
    }
}
