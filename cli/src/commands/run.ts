// `convlens run`: executes the network on a sample tensor with the webview's kernels and writes
// every layer's output to DIR/<layer name>.npy (float32, no batch axis), one stats line per layer.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Analysis } from '../../../engine';
import { execute, executable, ExecutionError } from '../../../kernels/runtime/execute';
import type { WeightStore } from '../../../kernels/runtime/weights';
import { makeSample, isSampleName, SAMPLES } from '../../../kernels/runtime/samples';
import { readNpy, writeNpy, NpyError } from '../../../kernels/runtime/npy';
import { stats, type Tensor } from '../../../kernels';
import { parseArgs, UsageError } from '../args';
import { checkSource, isNotANetwork } from '../checked';
import { MODEL_FLAGS, modelNotes, modelOptions } from '../modelOptions';
import type { Io } from '../io';
import { diagnosticLine, diagnostics } from '../report/diagnostics';
import { readWeights, weightsLine } from '../weightsFile';
import type { InitMode } from '../../../kernels';

interface RunOptions {
  file: string;
  analysis: Analysis;
  outDir: string;
  input: string;
  seed: number;
  out: (s: string) => void;
  /** Trained weights by layer name — the model file's own (ONNX) or a --weights file — and the line that says which; random when absent. */
  weights?: { store: WeightStore; line: string };
  init: InitMode;
}

/** File systems refuse names over 255 bytes; a longer layer name keeps its start and a hash of the whole. */
const MAX_NAME_BYTES = 200;

