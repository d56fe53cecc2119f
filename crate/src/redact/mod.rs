//! The sanitizer: a HAR in, the same HAR out without its secrets, still diagnosable.
//!
//! It streams like the analysis (the same chunks, the same state machine, read by a [`RawScanner`]) and writes
//! each entry as soon as it is redacted, so memory follows the largest entry, never the file. Each entry is parsed into a
//! lossless value ([`json::Json`]: member order, unknown fields and numbers as written survive), read with the
//! tolerance the analysis has ([`crate::har::json`]: a file one accepts the other accepts, deviations listed
//! as warnings), rewritten field by field ([`entry`]) and serialized again: the output is always valid JSON, a
//! HAR with the same entries.
//!
//! Secrets become pseudonyms ([`pseudo`]): an HMAC of the value under a key the caller draws per export and
//! never stores. Equal values stay equal and different ones different, and what a diagnosis reads keeps its
//! shape (domain.md section 3): the jvmRoute of `JSESSIONID`, the `lin`/`lout` of `atlassian.xsrf.token`,
//! cookie deletions and every Set-Cookie attribute, `X-AREQUESTID`, `X-Seraph-LoginReason`, login redirects.
//! So `analyze(redact(x))` finds the same losses and the same primary cause as `analyze(x)` (tested on every
//! test-bed recording).

mod batch;
mod copies;
mod entry;
mod pseudo;

pub use batch::{Batch, RedactError, MIN_KEY};
pub use copies::{Copies, Shape};

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::har::json::{self, Notes};
use crate::har::{HarError, RawPart, RawScanner, RawSink, Warning, Warnings};

/// What to redact. The defaults remove every secret and keep what identifies nobody; usernames, IP addresses
/// and hostnames are opt-in because a support engineer often needs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Options {
    /// Cookie values: `Cookie`, `Set-Cookie`, `request.cookies`, `response.cookies` (crowd.token_key,
    /// JSESSIONID, atlassian.xsrf.token, seraph.rememberme.cookie, load-balancer cookies, all others).
    pub cookies: bool,
    /// `Authorization` and `Proxy-Authorization` credentials (the scheme stays).
    pub authorization: bool,
    /// Headers and query parameters whose names look like credentials (token, secret, password, key,
    /// session, auth, sig, code, ...), credentials in URLs, and JWTs anywhere (claims' names stay).
    pub tokens: bool,
    /// Posted bodies: form and JSON values (names stay), anything else whole.
    pub post_bodies: bool,
    /// Response body text, except images, fonts, audio and video (the size stays).
    pub response_bodies: bool,
    /// `X-AUSERNAME`, and user names in URLs.
    pub usernames: bool,
    /// `serverIPAddress`, IP hosts in URLs, X-Forwarded-For and similar headers.
    pub ips: bool,
    /// Host names in URLs, Host/Origin headers and cookie domains (label by label, the top-level domain
    /// kept, so cookie domains still match their hosts).
    pub hostnames: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            cookies: true,
            authorization: true,
            tokens: true,
            post_bodies: true,
            response_bodies: true,
            usernames: false,
            ips: false,
            hostnames: false,
        }
    }
}

impl Options {
    /// Everything on, the optional categories included.
    pub fn all() -> Self {
        Options { usernames: true, ips: true, hostnames: true, ..Options::default() }
    }

    /// Reads the options a page or an extension gives as JSON: the fields to change from the defaults
    /// (`{"usernames": true, "postBodies": false}`); blank text is the defaults.
    pub fn from_json(text: &str) -> Result<Self, RedactError> {
        if text.trim().is_empty() {
            return Ok(Options::default());
        }
        // from_slice, as every other JSON the core reads: one serde_json reader in the .wasm, not two.
        serde_json::from_slice(text.as_bytes()).map_err(|e| RedactError::Options(e.to_string()))
    }
}

/// How many values of each category were replaced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub entries: u64,
    pub cookies: u64,
    pub authorization: u64,
    pub tokens: u64,
    pub jwts: u64,
    pub post_bodies: u64,
    pub response_bodies: u64,
    pub usernames: u64,
    pub ips: u64,
    pub hostnames: u64,
}

impl Summary {
    /// `12 cookie values, 3 tokens, ...`: the categories with something redacted, for a status line.
    pub fn describe(&self) -> String {
        let parts = [
            (self.cookies, "cookie value", "cookie values"),
            (self.authorization, "authorization header", "authorization headers"),
            (self.tokens, "token", "tokens"),
            (self.jwts, "JWT", "JWTs"),
            (self.post_bodies, "posted body", "posted bodies"),
            (self.response_bodies, "response body", "response bodies"),
            (self.usernames, "user name", "user names"),
            (self.ips, "IP address", "IP addresses"),
            (self.hostnames, "host name", "host names"),
        ];
        let done: Vec<String> = parts
            .iter()
            .filter(|(n, _, _)| *n > 0)
            .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
            .collect();
        let what = if done.is_empty() { "nothing to redact".to_owned() } else { done.join(", ") };
        format!("{} entries; redacted {what}", self.entries)
    }

