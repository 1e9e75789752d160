// The kinds that real network formats need beyond the lecture's: `slice` (torch.chunk/split,
// darknet route groups, attention values), darknet's `reorg`, and Ultralytics' `attention` —
// their shapes and errors in the engine, and their kernels.
import * as assert from 'assert';
import { readFileSync } from 'fs';
import { join } from 'path';
import { check } from '../../engine';
import { attention, reorg, sliceChannels, tensor } from '../../kernels';

const net = (input: number[], layers: string) => check(`input: [${input.join(', ')}]\nlayers:\n${layers}`);
const errorsOf = (a: ReturnType<typeof check>) => a.findings.filter((f) => f.severity === 'error');

describe('slice: channel ranges', () => {
  it('takes [start, end) of the channels, spatial axes unchanged, no parameters', () => {
    const a = net([8, 5, 5], '  - slice: {start: 2, end: 6}\n');
    assert.deepStrictEqual(errorsOf(a), []);
    assert.deepStrictEqual(a.layers[0].shape, [4, 5, 5]);
    assert.strictEqual(a.layers[0].params, 0);
    assert.deepStrictEqual((a.layers[0].rf as { kind: string }).kind, 'local');
  });
  it('with a period, takes the range from every block', () => {
    const a = net([12, 2, 2], '  - slice: {start: 1, end: 3, period: 4}\n');
    assert.deepStrictEqual(a.layers[0].shape, [6, 2, 2]);
    const x = tensor([12, 1], Array.from({ length: 12 }, (_, i) => i));
    assert.deepStrictEqual(Array.from(sliceChannels(x, 1, 3, 4).data), [1, 2, 5, 6, 9, 10]);
  });
  it('reports ranges outside the channels as located CL102 errors', () => {
    for (const args of ['{start: 2, end: 9}', '{start: 4, end: 4}', '{start: 0, end: 2, period: 3}']) {
      const text = `input: [8, 5, 5]\nlayers:\n  - slice: ${args}\n`;
      const a = check(text);
      const e = errorsOf(a);
      assert.strictEqual(e.length, 1, `${args}: ${JSON.stringify(e)}`);
      assert.strictEqual(e[0].code, 'CL102');
      assert.ok(text.slice(e[0].span.start, e[0].span.end).length > 0);
      assert.ok(e[0].message.includes('slice'), e[0].message);
    }
  });
  it('the kernel copies whole channel planes', () => {
    const x = tensor([4, 2], [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepStrictEqual(sliceChannels(x, 1, 3).shape, [2, 2]);
    assert.deepStrictEqual(Array.from(sliceChannels(x, 1, 3).data), [2, 3, 4, 5]);
  });
});

describe("reorg: darknet's passthrough layer", () => {
  it('[C, H, W] → [4C, H/2, W/2]; the field is withheld after it', () => {
    const a = net([4, 6, 6], '  - reorg: {stride: 2}\n  - conv: {out: 2, kernel: 1}\n');
    assert.deepStrictEqual(errorsOf(a), []);
    assert.deepStrictEqual(a.layers[0].shape, [16, 3, 3]);
    assert.strictEqual(a.layers[0].rf, undefined);
    assert.strictEqual(a.layers[1].rf, undefined);
  });
  it('refuses sizes darknet cannot reorganise', () => {
    assert.strictEqual(errorsOf(net([4, 5, 6], '  - reorg: {stride: 2}\n'))[0].code, 'CL101');
    assert.strictEqual(errorsOf(net([6, 4, 4], '  - reorg: {stride: 2}\n'))[0].code, 'CL102');
  });
  it("the kernel is a permutation in darknet's order (reorg_cpu, forward = 0)", () => {
    const [C, H, W, s] = [8, 4, 6, 2];
    const x = tensor([C, H, W], Array.from({ length: C * H * W }, (_, i) => i));
    const y = reorg(x, s);
    assert.deepStrictEqual(y.shape, [C * s * s, H / s, W / s]);
    assert.deepStrictEqual(Array.from(y.data).sort((a, b) => a - b), Array.from(x.data));
    // Worked by hand from darknet's loop: output n = i + W(j + H k) reads input w2 + sW(h2 + sH c2).
    // k = 3 (outC = 2): c2 = 1, offset = 1 → w2 = 2i + 1, h2 = 2j. For i = 1, j = 0: w2 = 3, h2 = 0.
    const n = 1 + W * (0 + H * 3);
    assert.strictEqual(y.data[n], 3 + s * W * (0 + s * H * 1));
  });
});

describe("attention: Ultralytics' PSA attention", () => {
  const fixture = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'ultralytics', 'attention.json'), 'utf8')) as {
    cases: Array<{ heads: number; key_dim: number; head_dim: number; input: { shape: number[]; data: number[] }; output: { shape: number[]; data: number[] } }>;
  };
  it('shape, MACs and a global field in the engine', () => {
    const a = net([2 * (2 * 4 + 8), 3, 5], '  - attention: {heads: 2, key_dim: 4}\n');
    assert.deepStrictEqual(errorsOf(a), []);
    const l = a.layers[0];
    assert.deepStrictEqual(l.shape, [16, 3, 5]);
    assert.strictEqual(l.macs, 2 * 15 * 15 * (4 + 8));
    assert.strictEqual(l.rf?.kind, 'global');
    assert.strictEqual(errorsOf(net([10, 2, 2], '  - attention: {heads: 2, key_dim: 3}\n'))[0].code, 'CL102');
  });
  for (const c of fixture.cases) {
    it(`matches PyTorch: ${c.heads} heads, key_dim ${c.key_dim}, head_dim ${c.head_dim}, ${c.input.shape.slice(1).join('×')}`, () => {
      const y = attention(tensor(c.input.shape, c.input.data), c.heads, c.key_dim);
      assert.deepStrictEqual(y.shape, c.output.shape);
      c.output.data.forEach((want, i) => assert.ok(Math.abs(y.data[i] - want) <= 1e-5 * Math.max(1, Math.abs(want)), `element ${i}: ${y.data[i]} vs ${want}`));
    });
  }
});
