// The PyTorch reader against PyTorch itself: each model source of test/fixtures/pytorch/models
// (written in the styles people use) and torchvision's own model sources (built by their factory
// functions: resnet50, densenet121…) were instantiated and run by oracle.py with a forward hook on
// every module. The reader, never running Python, must give every torch.nn module's output shape
// at each of its calls, each parameterised module's parameters, the output and the total; and,
// for every other factory function of those files, the total.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, type Analysis } from '../../engine';
import { repoRoot } from '../oracle';

interface OracleModule {
  type: string;
  library: boolean;
  params: number;
  outputs: unknown[];
}
interface OracleModel {
  file: string;
  class: string;
  input: number[];
  output: number[];
  params: number;
  modules: Record<string, OracleModule>;
}

const fixtures = join(repoRoot, 'test', 'fixtures', 'pytorch');
/** torchvision's sources as installed by python3-torchvision when present, else the copies the tests commit. */
const INSTALLED = '/usr/lib/python3/dist-packages/torchvision/models';
const sourceOf = (file: string) => {
  const installed = file.startsWith('torchvision/') ? join(INSTALLED, file.slice('torchvision/'.length)) : undefined;
  return readFileSync(installed && existsSync(installed) ? installed : join(fixtures, file), 'utf8');
};
const oracle = JSON.parse(readFileSync(join(fixtures, 'oracle.json'), 'utf8')) as { models: OracleModel[]; totals: Record<string, { file: string; params: number }> };

/** Compares the analysis with PyTorch's hooks; returns the mismatches as readable lines. */
export function compareWithOracle(a: Analysis, want: OracleModel): string[] {
  const problems: string[] = [];
  const byName = new Map<string, typeof a.layers>();
  for (const l of a.layers) byName.set(l.name, [...(byName.get(l.name) ?? []), l]);
  for (const [name, m] of Object.entries(want.modules)) {
    if (!m.library || !m.outputs.length) continue;
    const layers = byName.get(name) ?? [];
    if (layers.length !== m.outputs.length) {
      problems.push(`${name} (${m.type}): ${layers.length} calls, PyTorch ${m.outputs.length}`);
      continue;
    }
    m.outputs.forEach((o, i) => {
      if (JSON.stringify(layers[i].shape) !== JSON.stringify(o)) problems.push(`${name} (${m.type}) call ${i}: [${layers[i].shape}] vs PyTorch [${o}]`);
    });
    if (m.params && layers[0].params !== m.params) problems.push(`${name} (${m.type}): ${layers[0].params} parameters vs PyTorch ${m.params}`);
  }
  if (a.totals.params !== want.params) problems.push(`total parameters ${a.totals.params} vs PyTorch ${want.params}`);
  const out = a.outputs[a.outputs.length - 1];
  if (JSON.stringify(out?.shape) !== JSON.stringify(want.output)) problems.push(`output [${out?.shape}] vs PyTorch [${want.output}]`);
  return problems;
}

describe('pytorch reader: model sources against PyTorch (oracle.py)', () => {
  for (const want of oracle.models) {
    it(`${want.file} ${want.class} at ${want.input.join('×')}: every module's shapes and parameters, the output and the total`, () => {
      const text = sourceOf(want.file);
      const a = check(text, { fileName: want.file, className: want.class, inputShape: want.file.startsWith('torchvision/') ? want.input : undefined });
      assert.equal(a.format, 'pytorch');
      const errors = a.findings.filter((f) => f.severity === 'error' || f.code === 'CL030');
      assert.deepEqual(errors.map((f) => `${f.code} ${f.message}`), [], 'no errors and nothing left unfollowed');
      assert.deepEqual(compareWithOracle(a, want), []);
      assert.equal(a.input?.join('x'), want.input.join('x'));
    });
  }
});

describe('pytorch reader: every factory function of those torchvision files, its total parameters (oracle.py)', () => {
  const builds = Object.entries(oracle.totals);
  it(`${builds.length} builds (resnet152, densenet201, efficientnet_b7, regnet_y_128gf, convnext_large, s3d…): the total as model.parameters() counts it`, () => {
    assert.ok(builds.length >= 70, `${builds.length} builds`);
    const wrong: string[] = [];
    for (const [name, want] of builds) {
      const a = check(sourceOf(want.file), { fileName: want.file, className: name });
      if (a.totals.params !== want.params) wrong.push(`${name}: ${a.totals.params} vs PyTorch ${want.params}`);
    }
    assert.deepEqual(wrong, []);
  });
});
