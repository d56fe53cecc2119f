//! `harlens redact` on compressed and archived inputs (issue 16): the copy keeps the form it came in. A
//! `.har.gz` gives a `.redacted.har.gz`, a zip a zip of its redacted HARs (`support.redacted.zip`,
//! `session.redacted.har.zip`), the other members left out unless `--keep-others` (then copied as they are,
//! compressed data and all). Plain HARs given with them are redacted as `main.rs` does, in the same batch (one
//! key, the same placeholders). Every input is a file here (standard input is kept in a temporary file
//! first): a zip is read from its end, and each pass reads the HARs again.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use flate2::read::{DeflateDecoder, MultiGzDecoder};
use flate2::write::{DeflateEncoder, GzEncoder};
use harlens::archive::members::{self, Class, Content};
use harlens::archive::write::{Compression, ZipWriter};
use harlens::archive::{zip, ArchiveError, Crc32, Problem};
use harlens::escape::terminal;
use harlens::input::{sniff, InputKind, SNIFF_BYTES};
use harlens::redact::{Batch, Summary as RedactSummary};

use super::inputs::{fill, problem_of, read_at, Checked, Slice, Whole};
use super::output::{self, Output};
use super::{input_display, redact_pass, with_note, Pass};

/// One input, as a file.
struct Source {
    display: String,
    file: Arc<File>,
    len: u64,
    form: Form,
}

enum Form {
    Plain,
    Gzip,
    /// The HAR members to redact and the others, by index into `members`.
    Zip {
        members: Vec<zip::Member>,
        hars: Vec<ZipHar>,
        others: Vec<usize>,
    },
}

/// A HAR member of a zip.
struct ZipHar {
    /// Into the zip's members.
    index: usize,
    /// Its data is gzip (`old/session.har.gz`): inflated once more, as the analysis reads it.
    gzip: bool,
}

impl ZipHar {
    /// Its path in the redacted zip: the member's, without the `.gz` of a gzipped HAR, whose copy is stored
    /// inflated (and deflated as every member of the copy), as the page's download names it.
    fn path<'a>(&self, members: &'a [zip::Member]) -> &'a str {
        let name = members[self.index].name.as_str();
        let cut = name.len().saturating_sub(3);
        match name.get(cut..) {
            Some(ext) if self.gzip && ext.eq_ignore_ascii_case(".gz") => &name[..cut],
            _ => name,
        }
    }
}

/// Whether any of `paths` is gzip or zip data (standard input is not looked at: it is read as a HAR).
pub fn any_archive(paths: &[PathBuf]) -> bool {
    paths.iter().filter(|p| p.as_os_str() != "-").any(|p| {
        let mut head = Vec::new();
        File::open(p).and_then(|mut f| fill(&mut f, &mut head, 4)).is_ok() && sniff(&head).is_archive()
    })
}

/// `x.har.gz` -> `x.redacted.har.gz`, `support.zip` -> `support.redacted.zip`, next to the input.
fn redacted_name(path: &Path, ext: &str) -> PathBuf {
    let name = path.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    // The suffixes keep the input's spelling (`.HAR.ZIP`).
    let base_len = name.to_ascii_lowercase().strip_suffix(ext).map_or(name.len(), str::len);
    let (base, ext) = name.split_at(base_len);
    let stem_len = base.to_ascii_lowercase().strip_suffix(".har").map_or(base.len(), str::len);
    let (stem, har) = base.split_at(stem_len);
    path.with_file_name(format!("{stem}.redacted{har}{ext}"))
}

