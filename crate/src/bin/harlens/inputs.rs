//! Compressed and archived inputs on the command line (issue 16): whatever support was sent, read as it is.
//!
//! - gzip (a `.har.gz`, a gzipped log; several members too): inflated as it is read, on the reader thread,
//!   so that inflating and parsing overlap on two cores;
//! - zip (a zipped HAR, a product's support zip): read by seeking, with the core's directory reader and
//!   reading plan (`harlens::archive`), each member inflated here with flate2; a zip inside it is read
//!   once more (one level), from a temporary file;
//! - standard input that is a zip is kept in a temporary file meanwhile (a zip is read from its end).
//!
//! Every member goes through the core's limits ([`Meter`]): a breach, a corrupt, truncated or encrypted
//! member, or an unsupported method is an error for that member, listed in the report and on stderr; the
//! other members are read.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use flate2::read::{DeflateDecoder, MultiGzDecoder};
use harlens::analysis::Skip;
use harlens::archive::members::{self, Class, Content};
use harlens::archive::{zip, ArchiveError, Crc32, Limits, Meter, Problem, MAX_NESTING};
use harlens::input::{sniff, InputKind, SNIFF_BYTES};
use harlens::Analyzer;

/// What a command-line argument is read as when it is not an archive (a gzip keeps it: `--log x.log.gz`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Har,
    Log,
}

/// The state of one analysis's archive reading: the limits' meter, and the member errors to report.
pub struct Archives {
    meter: Arc<Mutex<Meter>>,
    /// A trusted-proxy list was given on the command line: it wins over any in an archive.
    trusted_given: bool,
    /// Errors of members (the rest was read), in the order met, each naming the archive and the member.
    pub errors: Vec<String>,
}

impl Archives {
    pub fn new(limits: Limits, trusted_given: bool) -> Self {
        Archives { meter: Arc::new(Mutex::new(Meter::new(limits))), trusted_given, errors: Vec::new() }
    }
}

/// Reads one argument: a plain file as before, gzip inflated, a zip member by member. An error here (an
/// unreadable file, a HAR that is not JSON) stops the analysis as for a plain file; a member's error is
/// recorded in `archives.errors` and the report.
pub fn read(analyzer: &mut Analyzer, archives: &mut Archives, path: &Path, role: Role) -> Result<(), String> {
    let stdin = path.as_os_str() == "-";
    let name = if stdin {
        "<stdin>".to_owned()
    } else {
        path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
    };
    let display = if stdin { name.clone() } else { path.display().to_string() };
    let (mut reader, size) = super::open_input(path)?;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    fill(&mut reader, &mut head, SNIFF_BYTES).map_err(|e| format!("{display}: cannot read: {e}"))?;
    let rest: Box<dyn Read + Send> = Box::new(Cursor::new(head.clone()).chain(reader));
    match sniff(&head) {
        InputKind::Gzip => read_gzip(analyzer, archives, rest, &name, &display, role),
        InputKind::Zip => {
            let file = if stdin {
                let (mut spool, _) = super::output::spool()?;
                let mut rest = rest;
                io::copy(&mut rest, &mut spool)
                    .map_err(|e| format!("cannot keep standard input in a temporary file: {e}"))?;
                spool
            } else {
                File::open(path).map_err(|e| format!("{display}: cannot open: {e}"))?
            };
            let len = file.metadata().map_err(|e| format!("{display}: {e}"))?.len();
            read_zip(analyzer, archives, &Arc::new(file), len, &name, 0)
                .map_err(|p| format!("{display}: {p}"))
        }
        _ => {
            if role == Role::Har {
                analyzer.begin_input(&name);
            } else {
                analyzer.begin_log(&name);
            }
            super::feed_stream(analyzer, rest, size, &name, &display, &mut false)?;
            analyzer.end_input().map_err(|e| e.to_string())
        }
    }
}

