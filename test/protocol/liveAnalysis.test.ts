// Analysis off the server's main thread, over real LSP: the built server analyses in a worker
// thread, abandons the analysis of a version as soon as a newer one arrives, answers requests
// while an analysis runs, honours the client's cancellation of a request that waits for one,
// and turns a runaway or a crash of the worker into a finding instead of a dead server.
// Every wait is on an event (`convlens/analysing`, publishDiagnostics, a response), never a sleep.
import * as assert from 'assert';
import { readFileSync } from 'fs';
import { join } from 'path';
import { CancellationTokenSource, type Hover, type InlayHint, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { LspClient, positionAt, positionOf, repoRoot, type Doc } from './client';

const cifar = readFileSync(join(repoRoot, 'test', 'fixtures', 'pytorch', 'models', 'cifar_net.py'), 'utf8');
const labelOf = (h: InlayHint) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));
const wholeRange = (text: string) => ({ start: { line: 0, character: 0 }, end: positionAt(text, text.length) });

const pathological = (name: string) => readFileSync(join(repoRoot, 'test', 'fixtures', 'pytorch', 'pathological', name), 'utf8');
/** A constructor that runs for minutes; `seed` makes versions differ (the conv's out_channels). */
const runaway = (seed: number) => pathological('runaway.py').replace('nn.Conv2d(3, 8, 3)', `nn.Conv2d(3, ${8 + seed}, 3)`);
/** A constructor that builds a table far beyond any heap. */
const memoryHog = pathological('memory_hog.py');
/** The engine stops both files by itself (a bound on list items built); lifted here so the worker's own guards are what is tested. */
const UNBOUNDED_WORK = 1e15;

interface AnalyserStats {
  mode: string;
  analysed: number;
  cancelled: number;
  workersStarted: number;
  terminated: number;
  crashed: number;
}

