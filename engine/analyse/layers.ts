// Step 3 for one layer: given its arguments and input shapes, what PyTorch would produce —
// output shape, parameters, buffers, MACs — and how the layer maps positions (for the receptive
// field). Formulas follow FORMAT.md "Arithmetic"; PyTorch's own error messages are quoted where
// PyTorch would refuse the layer.
import type { Shape } from '../types';
import type { CodeKey } from '../codes';
import { KINDS } from '../kinds';
import { adaptiveMap, FieldTooComplex, resampleMap, transposedMap, windowMap, type AxisMap } from './receptiveField';
import { rational } from './rational';

/** A problem that stops this layer from having an output shape. */
export class LayerError extends Error {
  constructor(readonly codeKey: CodeKey, message: string, readonly arg?: string, readonly data?: Record<string, unknown>) {
    super(message);
  }
}

/** A finding that does not stop the analysis (reported, computation continues). */
export interface LayerNote {
  codeKey: CodeKey;
  message: string;
  arg?: string;
  data?: Record<string, unknown>;
}

/** How the layer changes the receptive field. */
export type FieldOp =
  | { type: 'same' } // elementwise: the field passes through
  | { type: 'map'; axes: AxisMap[] } // windows / resampling per spatial axis
  | { type: 'global' } // every output sees the whole input
  | { type: 'union' } // add / concat: union of the operands' fields
  | { type: 'gate'; main: number } // broadcast mul: the main operand's field, gated
  | { type: 'unknown' }; // too large to track position by position (absurd sizes)

/** Builds a layer's per-axis maps, or gives up on the field (not the shape) when they are absurd. */
export function mapsOrUnknown(build: () => AxisMap[]): FieldOp {
  try {
    return { type: 'map', axes: build() };
  } catch (err) {
    if (err instanceof FieldTooComplex) return { type: 'unknown' };
    throw err;
  }
}

export interface LayerComputation {
  shape: Shape;
  params: number;
  buffers: number;
  macs: number;
  /** Arguments resolved per axis (padding as [before, after] pairs), for hover and the runtime. */
  resolved: Record<string, unknown>;
  field: FieldOp;
  notes: LayerNote[];
}

export interface LayerInput {
  kind: string;
  args: Record<string, unknown>;
  inputs: Shape[];
  /** Shapes of layers named by `like` (upsample). */
  like?: Shape;
}

const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);
export const fmtShape = (s: Shape) => s.join('×');

class Args {
  constructor(readonly kind: string, readonly values: Record<string, unknown>) {}
  has(name: string) {
    return this.values[name] !== undefined && this.values[name] !== null;
  }
  raw(name: string): unknown {
    const v = this.values[name];
    return v === undefined ? KINDS[this.kind]?.args[name]?.default : v;
  }
  int(name: string, min = 1): number {
    const v = this.raw(name);
    if (v === undefined || v === null) throw new LayerError('schema', `${this.kind} needs \`${name}\`.`, name);
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new LayerError('badValue', `\`${name}\` must be a whole number, got ${show(v)}.`, name);
    if (v < min) throw new LayerError('badValue', `\`${name}\` must be at least ${min}, got ${v}.`, name);
    return v;
  }
  number(name: string): number {
    const v = this.raw(name);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new LayerError('badValue', `\`${name}\` must be a number, got ${show(v)}.`, name);
    return v;
  }
  bool(name: string): boolean {
    const v = this.raw(name);
    if (typeof v !== 'boolean') throw new LayerError('badValue', `\`${name}\` must be true or false, got ${show(v)}.`, name);
    return v;
  }
  axes(name: string, rank: number, min = 1): number[] {
    const v = this.raw(name);
    if (v === undefined || v === null) throw new LayerError('schema', `${this.kind} needs \`${name}\`.`, name);
    const list = Array.isArray(v) ? v : Array(rank).fill(v);
    if (Array.isArray(v) && v.length !== rank) {
      throw new LayerError('badValue', `\`${name}\` has ${v.length} values but the tensor has ${rank} spatial ${rank === 1 ? 'axis' : 'axes'}.`, name);
    }
    for (const x of list) {
      if (typeof x !== 'number' || !Number.isInteger(x)) throw new LayerError('badValue', `\`${name}\` must be whole numbers, got ${show(v)}.`, name);
      if (x < min) {
        const pool = this.kind === 'maxpool' || this.kind === 'avgpool';
        const msg = name === 'stride' && x <= 0 ? (pool && x === 0 ? 'stride should not be zero' : 'non-positive stride is not supported') : `\`${name}\` must be at least ${min}, got ${x}`;
        throw new LayerError('badValue', `${msg} (${name}: ${show(v)}).`, name);
      }
    }
    return list as number[];
  }
}

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
}

