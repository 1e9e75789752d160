// The one place the page's events (events.ts) are handled: each changes the state, then asks
// the layout and paint modules to show it, or starts a run.
import { imageToInput } from '../../../kernels/runtime/samples';
import { page, state, saveState, vscode } from './state';
import { handleEvents, type PageEvent } from './events';
import { showError } from './status';
import { revealSection, scrollToSection } from './sections';
import { refitZoomed, resizeTiles } from './tiles';
import { renderMaps, rerenderAll } from './maps';
import { selectionAt, showSelection } from './selection';
import { setCurrent, showGraph } from './graph';
import { openMatrix } from './matrix';
import { saveAllNpy, saveLayerPng } from './exporting';
import { fillSamples, showGraphToggle, showModelControls, showTableToggle } from './toolbar';
import { showLayerDetails } from './table';
import { post } from './workerLink';
import { startRun } from './run';
import { parseInputShape, type DynamicSizes, type ModelFile, type WeightsFile } from '../../../protocol/preview';

function useSample(name: string): void {
  state.sample = name;
  saveState();
  fillSamples();
  startRun();
}

function onEvent(e: PageEvent): void {
  switch (e.type) {
    case 'reveal':
      vscode?.postMessage({ type: 'reveal', layer: e.layer });
      break;
    case 'openMatrix':
      void openMatrix(e.index);
      break;
    case 'toggleView':
      if (state.views[e.layer] === 'mean') delete state.views[e.layer];
      else state.views[e.layer] = 'mean';
      saveState();
      renderMaps(e.index);
      break;
    case 'savePng':
      void saveLayerPng(e.index);
      break;
    case 'turnPage':
      state.pages[e.layer] = e.shown;
      saveState();
      renderMaps(e.index);
      break;
    case 'select':
      page.selection = selectionAt(e.index, e.key, e.x, e.y);
      if (e.index >= 0) setCurrent(page.layers[e.index].name, false);
      showSelection();
      break;
    case 'toggleGroup':
      state.groups[e.group] = e.open;
      saveState();
      break;
    case 'goTo':
      {
        const sec = revealSection(e.index);
        if (sec) scrollToSection(sec);
      }
      if (e.index >= 0) setCurrent(page.layers[e.index].name, false);
      break;
    case 'sample':
      useSample(e.name);
      break;
    case 'impulse':
      if (state.sample !== 'impulse') {
        page.sampleBeforeImpulse = state.sample;
        useSample('impulse');
      } else useSample(page.sampleBeforeImpulse);
      break;
    case 'seed':
      state.seed = e.seed;
      saveState();
      startRun();
      break;
    case 'reseed':
      state.seed = Math.floor(Math.random() * 1e9);
      (document.getElementById('seed') as HTMLInputElement).value = String(state.seed);
      saveState();
      startRun();
      break;
    case 'setting':
      if (e.key === 'slice') state.slice = e.value;
      else if (e.key === 'norm') state.norm = e.value;
      else state.order = e.value;
      saveState();
      rerenderAll();
      break;
    case 'tileSize':
      state.tile = e.size;
      saveState();
      if (!e.done) resizeTiles();
      else if (page.inputShape?.length === 2) rerenderAll();
      break;
    case 'toggleGraph':
      state.graph = !state.graph;
      showGraphToggle();
      saveState();
      showGraph(state.graph);
      break;
    case 'toggleTable':
      state.table = !state.table;
      saveState();
      showTableToggle();
      break;
    case 'showLayer':
      showLayerDetails(e.index);
      askWeightStats(page.layers[e.index].name);
      setCurrent(page.layers[e.index].name, false);
      break;
    case 'saveNpy':
      void saveAllNpy();
      break;
    case 'pickImage':
      vscode?.postMessage({ type: 'pickImage' });
      break;
    case 'pickWeights':
      vscode?.postMessage({ type: 'pickWeights' });
      break;
    case 'randomWeights':
      vscode?.postMessage({ type: 'randomWeights' });
      useWeights(null);
      break;
    case 'inputShape':
      setInputShape(e.text);
      break;
    case 'resize':
      refitZoomed();
      break;
  }
}

/** Asks the worker for a layer's tensors' statistics when the run's weights file gives it tensors (once per run). */
function askWeightStats(layer: string): void {
  const w = page.weightsInfo;
  if (!w || w.problem || !w.layers.includes(layer) || page.weightStats.has(layer)) return;
  page.weightStats.set(layer, 'asked');
  post({ type: 'weightStats', id: page.runId, layer });
}

/** Handles the page's events from now on. */
export function startHandlingEvents(): void {
  handleEvents(onEvent);
}

/** Runs the network with a weights file from the host (its bytes move to the worker), or with random weights. */
export function useWeights(file: WeightsFile | null, problem: string | null = null): void {
  page.weights = file && { name: file.name, origin: file.origin };
  page.weightsProblem = problem;
  post({ type: 'weights', file: file && { name: file.name, bytes: file.bytes } }, file && file.bytes.buffer instanceof ArrayBuffer ? [file.bytes.buffer] : []);
  if (page.text) startRun(); // the host may send weights before the document
}

/**
 * Shows a model file (ONNX) from the host: its bytes move to the worker, which analyses it and
 * runs it with its own weights. A model opened for the first time opens on its table.
 */
export function useModel(uri: string, model: ModelFile): void {
  if (state.uri !== uri) {
    state.uri = uri;
    state.table = true;
    saveState();
    showTableToggle();
  }
  page.text = '';
  page.model = { name: model.name, inputShape: model.inputShape, dynamicSizes: model.dynamicSizes };
  const transfer = [model.bytes, ...Object.values(model.externalData)].map((b) => b.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  post({ type: 'model', model: { name: model.name, bytes: model.bytes, externalData: model.externalData } }, [...new Set(transfer)]);
  showModelControls();
  startRun();
}

/** New sizes for the model's dynamic dimensions (the setting changed): a re-run, unless a shape was given for the file. */
export function useDynamicSizes(sizes: DynamicSizes | null): void {
  if (!page.model) return;
  page.model.dynamicSizes = sizes ?? undefined;
  if (!page.model.inputShape) startRun();
}

/** The input shape the user typed for a model: runs with it (and the host remembers it), or says what is wrong with it. */
function setInputShape(text: string): void {
  if (!page.model) return;
  const shape = parseInputShape(text);
  if (!shape) {
    showError(`Input shape '${text}' is not one: give sizes like 1x3x224x224 or 3x224x224.`);
    return;
  }
  page.model.inputShape = shape;
  vscode?.postMessage({ type: 'inputShape', shape });
  startRun();
}

/** Uses a picture (from the host) as the input. */
export async function useImage(name: string, mime: string, bytes: Uint8Array): Promise<void> {
  try {
    const bmp = await createImageBitmap(new Blob([bytes as BlobPart], { type: mime }));
    const cv = document.createElement('canvas');
    cv.width = bmp.width;
    cv.height = bmp.height;
    const ctx = cv.getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const rgba = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    page.imageInput = { name, rgba, w: bmp.width, h: bmp.height, tensor: page.inputShape ? imageToInput(rgba, bmp.width, bmp.height, page.inputShape) : null };
    useSample('image');
  } catch (err) {
    showError(`Cannot read the image ${name}: ${(err as Error).message}`);
  }
}
