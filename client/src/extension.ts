// The ConvLens VS Code extension: starts the language server (dist/server.js over node IPC),
// shows totals in the status bar and registers the commands.
import * as path from 'path';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { StatusBar } from './statusBar';
import { openPreview, registerPreviewSerializer } from './preview';
import { registerOnnxEditor } from './onnxEditor';
import { claimDarknet, NetworkDocuments } from './documents';
import { SET_MODEL, SET_SCALE, type SetModelParams, type SetScaleParams } from '../../protocol/summary';

let client: LanguageClient | undefined;

/** The public API returned by activate (used by the end-to-end tests). */
export interface ConvLensApi {
  client: LanguageClient;
  statusBar: StatusBar;
}

export async function activate(context: vscode.ExtensionContext): Promise<ConvLensApi> {
  // Before the language server starts: an .onnx file opened at startup waits for this view only.
  registerOnnxEditor(context);
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Plain YAML and Python go to the server too: it analyses only files that look like Ultralytics
    // models or define nn.Module subclasses (beside the Python extensions, never instead of them).
    documentSelector: [{ language: 'cnn-yaml' }, { language: 'ultralytics-yaml' }, { language: 'darknet-cfg' }, { language: 'yaml' }, { language: 'python' }],
    synchronize: { configurationSection: 'convlens' },
    outputChannelName: 'ConvLens',
    middleware: {
      // The rule link of a diagnostic (Problems view, hover) opens the rendered page, not the
      // extension's own editable .md file.
      handleDiagnostics: (uri, diagnostics, next) => next(uri, diagnostics.map(withRenderedDocLink)),
    },
  };
  client = new LanguageClient('convlens', 'ConvLens', serverOptions, clientOptions);
  await client.start();

  const networks = new NetworkDocuments(context.workspaceState);
  // Panels restored after a reload come back through the serializer.
  registerPreviewSerializer(context, networks);
  const statusBar = new StatusBar(client, networks);
  const sendScale = (uri: vscode.Uri) => {
    const scale = networks.scaleOf(uri);
    if (scale) void client!.sendNotification(SET_SCALE, { uri: uri.toString(), scale } satisfies SetScaleParams);
  };
  for (const doc of vscode.workspace.textDocuments) {
    void claimDarknet(doc);
    sendScale(doc.uri);
  }
  context.subscriptions.push(
    statusBar,
    vscode.workspace.onDidOpenTextDocument((doc) => {
      void claimDarknet(doc);
      sendScale(doc.uri);
    }),
    vscode.commands.registerCommand('convlens.chooseScale', async (uriArg?: string, choices?: string[], current?: string) => {
      const uri = uriArg ? vscode.Uri.parse(uriArg) : vscode.window.activeTextEditor?.document.uri;
      if (!uri) return;
      const known = statusBar.last?.uri === uri.toString() ? statusBar.last.scale : undefined;
      if (known?.from === 'file name') {
        void vscode.window.showInformationMessage(`ConvLens: this file is scale '${known.name}' by its name, as Ultralytics reads it; a scale can be chosen only for a file named without one (yolov8.yaml).`);
        return;
      }
      const scales = choices ?? known?.choices ?? [];
      const shown = current ?? known?.name;
      const items = scales.map((s) => ({ label: s, description: s === shown ? 'shown now' : undefined }));
      items.push({ label: '$(discard) Scale from the file name or setting', description: undefined });
      const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Model scale to analyse (Ultralytics `scales`)' });
      if (!picked) return;
      const scale = scales.includes(picked.label) ? picked.label : undefined;
      await networks.setScale(uri, scale);
      await client!.sendNotification(SET_SCALE, { uri: uri.toString(), scale: scale ?? null } satisfies SetScaleParams);
      vscode.window.setStatusBarMessage(scale ? `ConvLens: figures for scale '${scale}'` : 'ConvLens: figures for the scale of the file name or setting', 5000);
    }),
    vscode.commands.registerCommand('convlens.chooseModel', async (uriArg?: string, model?: string) => {
      const uri = uriArg ? vscode.Uri.parse(uriArg) : vscode.window.activeTextEditor?.document.uri;
      if (!uri) return;
      await client!.sendNotification(SET_MODEL, { uri: uri.toString(), model: model ?? null } satisfies SetModelParams);
    }),
    vscode.commands.registerCommand('convlens.previewFeatureMaps', (arg?: vscode.Uri | string) => {
      const uri = typeof arg === 'string' ? vscode.Uri.parse(arg) : arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
      return openPreview(context, uri, networks);
    }),
    vscode.commands.registerCommand('convlens.showDocumentation', async (code?: string) => {
      if (!code) {
        const picked = await vscode.window.showInputBox({ prompt: 'ConvLens rule code (e.g. CL101)' });
        if (!picked) return;
        code = picked.trim().toUpperCase();
      }
      if (!/^CL\d{3}$/.test(code)) {
        void vscode.window.showWarningMessage(`ConvLens: "${code}" is not a rule code (CL followed by three digits).`);
        return;
      }
      const file = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules', `${code}.md`);
      if (!fs.existsSync(file.fsPath)) {
        void vscode.window.showWarningMessage(`ConvLens: no documentation for ${code} yet (${file.fsPath}).`);
        return;
      }
      await vscode.commands.executeCommand('markdown.showPreview', file);
    }),
  );
  return { client, statusBar };
}

/** `command:` URI that shows a rule's page rendered (VS Code's Problems view and hovers open command links). */
export function documentationLink(code: string): vscode.Uri {
  return vscode.Uri.parse(`command:convlens.showDocumentation?${encodeURIComponent(JSON.stringify([code]))}`);
}

function withRenderedDocLink(d: vscode.Diagnostic): vscode.Diagnostic {
  if (d.source !== 'convlens' || typeof d.code !== 'object' || !/^CL\d{3}$/.test(String(d.code.value))) return d;
  d.code = { value: d.code.value, target: documentationLink(String(d.code.value)) };
  return d;
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
