// Typing in a large Python file: is the language server's main thread free while it analyses?
//   node bench/python-typing.bench.mjs [--keystrokes 60] [--rounds 20] [--lines 5000]
// (run `node scripts/build.mjs` first; `npm run bench` does both).
//
// The file: 5,000 lines, one nn.Module model (the hand-written ResNet-50 of
// test/fixtures/pytorch/models/resnet_blocks.py) and the rest data helpers, training loops and
// module-level constants (bench/networks.mjs bigPythonModule). A small cnn-yaml file is open too.
// The built server (dist/server.js --stdio) runs twice: analyses in its worker thread (the
// default), and on its main thread (initializationOptions.analysis.worker = false, as before).
//
// 1. Typing: keystrokes 60 to 180 ms apart (GAPS: hesitations just past the 100 ms debounce, so
//    an analysis starts and the next key lands in it); after each keystroke a completion request
//    in the big file and a hover in the small file, as an editor sends them. Reported:
//    didChange → response.
// 2. A request during an analysis: the big file changes (debounce 0), 15 ms later a hover in the
//    small file. Reported: its latency, and whether it came before the big file's diagnostics.
// 3. The analysis itself: its time as the server reports it (`convlens/analysed`: engine + lint
//    rules), and didChange → inlayHint response (the hints wait for the new version's analysis).
import { readFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bigPythonModule } from './networks.mjs';
import { requireBuiltServer, startServer } from './lspServer.mjs';
import { fmt, numberArg, pct } from './stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const KEYSTROKES = numberArg('--keystrokes', 60);
const ROUNDS = numberArg('--rounds', 20);
const LINES = numberArg('--lines', 5000);
requireBuiltServer('python-typing.bench');
const stats = (xs) => `p50 ${fmt(pct(xs, 50))}  p95 ${fmt(pct(xs, 95))}  max ${fmt(Math.max(...xs))}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const model = readFileSync(join(root, 'test/fixtures/pytorch/models/resnet_blocks.py'), 'utf8');
const big = bigPythonModule(model, LINES);
const small = 'input: [3, 32, 32]\nlayers:\n  - conv: {out: 16, kernel: 3, padding: 1}\n  - relu\n';
const bigUri = 'file:///bench/train_resnet.py';
const smallUri = 'file:///bench/small.cnn.yaml';
const smallHover = { textDocument: { uri: smallUri }, position: { line: 2, character: 5 } };

function start(initializationOptions) {
  const server = startServer();
  const { conn } = server;
  const on = (method) => {
    const waiters = [];
    const seen = [];
    conn.onNotification(method, (p) => {
      const at = performance.now();
      seen.push({ at, p });
      for (const w of [...waiters]) if (w.ok(p)) waiters.splice(waiters.indexOf(w), 1) && w.resolve({ at, p });
    });
    return { seen, next: (ok) => new Promise((resolve) => waiters.push({ ok, resolve })) };
  };
  const diagnostics = on('textDocument/publishDiagnostics');
  const analysed = on('convlens/analysed');
  conn.onNotification('window/logMessage', () => {});
  return { ...server, diagnostics, analysed, init: () => server.init(initializationOptions) };
}

/** Milliseconds between keystrokes: a typist's rhythm, with hesitations just past the 100 ms debounce (an analysis starts, the next key lands in it). */
const GAPS = [60, 60, 150, 60, 120, 60, 180, 60, 60, 130];

/** Where keystrokes go: the end of a docstring line in the middle of the file's other code. */
const typingLine = big.split('\n').findIndex((l, i) => i > LINES / 2 && l.includes('"""Reads batch'));

async function run(label, analysis) {
  const s = start({ settings: { debounceMs: 100 }, analysis });
  await s.init();
  let version = 1;
  const firstBig = s.diagnostics.next((p) => p.uri === bigUri);
  await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: smallUri, languageId: 'cnn-yaml', version: 1, text: small } });
  await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: bigUri, languageId: 'python', version, text: big } });
  await firstBig;
  let col = big.split('\n')[typingLine].length;
  const type = async (ch) => {
    version++;
    await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: bigUri, version }, contentChanges: [{ range: { start: { line: typingLine, character: col }, end: { line: typingLine, character: col } }, text: ch }] });
    col += ch.length;
  };

  // 1. Typing.
  const completionMs = [];
  const hoverMs = [];
  for (let k = 0; k < KEYSTROKES; k++) {
    const t0 = performance.now();
    await type('x');
    const completion = s.conn.sendRequest('textDocument/completion', { textDocument: { uri: bigUri }, position: { line: typingLine, character: col } }).then(() => completionMs.push(performance.now() - t0));
    const hover = s.conn.sendRequest('textDocument/hover', smallHover).then(() => hoverMs.push(performance.now() - t0));
    await Promise.all([completion, hover]);
    await sleep(GAPS[k % GAPS.length]);
  }

  // 2. A hover while the big file is analysed (no debounce: each change starts an analysis at
  //    once; the hover goes 15 ms after the change, when the analysis, ~50 ms, is under way).
  await s.conn.sendNotification('workspace/didChangeConfiguration', { settings: { convlens: { debounceMs: 0 } } });
  const duringMs = [];
  let beforeDiagnostics = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const v = version + 1;
    const published = s.diagnostics.next((p) => p.uri === bigUri && p.version === v);
    await type('y');
    await sleep(15);
    const t0 = performance.now();
    await s.conn.sendRequest('textDocument/hover', smallHover);
    const t1 = performance.now();
    duringMs.push(t1 - t0);
    const { at } = await published;
    if (t1 < at) beforeDiagnostics++;
  }

  // 3. The analysis after a keystroke, and fresh hints.
  const hintMs = [];
  const analysisMs = [];
  for (let r = 0; r < ROUNDS; r++) {
    const v = version + 1;
    const done = s.analysed.next((p) => p.uri === bigUri && p.version === v);
    const t0 = performance.now();
    await type('z');
    await s.conn.sendRequest('textDocument/inlayHint', { textDocument: { uri: bigUri }, range: { start: { line: 70, character: 0 }, end: { line: 130, character: 0 } } });
    hintMs.push(performance.now() - t0);
    analysisMs.push((await done).p.ms);
  }
  const { analyser } = await s.conn.sendRequest('convlens/memory', {});
  await s.stop();
  console.log(label);
  console.log(`  typing (${KEYSTROKES} keystrokes): didChange → completion in the big file  ${stats(completionMs)}`);
  console.log(`                                didChange → hover in the small file    ${stats(hoverMs)}`);
  console.log(`  hover in the small file while the big one is analysed               ${stats(duringMs)}  (${beforeDiagnostics}/${ROUNDS} answered before the big file's diagnostics)`);
  console.log(`  analysis of the big file after a keystroke (engine + rules)         ${stats(analysisMs)}`);
  console.log(`  didChange → inlayHint response (waits for that analysis)            ${stats(hintMs)}`);
  console.log(`  analyser: ${JSON.stringify(analyser)}`);
}

console.log(`Typing in a ${big.split('\n').length.toLocaleString('en-US')}-line Python file (${(big.length / 1024).toFixed(0)} KB, one ResNet-50 nn.Module), node ${process.version}, load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
await run('analysis in the worker thread (default):', {});
await run('analysis on the main thread (analysis.worker = false, the previous behaviour):', { worker: false });
