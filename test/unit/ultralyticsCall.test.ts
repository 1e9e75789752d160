// The constructor call an Ultralytics row makes, as its hover heading shows it: named after the
// module's signature (defaults with commas inside parentheses included), Python literals, the
// yolov5 form of a signature for files with anchors, long lists shortened.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyse } from '../../engine';
import { formatCall, signatureFor } from '../../engine/readers/ultralytics/call';
import { repoRoot } from '../oracle';

describe('Ultralytics row calls', () => {
  it('names the arguments after the signature, past defaults that hold commas', () => {
    assert.equal(formatCall('Bottleneck', 'Bottleneck(c1, c2, shortcut=True, g=1, k=(3, 3), e=0.5)', [64, 64, false, 1, [1, 3], 0.25]), 'Bottleneck(c1=64, c2=64, shortcut=False, g=1, k=[1, 3], e=0.25)');
    assert.equal(formatCall('nn.Upsample', 'nn.Upsample(size=None, scale_factor=None, mode="nearest")', [null, 2, 'nearest']), "nn.Upsample(size=None, scale_factor=2, mode='nearest')");
  });
  it('arguments beyond the signature stay positional', () => {
    assert.equal(formatCall('Concat', 'Concat(dimension=1)', [1, 7]), 'Concat(dimension=1, 7)');
  });
  it('picks the yolov5 form of a signature only for yolov5 files', () => {
    const sig = 'Detect(nc=80, ch=())  ·  yolov5: Detect(nc, anchors, ch)';
    assert.equal(signatureFor(sig, false), 'Detect(nc=80, ch=())');
    assert.equal(signatureFor(sig, true), 'Detect(nc, anchors, ch)');
    assert.equal(signatureFor('Conv(c1, c2, k=1)', true), 'Conv(c1, c2, k=1)');
  });
  it('every row of yolov8n and yolo11n gets the call parse_model makes at that scale', () => {
    for (const [file, row, call] of [
      ['yolov8n.yaml', 'model.2', 'C2f(c1=32, c2=32, n=1, shortcut=True)'],
      ['yolov8n.yaml', 'model.22', 'Detect(nc=80, ch=[64, 128, 256])'],
      ['yolo11n.yaml', 'model.2', 'C3k2(c1=32, c2=64, n=1, c3k=False, e=0.25)'],
    ]) {
      const text = readFileSync(join(repoRoot, 'examples', 'ultralytics', file), 'utf8');
      const a = analyse(text, { format: 'ultralytics', fileName: file });
      assert.ok(a.entries.every((e) => e.call?.startsWith(`${e.kind}(`)), file);
      assert.equal(a.entries.find((e) => e.name === row)?.call, call);
    }
  });
});
