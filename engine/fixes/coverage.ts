// Fixes for windows that drop input (CL201) or see only padding (CL203): the padding that makes
// the windows tile exactly (smallest change, symmetric when possible), ceil_mode for pools, the
// nearest stride or kernel that tiles. Every title says the resulting output shape.
import type { LayerResult, QuickFix, TextEdit } from '../types';
import { registerFix } from './registry';
import { layerOf } from './values';
import { renderAxes, renderPadding, setArg } from './edit';
import { POOL_KINDS, WINDOW_KINDS } from '../rules/util';

interface Axis {
  W: number;
  k: number;
  d: number;
  S: number;
  p: [number, number];
  ceil: boolean;
  pool: boolean;
}

function windowCount(a: Axis): number {
  const K = a.d * (a.k - 1) + 1;
  const span = a.W + a.p[0] + a.p[1] - K;
  if (span < 0) return 0;
  let n = (a.ceil ? Math.ceil(span / a.S) : Math.floor(span / a.S)) + 1;
  if (a.ceil && (n - 1) * a.S >= a.W + a.p[0]) n--;
  return n;
}

/** Every real position read, no window entirely in padding, pooling padding ≤ k/2. */
function tiles(a: Axis): boolean {
  if (a.pool && Math.max(...a.p) > Math.floor(a.k / 2)) return false;
  const K = a.d * (a.k - 1) + 1;
  if (a.p[0] >= K || a.p[1] >= K) return false;
  const n = windowCount(a);
  if (n < 1) return false;
  const read = new Array<boolean>(a.W).fill(false);
  for (let o = 0; o < n; o++) for (let t = 0; t < a.k; t++) {
    const x = o * a.S - a.p[0] + t * a.d;
    if (x >= 0 && x < a.W) read[x] = true;
  }
  return read.every(Boolean);
}

function axesOf(layer: LayerResult): Axis[] {
  const g = layer.args as Record<string, any>;
  return (layer.inputShapes[0].slice(1) as number[]).map((W, i) => ({
    W,
    k: g.kernel[i],
    d: g.dilation[i],
    S: g.stride[i],
    p: [...g.padding[i]] as [number, number],
    ceil: Boolean(g.ceilMode),
    pool: POOL_KINDS.has(layer.kind),
  }));
}

/** Candidate paddings, strides and kernels tried per axis (absurd strides are not searched fully). */
const MAX_SEARCH = 64;

const shapeOf = (layer: LayerResult, axes: Axis[]) => [layer.shape![0], ...axes.map(windowCount)].join('×');

/** Per axis: the padding pair that tiles, closest to the current total, symmetric first. */
function paddingCandidates(a: Axis): { sym?: [number, number]; asym?: [number, number] } {
  const P = a.p[0] + a.p[1];
  const found: Array<{ pair: [number, number]; cost: number; sym: boolean }> = [];
  // Tiling needs at most S − 1 more padding (or less); the search is bounded for absurd strides.
  for (let total = 0; total <= P + 2 * Math.min(a.S, MAX_SEARCH) + 2; total++) {
    const pair: [number, number] = [Math.floor(total / 2), total - Math.floor(total / 2)];
    if (tiles({ ...a, p: pair })) found.push({ pair, cost: Math.abs(total - P), sym: pair[0] === pair[1] });
  }
  found.sort((x, y) => x.cost - y.cost || x.pair[0] + x.pair[1] - (y.pair[0] + y.pair[1]));
  return { sym: found.find((f) => f.sym)?.pair, asym: found.find((f) => !f.sym)?.pair };
}

function nearest(values: number[], to: number): number | undefined {
  return [...values].sort((a, b) => Math.abs(a - to) - Math.abs(b - to) || a - b)[0];
}

