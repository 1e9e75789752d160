// File keys (`model.0.conv.weight`, `features.1.block.0.0.weight`) → ConvLens layers and their
// parameter names. YOLO and Darknet layers follow PyTorch's module paths, so a key's module path
// is a layer's name; a *.cnn.yaml name cannot hold a dot, so the path also matches a layer whose
// name is the same once every character outside [A-Za-z0-9_] is replaced by `_` on both sides
// (`features_1_block_0_0`, or a block instance `features_1.block_0_0`). A prefix the whole file
// shares (`module.` from DataParallel, `model.` from Lightning) is dropped when that matches more.
import type { Analysis } from '../../engine/types';
import { expectedTensors } from '../runtime/weights';

export class KeyMappingError extends Error {}

export interface KeyTarget {
  layer: string;
  param: string;
}

export interface KeyMapping {
  /** File key → layer and parameter. */
  matched: Map<string, KeyTarget>;
  /** Keys that match no layer (after dropping the prefix). */
  unmatched: string[];
  /** The prefix dropped from every key ('' for none). */
  prefix: string;
}

export const sanitize = (path: string): string => path.replace(/[^A-Za-z0-9_]/g, '_');

/** Looks keys up among the network's layers and the parameters each takes. */
class LayerIndex {
  private exact = new Map<string, KeyTarget>();
  private loose = new Map<string, KeyTarget[]>();

  constructor(analysis: Analysis) {
    for (const layer of analysis.layers) {
      const inShape = layer.inputShapes[0];
      if (!inShape) continue;
      for (const param of Object.keys(expectedTensors(layer, inShape))) {
        const t = { layer: layer.name, param };
        this.exact.set(`${layer.name}\u0000${param}`, t);
        const k = `${sanitize(layer.name)}\u0000${param}`;
        this.loose.set(k, [...(this.loose.get(k) ?? []), t]);
      }
    }
  }

  /** The layer a key names, trying every split into module path and parameter name; null when none. */
  resolve(key: string): KeyTarget | null {
    const loose: KeyTarget[] = [];
    for (let i = key.indexOf('.'); i > 0; i = key.indexOf('.', i + 1)) {
      const module = key.slice(0, i);
      const param = key.slice(i + 1);
      const hit = this.exact.get(`${module}\u0000${param}`);
      if (hit) return hit;
      for (const t of this.loose.get(`${sanitize(module)}\u0000${param}`) ?? []) if (!loose.includes(t)) loose.push(t);
    }
    if (loose.length > 1) {
      throw new KeyMappingError(`${key} is ambiguous: it matches layer ${loose[0].layer} and layer ${loose[1].layer} (rename one of them)`);
    }
    return loose[0] ?? null;
  }
}

/** The prefixes worth trying: none, and the first one or two segments many keys share. */
function candidatePrefixes(keys: string[]): string[] {
  const counts = new Map<string, number>();
  for (const k of keys) {
    const parts = k.split('.');
    for (let n = 1; n <= 2 && n < parts.length; n++) {
      const p = `${parts.slice(0, n).join('.')}.`;
      counts.set(p, (counts.get(p) ?? 0) + 1);
    }
  }
  const shared = [...counts].filter(([, c]) => c >= keys.length / 2).map(([p]) => p);
  return ['', ...shared];
}

export function mapKeys(analysis: Analysis, keys: string[]): KeyMapping {
  const index = new LayerIndex(analysis);
  let best: KeyMapping | null = null;
  for (const prefix of candidatePrefixes(keys)) {
    const matched = new Map<string, KeyTarget>();
    const unmatched: string[] = [];
    for (const key of keys) {
      const t = key.startsWith(prefix) ? index.resolve(key.slice(prefix.length)) : null;
      if (t) matched.set(key, t);
      else unmatched.push(key);
    }
    if (!best || matched.size > best.matched.size) best = { matched, unmatched, prefix };
  }
  const result = best!;
  const seen = new Map<string, string>();
  for (const [key, t] of result.matched) {
    const id = `${t.layer}.${t.param}`;
    const other = seen.get(id);
    if (other) throw new KeyMappingError(`${other} and ${key} both name ${id}`);
    seen.set(id, key);
  }
  return result;
}
