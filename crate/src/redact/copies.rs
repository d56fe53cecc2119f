//! Copies of replaced values: every value the sanitizer replaces is remembered with its replacement, and any
//! other occurrence of it, anywhere in the file and in any of four forms (as it is, percent-encoded,
//! JSON-escaped, base64), gets the same replacement.
//!
//! Real HARs carry such copies: WebPagetest's `_url` keeps the query that `request.url` holds, analytics
//! beacons carry the `__utma` cookie in their `utmcc` parameter, `Location` and `Referer` repeat tokens, bodies
//! echo them. The sanitizer reads a file twice (see [`super::Redactor::first_pass`]): the first pass only
//! learns what it will replace, the second replaces it wherever it is, so a copy written before the original
//! is caught too.
//!
//! Values shorter than [`MIN_LEN`] are replaced where they are recognised but not chased elsewhere: `1`,
//! `true` or `en-US` would match all over a file. User names, host names and addresses are matched only as
//! whole words (`10.0.0.1` is not inside `10.0.0.12`); secrets anywhere (`utmcc=__utma%3D<cookie>`).
//! Memory: at most [`MAX_VALUES`] values are remembered (about 200 bytes each with their forms), a bound no
//! real recording approaches; past it, copies of further values are not chased and a warning says so.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::pseudo::b64url_encode;

/// Shorter values are not chased (see the module documentation); an IPv4 address is at least 7 characters.
pub const MIN_LEN: usize = 8;
const MIN_ADDRESS_LEN: usize = 7;
/// Values remembered at most: about 10 MB with their forms and index.
pub const MAX_VALUES: usize = 50_000;

/// What a replaced value is, which says how a copy of it is recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A credential: a copy is replaced wherever it is, inside any text.
    Secret,
    /// A user or host name: only as a whole word.
    Word,
    /// An IP address: only where no digit, hex letter, `.` or `:` touches it.
    Address,
}

/// The values replaced so far, their replacements, and an index to find their copies.
#[derive(Debug, Clone, Default)]
pub struct Copies {
    /// Each value remembered, its replacement and what it is.
    seen: HashMap<Box<str>, (Box<str>, Shape)>,
    patterns: Vec<Pattern>,
    /// Pattern indices by their first four bytes, longest pattern first.
    index: HashMap<u32, Vec<u32>, BuildHasherDefault<KeyHasher>>,
    /// One bit per possible first two bytes of a pattern: most positions of a text are rejected here.
    filter: Vec<u64>,
    shortest: usize,
    /// Values not remembered because [`MAX_VALUES`] was reached.
    pub(crate) dropped: u64,
}

#[derive(Debug, Clone)]
struct Pattern {
    text: Box<str>,
    replacement: Box<str>,
    shape: Shape,
}

/// A multiplicative hash for the four-byte keys (the default SipHash would be the slowest part of a lookup).
#[derive(Debug, Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

impl Copies {
    /// True when nothing is remembered (nothing to look for).
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// How many distinct values are remembered.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// The values remembered, as they were found, and what they are (for tests that check none survives).
    pub fn values(&self) -> impl Iterator<Item = (&str, Shape)> {
        self.seen.iter().map(|(value, (_, shape))| (value.as_ref(), *shape))
    }

    /// The replacement of a value remembered, when `text` is one exactly (a number holding a secret).
    pub fn replacement_of(&self, text: &str) -> Option<&str> {
        self.seen.get(text).map(|(replacement, _)| replacement.as_ref())
    }

    /// Remembers that `value` was replaced by `replacement`; its later copies get the same. The first
    /// replacement of a value stays its replacement.
    pub(crate) fn track(&mut self, value: &str, replacement: &str, shape: Shape) {
        let min = if shape == Shape::Address { MIN_ADDRESS_LEN } else { MIN_LEN };
        if value.len() < min || value == replacement || self.seen.contains_key(value) {
            return;
        }
        if self.seen.len() >= MAX_VALUES {
            self.dropped += 1;
            return;
        }
        self.seen.insert(value.into(), (replacement.into(), shape));
        for form in forms(value, shape) {
            self.add_pattern(form, replacement, shape);
        }
    }

