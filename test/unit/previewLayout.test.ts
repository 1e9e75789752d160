// Pure parts of the preview page: the network strip's lanes (webview/src/render/graphLayout.ts),
// channel activity, order and mean (channels.ts), and where an impulse reaches (field.ts).
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { layoutGraph, type GraphLayout } from '../../webview/src/render/graphLayout';
import { channelActivity, channelOrder, meanOverChannels, rangeOf } from '../../webview/src/render/channels';
import { reachOf } from '../../webview/src/render/field';
import { check } from '../../engine';
import { execute } from '../../kernels/runtime/execute';
import { makeSample, centreOf } from '../../kernels/runtime/samples';
import { readExample } from './helpers/examples';

/** Rows each node reads, from a network's layers (row 0 = input, layer i = row i + 1). */
function sourcesOf(text: string): { sources: number[][]; names: string[] } {
  const a = check(text);
  const row = new Map([['input', 0], ...a.layers.map((l, i): [string, number] => [l.name, i + 1])]);
  return { sources: [[], ...a.layers.map((l) => l.from.map((n) => row.get(n)!))], names: ['input', ...a.layers.map((l) => l.name)] };
}

/** No two edges share a lane on a row both pass through, and every node's lane is free of passing edges. */
function assertNoOverlap(g: GraphLayout, rows: number): void {
  const passing: Array<Map<number, string>> = Array.from({ length: rows }, () => new Map());
  for (const e of g.edges) {
    for (let r = e.from + 1; r < e.to; r++) {
      const other = passing[r].get(e.lane);
      assert.ok(other === undefined || other.startsWith(`${e.from}>`), `lane ${e.lane} at row ${r}: ${other} and ${e.from}>${e.to}`);
      passing[r].set(e.lane, `${e.from}>${e.to}`);
    }
  }
  g.lanes.forEach((lane, r) => assert.ok(!passing[r].has(lane), `node ${r} sits on a passing edge in lane ${lane}`));
}

describe('network strip layout', () => {
  it('a chain is one lane, one edge per layer', () => {
    const g = layoutGraph([[], [0], [1], [2]]);
    assert.deepEqual(g.lanes, [0, 0, 0, 0]);
    assert.deepEqual(g.edges, [{ from: 0, to: 1, lane: 0 }, { from: 1, to: 2, lane: 0 }, { from: 2, to: 3, lane: 0 }]);
    assert.equal(g.width, 1);
  });

  it("resnet18: the main path stays in lane 0, skips and projections run in lane 1", () => {
    const { sources, names } = sourcesOf(readExample('resnet18.cnn.yaml'));
    const g = layoutGraph(sources);
    assert.equal(g.width, 2);
    assert.equal(g.edges.length, sources.reduce((n, s) => n + new Set(s).size, 0));
    assertNoOverlap(g, sources.length);
    const lane = (name: string) => g.lanes[names.indexOf(name)];
    assert.equal(lane('layer1.0.conv1'), 0);
    assert.equal(lane('layer1.0.add5'), 0);
    // The projection shortcut is a branch beside the block's convs.
    for (const n of names.filter((x) => x.includes('downsample'))) assert.equal(lane(n), 1, n);
    // The identity skip of layer1.0 waits in lane 1 from the block's input to its add.
    const add = names.indexOf('layer1.0.add5');
    assert.ok(g.edges.some((e) => e.to === add && e.lane === 1 && add - e.from > 1));
  });

  it('U-Net: each encoder-to-decoder concat gets its own lane, nested', () => {
    const { sources, names } = sourcesOf(readExample('unet-small.cnn.yaml'));
    const g = layoutGraph(sources);
    assertNoOverlap(g, sources.length);
    const skips = g.edges.filter((e) => names[e.to].startsWith('concat'));
    const long = skips.filter((e) => e.to - e.from > 1).sort((a, b) => a.from - b.from);
    assert.equal(long.length, 3);
    // The outermost skip (enc1 → the last concat) runs in the outermost lane, the innermost
    // nearest the main path: no skip crosses another.
    assert.deepEqual(long.map((e) => e.lane), [3, 2, 1], JSON.stringify(long));
  });

  it('random DAGs: every edge is drawn once, lanes never overlap', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 40 }), (raw) => {
        const sources = [[], ...raw.map((srcs, i) => srcs.map((s) => s % (i + 1)))];
        const g = layoutGraph(sources);
        const want = new Set(sources.flatMap((s, r) => s.map((x) => `${x}>${r}`)));
        assert.deepEqual(new Set(g.edges.map((e) => `${e.from}>${e.to}`)), want);
        assertNoOverlap(g, sources.length);
        assert.ok(g.lanes.every((l) => l >= 0 && l < g.width));
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});

describe('channel summaries', () => {
  it('activity is the mean |value| per channel; the most active come first, ties by index', () => {
    const data = Float32Array.from([1, -1, 0, 0, /* c1 */ 3, 3, -3, 3, /* c2 */ 0, 0, 0, 0, /* c3 */ -2, 2, 0, 0]);
    const a = channelActivity(data, 4, 4);
    assert.deepEqual(Array.from(a), [0.5, 3, 0, 1]);
    assert.deepEqual(channelOrder(a, 'activity'), [1, 3, 0, 2]);
    assert.deepEqual(channelOrder(a, 'index'), [0, 1, 2, 3]);
    assert.deepEqual(channelOrder([1, NaN, 1, 2], 'activity'), [3, 0, 2, 1]);
    assert.deepEqual(Array.from(meanOverChannels(data, 4, 4)), [0.5, 1, -0.75, 0.75]);
    assert.deepEqual(rangeOf(data, 4, 8), { min: -3, max: 3 });
  });
});

describe('where an impulse reaches', () => {
  it("each layer's reach is where its impulse response is not 0 (positive weights: nothing cancels)", () => {
    const text = `input: [1, 23, 19]
layers:
  - conv: {out: 2, kernel: 3, padding: 1}
  - conv: {out: 2, kernel: [5, 3], stride: 2, dilation: [1, 2]}
  - maxpool: {kernel: 2}
  - conv_transpose: {out: 1, kernel: 3, stride: 2}
`;
    const a = check(text);
    const sp = a.input!.slice(1);
    const at = centreOf(sp);
    const impulse: Float32Array[] = [];
    execute(a, makeSample('impulse', a.input!), { positiveWeights: true, onLayer: (i, t) => (impulse[i] = t.data.slice()) });
    a.layers.forEach((l, i) => {
      const [, H, W] = l.shape!;
      const reach = reachOf(l as never, at, [H, W]);
      assert.ok(reach, l.name);
      const ys: number[] = [];
      const xs: number[] = [];
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (impulse[i][y * W + x] !== 0) (ys.push(y), xs.push(x));
      assert.deepEqual(reach, [[Math.min(...ys), Math.max(...ys)], [Math.min(...xs), Math.max(...xs)]], l.name);
    });
  });

  it('is null for a global field', () => {
    const a = check('input: [1, 8, 8]\nlayers:\n  - global_avgpool\n');
    assert.equal(reachOf(a.layers[0] as never, [4, 4], []), null);
  });
});
