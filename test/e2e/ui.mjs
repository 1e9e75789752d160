// UI checks of ConvLens in the real VS Code workbench (code-server), driven by Playwright.
// Called by test/e2e/run.mjs with a fresh page; prints mocha-style lines, ending with
// "N passing" / "N failing" (the project's test runner sums those lines).
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';

/** CONVLENS_UPDATE_SCREENSHOTS=1 copies the screenshots into docs/images/ (for the README). */
const UPDATE_DOCS = process.env.CONVLENS_UPDATE_SCREENSHOTS === '1';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The network shown in the editor screenshot (docs/images/screenshot.png): a small ResNet-style
 * stem and stage, one strided `padding: same` conv (warning CL105, squiggled) and the head.
 */
const DEMO_FILE = 'demo.cnn.yaml';
const DEMO = `# ConvLens demo: a ResNet-style stem, one residual stage, and a classifier.
name: demo
input: [3, 224, 224]

blocks:
  basic:
    params: {out: 64}
    layers:
      - conv: {out: $out, kernel: 3, padding: 1}
      - batchnorm
      - relu
      - conv: {out: $out, kernel: 3, padding: 1}
      - batchnorm:
        name: bn2
      - add:
        from: [input, bn2]
      - relu

layers:
  - conv: {out: 64, kernel: 7, stride: 2, padding: 3, bias: false}
    name: conv1
  - batchnorm
  - relu
  - maxpool: {kernel: 3, stride: 2, padding: 1}
    name: pool
  - basic: {out: 64}
    name: layer1
    repeat: 2
  - conv: {out: 128, kernel: 3, stride: 2, padding: same}
    name: down
  - global_avgpool
  - linear: {out: 10}
    name: fc
`;

/**
 * Opens the quick input with `key`, types `text` and clicks the first row that shows it (Enter
 * would take the focused row, which on a busy machine can still be one of a shorter query's).
 */
async function quickPick(page, key, text) {
  const quickInput = page.locator('.quick-input-widget');
  await page.keyboard.press(key);
  await quickInput.waitFor({ state: 'visible' });
  await page.keyboard.type(text);
  const row = quickInput.locator('.monaco-list-row', { hasText: text }).first();
  await row.waitFor({ state: 'visible' });
  await row.click();
  await quickInput.waitFor({ state: 'hidden' });
}

/**
 * A network whose weights file is named by a comment (test/fixtures/weights: the residual block
 * net and its bfloat16 state_dict, copied into the workspace under these names).
 */
const WEIGHTS_NET = 'weighted.cnn.yaml';
const WEIGHTS_FILE = 'weighted.bf16.pth';
const WEIGHTS_TEXT = `Weights: ${WEIGHTS_FILE} (named in the network file's comment) · state_dict · 27 tensors · 27 bfloat16 converted to float32`;

/** A Darknet cfg with its .weights beside it (test/fixtures/weights): the preview asks once to use them. */
const DARKNET_NET = 'yolov3-tiny-small.cfg';
const DARKNET_WEIGHTS = 'yolov3-tiny-small.weights';
/** An ONNX model (test/fixtures/onnx): opening it shows ConvLens's custom editor. */
const ONNX_MODEL = 'classifier_op11_fixed_bn.onnx';
/** An ONNX model whose weights are in an external data file beside it (`tcn_external.onnx.data`). */
const ONNX_EXTERNAL = 'tcn_external.onnx';
/** An ONNX model exported with dynamic height and width (sizes from the convlens.onnx.inputShape setting run.mjs gives). */
const ONNX_DYNAMIC = 'classifier_op17_dynamic_bn.onnx';

/**
 * Closes every editor (and preview panel) with the command palette, opened from the explorer (keys
 * pressed in a webview may stay there), and waits until no tab is left.
 */
async function closeAllEditors(page) {
  // Keyboard focus on the explorer's list (no click: a row may be scrolling, or under a toast).
  await page.locator('.explorer-folders-view .monaco-list').first().focus();
  await quickPick(page, 'F1', 'View: Close All Editors');
  await page.waitForFunction(() => document.querySelectorAll('.part.editor .tab').length === 0 && !document.querySelector('iframe.webview'));
}

/** Opens a workspace file with quick open (Ctrl+P) and waits for its tab. */
export async function quickOpen(page, fileName) {
  await page.locator('.part.editor').click({ position: { x: 200, y: 200 } });
  await quickPick(page, 'Control+P', fileName);
  await page.locator('.part.editor .tab.active', { hasText: fileName }).waitFor({ state: 'visible' });
}

