// Browser tests of the built preview page (dist/webview, from `node scripts/build.mjs`) in
// headless Chromium (playwright-core, Debian's /usr/bin/chromium). The page is served with the
// same strict CSP as in VS Code (renderHtml) from 127.0.0.1 on a random port. Standalone mode
// reads the document text from window.__CONVLENS_TEST__; the VS Code tests give the page a
// recording acquireVsCodeApi and send it the host's messages. Screenshots go to
// test-results/browser/.
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { check, checkOnnx, fieldAt, formatAttribute, readOnnx, type ReadOptions } from '../../engine';
import type { Analysis, AxisField } from '../../engine/types';
import { renderHtml, makeNonce } from '../../client/src/previewHtml';
import { parsePageMessage } from '../../protocol/preview';
import { execute, layerParams, paramOptions } from '../../kernels/runtime/execute';
import { centreOf, makeSample } from '../../kernels/runtime/samples';
import { readNpy } from '../../kernels/runtime/npy';
import { loadWeights } from '../../kernels/weights';
import { explainLayer } from '../../engine/explain';
import { convMatrix } from '../../kernels/runtime/convMatrix';
import { colourize } from '../../webview/src/render/heatmap';
import type { Colormap } from '../../webview/src/render/colors';
import { WARM_UP_NETWORK } from '../../webview/src/warmUp';
import { layerGroups } from '../../webview/src/render/groups';
import { channelActivity, channelOrder } from '../../webview/src/render/channels';
import { loadOracle, repoRoot } from '../oracle';

const distDir = join(repoRoot, 'dist', 'webview');
const shots = join(repoRoot, 'test-results', 'browser');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];

const example = (f: string) => readFileSync(join(repoRoot, 'examples', f), 'utf8');
/** A real model file of ../shared/realworld (read there, never copied into the repository). */
const realworld = (f: string) => readFileSync(join(repoRoot, '..', 'shared', 'realworld', f), 'utf8');

/** A 224×224 stem, like the first layers of a resnet: the case where an impulse is a dot. */
const STEM_224 = `input: [3, 224, 224]
layers:
  - conv: {out: 16, kernel: 7, stride: 2, padding: 3}
    name: conv1
  - relu:
    name: relu1
  - maxpool: {kernel: 3, stride: 2, padding: 1}
    name: pool1
  - conv: {out: 24, kernel: 3, padding: 1}
    name: conv2
`;

/** The colours (r, g, b per pixel) the page's colour scale gives values of a map. */
function coloursOf(data: ArrayLike<number>, offset: number, n: number, scale: number, map: Colormap): number[] {
  const words = new Uint32Array(n);
  colourize(data, offset, n, scale, words, map);
  const bytes = new Uint8Array(words.buffer);
  return Array.from({ length: n * 3 }, (_, i) => bytes[Math.floor(i / 3) * 4 + (i % 3)]);
}

const maxAbsOf = (d: ArrayLike<number>, from: number, to: number): number => {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(d[i]));
  return m || 1e-30;
};

function analyse(text: string, options?: ReadOptions): Analysis {
  const a = check(text, options);
  const errs = a.findings.filter((f) => f.severity === 'error');
  assert.equal(errs.length, 0, errs.map((e) => e.message).join('\n'));
  return a;
}

