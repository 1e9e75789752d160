// `npm run bench`: every benchmark, one after the other (figures go in the README).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benches = [
  ['engine analysis', ['--expose-gc', 'bench/engine.bench.mjs']],
  ['ONNX model (resnet50.onnx) to figures', ['bench/onnx.bench.mjs']],
  ['ONNX model (resnet50.onnx) in the ONNX view (headless Chromium)', ['bench/onnx-view.bench.mjs']],
  ['language server latency', ['--expose-gc', 'bench/lsp.bench.mjs']],
  ['PyTorch source after a keystroke', ['bench/pytorch.bench.mjs']],
  ['typing in a large Python file (analysis in the worker vs the main thread)', ['bench/python-typing.bench.mjs']],
  ['forward pass (preview kernels vs PyTorch)', ['bench/forward.bench.mjs']],
  ['the preview page in headless Chromium', ['bench/page.bench.mjs']],
  ['the preview in a real VS Code (code-server)', ['bench/vscode-preview.bench.mjs']],
];
spawnSync('node', ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
let failed = 0;
for (const [label, args] of benches) {
  if (!existsSync(join(root, args[args.length - 1]))) continue;
  console.log(`\n=== ${label}`);
  const r = spawnSync('node', args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
