// The layer kinds of the format (FORMAT.md "Layer kinds") and their arguments: what each
// argument accepts and its default. Completion, hover and argument checking all read this table.

export type ArgType =
  | 'int' // a whole number
  | 'axes' // one whole number for all spatial axes, or one per axis
  | 'padding' // int, per-axis list, per-axis [before, after] pairs, valid, same, causal
  | 'bool'
  | 'number'
  | 'bias' // true/false, or a list of values
  | 'weights' // nested list in PyTorch's layout
  | 'enum'
  | 'ref' // a layer name
  | 'sizeAxes' // adaptive output size: int, or per-axis list where null keeps the input size
  | 'scaleAxes' // number, or one per axis
  | 'ints' // a list of whole numbers of any length (a shape, a permutation, axes)
  | 'values'; // a number, or a flat list of numbers

export interface ArgSpec {
  type: ArgType;
  /** Default as written in FORMAT.md; undefined means required (unless `optional`). */
  default?: unknown;
  optional?: boolean;
  values?: string[];
  doc: string;
}

export interface KindSpec {
  doc: string;
  args: Record<string, ArgSpec>;
  /** Takes several inputs through `from` (add, mul, concat). */
  merges?: boolean;
  /** Arguments a snippet should ask for. */
  snippet?: string[];
}

const out: ArgSpec = { type: 'int', doc: 'Output channels (or features).' };
const kernel: ArgSpec = { type: 'axes', doc: 'Kernel size: one integer or one per spatial axis.' };
const stride: ArgSpec = { type: 'axes', default: 1, doc: 'Step between windows (S in (W + P − K)/S + 1).' };
const padding: ArgSpec = {
  type: 'padding',
  default: 0,
  values: ['valid', 'same', 'causal'],
  doc: 'Zeros added per side: an integer (pads before and after, P = 2p), a per-axis list, per-axis [before, after] pairs, `valid`, `same` (output = ceil(in/stride)) or `causal` (1-D: d·(k−1) before).',
};
const dilation: ArgSpec = { type: 'axes', default: 1, doc: 'Spacing between kernel taps; effective kernel K = d·(k − 1) + 1.' };
const groups: ArgSpec = { type: 'int', default: 1, doc: 'Channel groups: each output channel sees C/groups inputs.' };
const bias: ArgSpec = { type: 'bias', default: true, doc: 'Add a learned bias per output channel (or give its values as a list).' };
const weights: ArgSpec = { type: 'weights', optional: true, doc: "Fixed weights as a nested list in PyTorch's layout (random when absent)." };
const multiplier: ArgSpec = { type: 'int', default: 1, doc: 'Depthwise channel multiplier: output channels per input channel.' };
const eps: ArgSpec = { type: 'number', default: 1e-5, doc: 'Added to the variance for numerical stability.' };

const pool = (max: boolean): KindSpec => ({
  doc: max ? 'Max pooling: the largest value in each window.' : 'Average pooling: the mean of each window.',
  args: {
    kernel,
    stride: { type: 'axes', optional: true, doc: 'Step between windows (default: the kernel size).' },
    padding,
    ...(max ? { dilation } : {}),
    ceil_mode: { type: 'bool', default: false, doc: 'Round the output size up (a last partial window is kept unless it starts in the right padding).' },
    ...(max ? {} : { count_include_pad: { type: 'bool', default: true, doc: 'Count padding zeros in the average.' } as ArgSpec }),
  },
  snippet: ['kernel'],
});

/** The functions of the `unary` kind (kernels/tensorOps.ts computes each). */
export const UNARY_OPS = ['exp', 'log', 'sqrt', 'erf', 'abs', 'neg', 'reciprocal', 'floor', 'ceil', 'round', 'sin', 'cos', 'softplus', 'softsign', 'elu', 'selu', 'celu', 'clip', 'hardsigmoid'];

const simple = (doc: string, args: Record<string, ArgSpec> = {}): KindSpec => ({ doc, args });

