// Convolution in WebAssembly (../conv.ts decides when): im2col + the packed GEMM, or Winograd
// F(2×2, 3×3) for 3×3 stride-1 layers, with the bias and the following stages applied as the
// output is written (stages.ts). Operands are copied into the wasm memory once; seeded weights
// are drawn there directly (DrawnTensor).

import { numel } from '../tensor';
import { DrawnTensor } from '../init';
import { ConvStages, StagedOutputs } from '../convStages';
import { WasmKernels, heap, regions } from './backend';
import { WasmStages } from './stages';

type V3 = [number, number, number];

/** A conv weight for the wasm kernels: values, or draws to be made in place. */
export type WeightSource = Float32Array | DrawnTensor;

function putWeight(k: WasmKernels, w: WeightSource, at: number): void {
  if (w instanceof DrawnTensor) w.drawInto(k, at);
  else heap(k).set(w, at);
}

const weightLength = (w: WeightSource): number => (w instanceof DrawnTensor ? numel(w.shape) : w.length);

/** Rows of the GEMM's packed strips (MR in c/kernels.h): fewer output channels use plain gemm. */
const MR = 4;

/**
 * Output positions per GEMM call (= NC, the column block of c/gemm.c): WebAssembly has no
 * on-stack replacement, and a first layer computed in a single call would run entirely in V8's
 * baseline code even after the optimised code is ready.
 */
const GEMM_COLUMNS = 2048;

/** The direct convolution's geometry (3-D; lower ranks have leading 1s). */
export interface DirectGeometry {
  groups: number;
  CinG: number;
  CoutG: number;
  /** Depth of the product: CinG · ∏kernel. */
  Kg: number;
  inP: number;
  outP: number;
  /** 1×1 kernel, stride 1, no padding: the input is already the GEMM's right operand. */
  pointwise: boolean;
  i3: V3;
  k3: V3;
  s3: V3;
  d3: V3;
  p3: V3;
  o3: V3;
}

/** im2col + packed GEMM in wasm; null when the wasm memory cannot hold the operands. */
export function convDirectWasm(
  k: WasmKernels, x: Float32Array, w: WeightSource, bias: Float32Array | null, g: DirectGeometry,
  stages: ConvStages, keepAll: boolean, shape: number[],
): StagedOutputs | null {
  const { groups, CinG, CoutG, Kg, inP, outP, pointwise, i3, k3, s3, d3, p3, o3 } = g;
  const Cout = CoutG * groups;
  const packed = CoutG >= MR;
  const st = new WasmStages(Cout, Cout * outP, bias, stages, keepAll);
  const rowsP = Math.ceil(CoutG / MR) * MR;
  // Packed weights are drawn in packed form (no row-by-row copy), or packed from their values.
  const drawnPacked = packed && w instanceof DrawnTensor;
  const r = regions(k, x.length, drawnPacked ? 0 : weightLength(w), packed ? rowsP * Kg : 0, pointwise ? 0 : Kg * outP, Cout * outP, st.floats);
  if (!r) return null;
  const [pX, pW, pPA, pCol, pOut, pStages] = r;
  heap(k).set(x, pX);
  if (!drawnPacked) putWeight(k, w, pW);
  const epi = st.place(k, pStages, pOut);
  // With one group the epilogue runs on each finished tile. The struct's rows are the whole
  // output's channels, so with several groups it runs once over the output at the end.
  const fusedEpi = groups === 1 ? epi : 0;
  for (let gi = 0; gi < groups; gi++) {
    if (!pointwise) {
      k.im2col3d(pX * 4, gi * CinG, CinG, i3[0], i3[1], i3[2], k3[0], k3[1], k3[2], s3[0], s3[1], s3[2], d3[0], d3[1], d3[2], p3[0], p3[1], p3[2], o3[0], o3[1], o3[2], pCol * 4);
    }
    const pB = pointwise ? pX + gi * CinG * inP : pCol;
    const pA = pW + gi * CoutG * Kg;
    const pC = pOut + gi * CoutG * outP;
    if (packed) {
      if (w instanceof DrawnTensor) w.drawPackedInto(k, pPA, gi * CoutG, CoutG, Kg);
      else k.pack_a_full(pA * 4, Kg, CoutG, Kg, pPA * 4);
      for (let j0 = 0; j0 < outP; j0 += GEMM_COLUMNS) {
        k.conv_gemm(CoutG, outP, Kg, pPA * 4, pB * 4, outP, pC * 4, outP, j0, j0 + GEMM_COLUMNS, fusedEpi);
      }
    } else {
      for (let j0 = 0; j0 < outP; j0 += GEMM_COLUMNS) {
        const n = Math.min(GEMM_COLUMNS, outP - j0);
        k.gemm(CoutG, n, Kg, pA * 4, Kg, 0, (pB + j0) * 4, outP, 0, (pC + j0) * 4, outP, 0);
      }
    }
  }
  if (epi && (!packed || groups > 1)) k.epilogue_rows(epi, Cout, outP, pOut * 4, outP);
  return st.take(k, pStages, pOut, shape);
}

/**
 * Winograd F(2×2, 3×3) in wasm (c/winograd.c): the transforms, 16 packed GEMMs, the inverse
 * transform with the epilogue; null when the wasm memory cannot hold the operands.
 */
export function convWinogradWasm(
  k: WasmKernels, x: Float32Array, w: WeightSource, bias: Float32Array | null,
  Cin: number, Cout: number, H: number, W: number, pT: number, pL: number, oH: number, oW: number,
  stages: ConvStages, keepAll: boolean, shape: number[],
): StagedOutputs | null {
  const tH = Math.ceil(oH / 2);
  const tW = Math.ceil(oW / 2);
  const T = tH * tW;
  const Mp = Math.ceil(Cout / MR) * MR;
  const nXp = Cin * (2 * tH + 2) * (2 * tW + 2) + 16;
  const st = new WasmStages(Cout, Cout * oH * oW, bias, stages, keepAll);
  // Seeded weights are drawn as they are transformed, never stored as they are.
  const drawn = w instanceof DrawnTensor;
  const r = regions(k, x.length, drawn ? 0 : w.length, nXp, 16 * Mp * Cin, 16 * Cin * T, 16 * Cout * T, Cout * oH * oW, st.floats);
  if (!r) return null;
  const [pX, pW, pXp, pU, pV, pM, pOut, pStages] = r;
  heap(k).set(x, pX);
  if (w instanceof DrawnTensor) k.winograd_weights(0, pU * 4, Cout, Cin, w.state, w.bound);
  else {
    heap(k).set(w, pW);
    k.winograd_weights(pW * 4, pU * 4, Cout, Cin, 0, 0);
  }
  const epi = st.place(k, pStages, pOut);
  k.winograd_input(pX * 4, pXp * 4, pV * 4, Cin, H, W, pT, pL, tH, tW);
  for (let e = 0; e < 16; e++) {
    for (let j0 = 0; j0 < T; j0 += GEMM_COLUMNS) {
      k.conv_gemm(Cout, T, Cin, (pU + e * Mp * Cin) * 4, (pV + e * Cin * T) * 4, T, (pM + e * Cout * T) * 4, T, j0, j0 + GEMM_COLUMNS, 0);
    }
  }
  k.winograd_output(pM * 4, pOut * 4, Cout, tH, tW, oH, oW, epi);
  return st.take(k, pStages, pOut, shape);
}
