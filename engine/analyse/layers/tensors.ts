// Tensor plumbing that exported graphs (ONNX) use between the convolutions: reshape, transpose,
// strided slices and reductions over some axes. No parameters or MACs; the receptive field passes through when the spatial
// axes stay in place, maps through a strided slice, and is not tracked past a real re-layout.
import type { Shape } from '../../types';
import { LayerError, type LayerComputation, type LayerContext, type LayerRules } from './contract';
import { prod } from './args';
import { windowMap } from '../receptiveField';

export const tensorRules: LayerRules = {
  reshape,
  transpose,
  strided_slice: stridedSlice,
  reduce,
};

const show = (v: unknown) => JSON.stringify(v);

/** A list-of-whole-numbers argument (`ints` in kinds.ts). */
export function intList(c: LayerContext, name: string, optional = false): number[] | undefined {
  const v = c.args.values[name];
  if (v === undefined || v === null) {
    if (optional) return undefined;
    throw new LayerError('schema', `${c.kind} needs \`${name}\`.`, name);
  }
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isInteger(x))) throw new LayerError('badValue', `\`${name}\` must be a list of whole numbers, got ${show(v)}.`, name);
  return v as number[];
}

export const sameSpatial = (a: Shape, b: Shape) => a.length === b.length && a.slice(1).every((n, i) => n === b[i + 1]);

const none = (c: LayerContext, shape: Shape, resolved: Record<string, unknown>, field: LayerComputation['field']): LayerComputation => ({ shape, params: 0, buffers: 0, macs: 0, resolved, field, notes: c.notes });

function reshape(c: LayerContext): LayerComputation {
  const { input } = c;
  const target = intList(c, 'shape')!;
  const total = prod(input);
  const free = target.filter((n) => n === -1).length;
  if (free > 1 || target.some((n) => n < -1 || n === 0)) throw new LayerError('badValue', `reshape \`shape\` ${show(target)} must be positive sizes and at most one −1.`, 'shape');
  const rest = prod(target.filter((n) => n !== -1));
  const shape = target.map((n) => (n === -1 ? total / rest : n));
  if (!Number.isInteger(shape[target.indexOf(-1)] ?? 0) || prod(shape) !== total) {
    throw new LayerError('badValue', `shape '[${target.join(', ')}]' is invalid for input of size ${total} (the input is [${input.join(', ')}]).`, 'shape');
  }
  const field = sameSpatial(shape, input) ? { type: 'same' as const } : shape.length <= 1 ? { type: 'global' as const } : { type: 'unknown' as const };
  return none(c, shape, { shape }, field);
}

function transpose(c: LayerContext): LayerComputation {
  const { input } = c;
  const perm = intList(c, 'perm')!;
  const rank = input.length;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new LayerError('badValue', `transpose \`perm\` ${show(perm)} is not a permutation of the ${rank} axes of [${input.join(', ')}].`, 'perm');
  }
  const shape = perm.map((p) => input[p]);
  return none(c, shape, { perm }, perm.every((p, i) => i === 0 || p === i) ? { type: 'same' } : { type: 'unknown' });
}

function stridedSlice(c: LayerContext): LayerComputation {
  const { input } = c;
  const axes = intList(c, 'axes')!;
  const starts = intList(c, 'starts')!;
  const ends = intList(c, 'ends')!;
  const steps = intList(c, 'steps', true) ?? axes.map(() => 1);
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
  return none(c, shape, resolved, spatialMoved ? { type: 'map', axes: input.slice(1).map((_, i) => windowMap(1, step[i + 1], 1, -start[i + 1])) } : { type: 'same' });
}

/**
 * The mean, sum or maximum over some axes (ONNX ReduceMean over the features of a LayerNorm
 * exported before opset 17). Over a spatial axis every output sees the whole of it (global);
 * over the channels only, the positions stay put.
 */
function reduce(c: LayerContext): LayerComputation {
  const { input } = c;
  const op = c.args.values.op;
  if (op !== 'mean' && op !== 'sum' && op !== 'max') throw new LayerError('badValue', `reduce \`op\` must be mean, sum or max, got ${show(op)}.`, 'op');
  const given = intList(c, 'axes')!;
  const rank = input.length;
  const axes = [...new Set(given.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  if (!axes.length || axes.some((a) => a < 0 || a >= rank)) throw new LayerError('badValue', `reduce \`axes\` ${show(given)} must name axes of [${input.join(', ')}] (0 = channels, negative from the end).`, 'axes');
  const keep = c.args.values.keepdims !== false;
  const shape = keep ? input.map((n, a) => (axes.includes(a) ? 1 : n)) : input.filter((_, a) => !axes.includes(a));
  if (!shape.length) throw new LayerError('badValue', `reduce over every axis of [${input.join(', ')}] without keepdims leaves no axis (a global pool keeps the channels).`, 'axes');
  const spatial = axes.some((a) => a > 0);
  return none(c, shape, { op, axes, keepdims: keep }, spatial ? { type: 'global' } : sameSpatial(shape, input) ? { type: 'same' } : { type: 'unknown' });
}

