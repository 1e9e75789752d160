// Explanations of a layer's figures as arithmetic a reader can check by hand: the output size per
// axis with the formula filled in (`⌊(56 + 1 + 1 − 3)/2⌋ + 1 = 28`), the parameter and MAC
// formulas, and the receptive-field recurrence (r ← r + (K − 1)·j, j ← j·s, start ← start − p₀·j).
// Pure: the language server's hover, the CLI and the webview all print these lines.
import type { Analysis, EntryResult, FieldSummary, LayerResult, Rational, ReceptiveField, Shape } from './types';
import { formatRational, mul, rational } from './analyse/rational';
import { formatField } from './analyse/receptiveField';

export interface LayerExplanation {
  name: string;
  kind: string;
  /** `3×224×224` (several inputs joined with ` + `), or `?` when unknown. */
  input: string;
  output: string;
  /** Output size per spatial axis (or channels/features), formula filled in. */
  shapeLines: string[];
  /** Parameter count as a formula, e.g. `64·3·7·7 = 9,408`. */
  params: string;
  /** MACs as a formula, or undefined for layers without multiply-accumulates. */
  macs?: string;
  /** Receptive-field recurrence per axis (or a sentence for global / merged fields). */
  fieldLines: string[];
}

const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);
const neg = (n: number) => (n < 0 ? `−${-n}` : String(n));

/** `64×56×56`, or `?` when the shape is unknown. */
export function formatShape(shape?: Shape): string {
  return shape && shape.length ? shape.join('×') : '?';
}

/** 1234567 → `1,234,567`. */
export function thousands(n: number): string {
  return n.toLocaleString('en-US');
}

/** 9408 → `9.4K`, 11689512 → `11.7M`, 1814073344 → `1.81G`; small numbers as they are. */
export function compactNumber(n: number): string {
  const units: Array<[number, string]> = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']];
  for (const [v, u] of units) {
    if (Math.abs(n) >= v) {
      const x = n / v;
      const digits = x >= 100 ? 0 : 1;
      return `${Number(x.toFixed(digits))}${u}`;
    }
  }
  return String(n);
}

/** Axis names for a tensor with `rank` spatial axes: L; H, W; D, H, W. */
export function axisNames(rank: number): string[] {
  if (rank === 1) return ['L'];
  if (rank === 2) return ['H', 'W'];
  if (rank === 3) return ['D', 'H', 'W'];
  return Array.from({ length: rank }, (_, i) => `axis ${i + 1}`);
}

/** `rf 11×11 /4`, `rf global`, or undefined. */
export function formatFieldShort(rf?: ReceptiveField): string | undefined {
  if (!rf) return undefined;
  if (rf.kind === 'global') return 'rf global';
  return `rf ${formatField(rf.summary)}${rf.gated ? ' (gated)' : ''}`;
}

type Num = number[];
const arr = (v: unknown): Num | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as Num) : undefined);
const pairs = (v: unknown): Array<[number, number]> | undefined =>
  Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2) ? (v as Array<[number, number]>) : undefined;

/** Collapses identical per-axis lines into one `(each axis)` line. */
function perAxis(names: string[], lines: string[]): string[] {
  if (lines.length > 1 && lines.every((l) => l === lines[0])) return [`${names.join(', ')}: ${lines[0]}`];
  return lines.map((l, i) => `${names[i]}: ${l}`);
}

