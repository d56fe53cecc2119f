//! The JavaScript-facing API, and the only file that names wasm_bindgen (DESIGN.md, "The WASM API").
//!
//! Every method has the shape of biome's boundary (`crates/biome_wasm/src/lib.rs`): read what JS gives, call
//! the core, serialize what it answers. The data types and their messages are the core's. A failure crosses
//! as a JS `Error` carrying the message the CLI prints, converted in one place: `?` turns any error into
//! one (wasm-bindgen's `From<E: Error> for JsError`), and what the boundary itself refuses is a [`Refusal`].
//! Nothing fails quietly: a value that does not serialize is an Error, never an empty string. Reports cross as
//! the JSON text of [`crate::Report::to_json`], so the page gets the very bytes `harlens analyze --format
//! json` writes.
//!
//! What is exported follows the crate's features (crate/Cargo.toml): the page's first module is built without
//! default features and has no log readers, sanitizer, Crowd simulation or live monitor; `full` has them all.

use wasm_bindgen::prelude::*;

#[cfg(feature = "full")]
use crate::analysis::Skip;
#[cfg(feature = "full")]
use crate::archive::members::{self, Class, Content, Plan};
#[cfg(feature = "full")]
use crate::archive::write::{Compression, ZipWriter};
#[cfg(feature = "full")]
use crate::archive::zip::{self, Directory, Member};
use crate::archive::Limits;
#[cfg(feature = "full")]
use crate::archive::{ArchiveError, Crc32, Meter, Problem};
use crate::net::TrustedListError;
#[cfg(feature = "full")]
use crate::net::{Observation, Simulation, TrustedProxies};
#[cfg(feature = "full")]
use crate::redact::{Batch, Options};
use crate::Analyzer;

/// What the boundary itself refuses; every other failure is the core's error, message unchanged.
#[derive(Debug, thiserror::Error)]
enum Refusal {
    #[error("this analyzer has already finished; create a new one")]
    Finished,
    /// The resolution form's list, named as the form names it (the CLI names its option instead).
    #[error("trusted proxies: {0}")]
    TrustedProxies(#[from] TrustedListError),
    /// The page's first module leaves the log readers out; the page analyses with the full module when a
    /// log is given (crate features: `logs`).
    #[cfg(not(feature = "logs"))]
    #[error("this build of harlens does not read server logs; load the full module (harlens_full.js)")]
    NoLogReaders,
    #[cfg(feature = "full")]
    #[error("this zip has no member {0}")]
    NoMember(u32),
    #[cfg(feature = "full")]
    #[error("this zip's directory has not been read")]
    NoDirectory,
}

/// The harlens version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_owned()
}

/// The causes harlens can name, from the core's registry: `[{"id", "title", "summary"}]` (JSON text).
#[wasm_bindgen]
pub fn rules() -> Result<String, JsError> {
    Ok(serde_json::to_string(crate::rules::REGISTRY)?)
}

/// The entries table's row flags and what each means: `[{"bit", "name"}]` (JSON text), for the detail pane.
#[wasm_bindgen(js_name = entryFlags)]
pub fn entry_flags() -> Result<String, JsError> {
    Ok(serde_json::to_string(crate::view::flag_names::FLAG_NAMES)?)
}

/// The headers the core reads from an entry, lower case (JSON array), for the detail pane to mark.
#[wasm_bindgen(js_name = signalHeaders)]
pub fn signal_headers() -> Result<String, JsError> {
    Ok(serde_json::to_string(&crate::signals::headers_read().collect::<Vec<_>>())?)
}

/// How many first bytes of a file `inputKind` needs.
#[wasm_bindgen(js_name = inputKindHead)]
pub fn input_kind_head() -> u32 {
    crate::input::SNIFF_BYTES as u32
}

/// What a file is, from its first bytes: `har` (JSON or HAR Viewer's JSONP), `log` or `binary` (which the
/// HAR reader takes, to name it).
#[wasm_bindgen(js_name = inputKind)]
pub fn input_kind(head: &[u8]) -> String {
    crate::input::sniff(head).as_str().to_owned()
}

