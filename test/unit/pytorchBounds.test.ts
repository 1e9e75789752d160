// The PyTorch reader bounds a file's work by itself, so the CLI (which reads in-process) and the
// editor stop a pathological file with a located note instead of hanging or running out of memory:
// steps are bounded, and so are the list items (and characters) built or copied in all.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '../../engine';
import { repoRoot } from '../oracle';
import { lineOf, lineWith, only } from './helpers/findings';

const pathological = (name: string) => readFileSync(join(repoRoot, 'test', 'fixtures', 'pytorch', 'pathological', name), 'utf8');

function stopsAt(text: string, needle: string, workLimit?: number) {
  const a = check(text, { fileName: 'model.py', workLimit });
  const note = only(a, 'CL030');
  assert.equal(lineOf(text, note.span.start), lineWith(text, needle), note.message);
  assert.match(note.message, /list items in all/);
  // The conv after the runaway line is never reached: no figure is shown for it.
  assert.ok(!a.layers.some((l) => l.name === 'conv' && l.params !== undefined), JSON.stringify(a.layers.map((l) => l.name)));
  return note;
}

describe('pytorch reader: bounds on a file’s work', function () {
  this.timeout(30_000);

  it('a loop that copies a 40,000-item list millions of times stops with CL030 on the copy', () => {
    const note = stopsAt(pathological('runaway.py'), 'xs + xs');
    assert.match(note.message, /10,000,000/);
  });

  it('a 100,000 × 100,000 table stops with CL030 on the row that is repeated', () => {
    stopsAt(pathological('memory_hog.py'), '[0] * 99999');
  });

  it('a string doubled in a loop stops with CL030 on the concatenation', () => {
    const text = `# convlens: input 3x8x8
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        s = 'ab'
        for i in range(60):
            s = s + s
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x):
        return self.conv(x)
`;
    stopsAt(text, 's + s');
  });

  it('the bound is the reader’s option: a lower one stops a smaller loop, the default follows it', () => {
    const text = pathological('runaway.py').replace('range(3000)', 'range(2)').replace('range(3000)', 'range(2)');
    const followed = check(text, { fileName: 'model.py' });
    assert.deepEqual(followed.findings.filter((f) => f.code === 'CL030'), []);
    assert.equal(followed.layers.find((l) => l.name === 'conv')?.params, 224);
    const note = stopsAt(text, 'xs + xs', 100_000);
    assert.match(note.message, /100,000 list items/);
  });
});