    fn add_pattern(&mut self, text: String, replacement: &str, shape: Shape) {
        let bytes = text.as_bytes();
        let Some(key) = key_of(bytes) else { return };
        if self.filter.is_empty() {
            self.filter = vec![0; 1024];
        }
        let slot = filter_slot(bytes);
        self.filter[slot / 64] |= 1 << (slot % 64);
        self.shortest = if self.patterns.is_empty() { bytes.len() } else { self.shortest.min(bytes.len()) };
        let id = self.patterns.len() as u32;
        self.patterns.push(Pattern { text: text.into(), replacement: replacement.into(), shape });
        let list = self.index.entry(key).or_default();
        list.push(id);
        let patterns = &self.patterns;
        list.sort_by_key(|&p| std::cmp::Reverse(patterns[p as usize].text.len()));
    }

    /// `text` with every copy of a remembered value replaced, `None` when there is none. Leftmost copy
    /// first, and the longest one where several start at the same place.
    pub fn replace_in(&self, text: &str) -> Option<String> {
        if self.patterns.is_empty() || text.len() < self.shortest {
            return None;
        }
        let bytes = text.as_bytes();
        let mut out: Option<String> = None;
        let mut copied = 0;
        let mut i = 0;
        while i + self.shortest <= bytes.len() {
            let slot = filter_slot(&bytes[i..]);
            let hit = self.filter[slot / 64] & (1 << (slot % 64)) != 0;
            let found = if hit { self.match_at(bytes, i) } else { None };
            match found {
                Some(p) => {
                    let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
                    out.push_str(&text[copied..i]);
                    out.push_str(&p.replacement);
                    i += p.text.len();
                    copied = i;
                }
                None => i += 1,
            }
        }
        let mut out = out?;
        out.push_str(&text[copied..]);
        Some(out)
    }

    fn match_at(&self, bytes: &[u8], i: usize) -> Option<&Pattern> {
        let key = key_of(&bytes[i..])?;
        let candidates = self.index.get(&key)?;
        candidates.iter().map(|&p| &self.patterns[p as usize]).find(|p| {
            let end = i + p.text.len();
            bytes.get(i..end) == Some(p.text.as_bytes())
                && whole(p.shape, i.checked_sub(1).and_then(|b| bytes.get(b)), bytes.get(end))
        })
    }
}

/// Whether the bytes around a match leave it a copy of the value rather than part of another word.
fn whole(shape: Shape, before: Option<&u8>, after: Option<&u8>) -> bool {
    let joins = |b: Option<&u8>| match shape {
        Shape::Secret => false,
        Shape::Word => b.is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
        Shape::Address => b.is_some_and(|&b| b.is_ascii_hexdigit() || b == b'.' || b == b':'),
    };
    !joins(before) && !joins(after)
}

fn key_of(bytes: &[u8]) -> Option<u32> {
    bytes.first_chunk::<4>().map(|k| u32::from_le_bytes(*k))
}

fn filter_slot(bytes: &[u8]) -> usize {
    usize::from(bytes[0]) << 8 | usize::from(bytes.get(1).copied().unwrap_or(0))
}

