// The building blocks Ultralytics' modules share (ultralytics/nn/modules/conv.py and block.py):
// Conv rows, Bottleneck, the C2f and C3 bodies, attention, same-size pooling. Each builds engine
// layers named after the PyTorch modules it stands for.
import type { Value } from '../../analyse/network';
import type { Scope } from './scope';
import { ArgError, boolArg, gcd, intArg, numberArg } from './spec';

/** A kernel size: one for both axes, or [height, width]. */
export type Kernel = number | [number, number];

/** Conv or DWConv from a row's constructor arguments [c1, c2, k, s, p, g, d, act] (DWConv: [c1, c2, k, s, d, act]). */
export function convRow(scope: Scope, x: Value, a: unknown[], depthwise = false): Value {
  const c1 = intArg(a, 0);
  const c2 = intArg(a, 1);
  if (depthwise) return scope.conv(x, c2, { k: intArg(a, 2, 1), s: intArg(a, 3, 1), g: gcd(c1, c2), d: intArg(a, 4, 1), act: boolArg(a, 5, true) });
  const p = a[4];
  if (p !== undefined && p !== null && (typeof p !== 'number' || !Number.isInteger(p))) throw new ArgError(4, `padding must be a whole number or None, got ${JSON.stringify(p)}`);
  return scope.conv(x, c2, { k: intArg(a, 2, 1), s: intArg(a, 3, 1), p: p as number | null | undefined, g: intArg(a, 5, 1), d: intArg(a, 6, 1), act: boolArg(a, 7, true) });
}

/** Bottleneck(c1, c2, shortcut, g, k=(k1, k2), e): two Convs, plus the input when shapes allow. */
export function bottleneck(scope: Scope, x: Value, c1: number, c2: number, shortcut: boolean, g: number, k: [Kernel, Kernel], e: number): Value {
  const c = Math.trunc(c2 * e);
  const y = scope.child('cv2').conv(scope.child('cv1').conv(x, c, { k: k[0] }), c2, { k: k[1], g });
  return residual(scope, x, y, shortcut && c1 === c2);
}

/** `x + y` when `add` (the module's own condition), else y. */
export function residual(scope: Scope, x: Value, y: Value, add: boolean, name = 'add'): Value {
  return add ? scope.layer(name, 'add', {}, [x, y]) : y;
}

/** torch.chunk(2, 1) of a map with `c` channels: the first half rounds up. */
export function halves(scope: Scope, y: Value, c: number, name = 'chunk'): [Value, Value] {
  const first = Math.ceil(c / 2);
  return [scope.layer(`${name}.0`, 'slice', { start: 0, end: first }, [y]), scope.layer(`${name}.1`, 'slice', { start: first, end: c }, [y])];
}

/** C2f's body: cv1 to 2c, split in halves, each block on the last part, all concatenated, cv2. */
export function c2fBody(scope: Scope, x: Value, c2: number, n: number, e: number, block: (s: Scope, y: Value, c: number) => Value): Value {
  const c = Math.trunc(c2 * e);
  const y = scope.child('cv1').conv(x, 2 * c);
  const parts = halves(scope, y, 2 * c);
  for (let i = 0; i < n; i++) parts.push(block(scope.child('m').child(i), parts[parts.length - 1], c));
  return scope.child('cv2').conv(scope.layer('cat', 'concat', { axis: 0 }, parts), c2);
}

/** C3's body: cv1 → the blocks, beside cv2 on the input; concatenated; cv3. */
export function c3Body(scope: Scope, x: Value, c2: number, n: number, e: number, block: (s: Scope, y: Value, c: number) => Value): Value {
  const c = Math.trunc(c2 * e);
  let y = scope.child('cv1').conv(x, c);
  for (let i = 0; i < n; i++) y = block(scope.child('m').child(i), y, c);
  const side = scope.child('cv2').conv(x, c);
  return scope.child('cv3').conv(scope.layer('cat', 'concat', { axis: 0 }, [y, side]), c2);
}

/** A C3-family row: (c1, c2, n, shortcut, g, e), with its own block. */
export function c3Row(scope: Scope, x: Value, a: unknown[], block: (s: Scope, y: Value, c: number, shortcut: boolean, g: number) => Value): Value {
  const [c2, n, shortcut, g, e] = [intArg(a, 1), intArg(a, 2, 1), boolArg(a, 3, true), intArg(a, 4, 1), numberArg(a, 5, 0.5)];
  return c3Body(scope, x, c2, n, e, (b, y, c) => block(b, y, c, shortcut, g));
}

/** Attention(dim, num_heads, attn_ratio = 0.5): qkv conv, attention over all positions + a depthwise positional conv on the values, proj. */
export function attention(scope: Scope, x: Value, dim: number, heads: number): Value {
  const headDim = Math.floor(dim / heads);
  const keyDim = Math.trunc(headDim * 0.5);
  const qkv = scope.child('qkv').conv(x, dim + 2 * keyDim * heads, { act: false });
  const attended = scope.layer('attend', 'attention', { heads, key_dim: keyDim }, [qkv]);
  const period = 2 * keyDim + headDim;
  const values = scope.layer('v', 'slice', { start: 2 * keyDim, end: period, period }, [qkv]);
  const pe = scope.child('pe').conv(values, dim, { k: 3, g: dim, act: false });
  return scope.child('proj').conv(scope.layer('add', 'add', {}, [attended, pe]), dim, { act: false });
}

/** PSABlock (and PSA's own body): x + attn(x), then + ffn (Conv to 2c, Conv back without activation). */
export function psaBlock(scope: Scope, x: Value, c: number, heads: number): Value {
  const y = scope.layer('add.0', 'add', {}, [x, attention(scope.child('attn'), x, c, heads)]);
  const f = scope.child('ffn').child(1).conv(scope.child('ffn').child(0).conv(y, 2 * c), c, { act: false });
  return scope.layer('add.1', 'add', {}, [y, f]);
}

/** The heads of PSA and C2PSA: (c1·e) // 64, which must be at least 1 (PyTorch divides by it). */
export function psaHeads(module: string, c1: number, c: number): number {
  const heads = Math.floor(c / 64);
  if (heads < 1) throw new ArgError(1, `${module} with ${c1} channels has ${c} per half: ${c} // 64 = 0 attention heads (PyTorch fails dividing by zero); it needs c1·e ≥ 64`);
  return heads;
}

/** Max pooling with stride 1 and padding k // 2: the size is kept. */
export function samePool(scope: Scope, name: string, x: Value, k: number): Value {
  return scope.layer(name, 'maxpool', { kernel: k, stride: 1, padding: Math.floor(k / 2) }, [x]);
}
