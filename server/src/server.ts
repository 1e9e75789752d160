// The ConvLens language server. Speaks LSP over node IPC (the VS Code client) or stdio
// (`node dist/server.js --stdio`, for any editor). Every feature is a small adapter in
// features/ over the pure engine; service.ts keeps one analysis per document, for its latest
// version, debounced for pushes and computed on demand for requests.
import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  CodeActionKind,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisService, DEFAULT_SETTINGS, parseSettings, type Snapshot } from './service';
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

const service = new AnalysisService((uri) => documents.get(uri), publish, log);

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
  const init = params.initializationOptions as { settings?: unknown } | undefined;
  service.settings = init?.settings ? parseSettings(init.settings) : DEFAULT_SETTINGS;
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
 * A request handler over the latest snapshot of the document, guarded. `checked`: the handler
 * needs the lint rules' findings too (code actions, totals), not only the analysis.
 */
function on<P extends { textDocument: { uri: string } }, R>(name: string, empty: R, fn: (snap: Snapshot, params: P) => R, checked = false) {
  return guard(name, log, empty, (params: P): R => {
    const snap = checked ? service.getChecked(params.textDocument.uri) : service.get(params.textDocument.uri);
    return snap ? fn(snap, params) : empty;
  });
}

connection.languages.inlayHint.on(on('inlayHint', [], (snap, p) => inlayHints(snap, p.range, service.settings)));
connection.onHover(on('hover', null, (snap, p) => hover(snap, p.position)));
connection.onCodeAction(on('codeAction', [], (snap, p) => codeActions(snap, p), true));
connection.onCodeLens(on('codeLens', [], (snap) => codeLenses(snap), true));
// Completion and rename know cnn-yaml's structure (kinds, arguments, names); Ultralytics files get
// module names; other formats get none.
const isCnnYaml = (snap: Snapshot) => snap.options?.format === 'cnn-yaml';
connection.onCompletion(on('completion', [], (snap, p) => (isCnnYaml(snap) ? completion(snap, p.position) : snap.options?.format === 'ultralytics' ? moduleCompletion(snap, p.position) : [])));
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
connection.onRequest('convlens/summary', guard('summary', log, null, (p: { uri: string }) => {
  const snap = service.getChecked(p.uri);
  return snap?.options ? summary(snap) : null;
}));

/** Memory and timing of the server, for the benchmark. */
connection.onRequest('convlens/memory', (p?: { gc?: boolean }) => {
  const g = globalThis as { gc?: () => void };
  if (p?.gc && g.gc) g.gc();
  return { ...process.memoryUsage(), documents: documents.all().length };
});

process.on('uncaughtException', (err) => log(`convlens: uncaught exception: ${err?.stack ?? err}`));
process.on('unhandledRejection', (err) => log(`convlens: unhandled rejection: ${(err as Error)?.stack ?? err}`));

documents.listen(connection);
connection.listen();
