// The figures FORMAT.md states: its worked checks from the lecture, the examples on the page,
// and its arithmetic rules (shape, parameter and MAC formulas, padding modes, ceil mode,
// receptive-field start, blocks, expressions). Expected values are the page's own numbers, or
// computed here from the page's formulas.
import { strict as assert } from 'node:assert';
import { analyse } from '../../engine';
import type { Analysis, LayerResult } from '../../engine/types';
import { describeFindings, errors, layerFor, readExample } from './helpers/examples';

function ok(text: string): Analysis {
  const a = analyse(text);
  assert.deepEqual(errors(a), [], describeFindings(errors(a)));
  return a;
}
function net(input: number[], layers: string, extra = ''): string {
  return `input: ${JSON.stringify(input)}\n${extra}layers:\n${layers}`;
}
function local(l: LayerResult) {
  assert.ok(l.rf && l.rf.kind === 'local', `${l.name}: expected a local field, got ${JSON.stringify(l.rf)}`);
  return l.rf;
}
const prod = (xs: number[]) => xs.reduce((p, x) => p * x, 1);
const sum = (a: Analysis, f: (l: LayerResult) => number) => a.layers.reduce((s, l) => s + f(l), 0);

describe('FORMAT.md: worked checks (lecture)', () => {
  it('input [1, 7], conv {out: 1, kernel: 3} → [1, 5]', () => {
    const a = ok(net([1, 7], '  - conv: {out: 1, kernel: 3}\n'));
    assert.deepEqual(a.layers[0].shape, [1, 5]);
  });

  it('… with stride: 2 → [1, 3]', () => {
    const a = ok(net([1, 7], '  - conv: {out: 1, kernel: 3, stride: 2}\n'));
    assert.deepEqual(a.layers[0].shape, [1, 3]);
  });

  it('the exact lecture filter: conv {out: 1, kernel: 3, weights: [[[1, 0, -1]]], bias: false}', () => {
    const a = ok(net([1, 7], '  - conv: {out: 1, kernel: 3, weights: [[[1, 0, -1]]], bias: false}\n'));
    assert.deepEqual(a.layers[0].shape, [1, 5]);
    assert.equal(a.layers[0].params, 3);
  });

  it('examples/lecture-1d-edge.cnn.yaml: [1, 5] and, with stride 2, [1, 3]', () => {
    const a = ok(readExample('lecture-1d-edge.cnn.yaml'));
    assert.deepEqual(layerFor(a, 'edge').shape, [1, 5]);
    assert.deepEqual(layerFor(a, 'edge_stride2').shape, [1, 3]);
    assert.deepEqual(a.outputs.map((o) => o.shape), [[1, 5], [1, 3]]);
  });

  it('input [3, 32, 32], conv {out: 12, kernel: 6, stride: 2} → [12, 14, 14]; 1,308 parameters', () => {
    const a = ok(net([3, 32, 32], '  - conv: {out: 12, kernel: 6, stride: 2}\n'));
    assert.deepEqual(a.layers[0].shape, [12, 14, 14]);
    assert.equal(a.layers[0].params, 1308);
    assert.equal(a.totals.params, 1308);
  });

  it('examples/lecture-conv-6x6.cnn.yaml: [12, 14, 14], 1,308 parameters', () => {
    const a = ok(readExample('lecture-conv-6x6.cnn.yaml'));
    assert.deepEqual(layerFor(a, 'conv').shape, [12, 14, 14]);
    assert.equal(a.totals.params, 1308);
  });

  for (const C of [1, 8]) {
    it(`two stacked conv {out: ${C}, kernel: 3} see a 5×5 field like one 5×5 conv: 18 vs 25 weights per channel pair (C = ${C})`, () => {
      const two = ok(net([C, 16, 16], `  - conv: {out: ${C}, kernel: 3, bias: false}\n  - conv: {out: ${C}, kernel: 3, bias: false}\n`));
      const one = ok(net([C, 16, 16], `  - conv: {out: ${C}, kernel: 5, bias: false}\n`));
      const last2 = two.layers[two.layers.length - 1];
      const last1 = one.layers[0];
      assert.deepEqual(local(last2).summary.size, [5, 5]);
      assert.deepEqual(local(last1).summary.size, [5, 5]);
      assert.deepEqual(last2.shape, last1.shape, 'same output size');
      assert.equal(two.totals.params / (C * C), 18);
      assert.equal(one.totals.params / (C * C), 25);
    });
  }

  it('examples/lecture-two-3x3.cnn.yaml: field 5 on both paths, 18 vs 25 weights', () => {
    const a = ok(readExample('lecture-two-3x3.cnn.yaml'));
    const second = layerFor(a, 'second_3x3');
    const single = layerFor(a, 'single_5x5');
    assert.deepEqual(local(second).summary.size, [5, 5]);
    assert.deepEqual(local(single).summary.size, [5, 5]);
    assert.deepEqual(second.shape, single.shape);
    assert.equal(layerFor(a, 'first_3x3').params + second.params, 18);
    assert.equal(single.params, 25);
  });

  for (const [K1, K2, C, Cout] of [
    [3, 3, 32, 64],
    [3, 5, 8, 16],
    [1, 7, 3, 5],
    [5, 5, 1, 1],
  ]) {
    it(`separable {out: ${Cout}, kernel: [${K1}, ${K2}], bias: false} on ${C} inputs: K1·K2·C + C·Cout = ${K1 * K2 * C + C * Cout}`, () => {
      const a = ok(net([C, 20, 20], `  - separable: {out: ${Cout}, kernel: [${K1}, ${K2}], bias: false}\n`));
      assert.equal(a.layers.length, 1, 'one layer');
      assert.equal(a.layers[0].params, K1 * K2 * C + C * Cout);
      assert.deepEqual(a.layers[0].shape, [Cout, 20 - K1 + 1, 20 - K2 + 1]);
    });
  }

  it('examples/lecture-separable.cnn.yaml: 3·3·32 + 32·64 vs 3·3·32·64', () => {
    const a = ok(readExample('lecture-separable.cnn.yaml'));
    assert.equal(layerFor(a, 'separable').params, 3 * 3 * 32 + 32 * 64);
    assert.equal(layerFor(a, 'full_conv').params, 3 * 3 * 32 * 64);
    assert.deepEqual(layerFor(a, 'separable').shape, [64, 56, 56]);
  });
});

