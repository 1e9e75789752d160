// YOLOv9's modules as Ultralytics defines them (block.py: RepNCSPELAN4, ELAN1, AConv, ADown,
// SPPELAN, CBLinear, CBFuse; conv.py: RepConv), as trained: RepConv keeps its 3×3 and 1×1
// branches (fusing them into one conv is an inference-time rewrite).
import type { Value } from '../../analyse/network';
import type { Scope } from './scope';
import { ArgError, boolArg, intArg, intListArg, type ModuleSpec } from './spec';
import { c3Body, halves, residual, samePool } from './blocks';

/** RepConv(c1, c2, k=3, s=1, p=1, g=1, d=1, act=True, bn=False): 3×3 Conv-BN + 1×1 Conv-BN (+ BatchNorm of the input when bn, c1 = c2, s = 1), summed, SiLU. */
export function repConv(scope: Scope, x: Value, c1: number, c2: number, o: { k?: number; s?: number; p?: number; g?: number; act?: boolean; bn?: boolean } = {}): Value {
  const [k, s, p, g] = [o.k ?? 3, o.s ?? 1, o.p ?? 1, o.g ?? 1];
  if (k !== 3 || p !== 1) throw new ArgError(2, `RepConv needs k = 3 and p = 1 (Ultralytics asserts it); got k = ${k}, p = ${p}`);
  const branches = [scope.child('conv1').conv(x, c2, { k, s, p, g, act: false }), scope.child('conv2').conv(x, c2, { k: 1, s, p: p - Math.floor(k / 2), g, act: false })];
  if (o.bn && c1 === c2 && s === 1) branches.push(scope.layer('bn', 'batchnorm', { eps: 1e-3 }, [x]));
  const sum = scope.layer('add', 'add', {}, branches);
  // RepConv has its own default_act, SiLU: a file's `activation:` changes only Conv's.
  if (o.act === false) {
    scope.module('act'); // nn.Identity
    return sum;
  }
  return scope.layer('act', 'silu', {}, [sum], undefined, 'RepConv.default_act');
}

/** RepCSP(c1, c2, n): C3 whose blocks are RepBottlenecks (RepConv 3×3, Conv 3×3, residual). */
function repCsp(scope: Scope, x: Value, c2: number, n: number): Value {
  return c3Body(scope, x, c2, n, 0.5, (b, y, c) => residual(b, y, b.child('cv2').conv(repConv(b.child('cv1'), y, c, c), c, { k: 3 }), true));
}

/** RepNCSPELAN4 and ELAN1: cv1 to c3, split in halves, two stages each on the last part, the four concatenated, cv4. */
function elan(scope: Scope, x: Value, c2: number, c3: number, c4: number, stage: (s: Scope, y: Value) => Value): Value {
  const y = scope.child('cv1').conv(x, c3);
  const parts = halves(scope, y, c3);
  for (const name of ['cv2', 'cv3']) parts.push(stage(scope.child(name), parts[parts.length - 1]));
  return scope.child('cv4').conv(scope.layer('cat', 'concat', { axis: 0 }, parts), c2);
}

/** F.avg_pool2d(x, 2, 1, 0, False, True): a 2×2 mean at stride 1 (one pixel smaller). */
const avgPool2 = (scope: Scope, x: Value) => scope.layer('avg_pool2d', 'avgpool', { kernel: 2, stride: 1, padding: 0, ceil_mode: false, count_include_pad: true }, [x]);

function evenC3(c3: number): number {
  if (c3 % 2) throw new ArgError(2, `c3 = ${c3} is odd: cv1's output splits into ${Math.ceil(c3 / 2)} and ${Math.floor(c3 / 2)} channels, and cv2 expects c3 // 2 = ${Math.floor(c3 / 2)} (PyTorch fails)`);
  return c3;
}

