// Cancellation of a reading in progress: a front end that reads a document off its main thread
// (the language server's worker) abandons the reading of an older version when the document
// changes. Readers that can run long (the PyTorch interpreter) poll `ReadOptions.cancelled`
// and throw this; nothing in a reader catches it.
export class AnalysisCancelled extends Error {
  constructor() {
    super('the analysis was cancelled: the document changed');
  }
}
