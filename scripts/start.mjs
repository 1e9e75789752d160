// `npm start`: ConvLens in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) in your browser.
//   node scripts/start.mjs [--watch] [--folder DIR]
// Installs code-server into .tools/ if needed, builds dist/, starts code-server on 127.0.0.1
// ($PORT or 8080, else a free port) with this repository loaded as the extension under
// development and examples/ opened, prints the URL, and runs until Ctrl+C.
//   --watch        also rebuild dist/ on change (then run "Developer: Reload Window" in VS Code)
//   --folder DIR   open DIR instead of examples/
// User data and extensions persist in .tools/dev/ between starts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureCodeServer, isPortFree, repoRoot, startCodeServer, workbenchUrl } from './code-server.mjs';

const argv = process.argv.slice(2);
const watch = argv.includes('--watch');
const folderArg = argv.includes('--folder') ? argv[argv.indexOf('--folder') + 1] : null;
// npm runs scripts in the repository; INIT_CWD is where `npm start -- --folder DIR` was typed.
const folder = folderArg ? resolve(process.env.INIT_CWD ?? process.cwd(), folderArg) : join(repoRoot, 'examples');
if (argv.includes('--folder') && (!folderArg || !existsSync(folder))) {
  console.error(`start: --folder needs an existing folder${folderArg ? `; ${folder} does not exist` : ''}`);
  process.exit(2);
}
const host = '127.0.0.1';
const say = (msg) => console.log(`start: ${msg}`);

ensureCodeServer();

say('building dist/ (node scripts/build.mjs)');
const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
if (build.status !== 0) {
  console.error(`start: build failed (exit ${build.status ?? build.signal})`);
  process.exit(1);
}
if (!existsSync(join(repoRoot, 'dist', 'client.js'))) say('warning: dist/client.js is missing; the extension will not activate');

const wanted = Number(process.env.PORT) || 8080;
const port = (await isPortFree(wanted, host)) ? wanted : undefined;
if (!port) say(`port ${wanted} is taken; using a free one`);

const dev = join(repoRoot, '.tools', 'dev');
const cs = await startCodeServer({
  port,
  host,
  userDataDir: join(dev, 'user-data'),
  extensionsDir: join(dev, 'extensions'),
  logFile: join(dev, 'code-server.log'),
});

let watcher = null;
if (watch) {
  watcher = spawn(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), '--watch'], { cwd: repoRoot, stdio: 'inherit' });
}

const url = workbenchUrl({ port: cs.port, host, folder, extensionDevelopmentPath: repoRoot });
console.log('');
say(`code-server ${cs.url} (pid ${cs.pid}; log .tools/dev/code-server.log)`);
say(`extension under development: ${repoRoot}`);
say(`workspace: ${folder}`);
console.log(`\n  Open: ${url}\n`);
say('Ctrl+C to stop');

let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  say('stopping');
  watcher?.kill('SIGTERM');
  await cs.stop();
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
process.on('SIGHUP', () => shutdown(0));
cs.child.once('exit', (code, signal) => {
  if (stopping) return;
  console.error(`start: code-server exited (${code ?? signal}); see .tools/dev/code-server.log`);
  shutdown(code || 1);
});
