// A convolution's bias and stages in the wasm memory: the C struct Epilogue (c/epilogue.h) and
// the buffers it points at, laid out in one region of a kernel call's reservation.

import { Tensor } from '../tensor';
import { batchNormAffine } from '../norm';
import { ConvStages, StagedOutputs, stageList } from '../convStages';
import { WasmKernels, align4, heap, takeOutput } from './backend';

/** Words of the Epilogue struct, in its field order. */
const FIELDS = ['bias', 'scale', 'shift', 'bnOut', 'residual', 'sumOut', 'reluOut'] as const;
type Field = (typeof FIELDS)[number];
const STRUCT_FLOATS = 8;

/** The bias and stages of one conv call with `C` output channels and `n` output values. */
export class WasmStages {
  /** Floats the region needs (reserve them with the call's other operands). */
  readonly floats: number;
  private readonly offsets = new Map<Field | 'struct', number>();
  private readonly affine: { scale: Float64Array; shift: Float64Array } | null;

  constructor(
    private readonly C: number,
    private readonly n: number,
    private readonly bias: Float32Array | null,
    private readonly stages: ConvStages,
    private readonly keepAll: boolean,
  ) {
    this.affine = stages.batchNorm ? batchNormAffine(C, stages.batchNorm) : null;
    let at = 0;
    const put = (f: Field | 'struct', floats: number): void => {
      this.offsets.set(f, at);
      at += align4(floats);
    };
    put('struct', STRUCT_FLOATS);
    if (bias) put('bias', C);
    if (this.affine) {
      put('scale', 2 * C); // float64
      put('shift', 2 * C);
    }
    if (stages.residual) put('residual', n);
    // With keepAll each stage has its own output; otherwise they all write over C in place.
    if (keepAll && stages.batchNorm) put('bnOut', n);
    if (keepAll && stages.residual) put('sumOut', n);
    if (keepAll && stages.relu) put('reluOut', n);
    this.floats = at;
  }

  /** Whether the struct has anything to do (else pass 0 and skip the epilogue). */
  get active(): boolean {
    return !!(this.bias || stageList(this.stages).length);
  }

  /**
   * Writes the struct and its inputs into the region at float index `at`, the outputs pointing
   * at C (float index pOut) when not kept apart; returns the struct's byte address (0: none).
   */
  place(k: WasmKernels, at: number, pOut: number): number {
    if (!this.active) return 0;
    const h = heap(k);
    const addr = (f: Field): number => {
      const o = this.offsets.get(f);
      if (o !== undefined) return (at + o) * 4;
      const writesOverC = (f === 'bnOut' && this.stages.batchNorm) || (f === 'sumOut' && this.stages.residual) || (f === 'reluOut' && this.stages.relu);
      return writesOverC ? pOut * 4 : 0;
    };
    if (this.bias) h.set(this.bias, at + this.offsets.get('bias')!);
    if (this.affine) {
      new Float64Array(k.memory.buffer, addr('scale'), this.C).set(this.affine.scale);
      new Float64Array(k.memory.buffer, addr('shift'), this.C).set(this.affine.shift);
    }
    if (this.stages.residual) h.set(this.stages.residual.data.subarray(0, this.n), at + this.offsets.get('residual')!);
    const words = new Int32Array(k.memory.buffer, (at + this.offsets.get('struct')!) * 4, FIELDS.length);
    FIELDS.forEach((f, i) => (words[i] = addr(f)));
    return (at + this.offsets.get('struct')!) * 4;
  }

  /** Copies the outputs out of the wasm memory (C at float index pOut), each with its statistics. */
  take(k: WasmKernels, at: number, pOut: number, shape: number[]): StagedOutputs {
    const t = (p: number): Tensor => ({ shape: shape.slice(), data: takeOutput(k, p, this.n) });
    if (!this.keepAll) return { [stageList(this.stages).pop() ?? 'conv']: t(pOut) };
    const out: StagedOutputs = { conv: t(pOut) };
    if (this.stages.batchNorm) out.batchNorm = t(at + this.offsets.get('bnOut')!);
    if (this.stages.residual) out.sum = t(at + this.offsets.get('sumOut')!);
    if (this.stages.relu) out.relu = t(at + this.offsets.get('reluOut')!);
    return out;
  }
}
