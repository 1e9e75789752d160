// The preview's executor (kernels/runtime/execute.ts); `convlens run` is tested in test/cli.
//  1. Weights from the file are used exactly (the lecture's [1, 0, −1] edge filter).
//  2. Impulse responses of the linearised, positive network equal the engine's receptive field
//     at EVERY output position, holes included, for inline stacks and example networks: an
//     impulse at input p reaches output o exactly when p is in fieldAt(o) on every axis.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { check, fieldAt } from '../../engine';
import type { Analysis } from '../../engine/types';
import { execute, executeAsync, ExecutionCancelled, layerSeed, runLayer, paramOptions, type ExecuteOptions } from '../../kernels/runtime/execute';
import { makeSample, SAMPLES, samplesFor, imageToInput } from '../../kernels/runtime/samples';
import { tensor, numel, mulberry32, setKernelBackend, type Tensor } from '../../kernels';
import { readExample } from './helpers/examples';
import { unravel } from './helpers/reference';
import { repoRoot } from '../oracle';

function analyse(text: string): Analysis {
  const a = check(text);
  const errs = a.findings.filter((f) => f.severity === 'error');
  assert.equal(errs.length, 0, errs.map((e) => e.message).join('\n'));
  return a;
}

function allOutputs(a: Analysis, input: Tensor, opts: ExecuteOptions = {}): Tensor[] {
  const outs: Tensor[] = [];
  execute(a, input, { ...opts, onLayer: (i, t) => (outs[i] = t) });
  return outs;
}

