// Darknet's vocabulary, from its parser (pjreddie/darknet and AlexeyAB/darknet, src/parser.c and
// src/activations.c): the section headers, the keys each section reads, and the activations.
// ConvLens reads a key (`reads`), knows it has no effect on inference shapes or values (`ignored`:
// training, loss and GPU settings), or knows darknet reads it but does not model it
// (`unsupported`: a value other than darknet's default withholds the section's figures). Any other
// key is unknown to darknet too: it prints "Unused field" and goes on.

/** The section kinds ConvLens reads, by the headers darknet accepts for them. */
export const SECTION_KINDS: Record<string, string> = {
  '[net]': 'net',
  '[network]': 'net',
  '[convolutional]': 'convolutional',
  '[conv]': 'convolutional',
  '[maxpool]': 'maxpool',
  '[max]': 'maxpool',
  '[avgpool]': 'avgpool',
  '[avg]': 'avgpool',
  '[route]': 'route',
  '[shortcut]': 'shortcut',
  '[upsample]': 'upsample',
  '[yolo]': 'yolo',
  '[region]': 'region',
  '[reorg]': 'reorg',
  '[connected]': 'connected',
  '[conn]': 'connected',
  '[dropout]': 'dropout',
  '[softmax]': 'softmax',
  '[soft]': 'softmax',
  '[batchnorm]': 'batchnorm',
  '[activation]': 'activation',
  '[cost]': 'cost',
  '[scale_channels]': 'scale_channels',
  '[sam]': 'sam',
  '[local_avgpool]': 'local_avgpool',
  '[local_avg]': 'local_avgpool',
  '[reorg3d]': 'reorg3d',
  '[implicit]': 'implicit',
  // YOLOR's cfgs (WongKinYiu/yolor reads them in PyTorch; darknet does not): see YOLOR_KINDS.
  '[implicit_add]': 'implicit_add',
  '[implicit_mul]': 'implicit_mul',
  '[shift_channels]': 'shift_channels',
  '[control_channels]': 'control_channels',
};

/** Kinds only YOLOR's cfg reader knows: darknet stops at them ("Type not recognized"), so darknet's own totals do not apply. */
export const YOLOR_KINDS = new Set(['implicit_add', 'implicit_mul', 'shift_channels', 'control_channels']);

/** Headers darknet knows that ConvLens does not read (recurrent, crop, YOLOv1 detection, …). */
export const UNSUPPORTED_SECTIONS = new Set([
  '[local]', '[crnn]', '[rnn]', '[gru]', '[lstm]', '[conv_lstm]', '[history]', '[crop]', '[detection]', '[Gaussian_yolo]',
  '[lrn]', '[normalization]', '[empty]',
  '[silence]', '[contrastive]',
]);

/**
 * Sections of YOLOR's cfgs (WongKinYiu/yolor reads them in PyTorch; darknet stops with "Type not
 * recognized") that ConvLens does not model (2-D constants, broadcast concatenation): each is a
 * located error.
 */
export const YOLOR_SECTIONS: Record<string, string> = {
  '[implicit_cat]': 'a learned C×1×1 constant (ImplicitC)',
  '[implicit_add_2d]': 'a learned constant (Implicit2DA)',
  '[implicit_mul_2d]': 'a learned constant (Implicit2DM)',
  '[implicit_cat_2d]': 'a learned constant (Implicit2DC)',
  '[alternate_channels]': 'an implicit constant broadcast and concatenated with the previous map',
  '[shift_channels_2d]': 'the previous map plus an implicit constant',
  '[control_channels_2d]': 'the previous map times an implicit constant',
  '[alternate_channels_2d]': 'an implicit constant concatenated with the previous map',
};

/** How darknet prints each kind in its layer table (`  12 conv …`, `  13 max …`). */
export const PRINT_NAMES: Record<string, string> = {
  convolutional: 'conv', maxpool: 'max', avgpool: 'avg', route: 'route', shortcut: 'shortcut', upsample: 'upsample',
  yolo: 'yolo', region: 'detection', reorg: 'reorg', connected: 'connected', dropout: 'dropout', softmax: 'softmax',
  batchnorm: 'batchnorm', activation: 'activation', cost: 'cost', scale_channels: 'scale_channels', sam: 'sam', local_avgpool: 'local_avg',
  reorg3d: 'reorg3d', implicit: 'implicit', implicit_add: 'implicit_add', implicit_mul: 'implicit_mul', shift_channels: 'shift_channels',
  control_channels: 'control_channels',
};

export interface SectionKeys {
  reads: string[];
  ignored: string[];
  /** Key → darknet's default: any other value is not modelled. */
  unsupported: Record<string, string>;
}

/** Read for every section by parse_network_cfg: training and weight-loading switches. */
const EVERY_SECTION = ['clip', 'onlyforward', 'dont_update', 'burnin_update', 'stopbackward', 'train_only_bn', 'dontload', 'dontloadscales', 'learning_rate'];
const GPU_STREAMS = ['stream', 'wait_stream'];

