// End-to-end tests of ConvLens in a real VS Code (code-server 4.100.3 = VS Code 1.100.3), offline.
//   node test/e2e/run.mjs        (from the repo root, after `tsc -p .` and `node scripts/build.mjs`)
//
// 1. Installs code-server and chromium if missing (scripts/install-code-server.sh --with-chromium).
// 2. Starts code-server with fresh temp user-data/extensions dirs; opens a temp copy of
//    test/e2e/workspace/ (or examples/) with the extension loaded in development mode.
// 3. Extension tests: the workbench runs out/test/e2e/suite/index.js (mocha) in the real extension
//    host; its output is relayed here and its exit code (window.codeAutomationExit) is ours.
// 4. UI checks (test/e2e/ui.mjs) driven by Playwright in headless Chromium, printed mocha-style;
//    screenshots go to test-results/e2e/.
// 5. The installed package (test/e2e/package.mjs): convlens.vsix built as `npm run package` does,
//    installed into a fresh code-server, its README page in the Extensions view.
// 6. Beside another Python extension (test/e2e/beside.mjs): a stand-in for Pylance installed,
//    ConvLens's hints and findings in .py files beside the stand-in's (extension-host suite
//    test/e2e/beside/ and a rendered screenshot).
// Exit code: 0 when both parts pass. Everything is bounded by a global deadline.
//
// Environment overrides:
//   CONVLENS_E2E_EXTENSION   extension development path (default: the repo root)
//   CONVLENS_E2E_WORKSPACE   folder copied as the workspace (default: test/e2e/workspace or examples)
//   CONVLENS_E2E_TESTS       extensionTestsPath (default: out/test/e2e/suite/index.js)
//   CONVLENS_E2E_DEADLINE_S  global deadline in seconds, after the install step (default 360)
//   CONVLENS_E2E_KEEP=1      keep the temp dirs
//   CONVLENS_E2E_VERBOSE=1   relay every console message of the page, not only the extension host's
//   CONVLENS_E2E_ONLY=text   only the UI checks whose title has the text (after the workbench's load)
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { format } from 'node:util';
import { chromiumPath, ensureCodeServer, repoRoot, startCodeServer, workbenchUrl } from '../../scripts/code-server.mjs';
import { runUiChecks } from './ui.mjs';
import { runPackageChecks } from './package.mjs';
import { runBesideChecks } from './beside.mjs';

const t0 = Date.now();
const secs = (since = t0) => ((Date.now() - since) / 1000).toFixed(1);
const say = (msg) => console.log(`[e2e +${secs()}s] ${msg}`);

const deadlineS = Number(process.env.CONVLENS_E2E_DEADLINE_S || 360);
const resultsDir = join(repoRoot, 'test-results', 'e2e');
const extensionPath = resolve(process.env.CONVLENS_E2E_EXTENSION || repoRoot);
const testsPath = resolve(process.env.CONVLENS_E2E_TESTS || join(repoRoot, 'out', 'test', 'e2e', 'suite', 'index.js'));
const keep = process.env.CONVLENS_E2E_KEEP === '1';
const verbose = process.env.CONVLENS_E2E_VERBOSE === '1';
const BROWSER_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];

let codeServer = null;
let browser = null;
let tmp = null;
let cleaningUp = null;

async function cleanup() {
  if (cleaningUp) return cleaningUp;
  cleaningUp = (async () => {
    await browser?.close().catch(() => {});
    await codeServer?.stop().catch(() => {});
    if (tmp && !keep) rmSync(tmp, { recursive: true, force: true });
    else if (tmp) say(`kept ${tmp}`);
  })();
  return cleaningUp;
}

async function finish(code, why) {
  if (why) console.error(`[e2e] ${why}`);
  // Bound the cleanup too: it must not keep us past the deadline.
  await Promise.race([cleanup(), new Promise((r) => setTimeout(r, 15_000).unref())]);
  say(`done, exit ${code}`);
  process.exit(code);
}

/** A failure of the harness itself, reported the way mocha reports one, so the runner counts it. */
function fail(why) {
  console.log(`\n  0 passing\n  1 failing\n\n  1) e2e harness: ${why}\n`);
  return finish(1);
}

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => finish(130, `${sig} received`));
process.on('unhandledRejection', (e) => finish(1, `unhandled rejection: ${e?.stack || e}`));

/** Every file below dir, relative, skipping dot folders and node_modules. */
function listFiles(dir, base = dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p, base));
    else out.push(relative(base, p));
  }
  return out.sort();
}

/**
 * A page console message as { level, text }. The workbench's log service writes
 * console.log('%c INFO', css, format, ...args); the extension host's console output (mocha's
 * reporter included) arrives that way too while extension tests run. Formats it like Node would.
 */
async function consoleEntry(msg) {
  let level = msg.type();
  let text = msg.text();
  if (!text.includes('%')) return { level, text };
  try {
    const args = await Promise.all(msg.args().map((a) => a.jsonValue().catch(() => '[unserializable]')));
    const m = typeof args[0] === 'string' && /^%c\s*(TRACE|DEBUG|INFO|WARN|ERR)$/.exec(args[0].trim());
    if (m) {
      level = m[1].toLowerCase();
      text = args.length > 2 ? format(...args.slice(2)) : '';
    } else {
      text = format(...args);
    }
  } catch {
    text = text.replace(/%c/g, '');
  }
  return { level, text };
}

