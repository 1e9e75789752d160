// `--weights W` of `run` and `summary`: the file read from disk and matched to the network's
// layers (kernels/weights), and the one paragraph that says whether it fits.
import { readFileSync, statSync } from 'node:fs';
import type { Analysis } from '../../engine';
import { loadWeights, WeightsFileError, type LoadedWeights } from '../../kernels/weights';
import { UsageError } from './args';

/** Reads and matches a weights file; a file that cannot be read is a usage error (exit 2). */
export function readWeights(path: string, analysis: Analysis): LoadedWeights {
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`--weights ${path} is a directory, not a weights file`);
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read --weights ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return loadWeights(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path, analysis);
  } catch (err) {
    if (err instanceof WeightsFileError) throw new UsageError(`--weights ${err.message}`);
    throw err;
  }
}

/** How many tensors were stored in a type other than float32 and converted. */
export function converted(w: LoadedWeights): string {
  const parts = Object.entries(w.dtypes).filter(([d]) => d !== 'float32').map(([d, n]) => `${n} ${d}`);
  return parts.length ? `${parts.join(', ')} converted to float32` : 'all float32';
}

/** The skipped entries by what they are: "57 num_batches_tracked, 1 fixed DFL ramp". */
function skippedKinds(keys: string[]): string {
  const kinds = new Map<string, number>();
  for (const k of keys) {
    const kind = k.endsWith('num_batches_tracked') ? 'num_batches_tracked' : /dfl\.conv\.weight$/.test(k) ? 'fixed DFL ramp' : k.slice(k.lastIndexOf('.') + 1);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return [...kinds].map(([k, n]) => `${n} ${k}`).join(', ');
}

/** One line that says what was read and whether it fits (a second line names the problems). */
export function weightsLine(path: string, w: LoadedWeights): string {
  const { fit } = w;
  const expected = fit.matched + fit.missing.length + fit.wrongShape.length;
  const skipped = w.skipped.length ? `; skipped (no trainable value): ${skippedKinds(w.skipped)}` : '';
  const prefix = w.prefix ? `; key prefix '${w.prefix}' dropped` : '';
  const head = `Weights ${path}: ${w.source}, ${fit.matched} of ${expected} tensors matched, ${converted(w)}${prefix}${skipped}`;
  return fit.problem ? `${head}\n${fit.problem[0].toUpperCase()}${fit.problem.slice(1)}` : `${head}; they fit`;
}

/** The JSON form (summary --json). */
export function weightsJson(path: string, w: LoadedWeights) {
  return {
    file: path,
    format: w.format,
    source: w.source,
    fits: w.fit.problem === null,
    matched: w.fit.matched,
    missing: w.fit.missing.map((m) => ({ layer: m.layer, tensor: m.param, shape: m.shape })),
    unexpected: w.fit.unexpected,
    wrong_shape: w.fit.wrongShape.map((m) => ({ layer: m.layer, tensor: m.param, shape: m.shape, found: m.found })),
    dtypes: w.dtypes,
    skipped: w.skipped,
    prefix: w.prefix,
    problem: w.fit.problem,
  };
}
