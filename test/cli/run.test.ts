// `convlens run`: one .npy per layer with the kernels' numbers, a stats line per layer, and
// clear errors for inputs that do not fit. (Long outputs through pipes: pipes.test.ts.)
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, type Analysis } from '../../engine';
import { execute } from '../../kernels/runtime/execute';
import { makeSample } from '../../kernels/runtime/samples';
import { readNpy, writeNpy } from '../../kernels/runtime/npy';
import { tensor, type Tensor } from '../../kernels';
import { npyFileName } from '../../cli/src/commands/run';
import { readExample } from '../unit/helpers/examples';
import { repoRoot } from '../oracle';
import { runCli } from './helpers';

function analyse(text: string): Analysis {
  const a = check(text);
  assert.deepEqual(a.findings.filter((f) => f.severity === 'error'), []);
  return a;
}

function allOutputs(a: Analysis, input: Tensor, seed: number): Tensor[] {
  const outs: Tensor[] = [];
  execute(a, input, { seed, onLayer: (i, t) => (outs[i] = t) });
  return outs;
}

describe('convlens run (CLI, dist/cli.js)', function () {
  this.timeout(60000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'convlens-run-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes DIR/<layer name>.npy for every layer and prints a stats line per layer (exit 0)', () => {
    const out = join(dir, 'vgg');
    const r = runCli(['run', join(repoRoot, 'examples', 'tiny-vgg.cnn.yaml'), '--input', 'checkerboard', '--seed', '5', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const a = analyse(readExample('tiny-vgg.cnn.yaml'));
    const files = readdirSync(out).sort();
    assert.deepEqual(files, a.layers.map((l) => `${l.name}.npy`).sort());
    for (const l of a.layers) {
      assert.match(r.stdout, new RegExp(`^${l.name.replace(/\./g, '\\.')}\\s+${l.kind}\\s+\\[${l.shape!.join(', ')}\\]\\s+-?[\\d.e-]+\\s+-?[\\d.e-]+\\s+-?[\\d.e-]+`, 'm'));
      const t = readNpy(new Uint8Array(readFileSync(join(out, `${l.name}.npy`))));
      assert.deepEqual(t.shape, l.shape);
    }
    // Same numbers as the in-process executor with the same seed.
    const outs = allOutputs(a, makeSample('checkerboard', a.input!, 5), 5);
    const last = a.layers.length - 1;
    const fromFile = readNpy(new Uint8Array(readFileSync(join(out, `${a.layers[last].name}.npy`))));
    assert.deepEqual(Array.from(fromFile.data), Array.from(outs[last].data));
  });

  it('reads a .npy input of the declared shape (the edge filter output is exact)', () => {
    const inPath = join(dir, 'x.npy');
    writeFileSync(inPath, writeNpy(tensor([1, 7], [0, 0, 0, 5, 5, 5, 2])));
    const out = join(dir, 'edge');
    const r = runCli(['run', join(repoRoot, 'examples', 'lecture-1d-edge.cnn.yaml'), '--input', inPath, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(Array.from(readNpy(new Uint8Array(readFileSync(join(out, 'edge.npy')))).data), [0, -5, -5, 0, 3]);
    assert.deepEqual(Array.from(readNpy(new Uint8Array(readFileSync(join(out, 'edge_stride2.npy')))).data), [0, -5, 3]);
  });

  it('rejects a .npy input of the wrong shape with a clear error (exit 2, nothing written)', () => {
    const inPath = join(dir, 'bad.npy');
    writeFileSync(inPath, writeNpy(tensor([1, 8], new Array(8).fill(1))));
    const out = join(dir, 'bad');
    const r = runCli(['run', join(repoRoot, 'examples', 'lecture-1d-edge.cnn.yaml'), '--input', inPath, '--out', out]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad\.npy has shape \(1, 8\) but .*lecture-1d-edge\.cnn\.yaml declares input \[1, 7\]/);
    assert.equal(existsSync(out), false);
  });

  it('rejects an unknown sample name and a non-npy file', () => {
    const r = runCli(['run', join(repoRoot, 'examples', 'lecture-1d-edge.cnn.yaml'), '--input', 'zebra', '--out', join(dir, 'z')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--input must be one of scene, impulse, checkerboard/);
    const txt = join(dir, 'not.npy');
    writeFileSync(txt, 'hello');
    const r2 = runCli(['run', join(repoRoot, 'examples', 'lecture-1d-edge.cnn.yaml'), '--input', txt, '--out', join(dir, 'z')]);
    assert.equal(r2.status, 2);
    assert.match(r2.stderr, /not a \.npy file/);
  });
});

describe('convlens run: file names of layers', () => {
  it('unsafe characters become _, and a name too long for a file system keeps its start and a hash of the whole', () => {
    assert.equal(npyFileName('layer2.0/conv1'), 'layer2.0_conv1.npy');
    const long = 'block_'.repeat(60);
    const name = npyFileName(long + 'a');
    assert.ok(Buffer.byteLength(name) < 255, `${Buffer.byteLength(name)} bytes`);
    assert.ok(name.startsWith('block_block_'));
    assert.notEqual(name, npyFileName(long + 'b'));
    assert.equal(name, npyFileName(long + 'a'));
  });
});