/** Workbench chatter that is expected offline (gallery, telemetry, connection set-up). */
const NOISE = /open-vsx\.org|ENOTFOUND|ERR_NAME_NOT_RESOLVED|Failed to load resource|marketplace|gallery|Resolving connection token|Resolved connection token|Creating a socket|\[Service Worker\]|builtin extensions cache|ChatSessionStore|same-origin iframe|allow-same-origin|Long running operations during shutdown|customBuiltinExtensionsCache|User\/extensions\.json|Overwriting extension <</;

async function main() {
  // --- prerequisites -------------------------------------------------------------------------
  let t = Date.now();
  ensureCodeServer({ chromium: true });
  say(`code-server and chromium ready (${secs(t)} s)`);
  const { chromium } = await import('playwright-core');
  // The global deadline counts from here: the install above has its own bound (10 min), as it
  // depends on the registries' speed on a fresh machine.
  const runStart = Date.now();
  setTimeout(() => fail(`global deadline of ${deadlineS} s exceeded`), deadlineS * 1000); // ref'd: keeps us alive until it fires

  if (!existsSync(join(extensionPath, 'package.json'))) return fail(`no extension at ${extensionPath}`);
  if (!existsSync(testsPath)) return fail(`no extension tests at ${testsPath}: run \`npx tsc -p .\` first`);
  let pkg = {};
  try {
    pkg = JSON.parse(readFileSync(join(extensionPath, 'package.json'), 'utf8'));
  } catch (err) {
    return fail(`cannot read ${join(extensionPath, 'package.json')}: ${err.message}`);
  }
  const mainFile = pkg.main ? resolve(extensionPath, pkg.main) : null;
  // The status bar names a language by its first alias, else its id.
  const cnnLanguage = (pkg.contributes?.languages ?? []).find((l) => l.id === 'cnn-yaml');
  const languageName = cnnLanguage ? (cnnLanguage.aliases?.[0] ?? 'cnn-yaml') : null;
  if (mainFile && !existsSync(mainFile) && !existsSync(mainFile + '.js')) {
    return fail(`the extension's main ${relative(repoRoot, mainFile)} does not exist: run \`node scripts/build.mjs\` first`);
  }
  const wsSource = [process.env.CONVLENS_E2E_WORKSPACE, join(repoRoot, 'test', 'e2e', 'workspace'), join(repoRoot, 'examples')]
    .filter(Boolean)
    .map((p) => resolve(p))
    .find((p) => existsSync(p));
  if (!wsSource) return fail('no workspace: neither test/e2e/workspace/ nor examples/ exists');

  tmp = mkdtempSync(join(tmpdir(), 'convlens-e2e-'));
  const workspace = join(tmp, 'workspace');
  cpSync(wsSource, workspace, { recursive: true });
  const files = listFiles(workspace);
  const cnnFile = files.find((f) => /\.cnn\.ya?ml$/.test(f));
  say(`extension ${extensionPath}`);
  say(`workspace ${workspace} (copy of ${wsSource}, ${files.length} files)`);
  mkdirSync(resultsDir, { recursive: true });

  // --- code-server + chromium ---------------------------------------------------------------
  t = Date.now();
  codeServer = await startCodeServer({
    userDataDir: join(tmp, 'user-data'),
    extensionsDir: join(tmp, 'extensions'),
    logFile: join(resultsDir, 'code-server.log'),
    // Sizes for ONNX models' dynamic dimensions by name (ui.mjs opens one exported with dynamic height and width).
    settings: { 'convlens.onnx.inputShape': 'height=24, width=24' },
    timeoutMs: 60_000,
  });
  say(`code-server healthy at ${codeServer.url} (pid ${codeServer.pid}, ${secs(t)} s)`);

  t = Date.now();
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: BROWSER_ARGS, timeout: 60_000 });
  say(`chromium ${browser.version()} up (${secs(t)} s)`);

  // --- a. extension tests in the extension host -------------------------------------------------
  const runSuite = async (server, suitePath, label, folder = workspace) => {
    t = Date.now();
    const testTimeoutMs = Math.max(30_000, deadlineS * 1000 - (Date.now() - runStart) - 90_000);
    const testsUrl = workbenchUrl({ port: server.port, folder, extensionDevelopmentPath: extensionPath, extensionTestsPath: suitePath });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const pageLog = [];
    let sawFailingLine = false;
    let resolveExit;
    const exitCode = new Promise((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code) || 0));
    // Console messages are formatted asynchronously; a queue keeps them in order.
    let consoleQueue = Promise.resolve();
    page.on('console', (msg) => {
      consoleQueue = consoleQueue.then(async () => {
        const { level, text } = await consoleEntry(msg);
        pageLog.push(`[${level}] ${text}`);
        const firstLine = text.split('\n')[0];
        if (verbose) console.log(`  (page ${level}) ${text}`);
        else if (NOISE.test(text)) return;
        else if (level === 'info' || level === 'log') {
          console.log(text); // mocha's reporter lands here
          if (/^\s*\d+ failing/m.test(text)) sawFailingLine = true;
        } else if (level === 'err' || level === 'error' || level === 'warn' || level === 'warning') console.log(`  (workbench ${level}) ${firstLine}`);
      });
    });
    page.on('pageerror', (err) => pageLog.push(`[pageerror] ${err.stack || err}`));
    page.on('crash', () => resolveExit(1));
    say(`running ${label} in the extension host`);
    await page.goto(testsUrl, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    let timer;
    const testsCode = await Promise.race([
      exitCode,
      new Promise((r) => (timer = setTimeout(() => r('timeout'), testTimeoutMs))),
    ]);
    clearTimeout(timer);
    await Promise.race([consoleQueue, new Promise((r) => setTimeout(r, 5_000))]);
    writeFileSync(join(resultsDir, `console-${label}.log`), pageLog.join('\n') + '\n');
    await page.screenshot({ path: join(resultsDir, `${label}.png`) }).catch(() => {});
    await context.close().catch(() => {});
    let extCode;
    if (testsCode === 'timeout') {
      console.log(`\n  0 passing\n  1 failing\n\n  1) ${label}: no exit code within ${testTimeoutMs / 1000} s (see test-results/e2e/console-${label}.log)`);
      extCode = 1;
    } else {
      extCode = testsCode;
      if (extCode !== 0 && !sawFailingLine) {
        // The suite did not run to a mocha summary (it failed to load, or run() threw): count it.
        console.log(`\n  0 passing\n  1 failing\n\n  1) ${label}: exit code ${extCode} without a mocha summary (see test-results/e2e/console-${label}.log)\n`);
      }
    }
    say(`${label} exit code ${extCode} (${secs(t)} s)`);
    return extCode;
  };
  // CONVLENS_E2E_ONLY (ui.mjs): only those UI checks; the extension tests and the package are not run.
  const only = process.env.CONVLENS_E2E_ONLY;
  const extCode = only ? 0 : await runSuite(codeServer, testsPath, 'extension-tests');

  // --- a2. the same extension in Restricted Mode (an untrusted workspace) ---------------------
  // A second code-server with workspace trust on and no prompt: the folder opens untrusted.
  t = Date.now();
  const restricted = only ? null : await startCodeServer({
    userDataDir: join(tmp, 'user-data-restricted'),
    extensionsDir: join(tmp, 'extensions-restricted'),
    logFile: join(resultsDir, 'code-server-restricted.log'),
    workspaceTrust: true,
    settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.emptyWindow': false, 'security.workspace.trust.untrustedFiles': 'open' },
    timeoutMs: 60_000,
  });
  const restrictedCode = restricted ? await runSuite(restricted, join(dirname(testsPath), '..', 'restricted', 'index.js'), 'restricted-mode-tests') : 0;
  await restricted?.stop();

  // --- a3. beside another Python extension (a stand-in for Pylance) ----------------------------
  t = Date.now();
  const beside = await runBesideChecks({ browser, tmp, extensionPath, resultsDir, runSuite, suitePath: join(dirname(testsPath), '..', 'beside', 'index.js') });
  say(`beside another Python extension: suite exit code ${beside.suiteCode}, UI ${beside.passed} passing, ${beside.failed} failing (${secs(t)} s)`);

  // --- b. UI checks with Playwright -------------------------------------------------------------
  t = Date.now();
  const uiUrl = workbenchUrl({ port: codeServer.port, folder: workspace, extensionDevelopmentPath: extensionPath });
  const uiContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const uiPage = await uiContext.newPage();
  const uiLog = [];
  uiPage.on('console', async (msg) => { const { level, text } = await consoleEntry(msg); uiLog.push(`[${level}] ${text}`); });
  uiPage.on('pageerror', (err) => uiLog.push(`[pageerror] ${err.stack || err}`));
  const ui = await runUiChecks({ page: uiPage, url: uiUrl, workspace, cnnFile, languageName, resultsDir });
  writeFileSync(join(resultsDir, 'console-ui.log'), uiLog.join('\n') + '\n');
  await uiContext.close().catch(() => {});
  say(`UI checks: ${ui.passed} passing, ${ui.failed} failing (${secs(t)} s)`);

  // --- c. the installed package (convlens.vsix, not development mode) ---------------------------
  t = Date.now();
  const installed = only ? { passed: 0, failed: 0 } : await runPackageChecks({ browser, tmp, workspace, resultsDir });
  say(`package checks: ${installed.passed} passing, ${installed.failed} failing (${secs(t)} s)`);

  return finish(extCode !== 0 || restrictedCode !== 0 || beside.suiteCode !== 0 || beside.failed > 0 || ui.failed > 0 || installed.failed > 0 ? 1 : 0);
}

main().catch((err) => {
  console.error(err?.stack || String(err));
  fail(err?.message || String(err));
});
