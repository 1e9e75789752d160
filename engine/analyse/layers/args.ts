// Reading a layer's arguments as PyTorch would accept them, with the messages it gives when not:
// whole numbers, per-axis lists, padding in every form the format allows, bias and fixed weights.
import type { Shape } from '../../types';
import { KINDS } from '../../kinds';
import { LayerError } from './layerError';

export const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);
export const fmtShape = (s: Shape) => s.join('×');

export class Args {
  constructor(readonly kind: string, readonly values: Record<string, unknown>) {}
  has(name: string) {
    return this.values[name] !== undefined && this.values[name] !== null;
  }
  raw(name: string): unknown {
    const v = this.values[name];
    return v === undefined ? KINDS[this.kind]?.args[name]?.default : v;
  }
  int(name: string, min = 1): number {
    const v = this.raw(name);
    if (v === undefined || v === null) throw new LayerError('schema', `${this.kind} needs \`${name}\`.`, name);
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new LayerError('badValue', `\`${name}\` must be a whole number, got ${show(v)}.`, name);
    if (v < min) throw new LayerError('badValue', `\`${name}\` must be at least ${min}, got ${v}.`, name);
    return v;
  }
  number(name: string): number {
    const v = this.raw(name);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new LayerError('badValue', `\`${name}\` must be a number, got ${show(v)}.`, name);
    return v;
  }
  bool(name: string): boolean {
    const v = this.raw(name);
    if (typeof v !== 'boolean') throw new LayerError('badValue', `\`${name}\` must be true or false, got ${show(v)}.`, name);
    return v;
  }
  axes(name: string, rank: number, min = 1): number[] {
    const v = this.raw(name);
    if (v === undefined || v === null) throw new LayerError('schema', `${this.kind} needs \`${name}\`.`, name);
    const list = Array.isArray(v) ? v : Array(rank).fill(v);
    if (Array.isArray(v) && v.length !== rank) {
      throw new LayerError('badValue', `\`${name}\` has ${v.length} values but the tensor has ${rank} spatial ${rank === 1 ? 'axis' : 'axes'}.`, name);
    }
    for (const x of list) {
      if (typeof x !== 'number' || !Number.isInteger(x)) throw new LayerError('badValue', `\`${name}\` must be whole numbers, got ${show(v)}.`, name);
      if (x < min) {
        const pool = this.kind === 'maxpool' || this.kind === 'avgpool' || this.kind === 'lppool';
        const msg = name === 'stride' && x <= 0 ? (pool && x === 0 ? 'stride should not be zero' : 'non-positive stride is not supported') : `\`${name}\` must be at least ${min}, got ${x}`;
        throw new LayerError('badValue', `${msg} (${name}: ${show(v)}).`, name);
      }
    }
    return list as number[];
  }
}

export function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
}
/**
 * Padding as [before, after] per axis. `same` follows FORMAT.md (TensorFlow's rule, which for
 * stride 1 is exactly PyTorch's 'same'): total = max((⌈W/s⌉ − 1)·s + K − W, 0), ⌊total/2⌋ before.
 */
