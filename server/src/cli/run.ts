// `convlens run`: executes the network on a sample tensor with the webview's kernels.
// (Wired to the kernels by the preview work; until then it says so and exits 2.)
import type { Analysis } from '../engine';

export interface RunOptions {
  file: string;
  text: string;
  analysis: Analysis;
  outDir: string;
  input: string;
  seed: number;
  out: (s: string) => void;
  fail: (message: string) => Error;
}

export async function runCommand(opts: RunOptions): Promise<number> {
  throw opts.fail('run is not available in this build yet');
}
