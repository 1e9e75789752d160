// Tests for the pure tensor kernels (kernels/).
//  1. Every non-error case of the PyTorch oracle (ops.json), element by element.
//  2. Hand-checked values for kernels the oracle does not cover.
//  3. Property tests against a naive reference (these exercise the blocked GEMM paths, which
//     the tiny oracle cases mostly do not reach).
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadOracle } from '../oracle';
import * as K from '../../kernels';
import type { Tensor } from '../../kernels';
import { naiveConv, randomTensor } from './helpers/reference';

interface OT {
  shape: number[];
  data: K.Nested;
}
interface OpCase {
  id: string;
  op: string;
  api?: string;
  args?: Record<string, any>;
  input?: OT;
  weight?: OT | null;
  bias?: OT | null;
  output?: OT;
  error?: unknown;
  depthwise_weight?: OT;
  depthwise_bias?: OT | null;
  pointwise_weight?: OT;
  pointwise_bias?: OT | null;
  depthwise_output?: OT;
}

// Tolerance: the oracle README allows 1e-4 relative for float32 kernels; we hold ourselves to
// the tighter float64 figure 1e-5 and record the worst error actually seen.
const TOL = 1e-5;
let worstRel = 0;
let worstCase = '';

function fromOracle(o: OT): Tensor {
  const t = K.fromNested(o.data);
  assert.deepEqual(t.shape, o.shape, 'oracle tensor shape');
  return t;
}

/** Batch item n of an [N, ...] tensor, as a [...] tensor (kernels have no batch axis). */
function item(t: Tensor, n: number): Tensor {
  const shape = t.shape.slice(1);
  const size = K.numel(shape);
  return { shape, data: t.data.slice(n * size, (n + 1) * size) };
}

function stack(items: Tensor[]): Tensor {
  const shape = [items.length, ...items[0].shape];
  const data = new Float32Array(K.numel(shape));
  items.forEach((t, i) => {
    assert.deepEqual(t.shape, items[0].shape);
    data.set(t.data, i * t.data.length);
  });
  return { shape, data };
}

/** |got − want| ≤ tol·max(1, |want|) for every element; records the worst relative error. */
function expectClose(got: Tensor, want: Tensor, label: string, tol = TOL): void {
  assert.deepEqual(got.shape, want.shape, `${label}: shape`);
  for (let i = 0; i < want.data.length; i++) {
    const w = want.data[i];
    const g = got.data[i];
    const rel = Math.abs(g - w) / Math.max(1, Math.abs(w));
    if (!(rel <= tol)) assert.fail(`${label}: element ${i}: got ${g}, want ${w} (rel err ${rel.toExponential(2)})`);
    if (rel > worstRel) {
      worstRel = rel;
      worstCase = label;
    }
  }
}

const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

/** Runs the kernel matching an oracle case on one sample. */
function runCase(c: OpCase, x: Tensor): Tensor {
  const a = c.args ?? {};
  const w = c.weight ? fromOracle(c.weight) : undefined;
  const b = c.bias ? fromOracle(c.bias) : null;
  switch (c.op) {
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'Conv1d':
    case 'Conv2d':
    case 'Conv3d':
      return K.conv(x, w!, b, {
        stride: opt(a.stride),
        padding: opt(a.padding),
        dilation: opt(a.dilation),
        groups: opt(a.groups),
        paddingMode: opt(a.padding_mode),
      });
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'ConvTranspose2d':
      return K.convTranspose(x, w!, b, {
        stride: opt(a.stride),
        padding: opt(a.padding),
        outputPadding: opt(a.output_padding),
        dilation: opt(a.dilation),
        groups: opt(a.groups),
      });
    case 'max_pool1d':
    case 'max_pool2d':
    case 'max_pool3d':
      return K.maxPool(x, {
        kernel: a.kernel_size,
        stride: opt(a.stride),
        padding: opt(a.padding),
        dilation: opt(a.dilation),
        ceilMode: opt(a.ceil_mode),
      });
    case 'avg_pool1d':
    case 'avg_pool2d':
    case 'avg_pool3d':
      return K.avgPool(x, {
        kernel: a.kernel_size,
        stride: opt(a.stride),
        padding: opt(a.padding),
        ceilMode: opt(a.ceil_mode),
        countIncludePad: opt(a.count_include_pad),
        divisorOverride: opt(a.divisor_override),
      });
    case 'adaptive_avg_pool1d':
    case 'adaptive_avg_pool2d':
    case 'adaptive_avg_pool3d':
      return K.adaptiveAvgPool(x, a.output_size);
    case 'adaptive_max_pool1d':
    case 'adaptive_max_pool2d':
    case 'adaptive_max_pool3d':
      return K.adaptiveMaxPool(x, a.output_size);
    case 'depthwise_separable': {
      assert.equal(a.groups_depthwise, x.shape[0], 'depthwise groups = C_in');
      return K.separableConv(
        x,
        fromOracle(c.depthwise_weight!),
        c.depthwise_bias ? fromOracle(c.depthwise_bias) : null,
        fromOracle(c.pointwise_weight!),
        c.pointwise_bias ? fromOracle(c.pointwise_bias) : null,
        { stride: opt(a.stride), padding: opt(a.padding), dilation: opt(a.dilation) },
      );
    }
    default:
      throw new Error(`no kernel mapped for op ${c.op}`);
  }
}

