// Trained weights from files (kernels/weights/): torch.save archives (zip and legacy), state_dicts,
// checkpoints, a pickled Ultralytics model in float16, bfloat16, Darknet .weights. Each fixture
// network (test/fixtures/weights/oracle.py, PyTorch 1.13) runs with its file and reproduces
// PyTorch's output layer by layer (float64 reference, ≤ 1e-4 relative). Files that do not fit
// or cannot be read are refused with a message; a pickle that would run code is refused unrun.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '../../engine';
import type { Analysis } from '../../engine/types';
import { execute } from '../../kernels/runtime/execute';
import { weightFit } from '../../kernels/runtime/weights';
import { loadWeights, sanitize, weightsFilesFor, WeightsFileError } from '../../kernels/weights';
import { mapKeys } from '../../kernels/weights/mapKeys';
import { unpickle, PickleError } from '../../kernels/weights/pickle';
import { halfToFloat } from '../../kernels/weights/tensorData';
import { mulberry32, type Tensor } from '../../kernels';
import { repoRoot } from '../oracle';

const dir = join(repoRoot, 'test/fixtures/weights');
const file = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, name)));

interface Ref {
  network: string;
  weights: string;
  input: [number, number[]];
  outputs: Record<string, [number, number[]]>;
}
const refs = JSON.parse(readFileSync(join(dir, 'refs.json'), 'utf8')) as { networks: Record<string, Ref> };
const blob = readFileSync(join(dir, 'refs.bin'));
const values = new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
const refTensor = ([off, shape]: [number, number[]]): Tensor => ({ shape, data: values.subarray(off, off + shape.reduce((p, n) => p * n, 1)) });

function analyse(name: string, imageSize?: number): Analysis {
  const a = check(readFileSync(join(dir, name), 'utf8'), { fileName: name, imageSize });
  const errs = a.findings.filter((f) => f.severity === 'error');
  assert.equal(errs.length, 0, errs.map((e) => e.message).join('\n'));
  return a;
}

const analysisOf = (r: Ref) => analyse(r.network, r.input[1][1]);

/** What each network's reference holds that is not a ConvLens layer (a module without a layer of its own). */
const NOT_LAYERS: Record<string, RegExp> = {
  mobilenet: /^features\.[124]$/, // InvertedResidual without a residual: its output is its last BatchNorm's
  yolo: /^model\.22\.dfl\.conv$/, // the DFL's fixed ramp: ConvLens's head ends at the levels
};

describe('weights files: PyTorch outputs reproduced layer by layer', function () {
  this.timeout(30000);
  for (const [key, r] of Object.entries(refs.networks)) {
    it(`${key}: ${r.weights} on ${r.network}`, () => {
      const a = analysisOf(r);
      const w = loadWeights(file(r.weights), r.weights, a);
      assert.equal(w.fit.problem, null);
      assert.equal(w.fit.missing.length + w.fit.unexpected.length + w.fit.wrongShape.length, 0);
      const run = execute(a, refTensor(r.input), { weights: w.store, keepAll: true });
      assert.equal(run.randomWeights, false);
      const byName = new Map(a.layers.map((l) => [sanitize(l.name), l.name]));
      let compared = 0;
      for (const [name, ref] of Object.entries(r.outputs)) {
        const layer = byName.get(sanitize(name));
        if (!layer) {
          assert.ok(Object.values(NOT_LAYERS).some((re) => re.test(name)), `${name} has no layer`);
          continue;
        }
        const got = run.outputs.get(layer)!;
        const want = refTensor(ref);
        assert.deepEqual(got.shape, want.shape, layer);
        let diff = 0;
        let scale = 0;
        for (let i = 0; i < want.data.length; i++) {
          diff = Math.max(diff, Math.abs(got.data[i] - want.data[i]));
          scale = Math.max(scale, Math.abs(want.data[i]));
        }
        assert.ok(diff <= 1e-4 * scale, `${layer}: off by ${diff} at scale ${scale}`);
        compared++;
      }
      assert.ok(compared >= Object.keys(r.outputs).length - 3 && compared >= 9, `compared ${compared}`);
    });
  }

  it('reports what it read: dtypes, source, skipped entries, the dropped prefix', () => {
    const yolo = refs.networks.yolo_ckpt_f16;
    const a = analysisOf(yolo);
    const ckpt = loadWeights(file(yolo.weights), yolo.weights, a);
    assert.equal(ckpt.source, "checkpoint['model'] (ultralytics.nn.tasks.DetectionModel)");
    assert.deepEqual(ckpt.dtypes, { float16: 297 });
    // num_batches_tracked of every BatchNorm and the DFL's ramp load nothing and are not unexpected.
    assert.ok(ckpt.skipped.includes('model.22.dfl.conv.weight'));
    assert.equal(ckpt.skipped.filter((k) => k.endsWith('num_batches_tracked')).length, 57);
    // The pickled BatchNorms carry Ultralytics' epsilon.
    const bns = a.layers.filter((l) => l.kind === 'batchnorm');
    assert.equal(ckpt.store.eps!.size, bns.length);
    assert.ok([...ckpt.store.eps!.values()].every((e) => Math.abs(e - 1e-3) < 1e-9));
    const legacy = loadWeights(file('blocks.legacy.pth'), 'blocks.legacy.pth', analyse('blocks.cnn.yaml'));
    assert.equal(legacy.source, "checkpoint['state_dict']");
    assert.equal(legacy.prefix, 'module.');
    assert.deepEqual(loadWeights(file('blocks.bf16.pth'), 'blocks.bf16.pth', analyse('blocks.cnn.yaml')).dtypes, { bfloat16: 27 });
    const dn = loadWeights(file('connected.weights'), 'connected.weights', analyse('connected.cfg'));
    assert.equal(dn.source, 'darknet 0.1.0, 64000 images seen');
    assert.equal(dn.tensors, 12);
  });

  it('float16 decoding is exact (normals, subnormals, infinities)', () => {
    assert.equal(halfToFloat(0x3c00), 1);
    assert.equal(halfToFloat(0xc000), -2);
    assert.equal(halfToFloat(0x0001), 2 ** -24);
    assert.equal(halfToFloat(0x7bff), 65504);
    assert.equal(halfToFloat(0x7c00), Infinity);
    assert.ok(Number.isNaN(halfToFloat(0x7e00)));
  });
});

