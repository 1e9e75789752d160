// Step 2 for darknet: one function per section kind, turning a section's options into engine
// layers the way darknet's parser.c (parse_convolutional, parse_maxpool, parse_route, …) and its
// layer files compute them. Defaults are darknet's own.
import type { Value } from '../../analyse/network';

/** What a section function needs from the walk over the file (read.ts implements it). */
export interface SectionScope {
  /** Output of the section before this one; undefined when it has none (reported there). */
  readonly previous: Value | undefined;
  /** Darknet's integer option (atoi), or `fallback`; undefined when the value is bad (reported). */
  int(key: string, fallback: number, min?: number): number | undefined;
  float(key: string, fallback: number): number | undefined;
  /** A comma-separated list of integers; `missing` when the key is absent, undefined when bad (reported). */
  ints(key: string): number[] | 'missing' | undefined;
  has(key: string): boolean;
  /** The outputs of the sections a `layers=` / `from=` list names; undefined when any is missing (reported). */
  inputs(key: string): Value[] | undefined;
  /** Adds an engine layer; `keys` names the darknet key that sets each engine argument. */
  layer(suffix: string, kind: string, args: Record<string, unknown>, inputs: Value[], keys?: Record<string, string>): Value | undefined;
  /** Adds the activation `key=` names (darknet's `fallback` when absent); linear adds nothing. */
  activation(input: Value, fallback: string): Value;
  /** A hint on how darknet reads an option (CL014). */
  note(key: string, message: string): void;
  /** CL110 when the input does not have `expected` channels, at the `filters=` that makes them. */
  detectionChannels(input: Value, expected: number, formula: string): void;
  /** An error at `key=` (its value, or the header when absent). */
  error(code: 'badValue' | 'channels' | 'elementwiseShapes' | 'unknownArgument', key: string, message: string): void;
}

export type SectionReader = (s: SectionScope) => Value | undefined;

const spatialPairs = (before: number, after: number) => [[before, after], [before, after]];

function convolutional(s: SectionScope): Value | undefined {
  const x = s.previous;
  const filters = s.int('filters', 1, 1);
  const size = s.int('size', 1, 1);
  const stride = s.int('stride', 1, 1);
  // parse_convolutional: stride_x / stride_y replace `stride` on their axis when given.
  const strideX = stride === undefined ? undefined : s.int('stride_x', stride, 1);
  const strideY = stride === undefined ? undefined : s.int('stride_y', stride, 1);
  const pad = s.int('pad', 0, 0);
  const padding = s.int('padding', 0, 0);
  const groups = s.int('groups', 1, 1);
  const batchNormalize = s.int('batch_normalize', 0, 0);
  if (!x || filters === undefined || size === undefined || strideX === undefined || strideY === undefined || pad === undefined || padding === undefined || groups === undefined || batchNormalize === undefined) return undefined;
  // `if(pad) padding = size/2;`: pad=1 wins over any padding= in the same section.
  const p = pad ? Math.floor(size / 2) : padding;
  if (pad && s.has('padding') && padding !== p) s.note('padding', `darknet ignores padding=${padding} here: pad=${pad} makes it pad size/2 = ${p} on each side.`);
  const strideKey = s.has('stride_x') ? 'stride_x' : s.has('stride_y') ? 'stride_y' : 'stride';
  const conv = s.layer('conv', 'conv', { out: filters, kernel: [size, size], stride: [strideY, strideX], padding: spatialPairs(p, p), groups, bias: !batchNormalize }, [x], {
    out: 'filters',
    kernel: 'size',
    stride: strideKey,
    padding: pad || !s.has('padding') ? 'pad' : 'padding',
    groups: 'groups',
    bias: 'batch_normalize',
  });
  if (!conv) return undefined;
  // batch_normalize: darknet's biases become the shift of the normalisation.
  const normalised = batchNormalize ? s.layer('bn', 'batchnorm', {}, [conv]) : conv;
  return normalised && s.activation(normalised, 'logistic');
}

function maxpool(s: SectionScope): Value | undefined {
  return window(s, false);
}

/** [local_avgpool]: maxpool's windows, each averaged over its positions inside the map (forward_local_avgpool_layer counts only those). */
function localAvgpool(s: SectionScope): Value | undefined {
  return window(s, true);
}