fn open(path: &Path) -> Result<Source, String> {
    let display = input_display(path);
    let file = if path.as_os_str() == "-" {
        let (mut spool, name) = output::spool()?;
        io::copy(&mut io::stdin().lock(), &mut spool)
            .map_err(|e| format!("cannot keep standard input in a temporary file: {e}"))?;
        if let Some(name) = name {
            output::remove_spool(&name);
        }
        spool
    } else {
        File::open(path).map_err(|e| format!("{display}: cannot open: {e}"))?
    };
    let len = file.metadata().map_err(|e| format!("{display}: {e}"))?.len();
    let file = Arc::new(file);
    let head =
        read_at(&file, 0, len.min(SNIFF_BYTES as u64) as usize).map_err(|p| format!("{display}: {p}"))?;
    let form = match sniff(&head) {
        InputKind::Gzip => Form::Gzip,
        InputKind::Zip => zip_form(&file, len).map_err(|p| format!("{display}: {p}"))?,
        _ => Form::Plain,
    };
    Ok(Source { display, file, len, form })
}

/// A zip's members, sorted into HARs (by name or by their first bytes) and others.
fn zip_form(file: &Arc<File>, len: u64) -> Result<Form, Problem> {
    let tail =
        read_at(file, len - len.min(zip::TAIL_BYTES as u64), len.min(zip::TAIL_BYTES as u64) as usize)?;
    let directory = zip::find_directory(&tail, len)?;
    let members =
        zip::read_directory(&read_at(file, directory.offset, directory.size as usize)?, &directory)?;
    let plan = members::plan(members.iter().map(|m| m.name.as_str()));
    let mut hars = Vec::new();
    for read in &plan.reads {
        if matches!(read.class, Class::Har | Class::Unknown) {
            for &i in &read.members {
                // What the analysis reads the member as: its first bytes, inflated once more when gzip.
                let sniffed = |reader: &mut dyn Read| {
                    let mut head = Vec::new();
                    fill(reader, &mut head, SNIFF_BYTES)
                        .map(|()| members::classify_content(&read.class, &head))
                        .map_err(|e| problem_of(&e))
                };
                let content = member_reader(file, len, &members[i]).and_then(|mut r| sniffed(&mut r));
                let gzip = content == Ok(Content::Gzip);
                let content = if gzip {
                    member_reader(file, len, &members[i])
                        .and_then(|r| sniffed(&mut Whole::new(MultiGzDecoder::new(r))))
                } else {
                    content
                };
                if content == Ok(Content::Har) || read.class == Class::Har {
                    hars.push(ZipHar { index: i, gzip });
                }
            }
        }
    }
    let others =
        (0..members.len()).filter(|&i| !hars.iter().any(|h| h.index == i) && !members[i].is_dir).collect();
    Ok(Form::Zip { members, hars, others })
}

/// Where a member's compressed data is.
fn data_range(file: &File, len: u64, member: &zip::Member) -> Result<(u64, u64), Problem> {
    member.readable()?;
    let header = read_at(file, member.header_offset, zip::LOCAL_HEADER_BYTES)?;
    let start = zip::data_offset(&header, member)?;
    let end = start.checked_add(member.compressed_size).filter(|&e| e <= len).ok_or(Problem::Truncated)?;
    Ok((start, end))
}

/// A member's inflated bytes, checked against its CRC-32 at the end.
fn member_reader(file: &Arc<File>, len: u64, member: &zip::Member) -> Result<Box<dyn Read + Send>, Problem> {
    let (start, end) = data_range(file, len, member)?;
    let raw = Slice { file: file.clone(), pos: start, end };
    let data: Box<dyn Read + Send> = match member.method {
        zip::Method::Deflate => Box::new(DeflateDecoder::new(raw)),
        _ => Box::new(raw),
    };
    let checked = Checked { inner: data, crc: Crc32::new(), size: 0, expected: (member.crc32, member.size) };
    Ok(Box::new(Whole::new(checked)))
}

/// A HAR of a source: its name in messages, and a fresh reader of its bytes.
type Unit = (String, Box<dyn Read + Send>);

