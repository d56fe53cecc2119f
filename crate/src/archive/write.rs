//! Zip writing helpers, so that both shells write a zip of redacted HARs with their own deflater (flate2
//! natively, `CompressionStream('deflate-raw')` in the browser) and the same bytes around the data.
//!
//! Members are streamed: [`ZipWriter::begin_member`] gives the local header (sizes and CRC-32 follow the data
//! in a data descriptor, general purpose flag bit 3), the shell writes the compressed data, then
//! [`ZipWriter::end_member`] gives the descriptor; [`ZipWriter::finish`] the central directory and the end
//! records. Zip64 records are written only where a size, an offset or the member count needs them (the
//! descriptor then has 8-byte sizes, as Go's and Info-ZIP's writers do). Times are 1980-01-01 00:00 (the
//! format's epoch): the same inputs give the same bytes.

/// How a member's data is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Stored,
    /// Raw deflate (RFC 1951), as `deflate-raw` and flate2's `DeflateEncoder` write it.
    Deflate,
}

impl Compression {
    fn id(self) -> u16 {
        match self {
            Compression::Stored => 0,
            Compression::Deflate => 8,
        }
    }
}

#[derive(Debug, Clone)]
struct Written {
    name: Vec<u8>,
    method: u16,
    offset: u64,
    crc32: u32,
    compressed_size: u64,
    size: u64,
}

/// Writes one zip, member by member. See the module documentation.
#[derive(Debug, Clone, Default)]
pub struct ZipWriter {
    members: Vec<Written>,
}

const U32_MAX: u64 = 0xFFFF_FFFF;
/// Flags: bit 3 (sizes in the data descriptor), bit 11 (the name is UTF-8).
const FLAGS: u16 = (1 << 3) | (1 << 11);
/// 1980-01-01 as an MS-DOS date; the time is 00:00.
const DOS_DATE: u16 = (1 << 5) | 1;

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// A 64-bit value as a 32-bit field: all ones when it needs the zip64 field.
fn field32(v: u64) -> u32 {
    u32::try_from(v).ok().filter(|&v| u64::from(v) < U32_MAX).unwrap_or(u32::MAX)
}

impl ZipWriter {
    pub fn new() -> Self {
        Self::default()
    }

    /// The local header of the next member, `name` (a path with `/`), to be written at `offset` (the bytes
    /// of the zip written so far). Its compressed data follows, then [`ZipWriter::end_member`]'s bytes.
    pub fn begin_member(&mut self, name: &str, compression: Compression, offset: u64) -> Vec<u8> {
        let name = name.as_bytes().get(..usize::from(u16::MAX)).unwrap_or(name.as_bytes()).to_vec();
        let mut out = Vec::with_capacity(30 + name.len());
        put32(&mut out, 0x0403_4b50);
        put16(&mut out, 20);
        put16(&mut out, FLAGS);
        put16(&mut out, compression.id());
        put16(&mut out, 0);
        put16(&mut out, DOS_DATE);
        // CRC-32 and sizes: in the data descriptor.
        put32(&mut out, 0);
        put32(&mut out, 0);
        put32(&mut out, 0);
        put16(&mut out, name.len() as u16);
        put16(&mut out, 0);
        out.extend_from_slice(&name);
        self.members.push(Written {
            name,
            method: compression.id(),
            offset,
            crc32: 0,
            compressed_size: 0,
            size: 0,
        });
        out
    }

    /// The data descriptor of the member begun last: its data's CRC-32 (of the uncompressed bytes), its
    /// compressed size and its size.
    pub fn end_member(&mut self, crc32: u32, compressed_size: u64, size: u64) -> Vec<u8> {
        let mut out = Vec::with_capacity(24);
        put32(&mut out, 0x0807_4b50);
        put32(&mut out, crc32);
        if compressed_size >= U32_MAX || size >= U32_MAX {
            put64(&mut out, compressed_size);
            put64(&mut out, size);
        } else {
            put32(&mut out, compressed_size as u32);
            put32(&mut out, size as u32);
        }
        if let Some(m) = self.members.last_mut() {
            m.crc32 = crc32;
            m.compressed_size = compressed_size;
            m.size = size;
        }
        out
    }

