//! What each member of an archive is, and the order to read them in.
//!
//! From its path alone ([`classify_name`]): a HAR (`*.har`, `*.har.json`), a log harlens reads (by the
//! products' own file names, rotations included), Crowd's trusted-proxy list (`trusted-proxies*.txt`), a
//! nested zip, something to skip (configuration, thread dumps, images: with the reason), or a name that says
//! nothing (`session`, `export.json`), whose first bytes decide. From its first inflated bytes
//! ([`classify_content`]): gzip or zip data is inflated or opened once more, a HAR is a HAR whatever its
//! name.
//!
//! Logs the analysis reads, by product (domain.md section 5; the log reader then recognises the format from
//! the lines themselves):
//!
//! | product | application log | access log |
//! |---|---|---|
//! | Jira | `atlassian-jira.log` | `atlassian-jira-http-access.log`, Tomcat's `access_log.<date>` |
//! | Confluence | `atlassian-confluence.log` | `conf_access_log.<date>.log` |
//! | Bitbucket | `atlassian-bitbucket.log` | `atlassian-bitbucket-access.log` |
//! | Crowd | `atlassian-crowd.log` | |
//!
//! Rotations join their log: log4j's `x.log.1` ... `x.log.10` (the higher, the older), dated
//! `x.log.2026-12-01` and `conf_access_log.2026-12-01.log`, logback's `x-2026-12-01.0.log` (Bitbucket: the
//! higher index, the newer), each possibly `.gz`. [`plan`] reads each log of each folder as one stream,
//! oldest file first: by date (an undated file is the current one, last), then by index.

use crate::input::{sniff, InputKind};

/// The product a log belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Product {
    Jira,
    Confluence,
    Bitbucket,
    Crowd,
}

impl Product {
    pub fn as_str(self) -> &'static str {
        match self {
            Product::Jira => "jira",
            Product::Confluence => "confluence",
            Product::Bitbucket => "bitbucket",
            Product::Crowd => "crowd",
        }
    }
}

/// Which of a product's logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogFile {
    Application,
    Access,
}

impl LogFile {
    pub fn as_str(self) -> &'static str {
        match self {
            LogFile::Application => "application",
            LogFile::Access => "access",
        }
    }
}

/// What a member is, from its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class {
    Har,
    Log {
        product: Product,
        file: LogFile,
    },
    TrustedProxies,
    /// A zip inside the archive.
    Archive,
    /// The name says nothing: the first bytes decide (a HAR is read, anything else skipped).
    Unknown,
    /// Not read, and why.
    Skip(&'static str),
}

/// A member's name read: its class, the stream it joins and its place among the stream's rotations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub class: Class,
    /// The log this file is (a rotation) of: its folder and current name (`application-logs/atlassian-jira.log`
    /// for `application-logs/atlassian-jira.log.3.gz`); the path itself for anything else.
    pub stream: String,
    /// The name ends with `.gz`.
    pub gzip: bool,
    /// Sorts the rotations of one stream oldest first.
    order: (u32, i64),
}

/// Reads a member's path (`/` or `\` separated).
pub fn classify_name(path: &str) -> Named {
    let (dir, file) = match path.rfind(['/', '\\']) {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("", path),
    };
    let lower = file.to_ascii_lowercase();
    let (bare, gzip) = match lower.strip_suffix(".gz") {
        Some(b) => (b, true),
        None => (lower.as_str(), false),
    };
    let named = |class, stream: String, order| Named { class, stream, gzip, order };
    let skip = |reason| named(Class::Skip(reason), path.to_owned(), CURRENT);
    if dir.split(['/', '\\']).any(|d| d == "__MACOSX") || file.starts_with("._") {
        return skip("macOS metadata, not a file's contents");
    }
    if file.is_empty() {
        return skip("a folder");
    }
    let (base, order) = rotation(bare);
    if let Some((product, log)) = known_log(&base) {
        // The stream keeps the folder and the current file's name as the archive spells it.
        let stream = format!("{dir}{}", current_name(file, &base));
        return named(Class::Log { product, file: log }, stream, order);
    }
    let class = if bare.ends_with(".har") || bare.ends_with(".har.json") || bare.ends_with(".har.txt") {
        Class::Har
    } else if bare.ends_with(".zip") {
        Class::Archive
    } else if bare.starts_with("trusted-proxies") || bare.starts_with("trusted_proxies") {
        Class::TrustedProxies
    } else if let Some(reason) = skipped_by_name(&base, bare) {
        Class::Skip(reason)
    } else {
        Class::Unknown
    };
    named(class, path.to_owned(), CURRENT)
}

