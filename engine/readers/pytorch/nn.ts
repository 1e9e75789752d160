// The torch.nn modules the reader models (PyTorch 1.13's signatures): binding a constructor
// call to its parameters, the parameters each module owns (what `sum(p.numel() for p in
// model.parameters())` counts), and the engine layer (kinds.ts) a call of it is.
import type { Span } from '../../types';
import { isObj, plain, type ModuleObj, type Py } from './values';

type Default = number | string | boolean | null;

/** Parameter lists as PyTorch 1.13 declares them (`name=default`; no default: required). */
const SIG: Record<string, string> = {
  Conv: 'in_channels out_channels kernel_size stride=1 padding=0 dilation=1 groups=1 bias=True padding_mode=zeros device=None dtype=None',
  ConvTranspose: 'in_channels out_channels kernel_size stride=1 padding=0 output_padding=0 groups=1 bias=True dilation=1 padding_mode=zeros device=None dtype=None',
  Linear: 'in_features out_features bias=True device=None dtype=None',
  MaxPool: 'kernel_size stride=None padding=0 dilation=1 return_indices=False ceil_mode=False',
  AvgPool: 'kernel_size stride=None padding=0 ceil_mode=False count_include_pad=True divisor_override=None',
  AdaptiveAvgPool: 'output_size',
  AdaptiveMaxPool: 'output_size return_indices=False',
  BatchNorm: 'num_features eps=1e-05 momentum=0.1 affine=True track_running_stats=True device=None dtype=None',
  InstanceNorm: 'num_features eps=1e-05 momentum=0.1 affine=False track_running_stats=False device=None dtype=None',
  GroupNorm: 'num_groups num_channels eps=1e-05 affine=True device=None dtype=None',
  LayerNorm: 'normalized_shape eps=1e-05 elementwise_affine=True device=None dtype=None',
  Inplace: 'inplace=False',
  None: '',
  LeakyReLU: 'negative_slope=0.01 inplace=False',
  GELU: "approximate=none",
  Softmax: 'dim=None',
  Dropout: 'p=0.5 inplace=False',
  PReLU: 'num_parameters=1 init=0.25 device=None dtype=None',
  Flatten: 'start_dim=1 end_dim=-1',
  Upsample: 'size=None scale_factor=None mode=nearest align_corners=None recompute_scale_factor=None',
  UpsamplingNearest2d: 'size=None scale_factor=None',
  UpsamplingBilinear2d: 'size=None scale_factor=None',
  ChannelShuffle: 'groups',
  ZeroPad2d: 'padding',
  ConstantPad: 'padding value',
  Identity: '*args **kwargs',
};

/** torch.nn type → its signature (and spatial rank, for the 1d/2d/3d families). */
const TYPES: Record<string, { sig: string; rank?: number }> = {};
for (const r of [1, 2, 3]) {
  TYPES[`Conv${r}d`] = { sig: 'Conv', rank: r };
  TYPES[`ConvTranspose${r}d`] = { sig: 'ConvTranspose', rank: r };
  TYPES[`MaxPool${r}d`] = { sig: 'MaxPool', rank: r };
  TYPES[`AvgPool${r}d`] = { sig: 'AvgPool', rank: r };
  TYPES[`AdaptiveAvgPool${r}d`] = { sig: 'AdaptiveAvgPool', rank: r };
  TYPES[`AdaptiveMaxPool${r}d`] = { sig: 'AdaptiveMaxPool', rank: r };
  TYPES[`BatchNorm${r}d`] = { sig: 'BatchNorm', rank: r };
  TYPES[`InstanceNorm${r}d`] = { sig: 'InstanceNorm', rank: r };
  TYPES[`Dropout${r}d`] = { sig: 'Dropout' };
  TYPES[`ConstantPad${r}d`] = { sig: 'ConstantPad', rank: r };
}
Object.assign(TYPES, {
  Linear: { sig: 'Linear' },
  GroupNorm: { sig: 'GroupNorm' },
  LayerNorm: { sig: 'LayerNorm' },
  ReLU: { sig: 'Inplace' },
  ReLU6: { sig: 'Inplace' },
  SiLU: { sig: 'Inplace' },
  Mish: { sig: 'Inplace' },
  Hardswish: { sig: 'Inplace' },
  Hardsigmoid: { sig: 'Inplace' },
  Sigmoid: { sig: 'None' },
  Tanh: { sig: 'None' },
  LeakyReLU: { sig: 'LeakyReLU' },
  GELU: { sig: 'GELU' },
  Softmax: { sig: 'Softmax' },
  LogSoftmax: { sig: 'Softmax' },
  Dropout: { sig: 'Dropout' },
  AlphaDropout: { sig: 'Dropout' },
  PReLU: { sig: 'PReLU' },
  Flatten: { sig: 'Flatten' },
  Upsample: { sig: 'Upsample' },
  UpsamplingNearest2d: { sig: 'UpsamplingNearest2d', rank: 2 },
  UpsamplingBilinear2d: { sig: 'UpsamplingBilinear2d', rank: 2 },
  ChannelShuffle: { sig: 'ChannelShuffle' },
  ZeroPad2d: { sig: 'ZeroPad2d', rank: 2 },
  Identity: { sig: 'Identity' },
});

