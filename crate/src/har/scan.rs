//! The streaming entry scanner: chunks in, entries out, bounded memory.
//!
//! A small resumable state machine walks the document's outer structure (`{"log": {..., "entries": [...]}}`,
//! in any member order, optionally behind a BOM or inside a JSONP callback). At each entry it hands the
//! buffer to serde_json, which parses that one entry borrowing from the buffer and says where it ended: each
//! byte of an entry is read once. An entry cut by a chunk boundary fails with "end of input"; the attempt is
//! repeated only once the buffered part has doubled, so a 50 MB entry arriving in 64 KB chunks is parsed a
//! handful of times, not 800. Bytes before the entry in progress are dropped as soon as they are consumed:
//! memory is bounded by the chunk size plus the largest entry, never by the file.
//!
//! What happens to each element the machine finds is a [`Reader`]'s business: the analysis parses it into an
//! [`Entry`] ([`Scanner::feed`], here); the sanitizer takes it raw, with the outer structure (`raw.rs`, which
//! builds on this file). Both walk the same machine, so both accept the same files. Where an error is, in
//! lines and columns of the whole input, is the [`Locator`]'s business (`locate.rs`).

use std::borrow::Cow;
use std::ops::Range;

use serde_json::value::RawValue;

use super::error::{HarError, Location};
use super::json::{self, Notes};
use super::lenient::{Flag, LenientStr, SeqCount};
use super::locate::{describe, not_a_har_hint, offset_of, strip_serde_position, Locator};
use super::model::{Entry, Log, NameVersion};
use super::skim::{Skim, Skimmer, ELIDE_MIN, FIELD_MAX};
use super::warnings::Warnings;

/// Containers nested deeper than this are refused (no real HAR comes close; serde_json stops at 128 inside an
/// entry anyway) so that a hostile file cannot grow the bracket stack without bound.
const MAX_DEPTH: usize = 4096;

/// An entry still incomplete once this many of its bytes are buffered is read in pieces: the skim pre-pass
/// goes on from where it stopped as more bytes come, and the bytes it has read are dropped, so a huge entry
/// (a 100 MB header, a 1 GB body) costs the chunk size plus its copy without bodies, whose strings are cut
/// at [`FIELD_MAX`]. Such an entry must then be strict JSON: the tolerant reading needs it whole.
const PIECES_MIN: usize = 8 << 20;

/// Entries up to this long are first read in place by serde_json (see [`Analyzed`]); natively only: on wasm32
/// serde_json reads strings 4 bytes at a time and the SIMD128 pre-pass is the faster way (not measured
/// otherwise: the page's benchmark decides).
const DIRECT_MAX: usize = 64 * 1024;
const DIRECT: bool = !cfg!(target_arch = "wasm32");

/// Consumed bytes are dropped from the front of the buffer once there are at least this many, or once they
/// are half the buffer: moving memory on every tiny chunk would cost more than it saves.
const COMPACT_MIN: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ObjStep {
    FirstKey,
    Key,
    Colon,
    Value,
    CommaOrEnd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArrStep {
    FirstElem,
    Elem,
    /// `pos` is at the first byte (`{`) of an entry that serde_json parses.
    InEntry,
    CommaOrEnd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the document: a BOM, whitespace, a JSONP callback name, or `{`.
    Start,
    /// Inside a JSONP callback name.
    JsonpName,
    /// After the JSONP callback name, up to `(`.
    JsonpParen,
    /// After the JSONP `(`, up to `{`.
    JsonpOpen,
    Root(ObjStep),
    Log(ObjStep),
    Entries(ArrStep),
    /// After the top-level object: whitespace, and `)` / `;` closing a JSONP wrapper.
    Trailer,
}

/// The member whose value comes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Log,
    Entries,
    Creator,
    Browser,
    Version,
    Pages,
    Other,
}

/// What a value being scanned is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Key,
    Entry,
    Meta(Key),
    Skip,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueKind {
    Str,
    Container,
    Scalar,
}

/// A value in progress, resumable across chunks.
#[derive(Debug)]
struct ValueScan {
    active: bool,
    start: usize,
    kind: ValueKind,
    /// The opening quote or bracket has been consumed (`start` alone cannot tell once the buffer moved).
    opened: bool,
    in_str: bool,
    /// Closing brackets expected, innermost last.
    closers: Vec<u8>,
    purpose: Purpose,
}

enum Step {
    NeedMore,
    /// An entry object starts at `pos`.
    EntryStart,
    /// An element of `log.entries` that is not an entry object, found by the value scanner.
    Unreadable,
}

/// Why an element of `log.entries` was not read.
#[derive(Debug)]
pub(super) enum EntryError {
    /// Not JSON, even read tolerantly (or cut by the end of the buffer).
    Json(json::Error),
    /// JSON, but not shaped like an entry: counted and skipped.
    Shape(String),
    /// The input ends inside the element, whose first this many bytes (of those given) are read: they may be
    /// dropped, and the next attempt starts after them.
    Partial(usize),
    /// JSON, but not shaped like an entry (the reason), read to its end (this many bytes of those given):
    /// counted and skipped.
    Skipped(String, usize),
}

