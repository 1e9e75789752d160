// Runs code-server (= VS Code 1.100.3: workbench in the browser, a real Node extension host) on
// 127.0.0.1, for `npm start` (scripts/start.mjs) and the end-to-end tests (test/e2e/run.mjs).
//
//   import { ensureCodeServer, startCodeServer, workbenchUrl } from './code-server.mjs';
//   ensureCodeServer();                        // runs scripts/install-code-server.sh if needed
//   const cs = await startCodeServer({ userDataDir, extensionsDir, settings: {...} });
//   const url = workbenchUrl({ port: cs.port, folder, extensionDevelopmentPath });
//   ...
//   await cs.stop();
//
// See /work/shared/notes/vscode-e2e.md (flags, settings, payload URL).
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const codeServerVersion = process.env.CODE_SERVER_VERSION || '4.100.3';
export const codeServerPrefix = join(repoRoot, '.tools', 'code-server');
export const codeServerBin = join(codeServerPrefix, 'node_modules', '.bin', 'code-server');
export const installScript = join(repoRoot, 'scripts', 'install-code-server.sh');
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** User settings from the notes: quiet, offline, no trust prompt, inlay hints always on. */
export const defaultSettings = {
  'workbench.startupEditor': 'none',
  'editor.inlayHints.enabled': 'on',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
};

/** The installed code-server version, or null. */
export function installedVersion() {
  const pkg = join(codeServerPrefix, 'node_modules', 'code-server', 'package.json');
  if (!existsSync(codeServerBin) || !existsSync(pkg)) return null;
  try {
    return JSON.parse(readFileSync(pkg, 'utf8')).version ?? null;
  } catch {
    return null;
  }
}

/**
 * Installs code-server (and with `chromium: true` Debian's chromium) through
 * scripts/install-code-server.sh when missing. Synchronous and bounded by timeoutMs (default
 * 10 min: a fresh machine also runs apt-get); the script prints what it does.
 */
export function ensureCodeServer({ chromium = false, timeoutMs = 600_000 } = {}) {
  const need = installedVersion() !== codeServerVersion || (chromium && !existsSync(chromiumPath));
  if (!need) return;
  const args = [installScript, ...(chromium ? ['--with-chromium'] : [])];
  const r = spawnSync('bash', args, { cwd: repoRoot, stdio: 'inherit', timeout: timeoutMs, killSignal: 'SIGKILL' });
  if (r.error?.code === 'ETIMEDOUT') throw new Error(`${installScript} did not finish within ${timeoutMs / 1000} s`);
  if (r.status !== 0) throw new Error(`${installScript} failed (exit ${r.status ?? r.signal})`);
  if (installedVersion() !== codeServerVersion) throw new Error(`code-server ${codeServerVersion} is still not installed at ${codeServerBin}`);
}

/** True when nothing listens on host:port. */
export function isPortFree(port, host = '127.0.0.1') {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, host, () => srv.close(() => res(true)));
  });
}

