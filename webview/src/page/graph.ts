// The network as a strip beside the maps: one row per layer (the input first) and a mini graph
// in SVG (edges from each layer's `from`, branches in lanes side by side, see graphLayout.ts).
// A group of layers (a YOLO row, a block use) gets a heading row, and its layers are labelled by
// their names inside it, shortened to fit without two reading the same (groups.ts).
// The current layer (under the editor's cursor, or the last clicked) is highlighted, the layers
// whose sections are in view are marked, and the strip scrolls to keep them in its own view.
// Clicking a row reports it (events.ts): the maps scroll to its section.
import { layoutGraph } from '../render/graphLayout';
import { nameInGroup, shortLabels } from '../render/groups';
import { $, el, page, state } from './state';
import { emit } from './events';
import { revealSection, sectionOf } from './sections';

const ROW = 18; // CSS pixels per row
const MAX_LANES_WIDTH = 56;
const SVG_NS = 'http://www.w3.org/2000/svg';

/** The network the strip shows (names, kinds and edges), to rebuild it only when that changes. */
let builtFor = '';

/** The vertical slot of each row (group headings take slots of their own). */
let slotOfRow: number[] = [];

/** Rows whose sections are in view (row = layer index + 1; the input is row 0). */
const inView = new Set<number>();
let followScheduled = false;

const viewWatch = new IntersectionObserver(
  (entries) => {
    for (const e of entries) {
      const row = Number((e.target as HTMLElement).dataset.index) + 1;
      if (e.isIntersecting) inView.add(row);
      else inView.delete(row);
      rowEl(row)?.classList.toggle('in-view', e.isIntersecting);
    }
    if (!followScheduled) {
      followScheduled = true;
      requestAnimationFrame(followView);
    }
  },
  { root: $('layers') },
);

function rowEl(row: number): HTMLElement | null {
  return document.getElementById(`graph-row-${row}`);
}

/** Keeps the first row in view visible in the strip. */
function followView(): void {
  followScheduled = false;
  if (!inView.size) return;
  revealRow(Math.min(...inView));
}

function revealRow(row: number): void {
  const nav = $('graph');
  const top = (slotOfRow[row] ?? row) * ROW;
  if (top < nav.scrollTop || top + ROW > nav.scrollTop + nav.clientHeight) nav.scrollTop = Math.max(0, top - 2 * ROW);
}

