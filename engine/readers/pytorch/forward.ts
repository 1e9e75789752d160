// `forward`, followed on shapes: calls of torch.nn modules, F.* functions, torch.cat and the
// tensor methods models use become engine layers (analyse/network.ts) named by their module
// path; every check PyTorch makes at run time (in_channels, in_features, num_features, ranks)
// is a located finding with PyTorch's own words and the arithmetic.
import type { LayerOrigin, RelatedSpan, Shape, Span } from '../../types';
import type { CodeKey } from '../../codes';
import type { NetworkBuilder, Value } from '../../analyse/network';
import { fmtShape } from '../../analyse/layers';
import type { CallSite, Interpreter } from './interpreter';
import { CONTAINERS, engineLayer, isModelledModule, padPairs, rankOf, softmaxAxis, upsampleLayer, type EngineLayer } from './nn';
import { firstUnknown, isConst, isModule, isObj, isTensor, isUnknown, plain, show, tuple, typeName, type ConstTensor, type ModuleObj, type Py, type PyTuple, type Tensor } from './values';

const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

/** A module being called: for layer names and the related locations of findings. */
interface Frame {
  m: ModuleObj;
  site: Span;
}

export class ForwardContext {
  /** Module calls in progress, outermost first. */
  readonly frames: Frame[] = [];
  /** Per engine layer: the module whose call produced it (a leaf, or the module whose forward ran the op). */
  readonly owners: Array<ModuleObj | undefined> = [];
  /** Per module: the last output of a call of it. */
  readonly outputs = new Map<ModuleObj, Value>();
  private readonly used = new Map<string, number>();
  /** self.training was read (the model is analysed in eval mode): reported once. */
  trainingNoted = false;

  constructor(readonly net: NetworkBuilder, readonly interp: Interpreter, readonly batch: number) {}

  private tensor(v: Value | undefined): Tensor {
    return { t: 'tensor', v };
  }

  /** The value of a tensor argument, or undefined (unknown: already reported where it was lost). */
  private valueOf(x: Py): Value | undefined {
    return isTensor(x) ? x.v : undefined;
  }

  /** Inside a library helper (prelude.ts) a span is the helper's, not the user's: the user's call of it instead. */
  private at(span: Span): Span {
    return this.interp.preludeSite ?? span;
  }

  /** A finding on a module's own constructor argument or call: located in the user's code even when a library helper made the module. */
  private reportOnModule(code: CodeKey, message: string, span: Span, related: RelatedSpan[] = [], data?: Record<string, unknown>): void {
    this.report(code, message, span, related, data, true);
  }

  private report(code: CodeKey, message: string, span: Span, related: RelatedSpan[] = [], data?: Record<string, unknown>, own = false): void {
    this.net.report(code, message, own ? span : this.at(span), [...related.map((r) => ({ ...r, span: this.at(r.span) })), ...this.frames.slice(1).map((f) => ({ span: f.site, message: `in ${f.m.path || f.m.cls?.name || 'the model'}, called here` }))], data);
  }

  /** A name for a functional op inside the current module: `layer1.0.relu`, then `layer1.0.relu_1`… (as torch.fx names them). */
  private opName(op: string): string {
    const owner = [...this.frames].reverse().find((f) => f.m.path !== undefined)?.m.path ?? '';
    const base = owner ? `${owner}.${op}` : op;
    const n = this.used.get(base) ?? 0;
    this.used.set(base, n + 1);
    return n ? `${base}_${n}` : base;
  }

  private origin(kindKey: Span, innerEntry: Span, args: LayerOrigin['args']): LayerOrigin {
    const active = this.interp.active;
    const entry = active[0]?.stmt.span ?? innerEntry;
    const blockPath = this.frames.slice(1).map((f) => ({ block: f.m.path || f.m.cls?.name || 'model', use: f.site, definition: f.m.site }));
    return { entry, kindKey, innerEntry, blockPath, args };
  }

