//! The one tolerance policy for what is inside an entry: a lossless JSON value read leniently, and written
//! back as valid JSON.
//!
//! The sanitizer reads every entry with it, and the analysis reads an entry with it whenever serde_json
//! refuses the entry, so a file one of them accepts the other accepts too: whatever a user can diagnose they
//! can sanitize. Tolerated, and reported as [`Notes`] (warnings): inside strings, raw control characters
//! (kept, written back escaped), invalid escapes, lone UTF-16 surrogates and bytes that are not UTF-8 (each
//! read as U+FFFD); numbers beyond the range of a double (`1e999`, read and written as null: strict readers,
//! serde_json among them, refuse them); values nested more than [`MAX_DEPTH`] levels deep (read as null). Anything else that is not JSON (a missing
//! comma, an unclosed string, `tru`) is an [`Error`] with its place.
//!
//! Lossless where it can be: members keep their order and duplicates, numbers their text
//! (`18446744073709551616` and `1.50` stay as written), and strings borrow from the input when they hold no
//! escape.

use std::borrow::Cow;

use super::skim::string_end;
use super::MAX_DEPTH;

/// A JSON value as read from an entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    /// A number as written.
    Num(&'a str),
    Str(Cow<'a, str>),
    Arr(Vec<Json<'a>>),
    Obj(Vec<(Cow<'a, str>, Json<'a>)>),
    /// A string not decoded yet, quotes included: `response.content.text` of an entry, most of a HAR's bytes,
    /// which the sanitizer usually drops unread ([`Json::decode_raw`] reads it when it is kept).
    Raw(&'a [u8]),
}

/// Deviations from JSON seen while reading, one bit per kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Notes(u8);

impl Notes {
    pub const CONTROL: Notes = Notes(1);
    pub const ESCAPE: Notes = Notes(2);
    pub const SURROGATE: Notes = Notes(4);
    pub const UTF8: Notes = Notes(8);
    pub const NUMBER: Notes = Notes(16);
    pub const DEEP: Notes = Notes(32);

    const ALL: [(Notes, &'static str, &'static str); 6] = [
        (
            Notes::CONTROL,
            "raw-control-character",
            "raw control characters inside strings (read as they are, written escaped)",
        ),
        (Notes::ESCAPE, "invalid-escape", "invalid escape sequences inside strings (read as U+FFFD)"),
        (
            Notes::SURROGATE,
            "lone-surrogate",
            "lone UTF-16 surrogates (`\\ud800`) inside strings (read as U+FFFD)",
        ),
        (Notes::UTF8, "invalid-utf8", "bytes that are not UTF-8 inside strings (read as U+FFFD)"),
        (
            Notes::NUMBER,
            "number-out-of-range",
            "numbers beyond the range of a double, such as `1e999` (read as null)",
        ),
        (Notes::DEEP, "deep-nesting", "values nested more than 100 levels deep (read as null)"),
    ];

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn add(&mut self, other: Notes) {
        self.0 |= other.0;
    }

    pub fn contains(self, other: Notes) -> bool {
        self.0 & other.0 == other.0
    }

    /// Each deviation noted: a stable code and what it was, in words.
    pub fn each(self) -> impl Iterator<Item = (&'static str, &'static str)> {
        Notes::ALL.into_iter().filter(move |(n, _, _)| self.contains(*n)).map(|(_, code, text)| (code, text))
    }
}

/// Input that is not JSON even by the tolerant reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Offset of the problem in the bytes read.
    pub offset: usize,
    /// The input ended inside the value: more input may complete it.
    pub eof: bool,
    pub message: String,
}

/// Reads one value starting at the first non-whitespace byte of `bytes`; returns it and where it ends.
/// `last`: no more input follows `bytes`; otherwise a number running to the end of `bytes` is incomplete
/// (the next chunk may continue it).
pub fn parse(bytes: &[u8], last: bool) -> Result<(Json<'_>, usize, Notes), Error> {
    parse_at(bytes, last, Level::Other)
}

/// [`parse`] for an element of `log.entries`: `response.content.text` stays [`Json::Raw`].
pub fn parse_entry(bytes: &[u8], last: bool) -> Result<(Json<'_>, usize, Notes), Error> {
    parse_at(bytes, last, Level::Entry)
}

/// `bytes`, one JSON value, written back as strict JSON: what serde_json reads after refusing the input
/// as written (the live monitor's fallback; the scanner has its own, sharing the buffer).
pub fn normalize(bytes: &[u8]) -> Result<(Vec<u8>, Notes), Error> {
    let (value, len, notes) = parse(bytes, true)?;
    if let Some(extra) = bytes[len..].iter().position(|b| !b.is_ascii_whitespace()) {
        return Err(Error { offset: len + extra, eof: false, message: "trailing characters".to_owned() });
    }
    Ok((value.to_vec(), notes))
}

fn parse_at(bytes: &[u8], last: bool, level: Level) -> Result<(Json<'_>, usize, Notes), Error> {
    let mut p = Parser { bytes, pos: 0, notes: Notes::default() };
    p.ws();
    let scalar = !matches!(bytes.get(p.pos), Some(b'{' | b'[' | b'"'));
    let value = p.value(0, level)?;
    if scalar && !last && p.pos == bytes.len() {
        return Err(p.eof());
    }
    Ok((value, p.pos, p.notes))
}

/// Decodes the content of a JSON string as written (without its quotes) leniently: escapes resolved,
/// deviations noted.
pub fn decode_str<'a>(content: &'a [u8], notes: &mut Notes) -> Cow<'a, str> {
    // Looked for in the text as written: the control characters escapes stand for are not deviations.
    if has_control(content) {
        notes.add(Notes::CONTROL);
    }
    if memchr::memchr(b'\\', content).is_none() {
        return match std::str::from_utf8(content) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => {
                notes.add(Notes::UTF8);
                Cow::Owned(String::from_utf8_lossy(content).into_owned())
            }
        };
    }
    let mut out: Vec<u8> = Vec::with_capacity(content.len());
    let mut i = 0;
    while let Some(at) = memchr::memchr(b'\\', &content[i..]) {
        out.extend_from_slice(&content[i..i + at]);
        i += at + 1;
        let Some(&c) = content.get(i) else {
            // A trailing backslash cannot occur in a string whose end was found; be safe anyway.
            notes.add(Notes::ESCAPE);
            push_char(&mut out, char::REPLACEMENT_CHARACTER);
            break;
        };
        i += 1;
        match c {
            b'"' => out.push(b'"'),
            b'\\' => out.push(b'\\'),
            b'/' => out.push(b'/'),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'u' => match hex4(content, i) {
                Some(unit) => {
                    i += 4;
                    let ch = if (0xD800..0xDC00).contains(&unit) {
                        // A high surrogate must be followed by `\u` and a low one.
                        match (content.get(i..i + 2), hex4(content, i + 2)) {
                            (Some(b"\\u"), Some(low)) if (0xDC00..0xE000).contains(&low) => {
                                i += 6;
                                char::from_u32(
                                    0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00),
                                )
                            }
                            _ => None,
                        }
                    } else {
                        char::from_u32(u32::from(unit))
                    };
                    match ch {
                        Some(ch) => push_char(&mut out, ch),
                        None => {
                            notes.add(Notes::SURROGATE);
                            push_char(&mut out, char::REPLACEMENT_CHARACTER);
                        }
                    }
                }
                None => {
                    notes.add(Notes::ESCAPE);
                    push_char(&mut out, char::REPLACEMENT_CHARACTER);
                }
            },
            _ => {
                notes.add(Notes::ESCAPE);
                push_char(&mut out, char::REPLACEMENT_CHARACTER);
                // The escaped byte may start a multi-byte character: it stays, only the escape was wrong.
                if c >= 0x80 {
                    i -= 1;
                }
            }
        }
    }
    out.extend_from_slice(&content[i..]);
    match String::from_utf8(out) {
        Ok(text) => Cow::Owned(text),
        Err(e) => {
            notes.add(Notes::UTF8);
            Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned())
        }
    }
}

