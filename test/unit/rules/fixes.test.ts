// Every quick fix: apply its edits to the text, analyse again, and check that the diagnostic it
// fixes is gone and that no new error appeared; edits keep flow/block style and indentation.
import { strict as assert } from 'node:assert';
import { check, quickFixes } from '../../../engine';
import type { Finding, QuickFix, TextEdit } from '../../../engine';
import { FIX_PROVIDERS } from '../../../engine/fixes';
import { applyEdits, setArg } from '../../../engine/fixes/edit';

const net = (input: string, ...layers: string[]) => `input: ${input}\nlayers:\n${layers.map((l) => `  - ${l}\n`).join('')}`;

interface FixCase {
  code: string;
  text: string;
  /** Titles expected among the fixes (hand arithmetic), the preferred one first. */
  titles?: string[];
  /** Text the preferred fix must produce somewhere. */
  produces?: string;
}

const CASES: FixCase[] = [
  // (8 + 2 − 3)/2 + 1 = 4.5 → 4 windows read −1..7: all 8 columns; output 1×4×4.
  { code: 'CL201', text: net('[1, 8, 8]', 'conv: {out: 1, kernel: 3, stride: 2}'), titles: ['Pad 1 → 1×4×4', 'Pad [[0, 1], [0, 1]] → 1×4×4', "padding: same → 1×4×4 (TensorFlow's rule; PyTorch accepts 'same' only at stride 1)", 'Stride 1 → 1×6×6', 'Kernel 2 → 1×4×4'], produces: 'conv: {out: 1, kernel: 3, stride: 2, padding: 1}' },
  // torchvision's 7×7/2 stem without padding on 224: k//2 = 3 gives ⌈224/2⌉ = 112 and reads every
  // pixel (preferred); the smallest tiling padding 1 gives (224 + 2 − 7)/2 + 1 = 110.5 → 110.
  { code: 'CL201', text: net('[3, 224, 224]', 'conv: {out: 64, kernel: 7, stride: 2}'), titles: ['Pad 3 → 64×112×112', 'Pad 1 → 64×110×110', 'Pad [[0, 1], [0, 1]] → 64×110×110', "padding: same → 64×112×112 (TensorFlow's rule; PyTorch accepts 'same' only at stride 1)", 'Stride 1 → 64×218×218', 'Kernel 6 → 64×110×110'], produces: 'conv: {out: 64, kernel: 7, stride: 2, padding: 3}' },
  // block map: the new argument goes on its own line at the arguments' indentation.
  { code: 'CL201', text: 'input: [1, 8, 8]\nlayers:\n  - conv:\n      out: 1\n      kernel: 3\n      stride: 2\n    name: c\n  - relu\n', produces: '      stride: 2\n      padding: 1\n    name: c\n' },
  // maxpool 2 on 7: (7 − 2)/2 + 1 = 3.5 → 3; ceil_mode gives 4 and reads position 6.
  { code: 'CL201', text: net('[1, 7]', 'maxpool: {kernel: 2}'), titles: ['Pad 1 → 1×4', 'Pad [[0, 1]] → 1×4', 'Set ceil_mode: true → 1×4'] },
  // 1×1/2 on 16 skips odd positions: kernel 2 keeps 8 outputs; stride 1 gives 16.
  { code: 'CL201', text: net('[1, 16]', 'conv: {out: 1, kernel: 1, stride: 2}'), titles: ['Kernel 2 → 1×8', 'Stride 1 → 1×16'] },
  { code: 'CL202', text: net('[1, 8, 8]', 'conv: {out: 1, kernel: 4, padding: same}'), titles: ['Kernel 5 (odd: symmetric padding) → 1×8×8', 'Kernel 3 (odd: symmetric padding) → 1×8×8'] },
  // padding 3 → ⌊(3 − 1)/2⌋ = 1: (8 + 2 − 3) + 1 = 8 outputs.
  { code: 'CL203', text: net('[1, 8]', 'conv: {out: 1, kernel: 3, padding: 3}'), titles: ['Pad 1 → 1×8'] },
  // transposed k1 s2 on 8 → kernel 2: (8 − 1)·2 + 2 = 16; stride 1: (8 − 1) + 1 = 8.
  { code: 'CL206', text: net('[1, 8]', 'conv_transpose: {out: 1, kernel: 1, stride: 2}'), titles: ['Kernel 2 (= stride) → 1×16', 'Stride 1 (= kernel) → 1×8'] },
  { code: 'CL401', text: net('[4, 8, 8]', 'conv: {out: 4, kernel: 3, padding: 1}', 'linear: {out: 3}'), produces: '  - conv: {out: 4, kernel: 3, padding: 1}\n  - flatten\n  - linear: {out: 3}\n' },
  { code: 'CL401', text: 'input: [4, 2, 2]\nblocks:\n  head:\n    layers:\n      - linear: {out: 3}\nlayers:\n  - head\n', produces: '      - flatten\n      - linear: {out: 3}\n' },
  // 'same' at stride 2 on 8 with K 3: total (4 − 1)·2 + 3 − 8 = 1 → [0, 1] per axis.
  { code: 'CL105', text: net('[1, 8, 8]', 'conv: {out: 1, kernel: 3, stride: 2, padding: same}'), titles: ["Pad [[0, 1], [0, 1]] explicitly (what 'same' computes here) → 1×4×4"] },
  // pool kernel 3: padding at most ⌊3/2⌋ = 1; kernel [3, 5]: at most [1, 2] per axis ([[1, 1], [2, 2]] written simply).
  { code: 'CL106', text: net('[1, 8, 8]', 'maxpool: {kernel: 3, stride: 1, padding: 2}'), produces: 'padding: 1}' },
  { code: 'CL106', text: net('[1, 8, 8]', 'maxpool: {kernel: [3, 5], stride: 1, padding: [[1, 3], 2]}'), produces: 'padding: [1, 2]}' },
  // output_padding 2 with stride 2: the valid value is 1.
  { code: 'CL107', text: net('[1, 3, 3]', 'conv_transpose: {out: 1, kernel: 3, stride: 2, output_padding: 2}'), produces: 'output_padding: 1}' },
  // 6 inputs, 4 outputs, groups 4: 6 mod 4 ≠ 0; divisors of gcd(6, 4) = 2 are 1, 2 → 2 is nearest.
  { code: 'CL102', text: net('[6, 8, 8]', 'conv: {out: 4, kernel: 3, groups: 4}'), titles: ['Set groups to 2 (divides 6 input and 4 output channels)', 'Set groups to 1 (divides 6 input and 4 output channels)'] },
  // groups = C = 32 and out 48: a depthwise conv with multiplier 48/32 = 1.5 → round to 2 → out 64.
  { code: 'CL102', text: net('[32, 8, 8]', 'conv: {out: 48, kernel: 3, groups: 32}'), titles: ['Set out to 64 (depthwise multiplier 2)', 'Set groups to 16 (divides 32 input and 48 output channels)', 'Set groups to 8 (divides 32 input and 48 output channels)'], produces: 'conv: {out: 64, kernel: 3, groups: 32}' },
  // weights [2, 1, 3] written for a conv declared with out 1: the weights decide (out 2).
  { code: 'CL109', text: net('[1, 7]', 'conv: {out: 1, kernel: 3, weights: [[[1, 0, -1]], [[0, 1, 0]]], bias: false}'), titles: ['Set out to 2 (the weights have 2 filters)'], produces: 'conv: {out: 2, kernel: 3' },
  // weights of kernel 3 declared as kernel 5.
  { code: 'CL109', text: net('[1, 7]', 'conv: {out: 1, kernel: 5, weights: [[[1, 0, -1]]], bias: false}'), titles: ['Set kernel to 3 (the weights\' kernel size)'], produces: 'kernel: 3' },
  // a residual add of 8 and 16 channels: the branch conv gets out 8 (the shortcut's channels).
  { code: 'CL103', text: 'input: [8, 8, 8]\nlayers:\n  - conv: {out: 16, kernel: 3, padding: 1}\n    name: branch\n  - add:\n    from: [input, branch]\n', titles: ['Set out of branch to 8 (match 8×8×8)'], produces: 'conv: {out: 8, kernel: 3, padding: 1}' },
  { code: 'CL102', text: net('[6, 8, 8]', 'prelu: {channels: 4}'), titles: ['Set channels to 6 (one slope per channel)', 'Set channels to 1 (one shared slope)'] },
  { code: 'CL003', text: net('[1, 8, 8]', 'maxpol: {kernel: 2}'), produces: '- maxpool: {kernel: 2}' },
  { code: 'CL004', text: net('[1, 8, 8]', 'conv: {out: 1, kernel: 3, strid: 2, padding: 1}'), produces: 'stride: 2' },
  { code: 'CL005', text: 'input: [1, 8, 8]\nlayers:\n  - conv: {out: 1, kernel: 3}\n    name: conv_a\n  - relu:\n    from: conv_b\n', produces: 'from: conv_a' },
  { code: 'CL009', text: 'input: [1, 8, 8]\nparams: {width: 4}\nlayers:\n  - conv: {out: $widt * 2, kernel: 3}\n', produces: 'out: $width * 2' },
];

