// `convlens summary`: a torchinfo-like table of every layer and the totals, or the same as one
// JSON object. The format's own tool's totals (Analysis.native) are shown beside ConvLens's.
// A network with errors gets the figures of the layers that could be analysed, marked as such.
import type { Analysis, LayerResult } from '../../../engine';
import { compactNumber as compact, thousands } from '../../../engine/explain';
import type { Checked } from '../checked';
import { diagnostics } from './diagnostics';
import { fieldText, listedEntries, rowColumns, rowJson, type Columns } from './rows';

/** Argument lists longer than this overflow their column instead of widening it (yolov5's anchors). */
const MAX_CELL = 32;

const jumpNumber = (j: { num: number; den: number }) => j.num / j.den;
const errorCount = (a: Analysis) => a.findings.filter((f) => f.severity === 'error').length;

export function layerJson(l: LayerResult) {
  return {
    name: l.name,
    kind: l.kind,
    from: l.from,
    shape: l.shape ?? null,
    params: l.params,
    buffers: l.buffers,
    macs: l.macs,
    rf: !l.rf ? null : l.rf.kind === 'global' ? 'global' : { size: l.rf.summary.size, jump: l.rf.summary.jump.map(jumpNumber), start: l.rf.summary.start, holes: l.rf.summary.holes },
  };
}

/** The summary object; `totals` is null for a file that is not a network, and `complete` false when errors stopped the analysis. */
export function summaryJson(checked: Checked, notANetwork: boolean) {
  const { analysis } = checked;
  const t = analysis.totals;
  return {
    file: checked.file,
    format: analysis.format ?? null,
    name: analysis.name ?? null,
    input: analysis.input ?? null,
    /** PyTorch: the batch the input was given with (figures are per sample; activation_bytes_batch is the batch's). */
    batch: analysis.batch ?? null,
    layers: analysis.layers.map(layerJson),
    /** YOLO and darknet files: one object per row or section, as their tools list them; null for cnn-yaml. */
    rows: listedEntries(analysis).length ? listedEntries(analysis).map((e) => rowJson(analysis, e)) : null,
    outputs: analysis.outputs.map((o) => ({ name: o.name, shape: o.shape ?? null })),
    totals: notANetwork ? null : { params: t.params, buffers: t.buffers, macs: t.macs, flops: t.flops, activation_bytes: t.activationBytes, ...(analysis.batch ? { activation_bytes_batch: t.activationBytes * analysis.batch } : {}), complete: errorCount(analysis) === 0 },
    native: analysis.native ?? null,
    diagnostics: diagnostics(checked),
  };
}

export function bytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(2)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

function nativeLines(analysis: Analysis): string[] {
  if (!analysis.native) return [];
  const { tool, figures } = analysis.native;
  return figures.map((f) => `${tool} ${f.label}: ${f.text}${f.note ? ` (${f.note})` : ''}`);
}

function layerColumns(analysis: Analysis): Columns {
  const header = ['Layer', 'Kind', 'Output shape', 'Params', 'MACs', 'Receptive field'];
  const rows = analysis.layers.map((l) => [
    l.name,
    l.kind,
    l.shape ? `[${l.shape.join(', ')}]` : '?',
    l.params ? thousands(l.params) : '–',
    l.macs ? thousands(l.macs) : '–',
    fieldText(l.rf),
  ]);
  return { header, rows, right: new Set([3, 4]), overflow: new Set() };
}

/** Every engine layer, or (YOLO and darknet files, unless `expand`) one line per row or section as their tools print them. */
export function summaryTable(analysis: Analysis, expand = false): string {
  const byRow = !expand && listedEntries(analysis).length > 0;
  const { header, rows, right, overflow } = byRow ? rowColumns(analysis) : layerColumns(analysis);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (overflow.has(i) && r[i].length > MAX_CELL ? 0 : r[i].length))));
  const fmt = (r: string[]) => r.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = '='.repeat(widths.reduce((a, b) => a + b + 2, -2));
  const t = analysis.totals;
  const errors = errorCount(analysis);
  const count = analysis.layers.length;
  const scale = analysis.scale ? `  scale ${analysis.scale.name} (${analysis.scale.from === 'setting' ? '--scale' : analysis.scale.from})` : '';
  // Figures are per sample; a batch (PyTorch: N of N×C×H×W) multiplies the memory its activations take.
  const batch = analysis.batch ?? 1;
  const perSample = batch > 1 ? ' per sample' : '';
  const lines = [
    rule,
    `${analysis.name ?? 'network'}${scale}  input [${(analysis.input ?? []).join(', ')}]${batch > 1 ? `  batch ${batch}` : ''}`,
    rule,
    fmt(header),
    '-'.repeat(rule.length),
    ...rows.map(fmt),
    rule,
    ...(byRow ? [`One line per ${analysis.format === 'darknet' ? 'section' : 'row'}; --expand lists the ${thousands(count)} layer${count === 1 ? '' : 's'} they expand into.`] : []),
    ...(errors ? [`The network has ${errors} error${errors === 1 ? '' : 's'} (below): the totals count only the ${count} layer${count === 1 ? '' : 's'} analysed.`] : []),
    `Total params: ${thousands(t.params)}`,
    `Buffers (batchnorm running mean/var): ${thousands(t.buffers)}`,
    `MACs: ${thousands(t.macs)} (${compact(t.macs)})   FLOPs (2·MACs): ${thousands(t.flops)} (${compact(t.flops)})${perSample}`,
    `Activation memory (float32, batch ${batch}): ${bytes(t.activationBytes * batch)}${batch > 1 ? ` (${bytes(t.activationBytes)} per sample)` : ''}`,
    ...nativeLines(analysis),
    `Outputs: ${analysis.outputs.length ? analysis.outputs.map((o) => `${o.name} [${(o.shape ?? []).join(', ')}]`).join(', ') : 'unknown'}`,
    rule,
  ];
  return lines.join('\n');
}