    /// The central directory and the end records, to be written at `offset`, after the last member.
    pub fn finish(&self, offset: u64) -> Vec<u8> {
        let mut out = Vec::new();
        for m in &self.members {
            let mut zip64 = Vec::new();
            for v in [m.size, m.compressed_size, m.offset] {
                if v >= U32_MAX {
                    put64(&mut zip64, v);
                }
            }
            put32(&mut out, 0x0201_4b50);
            put16(&mut out, if zip64.is_empty() { 20 } else { 45 });
            put16(&mut out, if zip64.is_empty() { 20 } else { 45 });
            put16(&mut out, FLAGS);
            put16(&mut out, m.method);
            put16(&mut out, 0);
            put16(&mut out, DOS_DATE);
            put32(&mut out, m.crc32);
            put32(&mut out, field32(m.compressed_size));
            put32(&mut out, field32(m.size));
            put16(&mut out, m.name.len() as u16);
            put16(&mut out, if zip64.is_empty() { 0 } else { 4 + zip64.len() as u16 });
            put16(&mut out, 0); // comment
            put16(&mut out, 0); // disk
            put16(&mut out, 0); // internal attributes
            put32(&mut out, 0); // external attributes
            put32(&mut out, field32(m.offset));
            out.extend_from_slice(&m.name);
            if !zip64.is_empty() {
                put16(&mut out, 0x0001);
                put16(&mut out, zip64.len() as u16);
                out.extend_from_slice(&zip64);
            }
        }
        let size = out.len() as u64;
        let count = self.members.len() as u64;
        if count >= 0xFFFF || size >= U32_MAX || offset >= U32_MAX {
            let record = offset + size;
            put32(&mut out, 0x0606_4b50);
            put64(&mut out, 44);
            put16(&mut out, 45);
            put16(&mut out, 45);
            put32(&mut out, 0);
            put32(&mut out, 0);
            put64(&mut out, count);
            put64(&mut out, count);
            put64(&mut out, size);
            put64(&mut out, offset);
            put32(&mut out, 0x0706_4b50);
            put32(&mut out, 0);
            put64(&mut out, record);
            put32(&mut out, 1);
        }
        let count16 = u16::try_from(count).ok().filter(|&c| c < 0xFFFF).unwrap_or(0xFFFF);
        put32(&mut out, 0x0605_4b50);
        put16(&mut out, 0);
        put16(&mut out, 0);
        put16(&mut out, count16);
        put16(&mut out, count16);
        put32(&mut out, field32(size));
        put32(&mut out, field32(offset));
        put16(&mut out, 0);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::crc32;
    use super::super::zip::{data_offset, find_directory, read_directory, Method, TAIL_BYTES};
    use super::*;

    #[test]
    fn the_reader_reads_it_back_with_zip64_where_needed() {
        let mut w = ZipWriter::new();
        let mut file = Vec::new();
        let data = b"{\"log\":{\"entries\":[]}}";
        file.extend(w.begin_member("dir/é.har", Compression::Stored, 0));
        file.extend_from_slice(data);
        file.extend(w.end_member(crc32(data), data.len() as u64, data.len() as u64));
        let at = file.len() as u64;
        file.extend(w.finish(at));
        let tail = &file[file.len().saturating_sub(TAIL_BYTES)..];
        let dir = find_directory(tail, file.len() as u64).unwrap();
        assert!(!dir.zip64);
        let members = read_directory(&file[dir.offset as usize..][..dir.size as usize], &dir).unwrap();
        assert_eq!(members[0].name, "dir/é.har");
        assert_eq!(members[0].crc32, crc32(data));
        let start = data_offset(&file[members[0].header_offset as usize..], &members[0]).unwrap() as usize;
        assert_eq!(&file[start..start + data.len()], data);

        // A member past 4 GiB (as its sizes and offset say: the reader only reads the records).
        let mut w = ZipWriter::new();
        let _ = w.begin_member("big.har", Compression::Deflate, 5 << 30);
        let descriptor = w.end_member(7, 6 << 30, 40 << 30);
        assert_eq!(descriptor.len(), 24, "8-byte sizes");
        let end = w.finish(12 << 30);
        // Stand the records at their offsets: the reader sees only the tail and the directory.
        let dir = find_directory(&end, (12 << 30) + end.len() as u64).unwrap();
        assert!(dir.zip64);
        assert_eq!(dir.shift, 0);
        assert_eq!(dir.offset, 12 << 30);
        let members = read_directory(&end[..dir.size as usize], &dir).unwrap();
        assert_eq!(
            (members[0].size, members[0].compressed_size, members[0].header_offset, members[0].method),
            (40 << 30, 6 << 30, 5 << 30, Method::Deflate)
        );
    }
}
