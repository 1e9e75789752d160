// Normalisation: batch, layer and group norm keep the shape; they own 2·C parameters.
import { LayerError, type LayerComputation, type LayerContext, type LayerRules } from './contract';

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
  return same(input, 2 * C, kind === 'batchnorm' ? 2 * C : 0, { eps, groups });
}
