// The package a user installs, in a real VS Code: `npm run package`'s convlens.vsix installed
// into a fresh code-server (not development mode), and its page in the Extensions view — offline —
// shows the README's pictures and no link that does nothing. Called by test/e2e/run.mjs; prints
// mocha-style lines like ui.mjs.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { codeServerBin, repoRoot, startCodeServer, workbenchUrl } from '../../scripts/code-server.mjs';
import { runChecks } from './checks.mjs';

/**
 * @param {{ browser: import('playwright-core').Browser, tmp: string, workspace: string, resultsDir: string }} o
 * @returns {Promise<{ passed: number, failed: number }>}
 */
export async function runPackageChecks({ browser, tmp, workspace, resultsDir }) {
  const dir = join(tmp, 'package');
  const vsix = join(dir, 'convlens.vsix');
  const extensionsDir = join(dir, 'extensions');
  const userDataDir = join(dir, 'user-data');
  mkdirSync(extensionsDir, { recursive: true });
  const checks = [];
  const it = (title, fn) => checks.push({ title, fn });
  let server = null;

  it('npm run package’s convlens.vsix installs into a fresh VS Code', async () => {
    // As `npm run package` does, after the build run.mjs's caller made.
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'package-readme.mjs')], { cwd: repoRoot, stdio: 'pipe' });
    execFileSync(process.execPath, [join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--no-rewrite-relative-links', '--readme-path', 'dist/README.md', '-o', vsix], { cwd: repoRoot, stdio: 'pipe' });
    const out = execFileSync(codeServerBin, ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix], { encoding: 'utf8', stdio: 'pipe' });
    if (!/successfully installed/.test(out)) throw new Error(`code-server --install-extension said: ${out}`);
  });

  it('its page in the Extensions view shows the README’s three pictures offline and no dead link (test-results/e2e/extension-readme.png)', async () => {
    server = await startCodeServer({ userDataDir, extensionsDir, logFile: join(resultsDir, 'code-server-package.log') });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(45_000);
    await page.goto(workbenchUrl({ port: server.port, folder: workspace }), { waitUntil: 'domcontentloaded' });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible' });
    await page.locator('.activitybar .action-item a[aria-label^="Extensions"]').first().click();
    await page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'ConvLens' }).first().click();
    const readme = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await readme.locator('h1', { hasText: 'ConvLens' }).first().waitFor({ state: 'attached' });
    // Every picture decoded (a src the view drops leaves an empty <img> or none).
    await readme.locator('img').nth(2).waitFor({ state: 'attached' });
    const images = await readme.locator('img').evaluateAll((imgs) => imgs.map((i) => ({ width: i.naturalWidth, done: i.complete, src: (i.getAttribute('src') ?? '').slice(0, 22) })));
    const broken = images.filter((i) => !i.done || i.width === 0);
    if (images.length !== 3 || broken.length) throw new Error(`README images: ${JSON.stringify(images)}`);
    const links = await readme.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    const dead = links.filter((h) => !/^(https?:|mailto:|#)/.test(h));
    if (dead.length) throw new Error(`links that do nothing in the Extensions view: ${dead.join(', ')}`);
    await readme.locator('img').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(resultsDir, 'extension-readme.png') });
    await context.close();
  });

  try {
    return await runChecks('The installed package (convlens.vsix in code-server, Playwright)', 'package', checks);
  } finally {
    await server?.stop().catch(() => {});
  }
}
