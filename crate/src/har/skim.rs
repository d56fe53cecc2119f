//! A fast pre-pass over one entry: where it ends, and where its long bodies are.
//!
//! Bodies (`response.content.text`, `request.postData.text`) are most of a HAR's bytes and the analysis never
//! reads them. serde_json would still walk each body byte by byte (on wasm32 its fast path reads 4 bytes at a
//! time and stops at every escape, and bodies written by browsers are full of `\"`), then check it is UTF-8.
//! This pass finds string ends 16 bytes at a time with bit masks (wasm32's SIMD128 `i8x16.eq` +
//! `i8x16.bitmask`; a `u64` at a time natively) and handles escapes with arithmetic, not branches, so an
//! escape-dense body costs what a plain one does. It writes a copy of the entry for serde_json without the
//! whitespace between tokens and with each long `text` string replaced by `null`: everything the analysis
//! reads is still parsed, and validated, by serde_json.
//!
//! The pass only looks for structure; it does not validate. When the copy does not parse, the caller parses
//! the original bytes, so errors keep their exact location.

/// Strings under a `text` key at least this long (as written, quotes included) are left out of the copy.
/// Shorter ones stay: [`crate::har::Content::small_text`] answers for bodies up to this size.
pub const ELIDE_MIN: usize = 1024;

/// Any other string (a header's value, a URL, a cookie) longer than this (as written, between the quotes) is
/// cut to its first `FIELD_MAX` bytes in the copy, and the analysis warns (`value-cut`): no diagnosis reads
/// further into one value, and a single 100 MB header then costs what 1 MiB does. No real export comes near
/// (the longest in the test fixtures is 8 KB).
pub const FIELD_MAX: usize = 1 << 20;

/// What [`Skimmer::run`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Skim {
    /// The object ends before this offset (exclusive) of the bytes given.
    Complete(usize),
    /// The input ends inside the object.
    Incomplete,
    /// Streaming: the input ends inside the object, and its first this many bytes are in the copy (or were
    /// skipped): the next run starts at the byte after them.
    Partial(usize),
    /// Not an object, or brackets that do not balance: the caller lets serde_json say what is wrong.
    NotAnObject,
}

/// A string the copy holds cut to [`FIELD_MAX`] bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// The member whose value it is, as written (quoted); empty for an element of an array.
    pub member: String,
    /// Its whole length as written, between the quotes.
    pub len: u64,
}

/// The pre-pass over one entry, resumable: [`Skimmer::run`] over the entry's bytes, or (streaming) over the
/// rest of them after a [`Skim::Partial`], so that the bytes of a huge entry can be dropped as they are read.
#[derive(Debug, Default)]
pub struct Skimmer {
    /// One bit per open container, innermost lowest: set for `{`.
    open: u128,
    depth: usize,
    /// The last string read was the key `text`, and the `:` after it was seen: the next value is a body.
    text_key: bool,
    colon_after_text: bool,
    started: bool,
    /// The string being skipped is the first one cut: its length grows with what is skipped.
    growing_cut: bool,
    /// Inside a long string that is left out (a body) or cut, its part in the copy written already.
    skipping: bool,
    /// The byte before the first one of the next run is whitespace (streaming).
    after_space: bool,
    /// Where the copy holds the last string read, and the last member name.
    last_string: (usize, usize),
    member: (usize, usize),
    /// Bytes of the entry given to earlier runs and consumed by them.
    pub consumed: u64,
    /// The first string cut, and how many were.
    pub first_cut: Option<Cut>,
    pub cuts: u64,
    /// Bodies left out.
    pub elided: u64,
}

/// Finds the end of the JSON object that starts at `bytes[0]` (the scanner calls this at the `{`) and writes
/// to `copy` the object without whitespace between tokens, with each long `text` string replaced by `null`
/// and other strings cut to [`FIELD_MAX`]. `copy` is meaningful only when the answer is [`Skim::Complete`].
#[cfg(test)]
fn skim_entry(bytes: &[u8], copy: &mut Vec<u8>) -> Skim {
    Skimmer::default().run(bytes, copy, false)
}