/// Reads a Crowd trusted-proxy list as the user types it: every entry with its position, whether Crowd
/// accepts it, what it covers or why not, and its warnings (JSON text). An unreadable entry is data here.
#[wasm_bindgen(js_name = checkTrustedProxies)]
pub fn check_trusted_proxies(list: &str) -> Result<String, JsError> {
    Ok(serde_json::to_string(&crate::net::check_list(list))?)
}

/// How Crowd resolves one request's client address (what `harlens proxies --format json` prints, schema
/// `harlens.proxies/1`): `trusted` is the trusted-proxy list, `remote` the app's TCP peer, `xff` the
/// X-Forwarded-For header lines separated by newlines (empty: no header). Throws on an unreadable input, naming it.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = simulateProxies)]
pub fn simulate_proxies(trusted: &str, remote: &str, xff: &str) -> Result<String, JsError> {
    let trusted = TrustedProxies::parse(trusted).map_err(Refusal::from)?;
    // The error already names the remote address.
    let remote = crate::net::parse_remote_address(remote)?;
    Ok(Simulation::new(trusted, Observation::from_lines(remote, xff)).to_json()?)
}

/// Streams HAR and log inputs into the analysis: `beginInput(name)` (or `beginLog(name)`), `push(chunk)` any
/// number of times with chunks of any size (straight from `File.stream()`), `endInput()`, then `finish()` for
/// the JSON report.
#[wasm_bindgen]
#[derive(Debug, Default)]
pub struct StreamingAnalyzer {
    inner: Option<Analyzer>,
}

#[wasm_bindgen]
impl StreamingAnalyzer {
    #[wasm_bindgen(constructor)]
    pub fn new() -> StreamingAnalyzer {
        StreamingAnalyzer { inner: Some(Analyzer::new()) }
    }

    /// Starts an input; `name` appears in the report and in error messages.
    #[wasm_bindgen(js_name = beginInput)]
    pub fn begin_input(&mut self, name: &str) -> Result<(), JsError> {
        self.analyzer()?.begin_input(name);
        Ok(())
    }

    /// Starts a server-log input (Jira access log, atlassian-jira.log with HttpClient wire lines, ...): its
    /// format is detected. Fed with `push` and ended with `endInput` like a HAR.
    #[cfg(feature = "logs")]
    #[wasm_bindgen(js_name = beginLog)]
    pub fn begin_log(&mut self, name: &str) -> Result<(), JsError> {
        self.analyzer()?.begin_log(name);
        Ok(())
    }

    /// Without the log readers (the page's first module): throws, saying which module reads logs.
    #[cfg(not(feature = "logs"))]
    #[wasm_bindgen(js_name = beginLog)]
    pub fn begin_log(&mut self, _name: &str) -> Result<(), JsError> {
        Err(Refusal::NoLogReaders.into())
    }

    /// Gives Crowd's trusted-proxy list (commas or newlines); throws naming every unreadable entry.
    #[wasm_bindgen(js_name = setTrustedProxies)]
    pub fn set_trusted_proxies(&mut self, name: &str, list: &str) -> Result<(), JsError> {
        Ok(self.analyzer()?.set_trusted_proxies(name, list)?)
    }

    #[cfg(feature = "full")]
    /// `setTrustedProxies` for a list read from the archive `archive` (listed so in the report).
    #[wasm_bindgen(js_name = setTrustedProxiesFrom)]
    pub fn set_trusted_proxies_from(&mut self, name: &str, archive: &str, list: &str) -> Result<(), JsError> {
        Ok(self.analyzer()?.set_trusted_proxies_from(name, Some(archive).filter(|a| !a.is_empty()), list)?)
    }

    /// Names the SSO cookie (Crowd's `cookie.tokenkey`), before the first input; found by itself otherwise.
    #[wasm_bindgen(js_name = setSsoCookie)]
    pub fn set_sso_cookie(&mut self, name: &str) -> Result<(), JsError> {
        self.analyzer()?.set_sso_cookie(name);
        Ok(())
    }

    /// Also builds the entries index for the page's table and plot; call before the first `push`.
    #[wasm_bindgen(js_name = indexEntries)]
    pub fn index_entries(&mut self) -> Result<(), JsError> {
        self.analyzer()?.index_entries();
        Ok(())
    }

