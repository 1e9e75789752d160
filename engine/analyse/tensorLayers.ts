// Step 3 for the tensor plumbing and elementwise kinds that exported graphs (ONNX) use between
// the convolutions: reshape, transpose, strided_slice, elementwise (broadcasting) and unary.
// None has parameters or MACs; the receptive field passes through when the spatial axes stay
// in place, maps through a strided slice, and is not tracked past a real re-layout.
import type { Shape } from '../types';
import { UNARY_OPS } from '../kinds';
import { LayerError, type LayerComputation, type LayerNote } from './layers';
import { windowMap } from './receptiveField';

const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);
const show = (v: unknown) => JSON.stringify(v);

function ints(args: Record<string, unknown>, name: string, optional = false): number[] | undefined {
  const v = args[name];
  if (v === undefined || v === null) {
    if (optional) return undefined;
    throw new LayerError('schema', `needs \`${name}\`.`, name);
  }
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isInteger(x))) throw new LayerError('badValue', `\`${name}\` must be a list of whole numbers, got ${show(v)}.`, name);
  return v as number[];
}

const sameSpatial = (a: Shape, b: Shape) => a.length === b.length && a.slice(1).every((n, i) => n === b[i + 1]);

export function broadcast(a: Shape, b: Shape): Shape | undefined {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** The computation of a tensor-plumbing kind, or undefined for another kind. */
export function computeTensorLayer(kind: string, args: Record<string, unknown>, inputs: Shape[], notes: LayerNote[]): LayerComputation | undefined {
  const input = inputs[0];
  const none = (shape: Shape, resolved: Record<string, unknown>, field: LayerComputation['field']): LayerComputation => ({ shape, params: 0, buffers: 0, macs: 0, resolved, field, notes });
  switch (kind) {
    case 'reshape': {
      const target = ints(args, 'shape')!;
      const total = prod(input);
      const free = target.filter((n) => n === -1).length;
      if (free > 1 || target.some((n) => n < -1 || n === 0)) throw new LayerError('badValue', `reshape \`shape\` ${show(target)} must be positive sizes and at most one −1.`, 'shape');
      const rest = prod(target.filter((n) => n !== -1));
      const shape = target.map((n) => (n === -1 ? total / rest : n));
      if (!Number.isInteger(shape[target.indexOf(-1)] ?? 0) || prod(shape) !== total) {
        throw new LayerError('badValue', `shape '[${target.join(', ')}]' is invalid for input of size ${total} (the input is [${input.join(', ')}]).`, 'shape');
      }
      const field = sameSpatial(shape, input) ? { type: 'same' as const } : shape.length <= 1 ? { type: 'global' as const } : { type: 'unknown' as const };
      return none(shape, { shape }, field);
    }
    case 'transpose': {
      const perm = ints(args, 'perm')!;
      const rank = input.length;
      if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
        throw new LayerError('badValue', `transpose \`perm\` ${show(perm)} is not a permutation of the ${rank} axes of [${input.join(', ')}].`, 'perm');
      }
      const shape = perm.map((p) => input[p]);
      return none(shape, { perm }, perm.every((p, i) => i === 0 || p === i) ? { type: 'same' } : { type: 'unknown' });
    }
    case 'strided_slice': {
      const axes = ints(args, 'axes')!;
      const starts = ints(args, 'starts')!;
      const ends = ints(args, 'ends')!;
      const steps = ints(args, 'steps', true) ?? axes.map(() => 1);
      if (starts.length !== axes.length || ends.length !== axes.length || steps.length !== axes.length) throw new LayerError('badValue', 'strided_slice needs one start, end (and step) per axis.', 'axes');
      const shape = input.slice();
      const start = input.map(() => 0);
      const step = input.map(() => 1);
      axes.forEach((a0, i) => {
        const a = a0 < 0 ? a0 + input.length : a0;
        if (a < 0 || a >= input.length) throw new LayerError('badValue', `strided_slice axis ${a0} is out of range for [${input.join(', ')}].`, 'axes');
        if (steps[i] < 1) throw new LayerError('badValue', `strided_slice step ${steps[i]} must be positive.`, 'steps');
        const n = input[a];
        const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
        const s = clamp(starts[i]);
        const e = clamp(ends[i]);
        shape[a] = Math.max(0, Math.ceil((e - s) / steps[i]));
        start[a] = s;
        step[a] = steps[i];
      });
      if (shape.some((n) => n < 1)) throw new LayerError('outputSize', `strided_slice leaves an empty tensor [${shape.join(', ')}] from [${input.join(', ')}].`, 'ends');
      const spatialMoved = input.some((_, a) => a > 0 && (start[a] !== 0 || step[a] !== 1 || shape[a] !== input[a]));
      const resolvedAxes = axes.map((a) => (a < 0 ? a + input.length : a));
      const resolved = { axes: resolvedAxes, starts: resolvedAxes.map((a) => start[a]), ends: resolvedAxes.map((a) => start[a] + (shape[a] - 1) * step[a] + 1), steps: resolvedAxes.map((a) => step[a]) };
      return none(shape, resolved, spatialMoved ? { type: 'map', axes: input.slice(1).map((_, i) => windowMap(1, step[i + 1], 1, -start[i + 1])) } : { type: 'same' });
    }
    case 'elementwise': {
      const op = args.op;
      if (typeof op !== 'string' || !['add', 'sub', 'mul', 'div', 'pow', 'max', 'min'].includes(op)) throw new LayerError('badValue', `elementwise \`op\` must be add, sub, mul, div, pow, max or min, got ${show(op)}.`, 'op');
      const value = args.value;
      if (value !== undefined) {
        if (inputs.length !== 1) throw new LayerError('schema', 'elementwise with a constant `value` takes one layer in `from`.', 'value');
        const list = Array.isArray(value) ? value : [value];
        if (!list.length || list.some((x) => typeof x !== 'number')) throw new LayerError('badValue', `elementwise \`value\` must be a number or a list of numbers, got ${show(value)}.`, 'value');
        const vShape = ints(args, 'value_shape', true) ?? (Array.isArray(value) ? [value.length] : []);
        if (prod(vShape) !== list.length) throw new LayerError('badValue', `elementwise \`value\` has ${list.length} numbers, \`value_shape\` [${vShape.join(', ')}] holds ${prod(vShape)}.`, 'value_shape');
        const shape = broadcast(input, vShape);
        if (!shape) throw new LayerError('elementwiseShapes', `elementwise ${op}: [${input.join(', ')}] and the constant [${vShape.join(', ')}] do not broadcast.`, 'value');
        return none(shape, { op, value: list, valueShape: vShape, reversed: args.reversed === true }, sameSpatial(shape, input) ? { type: 'same' } : { type: 'unknown' });
      }
      if (inputs.length !== 2) throw new LayerError('schema', `elementwise takes two layers in \`from\` (or one and a \`value\`), got ${inputs.length}.`);
      const [a, b] = inputs;
      const shape = broadcast(a, b);
      if (!shape) throw new LayerError('elementwiseShapes', `elementwise ${op} operands [${a.join(', ')}] and [${b.join(', ')}] do not broadcast.`, undefined, { operands: [0, 1] });
      const full = (s: Shape) => s.length === shape.length && s.every((n, i) => n === shape[i]);
      const field: LayerComputation['field'] = full(a) && full(b) ? { type: 'union' } : full(a) ? { type: 'gate', main: 0 } : full(b) ? { type: 'gate', main: 1 } : { type: 'unknown' };
      return none(shape, { op }, field);
    }
    case 'unary': {
      const op = args.op;
      if (typeof op !== 'string' || !UNARY_OPS.includes(op)) throw new LayerError('badValue', `unary \`op\` must be one of ${UNARY_OPS.join(', ')}, got ${show(op)}.`, 'op');
      const resolved: Record<string, unknown> = { op };
      for (const k of ['alpha', 'beta', 'gamma', 'min', 'max']) {
        const v = args[k];
        if (v === undefined) continue;
        if (typeof v !== 'number' || Number.isNaN(v)) throw new LayerError('badValue', `\`${k}\` must be a number, got ${show(v)}.`, k);
        resolved[k] = v;
      }
      return none(input.slice(), resolved, { type: 'same' });
    }
  }
  return undefined;
}
