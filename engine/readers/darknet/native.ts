// Darknet's own operation counts, shown next to ConvLens's. Two darknets print two figures:
// - pjreddie/darknet prints, per [convolutional] layer, 2·size²·(c/groups)·filters·out_h·out_w
//   / 10⁹ "BFLOPs" (convolutional_layer.c); the sum over the convolutions is the figure on
//   pjreddie's YOLO page (5.56 for yolov3-tiny at 416). It is 2 × ConvLens's convolution MACs.
// - AlexeyAB/darknet prints "Total BFLOPS", the sum of every layer's l.bflops in a float: the
//   convolutions as above, [maxpool] size²·c·out_h·out_w (maxpool_layer.c) and [shortcut]
//   c·h·w per input it adds (shortcut_layer.c), [local_avgpool] as [maxpool] (the same
//   make_maxpool_layer); layers that set no l.bflops add nothing ([avgpool], [dropout],
//   [scale_channels], [sam], [reorg3d], [route], [upsample], …).
import type { Analysis, LayerResult } from '../../types';

/** One section's share of each total, in billions; `alexeyab` is undefined where ConvLens does not know what AlexeyAB counts. */
export interface SectionFlops {
  pjreddie: number;
  alexeyab: number | undefined;
}

/** Kinds whose make_*_layer sets no l.bflops in AlexeyAB's darknet (checked against its published totals). */
export const UNCOUNTED = new Set(['route', 'upsample', 'yolo', 'region', 'reorg', 'cost', 'avgpool', 'dropout', 'scale_channels', 'sam', 'reorg3d', 'implicit']);

/** A section's BFLOPs from the engine layers it produced; `adds` is the number of tensors a [shortcut] adds to its input. */
export function sectionFlops(kind: string, layers: LayerResult[], adds: number): SectionFlops {
  const first = layers[0];
  const spatial = (l: LayerResult) => l.shape!.slice(1).reduce((a, b) => a * b, 1);
  switch (kind) {
    case 'convolutional': {
      const flops = (2 * first.macs) / 1e9;
      return { pjreddie: flops, alexeyab: flops };
    }
    case 'maxpool':
    case 'local_avgpool': {
      const [kh, kw] = (first.args as { kernel: number[] }).kernel;
      return { pjreddie: 0, alexeyab: (kh * kw * first.shape![0] * spatial(first)) / 1e9 };
    }
    case 'shortcut': {
      // l.out_c·out_h·out_w per added layer: the section's output, the previous layer's shape.
      const last = layers[layers.length - 1];
      return { pjreddie: 0, alexeyab: (last.shape![0] * spatial(last) * adds) / 1e9 };
    }
  }
  return { pjreddie: 0, alexeyab: UNCOUNTED.has(kind) ? 0 : undefined };
}

/** Darknet's totals for a network whose every section was analysed. */
export function darknetNative(sections: SectionFlops[]): NonNullable<Analysis['native']> {
  const pjreddie = sections.reduce((sum, s) => sum + s.pjreddie, 0);
  const figures = [{
    label: 'BFLOPs',
    value: pjreddie,
    // Two decimals, as pjreddie's YOLO page gives it (three below 1, as darknet prints each layer).
    text: pjreddie.toFixed(pjreddie >= 1 ? 2 : 3),
    note: "pjreddie's darknet: 2·size²·(c/groups)·filters·out_h·out_w per [convolutional] layer, summed (other layers count nothing); 2 × ConvLens's convolution MACs.",
  }];
  if (sections.every((s) => s.alexeyab !== undefined)) {
    // parse_network_cfg sums the per-layer floats into a float.
    const total = sections.reduce((sum, s) => Math.fround(sum + Math.fround(s.alexeyab!)), 0);
    figures.push({
      label: 'Total BFLOPS',
      value: total,
      text: total.toFixed(3),
      note: "AlexeyAB's darknet: the convolutions as above plus [maxpool] size²·c·out_h·out_w and [shortcut] c·h·w per added input, summed in float32.",
    });
  }
  return { tool: 'darknet', figures };
}
