//! The entries table: one compact row per HAR entry, for the page's table and detail pane.
//!
//! The report names entries by (input, index); a support engineer then wants to see them, filter them, and
//! look at the session's history at a glance. This index keeps what a row of the table shows (time, method,
//! a shortened URL, status, origin, user, session id, node, edge address, a few flags) and where the entry's
//! JSON sits in the input file, so the page can re-read one entry for its detail pane. Bodies and header values
//! are never kept, repeated strings are interned, and rows stop at [`MAX_ROWS`]: the index of a 1 GB HAR stays
//! a few tens of megabytes at most.

use std::collections::HashMap;

use serde::Serialize;

use crate::har::Entry;
use crate::signals::{CookieKind, LoginReason, Signals, User};

/// Rows kept at most; later entries are counted, not indexed.
pub const MAX_ROWS: usize = 400_000;
/// URLs are cut to this many bytes (on a character boundary) in the index.
const MAX_URL: usize = 240;

/// Row flags (bits of [`Row::flags`]).
pub mod flag {
    /// The entry says something about the session (the timeline's test).
    pub const AUTH: u16 = 1;
    pub const ANONYMOUS: u16 = 1 << 1;
    pub const LOGIN_REDIRECT: u16 = 1 << 2;
    pub const LOGOUT: u16 = 1 << 3;
    pub const FROM_CACHE: u16 = 1 << 4;
    pub const STATIC: u16 = 1 << 5;
    pub const TOKEN_SET: u16 = 1 << 6;
    pub const TOKEN_DELETED: u16 = 1 << 7;
    pub const SESSION_SET: u16 = 1 << 8;
    pub const TOKEN_SENT: u16 = 1 << 9;
    pub const SESSION_SENT: u16 = 1 << 10;
    pub const LOGGED_OUT_REASON: u16 = 1 << 11;
    pub const UNREADABLE: u16 = 1 << 12;
}

/// Strings stored once, named by a number; 0 is "none".
#[derive(Debug)]
struct Interner {
    ids: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Default for Interner {
    fn default() -> Self {
        Interner { ids: HashMap::new(), names: vec!["".into()] }
    }
}

impl Interner {
    fn id(&mut self, s: Option<&str>) -> u32 {
        let Some(s) = s.filter(|s| !s.is_empty()) else { return 0 };
        // Looked up as stored: a longer string looked up whole was never found, and stored again each time.
        let s = cut(s, MAX_URL);
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let s: Box<str> = s.into();
        let id = self.names.len() as u32;
        self.names.push(s.clone());
        self.ids.insert(s, id);
        id
    }

    /// [`Interner::id`], compared first with `last`, the id the same field has in the row before: a field
    /// mostly repeats from one entry to the next, and comparing costs less than hashing.
    fn id_as_before(&mut self, s: Option<&str>, last: u32) -> u32 {
        let Some(s) = s.filter(|s| !s.is_empty()) else { return 0 };
        if self.get(last) == Some(cut(s, MAX_URL)) {
            return last;
        }
        self.id(Some(s))
    }

    fn get(&self, id: u32) -> Option<&str> {
        (id != 0).then(|| self.names.get(id as usize).map(AsRef::as_ref)).flatten()
    }
}

/// One entry, compact: 64 bytes (400,000 of them are most of the page's memory for a long recording).
/// String fields are ids of the index's interner (0: none).
#[derive(Debug, Clone, Copy)]
struct Row {
    /// Where the entry's JSON starts in its input, for the detail pane.
    offset: u64,
    /// Milliseconds since the Unix epoch, [`NO_TIME`] when the entry has none.
    time_ms: i64,
    entry: u32,
    /// The entry's JSON length, saturated (the detail pane shows no entry of more than a few MB).
    length: u32,
    /// Where the URL starts in the index's URL text; [`Row::url_len`] bytes long.
    url_start: u32,
    method: u32,
    origin: u32,
    user: u32,
    asession: u32,
    node: u32,
    server_ip: u32,
    mime: u32,
    input: u16,
    status: u16,
    flags: u16,
    /// The response's `X-Seraph-LoginReason` as [`reason_code`] numbers it (0: none).
    login_reason: u8,
    url_len: u8,
}

/// [`Row::time_ms`] of an entry without a time.
const NO_TIME: i64 = i64::MIN;

/// Rows in blocks of a fixed size: the index grows without copying what it holds and without a doubled
/// vector's unused half (a 400,000-row vector grown by doubling held up to twice its rows, and both the old
/// and the new buffer while it grew; WASM memory never shrinks, so that peak stayed).
#[derive(Debug)]
struct Blocks<T> {
    blocks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Blocks<T> {
    fn default() -> Self {
        Blocks { blocks: Vec::new(), len: 0 }
    }
}

impl<T> Blocks<T> {
    const BLOCK: usize = 16_384;

