// UI checks of ConvLens in the real VS Code workbench (code-server), driven by Playwright.
// Called by test/e2e/run.mjs with a fresh page; prints mocha-style lines, ending with
// "N passing" / "N failing" (the project's test runner sums those lines).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

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

  it('the workbench loads (.monaco-workbench)', async () => {
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: CHECK_TIMEOUT_MS });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible' });
    // The explorer lists the workspace once the remote file system answers.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible' });
  });

  it(`Ctrl+P opens ${fileName ?? 'a *.cnn.yaml file'} in an editor`, async () => {
    if (!fileName) throw new Error('the workspace has no *.cnn.yaml file');
    await page.locator('.part.editor').click({ position: { x: 200, y: 200 } }); // focus the workbench
    const quickInput = page.locator('.quick-input-widget');
    await page.keyboard.press('Control+P');
    await quickInput.waitFor({ state: 'visible' });
    await page.keyboard.type(fileName);
    // Quick open finds files with ripgrep: wait for the file's row, then open it.
    await quickInput.locator('.monaco-list-row', { hasText: fileName }).first().waitFor({ state: 'visible' });
    await page.keyboard.press('Enter');
    await quickInput.waitFor({ state: 'hidden' });
    await page.locator('.part.editor .tab.active', { hasText: fileName }).waitFor({ state: 'visible' });
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

  console.log('\n  UI (code-server workbench, Playwright)');
  const t0 = Date.now();
  const failures = [];
  for (const c of checks) {
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
  const passed = checks.length - failures.length;
  console.log(`\n\n  ${passed} passing (${Math.round((Date.now() - t0) / 1000)}s)`);
  console.log(`  ${failures.length} failing`);
  failures.forEach((f, i) => {
    console.log(`\n  ${i + 1}) UI ${f.title}:`);
    console.log(`     ${String(f.err?.stack || f.err).split('\n').slice(0, 6).join('\n     ')}`);
  });
  console.log('');
  return { passed, failed: failures.length };
}
