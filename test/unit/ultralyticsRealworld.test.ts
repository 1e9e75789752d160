// The original public Ultralytics configs of ../shared/realworld/set2 (read there, never copied
// into the repository): the figures their own comments publish — "YOLOv8n-ghost summary: 403
// layers, 1865316 parameters, 1865300 gradients, 5.8 GFLOPs", the fused summaries of
// yolov8-p6, yolov9c's header — reproduced at every published scale, and every row's output
// shapes and parameters against test/fixtures/ultralytics/realworld.json (oracle.py's PyTorch).
import * as assert from 'assert';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { check, type Analysis } from '../../engine';
import { repoRoot } from '../oracle';

const set2 = join(repoRoot, '..', 'shared', 'realworld', 'set2');
const fixtures = join(repoRoot, 'test', 'fixtures', 'ultralytics');
const errors = (a: Analysis) => a.findings.filter((f) => f.severity === 'error');
const figure = (a: Analysis, label: string) => [...(a.native?.figures ?? []), ...(a.native?.details ?? [])].find((f) => f.label === label);

interface Published {
  scale: string;
  fused: boolean;
  layers: number;
  params: number;
  gradients?: number;
  gflops: string;
}

/** The summaries a config's comments publish: per scale (`n: [...] # … summary (fused): 220 layers, …`) or one header line. */
function published(text: string): Published[] {
  const out: Published[] = [];
  const re = /^\s*(?:([nslmx]):\s*\[[^\]]*\]\s*)?#[^\n]*?(\(fused\))?:?\s*(\d+) layers,\s*(\d+) parameters,(?:\s*(\d+) gradients,)?\s*([\d.]+) GFLOPs/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ scale: m[1] ?? '', fused: !!m[2], layers: Number(m[3]), params: Number(m[4]), gradients: m[5] === undefined ? undefined : Number(m[5]), gflops: m[6] });
  }
  return out;
}

/** yolov8n-ghost.yaml at scale s → yolov8s-ghost.yaml: the name Ultralytics reads the scale from. */
const named = (file: string, scale: string) => (scale ? file.replace(/^(yolov?\d+)[nslmx]?/, `$1${scale}`) : file);

describe('ultralytics: the published figures of the original set2 configs', function () {
  before(function () {
    if (!existsSync(set2)) this.skip();
  });
  const cases: Array<[string, number]> = [['yolov8n-ghost.yaml', 5], ['yolov8n-p6.yaml', 5], ['yolov9c.yaml', 1], ['yolov8.yaml', 5], ['yolo11m.yaml', 5]];
  for (const [file, count] of cases) {
    it(`${file}: every summary its comments publish (${count}), reproduced`, function () {
      if (!existsSync(set2)) this.skip();
      const text = readFileSync(join(set2, file), 'utf8');
      const summaries = published(text);
      assert.strictEqual(summaries.length, count);
      for (const p of summaries) {
        const name = named(file, p.scale);
        const a = check(text, { fileName: name });
        assert.deepStrictEqual(errors(a), [], name);
        const suffix = p.fused ? ' (fused)' : '';
        assert.strictEqual(figure(a, `layers${suffix}`)?.value, p.layers, `${name} layers${suffix}`);
        assert.strictEqual(figure(a, `parameters${suffix}`)?.value, p.params, `${name} parameters${suffix}`);
        if (p.gradients !== undefined) assert.strictEqual(figure(a, `gradients${suffix}`)?.value, p.gradients, `${name} gradients${suffix}`);
        assert.strictEqual(figure(a, `GFLOPs${suffix}`)?.text, p.gflops, `${name} GFLOPs${suffix}`);
      }
    });
  }
});