impl Skimmer {
    /// Continues the entry with `bytes`: from its `{` on the first run, from where the last
    /// [`Skim::Partial`] stopped after that. `streaming`: when the input ends inside the entry, say how much
    /// of `bytes` is read ([`Skim::Partial`]) rather than [`Skim::Incomplete`]; a string the input ends in
    /// is then read once it is known to be left out or cut, until then it stays unread.
    pub fn run(&mut self, bytes: &[u8], copy: &mut Vec<u8>, streaming: bool) -> Skim {
        let mut i = 0;
        if !std::mem::replace(&mut self.started, true) {
            copy.clear();
            if bytes.first() != Some(&b'{') {
                return Skim::NotAnObject;
            }
        }
        if self.skipping {
            match string_end(bytes, 0) {
                Some(end) => {
                    self.skipped(end as u64);
                    self.skipping = false;
                    self.growing_cut = false;
                    i = end + 1;
                }
                None => {
                    let read = unescaped_end(bytes, 0);
                    self.skipped(read as u64);
                    return self.partial(bytes, read);
                }
            }
        }
        while let Some(&b) = bytes.get(i) {
            match b {
                b'"' => {
                    let Some(end) = string_end(bytes, i + 1) else {
                        if !streaming {
                            return Skim::Incomplete;
                        }
                        // The string goes on past the input: once it is long enough to be left out or cut,
                        // its start goes to the copy and the rest is skipped as it arrives.
                        let have = bytes.len() - i;
                        let read = unescaped_end(bytes, i + 1);
                        if self.colon_after_text && have >= ELIDE_MIN {
                            copy.extend_from_slice(b"null");
                            self.elided += 1;
                        } else if have - 1 > FIELD_MAX {
                            self.growing_cut = self.first_cut.is_none();
                            self.cut(&bytes[i + 1..], (read - i - 1) as u64, copy);
                        } else {
                            return self.partial(bytes, i);
                        }
                        self.skipping = true;
                        self.text_key = false;
                        self.colon_after_text = false;
                        return self.partial(bytes, read);
                    };
                    let string = &bytes[i..=end];
                    if self.colon_after_text && string.len() >= ELIDE_MIN {
                        copy.extend_from_slice(b"null");
                        self.elided += 1;
                    } else if string.len() - 2 > FIELD_MAX {
                        self.cut(&string[1..], string.len() as u64 - 2, copy);
                    } else {
                        self.last_string = (copy.len(), copy.len() + string.len());
                        copy.extend_from_slice(string);
                    }
                    self.text_key = !self.colon_after_text && string == b"\"text\"";
                    self.colon_after_text = false;
                    i = end + 1;
                    continue;
                }
                // Pretty-printed HARs are a tenth whitespace: serde_json need not see it. A line break is mostly
                // followed by indentation, skipped a lane at a time.
                b'\n' => {
                    i += 1;
                    if let Some(lane) = bytes.get(i..).and_then(|rest| rest.first_chunk::<16>()) {
                        i += eq16(lane, b' ').trailing_ones() as usize;
                    }
                    continue;
                }
                b' ' | b'\r' | b'\t' => {
                    i += 1;
                    continue;
                }
                b':' => {
                    self.colon_after_text = self.text_key;
                    self.text_key = false;
                    self.member = self.last_string;
                }
                b'{' | b'[' => {
                    // Deeper than the tolerant reading keeps is left to it (it reads such values as null), so
                    // that brackets that do not match are seen here, not after buffering the rest of the file.
                    if self.depth == super::MAX_DEPTH {
                        return Skim::NotAnObject;
                    }
                    self.open = (self.open << 1) | u128::from(b == b'{');
                    self.depth += 1;
                    self.text_key = false;
                    self.colon_after_text = false;
                    if b == b'[' {
                        self.member = (0, 0);
                    }
                }
                b'}' | b']' => {
                    if self.depth == 0 || (self.open & 1 == 1) != (b == b'}') {
                        return Skim::NotAnObject;
                    }
                    self.open >>= 1;
                    self.depth -= 1;
                    if self.depth == 0 {
                        copy.push(b);
                        return Skim::Complete(i + 1);
                    }
                    self.text_key = false;
                    self.colon_after_text = false;
                }
                _ => {
                    // A scalar or a comma. Two scalars the input separates (`-1 1`, invalid) must not become one
                    // (`-11`, valid) in the copy: the whitespace between them stays.
                    let after_space =
                        if i > 0 { bytes[i - 1].is_ascii_whitespace() } else { self.after_space };
                    if scalar_byte(b) && after_space && copy.last().is_some_and(|&l| scalar_byte(l)) {
                        copy.push(b' ');
                    }
                    self.text_key = false;
                    self.colon_after_text = false;
                }
            }
            copy.push(b);
            i += 1;
        }
        if streaming {
            self.partial(bytes, bytes.len())
        } else {
            Skim::Incomplete
        }
    }

