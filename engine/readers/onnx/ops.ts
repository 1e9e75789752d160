// ONNX operators as ConvLens layers: each node that computes on activations becomes one layer of
// engine/kinds.ts with PyTorch-style arguments (pads resolved from auto_pad, axes counted without
// the batch axis), and names the initializers its kernel takes (weights.ts reads them by layer
// name at run time). Activations carry a leading batch axis of 1 in ONNX and none in the engine:
// an op that acts on the batch axis, or a result whose first axis is not that batch, is refused.
import type { Value } from '../../analyse/network';
import { DataType, type OnnxNode, type OnnxTensor } from './proto';
import { broadcastDims, FoldError, numbersOf, reshapeDims, sliceRange, squeezeDims, type Known } from './folding';
import { elementCount, type ExternalData } from './tensorData';

/** The op cannot be analysed (unknown, or a variant ConvLens does not compute): CL021. */
export class Unsupported extends Error {}
/** The op is known but its output shape cannot be worked out here: CL022. */
export class NotInferable extends Error {}

/** Where a layer's tensor comes from: an initializer or constant, possibly laid out differently from PyTorch's. */
export interface WeightRef {
  value: Known;
  /** PyTorch's shape of the tensor. */
  shape: number[];
  /** A [K, N] matrix whose PyTorch layout is [N, K] (MatMul, Gemm transB = 0). */
  transpose?: boolean;
}

export interface LayerPlan {
  kind: string;
  args: Record<string, unknown>;
  inputs: Value[];
  weights?: Record<string, WeightRef>;
  /** Which output of the node this layer produces (Split has several). */
  output: number;
}

export interface OpContext {
  node: OnnxNode;
  opset: number;
  external?: ExternalData;
  /** Input i as an activation (engine value, no batch axis), or undefined. */
  act(i: number): Value | undefined;
  /** Input i as a known value (initializer, constant), or undefined. */
  known(i: number): Known | undefined;
  /** A MatMul's bias, from the Add after it that is part of the same linear layer (fusion.ts). */
  fusedBias?: Known;
  /** Whether input i is an initializer named as a module's tensor (a learned constant). */
  parameter?(i: number): boolean;
}

const MAX_INLINE_CONSTANT = 4096;

class Attrs {
  constructor(private node: OnnxNode) {}
  int(name: string, dflt: number): number {
    return this.node.attributes.get(name)?.i ?? dflt;
  }
  float(name: string, dflt: number): number {
    return this.node.attributes.get(name)?.f ?? dflt;
  }
  ints(name: string): number[] | undefined {
    const a = this.node.attributes.get(name);
    return a ? a.ints : undefined;
  }
  floats(name: string): number[] | undefined {
    const a = this.node.attributes.get(name);
    return a ? a.floats : undefined;
  }
  str(name: string, dflt: string): string {
    return this.node.attributes.get(name)?.s ?? dflt;
  }
}

const full = (v: Value) => [1, ...v.shape!];

function needAct(ctx: OpContext, i: number, what = 'input'): Value {
  const v = ctx.act(i);
  if (!v) {
    if (ctx.known(i)) throw new Unsupported(`${ctx.node.opType} with a constant ${what} (input ${i + 1}) is not analysed`);
    throw new NotInferable(`${ctx.node.opType}: ${what} (input ${i + 1}) is missing`);
  }
  return v;
}

function needKnown(ctx: OpContext, i: number, what: string): Known {
  const k = ctx.known(i);
  if (!k) {
    if (ctx.act(i)) throw new Unsupported(`${ctx.node.opType} whose ${what} is computed at run time (input ${i + 1}) is not analysed: ConvLens needs it in the file`);
    throw new NotInferable(`${ctx.node.opType} needs its ${what} (input ${i + 1})`);
  }
  return k;
}

function numbers(ctx: OpContext, i: number, what: string): number[] {
  try {
    return numbersOf(needKnown(ctx, i, what), ctx.external);
  } catch (err) {
    if (err instanceof FoldError) throw new NotInferable(`${ctx.node.opType}: ${what}: ${err.message}`);
    throw err;
  }
}

