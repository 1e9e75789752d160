// The Ultralytics YOLO reader against PyTorch: the published model figures (YOLOv8n/s: 3,157,200 /
// 11,166,560 parameters, 8.9 / 28.8 GFLOPs; YOLO11n: 2,624,080, 6.6 GFLOPs), every scale and every
// row of the example files as test/fixtures/ultralytics/oracle.py measures them with PyTorch, each
// module's expansion at two scales, and the reader's behaviour on files Ultralytics would refuse.
import * as assert from 'assert';
import { readFileSync } from 'fs';
import { join } from 'path';
import { check, type Analysis } from '../../engine';
import { NetworkBuilder, type Value } from '../../engine/analyse/network';
import { MODULES, DFL_PARAMETERS } from '../../engine/readers/ultralytics/modules';
import { thopOps } from '../../engine/readers/ultralytics/native';
import { Scope } from '../../engine/readers/ultralytics/scope';
import { makeDivisible, pyRound, scaledRepeats, scaleFromFileName } from '../../engine/readers/ultralytics/python';
import { repoRoot } from '../oracle';

const fixtures = join(repoRoot, 'test', 'fixtures', 'ultralytics');
const examples = join(repoRoot, 'examples', 'ultralytics');
const example = (name: string) => readFileSync(join(examples, name), 'utf8');
const native = (a: Analysis, label: string) => a.native?.figures.find((f) => f.label === label);
const errors = (a: Analysis) => a.findings.filter((f) => f.severity === 'error');

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
const models = (JSON.parse(readFileSync(join(fixtures, 'models.json'), 'utf8')) as { models: OracleModel[] }).models;

/** Python's f'{x:.1f}' for the figures the oracle computed. */
const pyText = (x: number) => x.toFixed(1);

describe('ultralytics: published figures', () => {
  const cases: Array<[string, string, number, string]> = [
    ['yolov8n.yaml', 'yolov8n.yaml', 3_157_200, '8.9'],
    ['yolov8n.yaml', 'yolov8s.yaml', 11_166_560, '28.8'],
    ['yolo11n.yaml', 'yolo11n.yaml', 2_624_080, '6.6'],
  ];
  for (const [file, name, params, gflops] of cases) {
    it(`${name}: ${params.toLocaleString('en-US')} parameters, ${gflops} GFLOPs at 640`, () => {
      const a = check(example(file), { fileName: name });
      assert.deepStrictEqual(errors(a), []);
      assert.strictEqual(a.format, 'ultralytics');
      assert.strictEqual(a.totals.params, params);
      assert.strictEqual(native(a, 'parameters')!.text, params.toLocaleString('en-US'));
      assert.strictEqual(native(a, 'gradients')!.value, params - DFL_PARAMETERS);
      assert.strictEqual(native(a, 'GFLOPs')!.text, gflops);
      assert.strictEqual(a.native!.tool, 'Ultralytics');
    });
  }
  it('YOLOv8n outputs one [144, H, W] map per level (64 box bins + 80 classes) at strides 8, 16, 32', () => {
    const a = check(example('yolov8n.yaml'), { fileName: 'yolov8n.yaml' });
    assert.deepStrictEqual(a.outputs.map((o) => o.shape), [[144, 80, 80], [144, 40, 40], [144, 20, 20]]);
  });
  it('the image size is an option: YOLOv8n at 320 is 2.2 GFLOPs, parameters unchanged', () => {
    const a = check(example('yolov8n.yaml'), { fileName: 'yolov8n.yaml', imageSize: 320 });
    assert.deepStrictEqual(a.input, [3, 320, 320]);
    assert.strictEqual(native(a, 'GFLOPs')!.text, '2.2');
    assert.strictEqual(a.totals.params, 3_157_200);
  });
});

