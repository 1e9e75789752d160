// The Ultralytics YOLO model reader: `backbone:` and `head:` rows of [from, repeats, module,
// args] (YOLOv5/v8/11 detection configs), scaled and built exactly as parse_model does
// (ultralytics/nn/tasks.py; the yolov5 repository's models/yolo.py for files with anchors), each
// module expanded into engine layers named after its PyTorch modules. The totals Ultralytics
// prints (model.info(): parameters, GFLOPs) are computed beside ConvLens's own (native.ts).
import type { Analysis, EntryResult, LayerOrigin, NameReference, Span } from '../../types';
import { NetworkBuilder, TooManyLayers, type Report, type Value } from '../../analyse/network';
import { identityField, summarise } from '../../analyse/receptiveField';
import { parse } from '../yaml/parse';
import { CODES } from '../../codes';
import type { RawMap, RawNode } from '../yaml/raw';
import type { ReadOptions } from '../options';
import { readConfig, type ModelConfig, type ScaleChoice } from './config';
import { readRow, type BuiltModel, type Row } from './rows';
import { ArgError, DFL_PARAMETERS, type ModelContext } from './modules';
import { Scope, Withheld } from './scope';
import { makeDivisible, pyRepr, scaledRepeats } from './python';
import { nativeFigures } from './native';
import { formatCall, signatureFor } from './call';

export const DEFAULT_IMAGE_SIZE = 640;

/** The analysis of an Ultralytics model file, with the totals Ultralytics prints in `native`. */
export function readUltralytics(text: string, options: ReadOptions): Analysis {
  const net = new NetworkBuilder();
  const parsed = parse(text);
  // An empty document: say what an Ultralytics model holds (the YAML step knows only cnn-yaml's keys).
  net.findings.push(...parsed.findings.map((f) => (f.code === CODES.notANetwork.code ? { ...f, message: 'The document is empty: an Ultralytics model is a YAML map with `nc` and the `backbone:` and `head:` lists of rows [from, repeats, module, args].' } : f)));
  const root = parsed.root;
  const empty = net.start();
  if (!root) return net.finish(empty);
  if (root.type !== 'map') {
    net.report('schema', 'An Ultralytics model file is a YAML map with `backbone:` and `head:` lists.', root.span);
    return net.finish(empty);
  }
  const { config, choice } = readConfig(root, options.fileName, options.scale, net.report);
  reportScale(config, choice, options.fileName, net.report);
  const rows = rowNodes(root, net.report);
  const requested = options.imageSize ?? DEFAULT_IMAGE_SIZE;
  const read = [...net.findings];
  let imageSize = requested;
  let built = buildModel(rows, config, imageSize, net, options.fileName);
  // check_imgsz: Ultralytics rounds the image size up to a multiple of the model's largest stride
  // (measured on a 256×256 input, at least 32), with a warning; the same here, with a note. A
  // multiple of 128 (640) suits every stride up to P7's: no second build for a file with errors.
  const measured = () => (requested % 128 === 0 ? undefined : modelStride(buildModel(rows, config, 256, new NetworkBuilder(), options.fileName), 256));
  const stride = modelStride(built, requested) ?? measured() ?? 32;
  if (requested % stride !== 0) {
    imageSize = Math.ceil(requested / stride) * stride;
    const again = new NetworkBuilder();
    again.findings.push(...read);
    const at = root.entries.find((e) => e.key === 'backbone')?.keySpan ?? { start: root.span.start, end: root.span.start };
    again.report('formatNote', `Analysed at ${imageSize}×${imageSize}: Ultralytics rounds the image size ${requested} up to a multiple of the model's largest stride, ${stride} (check_imgsz: "imgsz=${requested} must be multiple of max stride ${stride}, updating to ${imageSize}").`, at);
    built = buildModel(rows, config, imageSize, again, options.fileName);
  }
  if (config.scale && choice.from !== 'none') built.analysis.scale = { name: config.scale, choices: config.scales, from: choice.from };
  built.analysis.sections = root.entries.filter((e) => (e.key === 'backbone' || e.key === 'head') && e.value.type === 'seq').map((e) => ({ name: e.key, keySpan: e.keySpan, span: e.span }));
  if (built.analysis.layers.length) {
    built.analysis.native = nativeFigures(built, config, imageSize, (size) => buildModel(rows, config, size, new NetworkBuilder(), options.fileName));
  }
  return built.analysis;
}

/** The model's largest stride as Ultralytics measures it (at least 32); undefined when the build at this size was withheld. */
function modelStride(built: BuiltModel, size: number): number | undefined {
  if (built.withheld > 0 || !built.analysis.layers.length) return undefined;
  const last = built.outputs[built.outputs.length - 1];
  const levels = Array.isArray(last) ? last : [];
  // Strides are powers of two; a level of h rows on `size` pixels has stride ≈ size / h.
  return Math.max(32, ...levels.map((v) => 2 ** Math.round(Math.log2(size / v.shape![1]))));
}

