// Receptive fields against the PyTorch oracle (receptive_fields.json): the analytic field per
// stage of the torchvision models (union over paths), and the field of every output position of
// 19 small 1-D stacks measured by backpropagation (holes, dilation, stride > kernel, residual
// and concat unions, transposed convolutions, upsampling).
import { strict as assert } from 'node:assert';
import { analyse } from '../../engine';
import type { Analysis, LayerResult } from '../../engine/types';
import { loadOracle } from '../oracle';
import { describeFindings, errors, layerFor, positionsAt, readExample } from './helpers/examples';

interface Stage {
  r: number[];
  j: number[];
  start: number[];
  eff_padding: number[];
}
interface Position {
  o: number;
  first: number;
  last: number;
  size: number;
  offsets: number[];
}
interface Synthetic {
  id: string;
  layers: string;
  input_length: number;
  output_length: number;
  max_size_interior: number;
  positions: Position[];
}
const oracle = loadOracle<{ models: Array<{ model: string; analytic: Record<string, Stage> }>; synthetic: Synthetic[] }>(
  'receptive_fields.json',
);

/** torchvision stage (module path) → the example layer (or block instance) it corresponds to. */
const STAGES: Record<string, { file: string; stages: Record<string, string> }> = {
  alexnet: {
    file: 'alexnet.cnn.yaml',
    stages: {
      'features.0': 'conv1',
      'features.2': 'pool1',
      'features.3': 'conv2',
      'features.5': 'pool2',
      'features.6': 'conv3',
      'features.8': 'conv4',
      'features.10': 'conv5',
      'features.12': 'pool5',
    },
  },
  vgg11: {
    file: 'vgg11.cnn.yaml',
    stages: { 'features.2': 'pool1', 'features.5': 'pool2', 'features.10': 'pool3', 'features.15': 'pool4', 'features.20': 'pool5' },
  },
  vgg16: {
    file: 'vgg16.cnn.yaml',
    stages: { 'features.4': 'pool1', 'features.9': 'pool2', 'features.16': 'pool3', 'features.23': 'pool4', 'features.30': 'pool5' },
  },
  resnet18: { file: 'resnet18.cnn.yaml', stages: resnetStages() },
  resnet34: { file: 'resnet34.cnn.yaml', stages: resnetStages() },
  resnet50: { file: 'resnet50.cnn.yaml', stages: resnetStages() },
  resnet101: { file: 'resnet101.cnn.yaml', stages: resnetStages() },
  mobilenet_v2: {
    file: 'mobilenet_v2.cnn.yaml',
    stages: {
      'features.1': 'stage1',
      'features.3': 'stage2', // stage2 = features.2-3
      'features.6': 'stage3', // features.4-6
      'features.13': 'stage5', // features.11-13
      'features.17': 'stage7',
      'features.18': 'head',
    },
  },
  squeezenet1_1: {
    file: 'squeezenet1_1.cnn.yaml',
    stages: { 'features.2': 'pool1', 'features.5': 'pool2', 'features.8': 'pool3', features: 'fires4' },
  },
};

function resnetStages(): Record<string, string> {
  return { maxpool: 'maxpool', layer1: 'layer1', layer2: 'layer2', layer3: 'layer3', layer4: 'layer4' };
}

function localSummary(l: LayerResult) {
  assert.ok(l.rf, `${l.name} has no receptive field`);
  assert.equal(l.rf.kind, 'local', `${l.name}: field is ${l.rf.kind}`);
  if (l.rf.kind !== 'local') throw new Error('unreachable');
  return l.rf;
}

/**
 * The synthetic stacks of receptive_fields.json written in the format (1 channel, 1-D; the
 * oracle's "maxpool … (as avg)" is measured with an average pool of the same window, which has
 * the same field as the max pool written here).
 */
