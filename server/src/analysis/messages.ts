// The messages between the language server and its analysis worker (analysisWorker.ts).
import type { Analysis, ReadOptions } from '../../../engine';

/** Server → worker: analyse this text. Job ids only grow; the shared cancel flag holds the highest abandoned id. */
export interface AnalysisJobMessage {
  id: number;
  text: string;
  /** Plain data: `cancelled` is the worker's own poll of the shared flag. */
  options: Omit<ReadOptions, 'cancelled'>;
}

/** Worker → server: the analysis (without the lint rules), or why there is none. */
export type AnalysisReplyMessage =
  | { id: number; analysis: Analysis; ms: number }
  | { id: number; cancelled: true }
  | { id: number; error: string };

/** What the server hands the worker when it starts it (workerData). */
export interface AnalysisWorkerData {
  /** An Int32Array's buffer of one element: the highest job id the server abandoned. */
  cancel: SharedArrayBuffer;
}