/**
 * Padding as [before, after] per axis. `same` follows FORMAT.md (TensorFlow's rule, which for
 * stride 1 is exactly PyTorch's 'same'): total = max((⌈W/s⌉ − 1)·s + K − W, 0), ⌊total/2⌋ before.
 */
export function resolvePadding(args: Args, name: string, spatial: number[], K: number[], s: number[], allowCausal: boolean): { pairs: Array<[number, number]>; mode: string } {
  const v = args.raw(name);
  const rank = spatial.length;
  if (v === 'valid') return { pairs: spatial.map(() => [0, 0]), mode: 'valid' };
  if (v === 'same') {
    return {
      pairs: spatial.map((W, i) => {
        const total = Math.max((Math.ceil(W / s[i]) - 1) * s[i] + K[i] - W, 0);
        return [Math.floor(total / 2), total - Math.floor(total / 2)];
      }),
      mode: 'same',
    };
  }
  if (v === 'causal') {
    if (!allowCausal) throw new LayerError('badValue', `padding 'causal' is for 1-D sequences only; this tensor has ${rank} spatial axes.`, name);
    return { pairs: [[K[0] - 1, 0]], mode: 'causal' };
  }
  if (typeof v === 'string') throw new LayerError('badValue', `Invalid padding string: '${v}' (use an integer, a list, [before, after] pairs, valid, same or causal).`, name);
  const pairOf = (x: unknown): [number, number] => {
    if (typeof x === 'number') return [x, x];
    if (Array.isArray(x) && x.length === 2 && x.every((y) => typeof y === 'number')) return [x[0], x[1]];
    throw new LayerError('badValue', `\`${name}\` entries must be integers or [before, after] pairs, got ${show(x)}.`, name);
  };
  let pairs: Array<[number, number]>;
  if (typeof v === 'number') pairs = spatial.map(() => [v, v]);
  else if (Array.isArray(v)) {
    if (v.length !== rank) throw new LayerError('badValue', `\`${name}\` has ${v.length} entries but the tensor has ${rank} spatial ${rank === 1 ? 'axis' : 'axes'}.`, name);
    pairs = v.map(pairOf);
  } else throw new LayerError('badValue', `\`${name}\` must be an integer, a list, [before, after] pairs, valid, same or causal; got ${show(v)}.`, name);
  for (const [a, b] of pairs) {
    if (!Number.isInteger(a) || !Number.isInteger(b)) throw new LayerError('badValue', `\`${name}\` must be whole numbers, got ${show(v)}.`, name);
    if (a < 0 || b < 0) throw new LayerError('badValue', `negative padding is not supported (${name}: ${show(v)}).`, name);
  }
  return { pairs, mode: 'explicit' };
}

function spatialOf(kind: string, input: Shape): { C: number; spatial: number[] } {
  if (input.length < 2) {
    throw new LayerError('rank', `${kind} needs a tensor with spatial axes [C, …], but its input is [${input.join(', ')}] (after flatten or global pooling?).`);
  }
  return { C: input[0], spatial: input.slice(1) };
}

/** Whole-tensor weights check: `weights` must have exactly the PyTorch layout's shape. */
function checkWeights(args: Args, expected: number[], what: string, torch?: { groups: number; input: Shape; transposed: boolean }): void {
  if (!args.has('weights')) return;
  const got = nestedShape(args.raw('weights'));
  if (!got || got.length !== expected.length || got.some((n, i) => n !== expected[i])) {
    // PyTorch's own words when the weights expect a different number of input channels.
    const inDim = torch?.transposed ? 0 : 1;
    const onlyChannels = got && torch && got.length === expected.length && got.every((n, i) => i === inDim || n === expected[i]);
    const expectC = onlyChannels ? (torch!.transposed ? got![0] : got![1] * torch!.groups) : 0;
    const pt = onlyChannels
      ? ` PyTorch: Given ${torch!.transposed ? 'transposed=1' : `groups=${torch!.groups}`}, weight of size [${got!.join(', ')}], expected input[1, ${torch!.input.join(', ')}] to have ${expectC} channels, but got ${torch!.input[0]} channels instead`
      : '';
    throw new LayerError('weightsShape', `weights have shape [${got ? got.join(', ') : 'ragged'}] but ${what} needs [${expected.join(', ')}].${pt}`, 'weights', { expected, got, ...(onlyChannels ? { channels: expectC } : {}) });
  }
}

