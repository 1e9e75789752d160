// Hover in a Darknet .cfg: each section and key explained in darknet's own terms (engine/readers/
// darknet/docs.ts) with this section's figures; [net] with the input and the network's totals,
// [yolo]/[region] with what they read from their input and the boxes they output.
import { MarkupKind, type Hover } from 'vscode-languageserver';
import type { EntryResult } from '../../../engine';
import { parseCfg, type CfgOption, type CfgSection } from '../../../engine/readers/darknet/parse';
import { SECTION_KEYS, SECTION_KINDS } from '../../../engine/readers/darknet/keys';
import { DARKNET_KEY_DOCS, DARKNET_SECTION_DOCS, TRAINING_KEY_DOC } from '../../../engine/readers/darknet/docs';
import { compactNumber, formatFieldShort, formatShape, thousands } from '../../../engine/explain';
import type { Snapshot } from '../service';
import { arithmeticLines, totalsMarkdown } from './hoverParts';
import { contains, layersOf, toRange } from './util';

const sectionsCache = new WeakMap<Snapshot, CfgSection[]>();

function sectionsOf(snap: Snapshot): CfgSection[] {
  let s = sectionsCache.get(snap);
  if (!s) {
    s = parseCfg(snap.text, () => {});
    sectionsCache.set(snap, s);
  }
  return s;
}

const ints = (v: string | undefined) => (v ?? '').split(',').map((x) => Number(x)).filter((x) => Number.isInteger(x));

/** What a [yolo] / [region] section reads from its input and outputs. */
function detectionLines(snap: Snapshot, section: CfgSection, entry: EntryResult, kind: string): string[] {
  const shape = entry.shape;
  const input = snap.analysis.input;
  if (!shape || shape.length !== 3) return [];
  const [c, h, w] = shape;
  const value = (key: string) => section.option(key)?.value;
  const classes = Number(value('classes') ?? 20);
  const lines: string[] = [];
  const stride = input ? `, stride ${input[1] / h}${input[2] / w !== input[1] / h ? `×${input[2] / w}` : ''} (${input[1]}/${h})` : '';
  if (kind === 'yolo') {
    const all = ints(value('anchors'));
    const mask = value('mask') ? ints(value('mask')) : Array.from({ length: Number(value('num') ?? 1) }, (_, i) => i);
    const per = classes + 5;
    lines.push(`- reads a ${h}×${w} grid${stride}: per cell, ${mask.length} anchors × (${classes} classes + 5) = ${mask.length}·${per} = ${mask.length * per} channels (input: ${c})`);
    const boxes = mask.map((m) => (all.length >= 2 * m + 2 ? `${all[2 * m]}×${all[2 * m + 1]}` : '?'));
    lines.push(`- anchors of this scale (mask ${mask.join(',')}): ${boxes.join(', ')} pixels`);
    lines.push(`- outputs ${h}·${w}·${mask.length} = ${thousands(h * w * mask.length)} candidate boxes, each with x, y, w, h, objectness and ${classes} class scores`);
  } else {
    const coords = Number(value('coords') ?? 4);
    const num = Number(value('num') ?? 1);
    lines.push(`- reads a ${h}×${w} grid${stride}: per cell, ${num} anchors × (${classes} classes + ${coords} coords + 1) = ${num * (classes + coords + 1)} channels (input: ${c})`);
    lines.push(`- outputs ${h}·${w}·${num} = ${thousands(h * w * num)} candidate boxes`);
  }
  lines.push('- no weights; the output is the input, decoded when boxes are drawn');
  return lines;
}

