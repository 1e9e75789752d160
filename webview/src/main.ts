// The feature-map preview page. Runs inside a VS Code webview (messages with the host through
// acquireVsCodeApi) or standalone in a plain browser page for tests: then the document text
// comes from `window.__CONVLENS_TEST__ = { text }` or the `?text=` query parameter, and
// `window.convlens` exposes load() and the computed outputs.
import type { HostMessage, PageMessage, PageState } from '../../protocol/preview';
import type { LayerInfo, WorkerReply, WorkerRequest, RunInput } from './workerProtocol';
import { parseHostMessage } from '../../protocol/preview';
import { samplesFor } from '../../kernels/runtime/samples';
import { imageToInput } from '../../kernels/runtime/samples';
import { layerParams } from '../../kernels/runtime/execute';
import { convMatrix, convTransposeMatrix, checkProduct, type Matrix } from '../../kernels/runtime/convMatrix';
import { stats, type Stats, type Tensor } from '../../kernels';
import type { LayerResult } from '../../engine/types';
import { paintHeatmap, paintLine } from './render/heatmap';
import { maxAbs } from './render/colors';
import { backProject, inputField, masksToIntervals } from './render/field';
import type { IntervalSet } from '../../engine/types';

interface VsCodeApi {
  postMessage(m: PageMessage): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode: VsCodeApi | null = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : null;
const CHANNELS_PER_PAGE = 16;
const MAP_TARGET = 96; // CSS pixels for the longer side of a map
const MATRIX_MAX_INPUT = 64; // input positions (8×8) for the matrix view

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const defaults: PageState = { sample: 'impulse', seed: 0, norm: 'map', pages: {}, slice: 0.5 };
const saved = (vscode?.getState() ?? null) as Partial<PageState> | null;
const state: PageState = { ...defaults, ...(saved && typeof saved === 'object' ? saved : {}) };
if (typeof state.seed !== 'number' || !Number.isInteger(state.seed) || state.seed < 0) state.seed = 0;
if (!['map', 'layer', 'global'].includes(state.norm)) state.norm = 'map';

let text = '';
let runId = 0;
let layers: LayerInfo[] = [];
let inputShape: number[] | null = null;
let inputTensor: Tensor | null = null;
let outputs: Array<Tensor | undefined> = [];
let imageInput: { name: string; tensor: Tensor | null; rgba: Uint8ClampedArray; w: number; h: number } | null = null;
let selection: { index: number; pos: number[]; channel: number } | null = null;
let cursorLayer: string | null = null;
let globalMax = 1e-30;
/** min/max/mean of each layer's output, computed once when it arrives. */
let layerStats: Array<Stats | undefined> = [];

/** A new element with a class (and text). */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function saveState(): void {
  vscode?.setState(state);
}

// ------------------------------------------------------------------------------------------
// Worker (created from a Blob URL: VS Code webviews cannot always load a worker from the
// resource URI directly; the CSP allows worker-src blob:).

let workerReady: Promise<Worker> | null = null;

function getWorker(): Promise<Worker> {
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

function post(m: WorkerRequest, transfer: Transferable[] = []): void {
  void getWorker().then((w) => w.postMessage(m, transfer));
}

function startRun(): void {
  const id = ++runId;
  document.body.dataset.status = 'running';
  setStatus('analysing…');
  let input: RunInput = { kind: 'sample', name: state.sample };
  if (state.sample === 'image' && imageInput?.tensor) {
    const data = imageInput.tensor.data.slice();
    input = { kind: 'tensor', shape: imageInput.tensor.shape, data };
  } else if (state.sample === 'image') input = { kind: 'sample', name: 'impulse' };
  post({ type: 'run', id, text, input, seed: state.seed });
}

function onWorker(m: WorkerReply): void {
  if (!m || m.id !== runId) return; // a stale run
  switch (m.type) {
    case 'analysis':
      onAnalysis(m.layers, m.input, m.error);
      break;
    case 'input':
      inputTensor = { shape: m.shape, data: m.data };
      renderInput();
      break;
    case 'layer':
      outputs[m.index] = { shape: m.shape, data: m.data };
      layerStats[m.index] = m.stats;
      globalMax = Math.max(globalMax, Math.abs(layerStats[m.index]!.min), Math.abs(layerStats[m.index]!.max));
      renderLayer(m.index);
      setStatus(`layer ${m.index + 1}/${layers.length}: ${layers[m.index].name} (${m.ms.toFixed(1)} ms)`);
      document.dispatchEvent(new CustomEvent('convlens:layer', { detail: { index: m.index } }));
      break;
    case 'done':
      setStatus(`${layers.length} layers in ${m.ms.toFixed(0)} ms (${m.backend === 'wasm' ? 'WebAssembly SIMD' : 'JavaScript'} kernels) · seed ${state.seed}`);
      document.body.dataset.backend = m.backend;
      if (state.norm === 'global') rerenderAll();
      if (selection) showSelection();
      document.body.dataset.status = 'done';
      document.body.dataset.ms = String(Math.round(m.ms));
      document.dispatchEvent(new CustomEvent('convlens:done', { detail: { ms: m.ms } }));
      break;
    case 'cancelled':
      break;
    case 'error':
      showError(m.layer ? `Cannot run ${m.layer === 'network' || m.layer === 'input' ? 'the network' : `layer ${m.layer}`}: ${m.message}` : m.message);
      document.body.dataset.status = 'error';
      break;
  }
}

// ------------------------------------------------------------------------------------------
// Page structure

function setStatus(s: string): void {
  $('status').textContent = s;
}

function showError(s: string): void {
  $('errors').textContent = s;
}

function onAnalysis(ls: LayerInfo[], input: number[] | null, error: string | null): void {
  const sameNet = inputShape && input && inputShape.join() === input.join() && ls.length === layers.length && ls.every((l, i) => l.name === layers[i].name && (l.shape ?? []).join() === (layers[i].shape ?? []).join());
  layers = ls;
  inputShape = input;
  outputs = [];
  layerStats = [];
  globalMax = 1e-30;
  lineColour = '';
  showError(error ? `Cannot run the network: ${error}` : '');
  if (error) document.body.dataset.status = 'error';
  if (!sameNet) selection = null;
  fillSamples();
  const main = $('layers');
  // Rebuild the sections (keeps the scroll position when the network has the same layers).
  const scroll = window.scrollY;
  main.textContent = '';
  main.appendChild(section('input', -1, input ? `[${input.join(', ')}]` : '', 'input'));
  for (const l of ls) main.appendChild(section(l.name, l.index, l.shape ? `[${l.shape.join(', ')}]` : '—', l.kind));
  window.scrollTo(0, scroll);
  $('slice-label').hidden = !(input && input.length === 4);
  highlightCursor();
}

function section(name: string, index: number, shape: string, kind: string): HTMLElement {
  const s = el('section', 'layer pending');
  s.id = index < 0 ? 'input-section' : `layer-${index}`;
  s.dataset.layer = name;
  s.dataset.index = String(index);
  const h = document.createElement('h3');
  const n = el('span', 'name', name);
  const k = el('span', 'kind', kind);
  const sh = el('span', 'shape', shape);
  const st = el('span', 'stats');
  h.append(n, k, sh, st);
  if (index >= 0) {
    h.title = 'Reveal in the editor';
    h.addEventListener('click', () => vscode?.postMessage({ type: 'reveal', layer: name }));
  }
  const maps = el('div', 'maps');
  const pager = el('div', 'pager');
  pager.hidden = true;
  const value = el('div', 'value');
  s.append(h, maps, pager, value);
  visibility.observe(s);
  if (index >= 0 && matrixEligible(layers[index])) {
    const b = el('button', 'secondary as-matrix', 'As a matrix');
    b.addEventListener('click', () => openMatrix(index));
    h.appendChild(b);
  }
  return s;
}

function sectionOf(index: number): HTMLElement | null {
  return document.getElementById(index < 0 ? 'input-section' : `layer-${index}`);
}

function tensorOf(index: number): Tensor | undefined {
  return index < 0 ? inputTensor ?? undefined : outputs[index];
}

function renderInput(): void {
  renderMaps(-1);
}

function renderLayer(index: number): void {
  renderMaps(index);
}

function rerenderAll(): void {
  renderMaps(-1);
  layers.forEach((l) => outputs[l.index] && renderMaps(l.index));
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toFixed(3);
}

// Painting is deferred for sections far from the viewport: while a network runs, the page
// (main thread) and the worker share two cores here, and painting every layer's maps as they
// arrive slows the run itself (re-runs of resnet50 in the page: ~540–620 → ~480–510 ms with
// this). Maps, sizes and click handlers exist at once; only the pixels wait until the section
// comes within a quarter of a screen of the view (painting is fast enough to keep up with
// scrolling).
const nearView = new Set<Element>();
const pendingPaint = new Map<Element, Array<() => void>>();
const visibility = new IntersectionObserver(
  (entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) {
        nearView.delete(e.target);
        continue;
      }
      nearView.add(e.target);
      const jobs = pendingPaint.get(e.target);
      pendingPaint.delete(e.target);
      for (const job of jobs ?? []) job();
    }
  },
  { rootMargin: '25% 0px' },
);

