// Elementwise merges: add and mul, with a broadcast [C] or [C, 1, …] operand (mul: a gate,
// squeeze-excite; add: a per-channel constant, YOLOR's shift_channels).
import type { Shape } from '../../types';
import { LayerError, type LayerComputation, type LayerContext, type LayerRules, type LayerNote } from './contract';
import { prod } from './args';

export const elementwiseRules: LayerRules = {
  add: addOrMul,
  mul: addOrMul,
};

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

