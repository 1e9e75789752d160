// The kinds ONNX graphs need between the convolutions, written in a cnn-yaml network: reshape,
// transpose, strided_slice, elementwise and unary — their shapes, fields, hover arithmetic,
// errors, and kernels (checked element by element against index arithmetic written here).
import * as assert from 'node:assert/strict';
import { check } from '../../engine';
import { explainLayer } from '../../engine/explain';
import { binary, stridedSlice, transpose, unary, tensor } from '../../kernels';

const net = (layers: string) => `input: [4, 6, 8]\nlayers:\n${layers}`;
const shapes = (text: string) => check(text).layers.map((l) => l.shape);
const errors = (text: string) => check(text).findings.filter((f) => f.severity === 'error').map((f) => `${f.code} ${f.message}`);

describe('tensor kinds (reshape, transpose, strided_slice, elementwise, unary)', () => {
  it('shapes and fields: a strided slice maps the field, a re-layout stops it', () => {
    const a = check(net('  - conv: {out: 8, kernel: 3, padding: 1}\n  - strided_slice: {axes: [1], starts: [1], ends: [6], steps: [2]}\n  - transpose: {perm: [0, 2, 1]}\n  - reshape: {shape: [8, -1]}\n'));
    assert.deepEqual(a.layers.map((l) => l.shape), [[8, 6, 8], [8, 3, 8], [8, 8, 3], [8, 24]]);
    const rf = a.layers[1].rf!;
    assert.equal(rf.kind, 'local');
    if (rf.kind === 'local') assert.deepEqual(rf.summary.jump.map((j) => j.num / j.den), [2, 1]);
    assert.equal(a.layers[2].rf, undefined);
    assert.deepEqual(explainLayer(a.layers[3], a).shapeLines, ['[8, 8, 3] → [8, 24] (192 elements)']);
  });

  it('elementwise broadcasts two layers or a layer and a constant; unary keeps the shape', () => {
    const text = net('  - conv: {out: 4, kernel: 1}\n    name: a\n  - global_avgpool\n  - reshape: {shape: [4, 1, 1]}\n    name: g\n  - elementwise: {op: sub}\n    from: [a, g]\n  - elementwise: {op: div, value: [1, 2, 3, 4, 5, 6, 7, 8], value_shape: [8]}\n  - unary: {op: clip, min: 0}\n');
    assert.deepEqual(errors(text), []);
    assert.deepEqual(shapes(text), [[4, 6, 8], [4], [4, 1, 1], [4, 6, 8], [4, 6, 8], [4, 6, 8]]);
  });

  it('refuses what PyTorch would: a reshape of the wrong size, a non-permutation, operands that do not broadcast, an unknown op', () => {
    assert.match(errors(net('  - reshape: {shape: [5, -1]}\n'))[0], /CL011 shape '\[5, -1\]' is invalid for input of size 192/);
    assert.match(errors(net('  - transpose: {perm: [0, 0, 1]}\n'))[0], /CL011 transpose `perm` \[0,0,1\] is not a permutation/);
    assert.match(errors(net('  - elementwise: {op: add, value: [1, 2, 3], value_shape: [3]}\n'))[0], /CL103 elementwise add: \[4, 6, 8\] and the constant \[3\] do not broadcast/);
    assert.match(errors(net('  - unary: {op: cube}\n'))[0], /CL011 unary `op` must be one of/);
  });

  it('kernels: transpose, strided slice and broadcast binary ops index like numpy', () => {
    const x = tensor([2, 3, 4], Array.from({ length: 24 }, (_, i) => i));
    const t = transpose(x, [2, 0, 1]);
    assert.deepEqual(t.shape, [4, 2, 3]);
    for (let a = 0; a < 4; a++) for (let b = 0; b < 2; b++) for (let c = 0; c < 3; c++) assert.equal(t.data[(a * 2 + b) * 3 + c], x.data[(b * 3 + c) * 4 + a]);
    const s = stridedSlice(x, [1, 2], [1, 0], [3, 4], [1, 3]);
    assert.deepEqual(s.shape, [2, 2, 2]);
    assert.deepEqual(Array.from(s.data), [4, 7, 8, 11, 16, 19, 20, 23]);
    const g = binary('sub', x, tensor([4], [0, 1, 2, 3]));
    assert.deepEqual(Array.from(g.data.slice(0, 8)), [0, 0, 0, 0, 4, 4, 4, 4]);
    assert.deepEqual(Array.from(binary('div', tensor([], [12]), tensor([3], [1, 2, 3])).data), [12, 6, 4]);
    assert.deepEqual(Array.from(unary(tensor([3], [-2, 0, 2]), 'clip', { min: -1, max: 1 }).data), [-1, 0, 1]);
  });
});
