// Runs in the worker (created from a Blob URL: VS Code webviews cannot always load a worker
// from the resource URI directly; the CSP allows worker-src blob:) and what comes back.
import type { WorkerReply, WorkerRequest, RunInput } from '../workerProtocol';
import { DEFAULT_SAMPLE, page, state } from './state';
import { onAnalysis, reclaimOutputs, renderInput, renderLayer, rerenderAll, setStatus, showError } from './sections';
import { showSelection } from './selection';

let workerReady: Promise<Worker> | null = null;

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
      w.onmessage = (e) => onWorker(e.data as WorkerReply);
      w.onerror = (e) => showError(`worker: ${e.message}`);
      return w;
    });
  return workerReady;
}

export function post(m: WorkerRequest, transfer: Transferable[] = []): void {
  void getWorker().then((w) => w.postMessage(m, transfer));
}

export function startRun(): void {
  const id = ++page.runId;
  document.body.dataset.status = 'running';
  setStatus('analysing…');
  let input: RunInput = { kind: 'sample', name: state.sample };
  if (state.sample === 'image' && page.imageInput?.tensor) {
    const data = page.imageInput.tensor.data.slice();
    input = { kind: 'tensor', shape: page.imageInput.tensor.shape, data };
  } else if (state.sample === 'image') input = { kind: 'sample', name: DEFAULT_SAMPLE };
  page.runSample = input.kind === 'sample' ? input.name : 'image';
  // The previous run's outputs go back to the worker, which fills them with this run's instead of
  // allocating new buffers: in a Chromium worker a fresh buffer cost ~5 ms per MB on this
  // project's VM (resnet50's layers make ~130 MB: two thirds of a re-run's time went there).
  dropArrived();
  const buffers = reclaimOutputs();
  if (buffers.length) post({ type: 'recycle', buffers }, buffers);
  post({ type: 'run', id, text: page.text, options: page.options, input, seed: state.seed });
}

// Layers arrive every few milliseconds. Showing each at once made a frame for each, and in VS
// Code every frame re-layerizes the whole workbench with the panel in it (resnet50: ~200 ms of
// the main thread per re-run, on the core the worker needs); they are shown in batches instead.
const SHOW_EVERY_MS = 100;
let arrived: number[] = [];
let lastArrival = '';
let flushTimer: ReturnType<typeof setTimeout> | undefined;

function showArrived(): void {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  const batch = arrived;
  arrived = [];
  for (const index of batch) if (page.outputs[index]) renderLayer(index);
  if (batch.length) setStatus(lastArrival);
}

/** Forgets layers not shown yet (a newer run or network replaces them). */
function dropArrived(): void {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  arrived = [];
}

export function onWorker(m: WorkerReply): void {
  if (!m || m.id !== page.runId) return; // a stale run
  switch (m.type) {
    case 'analysis':
      onAnalysis(m.layers, m.input, m.error);
      break;
    case 'input':
      page.inputTensor = { shape: m.shape, data: m.data };
      renderInput();
      break;
    case 'layer':
      page.outputs[m.index] = { shape: m.shape, data: m.data };
      page.layerStats[m.index] = m.stats;
      page.globalMax = Math.max(page.globalMax, Math.abs(page.layerStats[m.index]!.min), Math.abs(page.layerStats[m.index]!.max));
      arrived.push(m.index);
      lastArrival = `layer ${m.index + 1}/${page.layers.length}: ${page.layers[m.index].name} (${m.ms.toFixed(1)} ms)`;
      if (!flushTimer) flushTimer = setTimeout(showArrived, SHOW_EVERY_MS);
      break;
    case 'done':
      showArrived();
      setStatus(`${page.layers.length} layers in ${m.ms.toFixed(0)} ms (${m.backend === 'wasm' ? 'WebAssembly SIMD' : 'JavaScript'} kernels) · seed ${state.seed}`);
      document.body.dataset.backend = m.backend;
      document.body.dataset.reused = String(m.reused);
      if (state.norm === 'global') rerenderAll();
      if (page.selection) showSelection();
      document.body.dataset.status = 'done';
      document.body.dataset.ms = String(Math.round(m.ms));
      document.dispatchEvent(new CustomEvent('convlens:done', { detail: { ms: m.ms } }));
      break;
    case 'cancelled':
      break;
    case 'error':
      showArrived();
      showError(m.layer ? `Cannot run ${m.layer === 'network' || m.layer === 'input' ? 'the network' : `layer ${m.layer}`}: ${m.message}` : m.message);
      document.body.dataset.status = 'error';
      break;
  }
}