// The line plots' colour comes from the theme. Reading it forces a style recalculation (costly
// with a layer arriving every few ms), so it is read once per run, and again after VS Code
// changes the theme (it rewrites the <html> style and the <body> class).
let lineColour = '';
function chartColour(): string {
  if (!lineColour) lineColour = getComputedStyle(document.body).getPropertyValue('--vscode-charts-blue').trim() || '#3b7dd8';
  return lineColour;
}
const themeWatch = new MutationObserver(() => {
  if (!lineColour) return;
  lineColour = '';
  if (inputShape?.length === 2) rerenderAll();
});
themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
themeWatch.observe(document.body, { attributes: true, attributeFilter: ['class'] });

function paintWhenNear(sec: Element, job: () => void): void {
  if (nearView.has(sec)) return job();
  const jobs = pendingPaint.get(sec);
  if (jobs) jobs.push(job);
  else pendingPaint.set(sec, [job]);
}

function renderMaps(index: number): void {
  const sec = sectionOf(index);
  const t = tensorOf(index);
  if (!sec || !t) return;
  sec.classList.remove('pending');
  sec.classList.add('rendered');
  const s = (index >= 0 && layerStats[index]) || stats(t);
  (sec.querySelector('.stats') as HTMLElement).textContent = `min ${fmt(s.min)} · max ${fmt(s.max)} · mean ${fmt(s.mean)}`;
  sec.dataset.min = String(s.min);
  sec.dataset.max = String(s.max);
  sec.dataset.mean = String(s.mean);
  const maps = sec.querySelector('.maps') as HTMLElement;
  maps.textContent = '';
  pendingPaint.delete(sec); // a newer rendering of this section replaces queued paints
  const key = sec.dataset.layer!;
  const rank = t.shape.length - 1;
  const C = t.shape[0];
  const layerScale = state.norm === 'layer' ? Math.max(Math.abs(s.min), Math.abs(s.max), 1e-30) : globalMax;
  if (rank === 0) {
    // A [C] vector: one strip, one cell per entry.
    const div = mapDiv(maps, key, -1);
    const cv = div.querySelector('canvas.map-canvas') as HTMLCanvasElement;
    [cv.width, cv.height] = [C, 1];
    const vectorScale = state.norm === 'global' ? globalMax : Math.max(Math.abs(s.min), Math.abs(s.max), 1e-30);
    paintWhenNear(sec, () => paintHeatmap(cv, t.data, 0, 1, C, vectorScale));
    sizeCanvas(div, C, 1, Math.min(16, Math.max(0.25, 640 / C)));
    cv.style.height = '16px';
    hookClick(div, index, -1, C, 1);
    (sec.querySelector('.pager') as HTMLElement).hidden = true;
    return;
  }
  const pages = Math.ceil(C / CHANNELS_PER_PAGE);
  const page = Math.min(state.pages[key] ?? 0, pages - 1);
  const sp = t.shape.slice(1);
  const per = sp.reduce((a, b) => a * b, 1);
  for (let c = page * CHANNELS_PER_PAGE; c < Math.min(C, (page + 1) * CHANNELS_PER_PAGE); c++) {
    const div = mapDiv(maps, key, c);
    const cv = div.querySelector('canvas.map-canvas') as HTMLCanvasElement;
    if (rank === 1) {
      const L = sp[0];
      const w = Math.max(120, Math.min(360, L * 2));
      [cv.width, cv.height] = [w, 48];
      paintWhenNear(sec, () => paintLine(cv, t.data, c * per, L, state.norm === 'map' ? maxAbs(t.data, c * per, (c + 1) * per) : layerScale, w, 48, chartColour()));
      cv.style.width = `${w}px`;
      cv.style.height = '48px';
      div.dataset.w = String(L);
      div.dataset.h = '1';
      hookClick(div, index, c, L, 1);
      continue;
    }
    const H = sp[rank - 2];
    const W = sp[rank - 1];
    const D = rank === 3 ? sp[0] : 1;
    const d = Math.min(D - 1, Math.round(state.slice * (D - 1)));
    const off = c * per + d * H * W;
    [cv.width, cv.height] = [W, H];
    paintWhenNear(sec, () => paintHeatmap(cv, t.data, off, H, W, state.norm === 'map' ? maxAbs(t.data, off, off + H * W) : layerScale));
    sizeCanvas(div, W, H, MAP_TARGET / Math.max(H, W));
    hookClick(div, index, c, W, H);
  }
  const pager = sec.querySelector('.pager') as HTMLElement;
  pager.hidden = pages <= 1;
  if (pages > 1) {
    pager.textContent = '';
    const prev = document.createElement('button');
    prev.textContent = '‹';
    prev.disabled = page === 0;
    const next = document.createElement('button');
    next.textContent = '›';
    next.disabled = page >= pages - 1;
    const label = document.createElement('span');
    label.textContent = `channels ${page * CHANNELS_PER_PAGE}–${Math.min(C, (page + 1) * CHANNELS_PER_PAGE) - 1} of ${C}`;
    prev.addEventListener('click', () => turn(key, index, page - 1));
    next.addEventListener('click', () => turn(key, index, page + 1));
    pager.append(prev, label, next);
  }
  if (selection) drawOverlays();
}

