// The page's sections, one per layer (and the input): a heading with the shape and statistics,
// the feature maps of one page of channels, painted when the section comes near the view.
import type { LayerInfo } from '../workerProtocol';
import { stats, type Tensor } from '../../../kernels';
import { paintHeatmap, paintLine } from '../render/heatmap';
import { maxAbs } from '../render/colors';
import { $, el, page, state, saveState, vscode } from './state';
import { drawOverlays, select } from './selection';
import { matrixEligible, openMatrix } from './matrix';
import { fillSamples, highlightCursor } from './toolbar';

const CHANNELS_PER_PAGE = 16;
const MAP_TARGET = 96; // CSS pixels for the longer side of a map



export function setStatus(s: string): void {
  $('status').textContent = s;
}

export function showError(s: string): void {
  $('errors').textContent = s;
}

export function onAnalysis(ls: LayerInfo[], input: number[] | null, error: string | null): void {
  const sameNet = page.inputShape && input && page.inputShape.join() === input.join() && ls.length === page.layers.length && ls.every((l, i) => l.name === page.layers[i].name && (l.shape ?? []).join() === (page.layers[i].shape ?? []).join());
  page.layers = ls;
  page.inputShape = input;
  page.outputs = [];
  page.layerStats = [];
  page.globalMax = 1e-30;
  lineColour = '';
  showError(error ? `Cannot run the network: ${error}` : '');
  if (error) document.body.dataset.status = 'error';
  if (!sameNet) page.selection = null;
  fillSamples();
  const main = $('layers');
  // Rebuild the sections (keeps the scroll position when the network has the same page.layers).
  const scroll = window.scrollY;
  main.textContent = '';
  main.appendChild(section('input', -1, input ? `[${input.join(', ')}]` : '', 'input'));
  for (const l of ls) main.appendChild(section(l.name, l.index, l.shape ? `[${l.shape.join(', ')}]` : '—', l.kind));
  window.scrollTo(0, scroll);
  $('slice-label').hidden = !(input && input.length === 4);
  highlightCursor();
}

export function section(name: string, index: number, shape: string, kind: string): HTMLElement {
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
  if (index >= 0 && matrixEligible(page.layers[index])) {
    const b = el('button', 'secondary as-matrix', 'As a matrix');
    b.addEventListener('click', () => openMatrix(index));
    h.appendChild(b);
  }
  return s;
}

export function sectionOf(index: number): HTMLElement | null {
  return document.getElementById(index < 0 ? 'input-section' : `layer-${index}`);
}

export function tensorOf(index: number): Tensor | undefined {
  return index < 0 ? page.inputTensor ?? undefined : page.outputs[index];
}

export function renderInput(): void {
  renderMaps(-1);
}

export function renderLayer(index: number): void {
  renderMaps(index);
}

export function rerenderAll(): void {
  renderMaps(-1);
  page.layers.forEach((l) => page.outputs[l.index] && renderMaps(l.index));
}

export function fmt(v: number): string {
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

export function chartColour(): string {
  if (!lineColour) lineColour = getComputedStyle(document.body).getPropertyValue('--vscode-charts-blue').trim() || '#3b7dd8';
  return lineColour;
}

const themeWatch = new MutationObserver(() => {
  if (!lineColour) return;
  lineColour = '';
  if (page.inputShape?.length === 2) rerenderAll();
});

themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
themeWatch.observe(document.body, { attributes: true, attributeFilter: ['class'] });

export function paintWhenNear(sec: Element, job: () => void): void {
  if (nearView.has(sec)) return job();
  const jobs = pendingPaint.get(sec);
  if (jobs) jobs.push(job);
  else pendingPaint.set(sec, [job]);
}

export function renderMaps(index: number): void {
  const sec = sectionOf(index);
  const t = tensorOf(index);
  if (!sec || !t) return;
  sec.classList.remove('pending');
  sec.classList.add('rendered');
  const s = (index >= 0 && page.layerStats[index]) || stats(t);
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
  const layerScale = state.norm === 'layer' ? Math.max(Math.abs(s.min), Math.abs(s.max), 1e-30) : page.globalMax;
  if (rank === 0) {
    // A [C] vector: one strip, one cell per entry.
    const div = mapDiv(maps, key, -1);
    const cv = div.querySelector('canvas.map-canvas') as HTMLCanvasElement;
    [cv.width, cv.height] = [C, 1];
    const vectorScale = state.norm === 'global' ? page.globalMax : Math.max(Math.abs(s.min), Math.abs(s.max), 1e-30);
    paintWhenNear(sec, () => paintHeatmap(cv, t.data, 0, 1, C, vectorScale));
    sizeCanvas(div, C, 1, Math.min(16, Math.max(0.25, 640 / C)));
    cv.style.height = '16px';
    hookClick(div, index, -1, C, 1);
    (sec.querySelector('.pager') as HTMLElement).hidden = true;
    return;
  }
  const pages = Math.ceil(C / CHANNELS_PER_PAGE);
  const shown = Math.min(state.pages[key] ?? 0, pages - 1);
  const sp = t.shape.slice(1);
  const per = sp.reduce((a, b) => a * b, 1);
  for (let c = shown * CHANNELS_PER_PAGE; c < Math.min(C, (shown + 1) * CHANNELS_PER_PAGE); c++) {
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
    prev.disabled = shown === 0;
    const next = document.createElement('button');
    next.textContent = '›';
    next.disabled = shown >= pages - 1;
    const label = document.createElement('span');
    label.textContent = `channels ${shown * CHANNELS_PER_PAGE}–${Math.min(C, (shown + 1) * CHANNELS_PER_PAGE) - 1} of ${C}`;
    prev.addEventListener('click', () => turn(key, index, shown - 1));
    next.addEventListener('click', () => turn(key, index, shown + 1));
    pager.append(prev, label, next);
  }
  if (page.selection) drawOverlays();
}

export function turn(key: string, index: number, shown: number): void {
  state.pages[key] = shown;
  saveState();
  renderMaps(index);
}

export function mapDiv(parent: HTMLElement, key: string, channel: number): HTMLElement {
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

export function sizeCanvas(div: HTMLElement, W: number, H: number, zoom: number): void {
  const z = Math.max(0.25, Math.min(zoom, 12));
  const cv = div.querySelector('canvas.map-canvas') as HTMLCanvasElement;
  cv.style.width = `${W * z}px`;
  cv.style.height = `${H * z}px`;
  div.dataset.w = String(W);
  div.dataset.h = String(H);
}

export function hookClick(div: HTMLElement, index: number, channel: number, W: number, H: number): void {
  const cv = div.querySelector('canvas.map-canvas') as HTMLCanvasElement;
  cv.addEventListener('click', (e) => {
    const r = cv.getBoundingClientRect();
    const x = Math.min(W - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * W)));
    const y = Math.min(H - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * H)));
    select(index, channel, x, y);
  });
}