/// The order of a file that is not a rotation: after every rotation of its stream.
const CURRENT: (u32, i64) = (u32::MAX, 0);

fn known_log(base: &str) -> Option<(Product, LogFile)> {
    use LogFile::{Access, Application};
    Some(match base {
        "atlassian-jira.log" => (Product::Jira, Application),
        "atlassian-jira-http-access.log" | "access_log" => (Product::Jira, Access),
        "atlassian-confluence.log" => (Product::Confluence, Application),
        "conf_access_log" => (Product::Confluence, Access),
        "atlassian-bitbucket.log" => (Product::Bitbucket, Application),
        "atlassian-bitbucket-access.log" => (Product::Bitbucket, Access),
        "atlassian-crowd.log" => (Product::Crowd, Application),
        _ => return None,
    })
}

/// The current file's name of a stream, keeping the archive's spelling when the file is the current one.
fn current_name(file: &str, base: &str) -> String {
    if file.eq_ignore_ascii_case(base) {
        file.to_owned()
    } else {
        base.to_owned()
    }
}

fn skipped_by_name(base: &str, bare: &str) -> Option<&'static str> {
    let ext = bare.rsplit_once('.').map_or("", |(_, e)| e);
    Some(match ext {
        "xml" | "properties" | "cfg" | "conf" | "yaml" | "yml" | "ini" => "configuration, not a log or a HAR",
        "png" | "jpg" | "jpeg" | "gif" | "svg" | "ico" | "pdf" => "an image or document, not a log or a HAR",
        "jar" | "class" | "war" | "so" | "dll" | "exe" => "a program file, not a log or a HAR",
        "tar" | "tgz" | "7z" | "rar" | "bz2" | "xz" | "zst" => {
            "an archive harlens does not open (it reads zip and gzip): unpack it and give its files"
        }
        "log" | "out" => "a log harlens does not read (not one of the logs the table in the README names)",
        _ if base.contains("thread") && base.contains("dump") => "a thread dump, not a log or a HAR",
        _ => return None,
    })
}

/// `bare` (lower case, without `.gz`) as its stream's base name and its place among the rotations.
fn rotation(bare: &str) -> (String, (u32, i64)) {
    // log4j: `x.log.3` (the higher, the older).
    if let Some((base, n)) = bare.rsplit_once('.') {
        if let Some(n) = number(n) {
            return (base.to_owned(), (u32::MAX, -n));
        }
        // Dated: `x.log.2026-12-01`, Tomcat's `access_log.2026-12-01`.
        if let Some(date) = date(n) {
            return (base.to_owned(), (date, 0));
        }
    }
    // `conf_access_log.2026-12-01.log`, `access_log.2026-12-01.log`.
    if let Some(stem) = bare.strip_suffix(".log") {
        if let Some((base, d)) = stem.rsplit_once('.') {
            if let Some(date) = date(d) {
                return (base.to_owned(), (date, 0));
            }
            // logback: `x-2026-12-01.0.log` (the higher, the newer, and all before the current file).
            if let (Some(i), Some((base, d))) =
                (number(d), base.rsplit_once('-').and_then(|_| split_date(base)))
            {
                return (format!("{base}.log"), (d, i - (1 << 40)));
            }
        }
        // logback without an index: `x-2026-12-01.log`.
        if let Some((base, d)) = split_date(stem) {
            return (format!("{base}.log"), (d, 0));
        }
    }
    (bare.to_owned(), CURRENT)
}

/// `name-2026-12-01` as `name` and the date.
fn split_date(s: &str) -> Option<(&str, u32)> {
    let cut = s.len().checked_sub(11)?;
    let (base, tail) = (s.get(..cut)?, s.get(cut..)?);
    let d = tail.strip_prefix('-')?;
    Some((base, date(d)?))
}

