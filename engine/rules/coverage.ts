// CL201 coverage: input positions that silently never reach any network output.
//
// Reachability is computed backwards from the outputs over concrete positions: every output
// position is used; a layer's used input positions are those its used outputs read (through its
// window map), and a producer's used positions are the union over all its consumers. A layer is
// blamed for a real input position (not padding) that none of its output windows reads at all,
// but only when no other path uses that position either (ResNet's 1×1/2 shortcut skips pixels the
// 3×3/2 main path reads: no warning).
import type { Analysis, LayerResult } from '../types';
import type { AxisMap } from '../analyse/receptiveField';
import { registerRule } from './registry';
import { INPUT, POOL_KINDS, WINDOW_KINDS, axisLabel, axisNoun, blockUses, buildGraph, dedupe, fieldOpOf, fmtNum, hasBrokenLayers, listSome, readsOf } from './util';

export interface AxisLoss {
  axis: number;
  /** Input size along the axis. */
  W: number;
  /** Real input positions this layer never reads and no other path uses. */
  lost: number[];
  /** Of those: after the last window (the window does not tile), and between windows (stride > K). */
  tail: number;
  gaps: number;
  head: number;
}

export interface LayerLoss {
  layer: LayerResult;
  axes: AxisLoss[];
}

/** Per layer, per axis: which positions of its output reach a network output. */
export function usedPositions(analysis: Analysis): { used: Map<number, boolean[][]>; reached: Set<number> } {
  const g = buildGraph(analysis);
  const used = new Map<number, boolean[][]>();
  const reached = new Set<number>();
  const spatialOf = (i: number) => (i === INPUT ? analysis.input?.slice(1) ?? [] : g.layers[i].shape?.slice(1) ?? []);
  const arr = (i: number) => {
    let u = used.get(i);
    if (!u) {
      u = spatialOf(i).map((n) => new Array<boolean>(n).fill(false));
      used.set(i, u);
    }
    return u;
  };
  const markAll = (i: number) => {
    reached.add(i);
    for (const a of arr(i)) a.fill(true);
  };
  const orInto = (i: number, src: boolean[][]) => {
    const dst = arr(i);
    if (dst.length !== src.length) return markAll(i);
    let any = false;
    src.forEach((s, a) => s.forEach((v, x) => {
      if (v && x < dst[a].length) {
        dst[a][x] = true;
        any = true;
      }
    }));
    if (any || src.length === 0) reached.add(i);
  };
  for (const o of g.outputs) markAll(o);
  for (let i = g.layers.length - 1; i >= 0; i--) {
    if (!reached.has(i)) continue;
    const layer = g.layers[i];
    const out = arr(i);
    const op = fieldOpOf(layer);
    const producers = g.producers[i];
    if (!op || op.type === 'global') {
      producers.forEach((p) => markAll(p));
      continue;
    }
    if (op.type === 'same' || op.type === 'union') {
      producers.forEach((p) => orInto(p, out));
      continue;
    }
    if (op.type === 'gate' || op.type === 'pass') {
      producers.forEach((p, k) => (k === op.main ? orInto(p, out) : markAll(p)));
      continue;
    }
    if (op.type === 'unknown') {
      producers.forEach((p) => markAll(p));
      continue;
    }
    // map: read through each axis's windows.
    const axes = op.axes;
    const inSpatial = layer.inputShapes[0].slice(1);
    const inUsed = inSpatial.map((W, a) => {
      const u = new Array<boolean>(W).fill(false);
      out[a].forEach((v, o) => {
        if (!v) return;
        for (const x of readsOf(axes[a], o)) if (x >= 0 && x < W) u[x] = true;
      });
      return u;
    });
    producers.forEach((p) => orInto(p, inUsed));
  }
  return { used, reached };
}

/** Positions of [0, W) that no output window of the map reads. */
export function unread(map: AxisMap, W: number, n: number): boolean[] {
  const read = new Array<boolean>(W).fill(false);
  for (let o = 0; o < n; o++) for (const x of readsOf(map, o)) if (x >= 0 && x < W) read[x] = true;
  return read.map((r) => !r);
}

/** Position-by-position work is bounded: absurd sizes (a 10⁹-wide input) are skipped, not tried. */
const MAX_AXIS = 100_000;
const MAX_TOTAL_WORK = 5_000_000;
function tractable(layer: LayerResult): boolean {
  const spatial = layer.inputShapes[0]?.slice(1) ?? [];
  const k = (layer.args as { effectiveKernel?: number[] }).effectiveKernel ?? [];
  return spatial.every((W) => W <= MAX_AXIS) && (layer.shape ?? []).slice(1).every((n) => n <= MAX_AXIS) && k.every((x) => x <= MAX_AXIS);
}
function workOf(layer: LayerResult): number {
  const k = (layer.args as { kernel?: number[] }).kernel ?? [];
  return (layer.shape ?? []).slice(1).reduce((n, o, a) => n + o * (k[a] ?? 2), 0);
}