/** The engine axis (no batch) of an ONNX axis on a tensor of ONNX rank `rank`; the batch axis is refused. */
function engineAxis(ctx: OpContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new NotInferable(`${ctx.node.opType}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  if (a === 0) throw new Unsupported(`${ctx.node.opType} along axis 0, the batch axis, is not analysed (ConvLens analyses one sample)`);
  return a - 1;
}

/** An ONNX result shape as the engine's: its first axis must be the batch of 1. */
function dropBatch(ctx: OpContext, dims: number[]): number[] {
  if (dims[0] !== 1) throw new Unsupported(`${ctx.node.opType} gives [${dims.join(', ')}], which does not keep the batch axis first (ConvLens analyses one sample with the batch axis in front)`);
  return dims.slice(1);
}

/** Explicit [before, after] pads per spatial axis from pads / auto_pad (ONNX semantics). */
function resolvePads(ctx: OpContext, a: Attrs, spatial: number[], K: number[], s: number[]): Array<[number, number]> {
  const auto = a.str('auto_pad', 'NOTSET');
  const rank = spatial.length;
  if (auto === 'VALID') return spatial.map(() => [0, 0]);
  if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    return spatial.map((W, i) => {
      const total = Math.max((Math.ceil(W / s[i]) - 1) * s[i] + K[i] - W, 0);
      const small = Math.floor(total / 2);
      return auto === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
    });
  }
  if (auto !== 'NOTSET') throw new Unsupported(`${ctx.node.opType}: auto_pad '${auto}' is not one ONNX defines`);
  const pads = a.ints('pads') ?? new Array(2 * rank).fill(0);
  if (pads.length !== 2 * rank) throw new NotInferable(`${ctx.node.opType}: pads has ${pads.length} values for ${rank} spatial axes`);
  return spatial.map((_, i) => [pads[i], pads[i + rank]]);
}

function perAxis(a: Attrs, name: string, rank: number, dflt: number): number[] {
  const v = a.ints(name);
  return v && v.length ? v : new Array(rank).fill(dflt);
}

function weightKnown(ctx: OpContext, i: number, what: string): Known | undefined {
  if (i >= ctx.node.inputs.length || ctx.node.inputs[i] === '') return undefined;
  return needKnown(ctx, i, what);
}

function conv(ctx: OpContext, a: Attrs): LayerPlan {
  const x = needAct(ctx, 0);
  const W = needKnown(ctx, 1, 'weight');
  const B = weightKnown(ctx, 2, 'bias');
  const [C, ...spatial] = x.shape!;
  const rank = spatial.length;
  if (W.dims.length !== rank + 2) throw new NotInferable(`Conv weight [${W.dims.join(', ')}] does not fit an input with ${rank} spatial axes`);
  const k = a.ints('kernel_shape') ?? W.dims.slice(2);
  const s = perAxis(a, 'strides', rank, 1);
  const d = perAxis(a, 'dilations', rank, 1);
  const groups = a.int('group', 1);
  const K = k.map((ki, i) => d[i] * (ki - 1) + 1);
  const padding = resolvePads(ctx, a, spatial, K, s);
  if (W.dims[1] * groups !== C) {
    throw new NotInferable(`Conv weight [${W.dims.join(', ')}] with group ${groups} takes ${W.dims[1] * groups} input channels, but the input has ${C}`);
  }
  const out = W.dims[0];
  const weights: Record<string, WeightRef> = { weight: { value: W, shape: W.dims } };
  if (B) weights.bias = { value: B, shape: [out] };
  return { kind: 'conv', args: { out, kernel: k, stride: s, dilation: d, groups, padding, bias: !!B }, inputs: [x], weights, output: 0 };
}

function convTranspose(ctx: OpContext, a: Attrs): LayerPlan {
  const x = needAct(ctx, 0);
  const W = needKnown(ctx, 1, 'weight');
  const B = weightKnown(ctx, 2, 'bias');
  const [C, ...spatial] = x.shape!;
  const rank = spatial.length;
  const k = a.ints('kernel_shape') ?? W.dims.slice(2);
  const s = perAxis(a, 'strides', rank, 1);
  const d = perAxis(a, 'dilations', rank, 1);
  const op = perAxis(a, 'output_padding', rank, 0);
  const groups = a.int('group', 1);
  const K = k.map((ki, i) => d[i] * (ki - 1) + 1);
  if (W.dims[0] !== C) throw new NotInferable(`ConvTranspose weight [${W.dims.join(', ')}] takes ${W.dims[0]} input channels, but the input has ${C}`);
  const auto = a.str('auto_pad', 'NOTSET');
  const outputShape = a.ints('output_shape');
  let padding: Array<[number, number]>;
  if (outputShape || auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    const target = outputShape ? outputShape.slice(-rank) : spatial.map((W0, i) => W0 * s[i]);
    padding = spatial.map((W0, i) => {
      const total = s[i] * (W0 - 1) + op[i] + K[i] - target[i];
      if (total < 0) throw new Unsupported(`ConvTranspose output_shape ${target.join('×')} needs negative padding`);
      const half = Math.floor(total / 2);
      return auto === 'SAME_UPPER' ? [half, total - half] : [total - half, half];
    });
  } else if (auto === 'VALID') padding = spatial.map(() => [0, 0]);
  else padding = resolvePads(ctx, a, spatial, K, s);
  const out = W.dims[1] * groups;
  const weights: Record<string, WeightRef> = { weight: { value: W, shape: W.dims } };
  if (B) weights.bias = { value: B, shape: [out] };
  return { kind: 'conv_transpose', args: { out, kernel: k, stride: s, dilation: d, output_padding: op, groups, padding, bias: !!B }, inputs: [x], weights, output: 0 };
}

function pool(ctx: OpContext, a: Attrs, kind: 'maxpool' | 'avgpool' | 'lppool'): LayerPlan {
  const x = needAct(ctx, 0);
  if (ctx.node.outputs.length > 1 && ctx.node.outputs[1] !== '') throw new Unsupported('MaxPool with an Indices output is not analysed');
  const spatial = x.shape!.slice(1);
  const rank = spatial.length;
  const k = a.ints('kernel_shape');
  if (!k) throw new NotInferable(`${ctx.node.opType} has no kernel_shape`);
  const s = perAxis(a, 'strides', rank, 1);
  const d = perAxis(a, 'dilations', rank, 1);
  if (kind === 'avgpool' && d.some((v) => v !== 1)) throw new Unsupported('AveragePool with dilations is not analysed');
  const K = k.map((ki, i) => d[i] * (ki - 1) + 1);
  let padding = resolvePads(ctx, a, spatial, K, s);
  let ceil = a.int('ceil_mode', 0) === 1;
  // Before opset 10 PyTorch exports a ceil-mode max pool as extra padding at the end (beyond
  // half the kernel, which PyTorch's own pooling refuses): the same windows as the begin
  // padding on both sides with ceil mode, when that gives the same output size.
  if (kind === 'maxpool' && !ceil && padding.some(([, e], i) => e > Math.floor(k[i] / 2))) {
    const out = (W: number, b: number, e: number, i: number, up: boolean) => (up ? Math.ceil : Math.floor)((W + b + e - K[i]) / s[i]) + 1;
    const symmetric = padding.map(([b]) => [b, b] as [number, number]);
    const same = spatial.every((W, i) => {
      const [b, e] = padding[i];
      let o = out(W, b, b, i, true);
      if ((o - 1) * s[i] >= W + b) o--;
      return o === out(W, b, e, i, false) && b <= Math.floor(k[i] / 2);
    });
    if (same) {
      padding = symmetric;
      ceil = true;
    }
  }
  const args: Record<string, unknown> = { kernel: k, stride: s, padding, ceil_mode: ceil };
  if (kind === 'maxpool') args.dilation = d;
  else if (kind === 'avgpool') args.count_include_pad = a.int('count_include_pad', 0) === 1;
  else {
    // LpPool-1 wrote p as a float; from opset 2 it is an integer.
    args.p = ctx.opset < 2 ? a.float('p', 2) : a.int('p', 2);
    args.dilation = d;
  }
  return { kind, args, inputs: [x], output: 0 };
}

function unary(x: Value, op: string, extra: Record<string, unknown> = {}): LayerPlan {
  return { kind: 'unary', args: { op, ...extra }, inputs: [x], output: 0 };
}

const simple = (kind: string, x: Value, args: Record<string, unknown> = {}): LayerPlan => ({ kind, args, inputs: [x], output: 0 });

/** Clip bounds from attributes (opset < 11) or inputs. */
function clipBounds(ctx: OpContext, a: Attrs): [number, number] {
  if (ctx.opset < 11) return [a.float('min', -Infinity), a.float('max', Infinity)];
  const lo = ctx.node.inputs[1] ? numbers(ctx, 1, 'min')[0] : -Infinity;
  const hi = ctx.node.inputs[2] ? numbers(ctx, 2, 'max')[0] : Infinity;
  return [lo, hi];
}

const BINARY: Record<string, string> = { Add: 'add', Sub: 'sub', Mul: 'mul', Div: 'div', Pow: 'pow', Max: 'max', Min: 'min' };

function binary(ctx: OpContext): LayerPlan {
  const op = BINARY[ctx.node.opType];
  const x = ctx.act(0);
  const y = ctx.act(1);
  if (x && y) {
    const same = x.shape!.length === y.shape!.length && x.shape!.every((n, i) => n === y.shape![i]);
    // The engine's own add and mul (residuals, squeeze-excite gates) keep their field rules.
    if ((op === 'add' || op === 'mul') && same) return { kind: op, args: {}, inputs: [x, y], output: 0 };
    const gate = (g: Value, m: Value) => g.shape![0] === m.shape![0] && g.shape!.length === m.shape!.length && g.shape!.slice(1).every((n) => n === 1);
    if (op === 'mul' && (gate(x, y) || gate(y, x))) return { kind: 'mul', args: {}, inputs: [x, y], output: 0 };
    try {
      broadcastDims(full(x), full(y));
    } catch (err) {
      throw new NotInferable(`${ctx.node.opType} operands [${full(x).join(', ')}] and [${full(y).join(', ')}] do not broadcast`);
    }
    return { kind: 'elementwise', args: { op }, inputs: [x, y], output: 0 };
  }
  const actIndex = x ? 0 : 1;
  const act = needAct(ctx, actIndex);
  const c = needKnown(ctx, 1 - actIndex, 'constant operand');
  if (elementCount(c.dims) > MAX_INLINE_CONSTANT) throw new Unsupported(`${ctx.node.opType} with a constant of ${elementCount(c.dims)} elements is not analysed`);
  let dims: number[];
  try {
    dims = broadcastDims(full(act), c.dims);
  } catch {
    throw new NotInferable(`${ctx.node.opType} operands [${full(act).join(', ')}] and [${c.dims.join(', ')}] do not broadcast`);
  }
  dropBatch(ctx, dims);
  const values = numbers(ctx, 1 - actIndex, 'constant operand');
  // The constant's shape without a batch axis: numpy broadcasting aligns from the last axis.
  const cShape = c.dims.length === dims.length ? c.dims.slice(1) : c.dims;
  const args: Record<string, unknown> = { op, value: values.length === 1 && cShape.length === 0 ? values[0] : values, ...(values.length === 1 && cShape.length === 0 ? {} : { value_shape: cShape }) };
  if (actIndex === 1) args.reversed = true;
  // A module's own tensor (ConvNeXt's layer scale, a bias added after a convolution): a parameter.
  if (!ctx.parameter?.(1 - actIndex)) return { kind: 'elementwise', args, inputs: [act], output: 0 };
  args.learned = true;
  return { kind: 'elementwise', args, inputs: [act], weights: { weight: { value: c, shape: cShape } }, output: 0 };
}

function resize(ctx: OpContext, a: Attrs): LayerPlan {
  const x = needAct(ctx, 0);
  const dims = full(x);
  const rank = dims.length;
  const mode = a.str('mode', 'nearest');
  if (mode !== 'nearest' && mode !== 'linear' && mode !== 'cubic') throw new Unsupported(`${ctx.node.opType} mode '${mode}' is not analysed (nearest, linear and cubic are)`);
  // Opset 18's additions: scales for some axes only, antialiasing, an aspect-ratio policy.
  if (a.ints('axes') || a.int('antialias', 0) || a.str('keep_aspect_ratio_policy', 'stretch') !== 'stretch') throw new Unsupported('Resize with axes, antialias or keep_aspect_ratio_policy is not analysed');
  const ctm = a.str('coordinate_transformation_mode', ctx.node.opType === 'Upsample' || ctx.opset < 11 ? 'asymmetric' : 'half_pixel');
  let alignCorners = false;
  let cubic: Record<string, unknown> = {};
  if (mode === 'cubic') {
    // PyTorch's bicubic is half_pixel (align_corners=False) or align_corners with a = −0.75.
    if (ctm !== 'half_pixel' && ctm !== 'pytorch_half_pixel' && ctm !== 'align_corners' && ctm !== 'asymmetric') throw new Unsupported(`Resize cubic with ${ctm} coordinates is not analysed (half_pixel, pytorch_half_pixel, align_corners and asymmetric are)`);
    alignCorners = ctm === 'align_corners';
    cubic = { coordinates: ctm, cubic_a: a.float('cubic_coeff_a', -0.75), exclude_outside: a.int('exclude_outside', 0) === 1 };
  } else if (mode === 'nearest') {
    const nearest = a.str('nearest_mode', 'round_prefer_floor');
    if (ctx.opset >= 11 && ctx.node.opType === 'Resize' && (ctm !== 'asymmetric' || nearest !== 'floor')) {
      throw new Unsupported(`Resize nearest with ${ctm} coordinates and ${nearest} rounding is not analysed (PyTorch's nearest is asymmetric with floor)`);
    }
  } else if (ctm === 'align_corners') alignCorners = true;
  else if (ctm !== 'half_pixel' && ctm !== 'pytorch_half_pixel' && !(ctm === 'asymmetric' && ctx.opset < 11)) {
    throw new Unsupported(`Resize linear with ${ctm} coordinates is not analysed`);
  } else if (ctm === 'asymmetric') throw new Unsupported('Upsample linear (asymmetric coordinates) is not analysed');
  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  if (ctx.node.opType === 'Upsample' && ctx.opset < 9) scales = a.floats('scales');
  else {
    const scaleInput = ctx.node.opType === 'Upsample' || ctx.opset === 10 ? 1 : 2;
    if (ctx.node.inputs[scaleInput]) {
      const k = needKnown(ctx, scaleInput, 'scales');
      if (elementCount(k.dims) > 0) scales = numbers(ctx, scaleInput, 'scales');
    }
    if (!scales && ctx.node.inputs[3]) sizes = numbers(ctx, 3, 'sizes');
  }
  if (scales) {
    if (scales.length !== rank) throw new NotInferable(`${ctx.node.opType} has ${scales.length} scales for a tensor of rank ${rank}`);
    if (scales[0] !== 1 || scales[1] !== 1) throw new Unsupported(`${ctx.node.opType} scales the batch or channel axis`);
    return simple('upsample', x, { scale: scales.slice(2), mode, align_corners: alignCorners, ...cubic });
  }
  if (sizes) {
    if (sizes.length !== rank) throw new NotInferable(`Resize has ${sizes.length} sizes for a tensor of rank ${rank}`);
    if (sizes[0] !== dims[0] || sizes[1] !== dims[1]) throw new Unsupported('Resize changes the batch or channel axis');
    return simple('upsample', x, { size: sizes.slice(2), mode, align_corners: alignCorners, ...cubic });
  }
  throw new NotInferable(`${ctx.node.opType} has neither scales nor sizes`);
}

