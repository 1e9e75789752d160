// Language-server benchmark: the built server (dist/server.js --stdio) on a generated 2,000-layer
// flat network, driven over real LSP like an editor does.
//   node --expose-gc bench/lsp.bench.mjs [--edits 200] [--memory-edits 10000]
// (run `node scripts/build.mjs` first; `npm run bench` does both).
//
// 1. Latency, 200 edits, one at a time: each edit changes one `out:` value (an incremental
//    didChange), then asks for the inlay hints of the visible range (60 lines around the edit)
//    at once and waits for the diagnostics of that version. Reported: didChange → inlayHint
//    response, and didChange → publishDiagnostics, p50/p95/max. Diagnostics are debounced
//    (convlens.debounceMs, default 100 ms), so the second figure is also given with debounce 0,
//    which is the analysis + lint cost alone.
// 2. Memory across 10,000 edits (typing bursts: hints requested every 25 edits, diagnostics
//    awaited every 100): the server's RSS and heap after a GC (`convlens/memory` request, the
//    server runs with --expose-gc) every 1,000 edits.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { flatNetwork } from './networks.mjs';
import { requireBuiltServer, startServer } from './lspServer.mjs';
import { fmt, numberArg, pct } from './stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const EDITS = numberArg('--edits', 200);
const MEMORY_EDITS = numberArg('--memory-edits', 10_000);
const N = 2000;

requireBuiltServer('lsp.bench');


const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MB`;

function start(settings) {
  const server = startServer(['--expose-gc']);
  const { conn } = server;
  const waiters = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    const now = performance.now();
    for (const w of [...waiters]) {
      if ((p.version ?? -1) >= w.version) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve({ at: now, params: p });
      }
    }
  });
  conn.onNotification('convlens/analysed', () => {});
  conn.onNotification('window/logMessage', (m) => console.error(`server: ${m.message}`));
  const diagnostics = (version) => new Promise((resolve) => waiters.push({ version, resolve }));
  return { ...server, diagnostics, init: () => server.init({ settings }) };
}

/** Deterministic choice of the line to edit. */
function* lineChooser(seed, lines) {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    yield lines[x % lines.length];
  }
}

async function latency(settings, label) {
  const s = start(settings);
  await s.init();
  let text = flatNetwork(N);
  const uri = pathToFileURL(join(root, 'flat-2000.cnn.yaml')).toString();
  let version = 1;
  await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'cnn-yaml', version, text } });
  await s.diagnostics(1);
  const lines = text.split('\n');
  const convLines = lines.map((l, i) => (l.includes('conv: {out: ') ? i : -1)).filter((i) => i >= 0);
  const pick = lineChooser(7, convLines);
  const hintMs = [];
  const diagMs = [];
  let hintsSeen = 0;
  // Warm-up: a few edits not counted (JIT).
  for (let e = -10; e < EDITS; e++) {
    const line = pick.next().value;
    const col = lines[line].indexOf('out: ') + 5;
    const old = lines[line].slice(col, lines[line].indexOf(',', col));
    const next = old === '99' ? '98' : '99';
    lines[line] = lines[line].slice(0, col) + next + lines[line].slice(col + old.length);
    version++;
    const t0 = performance.now();
    const diag = s.diagnostics(version);
    await s.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character: col }, end: { line, character: col + old.length } }, text: next }],
    });
    const first = Math.max(0, line - 30);
    const hints = await s.conn.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: first, character: 0 }, end: { line: first + 60, character: 0 } } });
    const t1 = performance.now();
    const { at, params } = await diag;
    if (e >= 0) {
      hintMs.push(t1 - t0);
      diagMs.push(at - t0);
      hintsSeen += hints.length;
      if (params.version !== version) throw new Error(`diagnostics for version ${params.version}, expected ${version}`);
      const hint = hints.find((h) => h.position.line === line);
      if (!hint || !String(hint.label).startsWith(`→ ${next}×64×64`)) throw new Error(`stale hint on line ${line}: ${hint?.label} (expected → ${next}×64×64)`);
    }
  }
  text = lines.join('\n');
  await s.stop();
  console.log(`${label}`);
  console.log(`  didChange → inlayHint response      p50 ${fmt(pct(hintMs, 50))}  p95 ${fmt(pct(hintMs, 95))}  max ${fmt(Math.max(...hintMs))}  (${EDITS} edits, ${(hintsSeen / EDITS).toFixed(0)} hints per answer, all for the edited version)`);
  console.log(`  didChange → publishDiagnostics      p50 ${fmt(pct(diagMs, 50))}  p95 ${fmt(pct(diagMs, 95))}  max ${fmt(Math.max(...diagMs))}`);
  return { hintMs, diagMs };
}

async function memory() {
  const s = start({});
  await s.init();
  const text = flatNetwork(N);
  const uri = pathToFileURL(join(root, 'flat-2000-memory.cnn.yaml')).toString();
  let version = 1;
  await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'cnn-yaml', version, text } });
  await s.diagnostics(1);
  const lines = text.split('\n');
  const convLines = lines.map((l, i) => (l.includes('conv: {out: ') ? i : -1)).filter((i) => i >= 0);
  const pick = lineChooser(11, convLines);
  const samples = [];
  const sample = async (edits) => {
    const m = await s.conn.sendRequest('convlens/memory', { gc: true });
    samples.push({ edits, rss: m.rss, heap: m.heapUsed });
  };
  await sample(0);
  const t0 = performance.now();
  for (let e = 1; e <= MEMORY_EDITS; e++) {
    const line = pick.next().value;
    const col = lines[line].indexOf('out: ') + 5;
    const old = lines[line].slice(col, lines[line].indexOf(',', col));
    const next = String(10 + (e % 90));
    lines[line] = lines[line].slice(0, col) + next + lines[line].slice(col + old.length);
    version++;
    await s.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character: col }, end: { line, character: col + old.length } }, text: next }],
    });
    if (e % 25 === 0) await s.conn.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: Math.max(0, line - 30), character: 0 }, end: { line: line + 30, character: 0 } } });
    if (e % 100 === 0) await s.diagnostics(version);
    if (e % 1000 === 0) await sample(e);
  }
  const seconds = (performance.now() - t0) / 1000;
  await s.stop();
  console.log(`server memory across ${MEMORY_EDITS} edits (after GC; ${seconds.toFixed(0)} s):`);
  for (const x of samples) console.log(`  ${String(x.edits).padStart(6)} edits  rss ${mb(x.rss).padStart(9)}  heap ${mb(x.heap).padStart(8)}`);
  const after1k = samples.find((x) => x.edits === 1000) ?? samples[0];
  const last = samples[samples.length - 1];
  console.log(`  heap growth from 1,000 to ${MEMORY_EDITS} edits: ${mb(last.heap - after1k.heap)}; rss ${mb(last.rss - after1k.rss)}`);
  return samples;
}

console.log(`ConvLens language server, ${N}-layer flat network (node ${process.version})`);
const withDebounce = await latency({}, 'default settings (diagnostics debounced 100 ms):');
const noDebounce = await latency({ debounceMs: 0 }, 'convlens.debounceMs = 0 (analysis + rules only):');
await memory();
const p95 = pct(withDebounce.hintMs, 95);
console.log(`\ntarget p95 < 50 ms for didChange → inlay hints: ${p95 < 50 ? 'met' : 'NOT met'} (${fmt(p95)}); diagnostics without debounce p95 ${fmt(pct(noDebounce.diagMs, 95))}`);
