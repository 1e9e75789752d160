// Paints a section's maps: its statistics, its legend, and the maps of one page of channels (the
// most active first, or by index) or their mean, when the section comes near the view. The
// sections and tiles are laid out by sections.ts and tiles.ts; this only fills them.
import { centreOf } from '../../../kernels/runtime/samples';
import { paintHeatmap, paintLine, paintRgb, type MapWindow } from '../render/heatmap';
import type { Colormap } from '../render/colors';
import { CHANNELS_PER_PAGE, rangeOf } from '../render/channels';
import { reachOf } from '../render/field';
import { el, page, state } from './state';
import { emit } from './events';
import { fmt } from './format';
import { cancelPaint, paintWhenNear } from './lazyPaint';
import { showLegend } from './legend';
import { newTile, setTileChannel, tilePainted, tileWaiting } from './tiles';
import { overlaySection } from './selection';
import { groupOf, sectionOf } from './sections';
import { askChannels, slotOf, whenChannelsArrive } from './recompute';
import { channelOrderOf, channelsOf, colormapOf, fixedScaleOf, maxAbsOf, meanOf, sliceOf, statsOf, tensorOf } from './data';
import type { Stats } from '../../../kernels';

whenChannelsArrive((index) => renderMaps(index));

export function rerenderAll(): void {
  renderMaps(-1);
  page.layers.forEach((l) => page.outputs[l.index] && renderMaps(l.index));
}

// The line plots' colour comes from the theme. Reading it forces a style recalculation (costly
// with a layer arriving every few ms), so it is read once per run, and again after VS Code
// changes the theme (it rewrites the <html> style and the <body> class).
let lineColour = '';

/** Reads the theme's line colour again at its next use (a new run). */
export function forgetLineColour(): void {
  lineColour = '';
}

