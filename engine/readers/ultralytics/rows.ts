// One row of `backbone:` or `head:`: [from, repeats, module, args], checked and resolved the way
// parse_model reads it (string arguments name the file's keys or are Python literals).
import type { Analysis, Span } from '../../types';
import type { Report, Value } from '../../analyse/network';
import { didYouMean } from '../../kinds';
import type { RawNode } from '../yaml/raw';
import { plainValue } from '../yaml/values';
import { MODULES, UNMODELLED, type ModuleSpec } from './modules';

export interface Row {
  index: number;
  span: Span;
  /** The module name as written (its span is the row's kind key). */
  module: string;
  moduleSpan: Span;
  spec: ModuleSpec;
  /** Input rows: −1 is the model input; each with the span of the number written. */
  from: Array<{ row: number; span: Span }>;
  /** Whether `from` is a list (Concat, Detect) rather than one index. */
  fromList: boolean;
  /** `from` as written, as Python prints it (`-1`, `[-1, 6]`). */
  fromText: string;
  repeats: number;
  repeatsSpan: Span;
  args: unknown[];
  argSpans: Span[];
}

/** `None`, `True`, `False` and numbers written as strings are Python literals; other names are looked up. */
function resolveArg(v: unknown, names: Map<string, unknown>): unknown {
  if (typeof v !== 'string') return v;
  if (names.has(v)) return names.get(v);
  if (v === 'None') return null;
  if (v === 'True' || v === 'False') return v === 'True';
  if (/^[-+]?\d+(\.\d*)?([eE][-+]?\d+)?$/.test(v)) return Number(v);
  return v;
}

/** Reads row `index`; undefined after reporting what is wrong with it. */
export function readRow(node: RawNode, index: number, names: Map<string, unknown>, report: Report): Row | undefined {
  if (node.type !== 'seq' || node.items.length !== 4) {
    report('schema', 'A model row is [from, repeats, module, args], e.g. `- [-1, 1, Conv, [64, 3, 2]]`.', node.span);
    return undefined;
  }
  const [fromNode, repeatsNode, moduleNode, argsNode] = node.items;
  if (moduleNode.type !== 'scalar' || typeof moduleNode.value !== 'string') {
    report('schema', 'The third item of a row is the module name (Conv, C2f, nn.Upsample…).', moduleNode.span);
    return undefined;
  }
  const module = moduleNode.value;
  const spec = Object.prototype.hasOwnProperty.call(MODULES, module) ? MODULES[module] : undefined;
  if (!spec && Object.prototype.hasOwnProperty.call(UNMODELLED, module)) {
    report('unknownKind', `ConvLens does not model ${module}: ${UNMODELLED[module]} has no engine layer kind. This row's figures, every row that reads it and the model's totals are withheld (the totals shown are partial).`, moduleNode.span);
    return undefined;
  }
  if (!spec) {
    const suggestion = didYouMean(module, Object.keys(MODULES));
    report('unknownKind', `ConvLens does not know the module '${module}'${suggestion ? `; did you mean '${suggestion}'?` : '.'} It reads ${Object.keys(MODULES).join(', ')}. The figures of this row and of every row that reads it are withheld.`, moduleNode.span, undefined, suggestion ? { replacement: suggestion, what: 'module' } : undefined);
    return undefined;
  }
  const fromItems = fromNode.type === 'seq' ? fromNode.items : [fromNode];
  const from: Row['from'] = [];
  for (const f of fromItems) {
    if (f.type !== 'scalar' || typeof f.value !== 'number' || !Number.isInteger(f.value)) {
      report('schema', '`from` is a row index or a list of them (-1 is the previous row; other negatives count back).', f.span);
      return undefined;
    }
    const row = f.value < 0 ? index + f.value : f.value;
    if (f.value === -1) from.push({ row: index - 1, span: f.span });
    else if (row < 0 || row >= index) {
      report('unknownName', row >= index ? `Row ${index} cannot read row ${row}: a row reads only rows before it.` : `${f.value} reaches before the first row (this is row ${index}).`, f.span);
      return undefined;
    } else from.push({ row, span: f.span });
  }
  if (!from.length) {
    report('schema', '`from` lists no rows.', fromNode.span);
    return undefined;
  }
  const repeats = repeatsNode.type === 'scalar' ? repeatsNode.value : undefined;
  if (typeof repeats !== 'number' || !Number.isInteger(repeats) || repeats < 1) {
    report('badValue', '`repeats` must be a whole number ≥ 1.', repeatsNode.span);
    return undefined;
  }
  if (argsNode.type !== 'seq') {
    report('schema', 'The fourth item of a row is the list of module arguments, e.g. [64, 3, 2].', argsNode.span);
    return undefined;
  }
  return {
    index,
    span: node.span,
    module,
    moduleSpan: moduleNode.span,
    spec,
    from,
    fromList: fromNode.type === 'seq',
    fromText: fromNode.type === 'seq' ? `[${fromItems.map((f) => (f.type === 'scalar' ? f.value : '')).join(', ')}]` : String(fromNode.type === 'scalar' ? fromNode.value : ''),
    repeats,
    repeatsSpan: repeatsNode.span,
    args: argsNode.items.map((n) => resolveArg(plainValue(n), names)),
    argSpans: argsNode.items.map((n) => n.span),
  };
}

/** The model built at one image size: its analysis and, per row, what the row produced. */
export interface BuiltModel {
  analysis: Analysis;
  /** Per row: the row's output(s) (Detect has one per level); undefined when withheld. */
  outputs: Array<Value | Value[] | undefined>;
  rows: Array<Row | undefined>;
  /** Rows whose figures are withheld (unknown module, bad arguments, or reading such a row). */
  withheld: number;
  /** The model's PyTorch modules (see RowContext.modules), without the model itself. */
  modules: Set<string>;
}