describe('execute: weights from the file', () => {
  it("the lecture's [1, 0, -1] edge filter gives exactly its output (stride 1 and 2)", () => {
    const a = analyse(readExample('lecture-1d-edge.cnn.yaml'));
    const x = tensor([1, 7], [0, 0, 0, 5, 5, 5, 2]);
    const outs = allOutputs(a, x);
    // y[i] = x[i] - x[i + 2]
    assert.deepEqual(Array.from(outs[0].data), [0, -5, -5, 0, 3]);
    assert.deepEqual(outs[0].shape, [1, 5]);
    assert.deepEqual(Array.from(outs[1].data), [0, -5, 3]);
    assert.deepEqual(outs[1].shape, [1, 3]);
  });

  it('uses bias values and 2-D weights from inline YAML, independent of the seed', () => {
    const text = `input: [1, 3, 3]
layers:
  - conv: {out: 2, kernel: 2, weights: [[[[1, 0], [0, -1]]], [[[0.5, 0.5], [0.5, 0.5]]]], bias: [10, -1]}
    name: c
`;
    const a = analyse(text);
    const x = tensor([1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const seed of [0, 7]) {
      const [y] = allOutputs(a, x, { seed });
      // channel 0: x[i][j] - x[i+1][j+1] + 10 = -4 + 10; channel 1: mean of 2x2 * 2 - 1
      assert.deepEqual(Array.from(y.data), [6, 6, 6, 6, 5, 7, 11, 13]);
    }
  });

  it("init 'torch' is seeded, deterministic and within PyTorch bounds (U(±1/sqrt(fan_in)))", () => {
    const text = `input: [2, 5, 5]
layers:
  - conv: {out: 4, kernel: 3, padding: 1}
    name: c
`;
    const a = analyse(text);
    // Impulse in channel 0 only at the centre reads weight[:, 0, :, :] flipped around the centre.
    const x = makeSample('impulse', [2, 5, 5]);
    x.data.fill(0, 25);
    const y1 = allOutputs(a, x, { seed: 1, init: 'torch' })[0];
    const y1b = allOutputs(a, x, { seed: 1, init: 'torch' })[0];
    const y2 = allOutputs(a, x, { seed: 2, init: 'torch' })[0];
    assert.deepEqual(Array.from(y1.data), Array.from(y1b.data));
    assert.notDeepEqual(Array.from(y1.data), Array.from(y2.data));
    const bound = 1 / Math.sqrt(2 * 9);
    // Corners of the 5x5 output see no tap: they are the bias alone, within the bias bound.
    for (let c = 0; c < 4; c++) {
      const bias = y1.data[c * 25];
      assert.ok(Math.abs(bias) <= bound, `bias ${bias}`);
      for (let i = 6; i <= 18; i++) if ([6, 7, 8, 11, 12, 13, 16, 17, 18].includes(i)) assert.ok(Math.abs(y1.data[c * 25 + i] - bias) <= bound + 1e-6);
    }
    assert.notEqual(layerSeed(0, 'a'), layerSeed(0, 'b'));
    assert.notEqual(layerSeed(0, 'a'), layerSeed(1, 'a'));
  });

  it('batchnorm runs with identity statistics (x / sqrt(1 + eps))', () => {
    const a = analyse(`input: [2, 4]
layers:
  - batchnorm: {eps: 0.25}
`);
    const x = tensor([2, 4], [1, 2, 3, 4, -1, -2, -3, -4]);
    const [y] = allOutputs(a, x);
    y.data.forEach((v, i) => assert.ok(Math.abs(v - x.data[i] / Math.sqrt(1.25)) < 1e-6));
  });

  it('runs every example network end to end with the shapes the engine predicts (small inputs)', function () {
    this.timeout(120000);
    // The ImageNet-sized examples run at 64×64 (their heads adapt: global pooling), the rest as written.
    for (const file of ['tiny-vgg.cnn.yaml', 'unet-small.cnn.yaml', 'mobilenet_v2.cnn.yaml', 'squeezenet1_1.cnn.yaml', 'xception-separable.cnn.yaml', 'resnet50.cnn.yaml', 'tcn.cnn.yaml', 'conv3d.cnn.yaml', 'lecture-separable.cnn.yaml', 'lecture-two-3x3.cnn.yaml', 'lecture-conv-6x6.cnn.yaml', 'dilated-gridding.cnn.yaml']) {
      if (!existsSync(join(repoRoot, 'examples', file))) continue;
      let text = readExample(file);
      text = text.replace(/input: \[3, (224|299), (224|299)\]/, 'input: [3, 64, 64]').replace('input: [3, 16, 112, 112]', 'input: [3, 16, 32, 32]');
      const a = check(text);
      if (a.findings.some((f) => f.severity === 'error')) continue; // (a fixed-size head: skip)
      let n = 0;
      execute(a, makeSample('noise', a.input!, 1), {
        seed: 3,
        onLayer: (i, t) => {
          n++;
          assert.deepEqual(t.shape, a.layers[i].shape, `${file} ${a.layers[i].name}`);
          assert.ok(t.data.every((v) => Number.isFinite(v)), `${file} ${a.layers[i].name} has non-finite values`);
        },
      });
      assert.equal(n, a.layers.length, file);
    }
  });

  it('stops between layers when the signal is aborted (async)', async () => {
    const a = analyse(readExample('tiny-vgg.cnn.yaml'));
    const signal = { aborted: false };
    let seen = 0;
    await assert.rejects(
      executeAsync(a, makeSample('noise', a.input!), { signal, onLayer: () => { if (++seen === 3) signal.aborted = true; } }),
      ExecutionCancelled,
    );
    assert.equal(seen, 3);
  });

  it('releases every output once, when no later layer reads it; moving the owned buffers away changes nothing', async function () {
    this.timeout(60000);
    // What the worker does: each released output is posted to the page with its buffer moved
    // (detached here), so a wrong "owned" or an early release would break a later layer.
    const inline = `input: [4, 9]
layers:
  - {name: a, conv: {out: 6, kernel: 3, padding: 1}}
  - {name: f, flatten: {}}
  - {name: g, identity: {}}
  - {name: fc, linear: {out: 5}}
outputs: [fc, a]
`;
    for (const [what, text, size] of [['resnet50', readExample('resnet50.cnn.yaml'), 'input: [3, 64, 64]'], ['inline with views', inline, null]] as const) {
      const a = analyse(size ? text.replace(/input: \[3, 224, 224\]/, size) : text);
      const x = makeSample('noise', a.input!, 2);
      const want = allOutputs(a, x, { seed: 4 }).map((t) => Array.from(t.data));
      const got: number[][] = [];
      const views: string[] = [];
      const seenAt: number[] = [];
      let step = -1;
      await executeAsync(a, x, {
        seed: 4,
        onLayer: (i) => (step = i),
        onRelease: (i, t, owned) => {
          assert.equal(got[i], undefined, `${what}: ${a.layers[i].name} released twice`);
          got[i] = Array.from(t.data);
          seenAt[i] = step;
          if (owned) structuredClone(t.data, { transfer: [t.data.buffer] });
          else views.push(a.layers[i].name);
        },
      });
      assert.equal(got.filter(Boolean).length, a.layers.length, `${what}: every layer released`);
      a.layers.forEach((l, i) => {
        assert.deepEqual(got[i], want[i], `${what}: ${l.name}`);
        const last = Math.max(i, ...a.layers.flatMap((m, j) => (m.from.includes(l.name) ? [j] : [])));
        const kept = a.outputs.some((o) => o.name === l.name);
        assert.ok(kept ? seenAt[i] === a.layers.length - 1 : seenAt[i] === last, `${what}: ${l.name} released after layer ${seenAt[i]}, its last reader is ${last}`);
      });
      // f (a view of a's buffer) is released while a, an output, is still held: f is copied,
      // and a's buffer is moved at the end.
      if (what !== 'resnet50') assert.deepEqual(views, ['f']);
    }
  });

  it('rejects an input of the wrong shape with a clear message', () => {
    const a = analyse(readExample('tiny-vgg.cnn.yaml'));
    assert.throws(() => execute(a, makeSample('noise', [3, 32, 32])), /sample tensor is \[3, 32, 32\] but the network's input is \[3, 64, 64\]/);
  });
});

describe('execute: layers computed as stages of the convolution before them', () => {
  // conv → batchnorm → relu; conv → batchnorm → add → relu (a residual); conv → relu; depthwise →
  // batchnorm → relu; and chains that must stop early: a batchnorm read twice, a batchnorm that
  // is a network output, a conv that is one, a three-input add.
  const text = `input: [6, 12, 12]
layers:
  - {name: c1, conv: {out: 8, kernel: 3, padding: 1}}
  - {name: b1, batchnorm: {}}
  - {name: r1, relu: {}}
  - {name: c2, conv: {out: 8, kernel: 3, padding: 1, bias: false}}
  - {name: b2, batchnorm: {}}
  - {name: s2, add: {}, from: [r1, b2]}
  - {name: r2, relu: {}}
  - {name: c3, conv: {out: 8, kernel: 1}}
  - {name: r3, relu: {}}
  - {name: c4, conv: {out: 8, kernel: 3, padding: 1}}
  - {name: b4, batchnorm: {}}
  - {name: r4, relu: {}, from: [b4]}
  - {name: s4, add: {}, from: [b4, r4]}
  - {name: c5, conv: {out: 8, kernel: 1}}
  - {name: b5, batchnorm: {}}
  - {name: r5, relu: {}}
  - {name: c6, conv: {out: 8, kernel: 1}}
  - {name: s6, add: {}, from: [c6, r5, s4]}
  - {name: dw, depthwise: {kernel: 3, padding: 1}}
  - {name: b7, batchnorm: {}}
  - {name: r7, relu: {}}
  - {name: c8, conv: {out: 8, kernel: 3, padding: 1}}
  - {name: r8, relu: {}}
outputs: [b5, r7, c8, r8]
`;
  const fused = ['b1', 'r1', 'b2', 's2', 'r2', 'r3', 'b4', 'b5', 'b7', 'r7'];

  it('every layer equals computing it alone, bit for bit, whether every output is seen or only the outputs', () => {
    const a = analyse(text);
    const x = makeSample('noise', a.input!, 5);
    // Layer by layer with runLayer: the numbers the stages must reproduce.
    const alone = new Map<string, Tensor>([['input', x]]);
    const po = paramOptions(a.layers);
    for (const l of a.layers) alone.set(l.name, runLayer(l, l.from.map((f) => alone.get(f)!), 9, false, po));
    const seen: Tensor[] = [];
    const r = execute(a, x, { seed: 9, onLayer: (i, t) => (seen[i] = t) });
    a.layers.forEach((l, i) => assert.deepEqual(Array.from(seen[i].data), Array.from(alone.get(l.name)!.data), l.name));
    // The fused layers took no time of their own (their work is in the convolution's time).
    a.layers.forEach((l, i) => assert.equal(r.timings[i] === 0, fused.includes(l.name), `${l.name}: ${r.timings[i]} ms`));
    // Unobserved, the intermediate outputs are not kept; the network outputs are the same.
    const quiet = execute(a, x, { seed: 9 });
    assert.deepEqual([...quiet.outputs.keys()].sort(), ['b5', 'c8', 'r7', 'r8']);
    for (const [name, t] of quiet.outputs) assert.deepEqual(Array.from(t.data), Array.from(alone.get(name)!.data), name);
  });

  it('an unobserved run reuses the buffers it no longer reads, never those of the outputs it returns', () => {
    const inline = `input: [3, 16, 16]
layers:
  - {name: c, conv: {out: 8, kernel: 3, padding: 1}}
  - {name: r, relu: {}}
  - {name: f, flatten: {}}
  - {name: g, identity: {}, from: [r]}
  - {name: p, maxpool: {kernel: 2}, from: [g]}
  - {name: fc, linear: {out: 10}, from: [f]}
outputs: [f, p, fc]
`;
    for (const text of [inline, readExample('resnet50.cnn.yaml').replace(/input: \[3, 224, 224\]/, 'input: [3, 64, 64]')]) {
      const a = analyse(text);
      const x = makeSample('noise', a.input!, 3);
      const first = execute(a, x, { seed: 1 }).outputs;
      const copies = new Map([...first].map(([n, t]) => [n, Array.from(t.data)]));
      for (const seed of [2, 3]) execute(a, x, { seed }); // these runs take the recycled buffers
      for (const [n, t] of first) assert.deepEqual(Array.from(t.data), copies.get(n), n);
      const again = execute(a, x, { seed: 1 }).outputs;
      for (const [n, t] of again) assert.deepEqual(Array.from(t.data), copies.get(n), `${n} again`);
    }
  });

  it('the TypeScript kernels give the same numbers', () => {
    const a = analyse(text);
    const x = makeSample('noise', a.input!, 6);
    const run = () => [...execute(a, x, { seed: 2, keepAll: true }).outputs.values()].map((t) => Array.from(t.data));
    const wasm = run();
    setKernelBackend('js');
    try {
      const js = run();
      js.forEach((v, i) => v.forEach((e, k) => assert.ok(Math.abs(e - wasm[i][k]) <= 1e-5 * Math.max(1, Math.abs(e)), `output ${i}[${k}]: ${e} vs ${wasm[i][k]}`)));
    } finally {
      setKernelBackend('auto');
    }
  });
});

describe('samples', () => {
  it('every sample matches the input shape at ranks 1-3; the impulse is a single 1 per channel at the centre', () => {
    for (const shape of [[2, 9], [3, 8, 7], [1, 4, 5, 6]]) {
      for (const s of samplesFor(shape.length - 1)) {
        const t = makeSample(s.name, shape, 4);
        assert.deepEqual(t.shape, shape);
        assert.equal(t.data.length, numel(shape));
        assert.ok(t.data.every((v) => v >= -1 && v <= 1), s.name);
        if (s.name !== 'impulse') assert.ok(new Set(t.data).size > 1, `${s.name} is constant`);
      }
      const imp = makeSample('impulse', shape);
      const per = numel(shape.slice(1));
      assert.equal(imp.data.reduce((n, v) => n + v, 0), shape[0]);
      const centre = shape.slice(1).reduce((k, n) => k * n + Math.floor(n / 2), 0);
      for (let c = 0; c < shape[0]; c++) assert.equal(imp.data[c * per + centre], 1);
    }
    // Position by position, at rank 3: the ramp is the mean of the normalised coordinates, the
    // edge steps along the last axis, the checkerboard alternates in cells of round(n / 8).
    const norm = (i: number, n: number) => (2 * i) / (n - 1) - 1;
    const [D, H, W] = [4, 5, 17];
    const ramp = makeSample('ramp', [2, D, H, W]).data;
    const edge = makeSample('edge', [2, D, H, W]).data;
    const board = makeSample('checkerboard', [2, D, H, W]).data;
    for (let c = 0; c < 2; c++) for (let d = 0; d < D; d++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const k = ((c * D + d) * H + y) * W + x;
      assert.ok(Math.abs(ramp[k] - (norm(d, D) + norm(y, H) + norm(x, W)) / 3) < 1e-6, `ramp at ${[c, d, y, x]}`);
      assert.equal(edge[k], x >= 8 ? 1 : -1, `edge at ${[c, d, y, x]}`);
      assert.equal(board[k], (d + y + Math.floor(x / 2)) % 2 === 0 ? 1 : -1, `checkerboard at ${[c, d, y, x]}`);
    }
    // Noise is the seed's stream of U(−1, 1) draws, channel after channel.
    const rng = mulberry32(7);
    assert.deepEqual(makeSample('noise', [2, 3, 50], 7).data, Float32Array.from({ length: 300 }, () => rng() * 2 - 1));
    assert.notDeepEqual(makeSample('noise', [2, 3, 50], 8).data, makeSample('noise', [2, 3, 50], 7).data);
    assert.ok(SAMPLES.some((s) => s.name === 'sine') && samplesFor(1).some((s) => s.name === 'sine'));
    assert.throws(() => makeSample('nope', [1, 4]), /unknown sample/);
  });

  it('maps an RGBA image to the input channels (grey for 1, RGB for 3), resized', () => {
    const rgba = new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]); // 2x2
    const t = imageToInput(rgba, 2, 2, [3, 2, 2]);
    assert.deepEqual(Array.from(t.data), [1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1]);
    const g = imageToInput(rgba, 2, 2, [1, 4, 4]);
    assert.equal(g.shape.join(), '1,4,4');
    assert.ok(Math.abs(g.data[0] - 0.299) < 1e-6 && Math.abs(g.data[15] - 1) < 1e-6);
  });
});

