// How deep a YAML text nests, found by one linear scan before the `yaml` package reads it.
// The package parses nested collections recursively: 100,000 nested `[` or `- - - …`, or a
// 1,400-step indentation staircase, end in "Maximum call stack size exceeded" (after up to 0.8 s),
// which tells a user nothing. No network file nests more than a few levels, so a text beyond
// MAX_DEPTH is refused at once, located where it goes one level too deep.
import type { Finding } from '../../types';
import { CODES } from '../../codes';

/** The deepest nesting of collections ConvLens reads (the tree conversion refuses deeper ones too). */
export const MAX_DEPTH = 200;

/**
 * A located CL010 error when the text nests deeper than MAX_DEPTH, else undefined. Counted:
 * block levels (a stack of indentations), compact sequences opened on one line (`- - - x`) and
 * flow collections (`[`, `{`). Comments, quoted scalars and block scalars (`|`, `>`) are skipped.
 * The count errs towards too shallow (an apostrophe inside a plain scalar hides what follows
 * it on that line); the tree conversion's own limit still applies after parsing.
 */
export function nestsTooDeep(text: string): Finding | undefined {
  const tooDeep = (at: number): Finding => ({
    code: CODES.bounds.code,
    severity: 'error',
    message: `The document nests collections more than ${MAX_DEPTH} levels deep here; network files nest a few levels, so ConvLens refuses it.`,
    span: { start: at, end: Math.min(at + 1, text.length) },
  });
  let flow = 0;
  const indents: number[] = []; // the block levels open, by indentation
  let scalarIndent = -1; // inside a block scalar: its lines are indented more than this
  let i = 0;
  while (i < text.length) {
    let eol = lineEnd(text, i);
    let indent = 0;
    while (text[i + indent] === ' ') indent++;
    const first = text[i + indent];
    const blank = i + indent >= eol || first === '\r' || first === '#';
    if (scalarIndent >= 0 && (blank || indent > scalarIndent)) {
      i = eol + 1;
      continue;
    }
    scalarIndent = -1;
    if (flow === 0 && !blank) {
      while (indents.length && indents[indents.length - 1] >= indent) indents.pop();
      indents.push(indent);
    }
    let dashes = 0; // compact sequences opened on this line before its content
    let lineStart = flow === 0;
    let contentEnd = i; // just past the line's last character outside a comment
    for (let j = i + indent; j < eol; j++) {
      const c = text[j];
      const prev = j > 0 ? text[j - 1] : '\n';
      if (c === '#' && (prev === ' ' || prev === '\t' || prev === '\n')) break;
      if (c !== ' ' && c !== '\t' && c !== '\r') contentEnd = j + 1;
      if ((c === '"' || c === "'") && ' \t\n[{,:-?'.includes(prev)) {
        j = closingQuote(text, j);
        contentEnd = j + 1;
        if (j >= eol) eol = lineEnd(text, j); // a quoted scalar may span lines
        lineStart = false;
      } else if (c === '[' || c === '{') {
        flow++;
        if (indents.length + dashes + flow > MAX_DEPTH) return tooDeep(j);
        lineStart = false;
      } else if (c === ']' || c === '}') {
        if (flow > 0) flow--;
        lineStart = false;
      } else if (c === '-' && lineStart && (text[j + 1] === ' ' || text[j + 1] === '\r' || j + 1 === eol)) {
        if (indents.length + ++dashes > MAX_DEPTH) return tooDeep(j);
      } else if (c !== ' ' && c !== '\t' && c !== '\r') {
        lineStart = false;
      }
    }
    if (flow === 0 && BLOCK_SCALAR_HEADER.test(text.slice(Math.max(i, contentEnd - 8), contentEnd))) scalarIndent = indent;
    i = eol + 1;
  }
  return undefined;
}

/** `|` or `>` with optional chomping and indentation indicators, ending a line's content. */
const BLOCK_SCALAR_HEADER = /(^|[\s:-])[|>][-+0-9]*$/;

function lineEnd(text: string, from: number): number {
  const n = text.indexOf('\n', from);
  return n < 0 ? text.length : n;
}

/** The index of the quote that closes the scalar opened at `open` (or the text's end). */
function closingQuote(text: string, open: number): number {
  const q = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (q === '"' && text[i] === '\\') i++;
    else if (text[i] === q) {
      if (q === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return text.length;
}