/// The document's outer structure as the machine reads it, in input order, for a reader that writes the
/// file back. Bytes are as written (valid JSON) and borrowed from the buffer for the time of the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Structure<'b> {
    /// A member name of the top-level object or of `log`, quoted and escaped as written.
    Name(&'b [u8]),
    /// The value of the member named last: a member of the top-level object (`in_log: false`) other than
    /// `log`, or of `log` other than an `entries` array.
    Value { in_log: bool, value: &'b [u8] },
    /// `"log": {` was read.
    LogStart,
    /// `"entries": [` was read.
    EntriesStart,
    /// The `]` closing `log.entries`.
    EntriesEnd,
    /// The `}` closing `log`.
    LogEnd,
}

/// What a reading of the HAR does with what the machine finds: the analysis parses entries ([`Analyzed`]),
/// the sanitizer takes every element raw with the outer structure (`RawScanner`).
pub(super) trait Reader {
    /// Parses the element of `log.entries` number `index` that starts `bytes` (at byte `offset` of the
    /// input; `last`: nothing follows `bytes`): its length, `None` when `bytes` holds no value at all. An
    /// error at the end of `bytes` makes the scanner retry once more is buffered: nothing of a failed attempt
    /// may be kept.
    fn parse(
        &mut self,
        bytes: &[u8],
        index: u64,
        offset: u64,
        last: bool,
        warnings: &mut Warnings,
    ) -> Option<Result<usize, EntryError>>;
    /// An element that is not shaped like an entry, counted but skipped.
    fn unreadable(&mut self, index: u64);
    /// A piece of the outer structure, as it is read.
    fn structure(&mut self, _part: Structure<'_>) {}
    /// Whether the members the analysis skips must stay in the buffer whole, from their first byte, until
    /// [`Reader::structure`] has them (a reader that writes them back).
    fn keeps_members(&self) -> bool {
        false
    }
}

/// The analysis's reading: entries parsed into [`Entry`], borrowed from the buffer, or from a copy of the
/// entry without its long bodies (see [`skim`](super::skim)).
struct Analyzed<F> {
    on_entry: F,
    /// The entry being parsed without whitespace and long bodies; kept by the scanner between chunks, so it
    /// grows to the largest entry's non-body part once.
    copy: Vec<u8>,
    /// The pre-pass of an entry being read in pieces (see [`PIECES_MIN`]).
    pieces: Option<Skimmer>,
    /// The last entry had a long body: the next one is likely to, and goes the pre-pass's way.
    bodies: bool,
    #[cfg(not(target_arch = "wasm32"))]
    hints: super::fast::Hints,
}

fn parse_entry(bytes: &[u8]) -> Option<Result<(Entry<'_>, usize), serde_json::Error>> {
    let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<Entry<'_>>();
    let entry = stream.next()?;
    Some(entry.map(|entry| (entry, stream.byte_offset())))
}

impl<F: FnMut(&Entry<'_>)> Reader for Analyzed<F> {
    fn parse(
        &mut self,
        bytes: &[u8],
        index: u64,
        offset: u64,
        last: bool,
        warnings: &mut Warnings,
    ) -> Option<Result<usize, EntryError>> {
        #[cfg(not(target_arch = "wasm32"))]
        let Self { on_entry, copy, pieces, bodies, hints } = self;
        #[cfg(target_arch = "wasm32")]
        let Self { on_entry, copy, pieces, bodies } = self;
        let mut deliver = |mut entry: Entry<'_>, len: u64, warnings: &mut Warnings| {
            entry.index = index;
            entry.span = (offset, len);
            check_entry(&entry, warnings);
            on_entry(&entry);
        };
        let in_pieces = pieces.is_some() || (!last && bytes.len() >= PIECES_MIN);
        // Natively, the field-selective reader first: what it reads is what serde_json would (a long body
        // aside, left out as the pre-pass leaves it), and what it does not read goes the ways below.
        #[cfg(not(target_arch = "wasm32"))]
        if !in_pieces {
            if let Some(read) = super::fast::read_entry(bytes, hints) {
                *bodies = read.long_body;
                deliver(read.entry, read.len as u64, warnings);
                return Some(Ok(read.len));
            }
        }
        // An array would be read as a struct's fields in order: only objects go this way.
        if DIRECT && !in_pieces && !*bodies && bytes.first() == Some(&b'{') {
            // An entry without long bodies (headers, cookies, timings, an initiator's stack) is read faster in
            // place by serde_json than copied by the pre-pass first: one of at most DIRECT_MAX bytes (no value
            // in it long enough to cut) is tried that way, unless the last entry had a long body. What serde_json
            // refuses, or a longer entry, goes the copy's way; the entry read is the same either way. (One note
            // differs: containers nested 101 to 128 levels deep, which the copy's way reads as null and notes,
            // serde_json skips without one; no field the analysis reads is that deep.)
            let head = &bytes[..bytes.len().min(DIRECT_MAX)];
            match parse_entry(head) {
                Some(Ok((entry, len))) => {
                    let long = |text: Option<&RawValue>| text.is_some_and(|t| t.get().len() >= ELIDE_MIN);
                    *bodies = long(entry.response.content.text)
                        || long(entry.request.post_data.as_ref().and_then(|p| p.text));
                    deliver(entry, len as u64, warnings);
                    return Some(Ok(len));
                }
                Some(Err(error)) if error.is_eof() && head.len() == bytes.len() && !last => {
                    let error = json::Error { offset: bytes.len(), eof: true, message: String::new() };
                    return Some(Err(EntryError::Json(error)));
                }
                _ => {}
            }
        }
        let mut skimmer = pieces.take().unwrap_or_default();
        match skimmer.run(bytes, copy, in_pieces) {
            Skim::Partial(read) => {
                *pieces = Some(skimmer);
                return Some(Err(EntryError::Partial(read)));
            }
            Skim::Complete(end) => {
                let whole = skimmer.consumed + end as u64;
                let refused = match parse_entry(copy) {
                    Some(Ok((entry, len))) if len == copy.len() => {
                        *bodies = skimmer.elided > 0;
                        note_cuts(&skimmer, index, warnings);
                        deliver(entry, whole, warnings);
                        return Some(Ok(end));
                    }
                    Some(Err(error)) => Some(error),
                    _ => None,
                };
                if whole >= PIECES_MIN as u64 {
                    // Read in pieces, or as long as one that is: its first bytes may be gone, and the answer must
                    // not depend on how the input was cut into chunks.
                    return Some(Err(refused_in_pieces(refused, end, whole)));
                }
            }
            // Cut by the end of the buffer: the same answer the tolerant reading gives, without walking the
            // bodies.
            Skim::Incomplete => {
                let error = json::Error { offset: bytes.len(), eof: true, message: String::new() };
                return Some(Err(EntryError::Json(error)));
            }
            Skim::NotAnObject if skimmer.consumed > 0 => {
                let message = format!(
                    "entry {index} is over {} MiB, read in pieces, and its brackets do not balance or nest over {} levels deep",
                    PIECES_MIN >> 20,
                    super::MAX_DEPTH
                );
                return Some(Err(EntryError::Json(json::Error { offset: 0, eof: false, message })));
            }
            Skim::NotAnObject => {}
        }
        // serde_json refused the entry (or it is nested too deep for the fast path): the tolerant reading
        // decides, so that the analysis accepts exactly what the sanitizer does, and serde_json reads the
        // entry it writes back.
        let (len, notes) = match tolerate(bytes, last, copy) {
            Ok(read) => read,
            Err(error) => return Some(Err(error)),
        };
        Some(match parse_entry(copy) {
            Some(Ok((entry, _))) => {
                note_deviations(notes, index, warnings);
                deliver(entry, len as u64, warnings);
                Ok(len)
            }
            Some(Err(error)) => Err(EntryError::Shape(strip_serde_position(&error.to_string()))),
            None => Err(EntryError::Shape("not a JSON value".to_owned())),
        })
    }

    fn unreadable(&mut self, index: u64) {
        (self.on_entry)(&Entry { index, unreadable: true, ..Entry::default() });
    }
}

/// Why an entry read in pieces (`whole` bytes, the last `end` of them in the buffer) that serde_json refused
/// (`error`) is skipped or stops the reading: not shaped like an entry, it is skipped as any such entry is;
/// not strict JSON, it is an error, as the tolerant reading cannot have it whole.
fn refused_in_pieces(error: Option<serde_json::Error>, end: usize, whole: u64) -> EntryError {
    let reason = error
        .as_ref()
        .map_or_else(|| "not a JSON value".to_owned(), |e| strip_serde_position(&e.to_string()));
    if error.is_some_and(|e| e.is_data()) {
        return EntryError::Skipped(reason, end);
    }
    let message = format!(
        "{reason}, in an entry of {:.1} MB (entries over {} MiB are read in pieces and must be strict JSON)",
        whole as f64 / 1e6,
        PIECES_MIN >> 20
    );
    EntryError::Json(json::Error { offset: end, eof: false, message })
}

/// The strings of one entry cut at [`FIELD_MAX`], as a warning (counted per entry).
fn note_cuts(skimmer: &Skimmer, index: u64, warnings: &mut Warnings) {
    let Some(cut) = &skimmer.first_cut else {
        return;
    };
    let member = if cut.member.is_empty() {
        "an array element".to_owned()
    } else {
        format!("`{}`", cut.member.trim_matches('"'))
    };
    let others = match skimmer.cuts {
        1 => String::new(),
        n => format!(" ({} more in the entry)", n - 1),
    };
    warnings.add("value-cut", Some(index), || {
        format!(
            "entry {index}: a value of {:.1} MB ({member}) was read up to its first {} MiB only{others}",
            cut.len as f64 / 1e6,
            FIELD_MAX >> 20
        )
    });
}

/// The tolerant reading of an element serde_json refused: the object written back as strict JSON into
/// `strict`, with its length in `bytes` and what was tolerated. Not generic, so the analysis has it once.
fn tolerate(bytes: &[u8], last: bool, strict: &mut Vec<u8>) -> Result<(usize, Notes), EntryError> {
    let (value, len, notes) = json::parse_entry(bytes, last).map_err(EntryError::Json)?;
    if !matches!(value, json::Json::Obj(_)) {
        return Err(EntryError::Shape("not an object".to_owned()));
    }
    strict.clear();
    value.write(strict);
    Ok((len, notes))
}

/// The deviations the tolerant reading accepted in one entry, as warnings (counted per kind).
pub(super) fn note_deviations(notes: Notes, index: u64, warnings: &mut Warnings) {
    for (code, text) in notes.each() {
        warnings.add(code, Some(index), || format!("entry {index}: {text}"));
    }
}

/// Reads one HAR from chunks of bytes: [`Scanner::feed`] each chunk, saying which one is the last; it calls
/// back with every entry it completes, in order.
#[derive(Debug)]
pub struct Scanner {
    buf: Vec<u8>,
    pos: usize,
    /// Absolute offset of `buf[0]` in the input.
    base: u64,
    /// Lines of the bytes dropped from the buffer, for line:column.
    locator: Locator,
    state: State,
    key: Key,
    value: ValueScan,
    entries: u64,
    /// An entry attempt that ran out of input is retried only once this many bytes are buffered from its start.
    retry_at: usize,
    /// Why serde_json refused the entry now being skipped by the value scanner.
    unreadable_reason: Option<String>,
    /// How many times serde_json was started on an entry (tests check the doubling keeps this small).
    parse_attempts: u64,
    eof: bool,
    jsonp: bool,
    jsonp_closed: bool,
    jsonp_semicolon: bool,
    saw_log: bool,
    saw_entries: bool,
    log: Log,
    warnings: Warnings,
    /// [`Analyzed`]'s copy buffer, kept between chunks so it is allocated once.
    skim_copy: Vec<u8>,
    /// [`Analyzed`]'s pre-pass of an entry being read in pieces.
    skim_pieces: Option<Skimmer>,
    /// [`Analyzed`]'s guess that the next entry has a long body.
    bodies: bool,
    /// [`Analyzed`]'s list sizes of the last entry.
    #[cfg(not(target_arch = "wasm32"))]
    hints: super::fast::Hints,
    /// Where the entry being read in pieces starts in the input (its first bytes are no longer buffered).
    entry_start: Option<u64>,
}

impl Default for Scanner {
    fn default() -> Self {
        Self::new()
    }
}

impl Scanner {
    pub fn new() -> Self {
        Scanner {
            buf: Vec::new(),
            pos: 0,
            base: 0,
            locator: Locator::default(),
            state: State::Start,
            key: Key::Other,
            value: ValueScan {
                active: false,
                start: 0,
                kind: ValueKind::Scalar,
                opened: false,
                in_str: false,
                closers: Vec::new(),
                purpose: Purpose::Skip,
            },
            entries: 0,
            retry_at: 0,
            unreadable_reason: None,
            parse_attempts: 0,
            eof: false,
            jsonp: false,
            jsonp_closed: false,
            jsonp_semicolon: false,
            saw_log: false,
            saw_entries: false,
            log: Log::default(),
            warnings: Warnings::default(),
            skim_copy: Vec::new(),
            skim_pieces: None,
            bodies: false,
            #[cfg(not(target_arch = "wasm32"))]
            hints: Default::default(),
            entry_start: None,
        }
    }

    /// Adds the next chunk of input and calls `on_entry` for each entry it completes, in order. `eof`: this
    /// chunk (possibly empty) is the last; the scanner then reads what is still buffered and checks that the
    /// HAR was complete. Nothing may be fed after the last chunk.
    pub fn feed(
        &mut self,
        chunk: &[u8],
        eof: bool,
        on_entry: impl FnMut(&Entry<'_>),
    ) -> Result<(), HarError> {
        let mut reader = Analyzed {
            on_entry,
            copy: std::mem::take(&mut self.skim_copy),
            pieces: self.skim_pieces.take(),
            bodies: self.bodies,
            #[cfg(not(target_arch = "wasm32"))]
            hints: std::mem::take(&mut self.hints),
        };
        let result = self.read(chunk, eof, &mut reader);
        self.skim_copy = reader.copy;
        self.skim_pieces = reader.pieces;
        self.bodies = reader.bodies;
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.hints = reader.hints;
        }
        result
    }

    /// The one path of every reading: adds `chunk`, hands `reader` what it completes, and at the end of the
    /// input checks that the HAR was complete.
    pub(super) fn read(&mut self, chunk: &[u8], eof: bool, reader: &mut impl Reader) -> Result<(), HarError> {
        if self.eof {
            return Err(HarError::AfterFinish);
        }
        self.compact(reader.keeps_members());
        self.buf.extend_from_slice(chunk);
        self.eof = eof;
        while self.next_entry(reader)? {}
        if eof {
            self.check_complete()
        } else {
            Ok(())
        }
    }

    /// At the end of the input: the HAR must be closed.
    fn check_complete(&mut self) -> Result<(), HarError> {
        let at = self.location_at(self.buf.len(), self.current_entry());
        let message = match self.state {
            State::Trailer if !self.jsonp || self.jsonp_closed => {
                if !self.saw_entries {
                    self.warnings.add("no-entries", None, || {
                        "`log` has no `entries`: read as a recording with no requests".to_owned()
                    });
                }
                return Ok(());
            }
            State::Trailer => "expected `)` closing the JSONP wrapper".to_owned(),
            State::Start if self.buf[self.pos..].iter().all(u8::is_ascii_whitespace) => {
                return Err(HarError::NotHar { at, message: "the file is empty".to_owned() });
            }
            State::Start | State::JsonpName | State::JsonpParen | State::JsonpOpen => {
                "expected `{` starting the HAR".to_owned()
            }
            State::Entries(_) => format!("in `log.entries`, entry {} is incomplete", self.entries),
            State::Log(_) => "`log` is not closed".to_owned(),
            State::Root(_) => "the top-level object is not closed".to_owned(),
        };
        Err(HarError::Truncated { at, message })
    }

    /// Reads the next entry and passes it to `reader`; false when more input is needed.
    fn next_entry(&mut self, reader: &mut impl Reader) -> Result<bool, HarError> {
        loop {
            match self.step(reader)? {
                Step::NeedMore => return Ok(false),
                Step::Unreadable => {
                    let index = self.entries;
                    self.entries += 1;
                    let reason = self.unreadable_reason.take().unwrap_or_else(|| "not an object".to_owned());
                    self.warnings.add("unreadable-entry", Some(index), || {
                        format!("entry {index} is not shaped like a HAR entry ({reason}); it was skipped")
                    });
                    reader.unreadable(index);
                    return Ok(true);
                }
                Step::EntryStart => {}
            }
            let available = self.buf.len() - self.pos;
            if !self.eof && available < self.retry_at {
                return Ok(false);
            }
            self.parse_attempts += 1;
            let bytes = &self.buf[self.pos..];
            let offset = self.entry_start.unwrap_or(self.base + self.pos as u64);
            let err = match reader.parse(bytes, self.entries, offset, self.eof, &mut self.warnings) {
                Some(Ok(len)) => {
                    self.entries += 1;
                    self.pos += len;
                    self.retry_at = 0;
                    self.entry_start = None;
                    self.state = State::Entries(ArrStep::CommaOrEnd);
                    return Ok(true);
                }
                Some(Err(err)) => err,
                None => return Ok(false),
            };
            match err {
                EntryError::Partial(read) if !self.eof => {
                    // Read in pieces: what the reader has read goes with the next compaction; what it left (a
                    // string not known yet to be cut) is tried again once it has doubled, as a whole entry is.
                    self.entry_start = Some(offset);
                    self.pos += read;
                    self.retry_at = (available - read).saturating_mul(2);
                    return Ok(false);
                }
                EntryError::Skipped(reason, len) => {
                    let index = self.entries;
                    self.entries += 1;
                    self.pos += len;
                    self.entry_start = None;
                    self.state = State::Entries(ArrStep::CommaOrEnd);
                    self.warnings.add("unreadable-entry", Some(index), || {
                        format!("entry {index} is not shaped like a HAR entry ({reason}); it was skipped")
                    });
                    reader.unreadable(index);
                    return Ok(true);
                }
                EntryError::Json(err) if err.eof && !self.eof => {
                    // Doubling, with one attempt at PIECES_MIN on the way, where the analysis starts reading in
                    // pieces.
                    let next = available.saturating_mul(2).max(available + 1);
                    self.retry_at = if available < PIECES_MIN { next.min(PIECES_MIN) } else { next };
                    return Ok(false);
                }
                EntryError::Json(json::Error { eof: true, .. }) | EntryError::Partial(_) => {
                    let message = format!("in `log.entries`, entry {} is incomplete", self.entries);
                    let at = self.location_at(self.buf.len(), Some(self.entries));
                    return Err(HarError::Truncated { at, message });
                }
                EntryError::Shape(reason) => {
                    // Valid JSON that is not shaped like an entry: the value scanner finds where it ends, and
                    // the entry is counted (indices must match the file) but skipped.
                    self.unreadable_reason = Some(reason);
                    self.state = State::Entries(ArrStep::Elem);
                    self.begin_value(Purpose::Entry)?;
                }
                EntryError::Json(err) => {
                    let offset = self.pos + err.offset.min(bytes.len());
                    return Err(HarError::Syntax {
                        at: self.location_at(offset, Some(self.entries)),
                        message: err.message,
                    });
                }
            }
        }
    }

    /// Bytes consumed so far (for progress).
    pub fn bytes_consumed(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Entries read so far, including unreadable ones: the next entry's index.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// What the file says about itself (`log.version`, `creator`, `browser`, `pages`), as far as read.
    pub fn log(&self) -> &Log {
        &self.log
    }

    pub fn warnings(&self) -> &Warnings {
        &self.warnings
    }

    /// Bytes held in memory right now: the chunk being read plus the entry in progress.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    pub fn into_parts(self) -> (Log, Warnings) {
        (self.log, self.warnings)
    }

    fn current_entry(&self) -> Option<u64> {
        matches!(self.state, State::Entries(_)).then_some(self.entries)
    }

    /// Drops consumed bytes from the front of the buffer, keeping line counts for error messages.
    /// `keep_members`: skipped members stay whole too (see [`Reader::keeps_members`]).
    fn compact(&mut self, keep_members: bool) {
        // A skipped string or container needs only its end, but a value we parse (and a scalar, which is
        // validated whole) must stay in the buffer from its first byte.
        let keep_whole =
            self.value.purpose != Purpose::Skip || self.value.kind == ValueKind::Scalar || keep_members;
        let keep_from =
            if self.value.active && keep_whole { self.value.start.min(self.pos) } else { self.pos };
        if keep_from == 0 || (keep_from < COMPACT_MIN && keep_from * 2 < self.buf.len()) {
            return;
        }
        self.locator.forget(self.base, &self.buf[..keep_from]);
        self.buf.drain(..keep_from);
        self.base += keep_from as u64;
        self.pos -= keep_from;
        self.value.start = self.value.start.saturating_sub(keep_from);
    }

    /// Line and column (1-based, bytes) of a buffer position.
    fn location_at(&self, index: usize, entry: Option<u64>) -> Location {
        self.locator.locate(&self.buf, self.base, index, entry)
    }

    fn syntax(&self, message: String) -> HarError {
        HarError::Syntax { at: self.location_at(self.pos, self.current_entry()), message }
    }

    fn unexpected(&self, expected: &str) -> HarError {
        let found = self.buf.get(self.pos).copied();
        let context = match self.state {
            State::Root(_) => " in the top-level object",
            State::Log(_) => " in `log`",
            State::Entries(_) => " in `log.entries`",
            _ => "",
        };
        self.syntax(format!("expected {expected}{context}, found {}", describe(found)))
    }

    /// Skips whitespace; returns the next byte without consuming it.
    fn peek_non_ws(&mut self) -> Option<u8> {
        while let Some(&b) = self.buf.get(self.pos) {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    fn begin_value(&mut self, purpose: Purpose) -> Result<(), HarError> {
        let Some(&b) = self.buf.get(self.pos) else {
            return Ok(());
        };
        if purpose == Purpose::Key && b != b'"' {
            let expected = if self.state == State::Root(ObjStep::FirstKey)
                || self.state == State::Log(ObjStep::FirstKey)
            {
                "a member name in quotes or `}`"
            } else {
                "a member name in quotes"
            };
            return Err(self.unexpected(expected));
        }
        let kind = match b {
            b'"' => ValueKind::Str,
            b'{' | b'[' => ValueKind::Container,
            b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => ValueKind::Scalar,
            _ => return Err(self.unexpected("a JSON value")),
        };
        self.value.active = true;
        self.value.start = self.pos;
        self.value.kind = kind;
        self.value.opened = false;
        self.value.in_str = false;
        self.value.closers.clear();
        self.value.purpose = purpose;
        Ok(())
    }

    /// Continues the value in progress; returns its byte range once complete.
    fn scan_value(&mut self) -> Result<Option<Range<usize>>, HarError> {
        let v = &mut self.value;
        if v.kind == ValueKind::Scalar {
            while let Some(&b) = self.buf.get(self.pos) {
                if !matches!(b, b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'-' | b'+' | b'.') {
                    break;
                }
                self.pos += 1;
            }
            if self.pos == self.buf.len() && !self.eof {
                return Ok(None);
            }
            let range = v.start..self.pos;
            // Validate the token with serde_json so `tru` or `01` is reported as the error it is.
            let token = &self.buf[range.clone()];
            if serde_json::from_slice::<serde::de::IgnoredAny>(token).is_err() {
                let text = crate::escape::excerpt(&String::from_utf8_lossy(token), 40);
                self.pos = v.start;
                return Err(self.syntax(format!("`{text}` is not a JSON value")));
            }
            return Ok(Some(range));
        }
        if !v.opened {
            v.opened = true;
            // The opening quote or bracket.
            if v.kind == ValueKind::Str {
                v.in_str = true;
            } else {
                v.closers.push(closer(self.buf[self.pos]));
            }
            self.pos += 1;
        }
        loop {
            if v.in_str {
                // Nearly every byte of a HAR is inside a string: cross them with SIMD.
                match memchr::memchr2(b'"', b'\\', &self.buf[self.pos..]) {
                    None => {
                        self.pos = self.buf.len();
                        return Ok(None);
                    }
                    Some(i) => {
                        let at = self.pos + i;
                        if self.buf[at] == b'\\' {
                            if at + 1 >= self.buf.len() {
                                // The escaped byte is in the next chunk: resume at the backslash.
                                self.pos = at;
                                return Ok(None);
                            }
                            self.pos = at + 2;
                            continue;
                        }
                        self.pos = at + 1;
                        v.in_str = false;
                        if v.kind == ValueKind::Str {
                            return Ok(Some(v.start..self.pos));
                        }
                    }
                }
            }
            // Structure between strings: short runs of brackets, separators, numbers and literals.
            loop {
                let Some(&b) = self.buf.get(self.pos) else {
                    return Ok(None);
                };
                match b {
                    b'"' => {
                        v.in_str = true;
                        self.pos += 1;
                        break;
                    }
                    b'{' | b'[' => {
                        if v.closers.len() >= MAX_DEPTH {
                            return Err(
                                self.syntax(format!("values nested more than {MAX_DEPTH} levels deep"))
                            );
                        }
                        v.closers.push(closer(b));
                    }
                    b'}' | b']' => {
                        if v.closers.pop() != Some(b) {
                            let expected = match v.closers.last() {
                                Some(&c) => format!("`{}` or `,`", c as char),
                                None => format!("`{}`", b as char),
                            };
                            return Err(
                                self.syntax(format!("unbalanced `{}`: expected {expected}", b as char))
                            );
                        }
                        if v.closers.is_empty() {
                            self.pos += 1;
                            return Ok(Some(v.start..self.pos));
                        }
                    }
                    b',' | b':' | b' ' | b'\t' | b'\n' | b'\r' => {}
                    b'0'..=b'9' | b'-' | b'+' | b'.' | b'a'..=b'z' | b'E' => {}
                    _ => {
                        let found = describe(Some(b));
                        return Err(self.syntax(format!("expected a JSON value, found {found}")));
                    }
                }
                self.pos += 1;
            }
        }
    }

    /// Runs the outer state machine until an entry is complete or the buffer is used up. The reader is only
    /// told about the structure here (rarely): behind `dyn`, the machine is compiled once for every reader.
    fn step(&mut self, reader: &mut dyn Reader) -> Result<Step, HarError> {
        loop {
            if self.value.active {
                let Some(range) = self.scan_value()? else {
                    return Ok(Step::NeedMore);
                };
                self.value.active = false;
                match self.value.purpose {
                    // Only elements that are not entry objects go through the value scanner: skip them.
                    Purpose::Entry => {
                        self.state = State::Entries(ArrStep::CommaOrEnd);
                        return Ok(Step::Unreadable);
                    }
                    Purpose::Key => {
                        self.key = self.classify_key(range.clone())?;
                        reader.structure(Structure::Name(&self.buf[range]));
                        self.state = match self.state {
                            State::Log(_) => State::Log(ObjStep::Colon),
                            _ => State::Root(ObjStep::Colon),
                        };
                    }
                    Purpose::Meta(key) => {
                        reader.structure(Structure::Value { in_log: true, value: &self.buf[range.clone()] });
                        self.read_meta(key, range);
                        self.state = State::Log(ObjStep::CommaOrEnd);
                    }
                    Purpose::Skip => {
                        let in_log = matches!(self.state, State::Log(_));
                        reader.structure(Structure::Value { in_log, value: &self.buf[range] });
                        self.state = match self.state {
                            State::Log(_) => State::Log(ObjStep::CommaOrEnd),
                            _ => State::Root(ObjStep::CommaOrEnd),
                        };
                    }
                }
                continue;
            }
            if self.state == State::Start && self.base == 0 && self.pos == 0 && self.skip_bom().is_none() {
                return Ok(Step::NeedMore);
            }
            if self.state == State::Entries(ArrStep::InEntry) {
                return Ok(Step::EntryStart);
            }
            if self.state == State::JsonpName {
                // A JSONP callback name ends at its first other byte, whitespace included, whatever chunk
                // that byte comes in.
                while let Some(&c) = self.buf.get(self.pos) {
                    if !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'.')) {
                        self.state = State::JsonpParen;
                        break;
                    }
                    self.pos += 1;
                }
                if self.state == State::JsonpName {
                    return Ok(Step::NeedMore);
                }
            }
            let Some(b) = self.peek_non_ws() else {
                return Ok(Step::NeedMore);
            };
            match self.state {
                // A file that does not start with `{` gets a hint about what it is; that needs a few bytes.
                State::Start if b != b'{' && self.buf.len() - self.pos < 4 && !self.eof => {
                    return Ok(Step::NeedMore);
                }
                State::Start => match b {
                    b'{' => {
                        self.pos += 1;
                        self.state = State::Root(ObjStep::FirstKey);
                    }
                    b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'$' => self.state = State::JsonpName,
                    _ => return Err(self.not_a_har_start(b)),
                },
                // Handled before whitespace is skipped, above.
                State::JsonpName => {}
                State::JsonpParen => match self.peek_non_ws() {
                    None => return Ok(Step::NeedMore),
                    Some(b'(') => {
                        self.pos += 1;
                        self.state = State::JsonpOpen;
                    }
                    Some(_) => {
                        return Err(self.unexpected("`{` starting the HAR (or `(` after a JSONP callback)"))
                    }
                },
                State::JsonpOpen => {
                    if b != b'{' {
                        return Err(self.unexpected("`{` starting the HAR inside the JSONP wrapper"));
                    }
                    self.pos += 1;
                    self.jsonp = true;
                    self.warnings.add("jsonp", None, || {
                        "the HAR is wrapped in a JSONP callback, as HAR Viewer accepts; read without it"
                            .to_owned()
                    });
                    self.state = State::Root(ObjStep::FirstKey);
                }
                State::Root(step) | State::Log(step) => self.object_step(step, b, reader)?,
                State::Entries(step) => match (step, b) {
                    (ArrStep::FirstElem | ArrStep::CommaOrEnd, b']') => {
                        self.pos += 1;
                        reader.structure(Structure::EntriesEnd);
                        self.state = State::Log(ObjStep::CommaOrEnd);
                    }
                    // Every element is read the same way by every reader, so all accept the same files: one
                    // that is JSON but no entry object is counted and skipped (the analysis) or kept (the
                    // sanitizer).
                    (
                        ArrStep::FirstElem | ArrStep::Elem,
                        b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n',
                    ) => {
                        self.state = State::Entries(ArrStep::InEntry);
                        return Ok(Step::EntryStart);
                    }
                    (ArrStep::FirstElem | ArrStep::Elem, _) => return Err(self.unexpected("a JSON value")),
                    (ArrStep::InEntry, _) => return Ok(Step::EntryStart),
                    (ArrStep::CommaOrEnd, b',') => {
                        self.pos += 1;
                        self.state = State::Entries(ArrStep::Elem);
                    }
                    (ArrStep::CommaOrEnd, _) => return Err(self.unexpected("`,` or `]` after an entry")),
                },
                State::Trailer => match b {
                    b')' if self.jsonp && !self.jsonp_closed => {
                        self.pos += 1;
                        self.jsonp_closed = true;
                    }
                    b';' if self.jsonp_closed && !self.jsonp_semicolon => {
                        self.pos += 1;
                        self.jsonp_semicolon = true;
                    }
                    _ => return Err(self.unexpected("nothing after the end of the HAR")),
                },
            }
        }
    }

    fn object_step(&mut self, step: ObjStep, b: u8, reader: &mut dyn Reader) -> Result<(), HarError> {
        let in_log = matches!(self.state, State::Log(_));
        let set = |s: ObjStep| if in_log { State::Log(s) } else { State::Root(s) };
        match (step, b) {
            (ObjStep::FirstKey | ObjStep::CommaOrEnd, b'}') => {
                self.pos += 1;
                if in_log {
                    reader.structure(Structure::LogEnd);
                    self.state = State::Root(ObjStep::CommaOrEnd);
                } else {
                    if !self.saw_log {
                        let at = self.location_at(self.pos - 1, None);
                        let message = "the top-level object has no `log` member".to_owned();
                        return Err(HarError::NotHar { at, message });
                    }
                    self.state = State::Trailer;
                }
            }
            (ObjStep::FirstKey | ObjStep::Key, _) => self.begin_value(Purpose::Key)?,
            (ObjStep::Colon, b':') => {
                self.pos += 1;
                self.state = set(ObjStep::Value);
            }
            (ObjStep::Colon, _) => return Err(self.unexpected("`:` after the member name")),
            (ObjStep::Value, _) => self.begin_member_value(in_log, b, reader)?,
            (ObjStep::CommaOrEnd, b',') => {
                self.pos += 1;
                self.state = set(ObjStep::Key);
            }
            (ObjStep::CommaOrEnd, _) => return Err(self.unexpected("`,` or `}`")),
        }
        Ok(())
    }

    fn begin_member_value(&mut self, in_log: bool, b: u8, reader: &mut dyn Reader) -> Result<(), HarError> {
        match (in_log, self.key) {
            (false, Key::Log) => {
                if b != b'{' {
                    let at = self.location_at(self.pos, None);
                    return Err(HarError::NotHar { at, message: "`log` is not an object".to_owned() });
                }
                self.pos += 1;
                if std::mem::replace(&mut self.saw_log, true) {
                    self.warnings.add("duplicate-log", None, || {
                        "the top-level object has several `log` members: all are read, their entries numbered on"
                            .to_owned()
                    });
                }
                self.state = State::Log(ObjStep::FirstKey);
                reader.structure(Structure::LogStart);
            }
            (true, Key::Entries) if b == b'[' => {
                self.pos += 1;
                if std::mem::replace(&mut self.saw_entries, true) {
                    self.warnings.add("duplicate-entries", None, || {
                        "`log` has several `entries` arrays: all are read, their entries numbered on"
                            .to_owned()
                    });
                }
                self.state = State::Entries(ArrStep::FirstElem);
                reader.structure(Structure::EntriesStart);
            }
            (true, Key::Entries) if b == b'n' => self.begin_value(Purpose::Skip)?,
            (true, Key::Entries) => {
                let at = self.location_at(self.pos, None);
                return Err(HarError::NotHar { at, message: "`log.entries` is not an array".to_owned() });
            }
            (true, key @ (Key::Creator | Key::Browser | Key::Version | Key::Pages)) => {
                self.begin_value(Purpose::Meta(key))?
            }
            _ => self.begin_value(Purpose::Skip)?,
        }
        Ok(())
    }

    fn classify_key(&self, range: Range<usize>) -> Result<Key, HarError> {
        let bytes = &self.buf[range.clone()];
        let name = match serde_json::from_slice::<Cow<'_, str>>(bytes) {
            Ok(name) => name,
            Err(err) => {
                let offset = range.start + offset_of(bytes, err.line(), err.column());
                let message = strip_serde_position(&err.to_string());
                return Err(HarError::Syntax { at: self.location_at(offset, None), message });
            }
        };
        let in_log = matches!(self.state, State::Log(_));
        Ok(match (in_log, name.as_ref()) {
            (false, "log") => Key::Log,
            (true, "entries") => Key::Entries,
            (true, "creator") => Key::Creator,
            (true, "browser") => Key::Browser,
            (true, "version") => Key::Version,
            (true, "pages") => Key::Pages,
            _ => Key::Other,
        })
    }

    /// Reads `log.creator`, `browser`, `version`, `pages`; a malformed one is a warning, not an error.
    fn read_meta(&mut self, key: Key, range: Range<usize>) {
        let bytes = &self.buf[range];
        match key {
            Key::Creator | Key::Browser => match serde_json::from_slice::<NameVersion<'_>>(bytes) {
                Ok(nv) if key == Key::Creator => self.log.creator = nv.label(),
                Ok(nv) => self.log.browser = nv.label(),
                Err(_) => self.warnings.add("bad-creator", None, || {
                    format!(
                        "`log.{}` is not a name/version object",
                        if key == Key::Creator { "creator" } else { "browser" }
                    )
                }),
            },
            Key::Version => {
                let version = serde_json::from_slice::<LenientStr<'_>>(bytes).ok().and_then(|v| v.value);
                match version.as_deref() {
                    Some("1.2") => {}
                    Some(v) => {
                        let v = v.to_owned();
                        self.warnings.add("har-version", None, || format!("HAR version {v} (read as 1.2)"));
                    }
                    None => self
                        .warnings
                        .add("har-version", None, || "`log.version` is missing or not a string".to_owned()),
                }
                self.log.version = version.map(Cow::into_owned);
            }
            Key::Pages => {
                self.log.pages = serde_json::from_slice::<SeqCount>(bytes).ok().map(|c| c.0);
            }
            _ => {}
        }
    }

    /// Skips a UTF-8 byte-order mark at the very start. `None`: not enough bytes yet to tell.
    fn skip_bom(&mut self) -> Option<bool> {
        const BOM: &[u8] = b"\xEF\xBB\xBF";
        let have = self.buf.len().min(3);
        if self.buf[..have] != BOM[..have] {
            return Some(false);
        }
        if have < 3 {
            return if self.eof { Some(false) } else { None };
        }
        self.pos = 3;
        self.warnings.add("bom", None, || "starts with a UTF-8 byte-order mark (ignored)".to_owned());
        Some(true)
    }

    /// The error for a first byte that cannot start a HAR, with a hint when the file is a known other format.
    fn not_a_har_start(&self, b: u8) -> HarError {
        let hint = not_a_har_hint(&self.buf[self.pos..], b);
        self.syntax(format!("expected `{{` starting the HAR, found {}: {hint}", describe(Some(b))))
    }
}

