// A .zip archive of stored (uncompressed) files: what a browser download of a folder needs, in a
// few lines instead of a dependency. PKWARE APPNOTE 6.3: a local header and the data per file, then
// the central directory and its end record. No compression, no ZIP64 (each file and the whole
// archive under 4 GiB), names in UTF-8 (flag bit 11).

export interface ZipEntry {
  /** '/'-separated path inside the archive. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309, the one zip and PNG use). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// 1980-01-01 00:00 in MS-DOS time and date: a fixed stamp, so the same files give the same archive.
const dosTime = 0;
const dosDate = (0 << 9) | (1 << 5) | 1;

export function zipStore(entries: readonly ZipEntry[]): Uint8Array {
  const enc = new TextEncoder();
  const names = entries.map((e) => enc.encode(e.path));
  const crcs = entries.map((e) => crc32(e.bytes));
  const localSize = entries.reduce((s, e, i) => s + 30 + names[i]!.length + e.bytes.length, 0);
  const centralSize = entries.reduce((s, _e, i) => s + 46 + names[i]!.length, 0);
  const total = localSize + centralSize + 22;
  if (total > 0xffffffff || entries.length > 0xffff)
    throw new Error('zip: too large for a zip without ZIP64');
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  const offsets: number[] = [];
  let o = 0;
  entries.forEach((e, i) => {
    offsets.push(o);
    v.setUint32(o, 0x04034b50, true); // local file header
    v.setUint16(o + 4, 20, true); // version needed: 2.0
    v.setUint16(o + 6, 0x0800, true); // UTF-8 names
    v.setUint16(o + 8, 0, true); // stored
    v.setUint16(o + 10, dosTime, true);
    v.setUint16(o + 12, dosDate, true);
    v.setUint32(o + 14, crcs[i]!, true);
    v.setUint32(o + 18, e.bytes.length, true);
    v.setUint32(o + 22, e.bytes.length, true);
    v.setUint16(o + 26, names[i]!.length, true);
    v.setUint16(o + 28, 0, true);
    out.set(names[i]!, o + 30);
    out.set(e.bytes, o + 30 + names[i]!.length);
    o += 30 + names[i]!.length + e.bytes.length;
  });
  const central = o;
  entries.forEach((e, i) => {
    v.setUint32(o, 0x02014b50, true); // central directory header
    v.setUint16(o + 4, (3 << 8) | 20, true); // made by: Unix, 2.0
    v.setUint16(o + 6, 20, true);
    v.setUint16(o + 8, 0x0800, true);
    v.setUint16(o + 10, 0, true);
    v.setUint16(o + 12, dosTime, true);
    v.setUint16(o + 14, dosDate, true);
    v.setUint32(o + 16, crcs[i]!, true);
    v.setUint32(o + 20, e.bytes.length, true);
    v.setUint32(o + 24, e.bytes.length, true);
    v.setUint16(o + 28, names[i]!.length, true);
    // extra, comment, disk, internal attributes: 0; external: a regular file, rw-r--r--
    v.setUint32(o + 38, (0o100644 << 16) >>> 0, true);
    v.setUint32(o + 42, offsets[i]!, true);
    out.set(names[i]!, o + 46);
    o += 46 + names[i]!.length;
  });
  v.setUint32(o, 0x06054b50, true); // end of central directory
  v.setUint16(o + 8, entries.length, true);
  v.setUint16(o + 10, entries.length, true);
  v.setUint32(o + 12, o - central, true);
  v.setUint32(o + 16, central, true);
  return out;
}
