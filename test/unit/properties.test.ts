// Property-based tests (issue 7): random VALID small networks, written as YAML text, analysed by
// the engine and run by the executor with the real kernels.
//  1. No finding of severity error.
//  2. Every layer's output shape = the shape of the tensor execute() produces.
//  3. Parameters: for conv / depthwise / conv_transpose / linear, the number of weights the
//     executor actually created (layerParams: weight numel + bias length). For the layers whose
//     parameters the executor does not materialise, an independent formula written here:
//     separable = ∏k·C·m + C·m·out (+ out), batchnorm/layernorm/groupnorm = 2C (γ, β), prelu =
//     channels, everything else 0.
//  4. Receptive fields: for every input position, an impulse (all channels) through the
//     linearised positive network (execute(..., {positiveWeights: true}): weights 1/fan_in, bias 0,
//     activations identity, max pooling → average). For every layer and every output position:
//       - if fieldAt(o) lies inside the input on every axis: "some channel of o is nonzero" must
//         equal "p ∈ fieldAt(o)" — exact positions, holes included;
//       - otherwise (border outputs): the response must lie in fieldAt(o) clipped to the input
//         (the engine's field also counts taps that land on an intermediate layer's zero padding,
//         which carry no signal, so it may be larger there).
//     Global fields (global pools, linear, adaptive pools to size 1) must respond everywhere;
//     flatten somewhere.
// Fixed seed; on failure fast-check prints the YAML of the (shrunk) counterexample.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { check, fieldAt } from '../../engine';
import type { Analysis, LayerResult } from '../../engine/types';
import { execute, layerParams } from '../../kernels/runtime/execute';
import { makeSample } from '../../kernels/runtime/samples';
import { numel, type Tensor } from '../../kernels';
import { unravel } from './helpers/reference';

// ---------------------------------------------------------------------------------------------
// The generator: a builder that tracks the current shape, so every emitted layer is valid.

type Gen = fc.GeneratorValue;
interface Net {
  text: string;
  rank: number;
  layers: number;
}