function checkBias(args: Args, n: number): boolean {
  const b = args.raw('bias');
  if (Array.isArray(b)) {
    if (b.length !== n || b.some((x) => typeof x !== 'number')) throw new LayerError('weightsShape', `bias has ${b.length} values but the layer has ${n} outputs.`, 'bias');
    return true;
  }
  if (typeof b !== 'boolean') throw new LayerError('badValue', `\`bias\` must be true, false or a list of values, got ${show(b)}.`, 'bias');
  return b;
}

export function nestedShape(v: unknown): number[] | undefined {
  if (typeof v === 'number') return [];
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const inner = v.map(nestedShape);
  const first = inner[0];
  if (!first || inner.some((s) => !s || s.length !== first.length || s.some((n, i) => n !== first[i]))) return undefined;
  return [v.length, ...first];
}

/** Output size of a window op along one axis (conv and pooling share it). */
function windowOut(W: number, p: [number, number], K: number, s: number, ceil: boolean): number {
  const span = W + p[0] + p[1] - K;
  if (span < 0) return span >= -s ? 0 : Math.floor(span / s) + 1;
  let o = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // PyTorch: with ceil_mode, a last window that would start inside the right padding is dropped.
  if (ceil && (o - 1) * s >= W + p[0]) o--;
  return o;
}

