// The heads of Ultralytics' configs (head.py): Detect (YOLOv8/11, and yolov5's anchor-based
// one), its task variants Segment (with Proto), Pose and OBB, YOLOv10's v10Detect, and Classify.
// A detection head's outputs are its levels first (one per input), then, per task, the extra
// maps: Segment's mask coefficients per level and the prototypes, Pose's keypoints per level,
// OBB's angles per level, v10Detect's one-to-one levels.
import type { Value } from '../../analyse/network';
import type { Scope } from './scope';
import { ArgError, intArg, type ModuleSpec } from './spec';

/** The DFL's fixed 1×1 conv weights (reg_max = 16 bins): parameters no trained layer uses. */
export const DFL_PARAMETERS = 16;
const REG_MAX = 16;

/** Detect's two branches per level, box (cv2) and class (cv3), concatenated. `light`: YOLO11's and YOLOv10's depthwise class branch. */
function detectLevels(s: Scope, xs: Value[], nc: number, light: boolean, names = { box: 'cv2', cls: 'cv3', cat: 'cat' }): Value[] {
  const ch = xs.map((x) => x.shape![0]);
  const c2 = Math.max(16, Math.floor(ch[0] / 4), REG_MAX * 4);
  const c3 = Math.max(ch[0], Math.min(nc, 100));
  return xs.map((x, i) => {
    // v10Detect's one2one branches are deep copies: each has its own copy of the shared activation.
    const copied = (name: string) => (name.startsWith('one2one') ? s.child(name).deepCopy() : s.child(name));
    const box = copied(names.box).child(i);
    const b = box.conv2d('2', box.child(1).conv(box.child(0).conv(x, c2, { k: 3 }), c2, { k: 3 }), 4 * REG_MAX, 1);
    const cls = copied(names.cls).child(i);
    let c: Value;
    if (!light) c = cls.child(1).conv(cls.child(0).conv(x, c3, { k: 3 }), c3, { k: 3 });
    else {
      const first = cls.child(0);
      const second = cls.child(1);
      const y = first.child(1).conv(first.child(0).conv(x, ch[i], { k: 3, g: ch[i] }), c3);
      c = second.child(1).conv(second.child(0).conv(y, c3, { k: 3, g: c3 }), c3);
    }
    return s.layer(`${names.cat}.${i}`, 'concat', { axis: 0 }, [b, cls.conv2d('2', c, nc, 1)]);
  });
}

/** cv4 of Segment, Pose and OBB: per level Conv 3×3, Conv 3×3 to c4 = max(ch[0] // 4, out), nn.Conv2d 1×1 to out. */
function extraBranch(s: Scope, xs: Value[], out: number): Value[] {
  const c4 = Math.max(Math.floor(xs[0].shape![0] / 4), out);
  return xs.map((x, i) => {
    const b = s.child('cv4').child(i);
    return b.conv2d('2', b.child(1).conv(b.child(0).conv(x, c4, { k: 3 }), c4, { k: 3 }), out, 1);
  });
}

/** The DFL module and its fixed conv: parameters (read.ts adds them) and modules, no engine layer (it decodes boxes after the maps). */
function dfl(s: Scope, outputs: Value[]): Value[] {
  s.module('dfl.conv');
  return outputs;
}

/** yolov5's anchors argument: a list per level of width, height pairs, or a count per level. */
function anchorsPerLevel(a: unknown[]): number {
  const anchors = a[1];
  const na = Array.isArray(anchors) && Array.isArray(anchors[0]) ? Math.floor((anchors[0] as unknown[]).length / 2) : typeof anchors === 'number' ? anchors : NaN;
  if (!Number.isInteger(na) || na < 1) throw new ArgError(1, `the anchors must be a list per level of width, height pairs, or a count; got ${JSON.stringify(anchors)}`);
  return na;
}

const positive = (a: unknown[], i: number, fallback: number, what: string) => {
  const v = intArg(a, i, fallback);
  if (v < 1) throw new ArgError(i, `${what} must be at least 1, got ${v}`);
  return v;
};

function noV5(module: string, v5: boolean): void {
  if (v5) throw new ArgError(0, `ConvLens reads ${module} in Ultralytics configs (with \`scales\`), not yolov5's anchor-based heads`);
}

