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

  describe("--input-shape with or without the batch: the model's layers say how many axes a sample has", () => {
    const json = (args: string[]) => {
      const r = runCli(['summary', '--json', ...args]);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      return JSON.parse(r.stdout);
    };
    const resnet = join(models, 'resnet_blocks.py');

    it('a 2-d model: 3x160x160 and 1x3x160x160 (also 1,3,160,160) are the same sample; 8x3x160x160 is a batch of 8', () => {
      const sample = json(['--class', 'ResNet', '--input-shape', '3x160x160', resnet]);
      for (const given of ['1x3x160x160', '1,3,160,160']) {
        const one = json(['--class', 'ResNet', '--input-shape', given, resnet]);
        assert.deepEqual([one.input, one.batch, one.totals], [[3, 160, 160], 1, sample.totals]);
      }
      const eight = json(['--class', 'ResNet', '--input-shape', '8x3x160x160', resnet]);
      assert.deepEqual([eight.input, eight.batch], [[3, 160, 160], 8]);
      assert.deepEqual(eight.layers.find((l: { name: string }) => l.name === 'layer4.2.conv3').shape, [2048, 5, 5]);
      // Figures per sample; the batch's activations take N times the memory.
      assert.equal(eight.totals.macs, sample.totals.macs);
      assert.equal(eight.totals.activation_bytes, sample.totals.activation_bytes);
      assert.equal(eight.totals.activation_bytes_batch, 8 * sample.totals.activation_bytes);
    });

    it('the text summary names the batch and gives its activation memory beside the per-sample one', () => {
      const r = runCli(['summary', '--input-shape', '8,3,32,32', join(models, 'cifar_net.py')]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^Net {2}input \[3, 32, 32\] {2}batch 8$/m);
      assert.match(r.stdout, /^Activation memory \(float32, batch 8\): 468\.8 KiB \(58\.6 KiB per sample\)$/m);
      assert.match(r.stdout, /^MACs: 651,720 \(652K\) .* per sample$/m);
    });

    it('a 1-d model (Conv1d) takes C×L or N×C×L; a 3-d one (Conv3d) C×D×H×W or N×C×D×H×W', () => {
      const tcn = join(models, 'tcn.py');
      const tcnSample = json(['--input-shape', '16x128', tcn]);
      const tcnBatch = json(['--input-shape', '4x16x128', tcn]);
      assert.deepEqual([tcnBatch.input, tcnBatch.batch], [[16, 128], 4]);
      assert.deepEqual(tcnBatch.outputs, tcnSample.outputs);
      const c3d = join(models, 'conv3d.py');
      const c3dSample = json(['--input-shape', '3x16x56x56', c3d]);
      const c3dBatch = json(['--input-shape', '2x3x16x56x56', c3d]);
      assert.deepEqual([c3dSample.input, c3dSample.batch], [[3, 16, 56, 56], 1]);
      assert.deepEqual([c3dBatch.input, c3dBatch.batch], [[3, 16, 56, 56], 2]);
      assert.deepEqual(c3dBatch.outputs, c3dSample.outputs);
    });

    it('a count that fits neither form is a located CL036 error naming the accepted forms (exit 1)', () => {
      const file = join(models, 'cifar_net.py');
      for (const given of ['32x32', '1x1x3x32x32']) {
        const r = runCli(['summary', '--input-shape', given, file]);
        assert.equal(r.status, 1, r.stderr);
        const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.startsWith('class Net')) + 1;
        assert.match(r.stdout, new RegExp(`cifar_net\\.py:${line}:7 error CL036 The input ${given.replace(/x/g, '×')} \\(--input-shape\\) has ${given.split('x').length} sizes, but Net takes 2-D input \\(its layers are 2-d\\): give one sample, C×H×W \\(e\\.g\\. 3x224x224\\), or a batch, N×C×H×W \\(e\\.g\\. 8x3x224x224\\)\\.`));
      }
      const tcn = runCli(['summary', '--input-shape', '3x16x128x128', join(models, 'tcn.py')]);
      assert.equal(tcn.status, 1);
      assert.match(tcn.stdout, /takes 1-D input \(its layers are 1-d\): give one sample, C×L \(e\.g\. 3x100\), or a batch, N×C×L/);
    });

    it('the `# convlens: input` comment shares the forms: with the batch, and an error on the comment when neither', () => {
      const text = readFileSync(join(models, 'cifar_net.py'), 'utf8');
      const t = tempTree({ 'batched.py': text.replace('input 3x32x32', 'input 4x3x32x32'), 'video.py': text.replace('input 3x32x32', 'input 1x3x8x32x32') });
      try {
        const batched = json([join(t.dir, 'batched.py')]);
        assert.deepEqual([batched.input, batched.batch], [[3, 32, 32], 4]);
        const r = runCli(['check', join(t.dir, 'video.py')]);
        assert.equal(r.status, 1);
        const line = text.split('\n').findIndex((l) => l.includes('convlens: input')) + 1;
        assert.match(r.stdout, new RegExp(`video\\.py:${line}:1 error CL036 The input 1×3×8×32×32 \\(the \`# convlens: input\` comment\\) has 5 sizes`));
      } finally {
        t.remove();
      }
    });
  });
});
