// The worker's float32 weights that lie unaligned in the model file. A Float32Array cannot view
// them, so the reader copies each once and keeps the copy (resnet50.onnx: 68 of its 98 MB, held
// for the life of the view). Here they are copied when a layer reads them into one scratch buffer
// that is reused for the next layer's: the run holds about the largest layer's weights instead.
// The views are valid until the next reset (before each layer and each statistics request):
// nothing in a run keeps a weight across layers (the kernels copy them into their own memory).
import type { OnnxReadResult } from '../../engine';
import type { WeightRef } from '../../engine/readers/onnx/ops';
import type { WeightStore } from '../../kernels/runtime/weights';
import type { Tensor } from '../../kernels';

const FLOAT = 1; // ONNX TensorProto.FLOAT
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let scratch = new ArrayBuffer(0);
let used = 0;
/** What the scratch buffer is made to hold when first used: the largest layer's weights, and a margin (a layer may read another's, fused). */
let wanted = 0;
/** Views handed out since the last reset, by the file's bytes they copy (a layer may read its weight twice). */
let handed = new Map<Uint8Array, Float32Array>();

/** Frees the scratch buffer for the next layer's weights. */
export function resetWeightScratch(): void {
  used = 0;
  handed = new Map();
}

/** A float32 copy of raw little-endian bytes in the scratch buffer. */
function scratchCopy(raw: Uint8Array): Float32Array {
  const known = handed.get(raw);
  if (known) return known;
  const bytes = (raw.byteLength + 15) & ~15;
  if (used + bytes > scratch.byteLength) {
    // Views handed out before stay valid in the old buffer (it goes when they do).
    scratch = new ArrayBuffer(Math.max(scratch.byteLength ? 2 * scratch.byteLength : wanted, bytes));
    used = 0;
  }
  new Uint8Array(scratch, used, raw.byteLength).set(raw);
  const view = new Float32Array(scratch, used, raw.byteLength >> 2);
  used += bytes;
  handed.set(raw, view);
  return view;
}

/** The file's bytes of a weight the reader would copy as they are (float32, in the file, not 4-byte aligned, not transposed); else null. */
function unalignedRaw(ref: WeightRef): Uint8Array | null {
  const k = ref.value;
  const t = k.tensor;
  if (!LITTLE_ENDIAN || !t || t.dataType !== FLOAT || k.lazy || k.numbers || t.external || ref.transpose || !t.raw) return null;
  const n = ref.shape.reduce((a, b) => a * b, 1);
  return (t.raw.byteOffset & 3) !== 0 && t.raw.byteLength === 4 * n ? t.raw : null;
}

/** The store with its unaligned float32 weights read through the scratch buffer (the others as the reader gives them). */
export function scratchWeights(read: Pick<OnnxReadResult, 'layerWeights'>, store: WeightStore): WeightStore {
  const layers = new Map<string, Map<string, Tensor>>();
  let largest = 0;
  for (const [layer, tensors] of store.layers) {
    const refs = read.layerWeights.get(layer);
    const out = new Map<string, Tensor>();
    let bytes = 0;
    for (const [param, t] of tensors) {
      const raw = refs?.[param] ? unalignedRaw(refs[param]) : null;
      out.set(param, raw ? { shape: t.shape, get data() { return scratchCopy(raw); } } : t);
      if (raw) bytes += (raw.byteLength + 15) & ~15;
    }
    largest = Math.max(largest, bytes);
    layers.set(layer, out);
  }
  // Made once to size (growing by doubling left the smaller buffers to the garbage collector).
  wanted = Math.max(wanted, largest + (1 << 20));
  return { ...store, layers };
}
