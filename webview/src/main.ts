// The feature-map preview page. Runs inside a VS Code webview (messages with the host through
// acquireVsCodeApi) or standalone in a plain browser page for tests: then the document text
// comes from `window.__CONVLENS_TEST__ = { text }` or the `?text=` query parameter, and
// `window.convlens` exposes load() and the computed outputs.
import type { DocumentOptions, HostMessage } from '../../protocol/preview';
import { parseHostMessage } from '../../protocol/preview';
import { imageToInput } from '../../kernels/runtime/samples';
import { $, page, state, saveState, vscode } from './page/state';
import { startRun, startWorker } from './page/run';
import { setStatus, showError } from './page/status';
import { showSelection } from './page/selection';
import { wholeOutputs } from './page/recompute';
import { setupToolbar } from './page/toolbar';
import { setCurrent } from './page/graph';
import { startHandlingEvents, useDynamicSizes, useImage, useModel, useWeights } from './page/controller';

function onHost(raw: unknown): void {
  const m: HostMessage | null = parseHostMessage(raw);
  if (!m) return;
  switch (m.type) {
    case 'document':
      page.text = m.text;
      page.options = m.options;
      if (state.uri !== m.uri) {
        state.uri = m.uri;
        saveState();
      }
      if (page.imageInput && page.inputShape) page.imageInput.tensor = imageToInput(page.imageInput.rgba, page.imageInput.w, page.imageInput.h, page.inputShape);
      startRun();
      break;
    case 'cursor':
      setCurrent(m.layer, true);
      break;
    case 'image':
      void useImage(m.name, m.mime, m.bytes);
      break;
    case 'weights':
      useWeights(m.file, m.problem ?? null);
      break;
    case 'model':
      useModel(m.uri, m.model);
      break;
    case 'dynamicSizes':
      useDynamicSizes(m.sizes);
      break;
    case 'error':
      showError(m.message);
      break;
  }
}

interface TestHook {
  text?: string;
  /** How to read the text (an Ultralytics or Darknet file); cnn-yaml when absent. */
  options?: DocumentOptions;
}

function boot(): void {
  startHandlingEvents();
  setupToolbar();
  window.addEventListener('error', (e) => showError(`Preview error: ${e.message}`));
  startWorker();
  const api = {
    load(t: string, options?: DocumentOptions): void {
      page.text = t;
      page.options = options;
      startRun();
    },
    /** Every computed output, whole (a large one the page keeps only in part is computed again). */
    outputs: async (): Promise<Array<{ name: string; shape: number[]; data: number[] } | null>> => {
      const computed = page.layers.filter((l) => page.outputs[l.index]).map((l) => l.index);
      const whole = await wholeOutputs(computed);
      return page.layers.map((l) => {
        const k = computed.indexOf(l.index);
        return k >= 0 ? { name: l.name, shape: whole[k].shape, data: Array.from(whole[k].data) } : null;
      });
    },
    /** What the page keeps of each output: 'whole', or the channels it holds of a large one. */
    kept: () => page.layers.map((l) => (page.outputs[l.index] ? (page.outputs[l.index]!.channels ?? 'whole') : null)),
    input: () => (page.inputTensor ? { shape: page.inputTensor.shape, data: Array.from(page.inputTensor.data) } : null),
    select: (layer: string, channel: number, pos: number[]) => {
      const l = page.layers.find((x) => x.name === layer);
      if (!l) throw new Error(`no layer ${layer}`);
      page.selection = { index: l.index, pos, channel, key: channel };
      showSelection();
    },
    setSeed: (s: number) => {
      state.seed = s;
      $<HTMLInputElement>('seed').value = String(s);
      startRun();
    },
    state: () => state,
  };
  (window as unknown as { convlens: typeof api }).convlens = api;
  if (vscode) {
    window.addEventListener('message', (e) => onHost(e.data));
    vscode.postMessage({ type: 'ready' });
    return;
  }
  const hook = (window as unknown as { __CONVLENS_TEST__?: TestHook }).__CONVLENS_TEST__;
  const q = new URLSearchParams(location.search);
  const t = hook?.text ?? q.get('text');
  if (q.get('seed')) state.seed = Number(q.get('seed')) || 0;
  if (q.get('sample')) state.sample = q.get('sample')!;
  $<HTMLInputElement>('seed').value = String(state.seed);
  if (t) api.load(t, hook?.options ?? undefined);
  else setStatus('standalone page: set window.__CONVLENS_TEST__ = { text } or ?text=');
}

boot();
