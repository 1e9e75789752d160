// Inlay hints at the end of each layer entry: `→ 64×56×56 · rf 11×11 /4 · 9.4K params`
// (MACs optional), each part switched by convlens.inlayHints.<kind>.enabled. A block use or a
// repeated entry shows the result of the whole entry (output of the last instance, parameters
// and MACs of all instances).
import { InlayHintKind, MarkupKind, type InlayHint, type Range } from 'vscode-languageserver';
import type { EntryResult } from '../../../engine';
import { compactNumber, formatFieldShort, formatShape, thousands } from '../../../engine/explain';
import { formatField } from '../../../engine';
import type { Settings, Snapshot } from '../service';

/** Where the hint goes: the end of the entry's last line, after any trailing comment. */
function hintOffset(text: string, entry: EntryResult): number {
  let end = entry.span.end;
  const nl = text.indexOf('\n', end);
  const lineEnd = nl < 0 ? text.length : nl;
  const rest = text.slice(end, lineEnd);
  if (/^\s*(#.*)?\r?$/.test(rest)) end = lineEnd - (rest.endsWith('\r') ? 1 : 0);
  return end;
}

export function hintLabel(entry: EntryResult, on: Settings['inlayHints']): string | undefined {
  // A definition (a PyTorch constructor line) has parameters but no output of its own.
  if (!entry.shape && !entry.definition) return undefined;
  const parts: string[] = [];
  if (on.shape && entry.shape) parts.push(`→ ${(entry.outputs ?? [entry.shape]).map(formatShape).join(', ')}${entry.instances > 1 ? ` (×${entry.instances})` : ''}`);
  // An Ultralytics row's repeats after the depth multiple (`n 6→2`), early: VS Code cuts long hints at the end.
  if (entry.repeats && entry.repeats.written > 1) parts.push(`n ${entry.repeats.written}→${entry.repeats.scaled}`);
  if (on.receptiveField) {
    const rf = formatFieldShort(entry.rf);
    if (rf) parts.push(rf);
  }
  if (on.params && (entry.params > 0 || entry.isBlock)) parts.push(`${compactNumber(entry.params)} params`);
  if (on.macs && entry.macs > 0) parts.push(`${compactNumber(entry.macs)} MACs`);
  return parts.length ? parts.join(' · ') : undefined;
}

export function hintTooltip(entry: EntryResult): string {
  const lines = [`**${entry.name}** (${entry.kind}${entry.isBlock ? ' block' : ''}${entry.instances > 1 ? `, ${entry.instances} instances` : ''})`, ''];
  if (!entry.definition) lines.push(`- shape: ${formatShape(entry.inputShape)} → ${formatShape(entry.shape)}`);
  lines.push(`- parameters: ${thousands(entry.params)}${entry.buffers ? ` (+ ${thousands(entry.buffers)} buffers)` : ''}`);
  lines.push(`- MACs: ${thousands(entry.macs)} (FLOPs ≈ ${compactNumber(2 * entry.macs)})`);
  if (entry.rf?.kind === 'local') {
    const s = entry.rf.summary;
    lines.push(`- receptive field: ${formatField(s)} (start ${s.start.join(', ')}${s.holes.some((h) => h.length) ? `, with holes` : ''})${entry.rf.gated ? ', gated' : ''}`);
  } else if (entry.rf?.kind === 'global') lines.push('- receptive field: the whole input');
  if (entry.isBlock || entry.instances > 1) lines.push(`- ${entry.layers.length} layers in this entry`);
  return lines.join('\n');
}

export function inlayHints(snap: Snapshot, range: Range, settings: Settings): InlayHint[] {
  const on = settings.inlayHints;
  if (!on.shape && !on.receptiveField && !on.params && !on.macs) return [];
  const from = snap.lines.offset(range.start.line, range.start.character);
  const to = snap.lines.offset(range.end.line, range.end.character);
  const out: InlayHint[] = [];
  for (const entry of snap.analysis.entries) {
    if (entry.span.end < from || entry.span.start > to || entry.instances === 0) continue;
    const label = hintLabel(entry, on);
    if (!label) continue;
    out.push({
      position: snap.lines.position(hintOffset(snap.text, entry)),
      label,
      kind: InlayHintKind.Type,
      paddingLeft: true,
      tooltip: { kind: MarkupKind.Markdown, value: hintTooltip(entry) },
    });
  }
  return out;
}