function sectionMarkdown(snap: Snapshot, section: CfgSection, entry: EntryResult, kind: string): string {
  const layers = layersOf(snap, entry);
  const out: string[] = [];
  if (kind === 'net') {
    out.push(`**${section.type}** · input **${formatShape(snap.analysis.input)}**`, '', DARKNET_SECTION_DOCS.net, '', ...totalsMarkdown(snap));
    return out.join('\n');
  }
  const input = entry.inputShape ?? layers[0]?.inputShapes[0];
  out.push(`**${entry.name}** · \`${section.type}\` · ${formatShape(input)} → **${formatShape(entry.shape)}**`, '');
  if (DARKNET_SECTION_DOCS[kind]) out.push(DARKNET_SECTION_DOCS[kind], '');
  if (kind === 'yolo' || kind === 'region') {
    out.push(...detectionLines(snap, section, entry, kind));
    return out.join('\n');
  }
  if (!entry.shape) {
    out.push('(no figures: see the problems reported for this section)');
    return out.join('\n');
  }
  const rf = formatFieldShort(entry.rf);
  const figures = [
    entry.params ? `params ${thousands(entry.params)}${entry.buffers ? ` (+ ${thousands(entry.buffers)} buffers)` : ''}` : 'no parameters',
    ...(entry.macs ? [`MACs ${thousands(entry.macs)} (${compactNumber(entry.macs)})`] : []),
    ...(rf ? [rf] : []),
  ];
  out.push(figures.join(' · '));
  const main = layers.find((l) => l.kind !== 'batchnorm') ?? layers[0];
  if (main?.kind === 'maxpool' && Array.isArray(main.args.padding)) {
    const [[before, after]] = main.args.padding as Array<[number, number]>;
    const given = section.option('padding');
    out.push('', `Here: padding ${before + after} (${given ? 'padding=' : 'size − 1, darknet\'s default'}): ${before} before, ${after} after on each axis.`);
  }
  if (main) out.push('', ...arithmeticLines(snap, main));
  if (layers.length > 1) out.push('', `layers: ${layers.map((l) => `\`${l.name}\` ${l.kind}`).join(', ')}`);
  return out.join('\n');
}

function keyMarkdown(snap: Snapshot, section: CfgSection, entry: EntryResult, kind: string, option: CfgOption): string {
  const { key, value } = option;
  const doc = DARKNET_KEY_DOCS[kind]?.[key];
  const keys = SECTION_KEYS[kind];
  const lines = [`**${key}=${value}** · \`${section.type}\``, ''];
  const first = section.option(key);
  if (first && first !== option) lines.push(`Darknet reads the first \`${key}=\` of a section (\`${key}=${first.value}\`): this one has no effect.`, '');
  if (doc) lines.push(doc);
  else if (keys?.ignored.includes(key)) lines.push(TRAINING_KEY_DOC);
  else if (keys && key in keys.unsupported) lines.push(`Darknet reads it; ConvLens models only its default (\`${key}=${keys.unsupported[key]}\`) and withholds this layer's figures otherwise.`);
  else lines.push(`Not an option of darknet's ${section.type} (darknet prints "Unused field").`);
  // What the option became in this section, in ConvLens's terms.
  const layer = layersOf(snap, entry).find((l) => l.kind === 'conv' || l.kind === 'maxpool');
  if (layer && (key === 'pad' || key === 'padding') && Array.isArray(layer.args.padding)) {
    const p = layer.args.padding as Array<[number, number]>;
    lines.push('', `Here: ${p[0][0]} before and ${p[0][1]} after on each axis (kernel ${(layer.args.kernel as number[])[0]}).`);
  }
  const targets = snap.analysis.references.filter((r) => r.span.start >= option.valueSpan.start && r.span.end <= option.valueSpan.end);
  if (targets.length) lines.push('', `Here: ${targets.map((r) => `\`${snap.text.slice(r.span.start, r.span.end)}\` → ${r.name}`).join(', ')}.`);
  if (key === 'activation' && value === 'leaky') lines.push('', 'Here: leaky ReLU with slope 0.1 (darknet\'s).');
  return lines.join('\n');
}

/** Hover on a darknet document; null when the position is on no section. */
export function darknetHover(snap: Snapshot, offset: number): Hover | null {
  const section = sectionsOf(snap).find((s) => s.header.start <= offset && offset <= Math.max(s.span.end, s.header.end));
  if (!section) return null;
  const kind = Object.prototype.hasOwnProperty.call(SECTION_KINDS, section.type) ? SECTION_KINDS[section.type] : undefined;
  const entry = snap.analysis.entries.find((e) => e.kindKey.start === section.header.start);
  if (!kind || !entry) return null;
  const md = (value: string, span: { start: number; end: number }): Hover => ({ contents: { kind: MarkupKind.Markdown, value }, range: toRange(snap, span) });
  const option = section.options.find((o) => contains(o.keySpan, offset) || contains(o.valueSpan, offset));
  if (option) return md(keyMarkdown(snap, section, entry, kind, option), { start: option.keySpan.start, end: option.valueSpan.end });
  return md(sectionMarkdown(snap, section, entry, kind), section.header);
}
