// Shared helpers for lint rules: the layer graph (producers, consumers, outputs), each layer's
// per-axis window map (recomputed from its resolved arguments), and message formatting.
import type { Analysis, LayerResult, RelatedSpan, Span } from '../types';
import { adaptiveMap, transposedMap, windowMap, type AxisMap } from '../analyse/receptiveField';
import { computeLayer, mapsOrUnknown, type FieldOp } from '../analyse/layers';

/** Index −1 stands for the network input. */
export const INPUT = -1;

export interface Graph {
  layers: LayerResult[];
  /** producers[i][k] = index of the layer that feeds operand k of layer i (−1 = input). */
  producers: number[][];
  /** consumers of each layer (and of the input under key −1): [consumer index, operand]. */
  consumers: Map<number, Array<[number, number]>>;
  /** Indices of the network outputs (−1 when the input itself is an output). */
  outputs: number[];
}

export function buildGraph(analysis: Analysis): Graph {
  // Indices, not names: a broken file may give two layers the same name.
  const producers = analysis.layers.map((l) => l.fromIndex.map((i) => (i < 0 ? INPUT : i)));
  const consumers = new Map<number, Array<[number, number]>>();
  producers.forEach((ps, i) =>
    ps.forEach((p, k) => {
      if (Number.isNaN(p)) return;
      const list = consumers.get(p) ?? [];
      list.push([i, k]);
      consumers.set(p, list);
    }),
  );
  const outputs = analysis.outputs.map((o) => (o.index < 0 ? INPUT : o.index));
  return { layers: analysis.layers, producers, consumers, outputs };
}

export const WINDOW_KINDS = new Set(['conv', 'depthwise', 'separable', 'maxpool', 'avgpool', 'lppool']);
export const POOL_KINDS = new Set(['maxpool', 'avgpool', 'lppool']);
export const GLOBAL_KINDS = new Set(['flatten', 'linear', 'global_avgpool', 'global_maxpool']);

/**
 * Whether a layer itself makes every output see the whole input: flatten, linear, global and
 * 1×1 adaptive pooling, softmax or concatenation across positions. Attention does too, but it
 * keeps the map (it is no classifier's global step), so it is not counted here.
 */
export function makesFieldGlobal(layer: LayerResult): boolean {
  const a = layer.args as Record<string, any>;
  if (GLOBAL_KINDS.has(layer.kind)) return true;
  if (layer.kind === 'adaptive_avgpool' || layer.kind === 'adaptive_maxpool') return (a.size as number[]).every((x) => x === 1);
  if (layer.kind === 'softmax') return a.axis > 0;
  if (layer.kind === 'concat') return a.axis !== 0;
  return false;
}

