// Messages between the VS Code host (client/src/previewPanel.ts) and the preview page
// (webview/src/main.ts): the contract of two front ends, so it lives with neither. Every message
// that crosses the trust boundary is validated before use.

/** How the document is read (the engine's ReadOptions, as plain data). */
export interface DocumentOptions {
  format?: 'cnn-yaml' | 'ultralytics' | 'darknet';
  fileName?: string;
  scale?: string;
  imageSize?: number;
}

/** Host → page. */
export type HostMessage =
  | { type: 'document'; text: string; uri: string; version: number; options?: DocumentOptions }
  | { type: 'cursor'; layer: string | null }
  | { type: 'image'; name: string; mime: string; bytes: Uint8Array }
  | { type: 'error'; message: string };

/** Page → host. */
export type PageMessage =
  | { type: 'ready' }
  | { type: 'reveal'; layer: string }
  | { type: 'pickImage' };

/** State kept with setState/getState (and restored by the panel serializer). */
export interface PageState {
  uri?: string;
  sample: string;
  seed: number;
  norm: 'map' | 'layer' | 'global';
  pages: Record<string, number>;
  slice: number;
}

const isObj = (m: unknown): m is Record<string, unknown> => typeof m === 'object' && m !== null && !Array.isArray(m);
const MAX_NAME = 1000;

export function parsePageMessage(m: unknown): PageMessage | null {
  if (!isObj(m) || typeof m.type !== 'string') return null;
  switch (m.type) {
    case 'ready':
    case 'pickImage':
      return { type: m.type };
    case 'reveal':
      return typeof m.layer === 'string' && m.layer.length > 0 && m.layer.length <= MAX_NAME ? { type: 'reveal', layer: m.layer } : null;
  }
  return null;
}

/** undefined when absent; null when present but malformed (the message is then refused). */
export function parseDocumentOptions(o: unknown): DocumentOptions | undefined | null {
  if (o === undefined) return undefined;
  if (!isObj(o)) return null;
  const out: DocumentOptions = {};
  if (o.format !== undefined) {
    if (o.format !== 'cnn-yaml' && o.format !== 'ultralytics' && o.format !== 'darknet') return null;
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
      const b = m.bytes;
      const bytes = b instanceof Uint8Array ? b : Array.isArray(b) && b.every((x) => Number.isInteger(x) && x >= 0 && x < 256) ? Uint8Array.from(b as number[]) : null;
      return bytes && typeof m.name === 'string' && typeof m.mime === 'string' && /^image\/(png|jpeg)$/.test(m.mime) ? { type: 'image', name: m.name, mime: m.mime, bytes } : null;
    }
    case 'error':
      return typeof m.message === 'string' ? { type: 'error', message: m.message } : null;
  }
  return null;
}