/** `backbone` then `head`: the rows, numbered in that order as parse_model numbers them. */
function rowNodes(root: RawMap, report: Report): RawNode[] {
  const out: RawNode[] = [];
  for (const key of ['backbone', 'head']) {
    const e = root.entries.find((x) => x.key === key);
    if (!e) report('schema', `The model has no \`${key}:\` list of rows.`, { start: root.span.start, end: root.span.start + 1 });
    else if (e.value.type !== 'seq') report('schema', `\`${key}\` must be a list of rows [from, repeats, module, args].`, e.value.span);
    else out.push(...e.value.items);
  }
  return out;
}

/** Says which scale the figures are for when the file name does not (Ultralytics warns the same way). */
function reportScale(config: ModelConfig, choice: ScaleChoice, fileName: string | undefined, report: Report): void {
  if (!config.scalesSpan || choice.from === 'file name') return;
  const how = choice.from === 'setting' ? 'the chosen scale' : `the first of \`scales\`, as Ultralytics assumes when the file name carries none`;
  const other = config.scales.find((s) => s !== config.scale) ?? config.scale;
  const base = (fileName ?? '').split(/[\\/]/).pop() ?? '';
  // yolo11.yaml → yolo11s.yaml: the scale letter goes right after the version, as Ultralytics reads it.
  const m = /^(.*?yolo(?:e-)?v?\d+)(.*)$/.exec(base);
  const example = m ? `${m[1]}${other}${m[2]}` : `yolov8${other}.yaml`;
  if (config.scales.length === 1) return report('ultralyticsScale', `Figures for scale '${config.scale}', the only one in \`scales\`.`, config.scalesSpan, undefined, { scales: config.scales, scale: config.scale });
  report('ultralyticsScale', `Figures for scale '${config.scale}' (${how}). Name the file after a scale (${example} → '${other}') or pick one: ${config.scales.join(', ')}.`, config.scalesSpan, undefined, { scales: config.scales, scale: config.scale });
}

/** parse_model's loop: channel bookkeeping, depth and width gains, then each module's layers. */
export function buildModel(nodes: RawNode[], config: ModelConfig, imageSize: number, net: NetworkBuilder, fileName?: string): BuiltModel {
  const analysis = net.start();
  const input = [config.channels, imageSize, imageSize];
  analysis.input = input;
  analysis.name = fileName ? (fileName.split(/[\\/]/).pop() ?? '').replace(/\.[^.]*$/, '').replace(/^yolo/, 'YOLO') : 'Ultralytics model';
  const inputValue: Value = { index: -1, shape: input, name: 'input', rf: { kind: 'local', axes: [identityField(), identityField()], summary: summarise([identityField(), identityField()]) } };
  const context: ModelContext = { legacy: true, v5: config.v5 };
  const outputs: BuiltModel['outputs'] = [];
  const rows: BuiltModel['rows'] = [];
  // parse_model's channel list; a CBLinear row's entry is its list of channels.
  const ch: Array<number | number[] | undefined> = [config.channels];
  const references: NameReference[] = [];
  let withheld = 0;
  const entries: EntryResult[] = [];
  const modules = new Set<string>();
  try {
    nodes.forEach((node, i) => {
      const row = readRow(node, i, config.names, net.report);
      rows.push(row);
      const result = row ? buildRow(row, config, context, ch, outputs, inputValue, net, entries, modules) : undefined;
      outputs.push(result?.value);
      if (i === 0) ch.length = 0;
      ch.push(result?.c2);
      if (!result?.value) withheld++;
      for (const f of row?.from ?? []) if (f.row >= 0 && rows[f.row]) references.push({ name: `model.${f.row}`, span: f.span, target: rows[f.row]!.moduleSpan, kind: 'layer' });
    });
  } catch (err) {
    if (!(err instanceof TooManyLayers)) throw err;
    net.report('bounds', 'The model expands to more than the layer limit (check the repeats and scales); analysis stopped there.', nodes[0]?.span ?? { start: 0, end: 0 });
  }
  analysis.entries = entries;
  analysis.rowCount = nodes.length;
  analysis.references = references;
  analysis.definitions = rows.flatMap((r) => (r ? [{ name: `model.${r.index}`, span: r.moduleSpan, entry: r.span }] : []));
  const last = outputs[outputs.length - 1];
  const finals = Array.isArray(last) ? last : last ? [last] : [];
  analysis.outputs = finals.map((v) => ({ name: v.name, shape: v.shape, index: v.index }));
  return { analysis: net.finish(analysis), outputs, rows, withheld, modules };
}

