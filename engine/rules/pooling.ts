// CL204 ceil_mode windows that would start in the right padding (PyTorch drops them, Caffe keeps
// them); CL205 pooling whose output size differs between floor and ceil rounding.
import type { LayerResult } from '../types';
import { registerRule } from './registry';
import { POOL_KINDS, axisLabel, blockUses, dedupe, fmtNum, layerSpan } from './util';

interface Rounding {
  axis: number;
  W: number;
  P: number;
  K: number;
  S: number;
  floor: number;
  /** ⌈(W + P − K)/S⌉ + 1, before PyTorch's rule. */
  naiveCeil: number;
  /** What PyTorch computes with ceil_mode. */
  ceil: number;
}

export function rounding(layer: LayerResult): Rounding[] {
  const a = layer.args as Record<string, any>;
  return (layer.inputShapes[0].slice(1) as number[]).map((W, i) => {
    const [p0, p1] = a.padding[i] as [number, number];
    const K = a.effectiveKernel[i] as number;
    const S = a.stride[i] as number;
    const span = W + p0 + p1 - K;
    const floor = Math.floor(span / S) + 1;
    const naiveCeil = Math.ceil(span / S) + 1;
    const ceil = (naiveCeil - 1) * S >= W + p0 ? naiveCeil - 1 : naiveCeil;
    return { axis: i, W, P: p0 + p1, K, S, floor, naiveCeil, ceil };
  });
}

const arith = (r: Rounding) => `(${r.W} + ${r.P} − ${r.K})/${r.S} + 1 = ${fmtNum((r.W + r.P - r.K) / r.S + 1)}`;

registerRule({
  code: 'CL204',
  id: 'ceil-window-in-padding',
  title: 'ceil_mode window that would start in the padding',
  severity: 'info',
  description: "With ceil_mode, rounding up can create a last window that starts inside the right padding; PyTorch drops it (one output fewer than ⌈(W + P − K)/S⌉ + 1), Caffe keeps it.",
  check(ctx) {
    const report = dedupe(ctx.report);
    for (const layer of ctx.analysis.layers) {
      const a = layer.args as Record<string, any>;
      if (!POOL_KINDS.has(layer.kind) || !layer.shape || !a.ceilMode) continue;
      const rank = a.kernel.length;
      const hits = rounding(layer).filter((r) => r.ceil !== r.naiveCeil);
      if (!hits.length) continue;
      const parts = hits.map((r) => `${rank > 1 ? `${axisLabel(rank, r.axis)}: ` : ''}⌈${arith(r)}⌉ = ${r.naiveCeil}, but window ${r.naiveCeil - 1} would start at ${(r.naiveCeil - 1) * r.S} − ${(a.padding[r.axis] as number[])[0]} = ${(r.naiveCeil - 1) * r.S - a.padding[r.axis][0]}, in the right padding, so PyTorch drops it: ${r.ceil}`);
      report({
        span: layerSpan(layer, 'ceil_mode'),
        message: `${layer.name}: ${parts.join('; ')} (Caffe would give ${hits.map((r) => r.naiveCeil).join('×')}).`,
        related: blockUses(layer),
        data: { layer: layer.name },
      });
    }
  },
});

registerRule({
  code: 'CL205',
  id: 'pool-rounding',
  title: 'Pooling output differs between floor and ceil mode',
  // A hint: it matters only when porting between frameworks, and every torchvision ResNet has one.
  severity: 'hint',
  description: 'When (W + P − K)/S is not whole, floor rounding (PyTorch default) and ceil rounding (Caffe) give different output sizes; models ported between frameworks silently change shape.',
  check(ctx) {
    const report = dedupe(ctx.report);
    for (const layer of ctx.analysis.layers) {
      const a = layer.args as Record<string, any>;
      if (!POOL_KINDS.has(layer.kind) || !layer.shape) continue;
      const rank = a.kernel.length;
      const rs = rounding(layer);
      const diff = rs.filter((r) => r.floor !== r.ceil);
      if (!diff.length) continue;
      const parts = diff.map((r) => `${rank > 1 ? `${axisLabel(rank, r.axis)}: ` : ''}${arith(r)} → floor ${r.floor}, ceil ${r.ceil}`);
      const floorShape = rs.map((r) => r.floor).join('×');
      const ceilShape = rs.map((r) => r.ceil).join('×');
      report({
        span: layerSpan(layer, a.ceilMode ? 'ceil_mode' : undefined),
        message: `${layer.name}: ${parts.join('; ')}. This layer uses ${a.ceilMode ? 'ceil_mode (Caffe convention)' : 'floor rounding (PyTorch default)'}: ${a.ceilMode ? ceilShape : floorShape}; the other convention gives ${a.ceilMode ? floorShape : ceilShape}.`,
        related: blockUses(layer),
        data: { layer: layer.name },
      });
    }
  },
});