describe('ultralytics: every scale and every row against PyTorch (oracle.py)', () => {
  for (const m of models) {
    const name = m.file.split('/').pop()!.replace(/n\.yaml$|s\.yaml$/, `${m.scale}.yaml`);
    it(`${m.file} scale ${m.scale} at ${m.imgsz}: totals and each row's output shapes and parameters`, () => {
      const a = check(readFileSync(join(repoRoot, m.file), 'utf8'), { fileName: name, imageSize: m.imgsz });
      assert.deepStrictEqual(errors(a), []);
      assert.strictEqual(a.totals.params, m.params);
      assert.strictEqual(native(a, 'gradients')!.value, m.gradients);
      assert.strictEqual(a.native!.details!.find((f) => f.label === 'layers')!.value, m.modules, "layers: len(model.modules())");
      const g = native(a, 'GFLOPs')!;
      assert.ok(Math.abs(g.value - m.gflops) <= 1e-9 * m.gflops, `${g.value} vs ${m.gflops}`);
      assert.strictEqual(g.text, pyText(m.gflops));
      assert.strictEqual(a.entries.length, m.rows.length);
      for (const row of m.rows) {
        const e = a.entries[row.index];
        // oracle.py names classes (Upsample, DetectAnchors for yolov5's head); rows name modules as written.
        assert.strictEqual(e.kind.replace(/^nn\./, ''), row.module.replace('DetectAnchors', 'Detect'), `row ${row.index}`);
        assert.strictEqual(e.params, row.params, `row ${row.index} (${row.module}) parameters`);
        assert.deepStrictEqual(e.outputs ?? [e.shape], row.shapes, `row ${row.index} (${row.module}) shapes`);
      }
    });
  }
});

