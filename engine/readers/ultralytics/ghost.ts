// GhostNet's modules as Ultralytics defines them (conv.py GhostConv, block.py GhostBottleneck and
// C3Ghost; the yolov8-ghost configs): half the channels from a real conv, the other half from a
// cheap 5×5 depthwise conv of that half.
import type { Value } from '../../analyse/network';
import type { Scope } from './scope';
import { boolArg, intArg, type ModuleSpec } from './spec';
import { c3Row, residual } from './blocks';

/** GhostConv(c1, c2, k, s, g, act): cv1 to c2//2, cv2 = 5×5 depthwise Conv of it, both concatenated. */
export function ghostConv(scope: Scope, x: Value, c2: number, k = 1, s = 1, g = 1, act = true): Value {
  const c = Math.floor(c2 / 2);
  const y = scope.child('cv1').conv(x, c, { k, s, g, act });
  return scope.layer('cat', 'concat', { axis: 0 }, [y, scope.child('cv2').conv(y, c, { k: 5, g: c, act })]);
}

/** GhostBottleneck(c1, c2, k, s): GhostConv → (stride 2: depthwise k×k Conv) → GhostConv, plus the shortcut (stride 2: depthwise Conv, 1×1 Conv). */
export function ghostBottleneck(scope: Scope, x: Value, c1: number, c2: number, k: number, s: number): Value {
  const c = Math.floor(c2 / 2);
  const conv = scope.child('conv');
  let y = ghostConv(conv.child(0), x, c);
  if (s === 2) y = conv.child(1).conv(y, c, { k, s, g: c, act: false });
  else conv.module('1'); // nn.Identity
  y = ghostConv(conv.child(2), y, c2, 1, 1, 1, false);
  let shortcut = x;
  if (s === 2) {
    const sc = scope.child('shortcut');
    shortcut = sc.child(1).conv(sc.child(0).conv(x, c1, { k, s, g: c1, act: false }), c2, { act: false });
  } else scope.module('shortcut'); // nn.Identity
  return residual(scope, y, shortcut, true);
}

export const GHOST_MODULES: Record<string, ModuleSpec> = {
  GhostConv: {
    role: 'base',
    signature: 'GhostConv(c1, c2, k=1, s=1, g=1, act=True)',
    doc: 'Ghost convolution: a Conv (k×k, stride s) to c2/2 channels, a 5×5 depthwise Conv of those, both concatenated.',
    build: (s, [x], a) => ghostConv(s, x, intArg(a, 1), intArg(a, 2, 1), intArg(a, 3, 1), intArg(a, 4, 1), boolArg(a, 5, true)),
  },
  GhostBottleneck: {
    role: 'base',
    signature: 'GhostBottleneck(c1, c2, k=3, s=1)',
    doc: 'GhostConv to c2/2, a k×k depthwise Conv when s = 2, GhostConv to c2 (no activation); added to the input (s = 2: to a depthwise k×k Conv and a 1×1 Conv of it).',
    build: (s, [x], a) => ghostBottleneck(s, x, intArg(a, 0), intArg(a, 1), intArg(a, 2, 3), intArg(a, 3, 1)),
  },
  C3Ghost: {
    role: 'repeat',
    signature: 'C3Ghost(c1, c2, n=1, shortcut=True, g=1, e=0.5)',
    doc: 'C3 whose blocks are GhostBottlenecks (3×3, stride 1).',
    build: (s, [x], a) => c3Row(s, x, a, (b, y, c) => ghostBottleneck(b, y, c, c, 3, 1)),
  },
};
