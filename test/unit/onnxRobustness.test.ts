// Bad ONNX input: a truncated or corrupt file, an operator ConvLens does not analyse, a dynamic
// input without a size. Always a located finding that says what is wrong, never an exception,
// and no figure downstream of a node that could not be analysed.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { looksOnnx, readOnnx } from '../../engine';
import { readdirSync } from 'node:fs';
import { mulberry32 } from '../../kernels';
import { repoRoot } from '../oracle';

const dir = join(repoRoot, 'test', 'fixtures', 'onnx');
const bytesOf = (file: string) => new Uint8Array(readFileSync(join(dir, file)));
const errors = (bytes: Uint8Array, options = {}) => readOnnx(bytes, options).analysis.findings.filter((f) => f.severity === 'error');

/** The bytes with an op_type (NodeProto field 4) renamed, the same length. */
function renameOp(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const pattern = [0x22, from.length, ...Buffer.from(from)];
  const out = bytes.slice();
  for (let i = 0; i < out.length - pattern.length; i++) {
    if (pattern.every((b, k) => out[i + k] === b)) {
      out.set(Buffer.from(to), i + 2);
      return out;
    }
  }
  throw new Error(`no op ${from}`);
}

describe('ONNX robustness', () => {
  const model = bytesOf('classifier_op11_fixed_bn.onnx');

  it('a truncated file is a CL020 finding with the byte where it stops (every cut of a model)', () => {
    for (let cut = 1; cut < model.length; cut += 37) {
      const found = errors(model.subarray(0, cut));
      assert.ok(found.length, `cut at ${cut}: no error`);
    }
    const half = errors(model.subarray(0, model.length >> 1));
    assert.equal(half[0].code, 'CL020');
    assert.match(half[0].message, /truncated or corrupt \(byte [\d,]+ of [\d,]+/);
  });

  it('corrupt bytes never throw: 100 files with random bytes changed each give findings or a network', () => {
    const random = mulberry32(22);
    for (let n = 0; n < 100; n++) {
      const bad = model.slice();
      for (let k = 0; k < 1 + (n % 8); k++) bad[Math.floor(random() * bad.length)] = Math.floor(random() * 256);
      const r = readOnnx(bad);
      assert.ok(Array.isArray(r.analysis.layers));
    }
  });

  it('negative int64 values decode exactly (ten-byte varints): Slice ends −2 at opset 9', () => {
    const r = readOnnx(bytesOf('tcn_op9_fixed_bn.onnx'));
    const slice = r.nodes.find((n) => n.opType === 'Slice')!;
    assert.deepEqual(slice.attributes, { axes: [2], ends: [-2], starts: [0] });
  });

  it('a file that is not ONNX at all is CL020, not a crash', () => {
    const found = errors(new Uint8Array(Buffer.from('name: net\ninput: [3, 32, 32]\nlayers:\n  - conv: {out: 8, kernel: 3}\n')));
    assert.deepEqual(found.map((f) => f.code), ['CL020']);
  });

  it('an unknown operator is CL021 naming the node and op; the layers before keep their figures, those after are withheld', () => {
    const r = readOnnx(renameOp(model, 'Relu', 'Relx'));
    const found = r.analysis.findings.filter((f) => f.code === 'CL021');
    assert.equal(found.length, 1);
    assert.match(found[0].message, /Node '\/layer1\/se\/act\/Relu' \(Relx\): operator Relx is not one ConvLens analyses/);
    assert.equal(found[0].severity, 'error');
    const good = readOnnx(model).analysis;
    const names = r.analysis.layers.map((l) => l.name);
    assert.ok(names.includes('layer1.se.fc1') && !names.includes('layer1.se.fc2') && !names.includes('fc'));
    for (const l of r.analysis.layers) assert.deepEqual(l.shape, good.layers.find((g) => g.name === l.name)!.shape);
    assert.deepEqual(r.analysis.outputs, [{ name: 'y', index: -1 }]);
    assert.ok(r.analysis.totals.params < good.totals.params);
    // The node's bytes locate it.
    assert.ok(found[0].span.end > found[0].span.start);
  });

  it('a dynamic input without a size names its dimensions; with a size of the wrong rank it says so', () => {
    const seg = bytesOf('segnet_op13_dynamic_bn.onnx');
    const open = errors(seg);
    assert.deepEqual(open.map((f) => f.code), ['CL022']);
    assert.match(open[0].message, /dynamic dimensions 'h' \(axis 2\), 'w' \(axis 3\): give the input's shape/);
    assert.match(errors(seg, { inputShape: [3, 16] })[0].message, /does not have the rank/);
    assert.deepEqual(errors(seg, { inputShape: [3, 16, 24] }), []);
    assert.match(errors(seg, { inputShape: [2, 3, 16, 24] })[0].message, /batch of 2; ConvLens analyses one sample/);
  });
});

describe('looksOnnx: an ONNX model known by its bytes (standard input has no name)', () => {
  it('every fixture model is one, and so is a model cut short after its first fields', () => {
    const models = readdirSync(dir).filter((f) => f.endsWith('.onnx'));
    assert.ok(models.length > 20);
    for (const f of models) assert.ok(looksOnnx(bytesOf(f)), f);
    assert.ok(looksOnnx(bytesOf('ops_pads_op17.onnx').subarray(0, 64)));
  });

  it('text and other binaries are not: YAML, a darknet cfg, text starting with a ModelProto key byte, a PNG, a .npy', () => {
    for (const text of ['input: [3, 8, 8]\nlayers: []\n', '[net]\nwidth=416\n', 'B: 1\n', ':x', '\x08', '\x08\x07hello']) {
      assert.equal(looksOnnx(Buffer.from(text)), false, JSON.stringify(text));
    }
    assert.equal(looksOnnx(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1])), false);
    assert.equal(looksOnnx(bytesOf('ops_pads_op17.input.npy')), false);
  });
});