/// The forms a value's copies take: as it is; percent-encoded (upper- and lower-case hex, and `+` for spaces);
/// JSON-escaped (and with `\/`); base64 (standard and URL-safe, with and without padding). Names and
/// addresses only as they are and percent-encoded.
fn forms(value: &str, shape: Shape) -> Vec<String> {
    let mut forms = vec![value.to_owned()];
    let mut add = |form: String| {
        if !forms.contains(&form) {
            forms.push(form);
        }
    };
    if shape == Shape::Address {
        return forms;
    }
    let encoded = percent_encode(value);
    add(lower_hex(&encoded));
    add(encoded.replace("%20", "+"));
    add(encoded);
    if shape == Shape::Word {
        return forms;
    }
    let mut escaped = Vec::with_capacity(value.len() + 8);
    crate::har::json::write_str(&mut escaped, value);
    let escaped = String::from_utf8_lossy(&escaped[1..escaped.len() - 1]).into_owned();
    add(escaped.replace('/', "\\/"));
    add(escaped);
    let url_safe = b64url_encode(value.as_bytes());
    let standard = url_safe.replace('-', "+").replace('_', "/");
    let padding = "=".repeat((4 - url_safe.len() % 4) % 4);
    add(format!("{standard}{padding}"));
    add(standard);
    add(format!("{url_safe}{padding}"));
    add(url_safe);
    forms
}

/// `encodeURIComponent`: everything but letters, digits and `-_.!~*'()` as `%XX`.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `%2F` -> `%2f`: some encoders write lower-case hex.
fn lower_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut after_percent = 0;
    for c in encoded.chars() {
        if c == '%' {
            after_percent = 2;
            out.push(c);
        } else if after_percent > 0 {
            after_percent -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copies(values: &[(&str, &str, Shape)]) -> Copies {
        let mut c = Copies::default();
        for (v, r, s) in values {
            c.track(v, r, *s);
        }
        c
    }

    #[test]
    fn every_form_of_a_value_is_replaced() {
        let c = copies(&[("s3cr3t/v+lue \"x\"", "redacted-1", Shape::Secret)]);
        for form in [
            "s3cr3t/v+lue \"x\"",
            "s3cr3t%2Fv%2Blue%20%22x%22",
            "s3cr3t%2fv%2blue%20%22x%22",
            "s3cr3t%2Fv%2Blue+%22x%22",
            "s3cr3t/v+lue \\\"x\\\"",
            "s3cr3t\\/v+lue \\\"x\\\"",
            "czNjcjN0L3YrbHVlICJ4Ig==",
            "czNjcjN0L3YrbHVlICJ4Ig",
        ] {
            let text = format!("a={form}&b");
            assert_eq!(c.replace_in(&text).as_deref(), Some("a=redacted-1&b"), "{form}");
        }
        assert_eq!(c.replace_in("nothing here"), None);
    }

    #[test]
    fn secrets_anywhere_names_and_addresses_as_whole_words() {
        let c = copies(&[
            ("123.456.789.1", "redacted-c", Shape::Secret),
            ("jsmith-admin", "user-1", Shape::Word),
            ("10.0.0.1", "10.9.9.9", Shape::Address),
            ("short", "x", Shape::Secret),
        ]);
        assert_eq!(
            c.replace_in("utmcc=__utma%3D123.456.789.1%3B").as_deref(),
            Some("utmcc=__utma%3Dredacted-c%3B")
        );
        assert_eq!(c.replace_in("by jsmith-admin@corp").as_deref(), Some("by user-1@corp"));
        assert_eq!(c.replace_in("xjsmith-admin"), None);
        assert_eq!(c.replace_in("from 10.0.0.1, 10.0.0.12").as_deref(), Some("from 10.9.9.9, 10.0.0.12"));
        assert_eq!(c.replace_in("a short one"), None, "values under MIN_LEN are not chased");
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn the_longest_copy_wins_and_the_first_replacement_stays() {
        let mut c = copies(&[
            ("ABCDEFGH", "redacted-short", Shape::Secret),
            ("ABCDEFGH.node1", "redacted-x.node1", Shape::Secret),
        ]);
        c.track("ABCDEFGH", "redacted-other", Shape::Secret);
        assert_eq!(
            c.replace_in("ABCDEFGH.node1 ABCDEFGH").as_deref(),
            Some("redacted-x.node1 redacted-short")
        );
        assert_eq!(c.replace_in("é ABCDEFGH é").as_deref(), Some("é redacted-short é"));
    }
}