function window(s: SectionScope, average: boolean): Value | undefined {
  const x = s.previous;
  const stride = s.int('stride', 1, 1);
  const strideX = stride === undefined ? undefined : s.int('stride_x', stride, 1);
  const strideY = stride === undefined ? undefined : s.int('stride_y', stride, 1);
  const size = stride === undefined ? undefined : s.int('size', stride, 1);
  // parse_maxpool: padding defaults to size − 1 in total; forward_maxpool_layer starts the windows
  // at −padding/2, so the extra row and column of an odd total go after.
  const padding = size === undefined ? undefined : s.int('padding', size - 1, 0);
  if (!x || strideX === undefined || strideY === undefined || size === undefined || padding === undefined) return undefined;
  const before = Math.floor(padding / 2);
  const args = { kernel: [size, size], stride: [strideY, strideX], padding: spatialPairs(before, padding - before), ...(average ? { count_include_pad: false } : {}) };
  return s.layer(average ? 'avg' : 'max', average ? 'avgpool' : 'maxpool', args, [x], {
    kernel: 'size',
    stride: s.has('stride_x') ? 'stride_x' : s.has('stride_y') ? 'stride_y' : 'stride',
    padding: 'padding',
  });
}

/** Darknet's [avgpool] averages each channel to 1×1 (its output stays C×1×1). */
function avgpool(s: SectionScope): Value | undefined {
  return s.previous && s.layer('avg', 'adaptive_avgpool', { size: [1, 1] }, [s.previous]);
}

function route(s: SectionScope): Value | undefined {
  const inputs = s.inputs('layers');
  const groups = s.int('groups', 1, 1);
  const groupId = s.int('group_id', 0, 0);
  if (!inputs || groups === undefined || groupId === undefined) return undefined;
  if (groupId >= groups) {
    s.error('badValue', 'group_id', `group_id=${groupId} names no group: groups=${groups} numbers them 0 to ${groups - 1}.`);
    return undefined;
  }
  // forward_route_layer copies part group_id of each input, then the next input's part.
  const parts: Value[] = [];
  for (const [k, v] of inputs.entries()) {
    if (groups === 1) {
      parts.push(v);
      continue;
    }
    const C = v.shape![0];
    if (C % groups !== 0) {
      s.error('channels', 'groups', `groups=${groups} does not divide the ${C} channels of ${v.name}; darknet would split its memory mid-channel.`);
      return undefined;
    }
    const part = s.layer(inputs.length > 1 ? `group${k}` : 'group', 'slice', { start: (groupId * C) / groups, end: ((groupId + 1) * C) / groups }, [v], { start: 'group_id', end: 'groups' });
    if (!part) return undefined;
    parts.push(part);
  }
  if (parts.length > 1) return s.layer('concat', 'concat', {}, parts);
  return groups === 1 ? s.layer('route', 'identity', {}, parts) : parts[0];
}

/**
 * AlexeyAB's shortcut_multilayer_cpu: the output keeps the previous layer's shape, and each
 * `from` layer is added where its flat index exists: with equal H and W, its first channels
 * (all of them when it has fewer, the overlap when it has more). Built as slices, sums over each
 * channel range and a concatenation of the ranges.
 */
function shortcut(s: SectionScope): Value | undefined {
  const x = s.previous;
  const from = s.inputs('from');
  if (!x || !from) return undefined;
  const [C, ...spatial] = x.shape!;
  const other = from.find((v) => v.shape!.slice(1).join('×') !== spatial.join('×'));
  if (other) {
    // Flat indexes of maps of other sizes do not line up with positions: darknet adds them anyway.
    s.error('elementwiseShapes', 'from', `[shortcut] adds ${other.name} (${other.shape!.join('×')}) to the previous layer's ${x.shape!.join('×')}: their heights and widths differ, and darknet would add them element by element in memory order (positions that do not correspond), which ConvLens does not model.`);
    return undefined;
  }
  // Channel ranges [a, b) over which the same `from` layers take part.
  const cuts = [...new Set([0, C, ...from.map((v) => v.shape![0]).filter((c) => c < C)])].sort((a, b) => a - b);
  const ranges = cuts.slice(0, -1).map((a, i) => [a, cuts[i + 1]] as const);
  const whole = (v: Value, a: number, b: number, name: string) => (a === 0 && b === v.shape![0] ? v : s.layer(name, 'slice', { start: a, end: b }, [v]));
  const sums: Value[] = [];
  for (const [r, [a, b]] of ranges.entries()) {
    const tag = ranges.length > 1 ? `${r}` : '';
    const operands = [whole(x, a, b, `channels${tag}`), ...from.flatMap((v, k) => (v.shape![0] >= b ? [whole(v, a, b, `from${k}${tag ? `.${tag}` : ''}`)] : []))];
    if (operands.some((o) => !o)) return undefined;
    const sum = operands.length > 1 ? s.layer(tag ? `add${tag}` : 'add', 'add', {}, operands as Value[]) : operands[0];
    if (!sum) return undefined;
    sums.push(sum);
  }
  const out = sums.length > 1 ? s.layer('concat', 'concat', {}, sums) : sums[0];
  return out && s.activation(out, 'linear');
}

