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
  };
}

export function totalsTitle(s: Summary): string {
  const parts = [`Σ ${compactNumber(s.params)} params`, `${compactNumber(s.macs)} MACs`];
  if (s.outputs.length) parts.push(`→ ${s.outputs.map((o) => o.shape).join(', ')}`);
  if (s.field) parts.push(s.field);
  return parts.join(' · ');
}

export function codeLenses(snap: Snapshot): CodeLens[] {
  const m = /^layers[ \t]*:/m.exec(snap.text);
  if (!m) return [];
  const range = snap.lines.range({ start: m.index, end: m.index + 'layers'.length });
  const s = summary(snap);
  return [
    {
      range,
      command: {
        title: totalsTitle(s),
        command: '',
        tooltip: `${thousands(s.params)} parameters, ${thousands(s.macs)} MACs (${compactNumber(s.flops)} FLOPs), ${s.layers} layers`,
      } as CodeLens['command'],
    },
    { range, command: { title: 'Preview feature maps', command: 'convlens.previewFeatureMaps', arguments: [snap.uri] } },
  ];
}
