// The preview's Web Worker: analyses the document with the engine, runs the network with the
// kernels and posts every layer's output as soon as it is computed. A new `run` (or `cancel`)
// aborts the current run between two layers.
import { check, checkOnnx } from '../../engine';
import { explainLayer } from '../../engine/explain';
import type { FindingInfo, TensorStats } from './workerProtocol';
import { execute, executeAsync, executable, ExecutionCancelled, ExecutionError } from '../../kernels/runtime/execute';
import { makeSample, samplesFor } from '../../kernels/runtime/samples';
import { WARM_UP_NETWORK } from './warmUp';
import { layerGroups } from './render/groups';
import type { LayerInfo, LayerSource, WeightsInfo, WorkerReply, WorkerRequest } from './workerProtocol';
import type { ModelFile } from '../../protocol/preview';
import type { Analysis } from '../../engine/types';
import type { WeightStore } from '../../kernels/runtime/weights';
import { loadWeights, type LoadedWeights } from '../../kernels/weights';
import { kernelBackend, stats } from '../../kernels';
import { resetWeightScratch, scratchWeights } from './weightArena';
import { packChannels, shownPart } from './shownChannels';
import type { Tensor } from '../../kernels';
import { forgetSpares, heap, recycle, reserve, takeReusedCount, wasmKernels } from '../../kernels/wasm/backend';

