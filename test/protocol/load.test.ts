// The language server under load (issue 7), over real LSP (dist/server.js --stdio; run
// `node scripts/build.mjs` first):
//  - 10,000 rapid didChange notifications on one document (random small edits of an example,
//    some leaving it invalid), interleaved with inlay-hint and hover requests, a third of them
//    cancelled ($/cancelRequest); then the final diagnostics and hints must be those of
//    check(finalText) computed in-process;
//  - 50 open documents, each with diagnostics for its text;
//  - didClose sent right after a didChange (mid-analysis);
//  - the server stays alive (answers a final request), logs no error (window/logMessage of type
//    Error, stderr) and no unhandled rejection; its memory (convlens/memory: RSS) stays flat.
import * as assert from 'assert';
import { spawn, type ChildProcessWithoutNullStreams } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type InlayHint,
  type CancellationTokenSource as CTS,
} from 'vscode-languageserver-protocol/node';
import { CancellationTokenSource } from 'vscode-languageserver-protocol';
import { check } from '../../engine';
import { LineIndex } from '../../engine';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const serverPath = path.join(repoRoot, 'dist', 'server.js');
const example = (name: string) => readFileSync(path.join(repoRoot, 'examples', name), 'utf8');

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

class Server {
  readonly child: ChildProcessWithoutNullStreams;
  readonly connection: ProtocolConnection;
  readonly stderr: string[] = [];
  readonly errors: string[] = [];
  readonly latest = new Map<string, PublishDiagnosticsParams>();
  private waiters: Array<{ uri: string; version: number; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  exited: { code: number | null; signal: string | null } | undefined;

  constructor() {
    this.child = spawn(process.execPath, ['--expose-gc', serverPath, '--stdio'], { cwd: repoRoot, stdio: 'pipe' });
    this.child.stderr.on('data', (d) => this.stderr.push(String(d)));
    this.child.on('exit', (code, signal) => (this.exited = { code, signal }));
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.latest.set(p.uri, p);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && (p.version ?? -1) >= w.version) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    // type 1 = Error
    this.connection.onNotification('window/logMessage', (p: { type: number; message: string }) => {
      if (p.type === 1) this.errors.push(p.message);
    });
    this.connection.onNotification('convlens/analysed', () => {});
    this.connection.listen();
  }

  diagnostics(uri: string, version: number): Promise<PublishDiagnosticsParams> {
    const have = this.latest.get(uri);
    if (have && (have.version ?? -1) >= version) return Promise.resolve(have);
    return new Promise((resolve) => this.waiters.push({ uri, version, resolve }));
  }

  async rss(): Promise<number> {
    const m = await this.connection.sendRequest<{ rss: number; heapUsed: number }>('convlens/memory', { gc: true });
    return m.rss;
  }
}

const labelOf = (h: InlayHint) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));

