// Steps 1 and 2 for every format: a reader turns a document into the engine's analysis of one
// resolved network. Which reader reads a file follows from its name and, for names other
// formats use too (.yaml, .cfg), from its first lines: ConvLens never claims a file that is not
// a network.
import type { Analysis, NetworkFormat, TextNetworkFormat } from '../types';
import type { ReadOptions } from './options';
import { readCnnYaml } from './cnnYaml/read';
import { readUltralytics } from './ultralytics/read';
import { readDarknet } from './darknet/read';
import { onnxAsText } from './onnx/text';
import { readPytorch } from './pytorch/read';

export type { ReadOptions } from './options';

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
  if (/\.onnx$/.test(name)) return 'onnx';
  if (/\.py$/.test(name)) return text !== undefined && looksPytorch(text) ? 'pytorch' : undefined;
  return undefined;
}

type Reader = (text: string, options: ReadOptions) => Analysis;

const READERS: Record<TextNetworkFormat, Reader> = {
  'cnn-yaml': (text) => readCnnYaml(text),
  ultralytics: readUltralytics,
  darknet: readDarknet,
  pytorch: readPytorch,
};

/** Analyses a network document: shapes, counts, fields and the engine's own findings (no lint rules). */
export function analyse(text: string, given?: ReadOptions | null): Analysis {
  const options = given ?? {};
  const named = options.fileName ? formatOf(options.fileName, text) : undefined;
  if (!options.format && named === 'onnx') return { ...onnxAsText(), format: 'onnx' };
  const format = options.format ?? (named as TextNetworkFormat | undefined) ?? 'cnn-yaml';
  const analysis = READERS[format](text, options);
  analysis.format = format;
  return analysis;
}
