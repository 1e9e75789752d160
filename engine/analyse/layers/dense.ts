// Dense layers: linear on the last axis, and flatten.
import type { LayerComputation, LayerContext, LayerRules } from './contract';
import { prod, checkWeights, checkBias } from './args';

export const denseRules: LayerRules = {
  linear,
  flatten,
  parameter,
};

/** A learned constant (darknet's [implicit], YOLOR's implicit layers): its input only places it in the network. */
function parameter(c: LayerContext): LayerComputation {
  const { args, notes } = c;
  const shape = [args.int('out'), args.int('height'), args.int('width')];
  checkWeights(args, shape, `a learned constant of shape ${shape.join('×')}`);
  return { shape, params: prod(shape), buffers: 0, macs: 0, resolved: { out: shape[0], height: shape[1], width: shape[2], mean: args.number('mean') }, field: { type: 'global' }, notes };
}

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