function buildRow(row: Row, config: ModelConfig, context: ModelContext, ch: Array<number | number[] | undefined>, outputs: BuiltModel['outputs'], inputValue: Value, net: NetworkBuilder, entries: EntryResult[], modules: Set<string>): { value: Value | Value[]; c2: number | number[] } | undefined {
  const spec = row.spec;
  const report = net.report;
  const valueOf = (r: number): Value | undefined => {
    if (r < 0) return inputValue;
    const v = outputs[r];
    return Array.isArray(v) ? undefined : v;
  };
  // Heads read every level of their rows; CBFuse reads CBLinear's lists; other modules one map per row.
  const whole = spec.role === 'detect' || spec.role === 'cbfuse';
  const several = row.from.find((f) => f.row >= 0 && Array.isArray(outputs[f.row]));
  if (several && !whole) {
    const what = severalCount(outputs, several.row);
    report('schema', `Row ${several.row} outputs ${what} maps (one per level or split); ${row.module} reads one map per row, as in PyTorch this row would fail. Read one of its inputs instead.`, several.span);
    return undefined;
  }
  const inputs = row.from.map((f) => (whole && f.row >= 0 && Array.isArray(outputs[f.row]) ? (outputs[f.row] as Value[])[0] : valueOf(f.row)));
  if (inputs.some((v) => !v?.shape)) return undefined; // reads a withheld row: its own figures are withheld too
  // parse_model's channel list: the input's channels until row 0 is built, then one per row.
  const chOf = (r: number) => (r < 0 ? config.channels : ch[r]);
  const firstCh = chOf(row.from[0].row);
  if (firstCh === undefined) return undefined;
  const c1 = typeof firstCh === 'number' ? firstCh : NaN;

  // parse_model: depth gain, width gain, the repeats inside repeat modules.
  let n = scaledRepeats(row.repeats, config.depth);
  const scaled = n;
  let args = [...row.args];
  let argSpans: Array<Span | undefined> = [...row.argSpans];
  let c2: number | number[] = c1;
  if (spec.role === 'base' || spec.role === 'repeat') {
    const raw = args[0];
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1) {
      report('badValue', `The first argument of ${row.module} is its output channels, a whole number ≥ 1; got ${JSON.stringify(raw ?? null)}.`, row.argSpans[0] ?? row.moduleSpan);
      return undefined;
    }
    c2 = raw;
    if (raw !== (config.v5 ? anchorOutputs(config) : config.nc)) {
      c2 = config.v5 ? makeDivisible(raw * config.width, config.channelMultiple) : makeDivisible(Math.min(raw, config.maxChannels) * config.width, 8);
    }
    args = [c1, c2, ...args.slice(1)];
    argSpans = [undefined, row.argSpans[0], ...row.argSpans.slice(1)];
    if (spec.role === 'repeat') {
      args.splice(2, 0, n);
      argSpans.splice(2, 0, row.repeatsSpan);
      n = 1;
    }
    if (row.module === 'C3k2') {
      context.legacy = false;
      if ('mlx'.includes(config.scale) && config.scale) {
        if (args.length > 3) args[3] = true;
        else {
          report('schema', `parse_model sets C3k2's c3k argument for scale '${config.scale}', but this row gives none (Ultralytics fails with an IndexError); add it, e.g. [${row.args[0]}, False].`, row.moduleSpan);
          return undefined;
        }
      }
    }
  } else if (spec.role === 'concat') {
    const cs = row.from.map((f) => chOf(f.row));
    if (cs.some((c) => typeof c !== 'number')) return undefined;
    c2 = (cs as number[]).reduce((a, b) => a + b, 0);
  } else if (spec.role === 'detect') {
    const levels = row.from.map((f) => outputs[f.row]);
    if (levels.some((v) => !v || Array.isArray(v))) return undefined;
    args.push(row.from.map((f) => chOf(f.row)));
    // parse_model scales Segment's prototype channels like any width (yolov5: its 4th argument).
    if (row.module === 'Segment') {
      const at = config.v5 ? 3 : 2;
      const npr = args[at] ?? 256;
      if (typeof npr === 'number' && Number.isInteger(npr)) args[at] = config.v5 ? makeDivisible(npr * config.width, config.channelMultiple) : makeDivisible(Math.min(npr, config.maxChannels) * config.width, 8);
    }
  } else if (spec.role === 'batchnorm') args = [c1];
  else if (spec.role === 'cblinear') {
    c2 = Array.isArray(args[0]) ? (args[0] as number[]) : [];
    args = [c1, ...args];
    argSpans = [undefined, ...row.argSpans];
  } else if (spec.role === 'resnet') {
    const [c, first] = [args[1], args[3]];
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 1) {
      report('badValue', `The second argument of ${row.module} is its channels, a whole number ≥ 1; got ${JSON.stringify(c ?? null)}.`, row.argSpans[1] ?? row.moduleSpan);
      return undefined;
    }
    c2 = first ? c : 4 * c;
  } else if (spec.role === 'cbfuse') {
    const last = chOf(row.from[row.from.length - 1].row);
    if (last === undefined) return undefined;
    c2 = last;
  }

  const origin: LayerOrigin = {
    entry: row.span,
    kindKey: row.moduleSpan,
    innerEntry: row.span,
    blockPath: [{ block: row.module, use: row.span, definition: row.span }],
    args: conventionalArgSpans(row.module, argSpans),
  };
  const entry: EntryResult = { span: row.span, kindKey: row.moduleSpan, name: `model.${row.index}`, kind: row.module, isBlock: true, instances: n, layers: [], params: 0, buffers: 0, macs: 0, inputShape: inputs[0]!.shape, repeats: { written: row.repeats, scaled }, listing: { index: row.index, from: row.fromText, arguments: pyRepr(args) } };
  entry.signature = signatureFor(spec.signature, config.v5);
  entry.call = formatCall(row.module, entry.signature, args);
  entries.push(entry);
  const first = net.layers.length;
  const scope = new Scope({ net, origin, activation: config.activation, modules }, `model.${row.index}`, origin.args);
  scope.module('');
  try {
    let value: Value | Value[] = inputs as Value[];
    for (let j = 0; j < n; j++) {
      const s = n > 1 ? scope.child(j) : scope;
      const xs = Array.isArray(value) ? value : [value];
      const wholeRows = row.from.map((f) => (f.row < 0 ? inputValue : outputs[f.row]!));
      value = spec.build(s, spec.role === 'detect' ? (wholeRows as Value[]) : xs, args, context, wholeRows);
    }
    net.credit(entry, first);
    entry.isBlock = entry.layers.length > 1;
    if (spec.head && !config.v5) net.addDetachedParameters(entry, DFL_PARAMETERS);
    const outs = Array.isArray(value) ? value : [value];
    entry.shape = outs[outs.length - 1].shape;
    if (outs.length > 1) entry.outputs = outs.map((v) => v.shape!);
    entry.rf = outs[0].rf;
    if (spec.role === 'detect') c2 = c1;
    // CBLinear's list stays a list (CBFuse indexes it), even with one map.
    return { value: Array.isArray(value) && value.length === 1 && spec.role !== 'cblinear' ? value[0] : value, c2 };
  } catch (err) {
    net.credit(entry, first);
    if (err instanceof ArgError) {
      // "argument 3" counts the constructor's arguments (c1 first); the user wrote the row's.
      const name = parameterNames(spec.signature)[err.index];
      const written = row.argSpans.indexOf(argSpans[err.index]!);
      const message = name ? err.message.replace(/^argument \d+/, `\`${name}\`${written >= 0 ? ` (argument ${written + 1} of the row)` : ''}`) : err.message;
      report('badValue', `${row.module}: ${message}.`, argSpans[err.index] ?? row.moduleSpan);
      return undefined;
    }
    if (err instanceof Withheld) return undefined;
    throw err;
  }
}

