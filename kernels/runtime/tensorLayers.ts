// The kernels of the tensor-plumbing and elementwise kinds (engine/analyse/tensorLayers.ts):
// reshape, transpose, strided_slice, reduce, elementwise, unary. Their arguments come resolved from the
// analysis; a constant operand (`value`) is small and travels in the arguments.
import type { LayerResult } from '../../engine/types';
import { Tensor, reshape, transpose, stridedSlice, binary, unary, reduceAxes } from '..';

type Args = Record<string, any>;

/** The output of one of these layers, or undefined for another kind. */
export function runTensorLayer(layer: LayerResult, inputs: Tensor[]): Tensor | undefined {
  const a = layer.args as Args;
  const x = inputs[0];
  switch (layer.kind) {
    case 'reshape':
      return reshape(x, a.shape);
    case 'transpose':
      return transpose(x, a.perm);
    case 'strided_slice':
      return stridedSlice(x, a.axes, a.starts, a.ends, a.steps);
    case 'elementwise': {
      if (inputs.length === 2) return binary(a.op, inputs[0], inputs[1]);
      const values: number[] = Array.isArray(a.value) ? a.value : [a.value];
      const c: Tensor = { shape: a.valueShape ?? [], data: Float32Array.from(values) };
      return a.reversed ? binary(a.op, c, x) : binary(a.op, x, c);
    }
    case 'reduce':
      return reduceAxes(x, a.op, a.axes, a.keepdims);
    case 'unary':
      return unary(x, a.op, { alpha: a.alpha, beta: a.beta, gamma: a.gamma, min: a.min, max: a.max });
  }
  return undefined;
}