function shapeLines(layer: LayerResult): string[] {
  const a = layer.args;
  const input = layer.inputShapes[0];
  const out = layer.shape;
  if (!input || !out) return [];
  const spatial = input.slice(1);
  const outSpatial = out.slice(1);
  const names = axisNames(spatial.length);
  const lines: string[] = [];
  switch (layer.kind) {
    case 'conv':
    case 'depthwise':
    case 'separable':
    case 'maxpool':
    case 'avgpool':
    case 'lppool': {
      const k = arr(a.kernel);
      const s = arr(a.stride);
      const d = arr(a.dilation);
      const p = pairs(a.padding);
      const K = arr(a.effectiveKernel);
      if (!k || !s || !p || !K) return [];
      const ceil = a.ceilMode === true;
      const [lo, hi] = ceil ? ['⌈', '⌉'] : ['⌊', '⌋'];
      if (d && d.some((x) => x > 1)) lines.push(...perAxis(names, k.map((ki, i) => `K = ${d[i]}·(${ki} − 1) + 1 = ${K[i]}`)));
      const mode = typeof a.paddingMode === 'string' && a.paddingMode !== 'explicit' ? ` (padding '${a.paddingMode}': ${p.map(([b, e]) => `${b}+${e}`).join(', ')})` : '';
      lines.push(...perAxis(names, spatial.map((W, i) => `${lo}(${W} + ${p[i][0]} + ${p[i][1]} − ${K[i]})/${s[i]}${hi} + 1 = ${outSpatial[i]}`)));
      if (mode) lines.push(mode.trim());
      if (layer.kind === 'conv' || layer.kind === 'separable') lines.push(`channels: ${input[0]} → ${out[0]}`);
      if (layer.kind === 'depthwise') lines.push(`channels: ${input[0]}·${a.multiplier ?? 1} = ${out[0]}`);
      return lines;
    }
    case 'conv_transpose': {
      const s = arr(a.stride);
      const p = pairs(a.padding);
      const K = arr(a.effectiveKernel);
      const op = arr(a.outputPadding) ?? spatial.map(() => 0);
      if (!s || !p || !K) return [];
      lines.push(...perAxis(names, spatial.map((W, i) => `(${W} − 1)·${s[i]} − ${p[i][0]} − ${p[i][1]} + ${K[i]} + ${op[i]} = ${outSpatial[i]}`)));
      lines.push(`channels: ${input[0]} → ${out[0]}`);
      return lines;
    }
    case 'adaptive_avgpool':
    case 'adaptive_maxpool':
      return perAxis(names, spatial.map((W, i) => `${W} → ${outSpatial[i]} (adaptive bins of at most ${Math.ceil(W / outSpatial[i]) + (W % outSpatial[i] ? 1 : 0)})`));
    case 'upsample': {
      const sc = a.scale;
      if (sc !== undefined && sc !== null) {
        const list = Array.isArray(sc) ? (sc as number[]) : spatial.map(() => sc as number);
        return spatial.map((W, i) => `${names[i]}: ⌊${W}·${list[i]}⌋ = ${outSpatial[i]}`);
      }
      return spatial.map((W, i) => `${names[i]}: ${W} → ${outSpatial[i]} (${a.mode ?? 'nearest'})`);
    }
    case 'pad': {
      const p = pairs(a.padding);
      if (!p) return [];
      return perAxis(names, spatial.map((W, i) => `${W} + ${p[i][0]} + ${p[i][1]} = ${outSpatial[i]}`));
    }
    case 'flatten':
      return [`${input.join('·')} = ${out[0]}`];
    case 'global_avgpool':
    case 'global_maxpool':
      return [`[${input.join(', ')}] → [${out.join(', ')}]: one value per channel`];
    case 'linear':
      return [`features: ${input[input.length - 1]} → ${out[out.length - 1]}${input.length > 1 ? ` (on the last axis, ${prod(input.slice(0, -1))} rows)` : ''}`];
    case 'concat': {
      const axis = typeof a.axis === 'number' ? a.axis : 0;
      return [`axis ${axis}: ${layer.inputShapes.map((s) => s[axis]).join(' + ')} = ${out[axis]}`];
    }
    case 'add':
    case 'mul':
      return [`${layer.inputShapes.length} operands${a.gated ? ' (a broadcast gate)' : ''} → ${formatShape(out)}`];
    case 'reshape':
      return [`[${input.join(', ')}] → [${out.join(', ')}] (${prod(input)} elements)`];
    case 'reduce':
      return [`${a.op} over axes [${(arr(a.axes) ?? []).join(', ')}]: [${input.join(', ')}] → [${out.join(', ')}]`];
    case 'transpose':
      return [`axes [${(arr(a.perm) ?? []).join(', ')}]: [${input.join(', ')}] → [${out.join(', ')}]`];
    case 'strided_slice': {
      const axes = arr(a.axes) ?? [];
      const st = arr(a.starts) ?? [];
      const en = arr(a.ends) ?? [];
      const sp = arr(a.steps) ?? [];
      return axes.map((ax, i) => `axis ${ax}: ${st[i]}:${en[i]}${sp[i] && sp[i] !== 1 ? `:${sp[i]}` : ''} of ${input[ax]} → ${out[ax]}`);
    }
    case 'elementwise':
      return [`${a.op}: ${layer.inputShapes.map((sh) => `[${sh.join(', ')}]`).join(' and ')}${constantOperand(a)} broadcast → [${out.join(', ')}]`];
    default:
      return ['shape unchanged'];
  }
}