fn push_char(out: &mut Vec<u8>, ch: char) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
}

fn hex4(bytes: &[u8], at: usize) -> Option<u16> {
    let digits = bytes.get(at..at + 4)?;
    let mut n = 0u16;
    for &d in digits {
        let v = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'f' => d - b'a' + 10,
            b'A'..=b'F' => d - b'A' + 10,
            _ => return None,
        };
        n = (n << 4) | u16::from(v);
    }
    Some(n)
}

/// True when `bytes` holds a byte below 0x20, which JSON requires escaped inside strings.
fn has_control(bytes: &[u8]) -> bool {
    // Blocks folded without early exit: LLVM vectorizes this, and strings are mostly clean.
    bytes.chunks(64).any(|block| block.iter().fold(false, |seen, &b| seen | (b < 0x20)))
}

/// True for a number beyond the range of a double (about 1.8e308): only an exponent or 309 digits go there.
fn out_of_range(number: &str) -> bool {
    (number.len() > 308 || number.contains(['e', 'E']))
        && number.parse::<f64>().map_or(true, f64::is_infinite)
}

/// Where in an entry a value sits, as far as the raw response body cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Entry,
    Response,
    Content,
    Text,
    Other,
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
    notes: Notes,
}

impl<'a> Parser<'a> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn eof(&self) -> Error {
        Error { offset: self.bytes.len(), eof: true, message: "the input ends inside a value".to_owned() }
    }

    fn syntax(&self, message: &str) -> Error {
        if self.pos >= self.bytes.len() {
            return self.eof();
        }
        Error { offset: self.pos, eof: false, message: message.to_owned() }
    }

    fn value(&mut self, depth: usize, level: Level) -> Result<Json<'a>, Error> {
        self.ws();
        let Some(&b) = self.bytes.get(self.pos) else {
            return Err(self.eof());
        };
        match b {
            b'{' | b'[' if depth >= MAX_DEPTH => {
                self.skip_container()?;
                self.notes.add(Notes::DEEP);
                Ok(Json::Null)
            }
            b'{' => self.object(depth + 1, level),
            b'[' => self.array(depth + 1),
            b'"' if level == Level::Text => {
                let start = self.pos;
                let end = string_end(self.bytes, start + 1).ok_or_else(|| self.eof())?;
                self.pos = end + 1;
                Ok(Json::Raw(&self.bytes[start..self.pos]))
            }
            b'"' => self.string().map(Json::Str),
            b't' => self.literal(b"true", Json::Bool(true)),
            b'f' => self.literal(b"false", Json::Bool(false)),
            b'n' => self.literal(b"null", Json::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(self.syntax("expected a JSON value")),
        }
    }

    fn literal(&mut self, word: &[u8], value: Json<'a>) -> Result<Json<'a>, Error> {
        for &w in word {
            match self.bytes.get(self.pos) {
                Some(&b) if b == w => self.pos += 1,
                Some(_) => return Err(self.syntax("invalid literal: expected `true`, `false` or `null`")),
                None => return Err(self.eof()),
            }
        }
        Ok(value)
    }

    fn number(&mut self) -> Result<Json<'a>, Error> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let from = p.pos;
            while let Some(b'0'..=b'9') = p.bytes.get(p.pos) {
                p.pos += 1;
            }
            p.pos - from
        };
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match self.bytes.get(self.pos) {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
                    return Err(self.syntax("invalid number"));
                }
            }
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.syntax("invalid number")),
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return Err(self.syntax("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.syntax("invalid number"));
            }
        }
        // Only ASCII digits and signs were read.
        let text = std::str::from_utf8(&self.bytes[start..self.pos]).unwrap_or("0");
        if out_of_range(text) {
            self.notes.add(Notes::NUMBER);
        }
        Ok(Json::Num(text))
    }

    /// A string at `pos` (its opening quote), decoded.
    fn string(&mut self) -> Result<Cow<'a, str>, Error> {
        let start = self.pos + 1;
        let end = string_end(self.bytes, start).ok_or_else(|| self.eof())?;
        self.pos = end + 1;
        Ok(decode_str(&self.bytes[start..end], &mut self.notes))
    }

    fn array(&mut self, depth: usize) -> Result<Json<'a>, Error> {
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Json::Arr(items));
        }
        loop {
            items.push(self.value(depth, Level::Other)?);
            self.ws();
            match self.bytes.get(self.pos) {
                Some(b',') => {
                    self.pos += 1;
                    self.ws();
                    if self.bytes.get(self.pos) == Some(&b']') {
                        return Err(self.syntax("trailing comma"));
                    }
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json::Arr(items));
                }
                _ => return Err(self.syntax("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize, level: Level) -> Result<Json<'a>, Error> {
        self.pos += 1;
        let mut members = Vec::new();
        self.ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Json::Obj(members));
        }
        loop {
            self.ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.syntax("key must be a string"));
            }
            let key = self.string()?;
            self.ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.syntax("expected `:`"));
            }
            self.pos += 1;
            let inner = match (level, key.as_ref()) {
                (Level::Entry, "response") => Level::Response,
                (Level::Response, "content") => Level::Content,
                (Level::Content, "text") => Level::Text,
                _ => Level::Other,
            };
            let value = self.value(depth, inner)?;
            members.push((key, value));
            self.ws();
            match self.bytes.get(self.pos) {
                Some(b',') => {
                    self.pos += 1;
                    self.ws();
                    if self.bytes.get(self.pos) == Some(&b'}') {
                        return Err(self.syntax("trailing comma"));
                    }
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Json::Obj(members));
                }
                _ => return Err(self.syntax("expected `,` or `}`")),
            }
        }
    }

    /// Skips a container too deep to keep, without recursion, checking only that it is JSON-shaped enough to
    /// find its end: brackets balance and strings close.
    fn skip_container(&mut self) -> Result<(), Error> {
        let mut open: Vec<u8> = Vec::new();
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(self.eof());
            };
            match b {
                b'"' => {
                    let end = string_end(self.bytes, self.pos + 1).ok_or_else(|| self.eof())?;
                    self.pos = end + 1;
                    continue;
                }
                b'{' => open.push(b'}'),
                b'[' => open.push(b']'),
                b'}' | b']' => {
                    if open.pop() != Some(b) {
                        return Err(self.syntax(if b == b'}' {
                            "expected `,` or `]`"
                        } else {
                            "expected `,` or `}`"
                        }));
                    }
                    if open.is_empty() {
                        self.pos += 1;
                        return Ok(());
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
    }
}

impl<'a> Json<'a> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The first member named `name` (exactly), when this is an object.
    pub fn get(&self, name: &str) -> Option<&Json<'a>> {
        match self {
            Json::Obj(members) => members.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut Json<'a>> {
        match self {
            Json::Obj(members) => members.iter_mut().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A [`Json::Raw`] string decoded (any other value is returned as it is).
    pub fn decode_raw(self, notes: &mut Notes) -> Json<'a> {
        match self {
            Json::Raw(raw) => {
                let content = raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default();
                Json::Str(decode_str(content, notes))
            }
            other => other,
        }
    }

    /// Appends the value as valid JSON (numbers beyond a double as `null`, as they were read).
    pub fn write(&self, out: &mut Vec<u8>) {
        match self {
            Json::Null => out.extend_from_slice(b"null"),
            Json::Bool(true) => out.extend_from_slice(b"true"),
            Json::Bool(false) => out.extend_from_slice(b"false"),
            Json::Num(n) => out.extend_from_slice(if out_of_range(n) { b"null" } else { n.as_bytes() }),
            Json::Str(s) => write_str(out, s),
            Json::Raw(raw) => {
                let content = raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default();
                let mut notes = Notes::default();
                let text = decode_str(content, &mut notes);
                if notes.is_empty() {
                    out.extend_from_slice(raw);
                } else {
                    write_str(out, &text);
                }
            }
            Json::Arr(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.write(out);
                }
                out.push(b']');
            }
            Json::Obj(members) => {
                out.push(b'{');
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_str(out, key);
                    out.push(b':');
                    value.write(out);
                }
                out.push(b'}');
            }
        }
    }

    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }
}