/** Runs a command by its title from the command palette (F1). */
const runCommand = (page, title) => quickPick(page, 'F1', title);

/** Waits until the active editor's rendered lines contain `want` (inlay hints included). */
export async function editorShows(page, want, timeout = CHECK_TIMEOUT_MS) {
  const sel = '.part.editor .editor-instance .monaco-editor .view-lines';
  await page
    .waitForFunction(
      ([sel, want]) => [...document.querySelectorAll(sel)].some((el) => (el.textContent ?? '').replace(/\u00a0/g, ' ').includes(want)),
      [sel, want],
      { timeout },
    )
    .catch(async () => {
      const shown = await page.locator(sel).first().textContent().catch(() => '');
      throw new Error(`the editor does not show "${want}"; it shows "${plain(shown).slice(0, 300)}"`);
    });
}

const CHECK_TIMEOUT_MS = 45_000;

/** Text of an editor's rendered lines, with VS Code's non-breaking spaces made plain. */
const plain = (s) => (s ?? '').replace(/\u00a0/g, ' ');

/**
 * @param {{ page: import('playwright-core').Page, url: string, workspace: string, cnnFile?: string, languageName?: string|null, resultsDir: string }} o
 *   languageName: the name the extension gives cnn-yaml (its first alias), shown in the status bar
 * @returns {Promise<{ passed: number, failed: number }>}
 */
