// The totals Ultralytics prints in its model summary (model.info()), computed the way it computes
// them, so that users see the figures they know next to ConvLens's own:
// - parameters: every parameter, BatchNorm's weight and bias included (not fused), and the DFL's
//   16 fixed weights; gradients: the same without the DFL's (it does not train);
// - GFLOPs: thop's operation count in eval mode on a stride-sized input (32×32 for P3–P5 models),
//   ×2, scaled by (image size / stride)². thop counts a Conv2d as MACs (no bias), a BatchNorm as 4
//   per element, nearest upsampling as 1 per output element (thop 0.1.1 / ultralytics-thop 2.0,
//   which produced the published YOLOv8 and YOLO11 figures; newer ultralytics-thop counts it 0),
//   the DFL's conv at inference, and nothing for activations, pooling, concatenation, additions
//   and the attention's matrix products (they are not modules).
import type { Analysis, LayerResult, NativeFigure } from '../../types';
import { DFL_PARAMETERS } from './modules';
import type { ModelConfig } from './config';
import type { BuiltModel } from './rows';

const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Operations thop counts for one engine layer. */
export function thopOps(layer: LayerResult): number {
  switch (layer.kind) {
    case 'conv':
    case 'depthwise':
    case 'linear':
      return layer.macs;
    case 'batchnorm':
      return 4 * numel(layer.inputShapes[0]);
    case 'upsample':
      return (layer.args as { mode?: string }).mode === 'nearest' ? numel(layer.shape ?? []) : 0;
    default:
      return 0;
  }
}

/** Python's f'{x:.1f}': correct rounding of the double, ties to even. */
export function pyFixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  const scaled = x * 10 ** digits;
  if (Math.abs(scaled - Math.trunc(scaled)) !== 0.5) return s;
  const down = Math.trunc(scaled);
  const even = down % 2 === 0 ? down : down + Math.sign(scaled);
  return (even / 10 ** digits).toFixed(digits);
}

const thousands = (n: number) => n.toLocaleString('en-US');

/** The detection levels' sizes (for the DFL's inference-time operations) and the model's stride. */
function detectLevels(built: BuiltModel): Array<number[]> {
  const last = built.outputs[built.outputs.length - 1];
  const row = built.rows[built.rows.length - 1];
  if (!Array.isArray(last) || row?.module !== 'Detect') return [];
  return last.map((v) => v.shape!.slice(1));
}

export function nativeFigures(built: BuiltModel, config: ModelConfig, imageSize: number, buildAt: (size: number) => BuiltModel): Analysis['native'] {
  if (built.withheld > 0) return undefined;
  const params = built.analysis.totals.params;
  const hasDfl = !config.v5 && detectLevels(built).length > 0;
  const figures: NativeFigure[] = [
    { label: 'parameters', value: params, text: thousands(params), note: 'every parameter, BatchNorm included (not fused)' },
    { label: 'gradients', value: params - (hasDfl ? DFL_PARAMETERS : 0), text: thousands(params - (hasDfl ? DFL_PARAMETERS : 0)), note: hasDfl ? "without the DFL's 16 fixed weights" : 'every parameter trains' },
  ];
  const levels = detectLevels(built);
  const stride = Math.max(32, ...levels.map(([h]) => Math.round(imageSize / h)));
  let small = buildAt(stride);
  let scale = (imageSize / stride) ** 2;
  if (small.withheld > 0) {
    // Ultralytics' fallback: profile at the image size itself.
    small = built;
    scale = 1;
  }
  let ops = small.analysis.layers.reduce((n, l) => n + thopOps(l), 0);
  // In eval mode the DFL's 1×1 conv runs on [16, 4, anchors]: 64 MACs per anchor.
  if (hasDfl) ops += 4 * DFL_PARAMETERS * detectLevels(small).reduce((n, s) => n + numel(s), 0);
  const gflops = (ops * 2 * scale) / 1e9;
  figures.push({ label: 'GFLOPs', value: gflops, text: pyFixed(gflops, 1), note: `at ${imageSize}×${imageSize}: thop's operations at ${stride}×${stride} ×2, scaled by (${imageSize}/${stride})²` });
  return { tool: 'Ultralytics', figures };
}
