// The darknet reader against PyTorch: every case of test/fixtures/darknet/darknet.json (written by
// oracle.py from PyTorch modules built by hand after darknet's C code) at two input sizes. The
// engine must give each section's shape and the parameter and buffer counts; the kernels, run
// with the fixture's weights, each section's values.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, type Analysis } from '../../engine';
import { mish, tensor } from '../../kernels';
import { execute } from '../../kernels/runtime/execute';
import { repoRoot } from '../oracle';

interface Data {
  shape: number[];
  data: number[];
}
interface OracleCase {
  case: string;
  cfg: string;
  input: Data;
  weights: Array<{ weight: unknown; bias: number[] | null }>;
  sections: Data[];
  params: number;
  buffers: number;
}

const fixture = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'darknet', 'darknet.json'), 'utf8')) as { cases: OracleCase[]; mish: { x: number[]; y: number[] } };

const close = (got: ArrayLike<number>, want: number[], what: string) => {
  assert.equal(got.length, want.length, `${what}: ${got.length} values, PyTorch ${want.length}`);
  want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= 1e-4 * Math.max(1, Math.abs(w)), `${what}[${i}]: ${got[i]} vs PyTorch ${w}`));
};

/** The engine layer whose output is each section's output: its last layer, or (yolo, region, cost) the section before's. */
function sectionOutputs(a: Analysis): string[] {
  const names: string[] = [];
  let current = 'input';
  for (const e of a.entries.slice(1)) {
    if (e.layers.length) current = a.layers[e.layers[e.layers.length - 1]].name;
    names.push(current);
  }
  return names;
}

describe('darknet sections against PyTorch (test/fixtures/darknet/darknet.json)', () => {
  it('covers every section kind the reader runs, at two sizes each', () => {
    const kinds = new Set<string>();
    for (const c of fixture.cases) for (const e of check(c.cfg, { format: 'darknet' }).entries) kinds.add(e.kind);
    assert.deepEqual([...kinds].sort(), ['activation', 'avgpool', 'batchnorm', 'connected', 'control_channels', 'convolutional', 'dropout', 'implicit', 'implicit_add', 'implicit_mul', 'local_avgpool', 'maxpool', 'net', 'region', 'reorg', 'reorg3d', 'route', 'sam', 'scale_channels', 'shift_channels', 'shortcut', 'softmax', 'upsample', 'yolo']);
    const perCase = new Map<string, number>();
    for (const c of fixture.cases) perCase.set(c.case, (perCase.get(c.case) ?? 0) + 1);
    assert.ok([...perCase.values()].every((n) => n === 2));
  });

  for (const c of fixture.cases) {
    const label = `${c.case} at ${c.input.shape.join('×')}`;
    it(`${label}: section shapes, parameters and buffers`, () => {
      const a = check(c.cfg, { format: 'darknet' });
      // (Info and hint findings are expected on some: CL205 on 3/2 pools, CL303 on these tiny classifiers, CL014.)
      assert.deepEqual(a.findings.filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => `${f.code} ${f.message}`), []);
      assert.deepEqual(a.entries.slice(1).map((e) => e.shape), c.sections.map((s) => s.shape));
      assert.equal(a.totals.params, c.params);
      assert.equal(a.totals.buffers, c.buffers);
    });
    it(`${label}: section values (kernels with PyTorch's weights)`, () => {
      const a = check(c.cfg, { format: 'darknet' });
      const weighted = a.layers.filter((l) => l.kind === 'conv' || l.kind === 'linear');
      assert.equal(weighted.length, c.weights.length);
      weighted.forEach((l, i) => {
        l.args.weights = c.weights[i].weight;
        if (c.weights[i].bias) l.args.biasValues = c.weights[i].bias;
      });
      const run = execute(a, tensor(c.input.shape, c.input.data), { keepAll: true });
      sectionOutputs(a).forEach((name, k) => {
        const t = run.outputs.get(name)!;
        assert.deepEqual(t.shape, c.sections[k].shape, `section ${k}`);
        close(t.data, c.sections[k].data, `section ${k} (${name})`);
      });
    });
  }

  it('mish matches torch.nn.functional.mish from −30 to 30', () => {
    close(mish(tensor([fixture.mish.x.length], fixture.mish.x)).data, fixture.mish.y, 'mish');
  });
});