    /// The first `read` bytes of this run are done with.
    fn partial(&mut self, bytes: &[u8], read: usize) -> Skim {
        if read > 0 {
            self.after_space = bytes[read - 1].is_ascii_whitespace();
        }
        self.consumed += read as u64;
        Skim::Partial(read)
    }

    /// `n` more bytes of the string being cut were skipped.
    fn skipped(&mut self, n: u64) {
        if self.growing_cut {
            if let Some(cut) = &mut self.first_cut {
                cut.len += n;
            }
        }
    }

    /// Writes the first [`FIELD_MAX`] bytes of the string whose content starts `content` (at least
    /// `FIELD_MAX + 1` bytes of it), as a string: cut before an escape or a UTF-8 sequence the limit would
    /// split, so that the copy stays valid JSON with the same characters.
    fn cut(&mut self, content: &[u8], len: u64, copy: &mut Vec<u8>) {
        let at = cut_point(content);
        copy.push(b'"');
        copy.extend_from_slice(&content[..at]);
        copy.push(b'"');
        self.cuts += 1;
        if self.first_cut.is_none() {
            let member = copy.get(self.member.0..self.member.1).unwrap_or_default();
            let member = String::from_utf8_lossy(member).into_owned();
            self.first_cut = Some(Cut { member, len });
        }
    }
}

/// Where to cut a string's content (at least `FIELD_MAX + 1` bytes of it) to keep at most `FIELD_MAX` of
/// them: not inside an escape (`\n`, `\u00e9`, nor between the two halves of a surrogate pair) nor inside a
/// UTF-8 sequence.
fn cut_point(content: &[u8]) -> usize {
    let mut at = FIELD_MAX.min(content.len());
    // The last backslash within 6 bytes before `at` (the longest escape, `\uXXXX`, holds no other): when it
    // ends an odd run of them, an escape starts there. Cutting before it may leave a high surrogate last: the
    // check repeats for the new end.
    while let Some(q) = (at.saturating_sub(6)..at).rev().find(|&q| content[q] == b'\\') {
        let run = content[..=q].iter().rev().take_while(|&&b| b == b'\\').count();
        if run % 2 == 0 {
            break;
        }
        let len = if content.get(q + 1) == Some(&b'u') { 6 } else { 2 };
        // A high surrogate (`\uD800`-`\uDBFF`) needs the low one after it.
        let high_surrogate = len == 6
            && content
                .get(q + 2..q + 4)
                .is_some_and(|h| h[0].eq_ignore_ascii_case(&b'd') && b"89abAB".contains(&h[1]));
        if q + len > at || (high_surrogate && q + len == at) {
            at = q;
        } else {
            break;
        }
    }
    // A UTF-8 sequence goes whole or not at all: `at` must not be a continuation byte.
    while at > 0 && content.get(at).is_some_and(|&b| b & 0xC0 == 0x80) {
        at -= 1;
    }
    at
}

