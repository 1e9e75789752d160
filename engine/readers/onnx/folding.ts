// Shape arithmetic carried as data: the nodes whose inputs are all known values (initializers,
// Constant nodes, the Shape of an activation) are evaluated while reading, so that a file
// exported with dynamic axes (Shape → Gather → Unsqueeze → Concat → Reshape) resolves to fixed
// shapes. Values are small integer vectors here; weights are never decoded by this (they stay
// lazy views until a kernel asks for them).
import { DataType, type OnnxNode, type OnnxTensor } from './proto';
import { elementCount, tensorNumbers, type ExternalData } from './tensorData';
import { broadcast } from '../../analyse/layers/elementwise';

/** A value known while reading: its dims, and its elements on demand. */
export interface Known {
  dims: number[];
  dataType: number;
  /** The initializer or Constant tensor it is, when it is one (weights are read from it lazily). */
  tensor?: OnnxTensor;
  /** Elements, when computed (or decoded for arithmetic). */
  numbers?: number[];
  /**
   * Elements computed on demand from a weight (a float16 initializer Cast to float, an int8 one
   * through DequantizeLinear): weights are decoded when a kernel asks, not while reading.
   */
  lazy?: () => ArrayLike<number>;
}

/** Values larger than this are not decoded for arithmetic (a weight fed to a shape op is not shape data). */
export const MAX_FOLD_ELEMENTS = 1 << 16;

export class FoldError extends Error {}

export function known(dims: number[], numbers: number[], dataType: number = DataType.INT64): Known {
  return { dims, numbers, dataType };
}

export function numbersOf(k: Known, external?: ExternalData): number[] {
  if (k.numbers) return k.numbers;
  if (!k.tensor && !k.lazy) throw new FoldError('a value without data');
  if (elementCount(k.dims) > MAX_FOLD_ELEMENTS) throw new FoldError(`a constant of ${elementCount(k.dims).toLocaleString('en-US')} elements used as shape data`);
  k.numbers = k.lazy ? Array.from(k.lazy()) : tensorNumbers(k.tensor!, external);
  return k.numbers;
}

const isInt = (t: number) => t === DataType.INT64 || t === DataType.INT32 || t === DataType.INT16 || t === DataType.INT8 || t === DataType.UINT8 || t === DataType.BOOL;

export interface FoldContext {
  node: OnnxNode;
  opset: number;
  /** The node's inputs ('' inputs are undefined). */
  inputs: Array<Known | undefined>;
  ints(name: string): number[] | undefined;
  int(name: string, dflt: number): number;
  float(name: string, dflt: number): number;
  tensorAttr(name: string): OnnxTensor | undefined;
  external?: ExternalData;
}

const normAxis = (a: number, rank: number) => {
  const x = a < 0 ? a + rank : a;
  if (x < 0 || x >= rank) throw new FoldError(`axis ${a} is out of range for rank ${rank}`);
  return x;
};

function strides(dims: number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i];
  }
  return s;
}