describe('FORMAT.md: the examples on the page', () => {
  it('the top-level example (tiny network with same padding) analyses to the stated shapes', () => {
    const text = `name: tiny-vgg                 # optional, shown in summaries
input: [3, 64, 64]             # channels first, no batch: [C, L] 1-D, [C, H, W] 2-D, [C, D, H, W] 3-D
params: {width: 1}             # optional variables, usable as $width / \${...} anywhere below
blocks: {}                     # optional reusable sub-networks (see Blocks)
layers:                        # the network, in order
  - conv: {out: 10, kernel: 3, padding: same}
  - relu
  - maxpool: {kernel: 2}
  - flatten
  - linear: {out: 10}
    name: fc
outputs: [fc]                  # optional; default: the last layer
`;
    const a = ok(text);
    assert.equal(a.name, 'tiny-vgg');
    assert.deepEqual(a.input, [3, 64, 64]);
    assert.deepEqual(
      a.layers.map((l) => l.shape),
      [[10, 64, 64], [10, 64, 64], [10, 32, 32], [10 * 32 * 32], [10]],
    );
    assert.deepEqual(a.outputs.map((o) => [o.name, o.shape]), [['fc', [10]]]);
    // conv = out·C·∏k + out; linear = in·out + out
    assert.equal(a.totals.params, 10 * 3 * 9 + 10 + (10 * 32 * 32 * 10 + 10));
    // conv = output elements · C · ∏k; linear = in·out
    assert.equal(a.totals.macs, 10 * 64 * 64 * 3 * 9 + 10 * 32 * 32 * 10);
    assert.equal(a.totals.flops, 2 * a.totals.macs);
  });

  it('conv {out: 64, kernel: 7, stride: 2, padding: 3, bias: false} on [3, 224, 224] (padding 3 = 3 before and 3 after)', () => {
    const a = ok(net([3, 224, 224], '  - conv: {out: 64, kernel: 7, stride: 2, padding: 3, bias: false}\n    name: conv1\n'));
    const l = layerFor(a, 'conv1');
    assert.deepEqual(l.shape, [64, Math.floor((224 + 6 - 7) / 2) + 1, Math.floor((224 + 6 - 7) / 2) + 1]);
    assert.equal(l.params, 64 * 3 * 7 * 7);
    assert.deepEqual(local(l).summary.start, [-3, -3]);
  });

  it('the Blocks example (ResNet basic block, repeat: 2) on [64, 56, 56]', () => {
    const text = `input: [64, 56, 56]
blocks:
  basic:                       # a ResNet basic block
    params: {out: 64, stride: 1}
    layers:
      - conv: {out: $out, kernel: 3, stride: $stride, padding: 1, bias: false}
      - batchnorm
      - relu
      - conv: {out: $out, kernel: 3, padding: 1, bias: false}
      - batchnorm:
        name: bn2
      - add:
        from: [input, bn2]
      - relu
layers:
  - basic: {out: 64}
    repeat: 2
    name: layer1
`;
    const a = ok(text);
    assert.deepEqual(a.layers[a.layers.length - 1].shape, [64, 56, 56]);
    assert.equal(a.layers.filter((l) => l.kind === 'conv').length, 4);
    assert.equal(a.layers.filter((l) => l.kind === 'add').length, 2);
    assert.equal(a.totals.params, 2 * (2 * 64 * 64 * 9 + 2 * (2 * 64)));
    assert.equal(a.totals.buffers, 2 * 2 * (2 * 64));
    // instances are layer1.0 and layer1.1; a block's inner layers are <instance>.<inner name>
    const names = a.layers.map((l) => l.name);
    assert.ok(names.includes('layer1.0.bn2') && names.includes('layer1.1.bn2'), names.join(', '));
    // the add of each instance reads that instance's input and its bn2
    const adds = a.layers.filter((l) => l.kind === 'add');
    assert.ok(adds[1].from.includes('layer1.1.bn2'), JSON.stringify(adds[1].from));
    // field: stem-less stack of four 3×3 convs
    assert.deepEqual(local(layerFor(a, 'layer1')).summary.size, [9, 9]);
  });

  it('a block with stride: 2 argument overrides its params default', () => {
    const text = `input: [64, 56, 56]
blocks:
  basic:
    params: {out: 64, stride: 1}
    layers:
      - conv: {out: $out, kernel: 3, stride: $stride, padding: 1, bias: false}
      - batchnorm
layers:
  - basic: {out: 128, stride: 2}
    name: b
`;
    const a = ok(text);
    assert.deepEqual(layerFor(a, 'b').shape, [128, 28, 28]);
  });

  it('expressions: $out * 4, $(in // 4), "$max(8, in / 4)", ${…}, top-level params in blocks', () => {
    const text = `input: [64, 8, 8]
params: {width: 12}
blocks:
  b:
    params: {out: 3}
    layers:
      - conv: {out: $out * 4, kernel: 1}
        name: c1
      - conv: {out: $(in // 4), kernel: 1}
        name: c2
      - conv: {out: "$max(8, in / 4)", kernel: 1}
        name: c3
      - conv: {out: "\${width * 2}", kernel: 1}
        name: c4
layers:
  - b: {out: 5}
    name: x
`;
    const a = ok(text);
    assert.deepEqual(
      ['x.c1', 'x.c2', 'x.c3', 'x.c4'].map((n) => layerFor(a, n).shape?.[0]),
      [20, 5, 8, 24],
    );
  });

  it('a value that must be an integer and is not is an error', () => {
    const a = analyse(net([4, 8, 8], '  - conv: {out: $width / 5, kernel: 1}\n', 'params: {width: 12}\n'));
    assert.ok(errors(a).length > 0, 'expected an error finding for out = 2.4');
  });

  it('from: names, input and relative integers (-1 = previous entry)', () => {
    const a = ok(
      net(
        [4, 8, 8],
        `  - conv: {out: 4, kernel: 3, padding: 1}
    name: a
  - conv: {out: 4, kernel: 3, padding: 1}
    name: b
  - add:
    from: [-1, -2]
    name: s
  - concat:
    from: [s, input]
    name: c
`,
      ),
    );
    assert.deepEqual(layerFor(a, 's').from, ['b', 'a']);
    assert.deepEqual(layerFor(a, 'c').from, ['s', 'input']);
    assert.deepEqual(layerFor(a, 'c').shape, [8, 8, 8]);
  });
});

