// The ONNX operators beyond the oracle's networks (test/fixtures/onnx/ops.json, written by
// oracle.py --ops): LayerNormalization over spatial axes, LpPool, cubic Resize and reflect /
// edge / wrap Pad. Each node's output shape must be PyTorch's (forward hooks) or the reference's
// (onnx's shape inference, or the numpy reference of a file built with onnx's helper API), the
// parameters PyTorch's, and running the file's own weights must give the reference output.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readOnnx } from '../../engine';
import { fold } from '../../engine/readers/onnx/folding';
import { DataType, type OnnxNode } from '../../engine/readers/onnx/proto';
import { execute } from '../../kernels/runtime/execute';
import { readNpy } from '../../kernels/runtime/npy';
import { repoRoot } from '../oracle';
import { assertCloseRelative } from './helpers/reference';

interface OpsVariant {
  name: string;
  file: string;
  opset: number;
  input: number[];
  output: number[];
  /** Parameters as PyTorch counts them (absent for a file built with onnx's helper API). */
  params?: number;
  /** PyTorch's output shape of every module (forward hooks). */
  modules?: Record<string, number[]>;
  /** Every node output's shape: onnx's shape inference, or the numpy reference's. */
  nodes: Record<string, number[]> | null;
}

const dir = join(repoRoot, 'test', 'fixtures', 'onnx');
const oracle = JSON.parse(readFileSync(join(dir, 'ops.json'), 'utf8')) as { variants: OpsVariant[] };
const bytesOf = (file: string) => new Uint8Array(readFileSync(join(dir, file)));
const npy = (file: string) => readNpy(bytesOf(file));

describe('ONNX operators against PyTorch and the ONNX definition (test/fixtures/onnx/ops.json)', () => {
  for (const v of oracle.variants) {
    describe(v.name, () => {
      const r = readOnnx(bytesOf(v.file), { fileName: v.file });
      const a = r.analysis;

      it('reads without findings of CL021 or errors', () => {
        assert.deepEqual(a.findings.filter((f) => f.severity === 'error' || f.code === 'CL021').map((f) => `${f.code} ${f.message}`), []);
        assert.deepEqual(a.input, v.input.slice(1));
      });

      it("every node's output shape is the reference's", () => {
        let matched = 0;
        let computing = 0;
        for (const n of r.nodes) {
          n.layers.forEach((index, k) => {
            const layer = a.layers[index];
            const out = n.outputs[n.layers.length > 1 ? k : 0];
            computing++;
            const want = v.nodes?.[out] ?? v.modules?.[layer.name];
            if (!want) return;
            assert.deepEqual([1, ...layer.shape!], want, `${n.name} (${n.opType}) → ${out}`);
            matched++;
          });
        }
        assert.ok(computing > 0, "no layer");
        assert.equal(matched, computing, `${matched} of ${computing} layers had a reference shape`);
        for (const l of a.layers) {
          const want = v.modules?.[l.name];
          if (want) assert.deepEqual([1, ...l.shape!], want, `${l.name} (${l.kind})`);
        }
      });

      if (v.params !== undefined) {
        it('parameters as PyTorch counts them', () => {
          assert.equal(a.totals.params, v.params);
        });
      }

      it("runs with the file's weights to the reference output (≤ 1e-4 relative)", () => {
        const x = npy(`${v.name}.input.npy`);
        const want = npy(`${v.name}.output.npy`);
        const out = execute(a, { shape: x.shape.slice(1), data: x.data }, { weights: r.weightStore(), keepAll: true }).outputs.get(a.layers[a.outputs[0].index].name)!;
        assert.deepEqual([1, ...out.shape], want.shape);
assertCloseRelative(out.data, want.data, 1e-4);
      });
    });
  }
});

describe('a large weight transposed by a node (nn.Linear on N-D input exported without constant folding)', () => {
  it('is permuted when a kernel reads it, not while reading the graph', () => {
    const [R, C] = [300, 260]; // 78,000 values: more than shape arithmetic folds eagerly
    let decoded = 0;
    const w = { dims: [R, C], dataType: DataType.FLOAT, lazy: () => (decoded++, Float32Array.from({ length: R * C }, (_, i) => i)) };
    const node: OnnxNode = { name: 't', opType: 'Transpose', domain: '', inputs: ['w'], outputs: ['wt'], attributes: new Map([['perm', { name: 'perm', type: 7, ints: [1, 0], floats: [], strings: [] }]]), span: [0, 0] };
    const [t] = fold({ node, opset: 13, inputs: [w], ints: (n) => node.attributes.get(n)?.ints, int: (_, d) => d, float: (_, d) => d, tensorAttr: () => undefined });
    assert.deepEqual(t.dims, [C, R]);
    assert.equal(decoded, 0);
    const v = t.lazy!();
    // wt[j][i] = w[i][j] = i·C + j
    for (const [j, i] of [[0, 0], [1, 0], [0, 1], [C - 1, R - 1], [17, 123]]) assert.equal(v[j * R + i], i * C + j);
  });
});

