// --scale and --image-size say what they did: a file name's scale wins over --scale (a note on
// stderr, as Ultralytics lets the name win), a scale the file does not list is a usage error that
// names the file's scales, and an image size is rounded up to the model's largest stride.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../oracle';
import { runCli, tempTree } from './helpers';

const yolov8n = join(repoRoot, 'examples', 'ultralytics', 'yolov8n.yaml');

describe('cli: --scale and --image-size on Ultralytics files', () => {
  it('--scale s on yolov8n.yaml: the n figures, and a note that the name wins', () => {
    const r = runCli(['summary', '--json', '--scale', 's', yolov8n]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).totals.params, 3157200);
    assert.match(r.stderr, /^convlens: note: .*yolov8n\.yaml: figures for scale 'n': the scale in the file name wins over --scale s, as in Ultralytics \(for 's', copy the file as yolov8s\.yaml\)\n$/);
  });

  it('--scale z: a usage error naming the scales of the file, with or without a scale in its name', () => {
    const t = tempTree({ 'yolov8.yaml': readFileSync(yolov8n, 'utf8') });
    try {
      for (const file of [yolov8n, join(t.dir, 'yolov8.yaml')]) {
        for (const command of ['summary', 'check']) {
          const r = runCli([command, '--scale', 'z', file]);
          assert.equal(r.status, 2, `${command} ${file}`);
          assert.equal(r.stdout, '');
          assert.equal(r.stderr, `convlens: --scale z: ${file} has the scales n, s, m, l, x\n`);
        }
      }
      const ok = runCli(['summary', '--scale', 'm', join(t.dir, 'yolov8.yaml')]);
      assert.equal(ok.status, 0);
      assert.equal(ok.stderr, '');
    } finally {
      t.remove();
    }
  });

  it('--image-size 300: analysed at 320 as Ultralytics does, no concat error, said on stderr and in the findings', () => {
    const r = runCli(['summary', '--image-size', '300', yolov8n]);
    assert.equal(r.status, 0, r.stdout);
    assert.doesNotMatch(r.stdout, /CL104/);
    assert.match(r.stdout, /input \[3, 320, 320\]/);
    assert.match(r.stdout, /^Ultralytics GFLOPs: 2\.2 \(at 320×320/m);
    assert.match(r.stdout, /hint CL014 Analysed at 320×320: Ultralytics rounds the image size 300 up to a multiple of the model's largest stride, 32 /);
    assert.match(r.stderr, /^convlens: note: .*yolov8n\.yaml: analysed at 320×320: Ultralytics rounds --image-size 300 up to a multiple of the model's largest stride\n$/);
  });
});