function padOp(ctx: OpContext, a: Attrs): LayerPlan {
  const x = needAct(ctx, 0);
  const rank = x.shape!.length + 1;
  const mode = a.str('mode', 'constant');
  // ONNX's names for PyTorch's ReflectionPad, ReplicationPad and circular padding.
  const modes: Record<string, string> = { constant: 'zeros', reflect: 'reflect', edge: 'replicate', ...(ctx.opset >= 19 ? { wrap: 'circular' } : {}) };
  if (!modes[mode]) throw new Unsupported(`Pad mode '${mode}' is not analysed (constant zeros, reflect, edge${ctx.opset >= 19 ? ' and wrap' : ''} are)`);
  const pads = ctx.opset >= 11 ? numbers(ctx, 1, 'pads') : a.ints('pads') ?? a.ints('paddings') ?? [];
  const value = ctx.opset >= 11 ? (ctx.node.inputs[2] ? numbers(ctx, 2, 'value')[0] : 0) : a.float('value', 0);
  if (value !== 0 && mode === 'constant') throw new Unsupported(`Pad with the value ${value} is not analysed (zeros are)`);
  if (ctx.opset >= 18 && ctx.node.inputs[3]) throw new Unsupported('Pad with axes is not analysed');
  if (pads.length !== 2 * rank) throw new NotInferable(`Pad has ${pads.length} pads for a tensor of rank ${rank}`);
  if (pads[0] || pads[1] || pads[rank] || pads[rank + 1]) throw new Unsupported('Pad of the batch or channel axis is not analysed');
  if (pads.some((p) => p < 0)) throw new Unsupported('Pad with negative pads (a crop) is not analysed');
  return simple('pad', x, { padding: x.shape!.slice(1).map((_, i) => [pads[i + 2], pads[i + 2 + rank]]), mode: modes[mode] });
}