export function tilingFixes(text: string, layer: LayerResult, bad: number[]): QuickFix[] {
  const fixes: QuickFix[] = [];
  const axes = axesOf(layer);
  const push = (title: string, edits: TextEdit[] | undefined, preferred = false) => {
    if (edits) fixes.push({ title, isPreferred: preferred, edits });
  };
  // Padding K//2 (odd K: output ⌈W/S⌉), torchvision's and every ResNet's choice, preferred when
  // it keeps every real position; the smallest padding that tiles follows as another fix.
  const half = axes.map((a, i) => (bad.includes(i) ? { ...a, p: [(a.d * (a.k - 1) + 1) >> 1, (a.d * (a.k - 1) + 1) >> 1] as [number, number] } : a));
  if (bad.every((i) => (axes[i].d * (axes[i].k - 1) + 1) % 2 === 1 && tiles(half[i]))) {
    const r = renderPadding(half.map((a) => a.p));
    push(`Pad ${r} → ${shapeOf(layer, half)}`, setArg(text, layer.origin, 'padding', r), true);
  }
  // Padding.
  const cands = bad.map((i) => paddingCandidates(axes[i]));
  for (const which of ['sym', 'asym'] as const) {
    if (!cands.some((c) => c[which] || c.sym || c.asym)) continue;
    const next = axes.map((a) => ({ ...a, p: [...a.p] as [number, number] }));
    let ok = true;
    bad.forEach((i, j) => {
      const pick = cands[j][which] ?? cands[j].sym ?? cands[j].asym;
      if (!pick) ok = false;
      else next[i].p = pick;
    });
    if (!ok || next.every((a, i) => a.p[0] === axes[i].p[0] && a.p[1] === axes[i].p[1])) continue;
    const r = renderPadding(next.map((a) => a.p));
    if (fixes.some((f) => f.title.startsWith(`Pad ${r} `))) continue;
    push(`Pad ${r} → ${shapeOf(layer, next)}`, setArg(text, layer.origin, 'padding', r), fixes.length === 0);
  }
  // padding: same (TensorFlow's rule: output ⌈W/S⌉, always tiles when the kernel spans the
  // stride). Not preferred: PyTorch accepts 'same' only at stride 1.
  if (!POOL_KINDS.has(layer.kind) && axes.every((a) => a.d * (a.k - 1) + 1 >= a.S)) {
    const next = axes.map((a) => {
      const K = a.d * (a.k - 1) + 1;
      const total = Math.max((Math.ceil(a.W / a.S) - 1) * a.S + K - a.W, 0);
      return { ...a, p: [Math.floor(total / 2), total - Math.floor(total / 2)] as [number, number] };
    });
    if (bad.every((i) => tiles(next[i]))) {
      const pytorch = axes.some((a) => a.S > 1) ? "; PyTorch accepts 'same' only at stride 1" : '';
      push(`padding: same → ${shapeOf(layer, next)} (TensorFlow's rule${pytorch})`, setArg(text, layer.origin, 'padding', 'same'));
    }
  }
  // ceil_mode for pools.
  if (POOL_KINDS.has(layer.kind) && !axes[0].ceil) {
    const next = axes.map((a) => ({ ...a, ceil: true }));
    if (bad.every((i) => tiles(next[i]))) push(`Set ceil_mode: true → ${shapeOf(layer, next)}`, setArg(text, layer.origin, 'ceil_mode', 'true'));
  }
  const hasWeights = (layer.args as Record<string, unknown>).weights !== undefined;
  // Stride.
  {
    const next = axes.map((a) => ({ ...a }));
    let ok = true;
    for (const i of bad) {
      const a = axes[i];
      const s = nearest(Array.from({ length: Math.min(a.d * (a.k - 1) + 1, MAX_SEARCH) }, (_, j) => j + 1).filter((s2) => s2 !== a.S && tiles({ ...a, S: s2 })), a.S);
      if (s === undefined) ok = false;
      else next[i].S = s;
    }
    const stridesGiven = POOL_KINDS.has(layer.kind) && !layer.origin.args.stride;
    if (ok && !stridesGiven) push(`Stride ${renderAxes(next.map((a) => a.S))} → ${shapeOf(layer, next)}`, setArg(text, layer.origin, 'stride', renderAxes(next.map((a) => a.S))));
  }
  // Kernel (dilation 1 only; fixed weights would no longer fit).
  if (!hasWeights && bad.every((i) => axes[i].d === 1)) {
    const next = axes.map((a) => ({ ...a }));
    let ok = true;
    for (const i of bad) {
      const a = axes[i];
      const reach = Math.min(a.S, MAX_SEARCH);
      const ks = Array.from({ length: 2 * reach + 2 }, (_, j) => a.k - reach - 1 + j).filter((k) => k >= 1 && k !== a.k && tiles({ ...a, k }));
      const k = nearest(ks, a.k);
      if (k === undefined) ok = false;
      else next[i].k = k;
    }
    // A pool without `stride` strides by its kernel: changing the kernel changes the stride too.
    if (ok && !(POOL_KINDS.has(layer.kind) && !layer.origin.args.stride)) {
      push(`Kernel ${renderAxes(next.map((a) => a.k))} → ${shapeOf(layer, next)}`, setArg(text, layer.origin, 'kernel', renderAxes(next.map((a) => a.k))));
    }
  }
  if (fixes.length && !fixes.some((f) => f.isPreferred)) fixes[0].isPreferred = true;
  return fixes;
}

registerFix('CL201', (text, analysis, finding) => {
  const layer = layerOf(analysis, finding);
  if (!layer || !WINDOW_KINDS.has(layer.kind) || !layer.shape) return [];
  const axes = (finding.data?.axes as Array<{ axis: number; gaps: number }> | undefined) ?? [];
  const fixes = tilingFixes(text, layer, axes.map((a) => a.axis));
  // Skipped pixels (stride > kernel): a kernel as large as the stride keeps the output size.
  if (axes.some((a) => a.gaps > 0)) {
    const k = fixes.findIndex((f) => f.title.startsWith('Kernel '));
    if (k > 0) {
      fixes.forEach((f) => (f.isPreferred = false));
      fixes.unshift(...fixes.splice(k, 1));
      fixes[0].isPreferred = true;
    }
  }
  return fixes;
});

registerFix('CL203', (text, analysis, finding) => {
  const layer = layerOf(analysis, finding);
  if (!layer || !layer.shape) return [];
  const bad = (finding.data?.axes as number[] | undefined) ?? [];
  const g = layer.args as Record<string, any>;
  const axes = axesOf(layer);
  const out: QuickFix[] = [];
  // ⌊(K − 1)/2⌋ on the offending axes (what 'same' gives an odd kernel at stride 1).
  const next = axes.map((a) => ({ ...a, p: [...a.p] as [number, number] }));
  for (const i of bad) {
    const h = Math.floor((g.effectiveKernel[i] - 1) / 2);
    next[i].p = [Math.min(next[i].p[0], h), Math.min(next[i].p[1], h)];
  }
  const r = renderPadding(next.map((a) => a.p));
  const edits = setArg(text, layer.origin, 'padding', r);
  if (edits) out.push({ title: `Pad ${r} → ${shapeOf(layer, next)}`, isPreferred: true, edits });
  return out;
});
