//! The parts of a HAR that the analysis reads, borrowed from the scanner's buffer.
//!
//! Only what a session diagnosis needs is decoded: headers, cookies, status, redirect target, times,
//! `serverIPAddress`, `connection`, and the bodies as raw JSON slices (never copied or unescaped unless a rule
//! asks for a small error body). Everything else is skipped without allocation (natively by the
//! field-selective reader, `fast.rs`, which builds these same types; elsewhere by serde). Every field is
//! optional and lenient (see [`super::lenient`]): real exporters disagree with the spec, and a missing field
//! must never cost the entry that explains a logout.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, value::MapAccessDeserializer, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::lenient::{Flag, LenientBool, LenientNum, LenientStr, SeqCount};

/// One element of `log.entries`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Entry<'a> {
    /// 0-based index into `log.entries`, set by the scanner.
    #[serde(skip)]
    pub index: u64,
    /// False when the entry is valid JSON but not shaped like an entry at all (see the input's warnings).
    #[serde(skip)]
    pub unreadable: bool,
    /// Where the entry's JSON sits in the input: (byte offset, length), set by the scanner. Lets the page
    /// re-read one entry from the file for its detail view without keeping any entry in memory.
    #[serde(skip)]
    pub span: (u64, u64),
    #[serde(borrow)]
    pub pageref: LenientStr<'a>,
    #[serde(borrow, rename = "startedDateTime")]
    pub started_date_time: LenientStr<'a>,
    pub time: LenientNum,
    #[serde(borrow)]
    pub request: Request<'a>,
    #[serde(borrow)]
    pub response: Response<'a>,
    pub timings: Timings,
    #[serde(borrow, rename = "serverIPAddress")]
    pub server_ip_address: LenientStr<'a>,
    #[serde(borrow)]
    pub connection: LenientStr<'a>,
    /// Chrome: `"disk"` or `"memory"` when served from cache; cached responses replay old headers.
    #[serde(borrow, rename = "_fromCache")]
    pub from_cache: LenientStr<'a>,
    #[serde(borrow, rename = "_resourceType")]
    pub resource_type: LenientStr<'a>,
    /// Safari: `"Network Load"`, or `"Memory Cache"` / `"Disk Cache"` for cached responses.
    #[serde(borrow, rename = "_fetchType")]
    pub fetch_type: LenientStr<'a>,
    /// Number of websocket messages (Chrome, mitmproxy), counted without keeping them.
    #[serde(rename = "_webSocketMessages")]
    pub websocket_messages: Option<SeqCount>,
}

impl Entry<'_> {
    /// The response came from the browser's cache, so its headers are a replay of another moment:
    /// Chrome marks it (`_fromCache`), Safari names it (`_fetchType`), Firefox writes it with no time at all
    /// (every timing 0 or absent, no header bytes received), which a response from the network never has.
    pub fn from_cache(&self) -> bool {
        if self.from_cache.as_str().is_some_and(|c| !c.is_empty()) {
            return true;
        }
        if self.fetch_type.as_str().is_some_and(|t| t.to_ascii_lowercase().contains("cache")) {
            return true;
        }
        let t = &self.timings;
        let zero = |n: &LenientNum| n.value.is_none_or(|v| v <= 0.0);
        let no_time = [&self.time, &t.blocked, &t.dns, &t.connect, &t.send, &t.wait, &t.receive, &t.ssl]
            .into_iter()
            .all(zero);
        // A tool that writes no timings at all (time absent too) says nothing about the cache.
        no_time
            && self.time.value.is_some()
            && zero(&self.response.headers_size)
            && self.response.status().is_some_and(|s| (200..400).contains(&s))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Request<'a> {
    #[serde(borrow)]
    pub method: LenientStr<'a>,
    #[serde(borrow)]
    pub url: LenientStr<'a>,
    #[serde(borrow, rename = "httpVersion")]
    pub http_version: LenientStr<'a>,
    #[serde(borrow)]
    pub headers: Headers<'a>,
    #[serde(borrow)]
    pub cookies: Cookies<'a>,
    #[serde(borrow, rename = "postData")]
    pub post_data: Option<PostData<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Response<'a> {
    pub status: LenientNum,
    #[serde(borrow, rename = "statusText")]
    pub status_text: LenientStr<'a>,
    #[serde(borrow, rename = "httpVersion")]
    pub http_version: LenientStr<'a>,
    #[serde(borrow)]
    pub headers: Headers<'a>,
    #[serde(borrow)]
    pub cookies: Cookies<'a>,
    #[serde(borrow)]
    pub content: Content<'a>,
    #[serde(borrow, rename = "redirectURL")]
    pub redirect_url: LenientStr<'a>,
    /// Chrome's network error (`net::ERR_...`) for requests that got no response.
    #[serde(borrow, rename = "_error")]
    pub error: LenientStr<'a>,
    #[serde(rename = "headersSize")]
    pub headers_size: LenientNum,
}

