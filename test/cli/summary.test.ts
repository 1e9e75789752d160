// `convlens summary` of real model files: the format's own tool's totals (Analysis.native, e.g.
// Ultralytics' parameters and GFLOPs) are printed labelled with the tool's name beside
// ConvLens's, in the table and the JSON; --scale and --image-size choose what is analysed.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../oracle';
import { runCli, tempTree } from './helpers';

const yolov8 = join(repoRoot, 'examples', 'ultralytics', 'yolov8n.yaml');

describe("cli summary: the format's own totals", () => {
  it('the table prints Ultralytics’ figures after ConvLens totals, labelled with the tool', () => {
    const r = runCli(['summary', yolov8]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    const activation = lines.findIndex((l) => l.startsWith('Activation memory'));
    assert.match(lines[activation + 1], /^Ultralytics parameters: 3,157,200 \(/);
    assert.match(lines[activation + 3], /^Ultralytics GFLOPs: 8\.9 \(at 640×640/);
    assert.ok(lines.some((l) => l === 'Total params: 3,157,200'));
  });

  it('the JSON carries them as `native` beside `totals`; null for cnn-yaml, which has no tool of its own', () => {
    const j = JSON.parse(runCli(['summary', '--json', yolov8]).stdout);
    assert.equal(j.format, 'ultralytics');
    assert.deepEqual(j.native.figures.map((f: { label: string; text: string }) => `${f.label} ${f.text}`), ['parameters 3,157,200', 'gradients 3,157,184', 'GFLOPs 8.9']);
    assert.equal(j.totals.params, 3157200);
    const plain = JSON.parse(runCli(['summary', '--json', join(repoRoot, 'examples', 'tiny-vgg.cnn.yaml')]).stdout);
    assert.equal(plain.native, null);
  });

  it('--scale picks the scale of a file named without one; --image-size the input size', () => {
    const t = tempTree({ 'yolov8.yaml': readFileSync(yolov8, 'utf8') });
    try {
      const s = JSON.parse(runCli(['summary', '--json', '--scale', 's', join(t.dir, 'yolov8.yaml')]).stdout);
      assert.equal(s.totals.params, 11166560);
      const small = JSON.parse(runCli(['summary', '--json', '--image-size', '320', yolov8]).stdout);
      assert.deepEqual(small.input, [3, 320, 320]);
      assert.equal(small.native.figures.find((f: { label: string }) => f.label === 'GFLOPs').text, '2.2');
      const bad = runCli(['summary', '--image-size', '7', yolov8]);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /--image-size must be a whole number from 32 to 8192/);
    } finally {
      t.remove();
    }
  });
});
