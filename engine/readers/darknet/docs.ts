// What darknet's sections and keys mean, in darknet's own terms (src/parser.c and the layer files
// of pjreddie/darknet and AlexeyAB/darknet), for hover. Shapes follow darknet's formulas, which
// differ from ConvLens's own format (e.g. [maxpool] pads size − 1 by default).

export const DARKNET_SECTION_DOCS: Record<string, string> = {
  net: "The network's input and its training settings. width × height × channels is the image darknet feeds the first layer (each later section is layer 0, 1, 2, …); batch, subdivisions, learning rate, augmentation and the rest are training settings and change no shape.",
  convolutional: 'A convolution: `filters` output channels, a `size`×`size` kernel, `stride`. `pad=1` pads size/2 on each side (and overrides `padding=`); otherwise `padding=` pixels (default 0). Output: ⌊(W + 2·padding − size)/stride⌋ + 1. `batch_normalize=1`: the convolution has no bias, a batch norm follows. Then `activation` (darknet\'s default: logistic).',
  maxpool: 'Max pooling over `size`×`size` windows (size defaults to the stride), moved by `stride`. Darknet pads `padding` = size − 1 in total by default, ⌊padding/2⌋ before and the rest after: output = ⌊(W + padding − size)/stride⌋ + 1, so stride 1 keeps the size and stride 2 halves it, rounding up.',
  avgpool: 'Global average pooling: each channel averaged over all positions, C×H×W → C×1×1.',
  route: 'Passes on the outputs of the layers in `layers=` (absolute indexes, or negative: counted back from this layer), concatenated along the channels. With `groups=g` it takes part `group_id` of the g equal parts of each input\'s channels.',
  shortcut: 'A residual connection: adds the output of the layer in `from=` to the previous layer\'s output, then `activation` (default linear).',
  upsample: 'Nearest-neighbour upsampling by `stride`: each value is copied into a stride×stride block (H×W → stride·H × stride·W).',
  yolo: 'The YOLOv3/v4 detection layer. It has no weights and keeps its input\'s shape: per grid cell it reads, for each anchor of `mask`, a block of (classes + 5) values — box x, y, w, h, objectness, then one score per class — and decodes boxes relative to that anchor (`anchors=` lists width,height pairs in network-input pixels; `mask` picks this scale\'s). So its input must have (classes + 5)·(anchors in mask) channels.',
  region: 'The YOLOv2 detection layer. It has no weights and keeps its input\'s shape: per grid cell, `num` anchors of (coords + 1 + classes) values each — box, objectness and class scores (softmax) — decoded against `anchors=` (in grid cells).',
  reorg: 'Space to depth: each stride×stride block of positions becomes stride² channels, C×H×W → C·stride² × H/stride × W/stride, in darknet\'s own element order.',
  connected: 'Fully connected: the input read as one vector of C·H·W values, `output` neurons, then `activation` (default logistic).',
  dropout: 'Dropout with `probability`: active in training only; at inference the input passes through unchanged.',
  softmax: 'Softmax over all its input values (over the channels when H = W = 1).',
  batchnorm: 'Batch normalisation of each channel (scale, bias, running mean and variance).',
  activation: 'Applies `activation` to its input, shape unchanged.',
  cost: 'The training loss. At inference its output is its input.',
  // AlexeyAB's sections (read when ConvLens models them).
  scale_channels: 'Squeeze-and-excitation scaling (AlexeyAB): the output of the layer in `from=` (C×H×W) multiplied by the previous layer\'s C×1×1 values, one per channel (`scale_wh=1`: one per position instead).',
  sam: 'Spatial attention (AlexeyAB, YOLOv4\'s modified SAM): the output of the layer in `from=` multiplied element by element by the previous layer\'s output, of the same shape.',
  implicit_add: 'YOLOR\'s implicit knowledge: a learned constant of `filters` values (C×1×1) with no input, added to a layer\'s output through a [shortcut].',
  implicit_mul: 'YOLOR\'s implicit knowledge: a learned constant of `filters` values (C×1×1) with no input, multiplied into a layer\'s output through a [scale_channels].',
  local_avgpool: 'Average pooling over `size`×`size` windows moved by `stride`, padded as darknet pads [maxpool] (size − 1 in total by default, ⌊padding/2⌋ before).',
};

