// Receptive fields, per spatial axis, towards the network input.
//
// The lecture's recurrence (r ← r + (K − 1)·j, start ← start − p₀·j, j ← j·s) describes a field
// that is one interval and the same for every output position. Dilation, strides larger than the
// kernel, transposed convolutions and upsampling break both assumptions, so the engine tracks the
// exact set of input positions instead: output o = m·period + r sees phases[r] + m·period·jump.
// For an ordinary CNN period = 1 and phases[0] is a single interval [start, start + r − 1], which
// is exactly the lecture's recurrence; holes appear as gaps between intervals.
import type { AxisField, FieldSummary, IntervalSet, Rational } from '../types';
import { ONE, div, equals, formatRational, gcd, lcm, mul, rational } from './rational';
import { bound, dilate, extent, first, holes, normalise, shift, union } from './intervals';

/** Periods beyond this are not tracked exactly (they need very unusual scale factors). */
export const MAX_PERIOD = 4096;

export class FieldTooComplex extends Error {}

/** What one layer reads along one axis: output o = m·period + r reads reads[r] + m·period·step. */
export interface AxisMap {
  period: number;
  /** Input positions per output step (stride s → s; transposed stride s → 1/s). */
  step: Rational;
  reads: number[][];
  /** Window taps as a progression (first, first + gap, …): lets huge kernels skip `reads`. */
  taps?: { first: number; count: number; gap: number };
}

/** Taps or bins beyond this are not listed one by one. */
const MAX_TAPS = 65536;

/** The network input: each position sees itself. */
export function identityField(): AxisField {
  return { jump: ONE, period: 1, phases: [[[0, 0]]] };
}

/** conv / pooling window: kernel k, stride s, dilation d, padding before p0. */
export function windowMap(k: number, s: number, d: number, p0: number): AxisMap {
  const taps = { first: -p0, count: k, gap: d };
  return { period: 1, step: rational(s), reads: [k <= MAX_TAPS ? Array.from({ length: k }, (_, t) => -p0 + t * d) : []], taps };
}

/** Transposed conv: output o receives input i when i·s − p0 + t·d = o. */
export function transposedMap(k: number, s: number, d: number, p0: number): AxisMap {
  if (s > MAX_PERIOD || k > MAX_TAPS) throw new FieldTooComplex(`a transposed convolution with stride ${s} and kernel ${k} is too large to track position by position`);
  const reads: number[][] = [];
  for (let r = 0; r < s; r++) {
    const list: number[] = [];
    for (let t = 0; t < k; t++) {
      const x = r + p0 - t * d;
      if (((x % s) + s) % s === 0) list.push(x / s);
    }
    reads.push(list);
  }
  return { period: s, step: rational(1, s), reads };
}

/**
 * Resampling with source index src(o) = (o·a + c)/b in exact arithmetic (a/b input positions per
 * output step): nearest reads floor(src); linear reads floor(src) and the next one unless src is
 * whole (its weight would be 0, so it does not reach the output).
 */
export function resampleMap(a: number, b: number, c: number, mode: 'nearest' | 'linear' | 'cubic'): AxisMap {
  const g = gcd(a, b);
  const period = b / g;
  if (period > MAX_PERIOD) throw new FieldTooComplex(`a resampling ratio of ${a}/${b} repeats only every ${period} positions`);
  const reads: number[][] = [];
  for (let r = 0; r < period; r++) {
    const numer = r * a + c;
    const fl = Math.floor(numer / b);
    const whole = numer - fl * b === 0;
    // (Cubic reads two pixels either side of the position; on a pixel its other weights are 0.)
    reads.push(mode === 'nearest' || whole ? [fl] : mode === 'cubic' ? [fl - 1, fl, fl + 1, fl + 2] : [fl, fl + 1]);
  }
  return { period, step: rational(a, b), reads };
}

