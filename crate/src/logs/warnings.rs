//! Lines of a recognised log that could not be read, collected per kind: a log with one quirk on every line
//! reports one warning with a count, not a million.

use serde::Serialize;

/// One kind of problem seen in a log: what it is, how often, and the first line that showed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogWarning {
    /// Stable identifier, e.g. `unparseable-line`.
    pub code: &'static str,
    /// Plain-words description of the first occurrence.
    pub message: String,
    /// How many lines (or exchanges) showed it.
    pub count: u64,
    /// The first line (1-based) that showed it.
    pub first_line: u64,
}

/// The warnings of one log input, in the order their kinds were first seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogWarnings {
    items: Vec<LogWarning>,
}

impl LogWarnings {
    /// Records one occurrence; the message is built only for the first occurrence of a code.
    pub fn add(&mut self, code: &'static str, line: u64, message: impl FnOnce() -> String) {
        if let Some(w) = self.items.iter_mut().find(|w| w.code == code) {
            w.count += 1;
            return;
        }
        self.items.push(LogWarning { code, message: message(), count: 1, first_line: line });
    }

    /// Records `count` occurrences at once, the first of them on `line`.
    pub fn add_many(&mut self, code: &'static str, line: u64, count: u64, message: impl FnOnce() -> String) {
        if count == 0 {
            return;
        }
        if let Some(w) = self.items.iter_mut().find(|w| w.code == code) {
            w.count += count;
            return;
        }
        self.items.push(LogWarning { code, message: message(), count, first_line: line });
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn as_slice(&self) -> &[LogWarning] {
        &self.items
    }

    pub fn into_vec(self) -> Vec<LogWarning> {
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_warning_per_code_with_a_count_and_the_first_line() {
        let mut w = LogWarnings::default();
        w.add("unparseable-line", 3, || "line 3".to_owned());
        w.add("unparseable-line", 9, || panic!("the message is built once"));
        w.add_many("orphan-continuation", 1, 0, || panic!("nothing to add"));
        w.add_many("orphan-continuation", 1, 40, || "lines 1..40".to_owned());
        let got: Vec<(&str, u64, u64, &str)> =
            w.as_slice().iter().map(|w| (w.code, w.count, w.first_line, w.message.as_str())).collect();
        assert_eq!(
            got,
            [("unparseable-line", 2, 3, "line 3"), ("orphan-continuation", 40, 1, "lines 1..40")]
        );
    }
}
