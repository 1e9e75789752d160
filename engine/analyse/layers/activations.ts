// Activations and other layers that keep the shape (dropout, identity).
import { LayerError, type LayerComputation, type LayerContext, type LayerRules } from './contract';
import { UNARY_OPS } from '../../kinds';

export const activationRules: LayerRules = {
  prelu,
  softmax,
  log_softmax: softmax,
  leaky_relu: leakyRelu,
  dropout,
  relu: pointwise,
  relu6: pointwise,
  gelu: pointwise,
  silu: pointwise,
  mish: pointwise,
  sigmoid: pointwise,
  tanh: pointwise,
  hardswish: pointwise,
  hardsigmoid: pointwise,
  identity: pointwise,
  unary,
};

/** `unary`: one of UNARY_OPS with its constants (alpha, beta, gamma, min, max). */
function unary(c: LayerContext): LayerComputation {
  const { input } = c;
  const args = c.args.values;
  const show = (v: unknown) => JSON.stringify(v);
  const op = args.op;
  if (typeof op !== 'string' || !UNARY_OPS.includes(op)) throw new LayerError('badValue', `unary \`op\` must be one of ${UNARY_OPS.join(', ')}, got ${show(op)}.`, 'op');
  const resolved: Record<string, unknown> = { op };
  for (const k of ['alpha', 'beta', 'gamma', 'min', 'max']) {
    const v = args[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || Number.isNaN(v)) throw new LayerError('badValue', `\`${k}\` must be a number, got ${show(v)}.`, k);
    resolved[k] = v;
  }
  return c.same(input.slice(), 0, 0, resolved);
}

function prelu(c: LayerContext): LayerComputation {
  const { args, input, same } = c;
  const n = args.int('channels');
  if (n !== 1 && n !== input[0]) throw new LayerError('channels', `prelu has ${n} slopes; it needs 1 or one per channel (${input[0]}).`, 'channels');
  return same(input, n, 0, { channels: n });
}

function softmax(c: LayerContext): LayerComputation {
  const { args, input, same } = c;
  const axis = args.int('axis', -input.length);
  const a = axis < 0 ? axis + input.length : axis;
  if (a >= input.length) throw new LayerError('badValue', `${c.kind} axis ${axis} is out of range for a tensor of rank ${input.length}.`, 'axis');
  const r = same(input, 0, 0, { axis: a });
  if (a > 0) r.field = { type: 'global' };
  return r;
}

function leakyRelu(c: LayerContext): LayerComputation {
  const { args, input, same } = c;
  return same(input, 0, 0, { slope: args.number('slope') });
}

function dropout(c: LayerContext): LayerComputation {
  const { args, input, same } = c;
  const p = args.number('p');
  if (p < 0 || p > 1) throw new LayerError('badValue', `dropout probability has to be between 0 and 1, but got ${p}.`, 'p');
  return same(input, 0, 0, { p });
}

function pointwise(c: LayerContext): LayerComputation {
  const { input, same } = c;
  return same(input);
}
