// What was read from a weights file, in words: one line for the CLI and the preview's header.
import type { LoadedWeights } from './loaded';

/** How many tensors were stored in a type other than float32 and converted: "297 float16 converted to float32". */
export function convertedText(w: Pick<LoadedWeights, 'dtypes'>): string {
  const parts = Object.entries(w.dtypes).filter(([d]) => d !== 'float32').map(([d, n]) => `${n} ${d}`);
  return parts.length ? `${parts.join(', ')} converted to float32` : 'all float32';
}

/** The skipped entries by what they are: "57 num_batches_tracked, 1 fixed DFL ramp". */
export function skippedText(keys: readonly string[]): string {
  const kinds = new Map<string, number>();
  for (const k of keys) {
    const kind = k.endsWith('num_batches_tracked') ? 'num_batches_tracked' : /dfl\.conv\.weight$/.test(k) ? 'fixed DFL ramp' : k.slice(k.lastIndexOf('.') + 1);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return [...kinds].map(([k, n]) => `${n} ${k}`).join(', ');
}

/**
 * "Weights best.pt: checkpoint['model'] (…DetectionModel), 297 of 297 tensors matched, 297 float16
 * converted to float32; skipped (no trainable value): 57 num_batches_tracked; they fit", and when
 * they do not fit, a second line naming the first few problems.
 */
export function describeWeights(file: string, w: LoadedWeights): string {
  const { fit } = w;
  const expected = fit.matched + fit.missing.length + fit.wrongShape.length;
  const skipped = w.skipped.length ? `; skipped (no trainable value): ${skippedText(w.skipped)}` : '';
  const prefix = w.prefix ? `; key prefix '${w.prefix}' dropped` : '';
  const head = `Weights ${file}: ${w.source}, ${fit.matched} of ${expected} tensors matched, ${convertedText(w)}${prefix}${skipped}`;
  return fit.problem ? `${head}\n${fit.problem[0].toUpperCase()}${fit.problem.slice(1)}` : `${head}; they fit`;
}
