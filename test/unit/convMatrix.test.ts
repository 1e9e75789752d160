// The unrolled convolution matrix (kernels/runtime/convMatrix.ts) against the oracle's
// conv_matrix.json, and its product against the conv / conv_transpose kernels.
import * as assert from 'node:assert/strict';
import { loadOracle } from '../oracle';
import { convMatrix, convTransposeMatrix, matVec, checkProduct, transpose, at } from '../../kernels/runtime/convMatrix';
import { conv, convTranspose, fromNested, tensor, mulberry32, uniform } from '../../kernels';

interface MatrixCase {
  id: string;
  input_hw: [number, number];
  kernel: number[][];
  stride: number;
  padding: number;
  dilation: number;
  output_hw: [number, number];
  C_shape: [number, number];
  C: number[][];
  x: number[][];
  C_vec_x: number[];
  y: number[][];
  Ct_vec_y: number[][];
}

const parse = <T>(v: T | string): T => (typeof v === 'string' ? JSON.parse(v) : v);

describe('convolution matrix', () => {
  const cases = loadOracle<{ cases: MatrixCase[] }>('conv_matrix.json').cases;

  it('the oracle has cases', () => assert.ok(cases.length >= 4));

  for (const c of cases) {
    it(`${c.id}: C equals the oracle's matrix, C·x and Cᵀ·y equal its products`, () => {
      const [H, W] = c.input_hw;
      const k = fromNested(parse(c.kernel));
      const weight = { shape: [1, 1, ...k.shape], data: k.data };
      const g = { inShape: [1, H, W], kernel: k.shape, stride: [c.stride, c.stride], dilation: [c.dilation, c.dilation], padding: [[c.padding, c.padding], [c.padding, c.padding]] as Array<[number, number]>, groups: 1 };
      const m = convMatrix(weight, g);
      const want = parse(c.C);
      assert.deepEqual([m.rows, m.cols], c.C_shape);
      for (let r = 0; r < m.rows; r++) assert.deepEqual(Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)), want[r], `row ${r}`);
      const x = parse(c.x).flat();
      assert.deepEqual(Array.from(matVec(m, x)), parse(c.C_vec_x));
      // The conv kernel agrees with C·x.
      const out = conv(tensor([1, H, W], x), weight, null, { stride: c.stride, padding: c.padding, dilation: c.dilation });
      assert.deepEqual(out.shape.slice(1), c.output_hw);
      assert.ok(checkProduct(m, tensor([1, H, W], x), out).ok);
      // Cᵀ·y is the transposed convolution (cropped to the oracle's Ct_vec_y, which has H×W entries).
      const y = parse(c.y).flat();
      assert.deepEqual(Array.from(matVec(transpose(m), y)), parse(c.Ct_vec_y).flat());
      const ct = convTransposeMatrix(weight, [1, ...c.output_hw], [1, H, W], { kernel: k.shape, stride: [c.stride, c.stride], dilation: [c.dilation, c.dilation], padding: g.padding, groups: 1 });
      assert.deepEqual(Array.from(ct.data), Array.from(transpose(m).data));
      // ... and the conv_transpose kernel (with the output_padding that reaches H×W) agrees with it.
      const op = [H, W].map((n, a) => n - ((c.output_hw[a] - 1) * c.stride - 2 * c.padding + c.dilation * (k.shape[a] - 1) + 1));
      const yt = convTranspose(tensor([1, ...c.output_hw], y), weight, null, { stride: c.stride, padding: c.padding, dilation: c.dilation, outputPadding: op });
      assert.deepEqual(yt.shape, [1, H, W]);
      assert.ok(checkProduct(ct, tensor([1, ...c.output_hw], y), yt).ok);
    });
  }

  it('the lecture case: a 3×3 kernel on 4×4 gives the 4×16 matrix with the kernel rows shifted', () => {
    const k = tensor([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const m = convMatrix(k, { inShape: [1, 4, 4], kernel: [3, 3], stride: [1, 1], dilation: [1, 1], padding: [[0, 0], [0, 0]], groups: 1 });
    assert.deepEqual([m.rows, m.cols], [4, 16]);
    assert.deepEqual(Array.from(m.data.subarray(0, 16)), [1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0, 0]);
    assert.equal(at(m, 3, 15), 9);
  });

  it('multi-channel, grouped, strided 1-D/2-D/3-D convs: C·x + b equals the conv kernel', () => {
    const rng = mulberry32(11);
    const setups = [
      { inShape: [4, 9], kernel: [3], stride: [2], dilation: [1], padding: [[1, 2]] as Array<[number, number]>, groups: 2, Cout: 6 },
      { inShape: [3, 6, 5], kernel: [3, 2], stride: [1, 2], dilation: [2, 1], padding: [[2, 1], [0, 1]] as Array<[number, number]>, groups: 1, Cout: 2 },
      { inShape: [2, 4, 4, 3], kernel: [2, 3, 1], stride: [1, 1, 2], dilation: [1, 1, 1], padding: [[0, 0], [1, 1], [0, 0]] as Array<[number, number]>, groups: 2, Cout: 4 },
    ];
    for (const s of setups) {
      const w = uniform([s.Cout, s.inShape[0] / s.groups, ...s.kernel], 1, rng);
      const b = uniform([s.Cout], 1, rng);
      const x = uniform(s.inShape, 1, rng);
      const y = conv(x, w, b, { stride: s.stride, dilation: s.dilation, padding: s.padding, groups: s.groups });
      const m = convMatrix(w, s);
      const chk = checkProduct(m, x, y, b.data);
      assert.ok(chk.ok, `max diff ${chk.maxAbsDiff}`);
      // And a transposed conv with the same weight layout [C_in, C_out/g, k] is Cᵀ.
      const wt = uniform([s.inShape[0], 3, ...s.kernel], 1, rng);
      const xt = uniform([s.inShape[0], ...y.shape.slice(1)], 1, rng);
      const yt = convTranspose(xt, wt, null, { stride: s.stride, dilation: s.dilation, padding: s.padding, groups: 1 });
      const mt = convTransposeMatrix(wt, xt.shape, yt.shape, { kernel: s.kernel, stride: s.stride, dilation: s.dilation, padding: s.padding, groups: 1 });
      assert.ok(checkProduct(mt, xt, yt).ok);
    }
  });

  it('checkProduct fails when the kernel output is wrong', () => {
    const k = tensor([1, 1, 2], [1, -1]);
    const m = convMatrix(k, { inShape: [1, 4], kernel: [2], stride: [1], dilation: [1], padding: [[0, 0]], groups: 1 });
    const x = tensor([1, 4], [1, 2, 4, 8]);
    const y = conv(x, k);
    assert.ok(checkProduct(m, x, y).ok);
    y.data[1] += 0.01;
    assert.equal(checkProduct(m, x, y).ok, false);
  });
});
