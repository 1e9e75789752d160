// The preview page's own speed: resnet18 and resnet50 at 3×224×224 run in the built webview
// (dist/webview, its Web Worker and WebAssembly SIMD kernels) in headless Chromium, as a user
// sees it. Reports the forward time the page's status line shows — warm (a re-run in an open page,
// what an edit or re-seed costs) and cold (a fresh page and worker) — and the wall time from
// loading the page to the end of its first run (the maps in view are painted by then).
//   node bench/page.bench.mjs [--runs 5] [--dist DIR]      (after `node scripts/build.mjs`)
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { BROWSER_ARGS, servePage } from './pageServer.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const distArg = process.argv.indexOf('--dist');
const distDir = distArg > 0 ? process.argv[distArg + 1] : join(root, 'dist', 'webview');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
if (!existsSync(join(distDir, 'worker.js'))) throw new Error(`${distDir} is missing: run node scripts/build.mjs first`);

const tmp = mkdtempSync(join(tmpdir(), 'convlens-page-bench-'));
const { base, close } = await servePage({ root, distDir, tmp });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: BROWSER_ARGS });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const statusMs = async (page) => Number(/in (\d+) ms/.exec((await page.textContent('#status')) ?? '')?.[1]);
console.log(`ConvLens preview page in headless Chromium ${browser.version()}, 3×224×224 noise input`);
for (const model of ['resnet18', 'resnet50']) {
  const text = readFileSync(join(root, 'examples', `${model}.cnn.yaml`), 'utf8');
  // Cold: a fresh page and worker (first open of the preview); warm: re-runs in the same page
  // (what every edit or re-seed costs), read from the page's own status line.
  const cold = [];
  const wall = [];
  const warm = [];
  let backend = '';
  for (let i = 0; i < 3; i++) {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    // Runs are awaited through the page's own `convlens:done` event, not by polling the DOM:
    // Playwright's selector polling walks the page's thousands of map elements every frame and
    // took main-thread time from the run it was measuring.
    await page.addInitScript((t) => {
      window.__CONVLENS_TEST__ = { text: t };
      window.__nextDone = () => new Promise((resolve) => document.addEventListener('convlens:done', (e) => resolve(e.detail.ms), { once: true }));
      window.__firstDone = window.__nextDone();
    }, text);
    const t0 = Date.now();
    await page.goto(`${base}/?sample=noise`);
    await page.evaluate(() => window.__firstDone);
    wall.push(Date.now() - t0);
    cold.push(await statusMs(page));
    backend = (await page.getAttribute('body', 'data-backend')) ?? '?';
    if (i === 0) {
      for (let k = 0; k <= runs; k++) {
        await page.evaluate(() => {
          const done = window.__nextDone();
          document.getElementById('reseed').click();
          return done;
        });
        if (k > 0) warm.push(await statusMs(page));
      }
    }
    await page.close();
  }
  console.log(`  ${model.padEnd(9)} [${backend}] forward shown in the page: warm ${median(warm)} ms (min ${Math.min(...warm)}, ${runs} re-runs), cold ${median(cold)} ms (fresh page); page load → run done (maps in view painted) ${median(wall)} ms`);
}
await browser.close();
close();
