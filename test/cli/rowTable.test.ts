// `convlens summary` of a YOLO or darknet file: one line per row or section, as Ultralytics and
// darknet print their models (yolov8n: 23 rows instead of 220 layers), --expand for every layer,
// and --json with both the layers and the rows. Rows are checked against the PyTorch oracle
// (test/fixtures/ultralytics/models.json) and darknet's published layer table.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../oracle';
import { runCli, tempTree } from './helpers';

const examples = join(repoRoot, 'examples');
const oracle = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'ultralytics', 'models.json'), 'utf8')) as {
  models: Array<{ file: string; scale: string; imgsz: number; rows: Array<{ index: number; module: string; params: number; shapes: number[][] }> }>;
};
const published = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'darknet', 'published.json'), 'utf8')) as Record<string, Array<string | null>>;

interface RowJson {
  index: number;
  from: string;
  n: number;
  params: number;
  module: string;
  arguments: string;
  outputs: Array<number[] | null>;
  field: Array<string | null>;
  bflops?: number;
}

describe('cli summary: one line per YOLO row or darknet section', () => {
  it('yolov8n.yaml: the rows as Ultralytics prints them (from, n, params, module, arguments), with output and field', () => {
    const r = runCli(['summary', join(examples, 'ultralytics', 'yolov8n.yaml')]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.ok(lines.length < 50, `${lines.length} lines`);
    assert.ok(lines.includes('YOLOv8n  scale n (file name)  input [3, 640, 640]'));
    assert.match(lines[3], /^ #  from +n +params +module +arguments +output +field$/);
    // Ultralytics' own summary of yolov8n.yaml prints these from, n, params and arguments.
    const expected = [
      [' 0', '-1', '1', '464', 'Conv', '[3, 16, 3, 2]', '16×320×320', '3×3 /2'],
      [' 2', '-1', '1', '7,360', 'C2f', '[32, 32, 1, True]', '32×160×160'],
      [' 4', '-1', '2', '49,664', 'C2f', '[64, 64, 2, True]', '64×80×80'],
      ['10', '-1', '1', '0', 'nn.Upsample', "[None, 2, 'nearest']", '256×40×40'],
      ['11', '[-1, 6]', '1', '0', 'Concat', '[1]', '384×40×40'],
      ['12', '-1', '1', '148,224', 'C2f', '[384, 128, 1]', '128×40×40'],
      ['22', '[15, 18, 21]', '1', '897,664', 'Detect', '[80, [64, 128, 256]]', '144×80×80'],
    ];
    for (const cells of expected) {
      const line = lines.find((l) => l.startsWith(`${cells[0]}  `));
      assert.ok(line, cells[0]);
      assert.match(line, new RegExp(`^${cells.map((c) => c.replace(/[[\]().*+?]/g, '\\$&')).join(' +')}`), line);
    }
    // Detect's other two levels follow on lines of their own.
    const detect = lines.findIndex((l) => l.startsWith('22  '));
    assert.match(lines[detect + 1], /^ +144×40×40 +1039×1039 \/16$/);
    assert.match(lines[detect + 2], /^ +144×20×20 +1263×1263 \/32$/);
    assert.ok(lines.includes('One line per row; --expand lists the 220 layers they expand into.'));
    assert.ok(lines.includes('Total params: 3,157,200'));
  });

  it('--expand prints every engine layer, as before', () => {
    const r = runCli(['summary', '--expand', join(examples, 'ultralytics', 'yolov8n.yaml')]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.split('\n').filter((l) => /^model\.\d+\S* +\S+ +\[/.test(l)).length, 220);
  });

  it('--json keeps every layer and adds the rows; their params and shapes are the PyTorch oracle’s', () => {
    for (const file of ['yolov8n.yaml', 'yolo11n.yaml', 'yolov5s.yaml']) {
      const j = JSON.parse(runCli(['summary', '--json', join(examples, 'ultralytics', file)]).stdout) as { layers: unknown[]; rows: RowJson[] };
      const model = oracle.models.find((m) => m.file === `examples/ultralytics/${file}` && m.imgsz === 640 && file.includes(`${m.scale}.yaml`))!;
      assert.ok(model, file);
      assert.ok(j.layers.length > 100, file);
      // The oracle names modules by their class (Upsample for nn.Upsample, DetectAnchors for yolov5's Detect).
      assert.deepEqual(j.rows.map((r) => [r.index, r.module.replace(/^nn\./, '').replace(/^Detect$/, file === 'yolov5s.yaml' ? 'DetectAnchors' : 'Detect'), r.params]), model.rows.map((r) => [r.index, r.module, r.params]), file);
      assert.deepEqual(j.rows.map((r) => r.outputs), model.rows.map((r) => r.shapes), file);
    }
    const plain = JSON.parse(runCli(['summary', '--json', join(examples, 'tiny-vgg.cnn.yaml')]).stdout);
    assert.equal(plain.rows, null);
  });

  it('yolov3-tiny.cfg: darknet’s layer table (filters size/strd, BFLOPs), its shapes as darknet prints them', () => {
    const file = join(examples, 'darknet', 'yolov3-tiny.cfg');
    const r = runCli(['summary', file]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[3], /^layer  from +params  type +filters size\/strd\(dil\)  BFLOPs  output +field$/);
    // AlexeyAB's darknet: "0 conv 16 3 x 3/ 1 416 x 416 x 3 -> 416 x 416 x 16 0.150 BF", "1 max 2x 2/ 2 … 0.003 BF".
    assert.match(r.stdout, /^ +0  -1 +464  conv +16 3×3\/1 +0\.150  16×416×416  3×3$/m);
    assert.match(r.stdout, /^ +1  -1 +0  max +2×2\/2 +0\.003  16×208×208 /m);
    assert.match(r.stdout, /^ +17  13 +0  route +256×13×13 /m);
    assert.match(r.stdout, /^ +20  \[19, 8\] +0  route +384×26×26 /m);
    assert.match(r.stdout, /^ +19  -1 +0  upsample  ×2 +128×26×26 /m);
    const j = JSON.parse(runCli(['summary', '--json', file]).stdout) as { rows: RowJson[] };
    const darknetShapes = j.rows.map((row) => (row.module === 'yolo' ? null : `${row.outputs[0]![2]}x${row.outputs[0]![1]}x${row.outputs[0]![0]}`));
    assert.deepEqual(darknetShapes, published['yolov3-tiny.cfg@416']);
    // Summed in float32 as AlexeyAB does: its "Total BFLOPS 5.571".
    assert.equal(j.rows.reduce((s, row) => Math.fround(s + Math.fround(row.bflops!)), 0).toFixed(3), '5.571');
  });

  it('a row with an unknown module: the rows up to it, the withheld ones marked', () => {
    const text = readFileSync(join(examples, 'ultralytics', 'yolov8n.yaml'), 'utf8').replace('- [-1, 1, Conv, [512, 3, 2]] # 5', '- [-1, 1, FooBlock, [512, 3, 2]] # 5');
    assert.ok(text.includes('FooBlock'));
    const t = tempTree({ 'yolov8n.yaml': text });
    const r = runCli(['summary', join(t.dir, 'yolov8n.yaml')]);
    t.remove();
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^ +4  -1 +2 +49,664  C2f /m);
    // Row 5 (a module ConvLens does not know) and every row after it (all read it) have no figures.
    assert.match(r.stdout, /^5–22 +withheld \(see the findings below\)\n=+\n/m);
  });
});