function reduce(ctx: OpContext, a: Attrs, kind: 'avg' | 'max' | 'sum'): LayerPlan {
  const x = needAct(ctx, 0);
  const rank = x.shape!.length + 1;
  const axes = ctx.opset >= 18 || (ctx.opset >= 13 && ctx.node.opType === 'ReduceSum') ? (ctx.node.inputs[1] ? numbers(ctx, 1, 'axes') : undefined) : a.ints('axes');
  const keep = a.int('keepdims', 1) === 1;
  if (!axes?.length) {
    if (a.int('noop_with_empty_axes', 0) === 1) return simple('identity', x);
    throw new Unsupported(`${ctx.node.opType} over every axis, the batch axis too, is not analysed (ConvLens analyses one sample)`);
  }
  const set = new Set(axes.map((v) => (v < 0 ? v + rank : v)));
  const spatialAll = rank > 2 && set.size === rank - 2 && [...set].every((v) => v >= 2);
  // Over some axes (the features of a LayerNorm exported before opset 17): the reduce kind.
  if (!spatialAll || kind === 'sum') {
    return simple('reduce', x, { op: kind === 'avg' ? 'mean' : kind, axes: [...set].map((v) => engineAxis(ctx, v, rank)), keepdims: keep });
  }
  const spatial = x.shape!.slice(1);
  if (keep) return simple(kind === 'avg' ? 'adaptive_avgpool' : 'adaptive_maxpool', x, { size: spatial.map(() => 1) });
  return simple(kind === 'avg' ? 'global_avgpool' : 'global_maxpool', x);
}

