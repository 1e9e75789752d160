// The Ultralytics modules ConvLens reads, each expanded into engine layers exactly as its PyTorch
// definition computes (ultralytics/nn/modules: conv.py, block.py, head.py; the anchor-based head
// of ultralytics/yolov5 models/yolo.py). `role` says how parse_model treats the row's arguments.
// The YOLOv8/v5/11 modules are here; the families of later configs have their own files.
import type { Value } from '../../analyse/network';
import type { Scope } from './scope';
import { ArgError, boolArg, intArg, numberArg, type ModuleSpec } from './spec';
import { bottleneck, c2fBody, c3Body, c3Row, convRow, psaBlock, psaHeads, samePool } from './blocks';
import { GHOST_MODULES } from './ghost';
import { GELAN_MODULES } from './gelan';
import { V10_MODULES } from './v10';
import { HEAD_MODULES } from './heads';

export { ArgError, type ModelContext, type ModuleSpec, type Role } from './spec';
export { DFL_PARAMETERS } from './heads';

const CORE_MODULES: Record<string, ModuleSpec> = {
  Conv: {
    role: 'base',
    signature: 'Conv(c1, c2, k=1, s=1, p=None, g=1, d=1, act=True)',
    doc: 'Conv2d (no bias, padding k//2 unless given) → BatchNorm2d → SiLU.',
    build: (s, [x], a) => convRow(s, x, a),
  },
  DWConv: {
    role: 'base',
    signature: 'DWConv(c1, c2, k=1, s=1, d=1, act=True)',
    doc: 'Depthwise Conv: groups = gcd(c1, c2).',
    build: (s, [x], a) => convRow(s, x, a, true),
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
  C2: {
    role: 'repeat',
    signature: 'C2(c1, c2, n=1, shortcut=True, g=1, e=0.5)',
    doc: 'CSP with 2 convs (YOLOv8-p6 heads): cv1 to 2·c (c = c2·e), split in halves a and b, n Bottlenecks (3×3, 3×3) in a row on a, concatenated with b, cv2 to c2.',
    build: (s, [x], a) => {
      const [c2, n, shortcut, g, e] = [intArg(a, 1), intArg(a, 2, 1), boolArg(a, 3, true), intArg(a, 4, 1), numberArg(a, 5, 0.5)];
      const c = Math.trunc(c2 * e);
      const y = s.child('cv1').conv(x, 2 * c);
      let m = s.layer('chunk.0', 'slice', { start: 0, end: c }, [y]);
      const b = s.layer('chunk.1', 'slice', { start: c, end: 2 * c }, [y]);
      for (let i = 0; i < n; i++) m = bottleneck(s.child('m').child(i), m, c, c, shortcut, g, [3, 3], 1.0);
      return s.child('cv2').conv(s.layer('cat', 'concat', { axis: 0 }, [m, b]), c2);
    },
  },
  C3: {
    role: 'repeat',
    signature: 'C3(c1, c2, n=1, shortcut=True, g=1, e=0.5)',
    doc: 'CSP with 3 convs: cv1 → n Bottlenecks (1×1, 3×3), beside cv2; concatenated; cv3.',
    build: (s, [x], a) => c3Row(s, x, a, (b, y, c, shortcut, g) => bottleneck(b, y, c, c, shortcut, g, [1, 3], 1.0)),
  },
  C3x: {
    role: 'repeat',
    signature: 'C3x(c1, c2, n=1, shortcut=True, g=1, e=0.5)',
    doc: 'C3 whose Bottlenecks use cross kernels: a 1×3 Conv then a 3×1 Conv (padding 0×1, 1×0).',
    build: (s, [x], a) => c3Row(s, x, a, (b, y, c, shortcut, g) => bottleneck(b, y, c, c, shortcut, g, [[1, 3], [3, 1]], 1.0)),
  },
  C3k: {
    role: 'repeat',
    signature: 'C3k(c1, c2, n=1, shortcut=True, g=1, e=0.5, k=3)',
    doc: 'C3 whose Bottlenecks use k×k kernels.',
    build: (s, [x], a) => {
      const k = intArg(a, 6, 3);
      return c3Row(s, x, a, (b, y, c, shortcut, g) => bottleneck(b, y, c, c, shortcut, g, [k, k], 1.0));
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
      const heads = psaHeads('C2PSA', c1, c);
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
  Silence: {
    role: 'same',
    signature: 'Silence()',
    doc: 'Passes its input through (the first row of early YOLOv9 configs).',
    build: (s, [x]) => s.layer('', 'identity', {}, [x]),
  },
  ResNetLayer: {
    role: 'resnet',
    signature: 'ResNetLayer(c1, c2, s=1, is_first=False, n=1, e=4)',
    doc: 'ResNet stage (yolov8-cls-resnet): the stem (Conv 7×7 stride 2, max pool 3×3 stride 2) when is_first, else n ResNetBlocks (Conv 1×1, Conv 3×3 stride s, Conv 1×1 to e·c2 without activation, plus the input or a 1×1 Conv of it, then ReLU). Its arguments are passed as written.',
    build: (s, [x], a) => {
      const [c1, c2, st, first, n, e] = [intArg(a, 0), intArg(a, 1), intArg(a, 2, 1), boolArg(a, 3, false), intArg(a, 4, 1), intArg(a, 5, 4)];
      if (c1 !== x.shape![0]) throw new ArgError(0, `c1 = ${c1}, but the input has ${x.shape![0]} channels (parse_model passes ResNetLayer's arguments as written; PyTorch fails)`);
      const layer = s.child('layer');
      if (first) return layer.layer('1', 'maxpool', { kernel: 3, stride: 2, padding: 1 }, [layer.child(0).conv(x, c2, { k: 7, s: 2, p: 3 })]);
      let y = x;
      for (let i = 0; i < n; i++) y = resNetBlock(layer.child(i), y, i ? e * c2 : c1, c2, i ? 1 : st, e);
      return y;
    },
  },
  'nn.ConvTranspose2d': {
    role: 'base',
    signature: 'nn.ConvTranspose2d(c1, c2, k, s=1, p=0)',
    doc: 'A transposed convolution with bias (yolov6 heads).',
    build: (s, [x], a) => s.layer('', 'conv_transpose', { out: intArg(a, 1), kernel: intArg(a, 2), stride: intArg(a, 3, 1), padding: intArg(a, 4, 0), bias: true }, [x]),
  },
  ConvTranspose: {
    role: 'base',
    signature: 'ConvTranspose(c1, c2, k=2, s=2, p=0, bn=True, act=True)',
    doc: 'ConvTranspose2d (bias only without bn) → BatchNorm2d (when bn) → the Conv activation.',
    build: (s, [x], a) => {
      const bn = boolArg(a, 5, true);
      let y = s.layer('conv_transpose', 'conv_transpose', { out: intArg(a, 1), kernel: intArg(a, 2, 2), stride: intArg(a, 3, 2), padding: intArg(a, 4, 0), bias: !bn }, [x]);
      if (bn) y = s.layer('bn', 'batchnorm', { eps: 1e-3 }, [y]);
      else s.module('bn'); // nn.Identity
      if (!boolArg(a, 6, true)) {
        s.module('act');
        return y;
      }
      // ConvTranspose has its own default_act, SiLU: a file's `activation:` changes only Conv's.
      return s.layer('act', 'silu', {}, [y], undefined, 'ConvTranspose.default_act');
    },
  },
  'nn.BatchNorm2d': {
    role: 'batchnorm',
    signature: 'nn.BatchNorm2d(num_features)',
    doc: 'Batch normalisation (eps 1e-3, as Ultralytics initialises every BatchNorm2d).',
    build: (s, [x]) => s.layer('', 'batchnorm', { eps: 1e-3 }, [x]),
  },
};

/** ResNetBlock(c1, c2, s, e): Conv 1×1, Conv 3×3 (stride s, padding 1), Conv 1×1 to e·c2 (no activation), plus the shortcut, ReLU. */
function resNetBlock(scope: Scope, x: Value, c1: number, c2: number, s: number, e: number): Value {
  const c3 = e * c2;
  const y = scope.child('cv3').conv(scope.child('cv2').conv(scope.child('cv1').conv(x, c2), c2, { k: 3, s, p: 1 }), c3, { act: false });
  let shortcut = x;
  if (s !== 1 || c1 !== c3) shortcut = scope.child('shortcut').child(0).conv(x, c3, { s, act: false });
  else scope.module('shortcut'); // nn.Identity
  return scope.layer('relu', 'relu', {}, [scope.layer('add', 'add', {}, [y, shortcut])]);
}

export const MODULES: Record<string, ModuleSpec> = { ...CORE_MODULES, ...GHOST_MODULES, ...GELAN_MODULES, ...V10_MODULES, ...HEAD_MODULES };

/**
 * Modules of Ultralytics configs that ConvLens does not model (attention it has no kind for,
 * transformer decoders): a row using one is a located error naming why, and every figure that
 * depends on it is withheld.
 */
export const UNMODELLED: Record<string, string> = {
  C3TR: "C3TR's TransformerBlock (nn.MultiheadAttention over all positions, with a learned linear position embedding)",
  TransformerBlock: 'a transformer block (nn.MultiheadAttention)',
  AIFI: "RT-DETR's transformer encoder layer (AIFI)",
  RTDETRDecoder: "RT-DETR's transformer decoder",
  C2fAttn: "YOLO-World's text-guided attention (C2fAttn)",
  ImagePoolingAttn: "YOLO-World's image-pooling attention",
  WorldDetect: "YOLO-World's text-embedding head",
  A2C2f: "YOLOv12's area attention (A2C2f)",
};