/// The HARs of a source.
fn units(source: &Source) -> Result<Vec<Unit>, String> {
    let whole = || Slice { file: source.file.clone(), pos: 0, end: source.len };
    Ok(match &source.form {
        Form::Plain => vec![(source.display.clone(), Box::new(whole()) as Box<dyn Read + Send>)],
        Form::Gzip => vec![(source.display.clone(), Box::new(Whole::new(MultiGzDecoder::new(whole()))) as _)],
        Form::Zip { members, hars, .. } => {
            let mut out = Vec::new();
            for har in hars {
                let member = &members[har.index];
                let mut reader = member_reader(&source.file, source.len, member).map_err(|problem| {
                    let archive = source.display.clone();
                    ArchiveError { archive, member: Some(member.name.clone()), problem }.to_string()
                })?;
                if har.gzip {
                    reader = Box::new(Whole::new(MultiGzDecoder::new(reader)));
                }
                out.push((format!("{}: {}", source.display, member.name), reader));
            }
            out
        }
    })
}

/// Counts the bytes written through it (a member's compressed size).
struct Counting<'a, W> {
    inner: &'a mut W,
    count: u64,
}

impl<W: Write> Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Redacts `hars` (among them a gzip or a zip) in one batch; see the module documentation.
pub fn redact(
    mut batch: Batch,
    output: Option<&Path>,
    hars: &[PathBuf],
    keep_others: bool,
) -> Result<ExitCode, String> {
    let inputs: Vec<&Path> = hars.iter().map(PathBuf::as_path).filter(|p| p.as_os_str() != "-").collect();
    let mut sources = Vec::with_capacity(hars.len());
    for path in hars {
        let source = open(path)?;
        if let Form::Zip { hars: found, .. } = &source.form {
            if found.is_empty() {
                eprintln!("harlens: {}: warning: no HAR in this zip", terminal(&source.display));
            }
        }
        sources.push(source);
    }
    let mut outs = Vec::with_capacity(hars.len());
    for (path, source) in hars.iter().zip(&sources) {
        let stdin = path.as_os_str() == "-";
        outs.push(match output {
            Some(out) if out.as_os_str() == "-" => Output::stdout(),
            Some(out) => Output::file(out, &inputs)?,
            None if stdin => Output::stdout(),
            None => Output::file(
                &match source.form {
                    Form::Plain => super::redacted_name(path),
                    Form::Gzip => redacted_name(path, ".gz"),
                    Form::Zip { .. } => redacted_name(path, ".zip"),
                },
                &inputs,
            )?,
        });
    }
    let note = |message: String, outs: &[Output]| outs.iter().fold(message, with_note);
    for source in &sources {
        for (name, reader) in units(source).map_err(|e| note(e, &outs))? {
            let label = format!("{} (reading, 1/2)", name);
            redact_pass(&mut batch, Pass::Collect, reader, None, &label, &mut |_| Ok(()), &mut |_| Ok(()))
                .map_err(|e| note(e, &outs))?;
        }
    }
    let mut total = RedactSummary::default();
    for (source, mut out) in sources.iter().zip(outs) {
        let shown = out.shown().to_owned();
        let summary = match write_source(&mut batch, source, &mut out, keep_others) {
            Ok(summary) => out.commit().map(|()| summary)?,
            Err(message) => return Err(with_note(message, &out)),
        };
        eprintln!("harlens: {} -> {}: {}", terminal(&source.display), terminal(&shown), summary.describe());
        for w in batch.warnings() {
            let times = if w.count > 1 { format!(" ({} times)", w.count) } else { String::new() };
            eprintln!("harlens: {}: warning: {}{times}", terminal(&source.display), terminal(&w.message));
        }
        total.add(&summary);
    }
    if hars.len() > 1 {
        eprintln!("harlens: {} files: {}", hars.len(), total.describe());
    }
    Ok(ExitCode::SUCCESS)
}

