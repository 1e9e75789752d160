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
      if (input.length < 2 || afterRelayout(ctx.analysis.layers, layer.fromIndex[0])) continue;
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

/**
 * Whether a tensor was laid out on purpose for a linear on its last axis: a transpose or reshape
 * upstream, through layers that keep the rank (ConvNeXt's channels-last MLP: permute, layer
 * norm, linear, GELU, linear).
 */
function afterRelayout(layers: ReadonlyArray<{ kind: string; fromIndex: number[]; shape?: number[]; inputShapes: number[][] }>, index: number | undefined): boolean {
  for (let i = index, steps = 0; i !== undefined && i >= 0 && steps < 32; i = layers[i].fromIndex[0], steps++) {
    const l = layers[i];
    if (l.kind === 'transpose' || l.kind === 'reshape') return true;
    if (!l.shape || l.inputShapes[0]?.length !== l.shape.length) return false;
  }
  return false;
}
