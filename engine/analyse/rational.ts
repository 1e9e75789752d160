// Exact rational numbers for receptive-field jumps: a transposed convolution with stride 2
// halves the jump (1/2 input pixel per output step), which floats would only approximate.
import type { Rational } from '../types';

export function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

export function lcm(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : Math.abs((a / gcd(a, b)) * b);
}

export function rational(num: number, den = 1): Rational {
  if (den === 0) throw new RangeError('rational with zero denominator');
  if (den < 0) [num, den] = [-num, -den];
  const g = gcd(num, den) || 1;
  return { num: num / g, den: den / g };
}

export const ONE: Rational = { num: 1, den: 1 };

export const mul = (a: Rational, b: Rational): Rational => rational(a.num * b.num, a.den * b.den);
export const div = (a: Rational, b: Rational): Rational => rational(a.num * b.den, a.den * b.num);
export const equals = (a: Rational, b: Rational): boolean => a.num === b.num && a.den === b.den;
export const toNumber = (a: Rational): number => a.num / a.den;
export const isInteger = (a: Rational): boolean => a.den === 1;

/** `4`, or `1/2` when the jump is fractional. */
export function formatRational(a: Rational): string {
  return a.den === 1 ? String(a.num) : `${a.num}/${a.den}`;
}
