// Trained weights reach the kernels by layer name (kernels/runtime/weights.ts): the executor uses
// a store's tensors (conv, linear, batchnorm statistics, also when the batchnorm runs as a fused
// stage of its conv), refuses a store that does not fit, and without one draws fan-in-scaled
// weights that keep a deep network's activations at the input's scale.
import * as assert from 'node:assert/strict';
import { check } from '../../engine';
import type { Analysis } from '../../engine/types';
import { execute, ExecutionError } from '../../kernels/runtime/execute';
import { WeightStore, weightFit, networkTensors, expectedTensors } from '../../kernels/runtime/weights';
import { makeSample } from '../../kernels/runtime/samples';
import { conv, batchNorm, relu, linear, flatten, tensor, mulberry32, type Tensor } from '../../kernels';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readExample, exampleFiles, examplesDir } from './helpers/examples';

function analyse(text: string, opts = {}): Analysis {
  const a = check(text, opts);
  const errs = a.findings.filter((f) => f.severity === 'error');
  assert.equal(errs.length, 0, errs.map((e) => e.message).join('\n'));
  return a;
}

function random(shape: number[], seed: number, scale = 1, offset = 0): Tensor {
  const r = mulberry32(seed);
  const data = new Float32Array(shape.reduce((p, n) => p * n, 1));
  for (let i = 0; i < data.length; i++) data[i] = (r() * 2 - 1) * scale + offset;
  return { shape, data };
}

function store(entries: Record<string, Record<string, Tensor>>, eps?: Record<string, number>): WeightStore {
  return {
    layers: new Map(Object.entries(entries).map(([l, p]) => [l, new Map(Object.entries(p))])),
    eps: eps ? new Map(Object.entries(eps)) : undefined,
  };
}

