// The PyTorch reader on the Python constructs torchvision's newer models and hand-written code use
// (while, try, with, assert, @dataclass, constant tensors, nn.Parameter, InstanceNorm, LayerNorm
// over channels-last): each followed as Python runs it, or, where it cannot be, one located note
// and no guessed figure. Their numbers against PyTorch are in pytorchOracle.test.ts
// (models/constructs.py, efficientnet, regnet, convnext).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, quickFixes } from '../../engine';
import { repoRoot } from '../oracle';
import { lineOf, lineWith, only } from './helpers/findings';

const constructs = readFileSync(join(repoRoot, 'test', 'fixtures', 'pytorch', 'models', 'constructs.py'), 'utf8');
const analyse = (text: string) => check(text, { fileName: 'model.py' });
const small = (init: string, forward = 'return self.conv(x)') => `# convlens: input 3x16x16
import math
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
${init
  .trim()
  .split('\n')
  .map((l) => `        ${l}`)
  .join('\n')}

    def forward(self, x):
${forward
  .trim()
  .split('\n')
  .map((l) => `        ${l}`)
  .join('\n')}
`;

describe('pytorch reader: constructs', () => {
  it('models/constructs.py reads with no error and nothing left unfollowed', () => {
    const a = analyse(constructs);
    assert.deepEqual(a.findings.filter((f) => f.severity === 'error' || f.code === 'CL030').map((f) => f.message), []);
    assert.deepEqual(a.outputs.map((o) => o.shape), [[10]]);
  });

  it('an assert that fails is PyTorch’s AssertionError on the assert line, with its message and the values compared', () => {
    const text = constructs.replace('assert cout % 2 == 0', 'assert cout % 3 == 0');
    const f = only(analyse(text), 'CL033');
    assert.equal(f.severity, 'error');
    assert.equal(lineOf(text, f.span.start), lineWith(text, 'assert cout % 3 == 0'));
    assert.match(f.message, /AssertionError: even widths only \(1 == 0 is False\)/);
  });

  it('an assert on something unknown does not stop the figures', () => {
    const a = analyse(small('self.conv = nn.Conv2d(3, 8, 3)\nassert load_width() > 0', 'return self.conv(x)'));
    assert.deepEqual(a.outputs.map((o) => o.shape), [[8, 14, 14]]);
  });

  it('a while loop runs as Python runs it; one that does not end within 10,000 turns is a note on its condition', () => {
    const ok = analyse(small('c = 3\nlayers = []\nwhile c < 24:\n    layers.append(nn.Conv2d(c, c * 2, 3, padding=1))\n    c *= 2\nself.conv = nn.Sequential(*layers)'));
    assert.deepEqual(ok.layers.map((l) => l.shape?.[0]), [6, 12, 24]);
    const text = small('n = 1\nwhile n > 0:\n    n += 1\nself.conv = nn.Conv2d(3, n, 3)');
    const a = analyse(text);
    const note = only(a, 'CL030');
    assert.match(note.message, /a while loop that runs more than 10,000 times/);
    assert.equal(lineOf(text, note.span.start), lineWith(text, 'while n > 0'));
    assert.deepEqual(a.outputs, []);
  });

  it('try: the body is followed; an exception an except would catch is a note on the except, not a guess', () => {
    const followed = analyse(small('try:\n    self.conv = nn.Conv2d(3, 8, 3)\nexcept ImportError:\n    self.conv = nn.Conv2d(3, 4, 3)\nfinally:\n    self.done = True'));
    assert.deepEqual(followed.outputs.map((o) => o.shape), [[8, 14, 14]]);
    const text = small("try:\n    raise ValueError('old torch')\nexcept ValueError:\n    self.conv = nn.Conv2d(3, 4, 3)");
    const a = analyse(text);
    const note = only(a, 'CL030');
    assert.match(note.message, /except clause taken after ValueError: old torch/);
    assert.equal(lineOf(text, note.span.start), lineWith(text, 'except ValueError'));
    assert.deepEqual(a.outputs, []);
    // Without an except, the exception goes on after finally: PyTorch’s error on the raise.
    const t2 = small("try:\n    raise ValueError('old torch')\nfinally:\n    self.conv = nn.Conv2d(3, 4, 3)");
    assert.equal(lineOf(t2, only(analyse(t2), 'CL033').span.start), lineWith(t2, 'raise ValueError'));
  });

  it('with: torch.no_grad() and a class of the file with __enter__ both run their body', () => {
    const text = `${small('self.conv = nn.Conv2d(3, 8, 3)', 'with torch.no_grad(), Scope() as s:\n    x = self.conv(x)\nreturn x')}

class Scope:
    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False
`;
    const a = analyse(text);
    assert.deepEqual(a.findings.filter((f) => f.code === 'CL030').map((f) => f.message), []);
    assert.deepEqual(a.outputs.map((o) => o.shape), [[8, 14, 14]]);
    // A raise inside a context manager that may swallow it (contextlib.suppress, __exit__) is not PyTorch's error but a note.
    const swallowed = small("with contextlib.suppress(ValueError):\n    raise ValueError('ignored')\nself.conv = nn.Conv2d(3, 8, 3)").replace('import math\n', 'import math\nimport contextlib\n');
    const b = analyse(swallowed);
    assert.deepEqual(b.findings.filter((f) => f.code === 'CL033'), []);
    assert.equal(lineOf(swallowed, only(b, 'CL030').span.start), lineWith(swallowed, 'with contextlib'));
    // Under torch.no_grad() the exception goes on: PyTorch's error on the raise.
    const raised = small("with torch.no_grad():\n    raise ValueError('no')\nself.conv = nn.Conv2d(3, 8, 3)");
    assert.equal(lineOf(raised, only(analyse(raised), 'CL033').span.start), lineWith(raised, 'raise ValueError'));
  });

  it('sets keep each value once: set(), {…} and set comprehensions', () => {
    const a = analyse(small('widths = [8, 8, 16, 16, 16]\nn = len(set(widths)) + len({8, 8}) + len({w // 8 for w in widths})\nself.conv = nn.Conv2d(3, n, 3)'));
    assert.deepEqual(a.outputs.map((o) => o.shape), [[5, 14, 14]]);
  });

  it('a try around imports at module level is followed (the except is not needed)', () => {
    const text = small('self.conv = nn.Conv2d(3, WIDTH, 3)').replace('import math\n', 'import math\ntry:\n    from math import ceil\n    WIDTH = ceil(7.5)\nexcept ImportError:\n    WIDTH = 4\n');
    assert.deepEqual(analyse(text).outputs.map((o) => o.shape), [[8, 14, 14]]);
  });

  it('an error inside a torchvision helper (SqueezeExcitation, StochasticDepth…) is on the user’s call of it, with no fix into the helper', () => {
    const text = small('self.conv = nn.Conv2d(3, 32, 3)\nself.se = SqueezeExcitation(16, 4)', 'return self.se(self.conv(x))').replace('import math\n', 'import math\nfrom torchvision.ops.misc import SqueezeExcitation\n');
    const a = analyse(text);
    const f = only(a, 'CL102');
    assert.equal(text.slice(f.span.start, f.span.end), 'SqueezeExcitation(16, 4)');
    assert.match(f.message, /se\.fc1: in_channels is 16 but its input has 32 channels/);
    assert.ok(f.related?.every((r) => r.span.end <= text.length && text.slice(r.span.start, r.span.end) === 'self.se(self.conv(x))'));
    assert.deepEqual(quickFixes(text, a, f), []);
  });

  it('squeeze, unsqueeze, flatten(2), expand: followed where the batch axis stays; otherwise a note on the line', () => {
    const ok = analyse(small('self.conv = nn.Conv2d(3, 8, 3)', 'y = self.conv(x).flatten(2).mean(-1).unsqueeze(-1).unsqueeze(-1)\nreturn y.expand(-1, -1, 4, 5).squeeze(1)'));
    assert.deepEqual(ok.layers.map((l) => `${l.kind} ${l.shape}`).slice(1), ['reshape 8,196', 'global_avgpool 8', 'reshape 8,1', 'reshape 8,1,1', 'upsample 8,4,5']);
    assert.deepEqual(ok.outputs.map((o) => o.shape), [[8, 4, 5]]);
    const one = small('self.conv = nn.Conv2d(3, 8, 3)', 'return self.conv(x).mean((2, 3), keepdim=True).squeeze()');
    assert.match(only(analyse(one), 'CL030').message, /squeeze\(\) of a batch of one/);
    const text = small('self.conv = nn.Conv2d(3, 1, 3)', 'return self.conv(x).expand(-1, 8, -1, -1)');
    const note = only(analyse(text), 'CL030');
    assert.match(note.message, /expand from \[1, 14, 14\] to \[8, 14, 14\]/);
    assert.equal(lineOf(text, note.span.start), lineWith(text, '.expand('));
  });

  it('hasattr of a missing attribute (torchvision’s inception: `hasattr(m, "stddev")`) is False, not something unfollowed', () => {
    const text = small('self.conv = nn.Conv2d(3, 8, 3)\nstd = float(self.conv.stddev) if hasattr(self.conv, "stddev") else 0.1\nk = getattr(self.conv, "kind", 3)').replace('# convlens: input 3x16x16\n', '');
    const a = analyse(text);
    assert.deepEqual(a.findings.filter((f) => f.code === 'CL030').map((f) => f.message), []);
    assert.equal(a.totals.params, 224);
  });

  it('not binds tighter than or: `not a or b` is `(not a) or b`', () => {
    const a = analyse(small('flag = True\nwidth = 8 if not flag or True else 4\nself.conv = nn.Conv2d(3, width, 3)'));
    assert.deepEqual(a.outputs.map((o) => o.shape), [[8, 14, 14]]);
  });

  it('constant tensors: float32 arithmetic, round half to even on a tie; near a tie, a note instead of a guess', () => {
    const tie = analyse(small('n = int(torch.round(torch.tensor([22.5, 23.5]))[0].item())\nm = torch.round(torch.tensor([22.5, 23.5])).int().tolist()[1]\nself.conv = nn.Conv2d(3, n + m, 3)'));
    assert.deepEqual(tie.outputs.map((o) => o.shape), [[46, 14, 14]]);
    const text = small('w = torch.round(torch.arange(3) * 1.25 + 16.50001).int().tolist()\nself.conv = nn.Conv2d(3, w[0], 3)');
    const a = analyse(text);
    const note = only(a, 'CL030');
    assert.match(note.message, /torch\.round of 16\.5000\d+, too close to a tie/);
    assert.deepEqual(a.outputs, []);
    assert.equal(a.totals.params, 0);
    // A value of exp or log that leaves the tensor near an integer (Python may truncate it next) is not followed either.
    const t2 = small('n = int(torch.exp(torch.tensor([math.log(7.0)])).tolist()[0])\nself.conv = nn.Conv2d(3, n, 3)');
    assert.match(only(analyse(t2), 'CL030').message, /of log, exp or pow, too close to 7 to be the same in every library/);
    // Exact arithmetic is kept: .int() after a checked round, and sqrt (correctly rounded everywhere).
    assert.deepEqual(analyse(small('n = int(torch.sqrt(torch.tensor([64.0])).item())\nself.conv = nn.Conv2d(3, n, 3)')).outputs.map((o) => o.shape), [[8, 14, 14]]);
  });

  it('nn.Parameter: counted in the totals; used in forward as the engine’s learned constant; an unknown shape is a note, the total counts the rest', () => {
    const a = analyse(small('self.conv = nn.Conv2d(3, 8, 3)\nself.gamma = nn.Parameter(torch.ones(8, 1, 1) * 0.1)\nself.register_parameter("beta", nn.Parameter(torch.zeros(8, 1, 1)))', 'return self.conv(x) * self.gamma + self.beta'));
    assert.equal(a.totals.params, 3 * 8 * 9 + 8 + 8 + 8);
    assert.deepEqual(a.layers.map((l) => `${l.name} ${l.kind} ${l.params}`), ['conv conv 224', 'gamma parameter 8', 'mul mul 0', 'beta parameter 8', 'add add 0']);
    // torch.empty(…).normal_() keeps its shape; a leading 1 broadcasts over the batch; buffers are not parameters.
    const init = analyse(small('self.conv = nn.Conv2d(3, 8, 3)\nself.pos = nn.Parameter(torch.empty(1, 8, 14, 14).normal_(std=0.02))\nself.register_buffer("mask", torch.ones(8, 1, 1))', 'x = self.conv(x) + self.pos\nreturn x[:, :self.mask.shape[0]]'));
    assert.deepEqual(init.layers.map((l) => `${l.name} ${l.kind} ${l.params} ${l.shape}`), ['conv conv 224 8,14,14', 'pos parameter 1568 8,14,14', 'add add 0 8,14,14']);
    assert.equal(init.totals.params, 224 + 1568);
    // One parameter set on two modules counts once; a deep copy is a new parameter.
    const shared = analyse(small('self.conv = nn.Conv2d(3, 8, 3)\nself.gamma = nn.Parameter(torch.ones(8, 1, 1))\nself.conv.gamma = self.gamma\nself.other = copy.deepcopy(self.conv)').replace('import math\n', 'import math\nimport copy\n'));
    assert.equal(shared.totals.params, 224 + 8 + 224 + 8);
    const text = small('self.conv = nn.Conv2d(3, 8, 3)\nself.gamma = nn.Parameter(torch.ones(load_width()))');
    const unknownShape = analyse(text);
    // The total counts what could be followed (the conv), and says what it lacks.
    assert.equal(unknownShape.totals.params, 224);
    const note = only(unknownShape, 'CL030');
    assert.match(note.message, /load_width/);
    assert.equal(lineOf(text, note.span.start), lineWith(text, 'load_width()'));
  });

  it('InstanceNorm: no parameters without affine (PyTorch accepts a channel mismatch then); with affine, PyTorch’s error on num_features', () => {
    const plain = analyse(small('self.conv = nn.Sequential(nn.Conv2d(3, 8, 3), nn.InstanceNorm2d(6))'));
    assert.deepEqual(plain.layers.map((l) => `${l.kind} ${l.params} ${l.shape}`), ['conv 224 8,14,14', 'groupnorm 0 8,14,14']);
    const text = small('self.conv = nn.Sequential(nn.Conv2d(3, 8, 3), nn.InstanceNorm2d(6, affine=True))');
    const f = only(analyse(text), 'CL102');
    assert.match(f.message, /num_features is 6 but its input has 8 channels\. PyTorch: weight should contain 8 elements not 6/);
    assert.equal(text.slice(f.span.start, f.span.end), '6');
  });

  it('LayerNorm over trailing axes; a normalized_shape that does not end the input is PyTorch’s error', () => {
    const ok = analyse(small('self.conv = nn.Conv2d(3, 8, 3)\nself.norm = nn.LayerNorm([14, 14])', 'return self.norm(self.conv(x))'));
    assert.deepEqual(ok.layers.map((l) => `${l.kind} ${l.params}`), ['conv 224', 'layernorm 392']);
    const text = small('self.conv = nn.Conv2d(3, 8, 3)\nself.norm = nn.LayerNorm(8)', 'return self.norm(self.conv(x))');
    const f = only(analyse(text), 'CL102');
    assert.match(f.message, /Given normalized_shape=\[8\], expected input with shape \[\*, 8\], but got input of size\[1, 8, 14, 14\]/);
    assert.equal(lineOf(text, f.span.start), lineWith(text, 'nn.LayerNorm(8)'));
  });

  it('@dataclass: fields in order with their defaults, a missing field is Python’s TypeError on the call', () => {
    const text = `${small('cfg = Cfg(8)\nself.conv = nn.Conv2d(3, cfg.out, cfg.kernel)')}

from dataclasses import dataclass


@dataclass
class Cfg:
    out: int
    kernel: int = 5
`;
    assert.deepEqual(analyse(text).outputs.map((o) => o.shape), [[8, 12, 12]]);
    const broken = text.replace('Cfg(8)', 'Cfg()');
    const f = only(analyse(broken), 'CL033');
    assert.match(f.message, /missing the argument out/);
  });
});
