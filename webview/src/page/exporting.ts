// Export from the page: a layer's maps as one PNG image (every channel in the order shown, with
// the page's colours and scale, or the mean over channels), and every output as .npy files.
// In VS Code the page sends the bytes to the host, which asks where to save them (a webview
// cannot download); a standalone page downloads them.
import { writeNpy } from '../../../kernels/runtime/npy';
import { toSafeFileName, type ExportFile } from '../../../protocol/preview';
import { colourize } from '../render/heatmap';
import { rangeOf } from '../render/channels';
import { page, state, vscode } from './state';
import { fmt } from './format';
import { setStatus, showError } from './status';
import type { Tensor } from '../../../kernels';
import { wholeOutputs } from './recompute';
import { channelOrderOf, colormapOf, fixedScaleOf, meanOf, sliceOf, statsOf, tensorOf } from './data';

/** Largest PNG this composes (pixels); beyond, the maps are drawn smaller, down to 1:1. */
const MAX_PNG_PIXELS = 16 << 20;
const TILE_TARGET = 128; // pixels of a map's longer side when it is small enough to enlarge
const GAP = 4;
const LABEL_H = 14;
const HEADER_H = 22;

/** The network's file name without its extension ('network' outside VS Code). */
function networkStem(): string {
  const file = decodeURIComponent(state.uri?.split('/').pop() ?? '') || 'network';
  return file.replace(/\.(cnn\.ya?ml|ya?ml|cfg)$/i, '') || 'network';
}

function download(file: ExportFile, mime: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([file.bytes as BlobPart], { type: mime }));
  a.download = file.name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

interface MapPart {
  label: string;
  data: ArrayLike<number>;
  offset: number;
}

/** The maps a layer's PNG holds, as shown: each channel in the page's order, or the mean. */
function partsOf(index: number, key: string, t: Tensor | undefined): { parts: MapPart[]; W: number; H: number } | null {
  if (!t) return null;
  const rank = t.shape.length - 1;
  const C = t.shape[0];
  if (rank === 0) return { parts: [{ label: '', data: t.data, offset: 0 }], W: C, H: 1 };
  const sp = t.shape.slice(1);
  const W = sp[rank - 1];
  const H = rank === 1 ? 1 : sp[rank - 2];
  const per = sp.reduce((a, b) => a * b, 1);
  const slice = rank === 3 ? sliceOf(sp[0]) * H * W : 0;
  if (C > 1 && state.views[key] === 'mean') return { parts: [{ label: 'mean', data: meanOf(index)!, offset: slice }], W, H };
  return { parts: channelOrderOf(index).map((c) => ({ label: String(c), data: t.data, offset: c * per + slice })), W, H };
}