/** A server for one describe block, with every publishDiagnostics and `convlens/analysing` recorded. */
function server(initializationOptions: unknown) {
  const s = {
    lsp: undefined as unknown as LspClient,
    published: [] as PublishDiagnosticsParams[],
    started: [] as Array<{ uri: string; version: number }>,
    startWaiters: [] as Array<{ uri: string; version: number; resolve: () => void }>,
    /** Resolves when the server starts analysing this version of the document. */
    analysing(uri: string, version: number): Promise<void> {
      if (s.started.some((a) => a.uri === uri && a.version === version)) return Promise.resolve();
      return new Promise((resolve) => s.startWaiters.push({ uri, version, resolve }));
    },
    stats: async () => (await s.lsp.request<{ analyser: AnalyserStats }>('convlens/memory', {})).analyser,
  };
  before(async () => {
    s.lsp = new LspClient();
    s.lsp.onPublish.add((p) => s.published.push(p));
    s.lsp.connection.onNotification('convlens/analysing', (p: { uri: string; version: number }) => {
      s.started.push(p);
      for (const w of [...s.startWaiters]) {
        if (w.uri === p.uri && w.version === p.version) {
          s.startWaiters.splice(s.startWaiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
    await s.lsp.initialize(initializationOptions);
  });
  after(async function () {
    this.timeout(10_000);
    await s.lsp.shutdown();
    assert.strictEqual(s.lsp.exited?.code, 0, s.lsp.stderr.join(''));
  });
  return s;
}

describe('live analysis: off the main thread, cancelled on the next keystroke', function () {
  describe('rapid edits and requests during an analysis', () => {
    // No debounce: every keystroke starts an analysis at once, so the abandoning is what is tested.
    const s = server({ settings: { debounceMs: 0 }, analysis: { timeoutMs: 120_000, workLimit: UNBOUNDED_WORK } });
    const yamlUri = 'file:///work/live/small.cnn.yaml';
    const yaml = 'input: [3, 32, 32]\nlayers:\n  - conv: {out: 16, kernel: 3, padding: 1}\n  - relu\n';
    const pyUri = 'file:///work/live/model.py';
    let doc: Doc;

    before(async () => {
      await s.lsp.open(yamlUri, yaml);
      await s.lsp.diagnostics(yamlUri, 1);
    });

    it('a Python file is analysed in a worker thread; meanwhile a hover on another document and a completion in the file itself answer', async () => {
      doc = await s.lsp.open(pyUri, runaway(0), 'python');
      await s.analysing(pyUri, 1);
      const stats = await s.stats();
      assert.deepStrictEqual([stats.mode, stats.workersStarted], ['worker', 1]);
      const hover = await s.lsp.request<Hover | null>('textDocument/hover', { textDocument: { uri: yamlUri }, position: positionOf(yaml, 'conv:', 1) });
      assert.ok(hover && JSON.stringify(hover.contents).includes('16×32×32'), JSON.stringify(hover));
      const completion = await s.lsp.request<unknown[]>('textDocument/completion', { textDocument: { uri: pyUri }, position: positionOf(doc.text, 'nn.Conv2d', 3) });
      assert.deepStrictEqual(completion, []);
      // Both answered while the analysis of the Python file was still running.
      assert.deepStrictEqual(s.published.filter((p) => p.uri === pyUri), []);
    });

    it('a request that waits for the running analysis stops waiting when the client cancels it', async () => {
      const source = new CancellationTokenSource();
      const pending = s.lsp.connection.sendRequest('textDocument/hover', { textDocument: { uri: pyUri }, position: positionOf(doc.text, 'self.conv(x)') }, source.token);
      source.cancel();
      await assert.rejects(pending, (err: { code?: number }) => err.code === -32800);
      assert.deepStrictEqual(s.published.filter((p) => p.uri === pyUri), []);
    });

    it('rapid edits: the older versions are abandoned (the worker stops them, it is not restarted) and only the last is published', async function () {
      this.timeout(30_000);
      for (let seed = 1; seed <= 5; seed++) await s.lsp.change(doc, runaway(seed));
      await s.analysing(pyUri, doc.version);
      // The last edit removes the loop: its analysis is quick.
      const fast = cifar;
      await s.lsp.change(doc, fast);
      const last = doc.version;
      const d = await s.lsp.diagnostics(pyUri, last);
      assert.strictEqual(d.version, last);
      assert.deepStrictEqual(s.published.filter((p) => p.uri === pyUri).map((p) => p.version), [last]);
      const stats = await s.stats();
      assert.ok(stats.cancelled >= 2, JSON.stringify(stats));
      assert.strictEqual(stats.terminated, 0, JSON.stringify(stats));
      assert.strictEqual(stats.workersStarted, 1, JSON.stringify(stats));
    });

    it('hints right after an edit describe the new text, never the old one', async () => {
      const edited = cifar.replace('nn.Conv2d(3, 6, 5)', 'nn.Conv2d(3, 6, 3)');
      await s.lsp.change(doc, edited);
      const hints = await s.lsp.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: pyUri }, range: wholeRange(edited) });
      const line = positionOf(edited, 'x = self.pool(F.relu(self.conv1(x)))').line;
      assert.deepStrictEqual(hints.filter((h) => h.position.line === line).map(labelOf), ['→ 6×15×15 · 168 params · rf 4×4 /2']);
    });
  });

  describe('a runaway analysis', () => {
    const s = server({ settings: { debounceMs: 0 }, analysis: { timeoutMs: 1500, workLimit: UNBOUNDED_WORK } });
    const uri = 'file:///work/live/runaway.py';

    it('is stopped at the time limit and reported as CL034 on the first line; the server goes on', async function () {
      this.timeout(20_000);
      const doc = await s.lsp.open(uri, runaway(0), 'python');
      const d = await s.lsp.diagnostics(uri, 1);
      assert.deepStrictEqual(d.diagnostics.map((x) => [x.code, x.range.start.line, x.severity]), [['CL034', 0, 2]]);
      assert.match(d.diagnostics[0].message, /stopped analysing this file after 1\.5 s/);
      const hints = await s.lsp.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: wholeRange(doc.text) });
      assert.deepStrictEqual(hints, []);
      // The next version is analysed by a fresh worker.
      await s.lsp.change(doc, cifar);
      const next = await s.lsp.diagnostics(uri, 2);
      assert.deepStrictEqual(next.diagnostics.map((x) => x.code), ['CL303']);
      const stats = await s.stats();
      assert.deepStrictEqual([stats.terminated, stats.workersStarted, stats.crashed], [1, 2, 0]);
    });
  });

  describe('a worker that runs out of memory', () => {
    const s = server({ settings: { debounceMs: 0 }, analysis: { memoryMb: 64, workLimit: UNBOUNDED_WORK } });
    const uri = 'file:///work/live/hog.py';

    it('fails only that version: CL035 on the first line, and the next version is analysed', async function () {
      this.timeout(20_000);
      const doc = await s.lsp.open(uri, memoryHog, 'python');
      const d = await s.lsp.diagnostics(uri, 1);
      assert.deepStrictEqual(d.diagnostics.map((x) => [x.code, x.range.start.line]), [['CL035', 0]]);
      assert.match(d.diagnostics[0].message, /more than the 64 MB/);
      await s.lsp.change(doc, cifar);
      const next = await s.lsp.diagnostics(uri, 2);
      assert.deepStrictEqual(next.diagnostics.map((x) => x.code), ['CL303']);
      const stats = await s.stats();
      assert.deepStrictEqual([stats.crashed, stats.workersStarted], [1, 2]);
    });
  });
});
