// The ConvLens language server. Speaks LSP over node IPC (the VS Code client) or stdio
// (`node dist/server.js --stdio`, for any editor). Every feature is a small adapter in
// features/ over the pure engine; service.ts keeps one analysis per document, for its latest
// version, debounced for pushes and computed on demand for requests, in a worker thread
// (analysis/) so the main thread keeps answering.
import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  CodeActionKind,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type CompletionParams,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisService, DEFAULT_SETTINGS, parseSettings, RequestCancelled, type Snapshot } from './service';
import { InProcessAnalyser } from './analysis/analyser';
import { DEFAULT_WORKER_OPTIONS, WorkerAnalyser, workerScript } from './analysis/workerAnalyser';
import { diagnostics } from './features/diagnostics';
import { inlayHints } from './features/inlayHints';
import { hover } from './features/hover';
import { codeActions, FIX_ALL_KIND, FIX_PADDING_KIND } from './features/codeActions';
import { codeLenses, summary } from './features/codeLens';
import { completion } from './features/completion';
import { moduleCompletion } from './features/moduleCompletion';
import { documentSymbols } from './features/symbols';
import { definition, prepareRename, references, rename } from './features/definition';
import { guard } from './features/util';
import { SET_MODEL, SET_SCALE, type SetModelParams, type SetScaleParams } from '../../protocol/summary';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const log = (m: string) => connection.console.error(m);

let hasConfiguration = false;
let hasInlayHintRefresh = false;
let hasCodeLensRefresh = false;

const service = new AnalysisService(
  (uri) => documents.get(uri),
  publish,
  log,
  undefined,
  (uri, version) => void connection.sendNotification('convlens/analysing', { uri, version }).catch(() => {}),
);

function publish(snap: Snapshot): void {
  try {
    void connection.sendDiagnostics({ uri: snap.uri, version: snap.version, diagnostics: diagnostics(snap) });
    connection.sendNotification('convlens/analysed', { uri: snap.uri, version: snap.version, ms: snap.ms });
  } catch (err) {
    log(`convlens: publishing diagnostics failed: ${(err as Error)?.stack ?? err}`);
  }
}

async function loadSettings(): Promise<void> {
  if (!hasConfiguration) return;
  try {
    const raw = await connection.workspace.getConfiguration({ section: 'convlens' });
    service.settings = parseSettings(raw);
  } catch (err) {
    log(`convlens: reading settings failed: ${(err as Error)?.message ?? err}`);
  }
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const caps = params.capabilities;
  hasConfiguration = !!caps.workspace?.configuration;
  hasInlayHintRefresh = !!caps.workspace?.inlayHint?.refreshSupport;
  hasCodeLensRefresh = !!caps.workspace?.codeLens?.refreshSupport;
  // Editors without workspace/configuration may pass settings as initializationOptions.
  const init = params.initializationOptions as { settings?: unknown; analysis?: unknown } | undefined;
  service.settings = init?.settings ? parseSettings(init.settings) : DEFAULT_SETTINGS;
  service.analyser = chooseAnalyser(init?.analysis);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      inlayHintProvider: { resolveProvider: false },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_PADDING_KIND, FIX_ALL_KIND], resolveProvider: false },
      codeLensProvider: { resolveProvider: false },
      completionProvider: { triggerCharacters: ['-', ' ', ':', '$', '[', ',', '{'], resolveProvider: false },
      documentSymbolProvider: { label: 'ConvLens' },
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
    },
    serverInfo: { name: 'convlens', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  if (hasConfiguration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'convlens' }).catch(() => {});
    await loadSettings();
    // Documents opened before the settings arrived were analysed with the defaults.
    for (const uri of service.invalidateAll()) service.changed(uri, true);
  }
});

connection.onDidChangeConfiguration(async (change) => {
  if (hasConfiguration) await loadSettings();
  else if (change.settings?.convlens) service.settings = parseSettings(change.settings.convlens);
  for (const doc of documents.all()) service.changed(doc.uri, true);
  service.invalidateAll();
  if (hasInlayHintRefresh) void connection.languages.inlayHint.refresh().catch(() => {});
  if (hasCodeLensRefresh) void connection.sendRequest('workspace/codeLens/refresh').catch(() => {});
});

