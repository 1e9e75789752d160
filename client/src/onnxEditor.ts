// Opening a `.onnx` file shows ConvLens's read-only view of it: the preview page (table first)
// given the file's bytes, which its worker analyses and runs with the model's own weights. The
// host only reads files: the model, and the external data files it names, only inside its folder.
import * as vscode from 'vscode';
import { readOnnx } from '../../engine';
import { isInputShape, MAX_WEIGHTS_BYTES, parseDynamicSizes, parsePageMessage, type DynamicSizes, type HostMessage, type ModelFile } from '../../protocol/preview';
import { makeNonce, renderHtml } from './previewHtml';
import { pickImage, webviewOptions } from './previewPanel';
import { saveNpy, savePng } from './previewExport';
import { plainBytes } from './previewWeights';

export const ONNX_VIEW_TYPE = 'convlens.onnx';
const INPUT_SHAPE_KEY = 'convlens.onnx.inputShape:';

/** Registers the custom editor for `*.onnx` (package.json contributes.customEditors). */
export function registerOnnxEditor(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.window.registerCustomEditorProvider(ONNX_VIEW_TYPE, new OnnxEditorProvider(context), { supportsMultipleEditorsPerDocument: true }));
}

class OnnxEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly context: vscode.ExtensionContext) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    const uri = document.uri;
    const webview = panel.webview;
    webview.options = webviewOptions(this.context);
    const root = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
    webview.html = renderHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js')).toString(),
      workerUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'worker.js')).toString(),
      title: `ConvLens: ${nameOf(uri)}`,
    });
    const post = (m: HostMessage) => void webview.postMessage(m);
    const state = this.context.workspaceState;
    const subscription = webview.onDidReceiveMessage(async (raw) => {
      const m = parsePageMessage(raw);
      if (!m) return;
      switch (m.type) {
        case 'ready':
          // The page (re)loads when shown again: it gets the file again, read afresh.
          try {
            const saved = state.get<unknown>(INPUT_SHAPE_KEY + uri.toString());
            const model = await readModel(uri, isInputShape(saved) ? saved : undefined);
            // No shape remembered for the file: the setting's sizes fill its dynamic dimensions.
            const dynamicSizes = model.inputShape ? undefined : dynamicSizesSetting(uri);
            post({ type: 'model', uri: uri.toString(), model: { ...model, ...(dynamicSizes ? { dynamicSizes } : {}) } });
          } catch (err) {
            post({ type: 'error', message: `Cannot read ${uri.fsPath}: ${(err as Error).message}` });
          }
          break;
        case 'inputShape':
          await state.update(INPUT_SHAPE_KEY + uri.toString(), m.shape);
          break;
        case 'pickImage':
          await pickImage(uri, post);
          break;
        case 'savePng':
          await savePng(uri, m.file);
          break;
        case 'saveNpy':
          await saveNpy(uri, m.folder, m.files);
          break;
      }
    });
    // The setting changed: the page re-runs with its sizes (unless a shape was given for the file).
    const watch = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('convlens.onnx.inputShape', uri)) post({ type: 'dynamicSizes', sizes: dynamicSizesSetting(uri) ?? null });
    });
    panel.onDidDispose(() => {
      subscription.dispose();
      watch.dispose();
    });
  }
}

/** The convlens.onnx.inputShape setting for the file (undefined when unset; a warning when it is not a shape). */
function dynamicSizesSetting(uri: vscode.Uri): DynamicSizes | undefined {
  const text = vscode.workspace.getConfiguration('convlens.onnx', uri).get<string>('inputShape') ?? '';
  const sizes = parseDynamicSizes(typeof text === 'string' ? text : '');
  if (sizes === null) void vscode.window.showWarningMessage(`ConvLens: the setting convlens.onnx.inputShape, '${text}', is not a shape (1x3x224x224 or 3x224x224) nor sizes by name (height=224, width=224); it is not used.`);
  return sizes ?? undefined;
}

const nameOf = (uri: vscode.Uri): string => uri.path.split('/').pop() ?? 'model.onnx';

/** Reads the model's bytes, and the bytes of each external data file it names that lies in its folder. */
async function readModel(uri: vscode.Uri, inputShape: number[] | undefined): Promise<ModelFile> {
  const size = (await vscode.workspace.fs.stat(uri)).size;
  if (size > MAX_WEIGHTS_BYTES) throw new Error(`${Math.round(size / 1048576)} MB is more than the view opens`);
  const bytes = plainBytes(await vscode.workspace.fs.readFile(uri));
  // The locations the file names (reading records them; the figures do not need the data).
  const locations = new Set<string>();
  readOnnx(bytes, { externalData: (location) => void locations.add(location) });
  const folder = vscode.Uri.joinPath(uri, '..');
  const externalData: Record<string, Uint8Array> = {};
  let total = bytes.length;
  for (const location of locations) {
    const inFolder = location.split(/[\\/]/).every((part) => part !== '' && part !== '.' && part !== '..') && !/^[A-Za-z]:/.test(location);
    if (!inFolder) continue; // the worker's reader then names the file it could not read
    const file = vscode.Uri.joinPath(folder, ...location.split(/[\\/]/));
    try {
      const stat = await vscode.workspace.fs.stat(file);
      if ((total += stat.size) > MAX_WEIGHTS_BYTES) break;
      externalData[location] = plainBytes(await vscode.workspace.fs.readFile(file));
    } catch {
      // Missing: the figures stand, and each weight it holds is a finding (CL024).
    }
  }
  return { name: nameOf(uri), bytes, externalData, ...(inputShape ? { inputShape } : {}) };
}
