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
    case 'conv_transpose':
      // thop's count_convNd, as for a conv: output elements · (cin/g) · k² (not the transposed conv's MACs).
      return numel(layer.shape ?? []) * Math.floor(layer.inputShapes[0][0] / ((layer.args as { groups?: number }).groups ?? 1)) * numel(kernelOf(layer));
    case 'adaptive_avgpool': {
      // count_adap_avgpool: (window elements + 1 division) per output element.
      const [inS, outS] = [layer.inputShapes[0].slice(1), (layer.shape ?? []).slice(1)];
      return (numel(inS.map((n, i) => Math.floor(n / outS[i]))) + 1) * numel(layer.shape ?? []);
    }
    case 'upsample':
      // nn.Upsample is a module; CBFuse's F.interpolate (named interpolate.i) is a function thop does not see.
      if (/\.interpolate\.\d+$/.test(layer.name)) return 0;
      return (layer.args as { mode?: string }).mode === 'nearest' ? numel(layer.shape ?? []) : 0;
    default:
      return 0;
  }
}

/** A conv's kernel as resolved by the engine (one size per spatial axis). */
function kernelOf(layer: LayerResult): number[] {
  const k = (layer.args as { kernel?: number | number[] }).kernel ?? 1;
  return Array.isArray(k) ? k : [k, k];
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
  if (!Array.isArray(last) || !row?.spec.head) return [];
  // A head's first outputs are its levels, one per input; the DFL decodes one set of them.
  return last.slice(0, row.from.length).map((v) => v.shape!.slice(1));
}

export function nativeFigures(built: BuiltModel, config: ModelConfig, imageSize: number, buildAt: (size: number) => BuiltModel): Analysis['native'] {
  if (built.withheld > 0) return undefined;
  const params = built.analysis.totals.params;
  const hasDfl = !config.v5 && detectLevels(built).length > 0;
  // len(model.modules()): the modules of the rows, plus the model itself (its `model` Sequential is a row prefix).
  const layers = built.modules.size + 1;
  const details: NativeFigure[] = [{ label: 'layers', value: layers, text: String(layers), note: 'PyTorch modules, containers included, each shared module once (len(model.modules()))' }];
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
  details.push(...fusedFigures(built, small, layers, hasDfl, (2 * scale) / 1e9));
  return { tool: 'Ultralytics', figures, details };
}

/** A Conv's BatchNorm: the `bn` layer right after its module's `conv` layer. */
const isConvBn = (layers: LayerResult[], l: LayerResult) => l.kind === 'batchnorm' && l.name.endsWith('.bn') && layers[l.index - 1]?.name === `${l.name.slice(0, -3)}.conv`;

/**
 * What model.info() prints after model.fuse() (validation and inference print these): every
 * Conv's BatchNorm folded into its conv (c2 bias values instead of 2·c2 BatchNorm parameters,
 * no BatchNorm operations, one module fewer), gradients only for what was not fused (the heads'
 * plain nn.Conv2d, Linear…). RepConv, RepVGGDW and v10Detect fuse into other shapes: none then.
 */
function fusedFigures(built: BuiltModel, small: BuiltModel, layers: number, hasDfl: boolean, perOp: number): NativeFigure[] {
  const all = built.analysis.layers;
  if (all.some((l) => /\.conv1\.conv$/.test(l.name)) || built.rows.some((r) => r?.module === 'v10Detect')) return [];
  const bns = all.filter((l) => isConvBn(all, l));
  if (!bns.length) return [];
  const params = built.analysis.totals.params - bns.reduce((n, l) => n + l.shape![0], 0);
  const fusedConvs = new Set(bns.flatMap((l) => [l.index, l.index - 1]));
  const gradients = all.reduce((n, l) => n + (fusedConvs.has(l.index) ? 0 : l.params), 0);
  const smallLayers = small.analysis.layers;
  const ops = smallLayers.reduce((n, l) => n + (isConvBn(smallLayers, l) ? 0 : thopOps(l)), 0) + (hasDfl ? 4 * DFL_PARAMETERS * detectLevels(small).reduce((n, s) => n + numel(s), 0) : 0);
  const gflops = ops * perOp;
  const note = 'after model.fuse(): each BatchNorm folded into its conv';
  return [
    { label: 'layers (fused)', value: layers - bns.length, text: String(layers - bns.length), note },
    { label: 'parameters (fused)', value: params, text: thousands(params), note },
    { label: 'gradients (fused)', value: gradients, text: thousands(gradients), note: `${note}; only the layers not fused train` },
    { label: 'GFLOPs (fused)', value: gflops, text: pyFixed(gflops, 1), note },
  ];
}