const ACTIVATION = 'The activation after the layer: linear (none), leaky (slope 0.1), relu, logistic (sigmoid), tanh, swish (x·sigmoid(x)), mish…';

/** Per section kind, the keys ConvLens reads. */
export const DARKNET_KEY_DOCS: Record<string, Record<string, string>> = {
  net: {
    width: 'Input width in pixels.',
    height: 'Input height in pixels.',
    channels: 'Input channels (3 for RGB).',
  },
  convolutional: {
    filters: 'Output channels (number of kernels). Default 1.',
    size: 'Kernel size: size×size. Default 1.',
    stride: 'Step of the kernel on both axes. Default 1.',
    stride_x: 'Step along the width, instead of `stride`.',
    stride_y: 'Step along the height, instead of `stride`.',
    pad: '`pad=1`: pad size/2 on each side (1 for a 3×3 kernel, 0 for 1×1), so stride 1 keeps the size; it overrides `padding=`. `pad=0` (default): `padding=` is used.',
    padding: 'Zeros added on each side when `pad=0`. Default 0. Ignored when `pad=1`.',
    groups: 'Grouped convolution: each of the groups sees C/groups input channels. Default 1.',
    activation: `${ACTIVATION} Default logistic.`,
    batch_normalize: '`1`: no bias in the convolution, a batch norm after it (its scales, biases, running mean and variance are in the .weights file). Default 0.',
  },
  maxpool: {
    size: 'Window size: size×size. Default: the stride.',
    stride: 'Step of the window on both axes. Default 1.',
    stride_x: 'Step along the width, instead of `stride`.',
    stride_y: 'Step along the height, instead of `stride`.',
    padding: 'Total padding per axis, default size − 1: ⌊padding/2⌋ before, the rest after. Output = ⌊(W + padding − size)/stride⌋ + 1.',
  },
  route: {
    layers: 'The layers whose outputs are passed on (concatenated along channels when several): absolute indexes (0 is the first layer after [net]) or negative ones counted back from this layer (−1 is the previous one).',
    groups: 'Take only one of `groups` equal parts of each input\'s channels. Default 1.',
    group_id: 'Which part (0 to groups − 1). Default 0.',
  },
  shortcut: {
    from: 'The layer whose output is added to the previous layer\'s output: absolute or negative (counted back from this layer).',
    activation: `${ACTIVATION} Default linear.`,
  },
  upsample: { stride: 'Upsampling factor on both axes. Default 2.' },
  yolo: {
    classes: 'Number of object classes. Each anchor needs classes + 5 channels of the input (x, y, w, h, objectness, class scores).',
    num: 'Number of anchors listed in `anchors=` (for all scales together).',
    mask: 'Which anchors (indexes into `anchors=`) this scale predicts: one block of classes + 5 channels each.',
    anchors: 'Anchor boxes as width,height pairs in network-input pixels, for all scales.',
  },
  region: {
    classes: 'Number of object classes.',
    coords: 'Box coordinates per anchor. Default 4.',
    num: 'Anchors per grid cell: the input needs num·(classes + coords + 1) channels.',
    anchors: 'Anchor boxes as width,height pairs, in grid cells.',
  },
  reorg: { stride: 'Block size: stride×stride positions become stride² channels.' },
  connected: {
    output: 'Number of outputs (neurons).',
    activation: `${ACTIVATION} Default logistic.`,
    batch_normalize: '`1`: no bias, a batch norm after it.',
  },
  dropout: { probability: 'Share of values dropped while training (0.5 by default). No effect at inference.' },
  activation: { activation: `${ACTIVATION} Default linear.` },
};

/** Keys every section may carry that only matter while training or loading weights. */
export const TRAINING_KEY_DOC = 'A training, loss or weight-loading option: no effect on the shapes or values at inference (ConvLens accepts and ignores it).';
