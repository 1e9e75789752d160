// The default preview input: the rendered scene (kernels/runtime/samples.ts), offered to the page
// and to `convlens run --input scene`.
import * as assert from 'node:assert/strict';
import { makeSample, renderScene, samplesFor } from '../../kernels/runtime/samples';

/** Mean |difference| of horizontally and vertically adjacent pixels of an H×W plane. */
function edgeEnergy(p: Float32Array, H: number, W: number): number {
  let s = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W - 1; x++) s += Math.abs(p[y * W + x + 1] - p[y * W + x]);
  for (let y = 0; y < H - 1; y++) for (let x = 0; x < W; x++) s += Math.abs(p[(y + 1) * W + x] - p[y * W + x]);
  return s / (2 * H * W);
}

describe('the scene sample', () => {
  it('is offered at every rank and is the same every time, whatever the seed', () => {
    for (const rank of [1, 2, 3]) assert.ok(samplesFor(rank).some((s) => s.name === 'scene'), `rank ${rank}`);
    const first = makeSample('scene', [3, 64, 64], 1);
    makeSample('scene', [3, 32, 32]); // another size in between: rendered anew below
    assert.deepEqual(makeSample('scene', [3, 64, 64], 2).data, first.data);
    // The same size again comes from the last render, as a copy the caller may change.
    first.data.fill(0);
    assert.ok(makeSample('scene', [3, 64, 64]).data.some((v) => v !== 0));
  });

  it('is the rendered RGB image mapped to 2·v − 1, with edges and a range of colours', () => {
    const [H, W] = [96, 128];
    const t = makeSample('scene', [3, H, W]);
    const planes = renderScene(W, W, H, Array.from({ length: H }, (_, r) => r));
    for (let c = 0; c < 3; c++) for (let i = 0; i < H * W; i++) assert.equal(t.data[c * H * W + i], Math.fround(2 * planes[c][i] - 1));
    assert.ok(t.data.every((v) => v >= -1 && v <= 1));
    // Not a flat picture: many distinct colours, clear edges, and each channel spans most of the range.
    const colours = new Set<string>();
    for (let i = 0; i < H * W; i++) colours.add([0, 1, 2].map((c) => Math.round(planes[c][i] * 31)).join());
    assert.ok(colours.size > 300, `${colours.size} colours`);
    for (let c = 0; c < 3; c++) {
      const p = t.data.subarray(c * H * W, (c + 1) * H * W);
      assert.ok(Math.max(...p) - Math.min(...p) > 1.2, `channel ${c} range`);
      assert.ok(edgeEnergy(p, H, W) > 0.02, `channel ${c} edges ${edgeEnergy(p, H, W)}`);
    }
    // The sky is above, blue; the meadow below, green.
    const px = (c: number, y: number, x: number) => t.data[c * H * W + y * W + x];
    assert.ok(px(2, 2, 10) > px(0, 2, 10) && px(2, 2, 10) > px(1, 2, 10), 'blue sky');
    assert.ok(px(1, H - 3, 4) > px(0, H - 3, 4) && px(1, H - 3, 4) > px(2, H - 3, 4), 'green meadow');
  });

  it('maps channels as images do: 1 = luminance, 3 = RGB, more = RGB repeated', () => {
    const rgb = makeSample('scene', [3, 40, 40]).data;
    const grey = makeSample('scene', [1, 40, 40]).data;
    const five = makeSample('scene', [5, 40, 40]).data;
    const n = 1600;
    for (let i = 0; i < n; i++) {
      const [r, g, b] = [0, 1, 2].map((c) => (rgb[c * n + i] + 1) / 2);
      assert.ok(Math.abs(grey[i] - (2 * (0.299 * r + 0.587 * g + 0.114 * b) - 1)) < 1e-5);
    }
    assert.deepEqual(five.subarray(0, 3 * n), rgb);
    assert.deepEqual(five.subarray(3 * n, 5 * n), rgb.subarray(0, 2 * n));
  });

  it('in 1-D is one row of the picture; in 3-D the camera pans right from frame to frame', () => {
    const W = 64;
    const row = makeSample('scene', [3, W]).data;
    const picture = renderScene(W, W, W, [Math.floor(0.6 * W)]);
    for (let c = 0; c < 3; c++) for (let x = 0; x < W; x++) assert.equal(row[c * W + x], Math.fround(2 * picture[c][x] - 1));
    const [D, H] = [4, 32];
    const clip = makeSample('scene', [3, D, H, W]).data;
    const step = Math.round(W / 32);
    const frame = (c: number, d: number) => clip.subarray((c * D + d) * H * W, (c * D + d + 1) * H * W);
    for (let d = 0; d + 1 < D; d++) {
      assert.notDeepEqual(frame(0, d), frame(0, d + 1));
      // Frame d + 1 is frame d moved left by `step` columns.
      for (let y = 0; y < H; y++) for (let x = 0; x + step < W; x++) assert.equal(frame(1, d + 1)[y * W + x], frame(1, d)[y * W + x + step]);
    }
  });
});