// ---------------------------------------------------------------------------------------------
// Impulse response = receptive field.

interface Mismatch {
  layer: string;
  impulse: number[];
  output: number[];
  expected: boolean;
}

/**
 * For every input position p: an impulse at p (all channels) through the positive network; for
 * every layer with a local field and every output position o, "some channel of o is nonzero" must
 * equal "p ∈ fieldAt(o) on every axis". Layers with a global field must respond everywhere.
 */
function impulseMismatches(a: Analysis, maxRuns = 2000): { mismatches: Mismatch[]; checked: number; holesSeen: number } {
  const input = a.input!;
  const sp = input.slice(1);
  const P = numel(sp);
  assert.ok(P <= maxRuns, `input too large for an exhaustive impulse test: ${P}`);
  const mismatches: Mismatch[] = [];
  let checked = 0;
  let holesSeen = 0;

  for (let p = 0; p < P; p++) {
    const x = new Float32Array(numel(input));
    for (let c = 0; c < input[0]; c++) x[c * P + p] = 1;
    const pIdx = unravel(p, sp);
    execute(a, { shape: input.slice(), data: x }, {
      positiveWeights: true,
      onLayer: (i, t, layer) => {
        const rf = layer.rf;
        if (!rf) return;
        if (rf.kind === 'global') {
          checked++;
          // flatten only re-lays the data out (the engine calls its field global by convention):
          // the impulse must survive somewhere; after a linear layer or a global pool, everywhere.
          const ok = layer.kind === 'flatten' ? t.data.some((v) => v > 0) : t.data.every((v) => v > 0);
          if (!ok) mismatches.push({ layer: layer.name, impulse: pIdx, output: [], expected: true });
          return;
        }
        const osp = t.shape.slice(1);
        const per = numel(osp);
        for (let o = 0; o < per; o++) {
          const oIdx = unravel(o, osp);
          let expected = true;
          let interior = true;
          let hole = false;
          for (let ax = 0; ax < osp.length; ax++) {
            const set = fieldAt(rf.axes[ax], oIdx[ax]);
            if (!set.length) {
              expected = false; // (a transposed conv's output that no input reaches: bias only)
              continue;
            }
            if (set[0][0] < 0 || set[set.length - 1][1] > sp[ax] - 1) interior = false;
            const inside = set.some(([lo, hi]) => pIdx[ax] >= lo && pIdx[ax] <= hi);
            if (!inside && pIdx[ax] > set[0][0] && pIdx[ax] < set[set.length - 1][1]) hole = true;
            expected &&= inside;
          }
          let got = false;
          for (let c = 0; c < t.shape[0] && !got; c++) got = t.data[c * per + o] > 0;
          // Interior outputs (field inside the input): exactly the engine's field. At the border
          // the engine's field also counts taps that land on an intermediate layer's padding,
          // which carry no signal, so there the response must only lie within the field.
          const bad = interior ? got !== expected : got && !expected;
          if (interior) {
            checked++;
            if (hole && !got) holesSeen++;
          }
          if (bad && mismatches.length < 20) mismatches.push({ layer: layer.name, impulse: pIdx, output: oIdx, expected });
        }
      },
    });
  }
  return { mismatches, checked, holesSeen };
}

