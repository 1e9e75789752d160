// `convlens summary` reports: the format's own tool's totals (Analysis.native, e.g. Ultralytics'
// GFLOPs) are printed labelled with the tool's name beside ConvLens's totals, in the table and the
// JSON. No reader produces them yet, so the analysis is built by hand from a real one.
import * as assert from 'node:assert/strict';
import { check, type Analysis } from '../../engine';
import type { Checked } from '../../cli/src/checked';
import { summaryJson, summaryTable } from '../../cli/src/report/summary';
import { readExample } from '../unit/helpers/examples';

const NATIVE: NonNullable<Analysis['native']> = {
  tool: 'Ultralytics',
  figures: [
    { label: 'parameters', value: 3157200, text: '3,157,200' },
    { label: 'GFLOPs', value: 8.9, text: '8.9', note: '2 FLOPs per MAC, at 640×640' },
  ],
};

function checked(native?: Analysis['native']): Checked {
  const text = readExample('tiny-vgg.cnn.yaml');
  const analysis = check(text);
  if (native) analysis.native = native;
  return { file: 'tiny-vgg.cnn.yaml', text, analysis };
}

describe("cli summary: the format's own totals", () => {
  it('the table prints each figure after ConvLens totals, labelled with the tool', () => {
    const lines = summaryTable(checked(NATIVE).analysis).split('\n');
    const activation = lines.findIndex((l) => l.startsWith('Activation memory'));
    assert.deepEqual(lines.slice(activation + 1, activation + 3), ['Ultralytics parameters: 3,157,200', 'Ultralytics GFLOPs: 8.9 (2 FLOPs per MAC, at 640×640)']);
    assert.ok(lines.some((l) => l.startsWith('Total params: ')));
  });

  it('the JSON carries them as `native` beside `totals`; null when the format has no tool of its own', () => {
    const withNative = summaryJson(checked(NATIVE), false);
    assert.deepEqual(withNative.native, NATIVE);
    assert.ok(withNative.totals && withNative.totals.params > 0);
    const plain = summaryJson(checked(), false);
    assert.equal(plain.native, null);
    assert.ok(!summaryTable(checked().analysis).includes('Ultralytics'));
  });
});
