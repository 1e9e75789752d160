// A YAML tree node as a plain JavaScript value (maps become objects, lists arrays).
import type { RawNode } from './raw';

export function plainValue(node: RawNode): unknown {
  if (node.type === 'scalar') return node.value;
  if (node.type === 'seq') return node.items.map(plainValue);
  return Object.fromEntries(node.entries.map((e) => [e.key, plainValue(e.value)]));
}
