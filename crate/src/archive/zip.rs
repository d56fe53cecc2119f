//! The zip directory reader, sans-I/O: the shells read the bytes it asks for (the CLI seeks, the page slices
//! the `File`) and inflate the members themselves.
//!
//! 1. [`find_directory`] from the file's last [`TAIL_BYTES`] bytes (fewer when the file is shorter): the end
//!    of central directory record (and the zip64 one) -> where the central directory is.
//! 2. [`read_directory`] from the central directory's bytes -> the [`Member`]s.
//! 3. [`data_offset`] from a member's local header (its first [`LOCAL_HEADER_BYTES`]) -> where its data
//!    starts; the data is [`Member::compressed_size`] bytes from there, stored or deflated.
//!
//! Nothing here panics or allocates in proportion to anything but the directory it is given.

use super::Problem;

/// The end of central directory record without its comment.
pub const END_RECORD_BYTES: usize = 22;
/// The longest comment the end record can have.
pub const MAX_COMMENT: usize = 0xFFFF;
/// The zip64 end of central directory locator, just before the end record.
pub const ZIP64_LOCATOR_BYTES: usize = 20;
/// The zip64 end of central directory record without its extensible data, just before the locator.
pub const ZIP64_END_RECORD_BYTES: usize = 56;
/// How many of the file's last bytes [`find_directory`] needs: the end record with the longest comment, and
/// the zip64 locator and record before it (65,633 bytes).
pub const TAIL_BYTES: usize = END_RECORD_BYTES + MAX_COMMENT + ZIP64_LOCATOR_BYTES + ZIP64_END_RECORD_BYTES;
/// A local file header without its name and extra field: what [`data_offset`] reads.
pub const LOCAL_HEADER_BYTES: usize = 30;
/// The largest central directory read (about 600,000 members): beyond that the zip is refused rather than
/// held in memory.
pub const MAX_DIRECTORY_BYTES: u64 = 64 << 20;

const END_SIG: u32 = 0x0605_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_END_SIG: u32 = 0x0606_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const LOCAL_SIG: u32 = 0x0403_4b50;
const CENTRAL_BYTES: usize = 46;

/// Where the central directory is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Directory {
    /// Its offset in the file (already shifted, see `shift`).
    pub offset: u64,
    pub size: u64,
    /// Members the end record declares.
    pub members: u64,
    /// Bytes before the archive proper (a self-extractor's stub, a zip appended to another file): every
    /// offset the archive records is this much further in the file. [`read_directory`] applies it.
    pub shift: u64,
    pub zip64: bool,
}

/// How a member's data is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Stored,
    Deflate,
    /// Any other method, by its number (see [`Method::name`]).
    Other(u16),
}

impl Method {
    fn from_id(id: u16) -> Method {
        match id {
            0 => Method::Stored,
            8 => Method::Deflate,
            other => Method::Other(other),
        }
    }

    /// `stored`, `deflate`, or the other method's name (`deflate64`, `bzip2`, `lzma`, `zstd`, `xz`, ...).
    pub fn name(self) -> String {
        let known = match self {
            Method::Stored => "stored",
            Method::Deflate => "deflate",
            Method::Other(1) => "shrink",
            Method::Other(2..=5) => "reduce",
            Method::Other(6) => "implode",
            Method::Other(9) => "deflate64",
            Method::Other(10) => "PKWARE implode",
            Method::Other(12) => "bzip2",
            Method::Other(14) => "lzma",
            Method::Other(18) => "IBM TERSE",
            Method::Other(19) => "IBM LZ77",
            Method::Other(20 | 93) => "zstd",
            Method::Other(94) => "mp3",
            Method::Other(95) => "xz",
            Method::Other(96) => "jpeg",
            Method::Other(97) => "wavpack",
            Method::Other(98) => "ppmd",
            Method::Other(99) => "AES",
            Method::Other(n) => return format!("method {n}"),
        };
        known.to_owned()
    }
}

/// One member of the central directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Its path in the archive: UTF-8 when flagged so, else CP437 (both read lossily).
    pub name: String,
    pub method: Method,
    /// Encrypted (traditional PKWARE encryption, or WinZip AES).
    pub encrypted: bool,
    pub crc32: u32,
    pub compressed_size: u64,
    /// Its inflated size as declared (a lie is caught while inflating: see `limits`).
    pub size: u64,
    /// Where its local header is in the file (shifted).
    pub header_offset: u64,
    /// A directory entry (its name ends with `/`): nothing to read.
    pub is_dir: bool,
}

