// CL401 linear on a tensor that still has spatial axes (acts on the last axis only), unless a
// transpose or reshape put the features last on purpose (ConvNeXt's channels-last MLP).
import type { LayerResult } from '../types';
import { registerRule } from './registry';
import { blockUses, dedupe } from './util';

/** Whether the tensor reaching `layer` was laid out by a transpose or reshape, through layers that keep its rank. */
function laidOutByTranspose(layer: LayerResult, byName: Map<string, LayerResult>): boolean {
  const rank = layer.inputShapes[0]?.length;
  let at: LayerResult | undefined = byName.get(layer.from[0]);
  for (let steps = 0; at && steps < 64; steps++) {
    if (at.kind === 'transpose' || at.kind === 'reshape') return true;
    if (at.shape?.length !== rank) return false;
    at = byName.get(at.from[0]);
  }
  return false;
}

registerRule({
  code: 'CL401',
  id: 'linear-without-flatten',
  title: 'linear on a tensor with spatial axes',
  severity: 'warning',
  description: 'linear acts on the last axis only, as in PyTorch: on [C, H, W] it mixes the W positions of each row and keeps C and H. A flatten (or global pooling) before it is usually missing.',
  check(ctx) {
    const report = dedupe(ctx.report);
    const byName = new Map(ctx.analysis.layers.map((l) => [l.name, l]));
    for (const layer of ctx.analysis.layers) {
      if (layer.kind !== 'linear' || !layer.shape) continue;
      const input = layer.inputShapes[0];
      if (input.length < 2 || laidOutByTranspose(layer, byName)) continue;
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