impl Response<'_> {
    /// The HTTP status, when the exporter knew it (0 and -1 mean "no response").
    pub fn status(&self) -> Option<u16> {
        self.status.value.filter(|s| *s >= 1.0 && *s < 1000.0).map(|s| s as u16)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Content<'a> {
    pub size: LenientNum,
    #[serde(borrow, rename = "mimeType")]
    pub mime_type: LenientStr<'a>,
    #[serde(borrow)]
    pub encoding: LenientStr<'a>,
    /// The body as written in the file (a JSON string, usually): not unescaped until asked for. A body of
    /// 1 KiB or more (`skim::ELIDE_MIN`) may be `None` (left out by the pre-pass or the
    /// field-selective reader): only [`Content::small_text`] reads it.
    #[serde(borrow)]
    pub text: Option<&'a RawValue>,
}

impl Content<'_> {
    /// The body text when it is a string of at most `max` bytes as written (escapes included); large bodies
    /// are never unescaped, so asking costs nothing for them.
    pub fn small_text(&self, max: usize) -> Option<Cow<'_, str>> {
        raw_string(self.text?, max)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PostData<'a> {
    #[serde(borrow, rename = "mimeType")]
    pub mime_type: LenientStr<'a>,
    #[serde(borrow)]
    pub text: Option<&'a RawValue>,
}

impl PostData<'_> {
    /// The posted text when it is a string of at most `max` bytes as written.
    pub fn small_text(&self, max: usize) -> Option<Cow<'_, str>> {
        raw_string(self.text?, max)
    }
}

fn raw_string(raw: &RawValue, max: usize) -> Option<Cow<'_, str>> {
    let json = raw.get();
    if json.len() > max || !json.starts_with('"') {
        return None;
    }
    serde_json::from_str::<Cow<'_, str>>(json).ok()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Header<'a> {
    #[serde(borrow)]
    pub name: LenientStr<'a>,
    #[serde(borrow)]
    pub value: LenientStr<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Cookie<'a> {
    #[serde(borrow)]
    pub name: LenientStr<'a>,
    #[serde(borrow)]
    pub value: LenientStr<'a>,
    #[serde(borrow)]
    pub path: LenientStr<'a>,
    #[serde(borrow)]
    pub domain: LenientStr<'a>,
    #[serde(borrow)]
    pub expires: LenientStr<'a>,
    #[serde(rename = "httpOnly")]
    pub http_only: LenientBool,
    pub secure: LenientBool,
    #[serde(borrow, rename = "sameSite")]
    pub same_site: LenientStr<'a>,
}

/// `timings`; Firefox writes `{}` for cached entries and every exporter writes `-1` for "not applicable".
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(default)]
pub struct Timings {
    pub blocked: LenientNum,
    pub dns: LenientNum,
    pub connect: LenientNum,
    pub send: LenientNum,
    pub wait: LenientNum,
    pub receive: LenientNum,
    pub ssl: LenientNum,
}

/// A list field that tolerates `null`, a single object instead of an array (IE11 writes one cookie as an
/// object), and other types (read as empty).
#[derive(Debug)]
pub struct LenientList<T> {
    pub items: Vec<T>,
    pub flag: Flag,
}

impl<T> Default for LenientList<T> {
    fn default() -> Self {
        LenientList { items: Vec::new(), flag: Flag::Missing }
    }
}

impl<T> LenientList<T> {
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
}

pub type Headers<'a> = LenientList<Header<'a>>;
pub type Cookies<'a> = LenientList<Cookie<'a>>;

impl<'de, T: Deserialize<'de>> Deserialize<'de> for LenientList<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = LenientList<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(LenientList { items, flag: Flag::Ok })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let item = T::deserialize(MapAccessDeserializer::new(map))?;
                Ok(LenientList { items: vec![item], flag: Flag::WrongType })
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(LenientList { items: Vec::new(), flag: Flag::Null })
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                self.visit_unit()
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(LenientList { items: Vec::new(), flag: Flag::WrongType })
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                self.visit_str("")
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                self.visit_str("")
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                self.visit_str("")
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                self.visit_str("")
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A `name`/`version` pair (`log.creator`, `log.browser`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct NameVersion<'a> {
    #[serde(borrow)]
    pub name: LenientStr<'a>,
    #[serde(borrow)]
    pub version: LenientStr<'a>,
}

impl NameVersion<'_> {
    /// "Chrome 131", "Firefox", or None when neither part is there.
    pub fn label(&self) -> Option<String> {
        let name = self.name.or_empty().trim();
        let version = self.version.or_empty().trim();
        match (name.is_empty(), version.is_empty()) {
            (true, true) => None,
            (false, true) => Some(name.to_owned()),
            (true, false) => Some(version.to_owned()),
            (false, false) => Some(format!("{name} {version}")),
        }
    }
}

/// What the file says about itself, outside the entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Log {
    /// `log.version` as written ("1.2", "1.1").
    pub version: Option<String>,
    /// `log.creator` as "name version".
    pub creator: Option<String>,
    /// `log.browser` as "name version".
    pub browser: Option<String>,
    /// Number of `log.pages` (None when absent).
    pub pages: Option<u64>,
}
