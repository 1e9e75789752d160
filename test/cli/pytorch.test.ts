// The CLI on PyTorch model source: summary with --class and --input-shape, check's exit code on
// a broken model with the error located, and the usage errors of the two flags.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../oracle';
import { runCli, tempTree } from './helpers';

const models = join(repoRoot, 'test', 'fixtures', 'pytorch', 'models');

describe('cli: PyTorch model source', () => {
  it('summary --json --class --input-shape: the chosen model at the given input, layers named by module path', () => {
    const r = runCli(['summary', '--json', '--class', 'ResNet', '--input-shape', '3,160,160', join(models, 'resnet_blocks.py')]);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.format, 'pytorch');
    assert.equal(j.name, 'ResNet');
    assert.deepEqual(j.input, [3, 160, 160]);
    assert.equal(j.totals.params, 25557032);
    assert.deepEqual(j.layers.find((l: { name: string }) => l.name === 'layer4.2.conv3').shape, [2048, 5, 5]);
  });

  it('check: a Linear that does not fit is an error on its line, exit 1', () => {
    const text = readFileSync(join(models, 'cifar_net.py'), 'utf8').replace('input 3x32x32', 'input 3x28x28');
    const t = tempTree({ 'net.py': text, 'notes.py': 'print("not a model")\n' });
    try {
      const r = runCli(['check', t.dir]);
      assert.equal(r.status, 1, r.stderr);
      const line = text.split('\n').findIndex((l) => l.includes('self.fc1 =')) + 1;
      assert.match(r.stdout, new RegExp(`net\\.py:${line}:\\d+ error CL102 fc1: in_features is 400 but 256 features reach it`));
      assert.match(r.stdout, /^1 file checked/m);
    } finally {
      t.remove();
    }
  });

  it('bad --input-shape and --class values are usage errors (exit 2)', () => {
    const file = join(models, 'cifar_net.py');
    const a = runCli(['summary', '--input-shape', '3,0,32', file]);
    assert.equal(a.status, 2);
    assert.match(a.stderr, /--input-shape must be sizes joined by x/);
    const b = runCli(['summary', '--class', 'not a name', file]);
    assert.equal(b.status, 2);
    assert.match(b.stderr, /--class must be a Python class name/);
  });
});
