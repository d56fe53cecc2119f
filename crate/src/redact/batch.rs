//! Files redacted together, two passes each: the export the page, the extension and the CLI drive.
//!
//! The first pass over a file ([`Batch::collect`]) learns every value it will replace and writes nothing; the
//! second ([`Batch::write`]) writes the file with those values and all their copies replaced. Every file of a
//! batch shares one key and what the others taught (a secret of one file copied into another is replaced
//! there too): collect each file, then write each. Writing a file that was not collected first is allowed; it
//! loses only the copies that come before their value.

use super::{Options, Redactor, Summary};
use crate::har::{HarError, Warning};

/// The shortest key a batch accepts: its pseudonyms are an HMAC under it, and a short key could be guessed.
pub const MIN_KEY: usize = 16;

/// Why a redaction stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedactError {
    /// The input is not a readable HAR (the analysis refuses it the same way).
    #[error(transparent)]
    Har(#[from] HarError),
    /// The options given as JSON do not read.
    #[error("redaction options: {0}")]
    Options(String),
    #[error("the redaction key must be at least {MIN_KEY} random bytes")]
    ShortKey,
    /// A chunk of the other pass came before the last chunk of the pass in progress.
    #[error("a pass is still open: feed it its last chunk before starting the other one")]
    PassOpen,
}

/// The pass whose last chunk has not come yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    None,
    Collect,
    Write,
}

/// Several HARs redacted with one key, in two passes each (see the module documentation). Each pass over a
/// file is fed like every streaming type of the core: chunks of any size, the last one saying so.
#[derive(Debug)]
pub struct Batch {
    redactor: Redactor,
    open: Open,
    /// The last file written: what was redacted, and what it does that JSON or HAR does not.
    summary: Summary,
    warnings: Vec<Warning>,
}

impl Batch {
    /// A batch with these options and `key`: random bytes drawn for this export (32 are plenty), never stored.
    pub fn new(options: Options, key: &[u8]) -> Result<Self, RedactError> {
        if key.len() < MIN_KEY {
            return Err(RedactError::ShortKey);
        }
        Ok(Batch {
            redactor: Redactor::first_pass(options, key),
            open: Open::None,
            summary: Summary::default(),
            warnings: Vec::new(),
        })
    }

    /// The first pass over the next file (or the file being collected): feeds a chunk; `eof` on the last one,
    /// which checks that the file was a complete HAR. Writes nothing.
    pub fn collect(&mut self, chunk: &[u8], eof: bool) -> Result<(), RedactError> {
        self.enter(Open::Collect)?;
        if eof {
            self.open = Open::None;
        }
        self.redactor.feed(chunk, eof, &mut Vec::new())?;
        Ok(())
    }

    /// The second pass over the next file (or the file being written): feeds a chunk and appends the output
    /// now ready to `out`; `eof` on the last one, which checks that the file was a complete HAR and appends
    /// the rest. [`Batch::summary`] and [`Batch::warnings`] then describe that file.
    pub fn write(&mut self, chunk: &[u8], eof: bool, out: &mut Vec<u8>) -> Result<(), RedactError> {
        self.enter(Open::Write)?;
        if eof {
            self.open = Open::None;
        }
        self.redactor.feed(chunk, eof, out)?;
        if eof {
            self.summary = *self.redactor.summary();
            self.warnings = self.redactor.warnings();
        }
        Ok(())
    }

    /// What was redacted in the file being written, or else in the last file written.
    pub fn summary(&self) -> &Summary {
        match self.open {
            Open::Write => self.redactor.summary(),
            Open::None | Open::Collect => &self.summary,
        }
    }

    /// What the last file written does that JSON or HAR does not, tolerated as the analysis tolerates it.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Bytes read so far in the current (or last) pass, for progress.
    pub fn bytes_consumed(&self) -> u64 {
        self.redactor.bytes_consumed()
    }

    /// Entries read so far in the current (or last) pass.
    pub fn entries(&self) -> u64 {
        self.redactor.entries()
    }

