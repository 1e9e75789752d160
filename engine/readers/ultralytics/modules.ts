// The Ultralytics modules ConvLens reads, each expanded into engine layers exactly as its PyTorch
// definition computes (ultralytics/nn/modules: conv.py, block.py, head.py; the anchor-based head
// of ultralytics/yolov5 models/yolo.py). `role` says how parse_model treats the row's arguments.
import type { Value } from '../../analyse/network';
import { Scope } from './scope';

/**
 * How parse_model turns a row into constructor arguments:
 * - base: c1 = ch[f], c2 = args[0] scaled by the width → [c1, c2, ...args[1:]]
 * - repeat: base, and the row's repeats go inside the module as its n → [c1, c2, n, ...]
 * - concat: output channels = the sum of the inputs'
 * - detect: the list of input channels is appended to the arguments
 * - same: output channels = the input's (upsampling, identity)
 * - batchnorm: args = [ch[f]]
 */
export type Role = 'base' | 'repeat' | 'concat' | 'detect' | 'same' | 'batchnorm';

/** What a module needs beyond its arguments. */
export interface ModelContext {
  /** Detect's v8 classification branch (true until a C3k2 row turns it off, as parse_model does). */
  legacy: boolean;
  /** The file follows ultralytics/yolov5 (anchors, depth/width multiples). */
  v5: boolean;
}

export interface ModuleSpec {
  role: Role;
  /** The constructor's signature, for hover and completion. */
  signature: string;
  doc: string;
  /** One instance of the module on its inputs, with the arguments parse_model passes. */
  build(scope: Scope, inputs: Value[], args: unknown[], model: ModelContext): Value | Value[];
}

/** A constructor argument of the wrong type: reported at that argument of the row. */
export class ArgError extends Error {
  constructor(readonly index: number, message: string) {
    super(message);
  }
}

function intArg(args: unknown[], i: number, fallback?: number): number {
  const v = args[i] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ArgError(i, `argument ${i + 1} must be a whole number, got ${JSON.stringify(v ?? null)}`);
  return v;
}

function boolArg(args: unknown[], i: number, fallback: boolean): boolean {
  const v = args[i] ?? fallback;
  if (typeof v !== 'boolean') throw new ArgError(i, `argument ${i + 1} must be True or False, got ${JSON.stringify(v)}`);
  return v;
}