function assertImpulseEqualsField(text: string, expectHoles = false): void {
  const a = analyse(text);
  const { mismatches, checked, holesSeen } = impulseMismatches(a);
  assert.ok(checked >= 50, `only ${checked} interior output positions were checked`);
  assert.deepEqual(mismatches, [], `impulse responses differ from the engine's field:\n${mismatches.map((m) => `${m.layer}: impulse ${m.impulse} → output ${m.output}: engine says ${m.expected ? 'inside' : 'outside'}`).join('\n')}`);
  if (expectHoles) assert.ok(holesSeen > 0, 'expected the field to have holes that the impulse confirmed');
}

describe('impulse response of the positive network = engine receptive field (every output, holes included)', function () {
  this.timeout(120000);
  const stacks: Array<[string, string, boolean]> = [
    ['1-D dilation 2 after dilation 2 (holes)', `input: [1, 40]
layers:
  - conv: {out: 2, kernel: 3, dilation: 2}
  - relu
  - conv: {out: 2, kernel: 3, dilation: 2, padding: 2}
`, true],
    ['1-D k1 s2 then k3 (holes)', `input: [2, 30]
layers:
  - conv: {out: 3, kernel: 1, stride: 2}
  - conv: {out: 2, kernel: 3}
`, true],
    ['1-D k2 s3 then k2 (holes)', `input: [1, 31]
layers:
  - conv: {out: 2, kernel: 2, stride: 3}
  - conv: {out: 1, kernel: 2}
`, true],
    ['1-D causal, strides, ceil-mode pooling and padding', `input: [1, 33]
layers:
  - conv: {out: 2, kernel: 3, padding: causal}
  - maxpool: {kernel: 3, stride: 2, ceil_mode: true, padding: 1}
  - avgpool: {kernel: 2, count_include_pad: false}
  - pad: {padding: [[1, 2]]}
  - conv: {out: 1, kernel: 3, stride: 2, dilation: 2}
`, false],
    ['1-D transposed conv and upsampling (nearest, linear, align_corners)', `input: [1, 12]
layers:
  - conv_transpose: {out: 2, kernel: 3, stride: 2, padding: 1, output_padding: 1}
  - upsample: {scale: 1.5}
  - upsample: {size: 29, mode: linear}
  - upsample: {size: 40, mode: linear, align_corners: true}
  - conv: {out: 1, kernel: 2, stride: 3}
`, false],
    ['1-D residual add, concat and adaptive pooling', `input: [1, 24]
layers:
  - conv: {out: 2, kernel: 3, stride: 2, padding: 1}
    name: a
  - conv: {out: 2, kernel: 1, stride: 2}
    name: b
    from: input
  - add:
    from: [a, b]
  - conv: {out: 2, kernel: 5, dilation: 2, padding: 4}
    name: c
  - concat:
    from: [c, a]
  - adaptive_avgpool: {size: 5}
`, false],
    ['2-D strided, dilated, transposed, depthwise and separable', `input: [2, 14, 13]
layers:
  - conv: {out: 4, kernel: [3, 2], stride: [2, 1], padding: [1, 0]}
  - depthwise: {kernel: 3, dilation: 2, padding: same}
  - maxpool: {kernel: 2, ceil_mode: true}
  - separable: {out: 3, kernel: [1, 3], stride: [1, 2]}
  - conv_transpose: {out: 2, kernel: 2, stride: 3}
  - global_avgpool
  - linear: {out: 3}
`, false],
  ];
  for (const [title, text, holes] of stacks) it(title, () => assertImpulseEqualsField(text, holes));

  const shrink = (file: string, from: string, to: string): string | null => {
    if (!existsSync(join(repoRoot, 'examples', file))) return null;
    const text = readExample(file);
    assert.ok(text.includes(from), `${file} no longer declares ${from}`);
    return text.replace(from, to);
  };
  it('examples/dilated-gridding.cnn.yaml (input shrunk to 14×14): the gridding holes', function () {
    const t = shrink('dilated-gridding.cnn.yaml', 'input: [3, 64, 64]', 'input: [3, 14, 14]');
    if (!t) return this.skip();
    assertImpulseEqualsField(t, true);
  });
  it('examples/tiny-vgg.cnn.yaml (input shrunk to 20×20)', function () {
    const t = shrink('tiny-vgg.cnn.yaml', 'input: [3, 64, 64]', 'input: [3, 20, 20]');
    if (!t) return this.skip();
    assertImpulseEqualsField(t);
  });
  it('examples/tcn.cnn.yaml (input shrunk to 90 samples): causal dilated residual stack', function () {
    const t = shrink('tcn.cnn.yaml', 'input: [1, 256]', 'input: [1, 90]');
    if (!t) return this.skip();
    assertImpulseEqualsField(t);
  });
  it('examples/lecture-two-3x3.cnn.yaml', function () {
    if (!existsSync(join(repoRoot, 'examples', 'lecture-two-3x3.cnn.yaml'))) return this.skip();
    const a = analyse(readExample('lecture-two-3x3.cnn.yaml'));
    if (numel(a.input!.slice(1)) > 1024) return this.skip();
    assertImpulseEqualsField(readExample('lecture-two-3x3.cnn.yaml'));
  });
  it('is a real check: a wrong field is detected', () => {
    const a = analyse(`input: [1, 10]
layers:
  - conv: {out: 1, kernel: 3}
`);
    // Pretend the engine said kernel 2: the impulse test must complain.
    const rf = a.layers[0].rf as any;
    rf.axes[0] = { ...rf.axes[0], phases: [[[0, 1]]] };
    assert.ok(impulseMismatches(a).mismatches.length > 0);
  });
});

