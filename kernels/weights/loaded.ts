// What loadWeights (index.ts) returns: the store and what was read into it.
import type { WeightFit, WeightStore } from '../runtime/weights';

export interface LoadedWeights {
  store: WeightStore;
  format: 'pytorch' | 'darknet';
  /** Where the tensors were found: "state_dict", "checkpoint['ema'] (…DetectionModel)", "darknet 0.2.0". */
  source: string;
  /** Tensors loaded into the store. */
  tensors: number;
  /** Loaded tensors by the dtype the file stored them in (float16 and bfloat16 are upcast to float32). */
  dtypes: Record<string, number>;
  /** Entries that carry no trainable value and load nothing (num_batches_tracked, the DFL's fixed ramp, anchors). */
  skipped: string[];
  /** File keys that match no layer (also listed in fit.unexpected). */
  unexpected: string[];
  /** The prefix dropped from every key (`module.`), '' for none. */
  prefix: string;
  /** Whether the store fits the network (fit.problem is null): run only then. */
  fit: WeightFit;
}
