// Step 1 and 2 for every format: a reader turns a document into the engine's analysis of one
// resolved network. Today: cnn-yaml (FORMAT.md).
import type { Analysis } from '../types';
import { readCnnYaml } from './cnnYaml/read';

/** Analyses a network document: shapes, counts, fields and the engine's own findings (no lint rules). */
export function analyse(text: string): Analysis {
  return readCnnYaml(text);
}
