// Elementwise merges: add and mul, with a broadcast [C] or [C, 1, …] operand (mul: a gate,
// squeeze-excite; add: a per-channel constant, YOLOR's shift_channels).
import type { Shape } from '../../types';
import { LayerError, type LayerComputation, type LayerContext, type LayerRules, type LayerNote } from './contract';
import { prod } from './args';
import { intList, sameSpatial } from './tensors';

export const elementwiseRules: LayerRules = {
  add: addOrMul,
  mul: addOrMul,
  elementwise: broadcastOp,
};

/** numpy / PyTorch broadcasting of two shapes (aligned from the last axis), or undefined. */
export function broadcast(a: Shape, b: Shape): Shape | undefined {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** `elementwise`: any of add … min with full broadcasting, of two layers or a layer and a constant. */
function broadcastOp(c: LayerContext): LayerComputation {
  const { input, inputs } = c;
  const args = c.args.values;
  const show = (v: unknown) => JSON.stringify(v);
  const none = (shape: Shape, resolved: Record<string, unknown>, field: LayerComputation['field']): LayerComputation => ({ shape, params: 0, buffers: 0, macs: 0, resolved, field, notes: c.notes });
  const op = args.op;
  if (typeof op !== 'string' || !['add', 'sub', 'mul', 'div', 'pow', 'max', 'min'].includes(op)) throw new LayerError('badValue', `elementwise \`op\` must be add, sub, mul, div, pow, max or min, got ${show(op)}.`, 'op');
  const value = args.value;
  if (value !== undefined) {
    if (inputs.length !== 1) throw new LayerError('schema', 'elementwise with a constant `value` takes one layer in `from`.', 'value');
    const list = Array.isArray(value) ? value : [value];
    if (!list.length || list.some((x) => typeof x !== 'number')) throw new LayerError('badValue', `elementwise \`value\` must be a number or a list of numbers, got ${show(value)}.`, 'value');
    const vShape = intList(c, 'value_shape', true) ?? (Array.isArray(value) ? [value.length] : []);
    if (prod(vShape) !== list.length) throw new LayerError('badValue', `elementwise \`value\` has ${list.length} numbers, \`value_shape\` [${vShape.join(', ')}] holds ${prod(vShape)}.`, 'value_shape');
    const shape = broadcast(input, vShape);
    if (!shape) throw new LayerError('elementwiseShapes', `elementwise ${op}: [${input.join(', ')}] and the constant [${vShape.join(', ')}] do not broadcast.`, 'value');
    const learned = args.learned === true;
    const r = none(shape, { op, value: list, valueShape: vShape, reversed: args.reversed === true, learned }, sameSpatial(shape, input) ? { type: 'same' } : { type: 'unknown' });
    return learned ? { ...r, params: list.length } : r;
  }
  if (inputs.length !== 2) throw new LayerError('schema', `elementwise takes two layers in \`from\` (or one and a \`value\`), got ${inputs.length}.`);
  const [a, b] = inputs;
  const shape = broadcast(a, b);
  if (!shape) throw new LayerError('elementwiseShapes', `elementwise ${op} operands [${a.join(', ')}] and [${b.join(', ')}] do not broadcast.`, undefined, { operands: [0, 1] });
  const full = (s: Shape) => s.length === shape.length && s.every((n, i) => n === shape[i]);
  const field: LayerComputation['field'] = full(a) && full(b) ? { type: 'union' } : full(a) ? { type: 'gate', main: 0 } : full(b) ? { type: 'gate', main: 1 } : { type: 'unknown' };
  return none(shape, { op }, field);
}

function addOrMul(c: LayerContext): LayerComputation {
  const { kind, notes } = c;
  return elementwise(kind as 'add' | 'mul', c.inputs, notes);
}

function elementwise(kind: 'add' | 'mul', inputs: Shape[], notes: LayerNote[]): LayerComputation {
  const full = inputs.reduce((a, b) => (b.length > a.length || (b.length === a.length && prod(b) > prod(a)) ? b : a));
  const mainIndex = inputs.indexOf(full);
  let gated = false;
  for (let i = 0; i < inputs.length; i++) {
    const s = inputs[i];
    if (s.length === full.length && s.every((n, a) => n === full[a])) continue;
    // a [C] or [C, 1, …] operand is broadcast (a gate for mul), in either position.
    const isGate = s[0] === full[0] && (s.length === 1 || (s.length === full.length && s.slice(1).every((n) => n === 1)));
    if (isGate) {
      gated = true;
      continue;
    }
    throw new LayerError('elementwiseShapes', `${kind} operands differ in shape: [${full.join(', ')}] and [${s.join(', ')}] (${kind} broadcasts only a [C] or [C, 1, …] operand).`, undefined, {
      operands: [mainIndex, i],
    });
  }
  if (kind === 'add') return { shape: [...full], params: 0, buffers: 0, macs: 0, resolved: { gated: false, broadcast: gated }, field: gated ? { type: 'pass', main: mainIndex } : { type: 'union' }, notes };
  return { shape: [...full], params: 0, buffers: 0, macs: 0, resolved: { gated }, field: gated ? { type: 'gate', main: mainIndex } : { type: 'union' }, notes };
}