function errorsOf(text: string): Finding[] {
  return check(text).findings.filter((f) => f.severity === 'error');
}

function verify(text: string, finding: Finding, fix: QuickFix): string {
  const after = applyEdits(text, fix.edits);
  const a = check(after);
  const same = a.findings.filter((f) => f.code === finding.code);
  assert.deepEqual(same.map((f) => f.message), [], `"${fix.title}" left ${finding.code} in:\n${after}`);
  const before = new Set(errorsOf(text).map((f) => f.code));
  const fresh = a.findings.filter((f) => f.severity === 'error' && !before.has(f.code));
  assert.deepEqual(fresh.map((f) => `${f.code} ${f.message}`), [], `"${fix.title}" introduced errors in:\n${after}`);
  return after;
}

describe('fixes: applying each fix removes its diagnostic and adds no error', () => {
  for (const c of CASES) {
    it(`${c.code}: ${c.text.split('\n').slice(2).join(' ').trim().slice(0, 70)}`, () => {
      const a = check(c.text);
      const findings = a.findings.filter((f) => f.code === c.code);
      assert.equal(findings.length, 1, `expected one ${c.code}: ${a.findings.map((f) => f.code + ' ' + f.message).join('\n')}`);
      const fixes = quickFixes(c.text, a, findings[0]);
      assert.ok(fixes.length > 0, 'no fix offered');
      assert.equal(fixes.filter((f) => f.isPreferred).length, 1, 'exactly one preferred fix');
      assert.ok(fixes[0].isPreferred, 'the preferred fix comes first');
      if (c.titles) assert.deepEqual(fixes.map((f) => f.title), c.titles);
      for (const fix of fixes) {
        const after = verify(c.text, findings[0], fix);
        if (fix === fixes[0] && c.produces) assert.ok(after.includes(c.produces), `expected «${c.produces}» in:\n${after}`);
      }
    });
  }

  it('every code with a fix provider for cnn-yaml has a case here (darknet fixes: darknetConventions.test.ts)', () => {
    const tested = new Set(CASES.map((c) => c.code));
    const cnnYaml = [...FIX_PROVIDERS].filter(([, ps]) => ps.some((p) => p.formats === 'any' || p.formats.includes('cnn-yaml'))).map(([code]) => code);
    assert.deepEqual(cnnYaml.filter((c) => !tested.has(c)), []);
  });
});

