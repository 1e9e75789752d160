// Selection: the value at a clicked position and its receptive field, outlined on the input
// (the engine's field) and on every earlier map (back-projected); holes stay empty. This paints
// the selection in page.selection; the controller sets it.
import type { IntervalSet } from '../../../engine/types';
import { backProject, inputField, masksToIntervals, type AxisMasks } from '../render/field';
import { page, type ChannelKey } from './state';
import { fmt } from './format';
import { sectionOf } from './sections';
import { tileChannel, windowOf } from './tiles';
import { slotOf, wholeOutputs } from './recompute';
import { meanOf, sliceOf, spatialOf, tensorOf } from './data';

/** The selection of a click at (x, y) on a tile of a layer (the current slice for 3-D): a channel's map, the mean over channels, the input's colour tile, or (channel -1) entry x of a [C] vector. */
export function selectionAt(index: number, key: ChannelKey, x: number, y: number): NonNullable<typeof page.selection> {
  const sp = spatialOf(index);
  let pos: number[];
  if (key === -1) pos = [];
  else if (sp.length === 1) pos = [x];
  else if (sp.length === 2) pos = [y, x];
  else pos = [sliceOf(sp[0]), y, x];
  const channel = key === -1 ? x : typeof key === 'number' ? key : 0;
  return { index, pos, channel, key };
}

export function showSelection(): void {
  if (!page.selection) return;
  const { index, pos, channel, key } = page.selection;
  const t = tensorOf(index);
  const sec = sectionOf(index);
  if (!sec) return;
  for (const v of Array.from(document.querySelectorAll('.value'))) v.textContent = '';
  for (const s of Array.from(document.querySelectorAll('section.layer'))) {
    delete (s as HTMLElement).dataset.field;
    delete (s as HTMLElement).dataset.fieldEngine;
  }
  const sp = spatialOf(index);
  const per = sp.reduce((a, b) => a * b, 1);
  const at = pos.reduce((k, p, a) => k * sp[a] + p, 0);
  let value = NaN;
  // A channel the page does not hold (the section shows another page of them): its value is computed again.
  let missing = false;
  if (t && key === 'mean') value = meanOf(index)![at];
  else if (t && !pos.length) value = t.data[channel];
  else if (t && slotOf(t, channel) >= 0) value = t.data[slotOf(t, channel) * per + at];
  else missing = !!t;
  const where = `[${key === 'mean' ? 'mean' : channel}${pos.length ? `, ${pos.join(', ')}` : ''}]`;
  let fieldText = '';
  if (index >= 0 && page.inputShape) {
    const f = inputField(page.layers[index], pos, page.inputShape.slice(1));
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
  const showValue = (v: number): void => {
    vEl.textContent = `${sec.dataset.layer}${where} = ${fmt(v)}${fieldText}`;
    sec.dataset.selected = JSON.stringify({ channel: key === 'mean' ? 'mean' : channel, pos, value: v });
  };
  if (missing) {
    const selection = page.selection;
    vEl.textContent = `${sec.dataset.layer}${where} = …${fieldText}`;
    void wholeOutputs([index]).then(([whole]) => page.selection === selection && showValue(whole.data[channel * per + at]));
  } else showValue(value);
  drawOverlays();
}

/** What the selection reaches, per earlier section, worked out once per selection. */
let reach: { selection: typeof page.selection; masks: Map<number, AxisMasks> } | null = null;

function masksOfSelection(): Map<number, AxisMasks> | null {
  if (!page.selection || !page.inputShape) return null;
  if (reach?.selection !== page.selection) {
    const { index, pos } = page.selection;
    reach = { selection: page.selection, masks: backProject(page.layers, page.inputShape, index, pos) };
  }
  return reach.masks;
}

/** Fills the field's cells on the input (the engine's field) and on every earlier map; holes stay empty. */
export function drawOverlays(): void {
  for (const ov of Array.from(document.querySelectorAll('canvas.overlay'))) ov.remove();
  const masks = masksOfSelection();
  if (!masks) return;
  for (const i of masks.keys()) overlaySection(i);
  overlaySection(page.selection!.index);
}

/** Draws the selection's overlay on one section (after its tiles are painted). */
export function overlaySection(i: number): void {
  const masks = masksOfSelection();
  const sel = page.selection;
  const sec = sectionOf(i);
  if (!masks || !sel || !sec) return;
  if (i === sel.index) {
    if (sel.pos.length) paintField(sec, sel.pos.map((p) => [[p, p]]), 'rgba(0, 200, 0, 0.9)', sel.key);
    return;
  }
  const m = masks.get(i);
  if (!m) return;
  let intervals: IntervalSet[] | 'global' = masksToIntervals(m);
  if (i < 0) {
    // The input: the engine's field, clipped to the input (equals the back-projection away from borders).
    const f = sel.index >= 0 ? inputField(page.layers[sel.index], sel.pos, page.inputShape!.slice(1)) : null;
    if (f) intervals = f;
  } else sec.dataset.field = JSON.stringify(intervals);
  paintField(sec, intervals, 'rgba(255, 196, 0, 0.55)');
}

export function paintField(sec: HTMLElement, f: IntervalSet[] | 'global', colour: string, onlyTile?: ChannelKey): void {
  for (const div of Array.from(sec.querySelectorAll<HTMLElement>('.map'))) {
    const key = tileChannel(div);
    if (key === null || (onlyTile !== undefined && key !== onlyTile)) continue;
    const { x0, y0, w: W, h: H } = windowOf(div);
    let ov = div.querySelector('canvas.overlay') as HTMLCanvasElement | null;
    if (!ov) {
      ov = document.createElement('canvas');
      ov.className = 'overlay';
      div.querySelector('canvas.map-canvas')!.after(ov);
    }
    const cv = div.querySelector('canvas.map-canvas') as HTMLCanvasElement;
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
      const dd = sliceOf(spatialOf(Number(sec.dataset.index))[0]);
      if (!f[0].some(([a, b]) => dd >= a && dd <= b)) continue;
    }
    const oy = rank === 1 ? 0 : y0;
    for (const [ya, yb] of ys) {
      for (const [xa, xb] of xs) {
        // In window coordinates, clipped to the window.
        const xl = Math.max(xa - x0, 0);
        const xr = Math.min(xb - x0, W - 1);
        const yl = Math.max(ya - oy, 0);
        const yr = Math.min(yb - oy, H - 1);
        if (xl > xr || yl > yr) continue;
        if (rank === 1) ctx.fillRect(xl * sx, 0, (xr - xl + 1) * sx, ov.height);
        else ctx.fillRect(xl * sx, yl * sy, (xr - xl + 1) * sx, (yr - yl + 1) * sy);
      }
    }
  }
}
