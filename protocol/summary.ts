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
}
