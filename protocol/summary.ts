// The `convlens/summary` request (server → status bar in client/src/statusBar.ts): a file's
// totals. A contract between two front ends, so it lives with neither.

/** Totals of one document, for the status bar: { uri } → Summary | null. */
export interface Summary {
  uri: string;
  version: number;
  name?: string;
  params: number;
  macs: number;
  flops: number;
  activationBytes: number;
  layers: number;
  outputs: Array<{ name: string; shape: string }>;
  field?: string;
  errors: number;
  warnings: number;
  analysisMs: number;
  /** The format's own totals (Ultralytics' model.info(), darknet's BFLOPs), as that tool prints them. */
  native?: { tool: string; figures: Array<{ label: string; text: string }> };
  /**
   * Present when errors withheld figures: the totals count only what could be analysed. `errors`
   * counts the engine's errors; the first one says why (its code, 1-based line and message).
   */
  partial?: { errors: number; code: string; line: number; message: string };
  /** A model file with several sizes: the scale analysed and the others (Ultralytics `scales`). */
  scale?: { name: string; choices: string[]; from: string };
}

/** `partial (1 error, line 20)`; without errors, the note that withheld figures: `partial (CL030, line 12)`. */
export function partialLabel(p: NonNullable<Summary['partial']>): string {
  if (!p.errors) return `partial (${p.code}, line ${p.line})`;
  return `partial (${p.errors} error${p.errors === 1 ? '' : 's'}, ${p.errors === 1 ? '' : 'first '}line ${p.line})`;
}

/** The sentence that explains partial totals (tooltips, hover, status bar). */
export function partialExplanation(s: Summary): string {
  const p = s.partial!;
  if (!p.errors) return `Partial totals: they count only the ${s.layers} layer${s.layers === 1 ? '' : 's'} that could be analysed. Line ${p.line} (${p.code}): ${p.message}`;
  const errors = p.errors === 1 ? '1 error withholds' : `${p.errors} errors withhold`;
  return `Partial totals: they count only the ${s.layers} layer${s.layers === 1 ? '' : 's'} that could be analysed; ${errors} the figures of what is wrong and of everything that reads it. ${p.errors === 1 ? 'Line' : 'The first, line'} ${p.line} (${p.code}): ${p.message}`;
}

/** Client → server notification: the user chose which model of a PyTorch file to analyse (null: the file's top-level model). */
export const SET_MODEL = 'convlens/setModel';
export interface SetModelParams {
  uri: string;
  model: string | null;
}

/** Client → server notification: the user chose the scale of a model file (null: back to the file name / setting). */
export const SET_SCALE = 'convlens/setScale';
export interface SetScaleParams {
  uri: string;
  scale: string | null;
}
