// Engine benchmark: full in-process analysis (parse included) of resnet50 (with blocks), of
// darknet's yolov4.cfg (162 sections at 608×608) and of a generated 2,000-layer flat file, and —
// in the same run — a PyTorch forward-hook summary of the same resnet50 (what torchinfo does),
// with Debian's python3-torch.
//   node bench/engine.bench.mjs [--runs N]
import * as esbuild from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flatNetwork } from './networks.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 200;

const dir = mkdtempSync(join(tmpdir(), 'convlens-bench-'));
const bundle = join(dir, 'engine.cjs');
await esbuild.build({ entryPoints: [join(root, 'engine/index.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'warning' });
const engine = createRequire(import.meta.url)(bundle);


function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function time(label, text, n, options = {}) {
  for (let i = 0; i < 20; i++) engine.check(text, options); // warm-up (JIT)
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const a = engine.check(text, options);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (!a.layers.length) throw new Error(`${label}: no layers`);
  }
  const a = engine.check(text, options);
  return { label, layers: a.layers.length, median: median(times), p95: percentile(times, 95) };
}

const resnet50 = readFileSync(join(root, 'examples/resnet50.cnn.yaml'), 'utf8');
const yolov4 = readFileSync(join(root, 'examples/darknet/yolov4.cfg'), 'utf8');
const flat = flatNetwork(2000);
global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
// The largest Ultralytics scale: YOLOv8x at 640 (the analysis includes the 32×32 pass for Ultralytics' GFLOPs).
const yolov8 = readFileSync(join(root, 'examples/ultralytics/yolov8n.yaml'), 'utf8');
const rows = [
  time('resnet50 (blocks)', resnet50, runs),
  time('yolov8x (Ultralytics)', yolov8, Math.max(20, Math.floor(runs / 2)), { fileName: 'yolov8x.yaml' }),
  time('yolov4.cfg (darknet)', yolov4, runs, { format: 'darknet' }),
  time('flat 2,000 layers', flat, Math.max(20, Math.floor(runs / 4))),
];
global.gc?.();
const heapAfter = process.memoryUsage().heapUsed;
const rss = process.memoryUsage().rss;

console.log('ConvLens engine: check() = parse + resolve + analyse + rules, in-process');
for (const r of rows) console.log(`  ${r.label.padEnd(22)} ${String(r.layers).padStart(5)} layers   median ${r.median.toFixed(3)} ms   p95 ${r.p95.toFixed(3)} ms`);
console.log(`  this process (esbuild loaded too): RSS ${(rss / 2 ** 20).toFixed(1)} MiB, heap growth over the runs ${((heapAfter - heapBefore) / 2 ** 20).toFixed(1)} MiB${global.gc ? '' : ' (run with --expose-gc for a clean figure)'}`);

// Memory of the engine alone: a fresh process that loads only the bundle and analyses the
// 2,000-layer file 50 times, keeping the last result (what a server holds per document).
writeFileSync(join(dir, 'flat.cnn.yaml'), flat);
const probeMem = `
const e = require(${JSON.stringify(bundle)}); const fs = require('fs');
const text = fs.readFileSync(${JSON.stringify(join(dir, 'flat.cnn.yaml'))}, 'utf8');
global.gc(); const base = process.memoryUsage();
let keep, peak = 0;
for (let i = 0; i < 50; i++) { keep = e.check(text); }
// Heap in use right after one analysis (GC'd before it): its working set, garbage included.
for (let i = 0; i < 10; i++) { keep = undefined; global.gc(); const b = process.memoryUsage().heapUsed; keep = e.check(text); peak = Math.max(peak, process.memoryUsage().heapUsed - b); }
global.gc(); const m = process.memoryUsage();
console.log(JSON.stringify({ rss: m.rss, baseRss: base.rss, retained: m.heapUsed - base.heapUsed, peak, layers: keep.layers.length }));`;
const mem = JSON.parse(execFileSync(process.execPath, ['--expose-gc', '-e', probeMem], { encoding: 'utf8' }));
const MiB = (b) => (b / 2 ** 20).toFixed(1);
console.log(`  engine alone (fresh process, 2,000-layer file): one analysis held ${MiB(mem.retained)} MiB of heap, at most ${MiB(mem.peak)} MiB of heap in use after one analysis (garbage included), process RSS ${MiB(mem.rss)} MiB (Node itself ${MiB(mem.baseRss)} MiB)`);

// PyTorch forward-hook summary of the same network, same machine.
const py = `
import time, statistics, torch, torchvision
torch.set_num_threads(2)
def summary():
    m = torchvision.models.resnet50(weights=None).eval()
    rows = []
    def hook(mod, inp, out):
        rows.append((mod.__class__.__name__, tuple(out.shape), sum(p.numel() for p in mod.parameters(recurse=False))))
    for mod in m.modules():
        if not list(mod.children()):
            mod.register_forward_hook(hook)
    with torch.no_grad():
        m(torch.zeros(1, 3, 224, 224))
    return rows
summary()
ts = []
for _ in range(7):
    t0 = time.perf_counter(); rows = summary(); ts.append((time.perf_counter() - t0) * 1000)
print(f"{statistics.median(ts):.1f} {len(rows)}")
`;
const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
if (probe.status !== 0) {
  console.log('PyTorch: not installed (apt-get install -y python3-torch python3-torchvision); no comparison.');
} else {
  const out = execFileSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' }).trim().split(/\s+/);
  const torchMs = Number(out[0]);
  const ours = rows[0].median;
  console.log(`PyTorch forward-hook summary of resnet50 (build model + hooks + forward, 2 threads): median ${torchMs.toFixed(1)} ms over 7 runs, ${out[1]} leaf calls`);
  console.log(`  ConvLens is ${(torchMs / ours).toFixed(0)}× faster on resnet50`);
}
writeFileSync(join(dir, 'done'), '');