/**
 * Whether a layer surely reads every position of its input (checked in closed form, so that
 * the usual network — every window overlapping the next and reaching the end — costs nothing).
 * False means "maybe not": the position-by-position computation decides.
 */
function readsAllInputs(layer: LayerResult): boolean {
  const a = layer.args as Record<string, any>;
  const spatial = layer.inputShapes[0]?.slice(1) ?? [];
  if (WINDOW_KINDS.has(layer.kind)) {
    if (!layer.shape) return false;
    return spatial.every((W, i) => {
      const K = a.effectiveKernel[i];
      const S = a.stride[i];
      const n = layer.shape![1 + i];
      // Windows start at −p0 ≤ 0, overlap or touch when K ≥ S (no dilation gaps), and the last
      // one ends at (n − 1)·S − p0 + K − 1.
      return a.dilation[i] === 1 && K >= S && (n - 1) * S - a.padding[i][0] + K - 1 >= W - 1;
    });
  }
  if (layer.kind === 'conv_transpose') return false;
  if (layer.kind === 'upsample') return (layer.shape ?? []).slice(1).every((n, i) => n >= spatial[i]);
  return true; // elementwise, merges, adaptive and global pooling, pad: every position is read
}

/** Every layer that drops real input positions nobody else uses. */
export function coverageLosses(analysis: Analysis): LayerLoss[] {
  if (hasBrokenLayers(analysis) || !analysis.input) return [];
  if (analysis.layers.every(readsAllInputs)) return [];
  if (!analysis.layers.every(tractable) || analysis.layers.reduce((n, l) => n + workOf(l), 0) > MAX_TOTAL_WORK) return [];
  const g = buildGraph(analysis);
  const { used, reached } = usedPositions(analysis);
  const out: LayerLoss[] = [];
  for (const layer of g.layers) {
    if (!reached.has(layer.index) || !layer.shape) continue;
    const op = fieldOpOf(layer);
    if (!op || op.type !== 'map' || layer.kind === 'upsample') continue;
    const p = g.producers[layer.index][0];
    const pUsed = used.get(p);
    if (!pUsed) continue;
    const inSpatial = layer.inputShapes[0].slice(1);
    const axes: AxisLoss[] = [];
    inSpatial.forEach((W, a) => {
      const n = layer.shape![1 + a];
      const miss = unread(op.axes[a], W, n);
      const lost: number[] = [];
      miss.forEach((m, x) => {
        if (m && !pUsed[a]?.[x]) lost.push(x);
      });
      if (!lost.length) return;
      const readXs = miss.map((m, x) => (m ? -1 : x)).filter((x) => x >= 0);
      const firstRead = readXs.length ? readXs[0] : W;
      const lastRead = readXs.length ? readXs[readXs.length - 1] : -1;
      axes.push({
        axis: a,
        W,
        lost,
        tail: lost.filter((x) => x > lastRead).length,
        head: lost.filter((x) => x < firstRead).length,
        gaps: lost.filter((x) => x >= firstRead && x <= lastRead).length,
      });
    });
    if (axes.length) out.push({ layer, axes });
  }
  return out;
}

/** The lecture's arithmetic for one axis of a window layer. */
export function outputArithmetic(layer: LayerResult, a: number): string {
  const args = layer.args as Record<string, any>;
  const W = layer.inputShapes[0][1 + a];
  const [p0, p1] = args.padding[a] as [number, number];
  const K = args.effectiveKernel[a] as number;
  const S = args.stride[a] as number;
  const exact = (W + p0 + p1 - K) / S + 1;
  const n = layer.shape![1 + a];
  const ceil = args.ceilMode ? '⌈⌉' : '';
  return `(W + P − K)/S + 1 = (${W} + ${p0 + p1} − ${K})/${S} + 1 = ${fmtNum(exact)}${Number.isInteger(exact) ? '' : ` → ${n}`}${ceil ? ' (ceil_mode)' : ''}`;
}

const plural = (n: number, noun: string) => `${n} ${n === 1 ? noun : `${noun}s`}`;
/** `the last row`, `the last 2 rows`. */
const ordinalRun = (which: string, n: number, noun: string) => (n === 1 ? `the ${which} ${noun}` : `the ${which} ${plural(n, noun)}`);