function close(got: Float32Array, want: Float32Array, what: string, rel = 1e-5): void {
  assert.equal(got.length, want.length, what);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < got.length; i++) {
    worst = Math.max(worst, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  assert.ok(worst <= rel * Math.max(scale, 1e-6), `${what}: off by ${worst} (scale ${scale})`);
}

const NET = `input: [3, 8, 8]
layers:
  - conv: {out: 4, kernel: 3, padding: 1, bias: false}
    name: c1
  - batchnorm: {}
    name: bn1
  - relu: {}
    name: r1
  - flatten: {}
    name: f
  - linear: {out: 5}
    name: fc
`;

function netWeights(): Record<string, Record<string, Tensor>> {
  return {
    c1: { weight: random([4, 3, 3, 3], 1) },
    bn1: { weight: random([4], 2, 0.5, 1), bias: random([4], 3), running_mean: random([4], 4), running_var: random([4], 5, 0.5, 1) },
    fc: { weight: random([5, 256], 6, 0.1), bias: random([5], 7) },
  };
}

/** The same network by hand with the separate kernels (no fused stages). */
function byHand(x: Tensor, w: Record<string, Record<string, Tensor>>, eps: number): Tensor {
  const c = conv(x, w.c1.weight, null, { padding: 1 });
  const b = batchNorm(c, { eps, weight: w.bn1.weight.data, bias: w.bn1.bias.data, mean: w.bn1.running_mean.data, var: w.bn1.running_var.data });
  return linear(flatten(relu(b)), w.fc.weight, w.fc.bias);
}

describe('weights by layer name', () => {
  const a = analyse(NET);
  const x = makeSample('noise', [3, 8, 8], 1);

  it('conv, batchnorm (fused into the conv, and alone) and linear use the store', () => {
    const w = netWeights();
    const want = byHand(x, w, 1e-5);
    // Unobserved: the batchnorm and relu run as stages of the conv.
    const quiet = execute(a, x, { weights: store(w) });
    close(quiet.outputs.get('fc')!.data, want.data, 'fused');
    assert.equal(quiet.randomWeights, false);
    // Observed, every layer kept: the stages write each output, the batchnorm's is checked too.
    const all = execute(a, x, { weights: store(w), keepAll: true });
    const c = conv(x, w.c1.weight, null, { padding: 1 });
    const bn = batchNorm(c, { eps: 1e-5, weight: w.bn1.weight.data, bias: w.bn1.bias.data, mean: w.bn1.running_mean.data, var: w.bn1.running_var.data });
    close(all.outputs.get('bn1')!.data, bn.data, 'bn1');
    close(all.outputs.get('fc')!.data, want.data, 'observed');
    // Different weights, different output: the store is really read.
    const other = netWeights();
    other.bn1.running_mean = random([4], 99);
    assert.notDeepEqual(Array.from(execute(a, x, { weights: store(other) }).outputs.get('fc')!.data), Array.from(quiet.outputs.get('fc')!.data));
  });

  it("the file's batchnorm epsilon wins over the layer's", () => {
    const w = netWeights();
    w.bn1.running_var = random([4], 5, 0.001, 0.002); // small variances make eps matter
    const got = execute(a, x, { weights: store(w, { bn1: 1e-3 }) }).outputs.get('fc')!;
    close(got.data, byHand(x, w, 1e-3).data, 'eps 1e-3');
    assert.ok(Math.abs(got.data[0] - byHand(x, w, 1e-5).data[0]) > 1e-3);
  });

  it('refuses a wrong shape, naming the layer and both shapes', () => {
    const w = netWeights();
    w.c1.weight = random([4, 3, 5, 5], 1);
    assert.throws(() => execute(a, x, { weights: store(w) }), (e: Error) => e instanceof ExecutionError && /c1\.weight is \[4, 3, 5, 5\], expected \[4, 3, 3, 3\]/.test(e.message));
  });

  it('refuses a store with missing or unexpected tensors instead of drawing the rest', () => {
    const w = netWeights();
    delete (w.bn1 as Record<string, Tensor>).running_var;
    (w as Record<string, Record<string, Tensor>>).extra = { weight: random([2], 1) };
    const fit = weightFit(a, store(w));
    assert.equal(fit.matched, 6);
    assert.deepEqual(fit.missing.map((m) => `${m.layer}.${m.param}`), ['bn1.running_var']);
    assert.deepEqual(fit.unexpected, ['extra.weight']);
    assert.throws(() => execute(a, x, { weights: store(w) }), /weights: the weights do not fit the network \(6 of 7 tensors match\); missing: bn1\.running_var \[4\]; unexpected: extra\.weight/);
  });

  it('lists what the network takes, with shapes from the analysis; inline weights are not asked for', () => {
    assert.deepEqual(networkTensors(a).map((t) => `${t.layer}.${t.param} ${t.shape.join('x')}`), [
      'c1.weight 4x3x3x3', 'bn1.weight 4', 'bn1.bias 4', 'bn1.running_mean 4', 'bn1.running_var 4', 'fc.weight 5x256', 'fc.bias 5',
    ]);
    const inline = analyse(readExample('lecture-1d-edge.cnn.yaml'));
    assert.deepEqual(networkTensors(inline), []);
    // The file's own weights still run with an (empty) store.
    const r = execute(inline, tensor([1, 7], [0, 0, 0, 5, 5, 5, 2]), { weights: store({}) });
    assert.equal(r.randomWeights, false);
  });

  it('a run without a store says its weights are random', () => {
    assert.equal(execute(a, x, {}).randomWeights, true);
  });
});

describe('random preview weights keep the scale', () => {
  it("YOLOv8n's head stays within two orders of magnitude of the input (torch's default: four orders below)", function () {
    this.timeout(60000);
    const a = analyse(readExample('ultralytics/yolov8n.yaml'), { fileName: 'yolov8n.yaml', imageSize: 64 });
    const x = makeSample('noise', a.input!, 1);
    const rms = (t: Tensor) => Math.sqrt(t.data.reduce((s, v) => s + v * v, 0) / t.data.length);
    const heads = (init: 'torch' | 'scaled') => {
      const out: number[] = [];
      execute(a, x, { seed: 1, init, onLayer: (i, t, l) => /^model\.22\.cv[23]\.\d\.1\.conv$/.test(l.name) && out.push(rms(t)) });
      return out;
    };
    const inRms = rms(x);
    const scaled = heads('scaled');
    assert.equal(scaled.length, 6);
    for (const r of scaled) assert.ok(r > inRms / 100 && r < inRms * 100, `head rms ${r} vs input ${inRms}`);
    for (const r of heads('torch')) assert.ok(r < inRms * 1e-4, `torch default head rms ${r}`);
  });
});

describe('the tensors a network takes agree with its parameter count', () => {
  it("for every example and layer: Σ numel of expectedTensors = the layer's params + buffers", () => {
    const files = [
      ...exampleFiles().map((f) => ({ f, text: readExample(f), opts: {} })),
      ...['yolov8n.yaml', 'yolo11n.yaml', 'yolov5s.yaml'].map((f) => ({ f, text: readExample(`ultralytics/${f}`), opts: { fileName: f, imageSize: 64 } })),
      ...readdirSync(join(examplesDir, 'darknet')).filter((f) => f.endsWith('.cfg')).map((f) => ({ f, text: readExample(`darknet/${f}`), opts: { fileName: f } })),
    ];
    assert.ok(files.length > 20);
    for (const { f, text, opts } of files) {
      const a = check(text, opts);
      if (a.layers.some((l) => !l.shape)) continue;
      for (const l of a.layers) {
        let n = 0;
        for (const shape of Object.values(expectedTensors(l, l.inputShapes[0]))) n += shape.reduce((p, k) => p * k, 1);
        assert.equal(n, l.params + l.buffers, `${f} ${l.name}`);
      }
    }
  });
});
