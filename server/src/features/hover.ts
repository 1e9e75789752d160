// Hover: on a layer, its input → output shape with the formula filled in per axis, the parameter
// and MAC formulas and the receptive-field recurrence (engine/explain.ts); on a block name, its
// parameters and a summary; on an argument name, what it means.
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { KINDS, ULTRALYTICS_MODULES, type BlockInfo, type EntryResult, type LayerResult } from '../../../engine';
import { compactNumber, entryLine, explainLayer, formatFieldShort, formatShape, thousands } from '../../../engine/explain';
import { darknetHover } from './darknetHover';
import { arithmeticLines, totalsMarkdown } from './hoverParts';
import type { Snapshot } from '../service';
import { contains, entryAt, layersOf, offsetAt, toRange } from './util';

export function explainMarkdown(snap: Snapshot, layer: LayerResult): string[] {
  const x = explainLayer(layer, snap.analysis);
  return [`**${x.name}** · \`${x.kind}\` · ${x.input} → **${x.output}**`, '', ...arithmeticLines(snap, layer)];
}

function blockMarkdown(snap: Snapshot, block: BlockInfo): string {
  const uses = snap.analysis.entries.filter((e) => e.isBlock && e.kind === block.name);
  const lines = [`**block ${block.name}** · used ${block.uses} time${block.uses === 1 ? '' : 's'}`, ''];
  if (block.params.length) {
    lines.push('| parameter | default |', '|---|---|');
    for (const p of block.params) lines.push(`| \`${p.name}\` | \`${JSON.stringify(p.default)}\` |`);
    lines.push('');
  }
  for (const e of uses.slice(0, 8)) {
    lines.push(`- \`${e.name}\`${e.inBlock ? ` (in ${e.inBlock})` : ''}: ${formatShape(e.inputShape)} ${entryLine(e)}`);
  }
  if (uses.length > 8) lines.push(`- … ${uses.length - 8} more`);
  return lines.join('\n');
}

/** The shapes an entry reads from outside itself, in order (a Concat's or a Detect's several inputs). */
function inputShapes(snap: Snapshot, entry: EntryResult, layers: LayerResult[]): string {
  const inside = new Set(entry.layers);
  const seen = new Set<number>();
  const shapes: string[] = [];
  for (const l of layers) {
    for (const i of l.fromIndex) {
      if (inside.has(i) || seen.has(i)) continue;
      seen.add(i);
      shapes.push(formatShape(i < 0 ? snap.analysis.input : snap.analysis.layers[i]?.shape));
    }
  }
  return shapes.length ? shapes.join(' + ') : formatShape(entry.inputShape);
}

/** A row of a real model file (an Ultralytics module): this row's call, its figures, its layers. */
function moduleMarkdown(snap: Snapshot, entry: EntryResult, layers: LayerResult[]): string {
  const spec = Object.prototype.hasOwnProperty.call(ULTRALYTICS_MODULES, entry.kind) ? ULTRALYTICS_MODULES[entry.kind] : undefined;
  const outs = entry.outputs ?? [entry.shape];
  const lines = [`**${entry.name}** · \`${entry.call ?? entry.kind}\` · ${inputShapes(snap, entry, layers)} → **${outs.map(formatShape).join(', ')}**`, ''];
  const signature = entry.signature ?? spec?.signature;
  if (spec) lines.push(spec.doc, '');
  if (signature && signature !== entry.call) lines.push(`Signature: \`${signature}\``, '');
  if (entry.repeats && entry.repeats.written !== entry.repeats.scaled) lines.push(`repeats: ${entry.repeats.written} written → **${entry.repeats.scaled}** after the depth multiple`, '');
  if (layers.length === 1 && entry.instances === 1) {
    lines.push(...arithmeticLines(snap, layers[0]));
    return lines.join('\n');
  }
  lines.push('```text');
  lines.push(`params = ${thousands(entry.params)} (${compactNumber(entry.params)})${entry.buffers ? `, buffers ${thousands(entry.buffers)}` : ''}`);
  lines.push(`MACs = ${thousands(entry.macs)} (${compactNumber(entry.macs)})`);
  const rf = formatFieldShort(entry.rf);
  if (rf) lines.push(rf);
  lines.push('```', '', `${layers.length} layer${layers.length === 1 ? '' : 's'}:`, '');
  const shown = layers.slice(0, 24);
  lines.push(...shown.map((l) => `- \`${l.name}\` ${l.kind}: ${l.inputShapes.map(formatShape).join(' + ')} → ${formatShape(l.shape)}${l.params ? `, ${thousands(l.params)} params` : ''}`));
  if (layers.length > shown.length) lines.push(`- … ${layers.length - shown.length} more`);
  const detached = entry.params - layers.reduce((n, l) => n + l.params, 0);
  if (detached > 0) lines.push('', `(+ ${thousands(detached)} parameters outside the forward pass: the DFL's fixed weights, used when boxes are decoded)`);
  return lines.join('\n');
}

