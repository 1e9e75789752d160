// Tensor plumbing and elementwise functions that exported graphs use between the convolutions:
// permute, strided slices, numpy-broadcast binary ops (with a constant operand or two tensors)
// and one-argument functions. Shapes have no batch axis, as everywhere in the kernels.
import { Tensor, numel, checkShape } from './tensor';
import { erf } from './elementwise';

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** torch.permute: output axis i is input axis perm[i]. */
export function transpose(x: Tensor, perm: readonly number[]): Tensor {
  const rank = x.shape.length;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) throw new RangeError(`transpose: [${perm.join(', ')}] is not a permutation of ${rank} axes`);
  const shape = perm.map((p) => x.shape[p]);
  const inStrides = stridesOf(x.shape);
  const st = perm.map((p) => inStrides[p]);
  const out = new Float32Array(x.data.length);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = x.data[src];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      src += st[d];
      if (idx[d] < shape[d]) break;
      src -= st[d] * shape[d];
      idx[d] = 0;
    }
  }
  return { shape, data: out };
}

/** x[start:end:step] on each of `axes` (already clamped to the axis, step > 0). */
export function stridedSlice(x: Tensor, axes: readonly number[], starts: readonly number[], ends: readonly number[], steps?: readonly number[]): Tensor {
  const rank = x.shape.length;
  const start = new Array<number>(rank).fill(0);
  const step = new Array<number>(rank).fill(1);
  const shape = x.shape.slice();
  axes.forEach((a, i) => {
    const s = steps?.[i] ?? 1;
    if (!(s > 0)) throw new RangeError(`strided_slice: step ${s} must be positive`);
    start[a] = starts[i];
    step[a] = s;
    shape[a] = Math.max(0, Math.ceil((ends[i] - starts[i]) / s));
  });
  checkShape(shape, 'strided_slice');
  const inStrides = stridesOf(x.shape);
  const outStrides = stridesOf(shape);
  const out = new Float32Array(numel(shape));
  for (let i = 0; i < out.length; i++) {
    let off = 0;
    for (let d = 0; d < rank; d++) off += (start[d] + (Math.floor(i / outStrides[d]) % shape[d]) * step[d]) * inStrides[d];
    out[i] = x.data[off];
  }
  return { shape, data: out };
}

const BINARY: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => Math.pow(a, b),
  max: (a, b) => Math.max(a, b),
  min: (a, b) => Math.min(a, b),
};

/** numpy broadcasting of two shapes (aligned from the last axis). */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new RangeError(`shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** For each output element, the offset into an operand of `shape` broadcast to `out`. */
function broadcastOffsets(shape: readonly number[], out: readonly number[]): Int32Array | null {
  if (shape.length === out.length && shape.every((n, i) => n === out[i])) return null;
  const st = stridesOf(shape);
  const os = stridesOf(out);
  const k = out.length - shape.length;
  const offs = new Int32Array(numel(out));
  for (let i = 0; i < offs.length; i++) {
    let off = 0;
    for (let d = k; d < out.length; d++) if (shape[d - k] !== 1) off += (Math.floor(i / os[d]) % out[d]) * st[d - k];
    offs[i] = off;
  }
  return offs;
}

/** a op b with numpy broadcasting (either may be a constant tensor). */
export function binary(op: string, a: Tensor, b: Tensor): Tensor {
  const f = BINARY[op];
  if (!f) throw new RangeError(`elementwise: unknown op '${op}'`);
  const shape = broadcastShape(a.shape, b.shape);
  const ia = broadcastOffsets(a.shape, shape);
  const ib = broadcastOffsets(b.shape, shape);
  const out = new Float32Array(numel(shape));
  for (let i = 0; i < out.length; i++) out[i] = f(a.data[ia ? ia[i] : i], b.data[ib ? ib[i] : i]);
  return { shape, data: out };
}

export interface UnaryParams {
  alpha?: number;
  beta?: number;
  gamma?: number;
  min?: number;
  max?: number;
}

function unaryFn(op: string, p: UnaryParams): (v: number) => number {
  const alpha = p.alpha ?? 1;
  switch (op) {
    case 'exp':
      return Math.exp;
    case 'log':
      return Math.log;
    case 'sqrt':
      return Math.sqrt;
    case 'erf':
      return erf;
    case 'abs':
      return Math.abs;
    case 'neg':
      return (v) => -v;
    case 'reciprocal':
      return (v) => 1 / v;
    case 'floor':
      return Math.floor;
    case 'ceil':
      return Math.ceil;
    case 'round':
      // ONNX Round: halves to even.
      return (v) => {
        const r = Math.round(v);
        return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
      };
    case 'sin':
      return Math.sin;
    case 'cos':
      return Math.cos;
    case 'softplus':
      return (v) => (v > 20 ? v : Math.log1p(Math.exp(v)));
    case 'softsign':
      return (v) => v / (1 + Math.abs(v));
    case 'elu':
      return (v) => (v > 0 ? v : alpha * Math.expm1(v));
    case 'celu':
      return (v) => Math.max(0, v) + Math.min(0, alpha * Math.expm1(v / alpha));
    case 'selu': {
      const a = p.alpha ?? 1.6732632423543772;
      const g = p.gamma ?? 1.0507009873554805;
      return (v) => g * (v > 0 ? v : a * Math.expm1(v));
    }
    case 'clip': {
      const lo = p.min ?? -Infinity;
      const hi = p.max ?? Infinity;
      return (v) => Math.min(Math.max(v, lo), hi);
    }
    case 'hardsigmoid': {
      const a = p.alpha ?? 0.2;
      const b = p.beta ?? 0.5;
      return (v) => Math.max(0, Math.min(1, a * v + b));
    }
  }
  throw new RangeError(`unary: unknown op '${op}'`);
}

export function unary(x: Tensor, op: string, p: UnaryParams = {}): Tensor {
  const f = unaryFn(op, p);
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f(x.data[i]);
  return { shape: x.shape.slice(), data: out };
}

/**
 * The mean, sum or maximum of x over `axes` (sorted, distinct), keeping them as size 1 or
 * dropping them. Sums in float64; NaN wins a maximum.
 */
export function reduceAxes(x: Tensor, op: 'mean' | 'sum' | 'max', axes: readonly number[], keepdims: boolean): Tensor {
  const shape = x.shape;
  const kept = shape.map((n, a) => (axes.includes(a) ? 1 : n));
  const count = axes.reduce((p, a) => p * shape[a], 1);
  const outN = kept.reduce((p, n) => p * n, 1);
  const acc = new Float64Array(outN).fill(op === 'max' ? -Infinity : 0);
  // Output index of every input element: its multi-index with the reduced axes at 0.
  const strides = kept.map((_, a) => kept.slice(a + 1).reduce((p, n) => p * n, 1));
  const idx = new Array(shape.length).fill(0);
  for (let i = 0; i < x.data.length; i++) {
    let o = 0;
    for (let a = 0; a < shape.length; a++) if (!axes.includes(a)) o += idx[a] * strides[a];
    const v = x.data[i];
    if (op === 'max') {
      if (v > acc[o] || v !== v) acc[o] = v;
    } else acc[o] += v;
    for (let a = shape.length - 1; a >= 0 && ++idx[a] === shape[a]; a--) idx[a] = 0;
  }
  const data = Float32Array.from(acc, (v) => (op === 'mean' ? v / count : v));
  return { shape: keepdims ? kept : shape.filter((_, a) => !axes.includes(a)), data };
}

