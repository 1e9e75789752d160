// N-d convolution (spatial rank 1, 2 or 3), PyTorch semantics: cross-correlation (no kernel
// flip), weight layout [C_out, C_in/groups, k...], optional bias [C_out].
//
// Method: im2col + GEMM. For each group, every receptive-field patch of the input is copied into
// one column of a matrix `col` [C_in/g · ∏k, ∏out]; the convolution is then the single matrix
// product  out_g [C_out/g, ∏out] = W_g [C_out/g, C_in/g · ∏k] · col.  The product runs in the
// cache-blocked gemm, which is far faster than a 6-deep loop per output pixel.
// 1-D and 2-D are handled as 3-D with leading size-1 axes, so there is one code path.

import { Tensor, PaddingSpec, perAxis, paddingPairs, spatialRank, to3 } from './tensor';
import { gemm } from './gemm';
import { wasmKernels } from './wasm/backend';
import { convDirectWasm, convWinogradWasm, DirectGeometry, WeightSource } from './wasm/conv';
import { pad, PadMode } from './pad';
import { DrawnTensor } from './init';
import { ConvStages, StagedOutputs, applyStages, checkResidual } from './convStages';

export type ConvPadding = PaddingSpec | 'same' | 'valid' | 'causal';

export interface ConvOptions {
  stride?: number | number[];
  /** int, per-axis list, per-axis [before, after] pairs, 'valid', 'same' (TF rule) or 'causal' (1-D). */
  padding?: ConvPadding;
  dilation?: number | number[];
  groups?: number;
  /** How padded positions are filled (torch.nn.ConvNd's padding_mode). Default 'zeros'. */
  paddingMode?: PadMode;
  /**
   * 'auto' (default): Winograd F(2×2, 3×3) for the 3×3 stride-1 convolutions where it saves
   * work, im2col + GEMM otherwise; 'direct': always im2col + GEMM (every output a plain sum of
   * products, as the receptive-field measurement needs).
   */
  algorithm?: 'auto' | 'direct';
}

/** Bias: a [C_out] tensor, a plain array, or null/undefined for no bias. */
export type Bias = Tensor | Float32Array | readonly number[] | null | undefined;

export function biasArray(bias: Bias, n: number, what: string): Float32Array | null {
  if (bias === null || bias === undefined) return null;
  const d = 'data' in (bias as object) && !(bias instanceof Float32Array) ? (bias as Tensor).data : Float32Array.from(bias as ArrayLike<number>);
  if (d.length !== n) throw new RangeError(`${what}: bias has ${d.length} values, expected ${n}`);
  return d;
}

/**
 * Resolves a padding spec to per-axis [before, after] pairs.
 * 'same' follows the TensorFlow rule (output = ceil(in / stride)); for stride 1 this is
 * PyTorch's padding='same': total d·(k−1), floor(total/2) before, the rest after.
 */
export function resolveConvPadding(
  padding: ConvPadding | undefined,
  inSize: readonly number[],
  kernel: readonly number[],
  stride: readonly number[],
  dilation: readonly number[],
): [number, number][] {
  const rank = inSize.length;
  if (padding === 'valid') return paddingPairs(0, rank);
  if (padding === 'same') {
    return inSize.map((n, a) => {
      const outN = Math.ceil(n / stride[a]);
      const total = Math.max((outN - 1) * stride[a] + dilation[a] * (kernel[a] - 1) + 1 - n, 0);
      const before = Math.floor(total / 2);
      return [before, total - before] as [number, number];
    });
  }
  if (padding === 'causal') {
    if (rank !== 1) throw new RangeError(`padding 'causal' is for 1-D inputs only`);
    return [[dilation[0] * (kernel[0] - 1), 0]];
  }
  if (typeof padding === 'string') throw new RangeError(`Invalid padding string: '${padding}'`);
  const pairs = paddingPairs(padding, rank);
  for (const [b, e] of pairs) {
    if (!Number.isInteger(b) || !Number.isInteger(e) || b < 0 || e < 0) throw new RangeError(`negative or fractional padding [${b}, ${e}]`);
  }
  return pairs;
}