    /// Feeds the next chunk of the current input.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsError> {
        Ok(self.analyzer()?.push(chunk)?)
    }

    /// Ends the current input, checking that it was complete.
    #[wasm_bindgen(js_name = endInput)]
    pub fn end_input(&mut self) -> Result<(), JsError> {
        Ok(self.analyzer()?.end_input()?)
    }

    /// Says where the current input comes from: the archive it was read from (`""`: none; nested `outer.zip >
    /// inner.zip`), and whether the input itself was gzip data (a `.har.gz`). After `beginInput`/`beginLog`.
    #[wasm_bindgen(js_name = setSource)]
    pub fn set_source(&mut self, archive: &str, gzip: bool) -> Result<(), JsError> {
        self.analyzer()?.set_source(Some(archive).filter(|a| !a.is_empty()), gzip.then_some("gzip"));
        Ok(())
    }

    #[cfg(feature = "full")]
    /// The next bytes of the current input are the archive member `name` (`gzip`: a gzipped member): a log
    /// input is fed a log's rotations this way, oldest first, as one stream.
    #[wasm_bindgen(js_name = beginMember)]
    pub fn begin_member(&mut self, name: &str, gzip: bool) -> Result<(), JsError> {
        Ok(self.analyzer()?.begin_member(name, gzip.then_some("gzip"))?)
    }

    #[cfg(feature = "full")]
    /// The current member could not be read to its end (`error`: the message naming archive, member and
    /// reason); the input goes on with its next member (a log's next rotation). What was read of it stays.
    #[wasm_bindgen(js_name = memberError)]
    pub fn member_error(&mut self, error: &str) -> Result<(), JsError> {
        self.analyzer()?.member_error(error);
        Ok(())
    }

    #[cfg(feature = "full")]
    /// Ends the current input because reading it failed (`error`: the message naming archive, member and
    /// reason); what was read of it stays in the analysis, and the report lists the error.
    #[wasm_bindgen(js_name = abandonInput)]
    pub fn abandon_input(&mut self, error: &str) -> Result<(), JsError> {
        self.analyzer()?.abandon_input(error);
        Ok(())
    }

    #[cfg(feature = "full")]
    /// Lists an archive member that is not read: `skipped` says why it is not an input harlens reads, or
    /// `error` why it cannot be read (encrypted, an unsupported method); `bytes` is its declared size.
    #[wasm_bindgen(js_name = skipInput)]
    pub fn skip_input(
        &mut self,
        name: &str,
        archive: &str,
        bytes: f64,
        skipped: Option<String>,
        error: Option<String>,
    ) -> Result<(), JsError> {
        let archive = Some(archive).filter(|a| !a.is_empty());
        let why = match (&skipped, &error) {
            (_, Some(error)) => Skip::Error(error),
            (Some(reason), None) => Skip::Reason(reason),
            (None, None) => Skip::Reason(""),
        };
        self.analyzer()?.skip_input(name, archive, bytes as u64, why);
        Ok(())
    }

    /// Bytes pushed into the current input so far.
    #[wasm_bindgen(getter, js_name = bytesRead)]
    pub fn bytes_read(&self) -> f64 {
        self.inner.as_ref().map_or(0.0, |a| a.progress().bytes as f64)
    }

    /// Entries read from all inputs so far.
    #[wasm_bindgen(getter)]
    pub fn entries(&self) -> f64 {
        self.inner.as_ref().map_or(0.0, |a| a.progress().entries as f64)
    }

    /// The entries index, taken out of the analyzer: call after the last `endInput` and before `finish`.
    #[wasm_bindgen(js_name = takeEntries)]
    pub fn take_entries(&mut self) -> Result<EntryTable, JsError> {
        Ok(EntryTable { index: self.analyzer()?.take_entries() })
    }

    /// The report (JSON text, schema `harlens.report/1`). The analyzer cannot be used afterwards.
    pub fn finish(&mut self) -> Result<String, JsError> {
        let analyzer = self.inner.take().ok_or(Refusal::Finished)?;
        Ok(analyzer.finish().to_json()?)
    }

    /// Like `finish`, but returns `[json, markdown, plots]`: the JSON report, the same report as Markdown for
    /// a support ticket, and the session plot's lanes (one per application of the report, JSON). The analyzer
    /// cannot be used afterwards.
    #[wasm_bindgen(js_name = finishWithMarkdown)]
    pub fn finish_with_markdown(&mut self) -> Result<Vec<String>, JsError> {
        let analyzer = self.inner.take().ok_or(Refusal::Finished)?;
        let (report, plots) = analyzer.finish_with_plots();
        let json = report.to_json()?;
        let plots = serde_json::to_string(&plots)?;
        Ok(vec![json, crate::report::render_markdown(&report), plots])
    }

    fn analyzer(&mut self) -> Result<&mut Analyzer, Refusal> {
        self.inner.as_mut().ok_or(Refusal::Finished)
    }
}

