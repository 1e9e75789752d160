// A TensorProto's elements as numbers, decoded only when asked: from raw_data (a view into the
// file), the typed *_data fields, or external data the front end hands in (the engine does no
// I/O). float16 and bfloat16 widen to float32; int8/uint8 stay their integer values (a
// DequantizeLinear node in the graph scales them; ConvLens does not guess a scale).
import { DataType, type OnnxTensor } from './proto';

/** Bytes of the file named by an external-data `location` (model.onnx.data), or undefined when it cannot be had. */
/**
 * The bytes of an external data file by its location. `unavailable` says why none can be given
 * (a model read from standard input has no folder), for the finding.
 */
export type ExternalData = ((location: string) => Uint8Array | undefined) & { unavailable?: string };

export class TensorDataError extends Error {}

const BYTES: Record<number, number> = {
  [DataType.FLOAT]: 4,
  [DataType.UINT8]: 1,
  [DataType.INT8]: 1,
  [DataType.UINT16]: 2,
  [DataType.INT16]: 2,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
  [DataType.BOOL]: 1,
  [DataType.FLOAT16]: 2,
  [DataType.DOUBLE]: 8,
  [DataType.UINT32]: 4,
  [DataType.UINT64]: 8,
  [DataType.BFLOAT16]: 2,
};

export const DATA_TYPE_NAMES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

export const isNumericType = (t: number) => BYTES[t] !== undefined;

export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** float16 bits → number. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** The raw little-endian bytes of a tensor (raw_data or external), or undefined when it uses typed fields. */
function rawBytes(t: OnnxTensor, external?: ExternalData): Uint8Array | undefined {
  if (t.external) {
    const location = t.external.location;
    if (!location) throw new TensorDataError(`tensor '${t.name}' is stored outside the file but names no location`);
    const file = external?.(location);
    if (!file) throw new TensorDataError(`tensor '${t.name}' is stored in '${location}', ${external?.unavailable ?? 'which was not given (it belongs next to the .onnx file)'}`);
    const offset = Number(t.external.offset ?? 0);
    const length = t.external.length !== undefined ? Number(t.external.length) : elementCount(t.dims) * (BYTES[t.dataType] ?? 0);
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > file.length) {
      throw new TensorDataError(`tensor '${t.name}' is said to be at bytes ${offset}–${offset + length} of '${location}', which has ${file.length}`);
    }
    return file.subarray(offset, offset + length);
  }
  return t.raw;
}

/** Checks, without decoding, that a tensor's data is there and has its shape's size (else TensorDataError). */
export function checkTensorData(t: OnnxTensor, external?: ExternalData): void {
  const size = BYTES[t.dataType];
  if (size === undefined) throw new TensorDataError(`tensor '${t.name}' has element type ${DATA_TYPE_NAMES[t.dataType] ?? t.dataType}, which ConvLens does not read`);
  const n = elementCount(t.dims);
  const raw = rawBytes(t, external);
  if (raw) {
    if (raw.length !== n * size) throw new TensorDataError(`tensor '${t.name}' has ${raw.length} bytes of data but its shape [${t.dims.join(', ')}] needs ${n * size}`);
    return;
  }
  const typed = t.floatData ?? t.doubleData ?? t.int64Data ?? t.int32Data ?? [];
  if (typed.length !== n) throw new TensorDataError(`tensor '${t.name}' holds ${typed.length} values but its shape [${t.dims.join(', ')}] needs ${n}`);
}

/** Every element of a numeric tensor as float32 (weights for the kernels). */
export function tensorFloats(t: OnnxTensor, external?: ExternalData): Float32Array {
  const n = elementCount(t.dims);
  const out = new Float32Array(n);
  readInto(t, out, external);
  return out;
}

/** Every element as a JS number (shape arithmetic; int64 values beyond 2^53 are rounded). */
export function tensorNumbers(t: OnnxTensor, external?: ExternalData): number[] {
  const n = elementCount(t.dims);
  const out = new Array<number>(n);
  readInto(t, out, external);
  return out;
}

function readInto(t: OnnxTensor, out: { length: number; [i: number]: number }, external?: ExternalData): void {
  const n = out.length;
  const size = BYTES[t.dataType];
  if (size === undefined) throw new TensorDataError(`tensor '${t.name}' has element type ${DATA_TYPE_NAMES[t.dataType] ?? t.dataType}, which ConvLens does not read`);
  const raw = rawBytes(t, external);
  if (raw) {
    if (raw.length !== n * size) throw new TensorDataError(`tensor '${t.name}' has ${raw.length} bytes of data but its shape [${t.dims.join(', ')}] needs ${n * size}`);
    const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < n; i++) out[i] = element(v, i * size, t.dataType);
    return;
  }
  const typed = t.floatData ?? t.doubleData ?? t.int64Data ?? t.int32Data ?? [];
  if (typed.length !== n) throw new TensorDataError(`tensor '${t.name}' holds ${typed.length} values but its shape [${t.dims.join(', ')}] needs ${n}`);
  for (let i = 0; i < n; i++) {
    const x = typed[i];
    // int32_data carries float16 as bit patterns, and 8/16-bit integers as int32.
    out[i] = t.dataType === DataType.FLOAT16 ? halfToFloat(x) : t.dataType === DataType.BFLOAT16 ? bf16(x) : x;
  }
}

const bf16 = (bits: number) => new Float32Array(new Uint32Array([(bits & 0xffff) << 16]).buffer)[0];

function element(v: DataView, at: number, type: number): number {
  switch (type) {
    case DataType.FLOAT:
      return v.getFloat32(at, true);
    case DataType.DOUBLE:
      return v.getFloat64(at, true);
    case DataType.FLOAT16:
      return halfToFloat(v.getUint16(at, true));
    case DataType.BFLOAT16:
      return bf16(v.getUint16(at, true));
    case DataType.INT8:
      return v.getInt8(at);
    case DataType.UINT8:
    case DataType.BOOL:
      return v.getUint8(at);
    case DataType.INT16:
      return v.getInt16(at, true);
    case DataType.UINT16:
      return v.getUint16(at, true);
    case DataType.INT32:
      return v.getInt32(at, true);
    case DataType.UINT32:
      return v.getUint32(at, true);
    case DataType.INT64:
      return v.getInt32(at + 4, true) * 4294967296 + v.getUint32(at, true);
    case DataType.UINT64:
      return v.getUint32(at + 4, true) * 4294967296 + v.getUint32(at, true);
  }
  return NaN;
}
