// The page's colour scales (webview/src/render/colors.ts) and heatmap colouring (heatmap.ts): the
// scales are viridis and Moreland's cool-warm, and the packed-table fast path shows the same
// colours as the scales it tabulates.
import * as assert from 'node:assert/strict';
import { colourize } from '../../webview/src/render/heatmap';
import { colourOf, diverging, viridis, type Colormap } from '../../webview/src/render/colors';
import { mulberry32 } from '../../kernels';

/** The [r, g, b, a] bytes of packed words, as an ImageData buffer holds them. */
const bytesOf = (words: Uint32Array): Uint8Array => new Uint8Array(words.buffer);

describe('colour scales', () => {
  it("viridis is matplotlib's: its first, middle and last entries", () => {
    assert.deepEqual(viridis(0), [68, 1, 84]);
    assert.deepEqual(viridis(128 / 255), [33, 145, 140]); // entry 128 (0.127568, 0.566949, 0.550556)
    assert.deepEqual(viridis(1), [253, 231, 37]);
    assert.deepEqual(viridis(-3), viridis(0));
    assert.deepEqual(viridis(NaN), [128, 128, 128]);
  });

  it("the diverging scale is Moreland's cool-warm: his published 33-entry table within one level", () => {
    // Kenneth Moreland, "Diverging Color Maps for Scientific Visualization" (2009), the cool-warm
    // table at scalars 0, 1/32, …, 1/2 and the warm end.
    const table: Array<[number, number[]]> = [[0, [59, 76, 192]], [1, [68, 90, 204]], [2, [77, 104, 215]], [3, [87, 117, 225]], [4, [98, 130, 234]], [5, [108, 142, 241]], [6, [119, 154, 247]], [7, [130, 165, 251]], [8, [141, 176, 254]], [9, [152, 185, 255]], [10, [163, 194, 255]], [16, [221, 221, 221]], [32, [180, 4, 38]]];
    for (const [k, want] of table) {
      const got = diverging((2 * k) / 32 - 1);
      for (let c = 0; c < 3; c++) assert.ok(Math.abs(got[c] - want[c]) <= 1, `entry ${k}: ${got} vs ${want}`);
    }
    // Symmetric in lightness: ±v are about equally far from the grey centre.
    const lum = ([r, g, b]: number[]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;
    for (const v of [0.25, 0.5, 0.75]) assert.ok(Math.abs(lum(diverging(v)) - lum(diverging(-v))) < 12, `±${v}`);
  });
});

describe('heatmap colouring', () => {
  it('colours every value within one level of its scale at v / scale, alpha opaque', () => {
    const rand = mulberry32(7);
    const n = 20_000;
    for (const map of ['diverging', 'viridis'] as Colormap[]) {
      for (const scale of [1, 0.37, 1e-6, 250]) {
        const data = new Float32Array(n);
        for (let i = 0; i < n; i++) data[i] = (rand() * 2.4 - 1.2) * scale; // some beyond the domain: clamped
        const out = new Uint32Array(n);
        colourize(data, 0, n, scale, out, map);
        const b = bytesOf(out);
        let worst = 0;
        for (let i = 0; i < n; i++) {
          const want = colourOf(map, data[i], scale);
          for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(b[i * 4 + c] - want[c]));
          assert.equal(b[i * 4 + 3], 255);
        }
        assert.ok(worst <= 1, `${map}, scale ${scale}: a channel is ${worst} levels off`);
      }
    }
  });

  it('maps 0 to the centre (diverging) or the bottom (viridis), the ends to the ends, NaN to grey, ±Infinity clamped', () => {
    const data = Float32Array.from([0, -1, 1, NaN, -Infinity, Infinity, 5]);
    for (const map of ['diverging', 'viridis'] as Colormap[]) {
      const out = new Uint32Array(data.length);
      colourize(data, 0, data.length, 1, out, map);
      const b = bytesOf(out);
      const px = (i: number) => [b[i * 4], b[i * 4 + 1], b[i * 4 + 2]];
      assert.deepEqual(px(0), colourOf(map, 0, 1));
      assert.deepEqual(px(1), colourOf(map, -1, 1));
      assert.deepEqual(px(2), colourOf(map, 1, 1));
      assert.deepEqual(px(3), [128, 128, 128]);
      assert.deepEqual(px(4), colourOf(map, -1, 1));
      assert.deepEqual(px(5), colourOf(map, 1, 1));
      assert.deepEqual(px(6), colourOf(map, 1, 1));
    }
    assert.deepEqual(colourOf('viridis', -1, 1), viridis(0), 'negative values clamp to the bottom of viridis');
  });

  it('reads from an offset and writes exactly n words at the output offset', () => {
    const data = Float32Array.from([9, 9, -1, 1, 9]);
    const out = new Uint32Array(4).fill(0xdeadbeef);
    colourize(data, 2, 2, 1, out, 'diverging', 1);
    assert.equal(out[0], 0xdeadbeef);
    assert.deepEqual(Array.from(bytesOf(out).slice(4, 7)), diverging(-1));
    assert.deepEqual(Array.from(bytesOf(out).slice(8, 11)), diverging(1));
    assert.equal(out[3], 0xdeadbeef);
  });
});