interface WorkerScope {
  postMessage(m: WorkerReply, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
}
const scope = self as unknown as WorkerScope;

let current: { id: number; signal: { aborted: boolean } } | null = null;

// A zero-delay yield that lets queued messages (cancel, a newer run) through between layers.
const channel = new MessageChannel();
const waiting: Array<() => void> = [];
channel.port1.onmessage = () => waiting.shift()?.();
const yieldNow = (): Promise<void> => new Promise((r) => {
  waiting.push(r);
  channel.port2.postMessage(0);
});

function post(m: WorkerReply, transfer: Transferable[] = []): void {
  scope.postMessage(m, transfer);
}

// The weights file (from the page), and what it gave for the last network it was read for:
// reading a file maps its keys onto the network's layers, so it is read again when the network
// changes (an edit), not when only the input or the seed does.
let weightsFile: { name: string; bytes: Uint8Array; serial: number } | null = null;
let weightsSerial = 0;
let readFor: { key: string; loaded: LoadedWeights | Error } | null = null;

// The ONNX model file (the custom editor), and what it gave for the last input shape: its
// analysis and its own weights (read once per shape, not per re-seed or sample).
let modelFile: Omit<ModelFile, 'inputShape' | 'dynamicSizes'> | null = null;
let modelRead: { key: string; analysis: Analysis; sources: Array<LayerSource | undefined>; weights: { store?: WeightStore; info: WeightsInfo } } | null = null;

/** The model file's analysis for this input shape, its layers' nodes, and its weights: the file's own. */
function readModel(model: Omit<ModelFile, 'inputShape' | 'dynamicSizes'>, sizes: Pick<ModelFile, 'inputShape' | 'dynamicSizes'>): NonNullable<typeof modelRead> {
  const key = JSON.stringify([sizes.inputShape ?? null, sizes.dynamicSizes ?? null]);
  if (modelRead?.key === key) return modelRead;
  const external = model.externalData;
  const read = checkOnnx(model.bytes, { fileName: model.name, inputShape: sizes.inputShape, dynamicSizes: sizes.dynamicSizes, externalData: (location) => (Object.hasOwn(external, location) ? external[location] : undefined) });
  const source = `the file's own weights (${read.model.producer || `opset ${read.model.opset}`})`;
  let weights: { store?: WeightStore; info: WeightsInfo };
  try {
    // Only checked here: a tensor is decoded when the run (or a click on its layer) first reads it.
    const store = scratchWeights(read, read.weightStore());
    const tensors = [...store.layers.values()].reduce((n, t) => n + t.size, 0);
    const { dtypes, dequantized, external: files } = read.weightConversions();
    weights = { store, info: { name: model.name, source, tensors, dtypes, dequantized, external: files, problem: null, layers: [...store.layers.keys()] } };
  } catch (err) {
    weights = { info: { name: model.name, source, tensors: 0, dtypes: {}, problem: (err as Error).message, layers: [] } };
  }
  const sources: Array<LayerSource | undefined> = [];
  for (const n of read.nodes) {
    const initializers = Object.fromEntries(n.inputs.filter((i) => read.initializers.has(i)).map((i) => [i, read.initializers.get(i)!]));
    for (const i of n.layers) sources[i] = { node: n.name, op: n.opType, domain: n.domain, inputs: n.inputs, outputs: n.outputs, attributes: n.attributes, initializers };
  }
  modelRead = { key, analysis: read.analysis, sources, weights };
  return modelRead;
}

/** The run's network, its layers' nodes in a model file, and its weights: the model file's own, or the text's with the weights file (if any). */
function analysed(req: Extract<WorkerRequest, { type: 'run' }>): { analysis: Analysis; sources: Array<LayerSource | undefined>; weights: () => { store?: WeightStore; info: WeightsInfo | null } } {
  if (req.model && modelFile) {
    const read = readModel(modelFile, req.model);
    return { analysis: read.analysis, sources: read.sources, weights: () => read.weights };
  }
  const analysis = check(req.text, req.options);
  return { analysis, sources: [], weights: () => weightsFor(analysis, req) };
}

// The weights of the last analysed run, whose tensors' statistics the page asks for one layer at
// a time (a click on its row): computing them for every tensor before the first run read all of a
// 100 MB model's weights twice before its first map.
let statsOf: { id: number; store: WeightStore } | null = null;
const statsCache = new WeakMap<WeightStore, Map<string, TensorStats[]>>();

/** Min, max, mean and standard deviation of a layer's tensors (computed once per store and layer). */
function layerStats(store: WeightStore, layer: string): TensorStats[] {
  let cache = statsCache.get(store);
  if (!cache) statsCache.set(store, (cache = new Map()));
  let out = cache.get(layer);
  if (!out) {
    out = [...(store.layers.get(layer) ?? [])].map(([param, t]) => {
      const s = stats(t);
      let sq = 0;
      for (let i = 0; i < t.data.length; i++) sq += (t.data[i] - s.mean) ** 2;
      return { param, shape: t.shape.slice(), min: s.min, max: s.max, mean: s.mean, std: Math.sqrt(sq / Math.max(1, t.data.length)) };
    });
    cache.set(layer, out);
  }
  return out;
}

/** The analysis's findings, each with the layer whose source holds its place (the innermost entry). */
function findingsOf(analysis: Analysis): FindingInfo[] {
  return analysis.findings.map((f) => {
    let layer: string | null = null;
    let best = Infinity;
    for (const l of analysis.layers) {
      for (const s of [l.origin.innerEntry, l.origin.entry]) {
        if (f.span.start >= s.start && f.span.end <= s.end && s.end - s.start < best) {
          layer = l.name;
          best = s.end - s.start;
        }
      }
    }
    return { code: f.code, severity: f.severity, message: f.message, layer };
  });
}

/** The weights for this run: the store when the file fits, and what to tell the page either way. */
function weightsFor(analysis: Analysis, req: Extract<WorkerRequest, { type: 'run' }>): { store?: WeightStore; info: WeightsInfo | null } {
  if (!weightsFile) return { info: null };
  const key = `${weightsFile.serial}\u0000${JSON.stringify(req.options ?? {})}\u0000${req.text}`;
  if (readFor?.key !== key) {
    let loaded: LoadedWeights | Error;
    try {
      loaded = loadWeights(weightsFile.bytes, weightsFile.name, analysis);
    } catch (err) {
      loaded = err as Error;
    }
    readFor = { key, loaded };
  }
  const w = readFor.loaded;
  if (w instanceof Error) return { info: { name: weightsFile.name, source: null, tensors: 0, dtypes: {}, problem: w.message, layers: [] } };
  const used = !w.fit.problem;
  return { store: used ? w.store : undefined, info: { name: weightsFile.name, source: w.source, tensors: w.tensors, dtypes: w.dtypes, problem: w.fit.problem, layers: used ? [...w.store.layers.keys()] : [] } };
}

// What the last run computed from: its layers are computed again from the same (recompute).
let lastRun: { id: number; analysis: Analysis; input: Tensor; seed: number; weights?: WeightStore } | null = null;
// The layers' sizes of the last run: the kept buffers are for them.
let spareSizes = '';
// The run or recompute going on: a recompute waits for it.
let busy: Promise<void> = Promise.resolve();

/**
 * Computes layers of the last run again and posts them (whole, or the channels asked for): the
 * page keeps only the channels it shows of a large output. The kernels are deterministic, so the
 * values are the run's own. Stops after the last layer asked for, or when a newer run starts.
 */
async function recompute(m: Extract<WorkerRequest, { type: 'recompute' }>): Promise<void> {
  const ctx = lastRun;
  if (!ctx || ctx.id !== m.id || !m.want.length) return;
  const want = new Map(m.want.map((w) => [w.index, w.channels]));
  const lastIndex = Math.max(...want.keys());
  const signal = { aborted: false };
  try {
    await executeAsync(
      ctx.analysis,
      ctx.input,
      {
        seed: ctx.seed,
        weights: ctx.weights,
        signal,
        onLayer: (index, t) => {
          if (!want.has(index)) return;
          const channels = want.get(index)!;
          const data = channels ? packChannels(t, channels) : t.data.slice();
          post({ type: 'recomputed', id: m.id, index, shape: t.shape, data, channels }, [data.buffer]);
          if (index >= lastIndex) signal.aborted = true;
        },
        onRelease: (_, t, owned) => owned && recycle(t.data),
      },
      async () => {
        await yieldNow();
        resetWeightScratch();
        if (lastRun !== ctx) throw new ExecutionCancelled();
      },
    );
  } catch (err) {
    if (!(err instanceof ExecutionCancelled)) post({ type: 'error', id: m.id, message: (err as Error).message, layer: err instanceof ExecutionError ? err.layer : undefined });
  }
}

async function run(req: Extract<WorkerRequest, { type: 'run' }>): Promise<void> {
  if (current) current.signal.aborted = true;
  const me = { id: req.id, signal: { aborted: false } };
  current = me;
  const t0 = performance.now();
  try {
    takeReusedCount();
    const { analysis, sources, weights: weightsOf } = analysed(req);
    const groups = layerGroups(analysis);
    const layers: LayerInfo[] = analysis.layers.map((l) => ({ index: l.index, name: l.name, kind: l.kind, from: l.from, shape: l.shape ?? null, inputShapes: l.inputShapes, args: l.args, rf: l.rf, group: groups[l.index], params: l.params, macs: l.macs, explain: explainLayer(l, analysis), ...(sources[l.index] ? { source: sources[l.index] } : {}) }));
    // The kept buffers (the last run's large outputs, the page's returned ones) serve a run of
    // the same sizes; another network's sizes may never come again.
    const sizes = analysis.layers.map((l) => l.shape?.join('x')).join();
    if (sizes !== spareSizes) forgetSpares();
    spareSizes = sizes;
    const why = executable(analysis);
    const weights = why ? { info: null } : weightsOf();
    statsOf = weights.store ? { id: req.id, store: weights.store } : null;
    post({ type: 'analysis', id: req.id, input: analysis.input ?? null, layers, error: why, weights: weights.info, findings: findingsOf(analysis), totals: analysis.totals });
    if (why) return;
    const shape = analysis.input!;
    let input;
    if (req.input.kind === 'sample') input = makeSample(req.input.name, shape, req.seed);
    else {
      if (req.input.shape.join() !== shape.join()) throw new ExecutionError('input', `the image tensor is [${req.input.shape.join(', ')}] but the network's input is [${shape.join(', ')}]`);
      input = { shape: req.input.shape, data: req.input.data };
    }
    const shown = req.shown ?? { order: 'activity', pages: {} };
    const lastOfSize = new Map<number, number>();
    analysis.layers.forEach((l, i) => lastOfSize.set(l.shape!.reduce((a, b) => a * b, 1), i));
    lastRun = { id: req.id, analysis, input, seed: req.seed, weights: weights.store };
    const inCopy = input.data.slice();
    post({ type: 'input', id: req.id, shape: input.shape, data: inCopy }, [inCopy.buffer]);
    let last = performance.now();
    const ms: number[] = [];
    const result = await executeAsync(
      analysis,
      input,
      {
        seed: req.seed,
        // A file that does not fit is not used (the page says why): the run is then random, and says so.
        weights: weights.store,
        signal: me.signal,
        onLayer: (index) => {
          const nowMs = performance.now();
          ms[index] = nowMs - last;
          last = nowMs;
        },
        // Each output goes to the page once the run has no more use for it, its buffer moved
        // rather than copied (a fresh multi-megabyte copy costs ~0.4 ms per MB in Chromium).
        // Most layers feed only the next one, so the maps still appear as the run goes.
        // A large output goes as its shown channels: its buffer serves the next outputs.
        onRelease: (index, t, owned) => {
          const s = stats(t);
          const part = shownPart(t, analysis.layers[index].name, shown);
          if (part) {
            if (owned && (lastOfSize.get(t.data.length) ?? -1) > index) recycle(t.data);
            post({ type: 'layer', id: req.id, index, shape: t.shape, data: part.data, ms: ms[index], stats: s, channels: part.channels, activity: part.activity, mean: part.mean }, [part.data.buffer, part.activity.buffer, part.mean.buffer]);
          } else {
            const data = owned ? t.data : t.data.slice();
            post({ type: 'layer', id: req.id, index, shape: t.shape, data, ms: ms[index], stats: s }, [data.buffer]);
          }
          last = performance.now();
        },
      },
      async () => {
        await yieldNow();
        resetWeightScratch();
        if (me.signal.aborted) throw new ExecutionCancelled();
      },
    );
    post({ type: 'done', id: req.id, ms: performance.now() - t0, backend: kernelBackend(), reused: takeReusedCount(), randomWeights: result.randomWeights });
  } catch (err) {
    if (err instanceof ExecutionCancelled) post({ type: 'cancelled', id: req.id });
    else post({ type: 'error', id: req.id, message: (err as Error).message, layer: err instanceof ExecutionError ? err.layer : undefined });
  } finally {
    if (current === me) current = null;
  }
}

scope.onmessage = (e: MessageEvent) => {
  const m = e.data as WorkerRequest;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'cancel') {
    if (current && current.id === m.id) current.signal.aborted = true;
  } else if (m.type === 'run') {
    busy = run(m);
  } else if (m.type === 'recompute') {
    busy = busy.then(() => recompute(m));
  } else if (m.type === 'weightStats') {
    resetWeightScratch();
    if (statsOf?.id === m.id) post({ type: 'weightStats', id: m.id, layer: m.layer, stats: layerStats(statsOf.store, m.layer) });
  } else if (m.type === 'weights') {
    weightsFile = m.file ? { ...m.file, serial: ++weightsSerial } : null;
    readFor = null;
  } else if (m.type === 'model') {
    modelFile = m.model;
    modelRead = null;
  } else if (m.type === 'recycle') {
    // Kept with the worker's own (a run of another network forgets them all).
    for (const b of m.buffers) if (b.byteLength % 4 === 0) recycle(new Float32Array(b));
  }
};