/// A gzip file given on the command line: one input, inflated on the reader thread.
fn read_gzip(
    analyzer: &mut Analyzer,
    archives: &mut Archives,
    raw: Box<dyn Read + Send>,
    name: &str,
    display: &str,
    role: Role,
) -> Result<(), String> {
    let counted = Arc::new(AtomicU64::new(0));
    lock(&archives.meter).begin();
    let gz = MultiGzDecoder::new(Counted { inner: raw, count: counted.clone() });
    let mut inflated = Metered { inner: gz, compressed: counted, seen: 0, meter: archives.meter.clone() };
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    fill(&mut inflated, &mut head, SNIFF_BYTES).map_err(|e| format!("{display}: {}", describe(&e)))?;
    match sniff(&head) {
        InputKind::Gzip => return Err(format!("{display}: {}", Problem::TooDeep)),
        InputKind::Zip => {
            return Err(format!(
                "{display}: a zip inside gzip: harlens reads zip files as they are; gunzip it"
            ))
        }
        _ => {}
    }
    let reader: Box<dyn Read + Send> = Box::new(Cursor::new(head).chain(inflated));
    let har = role == Role::Har;
    if har {
        analyzer.begin_input(name);
    } else {
        analyzer.begin_log(name);
    }
    analyzer.set_source(None, Some("gzip"));
    super::feed_stream(analyzer, reader, None, name, display, &mut false).map_err(|e| unwrap_problem(&e))?;
    analyzer.end_input().map_err(|e| e.to_string())
}

/// Reads a zip (`archive` is its name, `outer.zip > inner.zip` when nested at `depth` 1).
fn read_zip(
    analyzer: &mut Analyzer,
    archives: &mut Archives,
    file: &Arc<File>,
    len: u64,
    archive: &str,
    depth: usize,
) -> Result<(), Problem> {
    let tail_len = len.min(zip::TAIL_BYTES as u64);
    let tail = read_at(file, len - tail_len, tail_len as usize)?;
    let directory = zip::find_directory(&tail, len)?;
    let bytes = read_at(file, directory.offset, directory.size as usize)?;
    let members = zip::read_directory(&bytes, &directory)?;
    let plan = members::plan(members.iter().map(|m| m.name.as_str()));
    let ctx = Ctx { file, len, archive, depth, members: &members, skips: RefCell::new(Vec::new()) };
    for read in &plan.reads {
        match &read.class {
            Class::Log { .. } => read_log(analyzer, archives, &ctx, read),
            class => {
                for &i in &read.members {
                    read_single(analyzer, archives, &ctx, i, class);
                }
            }
        }
    }
    // Listed after the inputs read, so that these keep the places they have when the archive is unpacked.
    for (name, size, why) in ctx.skips.take() {
        match why {
            Ok(reason) => analyzer.skip_input(&name, Some(archive), size, Skip::Reason(&reason)),
            Err(error) => analyzer.skip_input(&name, Some(archive), size, Skip::Error(&error)),
        }
    }
    for s in &plan.skipped {
        if let Some(m) = members.get(s.member) {
            analyzer.skip_input(&m.name, Some(archive), m.size, Skip::Reason(s.reason));
        }
    }
    Ok(())
}

/// The zip being read.
struct Ctx<'a> {
    file: &'a Arc<File>,
    len: u64,
    archive: &'a str,
    depth: usize,
    members: &'a [zip::Member],
    /// Members not read, listed once the archive is read: `Ok(reason)` skipped, `Err(error)` unreadable.
    skips: RefCell<Vec<Unread>>,
}

/// A member not read: its name, its declared size, and why (`Ok` skipped, `Err` unreadable).
type Unread = (String, u64, Result<String, String>);

impl Ctx<'_> {
    fn skip(&self, member: &zip::Member, why: Result<String, String>) {
        self.skips.borrow_mut().push((member.name.clone(), member.size, why));
    }

    fn error(&self, member: &zip::Member, problem: Problem) -> String {
        ArchiveError { archive: self.archive.to_owned(), member: Some(member.name.clone()), problem }
            .to_string()
    }
}

/// A member opened: its inflated bytes (gzip undone), and whether it was gzip.
struct Opened {
    reader: Box<dyn Read + Send>,
    gzip: bool,
}

