// The kinds ONNX's LayerNormalization over trailing axes, LpPool, cubic Resize and reflect / edge /
// wrap Pad become, written in a cnn-yaml network: shapes, parameters, fields, hover arithmetic and
// the refusals PyTorch would give; and their kernels against arithmetic written here.
import * as assert from 'node:assert/strict';
import { check } from '../../engine';
import { explainLayer } from '../../engine/explain';
import { cubicCoefficients, cubicSource, layerNorm, layerNormAxes, lpPool, reduceAxes, tensor } from '../../kernels';

const net = (layers: string) => `input: [4, 6, 8]\nlayers:\n${layers}`;
const analyse = (layers: string) => check(net(layers));
const errors = (layers: string) => analyse(layers).findings.filter((f) => f.severity === 'error').map((f) => f.message);

describe('ONNX operator kinds in cnn-yaml: layernorm axis, lppool, upsample cubic, pad modes, reduce', () => {
  it('reduce: over the channels the positions stay (field passes), over a spatial axis the field is global', () => {
    const a = analyse('  - conv: {out: 4, kernel: 3, padding: 1}\n  - reduce: {op: mean, axes: [0]}\n  - reduce: {op: max, axes: [-1], keepdims: false}\n');
    assert.deepEqual(a.findings.filter((f) => f.severity === 'error'), []);
    assert.deepEqual(a.layers.map((l) => l.shape), [[4, 6, 8], [1, 6, 8], [1, 6]]);
    assert.equal(a.layers[1].rf?.kind, 'local');
    assert.equal(a.layers[2].rf?.kind, 'global');
    assert.deepEqual(explainLayer(a.layers[2], a).shapeLines, ['max over axes [2]: [1, 6, 8] → [1, 6]']);
    assert.match(errors('  - reduce: {op: mean, axes: [3]}\n')[0], /must name axes of \[4, 6, 8\]/);
    assert.match(errors('  - reduce: {op: prod, axes: [0]}\n')[0], /must be mean, sum or max/);
    const x = tensor([2, 2, 3], Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -12));
    assert.deepEqual(Array.from(reduceAxes(x, 'mean', [0], true).data), [4, 5, 6, 7, 8, -3]);
    assert.deepEqual(Array.from(reduceAxes(x, 'sum', [1, 2], false).data), [21, 33]);
    assert.deepEqual(reduceAxes(x, 'max', [2], false), { shape: [2, 2], data: Float32Array.of(3, 6, 9, 11) });
  });


  it('layernorm with axis normalises the trailing axes: a scale and a shift per element', () => {
    const a = analyse('  - layernorm: {axis: 0}\n  - layernorm: {axis: -2, eps: 0.001}\n  - layernorm: {axis: 2, bias: false}\n  - layernorm\n');
    assert.deepEqual(a.findings.filter((f) => f.severity === 'error'), []);
    assert.deepEqual(a.layers.map((l) => l.params), [2 * 4 * 6 * 8, 2 * 6 * 8, 8, 2 * 4]);
    assert.deepEqual(a.layers.map((l) => l.shape), [[4, 6, 8], [4, 6, 8], [4, 6, 8], [4, 6, 8]]);
    assert.equal(explainLayer(a.layers[1], a).params, '2·6·8 = 96 (normalised over [6, 8])');
    assert.match(errors('  - layernorm: {axis: 3}\n')[0], /layernorm axis 3 is out of range for a tensor of rank 3/);
    assert.match(errors('  - layernorm: {axis: 0.5}\n')[0], /`axis` must be a whole number/);
  });

  it('lppool: window arithmetic as for every pool, any padding, dilation, p > 0; no parameters or MACs', () => {
    const a = analyse('  - lppool: {p: 3, kernel: 3, stride: 2, padding: 2, dilation: [1, 2], ceil_mode: true}\n');
    assert.deepEqual(a.findings.filter((f) => f.severity === 'error'), []);
    // H: ⌈(6 + 4 − 3)/2⌉ + 1 = 5, but the last window would start at 8 − 2 = 6, in the right
    // padding, and is dropped (PyTorch's rule, said by CL204); W: K = 5, ⌈(8 + 4 − 5)/2⌉ + 1 = 5.
    assert.deepEqual(a.layers[0].shape, [4, 4, 5]);
    assert.ok(a.findings.some((f) => f.code === 'CL204'));
    assert.equal(a.layers[0].params + a.layers[0].macs, 0);
    const rf = a.layers[0].rf!;
    assert.ok(rf.kind === 'local' && rf.summary.size.join() === '3,5');
    assert.deepEqual(explainLayer(a.layers[0], a).shapeLines.slice(-2), ['H: ⌈(6 + 2 + 2 − 3)/2⌉ + 1 = 4', 'W: ⌈(8 + 2 + 2 − 5)/2⌉ + 1 = 5']);
    assert.match(errors('  - lppool: {p: 0, kernel: 2}\n')[0], /`p` must be a positive number/);
  });

  it('upsample mode cubic: 4 taps per axis in the field; coordinates that contradict align_corners are refused', () => {
    const a = analyse('  - upsample: {scale: 2, mode: cubic}\n  - upsample: {size: [9, 9], mode: cubic, coordinates: asymmetric, cubic_a: -0.5}\n');
    assert.deepEqual(a.findings.filter((f) => f.severity === 'error'), []);
    assert.deepEqual(a.layers.map((l) => l.shape), [[4, 12, 16], [4, 9, 9]]);
    const rf = a.layers[0].rf!;
    // Half-pixel at scale 2 never lands on a pixel: every output reads 4 neighbours per axis.
    assert.ok(rf.kind === 'local' && rf.summary.size.join() === '4,4', JSON.stringify(rf.kind === 'local' && rf.summary.size));
    assert.match(errors('  - upsample: {scale: 2, mode: cubic, align_corners: true, coordinates: asymmetric}\n')[0], /align_corners: true contradicts coordinates 'asymmetric'/);
    assert.match(errors('  - upsample: {scale: 2, mode: cubic, coordinates: tf_crop_and_resize}\n')[0], /coordinates must be half_pixel, pytorch_half_pixel, align_corners or asymmetric/);
  });

  it("pad modes: reflect below the axis size, circular up to it, as PyTorch's limits", () => {
    const a = analyse('  - pad: {padding: [[1, 2], 3], mode: reflect}\n  - pad: {padding: 9, mode: replicate}\n  - pad: {padding: [0, 8], mode: circular}\n');
    assert.deepEqual(a.findings.filter((f) => f.severity === 'error'), []);
    assert.deepEqual(a.layers.map((l) => l.shape), [[4, 9, 14], [4, 27, 32], [4, 27, 48]]);
    assert.match(errors('  - pad: {padding: 6, mode: reflect}\n')[0], /Padding size should be less than the corresponding input dimension/);
    assert.match(errors('  - pad: {padding: [0, 9], mode: circular}\n')[0], /wrapping around more than once/);
    assert.match(errors('  - pad: {padding: 1, mode: mirror}\n')[0], /mode must be zeros, reflect, replicate or circular/);
  });

  it('kernels: layerNormAxes normalises each trailing block (and is layerNorm on a vector); lpPool is the window norm', () => {
    const data = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.7) * (1 + i / 10));
    const x = tensor([2, 3, 4], data);
    const y = layerNormAxes(x, 1, { eps: 1e-5 });
    for (let c = 0; c < 2; c++) {
      const block = Array.from(data.subarray(c * 12, c * 12 + 12));
      const mean = block.reduce((s, v) => s + v, 0) / 12;
      const sd = Math.sqrt(block.reduce((s, v) => s + (v - mean) ** 2, 0) / 12 + 1e-5);
      block.forEach((v, i) => assert.ok(Math.abs(y.data[c * 12 + i] - (v - mean) / sd) < 1e-5));
    }
    const v = tensor([5], Float32Array.of(1, -2, 3, 0.5, 4));
    assert.deepEqual(Array.from(layerNormAxes(v, 0, { weight: [1, 2, 3, 4, 5], bias: [0, 1, 0, 1, 0] }).data), Array.from(layerNorm(v, { weight: [1, 2, 3, 4, 5], bias: [0, 1, 0, 1, 0] }).data));
    const m = tensor([1, 2, 3], Float32Array.of(1, -2, 3, -4, 5, -6));
    // Windows of 2×2, stride 1, padded by one zero column on the right: [[1,-2],[-4,5]], [[-2,3],[5,-6]], [[3,0],[-6,0]].
    assert.deepEqual(Array.from(lpPool(m, 1, { kernel: 2, stride: 1, padding: [[0, 0], [0, 1]] }).data), [12, 16, 9]);
    const l2 = lpPool(m, 2, { kernel: [2, 3] }).data[0];
    assert.ok(Math.abs(l2 - Math.sqrt(1 + 4 + 9 + 16 + 25 + 36)) < 1e-5);
  });

  it('kernels: cubic weights sum to 1, are one tap on a pixel, and drop outside taps with exclude_outside', () => {
    for (const t of [0, 0.25, 0.5, 0.9]) assert.ok(Math.abs(cubicCoefficients(t, -0.75).reduce((s, w) => s + w, 0) - 1) < 1e-12);
    assert.deepEqual(cubicCoefficients(0, -0.5), [0, 1, 0, 0]);
    // Asymmetric ×2: output 4 samples input 2 exactly.
    const [idx, w] = cubicSource(4, 5, 10, 'asymmetric', -0.75, false, 2);
    assert.deepEqual(idx, [1, 2, 3, 4]);
    assert.deepEqual(w.map((v) => Math.abs(v)), [0, 1, 0, 0]);
    // Half-pixel output 0 at ×2 samples −0.25: taps −2 … 1, the two outside read pixel 0, or are dropped.
    const [edge, we] = cubicSource(0, 5, 10, 'half_pixel', -0.75, false, 2);
    assert.deepEqual(edge, [0, 0, 0, 1]);
    const [, wx] = cubicSource(0, 5, 10, 'half_pixel', -0.75, true, 2);
    assert.equal(wx[0] + wx[1], 0);
    assert.ok(Math.abs(wx[2] + wx[3] - 1) < 1e-12 && Math.abs(wx[2] / wx[3] - we[2] / we[3]) < 1e-12);
  });
});
