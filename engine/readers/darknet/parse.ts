// Step 1 for darknet: .cfg text → sections of `key=value` options with exact source spans.
// Darknet's reader (parser.c read_cfg, option_list.c read_option) deletes every space, tab, CR
// and LF from a line before it looks at it: `mask = 3, 4,5` is `mask=3,4,5`, `[ net ]` is
// `[net]`. A line starting with `[` opens a section, `#` and `;` start comment lines, anything
// else is `key=value` split at the first `=`. When a key repeats, darknet's option_find returns
// the first one, so later ones are dead text.
import type { Span } from '../../types';
import type { Report } from '../../analyse/network';

export interface CfgOption {
  /** The key as darknet compares it (whitespace deleted). */
  key: string;
  /** The value as darknet reads it (whitespace deleted; an inline `#…` is kept, as darknet keeps it). */
  value: string;
  keySpan: Span;
  /** From the first to the last non-blank character after `=`. */
  valueSpan: Span;
}

/** One `[type]` section and its options. */
export class CfgSection {
  /** Every option, in order. */
  readonly options: CfgOption[] = [];
  private readonly firsts = new Map<string, CfgOption>();

  constructor(
    /** The header as darknet compares it: `[convolutional]`. */
    readonly type: string,
    /** The header as written, first to last non-blank character. */
    readonly header: Span,
    /** The name between the brackets (what a did-you-mean replaces). */
    readonly name: Span,
    /** From the header to the end of its last option. */
    public span: Span,
  ) {}

  /** The option darknet reads for `key`: the first one. */
  option(key: string): CfgOption | undefined {
    return this.firsts.get(key);
  }

  /** Adds an option; returns the earlier one of the same key when there is one. */
  add(option: CfgOption): CfgOption | undefined {
    const earlier = this.firsts.get(option.key);
    if (!earlier) this.firsts.set(option.key, option);
    this.options.push(option);
    this.span = { start: this.span.start, end: option.valueSpan.end };
    return earlier;
  }
}

const BLANK = /[ \t\r\n]/g;
const isBlank = (c: string) => c === ' ' || c === '\t' || c === '\r';

/** The sections of a .cfg document; malformed lines and repeated keys are reported. */
export function parseCfg(text: string, report: Report): CfgSection[] {
  const sections: CfgSection[] = [];
  let current: CfgSection | undefined;
  let lineStart = 0;
  if (text.startsWith('\uFEFF')) {
    report('schema', 'This file starts with a byte-order mark, which darknet reads as part of the first line (it then fails); save it as UTF-8 without BOM. ConvLens reads on without it.', { start: 0, end: 1 });
    lineStart = 1;
  }
  while (lineStart <= text.length) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl;
    let first = lineStart;
    while (first < lineEnd && isBlank(text[first])) first++;
    let last = lineEnd;
    while (last > first && isBlank(text[last - 1])) last--;
    const c = text[first];
    if (first < last && c !== '#' && c !== ';') {
      const line: Span = { start: first, end: last };
      if (c === '[') {
        current = section(text, line);
        sections.push(current);
      } else if (!current) {
        report('schema', 'Darknet reads options inside a section: the file must start with a `[net]` section before any `key=value` line.', line);
      } else {
        const option = optionOf(text, line, report);
        if (option) {
          const earlier = current.add(option);
          if (earlier) {
            report('formatNote', `darknet reads only the first \`${option.key}=\` of a section (${earlier.value}); this one has no effect.`, line, [{ span: { start: earlier.keySpan.start, end: earlier.valueSpan.end }, message: 'the one darknet reads' }]);
          }
        }
      }
    }
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  return sections;
}

function section(text: string, header: Span): CfgSection {
  const raw = text.slice(header.start, header.end);
  const close = raw.indexOf(']');
  let s = header.start + 1;
  let e = close < 0 ? header.end : header.start + close;
  while (s < e && isBlank(text[s])) s++;
  while (e > s && isBlank(text[e - 1])) e--;
  return new CfgSection(raw.replace(BLANK, ''), header, { start: s, end: e }, { ...header });
}

function optionOf(text: string, line: Span, report: Report): CfgOption | undefined {
  const raw = text.slice(line.start, line.end);
  const eq = raw.indexOf('=');
  if (eq < 0) {
    report('schema', `Darknet options are \`key=value\` lines; \`${raw.slice(0, 60)}\` has no \`=\`.`, line);
    return undefined;
  }
  let keyEnd = line.start + eq;
  while (keyEnd > line.start && isBlank(text[keyEnd - 1])) keyEnd--;
  let valueStart = line.start + eq + 1;
  while (valueStart < line.end && isBlank(text[valueStart])) valueStart++;
  const key = raw.slice(0, eq).replace(BLANK, '');
  const value = raw.slice(eq + 1).replace(BLANK, '');
  if (!key) {
    report('schema', 'This option has no key before `=`.', line);
    return undefined;
  }
  if (!value) {
    // read_option refuses `key=` ("Config file error … could parse").
    report('schema', `\`${key}=\` has no value; darknet refuses the line.`, line);
    return undefined;
  }
  return { key, value, keySpan: { start: line.start, end: keyEnd }, valueSpan: { start: valueStart, end: line.end } };
}