function gemm(ctx: OpContext, a: Attrs): LayerPlan {
  const x = needAct(ctx, 0);
  if (ctx.node.opType === 'Gemm') {
    if (a.int('transA', 0) !== 0) throw new Unsupported('Gemm with transA is not analysed');
    if (a.float('alpha', 1) !== 1 || a.float('beta', 1) !== 1) throw new Unsupported('Gemm with alpha or beta other than 1 is not analysed');
  }
  const B = needKnown(ctx, 1, 'weight');
  if (B.dims.length !== 2) throw new Unsupported(`${ctx.node.opType} with a weight of rank ${B.dims.length} is not analysed`);
  const transB = ctx.node.opType === 'Gemm' && a.int('transB', 0) === 1;
  const [inF, out] = transB ? [B.dims[1], B.dims[0]] : B.dims;
  const last = x.shape![x.shape!.length - 1];
  if (last !== inF) throw new NotInferable(`${ctx.node.opType}: the input has ${last} features, the weight [${B.dims.join(', ')}] takes ${inF}`);
  const C = ctx.node.opType === 'Gemm' ? weightKnown(ctx, 2, 'bias') : ctx.fusedBias;
  if (C && elementCount(C.dims) !== out) throw new Unsupported(`Gemm with a bias of shape [${C.dims.join(', ')}] is not analysed (one value per output is)`);
  const weights: Record<string, WeightRef> = { weight: { value: B, shape: [out, inF], transpose: !transB } };
  if (C) weights.bias = { value: C, shape: [out] };
  return { kind: 'linear', args: { out, bias: !!C }, inputs: [x], weights, output: 0 };
}

