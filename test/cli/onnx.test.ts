// `convlens` on ONNX models: summary (table and JSON with the graph's outputs), check of a
// truncated file, --input-shape for dynamic axes, and run with the file's own weights writing
// every layer and the graph outputs under their names, equal to PyTorch's output.
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../kernels/runtime/npy';
import { repoRoot } from '../oracle';
import { runCli, tempTree } from './helpers';

const fixtures = join(repoRoot, 'test', 'fixtures', 'onnx');
const fixture = (name: string) => join(fixtures, name);

describe('cli: ONNX models', function () {
  this.timeout(30000);

  it('summary --json: layers named by module, outputs by their ONNX names, totals complete', () => {
    const r = runCli(['summary', '--json', fixture('classifier_op11_fixed_bn.onnx')]);
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.format, 'onnx');
    assert.deepEqual(s.input, [3, 24, 24]);
    assert.deepEqual(s.outputs, [{ name: 'y', shape: [10] }]);
    assert.ok(s.layers.some((l: { name: string }) => l.name === 'layer2.down.0'));
    assert.equal(s.totals.params, 2792);
    assert.equal(s.totals.complete, true);
  });

  it('a dynamic input needs --input-shape (CL022, exit 1), and analyses with it', () => {
    const open = runCli(['summary', fixture('segnet_op13_dynamic_bn.onnx')]);
    assert.equal(open.status, 1);
    assert.match(open.stdout, /error CL022 .*dynamic dimensions 'h' \(axis 2\), 'w' \(axis 3\)/);
    const given = runCli(['summary', fixture('segnet_op13_dynamic_bn.onnx'), '--input-shape', '1x3x16x24']);
    assert.equal(given.status, 0, given.stdout);
    assert.match(given.stdout, /Outputs: y \[4, 16, 24\]/);
    assert.equal(runCli(['summary', fixture('segnet_op13_dynamic_bn.onnx'), '--input-shape', '3by16']).status, 2);
  });

  it('check: a truncated model is CL020 with exit 1; a folder is walked for .onnx files', () => {
    const r = runCli(['check', fixture('bad_truncated.onnx')]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /bad_truncated\.onnx:1:1 error CL020 Not a readable ONNX model: the file is truncated or corrupt \(byte 20 of 3,000: a field of 20104 bytes runs past the end of its message/);
    const tree = tempTree({});
    try {
      copyFileSync(fixture('tcn_op13_fixed_folded.onnx'), join(tree.dir, 'tcn.onnx'));
      const walked = runCli(['check', tree.dir]);
      assert.match(walked.stdout, /1 file checked/);
    } finally {
      tree.remove();
    }
  });

  it("run: the file's weights, every layer and the graph output as .npy, PyTorch's output", () => {
    const tree = tempTree({});
    try {
      const r = runCli(['run', fixture('tcn_external.onnx'), '--input', fixture('tcn_op17_fixed_bn.input.npy'), '--out', tree.dir]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /the file's weights/);
      assert.ok(existsSync(join(tree.dir, 'blocks.0.conv1.npy')) && existsSync(join(tree.dir, 'head.npy')));
      const got = readNpy(new Uint8Array(readFileSync(join(tree.dir, 'y.npy'))));
      const want = readNpy(new Uint8Array(readFileSync(fixture('tcn_op17_fixed_bn.output.npy'))));
      const scale = Math.max(...Array.from(want.data, Math.abs));
      got.data.forEach((v, i) => assert.ok(Math.abs(v - want.data[i]) <= 1e-4 * scale, `y[${i}] ${v} vs PyTorch ${want.data[i]}`));
    } finally {
      tree.remove();
    }
  });
});