function paramsLine(layer: LayerResult): string {
  const a = layer.args;
  const C = layer.inputShapes[0]?.[0];
  const out = layer.shape;
  const withBias = (expr: string, value: number, bias: number) => {
    const text = bias ? `${expr} + ${bias}` : expr;
    return value === layer.params ? `${text} = ${thousands(layer.params)}` : thousands(layer.params);
  };
  const k = arr(a.kernel);
  switch (layer.kind) {
    case 'depthwise': {
      if (!k || !out || C === undefined) break;
      const m = typeof a.multiplier === 'number' ? a.multiplier : 1;
      const bias = a.bias ? out[0] : 0;
      return withBias(`${C}${m > 1 ? `·${m}` : ''}·${k.join('·')}`, C * m * prod(k) + bias, bias);
    }
    case 'conv': {
      if (!k || !out || C === undefined) break;
      const g = typeof a.groups === 'number' ? a.groups : 1;
      const bias = a.bias ? out[0] : 0;
      const per = g > 1 ? `(${C}/${g})` : String(C);
      return withBias(`${out[0]}·${per}·${k.join('·')}`, out[0] * (C / g) * prod(k) + bias, bias);
    }
    case 'separable': {
      if (!k || !out || C === undefined) break;
      const m = typeof a.multiplier === 'number' ? a.multiplier : 1;
      const bias = a.bias ? out[0] : 0;
      const cm = m > 1 ? `${C}·${m}` : String(C);
      return withBias(`${k.join('·')}·${cm} + ${cm}·${out[0]}`, prod(k) * C * m + C * m * out[0] + bias, bias);
    }
    case 'conv_transpose': {
      if (!k || !out || C === undefined) break;
      const g = typeof a.groups === 'number' ? a.groups : 1;
      const bias = a.bias ? out[0] : 0;
      const per = g > 1 ? `(${out[0]}/${g})` : String(out[0]);
      return withBias(`${C}·${per}·${k.join('·')}`, C * (out[0] / g) * prod(k) + bias, bias);
    }
    case 'linear': {
      const inF = a.in as number;
      const outF = a.out as number;
      const bias = a.bias ? outF : 0;
      return withBias(`${inF}·${outF}`, inF * outF + bias, bias);
    }
    case 'layernorm': {
      // Over the trailing axes from `axis`: a scale (and a shift) per normalised element.
      const normalized = arr(a.normalizedShape);
      if (!normalized) {
        if (C === undefined) break;
        return `2·${C} = ${thousands(layer.params)}`;
      }
      const each = normalized.join('·');
      return `${a.bias === false ? each : `2·${each}`} = ${thousands(layer.params)} (normalised over [${normalized.join(', ')}])`;
    }
    case 'batchnorm':
    case 'groupnorm':
      if (C === undefined) break;
      return `2·${C} = ${thousands(layer.params)}${layer.buffers ? ` (and ${thousands(layer.buffers)} buffers: running mean and variance)` : ''}`;
  }
  return thousands(layer.params);
}