fn number(s: &str) -> Option<i64> {
    (!s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// `2026-12-01` as 20261201.
fn date(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits: String = s.chars().filter(|c| *c != '-').collect();
    (digits.len() == 8 && digits.bytes().all(|c| c.is_ascii_digit())).then(|| digits.parse().ok()).flatten()
}

/// What a member's first inflated bytes say it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// gzip data: inflate it once more (a `.gz` rotation, a `.har.gz` in a zip).
    Gzip,
    /// A zip: read its directory (one level deep).
    Zip,
    Har,
    Log,
    TrustedProxies,
    Skip(String),
}

/// What a member of class `class` (from [`classify_name`]) is, given its first inflated bytes (its first
/// [`crate::input::SNIFF_BYTES`], fewer when shorter).
pub fn classify_content(class: &Class, head: &[u8]) -> Content {
    let kind = sniff(head);
    match kind {
        InputKind::Gzip => return Content::Gzip,
        InputKind::Zip => return Content::Zip,
        _ => {}
    }
    if head.len() > 262 && &head[257..262] == b"ustar" {
        return Content::Skip(
            "a tar archive: harlens reads zip and gzip; unpack it and give its files".into(),
        );
    }
    match class {
        Class::Skip(reason) => Content::Skip((*reason).to_owned()),
        // A HAR's name with other content still goes to the HAR reader, whose error says what it is.
        Class::Har => Content::Har,
        Class::Log { .. } => Content::Log,
        Class::TrustedProxies => Content::TrustedProxies,
        Class::Archive | Class::Unknown => match kind {
            InputKind::Har => Content::Har,
            InputKind::Binary => Content::Skip("binary data, not a log or a HAR".into()),
            _ => Content::Skip("text that is not a HAR, and not a log harlens reads by its name".into()),
        },
    }
}

/// One input of the analysis made of archive members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    /// Its name in the report: the member's path, or a log stream's current file's path.
    pub name: String,
    pub class: Class,
    /// Indices of the members, in reading order (a log's rotations oldest first).
    pub members: Vec<usize>,
}

/// A member not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub member: usize,
    pub reason: &'static str,
}

/// What to read of an archive, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Trusted-proxy lists first, then HARs and unknown names (in the archive's order), then the logs (by
    /// folder and name, each one stream), then nested zips: the CLI's order for the same files unpacked.
    pub reads: Vec<Read>,
    /// In the archive's order. Folders are not listed.
    pub skipped: Vec<Skipped>,
}