function turn(key: string, index: number, page: number): void {
  state.pages[key] = page;
  saveState();
  renderMaps(index);
}

function mapDiv(parent: HTMLElement, key: string, channel: number): HTMLElement {
  const div = el('div', 'map');
  div.dataset.layer = key;
  div.dataset.channel = String(channel);
  const cv = el('canvas', 'map-canvas');
  div.append(cv); // the overlay canvas is added when a field is drawn on this map
  if (channel >= 0) {
    const lab = el('span', 'label', String(channel));
    div.appendChild(lab);
  }
  parent.appendChild(div);
  return div;
}

function sizeCanvas(div: HTMLElement, W: number, H: number, zoom: number): void {
  const z = Math.max(0.25, Math.min(zoom, 12));
  const cv = div.querySelector('canvas.map-canvas') as HTMLCanvasElement;
  cv.style.width = `${W * z}px`;
  cv.style.height = `${H * z}px`;
  div.dataset.w = String(W);
  div.dataset.h = String(H);
}

function hookClick(div: HTMLElement, index: number, channel: number, W: number, H: number): void {
  const cv = div.querySelector('canvas.map-canvas') as HTMLCanvasElement;
  cv.addEventListener('click', (e) => {
    const r = cv.getBoundingClientRect();
    const x = Math.min(W - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * W)));
    const y = Math.min(H - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * H)));
    select(index, channel, x, y);
  });
}

