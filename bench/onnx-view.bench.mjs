// The ONNX view (the custom editor's page) on a resnet50.onnx in headless Chromium: the built
// webview (dist/webview) opened as VS Code opens it, the model's bytes handed to the page as the
// host's `model` message (moved, as a message from the host arrives: one copy of the file in the
// page). Measures, in a fresh page each time:
//   - bytes → table: from the message to the table of figures painted (the page and its worker
//     read the file, analyse it, lay out the table);
//   - bytes → first feature map: to the first layer's output in the page, computed with the file's
//     weights;
//   - memory: the renderer process's peak resident memory above what it held before the message
//     (the page, its worker, the file's bytes, the weights, the outputs), against the file's size,
//     and the page's and worker's JS heaps (V8's own heaps: ArrayBuffers are counted apart);
//   - a click on a layer's row → its weights' statistics shown;
//   - a click on the last relu's pager → its next 16 channels painted (computed again when the
//     page keeps only the shown channels of a large output).
// The model is exported at bench time by test/fixtures/onnx/oracle.py --resnet50 into a
// temporary folder (needs /usr/bin/python3 with torch and torchvision; skipped otherwise).
//   node bench/onnx-view.bench.mjs [--runs 3] [--model path.onnx] [--dist DIR]   (after `node scripts/build.mjs`)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { BROWSER_ARGS, servePage } from './pageServer.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const runs = Number(arg('--runs', 3));
const distDir = arg('--dist', join(root, 'dist', 'webview'));
if (!existsSync(join(distDir, 'worker.js'))) throw new Error(`${distDir} is missing: run node scripts/build.mjs first`);
const tmp = mkdtempSync(join(tmpdir(), 'convlens-onnx-view-bench-'));

let model = arg('--model');
if (!model) {
  const r = spawnSync('/usr/bin/python3', [join(root, 'test/fixtures/onnx/oracle.py'), '--resnet50', tmp], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`skipped: exporting resnet50.onnx needs /usr/bin/python3 with torch and torchvision (${r.stderr.trim().split('\n').pop()})`);
    rmSync(tmp, { recursive: true, force: true });
    process.exit(0);
  }
  model = join(tmp, 'resnet50.onnx');
}
const size = statSync(model).size;

const { base, close } = await servePage({ root, distDir, tmp, files: { '/model.onnx': () => readFileSync(model) } });

// launchServer: its process id leads to the renderer processes, whose memory is measured.
const browserServer = await chromium.launchServer({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: BROWSER_ARGS,
});
const browser = await chromium.connect(browserServer.wsEndpoint());

