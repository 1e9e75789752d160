// Runs every layer of ConvLens's tests and ends with one summary line.
//   npm test                 all layers
//   npm test -- unit protocol  only the named layers
// Layers: unit (engine, rules, kernels), protocol (LSP over stdio), cli (the built `convlens`
// through real pipes), browser (webview in headless Chromium), e2e (real VS Code = code-server). Each layer prints mocha's output; the
// counts are read from mocha's "N passing / N failing / N pending" lines.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mocha = join(root, 'node_modules', '.bin', 'mocha');

const layers = [
  { name: 'unit', dir: 'test/unit', cmd: [mocha, '--timeout', '20000', 'out/test/unit/**/*.test.js'] },
  { name: 'protocol', dir: 'test/protocol', cmd: [mocha, '--timeout', '30000', 'out/test/protocol/**/*.test.js'] },
  { name: 'cli', dir: 'test/cli', cmd: [mocha, '--timeout', '30000', 'out/test/cli/**/*.test.js'] },
  { name: 'browser', dir: 'test/browser', cmd: [mocha, '--timeout', '60000', 'out/test/browser/**/*.test.js'] },
  { name: 'e2e', dir: 'test/e2e', cmd: ['node', 'test/e2e/run.mjs'] },
];

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = layers.filter((l) => (wanted.length ? wanted.includes(l.name) : true) && existsSync(join(root, l.dir)));

function run(cmd, { capture = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd[0], cmd.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let out = '';
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
    child.on('error', (err) => resolve({ code: 1, out: String(err) }));
  });
}

const count = (out, word) => [...out.matchAll(new RegExp(`^\\s*(\\d+) ${word}`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);

const start = Date.now();
const rows = [];
let failedSteps = 0;
for (const step of [['npx', 'tsc', '-p', '.'], ['node', 'scripts/build.mjs']]) {
  console.log(`\n== ${step.join(' ')}`);
  const { code } = await run(step);
  if (code !== 0) { failedSteps++; console.error(`!! ${step.join(' ')} failed (exit ${code})`); }
}
// Browser and e2e layers need Debian's chromium (and code-server, installed by the e2e runner).
if (selected.some((l) => l.name === 'browser' || l.name === 'e2e') && !existsSync('/usr/bin/chromium')) {
  console.log('\n== installing chromium');
  const { code } = await run(['bash', 'scripts/install-code-server.sh', '--with-chromium']);
  if (code !== 0) failedSteps++;
}
if (failedSteps === 0) {
  for (const layer of selected) {
    console.log(`\n== ${layer.name} tests`);
    const t0 = Date.now();
    const { code, out } = await run(layer.cmd);
    const passed = count(out, 'passing');
    const failed = count(out, 'failing');
    const pending = count(out, 'pending');
    // A layer that exits non-zero without a failing test (crash, harness error) counts as one failure.
    const extra = code !== 0 && failed === 0 ? 1 : 0;
    rows.push({ layer: layer.name, passed, failed: failed + extra, pending, seconds: (Date.now() - t0) / 1000 });
  }
}

console.log('\n== summary');
for (const r of rows) console.log(`${r.layer.padEnd(9)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${String(r.pending).padStart(3)} skipped  ${r.seconds.toFixed(1)} s`);
const passed = rows.reduce((n, r) => n + r.passed, 0);
const failed = rows.reduce((n, r) => n + r.failed, 0) + failedSteps;
const skipped = rows.reduce((n, r) => n + r.pending, 0);
console.log(`total time ${((Date.now() - start) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
