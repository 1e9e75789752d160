// The feature-map preview's host side: a WebviewPanel beside the editor that shows
// dist/webview/main.js (which runs the network in a Web Worker). The host sends the document text
// (on open and, debounced, on change), the layer under the cursor, and workspace images the user
// picks; it reveals a layer in the editor when the page asks, and saves what the page exports
// (previewExport.ts). Every message from the page is validated before use. Panels survive reloads through a serializer (state: the document URI).
import * as vscode from 'vscode';
import { analyse } from '../../engine';
import type { Analysis, LayerResult, Span } from '../../engine/types';
import { renderHtml, makeNonce } from './previewHtml';
import { saveNpy, savePng } from './previewExport';
import { parsePageMessage, type HostMessage, type PageState } from '../../protocol/preview';
import type { NetworkDocuments } from './documents';
import { PreviewWeights, plainBytes, type WeightsSource } from './previewWeights';

export const PREVIEW_VIEW_TYPE = 'convlens.preview';
const DEBOUNCE_MS = 300;
const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

const panels = new Map<string, PreviewPanel>();

/** Opens (or reveals) the preview of the network in `uri`, beside the active editor. */
export function openPreview(context: vscode.ExtensionContext, uri: vscode.Uri, networks: NetworkDocuments): void {
  const key = uri.toString();
  const existing = panels.get(key);
  if (existing) {
    existing.panel.reveal(vscode.ViewColumn.Beside, true);
    return;
  }
  const panel = vscode.window.createWebviewPanel(PREVIEW_VIEW_TYPE, title(uri), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(context));
  new PreviewPanel(context, panel, uri, networks);
}

/** Restores preview panels after a window reload. Call once from activate(). */
export function registerPreviewSerializer(context: vscode.ExtensionContext, networks: NetworkDocuments): void {
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const uriText = state && typeof state === 'object' && typeof (state as Partial<PageState>).uri === 'string' ? (state as PageState).uri! : undefined;
        let uri: vscode.Uri | undefined;
        try {
          uri = uriText ? vscode.Uri.parse(uriText, true) : undefined;
        } catch {
          uri = undefined;
        }
        if (!uri) {
          panel.dispose();
          return;
        }
        panel.webview.options = webviewOptions(context);
        new PreviewPanel(context, panel, uri, networks);
      },
    }),
  );
}

export function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')],
  };
}

function title(uri: vscode.Uri): string {
  const base = uri.path.split('/').pop() ?? 'network';
  return `Feature maps: ${base}`;
}

class PreviewPanel {
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private analysis: { version: number; analysis: Analysis } | undefined;
  private lastCursor: string | null | undefined;
  // retainContextWhenHidden is false: the page reloads when shown again and says `ready`,
  // and then gets the document again.
  private ready = false;
  private readonly weights: PreviewWeights;
  /** The weights the page has: `origin uri`, null for random, undefined before they are sent (after each `ready`). */
  private weightsKey: string | null | undefined;
  private asking = false;

