// Convolutions: conv, depthwise, separable and transposed (output size (W + P − K)/S + 1 and its transpose).
import { windowMap, transposedMap } from '../receptiveField';
import { LayerError, mapsOrUnknown, type LayerComputation, type LayerContext, type LayerRules } from './contract';
import { prod, resolvePadding, spatialOf, checkWeights, checkBias } from './args';
import { windowOut } from './windowOut';

export const convolutionRules: LayerRules = {
  conv: convolution,
  depthwise: convolution,
  separable: convolution,
  conv_transpose: transposedConvolution,
};

/** The window every convolution slides: kernel, stride, dilation and the dilated kernel K per axis. */
function convolutionWindow({ kind, args, input }: LayerContext) {
  const { C, spatial } = spatialOf(kind, input);
  const rank = spatial.length;
  const k = args.axes('kernel', rank);
  const s = args.axes('stride', rank);
  const d = args.axes('dilation', rank);
  const K = k.map((ki, i) => d[i] * (ki - 1) + 1);
  return { C, spatial, rank, k, s, d, K };
}

function convolution(c: LayerContext): LayerComputation {
  const { kind, args, input, notes } = c;
  const { C, spatial, rank, k, s, d, K } = convolutionWindow(c);
  const { pairs, mode } = resolvePadding(args, 'padding', spatial, K, s, rank === 1);
  if (mode === 'same' && s.some((x) => x > 1)) {
    notes.push({ codeKey: 'sameStride', arg: 'padding', message: `padding='same' is not supported for strided convolutions in PyTorch (stride ${s.join('×')}); ConvLens uses TensorFlow's rule, output = ⌈W/S⌉. Use explicit padding to run it in PyTorch.` });
  }
  const multiplier = kind === 'conv' ? 1 : args.int('multiplier');
  const groups = kind === 'conv' ? args.int('groups') : C;
  const outC = kind === 'depthwise' ? C * multiplier : args.int('out');
  const dwOut = kind === 'separable' ? C * multiplier : outC;
  if (C % groups !== 0) {
    throw new LayerError('channels', `in_channels must be divisible by groups: the input has ${C} channels and groups = ${groups} (${C} mod ${groups} = ${C % groups}).`, 'groups', { C, out: dwOut, groups });
  }
  if (dwOut % groups !== 0) {
    const depthwiseNote = groups === C && C > 1 ? ` With groups = C = ${C} this is a depthwise conv: out must be a whole multiple of ${C} (depthwise multiplier out/C = ${dwOut}/${C} is not whole).` : '';
    throw new LayerError('channels', `out_channels must be divisible by groups: out = ${dwOut}, groups = ${groups} (${dwOut} mod ${groups} = ${dwOut % groups}).${depthwiseNote}`, kind === 'conv' ? 'groups' : 'multiplier', { C, out: dwOut, groups, depthwise: groups === C && C > 1 });
  }
  const outSpatial = spatial.map((W, i) => windowOut(W, pairs[i], K[i], s[i], false));
  const bad = outSpatial.findIndex((o) => o < 1);
  if (bad >= 0) {
    const padded = spatial.map((W, i) => W + pairs[i][0] + pairs[i][1]);
    throw new LayerError(
      'outputSize',
      `Output size ${outSpatial.join('×')}: the padded input ${padded.join('×')} is smaller than the ${d.some((x) => x > 1) ? 'dilated ' : ''}kernel ${K.join('×')} (axis ${bad + 1}: ⌊(W + P − K)/S⌋ + 1 = ⌊(${spatial[bad]} + ${pairs[bad][0] + pairs[bad][1]} − ${K[bad]})/${s[bad]}⌋ + 1 = ${outSpatial[bad]}). PyTorch: Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${K.join(' x ')}). Kernel size can't be greater than actual input size`,
      'kernel',
      { axis: bad },
    );
  }
  const taps = prod(k);
  const outElems = prod(outSpatial);
  let params: number;
  let macs: number;
  let hasBias: boolean;
  if (kind === 'separable') {
    hasBias = checkBias(args, outC);
    params = taps * C * multiplier + C * multiplier * outC + (hasBias ? outC : 0);
    macs = outElems * C * multiplier * taps + outElems * C * multiplier * outC;
  } else {
    hasBias = checkBias(args, outC);
    checkWeights(args, [outC, C / groups, ...k], `a conv from ${C} to ${outC} channels${groups > 1 ? ` in ${groups} groups` : ''} with kernel ${k.join('×')}`, { groups, input, transposed: false });
    params = outC * (C / groups) * taps + (hasBias ? outC : 0);
    macs = outElems * outC * (C / groups) * taps;
  }
  return {
    shape: [outC, ...outSpatial],
    params,
    buffers: 0,
    macs,
    resolved: { in: C, out: outC, kernel: k, stride: s, dilation: d, padding: pairs, paddingMode: mode, groups, multiplier, bias: hasBias, effectiveKernel: K },
    field: { type: 'map', axes: spatial.map((_, i) => windowMap(k[i], s[i], d[i], pairs[i][0])) },
    notes,
  };
}