export function resolvePadding(args: Args, name: string, spatial: number[], K: number[], s: number[], allowCausal: boolean): { pairs: Array<[number, number]>; mode: string } {
  const v = args.raw(name);
  const rank = spatial.length;
  if (v === 'valid') return { pairs: spatial.map(() => [0, 0]), mode: 'valid' };
  if (v === 'same') {
    return {
      pairs: spatial.map((W, i) => {
        const total = Math.max((Math.ceil(W / s[i]) - 1) * s[i] + K[i] - W, 0);
        return [Math.floor(total / 2), total - Math.floor(total / 2)];
      }),
      mode: 'same',
    };
  }
  if (v === 'causal') {
    if (!allowCausal) throw new LayerError('badValue', `padding 'causal' is for 1-D sequences only; this tensor has ${rank} spatial axes.`, name);
    return { pairs: [[K[0] - 1, 0]], mode: 'causal' };
  }
  if (typeof v === 'string') throw new LayerError('badValue', `Invalid padding string: '${v}' (use an integer, a list, [before, after] pairs, valid, same or causal).`, name);
  const pairOf = (x: unknown): [number, number] => {
    if (typeof x === 'number') return [x, x];
    if (Array.isArray(x) && x.length === 2 && x.every((y) => typeof y === 'number')) return [x[0], x[1]];
    throw new LayerError('badValue', `\`${name}\` entries must be integers or [before, after] pairs, got ${show(x)}.`, name);
  };
  let pairs: Array<[number, number]>;
  if (typeof v === 'number') pairs = spatial.map(() => [v, v]);
  else if (Array.isArray(v)) {
    if (v.length !== rank) throw new LayerError('badValue', `\`${name}\` has ${v.length} entries but the tensor has ${rank} spatial ${rank === 1 ? 'axis' : 'axes'}.`, name);
    pairs = v.map(pairOf);
  } else throw new LayerError('badValue', `\`${name}\` must be an integer, a list, [before, after] pairs, valid, same or causal; got ${show(v)}.`, name);
  for (const [a, b] of pairs) {
    if (!Number.isInteger(a) || !Number.isInteger(b)) throw new LayerError('badValue', `\`${name}\` must be whole numbers, got ${show(v)}.`, name);
    if (a < 0 || b < 0) throw new LayerError('badValue', `negative padding is not supported (${name}: ${show(v)}).`, name);
  }
  return { pairs, mode: 'explicit' };
}

export function spatialOf(kind: string, input: Shape): { C: number; spatial: number[] } {
  if (input.length < 2) {
    throw new LayerError('rank', `${kind} needs a tensor with spatial axes [C, …], but its input is [${input.join(', ')}] (after flatten or global pooling?).`);
  }
  return { C: input[0], spatial: input.slice(1) };
}

/** Whole-tensor weights check: `weights` must have exactly the PyTorch layout's shape. */
export function checkWeights(args: Args, expected: number[], what: string, torch?: { groups: number; input: Shape; transposed: boolean }): void {
  if (!args.has('weights')) return;
  const got = nestedShape(args.raw('weights'));
  if (!got || got.length !== expected.length || got.some((n, i) => n !== expected[i])) {
    // PyTorch's own words when the weights expect a different number of input channels.
    const inDim = torch?.transposed ? 0 : 1;
    const onlyChannels = got && torch && got.length === expected.length && got.every((n, i) => i === inDim || n === expected[i]);
    const expectC = onlyChannels ? (torch!.transposed ? got![0] : got![1] * torch!.groups) : 0;
    const pt = onlyChannels
      ? ` PyTorch: Given ${torch!.transposed ? 'transposed=1' : `groups=${torch!.groups}`}, weight of size [${got!.join(', ')}], expected input[1, ${torch!.input.join(', ')}] to have ${expectC} channels, but got ${torch!.input[0]} channels instead`
      : '';
    throw new LayerError('weightsShape', `weights have shape [${got ? got.join(', ') : 'ragged'}] but ${what} needs [${expected.join(', ')}].${pt}`, 'weights', { expected, got, ...(onlyChannels ? { channels: expectC } : {}) });
  }
}

export function checkBias(args: Args, n: number): boolean {
  const b = args.raw('bias');
  if (Array.isArray(b)) {
    if (b.length !== n || b.some((x) => typeof x !== 'number')) throw new LayerError('weightsShape', `bias has ${b.length} values but the layer has ${n} outputs.`, 'bias');
    return true;
  }
  if (typeof b !== 'boolean') throw new LayerError('badValue', `\`bias\` must be true, false or a list of values, got ${show(b)}.`, 'bias');
  return b;
}

export function nestedShape(v: unknown): number[] | undefined {
  if (typeof v === 'number') return [];
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const inner = v.map(nestedShape);
  const first = inner[0];
  if (!first || inner.some((s) => !s || s.length !== first.length || s.some((n, i) => n !== first[i]))) return undefined;
  return [v.length, ...first];
}