describe('fixes: edits keep the YAML style', () => {
  const origin = (text: string, layerIndex = 0) => check(text).layers[layerIndex].origin;

  it('inserts into an empty flow map', () => {
    const text = 'input: [1, 8]\nlayers:\n  - relu: {}\n';
    const edits = setArg(text, origin(text), 'p', '1') as TextEdit[];
    assert.equal(applyEdits(text, edits), 'input: [1, 8]\nlayers:\n  - relu: {p: 1}\n');
  });

  it('turns a bare `- kind` into a flow map', () => {
    const text = 'input: [1, 8]\nlayers:\n  - relu\n  - softmax\n';
    const edits = setArg(text, origin(text, 1), 'axis', '0') as TextEdit[];
    assert.equal(applyEdits(text, edits), 'input: [1, 8]\nlayers:\n  - relu\n  - softmax: {axis: 0}\n');
  });

  it('fills an empty `- kind:` that has a name below it', () => {
    const text = 'input: [1, 8]\nlayers:\n  - dropout:\n    name: d\n';
    const after = applyEdits(text, setArg(text, origin(text), 'p', '0.1') as TextEdit[]);
    assert.equal(after, 'input: [1, 8]\nlayers:\n  - dropout: {p: 0.1}\n    name: d\n');
    assert.deepEqual(errorsOf(after), []);
    assert.equal((check(after).layers[0].args as { p: number }).p, 0.1);
  });

  it('never rewrites a $ expression', () => {
    const text = 'input: [1, 8]\nparams: {s: 2}\nlayers:\n  - conv: {out: 1, kernel: 3, stride: $s}\n';
    assert.equal(setArg(text, origin(text), 'stride', '1'), undefined);
  });
});
