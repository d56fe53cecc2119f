//! Untrusted text made safe for the human formats that show it: a terminal, Markdown, an error message.
//!
//! A HAR, a server log, a file name or a trusted-proxy list can hold anything: an escape sequence in
//! `X-AUSERNAME` or a log line reaches the terminal that prints it (OSC 52 writes the clipboard, OSC 0 the
//! window title, CSI moves the cursor over earlier lines), a bidirectional override makes text read backwards,
//! and in Markdown raw HTML or a `javascript:`-like link becomes live. Every renderer and message that quotes
//! such text passes it through here; JSON output needs nothing (serde escapes control characters).

use std::borrow::Cow;

/// A character a terminal or a reader could be fooled by: C0 and C1 controls, DEL, and the Unicode format
/// characters that reorder or hide text (bidirectional overrides and isolates, zero-width characters, the BOM).
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

fn push_escaped(out: &mut String, c: char) {
    use std::fmt::Write;
    let _ = match c {
        '\n' => write!(out, "\\n"),
        '\r' => write!(out, "\\r"),
        '\t' => write!(out, "\\t"),
        c if (c as u32) < 0x100 => write!(out, "\\x{:02x}", c as u32),
        c => write!(out, "\\u{{{:x}}}", c as u32),
    };
}

/// `text` for one line of a terminal: every control and format character shown escaped (`\x1b`, `\n`,
/// `\u{202e}`), so it cannot act on the terminal nor break the line.
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text made of lines for a terminal: [`terminal`] for each line, the line breaks kept. For whole outputs
/// whose every untrusted field was already escaped: a last guard at the point of writing.
pub fn terminal_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && unsafe_char(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.split('\n').map(terminal).collect::<Vec<_>>().join("\n"))
}

/// A short quotation of input for a message: at most `max` characters, control and format characters shown
/// escaped, `...` where it was cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == max {
            out.push_str("...");
            break;
        }
        if unsafe_char(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// Untrusted text inline in Markdown: metacharacters escaped (no emphasis, link, image, code, heading, table
/// cell or HTML tag can start in it), line breaks flattened, control and format characters shown escaped,
/// and anything a renderer would turn into a link, other than an https URL, put in a code span, where it
/// stays text.
pub fn markdown_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, word) in text.split([' ', '\n', '\r']).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let word = terminal(word);
        let https = word.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://"));
        if !https && linkable(word.as_bytes()) {
            code_span(&mut out, &word);
            continue;
        }
        for c in word.chars() {
            if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '|' | '&' | '~') {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// Whether a Markdown renderer may make a link of this word: it holds a `scheme:` followed by something
/// (GitHub and GitLab link `http:`, `ftp:`, `mailto:`; others more), a `www.` name or an e-mail address.
fn linkable(word: &[u8]) -> bool {
    // One pass: the run of scheme characters before each `:` must start with a letter.
    let (mut scheme, mut run, mut alpha) = (false, 0, false);
    for (i, &b) in word.iter().enumerate() {
        if b == b':' && run > 0 && alpha && i + 1 < word.len() {
            scheme = true;
            break;
        }
        if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.') {
            alpha = if run == 0 { b.is_ascii_alphabetic() } else { alpha };
            run += 1;
        } else {
            run = 0;
        }
    }
    let www = word.windows(4).any(|w| w.eq_ignore_ascii_case(b"www."));
    let email = word.iter().position(|&b| b == b'@').is_some_and(|at| word[at..].contains(&b'.'));
    scheme || www || email
}

/// `word` in a code span: fenced with one backtick more than its longest run, padded when it starts or ends
/// with one.
fn code_span(out: &mut String, word: &str) {
    let mut longest = 0;
    let mut run = 0;
    for c in word.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if word.starts_with('`') || word.ends_with('`') { " " } else { "" };
    out.push_str(&fence);
    out.push_str(pad);
    out.push_str(word);
    out.push_str(pad);
    out.push_str(&fence);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_every_control_and_format_character() {
        assert!(matches!(terminal("plain text, é ✓"), Cow::Borrowed(_)));
        assert_eq!(terminal("a\x1b]52;c;aGk=\x07b"), "a\\x1b]52;c;aGk=\\x07b");
        assert_eq!(terminal("\x1b]0;title\x1b\\"), "\\x1b]0;title\\x1b\\");
        assert_eq!(terminal("x\u{9b}2J\u{7f}"), "x\\x9b2J\\x7f");
        assert_eq!(terminal("a\nb\tc\rd"), "a\\nb\\tc\\rd");
        assert_eq!(terminal("admin\u{202e}nimda"), "admin\\u{202e}nimda");
        assert_eq!(terminal_lines("a\x1b[2J\nb"), "a\\x1b[2J\nb");
    }

    #[test]
    fn an_excerpt_is_short_and_shows_what_it_quotes() {
        assert_eq!(excerpt("abc", 10), "abc");
        assert_eq!(excerpt("abcdef", 3), "abc...");
        assert_eq!(excerpt("\u{0}\u{1}é", 10), "\\x00\\x01é");
        assert_eq!(excerpt(&"\u{89}PNG".repeat(100), 4), "\\x89PNG...");
    }

    #[test]
    fn markdown_cannot_open_html_links_or_markup() {
        assert_eq!(markdown_inline("<img src=x onerror=alert(1)>"), "\\<img src=x onerror=alert(1)\\>");
        assert_eq!(markdown_inline("[x](javascript:alert(1))"), "`[x](javascript:alert(1))`");
        assert_eq!(
            markdown_inline("see http://evil.test/a_b and https://ok.test/a_b"),
            "see `http://evil.test/a_b` and https://ok.test/a\\_b"
        );
        assert_eq!(markdown_inline("www.evil.test mail me@evil.test"), "`www.evil.test` mail `me@evil.test`");
        assert_eq!(markdown_inline("data:text/html,`x``"), "``` data:text/html,`x`` ```");
        assert_eq!(markdown_inline("*a* _b_ # c | d\ne &amp;"), "\\*a\\* \\_b\\_ \\# c \\| d e \\&amp;");
        assert_eq!(markdown_inline("user\x1b[31m"), "user\\\\x1b\\[31m");
    }
}