describe('language server under load', function () {
  this.timeout(120000);
  let server: Server;
  const base = example('resnet18.cnn.yaml');

  before(async () => {
    server = new Server();
    await server.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { textDocument: { publishDiagnostics: { versionSupport: true }, inlayHint: {}, hover: {} } } });
    await server.connection.sendNotification('initialized', {});
  });

  after(async function () {
    this.timeout(15000);
    if (!server.exited) {
      const gone = new Promise<void>((r) => server.child.once('exit', () => r()));
      await server.connection.sendRequest('shutdown');
      await server.connection.sendNotification('exit');
      await gone;
    }
    server.connection.dispose();
  });

  it('10,000 rapid edits with cancelled requests: final diagnostics and hints are those of the final text; memory flat; no error', async () => {
    const uri = 'file:///tmp/convlens-load/main.cnn.yaml';
    let text = base;
    let version = 1;
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'cnn-yaml', version, text } });
    await server.diagnostics(uri, 1);
    const rssStart = await server.rss();
    let rss1k = 0;
    const r = rng(11);
    const pending: Array<Promise<unknown>> = [];
    let cancelled = 0;
    let answered = 0;
    let invalidEdits = 0;
    const EDITS = 10000;
    for (let k = 1; k <= EDITS; k++) {
      // A small random edit: insert / delete a character, or change a digit; every 50th edit
      // restores the example (so the document keeps being a network, valid or not).
      let start: number;
      let end: number;
      let insert: string;
      if (k % 50 === 0) {
        start = 0;
        end = text.length;
        insert = base;
      } else {
        const at = Math.floor(r() * text.length);
        const op = r();
        if (op < 0.4) {
          start = end = at;
          insert = '0123456789:-[] ,x\n'[Math.floor(r() * 18)];
        } else if (op < 0.7) {
          start = at;
          end = Math.min(text.length, at + 1);
          insert = '';
        } else {
          const digits = [...text.matchAll(/\d+/g)];
          const m = digits[Math.floor(r() * digits.length)];
          start = m.index!;
          end = start + m[0].length;
          insert = String(1 + Math.floor(r() * 9));
        }
      }
      const range = { start: positionAt(text, start), end: positionAt(text, end) };
      text = text.slice(0, start) + insert + text.slice(end);
      version++;
      await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text: insert }] });
      if (k % 10 === 0) {
        const tokenSource: CTS = new CancellationTokenSource();
        const method = k % 20 === 0 ? 'textDocument/hover' : 'textDocument/inlayHint';
        const params = method === 'textDocument/hover'
          ? { textDocument: { uri }, position: positionAt(text, Math.floor(r() * text.length)) }
          : { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) } };
        const p = server.connection.sendRequest(method, params, tokenSource.token).then(
          () => answered++,
          (err: { code?: number }) => {
            // Only a cancellation may fail a request.
            if (err?.code !== -32800) throw err;
            cancelled++;
          },
        );
        pending.push(p);
        if (k % 30 === 0) tokenSource.cancel();
      }
      if (k % 100 === 49 && check(text).findings.some((f) => f.severity === 'error')) invalidEdits++;
      if (k % 100 === 0) {
        await Promise.all(pending.splice(0)); // (back-pressure: keeps the pipe from growing without bound)
      }
      if (k === 1000) rss1k = await server.rss();
    }
    await Promise.all(pending);
    const d = await server.diagnostics(uri, version);
    assert.strictEqual(d.version, version);
    const rss10k = await server.rss();

    // The final diagnostics and hints are those of the final text.
    const expected = check(text);
    const lines = new LineIndex(text);
    const want = expected.findings.map((f) => `${f.code} ${JSON.stringify(lines.position(f.span.start))} ${f.message}`).sort();
    const got = d.diagnostics.map((x) => `${x.code} ${JSON.stringify(x.range.start)} ${x.message}`).sort();
    assert.deepStrictEqual(got, want);
    const hints = await server.connection.sendRequest<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) } });
    // Every entry with a shape has a hint starting with its shape, on the entry's last line.
    for (const e of expected.entries.filter((x) => !x.inBlock && x.shape)) {
      const line = lines.position(e.span.end).line;
      const h = hints.find((x) => x.position.line === line);
      assert.ok(h, `no hint for ${e.name} on line ${line}`);
      assert.ok(labelOf(h).startsWith(`→ ${e.shape!.join('×')}`), `${e.name}: hint ${labelOf(h)}, engine ${e.shape!.join('×')}`);
    }
    console.log(`      RSS: start ${(rssStart / 2 ** 20).toFixed(1)} MB, after 1,000 edits ${(rss1k / 2 ** 20).toFixed(1)} MB, after 10,000 edits ${(rss10k / 2 ** 20).toFixed(1)} MB; ${answered} requests answered, ${cancelled} cancelled; ${invalidEdits}/100 sampled versions invalid`);
    assert.ok(cancelled > 0 || answered > 0);
    assert.ok(invalidEdits > 0, 'the edits never made the document invalid');
    assert.ok(rss10k < 2 * rss1k + 50 * 2 ** 20, `memory grew: ${rss1k} → ${rss10k}`);
    assert.deepStrictEqual(server.errors, []);
  });

  it('50 open documents each get the diagnostics of their own text', async () => {
    const names = ['resnet18.cnn.yaml', 'tiny-vgg.cnn.yaml', 'tcn.cnn.yaml', 'unet-small.cnn.yaml', 'mobilenet_v2.cnn.yaml'];
    const docs = Array.from({ length: 50 }, (_, i) => {
      let text = example(names[i % names.length]);
      if (i % 3 === 1) text = text.replace(/kernel: 3/, 'kernel: 300'); // some with errors
      return { uri: `file:///tmp/convlens-load/doc${i}.cnn.yaml`, text };
    });
    for (const d of docs) await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: d.uri, languageId: 'cnn-yaml', version: 1, text: d.text } });
    for (const d of docs) {
      const p = await server.diagnostics(d.uri, 1);
      const lines = new LineIndex(d.text);
      const want = check(d.text).findings.map((f) => `${f.code} ${JSON.stringify(lines.position(f.span.start))}`).sort();
      assert.deepStrictEqual(p.diagnostics.map((x) => `${x.code} ${JSON.stringify(x.range.start)}`).sort(), want, d.uri);
    }
    const mem = await server.connection.sendRequest<{ documents: number }>('convlens/memory', {});
    assert.ok(mem.documents >= 50);
    for (const d of docs) await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri: d.uri } });
  });

  it('didClose right after didChange (mid-analysis): the server stays alive, no error, no unhandled rejection', async () => {
    const big = example('resnet101.cnn.yaml');
    for (let i = 0; i < 20; i++) {
      const uri = `file:///tmp/convlens-load/closing${i}.cnn.yaml`;
      await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'cnn-yaml', version: 1, text: big } });
      await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: big.replace('kernel: 7', 'kernel: 5') }] });
      const hint = server.connection.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 5000, character: 0 } } });
      await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      await hint; // answered (possibly empty), never an error
    }
    // Alive: a final request is answered, and nothing was logged as an error.
    const mem = await server.connection.sendRequest<{ rss: number }>('convlens/memory', {});
    assert.ok(mem.rss > 0);
    assert.strictEqual(server.exited, undefined);
    assert.deepStrictEqual(server.errors, []);
    const stderr = server.stderr.join('');
    assert.ok(!/unhandled|uncaught|Error/i.test(stderr), stderr.slice(-2000));
  });
});
