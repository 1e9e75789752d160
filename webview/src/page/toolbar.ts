// The toolbar: input sample or image (the impulse one click away), seed, normalisation, channel
// order, tile size, 3-D slice, the network strip, and saving every output as .npy. Its controls
// show the state and report changes to events.ts.
import { samplesFor } from '../../../kernels/runtime/samples';
import type { PageState } from '../../../protocol/preview';
import { $, DEFAULT_SAMPLE, page, state, vscode } from './state';
import { emit } from './events';

/** Fills the input list with the samples for the network's rank (and the picked image). */
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

/** Shows whether the table is on (instead of the maps). */
export function showTableToggle(): void {
  $('table-toggle').setAttribute('aria-pressed', String(state.table));
  document.body.classList.toggle('table-view', state.table);
}

/**
 * A model file (ONNX) brings its own weights and may leave input dimensions dynamic: the input
 * shape control instead of Load weights… and the seed, filled with the shape the analysis used.
 */
export function showModelControls(): void {
  const model = page.model;
  $('input-shape-label').hidden = !model;
  // The seed draws random weights: a model runs with its own.
  $('seed').parentElement!.hidden = $('reseed').hidden = !!model;
  if (model) $('load-weights').hidden = true;
  const field = $<HTMLInputElement>('input-shape');
  if (model && document.activeElement !== field) field.value = (model.inputShape ?? (page.inputShape ? [1, ...page.inputShape] : [])).join('x');
}

/** Shows whether the network strip is on. */
export function showGraphToggle(): void {
  $('graph-toggle').setAttribute('aria-pressed', String(state.graph));
}

export function setupToolbar(): void {
  const sel = $<HTMLSelectElement>('sample');
  sel.addEventListener('change', () => emit({ type: 'sample', name: sel.value }));
  $('impulse').addEventListener('click', () => emit({ type: 'impulse' }));
  const seed = $<HTMLInputElement>('seed');
  seed.value = String(state.seed);
  seed.addEventListener('change', () => {
    const v = Number(seed.value);
    if (Number.isInteger(v) && v >= 0) emit({ type: 'seed', seed: v });
    else seed.value = String(state.seed);
  });
  $('reseed').addEventListener('click', () => emit({ type: 'reseed' }));
  const norm = $<HTMLSelectElement>('norm');
  norm.value = state.norm;
  norm.addEventListener('change', () => emit({ type: 'setting', key: 'norm', value: norm.value as PageState['norm'] }));
  const order = $<HTMLSelectElement>('order');
  order.value = state.order;
  order.addEventListener('change', () => emit({ type: 'setting', key: 'order', value: order.value as PageState['order'] }));
  const size = $<HTMLInputElement>('tile-size');
  size.value = String(state.tile);
  size.addEventListener('input', () => emit({ type: 'tileSize', size: Number(size.value), done: false }));
  // Line plots are drawn at their size: they are redrawn once the slider is let go.
  size.addEventListener('change', () => emit({ type: 'tileSize', size: Number(size.value), done: true }));
  const slice = $<HTMLInputElement>('slice');
  slice.value = String(state.slice);
  slice.addEventListener('input', () => emit({ type: 'setting', key: 'slice', value: Number(slice.value) }));
  showGraphToggle();
  showTableToggle();
  $('table-toggle').addEventListener('click', () => emit({ type: 'toggleTable' }));
  $('graph-toggle').addEventListener('click', () => emit({ type: 'toggleGraph' }));
  $('save-npy').addEventListener('click', () => emit({ type: 'saveNpy' }));
  const loadWeights = $('load-weights');
  loadWeights.hidden = !vscode;
  loadWeights.addEventListener('click', () => emit({ type: 'pickWeights' }));
  $('random-weights').addEventListener('click', () => emit({ type: 'randomWeights' }));
  const inputShape = $<HTMLInputElement>('input-shape');
  inputShape.addEventListener('change', () => emit({ type: 'inputShape', text: inputShape.value }));
  const pick = $('pick-image');
  pick.hidden = !vscode;
  pick.addEventListener('click', () => emit({ type: 'pickImage' }));
  let refit = false;
  window.addEventListener('resize', () => {
    if (refit) return;
    refit = true;
    requestAnimationFrame(() => {
      refit = false;
      emit({ type: 'resize' });
    });
  });
}