/** Adaptive pooling from W to n bins: bin i covers [floor(i·W/n), ceil((i+1)·W/n) − 1]. */
export function adaptiveMap(W: number, n: number): AxisMap {
  const g = gcd(W, n);
  const period = n / g;
  if (period > MAX_PERIOD) throw new FieldTooComplex(`adaptive pooling ${W} → ${n} repeats only every ${period} bins`);
  const reads: number[][] = [];
  if (Math.ceil(W / n) + 1 > MAX_TAPS) throw new FieldTooComplex(`adaptive pooling bins of ${Math.ceil(W / n)} positions are too large to track position by position`);
  for (let r = 0; r < period; r++) {
    const lo = Math.floor((r * W) / n);
    const hi = Math.ceil(((r + 1) * W) / n) - 1;
    reads.push(Array.from({ length: hi - lo + 1 }, (_, i) => lo + i));
  }
  return { period, step: rational(W, n), reads };
}

/** The set of input positions output position o of `f` sees. */
export function fieldAt(f: AxisField, o: number): IntervalSet {
  const r = ((o % f.period) + f.period) % f.period;
  const m = (o - r) / f.period;
  const by = m * f.period * (f.jump.num / f.jump.den);
  return shift(f.phases[r], by);
}

/** Composes a layer's map with the field of its input: the field of the layer's output. */
export function applyMap(input: AxisField, map: AxisMap): AxisField {
  if (input.period === 1 && map.period === 1 && input.jump.den === 1 && map.step.den === 1) {
    // The everyday case (integer strides, no resampling): one phase, no bookkeeping.
    const J = input.jump.num;
    const phase = input.phases[0];
    if (map.taps && phase.length === 1 && map.taps.gap * J <= phase[0][1] - phase[0][0] + 1) {
      // Taps closer together than the field is wide: the result is one interval, however many taps.
      const { first: f0, count, gap } = map.taps;
      const set: IntervalSet = [[phase[0][0] + f0 * J, phase[0][1] + (f0 + (count - 1) * gap) * J]];
      return exact({ jump: { num: map.step.num * J, den: 1 }, period: 1, phases: [set], ...(input.approximate ? { approximate: true } : {}) });
    }
    if (map.taps && map.taps.count > MAX_TAPS) throw new FieldTooComplex(`a window of ${map.taps.count} taps with gaps is too large to track position by position`);
    const reads = map.reads[0];
    const offsets = new Array<number>(reads.length);
    for (let t = 0; t < reads.length; t++) offsets[t] = reads[t] * J;
    const bounded = bound(dilate(input.phases[0], offsets));
    return exact({ jump: { num: map.step.num * J, den: 1 }, period: 1, phases: [bounded.set], ...(bounded.approximate || input.approximate ? { approximate: true } : {}) });
  }
  const Pf = input.period;
  const { num: a, den: b } = map.step;
  // Smallest period P that is a multiple of the map's period and moves the input by whole periods.
  const P = lcm(map.period, (b * Pf) / gcd(a, b * Pf));
  if (P > MAX_PERIOD) throw new FieldTooComplex(`the field repeats only every ${P} positions`);
  const shiftPerMapPeriod = (map.period * a) / b; // integer by construction
  let approximate = input.approximate ?? false;
  const phases: IntervalSet[] = [];
  for (let r = 0; r < P; r++) {
    const rr = r % map.period;
    const base = ((r - rr) / map.period) * shiftPerMapPeriod;
    // Group reads by input phase so one dilate() call handles all taps of a phase.
    const byPhase = new Map<number, number[]>();
    for (const q0 of map.reads[rr]) {
      const q = q0 + base;
      const qr = ((q % Pf) + Pf) % Pf;
      const offset = ((q - qr) / Pf) * Pf * (input.jump.num / input.jump.den);
      const list = byPhase.get(qr);
      if (list) list.push(offset);
      else byPhase.set(qr, [offset]);
    }
    const parts: IntervalSet[] = [];
    for (const [qr, offsets] of byPhase) if (input.phases[qr].length) parts.push(dilate(input.phases[qr], offsets));
    const bounded = bound(parts.length === 1 ? parts[0] : union(...parts));
    approximate ||= bounded.approximate;
    phases.push(bounded.set);
  }
  return exact(compact({ jump: mul(map.step, input.jump), period: P, phases, approximate: approximate || undefined }));
}

