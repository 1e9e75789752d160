// The network as a table (issue 22's node table, for every format): per layer its kind, output
// shape, parameters, MACs and receptive field (size, jump, start), grouped like the sections,
// the totals, and the analysis's findings above. A click on a row shows the layer's arithmetic
// (what the editor's hover shows) and its arguments beside the table.
import type { LayerInfo } from '../workerProtocol';
import { formatRational } from '../../../engine/analyse/rational';
import type { ReceptiveField } from '../../../engine/types';
import { $, el, page } from './state';
import { emit } from './events';
import { fmt } from './format';
import { formatAttribute } from '../../../engine/readers/onnx/attributes';

const HEAD = ['Layer', 'Kind', 'Output', 'Params', 'MACs', 'RF size', 'Jump', 'Start'];

/** Receptive-field columns: size, jump and start per axis (`11×11`, `4×4`, `-3×-3`), or global. */
function fieldCells(rf: unknown): [string, string, string] {
  const f = rf as ReceptiveField | undefined;
  if (!f) return ['—', '—', '—'];
  if (f.kind === 'global') return ['global', '—', '—'];
  const s = f.summary;
  return [s.size.join('×'), s.jump.map(formatRational).join('×'), s.start.join('×')];
}

// One formatter for every cell: toLocaleString builds one per call (resnet50's table: ~400 of them).
const COUNT = new Intl.NumberFormat('en-US');
const count = (n: number): string => COUNT.format(n);

function row(cells: string[], className: string): HTMLTableRowElement {
  const tr = el('tr', className);
  cells.forEach((c, i) => tr.appendChild(el('td', i === 1 ? 'kind' : i === 0 ? 'name' : 'num', c)));
  return tr;
}

function layerRow(l: LayerInfo): HTMLTableRowElement {
  const tr = row([l.group && l.name.startsWith(`${l.group.name}.`) ? l.name.slice(l.group.name.length + 1) : l.name, l.kind, l.shape ? l.shape.join('×') : '—', count(l.params), count(l.macs), ...fieldCells(l.rf)], `layer-row${l.group ? ' in-group' : ''}`);
  tr.dataset.layer = l.name;
  tr.title = l.name;
  tr.addEventListener('click', () => emit({ type: 'showLayer', index: l.index }));
  return tr;
}

/** Lays out the table of page.layers, its totals and the findings. */
export function buildTable(): void {
  const table = $('net-table');
  table.textContent = '';
  const head = el('tr', 'head');
  for (const h of HEAD) head.appendChild(el('th', '', h));
  table.appendChild(head);
  const input = page.inputShape;
  table.appendChild(row(['input', 'input', input ? input.join('×') : '—', '', '', '', '', ''], 'input-row'));
  const layers = page.layers;
  layers.forEach((l, i) => {
    const g = l.group;
    if (g && g.name !== layers[i - 1]?.group?.name) {
      const members = layers.filter((m) => m.group?.name === g.name);
      const last = members[members.length - 1];
      const gr = row([g.name, g.kind, last.shape ? last.shape.join('×') : '—', count(members.reduce((n, m) => n + m.params, 0)), count(members.reduce((n, m) => n + m.macs, 0)), ...fieldCells(last.rf)], 'group-row');
      gr.dataset.group = g.name;
      table.appendChild(gr);
    }
    table.appendChild(layerRow(l));
  });
  const t = page.totals;
  if (t) {
    const totals = row(['Total', `${layers.length} layers`, '', count(t.params), count(t.macs), '', '', ''], 'totals');
    totals.title = `${count(t.buffers)} buffers (BatchNorm statistics) besides the parameters; ${count(t.flops)} FLOPs`;
    table.appendChild(totals);
  }
  const findings = $('findings');
  findings.textContent = '';
  if (page.findings.length) {
    const ul = el('ul', '');
    for (const f of page.findings) {
      const li = el('li', f.severity, `${f.code}${f.layer ? ` · ${f.layer}` : ''}: ${f.message}`);
      li.dataset.code = f.code;
      ul.appendChild(li);
    }
    findings.appendChild(ul);
  }
  ($('table-details') as HTMLElement).hidden = true;
}

/** Shows a layer's arithmetic and arguments beside the table. */
export function showLayerDetails(index: number): void {
  const l = page.layers[index];
  const box = $('table-details');
  box.textContent = '';
  box.hidden = false;
  box.dataset.layer = l.name;
  for (const r of Array.from(document.querySelectorAll('#net-table tr.current'))) r.classList.remove('current');
  document.querySelector(`#net-table tr.layer-row[data-layer="${CSS.escape(l.name)}"]`)?.classList.add('current');
  const x = l.explain;
  const section = (title: string, lines: string[]): void => {
    if (!lines.length) return;
    box.append(el('h4', '', title), el('pre', '', lines.join('\n')));
  };
  box.append(el('h3', '', `${l.name} (${l.kind})`), el('p', 'io', `${x.input} → ${x.output}`));
  const src = l.source;
  if (src) {
    const input = (n: string): string => {
      const t = Object.hasOwn(src.initializers, n) ? src.initializers[n] : undefined;
      return !n ? '(none)' : t ? `${n} (${t.type} [${t.dims.join(', ')}])` : n;
    };
    section('ONNX node', [`name: ${src.node || '(unnamed)'}`, `op_type: ${src.op}`, `domain: ${src.domain || 'ai.onnx'}`, `inputs: ${src.inputs.map(input).join(', ')}`, `outputs: ${src.outputs.join(', ')}`]);
    const attrs = Object.entries(src.attributes);
    section('Attributes', attrs.length ? attrs.map(([k, v]) => `${k}: ${formatAttribute(v)}`) : ['(none)']);
  }
  section('Output size', x.shapeLines);
  section('Parameters', [x.params]);
  if (x.macs) section('MACs', [x.macs]);
  section('Receptive field', x.fieldLines);
  const w = page.weightsInfo;
  const fromFile = !!w && !w.problem && w.layers.includes(l.name);
  const tensors = fromFile ? page.weightStats.get(l.name) : undefined;
  if (Array.isArray(tensors)) section(`Weights (${w!.name})`, tensors.map((t) => `${t.param} [${t.shape.join(', ')}]: min ${fmt(t.min)} · max ${fmt(t.max)} · mean ${fmt(t.mean)} · std ${fmt(t.std)}`));
  else if (fromFile) section(`Weights (${w!.name})`, ['statistics: computing…']);
  else if (l.params > 0) section('Weights', [w && !w.problem ? 'none from the file (given in the network file)' : 'random (no weights file): drawn for each run from the seed']);
  const MAX_ARG = 160; // inline weights can be long
  const args = Object.entries(l.args).filter(([, v]) => v !== undefined).map(([k, v]) => {
    const text = JSON.stringify(v);
    return `${k}: ${text.length > MAX_ARG ? `${text.slice(0, MAX_ARG)}…` : text}`;
  });
  section('Arguments', args);
}
