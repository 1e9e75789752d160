// `convlens run --weights` and `summary --weights` (dist/cli.js) on the fixtures of
// test/fixtures/weights (oracle.py): the run reproduces PyTorch's outputs; a file that does not
// fit is reported by summary (exit 1) and refused by run (exit 2), never run in part.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy, writeNpy } from '../../kernels/runtime/npy';
import { repoRoot } from '../oracle';
import { runCli } from './helpers';

const dir = join(repoRoot, 'test/fixtures/weights');
const fx = (name: string) => join(dir, name);
const refs = JSON.parse(readFileSync(fx('refs.json'), 'utf8'));
const blob = readFileSync(fx('refs.bin'));
const values = new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
const ref = ([off, shape]: [number, number[]]) => ({ shape, data: values.subarray(off, off + shape.reduce((p: number, n: number) => p * n, 1)) });

describe('convlens run/summary --weights (CLI, dist/cli.js)', function () {
  this.timeout(60000);
  let tmp: string;
  before(() => (tmp = mkdtempSync(join(tmpdir(), 'convlens-weights-'))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('run --weights with a float16 Ultralytics checkpoint writes PyTorch’s outputs', () => {
    const r0 = refs.networks.yolo_ckpt_f16;
    const input = join(tmp, 'x.npy');
    writeFileSync(input, writeNpy(ref(r0.input)));
    const out = join(tmp, 'yolo');
    const r = runCli(['run', fx('yolov8-tiny.yaml'), '--image-size', '32', '--weights', fx('yolov8-tiny.best.pt'), '--input', input, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Weights .*yolov8-tiny\.best\.pt: checkpoint\['model'\] \(ultralytics\.nn\.tasks\.DetectionModel\), 297 of 297 tensors matched, 297 float16 converted to float32; skipped \(no trainable value\): 57 num_batches_tracked, 1 fixed DFL ramp; they fit$/m);
    for (const name of ['model.22.cat.0', 'model.22.cat.2', 'model.9.cv2.conv']) {
      const got = readNpy(new Uint8Array(readFileSync(join(out, `${name}.npy`))));
      const want = ref(r0.outputs[name]);
      assert.deepEqual(got.shape, want.shape);
      const scale = Math.max(...Array.from(want.data, Math.abs));
      want.data.forEach((v: number, i: number) => assert.ok(Math.abs(got.data[i] - v) <= 1e-4 * scale, `${name}[${i}]`));
    }
  });

  it('run without --weights says the weights are random', () => {
    const r = runCli(['run', fx('blocks.cnn.yaml'), '--out', join(tmp, 'random')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Weights: random \(fan-in scaled so activations keep their scale, seed 0\), not trained$/m);
    const torch = runCli(['run', fx('blocks.cnn.yaml'), '--init', 'torch', '--out', join(tmp, 'torch')]);
    assert.match(torch.stdout, /^Weights: random \(PyTorch's default initialisation, seed 0\), not trained$/m);
  });

  it('summary --weights says whether they fit (exit 0 / 1), also in JSON', () => {
    const ok = runCli(['summary', fx('blocks.cnn.yaml'), '--weights', fx('blocks.legacy.pth')]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /Weights .*blocks\.legacy\.pth: checkpoint\['state_dict'\], 27 of 27 tensors matched, all float32; key prefix 'module\.' dropped; skipped \(no trainable value\): 5 num_batches_tracked; they fit/);
    const bad = runCli(['summary', fx('blocks.cnn.yaml'), '--weights', fx('blocks.wrong-shape.pth')]);
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /The weights do not fit the network \(25 of 27 tensors match\); wrong shape: fc\.weight is \[5, 8\], expected \[4, 8\]/);
    const json = JSON.parse(runCli(['summary', fx('blocks.cnn.yaml'), '--json', '--weights', fx('blocks.wrong-shape.pth')]).stdout);
    assert.equal(json.weights.fits, false);
    assert.deepEqual(json.weights.wrong_shape[0], { layer: 'fc', tensor: 'weight', shape: [4, 8], found: [5, 8] });
  });

  it('run refuses weights that do not fit, and files it cannot read (exit 2, nothing written)', () => {
    const out = join(tmp, 'refused');
    const r = runCli(['run', fx('blocks.cnn.yaml'), '--weights', fx('blocks.wrong-shape.pth'), '--out', out]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot run .*blocks\.cnn\.yaml with .*blocks\.wrong-shape\.pth: .*wrong shape: fc\.weight is \[5, 8\]/s);
    assert.throws(() => readFileSync(join(out, 'conv1.npy')));
    const evil = runCli(['run', fx('blocks.cnn.yaml'), '--weights', fx('evil-os-system.pt'), '--out', out]);
    assert.equal(evil.status, 2);
    assert.match(evil.stderr, /refused: the pickle refers to os\.system/);
    const missing = runCli(['summary', fx('blocks.cnn.yaml'), '--weights', join(tmp, 'nope.pt')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read --weights .*nope\.pt: ENOENT/);
  });
});