describe('ultralytics: each module at two scales against PyTorch (modules.json)', () => {
  interface ModuleCase { name: string; scale: string; input: [number | number[], number]; params: number; ops: number; shapes: number[][] }
  const cases = (JSON.parse(readFileSync(join(fixtures, 'modules.json'), 'utf8')) as { cases: ModuleCase[] }).cases;
  /** The constructor arguments oracle.py used for each case (its lambdas, in order). */
  const argsOf: Record<string, (c: number, i: number) => unknown[]> = {
    Conv: (c, i) => (i === 0 ? [c, 2 * c, 3, 2] : [c, c, 6, 2, 2]),
    DWConv: (c) => [c, c, 3],
    Bottleneck: (c) => [c, c, true, 1, [3, 3], 0.5],
    C2f: (c, i) => (i === 0 ? [c, 2 * c, 2, true] : [2 * c, c, 1, false]),
    C3: (c, i) => (i === 0 ? [c, c, 2, true] : [2 * c, c, 1, false]),
    C3k2: (c, i) => (i === 0 ? [c, 2 * c, 1, false, 0.25] : [2 * c, 2 * c, 2, true]),
    SPPF: (c) => [2 * c, 2 * c, 5],
    SPP: (c) => [2 * c, 2 * c, [5, 9, 13]],
    C2PSA: (c) => [4 * c, 4 * c, 1],
    'Detect.v8': () => [80],
    'Detect.11': () => [80],
    'Detect.v5': () => [80, [[10, 13, 16, 30, 33, 23], [10, 13, 16, 30, 33, 23], [10, 13, 16, 30, 33, 23]]],
    GhostConv: (c, i) => (i === 0 ? [c, 2 * c, 3, 2] : [c, c, 1, 1]),
    GhostBottleneck: (c, i) => (i === 0 ? [c, c, 3, 1] : [c, 2 * c, 3, 2]),
    C3Ghost: (c) => [c, c, 2, true],
    C3x: (c, i) => (i === 0 ? [c, c, 2, true] : [2 * c, c, 1, false]),
    C2: (c, i) => (i === 0 ? [c, 2 * c, 2, true] : [2 * c, c, 1, false]),
    RepConv: (c, i) => [[c, c, 3, 1], [c, 2 * c, 3, 2, 1, 1, 1, true, true], [c, c, 3, 1, 1, 1, 1, true, true]][i],
    RepNCSPELAN4: (c, i) => (i === 0 ? [c, 2 * c, c, c / 2, 1] : [2 * c, 2 * c, 2 * c, c, 2]),
    ELAN1: (c) => [c, 2 * c, c, c / 2],
    AConv: (c) => [c, 2 * c],
    ADown: (c, i) => (i === 0 ? [c, 2 * c] : [2 * c, 2 * c]),
    SPPELAN: (c) => [2 * c, 2 * c, c, 5],
    SCDown: (c) => [c, 2 * c, 3, 2],
    C2fCIB: (c, i) => (i === 0 ? [c, c, 1, true, false] : [2 * c, 2 * c, 2, true, true]),
    PSA: (c) => [4 * c, 4 * c],
    Classify: (c) => [4 * c, 10],
    'Segment.v8': () => [80, 32, 64],
    'Segment.11': () => [80, 32, 64],
    'Pose.v8': () => [1, [17, 3]],
    'OBB.11': () => [15, 1],
    v10Detect: () => [80],
    'Segment.v5': (c) => [80, [[10, 13, 16, 30, 33, 23], [10, 13, 16, 30, 33, 23], [10, 13, 16, 30, 33, 23]], 32, c],
    ResNetLayer: (c, i) => (i === 0 ? [3, c, 1, true, 1] : [c, c, 2, false, 2]),
    ConvTranspose: (c) => [c, c, 2, 2],
    'nn.ConvTranspose2d': (c) => [c, 2 * c, 2, 2, 0],
  };
  const seen = new Map<string, number>();
  for (const c of cases) {
    const k = `${c.name}/${c.scale}`;
    const i = seen.get(k) ?? 0;
    seen.set(k, i + 1);
    it(`${c.name} (${c.scale}, variant ${i + 1}): parameters ${c.params}, thop operations ${c.ops}, shapes ${JSON.stringify(c.shapes)}`, () => {
      const [inC, hw] = c.input;
      const base = c.scale === 'narrow' ? 32 : 64;
      const channels = Array.isArray(inC) ? inC : [inC];
      const inputs: Value[] = channels.map((ch, l) => ({ index: -1, name: `input${l}`, shape: [ch, hw >> l, hw >> l] }));
      const net = new NetworkBuilder();
      const span = { start: 0, end: 1 };
      const module = c.name.startsWith('nn.') ? c.name : c.name.split('.')[0];
      const scope = new Scope({ net, origin: { entry: span, kindKey: span, innerEntry: span, blockPath: [], args: {} }, activation: { kind: 'silu', args: {} } }, 'm');
      const out = MODULES[module].build(scope, inputs, argsOf[c.name](base, i), { legacy: c.name.endsWith('.v8'), v5: c.name.endsWith('.v5') });
      assert.deepStrictEqual(net.findings, []);
      const anchorFree = !!MODULES[module].head && !c.name.endsWith('.v5');
      const params = net.layers.reduce((n, l) => n + l.params, 0) + (anchorFree ? DFL_PARAMETERS : 0);
      const anchors = inputs.reduce((n, v) => n + v.shape![1] * v.shape![2], 0);
      const ops = net.layers.reduce((n, l) => n + thopOps(l), 0) + (anchorFree ? 4 * DFL_PARAMETERS * anchors : 0);
      assert.strictEqual(params, c.params, 'parameters');
      assert.strictEqual(ops, c.ops, 'operations');
      assert.deepStrictEqual((Array.isArray(out) ? out : [out]).map((v) => v.shape), c.shapes);
    });
  }
});