    /// Continues the pass `pass`, or starts it on the next file with what the batch learnt so far.
    fn enter(&mut self, pass: Open) -> Result<(), RedactError> {
        if self.open == pass {
            return Ok(());
        }
        if self.open != Open::None {
            return Err(RedactError::PassOpen);
        }
        self.redactor.restart(pass == Open::Collect);
        self.open = pass;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"a fixed key for tests, 32 bytes!";

    fn har(cookie: &str, beacon: &str) -> String {
        format!(
            r#"{{"log": {{"version": "1.2", "entries": [
              {{"request": {{"method": "GET", "url": "https://jira.example.test/track?copy={beacon}", "headers": []}},
               "response": {{"status": 200, "headers": [{{"name": "Set-Cookie", "value": "JSESSIONID={cookie}; Path=/"}}]}}}}]}}}}"#
        )
    }

    /// Each file through both passes in `chunk`-byte pieces; the outputs as text.
    fn run(files: &[String], chunk: usize) -> Result<Vec<String>, RedactError> {
        let mut batch = Batch::new(Options::default(), KEY)?;
        for file in files {
            let parts: Vec<&[u8]> = file.as_bytes().chunks(chunk).collect();
            for (i, part) in parts.iter().enumerate() {
                batch.collect(part, i + 1 == parts.len())?;
            }
        }
        let mut outs = Vec::new();
        for file in files {
            let mut out = Vec::new();
            let parts: Vec<&[u8]> = file.as_bytes().chunks(chunk).collect();
            for (i, part) in parts.iter().enumerate() {
                batch.write(part, i + 1 == parts.len(), &mut out)?;
            }
            assert_eq!(batch.summary().entries, 1);
            outs.push(String::from_utf8(out).unwrap());
        }
        Ok(outs)
    }

    #[test]
    fn a_secret_of_one_file_is_replaced_in_another_that_copies_it_first() {
        let secret = "4F1A9C2E7B3D5A6C8E0F1A2B3C4D5E6F";
        // The second file copies the first file's cookie into a URL, before any cookie of its own.
        let files = [har(secret, "none"), har("0123456789ABCDEF0123", secret)];
        let whole = run(&files, 1 << 20).unwrap();
        assert!(whole.iter().all(|out| !out.contains(secret)), "{whole:?}");
        assert_eq!(run(&files, 7).unwrap(), whole, "the same output whatever the chunks");
    }

    #[test]
    fn passes_do_not_interleave_and_short_keys_are_refused() {
        assert_eq!(Batch::new(Options::default(), b"short").unwrap_err(), RedactError::ShortKey);
        let file = har("0123456789ABCDEF0123", "none");
        let mut batch = Batch::new(Options::default(), KEY).unwrap();
        batch.collect(&file.as_bytes()[..10], false).unwrap();
        let mut out = Vec::new();
        assert_eq!(batch.write(file.as_bytes(), true, &mut out), Err(RedactError::PassOpen));
        batch.collect(&file.as_bytes()[10..], true).unwrap();
        batch.write(file.as_bytes(), true, &mut out).unwrap();
        assert!(out.ends_with(b"}\n") && batch.warnings().is_empty());
        // A file that is not a HAR fails with the analysis's located error.
        let err = batch.write(b"[]", true, &mut Vec::new()).unwrap_err();
        assert!(
            err.to_string().starts_with("line 1, column 1 (byte 0): expected `{` starting the HAR"),
            "{err}"
        );
    }

    #[test]
    fn options_read_from_json() {
        assert_eq!(Options::from_json("  "), Ok(Options::default()));
        let options = Options::from_json(r#"{"usernames": true, "postBodies": false}"#).unwrap();
        assert!(options.usernames && !options.post_bodies && options.cookies);
        let err = Options::from_json(r#"{"nope": 1}"#).unwrap_err().to_string();
        assert!(err.starts_with("redaction options: unknown field `nope`"), "{err}");
    }
}