/** [scale_channels] (squeeze-excite): the `from` layer's map times the previous layer's [C, 1, 1] scales, then the activation. */
function scaleChannels(s: SectionScope): Value | undefined {
  const scales = s.previous;
  const from = single(s, 'scale_channels');
  if (!scales || !from) return undefined;
  const [C, ...rest] = scales.shape!;
  if (rest.some((n) => n !== 1) || C !== from.shape![0]) {
    s.error('channels', 'from', `[scale_channels] multiplies ${from.name} (${from.shape!.join('×')}) by the previous layer's output as one scale per channel: that must be ${from.shape![0]}×1×1, not ${scales.shape!.join('×')} (darknet asserts it).`);
    return undefined;
  }
  const scaled = s.layer('scale', 'mul', {}, [from, scales], {});
  return scaled && s.activation(scaled, 'linear');
}

/** [sam] (spatial attention, YOLOv4): the previous layer's map times the `from` layer's, element by element, then the activation. */
function sam(s: SectionScope): Value | undefined {
  const x = s.previous;
  const from = single(s, 'sam');
  if (!x || !from) return undefined;
  if (x.shape!.join('×') !== from.shape!.join('×')) {
    s.error('elementwiseShapes', 'from', `[sam] multiplies the previous layer's ${x.shape!.join('×')} by ${from.name} (${from.shape!.join('×')}) element by element: the shapes must be equal (darknet asserts it).`);
    return undefined;
  }
  const product = s.layer('mul', 'mul', {}, [x, from]);
  return product && s.activation(product, 'linear');
}

/** The one layer `from=` names: darknet reads it with atoi, so a list would be read as its first entry. */
function single(s: SectionScope, section: string): Value | undefined {
  const from = s.inputs('from');
  if (!from) return undefined;
  if (from.length !== 1) {
    s.error('badValue', 'from', `[${section}] reads one layer (darknet takes the first number of \`from=\` and ignores the rest); list one.`);
    return undefined;
  }
  return from[0];
}

function upsample(s: SectionScope): Value | undefined {
  const stride = s.int('stride', 2);
  if (stride !== undefined && stride < 1) {
    if (stride < 0) s.error('unknownArgument', 'stride', `A negative stride makes darknet's [upsample] downsample (reverse=1); ConvLens does not model it.`);
    else s.error('badValue', 'stride', '[upsample] needs stride ≥ 1.');
    return undefined;
  }
  if (!s.previous || stride === undefined) return undefined;
  return s.layer('upsample', 'upsample', { scale: stride }, [s.previous], { scale: 'stride' });
}

function reorg(s: SectionScope): Value | undefined {
  const stride = s.int('stride', 1, 1);
  return s.previous && stride !== undefined ? s.layer('reorg', 'reorg', { stride }, [s.previous], { stride: 'stride' }) : undefined;
}

/** AlexeyAB's [reorg3d] (reorg_layer.c): a true space-to-depth, each s×s block of a channel to s² channels (reorg_cpu on the output's sizes). */
function reorg3d(s: SectionScope): Value | undefined {
  const stride = s.int('stride', 1, 1);
  return s.previous && stride !== undefined ? s.layer('reorg', 'reorg', { stride, layout: 'blocks' }, [s.previous], { stride: 'stride' }) : undefined;
}

function connected(s: SectionScope): Value | undefined {
  const x = s.previous;
  const output = s.int('output', 1, 1);
  const batchNormalize = s.int('batch_normalize', 0, 0);
  if (!x || output === undefined || batchNormalize === undefined) return undefined;
  // Darknet's connected layer reads its input as one vector of c·h·w values.
  const flat = x.shape!.length > 1 ? s.layer('flatten', 'flatten', {}, [x]) : x;
  const fc = flat && s.layer('fc', 'linear', { out: output, bias: !batchNormalize }, [flat], { out: 'output', bias: 'batch_normalize' });
  const normalised = fc && batchNormalize ? s.layer('bn', 'batchnorm', {}, [fc]) : fc;
  return normalised && s.activation(normalised, 'logistic');
}

function dropout(s: SectionScope): Value | undefined {
  const p = s.has('probability') ? s.float('probability', 0) : undefined;
  if (!s.previous || (s.has('probability') && p === undefined)) return undefined;
  return s.layer('dropout', 'dropout', p === undefined ? {} : { p }, [s.previous], { p: 'probability' });
}

