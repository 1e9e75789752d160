// How each weight is stored in the file, for the header of a run with the file's own weights:
// its element type, whether a DequantizeLinear scales it (int8/uint8), and in which external
// data file it lies. A weight may reach a layer through nodes evaluated while reading (a Cast of
// a float16 initializer, a DequantizeLinear, an Identity): they are followed back to the tensor.
import type { Known } from './folding';
import type { WeightRef } from './ops';
import { DATA_TYPE_NAMES } from './tensorData';

/** The node that computed a known value while reading, and its inputs. */
export interface Producer {
  op: string;
  inputs: Array<Known | undefined>;
}

/** What was converted to run the layers with the file's weights (each layer's tensor counted once per layer that reads it). */
export interface WeightConversions {
  /** Tensors by the element type the file stores them in (float16 and bfloat16 are converted to float32), DequantizeLinear's inputs excepted. */
  dtypes: Record<string, number>;
  /** Tensors a DequantizeLinear turns from integers (int8, uint8) into float32, by stored type. */
  dequantized: Record<string, number>;
  /** External data files the weights are read from (`model.onnx.data`). */
  external: string[];
}

/** Ops that hand a weight on with its stored values (only its layout may change). */
const PASSING = new Set(['Identity', 'Cast', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Flatten']);
const MAX_DEPTH = 32;

interface Stored {
  dtype: string;
  dequantized: boolean;
  location?: string;
}

function storedAs(k: Known, producers: Map<Known, Producer>, depth = 0): Stored {
  const own = (): Stored => ({ dtype: DATA_TYPE_NAMES[k.dataType] ?? `type ${k.dataType}`, dequantized: false });
  if (k.tensor) return { ...own(), dtype: DATA_TYPE_NAMES[k.tensor.dataType] ?? own().dtype, ...(k.tensor.external?.location ? { location: k.tensor.external.location } : {}) };
  const p = producers.get(k);
  const from = p?.inputs[0];
  if (!p || !from || depth >= MAX_DEPTH) return own();
  if (p.op === 'DequantizeLinear') return { ...storedAs(from, producers, depth + 1), dequantized: true };
  return PASSING.has(p.op) ? storedAs(from, producers, depth + 1) : own();
}

export function weightConversions(layerWeights: Map<string, Record<string, WeightRef>>, producers: Map<Known, Producer>): WeightConversions {
  const out: WeightConversions = { dtypes: {}, dequantized: {}, external: [] };
  const external = new Set<string>();
  for (const refs of layerWeights.values()) {
    for (const ref of Object.values(refs)) {
      const s = storedAs(ref.value, producers);
      const counts = s.dequantized ? out.dequantized : out.dtypes;
      counts[s.dtype] = (counts[s.dtype] ?? 0) + 1;
      if (s.location) external.add(s.location);
    }
  }
  out.external = [...external];
  return out;
}
