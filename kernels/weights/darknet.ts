// Darknet `.weights`: a header (int32 major, minor, revision; then `seen`, a 64-bit count when
// major·10 + minor ≥ 2, else 32-bit), then float32 values section by section in cfg order
// (parser.c, load_weights_upto):
//   [convolutional]  biases[n]; with batch_normalize also scales[n], rolling_mean[n],
//                    rolling_variance[n]; then weights[n · c/groups · size · size]
//   [connected]      biases[out], weights[out · in] (stored [in, out] when major or minor > 1000),
//                    then with batch_normalize scales, rolling_mean, rolling_variance
//   [batchnorm]      scales, rolling_mean, rolling_variance (its biases start at 0)
// With batch_normalize darknet's biases are the normalisation's shift (β). ConvLens's darknet
// reader names a section's layers `<index>.conv`, `.fc`, `.bn`, which is how they are found here.
import type { Analysis, LayerResult } from '../../engine/types';
import type { Tensor } from '../tensor';
import type { WeightStore } from '../runtime/weights';
import { expectedTensors } from '../runtime/weights';

export class DarknetWeightsError extends Error {}

export interface DarknetWeights {
  store: WeightStore;
  header: { major: number; minor: number; revision: number; seen: number };
  /** Sections whose values were read. */
  sections: number;
}

export function readDarknetWeights(bytes: Uint8Array, analysis: Analysis): DarknetWeights {
  if (bytes.length < 16) throw new DarknetWeightsError(`a .weights file needs a 16- or 20-byte header; this one has ${bytes.length} bytes`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = v.getInt32(0, true);
  const minor = v.getInt32(4, true);
  const revision = v.getInt32(8, true);
  const wide = major * 10 + minor >= 2 && major < 1000 && minor < 1000;
  if (wide && bytes.length < 20) throw new DarknetWeightsError(`a version ${major}.${minor} .weights file needs a 20-byte header; this one has ${bytes.length} bytes`);
  const seen = wide ? v.getUint32(12, true) + v.getUint32(16, true) * 2 ** 32 : v.getUint32(12, true);
  const transpose = major > 1000 || minor > 1000;
  let at = wide ? 20 : 16;
  const header = { major, minor, revision, seen };
  if ((bytes.length - at) % 4 !== 0) throw new DarknetWeightsError(`after its ${at}-byte header the file holds ${bytes.length - at} bytes, not a whole number of float32 values`);

  const store: WeightStore = { layers: new Map() };
  const bySection = new Map<string, Map<string, LayerResult>>();
  for (const l of analysis.layers) {
    const dot = l.name.indexOf('.');
    if (dot < 0) continue;
    const section = l.name.slice(0, dot);
    if (!bySection.has(section)) bySection.set(section, new Map());
    bySection.get(section)!.set(l.name.slice(dot + 1), l);
  }
  const read = (n: number, what: string): Float32Array => {
    if (at + 4 * n > bytes.length) {
      throw new DarknetWeightsError(`the file ends inside ${what}: it needs ${n} more values, ${Math.max(0, (bytes.length - at) / 4)} are left (weights for an earlier part of the network only, such as a pretrained backbone, cannot run it)`);
    }
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = v.getFloat32(at + 4 * i, true);
    at += 4 * n;
    return out;
  };
  const put = (layer: LayerResult, param: string, data: Float32Array, shape: number[]): void => {
    if (!store.layers.has(layer.name)) store.layers.set(layer.name, new Map());
    store.layers.get(layer.name)!.set(param, { shape, data } as Tensor);
  };
  const shapes = (l: LayerResult) => expectedTensors(l, l.inputShapes[0] ?? []);
  const readNorm = (bn: LayerResult, bias: Float32Array | null): void => {
    const C = bn.inputShapes[0][0];
    const section = bn.name;
    put(bn, 'bias', bias ?? new Float32Array(C), [C]);
    put(bn, 'weight', read(C, `${section}'s scales`), [C]);
    put(bn, 'running_mean', read(C, `${section}'s rolling mean`), [C]);
    put(bn, 'running_var', read(C, `${section}'s rolling variance`), [C]);
  };

  let sections = 0;
  for (const [, parts] of bySection) {
    const conv = parts.get('conv');
    const fc = parts.get('fc');
    const bn = parts.get('bn');
    if (conv) {
      const w = shapes(conv).weight;
      const n = w[0];
      const biases = read(n, `${conv.name}'s biases`);
      if (bn) readNorm(bn, biases);
      else put(conv, 'bias', biases, [n]);
      put(conv, 'weight', read(w.reduce((p, k) => p * k, 1), `${conv.name}'s weights`), w);
    } else if (fc) {
      const [out, inF] = shapes(fc).weight;
      const biases = read(out, `${fc.name}'s biases`);
      let w = read(out * inF, `${fc.name}'s weights`);
      if (transpose) w = transposed(w, inF, out);
      put(fc, 'weight', w, [out, inF]);
      if (bn) readNorm(bn, biases);
      else put(fc, 'bias', biases, [out]);
    } else if (bn) readNorm(bn, null);
    else continue;
    sections++;
  }
  if (at !== bytes.length) {
    throw new DarknetWeightsError(`the file holds ${(bytes.length - at) / 4} values more than the network's ${sections} weighted sections take: it was written for a different cfg`);
  }
  return { store, header, sections };
}

/** [rows, cols] → [cols, rows]. */
function transposed(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}
