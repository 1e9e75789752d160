// The fast YAML path must give exactly the tree the `yaml` package gives, or give up.
// Differential test over the examples, hand-written edge cases, and a fixed-seed corpus of
// mutated examples (the kind of half-typed text an editor sees all day).
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fastParse } from '../../engine/readers/yaml/fastYaml';
import { parseWithYaml } from '../../engine/readers/yaml/parse';
import { repoRoot } from '../oracle';

const examplesDir = join(repoRoot, 'examples');
const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.cnn.yaml')).map((f) => ({ name: f, text: readFileSync(join(examplesDir, f), 'utf8') }));

/** Either the fast path gives up, or it agrees with `yaml` exactly (and `yaml` found no error). */
function agrees(text: string): 'fast' | 'fallback' {
  const fast = fastParse(text);
  if (!fast) return 'fallback';
  const ref = parseWithYaml(text);
  assert.deepEqual(ref.findings, [], `fast path accepted text that yaml rejects: ${JSON.stringify(text.slice(0, 200))}`);
  assert.deepEqual(fast, ref.root, `trees differ for ${JSON.stringify(text.slice(0, 200))}`);
  return 'fast';
}

describe('fast YAML path', () => {
  for (const ex of examples) {
    it(`takes the fast path for ${ex.name} and agrees with yaml`, () => {
      assert.equal(agrees(ex.text), 'fast');
    });
  }

  const cases: Array<[string, string]> = [
    ['empty values next to siblings', 'layers:\n  - add:\n    from: [a, b]\n  - batchnorm:\n    name: bn\n'],
    ['sequence at the key column', 'layers:\n- relu\n- conv: {out: 3, kernel: 1}\ninput: [1, 4]\n'],
    ['quoted expressions with commas', 'layers:\n  - conv: {out: "$max(8, in / 4)", kernel: 3}\n'],
    ["single quotes with ''", "name: 'it''s'\ninput: [1, 8]\n"],
    ['comments everywhere', '# head\ninput: [3, 8, 8] # shape\nlayers: # list\n  # a comment line\n  - relu   # act\n'],
    ['core schema scalars', 'a: [~, null, true, False, 1.5, -2, .inf, -.Inf, .nan, 1e3, 0.5e-2, +7, yes, "3"]\n'],
    ['nested block maps', 'blocks:\n  basic:\n    params: {out: 64}\n    layers:\n      - conv: {out: $out, kernel: 3}\n'],
    ['padding pairs', 'layers:\n  - pad: {padding: [[1, 0], [0, 1]]}\n'],
    ['negative numbers in flow', 'from: [-1, -2]\n'],
  ];
  for (const [label, text] of cases) it(`agrees on ${label}`, () => assert.equal(agrees(text), 'fast'));

  const fallbacks: Array<[string, string]> = [
    ['anchors and aliases', 'a: &x [1, 2]\nb: *x\n'],
    ['block scalars', 'name: |\n  text\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['tabs', 'a:\n\t- 1\n'],
    ['multi-line flow', 'a: [1,\n  2]\n'],
    ['multi-line plain scalar', 'a: one\n  two\n'],
    ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['escapes', 'a: "x\\ny"\n'],
    ['documents', '---\na: 1\n'],
    ['giant integer', 'a: 123456789012345678901\n'],
  ];
  for (const [label, text] of fallbacks) it(`leaves ${label} to yaml`, () => assert.equal(fastParse(text), undefined));

  it('agrees on 6,000 mutated examples (fixed seed)', function () {
    this.timeout(120000);
    let seed = 20261125;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pieces = [' ', ':', '-', '#', '[', ']', '{', '}', ',', '"', "'", '\n', 'a', '1', '$', '.', '  ', '~', '!', '&', '*', '|', '>', '?', '- ', ': '];
    let fast = 0;
    for (let n = 0; n < 6000; n++) {
      let t = examples[Math.floor(rnd() * examples.length)].text;
      for (let m = 1 + Math.floor(rnd() * 3); m > 0; m--) {
        const p = Math.floor(rnd() * t.length);
        const op = rnd();
        if (op < 0.4) t = t.slice(0, p) + pieces[Math.floor(rnd() * pieces.length)] + t.slice(p);
        else if (op < 0.7) t = t.slice(0, p) + t.slice(p + 1 + Math.floor(rnd() * 3));
        else {
          const lines = t.split('\n');
          const a = Math.floor(rnd() * lines.length);
          const b = Math.floor(rnd() * lines.length);
          [lines[a], lines[b]] = [lines[b], lines[a]];
          t = lines.join('\n');
        }
      }
      if (agrees(t) === 'fast') fast++;
    }
    // Most mutations keep the text in the plain subset; the rest fall back.
    assert.ok(fast > 1000, `only ${fast} of 6000 took the fast path`);
  });
});