    fn push(&mut self, value: T) {
        match self.blocks.last_mut() {
            Some(block) if block.len() < Self::BLOCK => block.push(value),
            _ => {
                let mut block = Vec::with_capacity(Self::BLOCK);
                block.push(value);
                self.blocks.push(block);
            }
        }
        self.len += 1;
    }

    fn len(&self) -> usize {
        self.len
    }

    fn get(&self, i: usize) -> Option<&T> {
        self.blocks.get(i / Self::BLOCK)?.get(i % Self::BLOCK)
    }

    fn last(&self) -> Option<&T> {
        self.blocks.last()?.last()
    }

    fn iter(&self) -> impl Iterator<Item = &T> {
        self.blocks.iter().flatten()
    }

    fn capacity_bytes(&self) -> usize {
        self.blocks.iter().map(|b| b.capacity() * std::mem::size_of::<T>()).sum()
    }
}

/// The URLs of the rows, in blocks of text for the same reason as [`Blocks`]; a URL never spans two.
#[derive(Debug, Default)]
struct UrlText {
    blocks: Vec<String>,
}

impl UrlText {
    /// Bytes per block; a position is `block * BLOCK + offset` in a `u32`.
    const BLOCK: usize = 1 << 20;

    /// Stores `url` (at most [`MAX_URL`] bytes); returns where it starts.
    fn push(&mut self, url: &str) -> u32 {
        let fits = self.blocks.last().is_some_and(|b| b.len() + url.len() <= Self::BLOCK);
        if !fits {
            self.blocks.push(String::with_capacity(Self::BLOCK));
        }
        let index = self.blocks.len() - 1;
        let Some(block) = self.blocks.last_mut() else { return 0 };
        let start = index * Self::BLOCK + block.len();
        block.push_str(url);
        start.min(u32::MAX as usize) as u32
    }

    fn get(&self, start: u32, len: u8) -> &str {
        let (block, offset) = (start as usize / Self::BLOCK, start as usize % Self::BLOCK);
        self.blocks.get(block).and_then(|b| b.get(offset..offset + usize::from(len))).unwrap_or("")
    }

    fn capacity_bytes(&self) -> usize {
        self.blocks.iter().map(String::capacity).sum()
    }
}

/// What the table asks for: every field optional, all must match.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Filter {
    /// An origin id from [`EntryIndex::origins_json`]; 0 = any.
    pub origin: u32,
    /// `1xx` .. `5xx`, or `none` (no response); empty = any.
    pub status: String,
    /// Case-insensitive text in the URL, method, status, user, session or node.
    pub text: String,
    /// Only entries that say something about the session.
    pub auth: bool,
}

/// The index of every entry of every input.
#[derive(Debug, Default)]
pub struct EntryIndex {
    rows: Blocks<Row>,
    urls: UrlText,
    strings: Interner,
    origins: Interner,
    /// Entries seen but not indexed because of [`MAX_ROWS`].
    dropped: u64,
    /// Row numbers matching the last filter; `None` shows every row.
    view: Option<Vec<u32>>,
}

/// A row as the page receives it.
#[derive(Debug, Serialize)]
struct RowOut<'a> {
    row: u32,
    input: u16,
    entry: u32,
    time: Option<String>,
    time_ms: Option<i64>,
    method: &'a str,
    url: &'a str,
    status: u16,
    origin: &'a str,
    user: Option<&'a str>,
    anonymous: bool,
    asession: Option<&'a str>,
    node: Option<&'a str>,
    server_ip: Option<&'a str>,
    login_reason: Option<&'a str>,
    mime: Option<&'a str>,
    flags: u16,
    offset: u64,
    length: u64,
}