/// The second pass over one source, written in its form; what was replaced in its HARs.
fn write_source(
    batch: &mut Batch,
    source: &Source,
    out: &mut Output,
    keep_others: bool,
) -> Result<RedactSummary, String> {
    let mut summary = RedactSummary::default();
    let shown = out.shown().to_owned();
    let failed = |e: io::Error| format!("{shown}: cannot write: {e}");
    let mut units = units(source)?;
    match &source.form {
        Form::Plain | Form::Gzip => {
            let Some((name, reader)) = units.pop() else { return Ok(summary) };
            let label = format!("{name} (writing, 2/2)");
            if matches!(source.form, Form::Plain) {
                return redact_pass(batch, Pass::Write, reader, None, &label, &mut |_| Ok(()), &mut |b| {
                    out.write_all(b).map_err(failed)
                });
            }
            let mut gz = GzEncoder::new(&mut *out, flate2::Compression::default());
            summary = redact_pass(batch, Pass::Write, reader, None, &label, &mut |_| Ok(()), &mut |b| {
                gz.write_all(b).map_err(failed)
            })?;
            gz.finish().map_err(failed)?;
        }
        Form::Zip { members, hars, others } => {
            let mut writer = ZipWriter::new();
            let mut offset = 0u64;
            for ((name, reader), har) in units.into_iter().zip(hars) {
                let header = writer.begin_member(har.path(members), Compression::Deflate, offset);
                out.write_all(&header).map_err(failed)?;
                let mut counting = Counting { inner: &mut *out, count: 0 };
                let (mut crc, mut size) = (Crc32::new(), 0u64);
                let mut deflate = DeflateEncoder::new(&mut counting, flate2::Compression::default());
                let label = format!("{name} (writing, 2/2)");
                let member_summary =
                    redact_pass(batch, Pass::Write, reader, None, &label, &mut |_| Ok(()), &mut |b| {
                        crc.update(b);
                        size += b.len() as u64;
                        deflate.write_all(b).map_err(failed)
                    })?;
                deflate.finish().map_err(failed)?;
                summary.add(&member_summary);
                let compressed = counting.count;
                let descriptor = writer.end_member(crc.value(), compressed, size);
                out.write_all(&descriptor).map_err(failed)?;
                offset += (header.len() + descriptor.len()) as u64 + compressed;
            }
            for &i in others.iter().filter(|_| keep_others) {
                let member = &members[i];
                let compression = match member.method {
                    zip::Method::Stored => Compression::Stored,
                    zip::Method::Deflate => Compression::Deflate,
                    zip::Method::Other(_) => {
                        eprintln!(
                            "harlens: {}: {}: left out: {}",
                            terminal(&source.display),
                            terminal(&member.name),
                            Problem::Unsupported(member.method.name())
                        );
                        continue;
                    }
                };
                let (start, end) = data_range(&source.file, source.len, member).map_err(|problem| {
                    ArchiveError {
                        archive: source.display.clone(),
                        member: Some(member.name.clone()),
                        problem,
                    }
                    .to_string()
                })?;
                let header = writer.begin_member(&member.name, compression, offset);
                out.write_all(&header).map_err(failed)?;
                let mut raw = Slice { file: source.file.clone(), pos: start, end };
                let copied = io::copy(&mut raw, &mut *out)
                    .map_err(|e| format!("{}: {}", source.display, problem_of(&e)))?;
                let descriptor = writer.end_member(member.crc32, copied, member.size);
                out.write_all(&descriptor).map_err(failed)?;
                offset += (header.len() + descriptor.len()) as u64 + copied;
            }
            out.write_all(&writer.finish(offset)).map_err(failed)?;
        }
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_names_keep_the_form() {
        let name = |p: &str, ext: &str| redacted_name(Path::new(p), ext).display().to_string();
        assert_eq!(name("d/x.har.gz", ".gz"), "d/x.redacted.har.gz");
        assert_eq!(name("x.gz", ".gz"), "x.redacted.gz");
        assert_eq!(name("support.zip", ".zip"), "support.redacted.zip");
        assert_eq!(name("Session.HAR.ZIP", ".zip"), "Session.redacted.HAR.ZIP");
    }
}
