//! The sanitizer's reading of a HAR: the outer structure as written, in input order, and every element of
//! `log.entries` handed over raw, for tools that rewrite the file rather than analyse it.
//!
//! It walks the analysis's state machine ([`Scanner`]) with a reader of its own, so the sanitizer accepts
//! exactly the files the analysis accepts and fails with the same located errors.

use super::error::HarError;
use super::json::{self, Notes};
use super::scan::{note_deviations, EntryError, Reader, Scanner, Structure};
use super::warnings::Warnings;

/// The outer structure of a HAR as [`RawScanner::feed`] reports it, in input order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawPart {
    /// A member of the top-level object other than `log` (`in_log: false`), or of `log` other than an
    /// `entries` array: its name (unescaped) and its value exactly as written (valid JSON).
    Member { in_log: bool, name: String, value: Vec<u8> },
    /// `"log": {` was read.
    LogStart,
    /// `"entries": [` was read.
    EntriesStart,
    /// The `]` closing `log.entries`.
    EntriesEnd,
    /// The `}` closing `log`.
    LogEnd,
}

/// Receives a HAR read raw: its outer structure, and each element of `log.entries` to parse.
pub trait RawSink {
    /// A piece of the outer structure; parts and entries arrive in input order.
    fn part(&mut self, part: RawPart);
    /// Parses the element of `log.entries` number `index` that starts `bytes` and returns its length and the
    /// deviations it tolerated (read it with [`json::parse_entry`], the policy both readings share). `last`: no
    /// more input follows `bytes`. An error at the end of the input makes the scanner retry once more bytes are
    /// buffered, so the sink must not keep anything from a failed attempt.
    fn entry(&mut self, index: u64, bytes: &[u8], last: bool) -> Result<(usize, Notes), json::Error>;
}

/// Reads one HAR for rewriting: [`RawScanner::feed`] each chunk, saying which one is the last; the sink gets
/// the structure and every element, in input order. Members the analysis skips are kept whole, and every
/// element of `log.entries` (object or not) goes to the sink.
#[derive(Debug, Default)]
pub struct RawScanner {
    scanner: Scanner,
    /// The name of the member whose value comes next (a name and its value may arrive in different chunks).
    name: String,
}

impl RawScanner {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next chunk and hands the sink what it completes. `eof`: this chunk (possibly empty) is the
    /// last; the HAR must then be complete, and nothing may follow.
    pub fn feed(&mut self, chunk: &[u8], eof: bool, sink: &mut impl RawSink) -> Result<(), HarError> {
        self.scanner.read(chunk, eof, &mut Raw { sink, name: &mut self.name })
    }

    /// Bytes consumed so far (for progress).
    pub fn bytes_consumed(&self) -> u64 {
        self.scanner.bytes_consumed()
    }

    /// Elements of `log.entries` read so far.
    pub fn entries(&self) -> u64 {
        self.scanner.entries()
    }

    /// Bytes held in memory right now: the chunk being read plus the element in progress.
    pub fn buffered(&self) -> usize {
        self.scanner.buffered()
    }

    /// The deviations from JSON and HAR tolerated so far (the analysis lists the same ones).
    pub fn warnings(&self) -> &Warnings {
        self.scanner.warnings()
    }
}

/// The state machine's reader for the raw path: structure into [`RawPart`]s, elements to the sink.
struct Raw<'s, S> {
    sink: &'s mut S,
    name: &'s mut String,
}

impl<S: RawSink> Reader for Raw<'_, S> {
    fn parse(
        &mut self,
        bytes: &[u8],
        index: u64,
        _: u64,
        last: bool,
        warnings: &mut Warnings,
    ) -> Option<Result<usize, EntryError>> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        Some(match self.sink.entry(index, bytes, last) {
            Ok((len, notes)) => {
                note_deviations(notes, index, warnings);
                Ok(len)
            }
            Err(error) => Err(EntryError::Json(error)),
        })
    }

    // The sink reads any JSON value: nothing is unreadable.
    fn unreadable(&mut self, _: u64) {}

    fn structure(&mut self, part: Structure<'_>) {
        let part = match part {
            Structure::Name(quoted) => {
                // The machine checked the name already (an invalid one is a located error before this).
                *self.name = serde_json::from_slice::<std::borrow::Cow<'_, str>>(quoted)
                    .map(std::borrow::Cow::into_owned)
                    .unwrap_or_default();
                return;
            }
            Structure::Value { in_log, value } => {
                RawPart::Member { in_log, name: std::mem::take(self.name), value: value.to_vec() }
            }
            Structure::LogStart => RawPart::LogStart,
            Structure::EntriesStart => RawPart::EntriesStart,
            Structure::EntriesEnd => RawPart::EntriesEnd,
            Structure::LogEnd => RawPart::LogEnd,
        };
        self.sink.part(part);
    }

    fn keeps_members(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records what the raw reading reports, entries as their text.
    #[derive(Default)]
    struct Parts(Vec<String>);

    impl RawSink for Parts {
        fn part(&mut self, part: RawPart) {
            self.0.push(match part {
                RawPart::Member { in_log, name, value } => {
                    format!("{}{name}={}", if in_log { "log." } else { "" }, String::from_utf8_lossy(&value))
                }
                other => format!("{other:?}"),
            });
        }
        fn entry(&mut self, index: u64, bytes: &[u8], last: bool) -> Result<(usize, Notes), json::Error> {
            let (_, len, notes) = json::parse(bytes, last)?;
            self.0.push(format!("{index}:{}", String::from_utf8_lossy(&bytes[..len])));
            Ok((len, notes))
        }
    }

    #[test]
    fn reports_the_structure_and_every_element_in_order() {
        let input = b"\xEF\xBB\xBF{\"x\": {\"a\": [1]}, \"log\": {\"version\": \"1.2\", \"pages\": [{\"id\": \"p\"}],\n \"entries\": [{\"time\": 1}, 2, \"s\", {}], \"comm\\u0065nt\": \"c\"}, \"y\": null}";
        let want = [
            "x={\"a\": [1]}",
            "LogStart",
            "log.version=\"1.2\"",
            "log.pages=[{\"id\": \"p\"}]",
            "EntriesStart",
            "0:{\"time\": 1}",
            "1:2",
            "2:\"s\"",
            "3:{}",
            "EntriesEnd",
            "log.comment=\"c\"",
            "LogEnd",
            "y=null",
        ];
        for chunk in [1, 2, 5, 1000] {
            let mut scanner = RawScanner::new();
            let mut parts = Parts::default();
            let pieces: Vec<&[u8]> = input.chunks(chunk).collect();
            for (i, piece) in pieces.iter().enumerate() {
                scanner.feed(piece, i + 1 == pieces.len(), &mut parts).unwrap();
            }
            assert_eq!(parts.0, want, "chunk {chunk}");
            assert_eq!(scanner.entries(), 4);
            assert_eq!(scanner.feed(b"", true, &mut parts), Err(HarError::AfterFinish));
        }
    }

    #[test]
    fn refuses_what_the_analysis_refuses_at_the_same_place() {
        for input in
            [&b"{\"log\": {\"entries\": [{\"time\": tru}]}}"[..], b"{\"x\": [1}", b"{}", b"\x1f\x8b\x08"]
        {
            let mut raw = RawScanner::new();
            let raw = raw.feed(input, true, &mut Parts::default()).unwrap_err();
            let analysis = Scanner::new().feed(input, true, |_| {}).unwrap_err();
            assert_eq!(raw, analysis, "{input:?}");
        }
    }
}
