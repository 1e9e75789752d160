// Selection: the value at a clicked position and its receptive field, outlined on the input
// (the engine's field) and on every earlier map (back-projected); holes stay empty.
import type { IntervalSet } from '../../../engine/types';
import { backProject, inputField, masksToIntervals } from '../render/field';
import { page, state } from './state';
import { fmt, sectionOf, tensorOf } from './sections';

export function spatialOf(index: number): number[] {
  const shape = index < 0 ? page.inputShape ?? [] : page.layers[index].shape ?? [];
  return shape.slice(1);
}

/** Selects output position (channel, x, y) of a layer's map (the current slice for 3-D). */
export function select(index: number, channel: number, x: number, y: number): void {
  const sp = spatialOf(index);
  let pos: number[];
  if (channel < 0) pos = [];
  else if (sp.length === 1) pos = [x];
  else if (sp.length === 2) pos = [y, x];
  else pos = [Math.min(sp[0] - 1, Math.round(state.slice * (sp[0] - 1))), y, x];
  page.selection = { index, pos, channel: channel < 0 ? x : channel };
  showSelection();
}

export function showSelection(): void {
  if (!page.selection) return;
  const { index, pos, channel } = page.selection;
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
  vEl.textContent = `${sec.dataset.layer}${where} = ${fmt(value)}${fieldText}`;
  sec.dataset.selected = JSON.stringify({ channel, pos, value });
  drawOverlays();
}

/** Fills the field's cells on the input (the engine's field) and on every earlier map; holes stay empty. */
export function drawOverlays(): void {
  for (const ov of Array.from(document.querySelectorAll('canvas.overlay'))) ov.remove();
  if (!page.selection || !page.inputShape) return;
  const { index, pos, channel } = page.selection;
  const masks = backProject(page.layers, page.inputShape, index, pos);
  for (const [i, m] of masks) {
    if (i === index) continue;
    const sec = sectionOf(i);
    if (!sec) continue;
    let intervals: IntervalSet[] | 'global' = masksToIntervals(m);
    if (i < 0) {
      // The input: the engine's field, clipped to the input (equals the back-projection away from borders).
      const f = index >= 0 ? inputField(page.layers[index], pos, page.inputShape.slice(1)) : null;
      if (f) intervals = f;
    } else sec.dataset.field = JSON.stringify(intervals);
    paintField(sec, intervals, 'rgba(255, 196, 0, 0.55)');
  }
  const own = sectionOf(index);
  if (own && pos.length) {
    paintField(own, pos.map((p) => [[p, p]]), 'rgba(0, 200, 0, 0.9)', channel);
  }
}

export function paintField(sec: HTMLElement, f: IntervalSet[] | 'global', colour: string, onlyChannel?: number): void {
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
