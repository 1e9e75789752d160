// Shared helpers for the tests that analyse the example networks in examples/.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../oracle';
import type { Analysis, AxisField, Finding, LayerResult } from '../../../engine/types';

export const examplesDir = join(repoRoot, 'examples');

/** File names of every example network (`*.cnn.yaml` / `*.cnn.yml`), sorted. */
export function exampleFiles(): string[] {
  return readdirSync(examplesDir)
    .filter((f) => /\.cnn\.ya?ml$/.test(f))
    .sort();
}

export function readExample(file: string): string {
  return readFileSync(join(examplesDir, file), 'utf8');
}

export function errors(a: Analysis): Finding[] {
  return a.findings.filter((f) => f.severity === 'error');
}

export function describeFindings(fs: Finding[]): string {
  return fs.map((f) => `${f.code} ${f.severity}: ${f.message} @${f.span.start}`).join('\n');
}

/**
 * The layer a reference names: the layer of that exact name, or else the output of the block
 * instance / repeated entry of that name, i.e. the last layer whose name starts with `ref.`
 * (a block's output is its last layer; `name` of a repeated entry is its last instance).
 */
export function layerFor(a: Analysis, ref: string): LayerResult {
  const exact = a.layers.filter((l) => l.name === ref);
  if (exact.length === 1) return exact[0];
  if (exact.length > 1) throw new Error(`more than one layer is named ${ref}`);
  const inside = a.layers.filter((l) => l.name.startsWith(ref + '.'));
  if (inside.length === 0) {
    const names = a.layers.map((l) => l.name);
    throw new Error(`no layer named ${ref} (layers: ${names.slice(0, 40).join(', ')}${names.length > 40 ? ', …' : ''})`);
  }
  return inside.reduce((x, y) => (y.index > x.index ? y : x));
}

/**
 * The input positions output position `o` sees along one axis, from the AxisField
 * representation (types.ts): o = m·period + r sees phases[r] shifted by m·period·jump.
 * Written here independently of the engine's own fieldAt.
 */
export function positionsAt(f: AxisField, o: number): number[] {
  const P = f.period;
  const r = ((o % P) + P) % P;
  const m = (o - r) / P;
  const shiftNum = m * P * f.jump.num;
  if (shiftNum % f.jump.den !== 0) {
    throw new Error(`period ${P} × jump ${f.jump.num}/${f.jump.den} is not a whole number of input positions`);
  }
  const shift = shiftNum / f.jump.den;
  const out: number[] = [];
  for (const [lo, hi] of f.phases[r]) for (let x = lo; x <= hi; x++) out.push(x + shift);
  return out;
}