export const CONTAINERS = new Set(['Sequential', 'ModuleList', 'ModuleDict']);

/** Whether `torch.nn.<name>` is a module the reader models. */
export const isModelledModule = (name: string): boolean => Object.prototype.hasOwnProperty.call(TYPES, name) || CONTAINERS.has(name);

interface ParamSpec {
  name: string;
  default?: Default;
  star?: 'args' | 'kwargs';
}

const parsed = new Map<string, ParamSpec[]>();
function params(type: string): ParamSpec[] {
  const key = TYPES[type].sig;
  let ps = parsed.get(key);
  if (!ps) {
    ps = SIG[key]
      .split(' ')
      .filter(Boolean)
      .map((w): ParamSpec => {
        if (w.startsWith('**')) return { name: w.slice(2), star: 'kwargs' };
        if (w.startsWith('*')) return { name: w.slice(1), star: 'args' };
        const [name, d] = w.split('=');
        if (d === undefined) return { name };
        const value: Default = d === 'None' ? null : d === 'True' ? true : d === 'False' ? false : /^-?[\d.e-]+$/.test(d) ? Number(d) : d;
        return { name, default: value };
      });
    parsed.set(key, ps);
  }
  return ps;
}

/** Binds a constructor call's arguments to the module's parameters; a message when PyTorch would refuse the call. */
export function bindModuleArgs(type: string, args: Py[], kwargs: Map<string, Py>, posSpans: Array<Span | undefined>, kwSpans: Map<string, { value: Span }>): { args: Record<string, Py>; spans: Record<string, Span> } | { error: string } {
  const ps = params(type);
  const out: Record<string, Py> = {};
  const spans: Record<string, Span> = {};
  const fixed = ps.filter((p) => !p.star);
  if (ps.some((p) => p.star)) return { args: out, spans };
  if (args.length > fixed.length) return { error: `${type}() takes ${fixed.length} arguments but ${args.length} were given` };
  args.forEach((a, i) => {
    out[fixed[i].name] = a;
    const s = posSpans[i];
    if (s) spans[fixed[i].name] = s;
  });
  for (const [k, v] of kwargs) {
    const p = fixed.find((q) => q.name === k);
    if (!p) return { error: `${type}() got an unexpected keyword argument '${k}'` };
    if (k in out) return { error: `${type}() got multiple values for argument '${k}'` };
    out[k] = v;
    const s = kwSpans.get(k);
    if (s) spans[k] = s.value;
  }
  for (const p of fixed) {
    if (p.name in out) continue;
    if (p.default === undefined) return { error: `${type}() is missing the required argument '${p.name}'` };
    out[p.name] = p.default;
  }
  return { args: out, spans };
}

/** The spatial rank a 1d/2d/3d module acts on, when it has one. */
export const rankOf = (type: string): number | undefined => TYPES[type]?.rank;

const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

