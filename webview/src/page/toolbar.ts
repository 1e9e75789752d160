// The toolbar: input sample or image (the impulse one click away), seed, normalisation, channel
// order, tile size, 3-D slice, the network strip, and saving every output as .npy.
import type { PageState } from '../../../protocol/preview';
import { samplesFor, imageToInput } from '../../../kernels/runtime/samples';
import { $, DEFAULT_SAMPLE, page, state, saveState, vscode } from './state';
import { rerenderAll, showError } from './sections';
import { refitZoomed, resizeTiles } from './tiles';
import { showGraph } from './graph';
import { saveAllNpy } from './exporting';
import { startRun } from './run';

export function fillSamples(): void {
  const sel = $<HTMLSelectElement>('sample');
  const rank = page.inputShape ? page.inputShape.length - 1 : 2;
  const names = samplesFor(rank);
  if (!names.some((s) => s.name === state.sample) && !(state.sample === 'image' && page.imageInput)) state.sample = DEFAULT_SAMPLE;
  sel.textContent = '';
  for (const s of names) {
    const o = document.createElement('option');
    o.value = s.name;
    o.textContent = s.label;
    sel.appendChild(o);
  }
  if (page.imageInput) {
    const o = document.createElement('option');
    o.value = 'image';
    o.textContent = `image: ${page.imageInput.name}`;
    sel.appendChild(o);
  }
  sel.value = state.sample;
  $('impulse').setAttribute('aria-pressed', String(state.sample === 'impulse'));
}

function useSample(name: string): void {
  state.sample = name;
  saveState();
  fillSamples();
  startRun();
}

/** A select bound to a state field: a change keeps it and repaints the maps. */
function bindSelect<K extends 'norm' | 'order'>(id: string, key: K): void {
  const sel = $<HTMLSelectElement>(id);
  sel.value = state[key];
  sel.addEventListener('change', () => {
    state[key] = sel.value as PageState[K];
    saveState();
    rerenderAll();
  });
}

export function setupToolbar(): void {
  const sel = $<HTMLSelectElement>('sample');
  sel.addEventListener('change', () => useSample(sel.value));
  $('impulse').addEventListener('click', () => {
    if (state.sample !== 'impulse') {
      page.sampleBeforeImpulse = state.sample;
      useSample('impulse');
    } else useSample(page.sampleBeforeImpulse);
  });
  const seed = $<HTMLInputElement>('seed');
  seed.value = String(state.seed);
  seed.addEventListener('change', () => {
    const v = Number(seed.value);
    if (Number.isInteger(v) && v >= 0) {
      state.seed = v;
      saveState();
      startRun();
    } else seed.value = String(state.seed);
  });
  $('reseed').addEventListener('click', () => {
    state.seed = Math.floor(Math.random() * 1e9);
    seed.value = String(state.seed);
    saveState();
    startRun();
  });
  bindSelect('norm', 'norm');
  bindSelect('order', 'order');
  const size = $<HTMLInputElement>('tile-size');
  size.value = String(state.tile);
  size.addEventListener('input', () => {
    state.tile = Number(size.value);
    saveState();
    resizeTiles();
  });
  // Line plots are drawn at their size: redraw them once the slider is let go.
  size.addEventListener('change', () => page.inputShape?.length === 2 && rerenderAll());
  const slice = $<HTMLInputElement>('slice');
  slice.value = String(state.slice);
  slice.addEventListener('input', () => {
    state.slice = Number(slice.value);
    saveState();
    rerenderAll();
  });
  const graph = $('graph-toggle');
  graph.setAttribute('aria-pressed', String(state.graph));
  graph.addEventListener('click', () => {
    state.graph = !state.graph;
    graph.setAttribute('aria-pressed', String(state.graph));
    saveState();
    showGraph(state.graph);
  });
  $('save-npy').addEventListener('click', saveAllNpy);
  const pick = $('pick-image');
  pick.hidden = !vscode;
  pick.addEventListener('click', () => vscode?.postMessage({ type: 'pickImage' }));
  let refit = false;
  window.addEventListener('resize', () => {
    if (refit) return;
    refit = true;
    requestAnimationFrame(() => {
      refit = false;
      refitZoomed();
    });
  });
}

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
