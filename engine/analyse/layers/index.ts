// Step 3 for one layer: the rule of its kind, from the family file that handles it (one file per
// family: convolution, pooling, dense, normalisation, activations, resampling, channels,
// elementwise, attention, tensors). A new kind goes into its family's table.
import type { LayerComputation, LayerInput, LayerRules } from './contract';
import { LayerError } from './contract';
import { Args } from './args';
import { convolutionRules } from './convolution';
import { poolingRules } from './pooling';
import { denseRules } from './dense';
import { normalisationRules } from './normalisation';
import { activationRules } from './activations';
import { resamplingRules } from './resampling';
import { channelRules } from './channels';
import { elementwiseRules } from './elementwise';
import { attentionRules } from './attention';
import { tensorRules } from './tensors';

export * from './contract';
export { fmtShape, nestedShape, resolvePadding } from './args';

const RULES: LayerRules = {
  ...convolutionRules,
  ...poolingRules,
  ...denseRules,
  ...normalisationRules,
  ...activationRules,
  ...resamplingRules,
  ...channelRules,
  ...elementwiseRules,
  ...attentionRules,
  ...tensorRules,
};

export function computeLayer(layer: LayerInput): LayerComputation {
  const { kind } = layer;
  const rule = Object.prototype.hasOwnProperty.call(RULES, kind) ? RULES[kind] : undefined;
  if (!rule) throw new LayerError('unknownKind', `Unknown layer kind '${kind}'.`);
  const notes: LayerComputation['notes'] = [];
  const input = layer.inputs[0];
  return rule({
    kind,
    args: new Args(kind, layer.args),
    input,
    inputs: layer.inputs,
    like: layer.like,
    notes,
    same: (shape, params = 0, buffers = 0, resolved = {}) => ({ shape, params, buffers, macs: 0, resolved, field: { type: 'same' }, notes }),
  });
}
