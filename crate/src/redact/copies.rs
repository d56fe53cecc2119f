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

use std::collections::HashSet;

use super::pseudo::b64url_encode;

/// Shorter values are not chased (see the module documentation); an IPv4 address is at least 7 characters.
pub const MIN_LEN: usize = 8;
const MIN_ADDRESS_LEN: usize = 7;
/// Values remembered at most: about 10 MB with their forms and index.
pub const MAX_VALUES: usize = 50_000;
/// Buckets of the index, by a hash of a pattern's first four bytes.
const BUCKETS: usize = 4096;

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
    seen: HashSet<Box<str>>,
    /// Every form of every value; a value's own text is the first of its forms.
    patterns: Vec<Pattern>,
    /// Pattern indices by a hash of their first four bytes, longest pattern first in each bucket; empty
    /// until the first value.
    index: Vec<Vec<u32>>,
    shortest: usize,
    /// Values not remembered because [`MAX_VALUES`] was reached.
    pub(crate) dropped: u64,
}

#[derive(Debug, Clone)]
struct Pattern {
    text: Box<str>,
    replacement: Box<str>,
    shape: Shape,
    /// The value itself, not one of its encodings.
    own: bool,
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
        self.patterns.iter().filter(|p| p.own).map(|p| (p.text.as_ref(), p.shape))
    }

    /// The replacement of a value remembered, when `text` is one exactly (a number holding a secret).
    pub fn replacement_of(&self, text: &str) -> Option<&str> {
        let bucket = self.index.get(bucket_of(text.as_bytes())?)?;
        bucket
            .iter()
            .map(|&p| &self.patterns[p as usize])
            .find(|p| p.own && *p.text == *text)
            .map(|p| &*p.replacement)
    }

    /// Remembers that `value` was replaced by `replacement`; its later copies get the same. The first
    /// replacement of a value stays its replacement.
    pub(crate) fn track(&mut self, value: &str, replacement: &str, shape: Shape) {
        let min = if shape == Shape::Address { MIN_ADDRESS_LEN } else { MIN_LEN };
        // A value inside its own replacement (`redacted`) would survive in it: such a value is not chased.
        if value.len() < min || replacement.contains(value) || self.seen.contains(value) {
            return;
        }
        if self.seen.len() >= MAX_VALUES {
            self.dropped += 1;
            return;
        }
        self.seen.insert(value.into());
        if self.index.is_empty() {
            self.index = vec![Vec::new(); BUCKETS];
        }
        for (i, form) in forms(value, shape).into_iter().enumerate() {
            let Some(bucket) = bucket_of(form.as_bytes()) else { continue };
            let id = self.patterns.len() as u32;
            self.shortest = if id == 0 { form.len() } else { self.shortest.min(form.len()) };
            let list = &mut self.index[bucket];
            let patterns = &self.patterns;
            let at = list.partition_point(|&p| patterns[p as usize].text.len() >= form.len());
            list.insert(at, id);
            self.patterns.push(Pattern {
                text: form.into(),
                replacement: replacement.into(),
                shape,
                own: i == 0,
            });
        }
    }

    /// `text` with every copy of a remembered value replaced, `None` when there is none. Leftmost copy
    /// first, and the longest one where several start at the same place.
    pub fn replace_in(&self, text: &str) -> Option<String> {
        if self.patterns.is_empty() || text.len() < self.shortest {
            return None;
        }
        let bytes = text.as_bytes();
        let mut out: Option<String> = None;
        let (mut copied, mut i) = (0, 0);
        while i + self.shortest <= bytes.len() {
            match self.match_at(bytes, i) {
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
        let bucket = &self.index[bucket_of(&bytes[i..])?];
        bucket.iter().map(|&p| &self.patterns[p as usize]).find(|p| {
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

/// The index bucket of a text starting with these bytes (at least four).
fn bucket_of(bytes: &[u8]) -> Option<usize> {
    let key = u32::from_le_bytes(*bytes.first_chunk::<4>()?);
    Some((key.wrapping_mul(0x9E37_79B1) >> 20) as usize)
}

/// The forms a value's copies take: as it is; percent-encoded (upper- and lower-case hex, and `+` for spaces);
/// JSON-escaped (and with `\/`); base64 (standard and URL-safe, with and without padding). Names only as they
/// are and percent-encoded, addresses only as they are.
fn forms(value: &str, shape: Shape) -> Vec<String> {
    let mut forms = vec![value.to_owned()];
    if shape == Shape::Address {
        return forms;
    }
    const HEX: &[u8; 32] = b"0123456789ABCDEF0123456789abcdef";
    let bytes = value.as_bytes();
    // encodeURIComponent with upper-case hex, with lower-case hex, and with `+` for spaces.
    let mut encoded = [Vec::new(), Vec::new(), Vec::new()];
    for &b in bytes {
        let keep = b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b);
        for (k, e) in encoded.iter_mut().enumerate() {
            if keep {
                e.push(b);
            } else if k == 2 && b == b' ' {
                e.push(b'+');
            } else {
                let case = if k == 1 { 16 } else { 0 };
                e.extend_from_slice(&[
                    b'%',
                    HEX[case + usize::from(b >> 4)],
                    HEX[case + usize::from(b & 15)],
                ]);
            }
        }
    }
    let mut more: Vec<Vec<u8>> = encoded.into();
    if shape == Shape::Secret {
        let mut escaped = Vec::with_capacity(value.len() + 8);
        crate::har::json::write_str(&mut escaped, value);
        let escaped = escaped[1..escaped.len() - 1].to_vec();
        let mut slashed = Vec::with_capacity(escaped.len() + 4);
        for &b in &escaped {
            if b == b'/' {
                slashed.push(b'\\');
            }
            slashed.push(b);
        }
        let url_safe = b64url_encode(bytes).into_bytes();
        let standard: Vec<u8> = url_safe
            .iter()
            .map(|&c| match c {
                b'-' => b'+',
                b'_' => b'/',
                c => c,
            })
            .collect();
        let padding = &b"=="[..(4 - url_safe.len() % 4) % 4];
        more.extend([escaped, slashed, [&standard[..], padding].concat(), standard]);
        more.extend([[&url_safe[..], padding].concat(), url_safe]);
    }
    for form in more {
        // Every form is ASCII or the value's own bytes.
        if let Ok(form) = String::from_utf8(form) {
            if !forms.contains(&form) {
                forms.push(form);
            }
        }
    }
    forms
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