describe('preview page in headless Chromium', function () {
  this.timeout(120000);
  let server: Server;
  let base = '';
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  before(async function () {
    if (!existsSync(join(distDir, 'main.js')) || !existsSync(join(distDir, 'worker.js'))) throw new Error('dist/webview is missing: run node scripts/build.mjs first');
    if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}`);
    mkdirSync(shots, { recursive: true });
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/' || url.pathname === '/index.html') {
        const nonce = makeNonce();
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(renderHtml({ cspSource: base, nonce, scriptUri: `${base}/main.js`, workerUri: `${base}/worker.js` }));
        return;
      }
      const file = normalize(join(distDir, url.pathname));
      if (!file.startsWith(distDir) || !existsSync(file)) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream' });
      res.end(readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  async function open(text: string, query = '', deviceScaleFactor = 1, options?: ReadOptions): Promise<void> {
    page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.addInitScript(([t, o]) => {
      (window as any).__CONVLENS_TEST__ = { text: t, options: o };
    }, [text, options] as const);
    await page.goto(`${base}/${query}`);
    await page.waitForSelector('body[data-status="done"]');
  }

  /** Opens the page as VS Code does, with a recording acquireVsCodeApi, until it says `ready`. */
  async function openVsCodePage(): Promise<void> {
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.addInitScript(() => {
      const w = window as any;
      w.__sent = [];
      w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.__sent.push(m), getState: () => w.__state, setState: (st: unknown) => (w.__state = st) });
      // The weight statistics the page asks of its worker and gets back, as they pass.
      w.__weightStats = [];
      const PageWorker = window.Worker;
      w.Worker = class extends PageWorker {
        constructor(url: string | URL, options?: WorkerOptions) {
          super(url, options);
          this.addEventListener('message', (e) => e.data?.type === 'weightStats' && w.__weightStats.push({ dir: 'reply', layer: e.data.layer }));
        }
        postMessage(m: any, transfer?: any) {
          if (m?.type === 'weightStats') w.__weightStats.push({ dir: 'ask', layer: m.layer });
          return super.postMessage(m, transfer);
        }
      };
    });
    await page.goto(`${base}/`);
    await page.waitForFunction(() => (window as any).__sent.some((m: any) => m.type === 'ready'));
  }

  /** Opens the page as VS Code does, then the host's `document`. */
  async function openInVsCode(text: string, options?: ReadOptions): Promise<void> {
    await openVsCodePage();
    await hostSends({ type: 'document', text, uri: 'file:///work/nets/small%20net.cnn.yaml', version: 1, ...(options ? { options } : {}) });
    await page.waitForSelector('body[data-status="done"]');
  }

  async function hostSends(m: unknown): Promise<void> {
    await page.evaluate((msg) => window.postMessage(msg, '*'), m);
  }

  /** The messages the page sent the host of a type, with byte arrays as plain arrays. */
  async function sentOfType(type: string): Promise<any[]> {
    return page.evaluate((t) => {
      const plain = (v: unknown): unknown => (v instanceof Uint8Array ? Array.from(v) : Array.isArray(v) ? v.map(plain) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v);
      return (window as any).__sent.filter((m: any) => m.type === t).map(plain);
    }, type);
  }

  /** Opens tiny-vgg on seeded noise and shows one layer: the analysis, the layer's index, shape and output. */
  async function openTinyVgg(seed: number, name: string, deviceScaleFactor = 1) {
    const a = analyse(example('tiny-vgg.cnn.yaml'));
    await open(example('tiny-vgg.cnn.yaml'), `?sample=noise&seed=${seed}`, deviceScaleFactor);
    const idx = a.layers.findIndex((l) => l.name === name);
    await showSection(name);
    const data: number[] = (await page.evaluate(() => (window as any).convlens.outputs()))[idx].data;
    return { a, idx, shape: a.layers[idx].shape!, data };
  }

  /** Re-runs the open page with another seed and waits for that run's end. */
  const rerunWithSeed = (seed: number) =>
    page.evaluate(
      (s) =>
        new Promise<void>((resolve) => {
          document.addEventListener('convlens:done', () => resolve(), { once: true });
          (window as any).convlens.setSeed(s);
        }),
      seed,
    );

  /** Scrolls a section into view (its tiles get their channels and pixels there) and waits for them. */
  async function showSection(layer: string): Promise<void> {
    await page.locator(`section[data-layer="${layer}"]`).scrollIntoViewIfNeeded();
    await page.waitForSelector(`section[data-layer="${layer}"] .map[data-channel]`);
  }

  /**
   * Clicks a map canvas at a fraction of its size once its box has stopped moving (later layers
   * are laid out in batches and may still shift it): Playwright's actionability checks wait for a
   * stable box that receives the click, and the fractions are read from that box.
   */
  async function clickMapAt(map: Locator, fx: number, fy: number): Promise<void> {
    await map.click({ trial: true });
    const box = (await map.boundingBox())!;
    await map.click({ position: { x: fx * box.width, y: fy * box.height } });
  }

  /** A tile's canvas pixels as r, g, b triples. */
  async function tilePixels(selector: string): Promise<{ w: number; h: number; rgb: number[] }> {
    return page.$eval(selector, (c) => {
      const cv = c as HTMLCanvasElement;
      const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      const rgb: number[] = [];
      for (let i = 0; i < d.length; i += 4) rgb.push(d[i], d[i + 1], d[i + 2]);
      return { w: cv.width, h: cv.height, rgb };
    });
  }

  afterEach(async function () {
    if (page) {
      const name = (this.currentTest?.title ?? 'test').replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
      await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false }).catch(() => undefined);
      await page.close();
    }
  });

  it('renders maps for every layer of tiny-vgg, with non-trivial pixels and stats, under the strict CSP', async () => {
    const text = example('tiny-vgg.cnn.yaml');
    const a = analyse(text);
    await open(text, '?sample=noise');
    const rendered = await page.locator('section.layer.rendered').count();
    assert.equal(rendered, a.layers.length + 1, 'one section per layer plus the input');
    // The CSP allows WebAssembly compilation ('wasm-unsafe-eval'), so the SIMD kernels ran.
    assert.equal(await page.getAttribute('body', 'data-backend'), 'wasm');
    const names = await page.$$eval('section.layer', (ss) => ss.map((s) => (s as HTMLElement).dataset.layer));
    assert.deepEqual(names, ['input', ...a.layers.map((l) => l.name)]);
    // The first conv shows 10 maps of 62×62 with many distinct colours.
    const info = await page.$eval('section[data-layer="block.0.conv1"]', (sec) => {
      const cvs = Array.from(sec.querySelectorAll('canvas.map-canvas')) as HTMLCanvasElement[];
      const c = cvs[0];
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const colours = new Set<string>();
      for (let i = 0; i < d.length; i += 4) colours.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
      return { n: cvs.length, w: c.width, h: c.height, colours: colours.size, stats: sec.querySelector('.stats')!.textContent };
    });
    assert.equal(info.n, 10);
    assert.deepEqual([info.w, info.h], [62, 62]);
    assert.ok(info.colours > 20, `only ${info.colours} colours`);
    assert.match(info.stats!, /min -?[\d.]+ · max [\d.]+ · mean/);
    // The [10] output is one strip of 10 cells.
    const strip = await page.$eval('section[data-layer="output"] canvas.map-canvas', (c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
    assert.deepEqual(strip, [10, 1]);
    assert.deepEqual(consoleErrors.filter((e) => /Content Security Policy|Refused/.test(e)), []);
  });

  it('the worker computes the same numbers as the Node executor for the same seed and sample', async () => {
    const text = example('tiny-vgg.cnn.yaml');
    const a = analyse(text);
    await open(text, '?sample=checkerboard&seed=7');
    const got = await page.evaluate(() => (window as any).convlens.outputs());
    const want: Float32Array[] = [];
    execute(a, makeSample('checkerboard', a.input!, 7), { seed: 7, onLayer: (i, t) => (want[i] = t.data) });
    assert.equal(got.length, a.layers.length);
    a.layers.forEach((l, i) => {
      assert.deepEqual(got[i].shape, l.shape);
      let worst = 0;
      for (let k = 0; k < want[i].length; k++) worst = Math.max(worst, Math.abs(got[i].data[k] - want[i][k]));
      assert.ok(worst <= 1e-6, `${l.name}: max difference ${worst}`);
    });
  });

  it("a re-run writes into the previous run's buffers (moved back to the worker), and its numbers stay exact", async () => {
    const text = example('tiny-vgg.cnn.yaml');
    const a = analyse(text);
    await open(text, '?sample=checkerboard&seed=7');
    assert.equal(await page.getAttribute('body', 'data-reused'), '0', 'a first run has no buffers to reuse');
    const first = await page.evaluate(() => (window as any).convlens.outputs());
    await rerunWithSeed(8);
    const reused = Number(await page.getAttribute('body', 'data-reused'));
    assert.ok(reused >= a.layers.filter((l) => l.kind === 'conv').length, `outputs written into reused buffers: ${reused}`);
    const got = await page.evaluate(() => (window as any).convlens.outputs());
    const want: Float32Array[] = [];
    execute(a, makeSample('checkerboard', a.input!, 8), { seed: 8, onLayer: (i, t) => (want[i] = t.data) });
    a.layers.forEach((l, i) => {
      let worst = 0;
      for (let k = 0; k < want[i].length; k++) worst = Math.max(worst, Math.abs(got[i].data[k] - want[i][k]));
      assert.ok(worst <= 1e-6, `${l.name}: max difference ${worst}`);
    });
    // Back to the first seed, in buffers that held seed 8's numbers: the first run's, exactly.
    await rerunWithSeed(7);
    assert.deepEqual(await page.evaluate(() => (window as any).convlens.outputs()), first);
  });

  it('a re-run of the same network repaints its sections and tiles in place (a zoomed map follows its channel); another network rebuilds them', async () => {
    const name = 'block.1.conv1';
    const { idx, shape } = await openTinyVgg(1, name);
    const [, H, W] = shape;
    const HW = H * W;
    const sec = `section[data-layer="${name}"]`;
    // Zoom the third tile and select a pixel on it: its field is outlined on that tile.
    const third = page.locator(`${sec} .map[data-channel]`).nth(2);
    const zoomedChannel = Number(await third.getAttribute('data-channel'));
    const box = (await third.locator('canvas.map-canvas').boundingBox())!;
    await page.mouse.click(box.x + 1, box.y + 1);
    await page.waitForSelector(`${sec} .map.zoomed canvas.overlay`, { state: 'attached' });
    // Mark every section and canvas: the re-run must keep these very elements.
    await page.$$eval('section.layer, section.layer canvas.map-canvas', (els) => els.forEach((e) => ((e as any).__kept = true)));
    const counts = await page.$$eval('section.layer', (ss) => ss.map((s) => s.querySelectorAll('canvas.map-canvas').length));
    const before = await tilePixels(`${sec} .map[data-channel] canvas.map-canvas`);
    await rerunWithSeed(2);
    await showSection(name);
    assert.ok(await page.$$eval('section.layer, section.layer canvas.map-canvas', (els) => els.every((e) => (e as any).__kept === true)), 'a re-run keeps the sections and tiles');
    assert.deepEqual(await page.$$eval('section.layer', (ss) => ss.map((s) => s.querySelectorAll('canvas.map-canvas').length)), counts);
    assert.equal(await page.locator('section.layer.pending').count(), 0);
    // The tiles show this run's numbers, most active channels first, each exactly in its colours.
    const outs = await page.evaluate(() => (window as any).convlens.outputs());
    const d = outs[idx].data;
    const channels = await page.$$eval(`${sec} .map[data-channel]`, (ts) => ts.map((t) => Number((t as HTMLElement).dataset.channel)));
    const activity = (c: number) => {
      let s = 0;
      for (let i = c * HW; i < (c + 1) * HW; i++) s += Math.abs(d[i]);
      return s / HW;
    };
    for (let i = 1; i < channels.length; i++) assert.ok(activity(channels[i - 1]) >= activity(channels[i]), `channel order after the re-run: ${channels.join(', ')}`);
    for (const c of channels.slice(0, 3)) {
      const got = await tilePixels(`${sec} .map[data-channel="${c}"] canvas.map-canvas`);
      assert.deepEqual(got.rgb, coloursOf(d, c * HW, HW, maxAbsOf(d, c * HW, (c + 1) * HW), 'diverging'), `channel ${c}`);
    }
    assert.notDeepEqual((await tilePixels(`${sec} .map[data-channel] canvas.map-canvas`)).rgb, before.rgb, 'the first tile changed with the seed');
    // The zoom stays with its channel, wherever that channel's tile now is; one tile is zoomed.
    assert.equal(await page.locator(`${sec} .map.zoomed`).count(), 1);
    assert.equal(Number(await page.getAttribute(`${sec} .map.zoomed`, 'data-channel')), zoomedChannel);
    // The selection's outline is redrawn on the selected channel's tile only.
    const outlined = await page.$$eval(`${sec} .map:has(canvas.overlay)`, (ts) => ts.map((t) => Number((t as HTMLElement).dataset.channel)));
    assert.deepEqual(outlined, [zoomedChannel]);
    // A network with other shapes gets new sections.
    await page.evaluate((t) => (window as any).convlens.load(t), example('tiny-vgg.cnn.yaml').replace('linear: {out: 10}', 'linear: {out: 12}'));
    await page.waitForFunction(() => document.body.dataset.status === 'done' && !(document.querySelector('section.layer') as any).__kept);
    assert.equal(await page.locator(`${sec} .map.zoomed`).count(), 0);
  });

  it("clicking a pixel of a late map outlines the engine's field on the input and the exact positions on earlier maps", async () => {
    const text = example('tiny-vgg.cnn.yaml');
    const a = analyse(text);
    await open(text);
    const name = 'block.1.conv2';
    const layer = a.layers.find((l) => l.name === name)!;
    const [, H, W] = layer.shape!;
    const target = { x: 7, y: 11 };
    await showSection(name);
    const map = page.locator(`section[data-layer="${name}"] .map[data-channel="0"] canvas.map-canvas`);
    await clickMapAt(map, (target.x + 0.5) / W, (target.y + 0.5) / H);
    await page.waitForSelector('#input-section[data-field]', { state: 'attached' });
    const field = JSON.parse((await page.getAttribute('#input-section', 'data-field'))!);
    const rf = layer.rf as any;
    const expected = [fieldAt(rf.axes[0], target.y), fieldAt(rf.axes[1], target.x)];
    assert.deepEqual(field, expected);
    // tiny-vgg: two 3x3 valid convs, a 2x2 pool, two 3x3 valid convs: 14 px at jump 2, so the
    // field of (11, 7) is rows 22..35, cols 14..27.
    assert.deepEqual(field, [[[22, 35]], [[14, 27]]]);
    // On the layer just before (block.1.conv1, 3x3 valid): rows y..y+2, cols x..x+2.
    const prev = JSON.parse((await page.getAttribute('section[data-layer="block.1.conv1"]', 'data-field'))!);
    assert.deepEqual(prev, [[[11, 13]], [[7, 9]]]);
    // The value shown is the value of that output.
    const value = await page.textContent(`section[data-layer="${name}"] .value`);
    const outs = await page.evaluate(() => (window as any).convlens.outputs());
    const idx = a.layers.indexOf(layer);
    assert.ok(value!.startsWith(`${name}[0, 11, 7] = ${outs[idx].data[11 * W + 7].toFixed(3)}`), value!);
    // The outline is drawn: the input overlay has coloured pixels exactly on the field.
    const painted = await page.$eval('#input-section .map[data-channel="0"] canvas.overlay', (c) => {
      const cv = c as HTMLCanvasElement;
      const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      const sx = cv.width / 64;
      const at = (x: number, y: number) => d[(Math.floor((y + 0.5) * sx) * cv.width + Math.floor((x + 0.5) * sx)) * 4 + 3];
      return { inside: at(20, 30), outside: at(30, 30), below: at(20, 40) };
    });
    assert.ok(painted.inside > 0 && painted.outside === 0 && painted.below === 0, JSON.stringify(painted));
  });

  it('shows holes as holes: the dilated gridding field on the input', async () => {
    const text = example('dilated-gridding.cnn.yaml').replace('input: [3, 64, 64]', 'input: [3, 24, 24]');
    const a = analyse(text);
    await open(text);
    const name = 'classifier';
    const layer = a.layers.find((l) => l.name === name)!;
    await showSection(name);
    const map = page.locator(`section[data-layer="${name}"] .map[data-channel="0"] canvas.map-canvas`);
    await clickMapAt(map, 12.5 / 24, 12.5 / 24);
    await page.waitForSelector('#input-section[data-field]', { state: 'attached' });
    const field = JSON.parse((await page.getAttribute('#input-section', 'data-field'))!);
    const rf = layer.rf as any;
    assert.deepEqual(field, [fieldAt(rf.axes[0], 12), fieldAt(rf.axes[1], 12)]);
    assert.deepEqual(field[0], [[6, 6], [8, 8], [10, 10], [12, 12], [14, 14], [16, 16], [18, 18]]);
    const overlay = await page.$eval('#input-section .map[data-channel="0"] canvas.overlay', (c) => {
      const cv = c as HTMLCanvasElement;
      const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      const s = cv.width / 24;
      const at = (x: number, y: number) => d[(Math.floor((y + 0.5) * s) * cv.width + Math.floor((x + 0.5) * s)) * 4 + 3];
      return [at(12, 12), at(13, 12), at(12, 13), at(14, 14)];
    });
    assert.ok(overlay[0] > 0 && overlay[1] === 0 && overlay[2] === 0 && overlay[3] > 0, `holes must stay unpainted: ${overlay}`);
  });

  it("the matrix view of a small conv equals the lecture's matrix, and its product check says OK", async () => {
    const text = `input: [1, 4, 4]
layers:
  - conv: {out: 1, kernel: 3, weights: [[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]], bias: false}
    name: lecture
  - conv: {out: 2, kernel: 2, stride: 1, padding: 1}
    name: random
`;
    const a = analyse(text);
    await open(text, '?sample=noise&seed=3');
    await page.click('section[data-layer="lecture"] button.as-matrix');
    await page.waitForSelector('#matrix:not([hidden]) #matrix-check', { state: 'attached' });
    const m = JSON.parse((await page.getAttribute('#matrix', 'data-matrix'))!);
    const oracle = loadOracle('conv_matrix.json').cases.find((c: any) => c.id === 'in4_k3_s1_p0');
    const C = typeof oracle.C === 'string' ? JSON.parse(oracle.C) : oracle.C;
    assert.deepEqual([m.rows, m.cols], [4, 16]);
    assert.deepEqual(m.data, C.flat());
    assert.equal(await page.getAttribute('#matrix-check', 'data-ok'), 'true');
    assert.match((await page.textContent('#matrix-check'))!, /OK/);
    assert.equal(await page.locator('#matrix-table tr').count(), 5);
    await page.screenshot({ path: join(shots, 'matrix-lecture.png') });
    // A random-weight conv on the 2x2 output: the page's matrix is the one built from the seeded weights.
    await page.click('#matrix-close');
    await page.click('section[data-layer="random"] button.as-matrix');
    await page.waitForSelector('#matrix[data-layer="random"] #matrix-check');
    const m2 = JSON.parse((await page.getAttribute('#matrix', 'data-matrix'))!);
    const l = a.layers[1];
    const p = layerParams(l, [1, 2, 2], 3, false, paramOptions(a.layers))!;
    const want = convMatrix(p.weight, { inShape: [1, 2, 2], kernel: [2, 2], stride: [1, 1], dilation: [1, 1], padding: [[1, 1], [1, 1]], groups: 1 });
    assert.deepEqual([m2.rows, m2.cols], [18, 4]);
    m2.data.forEach((v: number, i: number) => assert.ok(Math.abs(v - want.data[i]) < 1e-7));
    assert.equal(await page.getAttribute('#matrix-check', 'data-ok'), 'true');
  });

  it('a 1-D network draws line plots, and a new document cancels the running one', async () => {
    await open(example('tcn.cnn.yaml'), '?sample=sine');
    assert.ok((await page.locator('section[data-layer="level0.conv1"] canvas.map-canvas').count()) === 16, 'first 16 of 32 channels');
    assert.match((await page.textContent('section[data-layer="level0.conv1"] .pager'))!, /1–16 of 32 channels, most active first/);
    await page.click('section[data-layer="level0.conv1"] .pager button:last-child');
    assert.match((await page.textContent('section[data-layer="level0.conv1"] .pager'))!, /17–32 of 32 channels, most active first/);
    // Load resnet18 and, right away, a tiny network: only the tiny one is shown at the end.
    await page.evaluate((t) => {
      (window as any).convlens.load(t);
    }, example('resnet18.cnn.yaml'));
    await page.waitForFunction(() => document.querySelectorAll('section.layer.rendered').length >= 3);
    await page.evaluate((t) => (window as any).convlens.load(t), example('lecture-1d-edge.cnn.yaml'));
    await page.waitForFunction(() => document.body.dataset.status === 'done' && document.querySelectorAll('section.layer').length === 3);
    const names = await page.$$eval('section.layer', (ss) => ss.map((s) => (s as HTMLElement).dataset.layer));
    assert.deepEqual(names, ['input', 'edge', 'edge_stride2']);
  });

  it('shows errors in the page', async () => {
    page = await browser.newPage();
    await page.addInitScript(() => {
      (window as any).__CONVLENS_TEST__ = { text: 'input: [1, 4]\nlayers:\n  - conv: {out: 1, kernel: 9}\n' };
    });
    await page.goto(`${base}/`);
    await page.waitForSelector('body[data-status="error"]');
    assert.match((await page.textContent('#errors'))!, /Cannot run the network/);
  });
  it('runs a YOLO11n model file (Ultralytics YAML: C3k2, SPPF, C2PSA attention, Detect) with the same numbers as Node', async () => {
    const options: ReadOptions = { format: 'ultralytics', fileName: 'yolo11n.yaml', imageSize: 128 };
    const text = example('ultralytics/yolo11n.yaml');
    const a = analyse(text, options);
    await open(text, '?sample=noise&seed=3', 1, options);
    assert.equal(await page.locator('section.layer.rendered').count(), a.layers.length + 1);
    const got = await page.evaluate(() => (window as any).convlens.outputs());
    const want: Float32Array[] = [];
    execute(a, makeSample('noise', a.input!, 3), { seed: 3, onLayer: (i, t) => (want[i] = t.data) });
    for (const name of ['model.10.m.0.attn.attend', 'model.23.cat.0', 'model.23.cat.2']) {
      const i = a.layers.findIndex((l) => l.name === name);
      assert.ok(i >= 0, name);
      assert.deepEqual(got[i].shape, a.layers[i].shape);
      let worst = 0;
      for (let k = 0; k < want[i].length; k++) worst = Math.max(worst, Math.abs(got[i].data[k] - want[i][k]) / Math.max(1, Math.abs(want[i][k])));
      assert.ok(worst <= 1e-5, `${name}: max relative difference ${worst}`);
    }
  });

  it("a random YOLOv8n keeps its head's activations near the input's scale (fan-in scaled weights; PyTorch's default leaves 1e-9)", async () => {
    const options: ReadOptions = { format: 'ultralytics', fileName: 'yolov8n.yaml', imageSize: 64 };
    const text = example('ultralytics/yolov8n.yaml');
    const a = analyse(text, options);
    await open(text, '?sample=noise&seed=1', 1, options);
    const rms = (d: ArrayLike<number>) => Math.sqrt(Array.from(d).reduce((s, v) => s + v * v, 0) / d.length);
    const input = rms((await page.evaluate(() => (window as any).convlens.input())).data);
    const got = await page.evaluate(() => (window as any).convlens.outputs());
    const heads = a.layers.flatMap((l, i) => (/^model\.22\.cv[23]\.\d\.1\.conv$/.test(l.name) ? [rms(got[i].data)] : []));
    assert.equal(heads.length, 6);
    for (const r of heads) assert.ok(r > input / 100 && r < input * 100, `head rms ${r}, input ${input}`);
  });

  it('the default input is the rendered scene: the input shows it in colour, and the maps are vivid, not white squares', async () => {
    const a = analyse(STEM_224);
    await open(STEM_224);
    assert.equal(await page.inputValue('#sample'), 'scene');
    assert.equal(await page.getAttribute('#impulse', 'aria-pressed'), 'false');
    // The worker ran on the scene sample the kernels define (what `convlens run --input scene` uses).
    const input = await page.evaluate(() => (window as any).convlens.input());
    const scene = makeSample('scene', a.input!);
    assert.deepEqual(input.shape, [3, 224, 224]);
    assert.ok(input.data.every((v: number, i: number) => v === scene.data[i]));
    // The input's colour tile is the picture itself: its three channels, min → 0 and max → 255.
    const rgb = await tilePixels('#input-section .map[data-channel="rgb"] canvas.map-canvas');
    assert.deepEqual([rgb.w, rgb.h], [224, 224]);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of scene.data) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    const n = 224 * 224;
    for (let i = 0; i < n; i += 97) for (let c = 0; c < 3; c++) assert.ok(Math.abs(rgb.rgb[i * 3 + c] - ((scene.data[c * n + i] - lo) / (hi - lo)) * 255) <= 1, `pixel ${i}`);
    // conv1's maps: many colours, hardly any near-white pixel (the impulse default was mostly white).
    await showSection('conv1');
    const tile = await tilePixels('section[data-layer="conv1"] .map[data-channel] canvas.map-canvas');
    const colours = new Set<string>();
    let white = 0;
    for (let i = 0; i < tile.rgb.length; i += 3) {
      colours.add(tile.rgb.slice(i, i + 3).join());
      if (tile.rgb[i] > 235 && tile.rgb[i + 1] > 235 && tile.rgb[i + 2] > 235) white++;
    }
    assert.ok(colours.size > 500, `${colours.size} colours`);
    assert.ok(white / (tile.rgb.length / 3) < 0.05, `${white} near-white pixels`);
    assert.deepEqual(consoleErrors.filter((e) => /Content Security Policy|Refused/.test(e)), []);
  });

  it('the impulse is one click away, and then every map is zoomed to where the impulse reaches', async () => {
    const a = analyse(STEM_224);
    await open(STEM_224);
    await page.click('#impulse');
    await page.waitForFunction(() => document.body.dataset.status === 'done' && (window as any).convlens.state().sample === 'impulse');
    assert.equal(await page.getAttribute('#impulse', 'aria-pressed'), 'true');
    const [cy, cx] = centreOf([224, 224]);
    // The window of each section: the engine's fields that hold the centre, and a margin.
    const widen = (lo: number, hi: number, size: number) => {
      const m = Math.max(2, Math.round(0.15 * (hi - lo + 1)));
      return [Math.max(0, lo - m), Math.min(size - 1, hi + m)];
    };
    // What the impulse changes: its outputs against those of an all-zero input (same weights).
    const run = (x: { shape: number[]; data: Float32Array }) => {
      const outs: Float32Array[] = [];
      execute(a, x, { seed: 0, onLayer: (i, t) => (outs[i] = t.data.slice()) });
      return outs;
    };
    const impulse = run(makeSample('impulse', a.input!));
    const zero = run({ shape: a.input!, data: new Float32Array(3 * 224 * 224) });
    for (const [i, l] of a.layers.entries()) {
      const [, H, W] = l.shape!;
      const axes = (l.rf as { axes: AxisField[] }).axes;
      const reach = [cy, cx].map((c, ax) => {
        const hits = Array.from({ length: [H, W][ax] }, (_, o) => o).filter((o) => fieldAt(axes[ax], o).some(([p, q]) => c >= p && c <= q));
        return widen(hits[0], hits[hits.length - 1], [H, W][ax]);
      });
      const win = JSON.parse((await page.getAttribute(`section[data-layer="${l.name}"]`, 'data-window'))!);
      assert.deepEqual(win, { x0: reach[1][0], y0: reach[0][0], w: reach[1][1] - reach[1][0] + 1, h: reach[0][1] - reach[0][0] + 1 }, l.name);
      assert.ok(win.w < W / 4 && win.h < H / 4, `${l.name} is zoomed in`);
      // Everything the impulse changes lies inside.
      for (let k = 0; k < impulse[i].length; k++) {
        if (impulse[i][k] === zero[i][k]) continue;
        const [y, x] = [Math.floor((k % (H * W)) / W), k % W];
        assert.ok(y >= win.y0 && y < win.y0 + win.h && x >= win.x0 && x < win.x0 + win.w, `${l.name}: the impulse changes ${y},${x}`);
      }
      await showSection(l.name);
      const size = await page.$eval(`section[data-layer="${l.name}"] .map canvas.map-canvas`, (cv) => [(cv as HTMLCanvasElement).width, (cv as HTMLCanvasElement).height]);
      assert.deepEqual(size, [win.w, win.h]);
    }
    assert.deepEqual(JSON.parse((await page.getAttribute('#input-section', 'data-window'))!), { x0: cx - 2, y0: cy - 2, w: 5, h: 5 });
    // One click back: the scene, every map whole.
    await page.click('#impulse');
    await page.waitForFunction(() => document.body.dataset.status === 'done' && (window as any).convlens.state().sample === 'scene');
    assert.deepEqual(JSON.parse((await page.getAttribute('section[data-layer="conv1"]', 'data-window'))!), { x0: 0, y0: 0, w: 112, h: 112 });
  });

  it('colour scales: viridis for layers that are never negative, diverging for signed ones; the legend gives the range', async () => {
    const text = example('tiny-vgg.cnn.yaml');
    const a = analyse(text);
    await open(text, '?sample=noise&seed=2');
    const outs = await page.evaluate(() => (window as any).convlens.outputs());
    const HW = 62 * 62;
    for (const [name, map] of [['block.0.conv1', 'diverging'], ['block.0.relu1', 'viridis']] as Array<[string, Colormap]>) {
      await showSection(name);
      const idx = a.layers.findIndex((l) => l.name === name);
      assert.equal(await page.getAttribute(`section[data-layer="${name}"] .legend`, 'data-colormap'), map);
      assert.equal(await page.getAttribute(`section[data-layer="${name}"] .legend`, 'data-scale'), 'map');
      // Per map: each tile on its own scale, exactly the page's colour table.
      const c = Number(await page.getAttribute(`section[data-layer="${name}"] .map[data-channel]`, 'data-channel'));
      const got = await tilePixels(`section[data-layer="${name}"] .map[data-channel="${c}"] canvas.map-canvas`);
      const d = outs[idx].data;
      assert.deepEqual(got.rgb, coloursOf(d, c * HW, HW, maxAbsOf(d, c * HW, (c + 1) * HW), map), name);
    }
    // Per layer: one scale, the layer's largest |value|, printed at the legend's ends.
    await page.selectOption('#norm', 'layer');
    const idx = a.layers.findIndex((l) => l.name === 'block.0.conv1');
    const d = outs[idx].data;
    const scale = maxAbsOf(d, 0, d.length);
    await showSection('block.0.conv1');
    assert.equal(Number(await page.getAttribute('section[data-layer="block.0.conv1"] .legend', 'data-scale')), scale);
    assert.equal(await page.textContent('section[data-layer="block.0.conv1"] .legend-hi'), scale.toFixed(3));
    assert.equal(await page.textContent('section[data-layer="block.0.conv1"] .legend-lo'), (-scale).toFixed(3));
    const c = Number(await page.getAttribute('section[data-layer="block.0.conv1"] .map[data-channel]', 'data-channel'));
    const got = await tilePixels(`section[data-layer="block.0.conv1"] .map[data-channel="${c}"] canvas.map-canvas`);
    assert.deepEqual(got.rgb, coloursOf(d, c * HW, HW, scale, 'diverging'));
    // The legend's bar is the scale itself.
    const bar = await tilePixels('section[data-layer="block.0.relu1"] canvas.legend-bar');
    assert.deepEqual(bar.rgb, coloursOf(Float32Array.from({ length: 128 }, (_, i) => i / 127), 0, 128, 1, 'viridis'));
  });

  it('channels come most active first (largest mean |value|), or by index; the size slider resizes every tile', async () => {
    const name = 'block.0.conv2';
    const { shape, data: d } = await openTinyVgg(5, name);
    const [C, H, W] = shape;
    const activity = Array.from({ length: C }, (_, c) => {
      let s = 0;
      for (let i = c * H * W; i < (c + 1) * H * W; i++) s += Math.abs(d[i]);
      return s;
    });
    const shown = async () => page.$$eval(`section[data-layer="${name}"] .map`, (ts) => ts.map((t) => Number((t as HTMLElement).dataset.channel)));
    const want = activity.map((_, c) => c).sort((x, y) => activity[y] - activity[x]);
    assert.deepEqual(await shown(), want);
    assert.equal(await page.textContent(`section[data-layer="${name}"] .map[data-channel="${want[0]}"] .label`), String(want[0]));
    await page.selectOption('#order', 'index');
    await showSection(name);
    assert.deepEqual(await shown(), Array.from({ length: C }, (_, c) => c));
    assert.equal((await page.evaluate(() => (window as any).convlens.state())).order, 'index');
    // The tile size: a map's longer side in CSS pixels.
    const width = () => page.$eval(`section[data-layer="${name}"] .map canvas.map-canvas`, (cv) => (cv as HTMLElement).getBoundingClientRect().width);
    assert.equal(await width(), 128);
    await page.$eval('#tile-size', (el) => {
      (el as HTMLInputElement).value = '256';
      el.dispatchEvent(new Event('input'));
    });
    assert.equal(await width(), 256);
    assert.equal(await page.$eval('#input-section .map canvas.map-canvas', (cv) => (cv as HTMLElement).getBoundingClientRect().width), 256);
    assert.equal((await page.evaluate(() => (window as any).convlens.state())).tile, 256);
  });

  it('a click zooms a map pixel-exactly (whole device pixels per value) and reads out the value under the pointer', async () => {
    const name = 'block.1.conv1';
    const { shape, data: d } = await openTinyVgg(1, name, 2);
    const [, H, W] = shape;
    const tile = page.locator(`section[data-layer="${name}"] .map[data-channel]`).nth(2);
    const c = Number(await tile.getAttribute('data-channel'));
    const canvas = tile.locator('canvas.map-canvas');
    let box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + 1, box.y + 1);
    await page.waitForSelector(`section[data-layer="${name}"] .map.zoomed`);
    assert.equal(Number(await page.getAttribute(`section[data-layer="${name}"] .map.zoomed`, 'data-channel')), c);
    const k = Number(await page.getAttribute(`section[data-layer="${name}"] .map.zoomed`, 'data-zoom'));
    box = (await page.locator(`section[data-layer="${name}"] .map.zoomed canvas.map-canvas`).boundingBox())!;
    // Device pixels (scale factor 2) per value: a whole number, the same across and down.
    assert.ok(k >= 2, `zoom ${k}`);
    assert.equal(box.width * 2, W * k);
    assert.equal(box.height * 2, H * k);
    // The largest whole zoom that fits the section's width (and 640 CSS pixels of height), at most 64.
    const sectionWidth = await page.$eval(`section[data-layer="${name}"] .maps`, (m) => m.clientWidth);
    assert.equal(k, Math.min(64, Math.floor(((sectionWidth - 4) * 2) / W), Math.floor((640 * 2) / H)));
    // The readout: the value of the position under the pointer.
    const [x, y] = [13, 5];
    await page.mouse.move(box.x + ((x + 0.5) * box.width) / W, box.y + ((y + 0.5) * box.height) / H);
    const v = d[c * H * W + y * W + x];
    assert.equal(await page.textContent(`section[data-layer="${name}"] .zoom-readout`), `[${c}, ${y}, ${x}] = ${v.toFixed(3)}`);
    // A click on the zoomed map selects that position; × goes back to the tile.
    await page.mouse.click(box.x + ((x + 0.5) * box.width) / W, box.y + ((y + 0.5) * box.height) / H);
    assert.deepEqual(JSON.parse((await page.getAttribute(`section[data-layer="${name}"]`, 'data-selected'))!).pos, [y, x]);
    await page.click(`section[data-layer="${name}"] .zoom-close`);
    assert.equal(await page.locator(`section[data-layer="${name}"] .map.zoomed`).count(), 0);
    assert.equal((await page.locator(`section[data-layer="${name}"] .map[data-channel="${c}"] canvas.map-canvas`).boundingBox())!.width, 128);
  });

  it("'Mean' shows a layer as one map, the mean over its channels, and is remembered per layer", async () => {
    const name = 'block.0.relu2';
    const { shape, data: d } = await openTinyVgg(4, name);
    const [C, H, W] = shape;
    await page.click(`section[data-layer="${name}"] .view-toggle`);
    await page.waitForSelector(`section[data-layer="${name}"] .map[data-channel="mean"]`);
    assert.equal(await page.locator(`section[data-layer="${name}"] .map`).count(), 1);
    assert.equal(await page.getAttribute(`section[data-layer="${name}"] .view-toggle`, 'aria-pressed'), 'true');
    const mean = new Float32Array(H * W);
    for (let i = 0; i < H * W; i++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += d[c * H * W + i];
      mean[i] = s / C;
    }
    const got = await tilePixels(`section[data-layer="${name}"] .map[data-channel="mean"] canvas.map-canvas`);
    assert.deepEqual(got.rgb, coloursOf(mean, 0, H * W, maxAbsOf(mean, 0, H * W), 'viridis'));
    assert.deepEqual((await page.evaluate(() => (window as any).convlens.state())).views, { [name]: 'mean' });
    // Other layers keep their channels; a new run keeps the mean view.
    assert.ok((await page.locator('section[data-layer="block.0.conv1"] .map').count()) === 10);
    await page.evaluate(() => (window as any).convlens.setSeed(9));
    await page.waitForFunction(() => document.body.dataset.status === 'done');
    await showSection(name);
    assert.equal(await page.locator(`section[data-layer="${name}"] .map[data-channel="mean"]`).count(), 1);
    await page.click(`section[data-layer="${name}"] .view-toggle`);
    await showSection(name);
    assert.equal(await page.locator(`section[data-layer="${name}"] .map`).count(), C);
  });

  it("a large layer's output is kept as its shown channels, exact: painted, selected and turned to the next page as the whole tensor says; PNG and .npy get every value, computed again", async () => {
    // relu1: 32 channels of 64×64 (512 KB): the page keeps the 16 it shows, not the tensor.
    const text = `input: [3, 64, 64]
layers:
  - conv: {out: 32, kernel: 3, padding: 1}
    name: conv1
  - relu:
    name: relu1
  - conv: {out: 8, kernel: 3, padding: 1}
    name: conv2
`;
    const a = analyse(text);
    await openInVsCode(text);
    const idx = a.layers.findIndex((l) => l.name === 'relu1');
    await showSection('relu1');
    const kept = await page.evaluate(() => (window as any).convlens.kept());
    const outs = await page.evaluate(() => (window as any).convlens.outputs());
    // The whole tensors the worker computes again are the run's (Node's executor, same seed and input).
    const want: Float32Array[] = [];
    execute(a, makeSample('scene', a.input!), { seed: 0, onLayer: (i, t) => (want[i] = t.data) });
    a.layers.forEach((l, i) => {
      let worst = 0;
      for (let k = 0; k < want[i].length; k++) worst = Math.max(worst, Math.abs(outs[i].data[k] - want[i][k]));
      assert.ok(worst <= 1e-6, `${l.name}: max difference ${worst}`);
    });
    const d: number[] = outs[idx].data;
    const HW = 64 * 64;
    const order = channelOrder(channelActivity(d, 32, HW), 'activity');
    assert.deepEqual(kept[idx], order.slice(0, 16), 'relu1: the shown channels, most active first');
    assert.deepEqual(kept[0], channelOrder(channelActivity(outs[0].data, 32, HW), 'activity').slice(0, 16));
    assert.equal(kept[2], 'whole', 'conv2 (8 channels, 128 KB) is kept whole');
    // Painted from the kept values: the colours of the whole tensor's channel.
    const tile = (c: number) => `section[data-layer="relu1"] .map[data-channel="${c}"] canvas.map-canvas`;
    const c0 = order[1];
    assert.deepEqual((await tilePixels(tile(c0))).rgb, coloursOf(d, c0 * HW, HW, maxAbsOf(d, c0 * HW, (c0 + 1) * HW), 'viridis'));
    // A selected value is the float32 value itself.
    await page.evaluate((c) => (window as any).convlens.select('relu1', c, [40, 21]), c0);
    assert.equal(JSON.parse((await page.getAttribute('section[data-layer="relu1"]', 'data-selected'))!).value, d[c0 * HW + 40 * 64 + 21]);
    // The next page of channels: computed again by the worker, painted, selected exactly.
    await page.click('section[data-layer="relu1"] .pager button:last-child');
    const c1 = order[16 + 3];
    // (The section is painted in the same task as the channels arrive.)
    await page.waitForFunction(([i, want]) => String((window as any).convlens.kept()[i]) === want, [idx, order.slice(16, 32).join()] as const);
    assert.deepEqual((await tilePixels(tile(c1))).rgb, coloursOf(d, c1 * HW, HW, maxAbsOf(d, c1 * HW, (c1 + 1) * HW), 'viridis'));
    await page.evaluate((c) => (window as any).convlens.select('relu1', c, [7, 63]), c1);
    assert.equal(JSON.parse((await page.getAttribute('section[data-layer="relu1"]', 'data-selected'))!).value, d[c1 * HW + 7 * 64 + 63]);
    // A channel of the first page, no longer held: its value is computed again, exactly.
    await page.evaluate((c) => (window as any).convlens.select('relu1', c, [3, 4]), c0);
    await page.waitForFunction((c) => JSON.parse(document.querySelector('section[data-layer="relu1"]')?.getAttribute('data-selected') ?? '{}').channel === c, c0);
    assert.equal(JSON.parse((await page.getAttribute('section[data-layer="relu1"]', 'data-selected'))!).value, d[c0 * HW + 3 * 64 + 4]);
    // The PNG holds every channel (32 maps), and the .npy files every value, bit for bit.
    await page.click('section[data-layer="relu1"] .save-png');
    await page.waitForFunction(() => (window as any).__sent.some((m: any) => m.type === 'savePng'));
    const png = (await sentOfType('savePng'))[0].file.bytes;
    const rows = await page.evaluate(async (bytes) => (await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }))).height, png);
    assert.ok(rows > 4 * 128, `a PNG of 32 maps of 128 px: ${rows} px high`);
    await page.click('#save-npy');
    await page.waitForFunction(() => (window as any).__sent.some((m: any) => m.type === 'saveNpy'));
    const npy = parsePageMessage((await sentOfType('saveNpy'))[0]);
    assert.ok(npy && npy.type === 'saveNpy');
    a.layers.forEach((l, i) => assert.deepEqual(Array.from(readNpy(npy.files[i + 1].bytes).data), outs[i].data, l.name));
  });

  it('the network strip: a row per layer, branches in their own lane, a click scrolls to the section and highlights it', async () => {
    const a = analyse(WARM_UP_NETWORK);
    await open(WARM_UP_NETWORK, '?sample=noise');
    const rows = await page.$$eval('.graph-row', (rs) => rs.map((r) => ({ layer: (r as HTMLElement).dataset.layer, lane: Number((r as HTMLElement).dataset.lane) })));
    assert.deepEqual(rows.map((r) => r.layer), ['input', ...a.layers.map((l) => l.name)]);
    const edges = a.layers.reduce((n, l) => n + new Set(l.from).size, 0);
    assert.equal(await page.locator('#graph path.edge').count(), edges);
    assert.equal(await page.locator('#graph circle.node').count(), a.layers.length + 1);
    // The projection shortcut of the downsampling block runs beside its conv, as does the relu
    // nothing reads (a dead end); the main path stays in lane 0 down to the classifier.
    const lane = (name: string) => rows.find((r) => r.layer === name)!.lane;
    for (const main of ['input', 'stem', 'stage1a.add5', 'stage2.conv1', 'stage2.add3', 'fc']) assert.equal(lane(main), 0, main);
    assert.ok(lane('stage2.proj.conv') > 0 && lane('stage2.proj.bn') === lane('stage2.proj.conv'));
    assert.ok(lane('stage2.relu1') > 0 && lane('stage2.relu1') !== lane('stage2.proj.conv'));
    // Rows of the sections in view are marked; a click on the last row scrolls its section into view.
    await page.waitForSelector('.graph-row.in-view[data-layer="input"]');
    await page.click('.graph-row[data-layer="fc"]');
    await page.waitForFunction(() => {
      const sec = document.querySelector('section[data-layer="fc"]')!.getBoundingClientRect();
      const view = document.getElementById('layers')!.getBoundingClientRect();
      return sec.top >= view.top - 1 && sec.top < view.bottom;
    });
    assert.equal(await page.locator('.graph-row.current').getAttribute('data-layer'), 'fc');
    assert.equal(await page.locator('section.layer.current').getAttribute('data-layer'), 'fc');
    await page.waitForSelector('.graph-row.in-view[data-layer="fc"]');
    // The strip can be hidden (and the choice is kept).
    await page.click('#graph-toggle');
    assert.equal(await page.isVisible('#graph'), false);
    assert.equal((await page.evaluate(() => (window as any).convlens.state())).graph, false);
  });

  it('in VS Code: the cursor highlights a layer; PNG and .npy exports go to the host as messages it accepts', async () => {
    const text = example('tiny-vgg.cnn.yaml');
    const a = analyse(text);
    await openInVsCode(text);
    await hostSends({ type: 'cursor', layer: 'block.1.relu2' });
    await page.waitForSelector('.graph-row.current[data-layer="block.1.relu2"]');
    assert.equal(await page.locator('section.layer.current').getAttribute('data-layer'), 'block.1.relu2');
    // A layer's maps as one PNG: every channel in the page's order, labelled, in its colours.
    const name = 'block.0.relu1';
    const idx = a.layers.findIndex((l) => l.name === name);
    await showSection(name);
    const order = await page.$$eval(`section[data-layer="${name}"] .map`, (ts) => ts.map((t) => Number((t as HTMLElement).dataset.channel)));
    await page.click(`section[data-layer="${name}"] .save-png`);
    await page.waitForFunction(() => (window as any).__sent.some((m: any) => m.type === 'savePng'));
    const [pngMsg] = await sentOfType('savePng');
    const parsed = parsePageMessage(pngMsg);
    assert.ok(parsed && parsed.type === 'savePng', 'the host accepts it');
    assert.equal(parsed.file.name, 'small_net-block.0.relu1.png');
    const decoded = await page.evaluate(async (bytes) => {
      const bmp = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
      const cv = document.createElement('canvas');
      [cv.width, cv.height] = [bmp.width, bmp.height];
      const ctx = cv.getContext('2d')!;
      ctx.drawImage(bmp, 0, 0);
      // The first map's top-left value: 2×2 pixels per value (62 px maps, 128 px target), at (4, 22).
      const px = (x: number, y: number) => Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3));
      return { w: bmp.width, h: bmp.height, first: px(4, 22), second: px(4 + 124 + 4 + 1, 22 + 1) };
    }, pngMsg.file.bytes);
    const d = (await page.evaluate(() => (window as any).convlens.outputs()))[idx].data;
    const HW = 62 * 62;
    const colourAt = (c: number) => coloursOf(d, c * HW, 1, maxAbsOf(d, c * HW, (c + 1) * HW), 'viridis');
    assert.deepEqual(decoded.first, colourAt(order[0]));
    assert.deepEqual(decoded.second, colourAt(order[1]));
    assert.ok(decoded.w >= 3 * 124 && decoded.h > 3 * 124, `${decoded.w}×${decoded.h}`);
    // Every output as .npy: the input and one file per layer, the exact float32 values.
    await page.click('#save-npy');
    await page.waitForFunction(() => (window as any).__sent.some((m: any) => m.type === 'saveNpy'));
    const npy = parsePageMessage((await sentOfType('saveNpy'))[0]);
    assert.ok(npy && npy.type === 'saveNpy');
    assert.equal(npy.folder, 'small_net-outputs');
    assert.deepEqual(npy.files.map((f) => f.name), ['input.npy', ...a.layers.map((l) => `${l.name}.npy`)]);
    const outs = await page.evaluate(() => (window as any).convlens.outputs());
    a.layers.forEach((l, i) => {
      const t = readNpy(npy.files[i + 1].bytes);
      assert.deepEqual(t.shape, l.shape);
      assert.deepEqual(Array.from(t.data), outs[i].data, l.name);
    });
    assert.deepEqual(Array.from(readNpy(npy.files[0].bytes).data), Array.from(makeSample('scene', a.input!).data));
  });

  it('a standalone page downloads the PNG', async () => {
    await open(example('tiny-vgg.cnn.yaml'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('section[data-layer="block.0.conv1"] .save-png')]);
    assert.equal(download.suggestedFilename(), 'network-block.0.conv1.png');
    const bytes = readFileSync((await download.path())!);
    assert.deepEqual(Array.from(bytes.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('1-D, 3-D and branched networks run on the default input (a row of the scene, panning frames)', async () => {
    const errorsBefore = consoleErrors.length;
    for (const [file, edit] of [['tcn.cnn.yaml', null], ['conv3d.cnn.yaml', ['input: [3, 16, 112, 112]', 'input: [3, 16, 32, 32]']], ['unet-small.cnn.yaml', null]] as Array<[string, [string, string] | null]>) {
      const text = edit ? example(file).replace(...edit) : example(file);
      const a = analyse(text);
      await open(text);
      assert.equal(await page.inputValue('#sample'), 'scene', file);
      assert.equal(await page.locator('section.layer.rendered').count(), a.layers.length + 1, file);
      const input = await page.evaluate(() => (window as any).convlens.input());
      const want = makeSample('scene', a.input!);
      assert.ok(input.data.every((v: number, i: number) => v === want.data[i]), `${file}: the scene sample`);
      assert.equal(await page.locator('.graph-row').count(), a.layers.length + 1);
      await page.close();
    }
    page = undefined as unknown as Page;
    assert.deepEqual(consoleErrors.slice(errorsBefore).filter((e) => !/Failed to load resource/.test(e)), []);
  });
  it("a YOLOv8n's 220 layers sit in its rows, closed until opened; the strip names each layer inside its row, no two alike; each layer shows its range", async () => {
    const options: ReadOptions = { format: 'ultralytics', fileName: 'yolov8n.yaml', imageSize: 64 };
    const text = realworld('yolov8n.yaml');
    const a = analyse(text, options);
    assert.equal(a.layers.length, 220);
    await open(text, '?sample=scene&seed=1', 1, options);
    // One group per row that made several layers, in order, closed (a large network), each
    // holding exactly its row's sections; every layer still has its section.
    const groups = layerGroups(a);
    const wantGroups = [...new Set(groups.filter((g) => g).map((g) => g!.name))];
    assert.ok(wantGroups.includes('model.2') && wantGroups.includes('model.22') && !wantGroups.includes('model.10'), wantGroups.join(' '));
    const got = await page.$$eval('div.group', (ds) => ds.map((d) => ({ name: (d as HTMLElement).dataset.group, open: (d as HTMLElement).dataset.open === 'true' && !(d.querySelector('.group-body') as HTMLElement).hidden, layers: Array.from(d.querySelectorAll('section.layer')).map((s) => (s as HTMLElement).dataset.layer) })));
    assert.deepEqual(got.map((g) => g.name), wantGroups);
    assert.ok(got.every((g) => !g.open), 'the groups of a large network start closed');
    for (const g of got) assert.deepEqual(g.layers, a.layers.filter((_, i) => groups[i]?.name === g.name).map((l) => l.name), g.name!);
    assert.equal(await page.locator('section.layer').count(), 221);
    // model.10 (an Upsample) stands alone, outside any group.
    assert.equal(await page.locator('#layers > section.layer[data-layer="model.10"]').count(), 1);
    // A click on a group's heading opens it; another closes it.
    await page.click('div.group[data-group="model.9"] .group-summary');
    await page.waitForSelector('section[data-layer="model.9.cv1.conv"] .map[data-channel]');
    await page.click('div.group[data-group="model.9"] .group-summary');
    assert.equal(await page.isVisible('section[data-layer="model.9.cv1.conv"]'), false);
    assert.equal((await page.evaluate(() => (window as any).convlens.state())).groups['model.9'], false);
    assert.equal(await page.textContent('div.group[data-group="model.2"] .group-summary .count'), `${got.find((g) => g.name === 'model.2')!.layers.length} layers`);
    // The strip: a heading row per group, and each layer labelled inside its group: no two
    // labels of a group read the same, and every label fits its row.
    assert.deepEqual(await page.$$eval('.graph-group', (hs) => hs.map((h) => (h as HTMLElement).dataset.group)), wantGroups);
    const rows = await page.$$eval('.graph-row', (rs) => rs.map((r) => {
      const name = r.querySelector('.graph-name') as HTMLElement;
      const st = getComputedStyle(r);
      return { layer: (r as HTMLElement).dataset.layer!, label: name.textContent!, width: name.getBoundingClientRect().width, room: r.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight) };
    }));
    assert.equal(rows.length, 221);
    for (const g of wantGroups) {
      const labels = rows.filter((r) => groups[a.layers.findIndex((l) => l.name === r.layer)]?.name === g).map((r) => r.label);
      assert.equal(new Set(labels).size, labels.length, `${g}: ${labels.join(' | ')}`);
    }
    for (const r of rows) assert.ok(r.width <= r.room + 0.5, `${r.layer}: "${r.label}" is ${r.width}px in ${r.room}px`);
    assert.equal(rows.find((r) => r.layer === 'model.2.m.0.cv1.conv')!.label.replace('…', '').length > 0, true);
    assert.ok(rows.some((r) => r.layer === 'model.2.cv1.conv' && r.label === 'cv1.conv'), 'a layer is named inside its row');
    // A click on a row of a closed group opens it, scrolls to the section and paints its maps.
    await page.click('.graph-row[data-layer="model.2.m.0.cv1.conv"]');
    await page.waitForSelector('section[data-layer="model.2.m.0.cv1.conv"] .map[data-channel]');
    assert.equal(await page.getAttribute('div.group[data-group="model.2"] .group-summary', 'aria-expanded'), 'true');
    assert.equal(await page.isVisible('section[data-layer="model.2.m.0.cv1.conv"]'), true);
    assert.equal(await page.isVisible('section[data-layer="model.4.cv1.conv"]'), false, 'other groups stay closed');
    assert.equal((await page.evaluate(() => (window as any).convlens.state())).groups['model.2'], true, 'the opened group is remembered');
    // The range beside each layer's maps: its output's min and max; a group's summary gives its last layer's.
    const outs = await page.evaluate(() => (window as any).convlens.outputs());
    const ranges = await page.$$eval('section.layer[data-index]', (ss) => ss.map((s) => {
      const r = s.querySelector('.section-bar .range') as HTMLElement;
      return { index: Number((s as HTMLElement).dataset.index), text: r.textContent!, min: Number(r.dataset.min), max: Number(r.dataset.max) };
    }));
    for (const r of ranges.filter((x) => x.index >= 0)) {
      let [lo, hi] = [Infinity, -Infinity];
      for (const v of outs[r.index].data) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      assert.deepEqual([r.min, r.max], [Math.fround(lo), Math.fround(hi)], a.layers[r.index].name);
      assert.ok(r.text.startsWith(`range ${lo.toFixed(3)} … ${hi.toFixed(3)}`) || /e[+-]/.test(r.text), `${a.layers[r.index].name}: ${r.text}`);
    }
    const c2fOut = a.layers.filter((_, i) => groups[i]?.name === 'model.2').pop()!;
    assert.equal(await page.textContent('div.group[data-group="model.2"] .group-summary .range'), ranges.find((r) => r.index === c2fOut.index)!.text);
    // Random weights are said plainly, and they keep the scale: the head's convs stay within
    // a few orders of magnitude of the input (they were at ~1e-9 with PyTorch's default init).
    assert.equal(await page.getAttribute('#weights-info', 'data-weights'), 'random');
    assert.match((await page.textContent('#weights-info'))!, /^Random weights \(seed 1/);
    const inputMax = Math.max(...(await page.evaluate(() => (window as any).convlens.input())).data.map(Math.abs));
    for (const head of ['model.22.cv2.0.2', 'model.22.cv3.2.2']) {
      const i = a.layers.findIndex((l) => l.name === head);
      assert.ok(i >= 0, head);
      const m = Math.max(...outs[i].data.map(Math.abs));
      assert.ok(m > inputMax * 1e-3 && m < inputMax * 1e3, `${head}: max |value| ${m} vs the input's ${inputMax}`);
    }
  });

  it('a zoomed map larger than the panel is drawn smaller to fit it, not cropped, and the readout still finds each value', async () => {
    const text = 'input: [3, 400, 400]\nlayers:\n  - conv: {out: 4, kernel: 3, stride: 2, padding: 1}\n    name: stem\n';
    await open(text, '?sample=noise&seed=2');
    await page.setViewportSize({ width: 520, height: 900 });
    await showSection('input');
    const canvas = page.locator('#input-section .map[data-channel="1"] canvas.map-canvas');
    let box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + 2, box.y + 2);
    await page.waitForSelector('#input-section .map.zoomed');
    box = (await page.locator('#input-section .map.zoomed canvas.map-canvas').boundingBox())!;
    const maps = (await page.locator('#input-section .maps').boundingBox())!;
    assert.ok(box.x >= maps.x - 0.5 && box.x + box.width <= maps.x + maps.width + 0.5, `the map (${box.x}+${box.width}) fits the panel (${maps.x}+${maps.width})`);
    assert.ok(Math.abs(box.width - box.height) < 1, 'square stays square');
    assert.ok(box.width > 0.8 * (maps.width - 4), `it fills the panel's width: ${box.width} of ${maps.width}`);
    const k = Number(await page.getAttribute('#input-section .map.zoomed', 'data-zoom'));
    assert.ok(k < 1, `zoom ${k}`);
    assert.match((await page.textContent('#input-section .zoom-text'))!, /400×400 · drawn at \d+% to fit the panel/);
    // The value under the pointer near the bottom-right corner is that of position (399, 399)
    // (a value is under one screen pixel here: the pointer's pixel may round to the neighbour).
    const data = (await page.evaluate(() => (window as any).convlens.input())).data;
    await page.mouse.move(box.x + box.width - 0.3, box.y + box.height - 0.3);
    const [, y, x, v] = /^\[1, (\d+), (\d+)\] = (.*)$/.exec((await page.textContent('#input-section .zoom-readout'))!)!.map((g) => g);
    assert.ok(Number(y) >= 398 && Number(x) >= 398, `read out at ${y}, ${x}`);
    assert.equal(v, data[400 * 400 + Number(y) * 400 + Number(x)].toFixed(3));
  });
  it('in VS Code: weights from the host run the network (the header names the file, its tensors, float16 converted); a file that does not fit is refused and the run says it is random', async () => {
    const dir = join(repoRoot, 'test', 'fixtures', 'weights');
    const r = JSON.parse(readFileSync(join(dir, 'refs.json'), 'utf8')).networks.yolo_ckpt_f16;
    const options: ReadOptions = { format: 'ultralytics', fileName: r.network, imageSize: r.input[1][1] };
    const text = readFileSync(join(dir, r.network), 'utf8');
    const a = analyse(text, options);
    await openInVsCode(text, options);
    assert.equal(await page.getAttribute('#weights-info', 'data-weights'), 'random');
    assert.equal(await page.isVisible('#random-weights'), false);
    // "Load weights…" asks the host (the page never reads files).
    await page.click('#load-weights');
    await page.waitForFunction(() => (window as any).__sent.some((m: any) => m.type === 'pickWeights'));
    const sendWeights = async (name: string) => {
      const b64 = readFileSync(join(dir, name)).toString('base64');
      await page.evaluate(([n, b]) => window.postMessage({ type: 'weights', file: { name: n, origin: 'picked', bytes: Uint8Array.from(atob(b), (c) => c.charCodeAt(0)) } }, '*'), [name, b64]);
    };
    await sendWeights(r.weights);
    await page.waitForSelector('#weights-info[data-weights="file"]');
    await page.waitForSelector('body[data-status="done"]');
    assert.equal(await page.textContent('#weights-info'), `Weights: ${r.weights} · checkpoint['model'] (ultralytics.nn.tasks.DetectionModel) · 297 tensors · 297 float16 converted to float32`);
    assert.equal(await page.isVisible('#random-weights'), true);
    // The maps are the file's: every layer as Node computes it with the same weights and input.
    const input = makeSample('scene', a.input!);
    const store = loadWeights(new Uint8Array(readFileSync(join(dir, r.weights))), r.weights, a).store;
    const want: Float32Array[] = [];
    execute(a, input, { weights: store, onLayer: (i, t) => (want[i] = t.data.slice()) });
    const random: Float32Array[] = [];
    execute(a, input, { seed: 0, onLayer: (i, t) => (random[i] = t.data.slice()) });
    let got = await page.evaluate(() => (window as any).convlens.outputs());
    let differs = 0;
    a.layers.forEach((l, i) => {
      let worst = 0;
      for (let k = 0; k < want[i].length; k++) worst = Math.max(worst, Math.abs(got[i].data[k] - want[i][k]) / Math.max(1, Math.abs(want[i][k])));
      assert.ok(worst <= 1e-5, `${l.name}: max relative difference ${worst}`);
      if (want[i].some((v, k) => Math.abs(v - random[i][k]) > 1e-3)) differs++;
    });
    assert.ok(differs > a.layers.length / 2, `only ${differs} layers differ from the random run`);
    // The table's details of a layer give its tensors' statistics from the file, computed when asked.
    assert.deepEqual(await page.evaluate(() => (window as any).__weightStats), [], 'no statistics before a click');
    await page.click('#table-toggle');
    await page.click('#net-table tr.layer-row[data-layer="model.0.conv"]');
    await page.waitForSelector('#table-details[data-layer="model.0.conv"]');
    await page.waitForFunction(() => document.querySelector('#table-details')!.textContent!.includes(' · std '));
    const w0 = store.layers.get('model.0.conv')!.get('weight')!;
    let [lo, hi, sum] = [Infinity, -Infinity, 0];
    for (const v of w0.data) [lo, hi, sum] = [Math.min(lo, v), Math.max(hi, v), sum + v];
    const mean = sum / w0.data.length;
    const std = Math.sqrt(w0.data.reduce((q, v) => q + (v - mean) ** 2, 0) / w0.data.length);
    const f3 = (v: number) => (Math.abs(v) !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5) ? v.toExponential(2) : v.toFixed(3));
    assert.ok((await page.textContent('#table-details'))!.includes(`weight [${w0.shape.join(', ')}]: min ${f3(lo)} · max ${f3(hi)} · mean ${f3(mean)} · std ${f3(std)}`), (await page.textContent('#table-details'))!);
    assert.deepEqual(await page.evaluate(() => (window as any).__weightStats), [{ dir: 'ask', layer: 'model.0.conv' }, { dir: 'reply', layer: 'model.0.conv' }]);
    await page.click('#table-toggle');
    // A file for another network is refused with the reader's reasons, and the run is random.
    await sendWeights('blocks.wrong-shape.pth');
    await page.waitForSelector('#weights-info[data-weights="refused"]');
    await page.waitForSelector('body[data-status="done"]');
    assert.match((await page.textContent('#weights-info'))!, /^blocks\.wrong-shape\.pth is not used: .*(do not fit|missing|unexpected).*\. Random weights \(seed 0/);
    got = await page.evaluate(() => (window as any).convlens.outputs());
    const last = a.layers.length - 1;
    assert.ok(random[last].every((v, k) => Math.abs(got[last].data[k] - v) <= 1e-5 * Math.max(1, Math.abs(v))), 'the refused file left random weights');
    // "Random weights" goes back and tells the host.
    await sendWeights(r.weights);
    await page.waitForSelector('#weights-info[data-weights="file"]');
    await page.click('#random-weights');
    await page.waitForSelector('#weights-info[data-weights="random"]');
    assert.equal((await sentOfType('randomWeights')).length, 1);
    assert.equal(await page.isVisible('#random-weights'), false);
  });
  it('the table: per layer its kind, output, parameters, MACs and receptive field, grouped, with the totals and the findings; a row shows its arithmetic', async () => {
    const text = example('tiny-vgg.cnn.yaml');
    const a = analyse(text);
    await open(text);
    assert.equal(await page.isVisible('#net-table'), false, 'the maps first');
    await page.click('#table-toggle');
    assert.equal(await page.isVisible('#net-table'), true);
    assert.equal(await page.isVisible('#layers'), false);
    assert.equal((await page.evaluate(() => (window as any).convlens.state())).table, true);
    const rows = await page.$$eval('#net-table tr.layer-row', (trs) => trs.map((tr) => ({ layer: (tr as HTMLElement).dataset.layer, cells: Array.from(tr.children).map((td) => td.textContent) })));
    assert.deepEqual(rows.map((r) => r.layer), a.layers.map((l) => l.name));
    a.layers.forEach((l, i) => {
      const rf = l.rf!;
      const field = rf.kind === 'global' ? ['global', '—', '—'] : [rf.summary.size.join('×'), rf.summary.jump.map((j) => (j.den === 1 ? String(j.num) : `${j.num}/${j.den}`)).join('×'), rf.summary.start.join('×')];
      assert.deepEqual(rows[i].cells.slice(1), [l.kind, l.shape!.join('×'), l.params.toLocaleString('en-US'), l.macs.toLocaleString('en-US'), ...field], l.name);
    });
    // Rows of a block instance sit under its group's row, which sums them.
    const groups = await page.$$eval('#net-table tr.group-row', (trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent)));
    assert.deepEqual(groups.map((g) => g[0]), ['block.0', 'block.1']);
    const b0 = a.layers.filter((l) => l.name.startsWith('block.0.'));
    assert.equal(groups[0][3], b0.reduce((n, l) => n + l.params, 0).toLocaleString('en-US'));
    assert.equal(rows[0].cells[0], 'conv1', 'named inside its group');
    const totals = await page.$$eval('#net-table tr.totals td', (tds) => tds.map((td) => td.textContent));
    assert.deepEqual([totals[3], totals[4]], [a.totals.params.toLocaleString('en-US'), a.totals.macs.toLocaleString('en-US')]);
    // A click on a row: the layer's arithmetic, as the editor's hover gives it.
    const layer = a.layers.find((l) => l.name === 'block.1.conv1')!;
    await page.click('#net-table tr.layer-row[data-layer="block.1.conv1"]');
    await page.waitForSelector('#table-details[data-layer="block.1.conv1"]');
    const x = explainLayer(layer, a);
    const details = (await page.textContent('#table-details'))!;
    for (const line of [...x.shapeLines, x.params, x.macs!, ...x.fieldLines]) assert.ok(details.includes(line), `missing "${line}" in ${details}`);
    assert.match(details, /kernel: \[3,3\]/);
    // Findings above the table, with the layer they are about.
    await page.evaluate((t) => (window as any).convlens.load(t), 'input: [3, 32, 32]\nlayers:\n  - conv: {out: 8, kernel: 3, stride: 2, padding: same}\n    name: down\n  - relu\n  - global_avgpool\n  - linear: {out: 4}\n    name: fc\n');
    await page.waitForSelector('#findings li[data-code="CL105"]');
    assert.match((await page.textContent('#findings li[data-code="CL105"]'))!, /^CL105 · down: padding='same' is not supported for strided convolutions/);
    assert.equal(await page.getAttribute('#findings li[data-code="CL105"]', 'class'), 'warning');
  });
  it("an ONNX model's layer, clicked: its node as the file has it (name, op_type, domain, inputs, outputs, every attribute) and its weights' statistics, computed then and once, not before; the header says what was converted", async () => {
    const dir = join(repoRoot, 'test', 'fixtures', 'onnx');
    await openVsCodePage();
    const sendModel = async (file: string, external: string[] = []) => {
      const b64 = (f: string) => readFileSync(join(dir, f)).toString('base64');
      await page.evaluate(
        ([n, b, ext]) => {
          const bytes = (x: string) => Uint8Array.from(atob(x), (c) => c.charCodeAt(0));
          const externalData = Object.fromEntries((ext as Array<[string, string]>).map(([k, v]) => [k, bytes(v)]));
          window.postMessage({ type: 'model', uri: `file:///work/models/${n}`, model: { name: n, bytes: bytes(b as string), externalData } }, '*');
        },
        [file, b64(file), external.map((e) => [e, b64(e)])] as const,
      );
      await page.waitForFunction((n) => document.body.dataset.status === 'done' && document.getElementById('weights-info')!.textContent!.startsWith(`Weights: ${n} `), file);
    };
    const errorsBefore = consoleErrors.length;
    const file = 'classifier_op11_fixed_bn.onnx';
    const read = checkOnnx(new Uint8Array(readFileSync(join(dir, file))), { fileName: file });
    const a = read.analysis;
    await sendModel(file);
    const asked = () => page.evaluate(() => (window as any).__weightStats as Array<{ dir: string; layer: string }>);
    assert.deepEqual(await asked(), [], 'no statistics before a click');
    const details = async () => (await page.textContent('#table-details'))!;
    const showLayer = async (layer: string) => {
      await page.click(`#net-table tr.layer-row[data-layer="${layer}"]`);
      await page.waitForSelector(`#table-details[data-layer="${layer}"]`);
      await page.waitForFunction(() => document.querySelector('#table-details')!.textContent!.includes(' · std '));
      return details();
    };
    // A convolution: its node, every attribute, the arithmetic as before, and its tensors' statistics.
    const conv = read.nodes.find((n) => n.opType === 'Conv' && n.layers.length && n.inputs.length === 3)!;
    const layer = a.layers[conv.layers[0]];
    const text = await showLayer(layer.name);
    for (const line of [`name: ${conv.name}`, 'op_type: Conv', 'domain: ai.onnx', `inputs: ${conv.inputs.map((n) => (read.initializers.has(n) ? `${n} (${read.initializers.get(n)!.type} [${read.initializers.get(n)!.dims.join(', ')}])` : n)).join(', ')}`, `outputs: ${conv.outputs.join(', ')}`]) assert.ok(text.includes(line), `missing "${line}" in ${text}`);
    assert.ok(Object.keys(conv.attributes).length >= 4);
    for (const [k, v] of Object.entries(conv.attributes)) assert.ok(text.includes(`${k}: ${formatAttribute(v)}`), `missing attribute ${k} in ${text}`);
    const x = explainLayer(layer, a);
    for (const line of [...x.shapeLines, x.params]) assert.ok(text.includes(line), `missing "${line}"`);
    const f3 = (v: number) => (Math.abs(v) !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5) ? v.toExponential(2) : v.toFixed(3));
    for (const [param, t] of read.tensorsOf(layer.name)!) {
      let [lo, hi, sum] = [Infinity, -Infinity, 0];
      for (const v of t.data) [lo, hi, sum] = [Math.min(lo, v), Math.max(hi, v), sum + v];
      const mean = sum / t.data.length;
      const std = Math.sqrt(t.data.reduce((q, v) => q + (v - mean) ** 2, 0) / t.data.length);
      assert.ok(text.includes(`${param} [${t.shape.join(', ')}]: min ${f3(lo)} · max ${f3(hi)} · mean ${f3(mean)} · std ${f3(std)}`), `${param} in ${text}`);
    }
    assert.deepEqual(await asked(), [{ dir: 'ask', layer: layer.name }, { dir: 'reply', layer: layer.name }], 'the clicked layer only');
    // A BatchNormalization: its float attributes as written (epsilon 1e-5, not 9.99e-6).
    const bn = read.nodes.find((n) => n.opType === 'BatchNormalization' && n.layers.length)!;
    const bnText = await showLayer(a.layers[bn.layers[0]].name);
    assert.ok(bnText.includes('epsilon: 0.00001') || bnText.includes('epsilon: 1e-5'), bnText);
    assert.ok(bnText.includes('running_var ['), bnText);
    // Back to the convolution: its statistics were kept, not asked again.
    await showLayer(layer.name);
    assert.deepEqual((await asked()).filter((m) => m.dir === 'ask').map((m) => m.layer), [layer.name, a.layers[bn.layers[0]].name]);
    // A layer without weights (a ReLU) asks nothing and still shows its node.
    const relu = read.nodes.find((n) => n.opType === 'Relu' && n.layers.length)!;
    await page.click(`#net-table tr.layer-row[data-layer="${a.layers[relu.layers[0]].name}"]`);
    await page.waitForSelector(`#table-details[data-layer="${a.layers[relu.layers[0]].name}"]`);
    assert.ok((await details()).includes('op_type: Relu'));
    assert.ok((await details()).includes('Attributes\n(none)') || (await details()).includes('Attributes(none)'), await details());
    assert.equal((await asked()).filter((m) => m.dir === 'ask').length, 2);
    // The maps, laid out after the table was shown, hold every layer that arrived meanwhile.
    await page.click('#table-toggle');
    await showSection(a.layers[0].name);
    await showSection(a.layers[a.layers.length - 1].name);
    assert.equal(await page.locator('section.layer').count(), a.layers.length + 1);
    await page.click('#table-toggle');
    // The header says what a run converts: float16 weights behind Cast, int8 behind DequantizeLinear, external data.
    const mixed = readOnnx(new Uint8Array(readFileSync(join(dir, 'tcn_fp16_int8.onnx'))));
    const casts = mixed.nodes.filter((n) => n.opType === 'Cast' && n.inputs[0].endsWith('.fp16')).length;
    const deq = mixed.nodes.filter((n) => n.opType === 'DequantizeLinear').length;
    await sendModel('tcn_fp16_int8.onnx');
    assert.match((await page.textContent('#weights-info'))!, new RegExp(` · \\d+ tensors · ${casts} float16 converted to float32, ${deq} int8 dequantized$`));
    await sendModel('tcn_external.onnx', ['tcn_external.onnx.data']);
    assert.match((await page.textContent('#weights-info'))!, / · \d+ tensors · external data: tcn_external\.onnx\.data$/);
    assert.deepEqual(consoleErrors.slice(errorsBefore), [], 'no error in the page');
  });
  it("an ONNX model's dynamic dimensions take the setting's sizes (convlens.onnx.inputShape), by name or position, and a change of the setting re-runs it; a shape typed for the file wins", async () => {
    const dir = join(repoRoot, 'test', 'fixtures', 'onnx');
    const file = 'classifier_op17_dynamic_bn.onnx';
    const bytes = new Uint8Array(readFileSync(join(dir, file)));
    await openVsCodePage();
    const b64 = Buffer.from(bytes).toString('base64');
    await page.evaluate(([n, b]) => window.postMessage({ type: 'model', uri: `file:///work/models/${n}`, model: { name: n, bytes: Uint8Array.from(atob(b), (c) => c.charCodeAt(0)), externalData: {}, dynamicSizes: { height: 24, width: 24 } } }, '*'), [file, b64]);
    const ranAt = async (size: number) => {
      await page.waitForFunction((s) => document.body.dataset.status === 'done' && (document.getElementById('input-shape') as HTMLInputElement).value === `1x3x${s}x${s}`, size);
      const rows = await page.$$eval('#net-table tr.layer-row', (trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent)));
      const a = checkOnnx(bytes, { fileName: file, inputShape: [1, 3, size, size] }).analysis;
      assert.deepEqual(rows.map((r) => r[2]), a.layers.map((l) => l.shape!.join('×')), `at ${size}`);
      assert.equal((await page.evaluate(() => (window as any).convlens.outputs())).filter(Boolean).length, a.layers.length);
    };
    await ranAt(24);
    await hostSends({ type: 'dynamicSizes', sizes: [1, 3, 32, 32] });
    await ranAt(32);
    // A shape typed for the file wins over the setting from then on.
    await page.fill('#input-shape', '1x3x40x40');
    await page.press('#input-shape', 'Enter');
    await ranAt(40);
    await hostSends({ type: 'dynamicSizes', sizes: { height: 16, width: 16 } });
    await page.waitForTimeout(300);
    await ranAt(40);
  });
  it("an ONNX model from the host (the custom editor): its table first, its findings, and a run with its own weights equal to Node's; a dynamic input dimension is named and set in the page", async () => {
    const dir = join(repoRoot, 'test', 'fixtures', 'onnx');
    await openVsCodePage();
    const sendModel = async (file: string) => {
      const b64 = readFileSync(join(dir, file)).toString('base64');
      await page.evaluate(([n, b]) => window.postMessage({ type: 'model', uri: `file:///work/models/${n}`, model: { name: n, bytes: Uint8Array.from(atob(b), (c) => c.charCodeAt(0)), externalData: {} } }, '*'), [file, b64]);
    };
    const file = 'classifier_op11_fixed_bn.onnx';
    const bytes = new Uint8Array(readFileSync(join(dir, file)));
    const read = checkOnnx(bytes, { fileName: file });
    const a = read.analysis;
    await sendModel(file);
    await page.waitForSelector('body[data-status="done"]');
    // The table is what a model opens on: a row per layer with its figures, the totals, the findings.
    assert.equal(await page.isVisible('#net-table'), true);
    assert.equal(await page.isVisible('#layers'), false);
    assert.equal(await page.isVisible('#load-weights'), false, 'a model brings its own weights');
    assert.equal(await page.isVisible('#reseed'), false);
    // Grouped by the exporter's top-level modules, each group row summing its layers.
    const groups = await page.$$eval('#net-table tr.group-row', (trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent)));
    assert.deepEqual(groups.map((g) => g[0]), ['layer1', 'layer2', 'hs']);
    assert.equal(groups[0][3], a.layers.filter((l) => l.name === 'layer1' || l.name.startsWith('layer1.')).reduce((n, l) => n + l.params, 0).toLocaleString('en-US'));
    const rows = await page.$$eval('#net-table tr.layer-row', (trs) => trs.map((tr) => ({ layer: (tr as HTMLElement).dataset.layer, cells: Array.from(tr.children).map((td) => td.textContent) })));
    assert.deepEqual(rows.map((r) => r.layer), a.layers.map((l) => l.name));
    a.layers.forEach((l, i) => assert.deepEqual(rows[i].cells.slice(1, 5), [l.kind, l.shape!.join('×'), l.params.toLocaleString('en-US'), l.macs.toLocaleString('en-US')], l.name));
    const totals = await page.$$eval('#net-table tr.totals td', (tds) => tds.map((td) => td.textContent));
    assert.deepEqual([totals[3], totals[4]], [a.totals.params.toLocaleString('en-US'), a.totals.macs.toLocaleString('en-US')]);
    assert.ok(a.findings.length > 0);
    for (const f of a.findings) await page.waitForSelector(`#findings li[data-code="${f.code}"]`);
    // The header says whose weights: the file's own.
    assert.equal(await page.getAttribute('#weights-info', 'data-weights'), 'file');
    const tensors = [...read.weightStore().layers.values()].reduce((n, t) => n + t.size, 0);
    assert.match((await page.textContent('#weights-info'))!, new RegExp(`^Weights: ${file.replace('.', '\\.')} · the file's own weights \\(.*opset 11\\) · ${tensors} tensors$`));
    // Every layer as Node's executor computes it with the file's weightStore() on the same input.
    const input = makeSample('scene', a.input!);
    const want: Float32Array[] = [];
    execute(a, input, { weights: read.weightStore(), onLayer: (i, t) => (want[i] = t.data.slice()) });
    const got = await page.evaluate(() => (window as any).convlens.outputs());
    a.layers.forEach((l, i) => {
      let worst = 0;
      for (let k = 0; k < want[i].length; k++) worst = Math.max(worst, Math.abs(got[i].data[k] - want[i][k]) / Math.max(1, Math.abs(want[i][k])));
      assert.ok(worst <= 1e-5, `${l.name}: max relative difference ${worst}`);
    });
    // The file's weights are not random ones: the last layer differs from a seeded random run.
    const random: Float32Array[] = [];
    execute(a, input, { seed: 0, onLayer: (i, t) => (random[i] = t.data.slice()) });
    const last = a.layers.length - 1;
    assert.ok(random[last].some((v, k) => Math.abs(v - want[last][k]) > 1e-3));
    // A model with dynamic height and width: the page names them, and runs once given a shape.
    const dynamic = 'classifier_op17_dynamic_bn.onnx';
    await sendModel(dynamic);
    await page.waitForSelector('body[data-status="error"]');
    assert.match((await page.textContent('#findings'))!, /dynamic dimensions 'height' \(axis 2\), 'width' \(axis 3\)/);
    assert.equal(await page.isVisible('#input-shape'), true);
    await page.fill('#input-shape', '1x3x24x24');
    await page.press('#input-shape', 'Enter');
    await page.waitForSelector('body[data-status="done"]');
    assert.deepEqual((await sentOfType('inputShape')).map((m) => m.shape), [[1, 3, 24, 24]]);
    const d = checkOnnx(new Uint8Array(readFileSync(join(dir, dynamic))), { fileName: dynamic, inputShape: [1, 3, 24, 24] }).analysis;
    const dRows = await page.$$eval('#net-table tr.layer-row', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.layer));
    assert.deepEqual(dRows, d.layers.map((l) => l.name));
    assert.equal((await page.evaluate(() => (window as any).convlens.outputs())).filter(Boolean).length, d.layers.length);
  });
  it('ONNX models with the operators of test/fixtures/onnx/ops.json (LayerNorm over [C, H, W], LpPool, cubic Resize, reflect / edge / wrap Pad) run in the page as in Node', async () => {
    const dir = join(repoRoot, 'test', 'fixtures', 'onnx');
    const files = ['ops_layernorm_op17.onnx', 'ops_lppool_op18.onnx', 'ops_bicubic_op17.onnx', 'ops_cubic_onnx_op13.onnx', 'ops_pads_op11.onnx', 'ops_pad_wrap_op19.onnx', 'ops_convnext_block_op17.onnx'];
    for (const file of files) {
      await openVsCodePage();
      const bytes = readFileSync(join(dir, file));
      await page.evaluate(([n, b]) => window.postMessage({ type: 'model', uri: `file:///work/models/${n}`, model: { name: n, bytes: Uint8Array.from(atob(b), (c) => c.charCodeAt(0)), externalData: {} } }, '*'), [file, bytes.toString('base64')]);
      await page.waitForSelector('body[data-status="done"]');
      const read = checkOnnx(new Uint8Array(bytes), { fileName: file });
      const a = read.analysis;
      assert.deepEqual(a.findings.filter((f) => f.severity === 'error'), [], file);
      const rows = await page.$$eval('#net-table tr.layer-row', (trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent)));
      assert.deepEqual(rows.map((r) => r[2]), a.layers.map((l) => l.shape!.join('×')), file);
      const want: Float32Array[] = [];
      execute(a, makeSample('scene', a.input!), { weights: read.weightStore(), onLayer: (i, t) => (want[i] = t.data.slice()) });
      const got = await page.evaluate(() => (window as any).convlens.outputs());
      a.layers.forEach((l, i) => {
        let worst = 0;
        for (let k = 0; k < want[i].length; k++) worst = Math.max(worst, Math.abs(got[i].data[k] - want[i][k]) / Math.max(1, Math.abs(want[i][k])));
        assert.ok(got[i].data.length === want[i].length && worst <= 1e-5, `${file} ${l.name}: max relative difference ${worst}`);
      });
      if (file !== files[files.length - 1]) await page.close(); // (afterEach closes the last)
    }
  });
});