// ------------------------------------------------------------------------------------------
// Selection: value and receptive field of a clicked position

function spatialOf(index: number): number[] {
  const shape = index < 0 ? inputShape ?? [] : layers[index].shape ?? [];
  return shape.slice(1);
}

/** Selects output position (channel, x, y) of a layer's map (the current slice for 3-D). */
function select(index: number, channel: number, x: number, y: number): void {
  const sp = spatialOf(index);
  let pos: number[];
  if (channel < 0) pos = [];
  else if (sp.length === 1) pos = [x];
  else if (sp.length === 2) pos = [y, x];
  else pos = [Math.min(sp[0] - 1, Math.round(state.slice * (sp[0] - 1))), y, x];
  selection = { index, pos, channel: channel < 0 ? x : channel };
  showSelection();
}

function showSelection(): void {
  if (!selection) return;
  const { index, pos, channel } = selection;
  const t = tensorOf(index);
  const sec = sectionOf(index);
  if (!sec) return;
  for (const v of Array.from(document.querySelectorAll('.value'))) v.textContent = '';
  for (const s of Array.from(document.querySelectorAll('section.layer'))) {
    delete (s as HTMLElement).dataset.field;
    delete (s as HTMLElement).dataset.fieldEngine;
  }
  const sp = spatialOf(index);
  let flat = channel;
  if (pos.length) flat = channel * sp.reduce((a, b) => a * b, 1) + pos.reduce((k, p, a) => k * sp[a] + p, 0);
  const value = t ? t.data[flat] : NaN;
  const where = pos.length ? `[${channel}, ${pos.join(', ')}]` : `[${channel}]`;
  let fieldText = '';
  if (index >= 0 && inputShape) {
    const f = inputField(layers[index], pos, inputShape.slice(1));
    const input = sectionOf(-1)!;
    if (f === 'global') {
      fieldText = ' · field: the whole input';
      input.dataset.field = 'global';
    } else if (f) {
      fieldText = ` · field on the input: ${f.map((ax) => ax.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(' ∪ ')).join(' × ')}`;
      input.dataset.field = JSON.stringify(f);
    }
  }
  const vEl = sec.querySelector('.value') as HTMLElement;
  vEl.textContent = `${sec.dataset.layer}${where} = ${fmt(value)}${fieldText}`;
  sec.dataset.selected = JSON.stringify({ channel, pos, value });
  drawOverlays();
}

