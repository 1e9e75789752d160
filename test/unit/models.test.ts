// The example networks of torchvision models, analysed by the engine, against PyTorch's own
// figures (the oracle's models.json, measured with torch 1.13 / torchvision 0.14 at 3×224×224).
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyse } from '../../engine';
import type { Analysis, LayerResult } from '../../engine/types';
import { loadOracle } from '../oracle';
import { describeFindings, errors, examplesDir, layerFor, readExample } from './helpers/examples';

interface OracleLayer {
  i: number;
  path: string;
  class: string;
  call?: number;
  in: number[];
  out: number[];
  params: number;
  macs?: number;
  cfg?: Record<string, unknown>;
}
interface OracleModel {
  name: string;
  params_total: number;
  buffers: { count: number; elements: number; by_kind: Record<string, { count: number; elements: number }> };
  macs: { conv: number; linear: number; total: number };
  feature_end: { module: string; shape: number[] };
  layers: OracleLayer[];
}

/**
 * Per model: the example file, the example layer that corresponds to the oracle's
 * feature_end.module, and the example's layers that torchvision computes with a functional
 * call (no module, hence no entry in the oracle's `layers`).
 */
const CASES: Record<string, { file: string; featureEnd: string; functional?: string[] }> = {
  alexnet: { file: 'alexnet.cnn.yaml', featureEnd: 'pool5' }, // features = features.12
  vgg11: { file: 'vgg11.cnn.yaml', featureEnd: 'pool5' }, // features.20
  vgg16: { file: 'vgg16.cnn.yaml', featureEnd: 'pool5' }, // features.30
  resnet18: { file: 'resnet18.cnn.yaml', featureEnd: 'layer4' },
  resnet34: { file: 'resnet34.cnn.yaml', featureEnd: 'layer4' },
  resnet50: { file: 'resnet50.cnn.yaml', featureEnd: 'layer4' },
  resnet101: { file: 'resnet101.cnn.yaml', featureEnd: 'layer4' },
  // features.18 = head; torchvision pools with F.adaptive_avg_pool2d (no module).
  mobilenet_v2: { file: 'mobilenet_v2.cnn.yaml', featureEnd: 'head', functional: ['pool'] },
  squeezenet1_1: { file: 'squeezenet1_1.cnn.yaml', featureEnd: 'fires4' }, // features.12
};

/** Oracle module class → the engine layer kinds that may stand for it. */
const KINDS: Record<string, string[]> = {
  Conv2d: ['conv', 'depthwise'],
  Linear: ['linear'],
  BatchNorm2d: ['batchnorm'],
  MaxPool2d: ['maxpool'],
  AvgPool2d: ['avgpool'],
  AdaptiveAvgPool2d: ['adaptive_avgpool', 'global_avgpool'],
};
const ENGINE_KINDS = new Set(Object.values(KINDS).flat());

const oracle = loadOracle<{ models: OracleModel[] }>('models.json');

function fmt(l: LayerResult): string {
  return `${l.name} (${l.kind}) shape ${JSON.stringify(l.shape)} params ${l.params} macs ${l.macs}`;
}

describe('torchvision models vs the PyTorch oracle (models.json)', () => {
  it('every model with an example is covered, and every covered example exists', () => {
    const names = oracle.models.map((m) => m.name);
    for (const name of Object.keys(CASES)) {
      assert.ok(names.includes(name), `${name} is not in models.json`);
      assert.ok(existsSync(join(examplesDir, CASES[name].file)), `examples/${CASES[name].file} is missing`);
    }
  });

  for (const model of oracle.models) {
    const c = CASES[model.name];
    if (!c) continue;
    describe(model.name, () => {
      let a: Analysis;
      before(() => {
        a = analyse(readExample(c.file));
      });

      it('analyses without errors', () => {
        assert.deepEqual(errors(a), [], describeFindings(errors(a)));
      });

      it(`total parameters = ${model.params_total}`, () => {
        assert.equal(a.totals.params, model.params_total);
      });

      it('buffers = BatchNorm running mean + running var elements', () => {
        const nbt = model.buffers.by_kind.num_batches_tracked?.elements ?? 0;
        const expected = model.buffers.elements - nbt;
        // the same figure from the layer list: 2 per BatchNorm feature
        const bnFeatures = model.layers
          .filter((l) => l.class === 'BatchNorm2d')
          .reduce((s, l) => s + (l.cfg?.num_features as number), 0);
        assert.equal(expected, 2 * bnFeatures, 'oracle self-check');
        assert.equal(a.totals.buffers, expected);
        assert.equal(
          a.layers.reduce((s, l) => s + l.buffers, 0),
          expected,
          'sum of the layers’ buffers',
        );
      });

      it(`total MACs = ${model.macs.total}`, () => {
        assert.equal(a.totals.macs, model.macs.total);
        assert.equal(a.totals.flops, 2 * model.macs.total, 'FLOPs = 2·MACs');
      });

      it(`feature map at ${c.featureEnd} (= ${model.feature_end.module}) is ${JSON.stringify(model.feature_end.shape.slice(1))}`, () => {
        assert.deepEqual(layerFor(a, c.featureEnd).shape, model.feature_end.shape.slice(1));
      });

      it('parameters per layer sum to the total', () => {
        assert.equal(
          a.layers.reduce((s, l) => s + l.params, 0),
          model.params_total,
        );
      });

      it('conv / linear / batchnorm / pooling layers match torchvision layer by layer (kind, shape, params, MACs)', () => {
        const functional = new Set(c.functional ?? []);
        const want = model.layers.filter((l) => KINDS[l.class] !== undefined);
        const got = a.layers.filter((l) => ENGINE_KINDS.has(l.kind) && !functional.has(l.name));
        const problems: string[] = [];
        if (got.length !== want.length) {
          problems.push(`${want.length} conv/linear/batchnorm/pool modules in torchvision, ${got.length} such layers in the example`);
        }
        const n = Math.min(got.length, want.length);
        for (let i = 0; i < n; i++) {
          const w = want[i];
          const g = got[i];
          const wShape = w.out.slice(1);
          const wMacs = w.macs ?? 0;
          const bad: string[] = [];
          if (!KINDS[w.class].includes(g.kind)) bad.push(`kind ${g.kind} for ${w.class}`);
          if (JSON.stringify(g.shape) !== JSON.stringify(wShape)) bad.push(`shape ${JSON.stringify(g.shape)} ≠ ${JSON.stringify(wShape)}`);
          if (g.params !== w.params) bad.push(`params ${g.params} ≠ ${w.params}`);
          if (g.macs !== wMacs) bad.push(`macs ${g.macs} ≠ ${wMacs}`);
          if (bad.length) problems.push(`#${i} ${w.path} (${w.class}) vs ${fmt(g)}: ${bad.join('; ')}`);
          if (problems.length >= 10) break;
        }
        assert.deepEqual(problems, [], problems.join('\n'));
      });
    });
  }
});
