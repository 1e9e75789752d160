// Runs an analysed network on one sample tensor with the pure kernels (no DOM: it runs in the
// webview's Web Worker, in the CLI and in Node tests alike).
//
// Weights: trained weights by layer name when a store is given (ExecuteOptions.weights, which
// must fit the whole network: see weights.ts), else the values written in the file (`weights`,
// `bias: [..]`), else drawn from a seed: fan-in-scaled by default so a deep network's activations
// keep their scale, or PyTorch's default initialisation (init: 'torch'). Each layer's seed is
// derived from the run seed and the layer's NAME, so inserting a layer does not re-draw the
// weights of the others. Without a store, normalisation layers use identity statistics (mean 0,
// var 1, γ 1, β 0), as a freshly built PyTorch model in eval mode does.
//
// `positiveWeights` linearises the network the way the oracle measures receptive fields
// (oracle README, "Empirical"): conv/linear weights 1/fan_in, biases 0, activations and
// layer/group norms → identity, max pooling → average pooling. Every activation is then ≥ 0 and
// a sum of positive terms, so the set of outputs an impulse reaches is exactly the field.
import type { Analysis, LayerResult } from '../../engine/types';
import { recycle } from '../wasm/backend';
import {
  Tensor, fromNested, tensor, reshape, numel,
  conv, convTranspose, maxPool, avgPool, lpPool, adaptiveAvgPool, adaptiveMaxPool, globalAvgPool, globalMaxPool,
  linear, flatten, batchNorm, layerNorm, layerNormAxes, groupNorm,
  relu, relu6, leakyRelu, gelu, silu, mish, sigmoid, tanh, hardswish, hardsigmoid, softmax, logSoftmax, identity, prelu, channelShuffle,
  upsample, pad, add, mul, binary, concat, sliceChannels, reorg, spaceToDepth, attention,
  initConv, initWeightAndBias, initPrelu, initScaled, fanIn, InitMode,
  convStaged, ConvStages, StagedOutputs, BatchNormParams,
} from '..';
import { runTensorLayer } from './tensorLayers';
import { WeightStore, WeightsError, expectedTensors, storedTensor, weightFit } from './weights';
import { scaledGains, LayerOutline } from './scaledGains';

/** Something with an `aborted` flag (an AbortSignal, or a plain object in tests). */
export interface CancelSignal {
  readonly aborted: boolean;
}

export interface ExecuteOptions {
  /** Seed of the default initialisation (shown in the UI). */
  seed?: number;
  /** Called after every layer with its index in analysis.layers and its output. */
  onLayer?: (index: number, output: Tensor, layer: LayerResult) => void;
  /** Checked before every layer; when aborted, execution stops with an ExecutionCancelled. */
  signal?: CancelSignal;
  /** Linearised, positive network (see the header comment). */
  positiveWeights?: boolean;
  /** Keep every layer's output in the result (default: only what later layers and outputs need). */
  keepAll?: boolean;
  /**
   * Called once per layer when the run no longer reads its output: after its last reader has
   * run, or when the run ends for the outputs it keeps. `owned` is false when another tensor
   * the run still holds shares the buffer (flatten and reshape return views), so the buffer must
   * not be transferred. The Web Worker posts each output to the page from here, moving its
   * buffer instead of copying it. Not called with keepAll.
   */
  onRelease?: (index: number, output: Tensor, owned: boolean) => void;
  /**
   * Trained weights by layer name (weights.ts). They must fit the network (every tensor it takes,
   * with its shape, and nothing else; inline `weights:` count as given): otherwise the run is
   * refused, never completed with random weights.
   */
  weights?: WeightStore;
  /** How layers without weights are drawn (init.ts): 'scaled' (default) or 'torch'. */
  init?: InitMode;
}

export interface ExecuteResult {
  /** Outputs by layer name: the network outputs, or every layer with keepAll. */
  outputs: Map<string, Tensor>;
  /** Milliseconds per layer, by index. */
  timings: number[];
  /** Whether drawn weights were used (no store was given; a layer may still have inline values). */
  randomWeights: boolean;
}

export class ExecutionCancelled extends Error {
  constructor() {
    super('execution cancelled');
  }
}

