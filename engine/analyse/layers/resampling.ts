// Resampling: upsampling, padding and darknet's reorg change the spatial grid without weights.
import { windowMap, resampleMap } from '../receptiveField';
import { rational } from '../rational';
import { LayerError, mapsOrUnknown, type LayerComputation, type LayerContext, type LayerRules } from './contract';
import { show, resolvePadding, spatialOf } from './args';

export const resamplingRules: LayerRules = {
  upsample,
  pad,
  reorg,
};

function upsample(c: LayerContext): LayerComputation {
  const { kind, args, input, notes } = c;
  const { C, spatial } = spatialOf(kind, input);
  const rank = spatial.length;
  const mode = args.raw('mode');
  if (mode !== 'nearest' && mode !== 'linear' && mode !== 'cubic') throw new LayerError('badValue', `mode must be nearest, linear or cubic, got ${show(mode)}.`, 'mode');
  const cubic = mode === 'cubic' ? cubicArgs(c) : undefined;
  const alignCorners = cubic ? cubic.coordinates === 'align_corners' : args.bool('align_corners');
  const given = ['scale', 'size', 'like'].filter((n) => args.has(n));
  if (given.length !== 1) throw new LayerError('schema', `upsample needs exactly one of \`scale\`, \`size\` or \`like\`${given.length ? `, got ${given.join(' and ')}` : ''}.`, given[1]);
  // Source index per axis as an exact rational map: src = (o·a + c)/b (FORMAT.md; PyTorch's
  // nearest uses 1/scale when a scale is given, in/out when a size is).
  let outSpatial: number[];
  let ratio: Array<[number, number]>; // a/b = input positions per output step
  if (given[0] === 'scale') {
    const v = args.raw('scale');
    const list = Array.isArray(v) ? v : Array(rank).fill(v);
    if (list.length !== rank || list.some((x) => typeof x !== 'number' || !(x > 0))) throw new LayerError('badValue', `\`scale\` must be a positive number or one per spatial axis, got ${show(v)}.`, 'scale');
    outSpatial = spatial.map((W, i) => Math.floor(W * list[i]));
    ratio = list.map((x: number) => toFraction(1 / x));
  } else {
    const target = given[0] === 'size' ? args.axes('size', rank) : c.like?.slice(1);
    if (!target) throw new LayerError('unknownName', 'upsample `like` names a layer whose shape is unknown.', 'like');
    if (target.length !== rank) throw new LayerError('rank', `upsample \`like\` names a layer with ${target.length} spatial axes; this input has ${rank}.`, 'like');
    outSpatial = target;
    ratio = spatial.map((W, i) => [W, target[i]]);
  }
  if (outSpatial.some((o) => o < 1)) throw new LayerError('outputSize', `upsample output ${outSpatial.join('×')} is empty.`, given[0]);
  const field = mapsOrUnknown(() => spatial.map((W, i) => {
    const [a, b] = ratio[i];
    if (mode === 'nearest') return resampleMap(a, b, 0, 'nearest');
    const taps = mode === 'cubic' ? 'cubic' : 'linear';
    if (alignCorners) return outSpatial[i] > 1 ? resampleMap(W - 1, outSpatial[i] - 1, 0, taps) : resampleMap(0, 1, 0, 'nearest');
    if (cubic?.coordinates === 'asymmetric') return resampleMap(a, b, 0, taps);
    // src = (o + ½)·a/b − ½ = (o·2a + a − b) / 2b
    return resampleMap(2 * a, 2 * b, a - b, taps);
  }));
  return {
    shape: [C, ...outSpatial],
    params: 0,
    buffers: 0,
    macs: 0,
    resolved: { mode, alignCorners, size: outSpatial, scale: given[0] === 'scale' ? args.raw('scale') : undefined, ...cubic },
    field,
    notes,
  };
}

/** A cubic upsample's kernel and coordinates (PyTorch's bicubic by default). */
function cubicArgs(c: LayerContext): { cubicA: number; coordinates: string; excludeOutside: boolean } {
  const { args } = c;
  const cubicA = args.number('cubic_a');
  let coordinates = args.bool('align_corners') ? 'align_corners' : 'half_pixel';
  if (args.has('coordinates')) {
    const v = args.raw('coordinates');
    if (v !== 'half_pixel' && v !== 'pytorch_half_pixel' && v !== 'align_corners' && v !== 'asymmetric') throw new LayerError('badValue', `coordinates must be half_pixel, pytorch_half_pixel, align_corners or asymmetric, got ${show(v)}.`, 'coordinates');
    if (args.bool('align_corners') && v !== 'align_corners') throw new LayerError('badValue', `align_corners: true contradicts coordinates ${show(v)}.`, 'coordinates');
    coordinates = v;
  }
  return { cubicA, coordinates, excludeOutside: args.bool('exclude_outside') };
}