/** The constant operand of an `elementwise` layer, as the hover shows it. */
function constantOperand(a: Record<string, unknown>): string {
  const shape = arr(a.valueShape);
  if (!shape) return '';
  const values = Array.isArray(a.value) ? (a.value as number[]) : [];
  return shape.length === 0 && values.length === 1 ? ` and ${values[0]}` : ` and a constant [${shape.join(', ')}]`;
}

function macsLine(layer: LayerResult): string | undefined {
  if (!layer.macs) return undefined;
  const a = layer.args;
  const input = layer.inputShapes[0];
  const out = layer.shape;
  const k = arr(a.kernel);
  const check = (expr: string, value: number) => (value === layer.macs ? `${expr} = ${thousands(layer.macs)}` : thousands(layer.macs));
  if (input && out && k) {
    const C = input[0];
    const o = out.slice(1);
    if (layer.kind === 'depthwise') {
      const m = typeof a.multiplier === 'number' ? a.multiplier : 1;
      return check(`${o.join('·')}·${C}${m > 1 ? `·${m}` : ''}·${k.join('·')}`, prod(o) * C * m * prod(k));
    }
    if (layer.kind === 'conv') {
      const g = typeof a.groups === 'number' ? a.groups : 1;
      return check(`${o.join('·')}·${out[0]}·${g > 1 ? `(${C}/${g})` : C}·${k.join('·')}`, prod(o) * out[0] * (C / g) * prod(k));
    }
    if (layer.kind === 'separable') {
      const m = typeof a.multiplier === 'number' ? a.multiplier : 1;
      const cm = m > 1 ? `${C}·${m}` : String(C);
      return check(`${o.join('·')}·${cm}·${k.join('·')} + ${o.join('·')}·${cm}·${out[0]}`, prod(o) * C * m * prod(k) + prod(o) * C * m * out[0]);
    }
    if (layer.kind === 'conv_transpose') {
      const g = typeof a.groups === 'number' ? a.groups : 1;
      const i = input.slice(1);
      return check(`${i.join('·')}·${C}·${g > 1 ? `(${out[0]}/${g})` : out[0]}·${k.join('·')}`, prod(i) * C * (out[0] / g) * prod(k));
    }
  }
  if (layer.kind === 'linear') {
    const rows = typeof a.rows === 'number' ? a.rows : 1;
    return check(`${rows > 1 ? `${rows}·` : ''}${a.in}·${a.out}`, rows * (a.in as number) * (a.out as number));
  }
  return thousands(layer.macs);
}

const IDENTITY: FieldSummary = { size: [], jump: [], start: [], holes: [] };

/** The field arriving at `layer` (its first operand's), or the network input's. */
function inputField(layer: LayerResult, byName: Map<string, LayerResult>): ReceptiveField | undefined {
  const from = layer.from[0];
  if (from === undefined || from === 'input') {
    const rank = (layer.inputShapes[0]?.length ?? 1) - 1;
    return { kind: 'local', axes: [], summary: { ...IDENTITY, size: Array(rank).fill(1), jump: Array(rank).fill(rational(1)), start: Array(rank).fill(0), holes: Array(rank).fill([]) } };
  }
  return byName.get(from)?.rf;
}

const WINDOW_KINDS = new Set(['conv', 'depthwise', 'separable', 'maxpool', 'avgpool', 'lppool', 'pad']);