  /** Adds one engine layer; undefined when the engine refused it (its finding is reported). */
  add(name: string, layer: EngineLayer, inputs: Value[], kindKey: Span, innerEntry: Span, argSpans: Record<string, Span>, owner?: ModuleObj): Value | undefined {
    const args: LayerOrigin['args'] = {};
    for (const [engineArg, torchArg] of Object.entries(layer.from)) {
      const s = argSpans[torchArg];
      if (s) args[engineArg] = { key: s, value: s };
    }
    const clean: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(layer.args)) if (v !== undefined) clean[k] = v;
    const before = this.net.layers.length;
    const out = this.net.addLayer({ name, kind: layer.kind, args: clean, inputs, origin: this.origin(this.at(kindKey), this.at(innerEntry), this.interp.preludeSite ? {} : args) });
    if (this.net.layers.length > before) {
      const index = this.net.layers.length - 1;
      this.owners[index] = owner ?? this.frames[this.frames.length - 1]?.m;
      for (const r of this.interp.active) r.layers.push(index);
    }
    return out;
  }

  // ------------------------------------------------------------------ modules

  /** Calls a module: a torch.nn layer becomes an engine layer; containers and the file's modules run their forward. */
  callModule(m: ModuleObj, args: Py[], kwargs: Map<string, Py>, site: CallSite): Py {
    this.frames.push({ m, site: this.at(site.span) });
    try {
      const out = this.callModuleInner(m, args, kwargs, site);
      if (isTensor(out) && out.v) this.outputs.set(m, out.v);
      return out;
    } finally {
      this.frames.pop();
    }
  }

  private callModuleInner(m: ModuleObj, args: Py[], kwargs: Map<string, Py>, site: CallSite): Py {
    if (m.cls) {
      const forward = this.interp.classAttr(m.cls, 'forward');
      if (forward && isObj(forward.value) && forward.value.t === 'func') return this.interp.callFunction({ ...forward.value, self: m }, args, kwargs, site.span);
      // Without a forward of its own, a subclass of a torch.nn layer runs the layer's.
      if (m.torch !== 'Sequential' && !(m.torch && isModelledModule(m.torch) && !CONTAINERS.has(m.torch))) return this.interp.lost(`${m.cls.name} has no forward`, site.span);
    }
    if (m.torch === 'Sequential') {
      let x = args[0];
      for (const child of m.children.values()) x = this.interp.call(child, [x], new Map(), { ...site, posSpans: [undefined] });
      return x;
    }
    if (m.torch === 'ModuleList' || m.torch === 'ModuleDict') return this.interp.lost(`calling an nn.${m.torch} (it has no forward)`, site.span);
    const x = args[0];
    if (x === undefined) return this.interp.lost(`${m.path || m.torch} called without a tensor`, site.span);
    if (!isTensor(x)) return isUnknown(x) ? x : this.interp.lost(`${m.torch} called on ${typeName(x)}`, site.span);
    if (!x.v) return this.tensor(undefined);
    return this.tensor(this.leaf(m, x.v, site));
  }

  private leaf(m: ModuleObj, x: Value, site: CallSite): Value | undefined {
    const t = m.torch!;
    for (const v of Object.values(m.args)) {
      const u = firstUnknown(v);
      if (u) {
        this.interp.note(u);
        return undefined;
      }
    }
    if (t === 'Unknown') {
      const u = m.attrs.get('__unknown__');
      if (isUnknown(u)) this.interp.note(u);
      return undefined;
    }
    const shape = x.shape!;
    const name = m.path || t;
    const where = (arg: string) => m.argSpans[arg] ?? m.site;
    const calledWith: RelatedSpan = { span: site.span, message: `${name} is called here on [${[this.batch, ...shape].join(', ')}]` };
    const rank = rankOf(t);
    const isConv = /^Conv(Transpose)?\dd$/.test(t);
    const expectRank = isConv || /^(Max|Avg|AdaptiveAvg|AdaptiveMax)Pool\dd$/.test(t) ? rank! + 1 : undefined;
    if (expectRank !== undefined && shape.length !== expectRank) {
      const fn = t.replace(/^(\w+?)(\d)d$/, (_, a: string, d: string) => `${a.toLowerCase()}${d}d`);
      this.reportOnModule('rank', `${name} (${t}) needs [N, C, ${spatialNames(rank!)}] input, but it gets [${[this.batch, ...shape].join(', ')}]. PyTorch: Expected ${expectRank}D (unbatched) or ${expectRank + 1}D (batched) input to ${fn}, but got input of size: [${[this.batch, ...shape].join(', ')}]`, m.calleeSpan, [calledWith], { layer: name });
      return undefined;
    }
    const C = shape[0];
    const int = (k: string) => (typeof m.args[k] === 'number' ? (m.args[k] as number) : undefined);
    if (isConv) {
      const cin = int('in_channels');
      const groups = int('groups') ?? 1;
      if (cin !== undefined && cin !== C) {
        const k = plain(m.args.kernel_size);
        const ks = Array.isArray(k) ? k : Array(rank).fill(k);
        const transposed = t.startsWith('ConvTranspose');
        const cout = int('out_channels');
        const weight = transposed ? [cin, cout! / groups, ...ks] : [cout, cin / groups, ...ks];
        const pt = transposed
          ? `Given transposed=1, weight of size [${weight.join(', ')}], expected input[${[this.batch, ...shape].join(', ')}] to have ${cin} channels, but got ${C} channels instead`
          : `Given groups=${groups}, weight of size [${weight.join(', ')}], expected input[${[this.batch, ...shape].join(', ')}] to have ${cin} channels, but got ${C} channels instead`;
        this.reportOnModule('channels', `${name}: in_channels is ${cin} but its input has ${C} channels (${x.name === 'input' ? 'the input' : x.name} gives [${shape.join(', ')}]). PyTorch: ${pt}`, where('in_channels'), [calledWith, ...(x.span ? [{ span: x.span, message: `${x.name} → [${shape.join(', ')}]` }] : [])], {
          layer: name,
          pytorchArg: 'in_channels',
          value: C,
        });
        return undefined;
      }
    }
    if (t === 'Linear') {
      const fin = int('in_features');
      const last = shape[shape.length - 1];
      if (fin !== undefined && fin !== last) {
        const rows = this.batch * prod(shape.slice(0, -1));
        const producer = x.index >= 0 ? this.net.layers[x.index] : undefined;
        const flat = producer?.kind === 'flatten' ? producer.inputShapes[0] : undefined;
        const arithmetic = flat ? ` (${flat.join(' × ')} = ${last} after ${producer!.name})` : '';
        this.reportOnModule('channels', `${name}: in_features is ${fin} but ${last} features reach it${arithmetic}. PyTorch: mat1 and mat2 shapes cannot be multiplied (${rows}x${last} and ${fin}x${int('out_features') ?? '?'})`, where('in_features'), [calledWith, ...(x.span ? [{ span: x.span, message: `${x.name} → [${shape.join(', ')}]` }] : [])], {
          layer: name,
          pytorchArg: 'in_features',
          value: last,
          factors: flat,
        });
        return undefined;
      }
    }
    if (/^BatchNorm\dd$/.test(t)) {
      const ok = rank === 1 ? shape.length === 1 || shape.length === 2 : shape.length === rank! + 1;
      if (!ok) {
        const dims = rank === 1 ? '2D or 3D' : `${rank! + 2}D`;
        this.reportOnModule('rank', `${name} (${t}) needs ${dims} input [N, C${rank === 1 ? '(, L)' : `, ${spatialNames(rank!)}`}], but it gets [${[this.batch, ...shape].join(', ')}]. PyTorch: expected ${dims} input (got ${shape.length + 1}D input)`, m.calleeSpan, [calledWith], { layer: name });
        return undefined;
      }
      const nf = int('num_features');
      if (nf !== undefined && nf !== C) {
        this.reportOnModule('channels', `${name}: num_features is ${nf} but its input has ${C} channels. PyTorch: running_mean should contain ${C} elements not ${nf}`, where('num_features'), [calledWith], { layer: name, pytorchArg: 'num_features', value: C });
        return undefined;
      }
    }
    if (t === 'GroupNorm') {
      const nc = int('num_channels');
      if (nc !== undefined && nc !== C) {
        this.reportOnModule('channels', `${name}: num_channels is ${nc} but its input has ${C} channels. PyTorch: Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [${nc}] and input of shape [${[this.batch, ...shape].join(', ')}]`, where('num_channels'), [calledWith], { layer: name, pytorchArg: 'num_channels', value: C });
        return undefined;
      }
    }
    if (t === 'PReLU') {
      const n = int('num_parameters');
      if (n !== undefined && n !== 1 && n !== C) {
        this.reportOnModule('channels', `${name}: num_parameters is ${n}; PReLU needs 1 or one per channel (${C}).`, where('num_parameters'), [calledWith], { layer: name, pytorchArg: 'num_parameters', value: C });
        return undefined;
      }
    }
    if (t.startsWith('Conv') && m.args.padding_mode !== 'zeros' && m.args.padding_mode !== undefined && !this.noted.has(m)) {
      this.noted.add(m);
      this.net.report('formatNote', `padding_mode=${show(m.args.padding_mode)}: shapes, parameters and MACs are exact; the preview pads with zeros.`, where('padding_mode'));
    }
    if (t === 'LayerNorm') {
      const s = plain(m.args.normalized_shape);
      const dims = typeof s === 'number' ? [s] : s;
      if (Array.isArray(dims) && dims.every((d) => typeof d === 'number') && (dims.length > shape.length || dims.some((d, i) => d !== shape[shape.length - dims.length + i]))) {
        this.reportOnModule('channels', `${name}: normalized_shape is [${dims.join(', ')}] but its input ends in [${shape.slice(-dims.length).join(', ')}]. PyTorch: Given normalized_shape=[${dims.join(', ')}], expected input with shape [*, ${dims.join(', ')}], but got input of size[${[this.batch, ...shape].join(', ')}]`, where('normalized_shape'), [calledWith], { layer: name });
        return undefined;
      }
    }
    const layer = engineLayer(m, shape.length);
    if (typeof layer === 'string') {
      this.interp.note({ why: layer, span: m.calleeSpan });
      return undefined;
    }
    if (/^InstanceNorm\dd$/.test(t) && layer.args.groups !== C) {
      // PyTorch refuses the mismatch only with affine parameters (without, it normalises every channel).
      if (m.args.affine === true) {
        this.reportOnModule('channels', `${name}: num_features is ${int('num_features')} but its input has ${C} channels. PyTorch: weight should contain ${C} elements not ${int('num_features')}`, where('num_features'), [calledWith], { layer: name, pytorchArg: 'num_features', value: C });
        return undefined;
      }
      layer.args.groups = C;
    }
    return this.add(name, layer, [x], m.calleeSpan, m.site, m.argSpans, m);
  }

  private readonly noted = new Set<ModuleObj>();

  // ------------------------------------------------------------------ functions and methods

  /** `F.relu(x)`, `torch.cat([a, b], 1)`, `x.view(x.size(0), -1)`…: undefined when the name is not a tensor function. */
  call(fname: string, self: Tensor | undefined, args: Py[], kwargs: Map<string, Py>, site: CallSite): Py | undefined {
    const all = self ? [self, ...args] : args;
    const op = fname.split('.').pop()!;
    if (!all.length) return this.interp.lost(`${fname.replace(/^torch\.nn\.functional\./, 'F.')}() without a tensor`, site.span);
    const bind = (sig: string) => bindSignature(sig, all, kwargs);
    const input = all[0];
    const x = this.valueOf(input);
    const single = (kind: string, args: Record<string, unknown> = {}, from: Record<string, string> = {}) => this.functional(op, { kind, args, from }, input, site);
    switch (op) {
      case 'relu':
      case 'relu_':
      case 'relu6':
      case 'silu':
      case 'mish':
      case 'sigmoid':
      case 'tanh':
      case 'hardswish':
      case 'hardsigmoid':
        return single(op.replace(/_$/, ''));
      case 'gelu':
        return single('gelu');
      case 'layer_norm': {
        const b = bind('input normalized_shape weight=None bias=None eps=1e-05');
        if (!b) return undefined;
        if (!x) return this.passUnknown(input);
        const s = plain(b.normalized_shape);
        const dims = typeof s === 'number' ? [s] : s;
        const shape = x.shape!;
        if (!Array.isArray(dims) || !dims.length || dims.some((d) => typeof d !== 'number')) return this.interp.lost(`F.layer_norm over ${show(b.normalized_shape)}`, site.span);
        if (dims.length > shape.length || dims.some((d, i) => d !== shape[shape.length - dims.length + i])) {
          this.report('channels', `layer_norm: normalized_shape is [${dims.join(', ')}] but its input ends in [${shape.slice(-dims.length).join(', ')}]. PyTorch: Given normalized_shape=[${dims.join(', ')}], expected input with shape [*, ${dims.join(', ')}], but got input of size[${[this.batch, ...shape].join(', ')}]`, site.span);
          return this.tensor(undefined);
        }
        // The scale and shift are the calling module's parameters; without a scale there are none, which the engine's layer norm cannot say.
        if (b.weight === null) return this.interp.lost('F.layer_norm without a weight', site.span);
        return single('layernorm', { eps: b.eps, axis: -dims.length, bias: b.bias !== null });
      }
      case 'leaky_relu': {
        const b = bind('input negative_slope=0.01 inplace=False');
        return b && single('leaky_relu', { slope: b.negative_slope });
      }
      case 'softmax':
      case 'log_softmax': {
        const b = bind('input dim=None _stacklevel=3 dtype=None');
        if (!b || !x) return b ? this.passUnknown(input) : undefined;
        const axis = softmaxAxis(b.dim, x.shape!.length);
        return axis === undefined ? this.interp.lost(`${op} over dim ${show(b.dim)}`, site.span) : single(op, { axis });
      }
      case 'dropout':
      case 'dropout1d':
      case 'dropout2d':
      case 'dropout3d':
      case 'alpha_dropout': {
        const b = bind('input p=0.5 training=True inplace=False');
        if (!b) return undefined;
        // F.dropout(x, training=self.training): eval mode, an identity; the engine's dropout is one.
        return single('dropout', { p: b.p });
      }
      case 'max_pool1d':
      case 'max_pool2d':
      case 'max_pool3d':
      case 'avg_pool1d':
      case 'avg_pool2d':
      case 'avg_pool3d': {
        const max = op.startsWith('max');
        const b = bind(max ? 'input kernel_size stride=None padding=0 dilation=1 ceil_mode=False return_indices=False' : 'input kernel_size stride=None padding=0 ceil_mode=False count_include_pad=True divisor_override=None');
        if (!b) return undefined;
        if (b.return_indices === true || (b.divisor_override !== undefined && b.divisor_override !== null)) return this.interp.lost(`${fname} with ${b.return_indices === true ? 'return_indices' : 'divisor_override'}`, site.span);
        const stride = plain(b.stride);
        const args: Record<string, unknown> = { kernel: plain(b.kernel_size), padding: plain(b.padding), ceil_mode: b.ceil_mode };
        // F.max_pool2d(x, 2, stride=[]) — an empty stride means the kernel size, as None does.
        if (stride !== null && !(Array.isArray(stride) && stride.length === 0)) args.stride = stride;
        if (max) args.dilation = plain(b.dilation);
        else args.count_include_pad = b.count_include_pad;
        return this.rankChecked(op, rankFromName(op), input, site) ?? single(max ? 'maxpool' : 'avgpool', args);
      }
      case 'adaptive_avg_pool1d':
      case 'adaptive_avg_pool2d':
      case 'adaptive_avg_pool3d':
      case 'adaptive_max_pool1d':
      case 'adaptive_max_pool2d':
      case 'adaptive_max_pool3d': {
        const b = bind('input output_size return_indices=False');
        if (!b) return undefined;
        const r = rankFromName(op);
        const size = plain(b.output_size);
        return this.rankChecked(op, r, input, site) ?? single(op.includes('avg') ? 'adaptive_avgpool' : 'adaptive_maxpool', { size: Array.isArray(size) ? size : Array(r).fill(size) });
      }
      case 'interpolate':
      case 'upsample': {
        const b = bind('input size=None scale_factor=None mode=nearest align_corners=None recompute_scale_factor=None antialias=False');
        if (!b) return undefined;
        const layer = upsampleLayer(plain(b.size), plain(b.scale_factor), b.mode, b.align_corners === true, {});
        if (!layer) return this.interp.lost(`${fname} with mode=${show(b.mode)}`, site.span);
        if (plain(b.size) === undefined || plain(b.scale_factor) === undefined) return this.passUnknown(b.size) ?? this.interp.lost(`${fname} with a size ConvLens cannot follow`, site.span);
        return this.functional(op, layer, input, site);
      }
      case 'pad': {
        const b = bind('input pad mode=constant value=None');
        if (!b) return undefined;
        if (b.mode !== 'constant' || (b.value !== null && b.value !== 0)) return this.interp.lost(`${fname} with mode=${show(b.mode)}`, site.span);
        if (!x) return this.passUnknown(input);
        const spatial = x.shape!.length - 1;
        const pad = plain(b.pad);
        // F.pad pads the last axes first; a zero pair on the channel axis (Swin's channels-last pad) changes nothing.
        const pairs = padPairs(Array.isArray(pad) && pad.length === 2 * spatial + 2 && pad[2 * spatial] === 0 && pad[2 * spatial + 1] === 0 ? pad.slice(0, 2 * spatial) : pad, spatial);
        if (!pairs) {
          const why = Array.isArray(pad) && pad.length > 2 * spatial ? `pads ${pad.length / 2} axes of a tensor with ${spatial} spatial axes (padding the channel axis)` : '(negative or not whole)';
          return this.interp.lost(`${fname} with pad=${show(b.pad)} ${why}`, site.posSpans[1] ?? site.span);
        }
        return single('pad', { padding: pairs });
      }
      case 'cat':
      case 'concat':
      case 'concatenate': {
        const b = bind('tensors dim=0');
        if (!b) return undefined;
        const items = isObj(b.tensors) && (b.tensors.t === 'list' || b.tensors.t === 'tuple') ? b.tensors.items : undefined;
        if (!items) return this.passUnknown(b.tensors) ?? this.interp.lost(`torch.cat of ${typeName(b.tensors)}`, site.span);
        const values = items.map((i) => this.valueOf(i));
        if (values.some((v) => !v)) return this.tensor(undefined);
        const dim = b.dim;
        if (typeof dim !== 'number') return this.interp.lost(`torch.cat along ${show(dim)}`, site.span);
        const rank = values[0]!.shape!.length + 1;
        const d = dim < 0 ? dim + rank : dim;
        if (d === 0) return this.interp.lost('torch.cat along the batch axis', site.span);
        return this.tensor(this.add(this.opName('cat'), { kind: 'concat', args: { axis: d - 1 }, from: {} }, values as Value[], site.fnSpan, this.innerStatement(site), {}));
      }
      case 'add':
      case 'mul': {
        const b = bind('input other alpha=1');
        if (!b) return undefined;
        return this.binary(op === 'add' ? '+' : '*', b.input, b.other, site.span);
      }
      case 'flatten': {
        const b = bind('input start_dim=0 end_dim=-1');
        if (!b) return undefined;
        if (!x) return this.passUnknown(input);
        const rank = x.shape!.length + 1;
        const start = typeof b.start_dim === 'number' && b.start_dim < 0 ? b.start_dim + rank : b.start_dim;
        const end = typeof b.end_dim === 'number' && b.end_dim < 0 ? b.end_dim + rank : b.end_dim;
        if (start === 1 && end === rank - 1) return single('flatten');
        if (start === end) return input;
        // x.flatten(2): the axes after the channels into one (the batch axis stays).
        if (typeof start === 'number' && typeof end === 'number' && start > 1 && end > start && end < rank) {
          const s = x.shape!;
          return single('reshape', { shape: [...s.slice(0, start - 1), prod(s.slice(start - 1, end)), ...s.slice(end)] });
        }
        return this.interp.lost(`flatten from dim ${show(b.start_dim)} to ${show(b.end_dim)}${start === 0 ? ' (it merges the batch axis)' : ''}`, site.span);
      }
      case 'view':
      case 'reshape':
        if (!isTensor(self ?? all[0])) return this.passUnknown(all[0]);
        return this.reshape(op, self ?? (all[0] as Tensor), self ? args : args.slice(1), site);
      case 'transpose':
      case 'swapaxes':
      case 'permute':
        if (!isTensor(self ?? all[0])) return this.passUnknown(all[0]);
        return this.permute(op, self ?? (all[0] as Tensor), self ? args : args.slice(1), site);
      case 'mean':
      case 'amax': {
        const b = bind('input dim=None keepdim=False dtype=None');
        if (!b) return undefined;
        if (!x) return this.passUnknown(input);
        const rank = x.shape!.length + 1;
        const dims = (isObj(b.dim) && (b.dim.t === 'list' || b.dim.t === 'tuple') ? b.dim.items : [b.dim]).map((d) => (typeof d === 'number' && d < 0 ? d + rank : d));
        const spatial = Array.from({ length: rank - 2 }, (_, i) => i + 2);
        if (dims.length !== spatial.length || !spatial.every((d) => dims.includes(d))) return this.interp.lost(`${op} over dims ${show(b.dim)}`, site.span);
        const kind = op === 'mean' ? 'avg' : 'max';
        return b.keepdim === true ? single(`adaptive_${kind}pool`, { size: spatial.map(() => 1) }) : single(`global_${kind}pool`);
      }
      case 'chunk':
      case 'split': {
        const b = bind(op === 'chunk' ? 'input chunks dim=0' : 'input split_size_or_sections dim=0');
        if (!b) return undefined;
        if (!x) return this.passUnknown(input);
        if (b.dim !== 1 && b.dim !== -(x.shape!.length + 1) + 1) return this.interp.lost(`${op} along dim ${show(b.dim)}`, site.span);
        const C = x.shape![0];
        let sizes: number[];
        if (op === 'chunk') {
          const n = Number(b.chunks);
          const each = Math.ceil(C / n);
          sizes = [];
          for (let c = 0; c < C; c += each) sizes.push(Math.min(each, C - c));
        } else {
          const s = plain(b.split_size_or_sections);
          if (typeof s === 'number') {
            sizes = [];
            for (let c = 0; c < C; c += s) sizes.push(Math.min(s, C - c));
          } else if (Array.isArray(s) && s.every((v) => typeof v === 'number')) sizes = s as number[];
          else return this.interp.lost(`split by ${show(b.split_size_or_sections)}`, site.span);
        }
        const outs: Py[] = [];
        let start = 0;
        for (const n of sizes) {
          outs.push(this.tensor(this.add(this.opName(op), { kind: 'slice', args: { start, end: start + n }, from: {} }, [x], site.fnSpan, this.innerStatement(site), {})));
          start += n;
        }
        return tuple(outs);
      }
      case 'squeeze':
      case 'unsqueeze': {
        const b = bind('input dim=None');
        if (!b) return undefined;
        if (!x) return this.passUnknown(input);
        const shape = x.shape!;
        const rank = shape.length + 1 + (op === 'unsqueeze' ? 1 : 0);
        const d = typeof b.dim === 'number' && Number.isInteger(b.dim) && b.dim >= -rank && b.dim < rank ? (b.dim < 0 ? b.dim + rank : b.dim) : undefined;
        if (op === 'squeeze' && b.dim === null) {
          // squeeze() drops every axis of size 1, the batch axis too when the batch is 1.
          if (this.batch === 1) return this.interp.lost('squeeze() of a batch of one (it drops the batch axis)', site.span);
          const kept = shape.filter((n) => n !== 1);
          return kept.length === shape.length ? input : kept.length ? single('reshape', { shape: kept }) : this.interp.lost('squeeze() to a tensor of the batch axis alone', site.span);
        }
        if (d === undefined) return this.interp.lost(`${op}(${show(b.dim)})`, site.span);
        if (d === 0) return this.interp.lost(`${op} at the batch axis`, site.span);
        if (op === 'squeeze') {
          if (shape[d - 1] !== 1) return input;
          const kept = shape.filter((_, i) => i !== d - 1);
          return kept.length ? single('reshape', { shape: kept }) : this.interp.lost('squeeze to a tensor of the batch axis alone', site.span);
        }
        return single('reshape', { shape: [...shape.slice(0, d - 1), 1, ...shape.slice(d - 1)] });
      }
      case 'expand':
      case 'expand_as': {
        if (!x) return this.passUnknown(input);
        const target = op === 'expand_as' ? (isTensor(all[1]) ? all[1].v?.shape : undefined) : this.expandShape(x.shape!, all.slice(1));
        if (!target) return op === 'expand_as' ? this.passUnknown(all[1]) ?? this.interp.lost('expand_as of a value that is not a tensor', site.span) : this.interp.lost(`expand(${all.slice(1).map(show).join(', ')})`, site.span);
        const shape = x.shape!;
        if (target.length === shape.length && target.every((n, i) => n === shape[i])) return input;
        // Spatial axes of size 1 repeated (a squeeze-excite gate over the map): a nearest resize to the size.
        if (target.length === shape.length && target[0] === shape[0] && shape.length > 1 && shape.slice(1).every((n, i) => n === 1 || n === target[i + 1])) {
          return this.functional(op, { kind: 'upsample', args: { mode: 'nearest', align_corners: false, size: target.slice(1) }, from: {} }, input, site);
        }
        return this.interp.lost(`${op} from [${shape.join(', ')}] to [${target.join(', ')}]`, site.span);
      }
      case 'contiguous':
      case 'detach':
      case 'clone':
      case 'float':
      case 'to':
      case 'type_as':
      case 'cpu':
      case 'cuda':
        return input;
      case 'size': {
        const b = bind('input dim=None');
        if (!b || !x) return b ? this.passUnknown(input) : undefined;
        const sizes = this.shapeTuple(x);
        if (b.dim === null) return sizes;
        const rank = sizes.items.length;
        if (typeof b.dim !== 'number' || b.dim >= rank || b.dim < -rank) return this.interp.lost(`size(${show(b.dim)})`, site.span);
        return sizes.items[b.dim < 0 ? b.dim + rank : b.dim];
      }
      case 'dim':
        return x ? x.shape!.length + 1 : this.passUnknown(input);
    }
    return undefined;
  }

  /** x.expand(N, -1, H, W) or x.expand((N, C, H, W)): the target shape without the batch axis, or undefined. */
  private expandShape(shape: number[], args: Py[]): number[] | undefined {
    const dims = args.length === 1 && isObj(args[0]) && (args[0].t === 'tuple' || args[0].t === 'list') ? args[0].items : args;
    if (dims.length !== shape.length + 1) return undefined;
    const [n, ...rest] = dims;
    if (!((isObj(n) && n.t === 'batch') || n === -1 || n === this.batch)) return undefined;
    const out = rest.map((d, i) => (d === -1 ? shape[i] : d));
    return out.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1) ? (out as number[]) : undefined;
  }

  /** The shape as PyTorch gives it: (N, C, H, W), N symbolic. */
  shapeTuple(x: Value): PyTuple {
    return tuple([{ t: 'batch' }, ...x.shape!]);
  }

  private passUnknown(v: Py): Py | undefined {
    if (isUnknown(v)) return v;
    if (isTensor(v) && !v.v) return v;
    return undefined;
  }

  private innerStatement(site: CallSite): Span {
    const a = this.interp.active;
    return a[a.length - 1]?.stmt.span ?? site.span;
  }

  private rankChecked(op: string, spatial: number, input: Py, site: CallSite): Py | undefined {
    const x = this.valueOf(input);
    if (!x || x.shape!.length === spatial + 1) return undefined;
    this.report('rank', `${op} needs [N, C, ${spatialNames(spatial)}] input, but it gets [${[this.batch, ...x.shape!].join(', ')}].`, site.fnSpan);
    return this.tensor(undefined);
  }

  private functional(op: string, layer: EngineLayer, input: Py, site: CallSite): Py {
    if (!isTensor(input)) return isUnknown(input) ? input : this.interp.lost(`${op} of ${typeName(input)}`, site.span);
    if (!input.v) return input;
    const spans: Record<string, Span> = {};
    return this.tensor(this.add(this.opName(op), layer, [input.v], site.fnSpan, this.innerStatement(site), spans));
  }

  /** view / reshape: to [N, features] (a flatten); other shapes are not modelled. */
  private reshape(op: string, self: Tensor, args: Py[], site: CallSite): Py {
    const x = self.v;
    if (!x) return self;
    const dims = args.length === 1 && isObj(args[0]) && (args[0].t === 'tuple' || args[0].t === 'list') ? args[0].items : args;
    const features = prod(x.shape!);
    const written = dims.map((d) => (isObj(d) && d.t === 'batch' ? 'N' : show(d))).join(', ');
    if (dims.length === 2) {
      const [n, f] = dims;
      const nIsBatch = (isObj(n) && n.t === 'batch') || n === -1 || n === this.batch;
      if (nIsBatch && (f === -1 || f === features) && !(n === -1 && f === -1)) return this.functional('flatten', { kind: 'flatten', args: {}, from: {} }, self, site);
      if (nIsBatch && typeof f === 'number') {
        const total = this.batch * features;
        const message =
          n === -1 && total % f === 0
            ? `${op}(${written}): each sample has ${fmtShape(x.shape!)} = ${features} values, not ${f}; the -1 turns a batch of ${this.batch} into ${total / f} rows of ${f}, mixing samples.`
            : `${op}(${written}): each sample has ${fmtShape(x.shape!)} = ${features} values, not ${f}. PyTorch: shape '[${written.replace('N', String(this.batch))}]' is invalid for input of size ${total}`;
        this.report('viewShape', message, site.span, [], { features, factors: x.shape });
        return this.tensor(undefined);
      }
    }
    // Any other shape that keeps the batch axis first: the engine's reshape (ShuffleNet's channel shuffle).
    const [n, ...rest] = dims;
    const restIsPlain = rest.every((d) => typeof d === 'number' && Number.isInteger(d) && (d >= 1 || d === -1)) && rest.filter((d) => d === -1).length <= 1;
    const nIsBatch = (isObj(n) && n.t === 'batch') || n === this.batch || (n === -1 && !rest.includes(-1));
    if (nIsBatch && restIsPlain && rest.length) return this.functional(op, { kind: 'reshape', args: { shape: rest as number[] }, from: {} }, self, site);
    return this.interp.lost(`${op}(${written}), which does not keep the batch axis first`, site.span);
  }

  /** transpose / permute that keep the batch axis first: the engine's transpose. */
  private permute(op: string, x: Tensor, dims: Py[], site: CallSite): Py {
    const v = x.v;
    if (!v) return x;
    const rank = v.shape!.length + 1;
    const norm = (d: Py) => (typeof d === 'number' && Number.isInteger(d) && d >= -rank && d < rank ? (d < 0 ? d + rank : d) : undefined);
    let perm: Array<number | undefined>;
    if (op === 'transpose' || op === 'swapaxes') {
      const [a, b] = dims.map(norm);
      if (dims.length !== 2 || a === undefined || b === undefined) return this.interp.lost(`${op}(${dims.map(show).join(', ')})`, site.span);
      perm = Array.from({ length: rank }, (_, i) => (i === a ? b : i === b ? a : i));
    } else {
      const list = dims.length === 1 && isObj(dims[0]) && (dims[0].t === 'tuple' || dims[0].t === 'list') ? dims[0].items : dims;
      perm = list.map(norm);
      if (perm.length !== rank || perm.some((p) => p === undefined)) return this.interp.lost(`${op}(${list.map(show).join(', ')})`, site.span);
    }
    if (perm[0] !== 0) return this.interp.lost(`${op} that moves the batch axis`, site.span);
    if (perm.every((p, i) => p === i)) return x;
    return this.functional(op, { kind: 'transpose', args: { perm: perm.slice(1).map((p) => p! - 1) }, from: {} }, x, site);
  }

  // ------------------------------------------------------------------ operators

  /** `a + b`, `a * b` with tensors: add / mul layers; a tensor with a number keeps its shape and field. */
  binary(op: string, l: Py, r: Py, span: Span): Py | undefined {
    const base = op.replace(/=$/, '');
    if (isObj(l) && l.t === 'batch') return isTensor(r) ? undefined : { t: 'unknown', why: 'arithmetic on the batch size', span };
    if (isObj(r) && r.t === 'batch') return isTensor(l) ? undefined : { t: 'unknown', why: 'arithmetic on the batch size', span };
    const lt = isTensor(l);
    const rt = isTensor(r);
    if (!lt && !rt) return undefined;
    if ((lt && isConst(r)) || (rt && isConst(l))) return this.withConstant(base, lt ? (l as Tensor) : (r as Tensor), (lt ? r : l) as ConstTensor, lt, span);
    if (lt && rt) {
      if (!l.v || !r.v) return this.tensor(undefined);
      if (base === '+' || base === '*') {
        const kind = base === '+' ? 'add' : 'mul';
        const statement = this.interp.active[this.interp.active.length - 1]?.stmt.span ?? span;
        return this.tensor(this.add(this.opName(kind), { kind, args: {}, from: {} }, [l.v, r.v], span, statement, {}));
      }
      return this.interp.lost(`tensor ${base} tensor`, span);
    }
    const other = lt ? r : l;
    if (typeof other === 'number' && ['+', '-', '*', '/'].includes(base)) return lt ? l : r;
    return undefined;
  }

  /** Engine values of the parameters used in forward, once each (`features.1.0.layer_scale`). */
  private readonly parameters = new Map<string, Value | undefined>();

  /**
   * A tensor times (or plus) an nn.Parameter of shape [C, 1, 1] or [C, H, W] (ConvNeXt's layer
   * scale): the parameter is the engine's learned constant, then a broadcast mul / add. Other
   * constant tensors are not followed in forward.
   */
  private withConstant(op: string, t: Tensor, c: ConstTensor, tensorFirst: boolean, span: Span): Py {
    if (!t.v) return t;
    const shape = t.v.shape!;
    // A leading 1 is the batch axis broadcast (nn.Parameter(torch.zeros(1, C, 1, 1))).
    const own = c.shape.length === shape.length + 1 && c.shape[0] === 1 ? c.shape.slice(1) : c.shape;
    const [C, H, W] = own;
    const fits = own.length === 3 && shape.length === 3 && C === shape[0] && ((H === 1 && W === 1) || (H === shape[1] && W === shape[2]));
    if (!c.param || !c.owner || c.owner.path === undefined || (op !== '*' && op !== '+') || !fits) return this.interp.lost(`tensor ${op} a tensor of constants of shape [${c.shape.join(', ')}]`, span);
    const statement = this.interp.active[this.interp.active.length - 1]?.stmt.span ?? span;
    const name = c.owner.path ? `${c.owner.path}.${c.attr}` : c.attr!;
    if (!this.parameters.has(name)) {
      const mean = c.data ? c.data.reduce((a, b) => a + b, 0) / c.data.length : 0;
      this.parameters.set(name, this.add(name, { kind: 'parameter', args: { out: C, height: H, width: W, mean }, from: {} }, [t.v], span, statement, {}, c.owner));
    }
    const p = this.parameters.get(name);
    if (!p) return this.tensor(undefined);
    const kind = op === '*' ? 'mul' : 'add';
    return this.tensor(this.add(this.opName(kind), { kind, args: {}, from: {} }, tensorFirst ? [t.v, p] : [p, t.v], span, statement, {}));
  }

  /** `x[:, :c]`, `x[:, :, :-pad]`, `x[..., ::2]`: a strided_slice layer; indexing with integers (which drops an axis) is not modelled. */
  index(t: Tensor, items: Py[], span: Span): Py {
    const x = t.v;
    if (!x) return t;
    const shape = x.shape!;
    const rank = shape.length + 1;
    const lost = () => this.interp.lost(`indexing a tensor with [${items.map((i) => (isObj(i) && i.t === 'slice' ? sliceText(i) : isObj(i) && i.t === 'builtin' && i.name === 'Ellipsis' ? '...' : show(i))).join(', ')}]`, span);
    // Expand `...` and the missing trailing axes to full slices.
    const full: Py = { t: 'slice', lo: null, hi: null, step: null };
    const dots = items.findIndex((i) => isObj(i) && i.t === 'builtin' && i.name === 'Ellipsis');
    const dims = dots < 0 ? [...items] : [...items.slice(0, dots), ...Array(Math.max(0, rank - items.length + 1)).fill(full), ...items.slice(dots + 1)];
    while (dims.length < rank) dims.push(full);
    if (dims.length > rank) return lost();
    const axes: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    const steps: number[] = [];
    for (let d = 0; d < rank; d++) {
      const s = dims[d];
      if (!isObj(s) || s.t !== 'slice') return lost();
      const step = s.step === null ? 1 : s.step;
      if (typeof step !== 'number' || !Number.isInteger(step) || step < 1) return lost();
      if (d === 0) {
        if (s.lo !== null || s.hi !== null || step !== 1) return this.interp.lost('slicing the batch axis', span);
        continue;
      }
      const n = shape[d - 1];
      const norm = (v: Py, dflt: number) => (v === null ? dflt : typeof v === 'number' && Number.isInteger(v) ? Math.min(Math.max(v < 0 ? v + n : v, 0), n) : undefined);
      const lo = norm(s.lo, 0);
      const hi = norm(s.hi, n);
      if (lo === undefined || hi === undefined) return lost();
      if (lo === 0 && hi === n && step === 1) continue;
      axes.push(d - 1);
      starts.push(lo);
      ends.push(hi);
      steps.push(step);
    }
    if (!axes.length) return t;
    const statement = this.interp.active[this.interp.active.length - 1]?.stmt.span ?? span;
    // One engine layer for the whole subscript: channels and spatial axes, with steps (x[:, :c], x[:, :, :-pad], x[..., ::2]).
    return this.tensor(this.add(this.opName('getitem'), { kind: 'strided_slice', args: { axes, starts, ends, steps }, from: {} }, [x], span, statement, {}));
  }

  /** Attributes of tensors: shape, ndim; methods are bound for `call`. */
  attr(t: Tensor, name: string): Py | undefined {
    if (name === 'shape') return t.v ? this.shapeTuple(t.v) : { t: 'unknown', why: 'the shape of a tensor ConvLens could not follow', span: { start: 0, end: 0 } };
    if (name === 'ndim') return t.v ? t.v.shape!.length + 1 : undefined;
    if (name === 'device' || name === 'dtype') return { t: 'builtin', name: `torch.${name}` };
    return { t: 'builtin', name: `torch.Tensor.${name}`, self: t };
  }

  /** self.training: the model is analysed as in eval mode; said once, where it is first read. */
  training(span: Span): boolean {
    if (!this.trainingNoted) {
      this.trainingNoted = true;
      this.net.report('formatNote', 'self.training is taken as False: ConvLens analyses the model in eval mode (dropout off, batch norm with its running statistics).', this.at(span));
    }
    return false;
  }

  isModuleValue(v: Py): v is ModuleObj {
    return isModule(v);
  }
}

