// ConvLens beside another Python extension, in a real VS Code: a code-server with the stand-in of
// test/e2e/python-standin installed (Pylance itself cannot be installed offline: it is
// proprietary and not on npm) and ConvLens in development mode. The extension-host suite
// (test/e2e/beside/) checks the providers' answers; here Playwright checks what the editor
// renders — both extensions' inlay hints on the model's lines, ConvLens's error squiggle beside
// the stand-in's warnings — and takes test-results/e2e/beside-python-extension.png.
// Called by test/e2e/run.mjs; prints mocha-style lines like ui.mjs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeServerBin, repoRoot, startCodeServer, workbenchUrl } from '../../scripts/code-server.mjs';
import { runChecks } from './checks.mjs';
import { editorShows, quickOpen } from './ui.mjs';

const STANDIN = join(repoRoot, 'test', 'e2e', 'python-standin');

/** The stand-in as a .vsix (vsce works offline), installed as a user installs an extension. */
function installStandin(dir, extensionsDir, userDataDir) {
  const vsix = join(dir, 'python-standin.vsix');
  execFileSync(process.execPath, [join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', vsix], { cwd: STANDIN, stdio: 'pipe' });
  const out = execFileSync(codeServerBin, ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix], { encoding: 'utf8', stdio: 'pipe' });
  if (!/successfully installed/.test(out)) throw new Error(`code-server --install-extension said: ${out}`);
}

/** The CIFAR-10 tutorial net at 28×28 (fc1's 16 * 5 * 5 no longer fits: CL102), the file the UI check opens. */
const SHOWN = readFileSync(join(repoRoot, 'test', 'fixtures', 'pytorch', 'models', 'cifar_net.py'), 'utf8').replace('input 3x32x32', 'input 3x28x28');

/**
 * @param {{ browser: import('playwright-core').Browser, tmp: string, extensionPath: string, resultsDir: string,
 *           runSuite: (server: object, suitePath: string, label: string, folder: string) => Promise<number>, suitePath: string }} o
 * @returns {Promise<{ suiteCode: number, passed: number, failed: number }>}
 */
export async function runBesideChecks({ browser, tmp, extensionPath, resultsDir, runSuite, suitePath }) {
  const dir = join(tmp, 'beside');
  const workspace = join(dir, 'workspace');
  const extensionsDir = join(dir, 'extensions');
  const userDataDir = join(dir, 'user-data');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(workspace, 'shown_model.py'), SHOWN);
  installStandin(dir, extensionsDir, userDataDir);
  const server = await startCodeServer({ userDataDir, extensionsDir, logFile: join(resultsDir, 'code-server-beside.log') });
  let suiteCode = 1;
  const checks = [];
  const it = (title, fn) => checks.push({ title, fn });
  it('the editor renders ConvLens’s hints, CodeLens and error beside the stand-in’s hints and warnings (test-results/e2e/beside-python-extension.png)', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(45_000);
    try {
      await page.goto(workbenchUrl({ port: server.port, folder: workspace, extensionDevelopmentPath: extensionPath }), { waitUntil: 'domcontentloaded' });
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible' });
      await quickOpen(page, 'shown_model.py');
      // ConvLens: parameters on the constructor line, shape on the forward line, totals over the class; the stand-in: `: standin` after `x`.
      await editorShows(page, '456 params');
      await editorShows(page, '→ 6×12×12');
      await editorShows(page, 'x: standin = self.pool');
      await page.locator('.part.editor .codelens-decoration', { hasText: 'params' }).first().waitFor({ state: 'visible' });
      await page.locator('.part.editor .squiggly-error').first().waitFor({ state: 'attached' });
      await page.locator('.part.editor .squiggly-warning').first().waitFor({ state: 'attached' });
      await page.screenshot({ path: join(resultsDir, 'beside-python-extension.png') });
    } finally {
      await context.close().catch(() => {});
    }
  });
  try {
    suiteCode = await runSuite(server, suitePath, 'beside-python-tests', workspace);
    const ui = await runChecks('Beside another Python extension (the stand-in, in code-server, Playwright)', 'beside', checks);
    return { suiteCode, ...ui };
  } finally {
    await server.stop().catch(() => {});
  }
}