impl Member {
    /// Whether the shells can inflate it: not encrypted, stored or deflated. The error says why not.
    pub fn readable(&self) -> Result<(), Problem> {
        if self.encrypted {
            return Err(Problem::Encrypted);
        }
        match self.method {
            Method::Stored | Method::Deflate => Ok(()),
            Method::Other(_) => Err(Problem::Unsupported(self.method.name())),
        }
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at.checked_add(2)?).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at.checked_add(4)?).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_le_bytes(a))
}

fn corrupt(what: &str) -> Problem {
    Problem::Corrupt(what.to_owned())
}

/// Finds the central directory from `tail`, the last bytes of a file of `file_len` bytes (give it
/// [`TAIL_BYTES`], or the whole file when shorter).
pub fn find_directory(tail: &[u8], file_len: u64) -> Result<Directory, Problem> {
    let tail_start =
        file_len.checked_sub(tail.len() as u64).ok_or_else(|| corrupt("the tail is longer than the file"))?;
    // The end record is searched from the end: its comment may contain the signature, so a candidate whose
    // comment ends exactly at the end of the file wins; else the last candidate (some tools append bytes).
    let mut found = None;
    let mut at = tail.len().checked_sub(END_RECORD_BYTES).ok_or(Problem::NotZip)?;
    loop {
        if u32_at(tail, at) == Some(END_SIG) {
            let comment = usize::from(u16_at(tail, at + 20).unwrap_or(0));
            if at + END_RECORD_BYTES + comment == tail.len() {
                found = Some(at);
                break;
            }
            found = found.or(Some(at));
        }
        if at == 0 {
            break;
        }
        at -= 1;
    }
    let at = found.ok_or(Problem::NotZip)?;
    let end = &tail[at..];
    let field = |o: usize| u32_at(end, o).map(u64::from).ok_or_else(|| corrupt("end record cut short"));
    let members = u64::from(u16_at(end, 10).unwrap_or(0));
    let (size, offset) = (field(12)?, field(16)?);
    let end_pos = tail_start + at as u64;
    let needs_zip64 = members == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF;
    let locator = at.checked_sub(ZIP64_LOCATOR_BYTES).filter(|&l| u32_at(tail, l) == Some(ZIP64_LOCATOR_SIG));
    if let Some(l) = locator {
        let record_offset = u64_at(tail, l + 8).ok_or_else(|| corrupt("zip64 locator cut short"))?;
        // The zip64 record sits just before its locator.
        let r = l.checked_sub(ZIP64_END_RECORD_BYTES).filter(|&r| u32_at(tail, r) == Some(ZIP64_END_SIG));
        let Some(r) = r else {
            return Err(corrupt("the zip64 end record is not before its locator"));
        };
        let record = &tail[r..];
        let get = |o| u64_at(record, o).ok_or_else(|| corrupt("zip64 end record cut short"));
        let (members, size, offset) = (get(32)?, get(40)?, get(48)?);
        let record_pos = tail_start + r as u64;
        let shift =
            record_pos.checked_sub(record_offset).ok_or_else(|| corrupt("zip64 end record offset"))?;
        return directory(offset, size, members, shift, true, record_pos);
    }
    if needs_zip64 {
        return Err(corrupt("the end record needs a zip64 record, and there is none"));
    }
    // The directory ends where the end record starts; any difference is a prefix before the archive.
    let directory_end = offset.checked_add(size).ok_or_else(|| corrupt("directory size"))?;
    let shift = end_pos.checked_sub(directory_end).ok_or(Problem::Truncated)?;
    directory(offset, size, members, shift, false, end_pos)
}

fn directory(
    offset: u64,
    size: u64,
    members: u64,
    shift: u64,
    zip64: bool,
    end: u64,
) -> Result<Directory, Problem> {
    let offset = offset.checked_add(shift).ok_or_else(|| corrupt("directory offset"))?;
    if offset.checked_add(size).is_none_or(|e| e > end) {
        return Err(Problem::Truncated);
    }
    if size > MAX_DIRECTORY_BYTES {
        return Err(Problem::Corrupt(format!(
            "a central directory of {size} bytes is more than harlens reads"
        )));
    }
    Ok(Directory { offset, size, members, shift, zip64 })
}

