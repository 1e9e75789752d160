// A section's colour legend: the bar of its colour scale and the values at its ends (or, when
// every map is scaled on its own, what the ends mean).
import { colourize } from '../render/heatmap';
import type { Colormap } from '../render/colors';
import { el } from './state';
import { fmt } from './format';
import { paintWhenNear } from './lazyPaint';

const BAR_STEPS = 128;

export function newLegend(): HTMLElement {
  const legend = el('div', 'legend');
  const bar = el('canvas', 'legend-bar');
  [bar.width, bar.height] = [BAR_STEPS, 1];
  legend.append(el('span', 'legend-lo'), bar, el('span', 'legend-hi'), el('span', 'legend-note'));
  return legend;
}

/**
 * Shows the section's scale: viridis over [0, scale] or diverging over [-scale, scale];
 * `scale` null when each map has its own (normalised per map).
 */
export function showLegend(sec: HTMLElement, map: Colormap, scale: number | null, note: string): void {
  const legend = sec.querySelector('.legend') as HTMLElement;
  legend.dataset.colormap = map;
  legend.dataset.scale = scale === null ? 'map' : String(scale);
  const hi = scale === null ? (map === 'viridis' ? 'max' : '+max |v|') : fmt(scale);
  const lo = map === 'viridis' ? '0' : scale === null ? '−max |v|' : fmt(-scale);
  (legend.querySelector('.legend-lo') as HTMLElement).textContent = lo;
  (legend.querySelector('.legend-hi') as HTMLElement).textContent = hi;
  (legend.querySelector('.legend-note') as HTMLElement).textContent = note;
  legend.title = map === 'viridis' ? 'viridis: 0 dark, largest value yellow' : 'diverging: negative blue, 0 grey, positive red';
  const bar = legend.querySelector('canvas.legend-bar') as HTMLCanvasElement;
  paintWhenNear(sec, () => {
    const ctx = bar.getContext('2d')!;
    const img = ctx.createImageData(BAR_STEPS, 1);
    const ramp = Float32Array.from({ length: BAR_STEPS }, (_, i) => (map === 'viridis' ? i / (BAR_STEPS - 1) : (2 * i) / (BAR_STEPS - 1) - 1));
    colourize(ramp, 0, BAR_STEPS, 1, new Uint32Array(img.data.buffer), map);
    ctx.putImageData(img, 0, 0);
  });
}