function softmax(ctx: OpContext, a: Attrs, kind: 'softmax' | 'log_softmax'): LayerPlan {
  const x = needAct(ctx, 0);
  const rank = x.shape!.length + 1;
  const axis = a.int('axis', ctx.opset >= 13 ? -1 : 1);
  const e = engineAxis(ctx, axis, rank);
  // Before opset 13 Softmax normalises over all axes from `axis` on: the same only when the rest are 1.
  if (ctx.opset < 13 && x.shape!.slice(e + 1).some((n) => n !== 1)) throw new Unsupported(`${ctx.node.opType} (opset ${ctx.opset}) over axes ${axis} and after is not analysed`);
  return simple(kind, x, { axis: e });
}

function split(ctx: OpContext, a: Attrs): LayerPlan[] {
  const x = needAct(ctx, 0);
  const rank = x.shape!.length + 1;
  const axis = engineAxis(ctx, a.int('axis', 0), rank);
  const n = x.shape![axis];
  const outputs = ctx.node.outputs.length;
  let sizes = ctx.opset >= 13 ? (ctx.node.inputs[1] ? numbers(ctx, 1, 'split') : undefined) : a.ints('split');
  if (!sizes || !sizes.length) {
    const each = Math.ceil(n / outputs);
    sizes = Array.from({ length: outputs }, (_, i) => Math.max(0, Math.min(each, n - i * each)));
  }
  if (sizes.reduce((s, v) => s + v, 0) !== n) throw new NotInferable(`Split sizes [${sizes.join(', ')}] do not add up to the axis's ${n}`);
  let start = 0;
  return sizes.map((size, i) => {
    const plan = sliceOn(x, axis, start, start + size, 1, i);
    start += size;
    return plan;
  });
}

function sliceOn(x: Value, axis: number, start: number, end: number, step: number, output: number): LayerPlan {
  if (axis === 0 && step === 1) return { kind: 'slice', args: { start, end }, inputs: [x], output };
  return { kind: 'strided_slice', args: { axes: [axis], starts: [start], ends: [end], steps: [step] }, inputs: [x], output };
}

function slice(ctx: OpContext, a: Attrs): LayerPlan {
  const x = needAct(ctx, 0);
  const rank = x.shape!.length + 1;
  const starts = ctx.opset >= 10 ? numbers(ctx, 1, 'starts') : a.ints('starts') ?? [];
  const ends = ctx.opset >= 10 ? numbers(ctx, 2, 'ends') : a.ints('ends') ?? [];
  const axes = ctx.opset >= 10 ? (ctx.node.inputs[3] ? numbers(ctx, 3, 'axes') : starts.map((_, i) => i)) : a.ints('axes') ?? starts.map((_, i) => i);
  const steps = ctx.opset >= 10 && ctx.node.inputs[4] ? numbers(ctx, 4, 'steps') : starts.map(() => 1);
  const eAxes: number[] = [];
  const s: number[] = [];
  const e: number[] = [];
  const st: number[] = [];
  axes.forEach((ax, i) => {
    const full0 = ax < 0 ? ax + rank : ax;
    if (full0 === 0) {
      const r = sliceRange(1, starts[i], ends[i], steps[i]);
      if (r.count !== 1) throw new Unsupported('Slice of the batch axis is not analysed');
      return;
    }
    const ea = engineAxis(ctx, ax, rank);
    const r = sliceRange(x.shape![ea], starts[i], ends[i], steps[i]);
    if (r.step < 0) throw new Unsupported('Slice with a negative step is not analysed');
    eAxes.push(ea);
    s.push(r.start);
    e.push(Math.max(r.start, r.end));
    st.push(r.step);
  });
  if (eAxes.length === 1 && eAxes[0] === 0 && st[0] === 1) return { kind: 'slice', args: { start: s[0], end: e[0] }, inputs: [x], output: 0 };
  return { kind: 'strided_slice', args: { axes: eAxes, starts: s, ends: e, steps: st }, inputs: [x], output: 0 };
}

/**
 * Every axis from `axis` to the last normalised together: the engine's layernorm with `axis`
 * (over the features of a flat [N, C] tensor, its plain layernorm, nn.LayerNorm(C)); γ and β have
 * the normalised axes' shape (leading ones, which broadcast, are dropped).
 */
function layerNormalization(ctx: OpContext, a: Attrs): LayerPlan {
  const v = needAct(ctx, 0);
  if (ctx.node.outputs.slice(1).some((o) => o !== '')) throw new Unsupported('LayerNormalization with Mean or InvStdDev outputs is not analysed');
  if (a.int('stash_type', 1) !== 1) throw new Unsupported('LayerNormalization with a stash_type other than float is not analysed');
  const rank = v.shape!.length + 1;
  const axis = engineAxis(ctx, a.int('axis', -1), rank);
  const normalized = v.shape!.slice(axis);
  const eps = a.float('epsilon', 1e-5);
  const param = (i: number, what: string): WeightRef => {
    const k = needKnown(ctx, i, what);
    // ONNX lets γ and β broadcast to the normalised shape; PyTorch's have it exactly.
    const dims = k.dims.slice(k.dims.findIndex((d) => d !== 1));
    const want = normalized.slice(normalized.findIndex((d) => d !== 1));
    if (k.dims.every((d) => d === 1) ? !normalized.every((d) => d === 1) : dims.length !== want.length || dims.some((d, j) => d !== want[j])) {
      throw new Unsupported(`LayerNormalization ${what} of shape [${k.dims.join(', ')}] is not analysed (one value per element of the normalised [${normalized.join(', ')}] is)`);
    }
    return { value: k, shape: normalized };
  };
  const weights: Record<string, WeightRef> = { weight: param(1, 'scale') };
  const B = weightKnown(ctx, 2, 'bias');
  if (B) weights.bias = param(2, 'bias');
  // The channels of a flat [N, C] tensor: the engine's plain layernorm (nn.LayerNorm(C)).
  if (v.shape!.length === 1 && B) return { kind: 'layernorm', args: { eps }, inputs: [v], weights, output: 0 };
  return { kind: 'layernorm', args: { eps, axis, bias: !!B }, inputs: [v], weights, output: 0 };
}