/** A port the OS says is free right now. */
export function freePort(host = '127.0.0.1') {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** Writes <userDataDir>/User/settings.json: defaults, then what is already there, then `settings`. */
export function writeUserSettings(userDataDir, settings = {}) {
  const file = join(userDataDir, 'User', 'settings.json');
  mkdirSync(dirname(file), { recursive: true });
  let existing = {};
  if (existsSync(file)) {
    try {
      existing = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      existing = {};
    }
  }
  writeFileSync(file, JSON.stringify({ ...defaultSettings, ...existing, ...settings }, null, 2) + '\n');
  return file;
}

const live = new Set();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort: whatever way this process ends, no code-server (nor its extension hosts) survives it.
  process.on('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
}

function killGroup(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the whole process group: code-server, its wrapper, extension hosts
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Starts code-server on host:port and resolves once GET /healthz answers.
 * @param {object} o
 * @param {number} [o.port]          default: a free port
 * @param {string} [o.host]          default 127.0.0.1
 * @param {string} o.userDataDir     VS Code user data (settings.json is written into User/)
 * @param {string} o.extensionsDir   installed extensions
 * @param {object} [o.settings]      extra user settings
 * @param {boolean} [o.workspaceTrust] keep workspace trust on (to test Restricted Mode)
 * @param {string} [o.logFile]       append code-server's stdout/stderr there
 * @param {boolean} [o.echo]         also echo its output to this process's stderr
 * @param {number} [o.timeoutMs]     bound on the wait for /healthz (default 60 s)
 * @returns {Promise<{url: string, port: number, host: string, pid: number, child: import('node:child_process').ChildProcess, output: () => string, stop: () => Promise<void>}>}
 */
export async function startCodeServer({ port, host = '127.0.0.1', userDataDir, extensionsDir, settings = {}, logFile, echo = false, timeoutMs = 60_000, workspaceTrust = false } = {}) {
  if (!userDataDir || !extensionsDir) throw new Error('startCodeServer: userDataDir and extensionsDir are required');
  if (!existsSync(codeServerBin)) throw new Error(`code-server is not installed (${codeServerBin}); run bash scripts/install-code-server.sh`);
  port = port || (await freePort(host));
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir, settings);
  // A config file of its own, so code-server neither reads nor writes ~/.config/code-server.
  const configFile = join(userDataDir, 'code-server-config.yaml');
  writeFileSync(configFile, 'auth: none\n');

  const args = [
    '--config', configFile,
    '--bind-addr', `${host}:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
  const env = { ...process.env };
  delete env.PORT; // code-server lets $PORT override --bind-addr's port
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  delete env.VSCODE_IPC_HOOK_CLI;
  const child = spawn(codeServerBin, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  live.add(child);
  installExitHook();

  let output = '';
  const log = logFile ? (mkdirSync(dirname(logFile), { recursive: true }), createWriteStream(logFile, { flags: 'a' })) : null;
  const onData = (d) => {
    const s = d.toString();
    output = (output + s).slice(-64_000);
    log?.write(s);
    if (echo) process.stderr.write(s);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((res) => child.once('exit', (code, signal) => { live.delete(child); res({ code, signal }); }));
  let spawnError = null;
  child.once('error', (e) => { spawnError = e; });

  const url = `http://${host}:${port}/`;
  const stop = async (graceMs = 5_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      killGroup(child, 'SIGTERM');
      const t = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
    }
    // Extension hosts and other children of the group may outlive the leader: end them too.
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* none left */ }
    live.delete(child);
    await new Promise((res) => (log ? log.end(res) : res()));
  };

  const deadline = Date.now() + timeoutMs;
  let exitedEarly = null;
  exited.then((e) => { exitedEarly = e; });
  for (;;) {
    if (spawnError) { await stop(); throw new Error(`code-server did not start: ${spawnError.message}`); }
    if (exitedEarly) throw new Error(`code-server exited (${exitedEarly.code ?? exitedEarly.signal}) before it was healthy:\n${output}`);
    try {
      const res = await fetch(new URL('healthz', url), { signal: AbortSignal.timeout(2_000) });
      if (res.ok) {
        const body = await res.json().catch(() => ({}));
        if (!body.status || body.status === 'alive' || body.status === 'expired') break;
      }
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer ${url}healthz within ${timeoutMs} ms:\n${output}`);
    }
    await Promise.race([new Promise((r) => setTimeout(r, 100)), exited]); // poll interval, cut short by an exit
  }
  return { url, port, host, pid: child.pid, child, output: () => output, stop };
}

/** A path as a vscode-remote URI of this code-server (the authority is host:port, as the page sees it). */
export function remoteUri({ host = '127.0.0.1', port, path }) {
  const abs = resolve(path).split('/').map(encodeURIComponent).join('/');
  return `vscode-remote://${host}:${port}${abs}`;
}

/**
 * The workbench URL that opens `folder` with the extension at `extensionDevelopmentPath` loaded as an
 * Extension Development Host, and, with `extensionTestsPath`, runs those tests in its extension host.
 */
export function workbenchUrl({ port, host = '127.0.0.1', folder, extensionDevelopmentPath, extensionTestsPath }) {
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remoteUri({ host, port, path: extensionDevelopmentPath })]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remoteUri({ host, port, path: extensionTestsPath })]);
  const q = [];
  if (folder) q.push(`folder=${encodeURIComponent(resolve(folder))}`);
  if (payload.length) q.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `http://${host}:${port}/${q.length ? '?' + q.join('&') : ''}`;
}