/// Where the bytes from `from` on can be left without knowing whether the next byte is escaped: before the
/// run of backslashes they end with, if any.
fn unescaped_end(bytes: &[u8], from: usize) -> usize {
    let run = bytes[from.min(bytes.len())..].iter().rev().take_while(|&&b| b == b'\\').count();
    bytes.len() - run
}

/// A byte of a number or a literal (`true`, `false`, `null`).
fn scalar_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.')
}

/// The offset of the quote closing the string whose content starts at `from`, or `None` if the input ends
/// first. Most strings in a HAR (names, header values) end within 16 bytes, so the first lane is looked at
/// alone; a longer string (a body) is then read 64 bytes at a time.
pub(crate) fn string_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    // Whether the first byte of the next lane or block is escaped by a backslash ending this one.
    let mut carry = 0u64;
    if let Some(lane) = bytes.get(at..).and_then(|rest| rest.first_chunk::<16>()) {
        let (quotes, backslashes) = masks16(lane);
        // Mostly a quote before any backslash: no escape to work out.
        if quotes != 0 && quotes.trailing_zeros() < backslashes.trailing_zeros() {
            return Some(at + quotes.trailing_zeros() as usize);
        }
        let closing = u64::from(quotes) & !escaped_bits(u64::from(backslashes), 16, &mut carry);
        if closing != 0 {
            return Some(at + closing.trailing_zeros() as usize);
        }
        at += 16;
    }
    while let Some(block) = bytes.get(at..).and_then(|rest| rest.first_chunk::<64>()) {
        if carry == 0 && plain64(block) {
            at += 64;
            continue;
        }
        let (quotes, backslashes) = masks64(block);
        let closing = quotes & !escaped_bits(backslashes, 64, &mut carry);
        if closing != 0 {
            return Some(at + closing.trailing_zeros() as usize);
        }
        at += 64;
    }
    // The last bytes of the input, one at a time.
    let mut escaped = carry != 0;
    while let Some(&b) = bytes.get(at) {
        if escaped {
            escaped = false;
        } else if b == b'\\' {
            escaped = true;
        } else if b == b'"' {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// Whether 64 bytes hold neither `"` nor `\\` (base64 images, most of a script): natively the test costs a
/// fraction of [`masks64`], whose bit positions are needed only where one of them is.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline]
fn plain64(block: &[u8; 64]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte of `x` is zero where the classic `(x - 1) & !x & 0x80` test sets its high bit; a false positive
    // (a 0x01 byte after a zero one) only sends the block to the exact path.
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut any = 0u64;
    for word in block.chunks_exact(8) {
        let x = <[u8; 8]>::try_from(word).map(u64::from_le_bytes).unwrap_or(0);
        any |= zero(x ^ (ONES * u64::from(b'"'))) | zero(x ^ (ONES * u64::from(b'\\')));
    }
    any == 0
}

/// With SIMD128 [`masks64`] is cheap enough.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
fn plain64(_: &[u8; 64]) -> bool {
    false
}

/// [`masks16`] over 64 bytes.
#[inline]
fn masks64(block: &[u8; 64]) -> (u64, u64) {
    let mut quotes = 0u64;
    let mut backslashes = 0u64;
    for (k, lane) in block.chunks_exact(16).enumerate() {
        if let Ok(lane) = <&[u8; 16]>::try_from(lane) {
            let (q, b) = masks16(lane);
            quotes |= u64::from(q) << (16 * k);
            backslashes |= u64::from(b) << (16 * k);
        }
    }
    (quotes, backslashes)
}

/// How many `\n` bytes `text` holds (the scanner keeps line numbers for its errors): 16 at a time with
/// SIMD128.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub fn count_newlines(text: &[u8]) -> u64 {
    let mut lanes = text.chunks_exact(16);
    let mut n = 0u64;
    for lane in lanes.by_ref() {
        if let Ok(lane) = <&[u8; 16]>::try_from(lane) {
            n += u64::from(eq16(lane, b'\n').count_ones());
        }
    }
    n + lanes.remainder().iter().filter(|&&b| b == b'\n').count() as u64
}

/// Elsewhere byte counts summed in `u8` over blocks of 255, a loop LLVM vectorizes natively.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub fn count_newlines(text: &[u8]) -> u64 {
    text.chunks(255)
        .map(|block| block.iter().fold(0u8, |n, &b| n.wrapping_add(u8::from(b == b'\n'))) as u64)
        .sum()
}

