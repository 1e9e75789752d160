// An image size that is not a multiple of the model's largest stride is rounded up, as
// Ultralytics' check_imgsz does (300 → 320 for P3–P5 models, 608 → 640 for P6), with a CL014 note:
// a correct file analysed at 300 used to get a concat error.
import * as assert from 'assert';
import { readFileSync } from 'fs';
import { join } from 'path';
import { check } from '../../engine';
import { repoRoot } from '../oracle';

const yolov8n = readFileSync(join(repoRoot, 'examples', 'ultralytics', 'yolov8n.yaml'), 'utf8');
const errors = (text: string, options: Parameters<typeof check>[1]) => check(text, options).findings.filter((f) => f.severity === 'error');

describe('ultralytics: the image size is rounded up to the largest stride', () => {
  it('300 → 320 on yolov8n: no error, a CL014 note, the figures at 320', () => {
    const a = check(yolov8n, { fileName: 'yolov8n.yaml', imageSize: 300 });
    assert.deepStrictEqual(errors(yolov8n, { fileName: 'yolov8n.yaml', imageSize: 300 }), []);
    assert.deepStrictEqual(a.input, [3, 320, 320]);
    const notes = a.findings.filter((f) => f.code === 'CL014');
    assert.strictEqual(notes.length, 1);
    assert.match(notes[0].message, /^Analysed at 320×320: Ultralytics rounds the image size 300 up to a multiple of the model's largest stride, 32 /);
    assert.strictEqual(yolov8n.slice(notes[0].span.start, notes[0].span.end), 'backbone');
    const at320 = check(yolov8n, { fileName: 'yolov8n.yaml', imageSize: 320 });
    assert.strictEqual(a.totals.macs, at320.totals.macs);
    assert.deepStrictEqual(at320.findings.filter((f) => f.code === 'CL014'), []);
  });

  it('multiples of the stride are analysed as given, without a note', () => {
    for (const size of [32, 640, 672]) {
      const a = check(yolov8n, { fileName: 'yolov8n.yaml', imageSize: size });
      assert.deepStrictEqual(a.input, [3, size, size]);
      assert.deepStrictEqual(a.findings.map((f) => f.code), []);
    }
  });

  it('a P6 model (largest stride 64): 608 and 672 → 640 and 704', () => {
    // yolov8n-p6.yaml as published, its C2 rows read as C2f (same channels) to isolate the stride.
    const p6 = readFileSync(join(repoRoot, '..', 'shared', 'realworld', 'set2', 'yolov8n-p6.yaml'), 'utf8').replace(/\bC2,/g, 'C2f,');
    for (const [given, used] of [[608, 640], [672, 704], [200, 256]]) {
      const a = check(p6, { fileName: 'yolov8n-p6.yaml', imageSize: given });
      assert.deepStrictEqual(errors(p6, { fileName: 'yolov8n-p6.yaml', imageSize: given }), [], `${given}`);
      assert.deepStrictEqual(a.input, [3, used, used]);
      assert.match(a.findings.find((f) => f.code === 'CL014')!.message, new RegExp(`^Analysed at ${used}×${used}: .* stride, 64 `));
    }
  });
});
