// The page's sections, one per layer (and the input): a heading with the shape and statistics,
// a bar with the colour legend and the section's tools, the maps, a pager and the selected
// value. This module lays them out; maps.ts paints them; their buttons report to events.ts.
import type { LayerInfo } from '../workerProtocol';
import { $, el, page } from './state';
import { emit } from './events';
import { unwatchAll, watchSection } from './lazyPaint';
import { newLegend } from './legend';
import { matrixEligible } from './matrix';

/** What a section's header and buttons show of a layer: a re-run may keep the section when this is unchanged. */
const headerOf = (l: LayerInfo): string => JSON.stringify([l.name, l.kind, l.shape, l.inputShapes]);

/** Whether the sections on the page were made for exactly these layers (a re-run may keep them). */
export function sectionsFit(layers: LayerInfo[], previous: LayerInfo[]): boolean {
  return $('layers').children.length === layers.length + 1 && layers.every((l, i) => previous[i] && headerOf(l) === headerOf(previous[i]));
}

/**
 * Lays out the sections of page.layers: with `reuse`, the sections there stay, dimmed until
 * this run's maps replace theirs (rebuilding them cost the page's main thread more than the run
 * itself: resnet50 has ~170 sections and thousands of tiles); otherwise they are made anew,
 * keeping the scroll position.
 */
export function layOutSections(reuse: boolean): void {
  const main = $('layers');
  if (reuse) {
    for (const sec of Array.from(main.children)) sec.classList.add('pending');
    return;
  }
  const scroll = main.scrollTop;
  unwatchAll();
  main.textContent = '';
  const input = page.inputShape;
  main.appendChild(section('input', -1, input ? `[${input.join(', ')}]` : '', 'input'));
  for (const l of page.layers) main.appendChild(section(l.name, l.index, l.shape ? `[${l.shape.join(', ')}]` : '—', l.kind));
  main.scrollTop = scroll;
}

function section(name: string, index: number, shape: string, kind: string): HTMLElement {
  const s = el('section', 'layer pending');
  s.id = index < 0 ? 'input-section' : `layer-${index}`;
  s.dataset.layer = name;
  s.dataset.index = String(index);
  const h = document.createElement('h3');
  h.append(el('span', 'name', name), el('span', 'kind', kind), el('span', 'shape', shape), el('span', 'stats'));
  if (index >= 0) {
    h.title = 'Reveal in the editor';
    h.addEventListener('click', () => emit({ type: 'reveal', layer: name }));
  }
  if (index >= 0 && matrixEligible(page.layers[index])) {
    const b = el('button', 'secondary as-matrix', 'As a matrix');
    b.addEventListener('click', (e) => {
      e.stopPropagation();
      emit({ type: 'openMatrix', index });
    });
    h.appendChild(b);
  }
  const tools = el('span', 'tools');
  const view = el('button', 'secondary view-toggle', 'Mean');
  view.title = 'Show the mean over channels, or each channel';
  view.hidden = true;
  view.addEventListener('click', () => emit({ type: 'toggleView', index, layer: name }));
  const png = el('button', 'secondary save-png', 'PNG');
  png.title = "Save this layer's maps as a PNG image";
  png.addEventListener('click', () => emit({ type: 'savePng', index }));
  tools.append(view, png);
  const bar = el('div', 'section-bar');
  bar.append(newLegend(), tools);
  const pager = el('div', 'pager');
  pager.hidden = true;
  s.append(h, bar, el('div', 'maps'), pager, el('div', 'value'));
  watchSection(s);
  return s;
}

export function sectionOf(index: number): HTMLElement | null {
  return document.getElementById(index < 0 ? 'input-section' : `layer-${index}`);
}
