// One tile of a section: a map (or a 1-D line plot, or a [C] vector as a strip) on a canvas, its
// label, and the window of the map it shows (the impulse's reach, or all of it). Clicking a tile
// selects the position under the pointer and zooms the tile pixel-exactly: each value becomes
// k×k device pixels, k the largest whole number that fits the section's width (a map wider than
// the section is drawn smaller, to fit).
import type { MapWindow } from '../render/heatmap';
import { el, state, type ChannelKey } from './state';
import { emit } from './events';
import { fmt } from './format';

export type TileKind = 'map' | 'line' | 'strip';

/** Where a tile's values are, for the readout under the pointer. */
interface TileSource {
  data: ArrayLike<number>;
  offset: number;
  /** Columns of the full map. */
  W: number;
  /** Repaints the tile (line plots are drawn at their CSS size). */
  repaint: () => void;
}

const sources = new WeakMap<HTMLElement, TileSource>();
/** Each tile's window of its map and the map's full size (kept here, not in DOM attributes: thousands of tiles are made per run). */
const geometry = new WeakMap<HTMLElement, { win: MapWindow; full: { W: number; H: number } }>();
/** The zoomed tile of each section (by layer index). */
const zoomed = new Map<number, ChannelKey>();
const ZOOM_MAX = 64;
const ZOOM_MAX_HEIGHT = 640;

export function newTile(parent: HTMLElement, layerKey: string, index: number, kind: TileKind, win: MapWindow, full: { W: number; H: number }): HTMLElement {
  const tile = el('div', `map ${kind}`);
  tile.dataset.layer = layerKey;
  tile.dataset.kind = kind;
  geometry.set(tile, { win, full });
  const cv = el('canvas', 'map-canvas');
  [cv.width, cv.height] = [win.w, win.h]; // the map's own pixels (a line plot is redrawn at its CSS size)
  tile.append(cv); // the overlay canvas is added when a field is drawn on this map
  if (kind !== 'strip') tile.appendChild(el('span', 'label'));
  parent.appendChild(tile);
  sizeTile(tile);
  hookClick(tile, index);
  return tile;
}

export function windowOf(tile: HTMLElement): MapWindow {
  return geometry.get(tile)!.win;
}

export function setTileChannel(tile: HTMLElement, key: ChannelKey): void {
  tile.dataset.channel = String(key);
  const label = tile.querySelector('.label');
  if (label) label.textContent = key === 'mean' ? 'mean' : key === 'rgb' ? 'RGB' : String(key);
}

export function tileChannel(tile: HTMLElement): ChannelKey | null {
  const c = tile.dataset.channel;
  if (c === undefined) return null;
  return c === 'mean' || c === 'rgb' ? c : Number(c);
}

/** Registers where the tile's values are (called when it is painted) and re-applies its zoom. */
export function tilePainted(tile: HTMLElement, index: number, source: TileSource): void {
  sources.set(tile, source);
  delete tile.dataset.waiting;
  if (zoomed.get(index) === tileChannel(tile)) zoom(tile, index);
  else if (tile.classList.contains('zoomed')) unzoom(tile); // a re-used tile now shows another channel
}

/** Empties a tile whose channel's values are on their way (recompute.ts): no old pixels, no readout. */
export function tileWaiting(tile: HTMLElement): void {
  sources.delete(tile);
  tile.dataset.waiting = '';
  const cv = tile.querySelector('canvas.map-canvas') as HTMLCanvasElement;
  cv.getContext('2d')?.clearRect(0, 0, cv.width, cv.height);
}

/** CSS size of a tile: the longer side of a map is the tile size; zoomed tiles fit the section. */
export function sizeTile(tile: HTMLElement): void {
  if (tile.classList.contains('zoomed')) return;
  const cv = tile.querySelector('canvas.map-canvas') as HTMLCanvasElement;
  const { w, h } = windowOf(tile);
  const T = state.tile;
  switch (tile.dataset.kind) {
    case 'strip': {
      const cell = Math.min(16, Math.max(0.25, (T * 5) / w));
      cv.style.width = `${w * cell}px`;
      cv.style.height = '16px';
      break;
    }
    case 'line':
      cv.style.width = `${2 * T}px`;
      cv.style.height = `${Math.max(32, Math.round(T / 2.5))}px`;
      break;
    default: {
      const z = T / Math.max(w, h);
      cv.style.width = `${w * z}px`;
      cv.style.height = `${h * z}px`;
    }
  }
}

/** Applies the tile size to every tile (a size change needs no repaint of heatmaps). */
export function resizeTiles(): void {
  for (const t of Array.from(document.querySelectorAll<HTMLElement>('.map:not(.zoomed)'))) sizeTile(t);
}