/** Shrinks the period when the phases repeat with a shorter one (keeps numbers small). */
function compact(f: AxisField): AxisField {
  const jump = f.jump.num / f.jump.den;
  for (let p = 1; p < f.period; p++) {
    if (f.period % p) continue;
    const step = p * jump;
    if (!Number.isInteger(step)) continue;
    let ok = true;
    for (let r = 0; r + p < f.period && ok; r++) ok = sameSet(f.phases[r + p], shift(f.phases[r], step));
    if (ok) return { ...f, period: p, phases: f.phases.slice(0, p) };
  }
  return f;
}

function sameSet(a: IntervalSet, b: IntervalSet): boolean {
  return a.length === b.length && a.every((iv, i) => iv[0] === b[i][0] && iv[1] === b[i][1]);
}

/** Union of fields where paths meet (add, mul, concat). Jumps must agree; see `alignment`. */
export function unionFields(fields: AxisField[]): AxisField {
  const jump = fields[0].jump;
  const P = fields.reduce((p, f) => lcm(p, f.period), 1);
  if (P > MAX_PERIOD) throw new FieldTooComplex(`the merged field repeats only every ${P} positions`);
  const phases: IntervalSet[] = [];
  let approximate = false;
  for (let r = 0; r < P; r++) {
    const parts = fields.map((f) => fieldAt(f, r));
    const bounded = bound(normalise(parts.flat()));
    approximate ||= bounded.approximate || Boolean(fields.find((f) => f.approximate));
    phases.push(bounded.set);
  }
  return exact(compact({ jump, period: P, phases, approximate: approximate || undefined }));
}

/**
 * The field itself, if every position and the jump are exact integers: beyond 2^53 (a stride of
 * 1e15 compounded, or 1e308 read as a whole number) positions round, merge wrongly or become
 * infinite, and gaps of NaN cannot be bounded (the interval sets then grew threefold per layer).
 */
function exact(f: AxisField): AxisField {
  const safe = (x: number) => Math.abs(x) <= Number.MAX_SAFE_INTEGER;
  let ok = safe(f.jump.num) && safe(f.jump.den) && safe(f.jump.num * f.period);
  for (const phase of f.phases) if (phase.length) ok &&= safe(phase[0][0]) && safe(phase[phase.length - 1][1]);
  if (!ok) throw new FieldTooComplex('its positions go beyond 2^53 and cannot be tracked exactly');
  return f;
}

/** Centre of output 0's field, in input pixels (half-integers allowed). */
export function centre(f: AxisField): number {
  const set = f.phases[0];
  return set.length ? (first(set) + set[set.length - 1][1]) / 2 : NaN;
}

export function summarise(axes: AxisField[]): FieldSummary {
  return {
    size: axes.map((f) => Math.max(0, ...f.phases.map(extent))),
    jump: axes.map((f) => f.jump),
    start: axes.map((f) => (f.phases[0].length ? first(f.phases[0]) : firstNonEmpty(f))),
    holes: axes.map((f) => (f.phases[0].length ? holes(f.phases[0], first(f.phases[0])) : [])),
  };
}

function firstNonEmpty(f: AxisField): number {
  for (let r = 0; r < f.period; r++) if (f.phases[r].length) return first(f.phases[r]) - r * (f.jump.num / f.jump.den);
  return 0;
}

/** Whether merged branches look at the same place with the same step (else: misaligned). */
export function alignment(fields: AxisField[]): { sameJump: boolean; sameCentre: boolean } {
  const sameJump = fields.every((f) => equals(f.jump, fields[0].jump));
  const c0 = centre(fields[0]);
  const sameCentre = fields.every((f) => Math.abs(centre(f) - c0) < 1e-9 || Number.isNaN(centre(f)));
  return { sameJump, sameCentre };
}

/** `11×11 /4` style text: size per axis, then the jump when it is not 1. */
export function formatField(summary: FieldSummary): string {
  const size = summary.size.join('×');
  const jumps = summary.jump.map(formatRational);
  const jump = jumps.every((j) => j === jumps[0]) ? jumps[0] : jumps.join('×');
  return jump === '1' ? size : `${size} /${jump}`;
}

export { div as divRational };
