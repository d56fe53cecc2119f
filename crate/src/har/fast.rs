//! A field-selective reader for one entry, natively: what serde_json would make of the entry, made faster.
//!
//! The analysis reads a few dozen fields of an entry; most of its bytes are what it never reads (Chrome's
//! `_initiator` stacks, `timings`, `cache`, `queryString`, bodies) and the indentation of a pretty-printed
//! file. serde_json walks all of it through its visitors, checks every string it hands over for UTF-8, and
//! grows each header list one push at a time. This reader goes through the entry once, 8 bytes at a time
//! in strings and indentation, builds the same [`Entry`] directly, and skips the rest with a validating
//! skipper that accepts exactly what serde_json's `IgnoredAny` does (syntax, escapes, no control characters).
//!
//! It is a shortcut, never a second opinion: it accepts a subset of what serde_json accepts, with the same
//! result, and says [`None`] for anything else (invalid JSON, an entry cut by the end of the buffer, a field
//! of an unusual type, an escaped member name, a lone surrogate, a number in an odd form, nesting near the
//! limits, a value long enough to be cut): the caller then reads the entry as before, so errors, warnings
//! and the tolerant reading are untouched. Only a long body is read as the pre-pass reads it
//! ([`super::skim`]): a string of at least [`ELIDE_MIN`] bytes under a `text` member is skipped without being
//! validated, and a body that long is not kept (`text: None`), since nothing reads it.

use std::borrow::Cow;

use serde_json::value::RawValue;

use super::lenient::{Flag, LenientBool, LenientNum, LenientStr, SeqCount};
use super::model::{
    Content, Cookie, Cookies, Entry, Header, Headers, LenientList, PostData, Request, Response, Timings,
};
use super::skim::{string_end, ELIDE_MIN, FIELD_MAX};

/// An entry read: the entry, its length in bytes (up to its closing brace), and whether it had a long body.
pub(super) struct Read<'a> {
    pub entry: Entry<'a>,
    pub len: usize,
    pub long_body: bool,
}

/// How many headers the last entry's request and response had: the next entry's lists start that large,
/// rather than growing one push at a time (the entries of one export are alike).
#[derive(Debug, Default)]
pub(super) struct Hints {
    headers: [usize; 2],
}

/// Reads the entry object that starts at `bytes[0]`, or says `None` (see the module's documentation).
pub(super) fn read_entry<'a>(bytes: &'a [u8], hints: &mut Hints) -> Option<Read<'a>> {
    if bytes.first() != Some(&b'{') {
        return None;
    }
    let mut p = Parser { b: bytes, i: 0, window: (0, ""), depth: 0, long_body: false, hints };
    let entry = p.entry()?;
    Some(Read { entry, len: p.i, long_body: p.long_body })
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `x` that is zero; exact for the lowest such byte (borrows only go up), and
/// non-zero exactly when some byte is zero.
#[inline]
fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGH
}

/// High bit set in each byte of `x` below 0x20 (a control character); exact as [`zero_bytes`] is.
#[inline]
fn control_bytes(x: u64) -> u64 {
    x.wrapping_sub(ONES * 0x20) & !x & HIGH
}

/// Where a string's content ends, and what it holds.
struct Str<'a> {
    /// Between the quotes, as written.
    raw: &'a [u8],
    /// Where `raw` starts in the entry.
    at: usize,
    escapes: bool,
}

/// Bytes this long are checked for UTF-8 at once (see [`Parser::text_at`]).
const WINDOW: usize = 4096;

/// Fields seen in one object: serde_json refuses a field written twice.
#[derive(Default)]
struct Seen(u32);

impl Seen {
    fn once(&mut self, bit: u32) -> Option<()> {
        let mask = 1 << bit;
        if self.0 & mask != 0 {
            return None;
        }
        self.0 |= mask;
        Some(())
    }
}

