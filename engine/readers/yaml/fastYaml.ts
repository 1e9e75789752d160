// A fast path for the YAML that network files are made of: block maps and lists, one-line flow
// collections, plain and simply-quoted scalars, comments. The `yaml` package stays the reference
// (and handles everything else): this parser gives up — returns undefined — at the first thing
// outside that subset or anything doubtful, and a differential test checks that whatever it does
// accept gives exactly the tree the `yaml` path gives. Why: `yaml`'s full CST + AST costs ~25 ms
// on a 2,000-line file, too slow for re-analysing on every keystroke.
import type { RawEntry, RawNode, RawScalar } from './raw';

class Bail extends Error {}
const bail = (): never => {
  throw new Bail();
};

interface Line {
  /** Offset of the first character of the line. */
  start: number;
  /** Column of the first non-space character. */
  indent: number;
  /** Offset just past the content (comment and trailing spaces removed). */
  end: number;
}

const INDICATORS = new Set(['[', ']', '{', '}', ',', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);

export function fastParse(text: string): RawNode | undefined {
  try {
    return new FastParser(text).document();
  } catch (err) {
    if (err instanceof Bail) return undefined;
    throw err;
  }
}

class FastParser {
  private lines: Line[] = [];
  private i = 0;

  constructor(private readonly text: string) {
    let pos = 0;
    const n = text.length;
    if (text.charCodeAt(0) === 0xfeff || text.includes('\t') || text.includes('\r')) bail();
    while (pos <= n) {
      let eol = text.indexOf('\n', pos);
      if (eol < 0) eol = n;
      let lineEnd = eol;
      if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) bail(); // CRLF: leave to `yaml`
      let k = pos;
      while (k < lineEnd && text.charCodeAt(k) === 32) k++;
      if (k < lineEnd && text.charCodeAt(k) === 9) bail(); // tabs
      if (k < lineEnd && text.charCodeAt(k) !== 35 /* # */) {
        const c = text[k];
        if (c === '%' || (k === pos && (text.startsWith('---', k) || text.startsWith('...', k)))) bail();
        lineEnd = this.contentEnd(k, lineEnd);
        this.lines.push({ start: pos, indent: k - pos, end: lineEnd });
      }
      if (eol === n) break;
      pos = eol + 1;
    }
  }

  /** End of the content of a line: before a comment (` #`) and trailing spaces; respects quotes. */
  private contentEnd(from: number, to: number): number {
    const t = this.text;
    let quote = '';
    for (let k = from; k < to; k++) {
      const c = t[k];
      if (quote) {
        if (c === '\\' && quote === '"') bail();
        if (c === quote) {
          if (quote === "'" && t[k + 1] === "'") k++;
          else quote = '';
        }
      } else if ((c === '"' || c === "'") && (k === from || /[\s\[{,:\-]/.test(t[k - 1]))) quote = c;
      else if (c === '#' && k > from && (t[k - 1] === ' ')) {
        to = k;
        break;
      }
    }
    if (quote) bail(); // a quoted scalar over several lines
    while (to > from && t.charCodeAt(to - 1) === 32) to--;
    return to;
  }

  document(): RawNode | undefined {
    if (!this.lines.length) bail();
    const node = this.block(this.lines[0].indent, -1);
    if (this.i < this.lines.length) bail();
    return node;
  }

  /** A block node whose first line starts at column `indent` (> parent's column). */
  private block(indent: number, parentIndent: number): RawNode {
    const line = this.lines[this.i];
    if (!line || line.indent !== indent || indent <= parentIndent) bail();
    const s = line.start + line.indent;
    if (this.text[s] === '-' && (s + 1 === line.end || this.text[s + 1] === ' ')) return this.sequence(indent);
    return this.map(indent, s);
  }

  private sequence(indent: number): RawNode {
    const items: RawNode[] = [];
    const start = this.lines[this.i].start + indent;
    while (this.i < this.lines.length && this.lines[this.i].indent === indent) {
      const line = this.lines[this.i];
      const s = line.start + indent;
      if (this.text[s] !== '-' || !(s + 1 === line.end || this.text[s + 1] === ' ')) break;
      let k = s + 1;
      while (k < line.end && this.text[k] === ' ') k++;
      if (k === line.end) {
        // `-` alone: the item is the block below.
        this.i++;
        const next = this.lines[this.i];
        if (!next || next.indent <= indent) bail();
        items.push(this.block(next.indent, indent));
      } else if (this.text[k] === '-' && (k + 1 === line.end || this.text[k + 1] === ' ')) bail(); // `- - x`
      else if (this.isMapStart(k, line.end)) {
        // `- key: value` opens a map whose keys sit at this column.
        const col = k - line.start;
        this.lines[this.i] = { start: line.start, indent: col, end: line.end };
        items.push(this.map(col, k));
      } else {
        items.push(this.inlineValue(k, line.end));
        this.i++;
      }
    }
    const last = items[items.length - 1];
    return { type: 'seq', items, flow: false, span: { start, end: last.span.end } };
  }

  /** Whether the text at k is `key:` (followed by a space or the end of the content). */
  private isMapStart(k: number, end: number): boolean {
    return this.keyEnd(k, end) >= 0;
  }

  /** Offset of the `:` after a key starting at k, or −1. */
  private keyEnd(k: number, end: number): number {
    const t = this.text;
    const c = t[k];
    if (c === '"' || c === "'") {
      const close = this.quotedEnd(k, end);
      let j = close;
      while (j < end && t[j] === ' ') j++;
      return t[j] === ':' && (j + 1 === end || t[j + 1] === ' ') ? j : -1;
    }
    if (INDICATORS.has(c) || c === '?' || c === ':' || c === '-') {
      if (c === '-' && k + 1 < end && t[k + 1] !== ' ') {
        // a plain scalar may start with '-' followed by a non-space, e.g. -1
      } else if (c === '?' || c === ':') bail();
      else return -1;
    }
    for (let j = k; j < end; j++) {
      if (t[j] === ':' && (j + 1 === end || t[j + 1] === ' ')) return j;
    }
    return -1;
  }

  private quotedEnd(k: number, end: number): number {
    const t = this.text;
    const q = t[k];
    for (let j = k + 1; j < end; j++) {
      if (t[j] === q) {
        if (q === "'" && t[j + 1] === "'") {
          j++;
          continue;
        }
        return j + 1;
      }
    }
    return bail();
  }

  private map(indent: number, firstKey: number): RawNode {
    const entries: RawEntry[] = [];
    const seen = new Set<string>();
    while (this.i < this.lines.length && this.lines[this.i].indent === indent) {
      const line = this.lines[this.i];
      const k = line.start + indent;
      if (this.text[k] === '-' && (k + 1 === line.end || this.text[k + 1] === ' ')) break; // a sibling list item
      const colon = this.keyEnd(k, line.end);
      if (colon < 0) bail();
      const key = this.scalarAt(k, trimEnd(this.text, k, colon));
      if (key.value === null || typeof key.value === 'boolean' || (typeof key.value === 'number' && !Number.isInteger(key.value))) bail();
      const keyText = String(key.value);
      if (seen.has(keyText)) bail(); // duplicate keys: `yaml` reports them
      seen.add(keyText);
      let v = colon + 1;
      while (v < line.end && this.text[v] === ' ') v++;
      let value: RawNode;
      if (v === line.end) {
        this.i++;
        const next = this.lines[this.i];
        const nextFirst = next ? this.text[next.start + next.indent] : '';
        const nextIsItem = next && nextFirst === '-' && (next.start + next.indent + 1 === next.end || this.text[next.start + next.indent + 1] === ' ');
        if (next && next.indent > indent) value = this.block(next.indent, indent);
        else if (next && next.indent === indent && nextIsItem) value = this.sequence(indent);
        else {
          if (line.end !== lineContentEndRaw(this.text, line)) bail(); // `key:  # comment`: position rules differ
          value = { type: 'scalar', value: null, quoted: false, span: { start: key.span.end, end: key.span.end } };
        }
      } else {
        if (this.text[v] === '-' && (v + 1 === line.end || this.text[v + 1] === ' ')) bail();
        value = this.inlineValue(v, line.end);
        this.i++;
        const next = this.lines[this.i];
        if (next && next.indent > indent) bail(); // continuation lines (multi-line scalars)
      }
      entries.push({ key: keyText, keySpan: key.span, value, span: { start: key.span.start, end: Math.max(key.span.end, value.span.end) } });
    }
    if (!entries.length) bail();
    const last = entries[entries.length - 1];
    return { type: 'map', entries, flow: false, span: { start: firstKey, end: last.value.span.end } };
  }

  /** A value on the rest of a line: a one-line flow collection or a scalar. */
  private inlineValue(k: number, end: number): RawNode {
    const c = this.text[k];
    if (c === '[' || c === '{') {
      const flow = new FlowParser(this.text, k, end, this);
      const node = flow.value();
      flow.skipSpaces();
      if (flow.pos !== end) bail();
      return node;
    }
    if (c !== '"' && c !== "'") {
      if (INDICATORS.has(c) || c === '?' || (c === ':' && (k + 1 === end || this.text[k + 1] === ' '))) bail();
      for (let j = k; j < end; j++) if (this.text[j] === ':' && (j + 1 === end || this.text[j + 1] === ' ')) bail();
    } else if (this.quotedEnd(k, end) !== end) bail();
    return this.scalarAt(k, end);
  }

  /** The scalar written in [start, end): quoted or plain, resolved with YAML 1.2's core schema. */
  scalarAt(start: number, end: number): RawScalar {
    const raw = this.text.slice(start, end);
    const span = { start, end };
    const q = raw[0];
    if (q === '"' || q === "'") {
      if (raw.length < 2 || raw[raw.length - 1] !== q) bail();
      const body = raw.slice(1, -1);
      if (q === '"' && body.includes('\\')) bail();
      return { type: 'scalar', value: q === "'" ? body.replace(/''/g, "'") : body, quoted: true, span };
    }
    return { type: 'scalar', value: resolvePlain(raw), quoted: false, span };
  }
}

/** Flow collections on one line: `{out: 64, kernel: [3, 1]}`. */
class FlowParser {
  pos: number;
  private depth = 0;
  constructor(private readonly t: string, start: number, private readonly end: number, private readonly owner: FastParser) {
    this.pos = start;
  }
  skipSpaces() {
    while (this.pos < this.end && this.t[this.pos] === ' ') this.pos++;
  }
  value(): RawNode {
    this.skipSpaces();
    const c = this.t[this.pos];
    if (c === '[') return this.seq();
    if (c === '{') return this.map();
    return this.scalar();
  }
  private seq(): RawNode {
    if (++this.depth > 50) bail();
    const start = this.pos++;
    const items: RawNode[] = [];
    for (;;) {
      this.skipSpaces();
      if (this.t[this.pos] === ']') break;
      const item = this.value();
      this.skipSpaces();
      if (this.t[this.pos] === ':') bail(); // `[a: b]` single-pair maps
      items.push(item);
      if (this.t[this.pos] === ',') {
        this.pos++;
        continue;
      }
      if (this.t[this.pos] === ']') break;
      bail();
    }
    this.pos++;
    this.depth--;
    return { type: 'seq', items, flow: true, span: { start, end: this.pos } };
  }
  private map(): RawNode {
    if (++this.depth > 50) bail();
    const start = this.pos++;
    const entries: RawEntry[] = [];
    const seen = new Set<string>();
    for (;;) {
      this.skipSpaces();
      if (this.t[this.pos] === '}') break;
      const c = this.t[this.pos];
      if (c === '[' || c === '{') bail();
      const key = this.scalar();
      if (key.value === null || typeof key.value === 'boolean') bail();
      const keyText = String(key.value);
      if (seen.has(keyText)) bail();
      seen.add(keyText);
      this.skipSpaces();
      if (this.t[this.pos] !== ':') bail();
      this.pos++;
      if (this.t[this.pos] !== ' ') bail(); // `{a:1}` and `{a:}`: leave the fine print to `yaml`
      this.skipSpaces();
      const nc = this.t[this.pos];
      if (nc === ',' || nc === '}') bail();
      const value = this.value();
      entries.push({ key: keyText, keySpan: key.span, value, span: { start: key.span.start, end: value.span.end } });
      this.skipSpaces();
      if (this.t[this.pos] === ',') {
        this.pos++;
        continue;
      }
      if (this.t[this.pos] === '}') break;
      bail();
    }
    this.pos++;
    this.depth--;
    return { type: 'map', entries, flow: true, span: { start, end: this.pos } };
  }
  private scalar(): RawScalar {
    const t = this.t;
    const start = this.pos;
    const c = t[start];
    if (c === '"' || c === "'") {
      let j = start + 1;
      for (; j < this.end; j++) {
        if (t[j] === c) {
          if (c === "'" && t[j + 1] === "'") {
            j++;
            continue;
          }
          break;
        }
      }
      if (j >= this.end) bail();
      this.pos = j + 1;
      return this.owner.scalarAt(start, this.pos);
    }
    if (INDICATORS.has(c) || c === '?' || c === ':' || c === '-' && (t[start + 1] === ' ' || t[start + 1] === ',')) bail();
    let j = start;
    while (j < this.end) {
      const ch = t[j];
      if (ch === ',' || ch === ']' || ch === '}' || ch === '[' || ch === '{') break;
      if (ch === ':' && (t[j + 1] === ' ' || t[j + 1] === ',' || t[j + 1] === ']' || t[j + 1] === '}' || j + 1 === this.end)) break;
      if (ch === '#' && t[j - 1] === ' ') bail();
      j++;
    }
    let e = j;
    while (e > start && t[e - 1] === ' ') e--;
    if (e === start) bail();
    this.pos = e;
    return this.owner.scalarAt(start, e);
  }
}

function trimEnd(t: string, from: number, to: number): number {
  while (to > from && t[to - 1] === ' ') to--;
  return to;
}

/** Offset past the last non-space character of a line, comments included. */
function lineContentEndRaw(t: string, line: Line): number {
  let e = t.indexOf('\n', line.start);
  if (e < 0) e = t.length;
  while (e > line.start && t[e - 1] === ' ') e--;
  return e;
}

const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** YAML 1.2 core schema for plain scalars (what `yaml` does by default). */
function resolvePlain(s: string): string | number | boolean | null {
  switch (s) {
    case '':
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
    case '.inf':
    case '.Inf':
    case '.INF':
    case '+.inf':
    case '+.Inf':
    case '+.INF':
      return Infinity;
    case '-.inf':
    case '-.Inf':
    case '-.INF':
      return -Infinity;
    case '.nan':
    case '.NaN':
    case '.NAN':
      return NaN;
  }
  const c = s[0];
  if ((c >= '0' && c <= '9') || c === '-' || c === '+' || c === '.') {
    if (INT.test(s)) {
      if (s.replace(/^[-+]/, '').length > 15) bail(); // big integers: the `yaml` path reports them
      return Number(s);
    }
    if (FLOAT.test(s)) {
      const v = parseFloat(s);
      if (Math.abs(v) > Number.MAX_SAFE_INTEGER) bail(); // 1e308: the `yaml` path reports it
      return v;
    }
    if (/^0[ox]/i.test(s)) bail();
  }
  return s;
}