export class ExecutionError extends Error {
  constructor(public readonly layer: string, message: string) {
    super(`${layer}: ${message}`);
  }
}

/** 32-bit FNV-1a hash of a string: a layer's seed from the run seed and its name. */
export function layerSeed(seed: number, name: string, salt = ''): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  const s = `${name}#${salt}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Mix in the high bits of the seed too, so seeds differing by 2^32 still differ.
  h ^= Math.floor(seed / 4294967296) >>> 0;
  return h >>> 0;
}

/** Whether the analysis can be executed (every layer has a shape, there is an input). */
export function executable(analysis: Analysis): string | null {
  if (!analysis.input) return 'the network has no valid `input:` shape';
  if (!analysis.layers.length) return 'the network has no layers';
  const bad = analysis.layers.find((l) => !l.shape);
  if (bad) return `layer ${bad.name} has no shape (fix its error first)`;
  const err = analysis.findings.find((f) => f.severity === 'error');
  if (err) return `the network has errors: ${err.message}`;
  return null;
}

/** Runs every layer in order; synchronous. */
export function execute(analysis: Analysis, input: Tensor, opts: ExecuteOptions = {}): ExecuteResult {
  const run = new Runner(analysis, input, opts);
  for (let i = 0; i < analysis.layers.length; i++) run.step(i);
  const result = run.result();
  run.releaseAll();
  return result;
}

/**
 * Same as execute, but yields to the event loop between layers (so a Web Worker can receive a
 * cancel message while it runs); `yieldFn` defaults to a zero-delay timeout.
 */
export async function executeAsync(
  analysis: Analysis,
  input: Tensor,
  opts: ExecuteOptions = {},
  yieldFn: () => Promise<void> = () => new Promise((r) => setTimeout(r, 0)),
): Promise<ExecuteResult> {
  const run = new Runner(analysis, input, opts);
  for (let i = 0; i < analysis.layers.length; i++) {
    await yieldFn();
    run.step(i);
  }
  const result = run.result();
  run.releaseAll();
  return result;
}

class Runner {
  private values = new Map<string, Tensor>();
  private lastUse = new Map<string, number>();
  private readers = new Map<string, number>();
  private keep = new Set<string>();
  private indexOf = new Map<string, number>();
  private timings: number[] = [];
  private seed: number;
  /** Outputs of layers already computed as stages of an earlier convolution (see stagesAfter). */
  private ahead = new Map<number, Tensor | null>();
  /** Whether anyone sees every layer's output (else stages write only the last one). */
  private observed: boolean;
  private params: ParamOptions;

  constructor(private analysis: Analysis, input: Tensor, private opts: ExecuteOptions) {
    const why = executable(analysis);
    if (why) throw new ExecutionError('network', why);
    const want = analysis.input!;
    if (input.shape.length !== want.length || input.shape.some((n, i) => n !== want[i])) {
      throw new ExecutionError('input', `the sample tensor is [${input.shape.join(', ')}] but the network's input is [${want.join(', ')}]`);
    }
    this.seed = opts.seed ?? 0;
    if (opts.weights) {
      const fit = weightFit(analysis, opts.weights);
      if (fit.problem) throw new ExecutionError('weights', fit.problem);
    }
    this.params = paramOptions(analysis.layers, opts);
    this.values.set('input', input);
    analysis.layers.forEach((l, i) => this.indexOf.set(l.name, i));
    analysis.layers.forEach((l, i) => l.from.forEach((f) => this.lastUse.set(f, i)));
    analysis.layers.forEach((l) => new Set(l.from).forEach((f) => this.readers.set(f, (this.readers.get(f) ?? 0) + 1)));
    this.observed = !!(opts.onLayer || opts.onRelease || opts.keepAll);
    for (const o of analysis.outputs) this.keep.add(o.name);
    if (!analysis.outputs.length) this.keep.add(analysis.layers[analysis.layers.length - 1].name);
  }

  step(i: number): void {
    if (this.opts.signal?.aborted) throw new ExecutionCancelled();
    const layer = this.analysis.layers[i];
    let out: Tensor | null | undefined = this.ahead.get(i);
    if (out !== undefined) {
      // Computed with the convolution before it: nothing left to do but hand it on.
      this.ahead.delete(i);
      this.timings[i] = 0;
    } else {
      const inputs = layer.from.map((f) => this.input(layer, f));
      const t0 = now();
      try {
        const stages = this.stagesAfter(i);
        if (stages) {
          const outs = runStaged(layer, inputs[0], stages.stages, this.seed, this.observed, this.params);
          stages.layers.forEach((j, n) => this.ahead.set(j, outs[n + 1]));
          out = outs[0];
        } else {
          out = runLayer(layer, inputs, this.seed, !!this.opts.positiveWeights, this.params);
        }
      } catch (err) {
        if (err instanceof ExecutionError) throw err;
        if (err instanceof WeightsError) throw new ExecutionError('weights', err.message);
        throw new ExecutionError(layer.name, (err as Error).message);
      }
      this.timings[i] = now() - t0;
    }
    if (out) {
      const want = layer.shape!;
      if (out.shape.length !== want.length || out.shape.some((n, a) => n !== want[a])) {
        throw new ExecutionError(layer.name, `kernel produced [${out.shape.join(', ')}], the engine says [${want.join(', ')}]`);
      }
      this.values.set(layer.name, out);
      this.opts.onLayer?.(i, out, layer);
    }
    if (!this.opts.keepAll) {
      for (const f of new Set(layer.from)) {
        if (f !== 'input' && this.lastUse.get(f) === i && !this.keep.has(f) && this.values.has(f)) this.drop(f);
      }
      if (out && !this.lastUse.has(layer.name) && !this.keep.has(layer.name)) this.drop(layer.name);
    }
  }

  private input(layer: LayerResult, name: string): Tensor {
    const t = this.values.get(name);
    if (!t) throw new ExecutionError(layer.name, `its input ${name} has not been computed`);
    return t;
  }

  /**
   * The layers right after convolution i that it can compute as its stages (convStages.ts): a
   * batchnorm, then an add of two same-shape tensors, then a relu, each optional but in that
   * order, each reading only the one before, which nothing else reads and the run does not
   * keep. Not in the linearised network (its activations are identities).
   */
  private stagesAfter(i: number): { layers: number[]; stages: ConvStages } | null {
    const layers = this.analysis.layers;
    const conv = layers[i];
    if ((conv.kind !== 'conv' && conv.kind !== 'depthwise') || this.opts.positiveWeights) return null;
    const stages: ConvStages = {};
    const chain: number[] = [];
    let prev = conv.name;
    const follows = (j: number): boolean =>
      j < layers.length && layers[j].from.includes(prev) && this.readers.get(prev) === 1 && !this.keep.has(prev);
    let j = i + 1;
    if (follows(j) && layers[j].kind === 'batchnorm' && layers[j].from.length === 1) {
      stages.batchNorm = batchNormParams(layers[j], this.params.weights);
      chain.push(j);
      prev = layers[j++].name;
    }
    if (follows(j) && layers[j].kind === 'add' && layers[j].from.length === 2 && layers[j].from[0] !== layers[j].from[1]) {
      const other = this.values.get(layers[j].from.find((f) => f !== prev)!);
      const shape = layers[j].shape;
      if (other && shape && other.shape.length === shape.length && other.shape.every((n, a) => n === shape[a]) && layers[j - 1].shape?.join() === shape.join()) {
        stages.residual = other;
        chain.push(j);
        prev = layers[j++].name;
      }
    }
    if (follows(j) && layers[j].kind === 'relu' && layers[j].from.length === 1) {
      stages.relu = true;
      chain.push(j);
    }
    return chain.length ? { layers: chain, stages } : null;
  }

  private drop(name: string): void {
    const t = this.values.get(name)!;
    this.values.delete(name);
    this.release(name, t);
  }

  private release(name: string, t: Tensor): void {
    if (this.opts.keepAll) return;
    const owned = ![...this.values.values()].some((v) => v.data.buffer === t.data.buffer);
    // Nobody has seen an intermediate output of an unobserved run: its buffer can serve again.
    if (!this.observed) {
      if (owned && !this.keep.has(name)) recycle(t.data);
      return;
    }
    this.opts.onRelease?.(this.indexOf.get(name)!, t, owned);
  }

  /** Releases the outputs the run kept to its end (after result() was taken). */
  releaseAll(): void {
    const left = [...this.values].filter(([name]) => name !== 'input');
    for (const [name, t] of left) {
      this.values.delete(name);
      this.release(name, t);
    }
  }

  result(): ExecuteResult {
    const outputs = new Map<string, Tensor>();
    for (const [k, v] of this.values) if (k !== 'input' || this.opts.keepAll) outputs.set(k, v);
    return { outputs, timings: this.timings, randomWeights: !this.opts.weights };
  }
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

