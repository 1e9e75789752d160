// The contract every layer family (one file each) fulfils: given a layer's arguments and input
// shapes, what PyTorch would produce — output shape, parameters, buffers, MACs — and how the
// layer maps positions (for the receptive field). Formulas follow FORMAT.md "Arithmetic";
// PyTorch's own error messages are quoted where PyTorch would refuse the layer.
import type { Shape } from '../../types';
import type { CodeKey } from '../../codes';
import { FieldTooComplex, type AxisMap } from '../receptiveField';
import type { Args } from './args';

export { LayerError } from './layerError';

/** A finding that does not stop the analysis (reported, computation continues). */
export interface LayerNote {
  codeKey: CodeKey;
  message: string;
  arg?: string;
  data?: Record<string, unknown>;
}

/** How the layer changes the receptive field. */
export type FieldOp =
  | { type: 'same' } // elementwise: the field passes through
  | { type: 'map'; axes: AxisMap[] } // windows / resampling per spatial axis
  | { type: 'global' } // every output sees the whole input
  | { type: 'union' } // add / concat: union of the operands' fields
  | { type: 'gate'; main: number } // broadcast mul: the main operand's field, gated
  | { type: 'pass'; main: number } // broadcast add: the main operand's field (a constant per channel added)
  | { type: 'unknown' }; // too large to track position by position (absurd sizes)

/** Builds a layer's per-axis maps, or gives up on the field (not the shape) when they are absurd. */
export function mapsOrUnknown(build: () => AxisMap[]): FieldOp {
  try {
    return { type: 'map', axes: build() };
  } catch (err) {
    if (err instanceof FieldTooComplex) return { type: 'unknown' };
    throw err;
  }
}

export interface LayerComputation {
  shape: Shape;
  params: number;
  buffers: number;
  macs: number;
  /** Arguments resolved per axis (padding as [before, after] pairs), for hover and the runtime. */
  resolved: Record<string, unknown>;
  field: FieldOp;
  notes: LayerNote[];
}

export interface LayerInput {
  kind: string;
  args: Record<string, unknown>;
  inputs: Shape[];
  /** Shapes of layers named by `like` (upsample). */
  like?: Shape;
}

/** What a family's rule reads: the layer, its arguments and a helper for shape-preserving layers. */
export interface LayerContext {
  kind: string;
  args: Args;
  /** The first input's shape (most layers have one). */
  input: Shape;
  inputs: Shape[];
  like?: Shape;
  /** Non-fatal findings the rule adds as it goes. */
  notes: LayerNote[];
  /** The result of a layer that keeps its input's shape and field (activations, norms…). */
  same(shape: Shape, params?: number, buffers?: number, resolved?: Record<string, unknown>): LayerComputation;
}

/** A family's table: the rule of each layer kind it handles. */
export type LayerRules = Record<string, (c: LayerContext) => LayerComputation>;