export const GELAN_MODULES: Record<string, ModuleSpec> = {
  RepConv: {
    // parse_model has no rule for RepConv: its arguments are passed as written (c1 included,
    // nothing scaled) and the row is booked with its input's channels.
    role: 'same',
    signature: 'RepConv(c1, c2, k=3, s=1, p=1, g=1, d=1, act=True, bn=False)',
    doc: 'RepVGG block as trained: a 3×3 Conv and a 1×1 Conv (each with BatchNorm, no activation), plus a BatchNorm of the input when bn and c1 = c2 and s = 1, summed, then SiLU. As a row its arguments are passed as written: c1 must be the input’s channels.',
    build: (s, [x], a) => {
      const c1 = intArg(a, 0);
      if (c1 !== x.shape![0]) throw new ArgError(0, `c1 = ${c1}, but the input has ${x.shape![0]} channels (parse_model passes RepConv's arguments as written; PyTorch fails)`);
      return repConv(s, x, c1, intArg(a, 1), { k: intArg(a, 2, 3), s: intArg(a, 3, 1), p: intArg(a, 4, 1), g: intArg(a, 5, 1), act: boolArg(a, 7, true), bn: boolArg(a, 8, false) });
    },
  },
  RepNCSPELAN4: {
    role: 'base',
    signature: 'RepNCSPELAN4(c1, c2, c3, c4, n=1)',
    doc: 'GELAN block (YOLOv9): cv1 to c3, split in halves; cv2 = RepCSP(c3/2 → c4, n) + Conv 3×3 on the second half, cv3 = RepCSP(c4 → c4, n) + Conv 3×3 on that; the four concatenated, cv4 to c2. c3 and c4 are not scaled.',
    build: (s, [x], a) => {
      const [c2, c3, c4, n] = [intArg(a, 1), evenC3(intArg(a, 2)), intArg(a, 3), intArg(a, 4, 1)];
      return elan(s, x, c2, c3, c4, (st, y) => st.child(1).conv(repCsp(st.child(0), y, c4, n), c4, { k: 3 }));
    },
  },
  ELAN1: {
    role: 'base',
    signature: 'ELAN1(c1, c2, c3, c4)',
    doc: 'RepNCSPELAN4 with a plain 3×3 Conv for each stage (YOLOv9t/s).',
    build: (s, [x], a) => {
      const [c2, c3, c4] = [intArg(a, 1), evenC3(intArg(a, 2)), intArg(a, 3)];
      return elan(s, x, c2, c3, c4, (st, y) => st.conv(y, c4, { k: 3 }));
    },
  },
  AConv: {
    role: 'base',
    signature: 'AConv(c1, c2)',
    doc: 'Downsampling: a 2×2 average pool at stride 1, then a 3×3 Conv at stride 2 (padding 1).',
    build: (s, [x], a) => s.child('cv1').conv(avgPool2(s, x), intArg(a, 1), { k: 3, s: 2, p: 1 }),
  },
  ADown: {
    role: 'base',
    signature: 'ADown(c1, c2)',
    doc: 'Downsampling (YOLOv9): a 2×2 average pool at stride 1, split in halves; a 3×3 Conv at stride 2 on the first, a 3×3 max pool at stride 2 then a 1×1 Conv on the second, each to c2/2; concatenated.',
    build: (s, [x], a) => {
      const [c1, c2] = [intArg(a, 0), intArg(a, 1)];
      const c = Math.floor(c2 / 2);
      const [x1, x2] = halves(s, avgPool2(s, x), c1);
      const pooled = s.layer('max_pool2d', 'maxpool', { kernel: 3, stride: 2, padding: 1 }, [x2]);
      return s.layer('cat', 'concat', { axis: 0 }, [s.child('cv1').conv(x1, c, { k: 3, s: 2, p: 1 }), s.child('cv2').conv(pooled, c, { p: 0 })]);
    },
  },
  SPPELAN: {
    role: 'base',
    signature: 'SPPELAN(c1, c2, c3, k=5)',
    doc: 'SPP in ELAN form: cv1 to c3, three k×k max pools (stride 1) in a row, the four concatenated, cv5 to c2. c3 is not scaled.',
    build: (s, [x], a) => {
      const [c2, c3, k] = [intArg(a, 1), intArg(a, 2), intArg(a, 3, 5)];
      const ys = [s.child('cv1').conv(x, c3)];
      for (const name of ['cv2', 'cv3', 'cv4']) ys.push(samePool(s, name, ys[ys.length - 1], k));
      return s.child('cv5').conv(s.layer('cat', 'concat', { axis: 0 }, ys), c2);
    },
  },
  CBLinear: {
    role: 'cblinear',
    signature: 'CBLinear(c1, c2s, k=1, s=1, p=None, g=1)',
    doc: 'One nn.Conv2d (with bias) to sum(c2s) channels, split into maps of c2s channels each (YOLOv9e); CBFuse reads them.',
    build: (s, [x], a) => {
      const c2s = intListArg(a, 1, 1, 'a list of output channels');
      const [k, st, g] = [intArg(a, 2, 1), intArg(a, 3, 1), intArg(a, 5, 1)];
      const p = a[4] === undefined || a[4] === null ? Math.floor(k / 2) : intArg(a, 4);
      const total = c2s.reduce((n, c) => n + c, 0);
      const y = s.layer('conv', 'conv', { out: total, kernel: k, stride: st, padding: p, groups: g, bias: true }, [x]);
      let start = 0;
      return c2s.map((c, i) => {
        const part = s.layer(`split.${i}`, 'slice', { start, end: start + c }, [y]);
        start += c;
        return part;
      });
    },
  },
  CBFuse: {
    role: 'cbfuse',
    signature: 'CBFuse(idx)',
    doc: 'Sums maps of CBLinear rows (map idx[i] of the i-th row in `from`), each resized (nearest) to the last input, with the last input.',
    build: (s, _xs, a, _model, rows = []) => {
      const idx = intListArg(a, 0, 0, 'a list of map indexes, one per CBLinear row in `from`');
      const last = rows[rows.length - 1];
      if (!last || Array.isArray(last)) throw new ArgError(0, 'the last row in `from` of CBFuse must be one map (the one the others are resized to and added to)');
      if (idx.length < rows.length - 1) throw new ArgError(0, `CBFuse reads ${rows.length - 1} CBLinear rows but idx has ${idx.length} entries`);
      const size = last.shape!.slice(1);
      const resized = rows.slice(0, -1).map((r, i) => {
        const maps = Array.isArray(r) ? r : undefined;
        if (!maps) throw new ArgError(0, `input ${i + 1} of CBFuse is not a CBLinear row (CBFuse indexes the maps a CBLinear row splits into)`);
        const m = maps[idx[i]];
        if (!m) throw new ArgError(0, `idx[${i}] = ${idx[i]}: that CBLinear row has ${maps.length} maps`);
        // F.interpolate: a function, not a module (thop counts nothing for it; see native.ts).
        return s.layer(`interpolate.${i}`, 'upsample', { size, mode: 'nearest' }, [m]);
      });
      return s.layer('sum', 'add', {}, [...resized, last]);
    },
  },
};
