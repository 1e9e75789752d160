// The entries of a zip archive, read from its central directory (zip64 included). torch.save
// writes its archive entries uncompressed ("stored"), so an entry is a view of the file's bytes;
// a compressed entry is reported, not inflated.

export class ZipError extends Error {}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate, … */
  method: number;
  /** The entry's bytes as stored in the file (a view, not a copy). */
  data: Uint8Array;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_ENTRIES = 1_000_000;

/** Whether the bytes start like a zip archive (a local file header). */
export function looksZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export function readZip(bytes: Uint8Array): Map<string, ZipEntry> {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => v.getUint16(at, true);
  const u32 = (at: number) => v.getUint32(at, true);
  const u64 = (at: number) => {
    const n = u32(at) + u32(at + 4) * 2 ** 32;
    if (!Number.isSafeInteger(n)) throw new ZipError('a zip64 size is too large');
    return n;
  };
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (u32(at) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('the archive is truncated or not a zip file (no end-of-central-directory record)');
  let count = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || u32(loc) !== ZIP64_LOCATOR) throw new ZipError('the archive is truncated (zip64 locator missing)');
    const rec = u64(loc + 8);
    if (rec + 56 > bytes.length || u32(rec) !== ZIP64_EOCD) throw new ZipError('the archive is truncated (zip64 record missing)');
    count = u64(rec + 32);
    cdSize = u64(rec + 40);
    cdOffset = u64(rec + 48);
  }
  if (count > MAX_ENTRIES) throw new ZipError(`the archive claims ${count} entries`);
  if (cdOffset + cdSize > bytes.length) throw new ZipError('the archive is truncated (its central directory lies past the end of the file)');
  const entries = new Map<string, ZipEntry>();
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || u32(at) !== CENTRAL) throw new ZipError(`the archive's central directory is damaged at entry ${i}`);
    const method = u16(at + 10);
    let compSize = u32(at + 20);
    const nameLen = u16(at + 28);
    const extraLen = u16(at + 30);
    const commentLen = u16(at + 32);
    let local = u32(at + 42);
    const name = asciiName(bytes.subarray(at + 46, at + 46 + nameLen));
    // zip64 extra field: the 64-bit values of the fields that are 0xFFFFFFFF, in order.
    let x = at + 46 + nameLen;
    const xEnd = x + extraLen;
    if (xEnd + commentLen > bytes.length) throw new ZipError(`the archive's central directory is damaged at entry ${i} (it runs past the end of the file)`);
    while (x + 4 <= xEnd) {
      const id = u16(x);
      const len = u16(x + 2);
      if (id === 0x0001) {
        let f = x + 4;
        if (u32(at + 24) === 0xffffffff) f += 8; // uncompressed size
        if (compSize === 0xffffffff && f + 8 <= x + 4 + len) {
          compSize = u64(f);
          f += 8;
        }
        if (local === 0xffffffff && f + 8 <= x + 4 + len) local = u64(f);
      }
      x += 4 + len;
    }
    at = xEnd + commentLen;
    if (local + 30 > bytes.length || u32(local) !== LOCAL) throw new ZipError(`the archive is truncated or damaged (entry ${name} has no local header)`);
    const start = local + 30 + u16(local + 26) + u16(local + 28);
    if (start + compSize > bytes.length) throw new ZipError(`the archive is truncated: entry ${name} runs past the end of the file`);
    entries.set(name, { name, method, data: bytes.subarray(start, start + compSize) });
  }
  return entries;
}

function asciiName(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  return s;
}
