// The toolbar: input sample or image, seed, normalisation, 3-D slice; and the layer under the
// editor's cursor.
import type { PageState } from '../../../protocol/preview';
import { samplesFor, imageToInput } from '../../../kernels/runtime/samples';
import { $, page, state, saveState, vscode } from './state';
import { rerenderAll, sectionOf, showError } from './sections';
import { startRun } from './run';

export function fillSamples(): void {
  const sel = $<HTMLSelectElement>('sample');
  const rank = page.inputShape ? page.inputShape.length - 1 : 2;
  const names = samplesFor(rank);
  if (!names.some((s) => s.name === state.sample) && !(state.sample === 'image' && page.imageInput)) state.sample = 'impulse';
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
}

export function setupToolbar(): void {
  const sel = $<HTMLSelectElement>('sample');
  sel.addEventListener('change', () => {
    state.sample = sel.value;
    saveState();
    startRun();
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
  const norm = $<HTMLSelectElement>('norm');
  norm.value = state.norm;
  norm.addEventListener('change', () => {
    state.norm = norm.value as PageState['norm'];
    saveState();
    rerenderAll();
  });
  const slice = $<HTMLInputElement>('slice');
  slice.value = String(state.slice);
  slice.addEventListener('input', () => {
    state.slice = Number(slice.value);
    saveState();
    rerenderAll();
  });
  const pick = $('pick-image');
  pick.hidden = !vscode;
  pick.addEventListener('click', () => vscode?.postMessage({ type: 'pickImage' }));
}

export function highlightCursor(): void {
  for (const s of Array.from(document.querySelectorAll('section.layer.current'))) s.classList.remove('current');
  if (!page.cursorLayer) return;
  const l = page.layers.find((x) => x.name === page.cursorLayer);
  const sec = l ? sectionOf(l.index) : null;
  if (sec) {
    sec.classList.add('current');
    sec.scrollIntoView({ block: 'nearest' });
  }
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
    state.sample = 'image';
    fillSamples();
    startRun();
  } catch (err) {
    showError(`Cannot read the image ${name}: ${(err as Error).message}`);
  }
}
