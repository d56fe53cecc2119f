//! Field types that accept what real exporters write, and remember when it was not what the spec says.
//!
//! Real HARs carry `null` where a string belongs (Charles' `redirectURL`), numbers as strings, Fiddler's
//! `"true"` for booleans, and `-1` for unknown sizes and timings. Rejecting an entry for that would lose the
//! very request that explains a logout, so each of these types takes any JSON value and records a [`Flag`]
//! the scanner turns into a warning.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// How a field was written, compared to the HAR 1.2 spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flag {
    /// As the spec says.
    Ok,
    /// Absent.
    #[default]
    Missing,
    /// `null`.
    Null,
    /// Another JSON type than the spec's (read where it could be, e.g. `"true"` as a boolean).
    WrongType,
}

/// A string field; numbers and booleans are kept as their text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LenientStr<'a> {
    pub value: Option<Cow<'a, str>>,
    pub flag: Flag,
}

impl<'a> LenientStr<'a> {
    pub fn as_str(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// The text, or "" when absent: for fields whose absence only matters to the warnings.
    pub fn or_empty(&self) -> &str {
        self.value.as_deref().unwrap_or("")
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for LenientStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LenientStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(LenientStr { value: Some(Cow::Borrowed(v)), flag: Flag::Ok })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(LenientStr { value: Some(Cow::Owned(v.to_owned())), flag: Flag::Ok })
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(LenientStr { value: Some(Cow::Owned(v)), flag: Flag::Ok })
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(LenientStr { value: None, flag: Flag::Null })
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                self.visit_unit()
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(LenientStr { value: Some(Cow::Owned(v.to_string())), flag: Flag::WrongType })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(LenientStr { value: Some(Cow::Owned(v.to_string())), flag: Flag::WrongType })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(LenientStr { value: Some(Cow::Owned(v.to_string())), flag: Flag::WrongType })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(LenientStr { value: Some(Cow::Owned(v.to_string())), flag: Flag::WrongType })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LenientStr { value: None, flag: Flag::WrongType })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LenientStr { value: None, flag: Flag::WrongType })
            }
        }
        d.deserialize_any(V)
    }
}

/// A number field (sizes, timings, status); `-1` (unknown, per the spec) reads as `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LenientNum {
    pub value: Option<f64>,
    pub flag: Flag,
}

impl LenientNum {
    /// The value when it is known: HAR writes `-1` for "not available".
    pub fn known(&self) -> Option<f64> {
        self.value.filter(|v| *v >= 0.0)
    }
}

impl<'de> Deserialize<'de> for LenientNum {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LenientNum;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(LenientNum { value: Some(v as f64), flag: Flag::Ok })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(LenientNum { value: Some(v as f64), flag: Flag::Ok })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(LenientNum { value: Some(v), flag: Flag::Ok })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(LenientNum { value: v.trim().parse().ok(), flag: Flag::WrongType })
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(LenientNum { value: None, flag: Flag::Null })
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                self.visit_unit()
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(LenientNum { value: None, flag: Flag::WrongType })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LenientNum { value: None, flag: Flag::WrongType })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LenientNum { value: None, flag: Flag::WrongType })
            }
        }
        d.deserialize_any(V)
    }
}

/// A boolean field; Fiddler writes `"true"` / `"false"` strings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LenientBool {
    pub value: Option<bool>,
    pub flag: Flag,
}

impl<'de> Deserialize<'de> for LenientBool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LenientBool;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(LenientBool { value: Some(v), flag: Flag::Ok })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                let value = match v.trim() {
                    t if t.eq_ignore_ascii_case("true") => Some(true),
                    t if t.eq_ignore_ascii_case("false") => Some(false),
                    _ => None,
                };
                Ok(LenientBool { value, flag: Flag::WrongType })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(LenientBool { value: Some(v != 0), flag: Flag::WrongType })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(LenientBool { value: Some(v != 0), flag: Flag::WrongType })
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(LenientBool { value: None, flag: Flag::WrongType })
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(LenientBool { value: None, flag: Flag::Null })
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                self.visit_unit()
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LenientBool { value: None, flag: Flag::WrongType })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LenientBool { value: None, flag: Flag::WrongType })
            }
        }
        d.deserialize_any(V)
    }
}

/// Counts the elements of an array without keeping them (websocket and SSE message lists can be huge).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeqCount(pub u64);

impl<'de> Deserialize<'de> for SeqCount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SeqCount;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut n = 0;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(SeqCount(n))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(SeqCount(0))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(SeqCount(0))
            }
        }
        d.deserialize_any(V)
    }
}
