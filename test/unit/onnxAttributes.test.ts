// What the ONNX view shows of a node and of its weights, against python3-onnx: every node's
// name, op, domain, inputs, outputs and attributes (test/fixtures/onnx/attributes.json, written by
// attributes_oracle.py), how the weights are stored (float16 behind Cast, int8 behind
// DequantizeLinear, external data), and the sizes a default gives a model's dynamic dimensions.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOnnx, formatAttribute, readOnnx } from '../../engine';
import { float32Value } from '../../engine/readers/onnx/attributes';
import { parseDynamicSizes, parseHostMessage } from '../../protocol/preview';
import { repoRoot } from '../oracle';

const dir = join(repoRoot, 'test', 'fixtures', 'onnx');
const bytesOf = (file: string) => new Uint8Array(readFileSync(join(dir, file)));
const oracle = JSON.parse(readFileSync(join(dir, 'attributes.json'), 'utf8')) as Record<string, Array<{ name: string; opType: string; domain: string; inputs: string[]; outputs: string[]; attributes: Record<string, unknown>; initializers: Record<string, unknown> }>>;

describe('ONNX node attributes and weight storage', () => {
  for (const [file, nodes] of Object.entries(oracle)) {
    it(`${file}: every node's name, op, domain, inputs (initializers with their type and shape), outputs and attributes are python3-onnx's`, () => {
      const external = file === 'tcn_external.onnx' ? { 'tcn_external.onnx.data': bytesOf('tcn_external.onnx.data') } : {};
      const r = readOnnx(bytesOf(file), { inputShape: file.includes('dynamic') ? (file.startsWith('tcn') ? [1, 2, 64] : [1, 3, 32, 32]) : undefined, externalData: (l) => external[l as keyof typeof external] });
      assert.equal(r.nodes.length, nodes.length);
      r.nodes.forEach((n, i) => {
        const want = nodes[i];
        assert.deepEqual({ name: n.name, opType: n.opType, domain: n.domain, inputs: n.inputs, outputs: n.outputs }, { name: want.name, opType: want.opType, domain: want.domain, inputs: want.inputs, outputs: want.outputs });
        assert.deepEqual(n.attributes, want.attributes, `${n.name} (${n.opType})`);
        assert.deepEqual(Object.fromEntries(n.inputs.filter((i) => r.initializers.has(i)).map((i) => [i, r.initializers.get(i)])), want.initializers, `${n.name} (${n.opType}): initializers`);
      });
    });
  }

  it('attributes as one line each: lists, float32 values as written, strings quoted, tensors summarised', () => {
    assert.equal(float32Value(Math.fround(1e-5)), 1e-5);
    assert.equal(float32Value(Math.fround(0.1)), 0.1);
    assert.equal(float32Value(Math.fround(1 / 3)), 0.33333334);
    assert.equal(formatAttribute([3, 3]), '[3, 3]');
    assert.equal(formatAttribute(0.1), '0.1');
    assert.equal(formatAttribute('SAME_UPPER'), "'SAME_UPPER'");
    assert.equal(formatAttribute({ tensor: '(inline)', type: 'int64', dims: [1], values: [0] }), 'tensor int64 [1] = [0]');
    assert.equal(formatAttribute({ tensor: 'w', type: 'float32', dims: [64, 3, 3, 3] }), "tensor 'w' float32 [64, 3, 3, 3]");
    // A node of a fixture, as the view lists it.
    const conv = readOnnx(bytesOf('classifier_op11_fixed_bn.onnx')).nodes.find((n) => n.opType === 'Conv')!;
    assert.deepEqual(Object.entries(conv.attributes).map(([k, v]) => `${k}: ${formatAttribute(v)}`), ['dilations: [1, 1]', 'group: 1', 'kernel_shape: [3, 3]', 'pads: [1, 1, 1, 1]', 'strides: [2, 2]']);
  });

  it('weight storage: float32 in the file; float16 behind Cast and int8 behind DequantizeLinear; external data by file', () => {
    const plain = checkOnnx(bytesOf('tcn_op17_fixed_bn.onnx'));
    const tensors = [...plain.layerWeights.values()].reduce((n, refs) => n + Object.keys(refs).length, 0);
    assert.deepEqual(plain.weightConversions(), { dtypes: { float32: tensors }, dequantized: {}, external: [] });

    const mixed = readOnnx(bytesOf('tcn_fp16_int8.onnx'));
    const casts = mixed.nodes.filter((n) => n.opType === 'Cast' && n.inputs[0].endsWith('.fp16')).length;
    const dequantized = mixed.nodes.filter((n) => n.opType === 'DequantizeLinear').length;
    assert.ok(casts > 0 && dequantized > 0);
    const c = mixed.weightConversions();
    assert.equal(c.dtypes.float16, casts);
    assert.deepEqual(c.dequantized, { int8: dequantized });
    assert.equal(c.dtypes.float32, tensors - casts - dequantized);

    const data = bytesOf('tcn_external.onnx.data');
    const ext = readOnnx(bytesOf('tcn_external.onnx'), { externalData: (l) => (l === 'tcn_external.onnx.data' ? data : undefined) });
    assert.deepEqual(ext.weightConversions().external, ['tcn_external.onnx.data']);
  });

  it('default sizes fill only dynamic input dimensions: by position (with or without the batch) or by name; the file\'s fixed sizes stay', () => {
    const dynamic = bytesOf('classifier_op17_dynamic_bn.onnx');
    const given = readOnnx(dynamic, { inputShape: [1, 3, 40, 40] }).analysis.layers.map((l) => l.shape);
    for (const dynamicSizes of [[1, 3, 40, 40], [3, 40, 40], { height: 40, width: 40 }]) {
      const a = readOnnx(dynamic, { dynamicSizes }).analysis;
      assert.deepEqual(a.input, [3, 40, 40], JSON.stringify(dynamicSizes));
      assert.deepEqual(a.layers.map((l) => l.shape), given);
    }
    // A channel count that differs from the file's fixed 3 is not used: the file's size stays.
    assert.deepEqual(readOnnx(dynamic, { dynamicSizes: [1, 1, 40, 40] }).analysis.input, [3, 40, 40]);
    // An explicit input shape wins over the default.
    assert.deepEqual(readOnnx(dynamic, { inputShape: [3, 24, 24], dynamicSizes: [3, 40, 40] }).analysis.input, [3, 24, 24]);
    // A file without dynamic dimensions keeps its sizes.
    const fixed = readOnnx(bytesOf('classifier_op11_fixed_bn.onnx'));
    assert.deepEqual(readOnnx(bytesOf('classifier_op11_fixed_bn.onnx'), { dynamicSizes: [1, 3, 99, 99] }).analysis.input, fixed.analysis.input);
    // Sizes of another rank or names the file does not use leave the dimensions dynamic: the finding names them.
    for (const dynamicSizes of [[40, 40], { h: 40 }]) {
      const f = readOnnx(dynamic, { dynamicSizes }).analysis.findings.find((x) => x.code === 'CL022');
      assert.match(f?.message ?? '', /dynamic dimensions 'height' \(axis 2\), 'width' \(axis 3\)/);
    }
  });

  it('the convlens.onnx.inputShape setting: a shape or sizes by name; anything else is refused, empty is no setting', () => {
    assert.deepEqual(parseDynamicSizes('1x3x224x224'), [1, 3, 224, 224]);
    assert.deepEqual(parseDynamicSizes(' 3×320×320 '), [3, 320, 320]);
    assert.deepEqual(parseDynamicSizes('height=320, width=256'), { height: 320, width: 256 });
    assert.deepEqual(parseDynamicSizes('batch_size = 1; seq=64'), { batch_size: 1, seq: 64 });
    assert.equal(parseDynamicSizes(''), undefined);
    assert.equal(parseDynamicSizes('   '), undefined);
    for (const bad of ['x', '1x3x0x4', 'height=0', 'height=320, height=320', 'height=-1', '=5', 'height=3.5', '__proto__=5', 'a=1,b=2,c=3,d=4,e=5,f=6,g=7']) assert.equal(parseDynamicSizes(bad), null, bad);
    // The host hands the sizes to the page in the model message, validated there too.
    const model = { name: 'm.onnx', bytes: new Uint8Array([8, 6]), externalData: {} };
    assert.deepEqual(parseHostMessage({ type: 'model', uri: 'file:///w/m.onnx', model: { ...model, dynamicSizes: { height: 320 } } }), { type: 'model', uri: 'file:///w/m.onnx', model: { ...model, dynamicSizes: { height: 320 } } });
    assert.deepEqual(parseHostMessage({ type: 'model', uri: 'file:///w/m.onnx', model: { ...model, dynamicSizes: [3, 320, 320] } }), { type: 'model', uri: 'file:///w/m.onnx', model: { ...model, dynamicSizes: [3, 320, 320] } });
    for (const dynamicSizes of [{ height: 0 }, {}, [0, 3], 'x', { height: '3' }]) assert.equal(parseHostMessage({ type: 'model', uri: 'file:///w/m.onnx', model: { ...model, dynamicSizes } }), null, JSON.stringify(dynamicSizes));
    // A change of the setting while the view is open.
    assert.deepEqual(parseHostMessage({ type: 'dynamicSizes', sizes: { height: 32 } }), { type: 'dynamicSizes', sizes: { height: 32 } });
    assert.deepEqual(parseHostMessage({ type: 'dynamicSizes', sizes: null }), { type: 'dynamicSizes', sizes: null });
    for (const sizes of [undefined, { height: -1 }, [1.5], '1x3x8x8']) assert.equal(parseHostMessage({ type: 'dynamicSizes', sizes }), null, JSON.stringify(sizes));
  });
});
