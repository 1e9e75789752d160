// Shared helpers for tests that check where a finding lands in a source text.
import * as assert from 'node:assert/strict';
import type { Analysis, Finding } from '../../../engine/types';

/** The 1-based line of an offset. */
export const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** The line of the first occurrence of `needle` (which must occur). */
export const lineWith = (text: string, needle: string) => {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `no ${needle}`);
  return lineOf(text, i);
};

/** The one finding with this code (the test fails, listing them all, when there is not exactly one). */
export const only = (a: Analysis, code: string): Finding => {
  const fs = a.findings.filter((f) => f.code === code);
  assert.equal(fs.length, 1, `one ${code}: ${a.findings.map((f) => `${f.code} ${f.message}`).join('\n')}`);
  return fs[0];
};
