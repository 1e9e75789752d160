// A minimal LSP client for the protocol tests: spawns the built server (`node dist/server.js
// --stdio`) and speaks JSON-RPC with vscode-languageserver-protocol. Diagnostics are awaited
// through their publishDiagnostics notifications, never with sleeps.
import { spawn, type ChildProcessWithoutNullStreams } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type ClientCapabilities,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const serverPath = path.join(repoRoot, 'dist', 'server.js');

export const capabilities: ClientCapabilities = {
  workspace: { applyEdit: true, workspaceEdit: { documentChanges: false }, configuration: false, inlayHint: { refreshSupport: false } },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
    inlayHint: { dynamicRegistration: false },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown'] } },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll', 'refactor'] } }, isPreferredSupport: true },
    definition: { linkSupport: false },
    references: {},
    rename: { prepareSupport: true },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    codeLens: {},
  },
};

export interface Doc {
  uri: string;
  text: string;
  version: number;
}

export class LspClient {
  readonly connection: ProtocolConnection;
  readonly child: ChildProcessWithoutNullStreams;
  readonly stderr: string[] = [];
  private readonly latest = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: Array<{ uri: string; ok: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Extra observers of publishDiagnostics (one jsonrpc handler per method: register here). */
  readonly onPublish = new Set<(p: PublishDiagnosticsParams) => void>();

  constructor(args: string[] = []) {
    this.child = spawn(process.execPath, [...args, serverPath, '--stdio'], { cwd: repoRoot, stdio: 'pipe' });
    this.child.stderr.on('data', (d) => this.stderr.push(String(d)));
    this.child.on('exit', (code, signal) => (this.exited = { code, signal }));
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.latest.set(p.uri, p);
      for (const f of this.onPublish) f(p);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && w.ok(p)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    this.connection.onNotification('window/logMessage', () => {});
    this.connection.onNotification('convlens/analysed', () => {});
    this.connection.listen();
  }

  async initialize(initializationOptions?: unknown): Promise<any> {
    const result = await this.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities, initializationOptions });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** The next diagnostics for `uri` whose version is at least `version` (or the ones already received). */
  diagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams> {
    const ok = (p: PublishDiagnosticsParams) => version === undefined || (p.version ?? -1) >= version;
    const have = this.latest.get(uri);
    if (have && ok(have)) return Promise.resolve(have);
    return new Promise((resolve) => this.waiters.push({ uri, ok, resolve }));
  }

  /** Forgets received diagnostics so the next wait sees only new ones. */
  forget(uri: string): void {
    this.latest.delete(uri);
  }

  async open(uri: string, text: string, languageId = 'cnn-yaml'): Promise<Doc> {
    const doc = { uri, text, version: 1 };
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return doc;
  }

  /** Replaces the whole text (a full-document change). */
  async change(doc: Doc, text: string): Promise<Doc> {
    doc.version++;
    doc.text = text;
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: doc.uri, version: doc.version }, contentChanges: [{ text }] });
    return doc;
  }

  /** Applies edits incrementally: the server must apply ranges exactly as an editor would. */
  async edit(doc: Doc, edits: TextEdit[]): Promise<Doc> {
    doc.version++;
    doc.text = applyEdits(doc.text, edits);
    // Sent in reverse document order so earlier ranges stay valid, as editors do.
    const sorted = [...edits].sort((a, b) => compareRange(b, a));
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: doc.uri, version: doc.version },
      contentChanges: sorted.map((e) => ({ range: e.range, text: e.newText })),
    });
    return doc;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async shutdown(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((r) => (this.exited ? r() : this.child.once('exit', () => r())));
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    await gone;
    this.connection.dispose();
  }
}

function compareRange(a: TextEdit, b: TextEdit): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

/** Offset of an LSP position in `text` (UTF-16, like LSP). */
export function offsetAt(text: string, pos: { line: number; character: number }): number {
  let offset = 0;
  for (let l = 0; l < pos.line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return offset + pos.character;
}

/** The LSP position of an offset. */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** Position of the n-th (0-based) occurrence of `needle`, plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0, nth = 0): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' (#${nth}) not in the text`);
  }
  return positionAt(text, at + delta);
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  const spans = edits.map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText })).sort((a, b) => b.start - a.start);
  for (const s of spans) text = text.slice(0, s.start) + s.newText + text.slice(s.end);
  return text;
}

export function applyWorkspaceEdit(text: string, uri: string, edit: WorkspaceEdit): string {
  const edits = edit.changes?.[uri] ?? [];
  return applyEdits(text, edits);
}

export function example(name: string): { uri: string; text: string } {
  const file = path.join(repoRoot, 'examples', name);
  return { uri: pathToFileURL(file).toString(), text: readFileSync(file, 'utf8') };
}
