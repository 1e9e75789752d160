// log_softmax (F.log_softmax, nn.LogSoftmax, ONNX LogSoftmax: PyTorch's MNIST example ends with it):
// the kind in every reader and its kernel, computed stably where log(softmax) would give −∞.
// Its ONNX exports against PyTorch are in onnxOps.test.ts (ops_log_softmax_op11/op13).
import * as assert from 'node:assert/strict';
import { check } from '../../engine';
import { logSoftmax, softmax, tensor } from '../../kernels';

const mnist = (head: string, ctor = '') => `# convlens: input 1x28x28
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)${ctor}

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = torch.flatten(self.dropout1(x), 1)
        x = self.fc2(F.relu(self.fc1(x)))
        output = ${head}
        return output
`;

describe('log_softmax', () => {
  it('kernel: x − max − log Σ e^(x − max), finite where the softmax underflows; log(softmax) elsewhere', () => {
    assert.deepEqual(Array.from(logSoftmax(tensor([2, 1, 1], Float32Array.of(0, -1000))).data), [0, -1000]);
    const x = tensor([3, 2, 1], Float32Array.of(0.5, -1, 2, 0.25, -3, 1));
    const want = softmax(x, 0).data.map(Math.log);
    logSoftmax(x, 0).data.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${i}: ${v} vs ${want[i]}`));
    const last = logSoftmax(x, -2).data;
    assert.ok(Math.abs(Math.exp(last[0]) + Math.exp(last[1]) - 1) < 1e-6);
  });

  it("PyTorch's MNIST example: F.log_softmax(x, dim=1) and nn.LogSoftmax(dim=1) are followed to the end", () => {
    for (const text of [mnist('F.log_softmax(x, dim=1)'), mnist('self.log_softmax(x)', '\n        self.log_softmax = nn.LogSoftmax(dim=1)')]) {
      const a = check(text, { fileName: 'mnist.py' });
      assert.deepEqual(a.findings.filter((f) => f.code === 'CL030' || f.severity === 'error').map((f) => f.message), []);
      const last = a.layers[a.layers.length - 1];
      assert.deepEqual([last.kind, last.shape, last.params], ['log_softmax', [10], 0]);
      assert.equal(a.totals.params, 1199882);
    }
  });

  it('cnn-yaml: the kind over the channels keeps the field; over a spatial axis the field is global', () => {
    const a = check('input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernel: 3}\n  - log_softmax\n  - log_softmax: {axis: 2}\n');
    assert.deepEqual(a.findings.filter((f) => f.severity === 'error'), []);
    assert.deepEqual(a.layers.map((l) => l.shape), [[4, 6, 6], [4, 6, 6], [4, 6, 6]]);
    assert.equal(a.layers[1].rf?.kind, 'local');
    assert.equal(a.layers[2].rf?.kind, 'global');
  });
});