/// Opens a member: checks, local header, inflater, CRC-32 and the limits; a gzipped member is inflated once
/// more (a gzip inside is one level).
fn open_member(
    archives: &Archives,
    ctx: &Ctx<'_>,
    member: &zip::Member,
    class: &Class,
) -> Result<(Opened, Content), Problem> {
    member.readable()?;
    let used = lock(&archives.meter).total();
    lock(&archives.meter).limits().check_declared(member.compressed_size, member.size, used)?;
    let header = read_at(ctx.file, member.header_offset, zip::LOCAL_HEADER_BYTES)?;
    let start = zip::data_offset(&header, member)?;
    if start.checked_add(member.compressed_size).is_none_or(|end| end > ctx.len) {
        return Err(Problem::Truncated);
    }
    let counted = Arc::new(AtomicU64::new(0));
    let end = start + member.compressed_size;
    let raw = Counted { inner: Slice { file: ctx.file.clone(), pos: start, end }, count: counted.clone() };
    let data: Box<dyn Read + Send> = match member.method {
        zip::Method::Deflate => Box::new(DeflateDecoder::new(raw)),
        _ => Box::new(raw),
    };
    let mut checked =
        Checked { inner: data, crc: Crc32::new(), size: 0, expected: (member.crc32, member.size) };
    // The first bytes say what the member is; they are read again through the meter below.
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    fill(&mut checked, &mut head, SNIFF_BYTES).map_err(|e| problem_of(&e))?;
    let mut content = members::classify_content(class, &head);
    let gzip = content == Content::Gzip;
    let inflated: Box<dyn Read + Send> = if gzip {
        Box::new(MultiGzDecoder::new(Cursor::new(std::mem::take(&mut head)).chain(checked)))
    } else {
        Box::new(Cursor::new(std::mem::take(&mut head)).chain(checked))
    };
    lock(&archives.meter).begin();
    let mut metered =
        Metered { inner: inflated, compressed: counted, seen: 0, meter: archives.meter.clone() };
    fill(&mut metered, &mut head, SNIFF_BYTES).map_err(|e| problem_of(&e))?;
    if gzip {
        content = members::classify_content(class, &head);
        if matches!(content, Content::Gzip | Content::Zip) {
            return Err(Problem::TooDeep);
        }
    }
    let reader: Box<dyn Read + Send> = Box::new(Cursor::new(head).chain(metered));
    Ok((Opened { reader, gzip }, content))
}

/// A member read alone: a HAR, a trusted-proxy list, a name that says nothing, a nested zip.
fn read_single(analyzer: &mut Analyzer, archives: &mut Archives, ctx: &Ctx<'_>, i: usize, class: &Class) {
    let Some(member) = ctx.members.get(i) else { return };
    let archive = Some(ctx.archive);
    let (opened, content) = match open_member(archives, ctx, member, class) {
        Ok(o) => o,
        Err(problem) => {
            let message = ctx.error(member, problem);
            ctx.skip(member, Err(message.clone()));
            archives.errors.push(message);
            return;
        }
    };
    let compression = opened.gzip.then_some("gzip");
    match content {
        Content::Skip(reason) => ctx.skip(member, Ok(reason)),
        Content::Zip => read_nested(analyzer, archives, ctx, member, opened),
        Content::TrustedProxies if archives.trusted_given => {
            ctx.skip(member, Ok("the trusted-proxy list given on the command line is used".to_owned()))
        }
        Content::TrustedProxies => {
            let mut text = Vec::new();
            let mut reader = opened.reader.take(1 << 20);
            match reader.read_to_end(&mut text) {
                Err(e) => {
                    let message = ctx.error(member, problem_of(&e));
                    ctx.skip(member, Err(message.clone()));
                    archives.errors.push(message);
                }
                Ok(_) => {
                    if let Err(e) = analyzer.set_trusted_proxies_from(
                        &member.name,
                        archive,
                        &String::from_utf8_lossy(&text),
                    ) {
                        let message = format!("{}: {e}", ctx.archive);
                        ctx.skip(member, Err(message.clone()));
                        archives.errors.push(message);
                    }
                }
            }
        }
        Content::Har | Content::Log | Content::Gzip => {
            analyzer.begin_input(&member.name);
            analyzer.set_source(archive, None);
            let display = format!("{}: {}", ctx.archive, member.name);
            let result =
                analyzer.begin_member(&member.name, compression).map_err(|e| e.to_string()).and_then(|()| {
                    super::feed_stream(
                        analyzer,
                        opened.reader,
                        Some(member.size),
                        &member.name,
                        &display,
                        &mut false,
                    )
                });
            match result {
                Ok(()) => {
                    if let Err(e) = analyzer.end_input() {
                        archives.errors.push(format!("{}: {e}", ctx.archive));
                    }
                }
                Err(message) => {
                    let message = unwrap_problem(&message);
                    analyzer.abandon_input(&message);
                    archives.errors.push(message);
                }
            }
        }
    }
}

