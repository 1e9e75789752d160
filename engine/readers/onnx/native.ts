// What the file itself says, next to ConvLens's figures: how many numbers its initializers hold
// (the parameters and buffers an ONNX tool counts), and who wrote it.
import type { NativeFigure } from '../../types';
import type { OnnxGraph, OnnxModel } from './proto';
import type { WeightRef } from './ops';
import { elementCount, isNumericType } from './tensorData';

export function onnxDescription(m: OnnxModel): string {
  const producer = [m.producerName, m.producerVersion].filter(Boolean).join(' ');
  return `${producer || 'unknown producer'}, IR ${m.irVersion}, opset ${m.opsets.get('') ?? '?'}`;
}

/** The file's stored numbers: every numeric initializer, and those the layers read as weights. */
export function onnxNative(graph: OnnxGraph, layerWeights: Map<string, Record<string, WeightRef>>): { tool: string; figures: NativeFigure[] } | undefined {
  let stored = 0;
  for (const t of graph.initializers) if (isNumericType(t.dataType)) stored += elementCount(t.dims);
  const read = new Set<string>();
  let weights = 0;
  for (const refs of layerWeights.values()) {
    for (const r of Object.values(refs)) {
      const key = r.value.tensor?.name;
      if (key !== undefined && read.has(key)) continue;
      if (key !== undefined) read.add(key);
      weights += elementCount(r.value.dims);
    }
  }
  const text = (n: number) => n.toLocaleString('en-US');
  return {
    tool: 'ONNX file',
    figures: [
      { label: 'initializer values', value: stored, text: text(stored), note: 'every number the file stores, shape constants included' },
      { label: 'weights read by layers', value: weights, text: text(weights), note: 'parameters and buffers of the analysed layers, each tensor once' },
    ],
  };
}