// Warm up while the page is still loading (in VS Code the document arrives after a round trip
// to the extension host): compile the WebAssembly kernels and run a small residual network a
// dozen times, a step per task so that a real run starts between two steps. V8 first runs code
// in a baseline tier and compiles the hot functions in the background; WebAssembly has no
// on-stack replacement, so without this the first layers of the first run were computed in
// baseline code (Chromium, resnet18's 7×7 stem: ~45 ms cold, ~10 ms after this warm-up).
const WARM_UP_STEPS = 12;
const WARM_MEMORY_FLOATS = 4 << 20; // 16 MB: about what the largest resnet layer's operands take at 224²

function warmUp(step: number): void {
  if (current || step >= WARM_UP_STEPS) return;
  const a = check(WARM_UP_NETWORK);
  // Through the same per-layer steps as a run (statistics of each output), without posting.
  const samples = samplesFor(2);
  if (!executable(a)) execute(a, makeSample(samples[step % samples.length].name, a.input!, step), { seed: step, onRelease: (_, out) => stats(out) });
  setTimeout(() => warmUp(step + 1), 0);
}
setTimeout(() => {
  if (current) return;
  const k = wasmKernels();
  // Grow the wasm memory to what a resnet layer needs and touch it now: the first touch of each
  // page costs a fault (~0.4 ms per MB here), better paid before the run than during it.
  if (k) {
    const at = reserve(k, WARM_MEMORY_FLOATS);
    if (at >= 0) heap(k).fill(0, at, at + WARM_MEMORY_FLOATS);
  }
  warmUp(0);
}, 0);