export const KINDS: Record<string, KindSpec> = {
  conv: {
    doc: 'Convolution (cross-correlation, as in PyTorch): out = ⌊(W + P − K)/S⌋ + 1 per axis.',
    args: { out, kernel, stride, padding, dilation, groups, bias, weights },
    snippet: ['out', 'kernel'],
  },
  conv_transpose: {
    doc: 'Transposed convolution (the transpose of the convolution matrix): out = (W − 1)·S − P + K + output_padding.',
    args: {
      out,
      kernel,
      stride,
      padding,
      output_padding: { type: 'axes', default: 0, doc: 'Extra size added on one side of the output (must be smaller than stride or dilation).' },
      dilation,
      groups,
      bias,
      weights,
    },
    snippet: ['out', 'kernel', 'stride'],
  },
  depthwise: {
    doc: 'Depthwise convolution: one filter per input channel (groups = C), C·multiplier outputs.',
    args: { kernel, stride, padding, dilation, multiplier, bias, weights },
    snippet: ['kernel'],
  },
  separable: {
    doc: 'Depthwise-separable convolution: a depthwise k×k conv then a 1×1 pointwise conv; K₁K₂·C + C·C_out weights instead of K₁K₂·C·C_out.',
    args: { out, kernel, stride, padding, dilation, multiplier, bias },
    snippet: ['out', 'kernel'],
  },
  maxpool: pool(true),
  avgpool: pool(false),
  lppool: {
    doc: "Lp pooling (ONNX LpPool, PyTorch's LPPool): (Σ |x|^p)^(1/p) over each window, padding counting as zeros. No parameters, no MACs (as every pool).",
    args: {
      p: { type: 'number', default: 2, doc: 'The norm: 1 sums magnitudes, 2 is the Euclidean norm of the window.' },
      kernel,
      stride: { type: 'axes', optional: true, doc: 'Step between windows (default: the kernel size).' },
      padding,
      dilation,
      ceil_mode: { type: 'bool', default: false, doc: 'Round the output size up (a last partial window is kept unless it starts in the right padding).' },
    },
    snippet: ['p', 'kernel'],
  },
  adaptive_avgpool: { doc: 'Adaptive average pooling to a fixed output size.', args: { size: { type: 'sizeAxes', doc: 'Output size per spatial axis (null keeps the input size).' } }, snippet: ['size'] },
  adaptive_maxpool: { doc: 'Adaptive max pooling to a fixed output size.', args: { size: { type: 'sizeAxes', doc: 'Output size per spatial axis (null keeps the input size).' } }, snippet: ['size'] },
  global_avgpool: simple('Global average pooling: one value per channel.'),
  global_maxpool: simple('Global max pooling: one value per channel.'),
  linear: { doc: 'Fully connected layer; acts on the last axis, as PyTorch does.', args: { out, bias, weights }, snippet: ['out'] },
  flatten: simple('Flattens [C, spatial…] into one axis.'),
  parameter: {
    doc: "A learned constant of shape [out, height, width] (darknet's [implicit], YOLOR's [implicit_add] / [implicit_mul]): its values are parameters, and its input only places it in the network (it is not read).",
    args: {
      out: { type: 'int', doc: 'Channels.' },
      height: { type: 'int', default: 1, doc: 'Height (1: one value per channel).' },
      width: { type: 'int', default: 1, doc: 'Width.' },
      mean: { type: 'number', default: 0, doc: 'The value the preview uses when no weights are given (YOLOR: 0 for implicit_add, 1 for implicit_mul).' },
      weights,
    },
    snippet: ['out'],
  },
  batchnorm: simple('Batch normalisation: 2C parameters (scale, shift) and 2C buffers (running mean, variance).', { eps }),
  layernorm: simple('Layer normalisation. Without `axis`: over the channels, separately at every position (ConvNeXt\'s channels-first LayerNorm; nn.LayerNorm(C) on a flat tensor), 2C parameters. With `axis`: over every axis from `axis` to the last together (nn.LayerNorm([C, H, W]), ONNX LayerNormalization), a scale and a shift per normalised element.', {
    eps,
    axis: { type: 'int', optional: true, doc: 'First normalised axis (0 = channels, negative counts from the end); the normalised shape is the input\'s from there on.' },
    bias: { type: 'bool', optional: true, doc: 'With `axis`: whether the layer has a shift (default true; ONNX LayerNormalization without its B input has none).' },
  }),
  groupnorm: {
    doc: 'Group normalisation: 2C parameters (none with `affine: false`). With groups = C it is instance normalisation (nn.InstanceNorm2d).',
    args: { groups: { type: 'int', doc: 'Number of channel groups (must divide C).' }, eps, affine: { type: 'bool', default: true, doc: 'Whether it has a scale and a shift per channel (nn.InstanceNorm: false by default).' } },
    snippet: ['groups'],
  },
  relu: simple('max(0, x).'),
  relu6: simple('min(max(0, x), 6).'),
  leaky_relu: simple('x, or slope·x below 0.', { slope: { type: 'number', default: 0.01, doc: 'Slope for negative inputs.' } }),
  gelu: simple('Gaussian error linear unit.'),
  silu: simple('x·sigmoid(x) (swish).'),
  mish: simple('x·tanh(softplus(x)), softplus(x) = ln(1 + eˣ) (darknet, YOLOv4).'),
  sigmoid: simple('1 / (1 + e^−x).'),
  tanh: simple('Hyperbolic tangent.'),
  hardswish: simple('x·relu6(x + 3)/6.'),
  hardsigmoid: simple('relu6(x + 3)/6.'),
  softmax: simple('Softmax along an axis.', { axis: { type: 'int', default: 0, doc: 'Axis to normalise (0 = channels).' } }),
  log_softmax: simple('The log of the softmax along an axis, computed stably as x − max − log Σ e^(x − max) (log_softmax, LogSoftmax).', { axis: { type: 'int', default: 0, doc: 'Axis to normalise (0 = channels).' } }),
  identity: simple('Passes its input through.'),
  dropout: simple('Dropout (identity at inference).', { p: { type: 'number', default: 0.5, doc: 'Drop probability.' } }),
  channel_shuffle: { doc: 'Interleaves channels across groups (ShuffleNet).', args: { groups: { type: 'int', doc: 'Number of groups (must divide C).' } }, snippet: ['groups'] },
  prelu: simple('Leaky ReLU with learned slopes.', { channels: { type: 'int', default: 1, doc: 'Number of learned slopes: 1 or C.' } }),
  upsample: {
    doc: 'Upsampling by a scale factor, to a size, or like another layer.',
    args: {
      scale: { type: 'scaleAxes', optional: true, doc: 'Scale factor per axis (output = ⌊W·scale⌋).' },
      size: { type: 'axes', optional: true, doc: 'Output size per spatial axis.' },
      like: { type: 'ref', optional: true, doc: 'A layer whose spatial size to match.' },
      mode: { type: 'enum', default: 'nearest', values: ['nearest', 'linear', 'cubic'], doc: 'nearest, linear (bilinear/trilinear by rank), or cubic (bicubic: 4 taps per axis).' },
      align_corners: { type: 'bool', default: false, doc: 'Align the corner pixels of input and output (linear and cubic).' },
      cubic_a: { type: 'number', default: -0.75, doc: "Cubic only: the cubic kernel's a (PyTorch's bicubic: −0.75; ONNX Resize's cubic_coeff_a)." },
      coordinates: {
        type: 'enum',
        optional: true,
        values: ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric'],
        doc: "Cubic only: where an output position samples the input, as ONNX Resize's coordinate_transformation_mode (default: align_corners when `align_corners`, else half_pixel, PyTorch's).",
      },
      exclude_outside: { type: 'bool', default: false, doc: 'Cubic only: drop the taps outside the input and renormalise the others (ONNX), instead of repeating the edge (PyTorch).' },
    },
    snippet: ['scale'],
  },
  slice: {
    doc: 'Channels [start, end) of the input (end exclusive, as in Python): the halves of torch.chunk and split, darknet route groups. With `period`, the range is taken from every block of `period` channels (the values of multi-head attention).',
    args: {
      start: { type: 'int', default: 0, doc: 'First channel taken (0-based).' },
      end: { type: 'int', doc: 'One past the last channel taken.' },
      period: { type: 'int', optional: true, doc: 'Take [start, end) of each block of this many channels (default: one block, all channels).' },
    },
    snippet: ['start', 'end'],
  },
  reorg: {
    doc: "Darknet's reorg: [C, H, W] → [C·s², H/s, W/s]. layout memory ([reorg], the YOLOv2 passthrough): darknet's element order, a reshape of memory rather than a space-to-depth, so positions are scrambled and the receptive field is not tracked past it. layout blocks (AlexeyAB's [reorg3d]): a space-to-depth, output channel (dy·s + dx)·C + c holding input channel c at (s·y + dy, s·x + dx).",
    args: {
      stride: { type: 'int', default: 2, doc: 'Block size s (H and W must be multiples of it; with layout memory, C a multiple of s²).' },
      layout: { type: 'enum', default: 'memory', values: ['memory', 'blocks'], doc: "memory: [reorg]'s reshape of memory; blocks: [reorg3d]'s space-to-depth." },
    },
  },
  attention: {
    doc: "The attention of Ultralytics' PSA blocks over all H·W positions: the input holds, per head, key_dim query, key_dim key and head_dim value channels; each head's values are re-weighted by softmax(qᵀk/√key_dim). Output: heads·head_dim channels; every output position sees the whole input.",
    args: {
      heads: { type: 'int', doc: 'Number of heads.' },
      key_dim: { type: 'int', doc: 'Query and key channels per head.' },
    },
    snippet: ['heads', 'key_dim'],
  },
  pad: {
    doc: 'Explicit padding: zeros, or the input reflected (ReflectionPad), its edge repeated (ReplicationPad) or wrapped around (circular).',
    args: {
      padding: { ...padding, default: undefined },
      mode: { type: 'enum', default: 'zeros', values: ['zeros', 'reflect', 'replicate', 'circular'], doc: "zeros; reflect (mirror without repeating the edge: pad < size); replicate (repeat the edge); circular (wrap around: pad ≤ size)." },
    },
    snippet: ['padding'],
  },
  reshape: {
    doc: 'Reshapes the tensor to `shape` (no batch axis), as torch.reshape: one −1 takes what is left. The receptive field is not tracked past it unless the spatial axes are unchanged.',
    args: { shape: { type: 'ints', doc: 'The new shape without the batch axis; −1 once at most.' } },
    snippet: ['shape'],
  },
  transpose: {
    doc: 'Permutes the axes as torch.permute (axis 0 = channels, no batch axis). The receptive field is not tracked past it unless the spatial axes stay in place.',
    args: { perm: { type: 'ints', doc: 'The input axis each output axis takes, a permutation of 0 … rank − 1.' } },
    snippet: ['perm'],
  },
  reduce: {
    doc: 'The mean, sum or maximum over `axes` (0 = channels, negative from the end), as ONNX ReduceMean / ReduceSum / ReduceMax: the pieces of a LayerNorm exported before opset 17. Over a spatial axis every output sees all of it.',
    args: {
      op: { type: 'enum', values: ['mean', 'sum', 'max'], doc: 'The reduction.' },
      axes: { type: 'ints', doc: 'The axes reduced (0 = channels).' },
      keepdims: { type: 'bool', default: true, doc: 'Keep the reduced axes with size 1.' },
    },
    snippet: ['op', 'axes'],
  },
  strided_slice: {
    doc: 'x[start:end:step] along each of `axes` (0 = channels), as Python slicing: end exclusive, clamped to the axis.',
    args: {
      axes: { type: 'ints', doc: 'The axes sliced (0 = channels).' },
      starts: { type: 'ints', doc: 'First index per axis (negative counts from the end).' },
      ends: { type: 'ints', doc: 'One past the last index per axis (negative counts from the end).' },
      steps: { type: 'ints', optional: true, doc: 'Step per axis (default 1).' },
    },
    snippet: ['axes', 'starts', 'ends'],
  },
  elementwise: {
    doc: 'An elementwise operation of two operands with broadcasting (PyTorch/numpy rules): the two `from` layers, or one layer and a constant `value`.',
    args: {
      op: { type: 'enum', values: ['add', 'sub', 'mul', 'div', 'pow', 'max', 'min'], doc: 'The operation.' },
      value: { type: 'values', optional: true, doc: 'A constant second operand: a number, or a flat list of values (see `value_shape`).' },
      value_shape: { type: 'ints', optional: true, doc: 'The shape of a list `value` (broadcast from the last axis).' },
      reversed: { type: 'bool', default: false, doc: 'The constant is the first operand (value − x, value / x).' },
      learned: { type: 'bool', default: false, doc: "The constant is a learned tensor (a module's parameter, as ConvNeXt's layer scale): its values count as parameters, and trained weights give them (`weight`)." },
    },
    merges: true,
    snippet: ['op'],
  },
  unary: {
    doc: 'An elementwise function of one tensor.',
    args: {
      op: { type: 'enum', values: UNARY_OPS, doc: 'The function.' },
      alpha: { type: 'number', optional: true, doc: 'elu, celu, selu: α; hardsigmoid: the slope.' },
      beta: { type: 'number', optional: true, doc: 'hardsigmoid: the offset (max(0, min(1, αx + β))).' },
      gamma: { type: 'number', optional: true, doc: 'selu: the scale γ.' },
      min: { type: 'number', optional: true, doc: 'clip: the lower bound (none when absent).' },
      max: { type: 'number', optional: true, doc: 'clip: the upper bound (none when absent).' },
    },
    snippet: ['op'],
  },
  add: { doc: 'Elementwise sum of the `from` operands (residual connection); a [C] or [C, 1, …] operand is broadcast (a constant per channel).', args: {}, merges: true },
  mul: { doc: 'Elementwise product; a [C, 1, …] or [C] operand is broadcast (squeeze-excite).', args: {}, merges: true },
  concat: { doc: 'Concatenation along an axis (0 = channels); other axes must match.', args: { axis: { type: 'int', default: 0, doc: 'Axis to join along (0 = channels).' } }, merges: true },
};

/** Own properties only: a kind or argument named `toString` or `__proto__` is not a known one. */
export const own = <T>(o: Record<string, T> | undefined, k: string): T | undefined => (o && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);

/** The spec of a built-in kind, or undefined (a block name, a typo). */
export const kindSpec = (k: string): KindSpec | undefined => own(KINDS, k);

export const RESERVED_KEYS = ['name', 'from', 'repeat'] as const;
export const TOP_LEVEL_KEYS = ['name', 'input', 'params', 'blocks', 'layers', 'outputs'] as const;
export const BLOCK_KEYS = ['params', 'layers', 'outputs'] as const;

/** Edit distance where a swap of two neighbouring letters counts as one edit (`inptu` → `input`). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest candidate within a small edit distance, or undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const d = c.toLowerCase() === lower ? 0 : editDistance(lower, c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return bestD <= limit ? best : undefined;
}