/// The members listed in the central directory `bytes` (the [`Directory::size`] bytes at
/// [`Directory::offset`]), in their order; offsets are shifted by [`Directory::shift`].
pub fn read_directory(bytes: &[u8], directory: &Directory) -> Result<Vec<Member>, Problem> {
    let mut members =
        Vec::with_capacity(directory.members.min(bytes.len() as u64 / CENTRAL_BYTES as u64) as usize);
    let mut at = 0usize;
    while at < bytes.len() {
        let n = members.len() + 1;
        let record = &bytes[at..];
        if u32_at(record, 0) != Some(CENTRAL_SIG) {
            return Err(Problem::Corrupt(format!("central directory record {n} has no signature")));
        }
        let cut = || Problem::Corrupt(format!("central directory record {n} is cut short"));
        let flags = u16_at(record, 8).ok_or_else(cut)?;
        let method_id = u16_at(record, 10).ok_or_else(cut)?;
        let crc32 = u32_at(record, 16).ok_or_else(cut)?;
        let mut compressed_size = u64::from(u32_at(record, 20).ok_or_else(cut)?);
        let mut size = u64::from(u32_at(record, 24).ok_or_else(cut)?);
        let name_len = usize::from(u16_at(record, 28).ok_or_else(cut)?);
        let extra_len = usize::from(u16_at(record, 30).ok_or_else(cut)?);
        let comment_len = usize::from(u16_at(record, 32).ok_or_else(cut)?);
        let mut header_offset = u64::from(u32_at(record, 42).ok_or_else(cut)?);
        let name_end = CENTRAL_BYTES + name_len;
        let extra_end = name_end + extra_len;
        let raw_name = record.get(CENTRAL_BYTES..name_end).ok_or_else(cut)?;
        let extra = record.get(name_end..extra_end).ok_or_else(cut)?;
        if record.len() < extra_end + comment_len {
            return Err(cut());
        }
        let mut method = Method::from_id(method_id);
        let mut encrypted = flags & 1 != 0;
        for (id, data) in extra_fields(extra) {
            match id {
                // Zip64: the 64-bit values of the fields set to all ones, in this order.
                0x0001 => {
                    let mut o = 0;
                    let mut next = |value: &mut u64, limit: u64| {
                        if *value == limit {
                            if let Some(v) = u64_at(data, o) {
                                *value = v;
                                o += 8;
                            }
                        }
                    };
                    next(&mut size, 0xFFFF_FFFF);
                    next(&mut compressed_size, 0xFFFF_FFFF);
                    next(&mut header_offset, 0xFFFF_FFFF);
                }
                // WinZip AES: encrypted; the real method is inside.
                0x9901 => {
                    encrypted = true;
                    if let Some(real) = u16_at(data, 5) {
                        method = Method::from_id(real);
                    }
                }
                _ => {}
            }
        }
        if method_id == 99 {
            encrypted = true;
        }
        let name = if flags & (1 << 11) != 0 {
            String::from_utf8_lossy(raw_name).into_owned()
        } else {
            cp437(raw_name)
        };
        let header_offset = header_offset.checked_add(directory.shift).ok_or_else(cut)?;
        let is_dir = name.ends_with('/') || name.ends_with('\\');
        members.push(Member { name, method, encrypted, crc32, compressed_size, size, header_offset, is_dir });
        at += extra_end + comment_len;
    }
    Ok(members)
}

/// The (id, data) pairs of an extra field; a cut last field is ignored.
fn extra_fields(mut extra: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let id = u16_at(extra, 0)?;
        let len = usize::from(u16_at(extra, 2)?);
        let data = extra.get(4..4 + len)?;
        extra = &extra[4 + len..];
        Some((id, data))
    })
}

/// The IBM PC character set's upper half, which zip names use unless flagged UTF-8.
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

fn cp437(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b < 0x80 {
                char::from(b)
            } else {
                CP437_HIGH.chars().nth(usize::from(b - 0x80)).unwrap_or('\u{FFFD}')
            }
        })
        .collect()
}