function fieldLines(layer: LayerResult, byName: Map<string, LayerResult>): string[] {
  const rf = layer.rf;
  if (!rf) return [];
  if (rf.kind === 'global') {
    const why = layer.kind === 'flatten' || layer.kind === 'linear' ? `${layer.kind} mixes every position` : /global|adaptive/.test(layer.kind) ? 'a global pool' : 'its input sees everything';
    return [`global: every output sees the whole input (${why})`];
  }
  const s = rf.summary;
  const names = axisNames(s.size.length);
  const lines: string[] = [];
  const prev = inputField(layer, byName);
  if (WINDOW_KINDS.has(layer.kind) && prev?.kind === 'local' && prev.summary.size.length === s.size.length) {
    const a = layer.args;
    const K = layer.kind === 'pad' ? s.size.map(() => 1) : arr(a.effectiveKernel);
    const st = layer.kind === 'pad' ? s.size.map(() => 1) : arr(a.stride);
    const p = pairs(a.padding);
    if (K && st && p) {
      const per = s.size.map((_, i) => {
        const r0 = prev.summary.size[i];
        const j0: Rational = prev.summary.jump[i];
        const st0 = prev.summary.start[i];
        const j0n = j0.num / j0.den;
        const r = r0 + (K[i] - 1) * j0n;
        const jump = mul(j0, rational(st[i]));
        const start = st0 - p[i][0] * j0n;
        const J = formatRational(j0);
        return [
          `r = ${r0} + (${K[i]} − 1)·${J} = ${r}`,
          `j = ${J}·${st[i]} = ${formatRational(jump)}`,
          `start = ${neg(st0)} − ${p[i][0]}·${J} = ${neg(start)}`,
        ].join(', ') + (r !== s.size[i] || start !== s.start[i] ? `; exact: ${s.size[i]}, start ${neg(s.start[i])} (the input field differs between positions)` : '');
      });
      lines.push(...perAxis(names, per));
    }
  } else if (layer.merge) {
    lines.push(`union of ${layer.merge.operands.length} paths (${layer.merge.operands.map((o) => `${o.name}: ${o.size.join('×')}`).join(', ')})${layer.merge.sameJump ? '' : ', with different jumps'}${layer.merge.sameCentre ? '' : ', centres not aligned'}`);
  } else if (prev?.kind === 'local' && formatField(prev.summary) === formatField(s)) {
    lines.push('unchanged (elementwise)');
  }
  lines.push(`field ${formatField(s)}${rf.gated ? ', gated by global context' : ''}`);
  const holes = s.holes.map((h, i) => (h.length ? `${names[i]}: ${h.length > 8 ? `${h.slice(0, 8).join(', ')}, … (${h.length})` : h.join(', ')}` : '')).filter(Boolean);
  if (holes.length) lines.push(`holes (offsets never reaching the output): ${holes.join('; ')}`);
  return lines;
}

const byNameCache = new WeakMap<Analysis, Map<string, LayerResult>>();

function layersByName(analysis: Analysis): Map<string, LayerResult> {
  let m = byNameCache.get(analysis);
  if (!m) {
    m = new Map(analysis.layers.map((l) => [l.name, l]));
    byNameCache.set(analysis, m);
  }
  return m;
}

/** Everything a hover or a `summary --explain` shows for one layer. */
export function explainLayer(layer: LayerResult, analysis: Analysis): LayerExplanation {
  return {
    name: layer.name,
    kind: layer.kind,
    input: layer.inputShapes.length ? layer.inputShapes.map(formatShape).join(' + ') : '?',
    output: formatShape(layer.shape),
    shapeLines: shapeLines(layer),
    params: paramsLine(layer),
    macs: macsLine(layer),
    fieldLines: fieldLines(layer, layersByName(analysis)),
  };
}

/** One line for an entry: `→ 64×56×56 · rf 43×43 /4 · 148K params · 462M MACs`. */
export function entryLine(entry: EntryResult): string {
  const parts = [`→ ${formatShape(entry.shape)}`];
  const rf = formatFieldShort(entry.rf);
  if (rf) parts.push(rf);
  parts.push(`${compactNumber(entry.params)} params`);
  if (entry.macs) parts.push(`${compactNumber(entry.macs)} MACs`);
  return parts.join(' · ');
}
