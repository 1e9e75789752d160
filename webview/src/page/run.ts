// A run: the document goes to the worker, and what comes back (the analysis, the input, each
// layer's output) is put in the page's state, laid out and painted.
import type { WorkerReply, RunInput } from '../workerProtocol';
import type { LayerInfo } from '../workerProtocol';
import { $, DEFAULT_SAMPLE, page, state } from './state';
import { setStatus, showError, showWeights } from './status';
import { forgetDerived, takeOutputBuffers } from './data';
import { dropPendingPaints } from './lazyPaint';
import { layOutSections, sectionsFit } from './sections';
import { resetZoom } from './tiles';
import { fillSamples, showModelControls } from './toolbar';
import { buildGraph, highlightCurrent } from './graph';
import { buildTable, showLayerDetails } from './table';
import { forgetLineColour, renderMaps, rerenderAll } from './maps';
import { showSelection } from './selection';
import { getWorker, onWorkerReply, post } from './workerLink';
import { onRecomputed } from './recompute';

/** Connects the worker (it starts warming up at once). */
export function startWorker(): void {
  onWorkerReply(onWorker);
  void getWorker();
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
  // Nothing paints from them any more.
  dropArrived();
  dropPendingPaints();
  const buffers = takeOutputBuffers();
  if (buffers.length) post({ type: 'recycle', buffers }, buffers);
  const model = page.model ? { inputShape: page.model.inputShape, dynamicSizes: page.model.dynamicSizes } : undefined;
  // Which channels each section shows: the worker sends those of a large output, not all of it.
  const shown = { order: state.order, pages: state.pages };
  post({ type: 'run', id, text: page.text, options: page.options, ...(model ? { model } : {}), input, seed: state.seed, shown });
}

function onAnalysis(ls: LayerInfo[], input: number[] | null, error: string | null): void {
  const previous = page.layers;
  const sameNet = page.inputShape && input && page.inputShape.join() === input.join() && ls.length === page.layers.length && ls.every((l, i) => l.name === page.layers[i].name && (l.shape ?? []).join() === (page.layers[i].shape ?? []).join());
  page.layers = ls;
  page.inputShape = input;
  page.outputs = [];
  page.layerStats = [];
  page.globalMax = 1e-30;
  forgetDerived();
  forgetLineColour();
  showError(error ? `Cannot run the network: ${error}` : '');
  if (error) document.body.dataset.status = 'error';
  if (!sameNet) {
    page.selection = null;
    resetZoom();
  }
  fillSamples();
  showModelControls();
  // The same layers (a re-seed, another sample, an edit that keeps every shape) keep their sections.
  const reuse = !!sameNet && !error && sectionsFit(ls, previous);
  const token = ++layoutToken;
  const layOutMaps = () => {
    layOutSections(reuse);
    $('slice-label').hidden = !(input && input.length === 4);
    buildGraph();
    highlightCurrent(!reuse); // a re-run leaves the maps where the user scrolled them
  };
  if (state.table && !reuse) {
    // The table is what shows: it is painted first, and the hidden maps and strip are laid out
    // a frame later (resnet50's 175 sections and strip rows: 100–300 ms of the main thread).
    buildTable();
    mapsPending = true;
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (token !== layoutToken) return;
        layOutMaps();
        mapsPending = false;
        showArrived();
      }),
    );
  } else {
    mapsPending = false;
    layOutMaps();
    buildTable();
  }
}

// The maps' layout of the current analysis (deferred behind the table); layers arriving before it are shown after it.
let layoutToken = 0;
let mapsPending = false;

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
  if (mapsPending) return;
  const batch = arrived;
  arrived = [];
  for (const index of batch) if (page.outputs[index]) renderMaps(index);
  if (batch.length) setStatus(lastArrival);
}

/** Forgets layers not shown yet (a newer run or network replaces them). */
function dropArrived(): void {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  arrived = [];
}

function onWorker(m: WorkerReply): void {
  if (!m || m.id !== page.runId) return; // a stale run
  switch (m.type) {
    case 'analysis':
      page.weightsInfo = m.weights;
      page.weightStats = new Map();
      page.findings = m.findings;
      page.totals = m.totals;
      onAnalysis(m.layers, m.input, m.error);
      break;
    case 'input':
      page.inputTensor = { shape: m.shape, data: m.data };
      renderMaps(-1);
      break;
    case 'layer':
      page.outputs[m.index] = m.channels ? { shape: m.shape, data: m.data, channels: m.channels, activity: m.activity, mean: m.mean } : { shape: m.shape, data: m.data };
      page.layerStats[m.index] = m.stats;
      page.globalMax = Math.max(page.globalMax, Math.abs(page.layerStats[m.index]!.min), Math.abs(page.layerStats[m.index]!.max));
      arrived.push(m.index);
      lastArrival = `layer ${m.index + 1}/${page.layers.length}: ${page.layers[m.index].name} (${m.ms.toFixed(1)} ms)`;
      if (!flushTimer) flushTimer = setTimeout(showArrived, SHOW_EVERY_MS);
      break;
    case 'done':
      showArrived();
      setStatus(`${page.layers.length} layers in ${m.ms.toFixed(0)} ms (${m.backend === 'wasm' ? 'WebAssembly SIMD' : 'JavaScript'} kernels) · seed ${state.seed}`);
      showWeights(m.randomWeights);
      document.body.dataset.backend = m.backend;
      document.body.dataset.reused = String(m.reused);
      if (state.norm === 'global') rerenderAll();
      if (page.selection) showSelection();
      document.body.dataset.status = 'done';
      document.body.dataset.ms = String(Math.round(m.ms));
      document.dispatchEvent(new CustomEvent('convlens:done', { detail: { ms: m.ms } }));
      break;
    case 'recomputed':
      onRecomputed(m);
      break;
    case 'cancelled':
      break;
    case 'weightStats':
      page.weightStats.set(m.layer, m.stats);
      if (!$('table-details').hidden && $('table-details').dataset.layer === m.layer) {
        const l = page.layers.find((x) => x.name === m.layer);
        if (l) showLayerDetails(l.index);
      }
      break;
    case 'error':
      showArrived();
      showError(m.layer ? `Cannot run ${m.layer === 'network' || m.layer === 'input' ? 'the network' : `layer ${m.layer}`}: ${m.message}` : m.message);
      document.body.dataset.status = 'error';
      break;
  }
}
