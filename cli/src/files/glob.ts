// Patterns with *, ? and ** that reach the CLI quoted (CI configs pass them so): expanded as
// bash does with globstar, except that ** also skips node_modules. A wildcard does not match a
// name starting with a dot unless the pattern's segment starts with one.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { entryKind, listFolder, skippedFolder, type UnreadableFolder } from './walk';

export const isPattern = (operand: string) => /[*?]/.test(operand);

function segmentMatcher(segment: string): RegExp {
  const body = segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

function kindOf(path: string): 'file' | 'folder' | undefined {
  try {
    const st = statSync(path);
    return st.isFile() ? 'file' : st.isDirectory() ? 'folder' : undefined;
  } catch {
    return undefined;
  }
}

/** The files a pattern matches, in name order, and the folders that could not be read on the way. */
export function expandPattern(pattern: string): Array<string | UnreadableFolder> {
  const segments = pattern.split('/');
  // An absolute pattern starts at the root; a relative one at '.', which joins away.
  const start = segments[0] === '' ? '/' : '.';
  const found = new Map<string, string | UnreadableFolder>();
  const add = (x: string | UnreadableFolder): void => {
    found.set(typeof x === 'string' ? x : `\0${x.folder}`, x);
  };
  const walk = (folder: string, rest: string[]): void => {
    const [segment, ...after] = rest;
    if (segment === '' && after.length) return walk(folder, after); // a doubled or leading slash
    if (segment === '**') {
      walk(folder, after);
      const entries = listFolder(folder);
      if (!Array.isArray(entries)) return add(entries);
      for (const e of entries) if (entryKind(folder, e) === 'folder' && !skippedFolder(e.name)) walk(join(folder, e.name), rest);
      return;
    }
    if (!isPattern(segment)) {
      const path = join(folder, segment);
      if (after.length) return kindOf(path) === 'folder' ? walk(path, after) : undefined;
      if (kindOf(path) === 'file') add(path);
      return;
    }
    const matcher = segmentMatcher(segment);
    const entries = listFolder(folder);
    if (!Array.isArray(entries)) return add(entries);
    for (const e of entries) {
      if (!matcher.test(e.name) || (e.name.startsWith('.') && !segment.startsWith('.'))) continue;
      const kind = entryKind(folder, e);
      if (after.length && kind === 'folder') walk(join(folder, e.name), after);
      else if (!after.length && kind === 'file') add(join(folder, e.name));
    }
  };
  walk(start, segments[0] === '' ? segments.slice(1) : segments);
  return [...found.values()];
}
