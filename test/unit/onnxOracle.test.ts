// The ONNX reader against PyTorch: every export of test/fixtures/onnx/oracle.json (a classifier,
// a dilated TCN and a segmentation net at opsets 11, 13 and 17, dynamic axes or fixed, BatchNorm
// kept or folded). Each module's output shape (PyTorch's forward hooks) and each value's shape
// (python3-onnx's shape inference) must be the engine's, the totals the file's and PyTorch's,
// and running the file's own weights must give PyTorch's output for the same input.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readOnnx, type OnnxReadResult } from '../../engine';
import { execute } from '../../kernels/runtime/execute';
import { readNpy } from '../../kernels/runtime/npy';
import { repoRoot } from '../oracle';
import { assertCloseRelative } from './helpers/reference';

interface Variant {
  name: string;
  file: string;
  opset: number;
  dynamic: boolean;
  batchnorm: 'kept' | 'folded';
  input: number[];
  output: number[];
  params: number;
  buffers: number;
  stored: number;
  modules: Record<string, number[]>;
  onnx_shapes: Record<string, number[]> | null;
  /** Another way of storing the variant `reference` (its input; its output unless output_file). */
  reference?: string;
  output_file?: string;
}

const dir = join(repoRoot, 'test', 'fixtures', 'onnx');
const oracle = JSON.parse(readFileSync(join(dir, 'oracle.json'), 'utf8')) as { variants: Variant[] };
const bytesOf = (file: string) => new Uint8Array(readFileSync(join(dir, file)));
const npy = (file: string) => readNpy(bytesOf(file));

/** The model's external data files, as a front end hands them in (the engine does no I/O). */
const external = (location: string) => (/^[\w.-]+$/.test(location) ? bytesOf(location) : undefined);

function read(v: Variant): OnnxReadResult {
  return readOnnx(bytesOf(v.file), { fileName: v.file, inputShape: v.dynamic ? v.input : undefined, externalData: external });
}

describe('ONNX exports against PyTorch (test/fixtures/onnx/oracle.json)', () => {
  it('covers opsets 9, 11, 13 and 17, dynamic and fixed axes, BatchNorm kept and folded, 1-D and 2-D', () => {
    const vs = oracle.variants;
    assert.deepEqual([...new Set(vs.map((v) => v.opset))].sort((a, b) => a - b), [9, 11, 13, 17]);
    assert.ok(vs.some((v) => v.dynamic) && vs.some((v) => !v.dynamic));
    assert.ok(vs.some((v) => v.batchnorm === 'kept') && vs.some((v) => v.batchnorm === 'folded'));
    assert.ok(vs.some((v) => v.input.length === 3) && vs.some((v) => v.input.length === 4));
    assert.deepEqual(vs.filter((v) => v.reference).map((v) => v.name), ['tcn_external', 'tcn_fp16_int8']);
  });

  it('external data: the figures without the data file, a CL024 warning per tensor, and no run', () => {
    const r = readOnnx(bytesOf('tcn_external.onnx'), { fileName: 'tcn_external.onnx' });
    const want = readOnnx(bytesOf('tcn_op17_fixed_bn.onnx')).analysis;
    assert.deepEqual(r.analysis.layers.map((l) => [l.name, l.shape, l.params]), want.layers.map((l) => [l.name, l.shape, l.params]));
    const missing = r.analysis.findings.filter((f) => f.code === 'CL024');
    // (The 9 conv and linear weights are external; biases and BatchNorm vectors are under 100 bytes.)
    assert.ok(missing.length === 9 && missing.every((f) => f.severity === 'warning'));
    assert.match(missing[0].message, /stored in 'tcn_external\.onnx\.data', which was not given/);
    assert.throws(() => r.weightStore(), /tcn_external\.onnx\.data/);
  });

  it('float16 and int8 weights: the Cast and DequantizeLinear in front of them are evaluated, not layers', () => {
    const r = readOnnx(bytesOf('tcn_fp16_int8.onnx'));
    assert.deepEqual(r.analysis.layers.map((l) => l.name), readOnnx(bytesOf('tcn_op17_fixed_bn.onnx')).analysis.layers.map((l) => l.name));
    const head = r.tensorsOf('head')!.get('weight')!;
    // int8 values times the scale: at most 255 distinct values.
    assert.ok(new Set(head.data).size <= 255 && head.data.some((x) => x !== 0));
  });

  for (const v of oracle.variants) {
    describe(v.name, () => {
      const r = read(v);
      const a = r.analysis;

      it('reads without errors; the input is the sample without its batch axis', () => {
        assert.deepEqual(a.findings.filter((f) => f.severity === 'error').map((f) => `${f.code} ${f.message}`), []);
        assert.deepEqual(a.input, v.input.slice(1));
        assert.equal(a.format, 'onnx');
      });

      it("every module's output shape is PyTorch's (forward hooks)", () => {
        let matched = 0;
        for (const l of a.layers) {
          const want = v.modules[l.name];
          if (!want) continue;
          assert.deepEqual([1, ...l.shape!], want, `${l.name} (${l.kind})`);
          matched++;
        }
        // Every parameterised module is a layer of its own name (or folded into the conv before it).
        assert.ok(matched >= 10, `only ${matched} layers matched a module`);
      });

      it("every node's output shape is onnx's shape inference", () => {
        const want = v.onnx_shapes!;
        let matched = 0;
        for (const n of r.nodes) {
          n.layers.forEach((index, k) => {
            const out = n.outputs[n.layers.length > 1 ? k : 0];
            if (!want[out]) return;
            assert.deepEqual([1, ...a.layers[index].shape!], want[out], `${n.name} (${n.opType}) → ${out}`);
            matched++;
          });
        }
        // (onnx 1.12 leaves some shapes open: a Resize to computed sizes, a Pad after it; PyTorch's hooks cover those.)
        // (…and on the opset-9 export it stops after the first nodes: there it only confirms those.)
        assert.ok(matched >= (v.opset < 11 ? 2 : 0.5 * a.layers.length), `${matched} of ${a.layers.length} layers had an onnx shape`);
      });

      it('totals: parameters and buffers as PyTorch counts them, or the file holds when BatchNorm was folded', () => {
        const read = a.native!.figures.find((f) => f.label === 'weights read by layers')!.value;
        assert.equal(a.totals.params + a.totals.buffers, read, 'every weight the layers read is counted once');
        const folded = a.findings.find((f) => f.code === 'CL023');
        if (v.batchnorm === 'kept' || v.name.startsWith('tcn')) {
          // (The TCN's BatchNorm follows a slice, so the exporter cannot fold it.)
          assert.equal(a.totals.params, v.params);
          assert.equal(a.totals.buffers, v.buffers);
          assert.equal(folded, undefined);
        } else {
          assert.ok(folded, 'the folding is said');
          assert.ok(a.totals.params < v.params + v.buffers);
          assert.equal(a.totals.buffers, 0);
        }
        assert.deepEqual(a.outputs.map((o) => [o.name, o.shape]), [['y', v.output.slice(1)]]);
      });

      it("runs with the file's weights to PyTorch's output (≤ 1e-4 relative)", () => {
        const x = npy(`${v.reference ?? v.name}.input.npy`);
        const want = npy(v.output_file ?? `${v.reference ?? v.name}.output.npy`);
        const input = { shape: x.shape.slice(1), data: x.data };
        const out = execute(a, input, { weights: r.weightStore(), keepAll: true }).outputs.get(a.layers[a.outputs[0].index].name)!;
        assert.deepEqual([1, ...out.shape], want.shape);
assertCloseRelative(out.data, want.data, 1e-4);
      });
    });
  }
});
