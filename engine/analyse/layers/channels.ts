// Shape ops on the channel axis (and concat on any axis): shuffle, slice, concat.
import { LayerError, type LayerComputation, type LayerContext, type LayerRules } from './contract';

export const channelRules: LayerRules = {
  channel_shuffle: channelShuffle,
  slice,
  concat,
};

function channelShuffle(c: LayerContext): LayerComputation {
  const { args, input, same } = c;
  const g = args.int('groups');
  if (input[0] % g !== 0) throw new LayerError('channels', `channel_shuffle: ${input[0]} channels cannot be split into ${g} groups.`, 'groups');
  return same(input, 0, 0, { groups: g });
}

function slice(c: LayerContext): LayerComputation {
  const { args, input, same } = c;
  const C = input[0];
  const period = args.has('period') ? args.int('period') : C;
  if (C % period !== 0) throw new LayerError('channels', `slice: ${C} channels are not whole blocks of period ${period}.`, 'period', { C, period });
  const start = args.int('start', 0);
  const end = args.int('end', 1);
  if (start >= end || end > period) {
    throw new LayerError('channels', `slice [${start}, ${end}) is not a non-empty range inside ${period === C ? `the ${C} channels` : `each block of ${period} channels`}.`, end > period ? 'end' : 'start', { C, start, end, period });
  }
  return same([(end - start) * (C / period), ...input.slice(1)], 0, 0, { start, end, period });
}

function concat(c: LayerContext): LayerComputation {
  const { args, input, notes } = c;
  const rank = input.length;
  const axisArg = args.int('axis', -rank);
  const axis = axisArg < 0 ? axisArg + rank : axisArg;
  if (axis >= rank) throw new LayerError('badValue', `concat axis ${axisArg} is out of range for tensors of rank ${rank}.`, 'axis');
  for (let i = 1; i < c.inputs.length; i++) {
    const other = c.inputs[i];
    if (other.length !== rank) throw new LayerError('concatShapes', `concat operands have different ranks: [${input.join(', ')}] and [${other.join(', ')}].`, undefined, { operand: i });
    const bad = other.findIndex((n, a) => a !== axis && n !== input[a]);
    if (bad >= 0) {
      const axisName = `${axisNames(rank)[bad]} (axis ${bad})`;
      throw new LayerError('concatShapes', `concat operands differ in ${axisName}: ${input[bad]} vs ${other[bad]} (by ${Math.abs(input[bad] - other[bad])}); shapes [${input.join(', ')}] and [${other.join(', ')}]. Only axis ${axis} may differ.`, undefined, {
        operand: i,
        axis: bad,
        difference: other[bad] - input[bad],
      });
    }
  }
  const shape = [...input];
  shape[axis] = c.inputs.reduce((n, s) => n + s[axis], 0);
  return { shape, params: 0, buffers: 0, macs: 0, resolved: { axis }, field: axis === 0 ? { type: 'union' } : { type: 'global' }, notes };
}

/** Names of a channels-first tensor's axes: [C, L], [C, H, W], [C, D, H, W]. */
function axisNames(rank: number): string[] {
  const spatial = rank === 2 ? ['length'] : rank === 3 ? ['height', 'width'] : rank === 4 ? ['depth', 'height', 'width'] : Array.from({ length: rank - 1 }, (_, i) => `spatial axis ${i + 1}`);
  return ['channels', ...spatial];
}
