// The page's sections, one per layer (and the input): a heading with the shape and statistics,
// a bar with the colour legend, the layer's range and the section's tools, the maps, a pager and
// the selected value. Layers of one YOLO row, Darknet section or block use sit in a group that
// opens and closes (a large network's groups start closed: yolov8n has 220 layers in 23 rows).
// This module lays them out; maps.ts paints them; their controls report to events.ts.
import type { LayerInfo } from '../workerProtocol';
import { $, el, page, state } from './state';
import { emit } from './events';
import { unwatchAll, watchSection } from './lazyPaint';
import { newLegend } from './legend';
import { matrixEligible } from './matrix';

/** What a section's header and buttons show of a layer: a re-run may keep the section when this is unchanged. */
const headerOf = (l: LayerInfo): string => JSON.stringify([l.name, l.kind, l.shape, l.inputShapes, l.group?.name]);

/** Networks with more layers than this show their groups closed until opened. */
const GROUPS_OPEN_UP_TO = 40;

/** Whether the sections on the page were made for exactly these layers (a re-run may keep them). */
export function sectionsFit(layers: LayerInfo[], previous: LayerInfo[]): boolean {
  return $('layers').querySelectorAll('section.layer').length === layers.length + 1 && layers.every((l, i) => previous[i] && headerOf(l) === headerOf(previous[i]));
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
    for (const sec of Array.from(main.querySelectorAll('section.layer'))) sec.classList.add('pending');
    return;
  }
  const scroll = main.scrollTop;
  unwatchAll();
  main.textContent = '';
  const input = page.inputShape;
  main.appendChild(section('input', -1, input ? `[${input.join(', ')}]` : '', 'input'));
  const layers = page.layers;
  const openByDefault = layers.length <= GROUPS_OPEN_UP_TO;
  let group: HTMLElement | null = null;
  layers.forEach((l, i) => {
    const g = l.group;
    if (!g) group = null;
    else if (g.name !== layers[i - 1]?.group?.name) {
      const members = layers.slice(i).findIndex((m) => m.group?.name !== g.name);
      const last = layers[members < 0 ? layers.length - 1 : i + members - 1];
      group = newGroup(g.name, g.kind, (members < 0 ? layers.length - i : members), last, state.groups[g.name] ?? openByDefault);
      main.appendChild(group);
    }
    (group?.lastElementChild ?? main).appendChild(section(l.name, l.index, l.shape ? `[${l.shape.join(', ')}]` : '—', l.kind));
  });
  main.scrollTop = scroll;
}

// A group is a plain element with a heading that opens and closes it (not <details>: Chromium's
// scroll anchoring does not hold a section inside one in place while the sections above it
// are painted and grow, so a click in the strip landed off its section).
function newGroup(name: string, kind: string, count: number, last: LayerInfo, open: boolean): HTMLElement {
  const g = el('div', 'group');
  g.dataset.group = name;
  const summary = el('div', 'group-summary');
  summary.tabIndex = 0;
  summary.setAttribute('role', 'button');
  summary.append(el('span', 'name', name), el('span', 'kind', kind), el('span', 'count', `${count} layers`), el('span', 'shape', last.shape ? `[${last.shape.join(', ')}]` : '—'), el('span', 'range'));
  summary.title = `${name} (${kind}): ${count} layers; its output is ${last.name}`;
  const toggle = (): void => {
    setGroupOpen(g, g.dataset.open !== 'true');
    emit({ type: 'toggleGroup', group: name, open: g.dataset.open === 'true' });
  };
  summary.addEventListener('click', toggle);
  summary.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), toggle()));
  g.append(summary, el('div', 'group-body'));
  setGroupOpen(g, open);
  return g;
}

function setGroupOpen(g: HTMLElement, open: boolean): void {
  g.dataset.open = String(open);
  g.firstElementChild!.setAttribute('aria-expanded', String(open));
  (g.lastElementChild as HTMLElement).hidden = !open;
}

/** The group a section sits in (null for a layer that stands alone). */
export function groupOf(sec: Element): HTMLElement | null {
  const g = sec.parentElement?.parentElement;
  return g && g.classList.contains('group') ? g : null;
}

/** A layer's section (-1: the input), its group opened so that it shows. */
export function revealSection(index: number): HTMLElement | null {
  const sec = sectionOf(index);
  const g = sec && groupOf(sec);
  if (g && g.dataset.open !== 'true') {
    setGroupOpen(g, true);
    emit({ type: 'toggleGroup', group: g.dataset.group!, open: true });
  }
  return sec;
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
  bar.append(newLegend(), el('span', 'range'), tools);
  const pager = el('div', 'pager');
  pager.hidden = true;
  s.append(h, bar, el('div', 'maps'), pager, el('div', 'value'));
  watchSection(s);
  return s;
}

export function sectionOf(index: number): HTMLElement | null {
  return document.getElementById(index < 0 ? 'input-section' : `layer-${index}`);
}

/**
 * Scrolls a section to the top of the maps and holds it there while the sections above it are
 * painted and take their real heights (they are laid out at an estimate until near the view;
 * Chromium's scroll anchoring does not hold a section that follows a group in place). The hold
 * ends when the section has stayed put for a few frames, or when the user scrolls.
 */
export function scrollToSection(sec: HTMLElement): void {
  const main = $('layers');
  sec.scrollIntoView({ block: 'start' });
  const want = sec.getBoundingClientRect().top;
  let still = 0;
  let frames = 0;
  let userScrolled = false;
  const stop = (): void => {
    userScrolled = true;
  };
  main.addEventListener('wheel', stop, { once: true, passive: true });
  main.addEventListener('keydown', stop, { once: true });
  const hold = (): void => {
    if (userScrolled || !sec.isConnected) return;
    const moved = sec.getBoundingClientRect().top - want;
    if (Math.abs(moved) >= 1) {
      main.scrollTop += moved;
      still = 0;
    } else still++;
    if (still < 3 && ++frames < 60) requestAnimationFrame(hold);
    else {
      main.removeEventListener('wheel', stop);
      main.removeEventListener('keydown', stop);
    }
  };
  requestAnimationFrame(hold);
}
