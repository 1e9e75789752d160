// Sets of integer positions kept as sorted, disjoint closed intervals. A receptive field is
// usually one interval; dilation or a stride larger than the kernel leaves holes, which show up
// here as gaps between intervals.
import type { IntervalSet } from '../types';

/** Bound on the intervals one set keeps: beyond it, the smallest gaps are filled (approximate). */
export const MAX_INTERVALS = 4096;

export function normalise(list: Array<[number, number]>): IntervalSet {
  if (list.length <= 1) return list.map(([a, b]) => [a, b]);
  const sorted = [...list].sort((x, y) => x[0] - y[0]);
  const out: IntervalSet = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export function union(...sets: IntervalSet[]): IntervalSet {
  return normalise(sets.flat());
}

export function shift(set: IntervalSet, by: number): IntervalSet {
  return set.map(([a, b]) => [a + by, b + by]);
}

/** Union of `set` shifted by each offset: a convolution's taps applied to its input's field. */
export function dilate(set: IntervalSet, offsets: number[]): IntervalSet {
  if (set.length === 1 && offsets.length > 0) {
    // Fast path for the common hole-free case: taps closer than the field width merge at once.
    const [lo, hi] = set[0];
    const width = hi - lo + 1;
    let ascending = true;
    for (let i = 1; i < offsets.length && ascending; i++) ascending = offsets[i] >= offsets[i - 1];
    const sorted = ascending ? offsets : [...offsets].sort((a, b) => a - b);
    let contiguous = true;
    for (let i = 1; i < sorted.length; i++) if (sorted[i] - sorted[i - 1] > width) contiguous = false;
    if (contiguous) return [[lo + sorted[0], hi + sorted[sorted.length - 1]]];
  }
  const parts: Array<[number, number]> = [];
  for (const o of offsets) for (const [a, b] of set) parts.push([a + o, b + o]);
  return normalise(parts);
}

export function first(set: IntervalSet): number {
  return set[0][0];
}

export function last(set: IntervalSet): number {
  return set[set.length - 1][1];
}

export function extent(set: IntervalSet): number {
  return set.length ? last(set) - first(set) + 1 : 0;
}

/** Positions inside [first, last] that are not in the set, as offsets from `origin`. */
export function holes(set: IntervalSet, origin: number, limit = 10000): number[] {
  const out: number[] = [];
  for (let i = 1; i < set.length && out.length < limit; i++) {
    for (let p = set[i - 1][1] + 1; p < set[i][0] && out.length < limit; p++) out.push(p - origin);
  }
  return out;
}

export function clip(set: IntervalSet, lo: number, hi: number): IntervalSet {
  const out: IntervalSet = [];
  for (const [a, b] of set) {
    const x = Math.max(a, lo);
    const y = Math.min(b, hi);
    if (x <= y) out.push([x, y]);
  }
  return out;
}

/** Keeps at most MAX_INTERVALS intervals by filling the smallest gaps; says if it had to. */
export function bound(set: IntervalSet): { set: IntervalSet; approximate: boolean } {
  if (set.length <= MAX_INTERVALS) return { set, approximate: false };
  const gaps = set.slice(1).map((iv, i) => iv[0] - set[i][1]).sort((a, b) => a - b);
  const threshold = gaps[set.length - MAX_INTERVALS];
  const out: IntervalSet = [[set[0][0], set[0][1]]];
  for (let i = 1; i < set.length; i++) {
    const lastIv = out[out.length - 1];
    if (set[i][0] - lastIv[1] <= threshold) lastIv[1] = set[i][1];
    else out.push([set[i][0], set[i][1]]);
  }
  return { set: out, approximate: true };
}