const SYNTHETIC: Record<string, string> = {
  two_3x3_equals_one_5x5: `
  - conv: {out: 1, kernel: 3}
  - conv: {out: 1, kernel: 3}
`,
  three_3x3_equals_one_7x7: `
  - conv: {out: 1, kernel: 3}
    name: c
    repeat: 3
`,
  dilated_k3_d2: `
  - conv: {out: 1, kernel: 3, dilation: 2}
`,
  dilated_k3_d2_twice: `
  - conv: {out: 1, kernel: 3, dilation: 2}
  - conv: {out: 1, kernel: 3, dilation: 2}
`,
  dilated_d1_d2_d4: `
  - conv: {out: 1, kernel: 3, dilation: 1}
  - conv: {out: 1, kernel: 3, dilation: 2}
  - conv: {out: 1, kernel: 3, dilation: 4}
`,
  dilated_k2_d1_d2_d4: `
  - conv: {out: 1, kernel: 2, dilation: 1}
  - conv: {out: 1, kernel: 2, dilation: 2}
  - conv: {out: 1, kernel: 2, dilation: 4}
`,
  stride_gt_kernel_k1s2_then_k3: `
  - conv: {out: 1, kernel: 1, stride: 2}
  - conv: {out: 1, kernel: 3}
`,
  k2s3_then_k2: `
  - conv: {out: 1, kernel: 2, stride: 3}
  - conv: {out: 1, kernel: 2}
`,
  strided_k3s2p1_x3: `
  - conv: {out: 1, kernel: 3, stride: 2, padding: 1}
    name: c
    repeat: 3
`,
  pool2_then_conv3p1: `
  - maxpool: {kernel: 2, stride: 2}
  - conv: {out: 1, kernel: 3, padding: 1}
`,
  ceil_pool_k3s2: `
  - conv: {out: 1, kernel: 3}
  - maxpool: {kernel: 3, stride: 2, ceil_mode: true}
`,
  residual_two_3x3: `
  - conv: {out: 1, kernel: 3, padding: 1}
  - conv: {out: 1, kernel: 3, padding: 1}
    name: c2
  - add:
    from: [input, c2]
`,
  residual_downsample: `
  - conv: {out: 1, kernel: 1, stride: 2}
    name: shortcut
  - conv: {out: 1, kernel: 3, stride: 2, padding: 1}
    name: main
    from: input
  - add:
    from: [shortcut, main]
`,
  concat_k1_k3_k5: `
  - conv: {out: 1, kernel: 1}
    name: b1
  - conv: {out: 1, kernel: 3, padding: 1}
    name: b3
    from: input
  - conv: {out: 1, kernel: 5, padding: 2}
    name: b5
    from: input
  - concat:
    from: [b1, b3, b5]
`,
  transposed_k3_s2: `
  - conv_transpose: {out: 1, kernel: 3, stride: 2}
`,
  transposed_k4_s2_p1: `
  - conv_transpose: {out: 1, kernel: 4, stride: 2, padding: 1}
`,
  conv_k3s2_then_transposed_k3s2: `
  - conv: {out: 1, kernel: 3, stride: 2}
  - conv_transpose: {out: 1, kernel: 3, stride: 2}
`,
  upsample_nearest2_then_conv3p1: `
  - upsample: {scale: 2}
  - conv: {out: 1, kernel: 3, padding: 1}
`,
  upsample_linear2: `
  - upsample: {scale: 2, mode: linear}
`,
};

describe('receptive fields vs the PyTorch oracle (receptive_fields.json)', () => {
  describe('analytic fields of torchvision stages', () => {
    for (const m of oracle.models) {
      const c = STAGES[m.model];
      if (!c) continue;
      describe(m.model, () => {
        let a: Analysis;
        before(() => {
          a = analyse(readExample(c.file));
        });
        it('the stage mapping covers every stage of the oracle', () => {
          for (const stage of Object.keys(m.analytic)) assert.ok(c.stages[stage], `no mapping for ${stage}`);
        });
        for (const [stage, want] of Object.entries(m.analytic)) {
          const ref = c.stages[stage];
          if (!ref) continue;
          it(`${stage} (${ref}): r ${want.r[0]}, j ${want.j[0]}, start ${want.start[0]}`, () => {
            const rf = localSummary(layerFor(a, ref));
            assert.deepEqual(
              { size: rf.summary.size, jump: rf.summary.jump, start: rf.summary.start },
              { size: want.r, jump: want.j.map((j) => ({ num: j, den: 1 })), start: want.start },
            );
          });
        }
      });
    }
  });

  describe('synthetic 1-D stacks, every output position', () => {
    it('every synthetic case has a network here', () => {
      for (const s of oracle.synthetic) assert.ok(SYNTHETIC[s.id], `no network written for ${s.id} (${s.layers})`);
    });

    for (const s of oracle.synthetic) {
      const body = SYNTHETIC[s.id];
      if (!body) continue;
      it(`${s.id}: ${s.layers}`, () => {
        const text = `name: ${s.id}\ninput: [1, ${s.input_length}]\nlayers:\n${body}`;
        const a = analyse(text);
        assert.deepEqual(errors(a), [], describeFindings(errors(a)));
        const out = a.layers[a.layers.length - 1];
        assert.deepEqual(out.shape?.slice(1), [s.output_length], 'output length');
        const rf = localSummary(out);
        assert.equal(rf.axes.length, 1);
        const problems: string[] = [];
        for (const p of s.positions) {
          const seen = positionsAt(rf.axes[0], p.o).filter((x) => x >= 0 && x <= s.input_length - 1);
          const got =
            seen.length === 0
              ? { first: NaN, last: NaN, offsets: [] as number[] }
              : {
                  first: Math.min(...seen),
                  last: Math.max(...seen),
                  offsets: [...new Set(seen)].sort((x, y) => x - y).map((x) => x - Math.min(...seen)),
                };
          const want = { first: p.first, last: p.last, offsets: p.offsets };
          if (JSON.stringify(got) !== JSON.stringify(want)) {
            problems.push(`o=${p.o}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
          }
        }
        assert.deepEqual(problems, [], problems.join('\n'));
      });
    }
  });
});

