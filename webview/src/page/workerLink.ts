// The page's link to its worker (created from a Blob URL: VS Code webviews cannot always load a
// worker from the resource URI directly; the CSP allows worker-src blob:).
import type { WorkerReply, WorkerRequest } from '../workerProtocol';
import { showError } from './status';

let workerReady: Promise<Worker> | null = null;
let onReply: (m: WorkerReply) => void = () => undefined;

/** Where the worker's replies go (set once, at boot). */
export function onWorkerReply(f: (m: WorkerReply) => void): void {
  onReply = f;
}

export function getWorker(): Promise<Worker> {
  if (workerReady) return workerReady;
  const uri = document.body.dataset.workerUri ?? 'worker.js';
  workerReady = fetch(uri)
    .then((r) => {
      if (!r.ok) throw new Error(`cannot load the worker script (${r.status})`);
      return r.text();
    })
    .then((src) => new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' }))))
    .catch(() => new Worker(uri))
    .then((w) => {
      w.onmessage = (e) => onReply(e.data as WorkerReply);
      w.onerror = (e) => showError(`worker: ${e.message}`);
      return w;
    });
  return workerReady;
}

export function post(m: WorkerRequest, transfer: Transferable[] = []): void {
  void getWorker().then((w) => w.postMessage(m, transfer));
}
