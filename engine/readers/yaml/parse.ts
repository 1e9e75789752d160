// Step 1: YAML text → a small tree of maps, lists and scalars, each with its exact source span.
// The `yaml` package does the parsing; this file only keeps what later steps need and turns
// YAML problems (syntax errors, alias bombs, giant integers) into located findings.
import { parseDocument, visit, isAlias, isMap, isPair, isScalar, isSeq, type Node as YamlNode, type Document } from 'yaml';
import type { Finding, Span } from '../../types';
import { CODES } from '../../codes';
import { fastParse } from './fastYaml';
import type { RawEntry, RawMap, RawNode, RawScalar } from './raw';
import { documentTooLarge } from '../size';
import { MAX_DEPTH, nestsTooDeep } from './nesting';

export interface ParseResult {
  root?: RawNode;
  findings: Finding[];
}

/** Budget of tree nodes, counting every alias expansion: refuses "billion laughs" documents. */
export const MAX_NODES = 1_000_000;

class NodeBudgetExceeded extends Error {}

export function parse(text: string): ParseResult {
  const tooLarge = documentTooLarge(text);
  if (tooLarge) return { findings: [tooLarge] };
  // Most network files are plain enough for the fast path; anything else goes through `yaml`.
  const fast = fastParse(text);
  if (fast) return { root: fast, findings: [] };
  return parseWithYaml(text);
}

/** The reference path: the `yaml` package's parser, with its errors as located findings. */
export function parseWithYaml(text: string): ParseResult {
  const findings: Finding[] = [];
  const tooDeep = nestsTooDeep(text);
  if (tooDeep) return { findings: [tooDeep] };
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { intAsBigInt: true, prettyErrors: false, uniqueKeys: true, strict: true });
  } catch (err) {
    findings.push(located(CODES.yamlSyntax.code, `YAML could not be read: ${(err as Error).message}`, { start: 0, end: Math.min(text.length, 1) }));
    return { findings };
  }
  for (const e of doc.errors) {
    // (The yaml package may place an error at the end of the text, one past its last character.)
    const start = Math.min(e.pos[0], text.length);
    const end = Math.min(Math.max(e.pos[1], start + 1), text.length);
    findings.push(located(CODES.yamlSyntax.code, `YAML syntax: ${firstLine(e.message)}`, { start, end }));
  }
  if (doc.errors.length) return { findings };
  if (!doc.contents) {
    findings.push(located(CODES.notANetwork.code, 'The document is empty: a network needs `input` and `layers`.', { start: 0, end: 0 }));
    return { findings };
  }

  let budget = MAX_NODES;
  // Alias.resolve walks the whole document for every alias (thousands of aliases: seconds):
  // one walk in document order finds each alias's anchor (the latest one defined before it).
  const resolved = new Map<YamlNode, YamlNode | undefined>();
  const anchors = new Map<string, YamlNode>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) resolved.set(node, anchors.get(node.source));
      else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  const convert = (node: YamlNode | null | undefined, fallback: Span, depth: number): RawNode => {
    if (--budget < 0) throw new NodeBudgetExceeded();
    if (depth > MAX_DEPTH) throw new NodeBudgetExceeded();
    if (node == null) return { type: 'scalar', value: null, quoted: false, span: fallback };
    if (isAlias(node)) {
      return convert(resolved.has(node) ? resolved.get(node) : (node.resolve(doc) as YamlNode | undefined), spanOf(node, fallback), depth + 1);
    }
    const span = spanOf(node, fallback);
    if (isScalar(node)) return scalar(node.value, node.type, span, findings);
    if (isMap(node)) {
      const entries: RawEntry[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        const keySpan = keyNode ? spanOf(keyNode, span) : span;
        const key = isScalar(keyNode) ? keyNode.value : undefined;
        if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'bigint') {
          findings.push(located(CODES.schema.code, 'Map keys must be plain names.', keySpan));
          continue;
        }
        let value = convert(pair.value as YamlNode | null, { start: keySpan.end, end: keySpan.end }, depth + 1);
        // An empty value (`batchnorm:`) sits right after its key, whatever spaces follow.
        if (value.type === 'scalar' && value.value === null && value.span.start === value.span.end) value = { ...value, span: { start: keySpan.end, end: keySpan.end } };
        entries.push({ key: String(key), keySpan, value, span: { start: keySpan.start, end: Math.max(keySpan.end, value.span.end) } });
      }
      // Block collections end where their last value ends (not after trailing comments/newlines).
      const end = node.flow || !entries.length ? span.end : entries[entries.length - 1].value.span.end;
      return { type: 'map', entries, flow: Boolean(node.flow), span: { start: span.start, end } };
    }
    if (isSeq(node)) {
      const items = node.items.map((item) => convert(item as YamlNode, span, depth + 1));
      const end = node.flow || !items.length ? span.end : items[items.length - 1].span.end;
      return { type: 'seq', items, flow: Boolean(node.flow), span: { start: span.start, end } };
    }
    findings.push(located(CODES.schema.code, 'Unsupported YAML node.', span));
    return { type: 'scalar', value: null, quoted: false, span };
  };

  try {
    return { root: convert(doc.contents as YamlNode, { start: 0, end: 0 }, 0), findings };
  } catch (err) {
    if (!(err instanceof NodeBudgetExceeded)) throw err;
    const span = { start: 0, end: Math.min(text.length, firstLineEnd(text)) };
    findings.push(located(CODES.bounds.code, `The document expands to more than ${MAX_NODES.toLocaleString('en-US')} YAML nodes or nests deeper than ${MAX_DEPTH} levels (aliases repeating aliases?): refused.`, span));
    return { findings };
  }
}

function scalar(value: unknown, type: string | undefined, span: Span, findings: Finding[]): RawScalar {
  const quoted = type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE';
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
      findings.push(located(CODES.bounds.code, `The integer ${value} is beyond 2^53 and cannot be represented exactly.`, span));
      return { type: 'scalar', value: null, quoted, span };
    }
    return { type: 'scalar', value: Number(value), quoted, span };
  }
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) > Number.MAX_SAFE_INTEGER) {
    // A float written as a whole number (1e308): as inexact as a giant integer literal.
    findings.push(located(CODES.bounds.code, `The number ${value} is beyond 2^53 and cannot be represented exactly.`, span));
    return { type: 'scalar', value: null, quoted, span };
  }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || value === null) {
    return { type: 'scalar', value, quoted, span };
  }
  return { type: 'scalar', value: String(value), quoted, span };
}

function spanOf(node: YamlNode, fallback: Span): Span {
  const r = (node as { range?: [number, number, number] | null }).range;
  return r ? { start: r[0], end: r[1] } : fallback;
}

function located(code: string, message: string, span: Span): Finding {
  return { code, severity: 'error', message, span };
}

const firstLine = (s: string) => s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
const firstLineEnd = (s: string) => (s.indexOf('\n') < 0 ? s.length : s.indexOf('\n'));

/** The text of a map entry, for messages and quick fixes. */
export function entryValue(map: RawMap, key: string): RawNode | undefined {
  return map.entries.find((e) => e.key === key)?.value;
}
