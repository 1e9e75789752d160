// The layers that follow a convolution in most networks — batchnorm, a residual add, relu — as
// stages of the convolution itself: the WebAssembly kernels apply them to each block of output
// as they write it (wasm/c/epilogue.h), instead of three more passes over memory with copies in
// between. The numbers are those of batchNorm, add and relu applied in turn, bit for bit.

import { Tensor } from './tensor';
import { BatchNormParams, batchNorm } from './norm';
import { add, relu } from './elementwise';

/** Stages after a convolution, in this order (each optional). */
export interface ConvStages {
  batchNorm?: BatchNormParams;
  /** Added after the batchnorm: a tensor of the convolution's output shape. */
  residual?: Tensor;
  relu?: boolean;
}

/** A staged convolution's outputs: every stage's with keepAll, else only the last one's. */
export interface StagedOutputs {
  conv?: Tensor;
  batchNorm?: Tensor;
  sum?: Tensor;
  relu?: Tensor;
}

/** The stage names in order, with whether each one runs. */
export function stageList(s: ConvStages): ('batchNorm' | 'sum' | 'relu')[] {
  const list: ('batchNorm' | 'sum' | 'relu')[] = [];
  if (s.batchNorm) list.push('batchNorm');
  if (s.residual) list.push('sum');
  if (s.relu) list.push('relu');
  return list;
}

/** The stages as separate passes over a finished convolution output (the fallback). */
export function applyStages(conv: Tensor, s: ConvStages, keepAll: boolean): StagedOutputs {
  const out: StagedOutputs = { conv };
  let t = conv;
  if (s.batchNorm) out.batchNorm = t = batchNorm(t, s.batchNorm);
  if (s.residual) out.sum = t = add(t, s.residual);
  if (s.relu) out.relu = t = relu(t);
  return keepAll ? out : lastOnly(out, s);
}

/** Only the last stage's output (the convolution's when there is no stage). */
export function lastOnly(out: StagedOutputs, s: ConvStages): StagedOutputs {
  const last = stageList(s).pop() ?? 'conv';
  return { [last]: out[last] };
}

/** Throws unless the residual has the convolution's output shape. */
export function checkResidual(s: ConvStages, shape: readonly number[]): void {
  const r = s.residual;
  if (r && (r.shape.length !== shape.length || r.shape.some((n, i) => n !== shape[i]))) {
    throw new RangeError(`conv: residual [${r.shape.join(', ')}] does not match the output [${shape.join(', ')}]`);
  }
}