const ops = loadOracle<{ cases: OpCase[] }>('ops.json');
const valid = ops.cases.filter((c) => c.error === undefined);

describe('kernels: PyTorch oracle ops.json', () => {
  after(() => {
    // eslint-disable-next-line no-console
    console.log(`      worst relative error over the oracle cases: ${worstRel.toExponential(3)} (${worstCase})`);
  });

  it('has the expected number of cases (113 total, 89 non-error)', () => {
    assert.equal(ops.cases.length, 113);
    assert.equal(valid.length, 89);
  });

  for (const c of valid) {
    it(c.id, () => {
      const x = fromOracle(c.input!);
      const want = fromOracle(c.output!);
      const outs: Tensor[] = [];
      for (let n = 0; n < x.shape[0]; n++) outs.push(runCase(c, item(x, n)));
      expectClose(stack(outs), want, c.id);
      if (c.op === 'depthwise_separable') {
        // Also check the intermediate depthwise output the oracle records.
        const a = c.args ?? {};
        const dws: Tensor[] = [];
        for (let n = 0; n < x.shape[0]; n++) {
          dws.push(
            K.conv(item(x, n), fromOracle(c.depthwise_weight!), c.depthwise_bias ? fromOracle(c.depthwise_bias) : null, {
              stride: opt(a.stride), padding: opt(a.padding), dilation: opt(a.dilation), groups: a.groups_depthwise,
            }),
          );
        }
        expectClose(stack(dws), fromOracle(c.depthwise_output!), `${c.id} (depthwise part)`);
      }
    });
  }
});

describe('kernels: oracle error cases are rejected', () => {
  // Functional error cases (module-constructor ones are the engine's business). One deliberate
  // deviation: the format's padding 'same' follows TensorFlow's rule and so also works with
  // stride 2, where PyTorch refuses.
  const errs = ops.cases.filter((c) => c.error !== undefined && c.api !== 'module' && c.id !== 'err_conv2d_same_with_stride2');
  for (const c of errs) {
    it(c.id, () => {
      const ec = c as OpCase & { input_shape: number[]; weight_shape?: number[] };
      const x = K.zeros(ec.input_shape.slice(1));
      const withWeight = { ...c, weight: ec.weight_shape ? { shape: ec.weight_shape, data: K.toNested(K.zeros(ec.weight_shape)) } : undefined };
      assert.throws(() => runCase(withWeight, x), RangeError);
    });
  }
});

// ---------------------------------------------------------------------------------------------
const T = (shape: number[], data: number[]): Tensor => K.tensor(shape, data);
const close = (got: Tensor, shape: number[], want: number[], tol = 1e-6) => expectClose(got, T(shape, want), 'hand', tol);

