// CodeLens on the top-level `layers:` key (`backbone:`, darknet's `[net]`): totals (parameters,
// MACs, output shape, field), the format's own totals, the model scale and "Preview feature
// maps". Totals of a network with errors count only what could be analysed: they say so, and why.
import type { CodeLens } from 'vscode-languageserver';
import { compactNumber, formatFieldShort, formatShape, thousands } from '../../../engine/explain';
import { partialExplanation, partialLabel, type Summary } from '../../../protocol/summary';
import type { Snapshot } from '../service';

export type { Summary };

/** Why the totals are partial: the first finding that withheld figures, or undefined when they are complete. */
export function partialOf(snap: Snapshot): Summary['partial'] {
  const withholding = snap.withholding;
  if (!withholding.length) return undefined;
  const first = withholding.reduce((a, b) => (b.span.start < a.span.start ? b : a));
  const errors = withholding.filter((f) => f.severity === 'error').length;
  return { errors, code: first.code, line: snap.lines.position(first.span.start).line + 1, message: first.message };
}

export function summary(snap: Snapshot): Summary {
  const a = snap.analysis;
  const last = a.outputs[a.outputs.length - 1];
  const layer = last ? a.layers.find((l) => l.name === last.name) : a.layers[a.layers.length - 1];
  return {
    uri: snap.uri,
    version: snap.version,
    name: a.name,
    params: a.totals.params,
    macs: a.totals.macs,
    flops: a.totals.flops,
    activationBytes: a.totals.activationBytes,
    layers: a.layers.length,
    outputs: a.outputs.map((o) => ({ name: o.name, shape: formatShape(o.shape) })),
    field: formatFieldShort(layer?.rf),
    errors: a.findings.filter((f) => f.severity === 'error').length,
    warnings: a.findings.filter((f) => f.severity === 'warning').length,
    analysisMs: Math.round(snap.ms * 10) / 10,
    native: a.native && { tool: a.native.tool, figures: a.native.figures.map((f) => ({ label: f.label, text: f.text })) },
    partial: partialOf(snap),
    scale: a.scale,
  };
}

export function totalsTitle(s: Summary): string {
  const parts = [`Σ ${compactNumber(s.params)} params`, `${compactNumber(s.macs)} MACs`];
  if (s.partial) return [...parts, partialLabel(s.partial)].join(' · ');
  if (s.outputs.length) parts.push(`→ ${s.outputs.map((o) => o.shape).join(', ')}`);
  if (s.field) parts.push(s.field);
  return parts.join(' · ');
}

/** The totals in words: CodeLens tooltip, hover on the header. */
export function totalsDetail(s: Summary): string {
  const counts = `${thousands(s.params)} parameters, ${thousands(s.macs)} MACs (${compactNumber(s.flops)} FLOPs), ${s.layers} layers`;
  return s.partial ? `${partialExplanation(s)}\n\nCounted so far: ${counts}.` : counts;
}

/** The format's own totals, labelled with its tool: `Ultralytics: 3,157,200 parameters · 8.9 GFLOPs`. */
export function nativeTitle(native: NonNullable<Summary['native']>): string {
  const shown = native.figures.filter((f) => f.label !== 'gradients');
  return `${native.tool}: ${shown.map((f) => `${f.text} ${f.label}`).join(' · ')}`;
}

/** The scale lens: a chooser when the scale can be chosen; a plain label when the file name decides it (as in Ultralytics). */
function scaleLens(snap: Snapshot, scale: NonNullable<Snapshot['analysis']['scale']>): CodeLens['command'] {
  if (scale.from === 'file name') {
    return {
      title: `scale ${scale.name} (from the file name)`,
      command: '',
      tooltip: `Ultralytics builds this file at scale '${scale.name}' because its name says so, whatever scale is asked for. To see another scale (${scale.choices.filter((c) => c !== scale.name).join(', ')}), open a copy named after it, or one named without a scale (yolov8.yaml), where ConvLens lets you choose.`,
    } as CodeLens['command'];
  }
  return { title: `scale ${scale.name} ▾`, command: 'convlens.chooseScale', arguments: [snap.uri, scale.choices, scale.name], tooltip: `Figures for scale '${scale.name}' (${scale.from}); choose another` } as CodeLens['command'];
}

export function codeLenses(snap: Snapshot): CodeLens[] {
  const a = snap.analysis;
  // Over the first list of entries (`layers:`, `backbone:`), or darknet's `[net]`.
  const anchor = a.anchor ?? a.sections?.[0]?.keySpan;
  if (!anchor) return [];
  const range = snap.lines.range(anchor);
  const s = summary(snap);
  const lenses: CodeLens[] = [{ range, command: { title: totalsTitle(s), command: '', tooltip: totalsDetail(s) } as CodeLens['command'] }];
  if (a.native) {
    lenses.push({
      range,
      command: { title: nativeTitle(a.native), command: '', tooltip: a.native.figures.map((f) => `${f.label}: ${f.text}${f.note ? ` (${f.note})` : ''}`).join('\n') } as CodeLens['command'],
    });
  }
  if (a.scale && a.scale.choices.length > 1) lenses.push({ range, command: scaleLens(snap, a.scale) });
  lenses.push({ range, command: { title: 'Preview feature maps', command: 'convlens.previewFeatureMaps', arguments: [snap.uri] } });
  // A PyTorch file's other models: analyse one of them instead.
  for (const m of a.models ?? []) {
    lenses.push({ range: snap.lines.range(m.span), command: { title: `Analyse ${m.name}`, command: 'convlens.chooseModel', arguments: [snap.uri, m.name], tooltip: `Show the figures of ${m.name} instead of ${a.name ?? 'the model shown'}` } as CodeLens['command'] });
  }
  return lenses;
}
