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
  /** A model file with several sizes: the scale analysed and the others (Ultralytics `scales`). */
  scale?: { name: string; choices: string[]; from: string };
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