/// The plan for an archive whose members have these paths (in the central directory's order).
pub fn plan<'a>(paths: impl IntoIterator<Item = &'a str>) -> Plan {
    let mut plan = Plan::default();
    // Each log stream: its name, its class, and its files with their places among the rotations.
    type Files = Vec<((u32, i64), usize)>;
    let mut logs: Vec<(String, Class, Files)> = Vec::new();
    let rank = |class: &Class| match class {
        Class::TrustedProxies => 0,
        Class::Har | Class::Unknown => 1,
        Class::Log { .. } => 2,
        Class::Archive | Class::Skip(_) => 3,
    };
    let mut singles: Vec<(u8, Read)> = Vec::new();
    for (i, path) in paths.into_iter().enumerate() {
        if path.ends_with('/') || path.ends_with('\\') {
            continue;
        }
        let named = classify_name(path);
        match named.class {
            Class::Skip(reason) => plan.skipped.push(Skipped { member: i, reason }),
            Class::Log { .. } => {
                match logs.iter_mut().find(|(s, ..)| s.eq_ignore_ascii_case(&named.stream)) {
                    Some((.., files)) => files.push((named.order, i)),
                    None => logs.push((named.stream, named.class, vec![(named.order, i)])),
                }
            }
            class => {
                let r = rank(&class);
                singles.push((r, Read { name: path.to_owned(), class, members: vec![i] }));
            }
        }
    }
    // Unstable sorts on unique keys (the member's index breaks ties): the same order as a stable sort, in
    // less of the .wasm (each stable sort instantiates a driftsort of about 3 KiB).
    singles.sort_unstable_by_key(|(r, read)| (*r, read.members.first().copied()));
    let (before, after): (Vec<_>, Vec<_>) = singles.into_iter().partition(|(r, _)| *r < 2);
    plan.reads.extend(before.into_iter().map(|(_, r)| r));
    logs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (stream, class, mut files) in logs {
        files.sort_unstable();
        plan.reads.push(Read { name: stream, class, members: files.into_iter().map(|(_, i)| i).collect() });
    }
    plan.reads.extend(after.into_iter().map(|(_, r)| r));
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jira_support_zip() {
        let paths = [
            "application-config/dbconfig.xml",
            "application-logs/",
            "application-logs/atlassian-jira.log",
            "application-logs/atlassian-jira.log.1",
            "application-logs/atlassian-jira.log.10",
            "application-logs/atlassian-jira.log.2.gz",
            "application-logs/atlassian-jira-security.log",
            "application-logs/atlassian-jira-http-access.log",
            "application-logs/atlassian-jira-http-access.log.2026-11-30",
            "tomcat-logs/access_log.2026-12-01",
            "tomcat-logs/access_log.2026-11-29.gz",
            "tomcat-logs/catalina.out",
            "thread-dump/thread_dump_1.txt",
            "recording.har",
            "session",
            "__MACOSX/._recording.har",
        ];
        let plan = plan(paths);
        let reads: Vec<(&str, Vec<&str>)> = plan
            .reads
            .iter()
            .map(|r| (r.name.as_str(), r.members.iter().map(|&i| paths[i]).collect()))
            .collect();
        assert_eq!(
            reads,
            [
                ("recording.har", vec!["recording.har"]),
                ("session", vec!["session"]),
                (
                    "application-logs/atlassian-jira-http-access.log",
                    vec![
                        "application-logs/atlassian-jira-http-access.log.2026-11-30",
                        "application-logs/atlassian-jira-http-access.log"
                    ]
                ),
                (
                    "application-logs/atlassian-jira.log",
                    vec![
                        "application-logs/atlassian-jira.log.10",
                        "application-logs/atlassian-jira.log.2.gz",
                        "application-logs/atlassian-jira.log.1",
                        "application-logs/atlassian-jira.log"
                    ]
                ),
                (
                    "tomcat-logs/access_log",
                    vec!["tomcat-logs/access_log.2026-11-29.gz", "tomcat-logs/access_log.2026-12-01"]
                ),
            ]
        );
        assert_eq!(plan.reads[3].class, Class::Log { product: Product::Jira, file: LogFile::Application });
        let skipped: Vec<&str> = plan.skipped.iter().map(|s| paths[s.member]).collect();
        assert_eq!(
            skipped,
            [
                "application-config/dbconfig.xml",
                "application-logs/atlassian-jira-security.log",
                "tomcat-logs/catalina.out",
                "thread-dump/thread_dump_1.txt",
                "__MACOSX/._recording.har"
            ]
        );
    }

    #[test]
    fn confluence_bitbucket_and_crowd_rotations() {
        let paths = [
            "logs/conf_access_log.2026-12-02.log",
            "logs/conf_access_log.2026-12-01.log.gz",
            "logs/atlassian-bitbucket-access.log",
            "logs/atlassian-bitbucket-access-2026-12-01.1.log.gz",
            "logs/atlassian-bitbucket-access-2026-12-01.0.log.gz",
            "logs/atlassian-bitbucket-access-2026-11-30.3.log",
            "logs/atlassian-crowd.log",
            "trusted-proxies.txt",
            "nested/inner.zip",
        ];
        let plan = plan(paths);
        let reads: Vec<(&str, Vec<usize>)> =
            plan.reads.iter().map(|r| (r.name.as_str(), r.members.clone())).collect();
        assert_eq!(
            reads,
            [
                ("trusted-proxies.txt", vec![7]),
                ("logs/atlassian-bitbucket-access.log", vec![5, 4, 3, 2]),
                ("logs/atlassian-crowd.log", vec![6]),
                ("logs/conf_access_log", vec![1, 0]),
                ("nested/inner.zip", vec![8]),
            ]
        );
        assert!(plan.skipped.is_empty());
        assert_eq!(
            classify_name("logs/conf_access_log.2026-12-01.log.gz").class,
            Class::Log { product: Product::Confluence, file: LogFile::Access }
        );
    }

    #[test]
    fn content_decides_what_the_name_cannot() {
        assert_eq!(classify_content(&Class::Unknown, b"{\"log\":{}}"), Content::Har);
        assert_eq!(classify_content(&Class::Har, b"\x1f\x8b\x08\x00"), Content::Gzip);
        assert_eq!(classify_content(&Class::Unknown, b"PK\x03\x04"), Content::Zip);
        assert!(matches!(classify_content(&Class::Unknown, b"hello"), Content::Skip(_)));
        assert_eq!(
            classify_content(&Class::Log { product: Product::Jira, file: LogFile::Access }, b"127.0.0.1 x"),
            Content::Log
        );
        let mut tar = vec![b'a'; 600];
        tar[257..262].copy_from_slice(b"ustar");
        assert!(matches!(classify_content(&Class::Har, &tar), Content::Skip(_)));
    }
}
