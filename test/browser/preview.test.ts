// Browser tests of the built preview page (dist/webview, from `node scripts/build.mjs`) in
// headless Chromium (playwright-core, Debian's /usr/bin/chromium). The page is served with the
// same strict CSP as in VS Code (renderHtml) from 127.0.0.1 on a random port, and standalone
// mode reads the document text from window.__CONVLENS_TEST__. Screenshots go to
// test-results/browser/.
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { check, fieldAt, type ReadOptions } from '../../engine';
import type { Analysis } from '../../engine/types';
import { renderHtml, makeNonce } from '../../client/src/previewHtml';
import { execute, layerParams } from '../../kernels/runtime/execute';
import { makeSample } from '../../kernels/runtime/samples';
import { convMatrix } from '../../kernels/runtime/convMatrix';
import { loadOracle, repoRoot } from '../oracle';

const distDir = join(repoRoot, 'dist', 'webview');
const shots = join(repoRoot, 'test-results', 'browser');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];

const example = (f: string) => readFileSync(join(repoRoot, 'examples', f), 'utf8');

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

  async function open(text: string, query = '', options?: ReadOptions): Promise<void> {
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
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

  it("clicking a pixel of a late map outlines the engine's field on the input and the exact positions on earlier maps", async () => {
    const text = example('tiny-vgg.cnn.yaml');
    const a = analyse(text);
    await open(text);
    const name = 'block.1.conv2';
    const layer = a.layers.find((l) => l.name === name)!;
    const [, H, W] = layer.shape!;
    const target = { x: 7, y: 11 };
    const map = page.locator(`section[data-layer="${name}"] .map[data-channel="0"] canvas.map-canvas`);
    await map.scrollIntoViewIfNeeded();
    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + ((target.x + 0.5) / W) * box.width, box.y + ((target.y + 0.5) / H) * box.height);
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
    const map = page.locator(`section[data-layer="${name}"] .map[data-channel="0"] canvas.map-canvas`);
    await map.scrollIntoViewIfNeeded();
    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + (12.5 / 24) * box.width, box.y + (12.5 / 24) * box.height);
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
    const p = layerParams(l, [1, 2, 2], 3)!;
    const want = convMatrix(p.weight, { inShape: [1, 2, 2], kernel: [2, 2], stride: [1, 1], dilation: [1, 1], padding: [[1, 1], [1, 1]], groups: 1 });
    assert.deepEqual([m2.rows, m2.cols], [18, 4]);
    m2.data.forEach((v: number, i: number) => assert.ok(Math.abs(v - want.data[i]) < 1e-7));
    assert.equal(await page.getAttribute('#matrix-check', 'data-ok'), 'true');
  });

  it('a 1-D network draws line plots, and a new document cancels the running one', async () => {
    await open(example('tcn.cnn.yaml'), '?sample=sine');
    assert.ok((await page.locator('section[data-layer="level0.conv1"] canvas.map-canvas').count()) === 16, 'first 16 of 32 channels');
    assert.match((await page.textContent('section[data-layer="level0.conv1"] .pager'))!, /channels 0–15 of 32/);
    await page.click('section[data-layer="level0.conv1"] .pager button:last-child');
    assert.match((await page.textContent('section[data-layer="level0.conv1"] .pager'))!, /channels 16–31 of 32/);
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
    await open(text, '?sample=noise&seed=3', options);
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
});