/** An int or a tuple of ints, expanded to `rank` values; undefined when not plain integers. */
export function axes(v: Py, rank: number): number[] | undefined {
  const p = plain(v);
  if (typeof p === 'number' && Number.isInteger(p)) return Array(rank).fill(p);
  if (Array.isArray(p) && p.length === rank && p.every((x) => typeof x === 'number' && Number.isInteger(x))) return p as number[];
  return undefined;
}

/** The parameters a library module owns; undefined when an argument is not known. */
export function ownParameters(m: ModuleObj): number | undefined {
  const t = m.torch!;
  const a = m.args;
  const int = (k: string) => (typeof a[k] === 'number' && Number.isInteger(a[k]) ? (a[k] as number) : undefined);
  const bias = (k = 'bias') => (a[k] === true ? 1 : a[k] === false ? 0 : undefined);
  const spec = TYPES[t];
  if (!spec) return CONTAINERS.has(t) ? 0 : undefined;
  switch (spec.sig) {
    case 'Conv':
    case 'ConvTranspose': {
      const [cin, cout, g, b, k] = [int('in_channels'), int('out_channels'), int('groups'), bias(), axes(a.kernel_size, spec.rank!)];
      if (cin === undefined || cout === undefined || g === undefined || b === undefined || !k) return undefined;
      return (spec.sig === 'Conv' ? (cin / g) * cout : cin * (cout / g)) * prod(k) + b * cout;
    }
    case 'Linear': {
      const [i, o, b] = [int('in_features'), int('out_features'), bias()];
      return i === undefined || o === undefined || b === undefined ? undefined : i * o + b * o;
    }
    case 'BatchNorm':
    case 'InstanceNorm': {
      const c = int('num_features');
      return c === undefined ? undefined : a.affine === true ? 2 * c : 0;
    }
    case 'GroupNorm': {
      const c = int('num_channels');
      return c === undefined ? undefined : a.affine === true ? 2 * c : 0;
    }
    case 'LayerNorm': {
      const s = plain(a.normalized_shape);
      const n = typeof s === 'number' ? s : Array.isArray(s) && s.every((x) => typeof x === 'number') ? prod(s as number[]) : undefined;
      return n === undefined ? undefined : a.elementwise_affine === true ? 2 * n : 0;
    }
    case 'PReLU':
      return int('num_parameters');
    default:
      return 0;
  }
}

/** How a library module's call maps onto an engine layer: its kind, arguments, and which constructor argument each engine argument was written as. */
export interface EngineLayer {
  kind: string;
  args: Record<string, unknown>;
  /** engine argument → torch parameter (for the spans of findings). */
  from: Record<string, string>;
}