/** softmax_layer: one softmax over all c·h·w inputs (over the channels when h = w = 1). */
function softmax(s: SectionScope): Value | undefined {
  const x = s.previous;
  if (!x) return undefined;
  const flat = x.shape!.slice(1).some((n) => n > 1) ? s.layer('flatten', 'flatten', {}, [x]) : x;
  return flat && s.layer('softmax', 'softmax', { axis: 0 }, [flat]);
}

function batchnorm(s: SectionScope): Value | undefined {
  return s.previous && s.layer('bn', 'batchnorm', {}, [s.previous]);
}

function activation(s: SectionScope): Value | undefined {
  if (!s.previous) return undefined;
  const out = s.activation(s.previous, 'linear');
  // A linear [activation] copies its input: keep one layer so the section has a map.
  return out === s.previous ? s.layer('linear', 'identity', {}, [s.previous]) : out;
}

/** [yolo] checks its input: (classes + 5) channels per anchor of its mask (make_yolo_layer). */
function yolo(s: SectionScope): Value | undefined {
  const classes = s.int('classes', 20, 0);
  const num = s.int('num', 1, 1);
  const mask = s.ints('mask');
  if (classes === undefined || num === undefined || mask === undefined) return undefined;
  if (mask !== 'missing') {
    const bad = mask.find((m) => m < 0 || m >= num);
    if (bad !== undefined) {
      s.error('badValue', 'mask', `mask entry ${bad} names no anchor: num=${num} anchors are numbered 0 to ${num - 1}.`);
      return undefined;
    }
  }
  const anchors = mask === 'missing' ? num : mask.length;
  return detection(s, anchors, classes + 5, `(classes + 5)·${mask === 'missing' ? 'num' : 'anchors in mask'} = (${classes} + 5)·${anchors}`);
}

/** [region] (YOLOv2): (classes + coords + 1) channels per anchor (make_region_layer). */
function region(s: SectionScope): Value | undefined {
  const classes = s.int('classes', 20, 0);
  const coords = s.int('coords', 4, 0);
  const num = s.int('num', 1, 1);
  if (classes === undefined || coords === undefined || num === undefined) return undefined;
  return detection(s, num, classes + coords + 1, `(classes + coords + 1)·num = (${classes} + ${coords} + 1)·${num}`);
}

function detection(s: SectionScope, anchors: number, perAnchor: number, formula: string): Value | undefined {
  const x = s.previous;
  if (!x) return undefined;
  s.detectionChannels(x, anchors * perAnchor, formula);
  return x;
}

/** [cost] computes the training loss; at inference its output is its input. */
const cost: SectionReader = (s) => s.previous;

/** darknet's [implicit] (representation_layer.c): a learned constant of filters × atoms × 1, reading no input. */
function implicit(s: SectionScope): Value | undefined {
  const filters = s.int('filters', 128, 1);
  const atoms = s.int('atoms', 1, 1);
  const mean = s.float('mean', 0);
  if (!s.previous || filters === undefined || atoms === undefined || mean === undefined) return undefined;
  return s.layer('implicit', 'parameter', { out: filters, height: atoms, width: 1, mean }, [s.previous], { out: 'filters', height: 'atoms' });
}

/** YOLOR's [implicit_add] / [implicit_mul]: a learned C×1×1 constant (ImplicitA: around 0, ImplicitM: around 1). */
const yolorImplicit = (mean: number): SectionReader => (s) => {
  const filters = s.int('filters', 128, 1);
  if (!s.previous || filters === undefined) return undefined;
  return s.layer('implicit', 'parameter', { out: filters, mean }, [s.previous], { out: 'filters' });
};

/** YOLOR's [shift_channels] / [control_channels]: the previous map plus / times the `from` layer's constant, broadcast. */
const yolorChannels = (kind: 'add' | 'mul', section: string): SectionReader => (s) => {
  const x = s.previous;
  const constant = single(s, section);
  if (!x || !constant) return undefined;
  return s.layer(kind, kind, {}, [x, constant]);
};

export const SECTION_READERS: Record<string, SectionReader> = {
  convolutional, maxpool, avgpool, route, shortcut, upsample, reorg, connected, dropout, softmax, batchnorm, activation, yolo, region, cost,
  scale_channels: scaleChannels, sam, local_avgpool: localAvgpool, reorg3d, implicit,
  implicit_add: yolorImplicit(0), implicit_mul: yolorImplicit(1),
  shift_channels: yolorChannels('add', 'shift_channels'), control_channels: yolorChannels('mul', 'control_channels'),
};
