// Pooling: windows (max, average, Lp norm), adaptive and global.
import { windowMap, adaptiveMap } from '../receptiveField';
import { LayerError, mapsOrUnknown, type LayerComputation, type LayerContext, type LayerRules } from './contract';
import { show, resolvePadding, spatialOf } from './args';
import { windowOut } from './windowOut';

export const poolingRules: LayerRules = {
  maxpool: windowPool,
  avgpool: windowPool,
  lppool: windowPool,
  adaptive_avgpool: adaptivePool,
  adaptive_maxpool: adaptivePool,
  global_avgpool: globalPool,
  global_maxpool: globalPool,
};

function windowPool(c: LayerContext): LayerComputation {
  const { kind, args, input, notes } = c;
  const { C, spatial } = spatialOf(kind, input);
  const rank = spatial.length;
  const k = args.axes('kernel', rank);
  const s = args.has('stride') ? args.axes('stride', rank) : k;
  const d = kind === 'avgpool' ? spatial.map(() => 1) : args.axes('dilation', rank);
  const K = k.map((ki, i) => d[i] * (ki - 1) + 1);
  const ceil = args.bool('ceil_mode');
  const { pairs, mode } = resolvePadding(args, 'padding', spatial, K, s, rank === 1);
  // (PyTorch's LPPool has no padding; ONNX's LpPool takes any, which only adds zeros to the sums.)
  const badPad = kind === 'lppool' ? -1 : pairs.findIndex(([a, b], i) => Math.max(a, b) > Math.floor(k[i] / 2));
  if (badPad >= 0) {
    const pad = Math.max(...pairs[badPad]);
    throw new LayerError('poolPadding', `pad should be at most half of kernel size, but got pad=${pad} and kernel_size=${k[badPad]} (largest valid padding: ${Math.floor(k[badPad] / 2)}).`, 'padding', {
      valid: k.map((ki) => Math.floor(ki / 2)),
    });
  }
  let p: number | undefined;
  if (kind === 'lppool') {
    p = args.number('p');
    if (!(p > 0)) throw new LayerError('badValue', `\`p\` must be a positive number, got ${p}.`, 'p');
  }
  const outSpatial = spatial.map((W, i) => windowOut(W, pairs[i], K[i], s[i], ceil));
  if (outSpatial.some((o) => o < 1)) {
    throw new LayerError('outputSize', `Given input size: (${[C, ...spatial].join('x')}). Calculated output size: (${[C, ...outSpatial].join('x')}). Output size is too small: the ${k.join('×')} window does not fit in the padded input.`, 'kernel');
  }
  return {
    shape: [C, ...outSpatial],
    params: 0,
    buffers: 0,
    macs: 0,
    resolved: { kernel: k, stride: s, dilation: d, padding: pairs, paddingMode: mode, ceilMode: ceil, countIncludePad: kind === 'avgpool' ? args.bool('count_include_pad') : undefined, effectiveKernel: K, p },
    field: { type: 'map', axes: spatial.map((_, i) => windowMap(k[i], s[i], d[i], pairs[i][0])) },
    notes,
  };
}

function adaptivePool(c: LayerContext): LayerComputation {
  const { kind, args, input, notes } = c;
  const { C, spatial } = spatialOf(kind, input);
  const v = args.raw('size');
  const list = Array.isArray(v) ? v : Array(spatial.length).fill(v);
  if (list.length !== spatial.length) throw new LayerError('badValue', `\`size\` has ${list.length} values but the tensor has ${spatial.length} spatial axes.`, 'size');
  const size = list.map((x, i) => {
    if (x === null) return spatial[i];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 1) throw new LayerError('badValue', `\`size\` must be positive whole numbers (or null to keep an axis), got ${show(v)}.`, 'size');
    return x;
  });
  const isGlobal = size.every((x) => x === 1);
  return {
    shape: [C, ...size],
    params: 0,
    buffers: 0,
    macs: 0,
    resolved: { size },
    field: isGlobal ? { type: 'global' } : mapsOrUnknown(() => spatial.map((W, i) => adaptiveMap(W, size[i]))),
    notes,
  };
}

function globalPool(c: LayerContext): LayerComputation {
  const { kind, input, notes } = c;
  const { C } = spatialOf(kind, input);
  return { shape: [C], params: 0, buffers: 0, macs: 0, resolved: {}, field: { type: 'global' }, notes };
}