struct Parser<'a, 'h> {
    b: &'a [u8],
    hints: &'h mut Hints,
    i: usize,
    /// Bytes of `b` from `window.0` on known to be UTF-8, as text: most strings are taken from it, without
    /// checking each on its own (a call per string costs more than the check).
    window: (usize, &'a str),
    /// Containers open around `i`, the entry's own included.
    depth: usize,
    long_body: bool,
}

impl<'a> Parser<'a, '_> {
    #[inline]
    fn word(&self, at: usize) -> Option<u64> {
        self.b.get(at..).and_then(|rest| rest.first_chunk::<8>()).map(|w| u64::from_le_bytes(*w))
    }

    /// Skips JSON whitespace; a line break's indentation 8 bytes at a time.
    #[inline]
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'\n' => {
                    self.i += 1;
                    while let Some(w) = self.word(self.i) {
                        let other = w ^ (ONES * u64::from(b' '));
                        if other != 0 {
                            self.i += (other.trailing_zeros() / 8) as usize;
                            break;
                        }
                        self.i += 8;
                    }
                }
                _ => return,
            }
        }
    }

    /// The next byte after whitespace, not consumed.
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        if self.peek()? != c {
            return None;
        }
        self.i += 1;
        Some(())
    }

    fn open(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth < super::MAX_DEPTH).then_some(())
    }

    /// The string whose opening quote was just consumed, up to and past its closing one. `text`: the value
    /// of a `text` member, which may be as long as it is (see [`FIELD_MAX`]).
    #[inline]
    fn string(&mut self, text: bool) -> Option<Str<'a>> {
        let start = self.i;
        let mut escapes = false;
        loop {
            if let Some(w) = self.word(self.i) {
                let special = zero_bytes(w ^ (ONES * u64::from(b'"')))
                    | zero_bytes(w ^ (ONES * u64::from(b'\\')))
                    | control_bytes(w);
                if special == 0 {
                    self.i += 8;
                    continue;
                }
                self.i += (special.trailing_zeros() / 8) as usize;
            }
            match *self.b.get(self.i)? {
                b'"' => {
                    let raw = &self.b[start..self.i];
                    self.i += 1;
                    if raw.len() > FIELD_MAX && !text {
                        return None;
                    }
                    return Some(Str { raw, at: start, escapes });
                }
                b'\\' => {
                    escapes = true;
                    let len = match *self.b.get(self.i + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => 2,
                        b'u' => {
                            let hex = self.b.get(self.i + 2..self.i + 6)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            6
                        }
                        _ => return None,
                    };
                    self.i += len;
                }
                c if c < 0x20 => return None,
                _ => self.i += 1,
            }
        }
    }

    /// The bytes of a string's content as text, when they are UTF-8: from the window checked last, or from a
    /// new one that starts with them.
    fn text_at(&mut self, s: &Str<'a>) -> Option<&'a str> {
        let (from, end) = (s.at, s.at + s.raw.len());
        let (start, text) = self.window;
        if from < start || end > start + text.len() {
            let bytes = &self.b[from..(from + WINDOW).max(end).min(self.b.len())];
            let text = match std::str::from_utf8(bytes) {
                Ok(text) => text,
                // Up to what is not UTF-8, or to a character the window cuts.
                Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).ok()?,
            };
            self.window = (from, text);
            return text.get(..s.raw.len());
        }
        text.get(from - start..end - start)
    }

    /// A string as serde_json hands it to a visitor: borrowed when it has no escape, UTF-8 checked.
    fn text_of(&mut self, s: &Str<'a>) -> Option<Cow<'a, str>> {
        let raw = self.text_at(s)?;
        if !s.escapes {
            return Some(Cow::Borrowed(raw));
        }
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        while let Some(at) = rest.find('\\') {
            out.push_str(&rest[..at]);
            let esc = rest.as_bytes().get(at + 1).copied()?;
            let c = match esc {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let code = u32::from_str_radix(rest.get(at + 2..at + 6)?, 16).ok()?;
                    // Surrogates (pairs or lone ones) are serde_json's to judge.
                    rest = &rest[at + 6..];
                    out.push(char::from_u32(code)?);
                    continue;
                }
                _ => return None,
            };
            out.push(c);
            rest = &rest[at + 2..];
        }
        out.push_str(rest);
        Some(Cow::Owned(out))
    }

    /// An object's members: `member` is called at each name (the raw bytes between its quotes) and reads the
    /// value. A name with an escape or outside ASCII is left to serde_json.
    #[inline]
    fn object(&mut self, mut member: impl FnMut(&mut Self, &'a [u8]) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        self.open()?;
        if self.peek()? == b'}' {
            self.i += 1;
            self.depth -= 1;
            return Some(());
        }
        loop {
            self.eat(b'"')?;
            let name = self.string(false)?;
            if name.escapes || !name.raw.is_ascii() {
                return None;
            }
            self.eat(b':')?;
            member(self, name.raw)?;
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    self.depth -= 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// An array's elements, each read by `element`.
    #[inline]
    fn array(&mut self, mut element: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        self.open()?;
        if self.peek()? == b']' {
            self.i += 1;
            self.depth -= 1;
            return Some(());
        }
        loop {
            element(self)?;
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    self.depth -= 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        if !self.b.get(self.i..)?.starts_with(word) {
            return None;
        }
        self.i += word.len();
        Some(())
    }

    /// A number as written, checked against JSON's grammar as serde_json checks it.
    fn number(&mut self) -> Option<&'a [u8]> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let from = p.i;
            while p.b.get(p.i).is_some_and(u8::is_ascii_digit) {
                p.i += 1;
            }
            p.i - from
        };
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.b.get(self.i)? {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                digits(self);
            }
            _ => return None,
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return None;
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return None;
            }
        }
        // The input must say where the number ends (not cut by the end of the buffer).
        self.b.get(self.i)?;
        Some(&self.b[start..self.i])
    }

    /// Skips one value of any type, validating it as serde_json's `IgnoredAny` does; strings that are the
    /// value of a `text` member may be long (see [`Parser::string`]).
    fn skip(&mut self) -> Option<()> {
        // One bit per container opened here, innermost lowest: set for `{`.
        let mut objects = 0u128;
        let mut open = 0usize;
        let mut text_value = false;
        loop {
            // A value.
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    if !(text_value && self.long_text()) {
                        self.string(text_value)?;
                    }
                }
                b'{' | b'[' => {
                    let object = self.b[self.i] == b'{';
                    self.i += 1;
                    open += 1;
                    if self.depth + open >= super::MAX_DEPTH {
                        return None;
                    }
                    objects = (objects << 1) | u128::from(object);
                    let close = if object { b'}' } else { b']' };
                    // An array's elements are no member's value.
                    text_value = false;
                    if self.peek()? == close {
                        self.i += 1;
                        open -= 1;
                        objects >>= 1;
                    } else {
                        if object {
                            text_value = self.skipped_name()?;
                        }
                        continue;
                    }
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                b'-' | b'0'..=b'9' => {
                    self.number()?;
                }
                _ => return None,
            }
            // After a value: close containers until one goes on.
            loop {
                if open == 0 {
                    return Some(());
                }
                let in_object = objects & 1 == 1;
                match (self.peek()?, in_object) {
                    (b',', true) => {
                        self.i += 1;
                        text_value = self.skipped_name()?;
                        break;
                    }
                    (b',', false) => {
                        self.i += 1;
                        text_value = false;
                        break;
                    }
                    (b'}', true) | (b']', false) => {
                        self.i += 1;
                        open -= 1;
                        objects >>= 1;
                    }
                    _ => return None,
                }
            }
        }
    }

    /// Whether the string whose opening quote was just consumed, the value of a `text` member, is one the
    /// pre-pass leaves out ([`ELIDE_MIN`] bytes or more with its quotes): then it is skipped, not validated,
    /// as the pre-pass skips it (the scanner's answer for such an entry, whichever way it goes, does not depend
    /// on what the string holds). Its end is found 64 bytes at a time, escapes worked out with arithmetic:
    /// bodies are full of `\"`.
    fn long_text(&mut self) -> bool {
        match string_end(self.b, self.i) {
            Some(end) if end - self.i + 2 >= ELIDE_MIN => {
                self.i = end + 1;
                true
            }
            _ => false,
        }
    }

    /// A member name inside a skipped object and its colon; whether it is `text`.
    fn skipped_name(&mut self) -> Option<bool> {
        self.eat(b'"')?;
        let name = self.string(false)?;
        self.eat(b':')?;
        Some(name.raw == b"text")
    }

    fn lenient_str(&mut self) -> Option<LenientStr<'a>> {
        Some(match self.peek()? {
            b'"' => {
                self.i += 1;
                let s = self.string(false)?;
                LenientStr { value: Some(self.text_of(&s)?), flag: Flag::Ok }
            }
            b'n' => {
                self.literal(b"null")?;
                LenientStr { value: None, flag: Flag::Null }
            }
            b't' | b'f' => {
                let v = self.peek()? == b't';
                self.literal(if v { b"true" } else { b"false" })?;
                LenientStr {
                    value: Some(Cow::Borrowed(if v { "true" } else { "false" })),
                    flag: Flag::WrongType,
                }
            }
            b'{' | b'[' => {
                self.skip()?;
                LenientStr { value: None, flag: Flag::WrongType }
            }
            // Numbers as text are serde_json's to format.
            _ => return None,
        })
    }

    fn lenient_num(&mut self) -> Option<LenientNum> {
        Some(match self.peek()? {
            b'-' | b'0'..=b'9' => LenientNum { value: Some(number_value(self.number()?)?), flag: Flag::Ok },
            b'"' => {
                self.i += 1;
                let s = self.string(false)?;
                LenientNum { value: self.text_of(&s)?.trim().parse().ok(), flag: Flag::WrongType }
            }
            b'n' => {
                self.literal(b"null")?;
                LenientNum { value: None, flag: Flag::Null }
            }
            _ => {
                self.skip()?;
                LenientNum { value: None, flag: Flag::WrongType }
            }
        })
    }

    fn lenient_bool(&mut self) -> Option<LenientBool> {
        Some(match self.peek()? {
            b't' => {
                self.literal(b"true")?;
                LenientBool { value: Some(true), flag: Flag::Ok }
            }
            b'f' => {
                self.literal(b"false")?;
                LenientBool { value: Some(false), flag: Flag::Ok }
            }
            b'n' => {
                self.literal(b"null")?;
                LenientBool { value: None, flag: Flag::Null }
            }
            b'"' => {
                self.i += 1;
                let s = self.string(false)?;
                let value = match self.text_of(&s)?.trim() {
                    t if t.eq_ignore_ascii_case("true") => Some(true),
                    t if t.eq_ignore_ascii_case("false") => Some(false),
                    _ => None,
                };
                LenientBool { value, flag: Flag::WrongType }
            }
            b'{' | b'[' => {
                self.skip()?;
                LenientBool { value: None, flag: Flag::WrongType }
            }
            _ => return None,
        })
    }

    /// A list of headers or cookies: an array, or `null`; anything else is serde_json's.
    fn list<T>(
        &mut self,
        capacity: usize,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<LenientList<T>> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Some(LenientList { items: Vec::new(), flag: Flag::Null });
        }
        let mut items = Vec::with_capacity(capacity);
        self.array(|p| {
            items.push(item(p)?);
            Some(())
        })?;
        Some(LenientList { items, flag: Flag::Ok })
    }

    /// `side`: 0 for the request's, 1 for the response's (see [`Hints`]).
    fn headers(&mut self, side: usize) -> Option<Headers<'a>> {
        let headers = self.list(self.hints.headers[side], |p| {
            let mut h = Header::default();
            let mut seen = Seen::default();
            p.object(|p, name| {
                match name {
                    b"name" => {
                        seen.once(0)?;
                        h.name = p.lenient_str()?;
                    }
                    b"value" => {
                        seen.once(1)?;
                        h.value = p.lenient_str()?;
                    }
                    _ => p.skip()?,
                }
                Some(())
            })?;
            Some(h)
        })?;
        self.hints.headers[side] = headers.items.len();
        Some(headers)
    }

    fn cookies(&mut self) -> Option<Cookies<'a>> {
        self.list(0, |p| {
            let mut c = Cookie::default();
            let mut seen = Seen::default();
            p.object(|p, name| {
                let (bit, field) = match name {
                    b"name" => (0, &mut c.name),
                    b"value" => (1, &mut c.value),
                    b"path" => (2, &mut c.path),
                    b"domain" => (3, &mut c.domain),
                    b"expires" => (4, &mut c.expires),
                    b"sameSite" => (5, &mut c.same_site),
                    b"httpOnly" => {
                        seen.once(6)?;
                        c.http_only = p.lenient_bool()?;
                        return Some(());
                    }
                    b"secure" => {
                        seen.once(7)?;
                        c.secure = p.lenient_bool()?;
                        return Some(());
                    }
                    _ => return p.skip(),
                };
                seen.once(bit)?;
                *field = p.lenient_str()?;
                Some(())
            })?;
            Some(c)
        })
    }

    /// A body (`content.text`, `postData.text`): a long string is not kept (see the module's documentation).
    fn body(&mut self) -> Option<Option<&'a RawValue>> {
        let first = self.peek()?;
        let start = self.i;
        match first {
            b'n' => {
                self.literal(b"null")?;
                return Some(None);
            }
            b'"' => {
                self.i += 1;
                if self.long_text() {
                    self.long_body = true;
                    return Some(None);
                }
                self.string(true)?;
            }
            _ => self.skip()?,
        }
        // serde_json's own RawValue of the bytes just validated (a short body, rarely anything else).
        let raw = std::str::from_utf8(&self.b[start..self.i]).ok()?;
        serde_json::from_str::<&RawValue>(raw).ok().map(Some)
    }

    fn request(&mut self) -> Option<Request<'a>> {
        let mut r = Request::default();
        let mut seen = Seen::default();
        self.object(|p, name| {
            match name {
                b"method" => {
                    seen.once(0)?;
                    r.method = p.lenient_str()?;
                }
                b"url" => {
                    seen.once(1)?;
                    r.url = p.lenient_str()?;
                }
                b"httpVersion" => {
                    seen.once(2)?;
                    r.http_version = p.lenient_str()?;
                }
                b"headers" => {
                    seen.once(3)?;
                    r.headers = p.headers(0)?;
                }
                b"cookies" => {
                    seen.once(4)?;
                    r.cookies = p.cookies()?;
                }
                b"postData" => {
                    seen.once(5)?;
                    r.post_data = p.post_data()?;
                }
                _ => p.skip()?,
            }
            Some(())
        })?;
        Some(r)
    }

    fn post_data(&mut self) -> Option<Option<PostData<'a>>> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Some(None);
        }
        let mut d = PostData::default();
        let mut seen = Seen::default();
        self.object(|p, name| {
            match name {
                b"mimeType" => {
                    seen.once(0)?;
                    d.mime_type = p.lenient_str()?;
                }
                b"text" => {
                    seen.once(1)?;
                    d.text = p.body()?;
                }
                _ => p.skip()?,
            }
            Some(())
        })?;
        Some(Some(d))
    }

    fn response(&mut self) -> Option<Response<'a>> {
        let mut r = Response::default();
        let mut seen = Seen::default();
        self.object(|p, name| {
            match name {
                b"status" => {
                    seen.once(0)?;
                    r.status = p.lenient_num()?;
                }
                b"statusText" => {
                    seen.once(1)?;
                    r.status_text = p.lenient_str()?;
                }
                b"httpVersion" => {
                    seen.once(2)?;
                    r.http_version = p.lenient_str()?;
                }
                b"headers" => {
                    seen.once(3)?;
                    r.headers = p.headers(1)?;
                }
                b"cookies" => {
                    seen.once(4)?;
                    r.cookies = p.cookies()?;
                }
                b"content" => {
                    seen.once(5)?;
                    r.content = p.content()?;
                }
                b"redirectURL" => {
                    seen.once(6)?;
                    r.redirect_url = p.lenient_str()?;
                }
                b"_error" => {
                    seen.once(7)?;
                    r.error = p.lenient_str()?;
                }
                b"headersSize" => {
                    seen.once(8)?;
                    r.headers_size = p.lenient_num()?;
                }
                _ => p.skip()?,
            }
            Some(())
        })?;
        Some(r)
    }

    fn content(&mut self) -> Option<Content<'a>> {
        let mut c = Content::default();
        let mut seen = Seen::default();
        self.object(|p, name| {
            match name {
                b"size" => {
                    seen.once(0)?;
                    c.size = p.lenient_num()?;
                }
                b"mimeType" => {
                    seen.once(1)?;
                    c.mime_type = p.lenient_str()?;
                }
                b"encoding" => {
                    seen.once(2)?;
                    c.encoding = p.lenient_str()?;
                }
                b"text" => {
                    seen.once(3)?;
                    c.text = p.body()?;
                }
                _ => p.skip()?,
            }
            Some(())
        })?;
        Some(c)
    }

    fn timings(&mut self) -> Option<Timings> {
        let mut t = Timings::default();
        let mut seen = Seen::default();
        self.object(|p, name| {
            let (bit, field) = match name {
                b"blocked" => (0, &mut t.blocked),
                b"dns" => (1, &mut t.dns),
                b"connect" => (2, &mut t.connect),
                b"send" => (3, &mut t.send),
                b"wait" => (4, &mut t.wait),
                b"receive" => (5, &mut t.receive),
                b"ssl" => (6, &mut t.ssl),
                _ => return p.skip(),
            };
            seen.once(bit)?;
            *field = p.lenient_num()?;
            Some(())
        })?;
        Some(t)
    }

    /// `_webSocketMessages`: an array counted, or `null`; anything else is serde_json's.
    fn seq_count(&mut self) -> Option<Option<SeqCount>> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Some(None);
        }
        let mut n = 0;
        self.array(|p| {
            n += 1;
            p.skip()
        })?;
        Some(Some(SeqCount(n)))
    }

    fn entry(&mut self) -> Option<Entry<'a>> {
        let mut e = Entry::default();
        let mut seen = Seen::default();
        self.object(|p, name| {
            let (bit, field) = match name {
                b"pageref" => (0, &mut e.pageref),
                b"startedDateTime" => (1, &mut e.started_date_time),
                b"serverIPAddress" => (2, &mut e.server_ip_address),
                b"connection" => (3, &mut e.connection),
                b"_fromCache" => (4, &mut e.from_cache),
                b"_resourceType" => (5, &mut e.resource_type),
                b"_fetchType" => (6, &mut e.fetch_type),
                b"time" => {
                    seen.once(7)?;
                    e.time = p.lenient_num()?;
                    return Some(());
                }
                b"request" => {
                    seen.once(8)?;
                    e.request = p.request()?;
                    return Some(());
                }
                b"response" => {
                    seen.once(9)?;
                    e.response = p.response()?;
                    return Some(());
                }
                b"timings" => {
                    seen.once(10)?;
                    e.timings = p.timings()?;
                    return Some(());
                }
                b"_webSocketMessages" => {
                    seen.once(11)?;
                    e.websocket_messages = p.seq_count()?;
                    return Some(());
                }
                _ => return p.skip(),
            };
            seen.once(bit)?;
            *field = p.lenient_str()?;
            Some(())
        })?;
        Some(e)
    }
}

