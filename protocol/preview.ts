// Messages between the VS Code host (client/src/previewPanel.ts) and the preview page
// (webview/src/main.ts): the contract of two front ends, so it lives with neither. Every message
// that crosses the trust boundary is validated before use.

/** How the document is read (the engine's ReadOptions, as plain data). */
export interface DocumentOptions {
  format?: 'cnn-yaml' | 'ultralytics' | 'darknet' | 'pytorch';
  fileName?: string;
  scale?: string;
  imageSize?: number;
  /** PyTorch: the class analysed, the input shape per sample, and the one used when the file gives none. */
  className?: string;
  inputShape?: number[];
  fallbackInputShape?: number[];
}

/** Host → page. */
export type HostMessage =
  | { type: 'document'; text: string; uri: string; version: number; options?: DocumentOptions }
  | { type: 'cursor'; layer: string | null }
  | { type: 'image'; name: string; mime: string; bytes: Uint8Array }
  /** The weights file to run the network with (null: random weights; `problem`: why a file named for it cannot be used). */
  | { type: 'weights'; file: WeightsFile | null; problem?: string }
  /** An ONNX model file (the custom editor): analysed and run with its own weights. */
  | { type: 'model'; uri: string; model: ModelFile }
  /** The convlens.onnx.inputShape setting changed: sizes for the model's dynamic dimensions (null: none), unless a shape was given for the file. */
  | { type: 'dynamicSizes'; sizes: DynamicSizes | null }
  | { type: 'error'; message: string };

/** A model file the host read for the page: its bytes and those of the external data files it names (by location), and sizes for its dynamic input dimensions. */
export interface ModelFile {
  name: string;
  bytes: Uint8Array;
  externalData: Record<string, Uint8Array>;
  /** The input's shape with or without the batch axis (absent: the file's own sizes, batch 1). */
  inputShape?: number[];
  /** Sizes for the dynamic input dimensions when no inputShape is given (the convlens.onnx.inputShape setting): by position or by the dimension's name. */
  dynamicSizes?: DynamicSizes;
}

/** Sizes for a model's dynamic input dimensions: a shape (with or without the batch axis) or sizes by the dimensions' names. */
export type DynamicSizes = number[] | Record<string, number>;

/** Where a weights file came from: the user's pick, a comment in the network file, the setting, or a file beside the network. */
export type WeightsOrigin = 'picked' | 'comment' | 'setting' | 'beside';

/** A weights file the host read for the page (the page's worker parses it; the page never reads files). */
export interface WeightsFile {
  /** Its file name (the format is told by it and by the bytes). */
  name: string;
  origin: WeightsOrigin;
  bytes: Uint8Array;
}

/** A file the page asks the host to save: a plain file name (no folders) and its bytes. */
export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}

/** Page → host. */
export type PageMessage =
  | { type: 'ready' }
  | { type: 'reveal'; layer: string }
  | { type: 'pickImage' }
  /** "Load weights…": the host asks for a weights file. */
  | { type: 'pickWeights' }
  /** Back to random weights for this network (until weights are loaded again). */
  | { type: 'randomWeights' }
  /** The input shape the user set for a model's dynamic dimensions (remembered by the host). */
  | { type: 'inputShape'; shape: number[] }
  /** A layer's maps as one PNG image. */
  | { type: 'savePng'; file: ExportFile }
  /** Every output as .npy files, saved together in a folder (suggested name `folder`). */
  | { type: 'saveNpy'; folder: string; files: ExportFile[] };

/** How the page shows a layer: each channel's map, or the mean over channels as one map. */
export type LayerView = 'channels' | 'mean';

/** State kept with setState/getState (and restored by the panel serializer). */
export interface PageState {
  uri?: string;
  sample: string;
  seed: number;
  norm: 'map' | 'layer' | 'global';
  pages: Record<string, number>;
  slice: number;
  /** CSS pixels of a map's longer side. */
  tile: number;
  /** Channels by index, or the most active (largest mean |value|) first. */
  order: 'activity' | 'index';
  /** Layers shown as the mean over channels (absent: each channel). */
  views: Record<string, LayerView>;
  /** The network strip beside the maps. */
  graph: boolean;
  /** Groups of layers (a YOLO row, a Darknet section, a block use) opened (true) or closed by the user. */
  groups: Record<string, boolean>;
  /** The network as a table (per layer: output shape, parameters, MACs, receptive field) instead of its maps. */
  table: boolean;
}

export const TILE_MIN = 48;
export const TILE_MAX = 384;

const isObj = (m: unknown): m is Record<string, unknown> => typeof m === 'object' && m !== null && !Array.isArray(m);
const MAX_NAME = 1000;
/** Limits on what the page may ask the host to write. */
export const MAX_PNG_BYTES = 64 * 1024 * 1024;
export const MAX_NPY_BYTES = 2 * 1024 * 1024 * 1024;
export const MAX_NPY_FILES = 10_001; // the engine's 10,000 layers and the input
/** The largest weights file the host sends the page (yolov3.weights is 248 MB). */
export const MAX_WEIGHTS_BYTES = 1024 * 1024 * 1024;
const WEIGHTS_ORIGINS: readonly WeightsOrigin[] = ['picked', 'comment', 'setting', 'beside'];
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** Bytes as a Uint8Array, from a Uint8Array or an array of byte values; otherwise null. */
function bytesOf(b: unknown): Uint8Array | null {
  if (b instanceof Uint8Array) return b;
  return Array.isArray(b) && b.every((x) => Number.isInteger(x) && x >= 0 && x < 256) ? Uint8Array.from(b as number[]) : null;
}

