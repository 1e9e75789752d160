// What `convlens check PATH...` reads: files as named, standard input, the network files of a
// folder, the files a quoted pattern matches. An operand that yields nothing to read is kept
// as a problem, so that it is reported like a file that is not a network.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatOf } from '../../../engine';
import { expandPattern, isPattern } from './glob';
import { STDIN } from './read';
import { walkFiles, type UnreadableFolder } from './walk';

/** A file to read, or an operand with nothing to read and why. */
export type Target = { file: string } | { file: string; problem: string };

/** formatOf decides .yaml and .cfg files by their first lines; a network file is small. */
const SNIFF_BYTES = 64 * 1024;
const MAX_SNIFFED_FILE = 4 * 1024 * 1024;

/** Whether a file found in a folder is a network file, by formatOf on its name and first lines. */
export function isNetworkFile(path: string): boolean {
  if (formatOf(path) !== undefined) return true;
  try {
    if (statSync(path).size > MAX_SNIFFED_FILE) return false;
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(SNIFF_BYTES);
      const n = readSync(fd, head, 0, SNIFF_BYTES, 0);
      return formatOf(path, head.subarray(0, n).toString('utf8')) !== undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

const unreadable = (u: UnreadableFolder): Target => ({ file: u.folder, problem: u.reason });

function folderTargets(folder: string): Target[] {
  const targets: Target[] = [];
  for (const found of walkFiles(folder)) {
    if (typeof found !== 'string') targets.push(unreadable(found));
    else if (isNetworkFile(found)) targets.push({ file: found });
  }
  if (!targets.length) return [{ file: folder, problem: 'No network file in this folder (*.cnn.yaml, Ultralytics model YAML, darknet .cfg, ONNX .onnx; node_modules and dot-folders are skipped).' }];
  return targets;
}

function patternTargets(pattern: string): Target[] {
  const found = expandPattern(pattern);
  if (!found.length) return [{ file: pattern, problem: 'No file matches this pattern.' }];
  return found.map((f) => (typeof f === 'string' ? { file: f } : unreadable(f)));
}

function operandTargets(operand: string): Target[] {
  if (operand === STDIN) return [{ file: STDIN }];
  let isFolder: boolean;
  try {
    isFolder = statSync(operand).isDirectory();
  } catch {
    // Not a path: a pattern, or a missing file that reading will report.
    return isPattern(operand) ? patternTargets(operand) : [{ file: operand }];
  }
  return isFolder ? folderTargets(operand) : [{ file: operand }];
}

/** Every operand's targets in order, each file once (a file named twice, or in a folder also named, is read once). */
export function expandOperands(operands: string[]): Target[] {
  const seen = new Set<string>();
  const targets: Target[] = [];
  for (const t of operands.flatMap(operandTargets)) {
    const key = t.file === STDIN ? STDIN : resolve(t.file);
    if (seen.has(key)) continue;
    seen.add(key);
    targets.push(t);
  }
  return targets;
}
