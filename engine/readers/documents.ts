// Which documents are networks, and how to read them, as the editor sees them: ConvLens's own
// language ids (cnn-yaml, ultralytics-yaml, darknet-cfg) name the format; a plain YAML file is an
// Ultralytics model only when it looks like one (top-level `backbone:` and `head:`), so other
// YAML is left alone; any other document is recognised by its name and first lines (formatOf).
import type { NetworkFormat, TextNetworkFormat } from '../types';
import { formatOf, looksPytorch, looksUltralytics, type ReadOptions } from '.';
import { parseShapeText } from './pytorch/input';

export const LANGUAGE_FORMATS: Readonly<Record<string, TextNetworkFormat>> = {
  'cnn-yaml': 'cnn-yaml',
  'ultralytics-yaml': 'ultralytics',
  'darknet-cfg': 'darknet',
};

/** How documents in ambiguous languages are read (the `convlens.ultralytics.*` settings). */
export interface FormatSettings {
  /** Read plain YAML files with `backbone:` and `head:` as Ultralytics models. */
  detectUltralytics: boolean;
  /** Ultralytics: the scale when the file name carries none ('' = Ultralytics' rule: the first). */
  scale: string;
  /** Ultralytics: the image size the model is analysed at. */
  imageSize: number;
  /** Read Python files that define nn.Module subclasses (convlens.pytorch.enabled). */
  pytorch: boolean;
  /** PyTorch: the input shape per sample when the file gives none (convlens.pytorch.inputShape). */
  pytorchInputShape?: number[];
}

export const DEFAULT_FORMAT_SETTINGS: FormatSettings = { detectUltralytics: true, scale: '', imageSize: 640, pytorch: true };

/** The `convlens.ultralytics` and `convlens.pytorch` settings objects, validated (anything else falls back to the defaults). */
export function parseFormatSettings(raw: unknown, rawPytorch?: unknown): FormatSettings {
  const u = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const p = (rawPytorch && typeof rawPytorch === 'object' ? rawPytorch : {}) as Record<string, unknown>;
  const d = DEFAULT_FORMAT_SETTINGS;
  const size = u.imageSize;
  const shape = typeof p.inputShape === 'string' ? parseShapeText(p.inputShape) : undefined;
  return {
    detectUltralytics: typeof u.detect === 'boolean' ? u.detect : d.detectUltralytics,
    scale: typeof u.scale === 'string' && /^[a-z0-9-]{0,16}$/i.test(u.scale) ? u.scale : d.scale,
    imageSize: typeof size === 'number' && Number.isInteger(size) && size >= 32 && size <= 8192 ? size : d.imageSize,
    pytorch: typeof p.enabled === 'boolean' ? p.enabled : d.pytorch,
    ...(shape ? { pytorchInputShape: shape } : {}),
  };
}

/** The file name of a document URI or path. */
export function fileNameOf(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** How to read a document, or undefined when it is not a network ConvLens reads. */
export function documentOptions(languageId: string, uri: string, text: string, settings: FormatSettings, chosenScale?: string, chosenModel?: string): ReadOptions | undefined {
  const fileName = fileNameOf(uri);
  const pytorch = (): ReadOptions => ({ format: 'pytorch', fileName, ...(settings.pytorchInputShape ? { fallbackInputShape: settings.pytorchInputShape } : {}), ...(chosenModel ? { className: chosenModel } : {}) });
  // Python belongs to other extensions too: only files that define nn.Module subclasses are read, and not at all when switched off.
  if (languageId === 'python') return settings.pytorch && looksPytorch(text) ? pytorch() : undefined;
  const named = LANGUAGE_FORMATS[languageId] as NetworkFormat | undefined;
  const format = named ?? (languageId === 'yaml' ? (settings.detectUltralytics && looksUltralytics(text) ? 'ultralytics' : undefined) : formatOf(fileName, text));
  // A text document is never an ONNX model (binary: the ONNX view reads its bytes).
  if (!format || format === 'onnx') return undefined;
  if (format === 'pytorch') return settings.pytorch ? pytorch() : undefined;
  // The scale and image size are Ultralytics settings; a darknet file's size is its [net]'s.
  if (format !== 'ultralytics') return { format, fileName };
  return { format, fileName, scale: chosenScale || settings.scale || undefined, imageSize: settings.imageSize };
}