/// Sanitizes HARs as they stream (the page's "download sanitized HAR", the extension's export), in two passes
/// per file: `collect(chunk, eof)` the whole file (the first pass learns every value it will replace and
/// writes nothing), then `write(chunk, eof)` it again, each call returning the output bytes ready so far,
/// `eof` on the last chunk of each pass; then `summary()`, `describe()` and `warnings()`. Several files:
/// collect each, then write each, with one redactor (they share what is learnt, and placeholders); a file
/// written without being collected first loses only the copies that come before their value. The output never
/// sits whole in memory, so a 1 GB HAR goes from `File.stream()` (read twice) straight to a download stream.
/// `key`: random bytes drawn per export (`crypto.getRandomValues(new Uint8Array(32))`) and never stored.
#[cfg(feature = "full")]
#[wasm_bindgen]
#[derive(Debug)]
pub struct StreamingRedactor {
    batch: Batch,
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl StreamingRedactor {
    /// `optionsJson`: `""` or a JSON object of [`crate::redact::Options`] fields to change
    /// (`{"usernames": true, "ips": true, "hostnames": true, "postBodies": false, "responseBodies": false}`).
    #[wasm_bindgen(constructor)]
    pub fn new(options_json: &str, key: &[u8]) -> Result<StreamingRedactor, JsError> {
        Ok(StreamingRedactor { batch: Batch::new(Options::from_json(options_json)?, key)? })
    }

    /// The first pass over the next file: feeds a chunk, `eof` on the last (which checks the file was a
    /// complete HAR). Writes nothing.
    pub fn collect(&mut self, chunk: &[u8], eof: bool) -> Result<(), JsError> {
        Ok(self.batch.collect(chunk, eof)?)
    }

    /// The second pass over the next file: feeds a chunk, `eof` on the last; returns the sanitized bytes now
    /// ready (often none for small chunks; the rest with the last).
    pub fn write(&mut self, chunk: &[u8], eof: bool) -> Result<Vec<u8>, JsError> {
        let mut out = Vec::new();
        self.batch.write(chunk, eof, &mut out)?;
        Ok(out)
    }

    /// What was redacted in the file being written, or in the last one (JSON: `{"entries": 23, "cookies":
    /// 106, "tokens": 22, ...}`).
    pub fn summary(&self) -> Result<String, JsError> {
        Ok(serde_json::to_string(self.batch.summary())?)
    }

    /// The same in words, as the CLI says it: `23 entries; redacted 106 cookie values, 22 tokens`.
    pub fn describe(&self) -> String {
        self.batch.summary().describe()
    }

    /// What the last file written does that JSON or HAR does not (JSON: `[{"code", "message", "count"}]`),
    /// tolerated as the analysis tolerates it.
    pub fn warnings(&self) -> Result<String, JsError> {
        // Pretty, as the report writes the same warnings: one serializer for both in the .wasm.
        Ok(serde_json::to_string_pretty(self.batch.warnings())?)
    }

    /// Bytes read so far in the current pass.
    #[wasm_bindgen(getter, js_name = bytesRead)]
    pub fn bytes_read(&self) -> f64 {
        self.batch.bytes_consumed() as f64
    }

    /// Entries read so far in the current pass.
    #[wasm_bindgen(getter)]
    pub fn entries(&self) -> f64 {
        self.batch.entries() as f64
    }
}

/// The extension's live monitor: `push(entryJson)` with each finished HAR entry (a JSON string or bytes),
/// answered with a JSON array of alerts (usually `[]`); see [`crate::monitor::Alert`].
#[cfg(feature = "full")]
#[wasm_bindgen]
#[derive(Debug, Default)]
pub struct LiveMonitor {
    inner: crate::monitor::Monitor,
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl LiveMonitor {
    #[wasm_bindgen(constructor)]
    pub fn new() -> LiveMonitor {
        LiveMonitor::default()
    }

    /// Crowd's trusted-proxy list (commas or newlines); throws naming every unreadable entry.
    #[wasm_bindgen(js_name = setTrustedProxies)]
    pub fn set_trusted_proxies(&mut self, list: &str) -> Result<(), JsError> {
        Ok(self.inner.set_trusted_proxies(list)?)
    }

    /// Names the SSO cookie (Crowd's `cookie.tokenkey`); `""` goes back to finding it by itself.
    #[wasm_bindgen(js_name = setSsoCookie)]
    pub fn set_sso_cookie(&mut self, name: &str) {
        self.inner.set_sso_cookie(name);
    }

    /// Feeds one finished entry; returns the alerts it raises as JSON text.
    pub fn push(&mut self, entry_json: &str) -> Result<String, JsError> {
        let alerts = self.inner.push_entry(entry_json.as_bytes())?;
        Ok(serde_json::to_string(&alerts)?)
    }

    /// Starts replaying a stored recording: `push` then rebuilds the history and raises nothing.
    #[wasm_bindgen(js_name = beginReplay)]
    pub fn begin_replay(&mut self) {
        self.inner.begin_replay();
    }

    /// Ends the replay: losses already in the history are not announced again.
    #[wasm_bindgen(js_name = endReplay)]
    pub fn end_replay(&mut self) {
        self.inner.end_replay();
    }

    /// Entries seen so far.
    #[wasm_bindgen(getter)]
    pub fn entries(&self) -> f64 {
        self.inner.entries() as f64
    }
}

/// One compact row per entry (see `view::rows`), kept in the worker; the page fetches the rows it shows.
#[wasm_bindgen]
#[derive(Debug)]
pub struct EntryTable {
    index: crate::view::EntryIndex,
}

#[wasm_bindgen]
impl EntryTable {
    /// Rows indexed.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> u32 {
        self.index.len() as u32
    }

