// Trained weights reach the kernels BY LAYER NAME, never through the analysis: a WeightStore maps
// each layer's name to its tensors under PyTorch's parameter names (weight, bias, running_mean,
// running_var), in PyTorch's layouts. The readers (kernels/weights/) build stores from files; the
// executor takes one in ExecuteOptions.weights.
import type { Analysis, LayerResult } from '../../engine/types';
import type { Tensor } from '../tensor';

export interface WeightStore {
  /** Layer name → parameter name → tensor (float32, PyTorch's layout). */
  layers: Map<string, Map<string, Tensor>>;
  /** BatchNorm epsilon by layer, when the file records it (a pickled module); else the layer's own. */
  eps?: Map<string, number>;
}

/** A weights file that does not fit the network (shapes, missing or unexpected tensors). */
export class WeightsError extends Error {}

type Args = Record<string, any>;

/**
 * The tensors a layer takes from a weights store and their shapes, given its input shape; {} for
 * a layer without parameters. Separable convolutions (one ConvLens layer) hold a depthwise and a
 * pointwise convolution: `depthwise.weight`, `pointwise.weight`, `pointwise.bias`.
 */
export function expectedTensors(layer: Pick<LayerResult, 'kind' | 'args'>, inShape: readonly number[]): Record<string, number[]> {
  const a = layer.args as Args;
  const C = inShape[0];
  const withBias = a.bias !== false;
  const wb = (weight: number[], n: number): Record<string, number[]> => (withBias ? { weight, bias: [n] } : { weight });
  switch (layer.kind) {
    case 'conv':
    case 'depthwise': {
      const groups: number = a.groups ?? (layer.kind === 'depthwise' ? C : 1);
      return wb([a.out, C / groups, ...a.kernel], a.out);
    }
    case 'conv_transpose':
      return wb([C, a.out / (a.groups ?? 1), ...a.kernel], a.out);
    case 'linear':
      return wb([a.out, inShape[inShape.length - 1]], a.out);
    case 'separable': {
      const m: number = a.multiplier ?? 1;
      const t: Record<string, number[]> = {
        'depthwise.weight': [C * m, 1, ...a.kernel],
        'pointwise.weight': [a.out, C * m, ...a.kernel.map(() => 1)],
      };
      if (withBias) t['pointwise.bias'] = [a.out];
      return t;
    }
    case 'batchnorm':
      return { weight: [C], bias: [C], running_mean: [C], running_var: [C] };
    case 'layernorm':
      // Over the trailing axes from `axis`: one scale and shift per normalised element.
      if (a.axis !== undefined) {
        const normalized = inShape.slice(a.axis);
        return withBias ? { weight: normalized, bias: normalized.slice() } : { weight: normalized };
      }
      return { weight: [C], bias: [C] };
    case 'groupnorm':
      return { weight: [C], bias: [C] };
    case 'prelu':
      return { weight: [a.channels ?? 1] };
    case 'elementwise':
      // A learned constant operand (ConvNeXt's layer scale): a parameter of the constant's shape.
      return a.learned ? { weight: a.valueShape } : {};
  }
  return {};
}

/** Whether the file itself gives the layer's values (cnn-yaml `weights:`), so a store need not. */
export function hasInlineWeights(layer: Pick<LayerResult, 'args'>): boolean {
  return (layer.args as Args).weights !== undefined;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((n, i) => n === b[i]);

/**
 * A layer's tensor from the store, checked against the shape the network expects (an error that
 * names the layer otherwise); null when the store has nothing for the layer.
 */
export function storedTensor(store: WeightStore | undefined, layer: string, param: string, shape: readonly number[]): Tensor | null {
  const t = store?.layers.get(layer)?.get(param);
  if (!t) return null;
  if (!sameShape(t.shape, shape)) {
    throw new WeightsError(`${layer}: ${param} is [${t.shape.join(', ')}] in the weights, the network expects [${shape.join(', ')}]`);
  }
  return t;
}

/** One tensor the network expects: which layer, which parameter, what shape. */
export interface ExpectedTensor {
  layer: string;
  param: string;
  shape: number[];
}

export interface WeightFit {
  /** Tensors found with the right shape. */
  matched: number;
  /** Expected and absent (layers with inline `weights:` are not expected). */
  missing: ExpectedTensor[];
  /** In the store under a layer the network does not have, or a parameter the layer does not take. */
  unexpected: string[];
  wrongShape: Array<ExpectedTensor & { found: number[] }>;
  /** Null when the store fits; else a message naming the first few problems. */
  problem: string | null;
}

/** Every tensor the analysed network takes from a weights file, in layer order. */
export function networkTensors(analysis: Analysis): ExpectedTensor[] {
  const list: ExpectedTensor[] = [];
  for (const layer of analysis.layers) {
    const inShape = layer.inputShapes[0];
    if (!inShape || hasInlineWeights(layer)) continue;
    for (const [param, shape] of Object.entries(expectedTensors(layer, inShape))) list.push({ layer: layer.name, param, shape });
  }
  return list;
}

const FIRST_FEW = 3;

function firstFew(items: string[]): string {
  const shown = items.slice(0, FIRST_FEW).join(', ');
  return items.length > FIRST_FEW ? `${shown} and ${items.length - FIRST_FEW} more` : shown;
}

/**
 * Whether a store fits the network: every expected tensor present with its shape, nothing else.
 * `extraUnexpected` adds the file's keys the reader could not map to any layer.
 */
export function weightFit(analysis: Analysis, store: WeightStore, extraUnexpected: readonly string[] = []): WeightFit {
  const expected = networkTensors(analysis);
  const wanted = new Set(expected.map((e) => `${e.layer}\u0000${e.param}`));
  const fit: WeightFit = { matched: 0, missing: [], unexpected: [...extraUnexpected], wrongShape: [], problem: null };
  for (const e of expected) {
    const t = store.layers.get(e.layer)?.get(e.param);
    if (!t) fit.missing.push(e);
    else if (!sameShape(t.shape, e.shape)) fit.wrongShape.push({ ...e, found: t.shape.slice() });
    else fit.matched++;
  }
  for (const [layer, params] of store.layers) {
    for (const param of params.keys()) if (!wanted.has(`${layer}\u0000${param}`)) fit.unexpected.push(`${layer}.${param}`);
  }
  const parts: string[] = [];
  if (fit.wrongShape.length) {
    parts.push(`wrong shape: ${firstFew(fit.wrongShape.map((w) => `${w.layer}.${w.param} is [${w.found.join(', ')}], expected [${w.shape.join(', ')}]`))}`);
  }
  if (fit.missing.length) parts.push(`missing: ${firstFew(fit.missing.map((m) => `${m.layer}.${m.param} [${m.shape.join(', ')}]`))}`);
  if (fit.unexpected.length) parts.push(`unexpected: ${firstFew(fit.unexpected)}`);
  if (parts.length) fit.problem = `the weights do not fit the network (${fit.matched} of ${expected.length} tensors match); ${parts.join('; ')}`;
  return fit;
}
