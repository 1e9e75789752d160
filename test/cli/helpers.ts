// Running the built CLI (dist/cli.js, built by `npm test` before this layer) as a user does:
// with arguments and standard input, through a real shell pipe, or with stdout sent to a file.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../oracle';

export const cliPath = join(repoRoot, 'dist', 'cli.js');
const slowReader = join(repoRoot, 'test', 'cli', 'slowReader.mjs');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; input?: string | Buffer } = {}): CliResult {
  const r = spawnSync('node', [cliPath, ...args], { cwd: options.cwd, input: options.input, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI's stdout read through a real `|` pipe by a reader that pauses between its first reads. */
export function runCliThroughSlowPipe(args: string[], options: { cwd?: string } = {}): CliResult {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-pipe-'));
  try {
    const received = join(dir, 'received');
    const script = 'cli="$1"; reader="$2"; out="$3"; shift 3; node "$cli" "$@" | node "$reader" "$out"; exit "${PIPESTATUS[0]}"';
    const r = spawnSync('bash', ['-c', script, 'bash', cliPath, slowReader, received, ...args], { cwd: options.cwd, encoding: 'utf8' });
    return { status: r.status, stdout: readFileSync(received, 'utf8'), stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A temporary folder with the given files (path → content), removed by the returned function. */
export function tempTree(files: Record<string, string | Buffer>): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-cli-'));
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