    /// Entries not indexed because the index was full.
    #[wasm_bindgen(getter)]
    pub fn dropped(&self) -> f64 {
        self.index.dropped() as f64
    }

    /// Approximate bytes held by the index.
    #[wasm_bindgen(getter, js_name = heapBytes)]
    pub fn heap_bytes(&self) -> f64 {
        self.index.heap_bytes() as f64
    }

    /// `[{"id", "origin", "entries"}]` (JSON text).
    pub fn origins(&self) -> Result<String, JsError> {
        Ok(self.index.origins_json()?)
    }

    /// Applies a filter (`{"origin": id, "status": "4xx", "text": "...", "auth": true}`, JSON text); returns
    /// how many rows match.
    pub fn filter(&mut self, filter_json: &str) -> Result<u32, JsError> {
        let filter: crate::view::Filter = serde_json::from_slice(filter_json.as_bytes())?;
        Ok(self.index.filter(&filter) as u32)
    }

    /// Rows shown by the current filter.
    #[wasm_bindgen(getter)]
    pub fn shown(&self) -> u32 {
        self.index.shown() as u32
    }

    /// Rows `start..start+count` of the current filter (JSON array).
    pub fn rows(&self, start: u32, count: u32) -> Result<String, JsError> {
        Ok(self.index.rows_json(start as usize, count as usize)?)
    }

    /// The position of an entry in the current filter, or -1 when it is filtered out or not indexed.
    #[wasm_bindgen(js_name = positionOf)]
    pub fn position_of(&self, input: u32, entry: f64) -> i32 {
        self.index.position_of(input as usize, entry as u64).map_or(-1, |p| p as i32)
    }