describe("ultralytics: parse_model's arithmetic", () => {
  it("Python's round (halves to even), make_divisible and the depth gain", () => {
    assert.deepStrictEqual([0.5, 1.5, 2.5, 3.5, 2.49, 2.51].map(pyRound), [0, 2, 2, 4, 2, 3]);
    assert.strictEqual(makeDivisible(1024 * 0.25, 8), 256);
    assert.strictEqual(makeDivisible(100 * 0.33, 8), 40);
    assert.deepStrictEqual([1, 2, 3, 6, 9].map((n) => scaledRepeats(n, 0.33)), [1, 1, 1, 2, 3]);
    assert.deepStrictEqual([3, 6].map((n) => scaledRepeats(n, 0.67)), [2, 4]);
    assert.strictEqual(scaledRepeats(5, 0.5), 2, 'round(2.5) = 2 in Python');
  });
  it('the scale comes from the file name as guess_model_scale reads it', () => {
    assert.deepStrictEqual(['yolov8n.yaml', 'yolo11s.yaml', 'models/yolov5m.yaml', 'yolov8x-p6.yaml', 'yoloe-11l.yaml', 'yolov8.yaml', 'model.yaml'].map(scaleFromFileName), ['n', 's', 'm', 'x', 'l', undefined, undefined]);
  });
  it('without a scale in the name: the first of `scales` (a CL013 note at `scales:`), or the chosen one', () => {
    const text = example('yolov8n.yaml');
    const a = check(text, { fileName: 'yolov8.yaml' });
    const note = a.findings.find((f) => f.code === 'CL013')!;
    assert.strictEqual(note.severity, 'info');
    assert.strictEqual(text.slice(note.span.start, note.span.end), 'scales');
    assert.ok(note.message.includes("'n'"), note.message);
    assert.strictEqual(a.totals.params, 3_157_200);
    const s = check(text, { fileName: 'yolov8.yaml', scale: 's' });
    assert.strictEqual(s.totals.params, 11_166_560);
    assert.ok(s.findings.find((f) => f.code === 'CL013')!.message.includes('chosen'));
    // The file name wins over the option, as in Ultralytics.
    assert.strictEqual(check(text, { fileName: 'yolov8n.yaml', scale: 's' }).totals.params, 3_157_200);
  });
  it('YOLO11 at scale m turns on C3k2’s c3k (parse_model does for m, l, x) and the head drops the legacy branch', () => {
    const a = check(example('yolo11n.yaml'), { fileName: 'yolo11m.yaml' });
    assert.ok(a.layers.some((l) => l.name.startsWith('model.2.m.0.m.0.cv1')), 'C3k inside C3k2');
    assert.ok(a.layers.some((l) => l.name === 'model.23.cv3.0.0.0.conv' && (l.args as { groups: number }).groups > 1), 'depthwise classification branch');
  });
  it('layers are named after their PyTorch modules', () => {
    const a = check(example('yolov8n.yaml'), { fileName: 'yolov8n.yaml' });
    const names = new Set(a.layers.map((l) => l.name));
    for (const n of ['model.0.conv', 'model.0.bn', 'model.2.m.0.cv1.conv', 'model.9.m:3', 'model.22.cv2.0.2', 'model.22.cv3.2.1.act']) assert.ok(names.has(n), n);
  });
  it('rows record their repeats as written and after the depth gain', () => {
    const a = check(example('yolov8n.yaml'), { fileName: 'yolov8n.yaml' });
    assert.deepStrictEqual(a.entries[4].repeats, { written: 6, scaled: 2 });
    assert.deepStrictEqual(a.entries[0].repeats, { written: 1, scaled: 1 });
  });
});