/** Fills the field's cells on the input (the engine's field) and on every earlier map; holes stay empty. */
function drawOverlays(): void {
  for (const ov of Array.from(document.querySelectorAll('canvas.overlay'))) ov.remove();
  if (!selection || !inputShape) return;
  const { index, pos, channel } = selection;
  const masks = backProject(layers, inputShape, index, pos);
  for (const [i, m] of masks) {
    if (i === index) continue;
    const sec = sectionOf(i);
    if (!sec) continue;
    let intervals: IntervalSet[] | 'global' = masksToIntervals(m);
    if (i < 0) {
      // The input: the engine's field, clipped to the input (equals the back-projection away from borders).
      const f = index >= 0 ? inputField(layers[index], pos, inputShape.slice(1)) : null;
      if (f) intervals = f;
    } else sec.dataset.field = JSON.stringify(intervals);
    paintField(sec, intervals, 'rgba(255, 196, 0, 0.55)');
  }
  const own = sectionOf(index);
  if (own && pos.length) {
    paintField(own, pos.map((p) => [[p, p]]), 'rgba(0, 200, 0, 0.9)', channel);
  }
}

function paintField(sec: HTMLElement, f: IntervalSet[] | 'global', colour: string, onlyChannel?: number): void {
  for (const div of Array.from(sec.querySelectorAll('.map'))) {
    const d = div as HTMLElement;
    if (onlyChannel !== undefined && Number(d.dataset.channel) !== onlyChannel) continue;
    const W = Number(d.dataset.w);
    const H = Number(d.dataset.h);
    let ov = d.querySelector('canvas.overlay') as HTMLCanvasElement | null;
    if (!ov) {
      ov = document.createElement('canvas');
      ov.className = 'overlay';
      d.querySelector('canvas.map-canvas')!.after(ov);
    }
    const cv = d.querySelector('canvas.map-canvas') as HTMLCanvasElement;
    ov.width = cv.width;
    ov.height = cv.height;
    ov.style.width = cv.style.width;
    ov.style.height = cv.style.height;
    const ctx = ov.getContext('2d')!;
    ctx.clearRect(0, 0, ov.width, ov.height);
    ctx.fillStyle = colour;
    const sx = ov.width / W;
    const sy = ov.height / H;
    if (f === 'global') {
      ctx.fillRect(0, 0, ov.width, ov.height);
      continue;
    }
    const rank = f.length;
    const xs = f[rank - 1];
    const ys = rank >= 2 ? f[rank - 2] : [[0, 0] as [number, number]];
    if (rank === 3) {
      const dd = Math.min(spatialOf(Number(sec.dataset.index))[0] - 1, Math.round(state.slice * (spatialOf(Number(sec.dataset.index))[0] - 1)));
      if (!f[0].some(([a, b]) => dd >= a && dd <= b)) continue;
    }
    for (const [y0, y1] of ys) {
      for (const [x0, x1] of xs) {
        if (rank === 1) ctx.fillRect(x0 * sx, 0, (x1 - x0 + 1) * sx, ov.height);
        else ctx.fillRect(x0 * sx, y0 * sy, (x1 - x0 + 1) * sx, (y1 - y0 + 1) * sy);
      }
    }
  }
}