/// Appends `text` as a JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
pub fn write_str(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(text.len() + 2);
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 15)],
            ]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Json<'_>, Notes) {
        let (value, len, notes) = parse(text.as_bytes(), true).unwrap();
        assert_eq!(len, text.trim_end().len(), "{text}");
        (value, notes)
    }

    fn round_trip(text: &str) -> String {
        String::from_utf8(read(text).0.to_vec()).unwrap()
    }

    #[test]
    fn round_trip_keeps_order_duplicates_and_numbers_as_written() {
        let text = r#"{"z":1,"a":[true,null,-2,1.5,1e300,"x\"y\u00e9\/"],"z":{"":18446744073709551616},"n":-0.0e-7}"#;
        assert_eq!(
            round_trip(text),
            r#"{"z":1,"a":[true,null,-2,1.5,1e300,"x\"yé/"],"z":{"":18446744073709551616},"n":-0.0e-7}"#
        );
        let (value, notes) = read(text);
        assert!(notes.is_empty());
        assert!(matches!(value.get("a"), Some(Json::Arr(_))));
        assert!(matches!(read(r#""plain""#).0, Json::Str(Cow::Borrowed("plain"))));
    }

    #[test]
    fn deviations_are_read_and_noted() {
        let cases: &[(&[u8], &str, Notes)] = &[
            (b"\"a\x01b\"", "\"a\\u0001b\"", Notes::CONTROL),
            (b"\"a\\xb\"", "\"a\u{fffd}b\"", Notes::ESCAPE),
            (b"\"a\\u12\"", "\"a\u{fffd}12\"", Notes::ESCAPE),
            (b"\"\\ud800\"", "\"\u{fffd}\"", Notes::SURROGATE),
            (b"\"\\udc00x\\ud83d\\ude00\"", "\"\u{fffd}x\u{1f600}\"", Notes::SURROGATE),
            (b"\"\\ud800\\u0041\"", "\"\u{fffd}A\"", Notes::SURROGATE),
            (b"\"a\xffb\"", "\"a\u{fffd}b\"", Notes::UTF8),
            (b"\"\\\xc3\xa9\"", "\"\u{fffd}\u{e9}\"", Notes::ESCAPE),
            (b"1e999", "null", Notes::NUMBER),
            (b"[-1e999,1e308]", "[null,1e308]", Notes::NUMBER),
        ];
        for (input, want, note) in cases {
            let (value, _, notes) = parse(input, true).unwrap();
            assert_eq!(
                String::from_utf8(value.to_vec()).unwrap(),
                *want,
                "{:?}",
                String::from_utf8_lossy(input)
            );
            assert_eq!(notes, *note, "{:?}", String::from_utf8_lossy(input));
        }
    }

    #[test]
    fn values_deeper_than_the_limit_are_null() {
        let deep = format!("{{\"a\":{}\"x\"{},\"b\":1}}", "[".repeat(200_000), "]".repeat(200_000));
        let (value, len, notes) = parse(deep.as_bytes(), true).unwrap();
        assert_eq!(len, deep.len());
        assert_eq!(notes, Notes::DEEP);
        let kept =
            format!("{{\"a\":{}null{},\"b\":1}}", "[".repeat(MAX_DEPTH - 1), "]".repeat(MAX_DEPTH - 1));
        assert_eq!(String::from_utf8(value.to_vec()).unwrap(), kept);
        let unbalanced = format!("[{}]", "{".repeat(300));
        assert!(parse(unbalanced.as_bytes(), true).is_err());
    }

    #[test]
    fn errors_say_where_and_an_end_of_input_says_so() {
        let cases: &[(&str, usize, &str)] = &[
            (r#"{"a":tru}"#, 8, "invalid literal: expected `true`, `false` or `null`"),
            (r#"{"a":1 "b":2}"#, 7, "expected `,` or `}`"),
            (r#"[1 2]"#, 3, "expected `,` or `]`"),
            (r#"{"a" 1}"#, 5, "expected `:`"),
            (r#"{1:2}"#, 1, "key must be a string"),
            (r#"[1,]"#, 3, "trailing comma"),
            (r#"[01]"#, 2, "invalid number"),
            (r#"[1.]"#, 3, "invalid number"),
            (r#"[-]"#, 2, "invalid number"),
            (r#"[x]"#, 1, "expected a JSON value"),
        ];
        for (input, offset, message) in cases {
            let err = parse(input.as_bytes(), true).unwrap_err();
            assert_eq!((err.offset, err.eof, err.message.as_str()), (*offset, false, *message), "{input}");
        }
        for cut in [r#"{"a":"#, r#"{"a":"b"#, r#"[1,"#, r#"{"a":tr"#, "[\"\\"] {
            assert!(parse(cut.as_bytes(), true).unwrap_err().eof, "{cut}");
        }
        // A number at the end of a chunk may go on in the next one.
        assert!(parse(b"12", false).unwrap_err().eof);
        assert_eq!(parse(b"12", true).unwrap().0, Json::Num("12"));
        assert_eq!(parse(b"12,", false).unwrap().1, 2);
    }

    #[test]
    fn the_response_body_stays_raw_only_where_an_entry_has_it() {
        let entry = r#"{"response":{"content":{"text":"a\"b","size":1}},"text":"c"}"#;
        let (value, _, _) = parse_entry(entry.as_bytes(), true).unwrap();
        let text = value.get("response").and_then(|r| r.get("content")).and_then(|c| c.get("text"));
        assert_eq!(text, Some(&Json::Raw(br#""a\"b""#)));
        assert_eq!(value.get("text"), Some(&Json::Str(Cow::Borrowed("c"))));
        assert_eq!(String::from_utf8(value.to_vec()).unwrap(), entry);
        let mut notes = Notes::default();
        assert_eq!(Json::Raw(b"\"x\\ud800\"").decode_raw(&mut notes), Json::Str("x\u{fffd}".into()));
        assert_eq!(notes, Notes::SURROGATE);
    }
}