describe("the preview worker's warm-up network", () => {
  it('analyses without errors, runs, and goes through the stem, Winograd and pointwise paths', () => {
    const { WARM_UP_NETWORK } = require('../../webview/src/warmUp') as typeof import('../../webview/src/warmUp');
    const { winogradPays } = require('../../kernels') as typeof import('../../kernels');
    const a = check(WARM_UP_NETWORK);
    assert.deepEqual(a.findings.filter((f) => f.severity === 'error'), []);
    const r = execute(a, makeSample('noise', a.input!, 1), { seed: 1 });
    assert.deepEqual(r.outputs.values().next().value!.shape, [10]);
    const convs = a.layers.filter((l) => l.kind === 'conv');
    // Arguments are per-axis lists after resolution; a square kernel and stride are enough here.
    const first = (v: unknown) => [v ?? 1].flat()[0] as number;
    const kernel = (l: (typeof convs)[number]) => first(l.args.kernel);
    const stride = (l: (typeof convs)[number]) => first(l.args.stride);
    assert.ok(convs.some((l) => kernel(l) === 7 && stride(l) === 2), 'the 7×7/2 stem');
    assert.ok(convs.some((l) => kernel(l) === 1), 'a pointwise conv');
    assert.ok(
      convs.some((l) => kernel(l) === 3 && stride(l) === 1 && winogradPays(2, 1, l.inputShapes[0][0], l.shape![0], [3, 3], [1, 1], [1, 1], l.shape!.slice(1))),
      'a 3×3 conv on the Winograd path',
    );
  });
});