function transposedConvolution(c: LayerContext): LayerComputation {
  const { args, input, notes } = c;
  const { C, spatial, rank, k, s, d, K } = convolutionWindow(c);
  const op = args.axes('output_padding', rank, 0);
  const pv = args.raw('padding');
  if (pv === 'same' || pv === 'causal') {
    throw new LayerError('badValue', `conv_transpose does not take padding '${pv}' (PyTorch's ConvTranspose accepts only integer padding).`, 'padding');
  }
  const { pairs } = resolvePadding(args, 'padding', spatial, K, s, false);
  const groups = args.int('groups');
  const outC = args.int('out');
  if (C % groups !== 0) throw new LayerError('channels', `in_channels must be divisible by groups: the input has ${C} channels and groups = ${groups} (${C} mod ${groups} = ${C % groups}).`, 'groups', { C, out: outC, groups });
  if (outC % groups !== 0) throw new LayerError('channels', `out_channels must be divisible by groups: out = ${outC}, groups = ${groups} (${outC} mod ${groups} = ${outC % groups}).`, 'groups', { C, out: outC, groups });
  const badOp = op.findIndex((o, i) => o >= s[i] && o >= d[i]);
  if (badOp >= 0) {
    const names = rank === 1 ? ['width'] : rank === 2 ? ['height', 'width'] : ['depth', 'height', 'width'];
    const got = (what: string, v: number[]) => v.map((x, i) => `${what}_${names[i]}: ${x}`).join(' ');
    throw new LayerError('outputPadding', `output padding must be smaller than either stride or dilation, but got ${got('output_padding', op)} ${got('stride', s)} ${got('dilation', d)} (axis ${badOp + 1}: ${op[badOp]} ≥ stride ${s[badOp]} and ≥ dilation ${d[badOp]}).`, 'output_padding', {
      axis: badOp,
      valid: op.map((o, i) => Math.min(o, Math.max(s[i], d[i]) - 1)),
    });
  }
  const outSpatial = spatial.map((W, i) => (W - 1) * s[i] - pairs[i][0] - pairs[i][1] + K[i] + op[i]);
  const bad = outSpatial.findIndex((o) => o < 1);
  if (bad >= 0) {
    // PyTorch reports 1-D transposed convs in their 2-D form: (1 x W).
    const twoD = (v: number[]) => (rank === 1 ? [1, ...v] : v).join(' x ');
    throw new LayerError('outputSize', `Output size ${outSpatial.join('×')} is too small: (W − 1)·S − P + K + output_padding = (${spatial[bad]} − 1)·${s[bad]} − ${pairs[bad][0] + pairs[bad][1]} + ${K[bad]} + ${op[bad]} = ${outSpatial[bad]} on axis ${bad + 1}. PyTorch: Given input size per channel: (${twoD(spatial)}). Calculated output size per channel: (${twoD(outSpatial)}). Output size is too small`, 'padding', { axis: bad });
  }
  const hasBias = checkBias(args, outC);
  checkWeights(args, [C, outC / groups, ...k], `a transposed conv from ${C} to ${outC} channels`, { groups, input, transposed: true });
  const taps = prod(k);
  return {
    shape: [outC, ...outSpatial],
    params: C * (outC / groups) * taps + (hasBias ? outC : 0),
    buffers: 0,
    macs: C * prod(spatial) * (outC / groups) * taps,
    resolved: { in: C, out: outC, kernel: k, stride: s, dilation: d, padding: pairs, outputPadding: op, groups, bias: hasBias, effectiveKernel: K },
    field: mapsOrUnknown(() => spatial.map((_, i) => transposedMap(k[i], s[i], d[i], pairs[i][0]))),
    notes,
  };
}
