// The protobuf wire format (https://protobuf.dev/programming-guides/encoding/), read in place:
// a cursor over the file's bytes that yields each field's number and value. Length-delimited
// values are views into the same bytes (never copies), so a 100 MB model's weights cost nothing
// until something reads them. A truncated or malformed message throws WireError with the offset.

export class WireError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

export const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  Bytes = 2,
  StartGroup = 3,
  EndGroup = 4,
  Fixed32 = 5,
}

const TWO_32 = 4294967296;

export class WireReader {
  pos: number;
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array, start = 0, readonly end = bytes.length) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's number and wire type. */
  tag(): { field: number; type: WireType } {
    const at = this.pos;
    const t = this.varint();
    const field = Math.floor(t / 8);
    const type = t % 8;
    if (field < 1 || type > 5) throw new WireError(`invalid field key ${t}`, at);
    return { field, type: type as WireType };
  }

  /**
   * A varint as a JS number: exact below 2^53, rounded above (int64 fields such as Slice's
   * INT64_MAX ends). Negative int64 values (ten bytes, two's complement) come out negative.
   */
  varint(): number {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    const start = this.pos;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError('the data ends inside a number', start);
      const b = this.bytes[this.pos++];
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      shift += 7;
      // hi is a signed 32-bit integer after the bitwise ops: an int64's sign comes with it.
      if (b < 0x80) return hi * TWO_32 + (lo >>> 0);
    }
    throw new WireError('a number longer than ten bytes', start);
  }

  /** Length-delimited: the [start, end) range of its bytes, checked against the message's end. */
  range(): [number, number] {
    const at = this.pos;
    const n = this.varint();
    if (n > this.end - this.pos) throw new WireError(`a field of ${n} bytes runs past the end of its message (${this.end - this.pos} bytes left)`, at);
    const start = this.pos;
    this.pos += n;
    return [start, this.pos];
  }

  /** Length-delimited bytes as a view (no copy). */
  view8(): Uint8Array {
    const [s, e] = this.range();
    return this.bytes.subarray(s, e);
  }

  string(): string {
    return utf8(this.view8());
  }

  float32(): number {
    if (this.end - this.pos < 4) throw new WireError('the data ends inside a float', this.pos);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  fixed64(): number {
    if (this.end - this.pos < 8) throw new WireError('the data ends inside a 64-bit value', this.pos);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Skips a field of the given type (unknown fields, and fields ConvLens does not need). */
  skip(type: WireType): void {
    switch (type) {
      case WireType.Varint:
        this.varint();
        return;
      case WireType.Fixed64:
        if (this.end - this.pos < 8) throw new WireError('the data ends inside a 64-bit value', this.pos);
        this.pos += 8;
        return;
      case WireType.Bytes:
        this.range();
        return;
      case WireType.Fixed32:
        if (this.end - this.pos < 4) throw new WireError('the data ends inside a 32-bit value', this.pos);
        this.pos += 4;
        return;
      default:
        throw new WireError(`unsupported wire type ${type} (groups are not used by ONNX)`, this.pos);
    }
  }

  /** A nested message's reader over its own bytes. */
  sub(): WireReader {
    const [s, e] = this.range();
    return new WireReader(this.bytes, s, e);
  }

  /** Repeated scalars, packed (one length-delimited run) or not (one value per field). */
  repeated(type: WireType, read: (r: WireReader) => number, into: number[]): void {
    if (type === WireType.Bytes) {
      const r = this.sub();
      while (!r.done) into.push(read(r));
    } else into.push(read(this));
  }
}

/** UTF-8 bytes → string (the engine has no TextDecoder: ES2022 only); bad sequences become U+FFFD. */
export function utf8(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    let cp = 0xfffd;
    let n = 1;
    if (c < 0x80) cp = c;
    else if (c >= 0xc2 && c < 0xe0 && i + 1 < b.length) [cp, n] = [((c & 0x1f) << 6) | (b[i + 1] & 0x3f), 2];
    else if (c >= 0xe0 && c < 0xf0 && i + 2 < b.length) [cp, n] = [((c & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f), 3];
    else if (c >= 0xf0 && c < 0xf5 && i + 3 < b.length) [cp, n] = [((c & 0x07) << 18) | ((b[i + 1] & 0x3f) << 12) | ((b[i + 2] & 0x3f) << 6) | (b[i + 3] & 0x3f), 4];
    out += String.fromCodePoint(cp);
    i += n;
  }
  return out;
}