/** Draws the layer's maps on one canvas: a title line, then a grid of labelled maps. */
function composeLayer(index: number, t: Tensor | undefined): HTMLCanvasElement | string {
  const layer = index < 0 ? null : page.layers[index];
  const key = layer ? layer.name : 'input';
  const got = partsOf(index, key, t);
  if (!got) return `${key} is not computed yet`;
  const { parts, W, H } = got;
  const s = statsOf(index);
  const map = colormapOf(s);
  const fixed = state.norm === 'map' ? null : fixedScaleOf(s);
  // Whole pixels per value; a 1-D map (one row) is drawn at least 12 pixels tall.
  let z = Math.max(1, Math.min(16, Math.floor(TILE_TARGET / Math.max(W, H))));
  const size = (zz: number) => {
    const tw = W * zz;
    const th = H === 1 ? Math.max(zz, 12) : H * zz;
    const cols = Math.max(1, Math.min(parts.length, Math.round(Math.sqrt((parts.length * (th + GAP + LABEL_H)) / (tw + GAP)))));
    const rows = Math.ceil(parts.length / cols);
    return { tw, th, cols, width: Math.max(cols * (tw + GAP) + GAP, 480), height: HEADER_H + rows * (th + GAP + LABEL_H) + GAP };
  };
  while (z > 1 && size(z).width * size(z).height > MAX_PNG_PIXELS) z--;
  const { tw, th, cols, width, height } = size(z);
  if (width * height > 4 * MAX_PNG_PIXELS) return `${key} has too many values for one PNG (${Math.round((width * height) / 1e6)} megapixels); save the outputs as .npy instead`;
  const canvas = document.createElement('canvas');
  [canvas.width, canvas.height] = [width, height];
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000';
  ctx.font = '12px sans-serif';
  ctx.textBaseline = 'middle';
  const shape = layer ? layer.shape ?? [] : page.inputShape ?? [];
  const scaleText = fixed === null ? `each map scaled to its own ${map === 'viridis' ? 'max' : 'max |value|'}` : map === 'viridis' ? `0 to ${fmt(fixed)}` : `${fmt(-fixed)} to ${fmt(fixed)}`;
  const orderText = parts.length > 1 ? (state.order === 'index' ? ' · channels by index' : ' · most active channels first') : '';
  ctx.fillText(`${key} (${layer ? layer.kind : 'input'}) [${shape.join(', ')}] · ${map}, ${scaleText}${orderText}`, GAP, HEADER_H / 2);
  const one = document.createElement('canvas');
  [one.width, one.height] = [W, H];
  const oneCtx = one.getContext('2d')!;
  const img = oneCtx.createImageData(W, H);
  const words = new Uint32Array(img.data.buffer);
  ctx.imageSmoothingEnabled = false;
  parts.forEach((p, i) => {
    const r = rangeOf(p.data, p.offset, p.offset + W * H);
    colourize(p.data, p.offset, W * H, fixed ?? Math.max(Math.abs(r.min), Math.abs(r.max), 1e-30), words, map);
    oneCtx.putImageData(img, 0, 0);
    const x = GAP + (i % cols) * (tw + GAP);
    const y = HEADER_H + Math.floor(i / cols) * (th + GAP + LABEL_H);
    ctx.drawImage(one, 0, 0, W, H, x, y, tw, th);
    if (p.label) ctx.fillText(p.label, x, y + th + LABEL_H / 2);
  });
  return canvas;
}

/** Saves a layer's maps as a PNG image. */
export async function saveLayerPng(index: number): Promise<void> {
  // Every channel: the page may hold only the shown ones of a large output (recompute.ts).
  const kept = tensorOf(index);
  const t = kept?.channels ? (await wholeOutputs([index]))[0] : kept;
  const canvas = composeLayer(index, t);
  if (typeof canvas === 'string') return showError(`Cannot save the PNG: ${canvas}`);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) return showError('Cannot save the PNG: the browser could not encode it');
  const name = index < 0 ? 'input' : page.layers[index].name;
  const file = { name: toSafeFileName(`${networkStem()}-${name}`, '.png'), bytes: new Uint8Array(await blob.arrayBuffer()) };
  if (vscode) {
    vscode.postMessage({ type: 'savePng', file });
    setStatus(`${file.name}: choose where to save it`);
  } else download(file, 'image/png');
}

/** Saves the input and every computed output as .npy files (float32, channels first, no batch axis). */
export async function saveAllNpy(): Promise<void> {
  if (document.body.dataset.status !== 'done') return showError('Save .npy: wait for the run to finish.');
  const run = page.runId;
  // Large outputs are kept as their shown channels: the worker computes them again, whole.
  const computed = page.layers.filter((l) => page.outputs[l.index]).map((l) => l.index);
  const partial = computed.filter((i) => page.outputs[i]!.channels);
  if (partial.length) setStatus(`computing ${partial.length} outputs again to save them…`);
  const whole = new Map<number, Tensor>();
  (await wholeOutputs(partial)).forEach((t, k) => whole.set(partial[k], t));
  if (run !== page.runId) return;
  const files: ExportFile[] = [];
  const taken = new Set<string>();
  const add = (base: string, bytes: Uint8Array): void => {
    let name = toSafeFileName(base, '.npy');
    for (let k = 2; taken.has(name); k++) name = toSafeFileName(`${base}-${k}`, '.npy');
    taken.add(name);
    files.push({ name, bytes });
  };
  if (page.inputTensor) add('input', writeNpy(page.inputTensor));
  for (const i of computed) add(page.layers[i].name, writeNpy(whole.get(i) ?? page.outputs[i]!));
  const folder = toSafeFileName(`${networkStem()}-outputs`, '');
  if (vscode) {
    vscode.postMessage({ type: 'saveNpy', folder, files });
    setStatus(`${files.length} .npy files: choose the folder to create`);
  } else for (const f of files) download(f, 'application/octet-stream');
}
