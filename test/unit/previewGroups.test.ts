// The preview's groups of layers (webview/src/render/groups.ts): the YOLO row, Darknet section
// or block instance each layer comes from, and the strip's short labels inside a group.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { check, checkOnnx } from '../../engine';
import { layerGroups, nameInGroup, shortLabels } from '../../webview/src/render/groups';
import { readExample } from './helpers/examples';
import { repoRoot } from '../oracle';

const realworld = (f: string) => readFileSync(join(repoRoot, '..', 'shared', 'realworld', f), 'utf8');

describe('preview groups of layers', () => {
  it('a repeated block: each instance is a group; layers that stand alone have none', () => {
    const a = check(readExample('tiny-vgg.cnn.yaml'));
    const g = layerGroups(a);
    assert.deepEqual(a.layers.map((l, i) => [l.name, g[i]?.name ?? null]), [
      ...a.layers.slice(0, 5).map((l) => [l.name, 'block.0']),
      ...a.layers.slice(5, 10).map((l) => [l.name, 'block.1']),
      ['flatten1', null],
      ['output', null],
    ]);
    assert.equal(g[0]!.kind, 'vgg_block');
  });

  it('Ultralytics rows and Darknet sections', () => {
    const y = check(realworld('yolov8n.yaml'), { fileName: 'yolov8n.yaml' });
    const gy = layerGroups(y);
    const rows = [...new Set(gy.map((g) => g?.name).filter(Boolean))];
    assert.deepEqual(rows, ['model.0', 'model.1', 'model.2', 'model.3', 'model.4', 'model.5', 'model.6', 'model.7', 'model.8', 'model.9', 'model.12', 'model.15', 'model.16', 'model.18', 'model.19', 'model.21', 'model.22']);
    y.layers.forEach((l, i) => gy[i] && assert.ok(l.name.startsWith(`${gy[i]!.name}.`), l.name));
    assert.equal(gy[y.layers.findIndex((l) => l.name === 'model.2.m.0.cv1.conv')]!.kind, 'C2f');
    const d = check(realworld('yolov3-tiny.cfg'), { fileName: 'yolov3-tiny.cfg' });
    const gd = layerGroups(d);
    assert.deepEqual(d.layers.slice(0, 4).map((l, i) => [l.name, gd[i]?.name ?? null, gd[i]?.kind ?? null]), [
      ['0.conv', '0', 'convolutional'],
      ['0.bn', '0', 'convolutional'],
      ['0.leaky', '0', 'convolutional'],
      ['1.max', null, null],
    ]);
  });

  it("an ONNX model's layers are grouped by the exporter's top-level module, its residual add included", () => {
    const a = checkOnnx(readFileSync(join(repoRoot, 'test', 'fixtures', 'onnx', 'classifier_op11_fixed_bn.onnx'))).analysis;
    const g = layerGroups(a);
    const of = (name: string) => g[a.layers.findIndex((l) => l.name === name)]?.name ?? null;
    assert.deepEqual(['stem', 'bn', 'layer1.conv1', 'layer1.se.fc1', 'layer1', 'layer1.act2', 'layer2.down.0', 'hs.hardsigmoid', 'hs.mul', 'fc'].map(of), [null, null, 'layer1', 'layer1', 'layer1', 'layer1', 'layer2', 'hs', 'hs', null]);
    assert.equal(nameInGroup('layer1.se.fc1', 'layer1'), 'se.fc1');
  });

  it("a name inside its group is what follows the group's name", () => {
    assert.equal(nameInGroup('model.2.m.0.cv1.conv', 'model.2'), 'm.0.cv1.conv');
    assert.equal(nameInGroup('model.20', 'model.2'), 'model.20');
    assert.equal(nameInGroup('conv', null), 'conv');
  });

  it('short labels fit the room and stay distinct for distinct names (property)', () => {
    assert.deepEqual(shortLabels(['m.0.cv1.conv', 'm.1.cv1.conv', 'cv1.conv'], 10), ['m.0…1.conv', 'm.1…1.conv', 'cv1.conv']);
    fc.assert(
      fc.property(fc.uniqueArray(fc.array(fc.constantFrom('m', '0', '1', '.', 'c', 'v', 'n'), { minLength: 1, maxLength: 30 }).map((c) => c.join('')), { minLength: 1, maxLength: 12 }), fc.integer({ min: 8, max: 20 }), (names, max) => {
        const labels = shortLabels(names, max);
        assert.ok(labels.every((l) => l.length <= max));
        assert.equal(new Set(labels).size, labels.length, `${names.join(' | ')} → ${labels.join(' | ')}`);
      }),
      { seed: 24, numRuns: 300 },
    );
  });
});