    /// Adds another input's counts (files redacted together).
    pub fn add(&mut self, other: &Summary) {
        self.entries += other.entries;
        self.cookies += other.cookies;
        self.authorization += other.authorization;
        self.tokens += other.tokens;
        self.jwts += other.jwts;
        self.post_bodies += other.post_bodies;
        self.response_bodies += other.response_bodies;
        self.usernames += other.usernames;
        self.ips += other.ips;
        self.hostnames += other.hostnames;
    }
}

/// What a redaction run has learnt, carried from a file to the next and from the first pass to the second:
/// the user names seen in `X-AUSERNAME` (their URLs lose them too) and every value replaced (its copies get
/// the same replacement, [`Copies`]).
#[derive(Debug, Clone, Default)]
pub struct Learnt {
    users: HashSet<String>,
    copies: Copies,
}

impl Learnt {
    /// The values replaced so far, whose copies are replaced too.
    pub fn copies(&self) -> &Copies {
        &self.copies
    }
}

/// Redacts one HAR streamed in chunks: [`Redactor::feed`] each chunk, saying which one is the last; it appends
/// the output that is ready to `out`.
///
/// Two passes make the output complete: a [`Redactor::first_pass`] over the input writes nothing and learns
/// every value it will replace; the second pass, a [`Redactor::new`] given what the first learnt
/// ([`Redactor::with_learnt`]), replaces them and every copy of them, wherever in the file it comes. A single
/// pass replaces the copies that come after the value, not those before. Files redacted together share what
/// they learn (and placeholders, with the same key): first pass over each, then second pass over each.
#[derive(Debug)]
pub struct Redactor {
    scanner: RawScanner,
    writer: Writer,
}

impl Redactor {
    /// The pass that writes the output. `key`: random bytes drawn for this export (32 are plenty) and never
    /// stored; a fixed key makes the output reproducible (tests), and also lets anyone holding it test guesses
    /// against the placeholders.
    pub fn new(options: Options, key: &[u8]) -> Self {
        Self::start(options, key, false)
    }

    /// The first pass: reads the input as [`Redactor::new`] does and learns what it replaces, but writes
    /// nothing; give [`Redactor::into_learnt`] to the second pass.
    pub fn first_pass(options: Options, key: &[u8]) -> Self {
        Self::start(options, key, true)
    }

    fn start(options: Options, key: &[u8], first_pass: bool) -> Self {
        let mut redactor = Redactor {
            scanner: RawScanner::new(),
            writer: Writer {
                options,
                names: pseudo::Pseudonyms::new(key),
                summary: Summary::default(),
                learnt: Learnt::default(),
                first_pass,
                out: Vec::new(),
                root_first: true,
                log_first: true,
                entries_first: true,
                notes: Notes::default(),
                warnings: Warnings::default(),
            },
        };
        redactor.restart(first_pass);
        redactor
    }

    /// The redactor of the next pass or input (`first_pass`: a first pass), with the same options and key and
    /// what this one learnt.
    pub fn next(mut self, first_pass: bool) -> Self {
        self.restart(first_pass);
        self
    }

    /// Starts the next pass or input in place: a new input read from its start, nothing written or counted
    /// yet; the options, the key and what was learnt stay.
    fn restart(&mut self, first_pass: bool) {
        self.scanner = RawScanner::new();
        let w = &mut self.writer;
        w.summary = Summary::default();
        w.first_pass = first_pass;
        w.out.clear();
        if !first_pass {
            w.out.push(b'{');
        }
        (w.root_first, w.log_first, w.entries_first) = (true, true, true);
        w.notes = Notes::default();
        w.warnings = Warnings::default();
    }

    /// Starts from what earlier passes or files learnt.
    pub fn with_learnt(mut self, learnt: Learnt) -> Self {
        self.writer.learnt = learnt;
        self
    }

    /// What this redactor learnt, added to what it was given.
    pub fn learnt(&self) -> &Learnt {
        &self.writer.learnt
    }

    pub fn into_learnt(self) -> Learnt {
        self.writer.learnt
    }

    /// Feeds the next chunk (any size, any boundary) and appends the output now complete to `out`. `eof`: this
    /// chunk (possibly empty) is the last; the input must then be a complete HAR, the rest of the output is
    /// appended, and [`Redactor::summary`] says what was redacted.
    pub fn feed(&mut self, chunk: &[u8], eof: bool, out: &mut Vec<u8>) -> Result<(), HarError> {
        self.scanner.feed(chunk, eof, &mut self.writer)?;
        if eof && !self.writer.first_pass {
            self.writer.out.extend_from_slice(b"}\n");
        }
        out.append(&mut self.writer.out);
        Ok(())
    }

    /// What was redacted so far.
    pub fn summary(&self) -> &Summary {
        &self.writer.summary
    }

    /// Bytes read so far.
    pub fn bytes_consumed(&self) -> u64 {
        self.scanner.bytes_consumed()
    }