// ------------------------------------------------------------------------------------------
// The convolution as a matrix (small layers)

function matrixEligible(l: LayerInfo | undefined): boolean {
  if (!l || !['conv', 'depthwise', 'conv_transpose'].includes(l.kind)) return false;
  const inSp = l.inputShapes[0]?.slice(1) ?? [];
  return inSp.length >= 1 && inSp.length <= 2 && inSp.reduce((a, b) => a * b, 1) <= MATRIX_MAX_INPUT;
}

function openMatrix(index: number): void {
  const l = layers[index];
  const out = outputs[index];
  const srcIndex = l.from[0] === 'input' ? -1 : layers.findIndex((x) => x.name === l.from[0]);
  const x = tensorOf(srcIndex);
  const box = $('matrix');
  box.textContent = '';
  box.hidden = false;
  box.dataset.layer = l.name;
  const close = document.createElement('button');
  close.textContent = 'Close';
  close.id = 'matrix-close';
  close.addEventListener('click', () => (box.hidden = true));
  const title = document.createElement('h3');
  box.append(close, title);
  if (!out || !x) {
    title.textContent = `${l.name}: not computed yet`;
    return;
  }
  const a = l.args as Record<string, any>;
  const p = layerParams(l as unknown as LayerResult, x.shape, state.seed)!;
  const g = { kernel: a.kernel, stride: a.stride, dilation: a.dilation, padding: a.padding as Array<[number, number]>, groups: p.groups };
  let m: Matrix;
  if (l.kind === 'conv_transpose') {
    m = convTransposeMatrix(p.weight, x.shape, out.shape, g);
    title.textContent = `${l.name} (conv_transpose) as a matrix: vec(out) = Cᵀ·vec(in)${p.bias ? ' + b' : ''}; rows = ${m.rows} output positions, columns = ${m.cols} input positions`;
  } else {
    m = convMatrix(p.weight, { ...g, inShape: x.shape });
    title.textContent = `${l.name} as a matrix: vec(out) = C·vec(in)${p.bias ? ' + b' : ''}; rows = ${m.rows} output positions, columns = ${m.cols} input positions`;
  }
  const chk = checkProduct(m, x, out, p.bias);
  const res = document.createElement('p');
  res.id = 'matrix-check';
  res.dataset.ok = String(chk.ok);
  res.className = chk.ok ? 'ok' : 'bad';
  res.textContent = `${l.kind === 'conv_transpose' ? 'Cᵀ' : 'C'}·x${p.bias ? ' + b' : ''} vs the kernel's output: ${chk.ok ? 'OK' : 'MISMATCH'} (max |difference| ${chk.maxAbsDiff.toExponential(2)})`;
  box.appendChild(res);
  box.dataset.matrix = JSON.stringify({ rows: m.rows, cols: m.cols, data: Array.from(m.data) });
  const table = document.createElement('table');
  table.id = 'matrix-table';
  const posName = (k: number, shape: number[]): string => {
    const sp = shape.slice(1);
    const per = sp.reduce((u, v) => u * v, 1);
    const c = Math.floor(k / per);
    let r = k % per;
    const idx: number[] = [];
    for (let d = sp.length - 1; d >= 0; d--) {
      idx.unshift(r % sp[d]);
      r = Math.floor(r / sp[d]);
    }
    return shape[0] > 1 ? `${c}:${idx.join(',')}` : idx.join(',');
  };
  const maxCells = 40000;
  const rows = Math.min(m.rows, Math.floor(maxCells / Math.max(1, m.cols)));
  const head = document.createElement('tr');
  head.appendChild(document.createElement('th'));
  for (let c = 0; c < m.cols; c++) {
    const th = document.createElement('th');
    th.textContent = `x${posName(c, x.shape)}`;
    head.appendChild(th);
  }
  table.appendChild(head);
  for (let r = 0; r < rows; r++) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.textContent = `y${posName(r, out.shape)}`;
    tr.appendChild(th);
    for (let c = 0; c < m.cols; c++) {
      const td = document.createElement('td');
      const v = m.data[r * m.cols + c];
      td.textContent = v === 0 ? '0' : Number.isInteger(v) ? String(v) : v.toFixed(3);
      if (v === 0) td.className = 'zero';
      tr.appendChild(td);
    }
    table.appendChild(tr);
  }
  box.appendChild(table);
  if (rows < m.rows) {
    const more = document.createElement('p');
    more.textContent = `(first ${rows} of ${m.rows} rows shown)`;
    box.appendChild(more);
  }
}