const NET_TRAINING = [
  'max_batches', 'batch', 'learning_rate_min', 'sgdr_cycle', 'sgdr_mult', 'momentum', 'decay', 'subdivisions', 'time_steps', 'track',
  'augment_speed', 'sequential_subdivisions', 'try_fix_nan', 'weights_reject_freq', 'equidistant_point', 'badlabels_rejection_percentage',
  'num_sigmas_reject_badlabels', 'ema_alpha', 'use_cuda_graph', 'loss_scale', 'dynamic_minibatch', 'optimized_memory',
  'workspace_size_limit_MB', 'adam', 'B1', 'B2', 'eps', 'max_crop', 'min_crop', 'max_ratio', 'min_ratio', 'center', 'notruth', 'random',
  'flip', 'blur', 'gaussian_noise', 'mixup', 'cutmix', 'mosaic', 'letter_box', 'mosaic_bound', 'contrastive', 'contrastive_jit_flip',
  'contrastive_color', 'unsupervised', 'label_smooth_eps', 'resize_step', 'attention', 'adversarial_lr', 'max_chart_loss', 'angle',
  'aspect', 'saturation', 'exposure', 'hue', 'power', 'policy', 'burn_in', 'step', 'scale', 'steps', 'scales', 'seq_scales', 'gamma',
  'show_receptive_field',
];

const YOLO_LOSS = [
  'max', 'show_details', 'max_delta', 'counters_per_class', 'label_smooth_eps', 'scale_x_y', 'objectness_smooth', 'new_coords',
  'iou_normalizer', 'obj_normalizer', 'cls_normalizer', 'delta_normalizer', 'iou_loss', 'iou_thresh_kind', 'beta_nms', 'nms_kind',
  'jitter', 'resize', 'focal_loss', 'ignore_thresh', 'truth_thresh', 'iou_thresh', 'random', 'track_history_size', 'sim_thresh',
  'dets_for_track', 'dets_for_show', 'track_ciou_norm', 'embedding_layer', 'map',
];

const REGION_LOSS = [
  'max', 'log', 'sqrt', 'softmax', 'focal_loss', 'jitter', 'resize', 'rescore', 'thresh', 'classfix', 'absolute', 'random', 'coord_scale',
  'object_scale', 'noobject_scale', 'mask_scale', 'class_scale', 'bias_match', 'tree', 'map', 'background',
];

const keys = (reads: string[], ignored: string[] = [], unsupported: Record<string, string> = {}): SectionKeys => ({ reads, ignored: [...ignored, ...EVERY_SECTION], unsupported });

export const SECTION_KEYS: Record<string, SectionKeys> = {
  net: keys(['width', 'height', 'channels'], NET_TRAINING, { inputs: '0' }),
  convolutional: keys(
    ['filters', 'size', 'stride', 'stride_x', 'stride_y', 'pad', 'padding', 'groups', 'activation', 'batch_normalize'],
    // flipped: transposes loaded weights; dot, angle, grad_centr, reverse: training of deformable kernels.
    [...GPU_STREAMS, 'flipped', 'dot', 'angle', 'grad_centr', 'reverse'],
    {
      dilation: '1', antialiasing: '0', share_index: '-1000000000', assisted_excitation: '0', cbn: '0', binary: '0', xnor: '0',
      bin_output: '0', sway: '0', rotate: '0', stretch: '0', stretch_sway: '0', coordconv: '0',
    },
  ),
  maxpool: keys(['size', 'stride', 'stride_x', 'stride_y', 'padding'], [], { maxpool_depth: '0', out_channels: '1', antialiasing: '0', maxpool_zero_nonmax: '0' }),
  avgpool: keys([]),
  route: keys(['layers', 'groups', 'group_id'], GPU_STREAMS),
  shortcut: keys(['from', 'activation'], [], { weights_type: 'none', weights_normalization: 'none', alpha: '1', beta: '1' }),
  upsample: keys(['stride'], [], { scale: '1' }),
  yolo: keys(['classes', 'num', 'mask', 'anchors'], YOLO_LOSS),
  region: keys(['classes', 'coords', 'num', 'anchors'], REGION_LOSS),
  reorg: keys(['stride'], [], { reverse: '0', flatten: '0', extra: '0' }),
  connected: keys(['output', 'activation', 'batch_normalize']),
  dropout: keys(['probability'], ['dropblock', 'dropblock_size_rel', 'dropblock_size_abs']),
  softmax: keys([], ['noloss'], { groups: '1', temperature: '1', tree: '', spatial: '0' }),
  batchnorm: keys([]),
  activation: keys(['activation']),
  cost: keys([], ['type', 'scale', 'ratio', 'noobject_scale', 'thresh']),
  // scale_wh=1 scales positions by a 1×H×W map instead of channels.
  scale_channels: keys(['from', 'activation'], [], { scale_wh: '0' }),
  sam: keys(['from', 'activation']),
  local_avgpool: keys(['size', 'stride', 'stride_x', 'stride_y', 'padding']),
  reorg3d: keys(['stride'], [], { reverse: '0' }),
  // std: the spread of the random initial values.
  implicit: keys(['filters', 'atoms', 'mean'], ['std']),
  implicit_add: keys(['filters']),
  implicit_mul: keys(['filters']),
  shift_channels: keys(['from']),
  control_channels: keys(['from']),
};

/** Darknet activations ConvLens runs, as engine kinds (darknet's leaky has slope 0.1). */
export const ACTIVATIONS: Record<string, { kind: string; args?: Record<string, unknown> } | null> = {
  linear: null,
  leaky: { kind: 'leaky_relu', args: { slope: 0.1 } },
  relu: { kind: 'relu' },
  logistic: { kind: 'sigmoid' },
  tanh: { kind: 'tanh' },
  swish: { kind: 'silu' },
  mish: { kind: 'mish' },
};

/** Activations darknet has that ConvLens does not run. */
export const UNSUPPORTED_ACTIVATIONS = new Set([
  'loggy', 'elu', 'selu', 'relie', 'plse', 'hardtan', 'lhtan', 'ramp', 'stair', 'relu6', 'hard_mish', 'gelu', 'revleaky',
  'normalize_channels', 'normalize_channels_softmax', 'normalize_channels_softmax_maxval',
]);
