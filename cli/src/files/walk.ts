// Walking a folder the way linters do: names in order, node_modules and dot-folders (.git,
// .venv…) skipped, symbolic links to folders not followed (no cycles).
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';

/** A folder whose contents cannot be listed: reported, not fatal. */
export interface UnreadableFolder {
  folder: string;
  reason: string;
}

export const skippedFolder = (name: string) => name === 'node_modules' || name.startsWith('.');

/** The entries of a folder in name order, or why they cannot be listed. */
export function listFolder(folder: string): Dirent[] | UnreadableFolder {
  try {
    return readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (err) {
    return { folder, reason: `Cannot read the folder: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.` };
  }
}

/** A directory entry as a file (true), a folder to descend into ('folder') or neither. */
export function entryKind(folder: string, entry: Dirent): 'file' | 'folder' | undefined {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'folder';
  if (!entry.isSymbolicLink()) return undefined;
  try {
    return statSync(join(folder, entry.name)).isFile() ? 'file' : undefined;
  } catch {
    return undefined; // a dangling link
  }
}

/** Every file under `folder`, depth first in name order, and the folders that could not be read. */
export function* walkFiles(folder: string): Generator<string | UnreadableFolder> {
  const entries = listFolder(folder);
  if (!Array.isArray(entries)) {
    yield entries;
    return;
  }
  for (const entry of entries) {
    const kind = entryKind(folder, entry);
    const path = join(folder, entry.name);
    if (kind === 'file') yield path;
    else if (kind === 'folder' && !skippedFolder(entry.name)) yield* walkFiles(path);
  }
}