/** The engine layer of a call of `m` on an input of the given shape (without the batch axis); a string says what is not modelled. */
export function engineLayer(m: ModuleObj, inputRank: number): EngineLayer | string {
  const t = m.torch!;
  const a = m.args;
  const spec = TYPES[t];
  if (!spec) return `torch.nn.${t}`;
  const rank = spec.rank ?? inputRank - 1;
  const p = (k: string) => plain(a[k]);
  const bad = (k: string) => `${t}(${k}=${JSON.stringify(p(k)) ?? '…'})`;
  switch (spec.sig) {
    case 'Conv':
    case 'ConvTranspose': {
      const padding = p('padding');
      const args: Record<string, unknown> = { out: p('out_channels'), kernel: p('kernel_size'), stride: p('stride'), padding, dilation: p('dilation'), groups: p('groups'), bias: p('bias') };
      if (spec.sig === 'ConvTranspose') args.output_padding = p('output_padding');
      return { kind: spec.sig === 'Conv' ? 'conv' : 'conv_transpose', args, from: { out: 'out_channels', kernel: 'kernel_size', stride: 'stride', padding: 'padding', dilation: 'dilation', groups: 'groups', bias: 'bias', output_padding: 'output_padding' } };
    }
    case 'Linear':
      return { kind: 'linear', args: { out: p('out_features'), bias: p('bias') }, from: { out: 'out_features', bias: 'bias' } };
    case 'MaxPool':
    case 'AvgPool': {
      if (spec.sig === 'MaxPool' && a.return_indices === true) return bad('return_indices');
      if (spec.sig === 'AvgPool' && a.divisor_override !== null) return bad('divisor_override');
      const args: Record<string, unknown> = { kernel: p('kernel_size'), padding: p('padding'), ceil_mode: p('ceil_mode') };
      if (a.stride !== null) args.stride = p('stride');
      if (spec.sig === 'MaxPool') args.dilation = p('dilation');
      else args.count_include_pad = p('count_include_pad');
      return { kind: spec.sig === 'MaxPool' ? 'maxpool' : 'avgpool', args, from: { kernel: 'kernel_size', stride: 'stride', padding: 'padding', dilation: 'dilation', ceil_mode: 'ceil_mode' } };
    }
    case 'AdaptiveAvgPool':
    case 'AdaptiveMaxPool': {
      if (a.return_indices === true) return bad('return_indices');
      const size = p('output_size');
      return { kind: spec.sig === 'AdaptiveAvgPool' ? 'adaptive_avgpool' : 'adaptive_maxpool', args: { size: Array.isArray(size) ? size : Array(rank).fill(size) }, from: { size: 'output_size' } };
    }
    case 'BatchNorm':
      return { kind: 'batchnorm', args: { eps: p('eps') }, from: { eps: 'eps' } };
    case 'GroupNorm':
      return { kind: 'groupnorm', args: { groups: p('num_groups'), eps: p('eps') }, from: { groups: 'num_groups', eps: 'eps' } };
    case 'LayerNorm': {
      const s = p('normalized_shape');
      const dims = typeof s === 'number' ? [s] : s;
      if (!Array.isArray(dims) || !dims.length || dims.length > inputRank) return bad('normalized_shape');
      if (a.elementwise_affine !== true) return bad('elementwise_affine');
      // Over the last axis of a flat tensor: the engine's layernorm over the features; else over the trailing axes.
      if (inputRank === 1) return { kind: 'layernorm', args: { eps: p('eps') }, from: { eps: 'eps' } };
      return { kind: 'layernorm', args: { eps: p('eps'), axis: -dims.length }, from: { eps: 'eps', axis: 'normalized_shape' } };
    }
    case 'InstanceNorm':
      // Each channel of each sample normalised over its positions: a group norm with one channel per group.
      if (inputRank !== rank + 1) return `${t} on a tensor of rank ${inputRank + 1} (it needs ${rank + 2})`;
      if (typeof a.num_features !== 'number') return bad('num_features');
      // Running statistics are buffers the engine's group norm does not hold (the memory figure would be short).
      if (a.track_running_stats === true) return bad('track_running_stats');
      return { kind: 'groupnorm', args: { groups: a.num_features, eps: p('eps'), affine: a.affine === true }, from: { groups: 'num_features', eps: 'eps', affine: 'affine' } };
    case 'Inplace':
    case 'None':
      return { kind: ACTIVATION_KINDS[t], args: {}, from: {} };
    case 'LeakyReLU':
      return { kind: 'leaky_relu', args: { slope: p('negative_slope') }, from: { slope: 'negative_slope' } };
    case 'GELU':
      return a.approximate === 'none' ? { kind: 'gelu', args: {}, from: {} } : bad('approximate');
    case 'Softmax': {
      const dim = a.dim;
      const axis = softmaxAxis(dim, inputRank);
      return axis === undefined ? bad('dim') : { kind: t === 'LogSoftmax' ? 'log_softmax' : 'softmax', args: { axis }, from: { axis: 'dim' } };
    }
    case 'Dropout':
      return { kind: 'dropout', args: { p: p('p') }, from: { p: 'p' } };
    case 'PReLU':
      return { kind: 'prelu', args: { channels: p('num_parameters') }, from: { channels: 'num_parameters' } };
    case 'Flatten':
      return a.start_dim === 1 && a.end_dim === -1 ? { kind: 'flatten', args: {}, from: {} } : bad('start_dim');
    case 'Upsample':
    case 'UpsamplingNearest2d':
    case 'UpsamplingBilinear2d': {
      const mode = spec.sig === 'Upsample' ? a.mode : spec.sig === 'UpsamplingNearest2d' ? 'nearest' : 'bilinear';
      const align = spec.sig === 'UpsamplingBilinear2d' ? true : a.align_corners === true;
      return upsampleLayer(p('size'), p('scale_factor'), mode, align, { size: 'size', scale: 'scale_factor', mode: 'mode' }) ?? bad('mode');
    }
    case 'ChannelShuffle':
      return { kind: 'channel_shuffle', args: { groups: p('groups') }, from: { groups: 'groups' } };
    case 'ZeroPad2d':
    case 'ConstantPad': {
      if (spec.sig === 'ConstantPad' && a.value !== 0) return bad('value');
      const pairs = padPairs(p('padding'), spec.rank!);
      return pairs ? { kind: 'pad', args: { padding: pairs }, from: { padding: 'padding' } } : bad('padding');
    }
    case 'Identity':
      return { kind: 'identity', args: {}, from: {} };
  }
  return `torch.nn.${t}`;
}

