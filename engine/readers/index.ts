// Steps 1 and 2 for every format: a reader turns a document into the engine's analysis of one
// resolved network. Which reader reads a file follows from its name and, for names other
// formats use too (.yaml, .cfg), from its first lines: ConvLens never claims a file that is not
// a network.
import type { Analysis, NetworkFormat } from '../types';
import { readCnnYaml } from './cnnYaml/read';
import { readUltralytics } from './ultralytics/read';
import { readDarknet } from './darknet/read';
import { readPytorch } from './pytorch/read';

export interface ReadOptions {
  /** The document's format; by default `formatOf(fileName, text)`, and cnn-yaml when that says nothing. */
  format?: NetworkFormat;
  /** The file's name or path (Ultralytics takes the model scale from it: yolov8n.yaml → n). */
  fileName?: string;
  /** Ultralytics: the scale (n, s, m, l, x…) when the file name carries none. */
  scale?: string;
  /** The square image size the model is analysed at: Ultralytics (default 640); darknet (default: [net] width and height). */
  imageSize?: number;
  /** PyTorch: the nn.Module subclass to analyse (default: the top-level model of the file). */
  className?: string;
  /** PyTorch: the input shape per sample, [C, H, W], over what the file says (the CLI's --input-shape). */
  inputShape?: number[];
  /** PyTorch: the input shape when the file says none (the convlens.pytorch.inputShape setting). */
  fallbackInputShape?: number[];
}

/** Ultralytics model files are YAML maps with a `backbone:` and a `head:` list at the top level. */
export function looksUltralytics(text: string): boolean {
  return /^backbone[ \t]*:/m.test(text) && /^head[ \t]*:/m.test(text);
}

/** Darknet .cfg files start, after comments and blank lines, with a `[net]` or `[network]` section. */
export function looksDarknet(text: string): boolean {
  for (const line of text.slice(0, 64 * 1024).split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#') || t.startsWith(';')) continue;
    return t === '[net]' || t === '[network]';
  }
  return false;
}

/** PyTorch model source: a Python file that imports torch and defines an nn.Module subclass. */
export function looksPytorch(text: string): boolean {
  return /^[ \t]*(?:import[ \t]+torch\b|from[ \t]+torch\b)/m.test(text) && /^[ \t]*class[ \t]+\w+[ \t]*\([^)]*\b(?:nn\.)?(?:Module|Sequential)\b/m.test(text);
}

/**
 * The format of a file ConvLens reads, from its name and (for `.yaml`, `.yml` and `.cfg`) its
 * text; undefined when it is not a network file ConvLens recognises.
 */
export function formatOf(fileName: string, text?: string): NetworkFormat | undefined {
  const name = fileName.toLowerCase();
  if (/\.cnn\.ya?ml$/.test(name)) return 'cnn-yaml';
  if (/\.ya?ml$/.test(name)) return text !== undefined && looksUltralytics(text) ? 'ultralytics' : undefined;
  if (/\.cfg$/.test(name)) return text !== undefined && looksDarknet(text) ? 'darknet' : undefined;
  if (/\.py$/.test(name)) return text !== undefined && looksPytorch(text) ? 'pytorch' : undefined;
  return undefined;
}

type Reader = (text: string, options: ReadOptions) => Analysis;

const READERS: Record<NetworkFormat, Reader> = {
  'cnn-yaml': (text) => readCnnYaml(text),
  ultralytics: readUltralytics,
  darknet: readDarknet,
  pytorch: readPytorch,
};

/** Analyses a network document: shapes, counts, fields and the engine's own findings (no lint rules). */
export function analyse(text: string, given?: ReadOptions | null): Analysis {
  const options = given ?? {};
  const format = options.format ?? (options.fileName ? formatOf(options.fileName, text) : undefined) ?? 'cnn-yaml';
  const analysis = READERS[format](text, options);
  analysis.format = format;
  return analysis;
}