/** The parameter names of a constructor signature: `Conv(c1, c2, k=1, …)` → c1, c2, k, … */
function parameterNames(signature: string): string[] {
  const head = signature.split('  ·')[0];
  const inner = head.slice(head.indexOf('(') + 1, head.lastIndexOf(')')).replace(/\([^()]*\)/g, '');
  return inner.split(',').map((p) => p.trim().split('=')[0]);
}

/** How many maps a row with several outputs has, for the message. */
function severalCount(outputs: BuiltModel['outputs'], r: number): string {
  const v = outputs[r];
  return Array.isArray(v) ? String(v.length) : 'several';
}

/** yolov5 leaves a row's channels unscaled when they equal the detection outputs (anchors·(nc + 5)). */
function anchorOutputs(config: ModelConfig): number {
  const anchors = config.names.get('anchors');
  const na = Array.isArray(anchors) && Array.isArray(anchors[0]) ? Math.floor(anchors[0].length / 2) : typeof anchors === 'number' ? anchors : 0;
  return na * (config.nc + 5);
}

/** Engine argument names → the row arguments that set them, so a finding points at the number written. */
function conventionalArgSpans(module: string, spans: Array<Span | undefined>): LayerOrigin['args'] {
  const names: Record<string, string[]> = {
    Conv: ['', 'out', 'kernel', 'stride', 'padding', 'groups', 'dilation'],
    DWConv: ['', 'out', 'kernel', 'stride', 'dilation'],
  };
  const out: LayerOrigin['args'] = {};
  (names[module] ?? []).forEach((name, i) => {
    const span = spans[i];
    if (name && span) out[name] = { key: span, value: span };
  });
  return out;
}
