// Normalisation: batch, layer and group norm keep the shape; they own 2·C parameters. A layer
// norm with `axis` normalises every axis from `axis` on together (nn.LayerNorm([C, H, W]), ONNX
// LayerNormalization) and owns a scale and a shift per normalised element.
import { LayerError, type LayerComputation, type LayerContext, type LayerRules } from './contract';
import { prod, show } from './args';

export const normalisationRules: LayerRules = {
  batchnorm: normalisation,
  layernorm: normalisation,
  groupnorm: normalisation,
};

function normalisation(c: LayerContext): LayerComputation {
  const { kind, args, input, same } = c;
  const C = input[0];
  const eps = args.number('eps');
  let groups: number | undefined;
  if (kind === 'groupnorm') {
    groups = args.int('groups');
    if (C % groups !== 0) throw new LayerError('channels', `num_channels must be divisible by num_groups: ${C} channels, ${groups} groups.`, 'groups', { C, groups });
  }
  if (kind === 'layernorm' && args.has('axis')) return trailingLayerNorm(c, eps);
  // A group norm without affine (nn.InstanceNorm's default) owns no parameters.
  const affine = kind !== 'groupnorm' || args.bool('affine');
  return same(input, affine ? 2 * C : 0, kind === 'batchnorm' ? 2 * C : 0, { eps, groups, ...(affine ? {} : { affine }) });
}

/** Layer norm over the axes from `axis` (0 = channels, negative from the end) to the last. */
function trailingLayerNorm(c: LayerContext, eps: number): LayerComputation {
  const { args, input, same } = c;
  const axis = args.raw('axis');
  const rank = input.length;
  if (typeof axis !== 'number' || !Number.isInteger(axis)) throw new LayerError('badValue', `\`axis\` must be a whole number, got ${show(axis)}.`, 'axis');
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new LayerError('badValue', `layernorm axis ${axis} is out of range for a tensor of rank ${rank} ([${input.join(', ')}]).`, 'axis');
  const normalized = input.slice(a);
  const bias = args.has('bias') ? args.bool('bias') : true;
  const n = prod(normalized);
  return same(input, bias ? 2 * n : n, 0, { eps, axis: a, normalizedShape: normalized, bias });
}