/** out = floor((W + p0 + p1 − d·(k−1) − 1) / s) + 1 for one axis. */
export function convOutSize(n: number, k: number, s: number, p: [number, number], d: number): number {
  return Math.floor((n + p[0] + p[1] - d * (k - 1) - 1) / s) + 1;
}

// Scratch buffer for im2col, grown on demand and reused across calls (the worker is
// single-threaded, so one buffer is enough).
let colBuf = new Float32Array(0);
function scratch(n: number): Float32Array {
  if (colBuf.length < n) colBuf = new Float32Array(n);
  return colBuf;
}

/** Convolution of one [C_in, ...spatial] sample. */
export function conv(input: Tensor, weight: Tensor, bias?: Bias, opts: ConvOptions = {}): Tensor {
  return convStaged(input, weight, bias, opts, {}, true).conv!;
}

/**
 * A convolution and the stages that follow it (batchnorm, residual add, relu; see
 * convStages.ts): every stage's output with keepAll, else only the last one's.
 */
export function convStaged(input: Tensor, weight: Tensor, bias: Bias, opts: ConvOptions, stages: ConvStages, keepAll: boolean): StagedOutputs {
  const rank = spatialRank(input, 'conv');
  if (weight.shape.length !== rank + 2) {
    throw new RangeError(`conv: weight [${weight.shape.join(', ')}] does not fit a ${rank}-D input`);
  }
  const groups = opts.groups ?? 1;
  const Cin = input.shape[0];
  const Cout = weight.shape[0];
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`conv: groups must be a positive integer`);
  if (Cin % groups !== 0 || Cout % groups !== 0) {
    throw new RangeError(`conv: channels in ${Cin} / out ${Cout} not divisible by groups ${groups}`);
  }
  const CinG = Cin / groups;
  const CoutG = Cout / groups;
  if (weight.shape[1] !== CinG) {
    throw new RangeError(`conv: weight expects ${weight.shape[1] * groups} input channels, got ${Cin}`);
  }
  const kernel = weight.shape.slice(2);
  const stride = perAxis(opts.stride, rank, 1, 'stride');
  const dilation = perAxis(opts.dilation, rank, 1, 'dilation');
  if (stride.some((s) => s < 1) || dilation.some((d) => d < 1)) throw new RangeError('conv: stride and dilation must be >= 1');
  let pads = resolveConvPadding(opts.padding, input.shape.slice(1), kernel, stride, dilation);
  const b = biasArray(bias, Cout, 'conv');

  // Non-zero padding modes: materialise the padding, then convolve without padding
  // (this is exactly what torch.nn.ConvNd does with padding_mode != 'zeros').
  let x = input;
  const mode = opts.paddingMode ?? 'zeros';
  if (mode !== 'zeros' && pads.some(([p0, p1]) => p0 > 0 || p1 > 0)) {
    x = pad(input, pads, mode);
    pads = paddingPairs(0, rank);
  }

  const inSp = x.shape.slice(1);
  const outSp = inSp.map((n, a) => convOutSize(n, kernel[a], stride[a], pads[a], dilation[a]));
  if (outSp.some((n) => n < 1)) {
    throw new RangeError(`conv: output size [${outSp.join(', ')}] is too small (input [${inSp.join(', ')}], kernel [${kernel.join(', ')}])`);
  }
  const outShape = [Cout, ...outSp];
  checkResidual(stages, outShape);
  const [iD, iH, iW] = to3(inSp, 1);
  const [oD, oH, oW] = to3(outSp, 1);
  const [kD, kH, kW] = to3(kernel, 1);
  const [sD, sH, sW] = to3(stride, 1);
  const [dD, dH, dW] = to3(dilation, 1);
  const p3 = [0, 1, 2].map((k) => (rank - 3 + k >= 0 ? pads[rank - 3 + k][0] : 0)) as [number, number, number];
  const inP = iD * iH * iW;
  const outP = oD * oH * oW;
  const Kg = CinG * kD * kH * kW;

  // A 1×1 kernel with stride 1 and no padding reads the input exactly as im2col would lay it
  // out, so skip the copy (common: ResNet bottlenecks, pointwise convs).
  const pointwise = kD * kH * kW === 1 && sD * sH * sW === 1 && p3.every((p) => p === 0) && inP === outP;

  const wk = wasmKernels();
  // Seeded weights are drawn straight into the wasm memory (see DrawnTensor).
  const w: WeightSource = weight instanceof DrawnTensor ? weight : weight.data.subarray(0, Cout * Kg);
  if (wk && (opts.algorithm ?? 'auto') === 'auto' && winogradPays(rank, groups, CinG, CoutG, kernel, stride, dilation, outSp)) {
    const r = convWinogradWasm(wk, x.data.subarray(0, Cin * inP), w, b, Cin, Cout, iH, iW, pads[0][0], pads[1][0], oH, oW, stages, keepAll, outShape);
    if (r) return r;
  }
  if (wk) {
    const geometry: DirectGeometry = { groups, CinG, CoutG, Kg, inP, outP, pointwise, i3: [iD, iH, iW], k3: [kD, kH, kW], s3: [sD, sH, sW], d3: [dD, dH, dW], p3, o3: [oD, oH, oW] };
    const r = convDirectWasm(wk, x.data.subarray(0, Cin * inP), w, b, geometry, stages, keepAll, outShape);
    if (r) return r;
  }

  const out = new Float32Array(Cout * outP);
  const col = pointwise ? x.data : scratch(Kg * outP);

  for (let g = 0; g < groups; g++) {
    let colOff = 0;
    if (pointwise) colOff = g * CinG * inP;
    else im2col3d(x.data, g * CinG, CinG, iD, iH, iW, kD, kH, kW, sD, sH, sW, dD, dH, dW, p3[0], p3[1], p3[2], oD, oH, oW, col);
    gemm(
      CoutG, outP, Kg,
      { data: weight.data, off: g * CoutG * Kg, ld: Kg },
      { data: col, off: colOff, ld: outP },
      { data: out, off: g * CoutG * outP, ld: outP },
    );
  }
  if (b) addChannelBias(out, b, outP);
  return applyStages({ shape: outShape, data: out }, stages, keepAll);
}

