// A pickled tensor's values as a contiguous float32 Tensor: float16 and bfloat16 upcast exactly
// (every value of either is a float32), float64 rounded to the nearest float32, strided views
// gathered. A view may not hold more elements than its storage (no memory blow-up from a
// stride-0 view of a small storage).
import type { Tensor } from '../tensor';
import { PyTensor } from './pickle';

export class TensorDataError extends Error {}

export const FLOAT_DTYPES = new Set(['float32', 'float16', 'bfloat16', 'float64']);

/** One IEEE half-precision value (bits) as a number. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Every float16 bit pattern as float32 (256 KB, made on first use): a lookup per value. */
let halfTable: Float32Array | null = null;

/** The storage's values as float32, element by element. */
function storageValues(t: PyTensor, what: string): Float32Array {
  const s = t.storage;
  if (!s.bytes) throw new TensorDataError(`${what}: the tensor's storage ${s.key} has no data`);
  if (!FLOAT_DTYPES.has(s.dtype)) throw new TensorDataError(`${what} is a ${s.dtype} tensor, not floating point`);
  const b = s.bytes;
  const n = s.numel;
  if (s.dtype === 'float32') {
    // Copied out when unaligned (a zip entry may start at any byte).
    return b.byteOffset % 4 === 0 ? new Float32Array(b.buffer, b.byteOffset, n) : new Float32Array(b.slice(0, 4 * n).buffer);
  }
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Float32Array(n);
  if (s.dtype === 'float16') {
    const table = (halfTable ??= Float32Array.from({ length: 65536 }, (_, h) => halfToFloat(h)));
    for (let i = 0; i < n; i++) out[i] = table[v.getUint16(2 * i, true)];
  }
  else if (s.dtype === 'bfloat16') {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) bits[i] = v.getUint16(2 * i, true) << 16;
  } else for (let i = 0; i < n; i++) out[i] = v.getFloat64(8 * i, true);
  return out;
}

/** The tensor as a contiguous float32 Tensor (a new array unless it is a float32 storage read whole). */
export function tensorToFloat32(t: PyTensor, what: string): Tensor {
  const { size, stride, offset } = t;
  if (size.length !== stride.length) throw new TensorDataError(`${what}: size and stride differ in length`);
  const numel = size.reduce((p, n) => p * n, 1);
  if (numel === 0) return { shape: size.slice(), data: new Float32Array(0) };
  if (size.some((n) => n < 0) || stride.some((n) => n < 0) || offset < 0) throw new TensorDataError(`${what}: negative size, stride or offset`);
  const last = offset + size.reduce((p, n, i) => p + (n - 1) * stride[i], 0);
  if (last >= t.storage.numel) throw new TensorDataError(`${what}: the view reaches element ${last} of a storage of ${t.storage.numel}`);
  if (numel > t.storage.numel) throw new TensorDataError(`${what}: a view of ${numel} elements over a storage of ${t.storage.numel}`);
  const src = storageValues(t, what);
  let contiguous = true;
  for (let i = size.length - 1, want = 1; i >= 0; i--) {
    if (size[i] !== 1 && stride[i] !== want) contiguous = false;
    want *= size[i];
  }
  if (contiguous) {
    const data = offset === 0 && numel === src.length && src.buffer !== t.storage.bytes?.buffer ? src : src.slice(offset, offset + numel);
    return { shape: size.slice(), data };
  }
  const data = new Float32Array(numel);
  const idx = new Array<number>(size.length).fill(0);
  for (let k = 0; k < numel; k++) {
    let at = offset;
    for (let i = 0; i < size.length; i++) at += idx[i] * stride[i];
    data[k] = src[at];
    for (let i = size.length - 1; i >= 0; i--) {
      if (++idx[i] < size[i]) break;
      idx[i] = 0;
    }
  }
  return { shape: size.slice(), data };
}