/// Bit i set where `lane[i]` is `"`, and where it is `\\`.
#[inline]
fn masks16(lane: &[u8; 16]) -> (u16, u16) {
    (eq16(lane, b'"'), eq16(lane, b'\\'))
}

/// Bit i set where `l[i]` is `c`: 16 bytes compared at once with wasm32's SIMD128 (safe intrinsics; building
/// the vector from the array compiles to one `v128.load`).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
fn eq16(l: &[u8; 16], c: u8) -> u16 {
    use std::arch::wasm32::{u8x16, u8x16_bitmask, u8x16_eq, u8x16_splat};
    let v = u8x16(
        l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7], l[8], l[9], l[10], l[11], l[12], l[13], l[14], l[15],
    );
    u8x16_bitmask(u8x16_eq(v, u8x16_splat(c)))
}

/// Elsewhere 8 bytes at a time in a `u64` (the crate forbids the unsafe SSE2 intrinsics, and LLVM does not
/// vectorize the byte loop here).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline]
fn eq16(lane: &[u8; 16], c: u8) -> u16 {
    let (lo, hi) = halves(lane);
    u16::from(eq_bits(lo, c)) | (u16::from(eq_bits(hi, c)) << 8)
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline]
fn halves(lane: &[u8; 16]) -> (u64, u64) {
    let (lo, hi) = lane.split_at(8);
    let word = |half: &[u8]| <[u8; 8]>::try_from(half).map(u64::from_le_bytes).unwrap_or(0);
    (word(lo), word(hi))
}