/** A layer name as a file name: path separators and other unsafe characters become '_'. */
export function npyFileName(layer: string): string {
  const safe = layer.replace(/[\\/:*?"<>|\x00-\x1f]/g, '_');
  if (Buffer.byteLength(safe) <= MAX_NAME_BYTES) return `${safe}.npy`;
  let hash = 0x811c9dc5; // FNV-1a, 32 bits
  for (let i = 0; i < layer.length; i++) hash = Math.imul(hash ^ layer.charCodeAt(i), 0x01000193) >>> 0;
  return `${[...safe].slice(0, 100).join('')}…${hash.toString(16).padStart(8, '0')}.npy`;
}

function writeLayer(path: string, bytes: Uint8Array): void {
  try {
    writeFileSync(path, bytes);
  } catch (err) {
    throw new UsageError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toFixed(4);
}

function loadInput(opts: RunOptions, want: number[]): Tensor {
  const spec = opts.input;
  if (isSampleName(spec)) return makeSample(spec, want, opts.seed);
  if (!/\.npy$/i.test(spec) && !existsSync(spec)) {
    throw new UsageError(`--input must be one of ${SAMPLES.map((s) => s.name).join(', ')} or a .npy file, not '${spec}'`);
  }
  let bytes: Buffer;
  try {
    if (statSync(spec).isDirectory()) throw new UsageError(`--input ${spec} is a directory, not a .npy file`);
    bytes = readFileSync(spec);
  } catch (err) {
    if (err instanceof Error && (err as NodeJS.ErrnoException).code === undefined) throw err;
    throw new UsageError(`cannot read --input ${spec}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let t: Tensor;
  try {
    t = readNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    if (err instanceof NpyError) throw new UsageError(`--input ${spec}: ${err.message}`);
    throw err;
  }
  const same = (s: number[]) => s.length === want.length && s.every((n, i) => n === want[i]);
  if (same(t.shape)) return t;
  // A leading batch axis of 1 is accepted and dropped.
  if (t.shape.length === want.length + 1 && t.shape[0] === 1 && same(t.shape.slice(1))) return { shape: want.slice(), data: t.data };
  throw new UsageError(`--input ${spec} has shape (${t.shape.join(', ')}) but ${opts.file} declares input [${want.join(', ')}] (channels first, no batch axis; a leading batch axis of 1 is also accepted)`);
}

export async function runCommand(args: string[], io: Io): Promise<number> {
  const { positional, flags } = parseArgs(args, { out: 'value', input: 'value', seed: 'value', weights: 'value', init: 'value', ...MODEL_FLAGS });
  if (positional.length !== 1) throw new UsageError('run takes exactly one FILE');
  if (!flags.out) throw new UsageError('run needs --out DIR');
  const checked = checkSource(await io.read(positional[0]), modelOptions(flags));
  if (isNotANetwork(checked)) {
    for (const d of diagnostics(checked)) io.err(diagnosticLine(d));
    return 2;
  }
  const { file, analysis, onnx } = checked;
  for (const note of modelNotes(flags, file, analysis)) io.err(`convlens: note: ${note}\n`);
  const seed = flags.seed === undefined ? 0 : Number(flags.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, not '${flags.seed}'`);
  const init = flags.init ?? 'scaled';
  if (init !== 'scaled' && init !== 'torch') throw new UsageError(`--init must be scaled or torch, not '${String(init)}'`);
  let weights: RunOptions['weights'];
  if (flags.weights !== undefined) {
    if (onnx) throw new UsageError(`${file} is an ONNX model and runs with its own weights; --weights is for PyTorch and Darknet weight files`);
    const path = String(flags.weights);
    const loaded = readWeights(path, analysis);
    // Never a run with some layers trained and the rest random.
    if (loaded.fit.problem) throw new UsageError(`cannot run ${file} with ${weightsLine(path, loaded).replace(/^Weights /, '')}`);
    weights = { store: loaded.store, line: weightsLine(path, loaded) };
  } else if (onnx) {
    try {
      weights = { store: onnx.weightStore(), line: "Weights: the file's weights (its ONNX initializers)" };
    } catch (err) {
      throw new UsageError(`cannot run ${file}: its weights cannot be read: ${(err as Error).message}`);
    }
  }
  return runNetwork({ file, analysis, outDir: String(flags.out), input: (flags.input as string | undefined) ?? 'impulse', seed, out: io.out, weights, init });
}

async function runNetwork(opts: RunOptions): Promise<number> {
  const { analysis } = opts;
  const why = executable(analysis);
  if (why) throw new UsageError(`cannot run ${opts.file}: ${why}`);
  const want = analysis.input!;
  const input = loadInput(opts, want);
  try {
    mkdirSync(opts.outDir, { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot create --out ${opts.outDir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const inStats = stats(input);
  opts.out(`${opts.file}: input [${want.join(', ')}] ${isSampleName(opts.input) ? opts.input : opts.input} seed ${opts.seed}; min ${fmt(inStats.min)} max ${fmt(inStats.max)} mean ${fmt(inStats.mean)}\n`);
  opts.out(opts.weights ? `${opts.weights.line}\n` : `Weights: random (${opts.init === 'torch' ? "PyTorch's default initialisation" : 'fan-in scaled so activations keep their scale'}, seed ${opts.seed}), not trained\n`);
  const nameW = Math.max(5, ...analysis.layers.map((l) => l.name.length));
  const kindW = Math.max(4, ...analysis.layers.map((l) => l.kind.length));
  opts.out(`${'layer'.padEnd(nameW)}  ${'kind'.padEnd(kindW)}  ${'shape'.padEnd(16)}  ${'min'.padStart(10)}  ${'max'.padStart(10)}  ${'mean'.padStart(10)}  ${'ms'.padStart(7)}\n`);
  const t0 = Date.now();
  let last = t0;
  try {
    execute(analysis, input, {
      seed: opts.seed,
      weights: opts.weights?.store,
      init: opts.init,
      onLayer: (i, t, layer) => {
        const npy = writeNpy(t);
        writeLayer(join(opts.outDir, npyFileName(layer.name)), npy);
        // The graph's outputs also under their own names (as `summary --json` lists them in outputs).
        for (const o of analysis.outputs) if (o.index === i && o.name !== layer.name) writeLayer(join(opts.outDir, npyFileName(o.name)), npy);
        const s = stats(t);
        const nowMs = Date.now();
        opts.out(`${layer.name.padEnd(nameW)}  ${layer.kind.padEnd(kindW)}  ${`[${t.shape.join(', ')}]`.padEnd(16)}  ${fmt(s.min).padStart(10)}  ${fmt(s.max).padStart(10)}  ${fmt(s.mean).padStart(10)}  ${String(nowMs - last).padStart(7)}\n`);
        last = nowMs;
      },
    });
  } catch (err) {
    if (err instanceof ExecutionError) throw new UsageError(`run failed at ${err.message}`);
    throw err;
  }
  opts.out(`${analysis.layers.length} layer outputs written to ${opts.outDir} in ${Date.now() - t0} ms\n`);
  return 0;
}