describe('ultralytics: files Ultralytics would refuse', () => {
  const base = example('yolov8n.yaml');
  const mutate = (from: string, to: string) => {
    assert.ok(base.includes(from), from);
    return base.replace(from, to);
  };
  it('an unknown module: CL003 at its name with a suggestion; its row and every row reading it withheld; the totals withheld', () => {
    const text = mutate('[-1, 6, C2f, [512, True]] # 6', '[-1, 6, C2F, [512, True]] # 6');
    const a = check(text, { fileName: 'yolov8n.yaml' });
    const e = errors(a);
    assert.strictEqual(e.length, 1);
    assert.strictEqual(e[0].code, 'CL003');
    assert.strictEqual(text.slice(e[0].span.start, e[0].span.end), 'C2F');
    assert.ok(e[0].message.includes("did you mean 'C2f'"), e[0].message);
    assert.strictEqual(a.native, undefined);
    assert.ok(!a.entries.some((en) => en.name === 'model.6'), 'no figures for row 6');
    assert.ok(a.entries.some((en) => en.name === 'model.5' && en.shape), 'row 5 still analysed');
    for (const withheld of ['model.7', 'model.8', 'model.9', 'model.22']) assert.ok(!a.entries.some((en) => en.name === withheld && en.shape), withheld);
  });
  it('a row that reads a later row, or reaches before the first', () => {
    const a = check(mutate('[[-1, 6], 1, Concat, [1]]', '[[-1, 16], 1, Concat, [1]]'), { fileName: 'yolov8n.yaml' });
    assert.ok(errors(a).some((f) => f.code === 'CL005' && f.message.includes('only rows before it')));
    const b = check(mutate('[-1, 1, Conv, [128, 3, 2]] # 1', '[-3, 1, Conv, [128, 3, 2]] # 1'), { fileName: 'yolov8n.yaml' });
    assert.ok(errors(b).some((f) => f.code === 'CL005'));
  });
  it('wrong argument types point at the argument', () => {
    const text = mutate('[-1, 1, Conv, [64, 3, 2]]', '[-1, 1, Conv, [64, three, 2]]');
    const a = check(text, { fileName: 'yolov8n.yaml' });
    const e = errors(a)[0];
    assert.strictEqual(text.slice(e.span.start, e.span.end), 'three');
  });
  it('a Concat of maps of different sizes is a located CL104 from the engine', () => {
    const a = check(mutate('[[-1, 6], 1, Concat, [1]]', '[[-1, 4], 1, Concat, [1]]'), { fileName: 'yolov8n.yaml' });
    assert.ok(errors(a).some((f) => f.code === 'CL104'));
  });
  it('C3TR (a transformer block) is a located error naming it; its row, the rows reading it and the totals are withheld', () => {
    const text = mutate('[-1, 6, C2f, [512, True]] # 6', '[-1, 6, C3TR, [512, True]] # 6');
    const a = check(text, { fileName: 'yolov8n.yaml' });
    const e = errors(a);
    assert.strictEqual(e.length, 1);
    assert.strictEqual(text.slice(e[0].span.start, e[0].span.end), 'C3TR');
    assert.match(e[0].message, /does not model C3TR: .*MultiheadAttention.*withheld/);
    assert.strictEqual(a.native, undefined);
    assert.ok(!a.entries.some((en) => en.name === 'model.22' && en.shape), 'the head reads it: withheld');
  });
  it('CBLinear maps are read by CBFuse only; bad CBFuse indexes point at the argument', () => {
    const cb = 'nc: 2\nbackbone:\n  - [-1, 1, Conv, [8, 3, 2]]\n  - [-1, 1, CBLinear, [[4, 8]]]\n  - [0, 1, Conv, [8, 3, 1]]\nhead:\n  - [-1, 1, Conv, [8, 1, 1]]\n';
    const direct = check(cb.replace('[0, 1, Conv, [8, 3, 1]]', '[1, 1, Conv, [8, 3, 1]]'), { format: 'ultralytics' });
    assert.ok(errors(direct).some((f) => f.message.includes('Row 1 outputs 2 maps')), JSON.stringify(errors(direct)));
    const fuse = cb + '  - [[1, -1], 1, CBFuse, [[5]]]\n';
    const bad = check(fuse, { format: 'ultralytics' });
    const f = errors(bad).find((x) => x.message.includes('idx[0] = 5'))!;
    assert.ok(f, JSON.stringify(errors(bad)));
    assert.strictEqual(fuse.slice(f.span.start, f.span.end), '[5]');
    const good = check(fuse.replace('[[5]]', '[[1]]'), { format: 'ultralytics' });
    assert.deepStrictEqual(errors(good), []);
    assert.deepStrictEqual(good.entries[4].shape, [8, 320, 320]);
  });
  it('broken structure never throws', () => {
    for (const text of ['backbone: 3\nhead: []\n', 'backbone:\n  - [-1, 1]\nhead:\n  - 7\n', 'nc: x\nbackbone:\n  - [-1, 1, Conv, []]\nhead: []\n', 'backbone:\n  - [-1, 0, Conv, [8]]\nhead:\n', '- 1\n', 'backbone:\n  - [-1, 1, C2PSA, [16]]\nhead: []\n']) {
      const a = check(text, { format: 'ultralytics' });
      assert.ok(a.findings.length > 0, text);
      for (const f of a.findings) assert.ok(f.span.start >= 0 && f.span.end <= text.length, `${f.code} span`);
    }
  });
});
