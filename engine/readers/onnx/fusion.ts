// nn.Linear on a tensor of more than two axes (ConvNeXt's channels-last MLP, a classifier head on
// [N, T, C]) is exported as MatMul then Add of the bias: read as the one linear layer it is, with
// its bias as a parameter (as PyTorch counts it) and named by its module, not as a bias-less
// linear and an addition of a constant.
import type { OnnxGraph, OnnxNode } from './proto';
import { elementCount } from './tensorData';

/** A MatMul and the Add of a bias after it: node indices, and the bias initializer's name. */
export interface LinearBias {
  matmul: number;
  add: number;
  bias: string;
}

/**
 * The MatMul → Add pairs of the graph that are one linear layer: the MatMul's weight is a [K, N]
 * initializer (or the Transpose of an [N, K] one), its output goes only to the Add (and is not a graph output), and the Add's other
 * operand is an initializer of N values along the last axis.
 */
export function linearBiases(graph: OnnxGraph): LinearBias[] {
  const inits = new Map(graph.initializers.map((t) => [t.name, t]));
  const readers = new Map<string, number[]>();
  graph.nodes.forEach((n, i) => n.inputs.forEach((name) => name && readers.set(name, [...(readers.get(name) ?? []), i])));
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const found: LinearBias[] = [];
  // A weight transposed by a node (exports without constant folding): its [N, K] initializer.
  const transposed = new Map<string, number>();
  for (const n of graph.nodes) {
    const t = n.opType === 'Transpose' && isStandard(n) ? inits.get(n.inputs[0]) : undefined;
    const perm = n.attributes.get('perm')?.ints;
    if (t && t.dims.length === 2 && (!perm || (perm[0] === 1 && perm[1] === 0))) transposed.set(n.outputs[0], t.dims[0]);
  }
  graph.nodes.forEach((node, i) => {
    const isMatMul = node.opType === 'MatMul' && isStandard(node);
    const w = isMatMul ? inits.get(node.inputs[1]) : undefined;
    const N = w?.dims.length === 2 ? w.dims[1] : isMatMul ? transposed.get(node.inputs[1]) : undefined;
    const out = node.outputs[0];
    if (N === undefined || !out || outputs.has(out)) return;
    const users = readers.get(out) ?? [];
    const add = users.length === 1 ? graph.nodes[users[0]] : undefined;
    if (!add || add.opType !== 'Add' || !isStandard(add) || add.inputs.length !== 2) return;
    const bias = add.inputs[0] === out ? add.inputs[1] : add.inputs[0];
    const b = inits.get(bias);
    if (!b || elementCount(b.dims) !== N || (b.dims.length && b.dims[b.dims.length - 1] !== N)) return;
    found.push({ matmul: i, add: users[0], bias });
  });
  return found;
}

const isStandard = (n: OnnxNode) => n.domain === '' || n.domain === 'ai.onnx';
