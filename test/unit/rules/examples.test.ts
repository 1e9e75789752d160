// Real networks stay quiet: no warning or error from any rule on the examples in examples/,
// except what an example's header comment says is intended, and the one real defect listed below.
import { strict as assert } from 'node:assert';
import { check } from '../../../engine';
import { layerSkips, usedPositions, unread } from '../../../engine/rules/coverage';
import { fieldOpOf } from '../../../engine/rules/util';
import type { AxisMap } from '../../../engine/analyse/receptiveField';
import { exampleFiles, readExample } from '../helpers/examples';

/** Header comment lines (before the first key). */
const header = (text: string) => text.split('\n').filter((l) => l.startsWith('#')).join('\n');

/**
 * Real defects, not false warnings: torchvision's SqueezeNet 1.1 conv1 is 3×3/2 without padding on
 * 224: (224 − 3)/2 + 1 = 111.5 → 111 windows read 0..222, so the last row and column never count.
 */
const REAL_DEFECTS: Record<string, Array<{ code: string; layer: string }>> = {
  'squeezenet1_1.cnn.yaml': [{ code: 'CL201', layer: 'conv1' }],
};

describe('rules: the examples stay quiet', () => {
  for (const file of exampleFiles()) {
    it(`${file}: no warnings or errors beyond the intended ones`, () => {
      const text = readExample(file);
      const a = check(text);
      const loud = a.findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
      const intended = /expected to warn/i.test(header(text));
      const known = REAL_DEFECTS[file] ?? [];
      const unexpected = loud.filter((f) => !(intended && f.severity === 'warning') && !known.some((k) => k.code === f.code && (f.data as { layer?: string })?.layer === k.layer));
      assert.deepEqual(unexpected.map((f) => `${f.code} ${f.message}`), []);
      if (intended) assert.ok(loud.length > 0, 'the header says the linter warns here');
      for (const k of known) assert.ok(loud.some((f) => f.code === k.code && (f.data as { layer?: string })?.layer === k.layer), `the real defect ${k.code} at ${k.layer} is reported`);
    });
  }

  it('dilated-gridding warns about holes (CL301) and nothing about coverage', () => {
    const a = check(readExample('dilated-gridding.cnn.yaml'));
    assert.ok(a.findings.some((f) => f.code === 'CL301'));
    assert.ok(!a.findings.some((f) => f.code === 'CL201'));
  });

  for (const file of ['resnet18.cnn.yaml', 'resnet50.cnn.yaml']) {
    it(`${file}: the 1×1/2 shortcuts skip pixels the 3×3/2 path reads, so no coverage warning`, () => {
      const a = check(readExample(file));
      const shortcuts = a.layers.filter((l) => l.kind === 'conv' && (l.args as any).kernel[0] === 1 && (l.args as any).stride[0] === 2);
      assert.ok(shortcuts.length >= 3, 'the stage shortcuts are 1×1/2 convs');
      const { used } = usedPositions(a);
      const byName = new Map(a.layers.map((l) => [l.name, l.index]));
      for (const l of shortcuts) {
        const op = fieldOpOf(l) as { type: 'map'; axes: AxisMap[] };
        const W = l.inputShapes[0][1];
        // The layer on its own skips every odd position (stride 2 > kernel 1)…
        const skipped = unread(op.axes[0], W, l.shape![1]).map((m, x) => (m ? x : -1)).filter((x) => x >= 0);
        assert.deepEqual(skipped.slice(0, 3), [1, 3, 5]);
        // The hover states the per-layer fact: (W + 0 − 1)/2 + 1 with W even leaves W/2 odd positions unread.
        const hover = layerSkips(l)[0];
        assert.equal(hover.unread.length, W / 2);
        assert.ok(hover.text.includes(`(${W} + 0 − 1)/2 + 1 = ${(W - 1) / 2 + 1}`), hover.text);
        // …but every position of its input reaches the output through the main path.
        const producer = byName.get(l.from[0])!;
        assert.ok(used.get(producer)!.every((axis) => axis.every(Boolean)), `${l.name}'s input is fully used`);
      }
      assert.deepEqual(a.findings.filter((f) => f.code === 'CL201' || f.code === 'CL301' || f.code === 'CL302'), []);
    });
  }

  it('the ResNet stem 7×7/2 p3 on 224 drops only padding: (224 + 6 − 7)/2 + 1 = 112.5 → 112', () => {
    const a = check(readExample('resnet18.cnn.yaml'));
    const stem = a.layers[0];
    assert.equal(stem.shape![1], 112);
    const op = fieldOpOf(stem) as { type: 'map'; axes: AxisMap[] };
    assert.deepEqual(unread(op.axes[0], 224, 112).filter(Boolean), []);
  });
});