export async function runUiChecks({ page, url, workspace, cnnFile, languageName, resultsDir }) {
  page.setDefaultTimeout(CHECK_TIMEOUT_MS);
  const checks = [];
  const it = (title, fn) => checks.push({ title, fn });
  const fileName = cnnFile ? basename(cnnFile) : null;
  const screenshot = join(resultsDir, 'workbench.png');
  // Written before the workbench loads: quick open's file search caches the file list.
  writeFileSync(join(workspace, DEMO_FILE), DEMO);
  const fixtures = join(repoRoot, 'test', 'fixtures', 'weights');
  writeFileSync(join(workspace, WEIGHTS_NET), `# convlens: weights=${WEIGHTS_FILE}\n${readFileSync(join(fixtures, 'blocks.cnn.yaml'), 'utf8')}`);
  copyFileSync(join(fixtures, 'blocks.bf16.pth'), join(workspace, WEIGHTS_FILE));
  for (const f of [DARKNET_NET, DARKNET_WEIGHTS]) copyFileSync(join(fixtures, f), join(workspace, f));
  for (const f of [ONNX_MODEL, ONNX_EXTERNAL, `${ONNX_EXTERNAL}.data`, ONNX_DYNAMIC]) copyFileSync(join(repoRoot, 'test', 'fixtures', 'onnx', f), join(workspace, f));
  let demoRendered = false;

  it('the workbench loads (.monaco-workbench)', async () => {
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: CHECK_TIMEOUT_MS });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible' });
    // The explorer lists the workspace once the remote file system answers.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible' });
  });

  it(`Ctrl+P opens ${fileName ?? 'a *.cnn.yaml file'} in an editor`, async () => {
    if (!fileName) throw new Error('the workspace has no *.cnn.yaml file');
    await quickOpen(page, fileName);
    // The editor renders the file's first line.
    const firstLine = readFileSync(join(workspace, cnnFile), 'utf8').split('\n').find((l) => l.trim() && !l.trim().startsWith('#'))?.trim();
    const lines = page.locator('.part.editor .monaco-editor .view-lines').first();
    await lines.waitFor({ state: 'visible' });
    if (firstLine) {
      await page
        .waitForFunction(
          ([sel, want]) => (document.querySelector(sel)?.textContent ?? '').replace(/\u00a0/g, ' ').includes(want),
          ['.part.editor .monaco-editor .view-lines', firstLine],
          { timeout: CHECK_TIMEOUT_MS },
        )
        .catch(async () => {
          throw new Error(`editor does not show "${firstLine}"; it shows "${plain(await lines.textContent()).slice(0, 200)}"`);
        });
    }
  });

  it(`the status bar shows the language ${languageName ? `"${languageName}"` : 'cnn-yaml'}`, async () => {
    if (!languageName) throw new Error("the extension's package.json contributes no cnn-yaml language");
    const mode = page.locator('[id="status.editor.mode"]');
    await mode.waitFor({ state: 'visible' });
    await page
      .waitForFunction(
        ([sel, want]) => document.querySelector(sel)?.textContent?.trim() === want,
        ['[id="status.editor.mode"] .statusbar-item-label', languageName],
        { timeout: 10_000 },
      )
      .catch(async () => {
        throw new Error(`the language mode reads "${(await mode.innerText()).trim()}", not "${languageName}"`);
      });
  });

  it('a screenshot of the workbench is saved to test-results/e2e/workbench.png', async () => {
    await page.screenshot({ path: screenshot });
    if (!existsSync(screenshot) || statSync(screenshot).size < 1000) throw new Error(`no screenshot at ${screenshot}`);
  });

  const editorShot = join(resultsDir, 'editor.png');

  it(`${DEMO_FILE}: inlay hints render shapes, fields and parameters at the end of each entry`, async () => {
    await quickOpen(page, DEMO_FILE);
    await editorShows(page, 'name: pool');
    await editorShows(page, '→ 64×56×56 · rf 11×11 /4');
    await editorShows(page, '→ 64×56×56 (×2) · rf 43×43 /4 · 148K params');
    await editorShows(page, '→ 10 · rf global · 1.3K params');
    // The CodeLens above layers: (totals, preview) is part of the picture too.
    await page.locator('.part.editor .monaco-editor .codelens-decoration', { hasText: 'Preview feature maps' }).first().waitFor({ state: 'visible' });
    await page.locator('.part.editor .monaco-editor .codelens-decoration', { hasText: /Σ [0-9.]+K params · [0-9.]+M MACs/ }).first().waitFor({ state: 'visible' });
  });

  it(`${DEMO_FILE}: the strided 'same' conv has a warning squiggle`, async () => {
    await page.locator('.part.editor .monaco-editor .squiggly-warning').first().waitFor({ state: 'attached' });
    const errors = await page.locator('.part.editor .monaco-editor .squiggly-error').count();
    if (errors) throw new Error(`${errors} error squiggles in a file with only a warning`);
    demoRendered = true;
  });

  it(`${DEMO_FILE}: the status bar shows its total parameters and MACs`, async () => {
    await page.locator('.part.statusbar .statusbar-item', { hasText: '233K params · 638M MACs' }).first().waitFor({ state: 'visible' });
  });

  it('a screenshot of the editor is saved to test-results/e2e/editor.png', async () => {
    await page.mouse.move(5, 5); // no hover in the picture
    await page.screenshot({ path: editorShot });
    if (!existsSync(editorShot) || statSync(editorShot).size < 10_000) throw new Error(`no screenshot at ${editorShot}`);
    // Only a picture that shows what the checks above saw goes into the README.
    if (!demoRendered) throw new Error('the demo did not render its hints and squiggle: docs/images/screenshot.png left as it was');
    mkdirSync(join(repoRoot, 'docs', 'images'), { recursive: true });
    if (UPDATE_DOCS) copyFileSync(editorShot, join(repoRoot, 'docs', 'images', 'screenshot.png'));
  });

  it('hovering a layer shows its size formula (test-results/e2e/hover.png)', async () => {
    const token = page.locator('.part.editor .monaco-editor .view-line span span', { hasText: /^maxpool$/ }).first();
    await token.hover();
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: '⌊(112 + 1 + 1 − 3)/2⌋ + 1 = 56' });
    await hover.first().waitFor({ state: 'visible' });
    // Wait for the fade-in to finish so the picture is not translucent.
    await page.waitForFunction(() => {
      const el = document.querySelector('.monaco-hover:not(.hidden)');
      return !!el && el.getAnimations({ subtree: true }).every((a) => a.playState === 'finished');
    });
    await page.screenshot({ path: join(resultsDir, 'hover.png') });
    if (demoRendered && UPDATE_DOCS) copyFileSync(join(resultsDir, 'hover.png'), join(repoRoot, 'docs', 'images', 'hover.png'));
  });

  const previewFrame = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

  it(`${DEMO_FILE}: "Preview feature maps" opens the webview and it renders every layer's maps of the scene (test-results/e2e/preview.png)`, async () => {
    await page.keyboard.press('Escape');
    await page.locator('.part.editor .monaco-editor .codelens-decoration a', { hasText: 'Preview feature maps' }).first().click();
    const frame = previewFrame();
    await frame.locator('body[data-status="done"]').waitFor({ state: 'attached', timeout: 60_000 });
    const rendered = await frame.locator('section.layer.rendered').count();
    if (rendered < 5) throw new Error(`only ${rendered} layers rendered in the preview`);
    const backend = await frame.locator('body').getAttribute('data-backend');
    if (backend !== 'wasm') throw new Error(`the preview ran the ${backend} kernels, not WebAssembly SIMD (CSP?)`);
    const sample = await frame.locator('#sample').inputValue();
    if (sample !== 'scene') throw new Error(`the default input is ${sample}, not the scene`);
    // The input's colour tile and the first conv's first map are painted with many colours.
    for (const sel of ['#input-section .map[data-channel="rgb"] canvas.map-canvas', 'section[data-layer="conv1"] .map[data-channel] canvas.map-canvas']) {
      const colours = await frame.locator(sel).first().evaluate((c) => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        return seen.size;
      });
      if (colours < 100) throw new Error(`${sel} has only ${colours} colours`);
    }
    // The network strip lists every layer beside the maps.
    const rows = await frame.locator('.graph-row').count();
    if (rows !== rendered) throw new Error(`the network strip has ${rows} rows for ${rendered} sections`);
    await page.screenshot({ path: join(resultsDir, 'preview.png') });
    if (demoRendered && UPDATE_DOCS) copyFileSync(join(resultsDir, 'preview.png'), join(repoRoot, 'docs', 'images', 'preview.png'));
  });

  it(`${DEMO_FILE}: clicking a layer in the preview reveals it in the editor, and the page and its strip highlight the layer under the cursor`, async () => {
    const frame = previewFrame();
    await frame.locator('section[data-layer="fc"] h3').click();
    // The editor selects the entry (line 32 of the demo: \`- linear: {out: 10}\`)…
    const selection = page.locator('[id="status.editor.selection"]');
    await page.waitForFunction(
      (sel) => /Ln 3[23],/.test(document.querySelector(sel)?.textContent ?? ''),
      '[id="status.editor.selection"]',
      { timeout: CHECK_TIMEOUT_MS },
    ).catch(async () => {
      throw new Error(`the editor did not move to fc: status bar says "${(await selection.innerText()).trim()}"`);
    });
    // …and the new cursor position comes back to the page as the highlighted layer.
    await frame.locator('section.layer.current[data-layer="fc"]').waitFor({ state: 'attached' });
    await frame.locator('.graph-row.current[data-layer="fc"]').waitFor({ state: 'attached' });
  });

  /** Accepts VS Code's save dialog (in the browser: the path in a quick input) as proposed. */
  async function acceptSaveDialog(wantPath) {
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await page.waitForFunction((want) => (document.querySelector('.quick-input-widget input')?.value ?? '').endsWith(want), wantPath);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  it(`${DEMO_FILE}: "PNG" on a layer saves its maps where VS Code's save dialog says (next to the network)`, async () => {
    const frame = previewFrame();
    const target = join(workspace, 'demo-conv1.png');
    await frame.locator('section[data-layer="conv1"] .save-png').click();
    await acceptSaveDialog('/demo-conv1.png');
    await page.locator('.notifications-toasts', { hasText: 'ConvLens: saved demo-conv1.png' }).waitFor({ state: 'visible' });
    const bytes = readFileSync(target);
    if (bytes.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a' || bytes.length < 10_000) throw new Error(`${target} is not the PNG (${bytes.length} bytes)`);
  });

  it(`${DEMO_FILE}: "Save .npy" writes the input and every layer's output into a new folder`, async () => {
    const frame = previewFrame();
    const layers = await frame.locator('section.layer').count();
    await frame.locator('#save-npy').click();
    await acceptSaveDialog('/demo-outputs');
    await page.locator('.notifications-toasts', { hasText: `ConvLens: saved ${layers} .npy files to demo-outputs` }).waitFor({ state: 'visible' });
    const folder = join(workspace, 'demo-outputs');
    const files = readdirSync(folder);
    if (files.length !== layers || !files.includes('input.npy') || !files.includes('conv1.npy')) throw new Error(`${folder} holds ${files.join(', ')}`);
    const conv1 = readFileSync(join(folder, 'conv1.npy'));
    const header = conv1.subarray(10, 10 + conv1.readUInt16LE(8)).toString('latin1');
    if (!header.includes("'shape': (64, 112, 112)") || conv1.length !== 10 + conv1.readUInt16LE(8) + 64 * 112 * 112 * 4) throw new Error(`conv1.npy: ${header}`);
  });

  /** The preview of WEIGHTS_NET (the only preview open: every editor is closed first). */
  const weightsFrame = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  const weightsInfo = async () => (await weightsFrame().locator('#weights-info').textContent())?.trim();

  it(`${WEIGHTS_NET}: the preview runs with the weights its comment names, and the header says which (test-results/e2e/preview-weights.png)`, async () => {
    await closeAllEditors(page);
    await quickOpen(page, WEIGHTS_NET);
    await page.locator('.part.editor .monaco-editor .codelens-decoration a', { hasText: 'Preview feature maps' }).first().click();
    const frame = weightsFrame();
    await frame.locator('#weights-info[data-weights="file"]').waitFor({ state: 'attached', timeout: 60_000 });
    await frame.locator('body[data-status="done"]').waitFor({ state: 'attached' });
    if ((await weightsInfo()) !== WEIGHTS_TEXT) throw new Error(`the weights header reads "${await weightsInfo()}"`);
    await page.screenshot({ path: join(resultsDir, 'preview-weights.png') });
  });

  it(`${WEIGHTS_NET}: "Random weights" goes back to random weights; "Load weights…" opens VS Code's file dialog and runs with the file chosen`, async () => {
    const frame = weightsFrame();
    await frame.locator('#random-weights').click();
    await frame.locator('#weights-info[data-weights="random"]').waitFor({ state: 'attached' });
    await frame.locator('#load-weights').click();
    // In the browser, VS Code's open dialog is a quick input holding a path.
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    // The dialog starts in the network's folder (its path arrives after the box shows); then the file's name.
    await page.waitForFunction(() => /\/workspace\/$/.test(document.querySelector('.quick-input-widget input')?.value ?? ''));
    await input.press('End');
    await page.keyboard.type(WEIGHTS_FILE);
    await page.waitForFunction((f) => (document.querySelector('.quick-input-widget input')?.value ?? '').endsWith(`/workspace/${f}`), WEIGHTS_FILE);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await frame.locator('#weights-info[data-weights="file"]').waitFor({ state: 'attached', timeout: 60_000 });
    const want = WEIGHTS_TEXT.replace(" (named in the network file's comment)", '');
    if ((await weightsInfo()) !== want) throw new Error(`after "Load weights…" the header reads "${await weightsInfo()}"`);
    await page.screenshot({ path: join(resultsDir, 'preview-weights-loaded.png') });
  });

  it(`${DARKNET_NET}: the preview asks once to use ${DARKNET_WEIGHTS} found beside it, then runs with it (test-results/e2e/preview-weights-beside.png)`, async () => {
    await closeAllEditors(page);
    await quickOpen(page, DARKNET_NET);
    await page.locator('.part.editor .monaco-editor .codelens-decoration a', { hasText: 'Preview feature maps' }).first().click();
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: `preview ${DARKNET_NET} with the weights in ${DARKNET_WEIGHTS} (beside it)?` });
    await toast.waitFor({ state: 'visible', timeout: 60_000 });
    await page.screenshot({ path: join(resultsDir, 'preview-weights-ask.png') });
    await toast.locator('.monaco-button', { hasText: 'Use it' }).click();
    const frame = weightsFrame();
    await frame.locator('#weights-info[data-weights="file"]').waitFor({ state: 'attached', timeout: 60_000 });
    const text = await weightsInfo();
    if (!/^Weights: yolov3-tiny-small\.weights \(found beside the network\) · darknet 0\.2\.5, \d+ images seen · 59 tensors$/.test(text ?? '')) throw new Error(`the weights header reads "${text}"`);
    await page.screenshot({ path: join(resultsDir, 'preview-weights-beside.png') });
    await closeAllEditors(page); // the next checks start from a plain workbench
  });

  it(`${ONNX_MODEL}: opens in ConvLens's view of the model, its table (op, shape, parameters, MACs, field) and totals, run with the file's own weights (test-results/e2e/onnx.png)`, async () => {
    await quickOpen(page, ONNX_MODEL);
    const frame = weightsFrame();
    await frame.locator('#net-table tr.layer-row[data-layer="layer2.se.fc1"]').waitFor({ state: 'attached', timeout: 60_000 });
    const rows = await frame.locator('#net-table tr.layer-row').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    // The fixture's 40 layers; its stem: a 3→8 conv without bias, 3×3 stride 2, on 3×24×24 (216 parameters, 8·12·12·27 MACs).
    if (rows.length !== 40) throw new Error(`the table has ${rows.length} rows, not the model's 40`);
    if (rows[0].slice(1, 5).join(' | ') !== 'conv | 8×12×12 | 216 | 31,104') throw new Error(`the stem's row reads ${rows[0].join(' | ')}`);
    await frame.locator('#net-table tr.totals').waitFor({ state: 'visible' });
    await frame.locator('#weights-info[data-weights="file"]').waitFor({ state: 'attached', timeout: 60_000 });
    const text = await weightsInfo();
    if (!/^Weights: classifier_op11_fixed_bn\.onnx · the file's own weights \(pytorch 1\.13\.0, IR 6, opset 11\) · 40 tensors$/.test(text ?? '')) throw new Error(`the weights header reads "${text}"`);
    await page.screenshot({ path: join(resultsDir, 'onnx.png') });
    // A click on the stem's row: its ONNX node with every attribute, and its weight's statistics.
    await frame.locator('#net-table tr.layer-row[data-layer="stem"]').click();
    const details = frame.locator('#table-details[data-layer="stem"]');
    await details.filter({ hasText: ' · std ' }).waitFor({ state: 'visible', timeout: 60_000 });
    const shown = (await details.textContent()) ?? '';
    for (const line of ['name: /stem/Conv', 'op_type: Conv', 'inputs: x, stem.weight (float32 [8, 3, 3, 3])', 'dilations: [1, 1]', 'group: 1', 'kernel_shape: [3, 3]', 'pads: [1, 1, 1, 1]', 'strides: [2, 2]', 'weight [8, 3, 3, 3]: min ']) {
      if (!shown.includes(line)) throw new Error(`the stem's details lack "${line}": ${shown}`);
    }
    await page.screenshot({ path: join(resultsDir, 'onnx-node.png') });
    await closeAllEditors(page);
  });

  it(`${ONNX_EXTERNAL}: the host reads its external data file beside it, and the model runs with those weights (no CL024)`, async () => {
    await quickOpen(page, ONNX_EXTERNAL);
    const frame = weightsFrame();
    await frame.locator('#weights-info[data-weights="file"]').waitFor({ state: 'attached', timeout: 60_000 });
    const text = await weightsInfo();
    if (!/^Weights: tcn_external\.onnx · the file's own weights \(pytorch 1\.13\.0, IR 8, opset 17\) · 33 tensors · external data: tcn_external\.onnx\.data$/.test(text ?? '')) throw new Error(`the weights header reads "${text}"`);
    if (await frame.locator('#findings li[data-code="CL024"]').count()) throw new Error('the external weights were not read (CL024)');
    await closeAllEditors(page);
  });

  it(`${ONNX_DYNAMIC}: its dynamic height and width take the sizes of the convlens.onnx.inputShape setting (height=24, width=24)`, async () => {
    await quickOpen(page, ONNX_DYNAMIC);
    const frame = weightsFrame();
    await frame.locator('#weights-info[data-weights="file"]').waitFor({ state: 'attached', timeout: 60_000 });
    const stem = await frame.locator('#net-table tr.layer-row').first().evaluate((tr) => [...tr.children].map((td) => td.textContent));
    if (stem.slice(1, 3).join(' | ') !== 'conv | 8×12×12') throw new Error(`the stem's row reads ${stem.join(' | ')}`);
    const shape = await frame.locator('#input-shape').inputValue();
    if (shape !== '1x3x24x24') throw new Error(`the Input shape box reads ${shape}`);
    if (await frame.locator('#findings li[data-code="CL022"]').count()) throw new Error('the dynamic dimensions were not given sizes (CL022)');
    await closeAllEditors(page);
  });

  // Real model files: an Ultralytics YOLO YAML stays in the yaml language and gets the same hints.
  it('ultralytics/yolov8n.yaml at VS Code’s default settings: every row’s hint whole (shape, parameters, repeats or field; none cut with “…”), Ultralytics’ totals in a CodeLens and the status bar (test-results/e2e/yolo.png)', async () => {
    // The editor alone, wide, so that the picture shows whole rows.
    await runCommand(page, 'View: Close All Editor Groups');
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await quickOpen(page, 'yolov8n.yaml');
    await editorShows(page, '[-1, 6, C2f, [256, True]]');
    // This row's hint was 47 characters: VS Code (editor.inlayHints.maximumLength 43) cut its parameters.
    await editorShows(page, '→ 64×80×80 · 49.7K params · n 6→2');
    await editorShows(page, '→ 32×160×160 · 4.7K params · rf 7×7 /4');
    const rows = await page.locator('.part.editor .editor-instance .monaco-editor .view-line').evaluateAll((els) =>
      els.map((el) => (el.textContent ?? '').replace(/\u00a0/g, ' ')).filter((t) => t.includes('→')),
    );
    if (rows.length < 10) throw new Error(`only ${rows.length} rows with hints rendered: ${rows.join(' | ')}`);
    const cut = rows.filter((t) => t.includes('…'));
    if (cut.length) throw new Error(`hints cut by VS Code: ${cut.join(' | ')}`);
    const withoutParams = rows.filter((t) => /(Conv|C2f|SPPF|Detect),/.test(t) && !t.includes(' params'));
    if (withoutParams.length) throw new Error(`rows with weights but no parameter count: ${withoutParams.join(' | ')}`);
    await page.locator('.part.editor .monaco-editor .codelens-decoration', { hasText: 'Ultralytics: 3,157,200 parameters · 8.9 GFLOPs' }).first().waitFor({ state: 'visible' });
    await page.locator('.part.statusbar .statusbar-item', { hasText: '8.9 GFLOPs · n' }).first().waitFor({ state: 'visible' });
    const mode = (await page.locator('[id="status.editor.mode"]').innerText()).trim();
    if (mode !== 'YAML') throw new Error(`the YOLO file's language is "${mode}", not YAML`);
    await page.mouse.move(5, 5);
    await page.screenshot({ path: join(resultsDir, 'yolo.png') });
    if (UPDATE_DOCS) copyFileSync(join(resultsDir, 'yolo.png'), join(repoRoot, 'docs', 'images', 'yolo.png'));
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
  });

  it('darknet/yolov3-tiny.cfg: opens in the Darknet cfg language, with hints on its sections and darknet’s BFLOPs (test-results/e2e/darknet.png)', async () => {
    await quickOpen(page, 'yolov3-tiny.cfg');
    await page
      .waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === 'Darknet cfg', '[id="status.editor.mode"] .statusbar-item-label', { timeout: CHECK_TIMEOUT_MS })
      .catch(async () => {
        throw new Error(`the .cfg's language is "${(await page.locator('[id="status.editor.mode"]').innerText()).trim()}", not Darknet cfg`);
      });
    await editorShows(page, '→ 16×416×416');
    await page.locator('.part.editor .monaco-editor .codelens-decoration', { hasText: 'darknet: 5.56 BFLOPs' }).first().waitFor({ state: 'visible' });
    await page.mouse.move(5, 5);
    await page.screenshot({ path: join(resultsDir, 'darknet.png') });
  });

  console.log('\n  UI (code-server workbench, Playwright)');
  const t0 = Date.now();
  const failures = [];
  // CONVLENS_E2E_ONLY=text: the workbench's load and the checks whose title has the text (one spec while working on it).
  const only = process.env.CONVLENS_E2E_ONLY;
  for (const c of only ? checks.filter((c, i) => i === 0 || c.title.includes(only)) : checks) {
    const t = Date.now();
    try {
      await c.fn();
      const ms = Date.now() - t;
      console.log(`    ✔ ${c.title}${ms > 75 ? ` (${ms}ms)` : ''}`);
    } catch (err) {
      failures.push({ title: c.title, err });
      console.log(`    ${failures.length}) ${c.title}`);
      await page.screenshot({ path: join(resultsDir, `ui-failure-${failures.length}.png`) }).catch(() => {});
    }
  }
  const passed = (only ? checks.filter((c, i) => i === 0 || c.title.includes(only)) : checks).length - failures.length;
  console.log(`\n\n  ${passed} passing (${Math.round((Date.now() - t0) / 1000)}s)`);
  console.log(`  ${failures.length} failing`);
  failures.forEach((f, i) => {
    console.log(`\n  ${i + 1}) UI ${f.title}:`);
    console.log(`     ${String(f.err?.stack || f.err).split('\n').slice(0, 6).join('\n     ')}`);
  });
  console.log('');
  return { passed, failed: failures.length };
}