impl EntryIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one entry of input `input`, with its URL's origin (`url::origin_of`) and the signals the analysis
    /// decoded from it (each once, for the analysis and this table alike; `None` for an unreadable entry).
    pub fn observe(
        &mut self,
        input: usize,
        entry: &Entry<'_>,
        origin: Option<&str>,
        s: Option<&Signals<'_>>,
    ) {
        if self.rows.len() >= MAX_ROWS {
            self.dropped += 1;
            return;
        }
        // The row before's string ids, for [`Interner::id_as_before`].
        let before = self.rows.last().copied();
        let last = |field: fn(&Row) -> u32| before.as_ref().map_or(0, field);
        let url_text = entry.request.url.or_empty();
        let url = cut(url_text, MAX_URL);
        let mut row = Row {
            offset: entry.span.0,
            time_ms: NO_TIME,
            entry: entry.index.min(u64::from(u32::MAX)) as u32,
            length: entry.span.1.min(u64::from(u32::MAX)) as u32,
            url_start: self.urls.push(url),
            method: self.strings.id_as_before(entry.request.method.as_str(), last(|r| r.method)),
            input: input.min(u16::MAX as usize) as u16,
            status: entry.response.status().unwrap_or(0),
            origin: self.origins.id_as_before(origin, last(|r| r.origin)),
            user: 0,
            asession: 0,
            node: 0,
            server_ip: 0,
            login_reason: 0,
            mime: self.strings.id_as_before(
                entry.response.content.mime_type.as_str().map(|m| m.split(';').next().unwrap_or(m)),
                last(|r| r.mime),
            ),
            flags: 0,
            url_len: url.len() as u8,
        };
        let Some(s) = s.filter(|_| !entry.unreadable) else {
            row.flags |= flag::UNREADABLE;
            self.rows.push(row);
            return;
        };
        row.time_ms = s.time_ms.unwrap_or(NO_TIME);
        let mut flags = 0;
        match &s.user {
            Some(User::Named(name)) => row.user = self.strings.id_as_before(Some(name), last(|r| r.user)),
            Some(User::Anonymous) => flags |= flag::ANONYMOUS,
            None => {}
        }
        row.asession = self.strings.id_as_before(s.asession_id, last(|r| r.asession));
        row.node = self.strings.id_as_before(s.node_id, last(|r| r.node));
        row.server_ip = self.strings.id_as_before(entry.server_ip_address.as_str(), last(|r| r.server_ip));
        row.login_reason = s.login_reason.map_or(0, reason_code);
        let relevant = s.session_relevant(Some(row.status));
        let bit = |on: bool, b: u16| if on { b } else { 0 };
        flags |= bit(relevant, flag::AUTH)
            | bit(s.login_redirect.is_some(), flag::LOGIN_REDIRECT)
            | bit(s.logout_request, flag::LOGOUT)
            | bit(s.from_cache, flag::FROM_CACHE)
            | bit(s.static_resource, flag::STATIC)
            | bit(s.login_reason.is_some_and(LoginReason::means_logged_out), flag::LOGGED_OUT_REASON);
        for c in &s.set {
            match c.kind {
                CookieKind::CrowdToken if c.deletes || c.value.is_empty() => flags |= flag::TOKEN_DELETED,
                CookieKind::CrowdToken => flags |= flag::TOKEN_SET,
                CookieKind::Session if !c.deletes => flags |= flag::SESSION_SET,
                _ => {}
            }
        }
        for (kind, _, _) in &s.sent {
            match kind {
                CookieKind::CrowdToken => flags |= flag::TOKEN_SENT,
                CookieKind::Session => flags |= flag::SESSION_SENT,
                _ => {}
            }
        }
        row.flags = flags;
        self.rows.push(row);
    }

    /// Rows indexed.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.len() == 0
    }

    /// Entries not indexed because the index was full.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Bytes the index holds (approximately), for the page's memory figures.
    pub fn heap_bytes(&self) -> usize {
        self.rows.capacity_bytes()
            + self.urls.capacity_bytes()
            + self.view.as_ref().map_or(0, |v| v.capacity() * 4)
            + self.strings.names.iter().map(|s| s.len() * 2 + 40).sum::<usize>()
    }

    /// `[{"id": 1, "origin": "https://…", "entries": 17}, …]`.
    pub fn origins_json(&self) -> Result<String, serde_json::Error> {
        let mut counts = vec![0u64; self.origins.names.len()];
        for r in self.rows.iter() {
            counts[r.origin as usize] += 1;
        }
        #[derive(serde::Serialize)]
        struct Origin<'a> {
            id: usize,
            origin: &'a str,
            entries: u64,
        }
        let list: Vec<Origin<'_>> = self
            .origins
            .names
            .iter()
            .enumerate()
            .skip(1)
            .map(|(id, name)| Origin {
                id,
                origin: name.as_ref(),
                entries: counts.get(id).copied().unwrap_or(0),
            })
            .collect();
        serde_json::to_string(&list)
    }

    /// Applies a filter; returns how many rows match. [`EntryIndex::rows_json`] then pages through them.
    pub fn filter(&mut self, f: &Filter) -> usize {
        let needle = f.text.trim().to_ascii_lowercase();
        let status_class = match f.status.as_str() {
            "1xx" => Some(1),
            "2xx" => Some(2),
            "3xx" => Some(3),
            "4xx" => Some(4),
            "5xx" => Some(5),
            "none" => Some(0),
            _ => None,
        };
        let mut view = self.view.take().unwrap_or_default();
        view.clear();
        for (i, r) in self.rows.iter().enumerate() {
            if f.origin != 0 && r.origin != f.origin {
                continue;
            }
            if f.auth && r.flags & flag::AUTH == 0 {
                continue;
            }
            if let Some(class) = status_class {
                if r.status / 100 != class {
                    continue;
                }
            }
            if !needle.is_empty() && !self.row_contains(r, &needle) {
                continue;
            }
            view.push(i as u32);
        }
        let shown = view.len();
        self.view = Some(view);
        shown
    }

    fn row_contains(&self, r: &Row, needle: &str) -> bool {
        contains_ci(self.urls.get(r.url_start, r.url_len), needle)
            || [r.method, r.user, r.asession, r.node, r.server_ip]
                .iter()
                .any(|&id| self.strings.get(id).is_some_and(|s| contains_ci(s, needle)))
            || reason_text(r.login_reason).is_some_and(|s| contains_ci(s, needle))
            || (r.status != 0 && r.status.to_string() == needle)
    }

    /// Rows shown by the current filter.
    pub fn shown(&self) -> usize {
        self.view.as_ref().map_or(self.rows.len(), Vec::len)
    }

    /// Rows `start..start+count` of the current view (every row before any filter), as a JSON array.
    pub fn rows_json(&self, start: usize, count: usize) -> Result<String, serde_json::Error> {
        let end = start.saturating_add(count).min(self.shown());
        let start = start.min(end);
        let rows: Vec<RowOut<'_>> = match &self.view {
            Some(view) => view[start..end].iter().filter_map(|&i| self.out(i)).collect(),
            None => (start..end).filter_map(|i| self.out(i as u32)).collect(),
        };
        serde_json::to_string(&rows)
    }

    /// The position in the current view of entry `entry` of input `input`, if it is shown.
    pub fn position_of(&self, input: usize, entry: u64) -> Option<usize> {
        let row = self.row_of(input, entry)?;
        match &self.view {
            Some(view) => view.binary_search(&(row as u32)).ok(),
            None => Some(row),
        }
    }

    /// The row of entry `entry` of input `input` (rows are in input, then file order).
    fn row_of(&self, input: usize, entry: u64) -> Option<usize> {
        let key = (input as u64, entry);
        let (mut low, mut high) = (0, self.rows.len());
        while low < high {
            let mid = low + (high - low) / 2;
            let r = self.rows.get(mid)?;
            match (u64::from(r.input), u64::from(r.entry)).cmp(&key) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// One entry's row as JSON (`null` when it is not indexed).
    pub fn row_json(&self, input: usize, entry: u64) -> Result<String, serde_json::Error> {
        serde_json::to_string(&self.row_of(input, entry).and_then(|i| self.out(i as u32)))
    }

    fn out(&self, i: u32) -> Option<RowOut<'_>> {
        let r = self.rows.get(i as usize)?;
        let time_ms = (r.time_ms != NO_TIME).then_some(r.time_ms);
        Some(RowOut {
            row: i,
            input: r.input,
            entry: r.entry,
            time: time_ms.map(crate::calendar::format_iso8601),
            time_ms,
            method: self.strings.get(r.method).unwrap_or(""),
            url: self.urls.get(r.url_start, r.url_len),
            status: r.status,
            origin: self.origins.get(r.origin).unwrap_or(""),
            user: self.strings.get(r.user),
            anonymous: r.flags & flag::ANONYMOUS != 0,
            asession: self.strings.get(r.asession),
            node: self.strings.get(r.node),
            server_ip: self.strings.get(r.server_ip),
            login_reason: reason_text(r.login_reason),
            mime: self.strings.get(r.mime),
            flags: r.flags,
            offset: r.offset,
            length: u64::from(r.length),
        })
    }
}