/// A zip inside the zip: inflated into a temporary file (nameless on Unix), then read like the outer one.
fn read_nested(
    analyzer: &mut Analyzer,
    archives: &mut Archives,
    ctx: &Ctx<'_>,
    member: &zip::Member,
    opened: Opened,
) {
    let nested = format!("{} > {}", ctx.archive, member.name);
    if ctx.depth >= MAX_NESTING {
        let message = ctx.error(member, Problem::TooDeep);
        ctx.skip(member, Err(message.clone()));
        archives.errors.push(message);
        return;
    }
    let spooled = super::output::spool().and_then(|(mut file, path)| {
        let mut reader = opened.reader;
        io::copy(&mut reader, &mut file).map_err(|e| ctx.error(member, problem_of(&e)))?;
        if let Some(path) = path {
            // Not nameless (not Unix): the open file stays readable; the name goes now.
            super::output::remove_spool(&path);
        }
        Ok(file)
    });
    let result = spooled.and_then(|file| {
        let len = file.metadata().map_err(|e| format!("{nested}: {e}"))?.len();
        read_zip(analyzer, archives, &Arc::new(file), len, &nested, ctx.depth + 1)
            .map_err(|p| format!("{nested}: {p}"))
    });
    if let Err(message) = result {
        ctx.skip(member, Err(message.clone()));
        archives.errors.push(message);
    }
}

/// A log's files, oldest first, as one log input.
fn read_log(analyzer: &mut Analyzer, archives: &mut Archives, ctx: &Ctx<'_>, read: &members::Read) {
    analyzer.begin_log(&read.name);
    analyzer.set_source(Some(ctx.archive), None);
    let mut broken: Option<String> = None;
    for &i in &read.members {
        let Some(member) = ctx.members.get(i) else { continue };
        if let Some(why) = &broken {
            let message = format!("{}: {}: not read: {why}", ctx.archive, member.name);
            ctx.skip(member, Err(message));
            continue;
        }
        let opened = open_member(archives, ctx, member, &read.class);
        let (opened, content) = match opened {
            Ok(o) => o,
            Err(problem) => {
                let message = ctx.error(member, problem);
                // Listed among the stream's members, with its error; the next rotation is read.
                let _ = analyzer.begin_member(&member.name, None);
                analyzer.member_error(&message);
                archives.errors.push(message);
                continue;
            }
        };
        if let Err(e) = analyzer.begin_member(&member.name, opened.gzip.then_some("gzip")) {
            broken = Some(e.to_string());
            continue;
        }
        if content == Content::Zip {
            let message = ctx.error(member, Problem::Corrupt("a zip where a log was expected".into()));
            analyzer.member_error(&message);
            archives.errors.push(message);
            continue;
        }
        let display = format!("{}: {}", ctx.archive, member.name);
        let mut analyzer_failed = false;
        let result = super::feed_stream(
            analyzer,
            opened.reader,
            Some(member.size),
            &member.name,
            &display,
            &mut analyzer_failed,
        );
        if let Err(message) = result {
            let message = unwrap_problem(&message);
            archives.errors.push(message.clone());
            if analyzer_failed {
                // The log reader stopped (not a log it knows): the stream ends here.
                analyzer.abandon_input(&message);
                broken = Some(message);
            } else {
                analyzer.member_error(&message);
            }
        }
    }
    if broken.is_none() {
        if let Err(e) = analyzer.end_input() {
            archives.errors.push(format!("{}: {e}", ctx.archive));
        }
    }
}