export function computeLayer(layer: LayerInput): LayerComputation {
  const { kind } = layer;
  const args = new Args(kind, layer.args);
  const notes: LayerNote[] = [];
  const input = layer.inputs[0];
  const same = (shape: Shape, params = 0, buffers = 0, resolved: Record<string, unknown> = {}): LayerComputation => ({
    shape,
    params,
    buffers,
    macs: 0,
    resolved,
    field: { type: 'same' },
    notes,
  });

  switch (kind) {
    case 'conv':
    case 'depthwise':
    case 'separable': {
      const { C, spatial } = spatialOf(kind, input);
      const rank = spatial.length;
      const k = args.axes('kernel', rank);
      const s = args.axes('stride', rank);
      const d = args.axes('dilation', rank);
      const K = k.map((ki, i) => d[i] * (ki - 1) + 1);
      const { pairs, mode } = resolvePadding(args, 'padding', spatial, K, s, rank === 1);
      if (mode === 'same' && s.some((x) => x > 1)) {
        notes.push({ codeKey: 'sameStride', arg: 'padding', message: `padding='same' is not supported for strided convolutions in PyTorch (stride ${s.join('×')}); ConvLens uses TensorFlow's rule, output = ⌈W/S⌉. Use explicit padding to run it in PyTorch.` });
      }
      const multiplier = kind === 'conv' ? 1 : args.int('multiplier');
      const groups = kind === 'conv' ? args.int('groups') : C;
      const outC = kind === 'depthwise' ? C * multiplier : args.int('out');
      const dwOut = kind === 'separable' ? C * multiplier : outC;
      if (C % groups !== 0) {
        throw new LayerError('channels', `in_channels must be divisible by groups: the input has ${C} channels and groups = ${groups} (${C} mod ${groups} = ${C % groups}).`, 'groups', { C, out: dwOut, groups });
      }
      if (dwOut % groups !== 0) {
        const depthwiseNote = groups === C && C > 1 ? ` With groups = C = ${C} this is a depthwise conv: out must be a whole multiple of ${C} (depthwise multiplier out/C = ${dwOut}/${C} is not whole).` : '';
        throw new LayerError('channels', `out_channels must be divisible by groups: out = ${dwOut}, groups = ${groups} (${dwOut} mod ${groups} = ${dwOut % groups}).${depthwiseNote}`, kind === 'conv' ? 'groups' : 'multiplier', { C, out: dwOut, groups, depthwise: groups === C && C > 1 });
      }
      const outSpatial = spatial.map((W, i) => windowOut(W, pairs[i], K[i], s[i], false));
      const bad = outSpatial.findIndex((o) => o < 1);
      if (bad >= 0) {
        const padded = spatial.map((W, i) => W + pairs[i][0] + pairs[i][1]);
        throw new LayerError(
          'outputSize',
          `Output size ${outSpatial.join('×')}: the padded input ${padded.join('×')} is smaller than the ${d.some((x) => x > 1) ? 'dilated ' : ''}kernel ${K.join('×')} (axis ${bad + 1}: ⌊(W + P − K)/S⌋ + 1 = ⌊(${spatial[bad]} + ${pairs[bad][0] + pairs[bad][1]} − ${K[bad]})/${s[bad]}⌋ + 1 = ${outSpatial[bad]}). PyTorch: Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${K.join(' x ')}). Kernel size can't be greater than actual input size`,
          'kernel',
          { axis: bad },
        );
      }
      const taps = prod(k);
      const outElems = prod(outSpatial);
      let params: number;
      let macs: number;
      let hasBias: boolean;
      if (kind === 'separable') {
        hasBias = checkBias(args, outC);
        params = taps * C * multiplier + C * multiplier * outC + (hasBias ? outC : 0);
        macs = outElems * C * multiplier * taps + outElems * C * multiplier * outC;
      } else {
        hasBias = checkBias(args, outC);
        checkWeights(args, [outC, C / groups, ...k], `a conv from ${C} to ${outC} channels${groups > 1 ? ` in ${groups} groups` : ''} with kernel ${k.join('×')}`, { groups, input, transposed: false });
        params = outC * (C / groups) * taps + (hasBias ? outC : 0);
        macs = outElems * outC * (C / groups) * taps;
      }
      return {
        shape: [outC, ...outSpatial],
        params,
        buffers: 0,
        macs,
        resolved: { in: C, out: outC, kernel: k, stride: s, dilation: d, padding: pairs, paddingMode: mode, groups, multiplier, bias: hasBias, effectiveKernel: K },
        field: { type: 'map', axes: spatial.map((_, i) => windowMap(k[i], s[i], d[i], pairs[i][0])) },
        notes,
      };
    }

    case 'conv_transpose': {
      const { C, spatial } = spatialOf(kind, input);
      const rank = spatial.length;
      const k = args.axes('kernel', rank);
      const s = args.axes('stride', rank);
      const d = args.axes('dilation', rank);
      const op = args.axes('output_padding', rank, 0);
      const K = k.map((ki, i) => d[i] * (ki - 1) + 1);
      const pv = args.raw('padding');
      if (pv === 'same' || pv === 'causal') {
        throw new LayerError('badValue', `conv_transpose does not take padding '${pv}' (PyTorch's ConvTranspose accepts only integer padding).`, 'padding');
      }
      const { pairs } = resolvePadding(args, 'padding', spatial, K, s, false);
      const groups = args.int('groups');
      const outC = args.int('out');
      if (C % groups !== 0) throw new LayerError('channels', `in_channels must be divisible by groups: the input has ${C} channels and groups = ${groups} (${C} mod ${groups} = ${C % groups}).`, 'groups', { C, out: outC, groups });
      if (outC % groups !== 0) throw new LayerError('channels', `out_channels must be divisible by groups: out = ${outC}, groups = ${groups} (${outC} mod ${groups} = ${outC % groups}).`, 'groups', { C, out: outC, groups });
      const badOp = op.findIndex((o, i) => o >= s[i] && o >= d[i]);
      if (badOp >= 0) {
        const names = rank === 1 ? ['width'] : rank === 2 ? ['height', 'width'] : ['depth', 'height', 'width'];
        const got = (what: string, v: number[]) => v.map((x, i) => `${what}_${names[i]}: ${x}`).join(' ');
        throw new LayerError('outputPadding', `output padding must be smaller than either stride or dilation, but got ${got('output_padding', op)} ${got('stride', s)} ${got('dilation', d)} (axis ${badOp + 1}: ${op[badOp]} ≥ stride ${s[badOp]} and ≥ dilation ${d[badOp]}).`, 'output_padding', {
          axis: badOp,
          valid: op.map((o, i) => Math.min(o, Math.max(s[i], d[i]) - 1)),
        });
      }
      const outSpatial = spatial.map((W, i) => (W - 1) * s[i] - pairs[i][0] - pairs[i][1] + K[i] + op[i]);
      const bad = outSpatial.findIndex((o) => o < 1);
      if (bad >= 0) {
        // PyTorch reports 1-D transposed convs in their 2-D form: (1 x W).
        const twoD = (v: number[]) => (rank === 1 ? [1, ...v] : v).join(' x ');
        throw new LayerError('outputSize', `Output size ${outSpatial.join('×')} is too small: (W − 1)·S − P + K + output_padding = (${spatial[bad]} − 1)·${s[bad]} − ${pairs[bad][0] + pairs[bad][1]} + ${K[bad]} + ${op[bad]} = ${outSpatial[bad]} on axis ${bad + 1}. PyTorch: Given input size per channel: (${twoD(spatial)}). Calculated output size per channel: (${twoD(outSpatial)}). Output size is too small`, 'padding', { axis: bad });
      }
      const hasBias = checkBias(args, outC);
      checkWeights(args, [C, outC / groups, ...k], `a transposed conv from ${C} to ${outC} channels`, { groups, input, transposed: true });
      const taps = prod(k);
      return {
        shape: [outC, ...outSpatial],
        params: C * (outC / groups) * taps + (hasBias ? outC : 0),
        buffers: 0,
        macs: C * prod(spatial) * (outC / groups) * taps,
        resolved: { in: C, out: outC, kernel: k, stride: s, dilation: d, padding: pairs, outputPadding: op, groups, bias: hasBias, effectiveKernel: K },
        field: mapsOrUnknown(() => spatial.map((_, i) => transposedMap(k[i], s[i], d[i], pairs[i][0]))),
        notes,
      };
    }

    case 'maxpool':
    case 'avgpool': {
      const { C, spatial } = spatialOf(kind, input);
      const rank = spatial.length;
      const k = args.axes('kernel', rank);
      const s = args.has('stride') ? args.axes('stride', rank) : k;
      const d = kind === 'maxpool' ? args.axes('dilation', rank) : spatial.map(() => 1);
      const K = k.map((ki, i) => d[i] * (ki - 1) + 1);
      const ceil = args.bool('ceil_mode');
      const { pairs, mode } = resolvePadding(args, 'padding', spatial, K, s, rank === 1);
      const badPad = pairs.findIndex(([a, b], i) => Math.max(a, b) > Math.floor(k[i] / 2));
      if (badPad >= 0) {
        const pad = Math.max(...pairs[badPad]);
        throw new LayerError('poolPadding', `pad should be at most half of kernel size, but got pad=${pad} and kernel_size=${k[badPad]} (largest valid padding: ${Math.floor(k[badPad] / 2)}).`, 'padding', {
          valid: k.map((ki) => Math.floor(ki / 2)),
        });
      }
      const outSpatial = spatial.map((W, i) => windowOut(W, pairs[i], K[i], s[i], ceil));
      if (outSpatial.some((o) => o < 1)) {
        throw new LayerError('outputSize', `Given input size: (${[C, ...spatial].join('x')}). Calculated output size: (${[C, ...outSpatial].join('x')}). Output size is too small: the ${k.join('×')} window does not fit in the padded input.`, 'kernel');
      }
      return {
        shape: [C, ...outSpatial],
        params: 0,
        buffers: 0,
        macs: 0,
        resolved: { kernel: k, stride: s, dilation: d, padding: pairs, paddingMode: mode, ceilMode: ceil, countIncludePad: kind === 'avgpool' ? args.bool('count_include_pad') : undefined, effectiveKernel: K },
        field: { type: 'map', axes: spatial.map((_, i) => windowMap(k[i], s[i], d[i], pairs[i][0])) },
        notes,
      };
    }

    case 'adaptive_avgpool':
    case 'adaptive_maxpool': {
      const { C, spatial } = spatialOf(kind, input);
      const v = args.raw('size');
      const list = Array.isArray(v) ? v : Array(spatial.length).fill(v);
      if (list.length !== spatial.length) throw new LayerError('badValue', `\`size\` has ${list.length} values but the tensor has ${spatial.length} spatial axes.`, 'size');
      const size = list.map((x, i) => {
        if (x === null) return spatial[i];
        if (typeof x !== 'number' || !Number.isInteger(x) || x < 1) throw new LayerError('badValue', `\`size\` must be positive whole numbers (or null to keep an axis), got ${show(v)}.`, 'size');
        return x;
      });
      const isGlobal = size.every((x) => x === 1);
      return {
        shape: [C, ...size],
        params: 0,
        buffers: 0,
        macs: 0,
        resolved: { size },
        field: isGlobal ? { type: 'global' } : mapsOrUnknown(() => spatial.map((W, i) => adaptiveMap(W, size[i]))),
        notes,
      };
    }

    case 'global_avgpool':
    case 'global_maxpool': {
      const { C } = spatialOf(kind, input);
      return { shape: [C], params: 0, buffers: 0, macs: 0, resolved: {}, field: { type: 'global' }, notes };
    }

    case 'linear': {
      const inF = input[input.length - 1];
      const outF = args.int('out');
      const hasBias = checkBias(args, outF);
      checkWeights(args, [outF, inF], `a linear layer from ${inF} to ${outF} features`);
      const rows = prod(input.slice(0, -1));
      return {
        shape: [...input.slice(0, -1), outF],
        params: inF * outF + (hasBias ? outF : 0),
        buffers: 0,
        macs: inF * outF * rows,
        resolved: { in: inF, out: outF, bias: hasBias, rows },
        field: { type: 'global' },
        notes,
      };
    }

    case 'flatten':
      return { shape: [prod(input)], params: 0, buffers: 0, macs: 0, resolved: {}, field: { type: 'global' }, notes };

    case 'batchnorm':
    case 'layernorm':
    case 'groupnorm': {
      const C = input[0];
      const eps = args.number('eps');
      let groups: number | undefined;
      if (kind === 'groupnorm') {
        groups = args.int('groups');
        if (C % groups !== 0) throw new LayerError('channels', `num_channels must be divisible by num_groups: ${C} channels, ${groups} groups.`, 'groups', { C, groups });
      }
      return same(input, 2 * C, kind === 'batchnorm' ? 2 * C : 0, { eps, groups });
    }

    case 'prelu': {
      const n = args.int('channels');
      if (n !== 1 && n !== input[0]) throw new LayerError('channels', `prelu has ${n} slopes; it needs 1 or one per channel (${input[0]}).`, 'channels');
      return same(input, n, 0, { channels: n });
    }

    case 'channel_shuffle': {
      const g = args.int('groups');
      if (input[0] % g !== 0) throw new LayerError('channels', `channel_shuffle: ${input[0]} channels cannot be split into ${g} groups.`, 'groups');
      return same(input, 0, 0, { groups: g });
    }

    case 'softmax': {
      const axis = args.int('axis', -input.length);
      const a = axis < 0 ? axis + input.length : axis;
      if (a >= input.length) throw new LayerError('badValue', `softmax axis ${axis} is out of range for a tensor of rank ${input.length}.`, 'axis');
      const r = same(input, 0, 0, { axis: a });
      if (a > 0) r.field = { type: 'global' };
      return r;
    }

    case 'leaky_relu':
      return same(input, 0, 0, { slope: args.number('slope') });
    case 'dropout': {
      const p = args.number('p');
      if (p < 0 || p > 1) throw new LayerError('badValue', `dropout probability has to be between 0 and 1, but got ${p}.`, 'p');
      return same(input, 0, 0, { p });
    }
    case 'relu':
    case 'relu6':
    case 'gelu':
    case 'silu':
    case 'mish':
    case 'sigmoid':
    case 'tanh':
    case 'hardswish':
    case 'hardsigmoid':
    case 'identity':
      return same(input);

    case 'upsample': {
      const { C, spatial } = spatialOf(kind, input);
      const rank = spatial.length;
      const mode = args.raw('mode');
      if (mode !== 'nearest' && mode !== 'linear') throw new LayerError('badValue', `mode must be nearest or linear, got ${show(mode)}.`, 'mode');
      const alignCorners = args.bool('align_corners');
      const given = ['scale', 'size', 'like'].filter((n) => args.has(n));
      if (given.length !== 1) throw new LayerError('schema', `upsample needs exactly one of \`scale\`, \`size\` or \`like\`${given.length ? `, got ${given.join(' and ')}` : ''}.`, given[1]);
      // Source index per axis as an exact rational map: src = (o·a + c)/b (FORMAT.md; PyTorch's
      // nearest uses 1/scale when a scale is given, in/out when a size is).
      let outSpatial: number[];
      let ratio: Array<[number, number]>; // a/b = input positions per output step
      if (given[0] === 'scale') {
        const v = args.raw('scale');
        const list = Array.isArray(v) ? v : Array(rank).fill(v);
        if (list.length !== rank || list.some((x) => typeof x !== 'number' || !(x > 0))) throw new LayerError('badValue', `\`scale\` must be a positive number or one per spatial axis, got ${show(v)}.`, 'scale');
        outSpatial = spatial.map((W, i) => Math.floor(W * list[i]));
        ratio = list.map((x: number) => toFraction(1 / x));
      } else {
        const target = given[0] === 'size' ? args.axes('size', rank) : layer.like?.slice(1);
        if (!target) throw new LayerError('unknownName', 'upsample `like` names a layer whose shape is unknown.', 'like');
        if (target.length !== rank) throw new LayerError('rank', `upsample \`like\` names a layer with ${target.length} spatial axes; this input has ${rank}.`, 'like');
        outSpatial = target;
        ratio = spatial.map((W, i) => [W, target[i]]);
      }
      if (outSpatial.some((o) => o < 1)) throw new LayerError('outputSize', `upsample output ${outSpatial.join('×')} is empty.`, given[0]);
      const field = mapsOrUnknown(() => spatial.map((W, i) => {
        const [a, b] = ratio[i];
        if (mode === 'nearest') return resampleMap(a, b, 0, 'nearest');
        if (alignCorners) return outSpatial[i] > 1 ? resampleMap(W - 1, outSpatial[i] - 1, 0, 'linear') : resampleMap(0, 1, 0, 'nearest');
        // src = (o + ½)·a/b − ½ = (o·2a + a − b) / 2b
        return resampleMap(2 * a, 2 * b, a - b, 'linear');
      }));
      return {
        shape: [C, ...outSpatial],
        params: 0,
        buffers: 0,
        macs: 0,
        resolved: { mode, alignCorners, size: outSpatial, scale: given[0] === 'scale' ? args.raw('scale') : undefined },
        field,
        notes,
      };
    }

    case 'pad': {
      const { C, spatial } = spatialOf(kind, input);
      if (!args.has('padding')) throw new LayerError('schema', 'pad needs `padding`.', 'padding');
      const v = args.raw('padding');
      if (v === 'same') throw new LayerError('badValue', "pad needs explicit sizes; 'same' depends on a kernel.", 'padding');
      const { pairs } = resolvePadding(args, 'padding', spatial, spatial.map(() => 1), spatial.map(() => 1), spatial.length === 1);
      return {
        shape: [C, ...spatial.map((W, i) => W + pairs[i][0] + pairs[i][1])],
        params: 0,
        buffers: 0,
        macs: 0,
        resolved: { padding: pairs },
        field: { type: 'map', axes: pairs.map(([p0]) => windowMap(1, 1, 1, p0)) },
        notes,
      };
    }

    case 'slice': {
      const C = input[0];
      const period = args.has('period') ? args.int('period') : C;
      if (C % period !== 0) throw new LayerError('channels', `slice: ${C} channels are not whole blocks of period ${period}.`, 'period', { C, period });
      const start = args.int('start', 0);
      const end = args.int('end', 1);
      if (start >= end || end > period) {
        throw new LayerError('channels', `slice [${start}, ${end}) is not a non-empty range inside ${period === C ? `the ${C} channels` : `each block of ${period} channels`}.`, end > period ? 'end' : 'start', { C, start, end, period });
      }
      return same([(end - start) * (C / period), ...input.slice(1)], 0, 0, { start, end, period });
    }

    case 'reorg': {
      const { C, spatial } = spatialOf(kind, input);
      const st = args.int('stride');
      const bad = spatial.findIndex((n) => n % st !== 0);
      if (spatial.length !== 2) throw new LayerError('rank', `reorg acts on [C, H, W]; its input is [${input.join(', ')}].`);
      if (bad >= 0) throw new LayerError('outputSize', `reorg with stride ${st} needs H and W divisible by ${st}; the input is ${spatial.join('×')}.`, 'stride');
      if (C % (st * st) !== 0) throw new LayerError('channels', `reorg with stride ${st} needs the channels divisible by ${st * st} (darknet reads the input as [C/${st * st}, ${st}·H, ${st}·W]); the input has ${C}.`, 'stride');
      return { shape: [C * st * st, ...spatial.map((n) => n / st)], params: 0, buffers: 0, macs: 0, resolved: { stride: st }, field: { type: 'unknown' }, notes };
    }

    case 'attention': {
      const { C, spatial } = spatialOf(kind, input);
      const heads = args.int('heads');
      const keyDim = args.int('key_dim');
      const perHead = C / heads;
      const headDim = perHead - 2 * keyDim;
      if (!Number.isInteger(perHead) || headDim < 1) {
        throw new LayerError('channels', `attention: ${C} input channels are not ${heads} heads of 2·${keyDim} query/key channels plus at least one value channel each.`, 'heads', { C, heads, keyDim });
      }
      const N = prod(spatial);
      return {
        shape: [heads * headDim, ...spatial],
        params: 0,
        buffers: 0,
        // Per head: qᵀk is N×N dot products of key_dim, then values·attnᵀ is head_dim×N dot products of N.
        macs: heads * N * N * (keyDim + headDim),
        resolved: { heads, keyDim, headDim },
        field: { type: 'global' },
        notes,
      };
    }

    case 'add':
    case 'mul':
      return elementwise(kind, layer.inputs, notes);

    case 'concat': {
      const rank = input.length;
      const axisArg = args.int('axis', -rank);
      const axis = axisArg < 0 ? axisArg + rank : axisArg;
      if (axis >= rank) throw new LayerError('badValue', `concat axis ${axisArg} is out of range for tensors of rank ${rank}.`, 'axis');
      for (let i = 1; i < layer.inputs.length; i++) {
        const other = layer.inputs[i];
        if (other.length !== rank) throw new LayerError('concatShapes', `concat operands have different ranks: [${input.join(', ')}] and [${other.join(', ')}].`, undefined, { operand: i });
        const bad = other.findIndex((n, a) => a !== axis && n !== input[a]);
        if (bad >= 0) {
          const axisName = bad === 0 ? 'channels (axis 0)' : `spatial axis ${bad} (axis ${bad})`;
          throw new LayerError('concatShapes', `concat operands differ in ${axisName}: ${input[bad]} vs ${other[bad]} (by ${Math.abs(input[bad] - other[bad])}); shapes [${input.join(', ')}] and [${other.join(', ')}]. Only axis ${axis} may differ.`, undefined, {
            operand: i,
            axis: bad,
            difference: other[bad] - input[bad],
          });
        }
      }
      const shape = [...input];
      shape[axis] = layer.inputs.reduce((n, s) => n + s[axis], 0);
      return { shape, params: 0, buffers: 0, macs: 0, resolved: { axis }, field: axis === 0 ? { type: 'union' } : { type: 'global' }, notes };
    }
  }
  throw new LayerError('unknownKind', `Unknown layer kind '${kind}'.`);
}