const int = (g: Gen, min: number, max: number) => g(fc.integer, { min, max });
const pick = <T>(g: Gen, xs: readonly T[]): T => xs[int(g, 0, xs.length - 1)];
const bool = (g: Gen) => g(fc.boolean);
const divisors = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
/** One value for all axes (scalar) or a list, at random. */
const perAxis = (g: Gen, rank: number, f: () => number): number | number[] => {
  if (rank > 1 && bool(g)) return Array.from({ length: rank }, f);
  return f();
};
const list = (v: number | number[], rank: number): number[] => (Array.isArray(v) ? v : Array(rank).fill(v));
const yamlOf = (v: unknown): string => (Array.isArray(v) ? `[${v.map(yamlOf).join(', ')}]` : String(v));
const flow = (args: Record<string, unknown>): string => `{${Object.entries(args).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${yamlOf(v)}`).join(', ')}}`;

const ACTIVATIONS = ['relu', 'relu6', 'leaky_relu', 'gelu', 'silu', 'mish', 'sigmoid', 'tanh', 'hardswish', 'hardsigmoid', 'identity', 'dropout', 'softmax', 'prelu', 'channel_shuffle'];
const KINDS = ['conv', 'conv', 'conv', 'conv_transpose', 'depthwise', 'separable', 'maxpool', 'avgpool', 'adaptive_avgpool', 'adaptive_maxpool', 'upsample', 'pad', 'activation', 'norm', 'add', 'concat'] as const;

function buildNetwork(g: Gen): Net {
  const rank = int(g, 1, 3);
  const maxW = rank === 3 ? 6 : 12; // (rank 3: 6³ impulses per network keeps the file fast)
  const C0 = int(g, 1, 4);
  const input = [C0, ...Array.from({ length: rank }, () => int(g, 1, maxW))];
  // Tensors available as `from` targets, with their shapes.
  const avail: Array<{ name: string; shape: number[] }> = [{ name: 'input', shape: input }];
  let cur = input.slice();
  const lines: string[] = [`input: [${input.join(', ')}]`, 'layers:'];
  let n = 0;
  const emit = (kind: string, args: Record<string, unknown> | null, shape: number[], from?: string | string[]) => {
    const name = `l${n++}`;
    lines.push(args && Object.keys(args).length ? `  - ${kind}: ${flow(args)}` : `  - ${kind}:${n % 2 ? ' {}' : ''}`);
    lines.push(`    name: ${name}`);
    if (from !== undefined) lines.push(`    from: ${Array.isArray(from) ? `[${from.join(', ')}]` : from}`);
    avail.push({ name, shape });
    cur = shape;
    return name;
  };
  const fits = (sp: number[]) => sp.every((w) => w >= 1 && w <= maxW);
  const windowOut = (W: number, p0: number, p1: number, K: number, s: number, ceil: boolean) => {
    const span = W + p0 + p1 - K;
    if (span < 0) return 0;
    let o = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
    if (ceil && (o - 1) * s >= W + p0) o--;
    return o;
  };
  /** Padding for a conv-like layer: [written value, pairs]. */
  const convPadding = (sp: number[], K: number[], s: number[]): [unknown, Array<[number, number]>] => {
    const choice = int(g, 0, rank === 1 ? 5 : 4);
    if (choice === 0) return [undefined, sp.map(() => [0, 0])];
    if (choice === 1) return ['valid', sp.map(() => [0, 0])];
    if (choice === 2 && s.every((x) => x === 1)) {
      return ['same', sp.map((W, i) => {
        const total = Math.max((Math.ceil(W / s[i]) - 1) * s[i] + K[i] - W, 0);
        return [Math.floor(total / 2), total - Math.floor(total / 2)];
      })];
    }
    if (choice === 3) {
      const pairs = sp.map(() => [int(g, 0, 2), int(g, 0, 2)] as [number, number]);
      return [pairs, pairs];
    }
    if (choice === 5) return ['causal', [[K[0] - 1, 0]]];
    const p = perAxis(g, rank, () => int(g, 0, 2));
    return [p, list(p, rank).map((x) => [x, x])];
  };

  const count = int(g, 1, 7);
  for (let step = 0; step < count; step++) {
    const C = cur[0];
    const sp = cur.slice(1);
    if (sp.length === 0) break; // (after a global pool: only the head below)
    const kind = pick(g, KINDS);
    switch (kind) {
      case 'conv':
      case 'depthwise':
      case 'separable': {
        let k = perAxis(g, rank, () => int(g, 1, 4));
        const s = perAxis(g, rank, () => int(g, 1, 3));
        let d = perAxis(g, rank, () => int(g, 1, 3));
        let K = list(k, rank).map((ki, i) => list(d, rank)[i] * (ki - 1) + 1);
        let [padding, pairs] = convPadding(sp, K, list(s, rank));
        let out = sp.map((W, i) => windowOut(W, pairs[i][0], pairs[i][1], K[i], list(s, rank)[i], false));
        if (!out.every((o) => o >= 1)) {
          // Too small for this kernel: a 1-wide kernel always fits.
          k = 1;
          d = 1;
          K = sp.map(() => 1);
          if (padding === 'same' || padding === 'causal') pairs = sp.map(() => [0, 0]);
          out = sp.map((W, i) => windowOut(W, pairs[i][0], pairs[i][1], 1, list(s, rank)[i], false));
        }
        if (!fits(out)) break;
        const args: Record<string, unknown> = { kernel: k };
        if (kind === 'conv') {
          const groups = pick(g, divisors(C));
          const outC = groups * int(g, 1, Math.max(1, Math.floor(4 / groups)));
          args.out = outC;
          if (groups > 1) args.groups = groups;
          Object.assign(args, { kernel: k });
          if (bool(g)) args.stride = s;
          else if (list(s, rank).some((x) => x !== 1)) args.stride = s;
          if (list(d, rank).some((x) => x !== 1)) args.dilation = d;
          if (padding !== undefined) args.padding = padding;
          if (bool(g)) args.bias = false;
          emit('conv', args, [outC, ...out]);
        } else {
          const m = int(g, 1, Math.max(1, Math.floor(4 / C)));
          if (m > 1) args.multiplier = m;
          if (list(s, rank).some((x) => x !== 1)) args.stride = s;
          if (list(d, rank).some((x) => x !== 1)) args.dilation = d;
          if (padding !== undefined) args.padding = padding;
          if (bool(g)) args.bias = false;
          if (kind === 'depthwise') emit('depthwise', args, [C * m, ...out]);
          else {
            const outC = int(g, 1, 4);
            emit('separable', { out: outC, ...args }, [outC, ...out]);
          }
        }
        break;
      }
      case 'conv_transpose': {
        const k = perAxis(g, rank, () => int(g, 1, 3));
        const s = perAxis(g, rank, () => int(g, 1, 3));
        const d = perAxis(g, rank, () => int(g, 1, 2));
        const K = list(k, rank).map((ki, i) => list(d, rank)[i] * (ki - 1) + 1);
        const p = perAxis(g, rank, () => int(g, 0, 2));
        const op = list(s, rank).map((si, i) => int(g, 0, Math.max(si, list(d, rank)[i]) - 1));
        const out = sp.map((W, i) => (W - 1) * list(s, rank)[i] - 2 * list(p, rank)[i] + K[i] + op[i]);
        if (!fits(out)) break;
        const groups = pick(g, divisors(C));
        const outC = groups * int(g, 1, Math.max(1, Math.floor(4 / groups)));
        const args: Record<string, unknown> = { out: outC, kernel: k, stride: s };
        if (list(d, rank).some((x) => x !== 1)) args.dilation = d;
        if (list(p, rank).some((x) => x !== 0)) args.padding = p;
        if (op.some((x) => x !== 0)) args.output_padding = op;
        if (groups > 1) args.groups = groups;
        emit('conv_transpose', args, [outC, ...out]);
        break;
      }
      case 'maxpool':
      case 'avgpool': {
        const k = perAxis(g, rank, () => int(g, 1, 3));
        const strideGiven = bool(g);
        const s = strideGiven ? perAxis(g, rank, () => int(g, 1, 3)) : k;
        const d = kind === 'maxpool' && bool(g) ? perAxis(g, rank, () => int(g, 1, 2)) : 1;
        const p = perAxis(g, rank, () => int(g, 0, 1));
        const pp = list(p, rank).map((x, i) => Math.min(x, Math.floor(list(k, rank)[i] / 2)));
        const ceil = bool(g);
        const K = list(k, rank).map((ki, i) => list(d, rank)[i] * (ki - 1) + 1);
        const out = sp.map((W, i) => windowOut(W, pp[i], pp[i], K[i], list(s, rank)[i], ceil));
        if (!out.every((o) => o >= 1) || !fits(out)) break;
        const args: Record<string, unknown> = { kernel: k };
        if (strideGiven) args.stride = s;
        if (pp.some((x) => x > 0)) args.padding = pp;
        if (list(d, rank).some((x) => x !== 1)) args.dilation = d;
        if (ceil) args.ceil_mode = true;
        if (kind === 'avgpool' && bool(g)) args.count_include_pad = false;
        emit(kind, args, [C, ...out]);
        break;
      }
      case 'adaptive_avgpool':
      case 'adaptive_maxpool': {
        const size = sp.map((W) => int(g, 1, Math.min(maxW, W + 2)));
        emit(kind, { size: size.every((x) => x === size[0]) && bool(g) ? size[0] : size }, [C, ...size]);
        break;
      }
      case 'upsample': {
        const mode = bool(g) ? 'linear' : 'nearest';
        // (Linear: scales 1, 2, 4, whose 1/scale is exact in float32. With scale 3 the kernel
        // computes s·(o + ½) − ½ in double before rounding and gives a second tap a 1.5e-8
        // weight where the source index is whole: reported, not a field question.)
        const scale = perAxis(g, rank, () => (mode === 'linear' ? pick(g, [1, 2, 4]) : int(g, 1, 3)));
        const out = sp.map((W, i) => W * list(scale, rank)[i]);
        if (!fits(out)) break;
        const args: Record<string, unknown> = { scale };
        if (mode === 'linear') {
          args.mode = 'linear';
          if (bool(g)) args.align_corners = true;
        }
        emit('upsample', args, [C, ...out]);
        break;
      }
      case 'pad': {
        const pairs = sp.map(() => [int(g, 0, 2), int(g, 0, 2)]);
        const out = sp.map((W, i) => W + pairs[i][0] + pairs[i][1]);
        if (!fits(out)) break;
        const symmetric = pairs.every(([a, b]) => a === b);
        emit('pad', { padding: symmetric && bool(g) ? pairs.map(([a]) => a) : pairs }, [C, ...out]);
        break;
      }
      case 'activation': {
        const a = pick(g, ACTIVATIONS);
        if (a === 'leaky_relu') emit(a, { slope: 0.1 }, cur);
        else if (a === 'dropout') emit(a, { p: 0.5 }, cur);
        else if (a === 'prelu') emit(a, bool(g) ? { channels: C } : null, cur);
        else if (a === 'channel_shuffle') emit(a, { groups: pick(g, divisors(C)) }, cur);
        else emit(a, null, cur); // (softmax: axis 0, over channels)
        break;
      }
      case 'norm': {
        const which = int(g, 0, 2);
        if (which === 0) emit('batchnorm', null, cur);
        else if (which === 1) emit('layernorm', null, cur);
        else emit('groupnorm', { groups: pick(g, divisors(C)) }, cur);
        break;
      }
      case 'add':
      case 'concat': {
        // A branch from an earlier tensor with the same spatial size: a stride-1 'same' conv
        // (random kernel and dilation: a different field) then add / concat with the current.
        const cands = avail.filter((t) => t.shape.length === cur.length && t.shape.slice(1).every((w, i) => w === sp[i]));
        const src = pick(g, cands);
        const outC = kind === 'add' ? C : int(g, 1, 4);
        const k = perAxis(g, rank, () => int(g, 1, 3));
        const d = perAxis(g, rank, () => int(g, 1, 2));
        const mainName = avail[avail.length - 1].name;
        const args: Record<string, unknown> = { out: outC, kernel: k, padding: 'same' };
        if (list(d, rank).some((x) => x !== 1)) args.dilation = d;
        const b = emit('conv', args, [outC, ...sp], src.name);
        if (kind === 'add') emit('add', null, cur, bool(g) ? [mainName, b] : [b, mainName]);
        else emit('concat', null, [C + outC, ...sp], [mainName, b]);
        break;
      }
    }
  }
  // An optional head: global pooling / flatten / linear (global fields).
  const head = int(g, 0, 4);
  if (head === 1 && cur.length > 1) emit(bool(g) ? 'global_avgpool' : 'global_maxpool', null, [cur[0]]);
  else if (head === 2) {
    if (cur.length > 1) emit('flatten', null, [numel(cur)]);
    const outF = int(g, 1, 4);
    emit('linear', { out: outF }, [outF]);
  } else if (head === 3 && cur.length > 1) emit('adaptive_avgpool', { size: 1 }, [cur[0], ...cur.slice(1).map(() => 1)]);
  if (n === 0) emit('relu', null, cur);
  return { text: lines.join('\n') + '\n', rank, layers: n };
}

const networks = fc.gen().map((g) => buildNetwork(g));

// ---------------------------------------------------------------------------------------------

function analyse(text: string): Analysis {
  const a = check(text);
  const errs = a.findings.filter((f) => f.severity === 'error');
  assert.deepEqual(errs.map((e) => `${e.code} ${e.message}`), [], 'a valid network has errors');
  return a;
}

/** Parameters of a layer as the executor creates them, or by an independent formula. */
function paramsOf(layer: LayerResult, inShape: number[]): number {
  const a = layer.args as Record<string, any>;
  const C = inShape[0];
  switch (layer.kind) {
    case 'conv':
    case 'depthwise':
    case 'conv_transpose':
    case 'linear': {
      const p = layerParams(layer, inShape, 7, false)!;
      return numel(p.weight.shape) + (p.bias ? p.bias.length : 0);
    }
    case 'separable': {
      const taps = (a.kernel as number[]).reduce((x, y) => x * y, 1);
      const m = a.multiplier ?? 1;
      return taps * C * m + C * m * a.out + (a.bias !== false ? a.out : 0);
    }
    case 'batchnorm':
    case 'layernorm':
    case 'groupnorm':
      return 2 * C;
    case 'prelu':
      return a.channels ?? 1;
  }
  return 0;
}

interface Mismatch {
  layer: string;
  impulse: number[];
  output: number[];
  expected: boolean;
  got: boolean;
}


/**
 * Impulse responses of the positive network vs fieldAt, every layer, every output position.
 * First collects, for every layer and output o, the set R(o) of input positions whose impulse
 * reaches o; then compares with the engine's per-axis sets F_ax(o) = fieldAt(axis, o):
 *  - interior outputs (F inside the input on every axis):
 *      no merge upstream, or rank 1: R(o) = F_1(o) × … × F_n(o) exactly (positions and holes);
 *      after an add/concat at rank ≥ 2 the true field is a union of boxes, which per-axis sets
 *      cannot describe: R(o) ⊆ the product, and the projection of R(o) on each axis = F_ax(o);
 *  - border outputs: R(o) ⊆ the product (clipped to the input).
 */
function fieldMismatches(a: Analysis): { mismatches: Mismatch[]; interior: number; approximate: Set<string>; cropped: Set<string> } {
  const approximate = new Set<string>();
  const croppedLayers = new Set<string>();
  const input = a.input!;
  const sp = input.slice(1);
  const P = numel(sp);
  const mismatches: Mismatch[] = [];
  const report = (m: Mismatch) => mismatches.length < 10 && mismatches.push(m);
  let interior = 0;
  // reached[layer][o] = the impulses p that reach output o (as a Uint8Array over p).
  const reached: Uint8Array[][] = a.layers.map(() => []);
  const globalOk: boolean[] = a.layers.map(() => true);
  for (let p = 0; p < P; p++) {
    const x = new Float32Array(numel(input));
    for (let c = 0; c < input[0]; c++) x[c * P + p] = 1;
    const values = new Map<string, Tensor>([['input', { shape: input.slice(), data: x }]]);
    execute(a, { shape: input.slice(), data: x }, {
      positiveWeights: true,
      onLayer: (i, t, layer) => {
        values.set(layer.name, t);
        if (layer.rf?.kind === 'global') {
          // Every output sees all of its input: it responds (everywhere; flatten: somewhere)
          // exactly when the impulse reached the layer's input at all. (An input that never
          // reaches, e.g. a strided conv that only reads padding, leaves a global layer at 0.)
          const got = layer.from.some((f) => values.get(f)!.data.some((v) => v > 0));
          // Pools over the whole input and a linear layer on a vector: every output; a layer after
          // one (a conv whose padding adds outputs that see nothing), flatten: some output.
          // Global pools: per channel (a grouped conv before one keeps channels apart).
          const x0 = values.get(layer.from[0])!;
          let ok: boolean;
          if (/^(global_|adaptive_)/.test(layer.kind)) {
            const per = numel(x0.shape.slice(1));
            ok = Array.from({ length: x0.shape[0] }, (_, c) => x0.data.subarray(c * per, (c + 1) * per).some((v) => v > 0) === t.data[c * (t.data.length / x0.shape[0])] > 0).every(Boolean);
            ok &&= t.data.some((v) => v > 0) === got;
          } else if (layer.kind === 'linear' && x0.shape.length === 1) ok = t.data.every((v) => v > 0) === got;
          else if (layer.kind === 'flatten') ok = t.data.some((v) => v > 0) === got;
          else ok = got || !t.data.some((v) => v > 0); // (after a global step: padding may add outputs that see nothing)
          if (!ok && globalOk[i]) {
            globalOk[i] = false;
            report({ layer: layer.name, impulse: unravel(p, sp), output: [], expected: got, got: !got });
          }
          return;
        }
        const osp = t.shape.slice(1);
        const per = numel(osp);
        for (let o = 0; o < per; o++) {
          let got = false;
          for (let c = 0; c < t.shape[0] && !got; c++) got = t.data[c * per + o] > 0;
          if (got) (reached[i][o] ??= new Uint8Array(P))[p] = 1;
        }
      },
    });
  }
  const merged = new Set<string>(); // layers with an add/concat upstream
  for (const layer of a.layers) {
    if (layer.merge || layer.from.some((f) => merged.has(f))) merged.add(layer.name);
  }
  // "Interior" (field inside the input) means "no tap on padding" only while the positions just
  // outside every intermediate tensor (its padding, and what a linear upsampling clamps) have
  // fields that reach outside the input too. A transposed conv that crops (padding > K − 1)
  // breaks that: its position −1 sees input 0. Layers downstream of such a crop are compared
  // as border outputs (response ⊆ field).
  const crops = new Set<string>();
  for (const layer of a.layers) {
    const upstream = layer.from.some((f) => crops.has(f));
    const rf = layer.rf;
    let leaky = false;
    if (rf?.kind === 'local' && layer.shape) {
      rf.axes.forEach((f, ax) => {
        const W = layer.shape![1 + ax];
        for (let k = 1; k <= f.period; k++) {
          for (const q of [-k, W - 1 + k]) {
            const set = fieldAt(f, q);
            if (set.length && set[0][0] >= 0 && set[set.length - 1][1] <= sp[ax] - 1) leaky = true;
          }
        }
      });
    }
    if (upstream || leaky) crops.add(layer.name);
  }
  const pIdx = Array.from({ length: P }, (_, p) => unravel(p, sp));
  for (const layer of a.layers) {
    const rf = layer.rf;
    if (!rf) {
      report({ layer: `${layer.name} (no field)`, impulse: [], output: [], expected: true, got: false });
      continue;
    }
    if (rf.kind === 'global') continue;
    if (rf.axes.some((f) => f.approximate)) {
      // Branches with different jumps (strides) merged: no periodic field describes the
      // union, the engine keeps the widest operand's, marks it approximate and warns (CL302).
      approximate.add(layer.name);
      if (!a.findings.some((f) => f.code === 'CL302')) report({ layer: `${layer.name} (approximate field without a CL302 warning)`, impulse: [], output: [], expected: true, got: false });
      continue;
    }
    const osp = layer.shape!.slice(1);
    const exact = sp.length === 1 || !merged.has(layer.name);
    const cropped = layer.from.some((f) => crops.has(f));
    if (cropped) croppedLayers.add(layer.name);
    for (let o = 0; o < numel(osp); o++) {
      const oIdx = unravel(o, osp);
      const sets = osp.map((_, ax) => fieldAt(rf.axes[ax], oIdx[ax]));
      const inSet = (ax: number, v: number) => sets[ax].some(([lo, hi]) => v >= lo && v <= hi);
      const inside = sets.every((set, ax) => !set.length || (set[0][0] >= 0 && set[set.length - 1][1] <= sp[ax] - 1));
      const R = reached[layer.index][o];
      const proj: Array<Set<number>> = sp.map(() => new Set());
      for (let p = 0; p < P; p++) {
        const expected = sets.every((_, ax) => inSet(ax, pIdx[p][ax]));
        const got = !!R?.[p];
        if (got) pIdx[p].forEach((v, ax) => proj[ax].add(v));
        const bad = inside && exact && !cropped ? got !== expected : got && !expected;
        if (bad) report({ layer: layer.name, impulse: pIdx[p], output: oIdx, expected, got });
      }
      if (inside && !cropped) interior++;
      if (inside && !exact && !cropped) {
        for (let ax = 0; ax < sp.length; ax++) {
          const want: number[] = [];
          if (sets.every((set) => set.length)) for (const [lo, hi] of sets[ax]) for (let v = lo; v <= hi; v++) want.push(v);
          const have = [...proj[ax]].sort((x, y) => x - y);
          if (want.join() !== have.join()) report({ layer: `${layer.name} (axis ${ax + 1}: engine [${want}], impulses [${have}])`, impulse: [], output: oIdx, expected: true, got: false });
        }
      }
    }
  }
  return { mismatches, interior, approximate, cropped: croppedLayers };
}

const params = { seed: 20240607, numRuns: 1000 };

describe('properties of random valid networks (fast-check, fixed seed)', function () {
  this.timeout(120000);

  it('the generator covers ranks 1-3 and every kind (sanity of the generator itself)', () => {
    const seen = new Set<string>();
    const ranks = new Set<number>();
    for (const net of fc.sample(networks, { seed: params.seed, numRuns: params.numRuns })) {
      ranks.add(net.rank);
      for (const m of net.text.matchAll(/^ {2}- (\w+)/gm)) seen.add(m[1]);
      if (/padding: same/.test(net.text)) seen.add('padding same');
      if (/padding: causal/.test(net.text)) seen.add('padding causal');
      if (/padding: \[\[/.test(net.text)) seen.add('padding pairs');
      if (/ceil_mode: true/.test(net.text)) seen.add('ceil_mode');
      if (/groups: [2-4]/.test(net.text)) seen.add('groups');
      if (/dilation/.test(net.text)) seen.add('dilation');
      if (/output_padding/.test(net.text)) seen.add('output_padding');
      if (/mode: linear/.test(net.text)) seen.add('linear upsampling');
      if (/align_corners/.test(net.text)) seen.add('align_corners');
    }
    assert.deepEqual([...ranks].sort(), [1, 2, 3]);
    const want = ['conv', 'conv_transpose', 'depthwise', 'separable', 'maxpool', 'avgpool', 'adaptive_avgpool', 'adaptive_maxpool', 'global_avgpool', 'global_maxpool', 'upsample', 'pad', 'relu', 'batchnorm', 'groupnorm', 'add', 'concat', 'flatten', 'linear', 'padding same', 'padding causal', 'padding pairs', 'ceil_mode', 'groups', 'dilation', 'output_padding', 'linear upsampling', 'align_corners'];
    assert.deepEqual(want.filter((k) => !seen.has(k)), []);
  });

  it('no errors; every layer shape = the executed tensor shape; parameters = the executor\'s weights', () => {
    fc.assert(
      fc.property(networks, (net) => {
        const a = analyse(net.text);
        assert.equal(a.layers.length, net.layers);
        const shapes = new Map<string, number[]>([['input', a.input!]]);
        let seen = 0;
        let total = 0;
        // A dilated max pool with padding can have a window whose taps all fall on padding: −∞,
        // as in PyTorch. Non-finite values are allowed from there on, nowhere else.
        const mayBeInfinite = new Set<string>();
        execute(a, makeSample('noise', a.input!, 1), {
          seed: 7,
          onLayer: (i, t, layer) => {
            seen++;
            assert.deepEqual(t.shape, layer.shape, `shape of ${layer.name}`);
            const a = layer.args as Record<string, any>;
            if ((layer.kind === 'maxpool' && a.dilation.some((d: number) => d > 1) && a.padding.some(([p0, p1]: number[]) => p0 + p1 > 0)) || layer.from.some((f) => mayBeInfinite.has(f))) mayBeInfinite.add(layer.name);
            if (!mayBeInfinite.has(layer.name)) assert.ok(t.data.every(Number.isFinite), `${layer.name} has non-finite values`);
            shapes.set(layer.name, t.shape);
            const inShape = shapes.get(layer.from[0])!;
            assert.equal(layer.params, paramsOf(layer, inShape), `parameters of ${layer.name}`);
            total += layer.params;
          },
        });
        assert.equal(seen, a.layers.length);
        assert.equal(a.totals.params, total);
      }),
      params,
    );
  });

  it('receptive fields = impulse responses of the positive network (every output position, holes included)', () => {
    let interior = 0;
    let approximate = 0;
    let cropped = 0;
    let checked = 0;
    fc.assert(
      fc.property(networks, (net) => {
        const a = analyse(net.text);
        const r = fieldMismatches(a);
        interior += r.interior;
        approximate += r.approximate.size;
        cropped += r.cropped.size;
        checked += a.layers.length - r.approximate.size;
        assert.deepEqual(r.mismatches, [], r.mismatches.map((m) => `${m.layer}: impulse ${m.impulse} → output ${m.output}: engine says ${m.expected ? 'inside' : 'outside'}, impulse ${m.got ? 'reached it' : 'did not'}`).join('\n'));
      }),
      params,
    );
    assert.ok(interior > 20000, `only ${interior} interior (exact) comparisons`);
    // Most layers are checked exactly; only merges of different strides (and what follows them) are not.
    assert.ok(approximate < checked / 5, `${approximate} approximate fields vs ${checked} checked`);
    console.log(`      (${checked} layer fields checked, ${interior} exact output comparisons, ${approximate} approximate merged fields skipped, ${cropped} layers after a crop checked as border)`);
  });
});