function describe(loss: LayerLoss): string {
  const { layer } = loss;
  const rank = layer.inputShapes[0].length - 1;
  const args = layer.args as Record<string, any>;
  const window = WINDOW_KINDS.has(layer.kind);
  // Axes with the same arithmetic and the same loss are told once ("H and W: …").
  const groups = new Map<string, { labels: string[]; tails: string[]; rest: string[] }>();
  for (const ax of loss.axes) {
    const noun = axisNoun(rank, ax.axis, false);
    const arithmetic = window && ax.tail ? outputArithmetic(layer, ax.axis) : '';
    const rest: string[] = [];
    if (ax.gaps) {
      const S = args.stride?.[ax.axis];
      const K = args.effectiveKernel?.[ax.axis];
      const inner = ax.lost.filter((x) => x <= ax.W - 1 - ax.tail && x >= ax.head);
      rest.push(
        window && S > K
          ? `stride ${S} > ${args.dilation?.[ax.axis] > 1 ? 'effective ' : ''}kernel ${K}: ${plural(ax.gaps, noun)} of ${ax.W} skipped between windows (${listSome(inner)})`
          : `${plural(ax.gaps, noun)} of ${ax.W} never read (${listSome(inner)})`,
      );
    }
    if (ax.head) rest.push(`${ordinalRun('first', ax.head, noun)} of ${ax.W} never read`);
    const key = `${arithmetic}|${ax.tail}|${ax.W}|${rest.join('|').replace(new RegExp(noun, 'g'), '')}`;
    const grp = groups.get(key) ?? { labels: [], tails: [], rest };
    grp.labels.push(axisLabel(rank, ax.axis));
    if (ax.tail) grp.tails.push(ordinalRun('last', ax.tail, noun));
    groups.set(key, grp);
    (grp as any).arithmetic = arithmetic;
    (grp as any).W = ax.W;
  }
  const parts = [...groups.values()].map((grp) => {
    const label = rank > 1 ? `${grp.labels.join(' and ')}: ` : '';
    const bits: string[] = [];
    const one = grp.tails.length === 1 && !/^the last \d/.test(grp.tails[0]);
    if (grp.tails.length) bits.push(`${(grp as any).arithmetic ? `${(grp as any).arithmetic}: ` : ''}${grp.tails.join(' and ')} of ${(grp as any).W} ${one ? 'never reaches' : 'never reach'} the output`);
    bits.push(...grp.rest);
    return label + bits.join('; ');
  });
  const total = loss.axes.reduce((n, ax) => n + ax.lost.length, 0);
  return `${layer.name}: ${parts.join('. ')}. ${total === 1 ? 'This input position reaches' : 'These input positions reach'} no output through any path.`;
}

registerRule({
  code: 'CL201',
  id: 'coverage',
  title: 'Input positions that never reach the output',
  severity: 'warning',
  description: 'A window that does not tile its input, or a stride larger than the kernel, leaves real input positions that no output reads through any path.',
  check(ctx) {
    const report = dedupe(ctx.report);
    for (const loss of coverageLosses(ctx.analysis)) {
      const { layer } = loss;
      const args = layer.args as Record<string, any>;
      report({
        span: layer.origin.kindKey,
        message: describe(loss),
        related: blockUses(layer),
        data: {
          layer: layer.name,
          kind: layer.kind,
          axes: loss.axes.map((ax) => ({
            axis: ax.axis,
            W: ax.W,
            tail: ax.tail,
            gaps: ax.gaps,
            head: ax.head,
            lost: ax.lost.slice(0, 64),
          })),
          pool: POOL_KINDS.has(layer.kind),
          kernel: args.kernel,
          stride: args.stride,
        },
      });
    }
  },
});

/**
 * The per-layer fact for hovers: which real input positions this layer's windows never read,
 * per axis, whether or not another path reads them (CL201 warns only when none does).
 */
export function layerSkips(layer: LayerResult): Array<{ axis: number; W: number; unread: number[]; text: string }> {
  if (!WINDOW_KINDS.has(layer.kind) || !layer.shape || !tractable(layer) || workOf(layer) > MAX_TOTAL_WORK) return [];
  const op = fieldOpOf(layer);
  if (!op || op.type !== 'map') return [];
  const rank = layer.inputShapes[0].length - 1;
  return (layer.inputShapes[0].slice(1) as number[])
    .map((W, a) => {
      const miss = unread(op.axes[a], W, layer.shape![1 + a]);
      const xs = miss.map((m, x) => (m ? x : -1)).filter((x) => x >= 0);
      return { axis: a, W, unread: xs, text: `${rank > 1 ? `${axisLabel(rank, a)}: ` : ''}${outputArithmetic(layer, a)}; ${xs.length ? `${axisNoun(rank, a)} ${listSome(xs)} of ${W} not read by this layer` : `every ${axisNoun(rank, a, false)} of ${W} is read`}` };
    });
}