function elementwise(kind: 'add' | 'mul', inputs: Shape[], notes: LayerNote[]): LayerComputation {
  const full = inputs.reduce((a, b) => (b.length > a.length || (b.length === a.length && prod(b) > prod(a)) ? b : a));
  const mainIndex = inputs.indexOf(full);
  let gated = false;
  for (let i = 0; i < inputs.length; i++) {
    const s = inputs[i];
    if (s.length === full.length && s.every((n, a) => n === full[a])) continue;
    // mul broadcasts a [C] or [C, 1, …] gate (squeeze-excite), in either position.
    const isGate = kind === 'mul' && s[0] === full[0] && (s.length === 1 || (s.length === full.length && s.slice(1).every((n) => n === 1)));
    if (isGate) {
      gated = true;
      continue;
    }
    throw new LayerError('elementwiseShapes', `${kind} operands differ in shape: [${full.join(', ')}] and [${s.join(', ')}]${kind === 'mul' ? ' (mul broadcasts only a [C] or [C, 1, …] operand)' : ''}.`, undefined, {
      operands: [mainIndex, i],
    });
  }
  return { shape: [...full], params: 0, buffers: 0, macs: 0, resolved: { gated }, field: gated ? { type: 'gate', main: mainIndex } : { type: 'union' }, notes };
}

/** A float as an exact fraction a/b when it is one with a small denominator (scale 1.5 → 2/3…). */
function toFraction(x: number): [number, number] {
  for (let b = 1; b <= 1000; b++) {
    const a = Math.round(x * b);
    if (Math.abs(a / b - x) < 1e-9) {
      const g = gcdInt(a, b);
      return [a / g, b / g];
    }
  }
  const r = rational(Math.round(x * 1e6), 1e6);
  return [r.num, r.den];
}

function gcdInt(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return Math.abs(a) || 1;
}
