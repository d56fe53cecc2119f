// Writes zip archives for the tests and the test bed's fixtures (tests/testbed/archives.mjs) with node's zlib: members stored or deflated, and the damaged
// kinds support receives (an encrypted member, a method harlens does not read, a lying size), byte by byte as
// APPNOTE.TXT lays them out (local header, data, central directory, end record; no zip64: the tests stay small).
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

const METHODS = { stored: 0, deflate: 8, bzip2: 12, lzma: 14, zstd: 93 };
/** 1980-01-01 00:00, the format's epoch: the same files give the same zip. */
const DOS_DATE = (1 << 5) | 1;

/**
 * `members`: [{ name, data (Buffer or string), method: 'deflate' (default) | 'stored' | 'bzip2' | ..., encrypted,
 * size (the uncompressed size to declare, when it should lie) }]. Returns the zip as a Buffer.
 */
export function zip(members) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const m of members) {
    const data = Buffer.from(m.data);
    const method = m.method ?? 'deflate';
    const packed = method === 'deflate' ? deflateRawSync(data, { level: 9 }) : data;
    const name = Buffer.from(m.name, 'utf8');
    const flags = 0x0800 | (m.encrypted ? 1 : 0);
    const fields = (head) => {
      head.writeUInt16LE(20, 0);
      head.writeUInt16LE(flags, 2);
      head.writeUInt16LE(METHODS[method], 4);
      head.writeUInt16LE(0, 6); // time
      head.writeUInt16LE(DOS_DATE, 8);
      head.writeUInt32LE(crc32(data), 10);
      head.writeUInt32LE(packed.length, 14);
      head.writeUInt32LE(m.size ?? data.length, 18);
      head.writeUInt16LE(name.length, 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    fields(local.subarray(4));
    locals.push(local, name, packed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by
    fields(central.subarray(6));
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The members of a zip written by `zip` (or any zip without zip64 and without data descriptors), inflated. */
export function unzip(buffer) {
  const end = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  const out = [];
  for (let i = 0; i < count; i++) {
    const method = buffer.readUInt16LE(at + 10);
    const crc = buffer.readUInt32LE(at + 16);
    const packedSize = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extra = buffer.readUInt16LE(at + 30);
    const comment = buffer.readUInt16LE(at + 32);
    const local = buffer.readUInt32LE(at + 42);
    const name = buffer.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const packed = buffer.subarray(start, start + packedSize);
    out.push({ name, method, crc, data: method === 8 ? inflateRawSync(packed) : packed });
    at += 46 + nameLength + extra + comment;
  }
  return out;
}