type Args = Record<string, any>;

/** Weight from the file, in PyTorch's layout, checked against the expected shape. */
function givenWeight(args: Args, shape: number[], what: string): Tensor | null {
  if (args.weights === undefined) return null;
  const t = fromNested(args.weights);
  if (t.shape.length !== shape.length || t.shape.some((n, i) => n !== shape[i])) {
    // The engine checks this too; a mismatch here means a layout the kernels cannot use.
    throw new RangeError(`${what} weights are [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
  }
  return t;
}

function givenBias(args: Args, n: number): Float32Array | null {
  if (!Array.isArray(args.biasValues)) return null;
  const b = Float32Array.from(args.biasValues as number[]);
  if (b.length !== n) throw new RangeError(`bias has ${b.length} values, expected ${n}`);
  return b;
}

/** All weights 1/fan_in, bias zero (the oracle's linearisation). */
function positive(shape: number[], biasSize: number, withBias: boolean): { weight: Tensor; bias: Float32Array | null } {
  const fan = fanIn(shape);
  const w = new Float32Array(numel(shape)).fill(fan > 0 ? 1 / fan : 0);
  return { weight: { shape: shape.slice(), data: w }, bias: withBias ? new Float32Array(biasSize) : null };
}

export interface Params {
  weight: Tensor;
  bias: Float32Array | null;
}

/** Where a layer's parameters come from besides the file and the seed. */
export interface ParamOptions {
  /** Trained weights by layer name (a layer with an entry takes everything from it). */
  weights?: WeightStore;
  /** How the others are drawn (default 'scaled'). */
  init?: InitMode;
  /** 'scaled' only: each weighted layer's gain (scaledGains; default 2, He's). */
  gains?: Map<string, number>;
}

/**
 * The parameter options a run uses, from the analysis's layers (or the page's copy of them):
 * whoever calls layerParams or runLayer outside a run (the matrix view) passes the same.
 */
export function paramOptions(layers: readonly LayerOutline[], opts: Pick<ExecuteOptions, 'weights' | 'init'> = {}): ParamOptions {
  const init = opts.init ?? 'scaled';
  return { weights: opts.weights, init, gains: init === 'scaled' ? scaledGains(layers) : undefined };
}

/** The layer's tensor from the store; a layer with an entry must hold it (else: which layer, which tensor). */
function fromStore(store: WeightStore | undefined, layer: LayerResult, param: string, shape: readonly number[]): Tensor | null {
  if (!store?.layers.has(layer.name)) return null;
  const t = storedTensor(store, layer.name, param, shape);
  if (!t) throw new WeightsError(`${layer.name}: the weights have no ${param} [${shape.join(', ')}] for this layer`);
  return t;
}

/**
 * A weighted layer's parameters: from the store, else the file, else drawn with seed `s` (torch's
 * default, or fan-in-scaled with `fan` inputs per output).
 */
function convParams(layer: LayerResult, shape: number[], outC: number, s: number, fan: number, pos: boolean, po: ParamOptions): Params {
  const a = layer.args as Args;
  const withBias = a.bias !== false;
  if (pos) return positive(shape, outC, withBias);
  const stored = fromStore(po.weights, layer, 'weight', shape);
  if (stored) return { weight: stored, bias: withBias ? fromStore(po.weights, layer, 'bias', [outC])!.data : null };
  const w = givenWeight(a, shape, layer.kind);
  const b = givenBias(a, outC);
  if (w && (b || !withBias)) return { weight: w, bias: b };
  // (torch's Conv*d / ConvTranspose*d / Linear all draw from the weight's shape alone.)
  const drawn = (po.init ?? 'scaled') === 'torch' ? initWeightAndBias(shape, outC, withBias, s) : initScaled(shape, outC, withBias, s, fan, po.gains?.get(layer.name));
  return { weight: w ?? drawn.weight, bias: b ?? (withBias && drawn.bias ? drawn.bias.data : null) };
}

/**
 * The weight and bias a conv / depthwise / conv_transpose / linear layer runs with (from the
 * store, the file, or drawn from the seed): the page's matrix view uses exactly what the executor used.
 */
export function layerParams(layer: LayerResult, inShape: number[], seed: number, pos = false, po: ParamOptions = {}): (Params & { groups: number }) | null {
  const a = layer.args as Args;
  const s = layerSeed(seed, layer.name);
  const C = inShape[0];
  switch (layer.kind) {
    case 'conv':
    case 'depthwise': {
      const groups: number = a.groups ?? (layer.kind === 'depthwise' ? C : 1);
      const shape = [a.out, C / groups, ...a.kernel];
      return { ...convParams(layer, shape, a.out, s, fanIn(shape), pos, po), groups };
    }
    case 'conv_transpose': {
      const groups: number = a.groups ?? 1;
      const shape = [C, a.out / groups, ...a.kernel];
      // Each output sums C/groups channels over about ∏(k/stride) taps (torch's fan_in counts C_out).
      const taps = (a.kernel as number[]).reduce((p: number, k: number, i: number) => p * Math.max(1, k / (a.stride?.[i] ?? 1)), 1);
      return { ...convParams(layer, shape, a.out, s, (C / groups) * taps, pos, po), groups };
    }
    case 'linear': {
      const shape = [a.out, inShape[inShape.length - 1]];
      return { ...convParams(layer, shape, a.out, s, fanIn(shape), pos, po), groups: 1 };
    }
  }
  return null;
}

/** A batchnorm's statistics and affine from the store, else identity ones; the file's or the layer's epsilon. */
export function batchNormParams(layer: LayerResult, store: WeightStore | undefined): BatchNormParams {
  const eps: number = store?.eps?.get(layer.name) ?? (layer.args as Args).eps;
  const C = layer.inputShapes[0]?.[0] ?? 0;
  const get = (param: string) => fromStore(store, layer, param, [C])?.data;
  return { eps, weight: get('weight'), bias: get('bias'), mean: get('running_mean'), var: get('running_var') };
}

/**
 * A conv / depthwise layer and the layers after it computed as its stages: the outputs in layer
 * order (the convolution's first), null for those not kept (when nobody sees them).
 */
function runStaged(layer: LayerResult, x: Tensor, stages: ConvStages, seed: number, keepAll: boolean, po: ParamOptions): (Tensor | null)[] {
  const a = layer.args as Args;
  const p = layerParams(layer, x.shape, seed, false, po)!;
  const o: StagedOutputs = convStaged(x, p.weight, p.bias, { stride: a.stride, padding: a.padding, dilation: a.dilation, groups: p.groups }, stages, keepAll);
  const outs = [o.conv ?? null];
  if (stages.batchNorm) outs.push(o.batchNorm ?? null);
  if (stages.residual) outs.push(o.sum ?? null);
  if (stages.relu) outs.push(o.relu ?? null);
  return outs;
}

/** A layer norm's or group norm's γ and β from the store (else 1 and 0), in the shapes the layer takes. */
function affineNormParams(layer: LayerResult, store: WeightStore | undefined): { eps: number; weight?: Float32Array; bias?: Float32Array } {
  const want = expectedTensors(layer, layer.inputShapes[0] ?? []);
  const get = (param: string) => (want[param] ? fromStore(store, layer, param, want[param])?.data : undefined);
  return { eps: (layer.args as Args).eps, weight: get('weight'), bias: get('bias') };
}

/** Computes one layer's output from its inputs. */
export function runLayer(layer: LayerResult, inputs: Tensor[], seed: number, pos = false, po: ParamOptions = {}): Tensor {
  const a = layer.args as Args;
  const x = inputs[0];
  switch (layer.kind) {
    case 'conv':
    case 'depthwise': {
      const p = layerParams(layer, x.shape, seed, pos, po)!;
      // The linearised network measures fields by which outputs are non-zero: plain sums only.
      return conv(x, p.weight, p.bias, { stride: a.stride, padding: a.padding, dilation: a.dilation, groups: p.groups, algorithm: pos ? 'direct' : 'auto' });
    }
    case 'separable': {
      // Depthwise (no bias) then 1×1 pointwise with the one bias (Keras's SeparableConv).
      const C = x.shape[0];
      const m: number = a.multiplier ?? 1;
      const outC: number = a.out;
      const ones = a.kernel.map(() => 1);
      const dwShape = [C * m, 1, ...a.kernel];
      const pwShape = [outC, C * m, ...ones];
      let dw: Params;
      let pw: Params;
      if (pos) {
        dw = positive(dwShape, 0, false);
        pw = positive(pwShape, outC, a.bias !== false);
      } else if (po.weights?.layers.has(layer.name)) {
        const want = expectedTensors(layer, x.shape);
        dw = { weight: fromStore(po.weights, layer, 'depthwise.weight', want['depthwise.weight'])!, bias: null };
        const bias = want['pointwise.bias'] ? fromStore(po.weights, layer, 'pointwise.bias', want['pointwise.bias'])!.data : null;
        pw = { weight: fromStore(po.weights, layer, 'pointwise.weight', want['pointwise.weight'])!, bias };
      } else if ((po.init ?? 'scaled') === 'torch') {
        const d = initConv(C * m, C, a.kernel, C, false, layerSeed(seed, layer.name, 'depthwise'));
        const q = initConv(outC, C * m, ones, 1, a.bias !== false, layerSeed(seed, layer.name, 'pointwise'));
        dw = { weight: d.weight, bias: null };
        pw = { weight: q.weight, bias: givenBias(a, outC) ?? (q.bias ? q.bias.data : null) };
      } else {
        // No activation between the two: the depthwise keeps the variance (gain 1), the pointwise doubles it for the activation after.
        const d = initScaled(dwShape, 0, false, layerSeed(seed, layer.name, 'depthwise'), fanIn(dwShape), 1);
        const q = initScaled(pwShape, outC, a.bias !== false, layerSeed(seed, layer.name, 'pointwise'), fanIn(pwShape), po.gains?.get(layer.name));
        dw = { weight: d.weight, bias: null };
        pw = { weight: q.weight, bias: givenBias(a, outC) ?? (q.bias ? q.bias.data : null) };
      }
      const y = conv(x, dw.weight, null, { stride: a.stride, padding: a.padding, dilation: a.dilation, groups: C });
      return conv(y, pw.weight, pw.bias, {});
    }
    case 'conv_transpose': {
      const p = layerParams(layer, x.shape, seed, pos, po)!;
      return convTranspose(x, p.weight, p.bias, { stride: a.stride, padding: a.padding, dilation: a.dilation, outputPadding: a.outputPadding, groups: p.groups });
    }
    case 'maxpool':
      if (pos && a.dilation.every((d: number) => d === 1)) {
        return avgPool(x, { kernel: a.kernel, stride: a.stride, padding: a.padding, ceilMode: a.ceilMode });
      }
      // (A dilated max pool stays a max pool: on non-negative values it reaches the same outputs.)
      return maxPool(x, { kernel: a.kernel, stride: a.stride, padding: a.padding, dilation: a.dilation, ceilMode: a.ceilMode });
    case 'avgpool':
      return avgPool(x, { kernel: a.kernel, stride: a.stride, padding: a.padding, ceilMode: a.ceilMode, countIncludePad: a.countIncludePad ?? true });
    case 'lppool':
      // (The linearised network keeps it: a norm of non-negative values reaches the same outputs.)
      return lpPool(x, a.p, { kernel: a.kernel, stride: a.stride, padding: a.padding, dilation: a.dilation, ceilMode: a.ceilMode });
    case 'adaptive_avgpool':
      return adaptiveAvgPool(x, a.size);
    case 'adaptive_maxpool':
      return pos ? adaptiveAvgPool(x, a.size) : adaptiveMaxPool(x, a.size);
    case 'global_avgpool':
      return globalAvgPool(x);
    case 'global_maxpool':
      return pos ? globalAvgPool(x) : globalMaxPool(x);
    case 'linear': {
      const p = layerParams(layer, x.shape, seed, pos, po)!;
      return linear(x, p.weight, p.bias);
    }
    case 'flatten':
      return flatten(x);
    case 'parameter': {
      // A learned constant: the file's weights, else its mean (the input is not read).
      const shape = [a.out, a.height, a.width];
      return givenWeight(a, shape, layer.name) ?? { shape, data: new Float32Array(shape[0] * shape[1] * shape[2]).fill(a.mean) };
    }
    case 'batchnorm':
      return batchNorm(x, batchNormParams(layer, po.weights));
    case 'layernorm':
      if (pos) return identity(x);
      return a.axis === undefined ? layerNorm(x, affineNormParams(layer, po.weights)) : layerNormAxes(x, a.axis, affineNormParams(layer, po.weights));
    case 'groupnorm':
      return pos ? identity(x) : groupNorm(x, a.groups, affineNormParams(layer, po.weights));
    case 'identity':
    case 'dropout':
      return identity(x);
    case 'channel_shuffle':
      return channelShuffle(x, a.groups);
    case 'add':
      return inputs.slice(1).reduce((acc, t) => add(acc, t), inputs[0]);
    case 'mul':
      return inputs.slice(1).reduce((acc, t) => mul(acc, t), inputs[0]);
    case 'concat':
      return concat(inputs, a.axis ?? 0);
    case 'pad':
      return pad(x, a.padding, a.mode ?? 'zeros');
    case 'slice':
      return sliceChannels(x, a.start, a.end, a.period);
    case 'reorg':
      return a.layout === 'blocks' ? spaceToDepth(x, a.stride) : reorg(x, a.stride);
    case 'attention':
      // Softmax weights are positive and sum to 1: in the linearised network this stays a
      // positive combination, so it is kept as it is.
      return attention(x, a.heads, a.keyDim);
    case 'upsample': {
      const mode = a.mode === 'linear' || a.mode === 'cubic' ? a.mode : 'nearest';
      const how = { mode, alignCorners: mode !== 'nearest' ? !!a.alignCorners : undefined, cubicA: a.cubicA, coordinates: a.coordinates, excludeOutside: a.excludeOutside };
      return a.scale !== undefined ? upsample(x, { ...how, scale: a.scale }) : upsample(x, { ...how, size: a.size });
    }
  }
  if (layer.kind === 'elementwise' && a.learned && inputs.length === 1) {
    // A learned constant: the trained tensor when a store gives the layer's weights, else its values.
    const c = fromStore(po.weights, layer, 'weight', a.valueShape);
    if (c) return a.reversed ? binary(a.op, c, x) : binary(a.op, x, c);
  }
  const plumbing = runTensorLayer(layer, inputs);
  if (plumbing) return plumbing;
  // Activations: identity in the linearised network.
  if (pos) return identity(x);
  switch (layer.kind) {
    case 'relu':
      return relu(x);
    case 'relu6':
      return relu6(x);
    case 'leaky_relu':
      return leakyRelu(x, a.slope);
    case 'gelu':
      return gelu(x);
    case 'silu':
      return silu(x);
    case 'mish':
      return mish(x);
    case 'sigmoid':
      return sigmoid(x);
    case 'tanh':
      return tanh(x);
    case 'hardswish':
      return hardswish(x);
    case 'hardsigmoid':
      return hardsigmoid(x);
    case 'softmax':
      return softmax(x, a.axis ?? 0);
    case 'log_softmax':
      return logSoftmax(x, a.axis ?? 0);
    case 'prelu':
      return prelu(x, fromStore(po.weights, layer, 'weight', [a.channels ?? 1])?.data ?? initPrelu(a.channels ?? 1));
  }
  throw new RangeError(`no kernel for layer kind '${layer.kind}'`);
}

// Re-exported for shells that build inputs.
export { tensor, reshape };
