// `--weights W` of `run` and `summary`: the file read from disk and matched to the network's
// layers (kernels/weights), and the one paragraph that says whether it fits.
import { readFileSync, statSync } from 'node:fs';
import type { Analysis } from '../../engine';
import { loadWeights, describeWeights, WeightsFileError, type LoadedWeights } from '../../kernels/weights';
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

/** One line that says what was read and whether it fits (a second line names the problems). */
export const weightsLine = describeWeights;

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