/** Zooms the tile: a whole number of device pixels per value, as wide as the section allows. */
function zoom(tile: HTMLElement, index: number): void {
  const maps = tile.parentElement;
  if (!maps) return;
  for (const other of Array.from(maps.querySelectorAll<HTMLElement>('.map.zoomed'))) if (other !== tile) unzoom(other);
  zoomed.set(index, tileChannel(tile)!);
  tile.classList.add('zoomed');
  const cv = tile.querySelector('canvas.map-canvas') as HTMLCanvasElement;
  const { w, h } = windowOf(tile);
  const dpr = window.devicePixelRatio || 1;
  const avail = Math.max(64, maps.clientWidth - 4);
  let caption = tile.querySelector('.zoom-caption') as HTMLElement | null;
  if (!caption) {
    caption = el('div', 'zoom-caption');
    const text = el('span', 'zoom-text');
    const readout = el('span', 'zoom-readout');
    const close = el('button', 'secondary zoom-close', '×');
    close.title = 'Back to the tile';
    close.addEventListener('click', (e) => {
      e.stopPropagation();
      zoomed.delete(index);
      unzoom(tile);
    });
    caption.append(text, readout, close);
    tile.appendChild(caption);
    cv.addEventListener('mousemove', (e) => showReadout(tile, e));
  }
  let scaleText: string;
  if (tile.dataset.kind === 'line') {
    cv.style.width = `${avail}px`;
    cv.style.height = '160px';
    sources.get(tile)?.repaint();
    scaleText = `${w} samples`;
  } else {
    // Whole device pixels per value when a value gets at least one; a map larger than the panel
    // (a 640×640 YOLO input) is drawn smaller to fit instead of cropped.
    const fit = Math.min((avail * dpr) / w, (ZOOM_MAX_HEIGHT * dpr) / h);
    const k = fit >= 1 ? Math.min(ZOOM_MAX, Math.floor(fit)) : fit;
    cv.style.width = `${(w * k) / dpr}px`;
    cv.style.height = `${(h * k) / dpr}px`;
    tile.dataset.zoom = String(k);
    scaleText = k >= 1 ? `${w}×${h} · 1 value = ${k}×${k} screen pixels` : `${w}×${h} · drawn at ${Math.round(k * 100)}% to fit the panel`;
  }
  const { x0, y0 } = windowOf(tile);
  const { W: fullW, H: fullH } = geometry.get(tile)!.full;
  const cropped = w < fullW || h < fullH ? ` (${h > 1 || fullH > 1 ? `rows ${y0}–${y0 + h - 1}, ` : ''}columns ${x0}–${x0 + w - 1} of ${fullH > 1 ? `${fullH}×` : ''}${fullW})` : '';
  const range = tile.dataset.min !== undefined ? ` · min ${fmt(Number(tile.dataset.min))} · max ${fmt(Number(tile.dataset.max))}` : '';
  (caption.querySelector('.zoom-text') as HTMLElement).textContent = `${tile.querySelector('.label')?.textContent ?? ''}: ${scaleText}${cropped}${range}`;
  if (tile.dataset.kind !== 'line') {
    const overlay = tile.querySelector('canvas.overlay') as HTMLCanvasElement | null;
    if (overlay) [overlay.style.width, overlay.style.height] = [cv.style.width, cv.style.height];
  }
}

function unzoom(tile: HTMLElement): void {
  tile.classList.remove('zoomed');
  delete tile.dataset.zoom;
  tile.querySelector('.zoom-caption')?.remove();
  sizeTile(tile);
  if (tile.dataset.kind === 'line') sources.get(tile)?.repaint();
  const cv = tile.querySelector('canvas.map-canvas') as HTMLCanvasElement;
  const overlay = tile.querySelector('canvas.overlay') as HTMLCanvasElement | null;
  if (overlay) [overlay.style.width, overlay.style.height] = [cv.style.width, cv.style.height];
}

/** Re-fits zoomed tiles when the page's width changes. */
export function refitZoomed(): void {
  for (const tile of Array.from(document.querySelectorAll<HTMLElement>('.map.zoomed'))) {
    const index = Number(tile.closest('section')?.getAttribute('data-index'));
    zoom(tile, index);
  }
}

/** The map position under a pointer event: [x, y] in the full map. */
function positionAt(tile: HTMLElement, e: MouseEvent): [number, number] {
  const cv = tile.querySelector('canvas.map-canvas') as HTMLCanvasElement;
  const r = cv.getBoundingClientRect();
  const { x0, y0, w, h } = windowOf(tile);
  const x = x0 + Math.min(w - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * w)));
  const y = y0 + Math.min(h - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * h)));
  return [x, y];
}

function showReadout(tile: HTMLElement, e: MouseEvent): void {
  const src = sources.get(tile);
  const out = tile.querySelector('.zoom-readout');
  if (!src || !out) return;
  const [x, y] = positionAt(tile, e);
  const v = src.data[src.offset + y * src.W + x];
  if (v === undefined) return; // a re-run has taken the values back
  const where = tile.dataset.kind === 'line' ? `${x}` : `${y}, ${x}`;
  out.textContent = `[${tile.dataset.channel}, ${where}] = ${fmt(v)}`;
}

function hookClick(tile: HTMLElement, index: number): void {
  const cv = tile.querySelector('canvas.map-canvas') as HTMLCanvasElement;
  cv.addEventListener('click', (e) => {
    const channel = tileChannel(tile);
    if (channel === null) return; // not painted yet
    if (tile.closest('section')?.classList.contains('pending')) return; // the last run's map: its values went back to the worker
    const [x, y] = positionAt(tile, e);
    if (tile.dataset.kind !== 'strip' && !tile.classList.contains('zoomed')) zoom(tile, index);
    emit({ type: 'select', index, key: channel, x, y });
  });
}

/** Forgets zoomed tiles of layers that are gone (a different network). */
export function resetZoom(): void {
  zoomed.clear();
}
