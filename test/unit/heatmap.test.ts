// The page's heatmap colouring (webview/src/render/heatmap.ts): the packed-table fast path must
// show the same colours as the diverging scale it tabulates.
import * as assert from 'node:assert/strict';
import { colourize } from '../../webview/src/render/heatmap';
import { diverging } from '../../webview/src/render/colors';
import { mulberry32 } from '../../kernels';

/** The [r, g, b, a] bytes of packed words, as an ImageData buffer holds them. */
const bytesOf = (words: Uint32Array): Uint8Array => new Uint8Array(words.buffer);

describe('heatmap colouring', () => {
  it('colours every value within one level of diverging(v / scale), alpha opaque', () => {
    const rand = mulberry32(7);
    const n = 20_000;
    for (const scale of [1, 0.37, 1e-6, 250]) {
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = (rand() * 2.4 - 1.2) * scale; // some beyond ±scale: clamped
      const out = new Uint32Array(n);
      colourize(data, 0, n, scale, out);
      const b = bytesOf(out);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const want = diverging(data[i] / scale);
        for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(b[i * 4 + c] - want[c]));
        assert.equal(b[i * 4 + 3], 255);
      }
      assert.ok(worst <= 1, `scale ${scale}: a channel is ${worst} levels off`);
    }
  });

  it('maps 0 to white, the ends to blue and red, NaN to grey, ±Infinity to the ends', () => {
    const data = Float32Array.from([0, -1, 1, NaN, -Infinity, Infinity, 5]);
    const out = new Uint32Array(data.length);
    colourize(data, 0, data.length, 1, out);
    const b = bytesOf(out);
    const px = (i: number) => [b[i * 4], b[i * 4 + 1], b[i * 4 + 2]];
    assert.deepEqual(px(0), diverging(0));
    assert.deepEqual(px(1), diverging(-1));
    assert.deepEqual(px(2), diverging(1));
    assert.deepEqual(px(3), diverging(NaN));
    assert.deepEqual(px(4), diverging(-1));
    assert.deepEqual(px(5), diverging(1));
    assert.deepEqual(px(6), diverging(1));
  });

  it('reads from an offset and writes exactly n words', () => {
    const data = Float32Array.from([9, 9, -1, 1, 9]);
    const out = new Uint32Array(3).fill(0xdeadbeef);
    colourize(data, 2, 2, 1, out);
    assert.deepEqual(Array.from(bytesOf(out).slice(0, 3)), diverging(-1));
    assert.deepEqual(Array.from(bytesOf(out).slice(4, 7)), diverging(1));
    assert.equal(out[2], 0xdeadbeef);
  });
});
