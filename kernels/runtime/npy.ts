// NumPy .npy (format 1.0 / 2.0) float32 read and write over Uint8Array (pure: no fs).
import type { Tensor } from '..';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export class NpyError extends Error {}

/** Encodes a tensor as a little-endian float32 C-order .npy file (format 1.0). */
export function writeNpy(t: Tensor): Uint8Array {
  const shapeStr = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  // magic(6) + version(2) + len(2) + header + '\n' must be a multiple of 64.
  const base = 10 + header.length + 1;
  header += ' '.repeat((64 - (base % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + t.data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let o = 10 + header.length;
  for (let i = 0; i < t.data.length; i++, o += 4) view.setFloat32(o, t.data[i], true);
  return out;
}

/**
 * Decodes a .npy file holding float32 or float64 (either byte order), or integer/bool data, into
 * a float32 tensor. Fortran order is transposed back to C order.
 */
export function readNpy(bytes: Uint8Array): Tensor {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new NpyError('not a .npy file (missing the \\x93NUMPY magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let hlen: number;
  let start: number;
  if (major === 1) {
    hlen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    hlen = view.getUint32(8, true);
    start = 12;
  } else throw new NpyError(`unsupported .npy version ${major}`);
  if (start + hlen > bytes.length) throw new NpyError('truncated .npy header');
  let header = '';
  for (let i = 0; i < hlen; i++) header += String.fromCharCode(bytes[start + i]);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1] === 'True';
  const shapeM = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shapeM) throw new NpyError(`cannot read the .npy header: ${header.trim()}`);
  const shape = shapeM[1].split(',').map((s) => s.trim()).filter((s) => s.length).map((s) => Number(s));
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) throw new NpyError(`bad shape in the .npy header: (${shapeM[1]})`);
  const n = shape.reduce((a, b) => a * b, 1);
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (!m) throw new NpyError(`unsupported dtype '${descr}' (use float32)`);
  const little = m[1] !== '>';
  const kind = m[2];
  const size = Number(m[3]);
  const dataStart = start + hlen;
  if (dataStart + n * size > bytes.length) throw new NpyError(`the .npy file holds fewer than the ${n} values its shape (${shape.join(', ')}) needs`);
  const read: (o: number) => number =
    kind === 'f' && size === 4 ? (o) => view.getFloat32(o, little)
    : kind === 'f' && size === 8 ? (o) => view.getFloat64(o, little)
    : kind === 'i' && size === 1 ? (o) => view.getInt8(o)
    : kind === 'u' && size === 1 ? (o) => view.getUint8(o)
    : kind === 'b' && size === 1 ? (o) => view.getUint8(o)
    : kind === 'i' && size === 2 ? (o) => view.getInt16(o, little)
    : kind === 'u' && size === 2 ? (o) => view.getUint16(o, little)
    : kind === 'i' && size === 4 ? (o) => view.getInt32(o, little)
    : kind === 'u' && size === 4 ? (o) => view.getUint32(o, little)
    : kind === 'i' && size === 8 ? (o) => Number(view.getBigInt64(o, little))
    : (() => {
        throw new NpyError(`unsupported dtype '${descr}' (use float32)`);
      })();
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = read(dataStart + i * size);
  if (fortran && shape.length > 1) return { shape, data: fortranToC(data, shape) };
  return { shape, data };
}

function fortranToC(src: Float32Array, shape: number[]): Float32Array {
  const out = new Float32Array(src.length);
  const rank = shape.length;
  const idx = new Array(rank).fill(0);
  for (let k = 0; k < src.length; k++) {
    // k is a C-order index; compute its Fortran-order position.
    let r = k;
    for (let a = rank - 1; a >= 0; a--) {
      idx[a] = r % shape[a];
      r = Math.floor(r / shape[a]);
    }
    let f = 0;
    for (let a = rank - 1; a >= 0; a--) f = f * shape[a] + idx[a];
    out[k] = src[f];
  }
  return out;
}