export const HEAD_MODULES: Record<string, ModuleSpec> = {
  Detect: {
    role: 'detect',
    head: true,
    signature: 'Detect(nc=80, ch=())  ·  yolov5: Detect(nc, anchors, ch)',
    doc: 'Detection head. YOLOv8/11: per level, a box branch (2 Convs 3×3, then a 1×1 conv to 4·16 distribution bins) and a class branch (v8: 2 Convs 3×3; YOLO11: depthwise + pointwise twice) to nc, concatenated; the DFL (a fixed 16-weight conv) decodes boxes at inference. yolov5: one 1×1 conv per level to anchors·(nc + 5).',
    build: (s, xs, a, model) => {
      const nc = intArg(a, 0, 80);
      if (model.v5) return xs.map((x, i) => s.conv2d(`m.${i}`, x, anchorsPerLevel(a) * (nc + 5), 1));
      return dfl(s, detectLevels(s, xs, nc, !model.legacy));
    },
  },
  Segment: {
    role: 'detect',
    head: true,
    signature: 'Segment(nc=80, nm=32, npr=256, ch=())  ·  yolov5: Segment(nc, anchors, nm, npr, ch)',
    doc: 'Instance segmentation head: Detect, plus per level a branch (2 Convs 3×3, 1×1 conv) to nm mask coefficients, and Proto on the first level: Conv 3×3 to npr (scaled by the width), a 2×2 stride-2 ConvTranspose2d, Conv 3×3, Conv 1×1 to nm prototypes at twice the first level’s size.',
    build: (s, xs, a, model) => {
      if (model.v5) {
        // yolov5's: one 1×1 conv per level to anchors·(5 + nc + nm); Proto upsamples with nn.Upsample.
        const [nc, nm, npr] = [positive(a, 0, 80, 'nc'), positive(a, 2, 32, 'nm'), positive(a, 3, 256, 'npr')];
        const levels = xs.map((x, i) => s.conv2d(`m.${i}`, x, anchorsPerLevel(a) * (5 + nc + nm), 1));
        const p = s.child('proto');
        const up = p.layer('upsample', 'upsample', { scale: 2, mode: 'nearest' }, [p.child('cv1').conv(xs[0], npr, { k: 3 })]);
        return [...levels, p.child('cv3').conv(p.child('cv2').conv(up, npr, { k: 3 }), nm)];
      }
      const [nc, nm, npr] = [positive(a, 0, 80, 'nc'), positive(a, 1, 32, 'nm'), positive(a, 2, 256, 'npr')];
      const levels = detectLevels(s, xs, nc, !model.legacy);
      const masks = extraBranch(s, xs, nm);
      const p = s.child('proto');
      const up = p.layer('upsample', 'conv_transpose', { out: npr, kernel: 2, stride: 2, padding: 0, bias: true }, [p.child('cv1').conv(xs[0], npr, { k: 3 })]);
      return dfl(s, [...levels, ...masks, p.child('cv3').conv(p.child('cv2').conv(up, npr, { k: 3 }), nm)]);
    },
  },
  Pose: {
    role: 'detect',
    head: true,
    signature: 'Pose(nc=80, kpt_shape=(17, 3), ch=())',
    doc: 'Pose head: Detect, plus per level a branch (2 Convs 3×3, 1×1 conv) to kpt_shape[0]·kpt_shape[1] keypoint values.',
    build: (s, xs, a, model) => {
      noV5('Pose', model.v5);
      const nc = positive(a, 0, 80, 'nc');
      const kpt = a[1] ?? [17, 3];
      if (!Array.isArray(kpt) || kpt.length !== 2 || !kpt.every((v) => Number.isInteger(v) && (v as number) >= 1)) throw new ArgError(1, `kpt_shape must be [keypoints, values per keypoint], e.g. [17, 3]; got ${JSON.stringify(kpt)}`);
      return dfl(s, [...detectLevels(s, xs, nc, !model.legacy), ...extraBranch(s, xs, (kpt[0] as number) * (kpt[1] as number))]);
    },
  },
  OBB: {
    role: 'detect',
    head: true,
    signature: 'OBB(nc=80, ne=1, ch=())',
    doc: 'Oriented-box head: Detect, plus per level a branch (2 Convs 3×3, 1×1 conv) to ne angle values.',
    build: (s, xs, a, model) => {
      noV5('OBB', model.v5);
      const [nc, ne] = [positive(a, 0, 80, 'nc'), positive(a, 1, 1, 'ne')];
      return dfl(s, [...detectLevels(s, xs, nc, !model.legacy), ...extraBranch(s, xs, ne)]);
    },
  },
  v10Detect: {
    role: 'detect',
    head: true,
    signature: 'v10Detect(nc=80, ch=())',
    doc: 'YOLOv10 head: Detect’s box branch and a light class branch (depthwise + pointwise Convs twice), once for one-to-many training (cv2, cv3) and once more for one-to-one, NMS-free inference (one2one_cv2, one2one_cv3); both run, the DFL decodes the one-to-one boxes.',
    build: (s, xs, a, model) => {
      noV5('v10Detect', model.v5);
      const nc = positive(a, 0, 80, 'nc');
      return dfl(s, [...detectLevels(s, xs, nc, true), ...detectLevels(s, xs, nc, true, { box: 'one2one_cv2', cls: 'one2one_cv3', cat: 'one2one_cat' })]);
    },
  },
  Classify: {
    role: 'base',
    signature: 'Classify(c1, c2, k=1, s=1, p=None, g=1)',
    doc: 'Classification head: Conv to 1280 channels, global average pool, dropout (p = 0), Linear to c2 classes; softmax at inference.',
    build: (s, [x], a) => {
      const [c2, k, st, g] = [intArg(a, 1), intArg(a, 2, 1), intArg(a, 3, 1), intArg(a, 5, 1)];
      const p = a[4] === undefined || a[4] === null ? undefined : intArg(a, 4);
      const pooled = s.layer('pool', 'adaptive_avgpool', { size: [1, 1] }, [s.child('conv').conv(x, 1280, { k, s: st, p, g })]);
      const flat = s.layer('flatten', 'flatten', {}, [pooled]);
      const logits = s.child('linear').layer('', 'linear', { out: c2 }, [s.layer('drop', 'dropout', { p: 0 }, [flat])]);
      return s.layer('softmax', 'softmax', { axis: 0 }, [logits]);
    },
  },
};