function pad(c: LayerContext): LayerComputation {
  const { kind, args, input, notes } = c;
  const { C, spatial } = spatialOf(kind, input);
  if (!args.has('padding')) throw new LayerError('schema', 'pad needs `padding`.', 'padding');
  const v = args.raw('padding');
  if (v === 'same') throw new LayerError('badValue', "pad needs explicit sizes; 'same' depends on a kernel.", 'padding');
  const { pairs } = resolvePadding(args, 'padding', spatial, spatial.map(() => 1), spatial.map(() => 1), spatial.length === 1);
  const mode = args.raw('mode');
  if (mode !== 'zeros' && mode !== 'reflect' && mode !== 'replicate' && mode !== 'circular') throw new LayerError('badValue', `mode must be zeros, reflect, replicate or circular, got ${show(mode)}.`, 'mode');
  // PyTorch's limits: a reflection cannot reach past the far edge, a wrap not around twice.
  spatial.forEach((W, i) => {
    const most = Math.max(...pairs[i]);
    if (mode === 'reflect' && most >= W) throw new LayerError('badValue', `Padding size should be less than the corresponding input dimension, but got: padding (${pairs[i].join(', ')}) at dimension ${i + 1} of input [${input.join(', ')}] (reflect padding).`, 'padding');
    if (mode === 'circular' && most > W) throw new LayerError('badValue', `Padding value causes wrapping around more than once: padding (${pairs[i].join(', ')}) on an axis of size ${W} (circular padding).`, 'padding');
    if (mode === 'replicate' && W === 0) throw new LayerError('badValue', 'replicate padding of an empty axis.', 'padding');
  });
  return {
    shape: [C, ...spatial.map((W, i) => W + pairs[i][0] + pairs[i][1])],
    params: 0,
    buffers: 0,
    macs: 0,
    resolved: { padding: pairs, mode },
    // (Reflect, replicate and circular fill the border from inside: the map is the zero pad's,
    // exact for every output off the border, whose fields are mirrored or wrapped copies.)
    field: { type: 'map', axes: pairs.map(([p0]) => windowMap(1, 1, 1, p0)) },
    notes,
  };
}

function reorg(c: LayerContext): LayerComputation {
  const { kind, args, input, notes } = c;
  const { C, spatial } = spatialOf(kind, input);
  const st = args.int('stride');
  const bad = spatial.findIndex((n) => n % st !== 0);
  if (spatial.length !== 2) throw new LayerError('rank', `reorg acts on [C, H, W]; its input is [${input.join(', ')}].`);
  if (bad >= 0) throw new LayerError('outputSize', `reorg with stride ${st} needs H and W divisible by ${st}; the input is ${spatial.join('×')}.`, 'stride');
  const layout = args.has('layout') ? args.raw('layout') : 'memory';
  if (layout !== 'memory' && layout !== 'blocks') throw new LayerError('badValue', `reorg layout must be memory or blocks, got ${show(layout)}.`, 'layout');
  const shape = [C * st * st, ...spatial.map((n) => n / st)];
  // blocks (darknet's [reorg3d]): each output position reads the s×s block under it, like a k = s, stride s window.
  if (layout === 'blocks') return { shape, params: 0, buffers: 0, macs: 0, resolved: { stride: st, layout }, field: { type: 'map', axes: spatial.map(() => windowMap(st, st, 1, 0)) }, notes };
  if (C % (st * st) !== 0) throw new LayerError('channels', `reorg with stride ${st} needs the channels divisible by ${st * st} (darknet reads the input as [C/${st * st}, ${st}·H, ${st}·W]); the input has ${C}.`, 'stride');
  return { shape, params: 0, buffers: 0, macs: 0, resolved: { stride: st, layout }, field: { type: 'unknown' }, notes };
}

/** A float as an exact fraction a/b when it is one with a small denominator (scale 1.5 → 2/3…). */
function toFraction(x: number): [number, number] {
  for (let b = 1; b <= 1000; b++) {
    const a = Math.round(x * b);
    if (Math.abs(a / b - x) < 1e-9) {
      const g = gcdInt(a, b);
      return [a / g, b / g];
    }
  }
  const r = rational(Math.round(x * 1e6), 1e6);
  return [r.num, r.den];
}

function gcdInt(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return Math.abs(a) || 1;
}