/** Process ids under the browser whose command line says they are renderers. */
function renderers() {
  const children = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const walk = (pid) => {
    for (const c of children.get(pid) ?? []) {
      try {
        if (readFileSync(`/proc/${c}/cmdline`, 'utf8').includes('--type=renderer')) out.push(c);
      } catch {
        // gone meanwhile
      }
      walk(c);
    }
  };
  walk(browserServer.process().pid);
  return out;
}
const statusKb = (pid, key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (b) => `${(b / 2 ** 20).toFixed(0)} MB`;
const results = [];
for (let i = 0; i < runs; i++) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.addInitScript(() => {
    const w = window;
    w.__sent = [];
    w.acquireVsCodeApi = () => ({ postMessage: (m) => w.__sent.push(m), getState: () => undefined, setState: () => undefined });
    // When the page has shown what each worker reply brought: after the page's own handler ran
    // (a task later) and the next frame was painted.
    w.__at = {};
    const PageWorker = window.Worker;
    w.Worker = class extends PageWorker {
      constructor(url, options) {
        super(url, options);
        w.__worker = this;
        this.addEventListener('message', (e) => {
          const t = e.data?.type;
          const key = t === 'layer' ? 'firstLayer' : t;
          if (!key || w.__at[key] !== undefined) return;
          w.__at[key] = -1;
          requestAnimationFrame(() => setTimeout(() => (w.__at[key] = performance.now())));
        });
      }
    };
  });
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.__sent.some((m) => m.type === 'ready'));
  // The page's worker warms up its kernels while VS Code's host reads the file: let it finish.
  await page.waitForTimeout(1500);
  await page.evaluate(async () => {
    window.__bytes = new Uint8Array(await (await fetch('/model.onnx')).arrayBuffer());
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  // Peak resident memory from here, of the renderer that holds this page (the one that grows):
  // writing 5 to clear_refs resets a process's VmHWM to its current RSS.
  const pids = renderers();
  const rssBefore = new Map(pids.map((p) => [p, statusKb(p, 'VmRSS')]));
  let hwmReset = true;
  for (const p of pids) {
    try {
      writeFileSync(`/proc/${p}/clear_refs`, '5');
    } catch {
      hwmReset = false;
    }
  }
  // The renderer's resident memory, sampled every 5 ms while the model opens (wall clock, as the page's).
  const samples = [];
  let sampling = true;
  void (async () => {
    while (sampling) {
      samples.push({ at: Date.now(), rss: Math.max(...pids.map((p) => statusKb(p, 'VmRSS') - rssBefore.get(p))) });
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const t = await page.evaluate(async () => {
    const w = window;
    const bytes = w.__bytes;
    w.__bytes = undefined;
    const t0 = performance.now();
    // As the host's message arrives in a webview: the page holds one copy of the file.
    window.postMessage({ type: 'model', uri: 'file:///models/resnet50.onnx', model: { name: 'resnet50.onnx', bytes, externalData: {} } }, '*', [bytes.buffer]);
    await new Promise((resolve) => {
      const poll = () => (w.__at.firstLayer > 0 && w.__at.analysis > 0 ? resolve() : setTimeout(poll, 5));
      poll();
    });
    await new Promise((resolve) => {
      const poll = () => (w.__at.done > 0 ? resolve() : setTimeout(poll, 20));
      poll();
    });
    return { t0: performance.timeOrigin + t0, table: w.__at.analysis - t0, firstMap: w.__at.firstLayer - t0, done: w.__at.done - t0, rows: document.querySelectorAll('#net-table tr.layer-row').length };
  });
  sampling = false;
  const peakUntil = (ms) => Math.max(0, ...samples.filter((x) => x.at <= t.t0 + ms).map((x) => x.rss));
  const peak = hwmReset ? Math.max(...pids.map((p) => statusKb(p, 'VmHWM') - rssBefore.get(p))) : NaN;
  const heap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  // A click on the stem's row: its weights' statistics, computed then in the worker.
  const clickMs = await page.evaluate(async () => {
    const row = document.querySelector('#net-table tr.layer-row[data-layer="conv1"]') ?? document.querySelector('#net-table tr.layer-row');
    const t0 = performance.now();
    row.click();
    await new Promise((resolve) => {
      const poll = () => (document.querySelector('#table-details')?.textContent?.includes(' · std ') ? resolve() : requestAnimationFrame(poll));
      poll();
    });
    return performance.now() - t0;
  });
  // The maps: a late layer's next page of channels (the page keeps only the shown channels of a
  // large output: the worker computes the layer again), until its 16 tiles are painted.
  await page.click('#table-toggle');
  const late = await page.evaluate(() => [...document.querySelectorAll('section.layer')].map((s) => s.dataset.layer).filter((n) => /relu/.test(n ?? '')).pop());
  // Through the network strip: it opens the layer's group (closed in a network this size) and scrolls to it.
  await page.click(`.graph-row[data-layer="${late}"]`);
  await page.locator(`section[data-layer="${late}"]`).scrollIntoViewIfNeeded();
  await page.waitForSelector(`section[data-layer="${late}"] .map[data-channel]`);
  const pagerMs = await page.evaluate(async (name) => {
    const sec = document.querySelector(`section[data-layer="${name}"]`);
    const before = [...sec.querySelectorAll('.map')].map((m) => m.dataset.channel).join();
    const t0 = performance.now();
    sec.querySelector('.pager button:last-child').click();
    await new Promise((resolve) => {
      const poll = () => {
        const tiles = [...sec.querySelectorAll('.map')];
        if (tiles.map((m) => m.dataset.channel).join() !== before && !tiles.some((m) => m.dataset.waiting !== undefined)) resolve();
        else requestAnimationFrame(poll);
      };
      poll();
    });
    return performance.now() - t0;
  }, late);
  results.push({ ...t, peak, peakTable: peakUntil(t.table), peakFirstMap: peakUntil(t.firstMap), heap, clickMs, pagerMs, late });
  await page.close();
}
await browser.close();
await browserServer.close();
close();
rmSync(tmp, { recursive: true, force: true });

const row = (label, xs, f) => console.log(`| ${label} | ${f(median(xs))} (${xs.map(f).join(', ')}) |`);
const ms = (x) => `${x.toFixed(0)} ms`;
console.log(`resnet50.onnx ${mb(size)} in the ONNX view, headless Chromium ${browser.version()}, ${results[0].rows} table rows; median (each run) of ${runs} fresh pages`);
console.log('| measurement | value |');
console.log('|---|---|');
row('bytes → table painted', results.map((r) => r.table), ms);
row('bytes → first feature map in the page', results.map((r) => r.firstMap), ms);
row('bytes → every layer computed (run done)', results.map((r) => r.done), ms);
row('click on conv1\'s row → its weights\' statistics shown', results.map((r) => r.clickMs), ms);
row(`the maps: ${results[0].late}'s next 16 channels painted after a click on its pager`, results.map((r) => r.pagerMs), ms);
const times = (b) => `${mb(b)} (${(b / size).toFixed(2)}× the file)`;
row('renderer memory above the page holding the file, highest until the table (sampled every 5 ms)', results.map((r) => r.peakTable), times);
row('the same, until the first feature map', results.map((r) => r.peakFirstMap), times);
row('renderer peak memory (VmHWM) until every layer is computed and shown', results.map((r) => r.peak), times);
row('page JS heap after the run (V8, ArrayBuffers apart)', results.map((r) => r.heap), mb);
