// Times a full ResNet-18 and ResNet-50 forward at 3×224×224 with the preview's kernels in Node
// (median of a few runs) and, in the same run, PyTorch CPU (Debian's python3-torch,
// torchvision.models.resnetXX(weights=None), eval, no_grad, the same number of threads).
// Two ConvLens figures: the forward pass alone (only the network's output is kept, as PyTorch
// keeps it), and with every layer's output delivered as the preview and `convlens run` need
// them (each in its own buffer, with its statistics).
// yolov8n: Ultralytics' YOLOv8n model file at 3×640×640 (examples/ultralytics), ConvLens only
// (no Ultralytics here to compare with): its time by kind shows what SiLU costs.
//   node bench/forward.bench.mjs [--runs N] [--threads N] [--models resnet18,resnet50,yolov8n] [--backend auto|wasm|js|both]
// --backend picks the kernels: 'auto' (default: WebAssembly SIMD when it loads, else TypeScript),
// 'wasm', 'js' (the pure TypeScript fallback), or 'both' (each in turn, for a before/after view).
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const runs = Number(arg('runs', 5));
const threads = Number(arg('threads', 2));
const models = arg('models', 'resnet18,resnet50,yolov8n').split(',');
const isYolo = (model) => model.startsWith('yolo');
const backendArg = arg('backend', 'auto');

// Bundle the engine + executor once (pure TypeScript) into a temporary CommonJS module.
const dir = mkdtempSync(join(tmpdir(), 'convlens-bench-'));
const entry = join(dir, 'entry.ts');
writeFileSync(entry, `
export { check } from ${JSON.stringify(join(root, 'engine'))};
export { execute } from ${JSON.stringify(join(root, 'kernels/runtime/execute'))};
export { makeSample } from ${JSON.stringify(join(root, 'kernels/runtime/samples'))};
export { setKernelBackend, kernelBackend, wasmUnavailableReason } from ${JSON.stringify(join(root, 'kernels'))};
`);
await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile: join(dir, 'bundle.cjs'), logLevel: 'warning', absWorkingDir: root, nodePaths: [join(root, 'node_modules')] });
const { createRequire } = await import('node:module');
const lib = createRequire(import.meta.url)(join(dir, 'bundle.cjs'));
rmSync(dir, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function benchKernels(model, everyLayer) {
  const a = isYolo(model)
    ? lib.check(readFileSync(join(root, 'examples', 'ultralytics', `${model}.yaml`), 'utf8'), { fileName: `${model}.yaml` })
    : lib.check(readFileSync(join(root, 'examples', `${model}.cnn.yaml`), 'utf8'));
  const input = lib.makeSample('noise', a.input, 1);
  const opts = everyLayer ? { seed: 0, onRelease: () => {} } : { seed: 0 };
  lib.execute(a, input, opts); // warm-up (JIT, buffers)
  const times = [];
  let perLayer = null;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = lib.execute(a, input, opts);
    times.push(performance.now() - t0);
    perLayer = r.timings;
  }
  const kinds = {};
  a.layers.forEach((l, i) => (kinds[l.kind] = (kinds[l.kind] ?? 0) + perLayer[i]));
  return { ms: median(times), min: Math.min(...times), kinds, macs: a.totals.macs };
}

function torchAvailable() {
  return spawnSync('/usr/bin/python3', ['-c', 'import torch, torchvision'], { stdio: 'ignore' }).status === 0;
}

function benchTorch(model) {
  const py = `
import time, statistics, torch, torchvision
torch.set_num_threads(${threads})
m = getattr(torchvision.models, ${JSON.stringify(model)})(weights=None).eval()
x = torch.rand(1, 3, 224, 224)
with torch.no_grad():
    m(x); m(x)
    ts = []
    for _ in range(${runs}):
        t0 = time.perf_counter(); m(x); ts.append((time.perf_counter() - t0) * 1000)
print(statistics.median(ts), torch.__version__, torch.get_num_threads(), min(ts))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
  if (r.status !== 0) return { error: r.stderr.trim().split('\n').pop() };
  const [ms, version, n, min] = r.stdout.trim().split(/\s+/);
  return { ms: Number(ms), version, threads: Number(n), min: Number(min) };
}

let torchOk = torchAvailable();
if (!torchOk) {
  if (process.getuid?.() === 0) {
    console.log('PyTorch is not importable by /usr/bin/python3: installing python3-torch python3-torchvision with apt-get (running as root)…');
    spawnSync('apt-get', ['install', '-y', 'python3-torch', 'python3-torchvision'], { stdio: 'inherit' });
    torchOk = torchAvailable();
  }
  if (!torchOk) console.log('PyTorch: unavailable (not installed and not running as root to install it) — only ConvLens timings are reported.');
}

const backends = backendArg === 'both' ? ['wasm', 'js'] : [backendArg];
lib.setKernelBackend(backends[0]);
const why = lib.wasmUnavailableReason();
console.log(`ConvLens kernels (Node ${process.version}, single thread) vs PyTorch CPU (${threads} threads), resnets at 3×224×224, median of ${runs} runs, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`);
if (why) console.log(`WebAssembly SIMD kernels unavailable (${why}): the TypeScript kernels run`);
for (const model of models) {
  const t = torchOk && !isYolo(model) ? benchTorch(model) : null;
  for (const backend of backends) {
    lib.setKernelBackend(backend);
    const k = benchKernels(model, false);
    const gmacs = k.macs / 1e9;
    let line = `${model.padEnd(9)} ConvLens [${lib.kernelBackend()}] ${k.ms.toFixed(0).padStart(6)} ms (min ${k.min.toFixed(0)}; ${(gmacs / (k.ms / 1000)).toFixed(2)} GMAC/s, ${gmacs.toFixed(2)} GMACs)`;
    if (t?.error) line += `   PyTorch: failed (${t.error})`;
    else if (t) line += `   PyTorch ${t.version} ${t.ms.toFixed(0).padStart(5)} ms (min ${t.min.toFixed(0)}; ${t.threads} threads)   ratio ConvLens/PyTorch ${(k.ms / t.ms).toFixed(2)}× (min/min ${(k.min / t.min).toFixed(2)}×)`;
    console.log(line);
    // Layers computed as stages of the convolution before them (batchnorm, add, relu) take no
    // time of their own: theirs is in the convolution's.
    const top = Object.entries(k.kinds).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([kind, ms]) => `${kind} ${ms.toFixed(0)} ms`);
    console.log(`          time by kind (last run): ${top.join(', ')}`);
    const e = benchKernels(model, true);
    console.log(`          with every layer's output delivered (the preview, convlens run): ${e.ms.toFixed(0)} ms (min ${e.min.toFixed(0)})`);
  }
}
lib.setKernelBackend('auto');
