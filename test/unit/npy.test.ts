// .npy read/write (kernels/runtime/npy.ts): round trips, header layout, NumPy's own files.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy, writeNpy, NpyError } from '../../kernels/runtime/npy';
import { tensor } from '../../kernels';

const hasNumpy = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

describe('npy', () => {
  it('round-trips float32 tensors of rank 1-4 bit-exactly (incl. -0, NaN, ±Inf, denormals)', () => {
    const specials = [0, -0, 1.5, -2.25, NaN, Infinity, -Infinity, 1e-40, 3.4e38, Math.fround(0.1)];
    for (const shape of [[10], [2, 5], [1, 2, 5], [1, 1, 2, 5]]) {
      const t = tensor(shape, specials);
      const bytes = writeNpy(t);
      const back = readNpy(bytes);
      assert.deepEqual(back.shape, shape);
      assert.deepEqual(new Uint32Array(back.data.buffer), new Uint32Array(t.data.buffer));
    }
  });

  it('writes a version 1.0 header padded to 64 bytes, little-endian <f4, C order', () => {
    const bytes = writeNpy(tensor([3], [1, 2, 3]));
    assert.deepEqual(Array.from(bytes.slice(0, 8)), [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const hlen = bytes[8] | (bytes[9] << 8);
    assert.equal((10 + hlen) % 64, 0);
    const header = new TextDecoder().decode(bytes.slice(10, 10 + hlen));
    assert.match(header, /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3,\), \}\s*\n$/);
    assert.equal(bytes.length, 10 + hlen + 12);
  });

  it('rejects files that are not .npy or are truncated, and unsupported dtypes', () => {
    assert.throws(() => readNpy(new TextEncoder().encode('hello world')), NpyError);
    const good = writeNpy(tensor([4], [1, 2, 3, 4]));
    assert.throws(() => readNpy(good.slice(0, good.length - 4)), /fewer than the 4 values/);
    const complex = writeNpy(tensor([2], [1, 2]));
    const at = Buffer.from(complex).indexOf('<f4');
    complex[at + 1] = 'c'.charCodeAt(0);
    complex[at + 2] = '8'.charCodeAt(0);
    assert.throws(() => readNpy(complex), /unsupported dtype '<c8'/);
  });

  it('reads what NumPy writes (float32, float64, big-endian, int, Fortran order) and NumPy reads ours', function () {
    if (!hasNumpy) return this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'npy-'));
    try {
      const py = `
import numpy as np, sys
d = sys.argv[1]
a = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 8 - 1
np.save(d + '/f4.npy', a)
np.save(d + '/f8.npy', a.astype(np.float64))
np.save(d + '/be.npy', a.astype('>f4'))
np.save(d + '/i4.npy', np.arange(6, dtype=np.int32).reshape(2, 3))
np.save(d + '/fo.npy', np.asfortranarray(a))
b = np.load(d + '/ours.npy')
assert b.dtype == np.float32 and b.shape == (2, 2) and b.tolist() == [[1.0, -2.0], [0.5, 3.0]], (b.dtype, b.shape, b)
print('ok')
`;
      writeFileSync(join(dir, 'ours.npy'), writeNpy(tensor([2, 2], [1, -2, 0.5, 3])));
      const r = spawnSync('/usr/bin/python3', ['-c', py, dir], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const want = Array.from({ length: 24 }, (_, i) => i / 8 - 1);
      for (const f of ['f4', 'f8', 'be', 'fo']) {
        const t = readNpy(new Uint8Array(readFileSync(join(dir, `${f}.npy`))));
        assert.deepEqual(t.shape, [2, 3, 4], f);
        assert.deepEqual(Array.from(t.data), want, f);
      }
      const i = readNpy(new Uint8Array(readFileSync(join(dir, 'i4.npy'))));
      assert.deepEqual(Array.from(i.data), [0, 1, 2, 3, 4, 5]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