  constructor(private readonly context: vscode.ExtensionContext, readonly panel: vscode.WebviewPanel, private readonly uri: vscode.Uri, private readonly networks: NetworkDocuments) {
    panels.set(uri.toString(), this);
    this.weights = new PreviewWeights(context.workspaceState);
    const webview = panel.webview;
    const root = vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview');
    webview.html = renderHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js')).toString(),
      workerUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'worker.js')).toString(),
      title: title(uri),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((m) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === this.uri.toString()) this.schedule();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor.document.uri.toString() === this.uri.toString()) this.sendCursor(e.textEditor.document, e.selections[0].active);
      }),
    );
  }

  private post(m: HostMessage): void {
    void this.panel.webview.postMessage(m);
  }

  private async document(): Promise<vscode.TextDocument | undefined> {
    try {
      return await vscode.workspace.openTextDocument(this.uri);
    } catch (err) {
      this.post({ type: 'error', message: `Cannot open ${this.uri.fsPath}: ${(err as Error).message}` });
      return undefined;
    }
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.sendDocument();
    }, DEBOUNCE_MS);
  }

  private async sendDocument(): Promise<void> {
    if (!this.ready) return;
    const doc = await this.document();
    if (!doc) return;
    // Before the document, so that the page's first run already has them (a comment may change).
    await this.refreshWeights(doc, false);
    this.post({ type: 'document', text: doc.getText(), uri: this.uri.toString(), version: doc.version, options: this.networks.optionsOf(doc) });
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.uri.toString());
    if (editor) this.sendCursor(doc, editor.selection.active, true);
  }

  private analysisOf(doc: vscode.TextDocument): Analysis {
    if (!this.analysis || this.analysis.version !== doc.version) this.analysis = { version: doc.version, analysis: analyse(doc.getText(), this.networks.optionsOf(doc)) };
    return this.analysis.analysis;
  }

  private sendCursor(doc: vscode.TextDocument, pos: vscode.Position, force = false): void {
    if (!this.ready) return;
    const layer = layerAtOffset(this.analysisOf(doc), doc.offsetAt(pos));
    const name = layer?.name ?? null;
    if (!force && name === this.lastCursor) return;
    this.lastCursor = name;
    this.post({ type: 'cursor', layer: name });
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parsePageMessage(raw);
    if (!m) return; // not a message we know: ignore
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.lastCursor = undefined;
        this.weightsKey = undefined;
        await this.sendDocument();
        {
          const doc = await this.document();
          if (doc) await this.refreshWeights(doc, true);
        }
        break;
      case 'pickWeights': {
        const source = await this.weights.pick(this.uri);
        if (source) {
          this.weightsKey = undefined; // the same file again is read again (it may have been retrained)
          await this.applyWeights(source);
        }
        break;
      }
      case 'randomWeights':
        await this.weights.useRandom(this.uri);
        this.weightsKey = null; // the page has gone back to random weights itself
        break;
      case 'reveal':
        await this.reveal(m.layer);
        break;
      case 'pickImage':
        await pickImage(this.uri, (m) => this.post(m));
        break;
      case 'savePng':
        await savePng(this.uri, m.file);
        break;
      case 'saveNpy':
        await saveNpy(this.uri, m.folder, m.files);
        break;
    }
  }

  /** Finds the network's weights and sends them when they changed; with `ask`, asks about a file found beside it. */
  private async refreshWeights(doc: vscode.TextDocument, ask: boolean): Promise<void> {
    const found = await this.weights.find(this.uri, doc.getText(), this.networks.optionsOf(doc)?.format === 'ultralytics');
    let source = found.source;
    if (!source && found.ask && ask && !this.asking) {
      this.asking = true;
      try {
        source = await this.weights.ask(this.uri, found.ask);
      } finally {
        this.asking = false;
      }
    }
    if (source || !found.ask || this.weightsKey === undefined) await this.applyWeights(source);
  }

  private async applyWeights(source: WeightsSource | null): Promise<void> {
    const key = source ? `${source.origin} ${source.uri.toString()}` : null;
    if (key === this.weightsKey) return;
    this.weightsKey = key;
    if (!source) {
      this.post({ type: 'weights', file: null });
      return;
    }
    try {
      this.post({ type: 'weights', file: await this.weights.read(source) });
    } catch (err) {
      this.post({ type: 'weights', file: null, problem: (err as Error).message });
    }
  }

  private async reveal(name: string): Promise<void> {
    const doc = await this.document();
    if (!doc) return;
    const layer = this.analysisOf(doc).layers.find((l) => l.name === name);
    if (!layer) return;
    // A layer made by a block use is revealed at the use; a plain layer at its own entry.
    const span: Span = layer.origin.blockPath.length ? layer.origin.entry : layer.origin.innerEntry;
    const range = new vscode.Range(doc.positionAt(span.start), doc.positionAt(span.end));
    const column = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.uri.toString())?.viewColumn ?? vscode.ViewColumn.One;
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: column, preserveFocus: false });
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    panels.delete(this.uri.toString());
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Asks for a workspace picture (PNG, JPEG) for the network in `uri` and sends it to the page. */
export async function pickImage(network: vscode.Uri, post: (m: HostMessage) => void): Promise<void> {
  const folder = vscode.workspace.getWorkspaceFolder(network) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    post({ type: 'error', message: 'Images can be picked only from a workspace folder; open a folder first.' });
    return;
  }
  const picked = await vscode.window.showOpenDialog({
    defaultUri: folder.uri,
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    openLabel: 'Use as input',
    filters: { Images: ['png', 'jpg', 'jpeg'] },
  });
  const uri = picked?.[0];
  if (!uri) return;
  const inWorkspace = vscode.workspace.getWorkspaceFolder(uri);
  const ext = /\.(png|jpe?g)$/i.exec(uri.path)?.[1]?.toLowerCase();
  if (!inWorkspace || !ext) {
    post({ type: 'error', message: `Pick a PNG or JPEG inside the workspace (${uri.fsPath} is not).` });
    return;
  }
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_IMAGE_BYTES) throw new Error(`${Math.round(stat.size / 1048576)} MB is too large`);
    const bytes = plainBytes(await vscode.workspace.fs.readFile(uri));
    const mime = ext === 'png' ? 'image/png' : 'image/jpeg';
    post({ type: 'image', name: uri.path.split('/').pop() ?? 'image', mime, bytes });
  } catch (err) {
    post({ type: 'error', message: `Cannot read ${uri.fsPath}: ${(err as Error).message}` });
  }
}

/**
 * The layer whose source holds `offset`: the innermost entry (inside a block definition) wins;
 * a block use (top-level entry) gives its first layer.
 */
export function layerAtOffset(a: Analysis, offset: number): LayerResult | undefined {
  const inside = (s: Span) => offset >= s.start && offset <= s.end;
  let best: LayerResult | undefined;
  let bestLen = Infinity;
  for (const l of a.layers) {
    for (const s of [l.origin.innerEntry, l.origin.entry]) {
      if (inside(s) && s.end - s.start < bestLen) {
        best = l;
        bestLen = s.end - s.start;
      }
    }
  }
  return best;
}