/**
 * Whether Winograd F(2×2, 3×3) applies (2-D, 3×3, stride 1, no dilation, one group) and pays:
 * its 16 products per tile of 2×2 outputs (tiles overhang odd sizes) plus the weight transform
 * must beat the direct 36 by a margin, and narrow layers stay direct (their GEMMs are too thin).
 */
export function winogradPays(rank: number, groups: number, Cin: number, Cout: number, kernel: number[], stride: number[], dilation: number[], outSp: number[]): boolean {
  if (rank !== 2 || groups !== 1 || Cin < 8 || Cout < 8) return false;
  if (kernel[0] !== 3 || kernel[1] !== 3 || stride[0] !== 1 || stride[1] !== 1 || dilation[0] !== 1 || dilation[1] !== 1) return false;
  // Per channel pair: 16 products per tile against 9 per output, plus the weight transform and
  // the packing of the 16 transformed weights for the GEMMs, ~400 products' worth (measured on
  // resnet layers: 1.6× faster at 56² and 28², 1.2× at 14², 1.5× slower at 7²).
  const tiles = Math.ceil(outSp[0] / 2) * Math.ceil(outSp[1] / 2);
  return 16 * tiles + 400 < 0.8 * 9 * outSp[0] * outSp[1];
}

/** out[c, :] += bias[c] for every channel. */
export function addChannelBias(out: Float32Array, bias: Float32Array, perChannel: number): void {
  for (let c = 0; c < bias.length; c++) {
    const v = bias[c];
    const base = c * perChannel;
    for (let i = 0; i < perChannel; i++) out[base + i] += v;
  }
}