    /// One entry's row (JSON, `null` when not indexed).
    pub fn row(&self, input: u32, entry: f64) -> Result<String, JsError> {
        Ok(self.index.row_json(input as usize, entry as u64)?)
    }
}

/// A zip archive read by the page through `File.slice`: `new ZipArchive(name, tail, fileLength)` with the file's
/// last `ZipArchive.tailBytes()` bytes finds the central directory (`directoryOffset`, `directorySize`);
/// `readDirectory(bytes)` with those bytes lists the members and the plan to read them (JSON); for each member
/// read, `readable(i)`, then `dataOffset(i, header)` with its local header's first `localHeaderBytes()` bytes,
/// and `content(read, head)` with its first inflated bytes. Errors name the archive and the member.
#[cfg(feature = "full")]
#[wasm_bindgen]
#[derive(Debug)]
pub struct ZipArchive {
    name: String,
    directory: Directory,
    members: Vec<Member>,
    plan: Option<Plan>,
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl ZipArchive {
    /// How many of the file's last bytes the constructor needs.
    #[wasm_bindgen(js_name = tailBytes)]
    pub fn tail_bytes() -> u32 {
        zip::TAIL_BYTES as u32
    }

    /// How many bytes of a local header `dataOffset` needs.
    #[wasm_bindgen(js_name = localHeaderBytes)]
    pub fn local_header_bytes() -> u32 {
        zip::LOCAL_HEADER_BYTES as u32
    }

    /// The largest central directory read, in bytes.
    #[wasm_bindgen(js_name = maxDirectoryBytes)]
    pub fn max_directory_bytes() -> f64 {
        zip::MAX_DIRECTORY_BYTES as f64
    }

    #[wasm_bindgen(constructor)]
    pub fn new(name: &str, tail: &[u8], file_length: f64) -> Result<ZipArchive, JsError> {
        let directory = zip::find_directory(tail, file_length as u64).map_err(|problem| ArchiveError {
            archive: name.to_owned(),
            member: None,
            problem,
        })?;
        Ok(ZipArchive { name: name.to_owned(), directory, members: Vec::new(), plan: None })
    }

    #[wasm_bindgen(getter, js_name = directoryOffset)]
    pub fn directory_offset(&self) -> f64 {
        self.directory.offset as f64
    }

    #[wasm_bindgen(getter, js_name = directorySize)]
    pub fn directory_size(&self) -> f64 {
        self.directory.size as f64
    }

    /// Reads the central directory: `{"members": [{"name", "method", "encrypted", "compressed", "size",
    /// "crc32", "offset"}], "reads": [{"name", "class", "members": [i, ...]}], "skipped": [{"member", "reason"}]}` (JSON),
    /// `reads` in the order to read them (HARs, trusted lists, each log's rotations oldest first, nested zips).
    #[wasm_bindgen(js_name = readDirectory)]
    pub fn read_directory(&mut self, bytes: &[u8]) -> Result<String, JsError> {
        self.members = zip::read_directory(bytes, &self.directory).map_err(|p| self.error(None, p))?;
        let plan = members::plan(self.members.iter().map(|m| m.name.as_str()));
        let listing = Listing {
            members: self.members.iter().map(MemberJson::from).collect(),
            reads: plan
                .reads
                .iter()
                .map(|r| ReadJson { name: &r.name, class: class_name(&r.class), members: &r.members })
                .collect(),
            skipped: plan
                .skipped
                .iter()
                .map(|s| SkippedJson { member: s.member, reason: s.reason })
                .collect(),
        };
        let json = serde_json::to_string(&listing)?;
        self.plan = Some(plan);
        Ok(json)
    }

    /// Throws when member `member` cannot be read (encrypted, a method other than stored or deflate).
    pub fn readable(&self, member: u32) -> Result<(), JsError> {
        let m = self.member(member)?;
        Ok(m.readable().map_err(|p| self.error(Some(m), p))?)
    }

    /// Where member `member`'s data starts, from its local header's first `localHeaderBytes()` bytes.
    #[wasm_bindgen(js_name = dataOffset)]
    pub fn data_offset(&self, member: u32, local_header: &[u8]) -> Result<f64, JsError> {
        let m = self.member(member)?;
        Ok(zip::data_offset(local_header, m).map_err(|p| self.error(Some(m), p))? as f64)
    }

    /// What read `read`'s member is, from its first inflated bytes: `{"content": "har" | "log" |
    /// "trusted-proxies" | "gzip" | "zip" | "skip", "reason"}` (JSON; `reason` for `skip`).
    pub fn content(&self, read: u32, head: &[u8]) -> Result<String, JsError> {
        let plan = self.plan.as_ref().ok_or(Refusal::NoDirectory)?;
        let read = plan.reads.get(read as usize).ok_or(Refusal::NoMember(read))?;
        let (content, reason) = match members::classify_content(&read.class, head) {
            Content::Gzip => ("gzip", None),
            Content::Zip => ("zip", None),
            Content::Har => ("har", None),
            Content::Log => ("log", None),
            Content::TrustedProxies => ("trusted-proxies", None),
            Content::Skip(reason) => ("skip", Some(reason)),
        };
        Ok(serde_json::to_string(&ContentJson { content, reason })?)
    }

    fn member(&self, member: u32) -> Result<&Member, Refusal> {
        self.members.get(member as usize).ok_or(Refusal::NoMember(member))
    }

    fn error(&self, member: Option<&Member>, problem: Problem) -> ArchiveError {
        ArchiveError { archive: self.name.clone(), member: member.map(|m| m.name.clone()), problem }
    }
}

// The zip listing as the page reads it (JSON), borrowed from the core's types.
#[cfg(feature = "full")]
#[derive(serde::Serialize)]
struct Listing<'a> {
    members: Vec<MemberJson<'a>>,
    reads: Vec<ReadJson<'a>>,
    skipped: Vec<SkippedJson>,
}

#[cfg(feature = "full")]
#[derive(serde::Serialize)]
struct MemberJson<'a> {
    name: &'a str,
    method: String,
    encrypted: bool,
    compressed: u64,
    size: u64,
    crc32: u32,
    offset: u64,
}