// ------------------------------------------------------------------------------------------
// Toolbar

function fillSamples(): void {
  const sel = $<HTMLSelectElement>('sample');
  const rank = inputShape ? inputShape.length - 1 : 2;
  const names = samplesFor(rank);
  if (!names.some((s) => s.name === state.sample) && !(state.sample === 'image' && imageInput)) state.sample = 'impulse';
  sel.textContent = '';
  for (const s of names) {
    const o = document.createElement('option');
    o.value = s.name;
    o.textContent = s.label;
    sel.appendChild(o);
  }
  if (imageInput) {
    const o = document.createElement('option');
    o.value = 'image';
    o.textContent = `image: ${imageInput.name}`;
    sel.appendChild(o);
  }
  sel.value = state.sample;
}

function setupToolbar(): void {
  const sel = $<HTMLSelectElement>('sample');
  sel.addEventListener('change', () => {
    state.sample = sel.value;
    saveState();
    startRun();
  });
  const seed = $<HTMLInputElement>('seed');
  seed.value = String(state.seed);
  seed.addEventListener('change', () => {
    const v = Number(seed.value);
    if (Number.isInteger(v) && v >= 0) {
      state.seed = v;
      saveState();
      startRun();
    } else seed.value = String(state.seed);
  });
  $('reseed').addEventListener('click', () => {
    state.seed = Math.floor(Math.random() * 1e9);
    seed.value = String(state.seed);
    saveState();
    startRun();
  });
  const norm = $<HTMLSelectElement>('norm');
  norm.value = state.norm;
  norm.addEventListener('change', () => {
    state.norm = norm.value as PageState['norm'];
    saveState();
    rerenderAll();
  });
  const slice = $<HTMLInputElement>('slice');
  slice.value = String(state.slice);
  slice.addEventListener('input', () => {
    state.slice = Number(slice.value);
    saveState();
    rerenderAll();
  });
  const pick = $('pick-image');
  pick.hidden = !vscode;
  pick.addEventListener('click', () => vscode?.postMessage({ type: 'pickImage' }));
}

