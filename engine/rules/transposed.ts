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
        // Output o receives input i when o + p0 − t·d ≡ 0 (mod s) for some tap t: the residues
        // hit are (t·d − p0) mod s, at most k of them (no loop over s, which may be huge).
        if (k >= s && d === 1) continue;
        const hits = new Set<number>();
        for (let t = 0; t < Math.min(k, s, 1_000_000); t++) hits.add((((t * d - p0) % s) + s) % s);
        if (hits.size >= s) continue;
        const deadCount = s - hits.size;
        axes.push(i);
        const n = layer.shape[1 + i];
        const countResidue = (r: number) => (r < n ? Math.floor((n - 1 - r) / s) + 1 : 0);
        let reached = 0;
        for (const r of hits) reached += countResidue(r);
        const count = n - reached;
        const dead: number[] = [];
        for (let r = 0; r < s && dead.length < 8; r++) if (!hits.has(r)) dead.push(r);
        parts.push(`${rank > 1 ? `${axisLabel(rank, i)}: ` : ''}stride ${s} with ${d > 1 ? `kernel ${k} at dilation ${d}` : `kernel ${k}`} reaches only ${s - deadCount} of every ${s} output positions, so ${count} of ${n} outputs (those ≡ ${dead.join(', ')}${deadCount > dead.length ? ', …' : ''} mod ${s}) get no input at all`);
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