/// `X-Seraph-LoginReason` values as the table shows them, numbered from 1 by [`reason_code`].
const REASONS: [&str; 5] =
    ["OK", "OUT", "AUTHENTICATED_FAILED", "AUTHENTICATION_DENIED", "AUTHORISATION_FAILED"];

fn reason_code(r: LoginReason) -> u8 {
    match r {
        LoginReason::Ok => 1,
        LoginReason::Out => 2,
        LoginReason::AuthenticatedFailed => 3,
        LoginReason::AuthenticationDenied => 4,
        LoginReason::AuthorisationFailed => 5,
    }
}

fn reason_text(code: u8) -> Option<&'static str> {
    REASONS.get(usize::from(code).checked_sub(1)?).copied()
}

/// `s` cut to at most `max` bytes on a character boundary.
fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// ASCII-case-insensitive containment, byte by byte; `needle` is already ASCII-lower-case. Other letters
/// match as written: Unicode case folding would bring its tables into the page's .wasm (about 15 KB) for
/// URLs and status texts that are ASCII in practice (a URL's non-ASCII characters are percent-encoded).
fn contains_ci(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::har::Scanner;

    const HAR: &str = r#"{"log":{"version":"1.2","entries":[
      {"startedDateTime":"2021-10-19T16:50:00.000Z","request":{"method":"GET","url":"https://jira.example.test/track/browse/X-1","headers":[]},
       "response":{"status":200,"headers":[{"name":"X-AUSERNAME","value":"v3ry8"},{"name":"X-ASESSIONID","value":"abc"}]},"serverIPAddress":"192.0.2.1"},
      {"startedDateTime":"2021-10-19T16:51:00.000Z","request":{"method":"GET","url":"https://jira.example.test/track/s/x.js","headers":[]},
       "response":{"status":200,"headers":[]}},
      {"startedDateTime":"2021-10-19T16:56:47.306Z","request":{"method":"GET","url":"https://jira.example.test/track/rest/x?<script>","headers":[]},
       "response":{"status":400,"headers":[{"name":"X-AUSERNAME","value":"anonymous"},{"name":"X-ASESSIONID","value":"def"}]},"serverIPAddress":"192.0.2.2"}
    ]}}"#;

    fn observe(idx: &mut EntryIndex, e: &Entry<'_>) {
        let origin = e.request.url.as_str().and_then(crate::url::origin_of);
        idx.observe(0, e, origin.as_deref(), Some(&crate::signals::decode(e)));
    }

    fn index() -> EntryIndex {
        let mut idx = EntryIndex::new();
        let mut scanner = Scanner::new();
        for chunk in HAR.as_bytes().chunks(7) {
            scanner.feed(chunk, false, |e| observe(&mut idx, e)).unwrap();
        }
        scanner.feed(&[], true, |e| observe(&mut idx, e)).unwrap();
        idx
    }

    #[test]
    fn rows_filters_and_spans() {
        let mut idx = index();
        assert_eq!(idx.len(), 3);
        let all: serde_json::Value = serde_json::from_str(&idx.rows_json(0, 10).unwrap()).unwrap();
        assert_eq!(all.as_array().unwrap().len(), 3);
        assert_eq!(all[2]["user"], serde_json::Value::Null);
        assert_eq!(all[2]["anonymous"], true);
        assert_eq!(all[0]["user"], "v3ry8");
        // The span points at the entry's JSON in the input: re-reading it gives the entry back.
        let (offset, len) =
            (all[2]["offset"].as_u64().unwrap() as usize, all[2]["length"].as_u64().unwrap() as usize);
        let entry: serde_json::Value = serde_json::from_str(&HAR[offset..offset + len]).unwrap();
        assert_eq!(entry["response"]["status"], 400);

        assert_eq!(idx.filter(&Filter { auth: true, ..Filter::default() }), 2);
        assert_eq!(idx.filter(&Filter { status: "4xx".into(), ..Filter::default() }), 1);
        assert_eq!(idx.filter(&Filter { text: "X.JS".into(), ..Filter::default() }), 1);
        assert_eq!(idx.position_of(0, 1), Some(0));
        assert_eq!(idx.filter(&Filter { text: "V3RY8".into(), ..Filter::default() }), 1);
        assert_eq!(idx.position_of(0, 1), None);
    }

    #[test]
    fn a_string_longer_than_kept_is_stored_once() {
        let mut strings = Interner::default();
        let long = "s".repeat(MAX_URL + 10);
        let ids: Vec<u32> = (0..3).map(|_| strings.id(Some(&long))).collect();
        assert_eq!(ids, [1, 1, 1]);
        let mut last = 0;
        let again: Vec<u32> = [&*long, "t", "t", &long]
            .iter()
            .map(|s| {
                last = strings.id_as_before(Some(s), last);
                last
            })
            .collect();
        assert_eq!(again, [1, 2, 2, 1]);
        assert_eq!((strings.names.len(), strings.get(1).map(str::len)), (3, Some(MAX_URL)));
    }

    #[test]
    fn a_row_is_64_bytes() {
        assert_eq!(std::mem::size_of::<Row>(), 64);
    }

    #[test]
    fn urls_and_rows_past_their_first_block_read_back() {
        let mut urls = UrlText::default();
        let starts: Vec<(u32, String)> = (0..10_000)
            .map(|i| {
                let url = format!("https://jira.example.test/{i}/{}", "x".repeat(i % 200));
                (urls.push(&url), url)
            })
            .collect();
        assert!(urls.blocks.len() > 1);
        for (start, url) in &starts {
            assert_eq!(urls.get(*start, url.len() as u8), url);
        }

        let entries: Vec<String> = (0..40_000)
            .map(|i| {
                let reason = if i == 30_000 { r#"{"name":"X-Seraph-LoginReason","value":"AUTHENTICATED_FAILED"}"# } else { "" };
                format!(
                    r#"{{"startedDateTime":"2021-10-19T16:56:47.306Z","request":{{"method":"GET","url":"https://jira.example.test/p/{i}","headers":[]}},"response":{{"status":200,"headers":[{reason}]}}}}"#
                )
            })
            .collect();
        let har = format!(r#"{{"log":{{"version":"1.2","entries":[{}]}}}}"#, entries.join(","));
        let mut idx = EntryIndex::new();
        let mut scanner = Scanner::new();
        scanner.feed(har.as_bytes(), true, |e| observe(&mut idx, e)).unwrap();
        assert_eq!(idx.len(), 40_000);
        for i in [0u64, 16_383, 16_384, 30_000, 39_999] {
            let row: serde_json::Value = serde_json::from_str(&idx.row_json(0, i).unwrap()).unwrap();
            assert_eq!(row["entry"], i);
            assert_eq!(row["url"], format!("https://jira.example.test/p/{i}"));
            let (offset, len) =
                (row["offset"].as_u64().unwrap() as usize, row["length"].as_u64().unwrap() as usize);
            assert_eq!(har[offset..offset + len], entries[i as usize]);
        }
        assert_eq!(idx.row_json(0, 40_000).unwrap(), "null");
        assert_eq!(idx.filter(&Filter { text: "authenticated_failed".into(), ..Filter::default() }), 1);
        assert_eq!(idx.position_of(0, 30_000), Some(0));
        let rows: serde_json::Value = serde_json::from_str(&idx.rows_json(0, 5).unwrap()).unwrap();
        assert_eq!(rows[0]["login_reason"], "AUTHENTICATED_FAILED");
    }

    #[test]
    fn text_filter_folds_ascii_case_only() {
        assert!(contains_ci("https://Jira.example.test/Straße?q=1", "jira.example"));
        assert!(contains_ci("https://jira.example.test/Straße", "straße"));
        assert!(contains_ci("GET", ""));
        assert!(!contains_ci("GET", "gets"));
        // Letters outside ASCII match as written (no Unicode tables in the page's .wasm).
        assert!(!contains_ci("/ÉTÉ", "été"));
    }

    #[test]
    fn spans_are_file_offsets_even_after_a_bom() {
        let text = format!("\u{feff}{HAR}");
        let mut idx = EntryIndex::new();
        let mut scanner = Scanner::new();
        scanner.feed(text.as_bytes(), false, |e| observe(&mut idx, e)).unwrap();
        scanner.feed(&[], true, |e| observe(&mut idx, e)).unwrap();
        let row: serde_json::Value = serde_json::from_str(&idx.row_json(0, 1).unwrap()).unwrap();
        let (offset, len) =
            (row["offset"].as_u64().unwrap() as usize, row["length"].as_u64().unwrap() as usize);
        let entry: serde_json::Value =
            serde_json::from_slice(&text.as_bytes()[offset..offset + len]).unwrap();
        assert_eq!(entry["request"]["url"], "https://jira.example.test/track/s/x.js");
    }
}
