// The ConvLens VS Code extension: starts the language server (dist/server.js over node IPC),
// shows totals in the status bar and registers the commands.
import * as path from 'path';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { StatusBar } from './statusBar';
import { openPreview, registerPreviewSerializer } from './preview';

let client: LanguageClient | undefined;

/** The public API returned by activate (used by the end-to-end tests). */
export interface ConvLensApi {
  client: LanguageClient;
  statusBar: StatusBar;
}

export async function activate(context: vscode.ExtensionContext): Promise<ConvLensApi> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'cnn-yaml' }],
    synchronize: { configurationSection: 'convlens' },
    outputChannelName: 'ConvLens',
  };
  client = new LanguageClient('convlens', 'ConvLens', serverOptions, clientOptions);
  await client.start();

  const statusBar = new StatusBar(client);
  // Panels restored after a reload come back through the serializer.
  registerPreviewSerializer(context);
  context.subscriptions.push(
    statusBar,
    vscode.commands.registerCommand('convlens.previewFeatureMaps', (arg?: vscode.Uri | string) => {
      const uri = typeof arg === 'string' ? vscode.Uri.parse(arg) : arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
      return openPreview(context, uri);
    }),
    vscode.commands.registerCommand('convlens.showDocumentation', async (code?: string) => {
      if (!code) {
        const picked = await vscode.window.showInputBox({ prompt: 'ConvLens rule code (e.g. CL101)' });
        if (!picked) return;
        code = picked.trim().toUpperCase();
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

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