/// Where `member`'s data starts, from the first [`LOCAL_HEADER_BYTES`] of its local header (read at
/// [`Member::header_offset`]).
pub fn data_offset(local_header: &[u8], member: &Member) -> Result<u64, Problem> {
    if local_header.len() < LOCAL_HEADER_BYTES {
        return Err(Problem::Truncated);
    }
    if u32_at(local_header, 0) != Some(LOCAL_SIG) {
        return Err(corrupt("no local header where the directory says"));
    }
    let name = u64::from(u16_at(local_header, 26).unwrap_or(0));
    let extra = u64::from(u16_at(local_header, 28).unwrap_or(0));
    member
        .header_offset
        .checked_add(LOCAL_HEADER_BYTES as u64 + name + extra)
        .ok_or_else(|| corrupt("local header offset"))
}

#[cfg(test)]
mod tests {
    use super::super::write::{Compression, ZipWriter};
    use super::*;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = ZipWriter::new();
        let mut out = Vec::new();
        for (name, data) in files {
            let at = out.len() as u64;
            out.extend(w.begin_member(name, Compression::Stored, at));
            out.extend_from_slice(data);
            out.extend(w.end_member(super::super::crc32(data), data.len() as u64, data.len() as u64));
        }
        let at = out.len() as u64;
        out.extend(w.finish(at));
        out
    }

    fn tail(file: &[u8]) -> &[u8] {
        &file[file.len().saturating_sub(TAIL_BYTES)..]
    }

    #[test]
    fn reads_what_the_writer_wrote() {
        let file = zip_of(&[("a.har", b"{\"log\":{}}"), ("logs/x.log", b"line\n")]);
        let dir = find_directory(tail(&file), file.len() as u64).unwrap();
        let members =
            read_directory(&file[dir.offset as usize..(dir.offset + dir.size) as usize], &dir).unwrap();
        assert_eq!(members.len(), 2);
        assert_eq!(members[1].name, "logs/x.log");
        assert_eq!(members[1].method, Method::Stored);
        let m = &members[1];
        let start = data_offset(&file[m.header_offset as usize..], m).unwrap() as usize;
        assert_eq!(&file[start..start + m.compressed_size as usize], b"line\n");
        // With a prefix (a self-extractor's stub), every offset moves.
        let mut shifted = b"#!/bin/sh\nexit 0\n".to_vec();
        shifted.extend_from_slice(&file);
        let dir = find_directory(tail(&shifted), shifted.len() as u64).unwrap();
        assert_eq!(dir.shift, 17);
        let members =
            read_directory(&shifted[dir.offset as usize..(dir.offset + dir.size) as usize], &dir).unwrap();
        let m = &members[0];
        let start = data_offset(&shifted[m.header_offset as usize..], m).unwrap() as usize;
        assert_eq!(&shifted[start..start + 10], b"{\"log\":{}}");
    }

    #[test]
    fn truncated_and_foreign_files_are_errors() {
        let file = zip_of(&[("a.har", b"{\"log\":{}}")]);
        assert_eq!(find_directory(b"", 0), Err(Problem::NotZip));
        assert_eq!(find_directory(b"{\"log\":{}}", 10), Err(Problem::NotZip));
        // Cut in the middle: no end record.
        let cut = &file[..file.len() - 5];
        assert_eq!(find_directory(tail(cut), cut.len() as u64), Err(Problem::NotZip));
        // Every prefix and every single-byte change: an error or members, never a panic.
        for n in 0..file.len() {
            let _ = find_directory(tail(&file[..n]), n as u64);
            for bit in [0x01u8, 0x80] {
                let mut bad = file.clone();
                bad[n] ^= bit;
                if let Ok(dir) = find_directory(tail(&bad), bad.len() as u64) {
                    if let Some(bytes) = bad.get(dir.offset as usize..(dir.offset + dir.size) as usize) {
                        let _ = read_directory(bytes, &dir);
                    }
                }
            }
        }
    }

    #[test]
    fn names_methods_and_encryption() {
        assert_eq!(cp437(b"caf\x82 \x9c"), "café £");
        assert_eq!(Method::Other(9).name(), "deflate64");
        assert_eq!(Method::Other(93).name(), "zstd");
        assert_eq!(Method::Other(77).name(), "method 77");
        let m = Member {
            name: "x".into(),
            method: Method::Other(12),
            encrypted: false,
            crc32: 0,
            compressed_size: 0,
            size: 0,
            header_offset: 0,
            is_dir: false,
        };
        assert_eq!(m.readable(), Err(Problem::Unsupported("bzip2".into())));
        assert_eq!(Member { encrypted: true, ..m.clone() }.readable(), Err(Problem::Encrypted));
        assert_eq!(Member { method: Method::Deflate, ..m }.readable(), Ok(()));
    }
}