/// Exact powers of ten as `f64` (all of them up to 1e22 are).
const POW10: [f64; 19] =
    [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18];

/// The value serde_json gives a number (`-?digits(.digits)?`, at most 18 digits, computed as it computes
/// them); another form is handed to serde_json itself.
fn number_value(text: &[u8]) -> Option<f64> {
    let (positive, digits) = match text.split_first() {
        Some((b'-', rest)) => (false, rest),
        _ => (true, text),
    };
    let mut significand = 0u64;
    let mut count = 0usize;
    let mut fraction = None;
    for (k, &c) in digits.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                significand = significand * 10 + u64::from(c - b'0');
                count += 1;
                if count > 18 {
                    return serde_value(text);
                }
            }
            b'.' => fraction = Some(digits.len() - k - 1),
            _ => return serde_value(text),
        }
    }
    let mut f = significand as f64;
    if let Some(k) = fraction {
        f /= POW10.get(k).copied()?;
    }
    Some(if positive { f } else { -f })
}

fn serde_value(text: &[u8]) -> Option<f64> {
    serde_json::from_slice::<LenientNum>(text).ok()?.value
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde_json's reading of the entry starting `bytes` (the scanner's direct path): the entry as text, its
    /// length.
    fn serde(bytes: &[u8]) -> Option<(String, usize)> {
        let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<Entry<'_>>();
        let entry = stream.next()?.ok()?;
        Some((format!("{entry:?}"), stream.byte_offset()))
    }

    /// This reader's, with what it leaves out of a long body (`text: None`) left out of serde_json's too.
    fn fast(bytes: &[u8]) -> Option<(String, usize, bool)> {
        let read = read_entry(bytes, &mut Hints::default())?;
        Some((format!("{:?}", read.entry), read.len, read.long_body))
    }

    fn without_long_bodies(bytes: &[u8]) -> Vec<u8> {
        let mut copy = Vec::new();
        let mut skimmer = super::super::skim::Skimmer::default();
        skimmer.run(bytes, &mut copy, false);
        copy
    }

    /// Checks that whatever this reader accepts serde_json reads the same.
    fn check(bytes: &[u8]) -> bool {
        let Some((entry, len, long_body)) = fast(bytes) else {
            return false;
        };
        // serde_json's reading, or (what the scanner does when serde_json refuses) the pre-pass's.
        let skimmed = || serde(&without_long_bodies(&bytes[..len])).map(|(e, _)| (e, len));
        let want = if long_body { skimmed() } else { serde(bytes).or_else(skimmed) };
        assert_eq!(Some((entry, len)), want, "{}", String::from_utf8_lossy(bytes));
        true
    }

    /// Every entry of every HAR in the test fixtures (each tool's shape) as written, pretty-printed or not.
    fn fixture_entries() -> Vec<Vec<u8>> {
        #[derive(serde::Deserialize)]
        struct Har<'a> {
            #[serde(borrow)]
            log: Log<'a>,
        }
        #[derive(serde::Deserialize)]
        struct Log<'a> {
            #[serde(borrow)]
            entries: Vec<&'a RawValue>,
        }
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures");
        let mut dirs = vec![std::path::PathBuf::from(root)];
        let mut entries = Vec::new();
        while let Some(dir) = dirs.pop() {
            let Ok(list) = std::fs::read_dir(&dir) else { continue };
            for item in list.flatten() {
                let path = item.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "har") {
                    let bytes = std::fs::read(&path).unwrap_or_default();
                    if let Ok(har) = serde_json::from_slice::<Har<'_>>(&bytes) {
                        entries.extend(har.log.entries.iter().map(|e| e.get().as_bytes().to_vec()));
                    }
                }
            }
        }
        entries
    }

    #[test]
    fn every_fixture_entry_is_read_as_serde_json_reads_it() {
        let entries = fixture_entries();
        assert!(entries.len() > 500, "{} entries", entries.len());
        let read = entries.iter().filter(|e| check(e)).count();
        // Nearly all go this way (the rest are serde_json's: numbers written as strings and the like).
        assert!(read * 100 >= entries.len() * 95, "{read} of {} read", entries.len());
    }

    #[test]
    fn what_it_accepts_serde_json_reads_the_same_whatever_the_damage() {
        // Each fixture entry, cut, or with one byte replaced by one that matters to JSON.
        let mut seed = 0x9e37_79b9u32;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as usize
        };
        const BYTES: &[u8] = b"{}[]\":,\\ \n\t0-.eE+ntf\x01\x7f\xc3\xa9\xff/u";
        let mut accepted = 0;
        for entry in fixture_entries().iter().filter(|e| e.len() < 20_000) {
            for _ in 0..30 {
                let mut bytes = entry.clone();
                let at = next() % bytes.len();
                match next() % 4 {
                    0 => bytes.truncate(at),
                    1 => bytes.insert(at, BYTES[next() % BYTES.len()]),
                    _ => bytes[at] = BYTES[next() % BYTES.len()],
                }
                accepted += usize::from(check(&bytes));
            }
        }
        assert!(accepted > 1000, "{accepted}");
    }

    #[test]
    fn lenient_fields_and_numbers() {
        let cases: &[&[u8]] = &[
            br#"{"time": -0, "response": {"status": "200 ", "headersSize": -1.25, "cookies": [{"httpOnly": "TRUE", "secure": null}]}}"#,
            br#"{"time": 1.5e3, "timings": {"wait": 0.000123456789012345678}, "request": {"url": null, "headers": null}}"#,
            br#"{"connection": true, "pageref": {"a": [1, {"b": null}]}, "serverIPAddress": "\u00e9\ud83d\ude00"}"#,
            b"{\"request\": {\"headers\": [{\"name\": \"a\\\"b\\\\c\\/\\n\", \"value\": \"\xc3\xa9\"}]}, \"_webSocketMessages\": [1, [], {}]}",
            br#"{"response": {"content": {"text": {"x": 1}, "size": 12345678901234567890}}}"#,
            br#"{"time": 1, "time": 2}"#,
            br#"{"request": [1, 2]}"#,
        ];
        for case in cases {
            check(case);
        }
        let accepted: Vec<bool> = cases.iter().map(|c| check(c)).collect();
        assert_eq!(accepted, [true, true, false, true, true, false, false], "surrogates are serde_json's");
        assert!(!check(cases[5]) && !check(cases[6]), "serde_json refuses both");
    }

    #[test]
    fn long_bodies_are_skipped_as_the_pre_pass_skips_them() {
        // Not JSON inside (a raw control character, an unknown escape), as tools do write: the pre-pass takes
        // such a body, and so does this reader; a short one is validated as serde_json validates it.
        let body = format!("{}\u{1}\\x{}", "a".repeat(600), "b\\\"".repeat(300));
        let entry = format!(
            r#"{{"request": {{"url": "http://a/", "postData": {{"text": "{body}"}}}}, "_x": [{{"text": "{body}"}}], "response": {{"content": {{"text": "{body}"}}}}}}"#
        );
        let read = read_entry(entry.as_bytes(), &mut Hints::default())
            .map(|r| (r.long_body, r.entry.response.content.text.is_none()));
        assert_eq!(read.map(|r| (r.0, r.1)), Some((true, true)));
        assert!(check(entry.as_bytes()));
        assert!(read_entry(br#"{"response": {"content": {"text": "a\x"}}}"#, &mut Hints::default()).is_none());
        // In an array, a string is no member's value: validated.
        let in_array = format!(r#"{{"_x": {{"text": ["{body}"]}}}}"#);
        assert!(read_entry(in_array.as_bytes(), &mut Hints::default()).is_none());
    }
}
