// The PyTorch reader's behaviour: errors where PyTorch would raise, each on the offending line
// with the arithmetic and (where one is clear) a preferred quick fix; code it cannot follow kept
// to the figures it can compute with one located note; where the input shape comes from; which
// class is the model; the entries the editor hints; which files are PyTorch models at all.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, documentOptions, DEFAULT_FORMAT_SETTINGS, formatOf, parseFormatSettings, quickFixes, type Analysis, type Finding } from '../../engine';
import { execute } from '../../kernels/runtime/execute';
import { tensor } from '../../kernels';
import { repoRoot } from '../oracle';
import { lineOf, lineWith, only } from './helpers/findings';

const models = join(repoRoot, 'test', 'fixtures', 'pytorch', 'models');
const source = (name: string) => readFileSync(join(models, name), 'utf8');
const analyse = (text: string, options: Record<string, unknown> = {}) => check(text, { fileName: 'model.py', ...options });
const applyFix = (text: string, a: Analysis, f: Finding) => {
  const fix = quickFixes(text, a, f).find((q) => q.isPreferred);
  assert.ok(fix, `a preferred fix for ${f.code}`);
  let out = text;
  for (const e of [...fix.edits].sort((x, y) => y.span.start - x.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return { text: out, title: fix.title };
};

describe('pytorch reader: errors where PyTorch raises, located, with fixes', () => {
  const cifar = source('cifar_net.py');

  it('a Linear whose in_features does not match: "mat1 and mat2 shapes cannot be multiplied", on its argument, fixed to 16 * 4 * 4', () => {
    const text = cifar.replace('input 3x32x32', 'input 3x28x28');
    const a = analyse(text);
    const f = only(a, 'CL102');
    assert.equal(f.severity, 'error');
    assert.equal(text.slice(f.span.start, f.span.end), '16 * 5 * 5');
    assert.equal(lineOf(text, f.span.start), lineWith(text, 'self.fc1 = nn.Linear'));
    assert.match(f.message, /in_features is 400 but 256 features reach it \(16 × 4 × 4 = 256 after flatten\)/);
    assert.match(f.message, /mat1 and mat2 shapes cannot be multiplied \(1x256 and 400x120\)/);
    const fixed = applyFix(text, a, f);
    assert.equal(fixed.title, 'Set in_features to 256 (16 × 4 × 4)');
    assert.ok(fixed.text.includes('nn.Linear(16 * 4 * 4, 120)'));
    const again = analyse(fixed.text);
    assert.deepEqual(again.findings.filter((x) => x.severity === 'error'), []);
    assert.deepEqual(again.outputs.map((o) => o.shape), [[10]]);
  });

  it('the batch size the file uses is the one in PyTorch’s message', () => {
    const text = cifar.replace('# convlens: input 3x32x32\n', '') + '\nnet = Net()\nout = net(torch.randn(4, 3, 28, 28))\n';
    const f = only(analyse(text), 'CL102');
    assert.match(f.message, /\(4x256 and 400x120\)/);
  });

  it('a conv whose in_channels differs from what reaches it: PyTorch’s message, the fix sets it to 6', () => {
    const text = cifar.replace('nn.Conv2d(6, 16, 5)', 'nn.Conv2d(8, 16, 5)');
    const a = analyse(text);
    const f = only(a, 'CL102');
    assert.equal(text.slice(f.span.start, f.span.end), '8');
    assert.equal(lineOf(text, f.span.start), lineWith(text, 'self.conv2 ='));
    assert.match(f.message, /Given groups=1, weight of size \[16, 8, 5, 5\], expected input\[1, 6, 14, 14\] to have 8 channels, but got 6 channels instead/);
    const fixed = applyFix(text, a, f);
    assert.equal(fixed.title, 'Set in_channels to 6');
    assert.ok(fixed.text.includes('nn.Conv2d(6, 16, 5)'));
    // The figures before the bad conv are kept; the ones after it are withheld (PyTorch stops there).
    assert.deepEqual(a.layers.map((l) => l.name), ['conv1', 'relu', 'pool']);
    assert.deepEqual(a.outputs, []);
  });

  it('a conv in_channels given as a name is not rewritten (other instances share it)', () => {
    const text = cifar.replace('nn.Conv2d(6, 16, 5)', 'nn.Conv2d(self.width, 16, 5)').replace('super().__init__()', 'super().__init__()\n        self.width = 8');
    const a = analyse(text);
    const f = only(a, 'CL102');
    assert.equal(text.slice(f.span.start, f.span.end), 'self.width');
    assert.deepEqual(quickFixes(text, a, f), []);
  });

  it('an output size ≤ 0: the kernel argument of the conv, with the arithmetic', () => {
    const text = cifar.replace('input 3x32x32', 'input 3x12x12');
    const f = only(analyse(text), 'CL101');
    assert.equal(lineOf(text, f.span.start), lineWith(text, 'self.conv2 ='));
    assert.equal(text.slice(f.span.start, f.span.end), '5');
    assert.match(f.message, /⌊\(4 \+ 0 − 5\)\/1⌋ \+ 1 = 0/);
  });

  it('torch.cat of maps of different sizes (a U-Net without its F.pad at 68×68): on the cat line, both operands related', () => {
    const text = source('unet.py').replace(/ {8}x1 = F\.pad\(x1, \[[^\]]*\]\)\n/, '');
    assert.ok(!text.includes('F.pad(x1'));
    const f = only(analyse(text), 'CL104');
    assert.equal(lineOf(text, f.span.start), lineWith(text, 'x = torch.cat([x2, x1], dim=1)'));
    assert.match(f.message, /17 vs 16/);
    assert.deepEqual(f.related?.filter((r) => /: \[/.test(r.message)).map((r) => r.message), ['down2.maxpool_conv.1.double_conv.5: [256, 17, 17]', 'up2.up: [256, 16, 16]']);
  });

  it('x.view(-1, n) with n not the values per sample: CL032 on the view, PyTorch’s message', () => {
    const text = cifar.replace('torch.flatten(x, 1)', 'x.view(-1, 16 * 4 * 4)');
    const f = only(analyse(text), 'CL032');
    assert.equal(lineOf(text, f.span.start), lineWith(text, 'x.view(-1'));
    assert.match(f.message, /16×5×5 = 400 values, not 256/);
    assert.match(f.message, /shape '\[-1, 256\]' is invalid for input of size 400/);
  });

  it('a raise the constructor reaches is an error on the raise', () => {
    const text = cifar.replace('super().__init__()', "super().__init__()\n        if True:\n            raise ValueError('no')");
    const f = only(analyse(text), 'CL033');
    assert.equal(lineOf(text, f.span.start), lineWith(text, 'raise ValueError'));
  });

  it('a torch.nn module called with the wrong arguments is PyTorch’s TypeError', () => {
    const text = cifar.replace('nn.Linear(84, 10)', 'nn.Linear(84, 10, 3, 4, 5, 6)');
    const f = only(analyse(text), 'CL033');
    assert.match(f.message, /Linear\(\) takes 5 arguments but 6 were given/);
  });
});

describe('pytorch reader: code it cannot follow', () => {
  const text = `# convlens: input 3x32x32
import torch
import torch.nn as nn
from mylib import CustomBlock


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3)
        self.block = CustomBlock(16)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.conv(x)
        x = self.block(x)
        return self.fc(x)
`;

  it('keeps every figure it can, withholds the rest, and says where once: no number is guessed', () => {
    const a = analyse(text);
    assert.deepEqual(a.layers.map((l) => `${l.name} ${l.shape}`), ['conv 16,30,30']);
    assert.deepEqual(a.outputs, []);
    const notes = a.findings.filter((f) => f.code === 'CL030');
    assert.equal(notes.length, 1);
    assert.equal(notes[0].severity, 'info');
    assert.match(notes[0].message, /CustomBlock/);
    assert.equal(lineOf(text, notes[0].span.start), lineWith(text, 'CustomBlock(16)'));
    // The total counts the modules ConvLens could follow (conv and fc), not the unknown block.
    assert.equal(a.totals.params, 448 + 170);
  });

  it('a data-dependent branch in forward: figures up to it, the note on its condition', () => {
    const t = text.replace('from mylib import CustomBlock\n', '').replace('self.block = CustomBlock(16)', 'self.block = nn.ReLU()').replace('        x = self.block(x)\n', '        if x.sum() > 0:\n            x = self.block(x)\n');
    const a = analyse(t);
    assert.deepEqual(a.layers.map((l) => l.name), ['conv']);
    const note = only(a, 'CL030');
    assert.equal(lineOf(t, note.span.start), lineWith(t, 'if x.sum()'));
    assert.equal(a.totals.params, 448 + 170);
  });

  it('a half-typed line does not stop the analysis of the rest', () => {
    const t = source('cifar_net.py').replace('self.fc2 = nn.Linear(120, 84)', 'self.fc2 = nn.Linear(120, 84)\n        self.x = nn.Conv2d(');
    const a = analyse(t);
    assert.equal(a.layers.find((l) => l.name === 'conv1')?.params, 456);
  });

  it('runaway code is bounded: an endless recursion becomes a note, not a hang', () => {
    const t = source('cifar_net.py').replace('nn.Conv2d(3, 6, 5)', 'nn.Conv2d(3, f(6), 5)') + '\n\ndef f(n):\n    return f(n + 1)\n';
    const a = analyse(t);
    assert.ok(a.findings.some((f) => f.code === 'CL030' && /nested deeper/.test(f.message)), a.findings.map((f) => f.message).join('\n'));
  });
});

describe('pytorch reader: the input shape and the model class', () => {
  const cifar = source('cifar_net.py');
  const bare = cifar.replace('# convlens: input 3x32x32\n', '');

  it('from the `# convlens: input` comment', () => {
    assert.deepEqual(analyse(cifar).input, [3, 32, 32]);
  });
  it('from a torch.randn the file makes itself (the first dimension is the batch)', () => {
    assert.deepEqual(analyse(bare + '\nif __name__ == "__main__":\n    print(Net()(torch.randn(2, 3, 40, 40)).shape)\n').input, [3, 40, 40]);
  });
  it('the CLI flag wins over the file; the setting is used only when the file says nothing', () => {
    assert.deepEqual(analyse(cifar, { inputShape: [3, 36, 36] }).input, [3, 36, 36]);
    assert.deepEqual(analyse(cifar, { fallbackInputShape: [3, 36, 36] }).input, [3, 32, 32]);
    assert.deepEqual(analyse(bare, { fallbackInputShape: [3, 36, 36] }).input, [3, 36, 36]);
  });
  it('none: parameters are still counted, CL031 on the class offers to add the comment', () => {
    const a = analyse(bare);
    assert.equal(a.totals.params, 62006);
    assert.equal(a.layers.length, 0);
    const f = only(a, 'CL031');
    assert.equal(bare.slice(f.span.start, f.span.end), 'Net');
    const fixes = quickFixes(bare, a, f);
    assert.deepEqual(fixes.map((q) => q.title), ['Add `# convlens: input 3x224x224`', 'Add `# convlens: input 3x32x32`']);
    const withComment = bare.slice(0, fixes[1].edits[0].span.start) + fixes[1].edits[0].newText + bare.slice(fixes[1].edits[0].span.start);
    assert.deepEqual(analyse(withComment).outputs.map((o) => o.shape), [[10]]);
  });
  it('the model is the class no other class instantiates; another one by name', () => {
    const text = source('resnet_blocks.py');
    const a = analyse(text);
    assert.equal(a.name, 'ResNet18');
    assert.equal(a.totals.params, 11181642);
    assert.equal(analyse(text, { className: 'ResNet' }).totals.params, 25557032);
    const f = only(analyse(text, { className: 'Missing' }), 'CL012');
    assert.match(f.message, /named Missing \(it defines BasicBlock, Bottleneck, ResNet, ResNet18\)/);
  });
});

describe('pytorch reader: entries for the editor', () => {
  const text = source('resnet_blocks.py');
  const a = analyse(text, { className: 'ResNet' });
  const at = (needle: string) => a.entries.filter((e) => lineOf(text, e.span.start) === lineWith(text, needle));

  it('a constructor line carries the parameters of the modules it creates, every instance', () => {
    const [fc] = at('self.fc = nn.Linear');
    assert.equal(fc.definition, true);
    assert.equal(fc.params, 2048 * 1000 + 1000);
    assert.equal(fc.shape, undefined);
    const [conv2] = at('self.conv2 = conv3x3(width, width, stride)');
    assert.equal(conv2.instances, 16);
    assert.equal(conv2.inBlock, 'Bottleneck');
    const [layer3] = at('self.layer3 = self._make_layer');
    assert.equal(layer3.name, 'layer3');
    assert.equal(layer3.params, 7098368);
  });
  it('a forward line carries the shape and the receptive field after it', () => {
    const [l2] = at('x = self.layer2(x)');
    assert.deepEqual(l2.shape, [512, 28, 28]);
    assert.equal(l2.rf?.kind, 'local');
    const [flat] = at('x = torch.flatten(x, 1)');
    assert.deepEqual(flat.shape, [2048]);
    const [add] = at('out = out + identity');
    assert.equal(add.instances, 16);
  });
  it('each layer on a line of its own inside a multi-line nn.Sequential gets its own entry (torchvision’s AlexNet)', () => {
    const alex = readFileSync(join(repoRoot, 'test', 'fixtures', 'pytorch', 'torchvision', 'alexnet.py'), 'utf8');
    const b = analyse(alex, { inputShape: [3, 224, 224] });
    const on = (needle: string) => b.entries.filter((e) => lineOf(alex, e.span.end) === lineWith(alex, needle));
    const [conv0] = on('nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2)');
    assert.equal(conv0.name, 'features.0');
    assert.equal(conv0.params, 23296);
    assert.deepEqual(conv0.shape, [64, 55, 55]);
    const [fc] = on('nn.Linear(256 * 6 * 6, 4096)');
    assert.equal(fc.params, 9216 * 4096 + 4096);
    // The statement's own line keeps its entry: the whole Sequential's parameters.
    const [features] = on('        )\n        self.avgpool');
    assert.equal(features?.name, 'features');
  });

  it('layers are named by their module path, functional ops by the module that runs them', () => {
    const names = new Set(a.layers.map((l) => l.name));
    for (const n of ['conv1', 'layer1.0.conv1', 'layer1.0.downsample.0', 'layer4.2.bn3', 'fc', 'layer1.0.add', 'flatten']) assert.ok(names.has(n), n);
  });
});

describe('pytorch reader: which files; tensor slicing', () => {
  it('a .py file is a PyTorch model when it imports torch and subclasses nn.Module', () => {
    assert.equal(formatOf('net.py', source('cifar_net.py')), 'pytorch');
    assert.equal(formatOf('util.py', 'import os\n\nclass A:\n    pass\n'), undefined);
    assert.equal(formatOf('net.py', 'class Net(Module):\n    pass\n'), undefined);
  });
  it('Python documents are read only when they define a model, and not at all when switched off', () => {
    const text = source('cifar_net.py');
    assert.equal(documentOptions('python', 'file:///a/net.py', text, DEFAULT_FORMAT_SETTINGS)?.format, 'pytorch');
    assert.equal(documentOptions('python', 'file:///a/util.py', 'import os\n', DEFAULT_FORMAT_SETTINGS), undefined);
    const off = parseFormatSettings({}, { enabled: false });
    assert.equal(documentOptions('python', 'file:///a/net.py', text, off), undefined);
    assert.deepEqual(documentOptions('python', 'file:///a/net.py', text, parseFormatSettings({}, { inputShape: '3x64x64' }))?.fallbackInputShape, [3, 64, 64]);
  });
  it('the TCN’s chomp x[:, :, :-pad] is a strided_slice the kernels run: the last positions of the padded conv are dropped', () => {
    const a = analyse(source('tcn.py'));
    const chomp = a.layers.find((l) => l.name === 'network.0.chomp1.getitem')!;
    assert.equal(chomp.kind, 'strided_slice');
    assert.deepEqual([chomp.inputShapes[0], chomp.shape], [[32, 130], [32, 128]]);
    // The field stays anchored: output t sees input positions up to t (causal), none after.
    const conv = a.layers[chomp.index - 1];
    assert.equal(conv.name, 'network.0.conv1');
    assert.ok(chomp.rf?.kind === 'local' && chomp.rf.summary.start[0] === -2, JSON.stringify(chomp.rf?.kind === 'local' && chomp.rf.summary));
    const input = tensor([16, 128], Float32Array.from({ length: 16 * 128 }, (_, i) => Math.sin(i)));
    const kept = new Map<number, { shape: readonly number[]; data: Float32Array }>();
    execute(a, input, { seed: 1, onLayer: (i, out) => kept.set(i, { shape: [...out.shape], data: Float32Array.from(out.data) }) });
    const before = kept.get(chomp.index - 1)!;
    const cropped = kept.get(chomp.index)!;
    assert.deepEqual(cropped.shape, [32, 128]);
    for (let c = 0; c < 32; c++) for (let t = 0; t < 128; t++) assert.equal(cropped.data[c * 128 + t], before.data[c * 130 + t]);
  });
  it('channel slices and strides: x[:, :8] and x[..., ::2]', () => {
    const text = `# convlens: input 16x10x10\nimport torch.nn as nn\n\n\nclass S(nn.Module):\n    def forward(self, x):\n        y = x[:, :8]\n        return y[..., ::2]\n`;
    const a = analyse(text);
    assert.deepEqual(a.layers.map((l) => `${l.kind} ${l.shape}`), ['strided_slice 8,10,10', 'strided_slice 8,10,5']);
  });
});

describe('pytorch reader: half-typed and mangled sources', () => {
  // Deterministic mutations of real model files (truncations, deletions, stray tokens, repeated
  // lines: what a file looks like while it is typed): the reader never throws, and every finding
  // is located inside the text.
  const files = ['cifar_net.py', 'resnet_blocks.py', 'unet.py', 'tcn.py', 'inception_dense.py'].map(source);
  const tokens = ['(', ')', ':', ',', '[', ']', '0', '-1', '*', 'x', '\n', '    ', '"', '#', 'self.', 'nn.', '**', 'lambda', 'for ', 'if ', 'super(Chomp1d, self).__init__()'];
  it('400 mutations: no exception, every finding located', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 400; i++) {
      const t = files[i % files.length];
      const a = Math.floor(rnd() * t.length);
      const b = Math.min(t.length, a + Math.floor(rnd() * 40));
      const r = rnd();
      const lines = t.split('\n');
      const k = Math.floor(rnd() * lines.length);
      const mutated =
        r < 0.25 ? t.slice(0, a) : r < 0.5 ? t.slice(0, a) + t.slice(b) : r < 0.75 ? t.slice(0, a) + tokens[Math.floor(rnd() * tokens.length)] + t.slice(a) : [...lines.slice(0, k), lines[Math.floor(rnd() * lines.length)], ...lines.slice(k)].join('\n');
      let result: Analysis;
      try {
        result = analyse(mutated, { inputShape: [3, 64, 64] });
      } catch (err) {
        assert.fail(`mutation ${i} throws: ${(err as Error).stack}`);
      }
      for (const f of result.findings) assert.ok(f.span.start >= 0 && f.span.start <= f.span.end && f.span.end <= mutated.length, `mutation ${i}: ${f.code} at ${JSON.stringify(f.span)}`);
    }
  });
});