function kindClass(kind: string): string {
  if (kind === 'input') return 'k-input';
  if (/conv|depthwise|separable/.test(kind)) return 'k-conv';
  if (/pool/.test(kind)) return 'k-pool';
  if (kind === 'add' || kind === 'mul' || kind === 'concat') return 'k-merge';
  if (kind === 'linear') return 'k-linear';
  return 'k-other';
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** Builds the strip for the current layers (when they changed) and watches the new sections. */
export function buildGraph(): void {
  document.body.classList.toggle('no-graph', !state.graph);
  viewWatch.disconnect();
  inView.clear();
  const layers = page.layers;
  const key = JSON.stringify(layers.map((l) => [l.name, l.kind, l.from]));
  if (key !== builtFor) {
    builtFor = key;
    drawGraph();
  }
  for (const r of Array.from(document.querySelectorAll('.graph-row.in-view'))) r.classList.remove('in-view');
  for (const s of Array.from(document.querySelectorAll('section.layer'))) viewWatch.observe(s);
}

function drawGraph(): void {
  const inner = $('graph-inner');
  inner.textContent = '';
  const layers = page.layers;
  const rowOf = new Map<string, number>([['input', 0]]);
  layers.forEach((l, i) => rowOf.set(l.name, i + 1));
  const sources = [[], ...layers.map((l) => l.from.map((n) => rowOf.get(n) ?? -1).filter((r) => r >= 0))];
  const { lanes, edges, width } = layoutGraph(sources);
  const laneW = Math.min(10, MAX_LANES_WIDTH / width);
  const svgW = Math.ceil(8 + (width - 1) * laneW + 6);
  // Slots: a group's heading takes one above its first layer.
  const headings: Array<{ slot: number; row: number }> = [];
  let slot = 0;
  slotOfRow = sources.map((_, r) => {
    const g = r > 0 ? layers[r - 1].group : null;
    if (g && g.name !== layers[r - 2]?.group?.name) headings.push({ slot: slot++, row: r });
    return slot++;
  });
  const x = (lane: number): number => 6 + lane * laneW;
  const y = (row: number): number => slotOfRow[row] * ROW + ROW / 2;
  const height = slot * ROW;
  inner.style.height = `${height}px`;
  inner.style.setProperty('--lanes-width', `${svgW}px`);
  const g = svg('svg', { class: 'graph-edges', width: svgW, height, 'aria-hidden': 'true' });
  for (const e of edges) {
    const [xs, xe, xd] = [x(lanes[e.from]), x(e.lane), x(lanes[e.to])];
    const [ys, yd] = [y(e.from), y(e.to)];
    let d: string;
    if (e.to - e.from === 1) d = `M${xs},${ys} C${xs},${(ys + yd) / 2} ${xd},${(ys + yd) / 2} ${xd},${yd}`;
    else {
      d = `M${xs},${ys}`;
      d += xe !== xs ? ` C${xs},${ys + ROW / 2} ${xe},${ys + ROW / 2} ${xe},${ys + ROW}` : ` L${xs},${ys + ROW}`;
      d += ` L${xe},${yd - ROW}`;
      d += xd !== xe ? ` C${xe},${yd - ROW / 2} ${xd},${yd - ROW / 2} ${xd},${yd}` : ` L${xd},${yd}`;
    }
    g.appendChild(svg('path', { d, class: 'edge', 'data-from': e.from, 'data-to': e.to }));
  }
  const rows: HTMLElement[] = [];
  sources.forEach((_, r) => {
    const l = r === 0 ? null : layers[r - 1];
    const kind = l ? l.kind : 'input';
    const cls = kindClass(kind);
    g.appendChild(svg('circle', { cx: x(lanes[r]), cy: y(r), r: cls === 'k-other' ? 2.5 : 4, class: `node ${cls}`, 'data-row': r }));
    const row = el('div', `graph-row ${cls}${l?.group ? ' in-group' : ''}`);
    row.id = `graph-row-${r}`;
    row.dataset.row = String(r);
    row.dataset.lane = String(lanes[r]);
    row.dataset.layer = l ? l.name : 'input';
    row.style.top = `${slotOfRow[r] * ROW}px`;
    row.title = l ? `${l.name} · ${l.kind} · ${l.shape ? `[${l.shape.join(', ')}]` : 'not computed'}` : `input · [${page.inputShape?.join(', ') ?? ''}]`;
    row.append(el('span', 'graph-name', l ? nameInGroup(l.name, l.group?.name ?? null) : 'input'));
    row.tabIndex = 0;
    const go = (): void => emit({ type: 'goTo', index: r - 1 });
    row.addEventListener('click', go);
    row.addEventListener('keydown', (e) => e.key === 'Enter' && go());
    rows.push(row);
  });
  for (const h of headings) {
    const grp = layers[h.row - 1].group!;
    const head = el('div', 'graph-group');
    head.dataset.group = grp.name;
    head.style.top = `${h.slot * ROW}px`;
    head.title = `${grp.name} · ${grp.kind}`;
    head.append(el('span', 'graph-name', `${grp.name} ${grp.kind}`));
    head.addEventListener('click', () => emit({ type: 'goTo', index: h.row - 1 }));
    rows.push(head);
  }
  inner.append(g, ...rows);
  fitLabels(rows);
}

/**
 * Shortens the labels that do not fit their row (measured in the row's font), each group's
 * together so that no two of them read the same; the full name stays in the row's tooltip.
 */
function fitLabels(rows: HTMLElement[]): void {
  const byGroup = new Map<string, HTMLElement[]>();
  for (const r of rows) {
    const key = r.classList.contains('in-group') ? page.layers[Number(r.dataset.row) - 1].group!.name : '';
    byGroup.set(key, [...(byGroup.get(key) ?? []), r]);
  }
  const first = rows[0]?.querySelector('.graph-name') as HTMLElement | undefined;
  if (!first) return;
  const ctx = document.createElement('canvas').getContext('2d')!;
  const font = getComputedStyle(first);
  ctx.font = `bold ${font.fontSize} ${font.fontFamily}`; // the current row is bold
  for (const members of byGroup.values()) {
    const spans = members.map((r) => r.querySelector('.graph-name') as HTMLElement);
    const names = spans.map((s) => s.textContent ?? '');
    const style = getComputedStyle(members[0]);
    const room = members[0].clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (!(room > 0) || names.every((n) => ctx.measureText(n).width <= room)) continue;
    let max = Math.max(...names.map((n) => n.length));
    let labels = names;
    while (max > 4 && labels.some((n) => ctx.measureText(n).width > room)) labels = shortLabels(names, --max);
    spans.forEach((s, i) => (s.textContent = labels[i]));
  }
}

/** Makes a layer the current one (highlighted in the strip and the sections); `scroll` brings its section into view. */
export function setCurrent(name: string | null, scroll: boolean): void {
  page.currentLayer = name;
  highlightCurrent(scroll);
}

export function highlightCurrent(scroll: boolean): void {
  for (const s of Array.from(document.querySelectorAll('section.layer.current, .graph-row.current'))) s.classList.remove('current');
  if (!page.currentLayer) return;
  const l = page.layers.find((x) => x.name === page.currentLayer);
  if (!l) return;
  const sec = scroll ? revealSection(l.index) : sectionOf(l.index);
  const row = rowEl(l.index + 1);
  sec?.classList.add('current');
  row?.classList.add('current');
  if (scroll) sec?.scrollIntoView({ block: 'nearest' });
  revealRow(l.index + 1);
}

/** Shows or hides the strip. */
export function showGraph(on: boolean): void {
  document.body.classList.toggle('no-graph', !on);
}
