// Attention over the spatial positions (Ultralytics' PSA/C2PSA).
import { LayerError, type LayerComputation, type LayerContext, type LayerRules } from './contract';
import { prod, spatialOf } from './args';

export const attentionRules: LayerRules = {
  attention,
};

function attention(c: LayerContext): LayerComputation {
  const { kind, args, input, notes } = c;
  const { C, spatial } = spatialOf(kind, input);
  const heads = args.int('heads');
  const keyDim = args.int('key_dim');
  const perHead = C / heads;
  const headDim = perHead - 2 * keyDim;
  if (!Number.isInteger(perHead) || headDim < 1) {
    throw new LayerError('channels', `attention: ${C} input channels are not ${heads} heads of 2·${keyDim} query/key channels plus at least one value channel each.`, 'heads', { C, heads, keyDim });
  }
  const N = prod(spatial);
  return {
    shape: [heads * headDim, ...spatial],
    params: 0,
    buffers: 0,
    // Per head: qᵀk is N×N dot products of key_dim, then values·attnᵀ is head_dim×N dot products of N.
    macs: heads * N * N * (keyDim + headDim),
    resolved: { heads, keyDim, headDim },
    field: { type: 'global' },
    notes,
  };
}
