// Dense layers: linear on the last axis, and flatten.
import type { LayerComputation, LayerContext, LayerRules } from './contract';
import { prod, checkWeights, checkBias } from './args';

export const denseRules: LayerRules = {
  linear,
  flatten,
};

function linear(c: LayerContext): LayerComputation {
  const { args, input, notes } = c;
  const inF = input[input.length - 1];
  const outF = args.int('out');
  const hasBias = checkBias(args, outF);
  checkWeights(args, [outF, inF], `a linear layer from ${inF} to ${outF} features`);
  const rows = prod(input.slice(0, -1));
  return {
    shape: [...input.slice(0, -1), outF],
    params: inF * outF + (hasBias ? outF : 0),
    buffers: 0,
    macs: inF * outF * rows,
    resolved: { in: inF, out: outF, bias: hasBias, rows },
    field: { type: 'global' },
    notes,
  };
}

function flatten(c: LayerContext): LayerComputation {
  const { input, notes } = c;
  return { shape: [prod(input)], params: 0, buffers: 0, macs: 0, resolved: {}, field: { type: 'global' }, notes };
}