fn closer(open: u8) -> u8 {
    if open == b'{' {
        b'}'
    } else {
        b']'
    }
}

/// Turns the lenient fields' flags into warnings (one per kind of deviation, counted).
fn check_entry(entry: &Entry<'_>, warnings: &mut Warnings) {
    let i = entry.index;
    let req = &entry.request;
    let res = &entry.response;
    if req.url.value.is_none() {
        warnings.add("no-url", Some(i), || format!("entry {i} has no `request.url`"));
    }
    if entry.started_date_time.value.is_none() {
        warnings.add("no-start-time", Some(i), || format!("entry {i} has no `startedDateTime`"));
    }
    if res.status.flag == Flag::WrongType {
        warnings.add("status-type", Some(i), || format!("entry {i}: `response.status` is not a number"));
    }
    for (list, name) in [(req.cookies.flag, "request.cookies"), (res.cookies.flag, "response.cookies")] {
        if list == Flag::WrongType {
            warnings.add("cookies-object", Some(i), || {
                format!("entry {i}: `{name}` is a single object, not an array (as IE11 writes it)")
            });
        }
    }
    for (list, name) in [(req.headers.flag, "request.headers"), (res.headers.flag, "response.headers")] {
        if matches!(list, Flag::WrongType | Flag::Null) {
            warnings.add("headers-type", Some(i), || format!("entry {i}: `{name}` is not an array"));
        }
    }
    let string_bool = req
        .cookies
        .iter()
        .chain(res.cookies.iter())
        .any(|c| c.http_only.flag == Flag::WrongType || c.secure.flag == Flag::WrongType);
    if string_bool {
        warnings.add("string-boolean", Some(i), || {
            format!("entry {i}: cookie flags written as strings (`\"true\"`), as Fiddler does")
        });
    }
    if res.redirect_url.flag == Flag::Null {
        warnings.add("null-redirect-url", Some(i), || format!("entry {i}: `response.redirectURL` is null"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `input` in `chunk`-byte pieces; returns the entries' URLs (or "-" for unreadable ones).
    fn read(input: &[u8], chunk: usize) -> Result<(Vec<String>, Scanner), HarError> {
        let mut scanner = Scanner::new();
        let mut urls = Vec::new();
        let mut on_entry = |e: &Entry<'_>| {
            urls.push(if e.unreadable { "-".to_owned() } else { e.request.url.or_empty().to_owned() })
        };
        for part in input.chunks(chunk.max(1)) {
            scanner.feed(part, false, &mut on_entry)?;
        }
        scanner.feed(b"", true, &mut on_entry)?;
        Ok((urls, scanner))
    }

    fn entry(url: &str, body_len: usize) -> String {
        format!(
            r#"{{"startedDateTime":"2021-10-19T16:56:47.306Z","request":{{"method":"GET","url":"{url}","headers":[]}},"response":{{"status":200,"headers":[{{"name":"X-AUSERNAME","value":"v3ry8"}}],"content":{{"size":{body_len},"text":"{}"}}}}}}"#,
            "x\\\"".repeat(body_len / 4)
        )
    }

    fn har(entries: &[String]) -> Vec<u8> {
        format!(
            r#"{{"log":{{"version":"1.2","creator":{{"name":"t","version":"1"}},"entries":[{}]}}}}"#,
            entries.join(",")
        )
        .into_bytes()
    }

    #[test]
    fn members_in_any_order_and_unknown_members() {
        let input = br#"{"x":{"deep":[1,{"a":"}"}]},"log":{"entries":[{"startedDateTime":"2021-10-19T16:56:47.306Z","request":{"url":"http://a/"}}],"comment":null,"creator":{"name":"Fiddler","version":"4"},"version":"1.2","pages":[{},{}]},"y":-1.5e3}"#;
        let (urls, scanner) = read(input, 5).unwrap();
        assert_eq!(urls, ["http://a/"]);
        assert_eq!(scanner.log().creator.as_deref(), Some("Fiddler 4"));
        assert_eq!(scanner.log().pages, Some(2));
        assert!(scanner.warnings().is_empty(), "{:?}", scanner.warnings());
    }

    #[test]
    fn elements_that_are_not_entries_are_counted_and_skipped() {
        let input = br#"{"log":{"version":"1.2","entries":[1, "x", {"request":"oops"}, {"request":{"url":"http://a/"}}, [2]]}}"#;
        for chunk in [1, 3, 1000] {
            let (urls, scanner) = read(input, chunk).unwrap();
            assert_eq!(urls, ["-", "-", "-", "http://a/", "-"], "chunk {chunk}");
            let w = &scanner.warnings().as_slice()[0];
            assert_eq!((w.code, w.count, w.first_entry), ("unreadable-entry", 4, Some(0)));
        }
        let (_, scanner) = read(br#"{"log":{"entries":[{"request":"oops"}]}}"#, 7).unwrap();
        assert_eq!(
            scanner.warnings().as_slice()[0].message,
            "entry 0 is not shaped like a HAR entry (invalid type: string \"oops\", expected struct Request); it was skipped"
        );
    }

    #[test]
    fn long_bodies_are_not_parsed_and_errors_after_them_keep_their_place() {
        // A long body is skipped by the pre-pass, not validated: a raw control character in it (invalid JSON
        // that tools do write) does not cost the entry.
        let body = format!("{}\u{1}\t{}", "a".repeat(600), "b\\\"".repeat(300));
        let good =
            format!(r#"{{"request":{{"url":"http://a/1"}},"response":{{"content":{{"text":"{body}"}}}}}}"#);
        let (urls, _) = read(&har(&[good.clone(), entry("http://a/2", 4000)]), 4096).unwrap();
        assert_eq!(urls, ["http://a/1", "http://a/2"]);
        // An error outside the bodies is located in the file as written, whitespace and bodies included.
        let bad = format!("{{\"log\": {{\"entries\": [\n{good},\n  {{\"response\": {{\"content\": {{\"text\": \"{}\"}}}},\n  \"time\": tru}}]}}}}", "z".repeat(2000));
        let line3 = bad.find("\n  {\"response").unwrap() + 1;
        let at = bad.find("tru}").unwrap() + 3; // serde_json points after the broken literal
        for chunk in [7, 4096, 1 << 20] {
            let err = read(bad.as_bytes(), chunk).map(|_| ()).unwrap_err().to_string();
            assert_eq!(
                err,
                format!("line 4, column 14 (byte {at}), in entry 1: invalid literal: expected `true`, `false` or `null`"),
                "{chunk}-byte chunks (line 3 starts at byte {line3})"
            );
        }
    }

    #[test]
    fn a_jsonp_name_ends_at_whitespace_whatever_the_chunks() {
        // Found by the fuzzer: a name cut after `A` went on with the `A` after the line breaks.
        for input in [&b"A\n\n\nA\x90"[..], b"cb\n(x", b"cb  \n({\"log\":{\"entries\":[]}})"] {
            let whole = read(input, input.len()).map(|(urls, _)| urls);
            for chunk in 1..input.len() {
                assert_eq!(
                    read(input, chunk).map(|(urls, _)| urls),
                    whole,
                    "{chunk}-byte chunks of {input:?}"
                );
            }
        }
        let err = read(b"A\n\n\nA\x90", 2).map(|_| ()).unwrap_err().to_string();
        assert!(err.starts_with("line 4, column 1 (byte 4): expected `{` starting the HAR"), "{err}");
    }

    #[test]
    fn deep_nesting_is_refused_not_followed() {
        let mut input = b"{\"x\": ".to_vec();
        input.extend(std::iter::repeat_n(b'[', MAX_DEPTH + 1));
        let err = read(&input, 4096).map(|_| ()).unwrap_err();
        assert!(err.to_string().ends_with("values nested more than 4096 levels deep"), "{err}");
    }

    #[test]
    fn memory_follows_the_largest_entry_not_the_file() {
        let entries: Vec<String> = (0..400).map(|i| entry(&format!("http://a/{i}"), 40_000)).collect();
        let input = har(&entries);
        let largest = entries.iter().map(String::len).max().unwrap_or(0);
        let chunk = 16 * 1024;
        let mut scanner = Scanner::new();
        let mut seen = 0;
        let mut peak = 0;
        for part in input.chunks(chunk) {
            scanner.feed(part, false, |_| seen += 1).unwrap();
            peak = peak.max(scanner.buffered());
        }
        scanner.feed(b"", true, |_| seen += 1).unwrap();
        assert_eq!(seen, 400);
        assert!(input.len() > 50 * peak, "file {} bytes, peak buffer {peak}", input.len());
        assert!(peak <= 2 * largest + COMPACT_MIN + chunk, "peak {peak}, largest entry {largest}");
    }

    #[test]
    fn a_huge_entry_in_small_chunks_is_parsed_a_few_times_not_once_per_chunk() {
        let input = har(&[entry("http://a/big", 8 << 20)]);
        let chunk = 4096;
        let (urls, scanner) = read(&input, chunk).unwrap();
        assert_eq!(urls, ["http://a/big"]);
        // Doubling: about log2(8 MiB / 4 KiB) = 11 attempts, where retrying at every chunk would be ~2000.
        assert!(scanner.parse_attempts < 30, "{} attempts", scanner.parse_attempts);
    }

    #[test]
    fn a_huge_value_is_cut_and_read_in_bounded_memory() {
        // One header value of 10 MB and a 3 MB body in the middle entry: whatever the chunks, the entry is read
        // (its value cut at FIELD_MAX, with a warning), its span is where it is in the file, and the buffer
        // never holds it whole.
        let value = "ab\\\"c".repeat(2 << 20);
        let huge = format!(
            r#"{{"request":{{"url":"http://a/huge","headers":[{{"name":"x-trace","value":"{value}"}}]}},"response":{{"content":{{"text":"{}"}}}}}}"#,
            "t".repeat(3 << 20)
        );
        let entries = [entry("http://a/1", 10), huge.clone(), entry("http://a/2", 10)];
        let input = har(&entries);
        let start = input.windows(huge.len()).position(|w| w == huge.as_bytes()).unwrap() as u64;
        let unescaped: String = serde_json::from_str(&format!("\"{value}\"")).unwrap();
        for chunk in [64 * 1024, 1 << 20, input.len()] {
            let mut scanner = Scanner::new();
            let mut seen = Vec::new();
            let mut peak = 0;
            let mut on_entry = |e: &Entry<'_>| {
                let header =
                    e.request.headers.iter().next().and_then(|h| h.value.as_str().map(str::to_owned));
                seen.push((e.request.url.or_empty().to_owned(), e.span, header));
            };
            for part in input.chunks(chunk) {
                scanner.feed(part, false, &mut on_entry).unwrap();
                peak = peak.max(scanner.buffered());
            }
            scanner.feed(b"", true, &mut on_entry).unwrap();
            let urls: Vec<&str> = seen.iter().map(|(url, ..)| url.as_str()).collect();
            assert_eq!(urls, ["http://a/1", "http://a/huge", "http://a/2"], "{chunk}-byte chunks");
            let (_, span, header) = &seen[1];
            assert_eq!(*span, (start, huge.len() as u64), "{chunk}-byte chunks");
            let header = header.as_deref().unwrap_or_default();
            // FIELD_MAX bytes as written: whole 5-byte `ab\"c` and one `a`, 4 bytes each unescaped and 1.
            assert_eq!(header, &unescaped[..FIELD_MAX / 5 * 4 + 1], "{chunk}-byte chunks");
            let w = &scanner.warnings().as_slice()[0];
            assert_eq!(
                (w.code, w.count, w.first_entry, w.message.as_str()),
                (
                    "value-cut",
                    1,
                    Some(1),
                    "entry 1: a value of 10.5 MB (`value`) was read up to its first 1 MiB only"
                ),
                "{chunk}-byte chunks"
            );
            if chunk < input.len() {
                assert!(peak < PIECES_MIN + 2 * chunk + COMPACT_MIN, "{chunk}-byte chunks: {peak} buffered");
            }
        }
    }

    #[test]
    fn an_entry_read_in_pieces_that_is_no_entry_is_skipped_and_broken_json_is_located() {
        let filler = "f".repeat(PIECES_MIN);
        let not_entry = format!(r#"{{"request":"{filler}"}}"#);
        let input = har(&[not_entry, entry("http://a/1", 10)]);
        for chunk in [1 << 20, input.len()] {
            let (urls, scanner) = read(&input, chunk).unwrap();
            assert_eq!(urls, ["-", "http://a/1"], "{chunk}-byte chunks");
            assert_eq!(scanner.warnings().as_slice()[0].code, "unreadable-entry");
        }
        // Not strict JSON (a trailing comma, which the tolerant reading takes in a small entry): an error at
        // the entry's end, whatever the chunks.
        let broken = format!(r#"{{"comment":"{filler}","time":1,}}"#);
        let input = har(std::slice::from_ref(&broken));
        let at = input.windows(broken.len()).position(|w| w == broken.as_bytes()).unwrap() + broken.len();
        for chunk in [1 << 20, input.len()] {
            let err = read(&input, chunk).map(|_| ()).unwrap_err().to_string();
            assert!(err.contains(&format!("(byte {at}), in entry 0: ")), "{chunk}-byte chunks: {err}");
            assert!(err.ends_with("must be strict JSON)"), "{err}");
        }
    }

    #[test]
    fn the_last_chunk_may_carry_data_and_nothing_follows_it() {
        let input = har(&[entry("http://a/1", 10), entry("http://a/2", 10)]);
        let (split, _) = input.split_at(input.len() / 2);
        let mut scanner = Scanner::new();
        let mut urls = Vec::new();
        scanner.feed(split, false, |e| urls.push(e.request.url.or_empty().to_owned())).unwrap();
        scanner
            .feed(&input[split.len()..], true, |e| urls.push(e.request.url.or_empty().to_owned()))
            .unwrap();
        assert_eq!(urls, ["http://a/1", "http://a/2"]);
        assert_eq!(scanner.feed(b"", true, |_| {}), Err(HarError::AfterFinish));
        assert_eq!(scanner.feed(b"{", false, |_| {}), Err(HarError::AfterFinish));
    }
}
