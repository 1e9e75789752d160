// What the page keeps of a large layer's output: the channels its section shows (a page of them,
// in the page's order), each channel's activity (the order) and the mean over channels, all as
// the float32 the run computed, so what is painted, read under the pointer or selected is exact.
// The whole tensor (resnet50 at 224×224: 143 MB for 175 layers, the page's largest holding) stays
// nowhere: the worker computes it again when the page needs other channels or every value (the
// pager, the order, a PNG of the layer, .npy files).
import type { Tensor } from '../../kernels';
import { CHANNELS_PER_PAGE, channelActivity, channelOrder, meanOverChannels } from './render/channels';

/** Outputs up to this size go to the page whole (small networks, the last layers). */
export const WHOLE_MAX_BYTES = 64 << 10;

/** How the page orders channels and which page of them each section shows (by layer name). */
export interface ShownChannels {
  order: 'activity' | 'index';
  pages: Record<string, number>;
}

/** The part of an output the page keeps: `data` holds `channels`' values one after the other. */
export interface ShownPart {
  data: Float32Array;
  channels: number[];
  activity: Float64Array;
  mean: Float32Array;
}

/** The given channels' values of [C, ...spatial], one after the other. */
export function packChannels(t: Tensor, channels: readonly number[]): Float32Array {
  const per = t.data.length / t.shape[0];
  const out = new Float32Array(channels.length * per);
  channels.forEach((c, i) => out.set(t.data.subarray(c * per, (c + 1) * per), i * per));
  return out;
}

/** The shown part of a layer's output, or null when the page gets it whole (small, a vector, few channels). */
export function shownPart(t: Tensor, layer: string, shown: ShownChannels): ShownPart | null {
  const C = t.shape[0];
  if (t.shape.length < 2 || C <= CHANNELS_PER_PAGE || t.data.byteLength <= WHOLE_MAX_BYTES) return null;
  const per = t.data.length / C;
  const activity = channelActivity(t.data, C, per);
  const pages = Math.ceil(C / CHANNELS_PER_PAGE);
  const first = Math.min(Math.max(0, shown.pages[layer] ?? 0), pages - 1) * CHANNELS_PER_PAGE;
  const channels = channelOrder(activity, shown.order).slice(first, first + CHANNELS_PER_PAGE);
  return { data: packChannels(t, channels), channels, activity, mean: meanOverChannels(t.data, C, per) };
}
