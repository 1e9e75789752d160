// CL202 `same` with an even effective kernel; CL203 padding that makes windows see only zeros.
import { registerRule } from './registry';
import { axisLabel, blockUses, dedupe, layerSpan } from './util';

const CONVS = new Set(['conv', 'depthwise', 'separable']);

registerRule({
  code: 'CL202',
  id: 'same-even-kernel',
  title: "padding 'same' with an even kernel",
  severity: 'info',
  description: "An even effective kernel needs an odd total padding K − 1, so 'same' pads one more zero after than before: the output shifts by half a pixel, and PyTorch has to copy the input into a padded buffer because the conv itself pads symmetrically.",
  check(ctx) {
    const report = dedupe(ctx.report);
    for (const layer of ctx.analysis.layers) {
      const a = layer.args as Record<string, any>;
      if (!CONVS.has(layer.kind) || a.paddingMode !== 'same' || !layer.shape) continue;
      const rank = a.kernel.length;
      const axes: number[] = [];
      for (let i = 0; i < rank; i++) if (a.stride[i] === 1 && a.effectiveKernel[i] % 2 === 0) axes.push(i);
      if (!axes.length) continue;
      const parts = axes.map((i) => {
        const K = a.effectiveKernel[i];
        const [p0, p1] = a.padding[i];
        return `${rank > 1 ? `${axisLabel(rank, i)}: ` : ''}K = ${a.dilation[i] > 1 ? `${a.dilation[i]}·(${a.kernel[i]} − 1) + 1 = ` : ''}${K}, total padding K − 1 = ${K - 1} split ${p0} before and ${p1} after`;
      });
      report({
        span: layerSpan(layer, 'padding'),
        message: `${layer.name}: padding 'same' with an even kernel is asymmetric (${parts.join('; ')}): every output is centred half a pixel before its input position. PyTorch cannot pad asymmetrically inside the conv and makes a padded copy of the input; an odd kernel avoids both.`,
        related: blockUses(layer),
        data: { layer: layer.name, axes, kernel: a.kernel },
      });
    }
  },
});

registerRule({
  code: 'CL203',
  id: 'padding-only-windows',
  title: 'Padding as large as the kernel: windows that see only zeros',
  severity: 'warning',
  description: 'With padding p ≥ K (the effective kernel), the first or last windows lie entirely in the padding and produce only the bias.',
  check(ctx) {
    const report = dedupe(ctx.report);
    for (const layer of ctx.analysis.layers) {
      const a = layer.args as Record<string, any>;
      if (!CONVS.has(layer.kind) || !layer.shape || a.paddingMode === 'same') continue;
      const rank = a.kernel.length;
      const bad: string[] = [];
      const axes: number[] = [];
      for (let i = 0; i < rank; i++) {
        const K = a.effectiveKernel[i];
        const S = a.stride[i];
        const W = layer.inputShapes[0][1 + i];
        const n = layer.shape[1 + i];
        const [p0, p1] = a.padding[i];
        // Windows [o·S − p0, o·S − p0 + K − 1] that hold no input position.
        // Left: o·S − p0 + K − 1 < 0; right: o·S − p0 > W − 1 (counted in closed form: n can be huge).
        const left = Math.min(n, Math.max(0, Math.ceil((p0 - K + 1) / S)));
        const right = Math.max(0, n - (Math.floor((W - 1 + p0) / S) + 1));
        const empty = Math.min(n, left + right);
        if (!empty) continue;
        axes.push(i);
        bad.push(`${rank > 1 ? `${axisLabel(rank, i)}: ` : ''}padding ${p0 === p1 ? p0 : `[${p0}, ${p1}]`} ≥ K = ${K}, so ${empty} of ${n} outputs see only padding`);
      }
      if (!bad.length) continue;
      report({
        span: layerSpan(layer, 'padding'),
        message: `${layer.name}: ${bad.join('; ')}. Those outputs are constant (the bias); padding up to K − 1 = ${a.effectiveKernel[axes[0]] - 1} is the most that still lets every window touch the input.`,
        related: blockUses(layer),
        data: { layer: layer.name, axes },
      });
    }
  },
});
