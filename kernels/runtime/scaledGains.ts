// Gains of the fan-in-scaled preview initialisation (init.ts, initScaled): a weighted layer's
// weights have variance gain/fan_in, with gain = 1 / E[f(x)²] for x ~ N(0, 1) and f the
// activation that follows it (past a batchnorm, which is identity without trained weights). The
// second moment of the activations then stays near 1 through the network whatever the
// activation: 2 for ReLU (He), 2.81 for SiLU. Measured over 4M normal draws.
import type { LayerResult } from '../../engine/types';

/** What the gains are computed from: an analysis's layers, or the page's copy of them. */
export type LayerOutline = Pick<LayerResult, 'name' | 'kind' | 'from' | 'args'>;

type Args = Record<string, any>;

const WEIGHTED = new Set(['conv', 'depthwise', 'conv_transpose', 'linear', 'separable']);
/** Layers an activation is looked for past (identity without trained weights). */
const PASS_THROUGH = new Set(['batchnorm', 'identity', 'dropout']);

function activationGain(kind: string, args: Args): number | null {
  switch (kind) {
    case 'relu':
    case 'relu6':
      return 2;
    case 'leaky_relu':
      return 2 / (1 + (args.slope ?? 0.01) ** 2);
    case 'prelu':
      return 2 / (1 + 0.25 ** 2);
    case 'silu':
      return 2.81;
    case 'hardswish':
      return 3.01;
    case 'mish':
      return 2.21;
    case 'gelu':
      return 2.35;
  }
  return null;
}

/** The gain of every weighted layer by name (1 when no activation follows, e.g. before a residual add). */
export function scaledGains(layers: readonly LayerOutline[]): Map<string, number> {
  const firstReader = new Map<string, number>();
  layers.forEach((l, i) => l.from.forEach((f) => firstReader.has(f) || firstReader.set(f, i)));
  const gains = new Map<string, number>();
  for (const layer of layers) {
    if (!WEIGHTED.has(layer.kind)) continue;
    let gain = 1;
    for (let j = firstReader.get(layer.name); j !== undefined; ) {
      const next = layers[j];
      const g = activationGain(next.kind, next.args as Args);
      if (g !== null) gain = g;
      if (g !== null || !PASS_THROUGH.has(next.kind)) break;
      j = firstReader.get(next.name);
    }
    gains.set(layer.name, gain);
  }
  return gains;
}
