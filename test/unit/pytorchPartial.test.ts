// The PyTorch reader never shows a silent or wrong figure where it cannot follow the code: a
// factory that gives no module and F.pad over the channel axis are located notes (CL030), and a
// zero pad on the channel axis (channels-last code) is followed.
import * as assert from 'node:assert/strict';
import { check } from '../../engine';
import { lineOf, lineWith, only } from './helpers/findings';

describe('pytorch reader: a factory that gives no module', () => {
  it('a factory function that gives something other than a module is a note on its name, never a silent empty model', () => {
    const text = `import torch.nn as nn
from elsewhere import make_backbone


class Head(nn.Module):
    def __init__(self, backbone):
        super().__init__()
        self.backbone = backbone


def build():
    return 42
`;
    const a = check(text, { fileName: 'model.py', className: 'build' });
    const note = only(a, 'CL030');
    assert.equal(lineOf(text, note.span.start), lineWith(text, 'def build'));
    assert.match(note.message, /build\(\), which gives int, not an nn\.Module/);
  });
});

describe('pytorch reader: F.pad over more axes than the spatial ones', () => {
  const net = (pad: string) => `# convlens: input 3x8x8
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x):
        x = F.pad(x, ${pad})
        return self.conv(x)
`;

  it('a zero pair on the channel axis (channels-last code pads all three) changes nothing and is followed', () => {
    const a = check(net('(1, 1, 2, 2, 0, 0)'), { fileName: 'model.py' });
    assert.deepEqual(a.findings.filter((f) => f.code === 'CL030'), []);
    assert.deepEqual(a.layers.find((l) => l.name === 'conv')?.shape, [4, 10, 8]);
  });

  it('padding the channel axis is a note that says so (not “negative or not whole”)', () => {
    const text = net('(1, 1, 1, 1, 1, 1)');
    const note = only(check(text, { fileName: 'model.py' }), 'CL030');
    assert.match(note.message, /pads 3 axes of a tensor with 2 spatial axes \(padding the channel axis\)/);
    assert.equal(lineOf(text, note.span.start), lineWith(text, 'F.pad'));
  });
});
