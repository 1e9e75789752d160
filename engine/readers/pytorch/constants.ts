// Tensors of constants, as model constructors compute them: RegNet's block widths
// (torch.arange, log, pow, round, diff… then .int().tolist()), ConvNeXt's layer scale
// (`nn.Parameter(torch.ones(dim, 1, 1) * layer_scale)`). Values are computed as PyTorch does:
// float tensors in float32 (every result rounded to float32), integer tensors exactly. A
// rounding whose argument is near a tie (but not on it) is not followed: float32 results of
// log and pow may differ in the last place between libraries, and the figure would be a guess.
import type { Span } from '../../types';
import { Unfollowed } from './interpreter';
import { isConst, isObj, list, tuple, unknown, type ConstTensor, type Py } from './values';

/** More values than a constructor's constant tensors hold (the parameters' shapes need no values past it). */
const MAX_VALUES = 1_000_000;
/** How close to a tie (x.5 for round, an integer for floor/int) float32 cannot be trusted to decide. */
const TIE = 1e-4;

const f32 = Math.fround;
const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

export function constTensor(shape: number[], data: number[] | undefined, float: boolean): ConstTensor {
  return { t: 'const', shape, data: data && data.length <= MAX_VALUES ? (float ? data.map(f32) : data) : undefined, float };
}

/** Sizes given as `f(2, 3)`, `f((2, 3))` or `f([2, 3])`; undefined when not plain whole numbers. */
function sizes(args: Py[]): number[] | undefined {
  const s = args.length === 1 && isObj(args[0]) && (args[0].t === 'list' || args[0].t === 'tuple') ? args[0].items : args;
  return s.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0) ? (s as number[]) : undefined;
}

/** A nested list of numbers → shape and flat values. */
function fromNested(v: Py): { shape: number[]; data: number[] } | undefined {
  if (typeof v === 'number' || typeof v === 'boolean') return { shape: [], data: [Number(v)] };
  if (isConst(v)) return v.data ? { shape: v.shape, data: v.data } : undefined;
  if (!isObj(v) || (v.t !== 'list' && v.t !== 'tuple')) return undefined;
  const parts = v.items.map(fromNested);
  if (parts.some((p) => !p)) return undefined;
  const inner = parts[0]?.shape ?? [];
  if (parts.some((p) => p!.shape.join() !== inner.join())) return undefined;
  return { shape: [parts.length, ...inner], data: parts.flatMap((p) => p!.data) };
}