fn lock(meter: &Mutex<Meter>) -> std::sync::MutexGuard<'_, Meter> {
    meter.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Reads into `buf` until it holds `n` bytes or the input ends.
fn fill(reader: &mut dyn Read, buf: &mut Vec<u8>, n: usize) -> io::Result<()> {
    let mut chunk = [0u8; 4096];
    while buf.len() < n {
        let want = (n - buf.len()).min(chunk.len());
        match reader.read(&mut chunk[..want]) {
            Ok(0) => break,
            Ok(k) => buf.extend_from_slice(&chunk[..k]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `n` bytes of the file at `offset`.
fn read_at(file: &File, offset: u64, n: usize) -> Result<Vec<u8>, Problem> {
    let mut buf = vec![0u8; n];
    let mut done = 0;
    while done < n {
        match positioned_read(file, &mut buf[done..], offset + done as u64) {
            Ok(0) => return Err(Problem::Truncated),
            Ok(k) => done += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Problem::Inflate(e.to_string())),
        }
    }
    Ok(buf)
}

#[cfg(unix)]
fn positioned_read(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn positioned_read(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(not(any(unix, windows)))]
fn positioned_read(_: &File, _: &mut [u8], _: u64) -> io::Result<usize> {
    Err(io::Error::new(io::ErrorKind::Unsupported, "no positioned reads on this platform"))
}

/// A range of the file, read with positioned reads: each member's reader has its own position, whatever
/// another (a reader thread left behind after an error) does.
struct Slice {
    file: Arc<File>,
    pos: u64,
    end: u64,
}

impl Read for Slice {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.end.saturating_sub(self.pos);
        if left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = positioned_read(&self.file, &mut buf[..want], self.pos)?;
        if n == 0 {
            return Err(wrap(Problem::Truncated));
        }
        self.pos += n as u64;
        Ok(n)
    }
}

/// Counts the compressed bytes read under an inflater.
struct Counted<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Feeds the limits' meter with what the inflater gives and the compressed bytes it took.
struct Metered<R> {
    inner: R,
    compressed: Arc<AtomicU64>,
    seen: u64,
    meter: Arc<Mutex<Meter>>,
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let compressed = self.compressed.load(Ordering::Relaxed);
        let more = compressed.saturating_sub(self.seen);
        self.seen = compressed;
        lock(&self.meter).add(more, n as u64).map_err(|e| wrap(Problem::Limit(e)))?;
        Ok(n)
    }
}

/// Checks a zip member's CRC-32 and size at its end.
struct Checked<R> {
    inner: R,
    crc: Crc32,
    size: u64,
    expected: (u32, u64),
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.crc.update(&buf[..n]);
        self.size += n as u64;
        if n == 0 && !buf.is_empty() {
            let (crc, size) = self.expected;
            if self.crc.value() != crc {
                return Err(wrap(Problem::Crc { expected: crc, found: self.crc.value() }));
            }
            if self.size != size {
                return Err(wrap(Problem::Corrupt(format!("{} bytes, the archive says {size}", self.size))));
            }
        }
        Ok(n)
    }
}

/// A problem carried through `io::Read`.
#[derive(Debug)]
struct Carried(Problem);

impl std::fmt::Display for Carried {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Carried {}

fn wrap(problem: Problem) -> io::Error {
    io::Error::other(Carried(problem))
}

/// The problem an `io::Error` carries, or the inflater's complaint as one.
fn problem_of(e: &io::Error) -> Problem {
    match e.get_ref().and_then(|inner| inner.downcast_ref::<Carried>()) {
        Some(Carried(p)) => p.clone(),
        None if e.kind() == io::ErrorKind::UnexpectedEof => Problem::Truncated,
        None => Problem::Inflate(e.to_string()),
    }
}

fn describe(e: &io::Error) -> String {
    problem_of(e).to_string()
}

/// stream_chunks' "NAME: cannot read: PROBLEM" for a problem of the archive reads "NAME: PROBLEM".
fn unwrap_problem(message: &str) -> String {
    message.replacen(": cannot read: ", ": ", 1)
}
