// Inlay hints at the end of each layer entry: `→ 64×56×56 · rf 11×11 /4 · 9.4K params` (MACs
// optional), each part switched by convlens.inlayHints.<kind>.enabled. A block use or a repeated
// entry shows the result of the whole entry (output of the last instance, parameters and MACs of
// all instances).
//
// Real model files (Ultralytics YOLO, Darknet, PyTorch source) stay in languages whose hints VS Code cuts:
// `editor.inlayHints.maximumLength` (default 43) counts the label characters of every hint on a
// line together (padding not counted) and replaces the rest with `…`. Their hints are therefore
// fitted to 43 characters, the figures a YOLO user wants most first (shape, parameters, then
// repeats and field); what does not fit is in the hint's tooltip and the hover.
import { InlayHintKind, MarkupKind, type InlayHint, type Range } from 'vscode-languageserver';
import type { EntryResult } from '../../../engine';
import { compactNumber, formatFieldShort, formatShape, thousands } from '../../../engine/explain';
import { formatField } from '../../../engine';
import type { Settings, Snapshot } from '../service';

/** VS Code's default `editor.inlayHints.maximumLength`: label characters per line. */
export const VSCODE_HINT_BUDGET = 43;
const SEP = ' · ';

/** Where the hint goes: the end of the entry's last line, after any trailing comment. */
function hintOffset(text: string, entry: EntryResult): number {
  let end = entry.span.end;
  const nl = text.indexOf('\n', end);
  const lineEnd = nl < 0 ? text.length : nl;
  const rest = text.slice(end, lineEnd);
  if (/^\s*(#.*)?\r?$/.test(rest)) end = lineEnd - (rest.endsWith('\r') ? 1 : 0);
  return end;
}

const times = (entry: EntryResult) => (entry.instances > 1 ? ` (×${entry.instances})` : '');

/**
 * The output shape written ever shorter: every output; outputs with the first one's channels
 * left out of the others (`144×80×80, 40×40, 20×20`); the first and a count.
 */
function shapeVariants(entry: EntryResult): string[] {
  const outs = (entry.outputs ?? [entry.shape]).map((s) => s ?? []);
  const full = `→ ${outs.map(formatShape).join(', ')}${times(entry)}`;
  if (outs.length < 2) return [full];
  const variants = [full];
  const c = outs[0][0];
  if (outs.every((s) => s.length > 1 && s[0] === c)) variants.push(`→ ${formatShape(outs[0])}, ${outs.slice(1).map((s) => formatShape(s.slice(1))).join(', ')}${times(entry)}`);
  variants.push(`→ ${formatShape(outs[0])} +${outs.length - 1} more${times(entry)}`);
  return variants;
}

/**
 * The hint of an entry. Without a budget (ConvLens's own format, whose language lifts VS Code's
 * limit): shape · repeats · field · params · MACs. With a budget: shape · params · MACs · repeats
 * · field, leaving out what does not fit, so that no part is ever cut.
 */
export function hintLabel(entry: EntryResult, on: Settings['inlayHints'], budget?: number): string | undefined {
  // A definition (a PyTorch constructor line) has parameters but no output of its own.
  if (!entry.shape && !entry.definition) return undefined;
  const repeats = entry.repeats && entry.repeats.written > 1 ? `n ${entry.repeats.written}→${entry.repeats.scaled}` : undefined;
  const rf = on.receptiveField ? formatFieldShort(entry.rf) : undefined;
  const params = on.params && (entry.params > 0 || entry.isBlock) ? `${compactNumber(entry.params)} params` : undefined;
  const macs = on.macs && entry.macs > 0 ? `${compactNumber(entry.macs)} MACs` : undefined;
  const shapes = on.shape && entry.shape ? shapeVariants(entry) : [undefined];
  if (budget === undefined) {
    const parts = [shapes[0], repeats, rf, params, macs].filter((p): p is string => !!p);
    return parts.length ? parts.join(SEP) : undefined;
  }
  const rest = [params, macs, repeats, rf].filter((p): p is string => !!p);
  let label: string | undefined;
  for (const [i, shape] of shapes.entries()) {
    const parts: string[] = shape ? [shape] : [];
    let length = shape ? shape.length : -SEP.length;
    for (const p of rest) {
      if (length + SEP.length + p.length > budget) continue;
      parts.push(p);
      length += SEP.length + p.length;
    }
    label = parts.join(SEP);
    // A shorter way to write the outputs is worth it only when it makes room for the parameters.
    const enough = label.length <= budget && (!params || parts.includes(params));
    if (enough || i === shapes.length - 1) break;
  }
  if (!label) return undefined;
  return label.length <= budget ? label : `${label.slice(0, budget - 1)}…`;
}

export function hintTooltip(entry: EntryResult): string {
  const lines = [`**${entry.name}** (${entry.kind}${entry.isBlock ? ' block' : ''}${entry.instances > 1 ? `, ${entry.instances} instances` : ''})`, ''];
  const outs = entry.outputs ?? [entry.shape];
  if (!entry.definition) lines.push(`- shape: ${formatShape(entry.inputShape)} → ${outs.map(formatShape).join(', ')}`);
  if (entry.repeats && entry.repeats.written > 1) lines.push(`- repeats: ${entry.repeats.written} written, ${entry.repeats.scaled} after the depth multiple`);
  lines.push(`- parameters: ${thousands(entry.params)}${entry.buffers ? ` (+ ${thousands(entry.buffers)} buffers)` : ''}`);
  lines.push(`- MACs: ${thousands(entry.macs)} (FLOPs ≈ ${compactNumber(2 * entry.macs)})`);
  if (entry.rf?.kind === 'local') {
    const s = entry.rf.summary;
    lines.push(`- receptive field: ${formatField(s)} (start ${s.start.join(', ')}${s.holes.some((h) => h.length) ? `, with holes` : ''})${entry.rf.gated ? ', gated' : ''}`);
  } else if (entry.rf?.kind === 'global') lines.push('- receptive field: the whole input');
  if (entry.isBlock || entry.instances > 1) lines.push(`- ${entry.layers.length} layers in this entry`);
  return lines.join('\n');
}

/** The label budget per line for a document: VS Code's default for real model files, none for ConvLens's own format. */
export function hintBudget(snap: Snapshot): number | undefined {
  const format = snap.analysis.format;
  // Python belongs to other extensions: its hint limit is the user's (VS Code's default), not ConvLens's to lift.
  return format === 'ultralytics' || format === 'darknet' || format === 'pytorch' ? VSCODE_HINT_BUDGET : undefined;
}

export function inlayHints(snap: Snapshot, range: Range, settings: Settings): InlayHint[] {
  const on = settings.inlayHints;
  if (!on.shape && !on.receptiveField && !on.params && !on.macs) return [];
  const from = snap.lines.offset(range.start.line, range.start.character);
  const to = snap.lines.offset(range.end.line, range.end.character);
  const budget = hintBudget(snap);
  const out: InlayHint[] = [];
  let lastLine = -1;
  for (const entry of snap.analysis.entries) {
    if (entry.span.end < from || entry.span.start > to || entry.instances === 0) continue;
    const label = hintLabel(entry, on, budget);
    if (!label) continue;
    const position = snap.lines.position(hintOffset(snap.text, entry));
    // VS Code's budget is per line: a second entry ending on the same line would be cut.
    if (budget !== undefined && position.line === lastLine) continue;
    lastLine = position.line;
    out.push({
      position,
      label,
      kind: InlayHintKind.Type,
      paddingLeft: true,
      tooltip: { kind: MarkupKind.Markdown, value: hintTooltip(entry) },
    });
  }
  return out;
}