/**
 * A name the host may write into the folder the user chose: one path component of letters,
 * digits, '.', '_', '-' (no separators, no leading dot, so no '..' and no hidden files), with
 * the given extension.
 */
export function isSafeFileName(name: unknown, ext: string): name is string {
  return typeof name === 'string' && name.length <= 255 && /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name) && name.endsWith(ext) && name.length > ext.length;
}

/** A layer (or network) name made into a safe file name with the extension: other characters become '_'. */
export function toSafeFileName(base: string, ext: string): string {
  const name = base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\./, '_').slice(0, 200) || 'output';
  return `${name}${ext}`;
}

function exportFile(f: unknown, ext: string, magic: number[], maxBytes: number): ExportFile | null {
  if (!isObj(f) || !isSafeFileName(f.name, ext)) return null;
  const bytes = bytesOf(f.bytes);
  if (!bytes || bytes.length < magic.length || bytes.length > maxBytes || magic.some((v, i) => bytes[i] !== v)) return null;
  return { name: f.name, bytes };
}

export function parsePageMessage(m: unknown): PageMessage | null {
  if (!isObj(m) || typeof m.type !== 'string') return null;
  switch (m.type) {
    case 'ready':
    case 'pickImage':
    case 'pickWeights':
    case 'randomWeights':
      return { type: m.type };
    case 'inputShape':
      return isInputShape(m.shape) ? { type: 'inputShape', shape: m.shape } : null;
    case 'reveal':
      return typeof m.layer === 'string' && m.layer.length > 0 && m.layer.length <= MAX_NAME ? { type: 'reveal', layer: m.layer } : null;
    case 'savePng': {
      const file = exportFile(m.file, '.png', PNG_MAGIC, MAX_PNG_BYTES);
      return file ? { type: 'savePng', file } : null;
    }
    case 'saveNpy': {
      if (!isSafeFileName(m.folder, '') || !Array.isArray(m.files) || m.files.length === 0 || m.files.length > MAX_NPY_FILES) return null;
      const files: ExportFile[] = [];
      const names = new Set<string>();
      let total = 0;
      for (const f of m.files) {
        const file = exportFile(f, '.npy', NPY_MAGIC, MAX_NPY_BYTES);
        if (!file || names.has(file.name) || (total += file.bytes.length) > MAX_NPY_BYTES) return null;
        names.add(file.name);
        files.push(file);
      }
      return { type: 'saveNpy', folder: m.folder, files };
    }
  }
  return null;
}

/** undefined when absent; null when present but malformed (the message is then refused). */
export function parseDocumentOptions(o: unknown): DocumentOptions | undefined | null {
  if (o === undefined) return undefined;
  if (!isObj(o)) return null;
  const out: DocumentOptions = {};
  if (o.format !== undefined) {
    if (o.format !== 'cnn-yaml' && o.format !== 'ultralytics' && o.format !== 'darknet' && o.format !== 'pytorch') return null;
    out.format = o.format;
  }
  if (o.fileName !== undefined) {
    if (typeof o.fileName !== 'string' || o.fileName.length > MAX_NAME) return null;
    out.fileName = o.fileName;
  }
  if (o.scale !== undefined) {
    if (typeof o.scale !== 'string' || o.scale.length > 16) return null;
    out.scale = o.scale;
  }
  if (o.imageSize !== undefined) {
    if (typeof o.imageSize !== 'number' || !Number.isInteger(o.imageSize) || o.imageSize < 1 || o.imageSize > 8192) return null;
    out.imageSize = o.imageSize;
  }
  if (o.className !== undefined) {
    if (typeof o.className !== 'string' || o.className.length > MAX_NAME) return null;
    out.className = o.className;
  }
  for (const key of ['inputShape', 'fallbackInputShape'] as const) {
    const s = o[key];
    if (s === undefined) continue;
    if (!Array.isArray(s) || s.length < 2 || s.length > 4 || !s.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 1_000_000)) return null;
    out[key] = s;
  }
  return out;
}

