// The page's state: what is kept across reloads (PageState, through the webview's
// getState/setState) and what the current run produced. Every part of the page reads it here.
import type { DocumentOptions, PageMessage, PageState } from '../../../protocol/preview';
import type { LayerInfo } from '../workerProtocol';
import type { Stats, Tensor } from '../../../kernels';

interface VsCodeApi {
  postMessage(m: PageMessage): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export const vscode: VsCodeApi | null = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : null;

export const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const defaults: PageState = { sample: 'impulse', seed: 0, norm: 'map', pages: {}, slice: 0.5 };
const saved = (vscode?.getState() ?? null) as Partial<PageState> | null;
export const state: PageState = { ...defaults, ...(saved && typeof saved === 'object' ? saved : {}) };
if (typeof state.seed !== 'number' || !Number.isInteger(state.seed) || state.seed < 0) state.seed = 0;
if (!['map', 'layer', 'global'].includes(state.norm)) state.norm = 'map';

/** What the current document and run produced. */
export const page = {
  text: '',
  /** How the host reads the document (format, file name, scale); undefined in a standalone page: cnn-yaml. */
  options: undefined as DocumentOptions | undefined,
  runId: 0,
  layers: [] as LayerInfo[],
  inputShape: null as number[] | null,
  inputTensor: null as Tensor | null,
  outputs: [] as Array<Tensor | undefined>,
  imageInput: null as { name: string; tensor: Tensor | null; rgba: Uint8ClampedArray; w: number; h: number } | null,
  selection: null as { index: number; pos: number[]; channel: number } | null,
  cursorLayer: null as string | null,
  globalMax: 1e-30,
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