describe('FORMAT.md: arithmetic', () => {
  /** Output size along one axis with explicit padding (FORMAT.md "Arithmetic"). */
  function outSize(W: number, p0: number, p1: number, k: number, s: number, d: number, ceil = false): number {
    const K = d * (k - 1) + 1;
    if (!ceil) return Math.floor((W + p0 + p1 - K) / s) + 1;
    let o = Math.ceil((W + p0 + p1 - K) / s) + 1;
    if ((o - 1) * s >= W + p0) o -= 1; // a last window may not start inside the right padding
    return o;
  }

  describe('padding: same (TensorFlow rule)', () => {
    for (const W of [7, 8, 13]) {
      for (const k of [1, 2, 3, 4, 5]) {
        for (const s of [1, 2, 3]) {
          for (const d of [1, 2]) {
            it(`W ${W}, k ${k}, s ${s}, d ${d}`, () => {
              const out = Math.ceil(W / s);
              const total = Math.max((out - 1) * s + d * (k - 1) + 1 - W, 0);
              const p0 = Math.floor(total / 2);
              const a = ok(net([1, W], `  - conv: {out: 1, kernel: ${k}, stride: ${s}, dilation: ${d}, padding: same}\n`));
              assert.deepEqual(a.layers[0].shape, [1, out]);
              assert.equal(outSize(W, p0, total - p0, k, s, d), out, 'self-check');
              assert.deepEqual(local(a.layers[0]).summary.start, [0 - p0], "start = −p₀");
            });
          }
        }
      }
    }
  });

  for (const [k, d] of [
    [3, 1],
    [3, 2],
    [2, 4],
  ]) {
    it(`padding: causal, k ${k}, d ${d}: d·(k − 1) before, 0 after`, () => {
      const a = ok(net([2, 16], `  - conv: {out: 3, kernel: ${k}, dilation: ${d}, padding: causal}\n`));
      assert.deepEqual(a.layers[0].shape, [3, 16]);
      const f = local(a.layers[0]).summary;
      assert.deepEqual(f.start, [-d * (k - 1)]);
      assert.deepEqual(f.size, [d * (k - 1) + 1]);
    });
  }

  it('padding as per-axis [before, after] pairs', () => {
    const a = ok(net([1, 10, 10], '  - conv: {out: 1, kernel: 3, padding: [[2, 0], [0, 1]]}\n'));
    assert.deepEqual(a.layers[0].shape, [1, outSize(10, 2, 0, 3, 1, 1), outSize(10, 0, 1, 3, 1, 1)]);
    assert.deepEqual(local(a.layers[0]).summary.start, [-2, 0]);
  });

  for (const [W, k, s, p] of [
    [5, 2, 3, 1], // ceil gives 3 windows, the last would start in the right padding → 2
    [6, 3, 2, 0], // ceil keeps a last partial window → 3 (floor: 2)
    [55, 3, 2, 0], // SqueezeNet's pools
    [10, 3, 2, 1],
  ]) {
    it(`maxpool ceil_mode: W ${W}, kernel ${k}, stride ${s}, padding ${p} → ${outSize(W, p, p, k, s, 1, true)}`, () => {
      const a = ok(net([1, W], `  - maxpool: {kernel: ${k}, stride: ${s}, padding: ${p}, ceil_mode: true}\n`));
      assert.deepEqual(a.layers[0].shape, [1, outSize(W, p, p, k, s, 1, true)]);
    });
  }

  it('pool stride defaults to the kernel', () => {
    const a = ok(net([3, 9, 9], '  - avgpool: {kernel: 3}\n'));
    assert.deepEqual(a.layers[0].shape, [3, 3, 3]);
  });

  for (const [W, k, s, p, op, C, out, g] of [
    [10, 3, 2, 0, 0, 4, 6, 1],
    [10, 4, 2, 1, 0, 4, 6, 2],
    [7, 3, 2, 1, 1, 2, 3, 1],
  ]) {
    it(`conv_transpose: W ${W}, k ${k}, s ${s}, p ${p}, output_padding ${op}, ${C} → ${out} channels, groups ${g}`, () => {
      const a = ok(
        net([C, W], `  - conv_transpose: {out: ${out}, kernel: ${k}, stride: ${s}, padding: ${p}, output_padding: ${op}, groups: ${g}}\n`),
      );
      const l = a.layers[0];
      const Wout = (W - 1) * s - 2 * p + k + op;
      assert.deepEqual(l.shape, [out, Wout]);
      assert.equal(l.params, C * (out / g) * k + out);
      assert.equal(l.macs, C * W * (out / g) * k, 'input elements · (out/groups) · ∏k');
    });
  }

  it('grouped conv: parameters out·(C/groups)·∏k + out, MACs output elements·(C/groups)·∏k', () => {
    const a = ok(net([8, 12, 10], '  - conv: {out: 16, kernel: [3, 5], groups: 4, padding: [1, 2]}\n'));
    const l = a.layers[0];
    assert.deepEqual(l.shape, [16, 12, 10]);
    assert.equal(l.params, 16 * (8 / 4) * 15 + 16);
    assert.equal(l.macs, prod([16, 12, 10]) * (8 / 4) * 15);
  });

  it('depthwise: conv with groups = C, out = C·multiplier', () => {
    const a = ok(net([6, 10, 10], '  - depthwise: {kernel: 3, multiplier: 2, padding: 1}\n'));
    const l = a.layers[0];
    assert.deepEqual(l.shape, [12, 10, 10]);
    assert.equal(l.params, 12 * 1 * 9 + 12);
    assert.equal(l.macs, prod([12, 10, 10]) * 9);
  });

  it('separable with bias: ∏k·C·m + C·m·out + out (one bias, on the pointwise output)', () => {
    const a = ok(net([4, 10, 10], '  - separable: {out: 7, kernel: 3, multiplier: 2}\n'));
    assert.equal(a.layers[0].params, 9 * 4 * 2 + 4 * 2 * 7 + 7);
    assert.deepEqual(a.layers[0].shape, [7, 8, 8]);
  });

  it('linear acts on the last axis: in·out per row', () => {
    const a = ok(net([4, 16], '  - linear: {out: 8}\n'));
    assert.deepEqual(a.layers[0].shape, [4, 8]);
    assert.equal(a.layers[0].params, 16 * 8 + 8);
    assert.equal(a.layers[0].macs, 16 * 8 * 4);
  });

  it('batchnorm: 2C parameters and 2C buffers; layernorm and groupnorm: 2C parameters', () => {
    const a = ok(
      net(
        [6, 5, 5],
        '  - batchnorm:\n    name: bn\n  - layernorm:\n    name: ln\n  - groupnorm: {groups: 3}\n    name: gn\n',
      ),
    );
    assert.deepEqual([layerFor(a, 'bn').params, layerFor(a, 'bn').buffers], [12, 12]);
    assert.deepEqual([layerFor(a, 'ln').params, layerFor(a, 'ln').buffers], [12, 0]);
    assert.deepEqual([layerFor(a, 'gn').params, layerFor(a, 'gn').buffers], [12, 0]);
    assert.equal(a.totals.buffers, 12);
  });

  it('shapes of flatten, global and adaptive pools, concat, add, upsample, prelu', () => {
    const a = ok(
      net(
        [4, 6, 10],
        `  - adaptive_avgpool: {size: [2, 5]}
    name: ap
  - global_maxpool:
    from: input
    name: gp
  - flatten:
    from: input
    name: fl
  - concat:
    from: [input, input]
    name: cat
  - add:
    from: [input, input]
    name: sum
  - upsample: {scale: 2}
    from: input
    name: up
  - prelu: {channels: 4}
    from: input
    name: pr
`,
      ),
    );
    assert.deepEqual(layerFor(a, 'ap').shape, [4, 2, 5]);
    assert.deepEqual(layerFor(a, 'gp').shape, [4]);
    assert.deepEqual(layerFor(a, 'fl').shape, [4 * 6 * 10]);
    assert.deepEqual(layerFor(a, 'cat').shape, [8, 6, 10]);
    assert.deepEqual(layerFor(a, 'sum').shape, [4, 6, 10]);
    assert.deepEqual(layerFor(a, 'up').shape, [4, 12, 20]);
    assert.equal(layerFor(a, 'pr').params, 4);
  });

  it('after flatten, linear or a global pool the field is the whole input', () => {
    const a = ok(
      net(
        [2, 12, 12],
        `  - conv: {out: 4, kernel: 3}
  - global_avgpool:
    name: gp
  - flatten:
    from: -2
    name: fl
  - linear: {out: 3}
    name: fc
`,
      ),
    );
    for (const n of ['gp', 'fl', 'fc']) assert.deepEqual(layerFor(a, n).rf, { kind: 'global' }, n);
  });

  it('receptive field recurrence: r ← r + (K − 1)·j, start ← start − p₀·j, j ← j·s', () => {
    const stack: Array<[number, number, number, number]> = [
      [7, 2, 3, 1],
      [3, 2, 1, 1],
      [3, 1, 2, 2],
      [5, 3, 0, 1],
    ]; // k, s, p, d
    let r = 1;
    let j = 1;
    let start = 0;
    let layers = '';
    for (const [k, s, p, d] of stack) {
      layers += `  - conv: {out: 2, kernel: ${k}, stride: ${s}, padding: ${p}, dilation: ${d}}\n`;
      const K = d * (k - 1) + 1;
      r += (K - 1) * j;
      start -= p * j;
      j *= s;
    }
    const a = ok(net([1, 256, 256], layers));
    const f = local(a.layers[a.layers.length - 1]).summary;
    assert.deepEqual(f.size, [r, r]);
    assert.deepEqual(f.jump, [
      { num: j, den: 1 },
      { num: j, den: 1 },
    ]);
    assert.deepEqual(f.start, [start, start]);
  });

  it('holes: stacked dilation-2 convs (examples/dilated-gridding.cnn.yaml) reach only even offsets', () => {
    const a = ok(readExample('dilated-gridding.cnn.yaml'));
    const f = local(layerFor(a, 'dilated')).summary;
    // offsets reachable through three 3-tap, dilation-2 kernels, enumerated
    let reach = new Set([0]);
    for (let i = 0; i < 3; i++) {
      const next = new Set<number>();
      for (const x of reach) for (const t of [0, 2, 4]) next.add(x + t);
      reach = next;
    }
    const size = Math.max(...reach) + 1;
    const holes = [...Array(size).keys()].filter((x) => !reach.has(x));
    assert.deepEqual(f.size, [size, size]);
    assert.deepEqual(f.holes, [holes, holes]);
  });

  it('totals: FLOPs = 2·MACs, params and MACs are the sums over layers', () => {
    const a = ok(readExample('tiny-vgg.cnn.yaml'));
    assert.equal(a.totals.flops, 2 * a.totals.macs);
    assert.equal(a.totals.params, sum(a, (l) => l.params));
    assert.equal(a.totals.macs, sum(a, (l) => l.macs));
  });
});
