// Trained weights from a file's bytes, by layer name: PyTorch (torch.save: state_dicts,
// checkpoints, pickled Ultralytics / YOLOv5 models) and Darknet `.weights`. Pure: takes a
// Uint8Array, never a path, and never executes anything from the file (pickle.ts).
import type { Analysis } from '../../engine/types';
import type { Tensor } from '../tensor';
import { WeightStore, weightFit } from '../runtime/weights';
import type { LoadedWeights } from './loaded';
import { readTorchFile, TorchFileError } from './torchFile';
import { namedTensors, StateDictError } from './stateDict';
import { mapKeys, KeyMappingError } from './mapKeys';
import { tensorToFloat32, TensorDataError } from './tensorData';
import { readDarknetWeights, DarknetWeightsError } from './darknet';
import { PickleError } from './pickle';

export type { LoadedWeights } from './loaded';
export { sanitize } from './mapKeys';
export { describeWeights, convertedText } from './describe';
export { weightsFilesFor } from './pairing';

/** A weights file that cannot be read (damaged, foreign, or asking to run code). */
export class WeightsFileError extends Error {}


/** Keys that hold no trainable value when no layer takes them. */
const FIXED = [/(^|\.)num_batches_tracked$/, /(^|\.)dfl\.conv\.weight$/, /(^|\.)(anchors|anchor_grid|stride|strides)$/];

/** Whether the bytes look like a torch.save file (zip archive or legacy pickle stream). */
export function looksPyTorch(bytes: Uint8Array): boolean {
  return (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) || bytes[0] === 0x80;
}

/**
 * Reads a weights file for the analysed network. `fileName` picks the format with the bytes
 * (`.weights` is Darknet; a zip or pickle is PyTorch). Throws WeightsFileError when the file
 * cannot be read; a readable file that does not fit is returned with `fit.problem` set.
 */
export function loadWeights(bytes: Uint8Array, fileName: string, analysis: Analysis): LoadedWeights {
  try {
    if (looksPyTorch(bytes)) return loadPyTorch(bytes, analysis);
    if (/\.weights$/i.test(fileName) || analysis.format === 'darknet') return loadDarknet(bytes, analysis);
  } catch (err) {
    if (err instanceof TorchFileError || err instanceof PickleError || err instanceof StateDictError || err instanceof KeyMappingError || err instanceof TensorDataError || err instanceof DarknetWeightsError) {
      throw new WeightsFileError(`${fileName}: ${err.message}`);
    }
    throw err;
  }
  throw new WeightsFileError(`${fileName}: not a weights file ConvLens reads (a torch.save file: .pt / .pth, or a Darknet .weights)`);
}

function loadPyTorch(bytes: Uint8Array, analysis: Analysis): LoadedWeights {
  const file = readTorchFile(bytes);
  const found = namedTensors(file.root);
  const mapping = mapKeys(analysis, [...found.tensors.keys()]);
  const store: WeightStore = { layers: new Map(), eps: new Map() };
  const dtypes: Record<string, number> = {};
  for (const [key, target] of mapping.matched) {
    const t = found.tensors.get(key)!;
    const values: Tensor = tensorToFloat32(t, key);
    if (!store.layers.has(target.layer)) store.layers.set(target.layer, new Map());
    store.layers.get(target.layer)!.set(target.param, values);
    dtypes[t.storage.dtype] = (dtypes[t.storage.dtype] ?? 0) + 1;
  }
  // A pickled BatchNorm's own epsilon, on the layer its running_mean went to.
  for (const [module, eps] of found.eps) {
    const t = mapping.matched.get(`${module}.running_mean`);
    if (t) store.eps!.set(t.layer, eps);
  }
  const skipped = mapping.unmatched.filter((k) => FIXED.some((re) => re.test(k)));
  const unexpected = mapping.unmatched.filter((k) => !skipped.includes(k));
  return {
    store, format: 'pytorch', source: found.source, tensors: mapping.matched.size, dtypes, skipped, unexpected, prefix: mapping.prefix,
    fit: weightFit(analysis, store, unexpected),
  };
}

function loadDarknet(bytes: Uint8Array, analysis: Analysis): LoadedWeights {
  const d = readDarknetWeights(bytes, analysis);
  let tensors = 0;
  for (const params of d.store.layers.values()) tensors += params.size;
  const { major, minor, revision, seen } = d.header;
  return {
    store: d.store, format: 'darknet', source: `darknet ${major}.${minor}.${revision}, ${seen} images seen`, tensors, dtypes: { float32: tensors },
    skipped: [], unexpected: [], prefix: '', fit: weightFit(analysis, d.store),
  };
}