/** How a layer maps positions, per spatial axis (the same FieldOp the engine used). */
export function fieldOpOf(layer: LayerResult): FieldOp | undefined {
  const a = layer.args as Record<string, any>;
  const spatial = layer.inputShapes[0]?.slice(1) ?? [];
  // Attention mixes every position into every output too (it only keeps the map).
  if (makesFieldGlobal(layer) || layer.kind === 'attention') return { type: 'global' };
  if (WINDOW_KINDS.has(layer.kind)) {
    return { type: 'map', axes: spatial.map((_, i) => windowMap(a.kernel[i], a.stride[i], a.dilation[i], a.padding[i][0])) };
  }
  if (layer.kind === 'conv_transpose') return mapsOrUnknown(() => spatial.map((_, i) => transposedMap(a.kernel[i], a.stride[i], a.dilation[i], a.padding[i][0])));
  if (layer.kind === 'adaptive_avgpool' || layer.kind === 'adaptive_maxpool') return mapsOrUnknown(() => spatial.map((W, i) => adaptiveMap(W, a.size[i])));
  if (layer.kind === 'pad') return { type: 'map', axes: (a.padding as Array<[number, number]>).map(([p0]) => windowMap(1, 1, 1, p0)) };
  if (layer.kind === 'upsample') {
    const args: Record<string, unknown> = { mode: a.mode, align_corners: a.alignCorners };
    if (a.mode === 'cubic') Object.assign(args, { cubic_a: a.cubicA, coordinates: a.coordinates, exclude_outside: a.excludeOutside });
    if (a.scale !== undefined) args.scale = a.scale;
    else args.size = a.size;
    try {
      return computeLayer({ kind: 'upsample', args, inputs: layer.inputShapes }).field;
    } catch {
      return undefined;
    }
  }
  if (layer.kind === 'reorg') return a.layout === 'blocks' ? { type: 'map', axes: spatial.map(() => windowMap(a.stride, a.stride, 1, 0)) } : { type: 'unknown' };
  if (layer.kind === 'concat') return { type: 'union' };
  if (layer.kind === 'add' || layer.kind === 'mul') {
    if (!a.gated && !a.broadcast) return { type: 'union' };
    const full = layer.shape!;
    const main = layer.inputShapes.findIndex((s) => s.length === full.length && s.every((n, i) => n === full[i]));
    return a.broadcast ? { type: 'pass', main } : { type: 'gate', main };
  }
  return { type: 'same' };
}

/** Input positions output position o of an axis map reads (may fall in the padding). */
export function readsOf(map: AxisMap, o: number): number[] {
  const r = o % map.period;
  const m = (o - r) / map.period;
  const shift = (m * map.period * map.step.num) / map.step.den;
  return map.reads[r].map((x) => x + shift);
}

/** Spatial axis names for messages: rank 1 positions, 2 rows/columns, 3 frames/rows/columns. */
export function axisNoun(rank: number, axis: number, plural = true): string {
  const names = rank === 1 ? ['position'] : rank === 2 ? ['row', 'column'] : ['frame', 'row', 'column'];
  const n = names[axis] ?? `axis-${axis + 1} position`;
  return plural ? `${n}s` : n;
}

export function axisLabel(rank: number, axis: number): string {
  const names = rank === 1 ? ['L'] : rank === 2 ? ['H', 'W'] : ['D', 'H', 'W'];
  return names[axis] ?? `axis ${axis + 1}`;
}

/** A number for arithmetic in messages: 3, 3.5, 2.67. */
export function fmtNum(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return String(Math.round(x * 100) / 100);
}

export const fmtShape = (s: number[]) => s.join('×');

/** `1, 3, 5, …` with at most `max` items. */
export function listSome(xs: number[], max = 8): string {
  return xs.length <= max ? xs.join(', ') : `${xs.slice(0, max).join(', ')}, … (${xs.length} in all)`;
}

/** Where to point a finding about a layer: its kind key (inside the block definition if any). */
export function layerSpan(layer: LayerResult, arg?: string): Span {
  if (arg && layer.origin.args[arg]) return layer.origin.args[arg].value;
  return layer.origin.kindKey;
}

/** Related locations for a layer that comes from a block: each use of the block. */
export function blockUses(layer: LayerResult): RelatedSpan[] {
  return layer.origin.blockPath.map((b) => ({ span: b.use, message: `in block '${b.block}' used here (as ${layer.name})` }));
}

/** Deduplicating reporter: a block used several times with the same numbers reports once. */
export function dedupe(report: (f: { span: Span; message: string; related?: RelatedSpan[]; data?: Record<string, unknown> }) => void) {
  const seen = new Set<string>();
  return (f: { span: Span; message: string; related?: RelatedSpan[]; data?: Record<string, unknown> }) => {
    const key = `${f.span.start}:${f.span.end}:${f.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    report(f);
  };
}

/** True when the analysis has an error that leaves layers without shapes (skip graph-wide rules). */
export function hasBrokenLayers(analysis: Analysis): boolean {
  return analysis.findings.some((f) => f.severity === 'error');
}