describe('weights files that do not fit or cannot be read', () => {
  const blocks = () => analyse('blocks.cnn.yaml');

  it('a wrong shape: named, with both shapes, and the run refused', () => {
    const w = loadWeights(file('blocks.wrong-shape.pth'), 'blocks.wrong-shape.pth', blocks());
    assert.match(w.fit.problem!, /25 of 27 tensors match\); wrong shape: fc\.weight is \[5, 8\], expected \[4, 8\], fc\.bias is \[5\], expected \[4\]/);
    assert.throws(() => execute(blocks(), { shape: [3, 16, 16], data: new Float32Array(768) }, { weights: w.store }), /wrong shape: fc\.weight/);
  });

  it("a foreign state_dict: nothing matches, the first few missing and unexpected are named", () => {
    const w = loadWeights(file('blocks.bf16.pth'), 'blocks.bf16.pth', analyse('mobilenet_v2_small.cnn.yaml'));
    assert.equal(w.fit.matched, 0);
    assert.match(w.fit.problem!, /\(0 of 82 tensors match\); missing: features_0_0\.weight \[16, 3, 3, 3\], features_0_1\.weight \[16\], features_0_1\.bias \[16\] and 79 more; unexpected: conv1\.weight, bn1\.weight, bn1\.bias and 24 more/);
  });

  it('a truncated archive: refused wherever it is cut', () => {
    const whole = file('mobilenet_v2_small.pth');
    const a = analyse('mobilenet_v2_small.cnn.yaml');
    for (const keep of [whole.length - 10, Math.floor(whole.length / 2), 100]) {
      assert.throws(() => loadWeights(whole.subarray(0, keep), 'm.pth', a), (e: Error) => e instanceof WeightsFileError && /truncated/.test(e.message), `cut at ${keep}`);
    }
    const legacy = file('blocks.legacy.pth');
    for (const keep of [legacy.length - 7, 2000]) {
      assert.throws(() => loadWeights(legacy.subarray(0, keep), 'b.pth', blocks()), (e: Error) => e instanceof WeightsFileError && /truncated/.test(e.message), `legacy cut at ${keep}`);
    }
  });

  it('damaged files (bytes changed, cut anywhere) give a WeightsFileError or load, never another exception', () => {
    const rng = mulberry32(11);
    for (const [net, name, size] of [['blocks.cnn.yaml', 'blocks.legacy.pth', 16], ['blocks.cnn.yaml', 'blocks.bf16.pth', 16], ['connected.cfg', 'connected.weights', 8]] as const) {
      const a = analyse(net, size);
      const whole = file(name);
      for (let n = 0; n < 150; n++) {
        const b = rng() < 0.3 ? whole.slice(0, Math.floor(rng() * whole.length)) : whole.slice();
        for (let k = 1 + Math.floor(rng() * 8); k > 0; k--) b[Math.floor(rng() * b.length)] = Math.floor(rng() * 256);
        try {
          loadWeights(b, name, a);
        } catch (err) {
          assert.ok(err instanceof WeightsFileError, `${name} mutation ${n}: ${(err as Error).stack}`);
        }
      }
    }
  });

  it('a pickle that calls os.system is refused, naming it, and nothing is run', () => {
    assert.throws(
      () => loadWeights(file('evil-os-system.pt'), 'evil-os-system.pt', blocks()),
      (e: Error) => e instanceof WeightsFileError && /evil-os-system\.pt: refused: the pickle refers to os\.system .*never runs code/.test(e.message),
    );
  });

  it('a compressed archive is reported (torch.save never compresses)', () => {
    assert.throws(() => loadWeights(file('deflated.pt'), 'deflated.pt', blocks()), /compressed \(zip method deflate\).*torch\.save it again/);
  });

  it('Darknet: a short file, a long file, another cfg', () => {
    const w = file('yolov3-tiny-small.weights');
    const a = analyse('yolov3-tiny-small.cfg');
    assert.throws(() => loadWeights(w.subarray(0, w.length - 400), 'y.weights', a), /ends inside 22\.conv's weights: it needs 672 more values, 572 are left/);
    const longer = new Uint8Array(w.length + 8);
    longer.set(w);
    assert.throws(() => loadWeights(longer, 'y.weights', a), /holds 2 values more than the network's 13 weighted sections take/);
    assert.throws(() => loadWeights(file('connected.weights'), 'connected.weights', a), /ends inside/);
  });
});

/** Pickle bytes: protocol 2 header, the body, STOP. */
const pickle = (...parts: Array<string | number[]>): Uint8Array => {
  const bytes: number[] = [0x80, 2];
  for (const p of parts) {
    if (typeof p === 'string') for (const c of p) bytes.push(c.charCodeAt(0));
    else bytes.push(...p);
  }
  bytes.push(0x2e);
  return Uint8Array.from(bytes);
};

describe('the pickle reader runs nothing and stays bounded', () => {
  it('refuses globals outside tensors, dicts and module classes', () => {
    for (const [mod, name] of [['builtins', 'eval'], ['os', 'system'], ['posix', 'system'], ['subprocess', 'Popen'], ['builtins', '__import__'], ['__builtin__', 'exec'], ['dill._dill', '_create_function']]) {
      assert.throws(() => unpickle(pickle(`c${mod}\n${name}\n`, ')R')), new RegExp(`refused: the pickle refers to ${mod}\\.${name}`));
    }
  });

  it('refuses calling an unknown function even in an allowed namespace', () => {
    assert.throws(() => unpickle(pickle('ctorch.hub\nload\n', ')R')), /refused: the pickle calls torch\.hub\.load/);
    assert.throws(() => unpickle(pickle('ctorch.storage\n_load_from_bytes\n', ')R')), /refused: the pickle calls torch\.storage\._load_from_bytes/);
  });

  it('records getattr (a fused Conv keeps one) as data, resolving nothing', () => {
    const { value } = unpickle(pickle('cbuiltins\ngetattr\n', ']', 'X\x0c\x00\x00\x00forward_fuse', '\x86R'));
    assert.equal((value as { className: string }).className, 'builtins.getattr');
  });

  it('records module classes as plain data', () => {
    const { value } = unpickle(pickle('cultralytics.nn.modules.conv\nConv\n', ')\x81', '}', 'X\x03\x00\x00\x00eps', 'G', [0x3f, 0x50, 0x62, 0x4d, 0xd2, 0xf1, 0xa9, 0xfc], 's', 'b'));
    assert.equal((value as { className: string }).className, 'ultralytics.nn.modules.conv.Conv');
  });

  it('refuses allocations the file does not pay for, and truncation', () => {
    // bytearray(10**9) would allocate a gigabyte.
    assert.throws(() => unpickle(pickle('cbuiltins\nbytearray\n', 'J', [0x00, 0xca, 0x9a, 0x3b], '\x85R')), /refused: bytearray\(1000000000\)/);
    // A 2 GB integer, a 1 TB byte string: refused or truncated before anything is allocated.
    assert.throws(() => unpickle(pickle('\x8b', [0, 0, 0, 0x80])), /an integer of 2147483648 bytes/);
    assert.throws(() => unpickle(pickle('\x8e', [0, 0, 0, 0, 0, 1, 0, 0])), /truncated at byte 11 \(needs 1099511627776 more\)/);
    assert.throws(() => unpickle(pickle('h\x05')), /memo entry 5 is read before it is written/);
    assert.throws(() => unpickle(Uint8Array.from([0x80, 2, 0x5d])), /truncated/);
  });

  it('a stream of 600,000 opcodes finishes with memory linear in it', () => {
    // EMPTY_LIST, then 300,000 DUP + APPEND: one list holding itself 300,000 times.
    const body = new Uint8Array(2 + 1 + 600_000 + 1);
    body.set([0x80, 2, 0x5d]);
    for (let i = 0; i < 300_000; i++) body.set([0x32, 0x61], 3 + 2 * i);
    body[body.length - 1] = 0x2e;
    const { value } = unpickle(body);
    assert.equal((value as unknown[]).length, 300_000);
    assert.throws(() => unpickle(Uint8Array.from([0x80, 2, 0x61, 0x2e])), PickleError);
  });
});

describe('keys onto layer names', () => {
  it('a key two layers match once sanitised is an error naming both', () => {
    const a = check(`input: [1, 4, 4]
blocks:
  b:
    layers:
      - {name: c, conv: {out: 1, kernel: 1}}
layers:
  - {name: conv, b: {}, repeat: 1}
  - {name: conv_0_c, conv: {out: 1, kernel: 1}}
`);
    assert.deepEqual(a.layers.map((l) => l.name), ['conv.0.c', 'conv_0_c']);
    // Exact names win: no ambiguity.
    assert.deepEqual([...mapKeys(a, ['conv.0.c.weight', 'conv_0_c.weight']).matched.values()].map((t) => t.layer), ['conv.0.c', 'conv_0_c']);
    assert.throws(() => mapKeys(a, ['conv_0.c.weight']), /conv_0\.c\.weight is ambiguous: it matches layer conv\.0\.c and layer conv_0_c/);
  });
});

describe('weights files beside a network file', () => {
  it('pairs by name and format, best first', () => {
    const folder = ['yolov3.cfg', 'yolov3.weights', 'yolov3-tiny.weights', 'best.pt', 'last.pt', 'yolov8n.pt', 'yolov8n.yaml', 'resnet18.pth', 'notes.txt'];
    assert.deepEqual(weightsFilesFor('/models/yolov3.cfg', folder), ['yolov3.weights']);
    assert.deepEqual(weightsFilesFor('yolov8n.yaml', folder), ['yolov8n.pt', 'best.pt', 'last.pt']);
    assert.deepEqual(weightsFilesFor('C:\\nets\\resnet18.cnn.yaml', folder), ['resnet18.pth']);
    assert.deepEqual(weightsFilesFor('vgg.cnn.yaml', folder), []);
  });
});

describe('real-size Ultralytics state_dicts find every layer', () => {
  // Keys and shapes only (test/fixtures/weights/ultralytics-keys.json, from oracle.py).
  const keys = JSON.parse(readFileSync(join(dir, 'ultralytics-keys.json'), 'utf8')) as Record<string, Array<[string, number[]]>>;
  for (const [name, list] of Object.entries(keys)) {
    it(`${name}: ${list.length} keys`, () => {
      const a = check(readFileSync(join(repoRoot, 'examples/ultralytics', name), 'utf8'), { fileName: name, imageSize: 64 });
      const m = mapKeys(a, list.map(([k]) => k));
      const store = { layers: new Map<string, Map<string, Tensor>>() };
      for (const [k, shape] of list) {
        const t = m.matched.get(k);
        if (!t) continue;
        if (!store.layers.has(t.layer)) store.layers.set(t.layer, new Map());
        store.layers.get(t.layer)!.set(t.param, { shape, data: new Float32Array(0) });
      }
      assert.deepEqual(m.unmatched.filter((k) => !k.endsWith('num_batches_tracked')), name === 'yolov5s.yaml' ? [] : [`model.${name === 'yolo11n.yaml' ? 23 : 22}.dfl.conv.weight`]);
      assert.equal(weightFit(a, store).problem, null);
    });
  }
});

describe('Darknet .weights of the real-size example cfgs', () => {
  // Written here in darknet's layout with the count the cfg needs (values do not matter): every
  // [convolutional] / [connected] section of yolov4-tiny (AlexeyAB's route groups included) is read.
  it('yolov4-tiny.cfg: exactly its values load and fit; one value fewer is refused', () => {
    const a = check(readFileSync(join(repoRoot, 'examples/darknet/yolov4-tiny.cfg'), 'utf8'), { fileName: 'yolov4-tiny.cfg' });
    const count = a.layers.reduce((n, l) => n + l.params + l.buffers, 0);
    const bytes = new Uint8Array(20 + 4 * count);
    new DataView(bytes.buffer).setInt32(4, 2, true); // version 0.2: a 64-bit `seen`
    const w = loadWeights(bytes, 'yolov4-tiny.weights', a);
    assert.equal(w.fit.problem, null);
    assert.equal(w.tensors, a.layers.filter((l) => l.kind === 'conv').length * 2 + a.layers.filter((l) => l.kind === 'batchnorm').length * 3);
    assert.throws(() => loadWeights(bytes.subarray(0, bytes.length - 4), 'yolov4-tiny.weights', a), /ends inside 36\.conv's weights/);
  });
});
