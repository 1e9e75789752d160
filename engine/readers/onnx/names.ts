// Layer names for ONNX nodes, as a PyTorch user knows the modules: PyTorch 2 names nodes by
// their module scope (`/layer1/layer1.0/conv1/Conv` → `layer1.0.conv1`); PyTorch 1.x exports
// number them (`Conv_12`) but keep parameter names on the weights (`layer1.0.conv1.weight` →
// `layer1.0.conv1`); otherwise the node's own name, or its first output's.
import type { OnnxNode } from './proto';

/** The dotted module path of a scoped node name, and the op part: `/layer1/layer1.0/conv1/Conv` → [`layer1.0.conv1`, `Conv`]. */
export function scopePath(nodeName: string): { path: string; op: string } | undefined {
  if (!nodeName.startsWith('/')) return undefined;
  const parts = nodeName.split('/').filter((p) => p !== '');
  if (!parts.length) return undefined;
  const op = parts.pop()!;
  // An op of the model's own forward (`/Concat_2`): named by the op, as torch names it.
  if (!parts.length) return { path: op.toLowerCase(), op: '' };
  // A Sequential's child is written as its parent's scope name and its index (`layer1.0` inside
  // `layer1`, `down.0` inside `layer2/down`): it extends the parent's path; any other scope is one
  // more attribute name.
  let path = '';
  let previous = '';
  for (const p of parts) {
    path = previous !== '' && p.startsWith(previous + '.') ? path + p.slice(previous.length) : path === '' ? p : `${path}.${p}`;
    previous = p;
  }
  return { path, op };
}

/** `layer1.0.conv1.weight` → `layer1.0.conv1`; undefined for exporter-made names (`onnx::Conv_193`). */
export function moduleOfParameter(name: string): string | undefined {
  const m = /^([A-Za-z_][\w]*(?:\.[\w]+)*)\.(weight|bias|running_mean|running_var|weight_orig)$/.exec(name);
  return m ? m[1] : undefined;
}

/**
 * Whether an initializer is named as a model's own tensor (a PyTorch state_dict key such as
 * `features.1.0.layer_scale` or a root module's `gamma`), not as a constant the exporter made
 * (`onnx::Mul_12`, `/block/Constant_output_0`) or a converter's variable path (`model/dense/bias:0`).
 */
export function isParameterName(name: string): boolean {
  return /^[A-Za-z_]\w*(?:\.\w+)*$/.test(name);
}

/** Unique layer names for the nodes that become layers, in order. */
export function layerNames(nodes: Array<{ node: OnnxNode; weight?: string }>): string[] {
  const base = nodes.map(({ node, weight }) => {
    const scoped = scopePath(node.name);
    if (scoped) return { path: scoped.path, op: scoped.op };
    const fromWeight = weight !== undefined ? moduleOfParameter(weight) : undefined;
    if (fromWeight) return { path: fromWeight, op: node.opType };
    return { path: node.name || node.outputs[0] || node.opType, op: '' };
  });
  // A module that produced several layers (a SiLU exported as Sigmoid and Mul) names each by its op.
  const count = new Map<string, number>();
  for (const b of base) count.set(b.path, (count.get(b.path) ?? 0) + 1);
  const used = new Set<string>();
  return base.map((b) => {
    let name = (count.get(b.path) ?? 0) > 1 && b.op ? `${b.path}.${b.op.toLowerCase()}` : b.path;
    if (name === 'input' || used.has(name)) {
      let k = 1;
      while (used.has(`${name}_${k}`)) k++;
      name = `${name}_${k}`;
    }
    used.add(name);
    return name;
  });
}
