// Kernel fixes: an odd kernel for padding 'same' (CL202), kernel ≥ stride for transposed
// convolutions that leave output positions without taps (CL206).
import type { QuickFix } from '../types';
import { registerFix } from './registry';
import { layerOf } from './values';
import { renderAxes, setArg } from './edit';

registerFix('CL202', (text, analysis, finding) => {
  const layer = layerOf(analysis, finding);
  if (!layer || !layer.shape) return [];
  const g = layer.args as Record<string, any>;
  if (g.weights !== undefined) return [];
  const bad = (finding.data?.axes as number[] | undefined) ?? [];
  const out: QuickFix[] = [];
  for (const delta of [1, -1]) {
    const k = [...g.kernel] as number[];
    for (const i of bad) k[i] += delta;
    if (k.some((x) => x < 1)) continue;
    const r = renderAxes(k);
    const edits = setArg(text, layer.origin, 'kernel', r);
    // Stride 1 + 'same': the output keeps the input's spatial size.
    if (edits) out.push({ title: `Kernel ${r} (odd: symmetric padding) → ${layer.shape.join('×')}`, isPreferred: delta === 1, edits });
  }
  return out;
});

registerFix('CL206', (text, analysis, finding) => {
  const layer = layerOf(analysis, finding);
  if (!layer || !layer.shape) return [];
  const g = layer.args as Record<string, any>;
  const bad = (finding.data?.axes as number[] | undefined) ?? [];
  const W = layer.inputShapes[0].slice(1) as number[];
  const size = (k: number[], s: number[]) =>
    [layer.shape![0], ...W.map((w, i) => (w - 1) * s[i] - g.padding[i][0] - g.padding[i][1] + g.dilation[i] * (k[i] - 1) + 1 + g.outputPadding[i])].join('×');
  const out: QuickFix[] = [];
  if (g.weights === undefined) {
    const k = [...g.kernel] as number[];
    for (const i of bad) k[i] = Math.ceil(g.stride[i] / g.dilation[i]);
    // Every output phase r (mod stride s) must receive a tap: some t < k with t·d ≡ r + p (mod s).
    // k taps hit at most k of the s phases, and k = ⌈s/d⌉ < s when d > 1; with d = 1 the taps
    // 0…s−1 hit each phase once. (A loop over phases and taps took for ever at stride 100000.)
    const okTaps = bad.every((i) => g.dilation[i] === 1 || g.stride[i] === 1);
    const r = renderAxes(k);
    const edits = okTaps ? setArg(text, layer.origin, 'kernel', r) : undefined;
    if (edits) out.push({ title: `Kernel ${r} (= stride) → ${size(k, g.stride)}`, isPreferred: true, edits });
  }
  const s = [...g.stride] as number[];
  for (const i of bad) s[i] = g.dilation[i] * (g.kernel[i] - 1) + 1;
  const validOp = s.every((si, i) => g.outputPadding[i] < si || g.outputPadding[i] < g.dilation[i]);
  const r = renderAxes(s);
  const edits = validOp && s.every((x) => x >= 1) ? setArg(text, layer.origin, 'stride', r) : undefined;
  if (edits) out.push({ title: `Stride ${r} (= kernel) → ${size(g.kernel, s)}`, isPreferred: out.length === 0, edits });
  return out;
});