/** numpy broadcasting of two shapes, or a FoldError. */
export function broadcastDims(a: number[], b: number[]): number[] {
  const out = broadcast(a, b);
  if (!out) throw new FoldError(`shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
  return out;
}

function elementwise(a: Known, b: Known, an: number[], bn: number[], f: (x: number, y: number) => number): Known {
  const dims = broadcastDims(a.dims, b.dims);
  const n = elementCount(dims);
  if (n > MAX_FOLD_ELEMENTS) throw new FoldError(`a constant result of ${n.toLocaleString('en-US')} elements`);
  const os = strides(dims);
  const index = (src: number[], i: number) => {
    let off = 0;
    const st = strides(src);
    for (let d = 0; d < dims.length; d++) {
      const k = d - (dims.length - src.length);
      if (k < 0) continue;
      const coord = Math.floor(i / os[d]) % dims[d];
      off += (src[k] === 1 ? 0 : coord) * st[k];
    }
    return off;
  };
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = f(an[index(a.dims, i)], bn[index(b.dims, i)]);
  return known(dims, out, a.dataType);
}

/** Evaluates one node on known inputs: its outputs, or a FoldError when it cannot be. */
export function fold(ctx: FoldContext): Known[] {
  const { node, inputs } = ctx;
  const num = (i: number) => {
    const k = inputs[i];
    if (!k) throw new FoldError(`input ${i + 1} is missing`);
    return numbersOf(k, ctx.external);
  };
  const need = (i: number) => {
    const k = inputs[i];
    if (!k) throw new FoldError(`input ${i + 1} is missing`);
    return k;
  };
  const int = isInt(inputs[0]?.dataType ?? DataType.INT64);
  switch (node.opType) {
    case 'Constant': {
      const t = ctx.tensorAttr('value');
      if (t) return [{ dims: t.dims, dataType: t.dataType, tensor: t }];
      const a = node.attributes;
      if (a.get('value_float')?.f !== undefined) return [known([], [a.get('value_float')!.f!], DataType.FLOAT)];
      if (a.get('value_int')?.i !== undefined) return [known([], [a.get('value_int')!.i!])];
      if (a.get('value_floats')) return [known([a.get('value_floats')!.floats.length], a.get('value_floats')!.floats, DataType.FLOAT)];
      if (a.get('value_ints')) return [known([a.get('value_ints')!.ints.length], a.get('value_ints')!.ints)];
      throw new FoldError('a Constant with no value ConvLens reads (sparse or string)');
    }
    case 'Identity':
    case 'Cast': {
      const k = need(0);
      if (node.opType === 'Identity') return [k];
      const to = ctx.int('to', DataType.FLOAT);
      if (!isInt(to) && !isInt(k.dataType) && elementCount(k.dims) > MAX_FOLD_ELEMENTS) {
        // A weight stored in float16 and cast to float: decoded when a kernel reads it.
        return [{ dims: k.dims, dataType: to, lazy: () => (k.lazy ? k.lazy() : tensorNumbers(k.tensor!, ctx.external)) }];
      }
      const v = num(0);
      return [known(k.dims, isInt(to) ? v.map(Math.trunc) : v, to)];
    }
    case 'Gather': {
      const data = need(0);
      const idx = need(1);
      const axis = normAxis(ctx.int('axis', 0), data.dims.length);
      const dv = num(0);
      const iv = num(1).map((i) => (i < 0 ? i + data.dims[axis] : i));
      const outer = elementCount(data.dims.slice(0, axis));
      const inner = elementCount(data.dims.slice(axis + 1));
      const out: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (const i of iv) {
          if (i < 0 || i >= data.dims[axis]) throw new FoldError(`index ${i} is out of range for an axis of ${data.dims[axis]}`);
          for (let k = 0; k < inner; k++) out.push(dv[(o * data.dims[axis] + i) * inner + k]);
        }
      }
      return [known([...data.dims.slice(0, axis), ...idx.dims, ...data.dims.slice(axis + 1)], out, data.dataType)];
    }
    case 'Unsqueeze':
    case 'Squeeze': {
      const k = need(0);
      const axes = ctx.opset >= 13 ? (inputs[1] ? num(1) : undefined) : ctx.ints('axes');
      return [{ ...k, dims: squeezeDims(node.opType, k.dims, axes), numbers: num(0) }];
    }
    case 'Reshape': {
      const k = need(0);
      return [{ ...k, dims: reshapeDims(k.dims, num(1), ctx.int('allowzero', 0) === 1), numbers: num(0) }];
    }
    case 'Flatten': {
      const k = need(0);
      const axis = ctx.int('axis', 1);
      const a = axis < 0 ? axis + k.dims.length : axis;
      return [{ ...k, dims: [elementCount(k.dims.slice(0, a)), elementCount(k.dims.slice(a))], numbers: num(0) }];
    }
    case 'Concat': {
      const all = inputs.map((_, i) => need(i));
      const rank = all[0].dims.length;
      const axis = normAxis(ctx.int('axis', 0), rank);
      const outer = elementCount(all[0].dims.slice(0, axis));
      const out: number[] = [];
      const vals = all.map((_, i) => num(i));
      for (let o = 0; o < outer; o++) {
        all.forEach((k, i) => {
          const chunk = elementCount(k.dims.slice(axis));
          out.push(...vals[i].slice(o * chunk, (o + 1) * chunk));
        });
      }
      const dims = [...all[0].dims];
      dims[axis] = all.reduce((n, k) => n + k.dims[axis], 0);
      return [known(dims, out, all[0].dataType)];
    }
    case 'Slice': {
      const k = need(0);
      const v = num(0);
      const rank = k.dims.length;
      const starts = ctx.opset >= 10 ? num(1) : ctx.ints('starts')!;
      const ends = ctx.opset >= 10 ? num(2) : ctx.ints('ends')!;
      const axes = (ctx.opset >= 10 ? (inputs[3] ? num(3) : undefined) : ctx.ints('axes')) ?? starts.map((_, i) => i);
      const steps = ctx.opset >= 10 && inputs[4] ? num(4) : starts.map(() => 1);
      const ranges = k.dims.map((n) => ({ start: 0, step: 1, count: n }));
      axes.forEach((a, i) => {
        const r = sliceRange(k.dims[normAxis(a, rank)], starts[i], ends[i], steps[i]);
        ranges[normAxis(a, rank)] = r;
      });
      const dims = ranges.map((r) => r.count);
      const st = strides(k.dims);
      const os = strides(dims);
      const out = new Array<number>(elementCount(dims));
      for (let i = 0; i < out.length; i++) {
        let off = 0;
        for (let d = 0; d < rank; d++) off += (ranges[d].start + (Math.floor(i / os[d]) % dims[d]) * ranges[d].step) * st[d];
        out[i] = v[off];
      }
      return [known(dims, out, k.dataType)];
    }
    case 'Transpose': {
      const k = need(0);
      const rank = k.dims.length;
      const perm = ctx.ints('perm') ?? k.dims.map((_, i) => rank - 1 - i);
      const dims = perm.map((p) => k.dims[p]);
      const st = strides(k.dims);
      const os = strides(dims);
      const permute = (v: ArrayLike<number>) => {
        const out = new Array<number>(v.length);
        for (let i = 0; i < out.length; i++) {
          let off = 0;
          for (let d = 0; d < rank; d++) off += (Math.floor(i / os[d]) % dims[d]) * st[perm[d]];
          out[i] = v[off];
        }
        return out;
      };
      if (!isInt(k.dataType) && elementCount(k.dims) > MAX_FOLD_ELEMENTS) {
        // A weight transposed in the graph (nn.Linear on N-D exported without constant folding):
        // permuted when a kernel reads it.
        return [{ dims, dataType: k.dataType, lazy: () => permute(k.lazy ? k.lazy() : tensorNumbers(k.tensor!, ctx.external)) }];
      }
      return [known(dims, permute(num(0)), k.dataType)];
    }
    case 'Shape': {
      const dims = need(0).dims;
      return [known([dims.length], dims.slice())];
    }
    case 'Size':
      return [known([], [elementCount(need(0).dims)])];
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
    case 'Max':
    case 'Min':
    case 'Equal':
    case 'Pow': {
      const a = need(0);
      const b = need(1);
      const f: Record<string, (x: number, y: number) => number> = {
        Add: (x, y) => x + y,
        Sub: (x, y) => x - y,
        Mul: (x, y) => x * y,
        Div: (x, y) => (int ? Math.trunc(x / y) : x / y),
        Max: Math.max,
        Min: Math.min,
        Equal: (x, y) => (x === y ? 1 : 0),
        Pow: (x, y) => x ** y,
      };
      const r = elementwise(a, b, num(0), num(1), f[node.opType]);
      if (node.opType === 'Equal') r.dataType = DataType.BOOL;
      return [r];
    }
    case 'Where': {
      const c = need(0);
      const ab = elementwise(need(1), need(2), num(1), num(2), (x, y) => x + 0 * y);
      const picked = elementwise(c, need(1), num(0), num(1), (cond, x) => (cond ? x : NaN));
      const other = elementwise(c, need(2), num(0), num(2), (cond, y) => (cond ? NaN : y));
      const out = picked.numbers!.map((x, i) => (Number.isNaN(x) ? other.numbers![i] : x));
      return [known(ab.dims, out, inputs[1]!.dataType)];
    }
    case 'Floor':
    case 'Ceil':
    case 'Neg':
    case 'Sqrt':
    case 'Abs': {
      const f: Record<string, (x: number) => number> = { Floor: Math.floor, Ceil: Math.ceil, Neg: (x) => -x, Sqrt: Math.sqrt, Abs: Math.abs };
      return [known(need(0).dims, num(0).map(f[node.opType]), need(0).dataType)];
    }
    case 'DequantizeLinear': {
      // (x − zero_point) · scale, per tensor or per slice of `axis`: int8/uint8 weights as floats.
      const x = need(0);
      const scale = need(1);
      const zp = inputs[2];
      const axis = scale.dims.length && elementCount(scale.dims) > 1 ? normAxis(ctx.int('axis', 1), x.dims.length) : -1;
      const compute = () => {
        const xv = x.lazy ? x.lazy() : x.numbers ?? tensorNumbers(x.tensor!, ctx.external);
        const sv = num(1);
        const zv = zp ? num(2) : [0];
        const inner = axis < 0 ? 1 : elementCount(x.dims.slice(axis + 1));
        const n = axis < 0 ? 1 : x.dims[axis];
        const out = new Float32Array(xv.length);
        for (let i = 0; i < xv.length; i++) {
          const c = axis < 0 ? 0 : Math.floor(i / inner) % n;
          out[i] = (xv[i] - (zv.length > 1 ? zv[c] : zv[0])) * (sv.length > 1 ? sv[c] : sv[0]);
        }
        return out;
      };
      return [{ dims: x.dims, dataType: DataType.FLOAT, lazy: compute }];
    }
    case 'ConstantOfShape': {
      const dims = num(0);
      const t = ctx.tensorAttr('value');
      const value = t ? tensorNumbers(t, ctx.external)[0] : 0;
      const n = elementCount(dims);
      if (n > MAX_FOLD_ELEMENTS) throw new FoldError(`ConstantOfShape of ${n.toLocaleString('en-US')} elements`);
      return [known(dims, new Array(n).fill(value), t?.dataType ?? DataType.FLOAT)];
    }
    case 'Range': {
      const [start] = num(0);
      const [limit] = num(1);
      const [delta] = num(2);
      const n = Math.max(Math.ceil((limit - start) / delta), 0);
      if (n > MAX_FOLD_ELEMENTS) throw new FoldError(`Range of ${n} elements`);
      return [known([n], Array.from({ length: n }, (_, i) => start + i * delta), need(0).dataType)];
    }
    case 'ReduceProd':
    case 'ReduceSum': {
      const k = need(0);
      if (k.dims.length > 1) throw new FoldError(`${node.opType} of a multi-axis constant`);
      const v = num(0);
      const r = node.opType === 'ReduceProd' ? v.reduce((a, b) => a * b, 1) : v.reduce((a, b) => a + b, 0);
      return [known(ctx.int('keepdims', 1) ? [1] : [], [r], k.dataType)];
    }
    case 'Expand': {
      const k = need(0);
      const dims = broadcastDims(k.dims, num(1));
      const ones = known(dims, new Array(elementCount(dims)).fill(0));
      return [elementwise(k, ones, num(0), ones.numbers!, (x) => x)];
    }
  }
  throw new FoldError(`${node.opType} on constant inputs is not evaluated`);
}

/** Output dims of Squeeze / Unsqueeze. */
export function squeezeDims(op: string, dims: number[], axes: number[] | undefined): number[] {
  if (op === 'Squeeze') {
    const drop = new Set((axes ?? dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((a) => normAxis(a, dims.length)));
    for (const a of drop) if (dims[a] !== 1) throw new FoldError(`Squeeze of axis ${a}, whose size is ${dims[a]}, not 1`);
    return dims.filter((_, i) => !drop.has(i));
  }
  if (!axes) throw new FoldError('Unsqueeze needs axes');
  const rank = dims.length + axes.length;
  const add = new Set(axes.map((a) => normAxis(a, rank)));
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(add.has(i) ? 1 : dims[k++]);
  return out;
}

/** Reshape's target: 0 copies the input's size (unless allowzero), −1 takes what is left. */
export function reshapeDims(dims: number[], target: number[], allowZero: boolean): number[] {
  const total = elementCount(dims);
  const out = target.map((t, i) => (t === 0 && !allowZero ? dims[i] : t));
  const free = out.filter((t) => t === -1).length;
  if (free > 1) throw new FoldError(`Reshape target [${target.join(', ')}] has more than one -1`);
  if (out.some((t) => t === undefined || (t < 0 && t !== -1))) throw new FoldError(`Reshape target [${target.join(', ')}] is invalid for [${dims.join(', ')}]`);
  if (free) {
    const known = elementCount(out.filter((t) => t !== -1));
    if (known === 0 || total % known !== 0) throw new FoldError(`Reshape of [${dims.join(', ')}] (${total} elements) to [${target.join(', ')}] does not divide`);
    out[out.indexOf(-1)] = total / known;
  }
  if (elementCount(out) !== total) throw new FoldError(`Reshape of [${dims.join(', ')}] (${total} elements) to [${out.join(', ')}] (${elementCount(out)} elements)`);
  return out;
}

/** ONNX Slice's clamping of one axis: the first index, the end (exclusive) and the step. */
export function sliceRange(n: number, start: number, end: number, step: number): { start: number; end: number; step: number; count: number } {
  if (step === 0) throw new FoldError('Slice step 0');
  let s = start < 0 ? start + n : start;
  let e = end < 0 ? end + n : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), n);
    e = Math.min(Math.max(e, 0), n);
  } else {
    s = Math.min(Math.max(s, 0), n - 1);
    e = Math.min(Math.max(e, -1), n - 1);
  }
  const count = Math.max(0, Math.ceil((e - s) / step));
  return { start: s, end: e, step, count };
}
