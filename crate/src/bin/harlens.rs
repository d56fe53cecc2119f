//! The `harlens` command line: the same analysis as the page and the extension, for terminals and scripts.
//!
//! Exit status (DESIGN.md): 0 analysis done and no session-loss problem found; 1 a problem found; 2 usage or
//! input error, with the file, the place and what was expected on stderr.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use harlens::net::{parse_remote_address, Observation, Simulation, TrustedProxies};
use harlens::report::{render_markdown, render_text};
use harlens::Analyzer;

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
        /// A server log: Jira's access log, atlassian-jira.log (with DEBUG org.apache.http wire lines),
        /// atlassian-crowd.log, Confluence's or Bitbucket's logs; the format is detected. Repeatable.
        #[arg(long = "log", value_name = "FILE")]
        logs: Vec<PathBuf>,
        /// HAR files to read ("-" reads standard input).
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
        Command::Analyze { format, output, trusted_proxies, logs, hars } => {
            analyze(format, output.as_deref(), trusted_proxies.as_deref(), &logs, &hars)
        }
        Command::Rules { format } => list_rules(format),
        Command::Proxies { trusted, remote, xff, format } => proxies(&trusted, &remote, &xff, format),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("harlens: {message}");
            ExitCode::from(2)
        }
    }
}

fn analyze(
    format: Format,
    output: Option<&Path>,
    trusted: Option<&str>,
    logs: &[PathBuf],
    hars: &[PathBuf],
) -> Result<ExitCode, String> {
    let mut analyzer = Analyzer::new();
    if let Some(trusted) = trusted {
        let (source, list) = list_argument(trusted, "trusted proxies")?;
        analyzer.set_trusted_proxies(&source, &list).map_err(|e| multiline(&e.to_string()))?;
    }
    for path in hars {
        read_input(&mut analyzer, path, InputKind::Har)?;
    }
    for path in logs {
        read_input(&mut analyzer, path, InputKind::Log)?;
    }
    let report = analyzer.finish();
    let rendered = match format {
        Format::Json => report.to_json().map_err(|e| format!("cannot write the JSON report: {e}"))?,
        Format::Markdown => render_markdown(&report),
        Format::Text => render_text(&report),
    };
    match output {
        Some(path) => {
            std::fs::write(path, rendered).map_err(|e| format!("{}: cannot write: {e}", path.display()))?
        }
        None => {
            let mut stdout = io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            if let Err(e) = stdout.write_all(rendered.as_bytes()).and_then(|()| stdout.flush()) {
                if e.kind() != io::ErrorKind::BrokenPipe {
                    return Err(format!("cannot write to standard output: {e}"));
                }
            }
        }
    }
    Ok(if report.has_problem() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn list_rules(format: TextOrJson) -> Result<ExitCode, String> {
    let text = match format {
        TextOrJson::Json => {
            let rules: Vec<_> = harlens::rules::REGISTRY
                .iter()
                .map(|r| serde_json::json!({"id": r.id, "title": r.title, "summary": r.summary}))
                .collect();
            serde_json::to_string_pretty(&rules).map_err(|e| e.to_string())? + "\n"
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
        TextOrJson::Text => simulation.render_text(),
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

/// Streams one file into the analyzer, drawing a progress line on a terminal for big files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InputKind {
    Har,
    Log,
}

fn read_input(analyzer: &mut Analyzer, path: &Path, kind: InputKind) -> Result<(), String> {
    let stdin = path.as_os_str() == "-";
    let name = if stdin {
        "<stdin>".to_owned()
    } else {
        path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
    };
    let display = if stdin { name.clone() } else { path.display().to_string() };
    let (mut reader, total): (Box<dyn Read + Send>, Option<u64>) = if stdin {
        (Box::new(io::stdin()), None)
    } else {
        let file = File::open(path).map_err(|e| format!("{display}: cannot open: {e}"))?;
        let size = file.metadata().ok().map(|m| m.len());
        if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
            let expected = if kind == InputKind::Har { "a HAR file" } else { "a log file" };
            return Err(format!("{display}: is a directory, expected {expected}"));
        }
        (Box::new(file), size)
    };
    let mut progress = Progress::new(&name, total);
    match kind {
        InputKind::Har => analyzer.begin_input(&name),
        InputKind::Log => analyzer.begin_log(&name),
    }
    // A reader thread overlaps the kernel's copy of the file with parsing: on two cores that copy is a fifth
    // of the work. Full buffers come back through `spare` so the two threads reuse a few allocations.
    let (full_tx, full_rx) = mpsc::sync_channel::<io::Result<Vec<u8>>>(2);
    let (spare_tx, spare_rx) = mpsc::channel::<Vec<u8>>();
    let result: Result<(), String> = thread::scope(|scope| {
        scope.spawn(move || loop {
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
            analyzer.push(&chunk).map_err(|e| e.to_string())?;
            progress.update(analyzer.progress());
            // The reader may have finished already; a lost spare buffer is only a missed reuse.
            let _ = spare_tx.send(chunk);
        }
        Ok(())
    });
    progress.clear();
    result?;
    analyzer.end_input().map_err(|e| e.to_string())
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
        eprint!("\r\x1b[2K{}: {mb:.0} MB{share}, {} entries, {rate:.0} MB/s", self.name, p.entries);
        self.drawn = true;
    }

    fn clear(&mut self) {
        if self.drawn {
            eprint!("\r\x1b[2K");
            self.drawn = false;
        }
    }
}
