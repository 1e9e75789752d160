// `convlens summary` of a YOLO or darknet file: one line per row or section, as the tools print
// their models (Ultralytics: `from  n  params  module  arguments`; darknet: `layer  filters
// size/strd(dil)  input -> output  BF`), with its output shape and receptive field. A detection
// row with one output per level gets a continuation line per further level.
import { formatField, type Analysis, type EntryResult, type ReceptiveField, type Shape } from '../../../engine';
import { thousands } from '../../../engine/explain';
import { UNCOUNTED } from '../../../engine/readers/darknet/native';

export interface Columns {
  header: string[];
  rows: string[][];
  /** Columns aligned right (numbers). */
  right: Set<number>;
  /** Columns whose longer cells overflow rather than widen the whole column (long argument lists). */
  overflow: Set<number>;
}

export const fieldText = (rf: ReceptiveField | undefined) => (!rf ? '?' : rf.kind === 'global' ? 'global' : formatField(rf.summary) + (rf.summary.holes.some((h) => h.length) ? ' (holes)' : ''));
const shapeText = (s: Shape | undefined) => (s ? s.join('×') : '?');

/** The entries the format's tool lists, in its order. */
export const listedEntries = (analysis: Analysis) => analysis.entries.filter((e) => e.listing);

/** Each output of an entry with its field (a detection head: one per level). */
function outputsOf(analysis: Analysis, entry: EntryResult): Array<{ shape?: Shape; rf?: ReceptiveField }> {
  if (!entry.outputs || entry.outputs.length < 2) return [{ shape: entry.shape, rf: entry.rf }];
  const own = new Set(entry.layers);
  const finals = analysis.outputs.filter((o) => own.has(o.index));
  if (finals.length === entry.outputs.length) return finals.map((o) => ({ shape: o.shape, rf: analysis.layers[o.index].rf }));
  return entry.outputs.map((shape, i) => ({ shape, rf: i === 0 ? entry.rf : undefined }));
}

export function rowJson(analysis: Analysis, entry: EntryResult) {
  const l = entry.listing!;
  const outs = outputsOf(analysis, entry);
  return {
    index: l.index,
    from: l.from,
    n: entry.repeats?.scaled ?? entry.instances,
    params: entry.params,
    module: entry.kind,
    arguments: l.arguments,
    outputs: outs.map((o) => o.shape ?? null),
    field: outs.map((o) => (!o.rf ? null : o.rf.kind === 'global' ? 'global' : fieldText(o.rf))),
    macs: entry.macs,
    ...(l.bflops !== undefined ? { bflops: l.bflops } : {}),
  };
}

export function rowColumns(analysis: Analysis): Columns {
  const darknet = analysis.format === 'darknet';
  const header = darknet ? ['layer', 'from', 'params', 'type', 'filters size/strd(dil)', 'BFLOPs', 'output', 'field'] : ['#', 'from', 'n', 'params', 'module', 'arguments', 'output', 'field'];
  const rows: string[][] = [];
  let next = 0;
  // Rows without an entry (an unknown module, wrong arguments, or reading such a row) are withheld.
  const withheld = (upTo: number) => {
    if (upTo > next) rows.push(header.map((_, i) => (i === 0 ? (upTo - 1 > next ? `${next}–${upTo - 1}` : String(next)) : i === (darknet ? 3 : 4) ? 'withheld (see the findings below)' : '')));
  };
  for (const entry of listedEntries(analysis)) {
    const l = entry.listing!;
    withheld(l.index);
    next = l.index + 1;
    const [first, ...more] = outputsOf(analysis, entry);
    const module = darknet ? entry.name.replace(/^\d+ /, '') : entry.kind;
    // darknet prints no BFLOPs for route, upsample, yolo…; '?' where ConvLens does not know what it counts.
    const flops = darknet && UNCOUNTED.has(entry.kind) ? '' : l.bflops !== undefined ? l.bflops.toFixed(3) : darknet ? '?' : '';
    rows.push(
      darknet
        ? [String(l.index), l.from, thousands(entry.params), module, l.arguments, flops, shapeText(first.shape), fieldText(first.rf)]
        : [String(l.index), l.from, String(entry.repeats?.scaled ?? entry.instances), thousands(entry.params), module, l.arguments, shapeText(first.shape), fieldText(first.rf)],
    );
    for (const o of more) rows.push([...header.slice(0, -2).map(() => ''), shapeText(o.shape), o.rf ? fieldText(o.rf) : '']);
  }
  withheld(analysis.rowCount ?? next);
  return { header, rows, right: new Set(darknet ? [0, 2, 5] : [0, 2, 3]), overflow: new Set(darknet ? [3, 4] : [4, 5]) };
}