    /// Bytes held in memory: the scanner's buffer (a chunk and the entry in progress) and output not yet
    /// handed out.
    pub fn buffered(&self) -> usize {
        self.scanner.buffered() + self.writer.out.len()
    }

    /// Entries read so far.
    pub fn entries(&self) -> u64 {
        self.scanner.entries()
    }

    /// What the input does that JSON or the HAR format does not, as far as read: the deviations tolerated
    /// (the analysis lists the same ones).
    pub fn warnings(&self) -> Vec<Warning> {
        let mut all = self.scanner.warnings().as_slice().to_vec();
        all.extend_from_slice(self.writer.warnings.as_slice());
        let dropped = self.writer.learnt.copies.dropped;
        if dropped > 0 {
            all.push(Warning {
                code: "too-many-secrets",
                message: format!(
                    "more than {} distinct values were replaced: copies of {dropped} more were not searched for elsewhere in the file",
                    copies::MAX_VALUES
                ),
                count: 1,
                first_entry: None,
            });
        }
        all
    }
}

/// Redacts a whole HAR held in memory, in two passes.
pub fn redact(input: &[u8], options: Options, key: &[u8]) -> Result<(Vec<u8>, Summary), HarError> {
    let mut first = Redactor::first_pass(options, key);
    let mut out = Vec::with_capacity(input.len() / 2);
    first.feed(input, true, &mut out)?;
    let mut redactor = Redactor::new(options, key).with_learnt(first.into_learnt());
    redactor.feed(input, true, &mut out)?;
    Ok((out, *redactor.summary()))
}

/// Writes the output as the scanner reports the input: the outer structure in the input's member order,
/// each entry redacted.
#[derive(Debug)]
struct Writer {
    options: Options,
    names: pseudo::Pseudonyms,
    summary: Summary,
    learnt: Learnt,
    /// Learns, writes nothing.
    first_pass: bool,
    out: Vec<u8>,
    root_first: bool,
    log_first: bool,
    entries_first: bool,
    /// What the entry being redacted tolerated, for the scanner's warnings.
    notes: Notes,
    /// Deviations outside the entries.
    warnings: Warnings,
}

impl Writer {
    fn ctx(&mut self) -> entry::Ctx<'_> {
        entry::Ctx {
            options: &self.options,
            names: &self.names,
            summary: &mut self.summary,
            users: &mut self.learnt.users,
            copies: &mut self.learnt.copies,
            notes: &mut self.notes,
        }
    }

    fn member_name(&mut self, in_log: bool, name: &str) {
        if self.first_pass {
            return;
        }
        let first = if in_log { &mut self.log_first } else { &mut self.root_first };
        if !std::mem::replace(first, false) {
            self.out.push(b',');
        }
        json::write_str(&mut self.out, name);
        self.out.push(b':');
    }
}

impl RawSink for Writer {
    fn part(&mut self, part: RawPart) {
        match part {
            RawPart::Member { in_log, name, value } => {
                self.member_name(in_log, &name);
                match json::parse(&value, true) {
                    Ok((mut value, _, notes)) => {
                        for (code, text) in notes.each() {
                            self.warnings.add(code, None, || format!("outside the entries: {text}"));
                        }
                        // `pages` titles are URLs; comments and custom members may hold anything.
                        self.ctx().generic(&mut value);
                        if !self.first_pass {
                            self.ctx().replace_copies(&mut value);
                            value.write(&mut self.out);
                        }
                    }
                    // The scanner checked only that brackets balance: what is not JSON inside goes.
                    Err(_) => {
                        self.warnings.add("member-not-json", None, || {
                            format!("`{name}` is not JSON inside (the analysis ignores it): written as null")
                        });
                        if !self.first_pass {
                            self.out.extend_from_slice(b"null");
                        }
                    }
                }
            }
            // A file with several `log` members or `entries` arrays (the analysis reads them all, as one) keeps
            // them: each is an object or array of its own.
            RawPart::LogStart => {
                self.member_name(false, "log");
                self.out.push(b'{');
                self.log_first = true;
            }
            RawPart::EntriesStart => {
                self.member_name(true, "entries");
                self.out.push(b'[');
                self.entries_first = true;
            }
            RawPart::EntriesEnd => self.out.push(b']'),
            RawPart::LogEnd => self.out.push(b'}'),
        }
        if self.first_pass {
            self.out.clear();
        }
    }

    fn entry(&mut self, _index: u64, bytes: &[u8], last: bool) -> Result<(usize, Notes), json::Error> {
        let (mut value, len, mut notes) = json::parse_entry(bytes, last)?;
        self.notes = Notes::default();
        self.ctx().entry(&mut value);
        notes.add(self.notes);
        if self.first_pass {
            return Ok((len, notes));
        }
        self.ctx().replace_copies(&mut value);
        if !std::mem::replace(&mut self.entries_first, false) {
            self.out.push(b',');
        }
        value.write(&mut self.out);
        Ok((len, notes))
    }
}

#[cfg(test)]
mod tests;