#[cfg(feature = "full")]
impl<'a> From<&'a Member> for MemberJson<'a> {
    fn from(m: &'a Member) -> Self {
        MemberJson {
            name: &m.name,
            method: m.method.name(),
            encrypted: m.encrypted,
            compressed: m.compressed_size,
            size: m.size,
            crc32: m.crc32,
            offset: m.header_offset,
        }
    }
}

#[cfg(feature = "full")]
#[derive(serde::Serialize)]
struct ReadJson<'a> {
    name: &'a str,
    class: &'static str,
    members: &'a [usize],
}

#[cfg(feature = "full")]
#[derive(serde::Serialize)]
struct SkippedJson {
    member: usize,
    reason: &'static str,
}

#[cfg(feature = "full")]
#[derive(serde::Serialize)]
struct ContentJson {
    content: &'static str,
    reason: Option<String>,
}

#[cfg(feature = "full")]
fn class_name(class: &Class) -> &'static str {
    match class {
        Class::Har => "har",
        Class::Log { .. } => "log",
        Class::TrustedProxies => "trusted-proxies",
        Class::Archive => "archive",
        Class::Unknown => "unknown",
        Class::Skip(_) => "skip",
    }
}

/// The core's limits on inflating (`{"maxRatio", "ratioGrace", "maxTotal"}`, JSON), for the page's settings.
#[wasm_bindgen(js_name = inflateLimits)]
pub fn inflate_limits() -> Result<String, JsError> {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct LimitsJson {
        max_ratio: u64,
        ratio_grace: u64,
        max_total: u64,
    }
    let Limits { max_ratio, ratio_grace, max_total } = Limits::default();
    Ok(serde_json::to_string(&LimitsJson { max_ratio, ratio_grace, max_total })?)
}