describe('kernels: hand-checked values', () => {
  it("lecture's 1-D edge filter [1, 0, -1]: out[i] = x[i] - x[i+2]", () => {
    const x = T([1, 7], [3, 1, 4, 1, 5, 9, 2]);
    const w = K.fromNested([[[1, 0, -1]]]);
    close(K.conv1d(x, w, null), [1, 5], [-1, 0, -1, -8, 3]);
  });

  it('conv2d: 2x2 box filter, stride 2, asymmetric padding [0, 1]', () => {
    const x = T([1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const w = T([1, 1, 2, 2], [1, 1, 1, 1]);
    // padded to 4x4 with a zero row/col after: windows (0,0),(0,2),(2,0),(2,2)
    close(K.conv2d(x, w, [10], { stride: 2, padding: [[0, 1], [0, 1]] }), [1, 2, 2], [22, 19, 25, 19]);
  });

  it("conv: padding 'same' (TF rule, stride 2) and 'causal'", () => {
    const x = T([1, 5], [1, 2, 3, 4, 5]);
    const w = T([1, 1, 3], [1, 1, 1]);
    // same, s=2: out = ceil(5/2)=3, total = (3-1)*2+3-5 = 2 -> [1, 1]
    close(K.conv1d(x, w, null, { stride: 2, padding: 'same' }), [1, 3], [3, 9, 9]);
    // causal: 2 zeros before
    close(K.conv1d(x, w, null, { padding: 'causal' }), [1, 5], [1, 3, 6, 9, 12]);
  });

  it('pad: zeros / reflect / replicate / circular, and negative (crop)', () => {
    const x = T([1, 3], [1, 2, 3]);
    close(K.pad(x, [[2, 1]]), [1, 6], [0, 0, 1, 2, 3, 0]);
    close(K.pad(x, 2, 'reflect'), [1, 7], [3, 2, 1, 2, 3, 2, 1]);
    close(K.pad(x, 2, 'replicate'), [1, 7], [1, 1, 1, 2, 3, 3, 3]);
    close(K.pad(x, 2, 'circular'), [1, 7], [2, 3, 1, 2, 3, 1, 2]);
    close(K.pad(x, [[-1, 0]]), [1, 2], [2, 3]);
    assert.throws(() => K.pad(x, 3, 'reflect'));
  });

  it('conv_transpose: stride 2 stamps the kernel at every other position', () => {
    const x = T([1, 2], [1, 2]);
    const w = T([1, 1, 3], [1, 10, 100]);
    close(K.convTranspose1d(x, w, null, { stride: 2 }), [1, 5], [1, 10, 102, 20, 200]);
    assert.throws(() => K.convTranspose1d(x, w, null, { stride: 2, outputPadding: 2 }), /output padding/);
  });

  it('upsample nearest: by size, by integer and by fractional scale (floor(dst·in/out), 1/scale)', () => {
    const x = T([1, 3], [1, 2, 3]);
    // size 5: scale 3/5 -> src floor(0, .6, 1.2, 1.8, 2.4) = 0,0,1,1,2
    close(K.upsample(x, { size: 5 }), [1, 5], [1, 1, 2, 2, 3]);
    close(K.upsample(x, { scale: 2 }), [1, 6], [1, 1, 2, 2, 3, 3]);
    // scale 1.5 on 4: out 6, src floor(i/1.5) = 0,0,1,2,2,3
    close(K.upsample(T([1, 4], [10, 20, 30, 40]), { scale: 1.5 }), [1, 6], [10, 10, 20, 30, 30, 40]);
    // 2-D: each axis separately
    close(K.upsample(T([1, 2, 2], [1, 2, 3, 4]), { scale: [1, 2] }), [1, 2, 4], [1, 1, 2, 2, 3, 3, 4, 4]);
    assert.throws(() => K.upsample(x, { size: 4, alignCorners: true }), /align_corners/);
  });

  it('upsample linear: align_corners false / true, bilinear, trilinear', () => {
    // false, [0, 1] -> 4: src = 0.5(i+0.5)-0.5 = -0.25->0, 0.25, 0.75, 1.25 (clamped neighbour)
    close(K.upsample(T([1, 2], [0, 1]), { size: 4, mode: 'linear' }), [1, 4], [0, 0.25, 0.75, 1]);
    // true, [0, 2] -> 3: src = i·(1/2)
    close(K.upsample(T([1, 2], [0, 2]), { size: 3, mode: 'linear', alignCorners: true }), [1, 3], [0, 1, 2]);
    close(
      K.upsample(T([1, 2, 2], [0, 1, 2, 3]), { size: [3, 3], mode: 'linear', alignCorners: true }),
      [1, 3, 3], [0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3],
    );
    // bilinear, align false, scale 2 on [[0, 4], [8, 12]]: axis taps 0:(0), 1:(0 .75, 1 .25), 2:(0 .25, 1 .75), 3:(1)
    const u = K.upsample(T([1, 2, 2], [0, 4, 8, 12]), { scale: 2, mode: 'linear' });
    close(u, [1, 4, 4], [0, 1, 3, 4, 2, 3, 5, 6, 6, 7, 9, 10, 8, 9, 11, 12]);
    // trilinear: a 2x2x2 cube of corner values v = 4d + 2h + w, align true to 3x3x3 -> centre is the mean 3.5
    const cube = T([1, 2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]);
    const t3 = K.upsample(cube, { size: 3, mode: 'linear', alignCorners: true });
    assert.deepEqual(t3.shape, [1, 3, 3, 3]);
    assert.ok(Math.abs(t3.data[13] - 3.5) < 1e-6);
  });

  it('pool: ceil_mode drops a last window that starts inside the right padding', () => {
    // W=5, k=2, s=2, p=1, ceil: ceil((5+2-2)/2)+1 = 4, but window 3 starts at 6-1=5 >= 5+1? (3*2=6 >= 6) -> 3
    assert.equal(K.poolOutSize(5, 2, 2, [1, 1], 1, true), 3);
    assert.equal(K.poolOutSize(6, 3, 2, [0, 0], 1, true), 3);
    assert.equal(K.poolOutSize(6, 3, 2, [0, 0], 1, false), 2);
    // avg with count_include_pad false vs true on [1, 2, 3]: k3 s1 p1
    const x = T([1, 3], [1, 2, 3]);
    close(K.avgPool(x, { kernel: 3, stride: 1, padding: 1, countIncludePad: false }), [1, 3], [1.5, 2, 2.5]);
    close(K.avgPool(x, { kernel: 3, stride: 1, padding: 1 }), [1, 3], [1, 2, 5 / 3]);
    close(K.maxPool(T([1, 4], [1, -5, 3, 2]), { kernel: 2 }), [1, 2], [1, 3]);
  });

  it('global and adaptive pools', () => {
    const x = T([2, 2, 2], [1, 2, 3, 4, -1, -2, -3, -8]);
    close(K.globalAvgPool(x), [2], [2.5, -3.5]);
    close(K.globalMaxPool(x, true), [2, 1, 1], [4, -1]);
    // adaptive bins for 5 -> 3: [0,2) [1,4) [3,5)
    assert.deepEqual([0, 1, 2].map((i) => K.adaptiveBin(i, 5, 3)), [[0, 2], [1, 4], [3, 5]]);
    close(K.adaptiveAvgPool(T([1, 5], [1, 2, 3, 4, 5]), 3), [1, 3], [1.5, 3, 4.5]);
    close(K.adaptiveMaxPool(T([1, 5], [1, 2, 3, 4, 5]), [null]), [1, 5], [1, 2, 3, 4, 5]);
  });

  it('activations', () => {
    const x = T([1, 5], [-2, -1, 0, 1, 7]);
    close(K.relu(x), [1, 5], [0, 0, 0, 1, 7]);
    close(K.relu6(x), [1, 5], [0, 0, 0, 1, 6]);
    close(K.leakyRelu(x, 0.1), [1, 5], [-0.2, -0.1, 0, 1, 7]);
    close(K.sigmoid(T([1], [0])), [1], [0.5]);
    close(K.tanh(T([1], [0.5])), [1], [0.46211715726000974]);
    // gelu(x) = x·Φ(x): Φ(1) = 0.8413447460685429
    close(K.gelu(T([3], [1, -1, 0])), [3], [0.8413447460685429, -0.15865525393145707, 0]);
    close(K.silu(T([1], [1])), [1], [0.7310585786300049]);
    close(K.hardswish(T([4], [-4, -1, 1, 4])), [4], [0, -1 / 3, 2 / 3, 4]);
    close(K.hardsigmoid(T([4], [-4, 0, 1, 4])), [4], [0, 0.5, 2 / 3, 1]);
    close(K.dropout(x, 0.5), [1, 5], [-2, -1, 0, 1, 7]);
    close(K.identity(x), [1, 5], [-2, -1, 0, 1, 7]);
    close(K.prelu(T([2, 2], [-1, 1, -2, 2]), [0.5, 0.25]), [2, 2], [-0.5, 1, -0.5, 2]);
    // erf against known values
    assert.ok(Math.abs(K.erf(0.5) - 0.5204998778130465) < 2e-7);
    assert.ok(Math.abs(K.erf(-2) + 0.9953222650189527) < 2e-7);
  });

  it('softmax sums to 1 along the chosen axis', () => {
    close(K.softmax(T([2], [0, Math.log(3)])), [2], [0.25, 0.75]);
    const x = T([3, 2, 4], Array.from({ length: 24 }, (_, i) => Math.sin(i) * 5));
    for (const axis of [0, 1, 2, -1]) {
      const s = K.softmax(x, axis);
      const ax = axis < 0 ? 2 : axis;
      const sums = new Map<string, number>();
      for (let i = 0; i < 24; i++) {
        const idx = [Math.floor(i / 8), Math.floor(i / 4) % 2, i % 4];
        idx[ax] = 0;
        sums.set(idx.join(), (sums.get(idx.join()) ?? 0) + s.data[i]);
        assert.ok(s.data[i] > 0);
      }
      for (const v of sums.values()) assert.ok(Math.abs(v - 1) < 1e-6);
    }
  });

  it('channel_shuffle permutes channels i·g + j <- j·(C/g) + i', () => {
    const x = T([6, 2], [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    close(K.channelShuffle(x, 2), [6, 2], [0, 0, 3, 3, 1, 1, 4, 4, 2, 2, 5, 5]);
    close(K.channelShuffle(x, 3), [6, 2], [0, 0, 2, 2, 4, 4, 1, 1, 3, 3, 5, 5]);
    assert.throws(() => K.channelShuffle(x, 4));
  });

  it('add / mul broadcast a [C] or [C,1,1] operand in either position; concat', () => {
    const x = T([2, 1, 2], [1, 2, 3, 4]);
    close(K.add(x, x), [2, 1, 2], [2, 4, 6, 8]);
    close(K.mul(x, T([2], [10, 100])), [2, 1, 2], [10, 20, 300, 400]);
    close(K.mul(T([2, 1, 1], [10, 100]), x), [2, 1, 2], [10, 20, 300, 400]);
    close(K.add(T([2], [10, 100]), x), [2, 1, 2], [11, 12, 103, 104]);
    assert.throws(() => K.add(x, T([3], [1, 2, 3])));
    close(K.concat([x, T([1, 1, 2], [9, 9])]), [3, 1, 2], [1, 2, 3, 4, 9, 9]);
    close(K.concat([x, x], 2), [2, 1, 4], [1, 2, 1, 2, 3, 4, 3, 4]);
    close(K.concat([x]), [2, 1, 2], [1, 2, 3, 4]);
  });

  it('linear acts on the last axis; flatten', () => {
    const w = T([2, 3], [1, 0, -1, 2, 2, 2]);
    close(K.linear(T([3], [1, 2, 3]), w, [0.5, -1]), [2], [-1.5, 11]);
    close(K.linear(T([2, 3], [1, 2, 3, 0, 0, 1]), w, null), [2, 2], [-2, 12, -1, 2]);
    const f = K.flatten(T([2, 2, 3], Array.from({ length: 12 }, (_, i) => i)));
    assert.deepEqual(f.shape, [12]);
    assert.deepEqual(K.flatten(T([2, 2, 3], new Array(12).fill(0)), 1).shape, [2, 6]);
  });

  it('batchnorm / layernorm / groupnorm', () => {
    const x = T([2, 2], [1, 3, 5, 9]);
    // identity stats: x / sqrt(1 + eps)
    close(K.batchNorm(x), [2, 2], [1, 3, 5, 9].map((v) => v / Math.sqrt(1 + 1e-5)), 1e-6);
    close(K.batchNorm(x, { mean: [2, 7], var: [4, 1], weight: [1, 2], bias: [0, 1], eps: 0 }), [2, 2], [-0.5, 0.5, -3, 5]);
    // layernorm over channels at each position: position 0 (1, 5) -> (-1, 1); position 1 (3, 9) -> (-1, 1)
    close(K.layerNorm(x, { eps: 0 }), [2, 2], [-1, -1, 1, 1]);
    // groupnorm with 1 group over {1,3,5,9}: mean 4.5, var 8.75
    const s = Math.sqrt(8.75);
    close(K.groupNorm(x, 1, { eps: 0 }), [2, 2], [1, 3, 5, 9].map((v) => (v - 4.5) / s), 1e-6);
    close(K.groupNorm(x, 2, { eps: 0, weight: [1, 2], bias: [0, 1] }), [2, 2], [-1, 1, -1, 3]);
  });

  it('tensor helpers: fromNested / toNested / stats', () => {
    const t = K.fromNested([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    assert.deepEqual(t.shape, [2, 2, 2]);
    assert.deepEqual(K.toNested(t), [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    assert.deepEqual(K.stats(t), { min: 1, max: 8, mean: 4.5 });
    // Every length modulo 4 (the loop takes four at a time), extremes anywhere, NaN ignored by min/max.
    for (const n of [1, 2, 3, 5, 6, 7, 1001]) {
      const d = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 2.7) * 10);
      const naive = { min: Math.min(...d), max: Math.max(...d), mean: d.reduce((a, b) => a + b, 0) / n };
      const st = K.stats({ shape: [n], data: d });
      assert.equal(st.min, naive.min, `min, n = ${n}`);
      assert.equal(st.max, naive.max, `max, n = ${n}`);
      assert.ok(Math.abs(st.mean - naive.mean) < 1e-12, `mean, n = ${n}`);
      d[n - 1] = NaN;
      const withNaN = K.stats({ shape: [n], data: d });
      assert.ok(Number.isNaN(withNaN.mean) && (n === 1 ? withNaN.min === Infinity : withNaN.min === Math.min(...d.subarray(0, n - 1))), `NaN, n = ${n}`);
    }
    assert.throws(() => K.fromNested([[1, 2], [3]]));
  });

  it('init: PyTorch default bounds, deterministic per seed', () => {
    const p = K.initConv(16, 8, [3, 3], 2, true, 42); // fan_in = 4·9 = 36 -> bound 1/6
    assert.deepEqual(p.weight.shape, [16, 4, 3, 3]);
    const st = K.stats(p.weight);
    assert.ok(st.max <= 1 / 6 && st.min >= -1 / 6);
    assert.ok(st.max > 0.9 / 6 && st.min < -0.9 / 6, 'fills the range');
    let v = 0;
    for (const w of p.weight.data) v += w * w;
    v /= p.weight.data.length; // variance of U(-b, b) is b²/3
    assert.ok(Math.abs(v - 1 / 36 / 3) < 0.15 / 108);
    assert.ok(K.stats(p.bias!).max <= 1 / 6);
    assert.deepEqual(K.initConv(16, 8, [3, 3], 2, true, 42).weight.data, p.weight.data);
    assert.notDeepEqual(K.initConv(16, 8, [3, 3], 2, true, 43).weight.data, p.weight.data);
    const t = K.initConvTranspose(4, 6, [2, 2], 1, false, 1); // fan_in = 6·4 = 24
    assert.deepEqual(t.weight.shape, [4, 6, 2, 2]);
    assert.equal(t.bias, null);
    assert.ok(K.stats(t.weight).max <= 1 / Math.sqrt(24));
    const l = K.initLinear(10, 100, true, 7);
    assert.ok(K.stats(l.weight).max <= 0.1 && K.stats(l.bias!).max <= 0.1);
  });
});

// ---------------------------------------------------------------------------------------------
// Against a naive float64 reference convolution (helpers/reference.ts), independent of im2col/GEMM.

describe('kernels: conv vs naive reference', () => {
  it('large conv exercising every GEMM block edge (M > 64, K > 256, N > 2048, ragged tiles)', () => {
    const x = randomTensor([30, 47, 53], 1);
    const w = randomTensor([70, 30, 3, 3], 2);
    const b = randomTensor([70], 3).data;
    const got = K.conv2d(x, w, b, { padding: 1 });
    const want = naiveConv(x, w, b, [1, 1], [[1, 1], [1, 1]], [1, 1], 1);
    expectClose(got, want, 'large conv', 1e-5);
  });

  it('pointwise fast path (1x1, stride 1) with groups', () => {
    const x = randomTensor([12, 9, 7], 4);
    const w = randomTensor([18, 4, 1, 1], 5);
    expectClose(K.conv2d(x, w, null, { groups: 3 }), naiveConv(x, w, null, [1, 1], [[0, 0], [0, 0]], [1, 1], 1 * 3), 'pointwise', 1e-5);
  });

  it('random conv configurations, rank 1-3 (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }), // rank
        fc.integer({ min: 1, max: 3 }), // groups
        fc.integer({ min: 1, max: 4 }), // in per group
        fc.integer({ min: 1, max: 6 }), // out per group
        fc.array(fc.record({ n: fc.integer({ min: 1, max: 9 }), k: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 3 }), d: fc.integer({ min: 1, max: 2 }), p0: fc.integer({ min: 0, max: 2 }), p1: fc.integer({ min: 0, max: 2 }) }), { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        fc.integer(),
        (rank, g, cig, cog, axesAll, withBias, seed) => {
          const axes = axesAll.slice(0, rank);
          fc.pre(axes.every((a) => a.n + a.p0 + a.p1 >= a.d * (a.k - 1) + 1));
          const x = randomTensor([g * cig, ...axes.map((a) => a.n)], seed);
          const w = randomTensor([g * cog, cig, ...axes.map((a) => a.k)], seed + 1);
          const b = withBias ? randomTensor([g * cog], seed + 2).data : null;
          const p = axes.map((a) => [a.p0, a.p1] as [number, number]);
          const got = K.conv(x, w, b, { stride: axes.map((a) => a.s), padding: p, dilation: axes.map((a) => a.d), groups: g });
          const want = naiveConv(x, w, b, axes.map((a) => a.s), p, axes.map((a) => a.d), g);
          expectClose(got, want, 'random conv', 1e-5);
        },
      ),
      { numRuns: 150, seed: 20240607 },
    );
  });

  it('conv_transpose is the adjoint of conv: <conv(x), y> = <x, convT(y)> (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.record({ n: fc.integer({ min: 2, max: 8 }), k: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 1, max: 3 }), d: fc.integer({ min: 1, max: 2 }), p: fc.integer({ min: 0, max: 1 }) }), { minLength: 3, maxLength: 3 }),
        fc.integer(),
        (rank, g, cig, cog, axesAll, seed) => {
          const axes = axesAll.slice(0, rank);
          fc.pre(axes.every((a) => a.n + 2 * a.p >= a.d * (a.k - 1) + 1));
          // conv: x [g·cig, n...] -> y; conv weight [g·cog, cig, k...] is the transposed conv's
          // weight [C_in' = g·cog, C_out'/g = cig, k...] read the other way round.
          const x = randomTensor([g * cig, ...axes.map((a) => a.n)], seed);
          const w = randomTensor([g * cog, cig, ...axes.map((a) => a.k)], seed + 1);
          const opts = { stride: axes.map((a) => a.s), padding: axes.map((a) => a.p), dilation: axes.map((a) => a.d), groups: g };
          const y0 = K.conv(x, w, null, opts);
          const y = randomTensor(y0.shape, seed + 2);
          // output_padding recovers the rows that conv's floor dropped
          const outputPadding = axes.map((a, i) => a.n - K.convTransposeOutSize(y0.shape[i + 1], a.k, a.s, [a.p, a.p], a.d, 0));
          fc.pre(outputPadding.every((op, i) => op < axes[i].s || op < axes[i].d));
          const xt = K.convTranspose(y, w, null, { ...opts, outputPadding });
          assert.deepEqual(xt.shape, x.shape);
          let lhs = 0, rhs = 0, scale = 0;
          for (let i = 0; i < y.data.length; i++) { lhs += y0.data[i] * y.data[i]; scale += Math.abs(y0.data[i] * y.data[i]); }
          for (let i = 0; i < x.data.length; i++) rhs += x.data[i] * xt.data[i];
          assert.ok(Math.abs(lhs - rhs) <= 1e-5 * Math.max(1, scale), `${lhs} vs ${rhs}`);
        },
      ),
      { numRuns: 150, seed: 7 },
    );
  });

  it('linear matches a naive dot product on a GEMM-sized input', () => {
    const x = randomTensor([9, 300], 11);
    const w = randomTensor([70, 300], 12);
    const b = randomTensor([70], 13);
    const got = K.linear(x, w, b);
    const want = new Float32Array(9 * 70);
    for (let r = 0; r < 9; r++) for (let o = 0; o < 70; o++) {
      let acc = b.data[o];
      for (let i = 0; i < 300; i++) acc += x.data[r * 300 + i] * w.data[o * 300 + i];
      want[r * 70 + o] = acc;
    }
    expectClose(got, { shape: [9, 70], data: want }, 'linear', 1e-5);
  });
});
