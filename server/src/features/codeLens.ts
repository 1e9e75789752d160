// CodeLens on the top-level `layers:` key: totals (parameters, MACs, output shape, field) and
// "Preview feature maps".
import type { CodeLens } from 'vscode-languageserver';
import { compactNumber, formatFieldShort, formatShape, thousands } from '../../../engine/explain';
import type { Summary } from '../../../protocol/summary';
import type { Snapshot } from '../service';

export type { Summary };

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
    scale: a.scale,
  };
}

export function totalsTitle(s: Summary): string {
  const parts = [`Σ ${compactNumber(s.params)} params`, `${compactNumber(s.macs)} MACs`];
  if (s.outputs.length) parts.push(`→ ${s.outputs.map((o) => o.shape).join(', ')}`);
  if (s.field) parts.push(s.field);
  return parts.join(' · ');
}

/** The format's own totals, labelled with its tool: `Ultralytics: 3,157,200 parameters · 8.9 GFLOPs`. */
export function nativeTitle(native: NonNullable<Summary['native']>): string {
  const shown = native.figures.filter((f) => f.label !== 'gradients');
  return `${native.tool}: ${shown.map((f) => `${f.text} ${f.label}`).join(' · ')}`;
}

export function codeLenses(snap: Snapshot): CodeLens[] {
  const a = snap.analysis;
  // Over the first list of entries (`layers:`, `backbone:`), or darknet's `[net]`.
  const anchor = a.anchor ?? a.sections?.[0]?.keySpan;
  if (!anchor) return [];
  const range = snap.lines.range(anchor);
  const s = summary(snap);
  const lenses: CodeLens[] = [
    {
      range,
      command: {
        title: totalsTitle(s),
        command: '',
        tooltip: `${thousands(s.params)} parameters, ${thousands(s.macs)} MACs (${compactNumber(s.flops)} FLOPs), ${s.layers} layers`,
      } as CodeLens['command'],
    },
  ];
  if (a.native) {
    lenses.push({
      range,
      command: { title: nativeTitle(a.native), command: '', tooltip: a.native.figures.map((f) => `${f.label}: ${f.text}${f.note ? ` (${f.note})` : ''}`).join('\n') } as CodeLens['command'],
    });
  }
  if (a.scale && a.scale.choices.length > 1) {
    lenses.push({ range, command: { title: `scale ${a.scale.name} ▾`, command: 'convlens.chooseScale', arguments: [snap.uri, a.scale.choices, a.scale.name], tooltip: `Figures for scale '${a.scale.name}' (${a.scale.from}); choose another` } as CodeLens['command'] });
  }
  lenses.push({ range, command: { title: 'Preview feature maps', command: 'convlens.previewFeatureMaps', arguments: [snap.uri] } });
  // A PyTorch file's other models: analyse one of them instead.
  for (const m of a.models ?? []) {
    lenses.push({ range: snap.lines.range(m.span), command: { title: `Analyse ${m.name}`, command: 'convlens.chooseModel', arguments: [snap.uri, m.name], tooltip: `Show the figures of ${m.name} instead of ${a.name ?? 'the model shown'}` } as CodeLens['command'] });
  }
  return lenses;
}
