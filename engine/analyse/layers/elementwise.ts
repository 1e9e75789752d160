// Elementwise merges: add and mul, with mul's broadcast gate (squeeze-excite).
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
    // mul broadcasts a [C] or [C, 1, …] gate (squeeze-excite), in either position.
    const isGate = kind === 'mul' && s[0] === full[0] && (s.length === 1 || (s.length === full.length && s.slice(1).every((n) => n === 1)));
    if (isGate) {
      gated = true;
      continue;
    }
    throw new LayerError('elementwiseShapes', `${kind} operands differ in shape: [${full.join(', ')}] and [${s.join(', ')}]${kind === 'mul' ? ' (mul broadcasts only a [C] or [C, 1, …] operand)' : ''}.`, undefined, {
      operands: [mainIndex, i],
    });
  }
  return { shape: [...full], params: 0, buffers: 0, macs: 0, resolved: { gated }, field: gated ? { type: 'gate', main: mainIndex } : { type: 'union' }, notes };
}

