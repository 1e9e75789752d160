// The ONNX view's worker reads float32 weights that lie unaligned in the file through one reused
// scratch buffer (webview/src/weightArena.ts) instead of the reader's kept copies: the same
// values, the same run, and the scratch holds one layer's weights at a time.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readOnnx } from '../../engine';
import { execute } from '../../kernels/runtime/execute';
import { readNpy } from '../../kernels/runtime/npy';
import { resetWeightScratch, scratchWeights } from '../../webview/src/weightArena';
import type { Tensor } from '../../kernels';
import { repoRoot } from '../oracle';

const fixture = (f: string) => join(repoRoot, 'test', 'fixtures', 'onnx', f);

describe('ONNX weights through the scratch buffer (the view\'s worker)', () => {
  const bytes = new Uint8Array(readFileSync(fixture('classifier_op11_fixed_bn.onnx')));
  const read = readOnnx(bytes, { fileName: 'classifier_op11_fixed_bn.onnx' });

  it('gives every tensor the reader gives, value for value; the unaligned ones are views of one buffer, reused after a reset', () => {
    const plain = read.weightStore();
    const scratch = scratchWeights(read, read.weightStore());
    let unaligned = 0;
    const buffers = new Set<ArrayBufferLike>();
    for (const [layer, tensors] of plain.layers) {
      for (const [param, t] of tensors) {
        resetWeightScratch();
        const s = scratch.layers.get(layer)!.get(param)!;
        assert.deepEqual(s.shape, t.shape);
        assert.deepEqual(Array.from(s.data), Array.from(t.data), `${layer}.${param}`);
        if (s.data.buffer !== bytes.buffer) {
          unaligned++;
          buffers.add(s.data.buffer);
          assert.equal(s.data.byteOffset, 0, 'at the start of the scratch buffer after a reset');
        }
      }
    }
    assert.ok(unaligned > 0, 'the fixture has unaligned float32 weights');
    assert.equal(buffers.size, 1, 'one scratch buffer for all of them');
  });

  it('runs the model to PyTorch\'s output with them', () => {
    const input = readNpy(readFileSync(fixture('classifier_op11_fixed_bn.input.npy')));
    const want = readNpy(readFileSync(fixture('classifier_op11_fixed_bn.output.npy')));
    const weights = scratchWeights(read, read.weightStore());
    let out: Tensor = { shape: [], data: new Float32Array(0) };
    // A reset after each layer, as the worker does between layers.
    execute(read.analysis, { shape: input.shape.slice(1), data: input.data }, { weights, keepAll: true, onLayer: (_, t) => { out = t; resetWeightScratch(); } });
    assert.equal(out.data.length, want.data.length);
    let worst = 0;
    for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(out.data[i] - want.data[i]) / Math.max(1e-3, Math.abs(want.data[i])));
    assert.ok(worst <= 1e-4, `relative difference ${worst}`);
  });
});
