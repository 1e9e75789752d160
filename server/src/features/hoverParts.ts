// Pieces shared by the hovers of every format: a layer's arithmetic as a text block, and the
// network's totals (with why they are partial when errors withheld figures).
import type { LayerResult } from '../../../engine';
import { compactNumber, explainLayer, thousands } from '../../../engine/explain';
import { partialExplanation } from '../../../protocol/summary';
import type { Snapshot } from '../service';
import { summary, totalsTitle, nativeTitle } from './codeLens';

/** The arithmetic of one layer: output size per axis, parameter and MAC formulas, the field recurrence. */
export function arithmeticLines(snap: Snapshot, layer: LayerResult): string[] {
  const x = explainLayer(layer, snap.analysis);
  const out = ['```text', ...x.shapeLines];
  if (layer.params || layer.buffers) out.push(`params = ${x.params}`);
  if (x.macs) out.push(`MACs = ${x.macs}`);
  if (x.fieldLines.length) out.push('receptive field:', ...x.fieldLines.map((l) => `  ${l}`));
  out.push('```');
  return out;
}

/** The totals the CodeLens shows, in a hover: ConvLens's, the format's own, and why they are partial. */
export function totalsMarkdown(snap: Snapshot): string[] {
  const s = summary(snap);
  const t = snap.analysis.totals;
  const lines = [`**${s.name ?? 'network'}** totals: ${totalsTitle(s)}`, '', `${thousands(t.params)} parameters, ${thousands(t.macs)} MACs (${compactNumber(t.flops)} FLOPs), ${s.layers} layers`];
  if (s.native) lines.push('', nativeTitle(s.native));
  if (s.partial) lines.push('', `⚠ ${partialExplanation(s)}`);
  return lines;
}
