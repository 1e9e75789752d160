// Finds the shared PyTorch oracle (../shared/oracle beside the repository, or $CONVLENS_ORACLE).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..'); // out/test → repo root
export const oracleDir = process.env.CONVLENS_ORACLE ?? resolve(repoRoot, '..', 'shared', 'oracle');

export function loadOracle<T = any>(file: string): T {
  const path = join(oracleDir, file);
  if (!existsSync(path)) throw new Error(`oracle file not found: ${path} (set CONVLENS_ORACLE)`);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