/// What inflating costs across one analysis, and what the page's inflater says, as the core's errors naming
/// the archive and the member: `begin(archive, member)` at each compressed input or member (`member` `""`
/// for a gzip file), `checkDeclared` with its declared sizes, `add(compressed, inflated)` as bytes go in and
/// come out (throws at a limit), and `crc(chunk)` then `checkCrc(expected)` for a zip member.
#[cfg(feature = "full")]
#[wasm_bindgen]
#[derive(Debug)]
pub struct InflateMeter {
    meter: Meter,
    crc: Crc32,
    archive: String,
    member: Option<String>,
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl InflateMeter {
    /// `maxRatio` and `maxTotal` as the page's settings give them (the others are the core's defaults).
    #[wasm_bindgen(constructor)]
    pub fn new(max_ratio: f64, max_total: f64) -> InflateMeter {
        let limits = Limits { max_ratio: max_ratio as u64, max_total: max_total as u64, ..Limits::default() };
        InflateMeter { meter: Meter::new(limits), crc: Crc32::new(), archive: String::new(), member: None }
    }

    pub fn begin(&mut self, archive: &str, member: &str) {
        self.meter.begin();
        self.crc = Crc32::new();
        self.archive = archive.to_owned();
        self.member = Some(member.to_owned()).filter(|m| !m.is_empty());
    }

    /// Throws when the declared sizes already break a limit.
    #[wasm_bindgen(js_name = checkDeclared)]
    pub fn check_declared(&self, compressed: f64, size: f64) -> Result<(), JsError> {
        let limits = self.meter.limits();
        Ok(limits
            .check_declared(compressed as u64, size as u64, self.meter.total())
            .map_err(|e| self.error(e.into()))?)
    }

    /// Counts bytes read and inflated; throws at a limit.
    pub fn add(&mut self, compressed: f64, inflated: f64) -> Result<(), JsError> {
        Ok(self.meter.add(compressed as u64, inflated as u64).map_err(|e| self.error(e.into()))?)
    }

    /// Adds inflated bytes to the member's CRC-32.
    pub fn crc(&mut self, chunk: &[u8]) {
        self.crc.update(chunk);
    }

    /// Throws when the member's CRC-32 is not `expected`.
    #[wasm_bindgen(js_name = checkCrc)]
    pub fn check_crc(&self, expected: u32) -> Result<(), JsError> {
        let found = self.crc.value();
        if found == expected {
            return Ok(());
        }
        Err(self.error(Problem::Crc { expected, found }).into())
    }

    /// The error for the inflater's failure: `truncated` when the data ended early, else corrupt, in the
    /// browser's words (`detail`).
    pub fn failure(&self, truncated: bool, detail: &str) -> String {
        let problem = if truncated { Problem::Truncated } else { Problem::Corrupt(detail.to_owned()) };
        self.error(problem).to_string()
    }

    /// The error for an archive inside an archive inside an archive.
    #[wasm_bindgen(js_name = tooDeep)]
    pub fn too_deep(&self) -> String {
        self.error(Problem::TooDeep).to_string()
    }

    fn error(&self, problem: Problem) -> ArchiveError {
        ArchiveError { archive: self.archive.clone(), member: self.member.clone(), problem }
    }
}

/// Writes a zip of the page's sanitized HARs around the browser's deflater (`CompressionStream('deflate-raw')`):
/// `beginMember(name, offset)` gives the local header, then the deflated data, then `endMember(crc32,
/// compressedSize, size)` the descriptor; `finish(offset)` the central directory. `Crc32` checksums the data.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = ZipWriter)]
#[derive(Debug, Default)]
pub struct ZipOut {
    writer: ZipWriter,
}

#[cfg(feature = "full")]
#[wasm_bindgen(js_class = ZipWriter)]
impl ZipOut {
    #[wasm_bindgen(constructor)]
    pub fn new() -> ZipOut {
        ZipOut::default()
    }

    /// The local header of a deflated member `name` written at `offset`.
    #[wasm_bindgen(js_name = beginMember)]
    pub fn begin_member(&mut self, name: &str, offset: f64) -> Vec<u8> {
        self.writer.begin_member(name, Compression::Deflate, offset as u64)
    }

    #[wasm_bindgen(js_name = endMember)]
    pub fn end_member(&mut self, crc32: u32, compressed_size: f64, size: f64) -> Vec<u8> {
        self.writer.end_member(crc32, compressed_size as u64, size as u64)
    }

    pub fn finish(&self, offset: f64) -> Vec<u8> {
        self.writer.finish(offset as u64)
    }
}

/// A running CRC-32 (of a redacted member, for its zip descriptor).
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = Crc32)]
#[derive(Debug, Default)]
pub struct Checksum {
    crc: Crc32,
}

#[cfg(feature = "full")]
#[wasm_bindgen(js_class = Crc32)]
impl Checksum {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Checksum {
        Checksum::default()
    }

    pub fn update(&mut self, chunk: &[u8]) {
        self.crc.update(chunk);
    }

    #[wasm_bindgen(getter)]
    pub fn value(&self) -> u32 {
        self.crc.value()
    }
}
