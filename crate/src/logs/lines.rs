//! Splits byte chunks into lines: any chunk boundaries, `\n` or `\r\n`, a last line without a newline,
//! a UTF-8 BOM. Only the line in progress is buffered, so memory is bounded by the longest line (itself capped
//! at [`MAX_LINE`]), never by the file.

/// Lines longer than this are cut here (the rest is dropped and the line is flagged). No log line that matters
/// comes close: HttpClient logs wire data in pieces of at most its buffer size, a few KB.
pub const MAX_LINE: usize = 1024 * 1024;

/// One line of input: its 1-based number, its bytes without the line ending, and whether it was cut.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    pub number: u64,
    pub bytes: &'a [u8],
    pub truncated: bool,
}

/// The line splitter: [`Lines::feed`] each chunk, saying which one is the last.
#[derive(Debug, Default)]
pub struct Lines {
    partial: Vec<u8>,
    /// Bytes of the current line dropped because it is longer than [`MAX_LINE`].
    overflow: bool,
    lines: u64,
    bytes: u64,
    bom_checked: bool,
}

impl Lines {
    /// Adds a chunk and calls `on_line` for each line it completes. `eof`: this chunk (possibly empty) is the
    /// last, so a last line without a newline is complete too.
    pub fn feed(&mut self, chunk: &[u8], eof: bool, mut on_line: impl FnMut(Line<'_>)) {
        self.add(chunk, &mut on_line);
        if eof {
            self.end(&mut on_line);
        }
    }

    fn add(&mut self, chunk: &[u8], mut on_line: impl FnMut(Line<'_>)) {
        self.bytes += chunk.len() as u64;
        let mut rest = chunk;
        if !self.bom_checked {
            // The BOM can itself be split over chunks: wait until three bytes (or a shorter line) are known.
            self.partial.extend_from_slice(rest);
            if self.partial.len() < 3 && memchr::memchr(b'\n', &self.partial).is_none() {
                return;
            }
            self.bom_checked = true;
            let start = if self.partial.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
            let buffered = std::mem::take(&mut self.partial);
            self.split(&buffered[start..], &mut on_line);
            return;
        }
        if !self.partial.is_empty() || self.overflow {
            let Some(i) = memchr::memchr(b'\n', rest) else {
                self.append(rest);
                return;
            };
            self.append(&rest[..i]);
            self.emit_partial(&mut on_line);
            rest = &rest[i + 1..];
        }
        self.split(rest, &mut on_line);
    }

    /// The end of the input: the line in progress, if any, is complete without its newline.
    fn end(&mut self, mut on_line: impl FnMut(Line<'_>)) {
        if !self.bom_checked {
            self.bom_checked = true;
            let buffered = std::mem::take(&mut self.partial);
            let start = if buffered.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
            self.partial.extend_from_slice(&buffered[start..]);
        }
        if !self.partial.is_empty() || self.overflow {
            self.emit_partial(&mut on_line);
        }
    }

    /// Lines completed so far.
    pub fn count(&self) -> u64 {
        self.lines
    }

    /// Bytes pushed so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Bytes held for the line in progress.
    pub fn buffered(&self) -> usize {
        self.partial.len()
    }

    /// Emits the complete lines of `bytes` straight from the chunk (no copy) and keeps the tail.
    fn split(&mut self, mut bytes: &[u8], on_line: &mut impl FnMut(Line<'_>)) {
        while let Some(i) = memchr::memchr(b'\n', bytes) {
            let line = &bytes[..i];
            self.lines += 1;
            let truncated = line.len() > MAX_LINE;
            on_line(Line {
                number: self.lines,
                bytes: strip_cr(&line[..line.len().min(MAX_LINE)]),
                truncated,
            });
            bytes = &bytes[i + 1..];
        }
        self.append(bytes);
    }

    fn append(&mut self, bytes: &[u8]) {
        let room = MAX_LINE.saturating_sub(self.partial.len());
        if bytes.len() > room {
            self.overflow = true;
        }
        self.partial.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    fn emit_partial(&mut self, on_line: &mut impl FnMut(Line<'_>)) {
        self.lines += 1;
        on_line(Line { number: self.lines, bytes: strip_cr(&self.partial), truncated: self.overflow });
        self.partial.clear();
        self.overflow = false;
    }
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &[u8], chunk: usize) -> Vec<(u64, String, bool)> {
        let mut lines = Lines::default();
        let mut out = Vec::new();
        for part in input.chunks(chunk.max(1)) {
            lines.feed(part, false, |l| {
                out.push((l.number, String::from_utf8_lossy(l.bytes).into_owned(), l.truncated))
            });
        }
        lines.feed(b"", true, |l| {
            out.push((l.number, String::from_utf8_lossy(l.bytes).into_owned(), l.truncated))
        });
        out
    }

    #[test]
    fn any_chunking_gives_the_same_lines() {
        let input = b"\xEF\xBB\xBFfirst\r\nsecond\n\nfourth \xFF\r\nlast without newline";
        let whole = split(input, input.len());
        assert_eq!(
            whole,
            vec![
                (1, "first".to_owned(), false),
                (2, "second".to_owned(), false),
                (3, String::new(), false),
                (4, "fourth \u{FFFD}".to_owned(), false),
                (5, "last without newline".to_owned(), false),
            ]
        );
        for chunk in 1..input.len() {
            assert_eq!(split(input, chunk), whole, "chunk {chunk}");
        }
    }

    #[test]
    fn empty_and_newline_only_inputs() {
        assert!(split(b"", 1).is_empty());
        assert_eq!(split(b"\n", 1), vec![(1, String::new(), false)]);
        assert_eq!(split(b"a\r\n", 1), vec![(1, "a".to_owned(), false)]);
        assert_eq!(split(b"\xEF\xBB", 1), vec![(1, "\u{FFFD}".to_owned(), false)]);
    }

    #[test]
    fn long_lines_are_cut_and_memory_stays_bounded() {
        let mut lines = Lines::default();
        let mut seen = Vec::new();
        let block = vec![b'x'; 64 * 1024];
        for _ in 0..40 {
            lines.feed(&block, false, |l| seen.push((l.bytes.len(), l.truncated)));
            assert!(lines.buffered() <= MAX_LINE);
        }
        lines.feed(b"\nnext\n", true, |l| seen.push((l.bytes.len(), l.truncated)));
        assert_eq!(seen, vec![(MAX_LINE, true), (4, false)]);
    }
}