describe('ultralytics: set2 configs row by row against PyTorch (realworld.json)', () => {
  interface OracleModel {
    file: string;
    scale: string;
    imgsz: number;
    params: number;
    gradients: number;
    gflops: number;
    modules: number;
    fused?: { params: number; gflops: number; modules: number };
    rows: Array<{ index: number; module: string; params: number; shapes: number[][] }>;
  }
  const models = (JSON.parse(readFileSync(join(fixtures, 'realworld.json'), 'utf8')) as { models: OracleModel[] }).models;
  for (const m of models) {
    const file = m.file.split('/').pop()!;
    const name = named(file, m.scale === '-' ? '' : m.scale);
    it(`${name}: totals, layers, fused figures and each row`, function () {
      const path = join(repoRoot, m.file);
      if (!existsSync(path)) this.skip();
      const a = check(readFileSync(path, 'utf8'), { fileName: name, imageSize: m.imgsz });
      assert.deepStrictEqual(errors(a), []);
      assert.strictEqual(a.totals.params, m.params);
      assert.strictEqual(figure(a, 'gradients')!.value, m.gradients);
      assert.strictEqual(figure(a, 'layers')!.value, m.modules);
      const g = figure(a, 'GFLOPs')!;
      assert.ok(Math.abs(g.value - m.gflops) <= 1e-9 * m.gflops, `${g.value} vs ${m.gflops}`);
      if (m.fused) {
        assert.strictEqual(figure(a, 'parameters (fused)')!.value, m.fused.params);
        assert.strictEqual(figure(a, 'layers (fused)')!.value, m.fused.modules);
        assert.ok(Math.abs(figure(a, 'GFLOPs (fused)')!.value - m.fused.gflops) <= 1e-9 * m.fused.gflops);
      } else assert.strictEqual(figure(a, 'parameters (fused)'), undefined, 'no fused figures where fusing changes the structure');
      assert.strictEqual(a.entries.length, m.rows.length);
      for (const row of m.rows) {
        const e = a.entries[row.index];
        assert.strictEqual(e.kind.replace(/^nn\./, ''), row.module, `row ${row.index}`);
        assert.strictEqual(e.params, row.params, `row ${row.index} (${row.module}) parameters`);
        assert.deepStrictEqual(e.outputs ?? [e.shape], row.shapes, `row ${row.index} (${row.module}) shapes`);
      }
    });
  }
});

describe("ultralytics: this repository's own small configs against PyTorch (configs.json)", () => {
  interface OracleModel {
    file: string;
    scale: string;
    imgsz: number;
    params: number;
    gradients: number;
    gflops: number;
    modules: number;
    rows: Array<{ index: number; module: string; params: number; shapes: number[][] }>;
  }
  const models = (JSON.parse(readFileSync(join(fixtures, 'configs.json'), 'utf8')) as { models: OracleModel[] }).models;
  for (const m of models) {
    const file = m.file.split('/').pop()!;
    it(`${file} (scale ${m.scale}) at ${m.imgsz}: totals, layers and every row as PyTorch builds them`, () => {
      const a = check(readFileSync(join(repoRoot, m.file), 'utf8'), { fileName: file, imageSize: m.imgsz, ...(m.scale === '-' ? {} : { scale: m.scale }) });
      assert.deepStrictEqual(errors(a), []);
      assert.strictEqual(a.totals.params, m.params);
      assert.strictEqual(figure(a, 'gradients')!.value, m.gradients);
      assert.strictEqual(figure(a, 'layers')!.value, m.modules);
      const g = figure(a, 'GFLOPs')!;
      assert.ok(Math.abs(g.value - m.gflops) <= 1e-9 * m.gflops, `${g.value} vs ${m.gflops}`);
      for (const row of m.rows) {
        const e = a.entries[row.index];
        // oracle.py names yolov5's anchor heads DetectAnchors, SegmentAnchors; rows name the module as written.
        assert.strictEqual(e.kind.replace(/^nn\./, ''), row.module.replace(/Anchors$/, ''), `row ${row.index}`);
        assert.strictEqual(e.params, row.params, `row ${row.index} (${row.module}) parameters`);
        assert.deepStrictEqual(e.outputs ?? [e.shape], row.shapes, `row ${row.index} (${row.module}) shapes`);
      }
    });
  }
});
