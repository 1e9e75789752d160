// The page's state: what is kept across reloads (PageState, through the webview's
// getState/setState) and what the current run produced. Every part of the page reads it here;
// it imports no other module of the page (the flow is state → layout → paint, events.ts back).
import { TILE_MAX, TILE_MIN, type DocumentOptions, type DynamicSizes, type PageMessage, type PageState, type WeightsOrigin } from '../../../protocol/preview';
import type { FindingInfo, LayerInfo, TensorStats, WeightsInfo } from '../workerProtocol';
import type { Totals } from '../../../engine/types';
import type { Stats, Tensor } from '../../../kernels';

interface VsCodeApi {
  postMessage(m: PageMessage): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export const vscode: VsCodeApi | null = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : null;

/** What a tile shows: a channel, the mean over channels, or the input's three channels as colour (-1: a [C] vector's strip). */
export type ChannelKey = number | 'mean' | 'rgb';

export const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** The default input: a rendered scene (the impulse is one click away). */
export const DEFAULT_SAMPLE = 'scene';

const defaults: PageState = { sample: DEFAULT_SAMPLE, seed: 0, norm: 'map', pages: {}, slice: 0.5, tile: 128, order: 'activity', views: {}, graph: true, groups: {}, table: false };
const saved = (vscode?.getState() ?? null) as Partial<PageState> | null;
export const state: PageState = { ...defaults, ...(saved && typeof saved === 'object' ? saved : {}) };
// A saved state is the page's own, but may come from an older version of it: keep only what fits.
if (typeof state.sample !== 'string') state.sample = DEFAULT_SAMPLE;
if (typeof state.seed !== 'number' || !Number.isInteger(state.seed) || state.seed < 0) state.seed = 0;
if (!['map', 'layer', 'global'].includes(state.norm)) state.norm = 'map';
if (typeof state.slice !== 'number' || !(state.slice >= 0 && state.slice <= 1)) state.slice = 0.5;
if (typeof state.tile !== 'number' || !(state.tile >= TILE_MIN && state.tile <= TILE_MAX)) state.tile = defaults.tile;
if (!['activity', 'index'].includes(state.order)) state.order = 'activity';
if (!state.pages || typeof state.pages !== 'object') state.pages = {};
if (!state.views || typeof state.views !== 'object') state.views = {};
if (typeof state.graph !== 'boolean') state.graph = true;
if (!state.groups || typeof state.groups !== 'object') state.groups = {};
if (typeof state.table !== 'boolean') state.table = false;

/**
 * A layer's output as the page keeps it: whole, or for a large one (shownChannels.ts) the
 * channels its section shows, `data` holding `channels`' values one after the other, with every
 * channel's activity and the mean over channels.
 */
export type Output = Tensor & { channels?: number[]; activity?: Float64Array; mean?: Float32Array };

/** What the current document and run produced. */
export const page = {
  text: '',
  /** How the host reads the document (format, file name, scale); undefined in a standalone page: cnn-yaml. */
  options: undefined as DocumentOptions | undefined,
  runId: 0,
  /** The sample the current run's input is ('impulse' zooms the maps to its reach), or 'image'. */
  runSample: '',
  /** The sample to go back to when the impulse is switched off. */
  sampleBeforeImpulse: DEFAULT_SAMPLE,
  layers: [] as LayerInfo[],
  inputShape: null as number[] | null,
  inputTensor: null as Tensor | null,
  outputs: [] as Array<Output | undefined>,
  imageInput: null as { name: string; tensor: Tensor | null; rgba: Uint8ClampedArray; w: number; h: number } | null,
  /** A clicked position `pos` (spatial) of the tile `key`; `channel` is the channel read (the entry of a [C] vector). */
  selection: null as { index: number; pos: number[]; channel: number; key: ChannelKey } | null,
  /** The layer highlighted in the sections and the strip: the editor cursor's, or the last clicked. */
  currentLayer: null as string | null,
  globalMax: 1e-30,
  /** The weights file the worker has (its bytes went there), or null: random weights. */
  weights: null as { name: string; origin: WeightsOrigin } | null,
  /** Why a weights file the host found cannot be used (it cannot be read), or null. */
  weightsProblem: null as string | null,
  /** The model file (ONNX) the page shows, its bytes in the worker, and the input shape the user gave; null: a text document. */
  model: null as { name: string; inputShape?: number[]; dynamicSizes?: DynamicSizes } | null,
  /** What the worker made of it for the current network. */
  weightsInfo: null as WeightsInfo | null,
  /** Statistics of a layer's tensors from the weights file, asked of the worker when its row is clicked ('asked' until they come). */
  weightStats: new Map<string, TensorStats[] | 'asked'>(),
  /** The analysis's findings and totals (the table shows them). */
  findings: [] as FindingInfo[],
  totals: null as Totals | null,
  /** min/max/mean of each layer's output, computed once when it arrives. */
  layerStats: [] as Array<Stats | undefined>,
};

/** A new element with a class (and text). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function saveState(): void {
  vscode?.setState(state);
}
