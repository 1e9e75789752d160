// The darknet .cfg reader on the example networks (examples/darknet/, written after the public
// cfgs): darknet's own BFLOPs as published, every layer's shape as darknet prints it, the
// parameter count against the size of the released .weights files, the [yolo]/[region] outputs,
// and no finding from any rule on these networks.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, type Analysis } from '../../engine';
import { repoRoot } from '../oracle';

const dir = join(repoRoot, 'examples', 'darknet');
const read = (file: string, imageSize?: number): { text: string; a: Analysis } => {
  const text = readFileSync(join(dir, file), 'utf8');
  return { text, a: check(text, { fileName: file, imageSize }) };
};
const figure = (a: Analysis, label: string) => a.native?.figures.find((f) => f.label === label)?.text;
const outputs = (a: Analysis) => a.outputs.map((o) => o.shape!.join('×'));
const published = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'darknet', 'published.json'), 'utf8')) as Record<string, Array<string | null>>;

/** Darknet prints W x H x C; ConvLens shapes are [C, H, W]. */
const asDarknet = (shape: number[] | undefined) => (shape ? `${shape[2]}x${shape[1]}x${shape[0]}` : 'none');

/**
 * Sizes in bytes of the released weights (pjreddie.com, AlexeyAB's releases), as download scripts
 * and logs give them. darknet's save_weights writes a 12-byte version and `seen` (4 bytes in
 * old files, 8 since version 0.2), then per [convolutional] its biases, with batch_normalize
 * its scales, rolling means and variances, and its weights: ConvLens's parameters + buffers.
 */
const WEIGHTS_BYTES: Record<string, number> = {
  'yolov3-tiny.cfg': 35_434_956,
  'yolov3.cfg': 248_007_048,
  'yolov4-tiny.cfg': 24_251_276,
  'yolov4.cfg': 257_717_640,
  'yolov2.cfg': 203_934_260,
};

describe('darknet examples (examples/darknet/*.cfg)', () => {
  for (const file of Object.keys(WEIGHTS_BYTES)) {
    describe(file, () => {
      it('is read as darknet; every section analysed; no error, warning or info from the engine or any rule', () => {
        const { a } = read(file);
        assert.equal(a.format, 'darknet');
        assert.deepEqual(a.findings.map((f) => `${f.code} ${f.severity} ${f.message}`), []);
        assert.ok(a.entries.every((e) => e.shape), 'a section without a shape');
        assert.ok(a.native, 'no darknet figures');
      });
      it('parameters + buffers = the floats of the released .weights file', () => {
        const { a } = read(file);
        const floats = a.totals.params + a.totals.buffers;
        const header = WEIGHTS_BYTES[file] - 4 * floats;
        assert.ok(header === 16 || header === 20, `${WEIGHTS_BYTES[file]} bytes − 4 × ${floats} floats leaves ${header}, not a 16- or 20-byte header`);
      });
    });
  }

  it('yolov3-tiny at 416: BFLOPs 5.56 (pjreddie), Total BFLOPS 5.571 (AlexeyAB), outputs 255×13×13 and 255×26×26', () => {
    const { a } = read('yolov3-tiny.cfg');
    assert.equal(figure(a, 'BFLOPs'), '5.56');
    assert.equal(a.native!.figures[0].value, (2 * a.layers.filter((l) => l.kind === 'conv').reduce((s, l) => s + l.macs, 0)) / 1e9);
    assert.equal(figure(a, 'Total BFLOPS'), '5.571');
    assert.deepEqual(a.input, [3, 416, 416]);
    assert.deepEqual(outputs(a), ['255×13×13', '255×26×26']);
  });

  it('yolov3-tiny at 416: the shape of every section, as darknet prints it', () => {
    const { a } = read('yolov3-tiny.cfg');
    const layers = a.entries.slice(1);
    assert.equal(layers.length, 24);
    published['yolov3-tiny.cfg@416'].forEach((want, i) => want && assert.equal(asDarknet(layers[i].shape), want, `layer ${i} (${layers[i].name})`));
    assert.deepEqual(layers.map((e) => e.name.split(' ')[1]), ['conv', 'max', 'conv', 'max', 'conv', 'max', 'conv', 'max', 'conv', 'max', 'conv', 'max', 'conv', 'conv', 'conv', 'conv', 'yolo', 'route', 'conv', 'upsample', 'route', 'conv', 'conv', 'yolo']);
  });

  it('yolov3 at 416: BFLOPs 65.86 (pjreddie), Total BFLOPS 65.879 (AlexeyAB), three heads', () => {
    const { a } = read('yolov3.cfg');
    assert.equal(figure(a, 'BFLOPs'), '65.86');
    assert.equal(figure(a, 'Total BFLOPS'), '65.879');
    assert.deepEqual(outputs(a), ['255×13×13', '255×26×26', '255×52×52']);
    assert.deepEqual([82, 94, 106].map((i) => a.entries[i + 1].kind), ['yolo', 'yolo', 'yolo']);
  });

  it('yolov4 at 608: Total BFLOPS 128.459 (AlexeyAB) and the shape of every section', () => {
    const { a } = read('yolov4.cfg');
    assert.equal(figure(a, 'Total BFLOPS'), '128.459');
    assert.deepEqual(outputs(a), ['255×76×76', '255×38×38', '255×19×19']);
    const layers = a.entries.slice(1);
    assert.equal(layers.length, 162);
    published['yolov4.cfg@608'].forEach((want, i) => want && assert.equal(asDarknet(layers[i].shape), want, `layer ${i} (${layers[i].name})`));
    assert.ok(a.layers.some((l) => l.kind === 'mish'));
  });

  it('yolov4 analysed at 416: Total BFLOPS 60.137 (AlexeyAB), with a hint at [net] saying so', () => {
    const { text, a } = read('yolov4.cfg', 416);
    assert.equal(figure(a, 'Total BFLOPS'), '60.137');
    assert.deepEqual(a.input, [3, 416, 416]);
    assert.deepEqual(outputs(a), ['255×52×52', '255×26×26', '255×13×13']);
    assert.deepEqual(a.findings.map((f) => [f.code, f.severity, text.slice(f.span.start, f.span.end)]), [['CL014', 'hint', '[net]']]);
    assert.match(a.findings[0].message, /416×416.*608×608/);
  });

  it('yolov4-tiny at 416: Total BFLOPS 6.910 (AlexeyAB); the grouped routes take half the channels', () => {
    const { a } = read('yolov4-tiny.cfg');
    assert.equal(figure(a, 'Total BFLOPS'), '6.910');
    assert.deepEqual(outputs(a), ['255×13×13', '255×26×26']);
    for (const i of [3, 11, 19]) {
      const route = a.entries[i + 1];
      assert.deepEqual([route.kind, route.shape![0], route.inputShape![0]], ['route', route.inputShape![0] / 2, a.entries[i].shape![0]]);
      assert.equal(a.layers[route.layers[0]].kind, 'slice');
    }
  });

  it('yolov2 at 608: BFLOPs 62.94 (pjreddie), [reorg] 64×38×38 → 256×19×19, [region] on 425×19×19', () => {
    const { a } = read('yolov2.cfg');
    assert.equal(figure(a, 'BFLOPs'), '62.94');
    const reorg = a.entries.find((e) => e.kind === 'reorg')!;
    assert.deepEqual([reorg.inputShape, reorg.shape], [[64, 38, 38], [256, 19, 19]]);
    assert.deepEqual(outputs(a), ['425×19×19']);
    assert.equal(a.entries[a.entries.length - 1].name, '31 detection');
  });
});