function numberArg(args: unknown[], i: number, fallback: number): number {
  const v = args[i] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgError(i, `argument ${i + 1} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);

function conv(scope: Scope, x: Value, a: unknown[], depthwise = false): Value {
  const c1 = intArg(a, 0);
  const c2 = intArg(a, 1);
  if (depthwise) return scope.conv(x, c2, { k: intArg(a, 2, 1), s: intArg(a, 3, 1), g: gcd(c1, c2), d: intArg(a, 4, 1), act: boolArg(a, 5, true) });
  const p = a[4];
  if (p !== undefined && p !== null && (typeof p !== 'number' || !Number.isInteger(p))) throw new ArgError(4, `padding must be a whole number or None, got ${JSON.stringify(p)}`);
  return scope.conv(x, c2, { k: intArg(a, 2, 1), s: intArg(a, 3, 1), p: p as number | null | undefined, g: intArg(a, 5, 1), d: intArg(a, 6, 1), act: boolArg(a, 7, true) });
}

/** Bottleneck(c1, c2, shortcut, g, k=(k1, k2), e): two Convs, plus the input when shapes allow. */
function bottleneck(scope: Scope, x: Value, c1: number, c2: number, shortcut: boolean, g: number, k: [number, number], e: number): Value {
  const c = Math.trunc(c2 * e);
  const y = scope.child('cv2').conv(scope.child('cv1').conv(x, c, { k: k[0] }), c2, { k: k[1], g });
  return shortcut && c1 === c2 ? scope.layer('add', 'add', {}, [x, y]) : y;
}

/** C2f's body: cv1 to 2c channels, split in halves, each block on the last part, all concatenated, cv2. */
function c2fBody(scope: Scope, x: Value, c2: number, n: number, e: number, block: (s: Scope, y: Value, c: number) => Value): Value {
  const c = Math.trunc(c2 * e);
  const y = scope.child('cv1').conv(x, 2 * c);
  const parts = [scope.layer('chunk.0', 'slice', { start: 0, end: c }, [y]), scope.layer('chunk.1', 'slice', { start: c, end: 2 * c }, [y])];
  for (let i = 0; i < n; i++) parts.push(block(scope.child('m').child(i), parts[parts.length - 1], c));
  return scope.child('cv2').conv(scope.layer('cat', 'concat', { axis: 0 }, parts), c2);
}

/** C3's body: cv1 → the blocks, beside cv2 on the input; concatenated; cv3. */
function c3Body(scope: Scope, x: Value, c2: number, n: number, e: number, block: (s: Scope, y: Value, c: number) => Value): Value {
  const c = Math.trunc(c2 * e);
  let y = scope.child('cv1').conv(x, c);
  for (let i = 0; i < n; i++) y = block(scope.child('m').child(i), y, c);
  const side = scope.child('cv2').conv(x, c);
  return scope.child('cv3').conv(scope.layer('cat', 'concat', { axis: 0 }, [y, side]), c2);
}

/** C3 or C3k as a row: (c1, c2, n, shortcut, g, e), Bottlenecks with kernels k. */
function c3Module(scope: Scope, x: Value, a: unknown[], k: [number, number]): Value {
  const [c2, n, shortcut, g, e] = [intArg(a, 1), intArg(a, 2, 1), boolArg(a, 3, true), intArg(a, 4, 1), numberArg(a, 5, 0.5)];
  return c3Body(scope, x, c2, n, e, (b, y, c) => bottleneck(b, y, c, c, shortcut, g, k, 1.0));
}

/** Attention(dim, num_heads, attn_ratio = 0.5): qkv conv, attention over all positions + a depthwise positional conv on the values, proj. */
function attention(scope: Scope, x: Value, dim: number, heads: number): Value {
  const headDim = Math.floor(dim / heads);
  const keyDim = Math.trunc(headDim * 0.5);
  const qkv = scope.child('qkv').conv(x, dim + 2 * keyDim * heads, { act: false });
  const attended = scope.layer('attend', 'attention', { heads, key_dim: keyDim }, [qkv]);
  const period = 2 * keyDim + headDim;
  const values = scope.layer('v', 'slice', { start: 2 * keyDim, end: period, period }, [qkv]);
  const pe = scope.child('pe').conv(values, dim, { k: 3, g: dim, act: false });
  return scope.child('proj').conv(scope.layer('add', 'add', {}, [attended, pe]), dim, { act: false });
}

function psaBlock(scope: Scope, x: Value, c: number, heads: number): Value {
  const y = scope.layer('add.0', 'add', {}, [x, attention(scope.child('attn'), x, c, heads)]);
  const f = scope.child('ffn').child(1).conv(scope.child('ffn').child(0).conv(y, 2 * c), c, { act: false });
  return scope.layer('add.1', 'add', {}, [y, f]);
}

/** Max pooling with stride 1 and padding k // 2: the size is kept. */
function samePool(scope: Scope, name: string, x: Value, k: number): Value {
  return scope.layer(name, 'maxpool', { kernel: k, stride: 1, padding: Math.floor(k / 2) }, [x]);
}

export const MODULES: Record<string, ModuleSpec> = {
  Conv: {
    role: 'base',
    signature: 'Conv(c1, c2, k=1, s=1, p=None, g=1, d=1, act=True)',
    doc: 'Conv2d (no bias, padding k//2 unless given) → BatchNorm2d → SiLU.',
    build: (s, [x], a) => conv(s, x, a),
  },
  DWConv: {
    role: 'base',
    signature: 'DWConv(c1, c2, k=1, s=1, d=1, act=True)',
    doc: 'Depthwise Conv: groups = gcd(c1, c2).',
    build: (s, [x], a) => conv(s, x, a, true),
  },
  Bottleneck: {
    role: 'base',
    signature: 'Bottleneck(c1, c2, shortcut=True, g=1, k=(3, 3), e=0.5)',
    doc: 'Two Convs (c2·e hidden channels), plus the input when c1 = c2 and shortcut.',
    build: (s, [x], a) => {
      const k = a[4];
      const ks: [number, number] = Array.isArray(k) && k.length === 2 && k.every((v) => Number.isInteger(v)) ? [k[0] as number, k[1] as number] : k === undefined ? [3, 3] : (() => { throw new ArgError(4, `k must be a pair of kernel sizes, got ${JSON.stringify(k)}`); })();
      return bottleneck(s, x, intArg(a, 0), intArg(a, 1), boolArg(a, 2, true), intArg(a, 3, 1), ks, numberArg(a, 5, 0.5));
    },
  },
  C2f: {
    role: 'repeat',
    signature: 'C2f(c1, c2, n=1, shortcut=False, g=1, e=0.5)',
    doc: 'CSP with 2 convs: cv1 to 2·c (c = c2·e), split in halves, n Bottlenecks (3×3, 3×3) each on the last part, all parts concatenated, cv2 to c2.',
    build: (s, [x], a) => {
      const [c2, n, shortcut, g, e] = [intArg(a, 1), intArg(a, 2, 1), boolArg(a, 3, false), intArg(a, 4, 1), numberArg(a, 5, 0.5)];
      return c2fBody(s, x, c2, n, e, (b, y, c) => bottleneck(b, y, c, c, shortcut, g, [3, 3], 1.0));
    },
  },
  C3: {
    role: 'repeat',
    signature: 'C3(c1, c2, n=1, shortcut=True, g=1, e=0.5)',
    doc: 'CSP with 3 convs: cv1 → n Bottlenecks (1×1, 3×3), beside cv2; concatenated; cv3.',
    build: (s, [x], a) => c3Module(s, x, a, [1, 3]),
  },
  C3k: {
    role: 'repeat',
    signature: 'C3k(c1, c2, n=1, shortcut=True, g=1, e=0.5, k=3)',
    doc: 'C3 whose Bottlenecks use k×k kernels.',
    build: (s, [x], a) => {
      const k = intArg(a, 6, 3);
      return c3Module(s, x, a, [k, k]);
    },
  },
  C3k2: {
    role: 'repeat',
    signature: 'C3k2(c1, c2, n=1, c3k=False, e=0.5, g=1, shortcut=True)',
    doc: 'C2f whose blocks are C3k (n=2) when c3k, else Bottlenecks (e=0.5). parse_model sets c3k for scales m, l and x.',
    build: (s, [x], a) => {
      const [c2, n, c3k, e, g, shortcut] = [intArg(a, 1), intArg(a, 2, 1), boolArg(a, 3, false), numberArg(a, 4, 0.5), intArg(a, 5, 1), boolArg(a, 6, true)];
      return c2fBody(s, x, c2, n, e, (b, y, c) =>
        c3k ? c3Body(b, y, c, 2, 0.5, (bb, yy, cc) => bottleneck(bb, yy, cc, cc, shortcut, g, [3, 3], 1.0)) : bottleneck(b, y, c, c, shortcut, g, [3, 3], 0.5),
      );
    },
  },
  SPPF: {
    role: 'base',
    signature: 'SPPF(c1, c2, k=5)',
    doc: 'Fast spatial pyramid pooling: cv1 to c1//2, the same k×k max pool (stride 1) three times in a row, the four concatenated, cv2 — equal to SPP with k, 2k−1, 3k−2.',
    build: (s, [x], a) => {
      const [c1, c2, k] = [intArg(a, 0), intArg(a, 1), intArg(a, 2, 5)];
      const ys = [s.child('cv1').conv(x, Math.floor(c1 / 2))];
      for (let i = 0; i < 3; i++) ys.push(samePool(s, i ? `m:${i + 1}` : 'm', ys[i], k));
      return s.child('cv2').conv(s.layer('cat', 'concat', { axis: 0 }, ys), c2);
    },
  },
  SPP: {
    role: 'base',
    signature: 'SPP(c1, c2, k=(5, 9, 13))',
    doc: 'Spatial pyramid pooling: cv1 to c1//2, max pools of each size (stride 1) side by side, concatenated with their input, cv2.',
    build: (s, [x], a) => {
      const [c1, c2] = [intArg(a, 0), intArg(a, 1)];
      const ks = a[2] ?? [5, 9, 13];
      if (!Array.isArray(ks) || !ks.every((k) => Number.isInteger(k) && (k as number) > 0)) throw new ArgError(2, `k must be a list of kernel sizes, got ${JSON.stringify(ks)}`);
      const y = s.child('cv1').conv(x, Math.floor(c1 / 2));
      const pooled = (ks as number[]).map((k, i) => samePool(s, `m.${i}`, y, k));
      return s.child('cv2').conv(s.layer('cat', 'concat', { axis: 0 }, [y, ...pooled]), c2);
    },
  },
  C2PSA: {
    role: 'repeat',
    signature: 'C2PSA(c1, c2, n=1, e=0.5)',
    doc: 'CSP around n position-sensitive attention blocks: cv1, split in halves, PSABlocks (attention over all positions, then a 2-conv feed-forward, both residual) on the second, concatenated, cv2. Heads: (c1·e) // 64.',
    build: (s, [x], a) => {
      const [c1, c2, n, e] = [intArg(a, 0), intArg(a, 1), intArg(a, 2, 1), numberArg(a, 3, 0.5)];
      if (c1 !== c2) throw new ArgError(1, `C2PSA needs c1 = c2 (Ultralytics asserts it); here c1 = ${c1}, c2 = ${c2}`);
      const c = Math.trunc(c1 * e);
      const heads = Math.floor(c / 64);
      if (heads < 1) throw new ArgError(1, `C2PSA with ${c1} channels has ${c} per half: ${c} // 64 = 0 attention heads (PyTorch fails dividing by zero); it needs c1·e ≥ 64`);
      const y = s.child('cv1').conv(x, 2 * c);
      let b = s.layer('split.1', 'slice', { start: c, end: 2 * c }, [y]);
      const keep = s.layer('split.0', 'slice', { start: 0, end: c }, [y]);
      for (let i = 0; i < n; i++) b = psaBlock(s.child('m').child(i), b, c, heads);
      return s.child('cv2').conv(s.layer('cat', 'concat', { axis: 0 }, [keep, b]), c1);
    },
  },
  Concat: {
    role: 'concat',
    signature: 'Concat(dimension=1)',
    doc: 'Concatenates the rows in `from` along channels.',
    build: (s, xs, a) => {
      const d = intArg(a, 0, 1);
      if (d !== 1) throw new ArgError(0, `ConvLens reads Concat along channels (dimension 1); got ${d}`);
      return s.layer('', 'concat', { axis: 0 }, xs);
    },
  },
  'nn.Upsample': {
    role: 'same',
    signature: 'nn.Upsample(size=None, scale_factor=None, mode="nearest")',
    doc: 'Upsampling by scale_factor (or to size), nearest by default.',
    build: (s, [x], a) => {
      const mode = a[2] ?? 'nearest';
      if (mode !== 'nearest' && mode !== 'bilinear') throw new ArgError(2, `ConvLens reads nearest and bilinear upsampling; got ${JSON.stringify(mode)}`);
      const args: Record<string, unknown> = { mode: mode === 'nearest' ? 'nearest' : 'linear' };
      if (a[0] !== undefined && a[0] !== null) args.size = a[0];
      else args.scale = numberArg(a, 1, 2);
      return s.layer('', 'upsample', args, [x]);
    },
  },
  'nn.Identity': {
    role: 'same',
    signature: 'nn.Identity()',
    doc: 'Passes its input through.',
    build: (s, [x]) => s.layer('', 'identity', {}, [x]),
  },
  'nn.BatchNorm2d': {
    role: 'batchnorm',
    signature: 'nn.BatchNorm2d(num_features)',
    doc: 'Batch normalisation (eps 1e-3, as Ultralytics initialises every BatchNorm2d).',
    build: (s, [x]) => s.layer('', 'batchnorm', { eps: 1e-3 }, [x]),
  },
  Detect: {
    role: 'detect',
    signature: 'Detect(nc=80, ch=())  ·  yolov5: Detect(nc, anchors, ch)',
    doc: 'Detection head. YOLOv8/11: per level, a box branch (2 Convs 3×3, then a 1×1 conv to 4·16 distribution bins) and a class branch (v8: 2 Convs 3×3; YOLO11: depthwise + pointwise twice) to nc, concatenated; the DFL (a fixed 16-weight conv) decodes boxes at inference. yolov5: one 1×1 conv per level to anchors·(nc + 5).',
    build: (s, xs, a, model) => {
      const nc = intArg(a, 0, 80);
      if (model.v5) {
        const anchors = a[1];
        const na = Array.isArray(anchors) && Array.isArray(anchors[0]) ? Math.floor((anchors[0] as unknown[]).length / 2) : typeof anchors === 'number' ? anchors : NaN;
        if (!Number.isInteger(na) || na < 1) throw new ArgError(1, `Detect needs the anchors (a list per level of width, height pairs, or a count); got ${JSON.stringify(anchors)}`);
        return xs.map((x, i) => s.conv2d(`m.${i}`, x, na * (nc + 5), 1));
      }
      const regMax = 16;
      const ch = xs.map((x) => x.shape![0]);
      const c2 = Math.max(16, Math.floor(ch[0] / 4), regMax * 4);
      const c3 = Math.max(ch[0], Math.min(nc, 100));
      return xs.map((x, i) => {
        const box = s.child('cv2').child(i);
        const b = box.conv2d('2', box.child(1).conv(box.child(0).conv(x, c2, { k: 3 }), c2, { k: 3 }), 4 * regMax, 1);
        const cls = s.child('cv3').child(i);
        let c: Value;
        if (model.legacy) c = cls.child(1).conv(cls.child(0).conv(x, c3, { k: 3 }), c3, { k: 3 });
        else {
          const first = cls.child(0);
          const second = cls.child(1);
          const y = first.child(1).conv(first.child(0).conv(x, ch[i], { k: 3, g: ch[i] }), c3);
          c = second.child(1).conv(second.child(0).conv(y, c3, { k: 3, g: c3 }), c3);
        }
        return s.layer(`cat.${i}`, 'concat', { axis: 0 }, [b, cls.conv2d('2', c, nc, 1)]);
      });
    },
  },
};

/** The DFL's fixed 1×1 conv weights (reg_max = 16 bins): parameters no trained layer uses. */
export const DFL_PARAMETERS = 16;
