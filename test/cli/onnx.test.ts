// `convlens` on ONNX models: summary (table and JSON with the graph's outputs), check of a
// truncated file, --input-shape for dynamic axes, and run with the file's own weights writing
// every layer and the graph outputs under their names, equal to PyTorch's output.
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../kernels/runtime/npy';
import { repoRoot } from '../oracle';
import { runCli, tempTree } from './helpers';
import { assertCloseRelative } from '../unit/helpers/reference';

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

  it('summary, check and run: LayerNorm over [C, H, W], LpPool, cubic Resize, wrap Pad, a ConvNeXt block at opset 13 (the reference outputs of ops.json)', () => {
    for (const name of ['ops_layernorm_op17', 'ops_lppool_op18', 'ops_bicubic_op11', 'ops_cubic_onnx_op13', 'ops_pad_wrap_op19', 'ops_convnext_block_op13_unfolded']) {
      const s = runCli(['summary', '--json', fixture(`${name}.onnx`)]);
      assert.equal(s.status, 0, `${name}: ${s.stdout}`);
      assert.equal(JSON.parse(s.stdout).totals.complete, true, name);
      assert.equal(runCli(['check', fixture(`${name}.onnx`)]).status, 0, name);
      const tree = tempTree({});
      try {
        const r = runCli(['run', fixture(`${name}.onnx`), '--input', fixture(`${name}.input.npy`), '--out', tree.dir]);
        assert.equal(r.status, 0, r.stderr);
        const got = readNpy(new Uint8Array(readFileSync(join(tree.dir, 'y.npy'))));
        assertCloseRelative(got.data, readNpy(new Uint8Array(readFileSync(fixture(`${name}.output.npy`)))).data, 1e-4, name);
      } finally {
        tree.remove();
      }
    }
  });

  it('- reads an ONNX model piped on standard input (known by its bytes): summary, check and run', () => {
    const bytes = readFileSync(fixture('ops_pads_op17.onnx'));
    const s = runCli(['summary', '--json', '-'], { input: bytes });
    assert.equal(s.status, 0, s.stdout + s.stderr);
    const summary = JSON.parse(s.stdout);
    assert.equal(summary.format, 'onnx');
    assert.equal(summary.file, '<stdin>');
    assert.deepEqual(summary.outputs, [{ name: 'y', shape: [4, 7, 8] }]);
    assert.equal(runCli(['check', '-'], { input: bytes }).status, 0);
    const tree = tempTree({});
    try {
      const r = runCli(['run', '-', '--input', fixture('ops_pads_op17.input.npy'), '--out', tree.dir], { input: bytes });
      assert.equal(r.status, 0, r.stderr);
      const got = readNpy(new Uint8Array(readFileSync(join(tree.dir, 'y.npy'))));
      const want = readNpy(new Uint8Array(readFileSync(fixture('ops_pads_op17.output.npy'))));
      assertCloseRelative(got.data, want.data, 1e-4);
    } finally {
      tree.remove();
    }
    // Cut short, it is still read as ONNX and said to be truncated (not a binary file).
    const cut = runCli(['check', '-'], { input: bytes.subarray(0, 300) });
    assert.equal(cut.status, 1);
    assert.match(cut.stdout, /^<stdin>:1:1 error CL020 Not a readable ONNX model/);
  });

  it('- an ONNX model on standard input with external data: the figures, and a CL024 per weight saying why it cannot be read', () => {
    const r = runCli(['check', '-'], { input: readFileSync(fixture('tcn_external.onnx')) });
    assert.equal(r.status, 0, r.stdout);
    const warnings = r.stdout.split('\n').filter((l) => / warning CL024 /.test(l));
    assert.equal(warnings.length, 9);
    assert.match(warnings[0], /stored in 'tcn_external\.onnx\.data', which cannot be read: the model came on standard input, so there is no folder to find it in \(give the model's path instead/);
    const run = runCli(['run', '-', '--input', fixture('tcn_op17_fixed_bn.input.npy'), '--out', 'unused'], { input: readFileSync(fixture('tcn_external.onnx')) });
    assert.equal(run.status, 2);
    assert.match(run.stderr + run.stdout, /standard input/);
  });
});
