// The analysis worker: a worker thread of the language server that runs the pure engine on the
// documents the server sends it, so a long analysis (a large Python file) never blocks the
// server's main thread. It polls a flag the server shares with it: when the server abandons a
// job (the document changed), the PyTorch interpreter stops within a few hundred steps.
import { parentPort, workerData } from 'node:worker_threads';
import { analyse, AnalysisCancelled } from '../../../engine';
import type { AnalysisJobMessage, AnalysisReplyMessage, AnalysisWorkerData } from './messages';

const abandonedUpTo = new Int32Array((workerData as AnalysisWorkerData).cancel);

parentPort?.on('message', (job: AnalysisJobMessage) => {
  const cancelled = () => Atomics.load(abandonedUpTo, 0) >= job.id;
  const reply = (m: AnalysisReplyMessage) => parentPort!.postMessage(m);
  const t0 = performance.now();
  try {
    const analysis = analyse(job.text, { ...job.options, cancelled });
    // A reading that finished after the server abandoned it is not worth the copy.
    if (cancelled()) reply({ id: job.id, cancelled: true });
    else reply({ id: job.id, analysis, ms: performance.now() - t0 });
  } catch (err) {
    if (err instanceof AnalysisCancelled || cancelled()) reply({ id: job.id, cancelled: true });
    else reply({ id: job.id, error: (err as Error)?.stack ?? String(err) });
  }
});
