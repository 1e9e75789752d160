// YOLOv10's modules as Ultralytics defines them (block.py: SCDown, RepVGGDW, CIB, C2fCIB, PSA).
import type { Value } from '../../analyse/network';
import type { Scope } from './scope';
import { ArgError, boolArg, intArg, numberArg, type ModuleSpec } from './spec';
import { c2fBody, psaBlock, psaHeads, residual } from './blocks';

/** RepVGGDW(ed): a 7×7 and a 3×3 depthwise Conv (no activation) summed, then its own nn.SiLU. */
function repVggDw(scope: Scope, x: Value, c: number): Value {
  const sum = scope.layer('add', 'add', {}, [scope.child('conv').conv(x, c, { k: 7, p: 3, g: c, act: false }), scope.child('conv1').conv(x, c, { k: 3, p: 1, g: c, act: false })]);
  return scope.layer('act', 'silu', {}, [sum]);
}

/** CIB(c1, c2, shortcut, e, lk): depthwise 3×3, pointwise to 2c_, depthwise 3×3 (lk: RepVGGDW), pointwise to c2, depthwise 3×3; residual when c1 = c2. */
function cib(scope: Scope, x: Value, c1: number, c2: number, shortcut: boolean, e: number, lk: boolean): Value {
  const c = Math.trunc(c2 * e);
  const seq = scope.child('cv1');
  let y = seq.child(0).conv(x, c1, { k: 3, g: c1 });
  y = seq.child(1).conv(y, 2 * c);
  y = lk ? repVggDw(seq.child(2), y, 2 * c) : seq.child(2).conv(y, 2 * c, { k: 3, g: 2 * c });
  y = seq.child(3).conv(y, c2);
  y = seq.child(4).conv(y, c2, { k: 3, g: c2 });
  return residual(scope, x, y, shortcut && c1 === c2);
}

export const V10_MODULES: Record<string, ModuleSpec> = {
  SCDown: {
    role: 'base',
    signature: 'SCDown(c1, c2, k, s)',
    doc: 'Spatial-channel decoupled downsampling: a 1×1 Conv to c2, then a k×k depthwise Conv at stride s (no activation).',
    build: (s, [x], a) => {
      const [c2, k, st] = [intArg(a, 1), intArg(a, 2), intArg(a, 3)];
      return s.child('cv2').conv(s.child('cv1').conv(x, c2), c2, { k, s: st, g: c2, act: false });
    },
  },
  C2fCIB: {
    role: 'repeat',
    signature: 'C2fCIB(c1, c2, n=1, shortcut=False, lk=False, g=1, e=0.5)',
    doc: 'C2f whose blocks are compact inverted blocks (CIB: depthwise and pointwise Convs; with lk, a 7×7 + 3×3 depthwise RepVGGDW in the middle).',
    build: (s, [x], a) => {
      const [c2, n, shortcut, lk, e] = [intArg(a, 1), intArg(a, 2, 1), boolArg(a, 3, false), boolArg(a, 4, false), numberArg(a, 6, 0.5)];
      intArg(a, 5, 1); // g: C2fCIB passes it to C2f, whose Bottlenecks it replaces
      return c2fBody(s, x, c2, n, e, (b, y, c) => cib(b, y, c, c, shortcut, 1.0, lk));
    },
  },
  PSA: {
    role: 'base',
    signature: 'PSA(c1, c2, e=0.5)',
    doc: 'Position-sensitive attention (YOLOv10): cv1, split in halves; on the second, attention over all positions then a 2-conv feed-forward, both residual; concatenated, cv2. Heads: (c1·e) // 64.',
    build: (s, [x], a) => {
      const [c1, c2, e] = [intArg(a, 0), intArg(a, 1), numberArg(a, 2, 0.5)];
      if (c1 !== c2) throw new ArgError(1, `PSA needs c1 = c2 (Ultralytics asserts it); here c1 = ${c1}, c2 = ${c2}`);
      const c = Math.trunc(c1 * e);
      const heads = psaHeads('PSA', c1, c);
      const y = s.child('cv1').conv(x, 2 * c);
      const keep = s.layer('split.0', 'slice', { start: 0, end: c }, [y]);
      const b = psaBlock(s, s.layer('split.1', 'slice', { start: c, end: 2 * c }, [y]), c, heads);
      return s.child('cv2').conv(s.layer('cat', 'concat', { axis: 0 }, [keep, b]), c1);
    },
  },
};