/// Bit i set where byte i of `x` (little-endian) is `c`: exact, with no false positives.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline]
fn eq_bits(x: u64, c: u8) -> u8 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let t = x ^ (0x0101_0101_0101_0101 * u64::from(c));
    // High bit of each byte set where the byte of t is non-zero, without carries between bytes.
    let nonzero = ((t & LOW7) + LOW7) | t;
    let zero = !nonzero & !LOW7;
    // Gather the 8 high bits into one byte.
    ((zero >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8
}

/// The bytes escaped by a backslash among `width` (16 or 64) bytes whose backslashes are `backslashes`
/// (simdjson's branchless method): a run of backslashes escapes the byte after it when the run has odd
/// length. `carry` (0 or 1) says whether the first byte is escaped and is updated for the bytes that follow.
#[inline]
fn escaped_bits(backslashes: u64, width: u32, carry: &mut u64) -> u64 {
    const EVEN_BITS: u64 = 0x5555_5555_5555_5555;
    let mask = u64::MAX >> (64 - width);
    let backslashes = backslashes & !*carry;
    let follows_escape = ((backslashes << 1) | *carry) & mask;
    let odd_starts = backslashes & !EVEN_BITS & !follows_escape;
    let (sum, overflow) = odd_starts.overflowing_add(backslashes);
    // Past the width, the sum's carry is its bit `width` (64 bits: the overflow).
    *carry = if width == 64 { u64::from(overflow) } else { (sum >> width) & 1 };
    let invert = (sum << 1) & mask;
    (EVEN_BITS ^ invert) & follows_escape
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain byte-by-byte string end, the reference.
    fn reference_end(bytes: &[u8], from: usize) -> Option<usize> {
        let mut escaped = false;
        for (i, &b) in bytes.iter().enumerate().skip(from) {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                return Some(i);
            }
        }
        None
    }

    #[test]
    fn string_ends_match_the_byte_by_byte_reference() {
        // Runs of backslashes of every length at every alignment around block boundaries.
        let mut seed = 0x2545_f491u32;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for _ in 0..3000 {
            let len = (next() % 300) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| match next() % 10 {
                    0 => b'"',
                    1..=3 => b'\\',
                    _ => b'a',
                })
                .collect();
            for from in [0, 1, 7, 63, 64, 65] {
                if from <= bytes.len() {
                    assert_eq!(
                        string_end(&bytes, from),
                        reference_end(&bytes, from),
                        "{:?} from {from}",
                        String::from_utf8_lossy(&bytes)
                    );
                }
            }
        }
    }

    #[test]
    fn a_backslash_ending_a_lane_escapes_the_next_lane_first_byte() {
        for lane_end in [15, 63] {
            let mut s = vec![b'a'; lane_end];
            s.push(b'\\');
            s.extend_from_slice(b"\"abc\"");
            assert_eq!(string_end(&s, 0), Some(lane_end + 5));
            let mut s = vec![b'a'; lane_end - 1];
            s.extend_from_slice(b"\\\\\"");
            assert_eq!(string_end(&s, 0), Some(lane_end + 1));
        }
    }

    fn skim(json: &str) -> (Skim, String) {
        let mut copy = Vec::new();
        let skim = skim_entry(json.as_bytes(), &mut copy);
        (skim, String::from_utf8(copy).unwrap())
    }

    #[test]
    fn long_texts_become_null_and_whitespace_goes() {
        let body = "x\\\"".repeat(500);
        let json = format!(
            "{{ \"request\": {{\"url\": \"http://a/ text\",\n  \"postData\":{{\"text\":\"short\"}}}},\"response\":{{\"content\":{{\"size\":1,\"text\" : \"{body}\"}},\"x\":[{{\"text\":1}}]}}}} ,"
        );
        let end = json.rfind('}').unwrap() + 1;
        let (found, copy) = skim(&json);
        assert_eq!(found, Skim::Complete(end));
        assert_eq!(
            copy,
            r#"{"request":{"url":"http://a/ text","postData":{"text":"short"}},"response":{"content":{"size":1,"text":null},"x":[{"text":1}]}}"#
        );
    }

    #[test]
    fn a_long_value_that_is_not_under_text_stays() {
        let url = "u".repeat(4000);
        let json =
            format!(r#"{{"url":"{url}","text":"{url}","texts":"{url}","mimeType":"text","a":"{url}"}}"#);
        let (found, copy) = skim(&json);
        assert_eq!(found, Skim::Complete(json.len()));
        assert_eq!(copy, json.replacen(&format!(r#""text":"{url}""#), r#""text":null"#, 1));
    }

    #[test]
    fn scalars_apart_in_the_input_stay_apart_in_the_copy() {
        // Found by the fuzzer: `-1 1` (not JSON) was copied as `-11` (JSON) and the analysis read it.
        for (input, copied) in [
            ("{\"a\":-1\n  1}", "{\"a\":-1 1}"),
            ("{\"a\":1 .5,\"b\":true\tfalse}", "{\"a\":1 .5,\"b\":true false}"),
            ("{\"a\": 1 ,\n \"b\" : [ 2 , 3 ] }", "{\"a\":1,\"b\":[2,3]}"),
        ] {
            assert_eq!(skim(input).1, copied, "{input:?}");
        }
    }

    #[test]
    fn cut_and_unbalanced_input() {
        assert_eq!(skim(r#"{"a":"b"#).0, Skim::Incomplete);
        assert_eq!(skim(r#"{"a":[1,2"#).0, Skim::Incomplete);
        assert_eq!(skim(r#"{"a":1]"#).0, Skim::NotAnObject);
        assert_eq!(skim("[1]").0, Skim::NotAnObject);
        assert_eq!(skim(r#"{"a":[1}"#).0, Skim::NotAnObject);
        assert_eq!(skim(r#"{"a":"}"}"#), (Skim::Complete(9), r#"{"a":"}"}"#.to_owned()));
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(200), "]".repeat(200));
        assert_eq!(skim(&deep).0, Skim::NotAnObject);
    }

    #[test]
    fn a_long_value_is_cut_whole_characters_and_escapes_only() {
        let a = "a".repeat(FIELD_MAX);
        // Each tail is placed across the limit at every offset: the cut string stays JSON, and keeps as much
        // of the value as it can.
        for tail in [r"\n", r"\u00e9", r"\ud83d\ude00", r"\\", r"\\\u00e9", "é", "😀", "ab"] {
            for back in 0..=tail.len() {
                let content = format!("{}{tail}{}", &a[back..], "z".repeat(8));
                let at = cut_point(content.as_bytes());
                let whole: String = serde_json::from_str(&format!("\"{content}\"")).unwrap();
                let cut: String = serde_json::from_str(&format!("\"{}\"", &content[..at]))
                    .unwrap_or_else(|e| panic!("{tail} at -{back}: {e}"));
                assert!(whole.starts_with(&cut), "{tail} at -{back}");
                assert!((FIELD_MAX - back..=FIELD_MAX).contains(&at), "{tail} at -{back}: cut at {at}");
            }
        }
        // Only strings longer than the limit are cut, and a body under `text` is left out rather than cut.
        let long = "v".repeat(FIELD_MAX + 1);
        let (found, copy) = skim(&format!(r#"{{"value":"{long}","text":"{long}","url":"{}"}}"#, &long[1..]));
        assert!(matches!(found, Skim::Complete(_)));
        assert_eq!(copy, format!(r#"{{"value":"{}","text":null,"url":"{}"}}"#, &long[1..], &long[1..]));
    }

    #[test]
    fn an_entry_read_in_pieces_gives_the_copy_it_gives_whole() {
        let long = format!("{}\\\\\\\"{}", "h".repeat(FIELD_MAX), "t".repeat(100));
        let json = format!(
            "{{\n  \"headers\": [{{\"name\": \"x\", \"value\": \"{long}\"}}, -1\n 1],\n  \"content\": {{\"text\": \"{}\"}}, \"n\": [\"{long}\"]}}",
            "b\\\"".repeat(5000)
        );
        let (whole, expected) = skim(&json);
        assert_eq!(whole, Skim::Complete(json.len()));
        let bytes = json.as_bytes();
        for piece in [1, 7, 4096, 300_000] {
            let mut skimmer = Skimmer::default();
            let mut copy = Vec::new();
            let (mut at, mut to, mut retry_at) = (0, 0, 0);
            let end = loop {
                // As the scanner does: what was not read yet is given again with the next pieces, once it has
                // doubled.
                assert!(to < bytes.len(), "{piece}-byte pieces: no end");
                to = (to + piece).min(bytes.len());
                if to - at < retry_at && to < bytes.len() {
                    continue;
                }
                match skimmer.run(&bytes[at..to], &mut copy, true) {
                    Skim::Partial(read) => {
                        at += read;
                        retry_at = 2 * (to - at);
                    }
                    Skim::Complete(end) => break at + end,
                    other => panic!("{piece}-byte pieces: {other:?}"),
                }
            };
            assert_eq!(end, json.len(), "{piece}-byte pieces");
            assert_eq!(String::from_utf8(copy).unwrap(), expected, "{piece}-byte pieces");
            assert_eq!(skimmer.cuts, 2);
            assert_eq!(
                skimmer.first_cut,
                Some(Cut { member: "\"value\"".to_owned(), len: long.len() as u64 })
            );
        }
    }

    #[test]
    fn newlines_are_counted_in_lanes_and_the_tail() {
        for len in [0, 5, 16, 17, 100, 1000] {
            let text: Vec<u8> = (0..len).map(|i| if i % 7 == 0 { b'\n' } else { b'x' }).collect();
            assert_eq!(count_newlines(&text), text.iter().filter(|&&b| b == b'\n').count() as u64);
        }
    }
}