function highlightCursor(): void {
  for (const s of Array.from(document.querySelectorAll('section.layer.current'))) s.classList.remove('current');
  if (!cursorLayer) return;
  const l = layers.find((x) => x.name === cursorLayer);
  const sec = l ? sectionOf(l.index) : null;
  if (sec) {
    sec.classList.add('current');
    sec.scrollIntoView({ block: 'nearest' });
  }
}

async function useImage(name: string, mime: string, bytes: Uint8Array): Promise<void> {
  try {
    const bmp = await createImageBitmap(new Blob([bytes as BlobPart], { type: mime }));
    const cv = document.createElement('canvas');
    cv.width = bmp.width;
    cv.height = bmp.height;
    const ctx = cv.getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const rgba = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    imageInput = { name, rgba, w: bmp.width, h: bmp.height, tensor: inputShape ? imageToInput(rgba, bmp.width, bmp.height, inputShape) : null };
    state.sample = 'image';
    fillSamples();
    startRun();
  } catch (err) {
    showError(`Cannot read the image ${name}: ${(err as Error).message}`);
  }
}

function onHost(raw: unknown): void {
  const m: HostMessage | null = parseHostMessage(raw);
  if (!m) return;
  switch (m.type) {
    case 'document':
      text = m.text;
      if (state.uri !== m.uri) {
        state.uri = m.uri;
        saveState();
      }
      if (imageInput && inputShape) imageInput.tensor = imageToInput(imageInput.rgba, imageInput.w, imageInput.h, inputShape);
      startRun();
      break;
    case 'cursor':
      cursorLayer = m.layer;
      highlightCursor();
      break;
    case 'image':
      void useImage(m.name, m.mime, m.bytes);
      break;
    case 'error':
      showError(m.message);
      break;
  }
}

// ------------------------------------------------------------------------------------------

interface TestHook {
  text?: string;
}

function boot(): void {
  setupToolbar();
  window.addEventListener('error', (e) => showError(`Preview error: ${e.message}`));
  void getWorker();
  const api = {
    load(t: string): void {
      text = t;
      startRun();
    },
    outputs: (): Array<{ name: string; shape: number[]; data: number[] } | null> => layers.map((l) => (outputs[l.index] ? { name: l.name, shape: outputs[l.index]!.shape, data: Array.from(outputs[l.index]!.data) } : null)),
    input: () => (inputTensor ? { shape: inputTensor.shape, data: Array.from(inputTensor.data) } : null),
    select: (layer: string, channel: number, pos: number[]) => {
      const l = layers.find((x) => x.name === layer);
      if (!l) throw new Error(`no layer ${layer}`);
      selection = { index: l.index, pos, channel };
      showSelection();
    },
    setSeed: (s: number) => {
      state.seed = s;
      $<HTMLInputElement>('seed').value = String(s);
      startRun();
    },
    state: () => state,
  };
  (window as unknown as { convlens: typeof api }).convlens = api;
  if (vscode) {
    window.addEventListener('message', (e) => onHost(e.data));
    vscode.postMessage({ type: 'ready' });
    return;
  }
  const hook = (window as unknown as { __CONVLENS_TEST__?: TestHook }).__CONVLENS_TEST__;
  const q = new URLSearchParams(location.search);
  const t = hook?.text ?? q.get('text');
  if (q.get('seed')) state.seed = Number(q.get('seed')) || 0;
  if (q.get('sample')) state.sample = q.get('sample')!;
  $<HTMLInputElement>('seed').value = String(state.seed);
  if (t) api.load(t);
  else setStatus('standalone page: set window.__CONVLENS_TEST__ = { text } or ?text=');
}

boot();