/**
 * Fills col[(c, kd, kh, kw), (od, oh, ow)] = x[c0 + c, od·sD − pD + kd·dD, ...] (0 outside).
 * Row-major: row index (c, kd, kh, kw), column index (od, oh, ow).
 */
function im2col3d(
  x: Float32Array, c0: number, nC: number,
  iD: number, iH: number, iW: number,
  kD: number, kH: number, kW: number,
  sD: number, sH: number, sW: number,
  dD: number, dH: number, dW: number,
  pD: number, pH: number, pW: number,
  oD: number, oH: number, oW: number,
  col: Float32Array,
): void {
  let dst = 0;
  for (let c = 0; c < nC; c++) {
    const chan = (c0 + c) * iD;
    for (let a = 0; a < kD; a++) {
      for (let b = 0; b < kH; b++) {
        for (let e = 0; e < kW; e++) {
          // Along W the input index is iw = ow·sW + offW; find the ow range where it is inside
          // the input once per row of the kernel, so the hot loop has no bounds test.
          const offW = e * dW - pW;
          const owLo = Math.min(oW, Math.max(0, Math.ceil(-offW / sW)));
          const owHi = Math.max(owLo, Math.min(oW, Math.floor((iW - 1 - offW) / sW) + 1));
          for (let od = 0; od < oD; od++) {
            const id = od * sD - pD + a * dD;
            const dOK = id >= 0 && id < iD;
            for (let oh = 0; oh < oH; oh++) {
              const ih = oh * sH - pH + b * dH;
              if (!dOK || ih < 0 || ih >= iH) {
                col.fill(0, dst, dst + oW);
                dst += oW;
                continue;
              }
              const row = ((chan + id) * iH + ih) * iW + offW;
              for (let ow = 0; ow < owLo; ow++) col[dst++] = 0;
              if (sW === 1) {
                col.set(x.subarray(row + owLo, row + owHi), dst);
                dst += owHi - owLo;
              } else {
                for (let ow = owLo; ow < owHi; ow++) col[dst++] = x[row + ow * sW];
              }
              for (let ow = owHi; ow < oW; ow++) col[dst++] = 0;
            }
          }
        }
      }
    }
  }
}

/** Rank-checked entry points mirroring torch.nn.functional.conv1d/2d/3d. */
export function conv1d(x: Tensor, w: Tensor, bias?: Bias, opts?: ConvOptions): Tensor {
  if (x.shape.length !== 2) throw new RangeError('conv1d: expected [C, L]');
  return conv(x, w, bias, opts);
}
export function conv2d(x: Tensor, w: Tensor, bias?: Bias, opts?: ConvOptions): Tensor {
  if (x.shape.length !== 3) throw new RangeError('conv2d: expected [C, H, W]');
  return conv(x, w, bias, opts);
}
export function conv3d(x: Tensor, w: Tensor, bias?: Bias, opts?: ConvOptions): Tensor {
  if (x.shape.length !== 4) throw new RangeError('conv3d: expected [C, D, H, W]');
  return conv(x, w, bias, opts);
}

/**
 * Depthwise-separable convolution: a depthwise conv (groups = C_in, weight [C_in·m, 1, k...])
 * followed by a 1×1 pointwise conv (weight [C_out, C_in·m, 1...]).
 */
export function separableConv(
  x: Tensor,
  depthwiseWeight: Tensor, depthwiseBias: Bias,
  pointwiseWeight: Tensor, pointwiseBias: Bias,
  opts: Omit<ConvOptions, 'groups'> = {},
): Tensor {
  const dw = conv(x, depthwiseWeight, depthwiseBias, { ...opts, groups: x.shape[0] });
  return conv(dw, pointwiseWeight, pointwiseBias, {});
}