export function parseHostMessage(m: unknown): HostMessage | null {
  if (!isObj(m) || typeof m.type !== 'string') return null;
  switch (m.type) {
    case 'document': {
      if (typeof m.text !== 'string' || typeof m.uri !== 'string' || typeof m.version !== 'number') return null;
      const options = parseDocumentOptions(m.options);
      if (options === null) return null;
      return { type: 'document', text: m.text, uri: m.uri, version: m.version, ...(options ? { options } : {}) };
    }
    case 'cursor':
      return m.layer === null || (typeof m.layer === 'string' && m.layer.length <= MAX_NAME) ? { type: 'cursor', layer: m.layer as string | null } : null;
    case 'image': {
      const bytes = bytesOf(m.bytes);
      return bytes && typeof m.name === 'string' && typeof m.mime === 'string' && /^image\/(png|jpeg)$/.test(m.mime) ? { type: 'image', name: m.name, mime: m.mime, bytes } : null;
    }
    case 'weights': {
      if (m.file === null) {
        if (m.problem === undefined) return { type: 'weights', file: null };
        return typeof m.problem === 'string' && m.problem.length <= 4 * MAX_NAME ? { type: 'weights', file: null, problem: m.problem } : null;
      }
      const f = m.file;
      if (!isObj(f) || typeof f.name !== 'string' || f.name.length === 0 || f.name.length > MAX_NAME || !WEIGHTS_ORIGINS.includes(f.origin as WeightsOrigin)) return null;
      // Only a real byte array: a weights file is far too large to come as an array of numbers.
      if (!(f.bytes instanceof Uint8Array) || f.bytes.length > MAX_WEIGHTS_BYTES) return null;
      return { type: 'weights', file: { name: f.name, origin: f.origin as WeightsOrigin, bytes: f.bytes } };
    }
    case 'model': {
      const model = parseModelFile(m.model);
      return model && typeof m.uri === 'string' && m.uri.length <= 4 * MAX_NAME ? { type: 'model', uri: m.uri, model } : null;
    }
    case 'dynamicSizes':
      return m.sizes === null || isDynamicSizes(m.sizes) ? { type: 'dynamicSizes', sizes: m.sizes } : null;
    case 'error':
      return typeof m.message === 'string' ? { type: 'error', message: m.message } : null;
  }
  return null;
}

/** An input shape (with or without the batch axis): 1 to 6 sizes, each 1 to 999,999. */
export function isInputShape(v: unknown): v is number[] {
  return Array.isArray(v) && v.length >= 1 && v.length <= 6 && v.every((d) => Number.isInteger(d) && d > 0 && d < 1e6);
}

/** The input shape a user types (`1x3x224x224`, `3×224×224`, `3, 224, 224`); null when it is not one. */
export function parseInputShape(text: string): number[] | null {
  const shape = text.trim().split(/\s*[x×,]\s*/).map(Number);
  return isInputShape(shape) ? shape : null;
}

const isSize = (d: unknown): d is number => Number.isInteger(d) && (d as number) > 0 && (d as number) < 1e6;
const MAX_DIM_NAME = 100;

function isDynamicSizes(v: unknown): v is DynamicSizes {
  if (Array.isArray(v)) return isInputShape(v);
  if (!isObj(v)) return false;
  const entries = Object.entries(v);
  return entries.length >= 1 && entries.length <= 6 && entries.every(([k, d]) => k.length >= 1 && k.length <= MAX_DIM_NAME && isSize(d));
}

/**
 * The convlens.onnx.inputShape setting: a shape (`1x3x224x224`, `3x224x224`) whose sizes fill a
 * model's dynamic dimensions by position, or sizes by the dimensions' names in the file
 * (`height=320, width=320`, `batch=1`). '' is no setting (undefined); null: not one of these.
 */
export function parseDynamicSizes(text: string): DynamicSizes | undefined | null {
  const t = text.trim();
  if (!t) return undefined;
  if (!t.includes('=')) return parseInputShape(t);
  const out: Record<string, number> = {};
  for (const part of t.split(/\s*[,;]\s*/)) {
    const m = /^([^=\s][^=]*?)\s*=\s*(\d+)$/.exec(part.trim());
    if (!m || Object.hasOwn(out, m[1])) return null;
    out[m[1]] = Number(m[2]);
  }
  return isDynamicSizes(out) ? out : null;
}

function parseModelFile(f: unknown): ModelFile | null {
  if (!isObj(f) || typeof f.name !== 'string' || f.name.length === 0 || f.name.length > MAX_NAME) return null;
  // Only real byte arrays: a model is far too large to come as an array of numbers.
  if (!(f.bytes instanceof Uint8Array) || f.bytes.length > MAX_WEIGHTS_BYTES || !isObj(f.externalData)) return null;
  const externalData: Record<string, Uint8Array> = {};
  let total = f.bytes.length;
  for (const [location, bytes] of Object.entries(f.externalData)) {
    if (location.length > MAX_NAME || !(bytes instanceof Uint8Array) || (total += bytes.length) > MAX_WEIGHTS_BYTES) return null;
    externalData[location] = bytes;
  }
  let inputShape: number[] | undefined;
  if (f.inputShape !== undefined) {
    if (!isInputShape(f.inputShape)) return null;
    inputShape = f.inputShape;
  }
  let dynamicSizes: DynamicSizes | undefined;
  if (f.dynamicSizes !== undefined) {
    if (!isDynamicSizes(f.dynamicSizes)) return null;
    dynamicSizes = f.dynamicSizes;
  }
  return { name: f.name, bytes: f.bytes, externalData, ...(inputShape ? { inputShape } : {}), ...(dynamicSizes ? { dynamicSizes } : {}) };
}