/** Rounds half to even (torch.round), refusing near-ties float32 might break differently. */
function roundChecked(x: number, span: Span): number {
  const frac = x - Math.floor(x);
  // An exact tie is decided half to even, as torch.round does (RegNetX-1.6GF's 80·2.25/8 = 22.5).
  if (frac !== 0.5 && Math.abs(frac - 0.5) < TIE) throw new Unfollowed(`torch.round of ${x}, too close to a tie to decide in float32`, span);
  const r = Math.round(x);
  return frac === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function nearInteger(x: number, what: string, span: Span): void {
  const d = Math.abs(x - Math.round(x));
  if (d > 0 && d < TIE) throw new Unfollowed(`${what} of ${x}, too close to an integer to decide in float32`, span);
}

/**
 * A value of log, exp or pow leaving the tensor (tolist, item): Python may round or truncate it
 * next, so one near an integer or a half (but not on it) is not followed.
 */
export function nearTie(v: number, span: Span): void {
  const d = Math.abs(v * 2 - Math.round(v * 2)) / 2;
  if (d > 0 && d < TIE) throw new Unfollowed(`the value ${v} of log, exp or pow, too close to ${Math.round(v * 2) / 2} to be the same in every library`, span);
}

type Unary = (x: number) => number;

/** Elementwise over one tensor; values withheld when unknown. */
function map1(t: ConstTensor, fn: Unary, float: boolean, inexact = t.inexact): ConstTensor {
  return withInexact(constTensor(t.shape, t.data?.map(fn), float), float && inexact);
}

const withInexact = (t: ConstTensor, inexact: boolean | undefined): ConstTensor => (inexact ? { ...t, inexact } : t);

/** Elementwise over two operands (tensors of one shape, or a tensor and a number). */
function map2(a: ConstTensor | number, b: ConstTensor | number, fn: (x: number, y: number) => number, floatResult: boolean | undefined): ConstTensor | undefined {
  const ta = typeof a === 'number' ? undefined : a;
  const tb = typeof b === 'number' ? undefined : b;
  const shape = ta && tb ? (ta.shape.join() === tb.shape.join() || prod(tb.shape) === 1 ? ta.shape : prod(ta.shape) === 1 ? tb.shape : undefined) : (ta ?? tb)!.shape;
  if (!shape) return undefined;
  // Python numbers take the tensor's type unless a float meets an integer tensor (then float32).
  const float = floatResult ?? ((ta?.float ?? false) || (tb?.float ?? false) || (typeof a === 'number' && !Number.isInteger(a)) || (typeof b === 'number' && !Number.isInteger(b)));
  const cast = (x: number) => (float ? f32(x) : x);
  const n = prod(shape);
  const at = (v: ConstTensor | number, i: number) => (typeof v === 'number' ? cast(v) : v.data![v.data!.length === 1 ? 0 : i]);
  const known = (ta === undefined || ta.data) && (tb === undefined || tb.data);
  const data = known ? Array.from({ length: n }, (_, i) => fn(at(a, i), at(b, i))) : undefined;
  return withInexact(constTensor(shape, data, float), float && (ta?.inexact || tb?.inexact));
}

const ARITH: Record<string, { fn: (x: number, y: number) => number; float?: boolean }> = {
  '+': { fn: (x, y) => x + y },
  '-': { fn: (x, y) => x - y },
  '*': { fn: (x, y) => x * y },
  '/': { fn: (x, y) => x / y, float: true },
  '//': { fn: (x, y) => Math.floor(x / y) },
  '**': { fn: (x, y) => x ** y },
};

/** `a op b` where a constant tensor takes part (with a number or another constant tensor). */
export function constantBinary(op: string, l: Py, r: Py, span: Span): Py | undefined {
  const base = op.replace(/=$/, '');
  if (!isConst(l) && !isConst(r)) return undefined;
  const operand = (v: Py) => (isConst(v) ? v : typeof v === 'number' || typeof v === 'boolean' ? Number(v) : undefined);
  const a = operand(l);
  const b = operand(r);
  const spec = ARITH[base];
  if (a === undefined || b === undefined || !spec) return undefined;
  const out = map2(a, b, spec.fn, spec.float);
  return out ?? unknown(`tensor ${base} tensor of other shapes`, span);
}

/** torch.<name>(…) or tensor.<name>(…) on constants; undefined when it is not a constant operation. */
export function constantCall(name: string, self: ConstTensor | undefined, args: Py[], kwargs: Map<string, Py>, span: Span): Py | undefined {
  const op = name.split('.').pop()!;
  const all = self ? [self, ...args] : args;
  const x = all[0];
  switch (op) {
    case 'arange': {
      const ns = args.filter((a) => typeof a === 'number') as number[];
      if (ns.length !== args.length || !ns.length) return undefined;
      const [start, end, step] = ns.length === 1 ? [0, ns[0], 1] : [ns[0], ns[1], ns[2] ?? 1];
      const n = Math.max(0, Math.ceil((end - start) / step));
      if (n > MAX_VALUES) return unknown(`torch.arange of ${n} values`, span);
      const float = ns.some((v) => !Number.isInteger(v));
      return constTensor([n], Array.from({ length: n }, (_, i) => start + i * step), float);
    }
    case 'tensor':
    case 'as_tensor': {
      const nested = fromNested(x);
      if (!nested) return undefined;
      return constTensor(nested.shape, nested.data, nested.data.some((v) => !Number.isInteger(v)));
    }
    case 'ones':
    case 'zeros':
    case 'empty':
    case 'randn':
    case 'rand':
    case 'full': {
      const s = sizes(op === 'full' ? args.slice(0, 1) : args);
      if (!s || prod(s) > MAX_VALUES * 100) return undefined;
      const fill = op === 'ones' ? 1 : op === 'zeros' ? 0 : op === 'full' && typeof args[1] === 'number' ? args[1] : undefined;
      return constTensor(s, fill === undefined || prod(s) > MAX_VALUES ? undefined : Array(prod(s)).fill(fill), true);
    }
  }
  if (!isConst(x)) {
    // torch.pow(2.0, t): a number raised to a tensor.
    if (op === 'pow' && typeof x === 'number' && isConst(all[1])) {
      const r = map2(x, all[1], (a, b) => f32(a ** b), true);
      return r && { ...r, inexact: true };
    }
    return undefined;
  }
  const fl = (fn: Unary, inexact = true) => map1(x, (v) => f32(fn(v)), true, inexact || x.inexact);
  switch (op) {
    // Rounded away from ties (checked), the result is the same in every library.
    case 'round':
      return map1(x, (v) => roundChecked(v, span), x.float, false);
    case 'floor':
    case 'ceil':
      return map1(x, (v) => (nearInteger(v, `torch.${op}`, span), op === 'floor' ? Math.floor(v) : Math.ceil(v)), x.float, false);
    case 'log':
      return fl(Math.log);
    case 'log2':
      return fl(Math.log2);
    case 'exp':
      return fl(Math.exp);
    case 'sqrt':
      // IEEE square roots are correctly rounded everywhere.
      return fl(Math.sqrt, false);
    case 'abs':
      return map1(x, Math.abs, x.float);
    case 'int':
    case 'long':
      return map1(x, (v) => (x.float && nearInteger(v, 'int()', span), Math.trunc(v)), false);
    case 'float':
      return map1(x, (v) => v, true);
    case 'divide':
    case 'div':
    case 'true_divide':
    case 'mul':
    case 'multiply':
    case 'add':
    case 'sub':
    case 'subtract':
    case 'pow': {
      const sym = { divide: '/', div: '/', true_divide: '/', mul: '*', multiply: '*', add: '+', sub: '-', subtract: '-', pow: '**' }[op]!;
      if (kwargs.size) return undefined;
      const r = constantBinary(sym, x, all[1], span);
      return isConst(r) && op === 'pow' ? map1(r, (v) => v, r.float, true) : r;
    }
    case 'diff': {
      if (x.shape.length !== 1 || all.length > 1 || kwargs.size) return undefined;
      const d = x.data;
      return constTensor([Math.max(0, x.shape[0] - 1)], d ? d.slice(1).map((v, i) => v - d[i]) : undefined, x.float);
    }
    case 'tolist': {
      if (!x.data) return unknown('the values of a tensor made from unknown values', span);
      if (x.inexact) x.data.forEach((v) => nearTie(v, span));
      const build = (dims: number[], offset: number): Py => {
        if (!dims.length) return x.data![offset];
        const step = prod(dims.slice(1));
        return list(Array.from({ length: dims[0] }, (_, i) => build(dims.slice(1), offset + i * step)));
      };
      return build(x.shape, 0);
    }
    case 'item':
      if (x.data?.length === 1 && x.inexact) nearTie(x.data[0], span);
      return x.data && x.data.length === 1 ? x.data[0] : unknown('item() of a tensor', span);
    case 'numel':
      return prod(x.shape);
    case 'size':
    case 'dim':
      return op === 'dim' ? x.shape.length : typeof args[0] === 'number' ? x.shape[args[0] < 0 ? args[0] + x.shape.length : args[0]] : tuple(x.shape);
    // In-place initialisers: the shape stays, the values become the ones given (or unknown, for random ones).
    case 'normal_':
    case 'uniform_':
    case 'trunc_normal_':
    case 'bernoulli_':
    case 'fill_':
    case 'zero_': {
      const fill = op === 'zero_' ? 0 : op === 'fill_' && typeof all[1] === 'number' ? all[1] : undefined;
      x.data = fill === undefined || prod(x.shape) > MAX_VALUES ? undefined : Array(prod(x.shape)).fill(x.float ? f32(fill) : fill);
      return x;
    }
    case 'requires_grad_':
      return x;
    case 'clone':
    case 'detach':
    case 'contiguous':
    case 'to':
    case 'cpu':
      return { ...x, param: undefined, owner: undefined, attr: undefined };
  }
  return undefined;
}

/** Attributes of a constant tensor: shape, ndim; methods are bound for constantCall. */
export function constantAttr(t: ConstTensor, name: string): Py {
  if (name === 'shape') return tuple(t.shape);
  if (name === 'ndim') return t.shape.length;
  if (name === 'dtype') return { t: 'builtin', name: t.float ? 'torch.float32' : 'torch.int64' };
  if (name === 'data') return t;
  return { t: 'builtin', name: `torch.Tensor.${name}`, self: t };
}

/** The items a 1-D constant tensor iterates over (numbers), or sub-tensors along the first axis. */
export function constantItems(t: ConstTensor, span: Span): Py[] | undefined {
  if (!t.shape.length) return undefined;
  if (t.shape.length === 1) {
    if (t.inexact) t.data?.forEach((v) => nearTie(v, span));
    return t.data ? [...t.data] : undefined;
  }
  const step = prod(t.shape.slice(1));
  return Array.from({ length: t.shape[0] }, (_, i) => withInexact(constTensor(t.shape.slice(1), t.data?.slice(i * step, (i + 1) * step), t.float), t.inexact));
}