// Fired on open too: a document never analysed is analysed at once, later edits are debounced.
documents.onDidChangeContent((e) => service.changed(e.document.uri, !service.peek(e.document.uri)));
documents.onDidClose((e) => {
  service.closed(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

/**
 * Where analyses run: a worker thread (the default), or the main thread when an editor or a
 * benchmark asks for it (initializationOptions.analysis.worker: false) or no worker can start.
 * `timeoutMs` and `memoryMb` bound one analysis (CL034, CL035); `workLimit` is the engine's
 * bound on the list items a PyTorch file may build or copy (ReadOptions.workLimit).
 */
function chooseAnalyser(raw: unknown) {
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const positive = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback);
  const script = workerScript();
  if (o.worker === false || !script) {
    if (o.worker !== false) log('convlens: analysisWorker.js is missing; analysing on the main thread');
    return new InProcessAnalyser(log);
  }
  return new WorkerAnalyser(script, { ...DEFAULT_WORKER_OPTIONS, timeoutMs: positive(o.timeoutMs, DEFAULT_WORKER_OPTIONS.timeoutMs), memoryMb: positive(o.memoryMb, DEFAULT_WORKER_OPTIONS.memoryMb), workLimit: typeof o.workLimit === 'number' && o.workLimit > 0 ? o.workLimit : undefined }, log);
}

/**
 * A request handler over the latest snapshot of the document, guarded: it waits for the
 * analysis of the current version, and stops waiting when the client cancels the request.
 * `checked`: the handler needs the lint rules' findings too (code actions, totals).
 */
function on<P extends { textDocument: { uri: string } }, R>(name: string, empty: R, fn: (snap: Snapshot, params: P) => R, checked = false) {
  const answer = guard(name, log, empty, fn);
  return async (params: P, token?: CancellationToken): Promise<R> => {
    try {
      const snap = checked ? await service.getChecked(params.textDocument.uri, token) : await service.get(params.textDocument.uri, token);
      return snap ? answer(snap, params) : empty;
    } catch (err) {
      if (err instanceof RequestCancelled) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled: the client no longer needs the answer');
      if (err instanceof ResponseError) throw err;
      log(`convlens: ${name} failed: ${(err as Error)?.stack ?? String(err)}`);
      return empty;
    }
  };
}

connection.languages.inlayHint.on(on('inlayHint', [], (snap, p) => inlayHints(snap, p.range, service.settings)));
connection.onHover(on('hover', null, (snap, p) => hover(snap, p.position)));
connection.onCodeAction(on('codeAction', [], (snap, p) => codeActions(snap, p), true));
connection.onCodeLens(on('codeLens', [], (snap) => codeLenses(snap), true));
// Completion and rename know cnn-yaml's structure (kinds, arguments, names); Ultralytics files get
// module names; other formats get none.
const isCnnYaml = (snap: Snapshot) => snap.options?.format === 'cnn-yaml';
const completions = on('completion', [], (snap, p: CompletionParams) => (isCnnYaml(snap) ? completion(snap, p.position) : snap.options?.format === 'ultralytics' ? moduleCompletion(snap, p.position) : []));
/** Only cnn-yaml and Ultralytics files get completions: the others (Python typed at every keystroke) are answered at once, without waiting for an analysis. */
const hasCompletions = (uri: string) => ['cnn-yaml', 'ultralytics'].includes(service.readOptions(uri)?.format ?? '');
connection.onCompletion((p, token) => (hasCompletions(p.textDocument.uri) ? completions(p, token) : []));
connection.onDocumentSymbol(on('documentSymbol', [], (snap) => documentSymbols(snap)));
connection.onDefinition(on('definition', null, (snap, p) => definition(snap, p.position)));
connection.onReferences(on('references', [], (snap, p) => references(snap, p.position, p.context.includeDeclaration)));
connection.onPrepareRename(on('prepareRename', null, (snap, p) => (isCnnYaml(snap) ? prepareRename(snap, p.position) : null)));
connection.onRenameRequest(on('rename', null, (snap, p) => (isCnnYaml(snap) ? rename(snap, p.position, p.newName) : null)));

/** The user chose the scale of an Ultralytics model (CodeLens): analyse the document at that scale. */
connection.onNotification(SET_SCALE, (p: SetScaleParams) => {
  if (!p || typeof p.uri !== 'string' || !(p.scale === null || typeof p.scale === 'string')) return;
  service.setScale(p.uri, p.scale ?? undefined);
  if (hasInlayHintRefresh) void connection.languages.inlayHint.refresh().catch(() => {});
  if (hasCodeLensRefresh) void connection.sendRequest('workspace/codeLens/refresh').catch(() => {});
});

/** The user chose which model of a PyTorch file to analyse (CodeLens on a class). */
connection.onNotification(SET_MODEL, (p: SetModelParams) => {
  if (!p || typeof p.uri !== 'string' || !(p.model === null || (typeof p.model === 'string' && /^[A-Za-z_]\w{0,99}$/.test(p.model)))) return;
  service.setModel(p.uri, p.model ?? undefined);
  if (hasInlayHintRefresh) void connection.languages.inlayHint.refresh().catch(() => {});
  if (hasCodeLensRefresh) void connection.sendRequest('workspace/codeLens/refresh').catch(() => {});
});

/** Totals of a document for the status bar: { uri } → Summary | null. */
const summaryOf = on('summary', null, (snap) => (snap.options ? summary(snap) : null), true);
connection.onRequest('convlens/summary', (p: { uri: string }, token) => (p && typeof p.uri === 'string' ? summaryOf({ textDocument: { uri: p.uri } }, token) : null));

/** Memory and timing of the server, for the benchmark. */
connection.onRequest('convlens/memory', (p?: { gc?: boolean }) => {
  const g = globalThis as { gc?: () => void };
  if (p?.gc && g.gc) g.gc();
  return { ...process.memoryUsage(), documents: documents.all().length, analyser: service.analyser.stats() };
});

process.on('uncaughtException', (err) => log(`convlens: uncaught exception: ${err?.stack ?? err}`));
process.on('unhandledRejection', (err) => log(`convlens: unhandled rejection: ${(err as Error)?.stack ?? err}`));

connection.onExit(() => service.dispose());

documents.listen(connection);
connection.listen();