function reshapeTo(ctx: OpContext, x: Value, dims: number[]): LayerPlan {
  const shape = dropBatch(ctx, dims);
  return simple('reshape', x, { shape });
}

/** Maps one node to the layers it produces. Throws Unsupported or NotInferable. */
export function planLayers(ctx: OpContext): LayerPlan[] {
  const a = new Attrs(ctx.node);
  const op = ctx.node.opType;
  if (ctx.node.domain !== '' && ctx.node.domain !== 'ai.onnx') throw new Unsupported(`operator ${ctx.node.domain}.${op} (not the standard ONNX domain) is not analysed`);
  const x = () => needAct(ctx, 0);
  switch (op) {
    case 'Conv':
      return [conv(ctx, a)];
    case 'ConvTranspose':
      return [convTranspose(ctx, a)];
    case 'MaxPool':
      return [pool(ctx, a, 'maxpool')];
    case 'AveragePool':
      return [pool(ctx, a, 'avgpool')];
    case 'LpPool':
      return [pool(ctx, a, 'lppool')];
    case 'GlobalLpPool': {
      // One window the size of the map: an Lp norm per channel, [C, 1, …].
      const v = x();
      const spatial = v.shape!.slice(1);
      return [simple('lppool', v, { p: ctx.opset < 2 ? a.float('p', 2) : a.int('p', 2), kernel: spatial, stride: spatial.map(() => 1), padding: 0, dilation: 1, ceil_mode: false })];
    }
    case 'GlobalAveragePool':
    case 'GlobalMaxPool': {
      const v = x();
      return [simple(op === 'GlobalAveragePool' ? 'adaptive_avgpool' : 'adaptive_maxpool', v, { size: v.shape!.slice(1).map(() => 1) })];
    }
    case 'BatchNormalization': {
      const v = x();
      const C = v.shape![0];
      if (ctx.node.outputs.slice(1).some((o) => o !== '')) throw new Unsupported('BatchNormalization in training mode (with running statistics outputs) is not analysed');
      const w = (i: number, what: string): WeightRef => {
        const k = needKnown(ctx, i, what);
        if (elementCount(k.dims) !== C) throw new NotInferable(`BatchNormalization ${what} has ${elementCount(k.dims)} values for ${C} channels`);
        return { value: k, shape: [C] };
      };
      return [{ kind: 'batchnorm', args: { eps: a.float('epsilon', 1e-5) }, inputs: [v], weights: { weight: w(1, 'scale'), bias: w(2, 'bias'), running_mean: w(3, 'mean'), running_var: w(4, 'variance') }, output: 0 }];
    }
    case 'InstanceNormalization': {
      const v = x();
      const C = v.shape![0];
      // InstanceNorm with an affine scale and shift per channel is GroupNorm with one channel per group.
      return [{ kind: 'groupnorm', args: { groups: C, eps: a.float('epsilon', 1e-5) }, inputs: [v], weights: { weight: { value: needKnown(ctx, 1, 'scale'), shape: [C] }, bias: { value: needKnown(ctx, 2, 'bias'), shape: [C] } }, output: 0 }];
    }
    case 'LayerNormalization':
      return [layerNormalization(ctx, a)];
    case 'Relu':
      return [simple('relu', x())];
    case 'LeakyRelu':
      return [simple('leaky_relu', x(), { slope: a.float('alpha', 0.01) })];
    case 'PRelu': {
      const v = x();
      const slope = needKnown(ctx, 1, 'slope');
      const n = elementCount(slope.dims);
      if (n !== 1 && (n !== v.shape![0] || slope.dims.filter((d) => d !== 1).length > 1)) throw new Unsupported(`PRelu with slopes of shape [${slope.dims.join(', ')}] is not analysed (one, or one per channel, is)`);
      return [{ kind: 'prelu', args: { channels: n }, inputs: [v], weights: { weight: { value: slope, shape: [n] } }, output: 0 }];
    }
    case 'Sigmoid':
      return [simple('sigmoid', x())];
    case 'Tanh':
      return [simple('tanh', x())];
    case 'HardSwish':
      return [simple('hardswish', x())];
    case 'HardSigmoid': {
      const alpha = a.float('alpha', 0.2);
      const beta = a.float('beta', 0.5);
      if (Math.abs(alpha - 1 / 6) < 1e-6 && beta === 0.5) return [simple('hardsigmoid', x())];
      return [unary(x(), 'hardsigmoid', { alpha, beta })];
    }
    case 'Clip': {
      const [lo, hi] = clipBounds(ctx, a);
      if (lo === 0 && hi === 6) return [simple('relu6', x())];
      if (lo === 0 && hi === Infinity) return [simple('relu', x())];
      return [unary(x(), 'clip', { min: lo, max: hi })];
    }
    case 'Gelu':
      if (a.str('approximate', 'none') !== 'none') throw new Unsupported("Gelu with approximate 'tanh' is not analysed");
      return [simple('gelu', x())];
    case 'Mish':
      return [simple('mish', x())];
    case 'Softmax':
      return [softmax(ctx, a, 'softmax')];
    case 'LogSoftmax':
      return [softmax(ctx, a, 'log_softmax')];
    case 'Elu':
      return [unary(x(), 'elu', { alpha: a.float('alpha', 1) })];
    case 'Selu':
      return [unary(x(), 'selu', { alpha: a.float('alpha', 1.67326319217681884765625), gamma: a.float('gamma', 1.05070102214813232421875) })];
    case 'Celu':
      return [unary(x(), 'celu', { alpha: a.float('alpha', 1) })];
    case 'Softplus':
    case 'Softsign':
    case 'Exp':
    case 'Log':
    case 'Sqrt':
    case 'Erf':
    case 'Abs':
    case 'Neg':
    case 'Reciprocal':
    case 'Floor':
    case 'Ceil':
    case 'Round':
    case 'Sin':
    case 'Cos':
      return [unary(x(), op.toLowerCase())];
    case 'Dropout':
    case 'Identity':
      return [simple(op === 'Dropout' ? 'dropout' : 'identity', x(), op === 'Dropout' ? { p: 0 } : {})];
    case 'Cast': {
      const to = a.int('to', DataType.FLOAT);
      if (to !== DataType.FLOAT && to !== DataType.FLOAT16 && to !== DataType.DOUBLE && to !== DataType.BFLOAT16) throw new Unsupported('Cast of an activation to an integer type is not analysed');
      return [simple('identity', x())];
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
    case 'Pow':
    case 'Max':
    case 'Min':
      if (ctx.node.inputs.length !== 2) throw new Unsupported(`${op} of ${ctx.node.inputs.length} operands is not analysed`);
      return [binary(ctx)];
    case 'Sum': {
      const vs = ctx.node.inputs.map((_, i) => needAct(ctx, i));
      return [{ kind: 'add', args: {}, inputs: vs, output: 0 }];
    }
    case 'Concat': {
      const vs = ctx.node.inputs.map((_, i) => needAct(ctx, i));
      return [{ kind: 'concat', args: { axis: engineAxis(ctx, a.int('axis', 1), vs[0].shape!.length + 1) }, inputs: vs, output: 0 }];
    }
    case 'Split':
      return split(ctx, a);
    case 'Slice':
      return [slice(ctx, a)];
    case 'Flatten': {
      const v = x();
      const rank = v.shape!.length + 1;
      const axis = a.int('axis', 1);
      const ax = axis < 0 ? axis + rank : axis;
      if (ax <= 1) return [simple('flatten', v)];
      throw new Unsupported(`Flatten from axis ${axis} folds the batch axis into the first result axis; not analysed`);
    }
    case 'Reshape': {
      const v = x();
      try {
        return [reshapeTo(ctx, v, reshapeDims(full(v), numbers(ctx, 1, 'shape'), a.int('allowzero', 0) === 1))];
      } catch (err) {
        if (err instanceof FoldError) throw new NotInferable(err.message);
        throw err;
      }
    }
    case 'Squeeze':
    case 'Unsqueeze': {
      const v = x();
      const axes = ctx.opset >= 13 ? (ctx.node.inputs[1] ? numbers(ctx, 1, 'axes') : undefined) : a.ints('axes');
      try {
        return [reshapeTo(ctx, v, squeezeDims(op, full(v), axes))];
      } catch (err) {
        if (err instanceof FoldError) throw new NotInferable(err.message);
        throw err;
      }
    }
    case 'Transpose': {
      const v = x();
      const rank = v.shape!.length + 1;
      const perm = a.ints('perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
      if (perm[0] !== 0) throw new Unsupported(`Transpose [${perm.join(', ')}] moves the batch axis; not analysed`);
      return [simple('transpose', v, { perm: perm.slice(1).map((p) => p - 1) })];
    }
    case 'Gemm':
    case 'MatMul':
      return [gemm(ctx, a)];
    case 'Resize':
    case 'Upsample':
      return [resize(ctx, a)];
    case 'Pad':
      return [padOp(ctx, a)];
    case 'ReduceMean':
      return [reduce(ctx, a, 'avg')];
    case 'ReduceMax':
      return [reduce(ctx, a, 'max')];
    case 'ReduceSum':
      return [reduce(ctx, a, 'sum')];
  }
  throw new Unsupported(`operator ${op} is not one ConvLens analyses`);
}

export type { OnnxTensor };
