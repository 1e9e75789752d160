// What the page derives from a run's outputs, for layout and paint alike: each layer's tensor,
// statistics, colour scale, channel order (worked out once per layer) and mean over channels.
import { numel, stats, type Stats, type Tensor } from '../../../kernels';
import type { Colormap } from '../render/colors';
import { channelActivity, channelOrder, meanOverChannels } from '../render/channels';
import { page, state, type Output } from './state';

// Per layer (index; -1 the input), worked out when first painted: channel activity and the mean
// over channels. A new analysis or run forgets them.
const activity = new Map<number, Float64Array>();
const means = new Map<number, Float32Array>();

/** Forgets what was derived from the outputs (they are about to change). */
export function forgetDerived(): void {
  activity.clear();
  means.clear();
}

/**
 * Takes the outputs' buffers away from the page for a new run (the worker reuses them): the new
 * run's outputs replace them as they come.
 */
export function takeOutputBuffers(): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const t of page.outputs) if (t && t.data.buffer instanceof ArrayBuffer && t.data.byteLength > 0) buffers.add(t.data.buffer);
  page.outputs = [];
  forgetDerived();
  return [...buffers];
}

/** A layer's output as the page keeps it (-1: the input); it may hold only the shown channels (Output). */
export function tensorOf(index: number): Output | undefined {
  return index < 0 ? page.inputTensor ?? undefined : page.outputs[index];
}

/** Channel layout of a layer's output [C, ...spatial]: C and the values per channel. */
export function channelsOf(t: Tensor): { C: number; per: number } {
  return { C: t.shape[0], per: numel(t.shape.slice(1)) };
}

/** The order the layer's channels are shown in (the most active first unless by index). */
export function channelOrderOf(index: number): number[] {
  const t = tensorOf(index)!;
  const { C, per } = channelsOf(t);
  if (state.order === 'index') return channelOrder(new Float64Array(C), 'index');
  let a = t.activity ?? activity.get(index);
  if (!a) activity.set(index, (a = channelActivity(t.data, C, per)));
  return channelOrder(a, 'activity');
}

/** The mean over channels of a layer's output (undefined before it is computed). */
export function meanOf(index: number): Float32Array | undefined {
  const t = tensorOf(index);
  if (!t) return undefined;
  let m = t.mean ?? means.get(index);
  if (!m) {
    const { C, per } = channelsOf(t);
    means.set(index, (m = meanOverChannels(t.data, C, per)));
  }
  return m;
}

/** Viridis for outputs that are never negative (after relu, pooling of those, an impulse), diverging otherwise. */
export function colormapOf(s: Stats): Colormap {
  return s.min >= 0 ? 'viridis' : 'diverging';
}

/** The layer's scale when not per map: the largest |value| of the layer, or of every layer. */
export function fixedScaleOf(s: Stats): number {
  return state.norm === 'global' ? page.globalMax : Math.max(Math.abs(s.min), Math.abs(s.max), 1e-30);
}

let inputStats: { of: Tensor; stats: Stats } | null = null;

export function statsOf(index: number): Stats {
  if (index < 0 && page.inputTensor) {
    if (inputStats?.of !== page.inputTensor) inputStats = { of: page.inputTensor, stats: stats(page.inputTensor) };
    return inputStats.stats;
  }
  return (index >= 0 && page.layerStats[index]) || stats(tensorOf(index)!);
}

/** The largest |value| of a layer's output (-1: the input). */
export function maxAbsOf(s: Stats): number {
  return Math.max(Math.abs(s.min), Math.abs(s.max));
}

/** The spatial shape of a layer's output (-1: the input). */
export function spatialOf(index: number): number[] {
  const shape = index < 0 ? page.inputShape ?? [] : page.layers[index].shape ?? [];
  return shape.slice(1);
}

/** The depth slice shown of a 3-D map with D slices. */
export function sliceOf(D: number): number {
  return Math.min(D - 1, Math.round(state.slice * (D - 1)));
}