const ACTIVATION_KINDS: Record<string, string> = { ReLU: 'relu', ReLU6: 'relu6', SiLU: 'silu', Mish: 'mish', Hardswish: 'hardswish', Hardsigmoid: 'hardsigmoid', Sigmoid: 'sigmoid', Tanh: 'tanh' };

/** A softmax `dim` (with the batch axis) as the engine's axis (without it). */
export function softmaxAxis(dim: Py, inputRank: number): number | undefined {
  // dim=None: PyTorch's implicit choice is 1 for 0-, 1- and 3-D… inputs (batched: 1 whenever rank ≥ 2).
  if (dim === null) return 0;
  if (typeof dim !== 'number') return undefined;
  const full = inputRank + 1;
  const d = dim < 0 ? dim + full : dim;
  return d >= 1 && d < full ? d - 1 : undefined;
}

/** The engine's upsample for a size or scale and a PyTorch interpolation mode; undefined for modes it does not model. */
export function upsampleLayer(size: unknown, scale: unknown, mode: Py, alignCorners: boolean, from: Record<string, string>): EngineLayer | undefined {
  const linear = mode === 'bilinear' || mode === 'linear' || mode === 'trilinear';
  if (mode !== 'nearest' && !linear) return undefined;
  const args: Record<string, unknown> = { mode: linear ? 'linear' : 'nearest', align_corners: linear && alignCorners };
  if (size !== null && size !== undefined) args.size = size;
  if (scale !== null && scale !== undefined) args.scale = scale;
  return { kind: 'upsample', args, from };
}

/** F.pad / ZeroPad2d sizes (last axis first: left, right, top, bottom…) as [before, after] per spatial axis; undefined for negative pads or a bad length. */
export function padPairs(v: unknown, rank: number): Array<[number, number]> | undefined {
  const list = typeof v === 'number' ? Array(2 * rank).fill(v) : v;
  if (!Array.isArray(list) || list.length % 2 !== 0 || list.length > 2 * rank || !list.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) return undefined;
  const pairs: Array<[number, number]> = Array.from({ length: rank }, () => [0, 0] as [number, number]);
  for (let i = 0; i < list.length / 2; i++) pairs[rank - 1 - i] = [list[2 * i], list[2 * i + 1]];
  return pairs;
}

/** The module attributes PyTorch exposes from constructor arguments (conv.out_channels, fc.in_features). */
export function moduleArgAttr(m: ModuleObj, name: string): Py | undefined {
  if (!m.torch || !(name in m.args)) return undefined;
  const v = m.args[name];
  // LayerNorm keeps normalized_shape as a tuple.
  if (name === 'normalized_shape' && typeof v === 'number') return { t: 'tuple', items: [v] };
  // PyTorch stores kernel_size, stride, padding and dilation of convs and pools as tuples.
  const rank = rankOf(m.torch);
  if (rank && ['kernel_size', 'stride', 'padding', 'dilation', 'output_padding'].includes(name) && typeof v === 'number' && /^Conv/.test(m.torch)) return { t: 'tuple', items: Array(rank).fill(v) };
  return isObj(v) && v.t === 'unknown' ? v : v;
}