function entryMarkdown(snap: Snapshot, entry: EntryResult): string {
  const layers = layersOf(snap, entry);
  if (snap.analysis.format === 'ultralytics' && layers.length) return moduleMarkdown(snap, entry, layers);
  if (!entry.isBlock && layers.length === 1) return explainMarkdown(snap, layers[0]).join('\n');
  if (!entry.isBlock && layers.length > 1) {
    // A repeated layer, or a layer inside a block used several times: explain the first instance.
    const lines = [`**${entry.name}** · \`${entry.kind}\` · ${layers.length} instances`, ''];
    lines.push(...layers.slice(0, 6).map((l) => `- \`${l.name}\`: ${l.inputShapes.map(formatShape).join(' + ')} → ${formatShape(l.shape)}, ${thousands(l.params)} params`));
    if (layers.length > 6) lines.push(`- … ${layers.length - 6} more`);
    lines.push('', `First instance:`, '', ...explainMarkdown(snap, layers[0]));
    return lines.join('\n');
  }
  const lines = [`**${entry.name}** · block \`${entry.kind}\`${entry.instances > 1 ? ` × ${entry.instances}` : ''}`, ''];
  lines.push('```text');
  lines.push(`${formatShape(entry.inputShape)} → ${formatShape(entry.shape)}`);
  lines.push(`params = ${thousands(entry.params)} (${compactNumber(entry.params)})${entry.buffers ? `, buffers ${thousands(entry.buffers)}` : ''}`);
  lines.push(`MACs = ${thousands(entry.macs)} (${compactNumber(entry.macs)})`);
  const rf = formatFieldShort(entry.rf);
  if (rf) lines.push(rf);
  lines.push(`${layers.length} layers`);
  lines.push('```');
  const block = snap.analysis.blocks.find((b) => b.name === entry.kind);
  if (block) lines.push('', blockMarkdown(snap, block));
  return lines.join('\n');
}

function argMarkdown(kind: string, arg: string, layer?: LayerResult): string | undefined {
  const spec = KINDS[kind]?.args[arg];
  if (!spec) return undefined;
  const lines = [`**${arg}** (${kind}) — ${spec.doc}`];
  if (spec.default !== undefined) lines.push('', `default: \`${JSON.stringify(spec.default)}\``);
  if (spec.values) lines.push('', `values: ${spec.values.map((v) => `\`${v}\``).join(', ')}`);
  const resolved = layer?.args[arg];
  if (resolved !== undefined) lines.push('', `resolved: \`${JSON.stringify(resolved)}\``);
  return lines.join('\n');
}

export function hover(snap: Snapshot, position: Position): Hover | null {
  const offset = offsetAt(snap, position);
  const { analysis } = snap;
  if (analysis.format === 'darknet') return darknetHover(snap, offset);
  // The key the totals hang from (`layers:`, `backbone:`): the totals, and why they are partial.
  const anchor = analysis.anchor ?? analysis.sections?.[0]?.keySpan;
  if (anchor && contains(anchor, offset)) return { contents: { kind: MarkupKind.Markdown, value: totalsMarkdown(snap).join('\n') }, range: toRange(snap, anchor) };
  // Block names: the definition key, or a use as a kind.
  const blockKey = analysis.blocks.find((b) => contains(b.keySpan, offset));
  if (blockKey) return { contents: { kind: MarkupKind.Markdown, value: blockMarkdown(snap, blockKey) }, range: toRange(snap, blockKey.keySpan) };
  const entry = entryAt(snap, offset);
  if (!entry) return null;
  const layers = layersOf(snap, entry);
  const first = layers[0];
  // An argument name of a plain layer.
  if (!entry.isBlock && first) {
    for (const [name, where] of Object.entries(first.origin.args)) {
      if (contains(where.key, offset)) {
        const md = argMarkdown(entry.kind, name, first);
        if (md) return { contents: { kind: MarkupKind.Markdown, value: md }, range: toRange(snap, where.key) };
      }
    }
  }
  const kindDoc = KINDS[entry.kind]?.doc;
  let value = entryMarkdown(snap, entry);
  if (kindDoc && contains(entry.kindKey, offset)) value += `\n\n---\n\n\`${entry.kind}\`: ${kindDoc}`;
  if (!layers.length) {
    value = kindDoc ? `\`${entry.kind}\`: ${kindDoc}\n\n(no result: see the problems reported for this document)` : `**${entry.name}**: no result (see the problems reported for this document)`;
  }
  return { contents: { kind: MarkupKind.Markdown, value }, range: toRange(snap, entry.kindKey) };
}
