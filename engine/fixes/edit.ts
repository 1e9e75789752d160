// Text-edit helpers for quick fixes: set or insert a layer argument without breaking the YAML
// (flow maps stay flow maps, block maps get a new line at the right indentation, a bare
// `- conv` becomes `- conv: {arg: value}`), and render values the way a person writes them.
import type { LayerOrigin, Span, TextEdit } from '../types';
import { parse } from '../readers/yaml/parse';
import type { RawEntry, RawNode, RawSeq } from '../readers/yaml/raw';

/** `3`, or `[3, 5]` when the axes differ. */
export function renderAxes(values: number[]): string {
  return values.every((v) => v === values[0]) ? String(values[0]) : `[${values.join(', ')}]`;
}

/** Padding pairs as written: `1`, `[1, 2]`, or `[[0, 1], [0, 1]]` when a side differs. */
export function renderPadding(pairs: Array<[number, number]>): string {
  if (pairs.every(([a, b]) => a === b)) return renderAxes(pairs.map(([a]) => a));
  return `[${pairs.map(([a, b]) => `[${a}, ${b}]`).join(', ')}]`;
}

/** True when the value at `span` is a `$` expression (fixes leave expressions alone). */
export function isExpressionText(text: string, span: Span): boolean {
  return /^["']?\$/.test(text.slice(span.start, span.end).trim());
}

interface Located {
  /** The map entry `conv: {…}` whose key is the kind key. */
  entry?: RawEntry;
  /** A bare `- conv` list item. */
  bare?: RawNode;
  /** The list holding the layer entry and the entry's index in it. */
  seq?: RawSeq;
  index?: number;
}

/** Finds the layer entry whose kind key starts at `kindKey.start`. */
export function locate(text: string, kindKey: Span): Located {
  const root = parse(text).root;
  let found: Located = {};
  const walk = (node: RawNode, seq?: RawSeq, index?: number): boolean => {
    if (node.type === 'scalar') {
      if (seq && node.span.start === kindKey.start) {
        found = { bare: node, seq, index };
        return true;
      }
      return false;
    }
    if (node.type === 'seq') return node.items.some((item, i) => walk(item, node, i));
    for (const e of node.entries) {
      if (e.keySpan.start === kindKey.start) {
        found = { entry: e, seq, index };
        return true;
      }
    }
    return node.entries.some((e) => walk(e.value));
  };
  if (root) walk(root);
  return found;
}

function trimEnd(text: string, end: number, start: number): number {
  while (end > start && /\s/.test(text[end - 1])) end--;
  return end;
}

/** Sets argument `name` of the layer at `origin` to `value` (replacing or inserting it). */
export function setArg(text: string, origin: LayerOrigin, name: string, value: string): TextEdit[] | undefined {
  const existing = origin.args[name];
  if (existing) {
    if (isExpressionText(text, existing.value)) return undefined;
    return [{ span: existing.value, newText: value }];
  }
  const loc = locate(text, origin.kindKey);
  if (loc.bare) {
    const kind = text.slice(loc.bare.span.start, loc.bare.span.end);
    return [{ span: loc.bare.span, newText: `${kind}: {${name}: ${value}}` }];
  }
  const e = loc.entry;
  if (!e) return undefined;
  const v = e.value;
  if (v.type === 'map') {
    if (v.flow) {
      if (!v.entries.length) {
        const close = text.lastIndexOf('}', v.span.end);
        return [{ span: { start: close, end: close }, newText: `${name}: ${value}` }];
      }
      const last = v.entries[v.entries.length - 1];
      const end = trimEnd(text, last.value.span.end, last.keySpan.end);
      return [{ span: { start: end, end }, newText: `, ${name}: ${value}` }];
    }
    const first = v.entries[0];
    const lineStart = text.lastIndexOf('\n', first.keySpan.start - 1) + 1;
    const indent = text.slice(lineStart, first.keySpan.start).replace(/[^\s]/g, ' ');
    const last = v.entries[v.entries.length - 1];
    const end = trimEnd(text, Math.max(last.value.span.end, last.keySpan.end), last.keySpan.start);
    return [{ span: { start: end, end }, newText: `\n${indent}${name}: ${value}` }];
  }
  if (v.type === 'scalar' && v.value === null) {
    // `- conv:` with no arguments (maybe followed by `name:` lines).
    const colon = text.indexOf(':', e.keySpan.end);
    if (colon < 0 || text.slice(e.keySpan.end, colon).trim() !== '') return undefined;
    return [{ span: { start: colon + 1, end: colon + 1 }, newText: ` {${name}: ${value}}` }];
  }
  return undefined;
}

/** Inserts a new list entry `entryText` just before the entry whose kind key is at `kindKey`. */
export function insertEntryBefore(text: string, kindKey: Span, entryText: string): TextEdit[] | undefined {
  const loc = locate(text, kindKey);
  if (!loc.seq || loc.index === undefined) return undefined;
  const item = loc.seq.items[loc.index];
  if (loc.seq.flow) return [{ span: { start: item.span.start, end: item.span.start }, newText: `${entryText}, ` }];
  let dash = item.span.start - 1;
  while (dash >= 0 && text[dash] === ' ') dash--;
  if (text[dash] !== '-') return undefined;
  const lineStart = text.lastIndexOf('\n', dash - 1) + 1;
  const indent = text.slice(lineStart, dash);
  if (indent.trim() !== '') return undefined;
  return [{ span: { start: dash, end: dash }, newText: `- ${entryText}\n${indent}` }];
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}
