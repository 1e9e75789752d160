// The values the page does not keep: a large output is kept as the channels its section shows
// (shownChannels.ts); other channels (the pager, the order) and whole tensors (a PNG of every
// channel, .npy files, the matrix view) are asked of the worker, which computes the layers again.
import type { Tensor } from '../../../kernels';
import type { WorkerReply } from '../workerProtocol';
import { page, type Output } from './state';
import { post } from './workerLink';

type Recomputed = Extract<WorkerReply, { type: 'recomputed' }>;

/** Waiting for whole tensors, by layer index (of run page.runId). */
let waiting = new Map<number, Array<(t: Tensor) => void>>();
let waitingRun = 0;
/** Channels asked for, by layer, so a repaint does not ask twice. */
let asked = new Map<number, string>();
/** Called when asked channels arrive (maps.ts repaints the section). */
let onChannels: (index: number) => void = () => undefined;

export function whenChannelsArrive(f: (index: number) => void): void {
  onChannels = f;
}

function forNewRun(): void {
  if (waitingRun === page.runId) return;
  waitingRun = page.runId;
  waiting = new Map();
  asked = new Map();
}

/** Whether output `t` holds channel c's values, and where (slot × values per channel). */
export function slotOf(t: Output, c: number): number {
  return t.channels ? t.channels.indexOf(c) : c;
}

/** The layers' whole outputs: kept whole already, or computed again by the worker. */
export function wholeOutputs(indices: number[]): Promise<Tensor[]> {
  forNewRun();
  const want: number[] = [];
  const got = indices.map((index) => {
    const t = page.outputs[index];
    if (t && !t.channels) return Promise.resolve<Tensor>(t);
    return new Promise<Tensor>((resolve) => {
      if (!waiting.has(index)) {
        waiting.set(index, []);
        want.push(index);
      }
      waiting.get(index)!.push(resolve);
    });
  });
  if (want.length) post({ type: 'recompute', id: page.runId, want: want.map((index) => ({ index, channels: null })) });
  return Promise.all(got);
}

/** Asks for channels a section is to show that the page does not hold. */
export function askChannels(index: number, channels: number[]): void {
  forNewRun();
  const key = channels.join();
  if (asked.get(index) === key) return;
  asked.set(index, key);
  post({ type: 'recompute', id: page.runId, want: [{ index, channels }] });
}

/** A layer computed again: a whole tensor for whoever waits, or the channels a section now shows. */
export function onRecomputed(m: Recomputed): void {
  forNewRun();
  const t = page.outputs[m.index];
  if (m.channels) {
    if (!t?.channels || asked.get(m.index) !== m.channels.join()) return; // asked before another turn of the pager
    page.outputs[m.index] = { ...t, data: m.data, channels: m.channels };
    onChannels(m.index);
    return;
  }
  const resolve = waiting.get(m.index);
  waiting.delete(m.index);
  for (const r of resolve ?? []) r({ shape: m.shape, data: m.data });
}