function rankFromName(op: string): number {
  return Number(/(\d)d$/.exec(op)?.[1] ?? 2);
}

function spatialNames(rank: number): string {
  return rank === 1 ? 'L' : rank === 2 ? 'H, W' : 'D, H, W';
}

function sliceText(s: { lo: Py; hi: Py; step: Py }): string {
  const p = (v: Py) => (v === null ? '' : show(v));
  return `${p(s.lo)}:${p(s.hi)}${s.step === null ? '' : `:${p(s.step)}`}`;
}

/** Binds arguments to a compact signature (`input dim=None keepdim=False`); undefined when they do not fit. */
export function bindSignature(sig: string, args: Py[], kwargs: Map<string, Py>): Record<string, Py> | undefined {
  const out: Record<string, Py> = {};
  const ps = sig.split(' ').map((w) => {
    const [name, d] = w.split('=');
    const value: Py | undefined = d === undefined ? undefined : d === 'None' ? null : d === 'True' ? true : d === 'False' ? false : /^-?[\d.]+$/.test(d) ? Number(d) : d;
    return { name, value };
  });
  if (args.length > ps.length) return undefined;
  args.forEach((a, i) => (out[ps[i].name] = a));
  for (const [k, v] of kwargs) {
    if (!ps.some((p) => p.name === k)) return undefined;
    out[k] = v;
  }
  for (const p of ps) {
    if (p.name in out) continue;
    if (p.value === undefined) return undefined;
    out[p.name] = p.value;
  }
  return out;
}

export type { Shape };
