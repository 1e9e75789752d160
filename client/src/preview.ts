// The feature-map preview (a webview). Placeholder until the preview is built: the command and
// this entry point exist so menus, CodeLens and tests can rely on them.
import * as vscode from 'vscode';

export async function openPreview(_context: vscode.ExtensionContext, uri: vscode.Uri | undefined): Promise<void> {
  void uri;
  await vscode.window.showInformationMessage('Feature-map preview is not available yet');
}
