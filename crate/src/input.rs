//! What kind of input a file is, from its first bytes: a HAR (JSON, or the JSONP that HAR Viewer reads), a
//! server log, gzip or zip data (inflated or opened by the shells, with the `archive` module), or other binary
//! data.
//!
//! The page asks before it streams a dropped or pasted file, so that it goes to the right reader. Binary
//! data (a zip, a gzip, an image, UTF-16 text) goes to the HAR reader, whose error then says what it is
//! ("gzip-compressed data: decompress it first") instead of quoting it as a log's first line; the log reader
//! names binary data with the same test ([`binary`]).

/// The bytes [`sniff`] looks at: give it the first this many (fewer when the file is shorter).
pub const SNIFF_BYTES: usize = 4096;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What an input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// JSON starting with `{`, or a JSONP callback around it (`onInputData({"log": ...})`).
    Har,
    /// Text that is not a HAR: a server log, as far as its first bytes tell.
    Log,
    /// gzip data (`1f 8b`): a `.har.gz`, a gzipped log. The shells inflate it and sniff again.
    Gzip,
    /// A zip archive (a local header `PK 03 04`, or the end record `PK 05 06` of an empty zip).
    Zip,
    /// Not text, and neither gzip nor zip.
    Binary,
}

impl InputKind {
    /// `har`, `log`, `gzip`, `zip` or `binary`.
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Har => "har",
            InputKind::Log => "log",
            InputKind::Gzip => "gzip",
            InputKind::Zip => "zip",
            InputKind::Binary => "binary",
        }
    }

    /// gzip or zip: the shells inflate or open it before anything reads it.
    pub fn is_archive(self) -> bool {
        matches!(self, InputKind::Gzip | InputKind::Zip)
    }

    /// Whether the HAR reader takes it: a HAR, or binary data it names (gzip and zip data included, for a
    /// shell that does not inflate).
    pub fn read_as_har(self) -> bool {
        self != InputKind::Log
    }
}

/// The kind of the input that starts with `head` (its first [`SNIFF_BYTES`]; later bytes are ignored).
pub fn sniff(head: &[u8]) -> InputKind {
    let head = &head[..head.len().min(SNIFF_BYTES)];
    if head.starts_with(b"\x1f\x8b") {
        return InputKind::Gzip;
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return InputKind::Zip;
    }
    if binary(head) {
        return InputKind::Binary;
    }
    let text = skip_ws(head.strip_prefix(BOM).unwrap_or(head));
    if text.starts_with(b"{") || jsonp(text) {
        InputKind::Har
    } else {
        InputKind::Log
    }
}

/// Binary data rather than text: a NUL byte, bytes that are not UTF-8 (a character cut by the end of `head`
/// is still text), or more than one control character in twenty (text has tabs and line breaks, and a log
/// may have terminal colours).
pub fn binary(head: &[u8]) -> bool {
    let controls = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x1b)).count();
    let utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    head.contains(&0) || !utf8 || controls * 20 > head.len().max(1)
}

/// A JSONP callback name (`[A-Za-z_$][A-Za-z0-9_$.]*`), `(` and `{`, with JSON whitespace between: what the
/// HAR reader accepts as a JSONP wrapper.
fn jsonp(text: &[u8]) -> bool {
    let Some((&first, rest)) = text.split_first() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || matches!(first, b'_' | b'$')) {
        return false;
    }
    let name =
        rest.iter().take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'.')).count();
    let Some(after) = skip_ws(&rest[name..]).strip_prefix(b"(") else {
        return false;
    };
    skip_ws(after).starts_with(b"{")
}

/// `text` without its leading JSON whitespace.
fn skip_ws(text: &[u8]) -> &[u8] {
    let n = text.iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')).count();
    &text[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hars_logs_and_binary_data() {
        let cases: &[(&[u8], InputKind)] = &[
            (b"{\"log\": {}}", InputKind::Har),
            (b"\xEF\xBB\xBF\r\n  {\"log\"", InputKind::Har),
            (b"onInputData({\"log\": {}})", InputKind::Har),
            (b"  har.cb_1$ \n(\n {", InputKind::Har),
            (b"127.0.0.1 1x1x1 - [19/Oct/2021:11:56:47 -0500] \"GET / HTTP/1.1\" 200", InputKind::Log),
            (b"2021-10-19 11:56:47,306-0500 main INFO [c.a.X] started(ok) {x}", InputKind::Log),
            // A name and a parenthesis without the object is a log line, not JSONP.
            (b"main(\"x\")", InputKind::Log),
            (b"cb(", InputKind::Log),
            (b"[{\"log\": 1}]", InputKind::Log),
            (b"", InputKind::Log),
            (b"\x1f\x8b\x08\x00", InputKind::Gzip),
            (b"\x1f\x8b", InputKind::Gzip),
            (b"PK\x03\x04\x14\x00\x00\x00", InputKind::Zip),
            (b"PK\x05\x06\x00\x00", InputKind::Zip),
            // Spanned or split zips and other PK records are not read.
            (b"PK\x07\x08PK\x03\x04", InputKind::Binary),
            (b"\x1f\x9d\x90", InputKind::Binary),
            (b"\xFF\xFE{\x00\"\x00", InputKind::Binary),
            (b"\x89PNG\r\n\x1a\n", InputKind::Binary),
            (b"{\"log\": \"\x00\"}", InputKind::Binary),
        ];
        for (head, want) in cases {
            assert_eq!(sniff(head), *want, "{:?}", String::from_utf8_lossy(head));
        }
    }

    #[test]
    fn text_with_a_few_controls_or_a_cut_character_is_text() {
        // A coloured log line: escape sequences are text.
        assert_eq!(sniff(b"\x1b[31mERROR\x1b[0m something failed\n"), InputKind::Log);
        // One control in twenty bytes is text, more is not.
        let mut line = vec![b'a'; 19];
        line.push(0x07);
        assert!(!binary(&line));
        line.push(0x07);
        assert!(binary(&line));
        // The head ends inside a character: still UTF-8 text.
        let text = "{\"log\": \"é\"}".as_bytes();
        assert!(!binary(&text[..10]));
        assert!(binary(b"{\"log\": \"\xE9\"}"), "Latin-1 is not UTF-8");
    }

    #[test]
    fn only_the_first_bytes_count() {
        let mut head = b"{\"log\": ".to_vec();
        head.resize(SNIFF_BYTES, b' ');
        head.extend_from_slice(b"\x00\x00\x00");
        assert_eq!(sniff(&head), InputKind::Har);
    }

    #[test]
    fn kinds_have_stable_names() {
        let names: Vec<&str> =
            [InputKind::Har, InputKind::Log, InputKind::Gzip, InputKind::Zip, InputKind::Binary]
                .map(InputKind::as_str)
                .to_vec();
        assert_eq!(names, ["har", "log", "gzip", "zip", "binary"]);
        assert!(
            InputKind::Gzip.is_archive() && InputKind::Zip.is_archive() && !InputKind::Binary.is_archive()
        );
        assert!(
            InputKind::Binary.read_as_har() && InputKind::Har.read_as_har() && !InputKind::Log.read_as_har()
        );
    }
}
