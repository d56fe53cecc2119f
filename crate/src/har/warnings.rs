//! Deviations from the HAR spec, collected per kind so that a 100k-entry file with one quirk in every entry
//! reports one line, not 100k.

use serde::Serialize;

/// One kind of deviation seen in an input: what it is, how many entries showed it, and the first one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Stable identifier of the deviation, e.g. `cookies-object`.
    pub code: &'static str,
    /// Plain-words description of the first occurrence.
    pub message: String,
    /// How many times it was seen (entries, or 1 for file-level deviations).
    pub count: u64,
    /// The first entry (0-based index into `log.entries`) that showed it, for entry-level deviations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_entry: Option<u64>,
}

/// The warnings of one input, in the order their kinds were first seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Warnings {
    items: Vec<Warning>,
}

impl Warnings {
    /// Records one occurrence; the message is built only for the first occurrence of a code.
    pub fn add(&mut self, code: &'static str, entry: Option<u64>, message: impl FnOnce() -> String) {
        if let Some(w) = self.items.iter_mut().find(|w| w.code == code) {
            w.count += 1;
            return;
        }
        self.items.push(Warning { code, message: message(), count: 1, first_entry: entry });
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn as_slice(&self) -> &[Warning] {
        &self.items
    }

    pub fn into_vec(self) -> Vec<Warning> {
        self.items
    }
}
