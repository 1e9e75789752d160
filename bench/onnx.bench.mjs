// ONNX benchmark: a resnet50.onnx (torchvision's, random weights, BatchNorm kept, opset 13,
// exported by test/fixtures/onnx/oracle.py into a temporary folder with Debian's python3-torch;
// never committed) opened the way the CLI and the editor do: bytes in, checkOnnx → figures.
// Each measurement runs in a fresh Node process: time to figures (first call, then warm
// median), time to the first feature map with the file's weights, and peak memory (maxRSS above
// a process that has loaded the engine) against the file's size.
//   node bench/onnx.bench.mjs [--runs N] [--model path.onnx]
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const runs = Number(arg('--runs', 20));
const dir = mkdtempSync(join(tmpdir(), 'convlens-onnx-bench-'));

let model = arg('--model');
if (!model) {
  const r = spawnSync('/usr/bin/python3', [join(root, 'test/fixtures/onnx/oracle.py'), '--resnet50', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`skipped: exporting resnet50.onnx needs /usr/bin/python3 with torch and torchvision (${r.stderr.trim().split('\n').pop()})`);
    process.exit(0);
  }
  model = join(dir, 'resnet50.onnx');
}
const size = statSync(model).size;

const bundle = join(dir, 'convlens.cjs');
await esbuild.build({
  stdin: { contents: "export * from './engine'; export { execute } from './kernels/runtime/execute';", resolveDir: root, loader: 'ts' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: bundle,
  logLevel: 'warning',
});

/** One measurement in a fresh process (so first-call times and peak memory are its own). */
function child(mode) {
  const script = `
    const fs = require('fs');
    const c = require(${JSON.stringify(bundle)});
    const mb = (b) => b / 2 ** 20;
    const base = process.resourceUsage().maxRSS * 1024;
    const t0 = performance.now();
    const file = fs.readFileSync(${JSON.stringify(model)});
    const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
    const t1 = performance.now();
    let r = c.checkOnnx(bytes, { fileName: 'resnet50.onnx' });
    const t2 = performance.now();
    const out = { read: t1 - t0, first: t2 - t1, layers: r.analysis.layers.length, errors: r.analysis.findings.filter((f) => f.severity === 'error').length, params: r.analysis.totals.params, macs: r.analysis.totals.macs };
    if (${JSON.stringify(mode)} === 'warm') {
      const times = [];
      for (let i = 0; i < ${runs}; i++) { const s = performance.now(); r = c.checkOnnx(bytes, { fileName: 'resnet50.onnx' }); times.push(performance.now() - s); }
      times.sort((a, b) => a - b);
      out.median = times[times.length >> 1];
      out.p95 = times[Math.min(times.length - 1, Math.floor(0.95 * times.length))];
    }
    if (${JSON.stringify(mode)} === 'run') {
      const a = r.analysis;
      const s = performance.now();
      const weights = r.weightStore();
      const w = performance.now();
      let firstMap;
      const input = { shape: a.input, data: new Float32Array(a.input.reduce((x, y) => x * y, 1)).fill(0.5) };
      try {
        c.execute(a, input, { weights, onLayer: (i) => { if (firstMap === undefined) { firstMap = performance.now() - s; throw new Error('first map'); } } });
      } catch (e) { if (e.message !== 'first map' && !String(e.message).includes('first map')) throw e; }
      out.weights = w - s;
      out.firstMap = firstMap;
    }
    out.peak = process.resourceUsage().maxRSS * 1024 - base;
    console.log(JSON.stringify(out));
  `;
  const r = spawnSync('node', ['-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MB`;
const ms = (x) => `${x.toFixed(1)} ms`;
const cold = child('cold');
const warm = child('warm');
const run = child('run');
console.log(`resnet50.onnx: ${mb(size)}, ${cold.layers} layers, ${cold.params.toLocaleString('en-US')} params, ${cold.macs.toLocaleString('en-US')} MACs, ${cold.errors} errors`);
console.log(`| measurement | value |`);
console.log(`|---|---|`);
console.log(`| read the file (fs.readFileSync) | ${ms(cold.read)} |`);
console.log(`| bytes → figures, first call in a fresh process (checkOnnx: decode, shapes, fields, rules) | ${ms(cold.first)} |`);
console.log(`| bytes → figures, warm median / p95 of ${runs} | ${ms(warm.median)} / ${ms(warm.p95)} |`);
console.log(`| weight store (every tensor checked; each decoded when a kernel first reads it) | ${ms(run.weights)} |`);
console.log(`| bytes → first feature map (figures, weights, stem conv) | ${ms(run.first + run.firstMap)} |`);
console.log(`| peak memory above the loaded engine, to figures (file bytes included) | ${mb(cold.peak)} (${(cold.peak / size).toFixed(2)}× the file) |`);
console.log(`| peak memory above the loaded engine, to the first feature map | ${mb(run.peak)} (${(run.peak / size).toFixed(2)}× the file) |`);
rmSync(dir, { recursive: true, force: true });
