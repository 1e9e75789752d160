// CL401 linear on a tensor that still has spatial axes (acts on the last axis only).
import { registerRule } from './registry';
import { blockUses, dedupe } from './util';

registerRule({
  code: 'CL401',
  id: 'linear-without-flatten',
  title: 'linear on a tensor with spatial axes',
  severity: 'warning',
  description: 'linear acts on the last axis only, as in PyTorch: on [C, H, W] it mixes the W positions of each row and keeps C and H. A flatten (or global pooling) before it is usually missing.',
  check(ctx) {
    const report = dedupe(ctx.report);
    for (const layer of ctx.analysis.layers) {
      if (layer.kind !== 'linear' || !layer.shape) continue;
      const input = layer.inputShapes[0];
      if (input.length < 2) continue;
      const a = layer.args as Record<string, any>;
      const flat = input.reduce((x, y) => x * y, 1);
      report({
        span: layer.origin.kindKey,
        message: `${layer.name}: linear on [${input.join(', ')}] acts on the last axis only (${a.in} → ${a.out} features, applied to ${a.rows} rows), giving [${layer.shape.join(', ')}]. Missing flatten? After flatten it would take ${flat} features.`,
        related: blockUses(layer),
        data: { layer: layer.name, input, flat },
      });
    }
  },
});