function chartColour(): string {
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

/** Margin around the impulse's reach: some of the unreached map shows, for context. */
function widen([lo, hi]: [number, number], n: number): [number, number] {
  const m = Math.max(2, Math.round(0.15 * (hi - lo + 1)));
  return [Math.max(0, lo - m), Math.min(n - 1, hi + m)];
}

/**
 * The part of a section's maps to show: all of it, or with the impulse as input, the bounding
 * box of the positions its field reaches (from the engine's receptive field), and a margin.
 */
function mapWindow(index: number, sp: number[]): MapWindow {
  const rank = sp.length;
  const W = sp[rank - 1];
  const H = rank === 1 ? 1 : sp[rank - 2];
  const full = { x0: 0, y0: 0, w: W, h: H };
  const inSp = page.inputShape?.slice(1);
  if (page.runSample !== 'impulse' || !inSp || inSp.length !== rank) return full;
  const at = centreOf(inSp);
  const reach = index < 0 ? at.map((c): [number, number] => [c, c]) : reachOf(page.layers[index], at, sp);
  if (!reach) return full;
  const [x0, x1] = widen(reach[rank - 1], W);
  if (rank === 1) return { x0, y0: 0, w: x1 - x0 + 1, h: 1 };
  const [y0, y1] = widen(reach[rank - 2], H);
  return { x0, y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

function normNote(map: Colormap, win: MapWindow, full: { W: number; H: number }): string {
  const scale = state.norm === 'map' ? (map === 'viridis' ? 'each map from 0 to its own max' : 'each map to its own max |value|') : state.norm === 'global' ? 'one scale for all layers' : 'one scale for the layer';
  if (win.w === full.W && win.h === full.H) return scale;
  const rows = full.H > 1 ? `rows ${win.y0}–${win.y0 + win.h - 1}, ` : '';
  return `${scale} · the impulse's reach: ${rows}columns ${win.x0}–${win.x0 + win.w - 1}`;
}

/** Beyond this factor from the input's largest |value| (either way), a layer's range says so. */
const FAR_FROM_INPUT = 100;

/**
 * The layer's range beside its maps (each map may be scaled to its own max: this says what the
 * values are), and how far its scale is from the input's when that is far (a random deep
 * network's head at 1e-9 of its input). The last layer of a group gives the group's range.
 */
function showRange(sec: HTMLElement, index: number, s: Stats): void {
  const input = index >= 0 && page.inputTensor ? maxAbsOf(statsOf(-1)) : 0;
  const ratio = input > 0 ? maxAbsOf(s) / input : 1;
  const far = ratio < 1 / FAR_FROM_INPUT || ratio > FAR_FROM_INPUT;
  const text = `range ${fmt(s.min)} … ${fmt(s.max)}${far ? ` · ${ratio.toExponential(0)} × the input's scale` : ''}`;
  const group = groupOf(sec);
  const targets = [sec.querySelector('.section-bar .range') as HTMLElement];
  if (group && sec.parentElement!.lastElementChild === sec) targets.push(group.querySelector('.group-summary .range') as HTMLElement);
  for (const r of targets) {
    r.textContent = text;
    r.title = `The values of ${sec.dataset.layer}'s output lie in [${s.min}, ${s.max}]`;
    r.dataset.min = String(s.min);
    r.dataset.max = String(s.max);
    r.classList.toggle('far', far);
  }
}

export function renderMaps(index: number): void {
  const sec = sectionOf(index);
  const t = tensorOf(index);
  if (!sec || !t) return;
  sec.classList.remove('pending');
  sec.classList.add('rendered');
  const s = statsOf(index);
  (sec.querySelector('.stats') as HTMLElement).textContent = `min ${fmt(s.min)} · max ${fmt(s.max)} · mean ${fmt(s.mean)}`;
  sec.dataset.min = String(s.min);
  sec.dataset.max = String(s.max);
  sec.dataset.mean = String(s.mean);
  showRange(sec, index, s);
  const map = colormapOf(s);
  const maps = sec.querySelector('.maps') as HTMLElement;
  cancelPaint(sec); // a newer rendering of this section replaces queued paints
  const key = sec.dataset.layer!;
  const rank = t.shape.length - 1;
  const { C, per } = channelsOf(t);
  const pager = sec.querySelector('.pager') as HTMLElement;
  pager.hidden = true;
  pager.textContent = '';
  const viewButton = sec.querySelector('.view-toggle') as HTMLButtonElement;
  viewButton.hidden = rank === 0 || C === 1;
  const fixed = fixedScaleOf(s);
  if (rank === 0) {
    // A [C] vector: one strip, one cell per entry.
    showLegend(sec, map, fixed, state.norm === 'global' ? 'one scale for all layers' : '');
    const win = { x0: 0, y0: 0, w: C, h: 1 };
    const [tile] = tilesOf(maps, `strip ${C}`, 1, () => newTile(maps, key, index, 'strip', win, { W: C, H: 1 }));
    setTileChannel(tile, -1);
    paintWhenNear(sec, () => {
      paintHeatmap(tile.querySelector('canvas.map-canvas') as HTMLCanvasElement, t.data, 0, C, win, fixed, map);
      if (page.selection) overlaySection(index);
    });
    return;
  }
  const sp = t.shape.slice(1);
  const W = sp[rank - 1];
  const H = rank === 1 ? 1 : sp[rank - 2];
  const slice = rank === 3 ? sliceOf(sp[0]) * H * W : 0; // offset of the shown slice within a channel
  const full = { W, H };
  const win = mapWindow(index, sp);
  const kind = rank === 1 ? 'line' : 'map';
  const scale = state.norm === 'map' ? null : fixed;
  showLegend(sec, map, scale, normNote(map, win, full));
  sec.dataset.window = JSON.stringify(win);
  const view = C > 1 && state.views[key] === 'mean' ? 'mean' : 'channels';
  viewButton.textContent = view === 'mean' ? 'Channels' : 'Mean';
  viewButton.setAttribute('aria-pressed', String(view === 'mean'));
  const paintTile = (tile: HTMLElement, data: ArrayLike<number>, offset: number): void => {
    const cv = tile.querySelector('canvas.map-canvas') as HTMLCanvasElement;
    const r = rangeOf(data, offset, offset + H * W);
    tile.dataset.min = String(r.min);
    tile.dataset.max = String(r.max);
    tile.title = `${tile.querySelector('.label')?.textContent}: min ${fmt(r.min)} · max ${fmt(r.max)}`;
    const k = scale ?? Math.max(Math.abs(r.min), Math.abs(r.max), 1e-30);
    const repaint = kind === 'line'
      ? () => paintLine(cv, data, offset, win.x0, win.w, k, parseFloat(cv.style.width), parseFloat(cv.style.height), chartColour(), map === 'diverging')
      : () => paintHeatmap(cv, data, offset, W, win, k, map);
    repaint();
    tilePainted(tile, index, { data, offset, W, repaint });
  };
  const layout = `${kind} ${JSON.stringify(win)} ${W}×${H}`;
  if (view === 'mean') {
    const [tile] = tilesOf(maps, `mean ${layout}`, 1, () => newTile(maps, key, index, kind, win, full));
    setTileChannel(tile, 'mean');
    paintWhenNear(sec, () => {
      paintTile(tile, meanOf(index)!, slice);
      if (page.selection) overlaySection(index);
    });
    return;
  }
  const pages = Math.ceil(C / CHANNELS_PER_PAGE);
  const shown = Math.min(state.pages[key] ?? 0, pages - 1);
  const first = shown * CHANNELS_PER_PAGE;
  const count = Math.min(CHANNELS_PER_PAGE, C - first);
  // The input's three channels also as one colour image (what the picture looks like).
  const withRgb = index < 0 && C === 3 && rank >= 2 && shown === 0;
  const made = tilesOf(maps, `channels ${withRgb} ${count} ${layout}`, count + Number(withRgb), () => newTile(maps, key, index, kind, win, full));
  const rgb = withRgb ? made[0] : null;
  if (rgb) setTileChannel(rgb, 'rgb');
  const tiles = withRgb ? made.slice(1) : made;
  paintWhenNear(sec, () => {
    if (rgb) {
      const cv = rgb.querySelector('canvas.map-canvas') as HTMLCanvasElement;
      paintRgb(cv, t.data, [slice, per + slice, 2 * per + slice], W, win, s.min, s.max);
      tilePainted(rgb, index, { data: t.data, offset: slice, W, repaint: () => undefined });
    }
    const order = channelOrderOf(index);
    const missing: number[] = [];
    tiles.forEach((tile, i) => {
      const c = order[first + i];
      setTileChannel(tile, c);
      const at = slotOf(t, c);
      if (at >= 0) paintTile(tile, t.data, at * per + slice);
      else {
        tileWaiting(tile);
        missing.push(c);
      }
    });
    // Channels the page does not hold (another page of them, another order): the worker computes
    // them again and the section is painted when they come.
    if (missing.length) askChannels(index, order.slice(first, first + count));
    if (page.selection) overlaySection(index);
  });
  if (pages > 1) {
    pager.hidden = false;
    const prev = el('button', '', '‹');
    prev.disabled = shown === 0;
    const next = el('button', '', '›');
    next.disabled = shown >= pages - 1;
    const label = el('span', '', state.order === 'index' ? `channels ${first}–${first + count - 1} of ${C}` : `${first + 1}–${first + count} of ${C} channels, most active first`);
    prev.addEventListener('click', () => emit({ type: 'turnPage', index, layer: key, shown: shown - 1 }));
    next.addEventListener('click', () => emit({ type: 'turnPage', index, layer: key, shown: shown + 1 }));
    pager.append(prev, label, next);
  }
}

/**
 * The section's tiles for a layout: the ones it has when they were made for the same layout (a
 * re-run repaints them), otherwise `n` new ones. Old field overlays go: the selection's are redrawn.
 */
function tilesOf(maps: HTMLElement, layout: string, n: number, make: () => HTMLElement): HTMLElement[] {
  if (maps.dataset.layout === layout && maps.children.length === n) {
    for (const overlay of Array.from(maps.querySelectorAll('canvas.overlay'))) overlay.remove();
    return Array.from(maps.children) as HTMLElement[];
  }
  maps.textContent = '';
  maps.dataset.layout = layout;
  return Array.from({ length: n }, make);
}
