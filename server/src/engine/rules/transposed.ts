// CL206 transposed convolution with stride larger than its kernel: output positions that no
// kernel tap reaches (they hold only the bias), the extreme case of checkerboard artefacts.
import { registerRule } from './registry';
import { axisLabel, blockUses, dedupe, layerSpan } from './util';

registerRule({
  code: 'CL206',
  id: 'transposed-gaps',
  title: 'conv_transpose stride larger than the kernel',
  severity: 'warning',
  description: 'A transposed convolution with stride S > K (effective kernel) scatters each input into K of every S output positions; the others receive no tap at all (only the bias): a regular grid of dead pixels, the extreme checkerboard.',
  check(ctx) {
    const report = dedupe(ctx.report);
    for (const layer of ctx.analysis.layers) {
      const a = layer.args as Record<string, any>;
      if (layer.kind !== 'conv_transpose' || !layer.shape) continue;
      const rank = a.kernel.length;
      const parts: string[] = [];
      const axes: number[] = [];
      for (let i = 0; i < rank; i++) {
        const [k, s, d, p0] = [a.kernel[i], a.stride[i], a.dilation[i], a.padding[i][0]];
        // Output o receives input i when o + p0 − t·d ≡ 0 (mod s) for some tap t.
        const dead: number[] = [];
        for (let r = 0; r < s; r++) {
          let hit = false;
          for (let t = 0; t < k && !hit; t++) hit = (((r + p0 - t * d) % s) + s) % s === 0;
          if (!hit) dead.push(r);
        }
        if (!dead.length) continue;
        axes.push(i);
        const n = layer.shape[1 + i];
        let count = 0;
        for (let o = 0; o < n; o++) if (dead.includes(o % s)) count++;
        parts.push(`${rank > 1 ? `${axisLabel(rank, i)}: ` : ''}stride ${s} with ${d > 1 ? `kernel ${k} at dilation ${d}` : `kernel ${k}`} reaches only ${s - dead.length} of every ${s} output positions, so ${count} of ${n} outputs (those ≡ ${dead.join(', ')} mod ${s}) get no input at all`);
      }
      if (!parts.length) continue;
      report({
        span: layerSpan(layer, 'stride'),
        message: `${layer.name}: ${parts.join('; ')}. Use kernel ≥ stride (kernel = stride, or a multiple of it, also avoids uneven overlap).`,
        related: blockUses(layer),
        data: { layer: layer.name, axes },
      });
    }
  },
});
