// The feature-map preview command: opens (or reveals) the webview panel for a network file.
// The panel itself lives in previewPanel.ts.
import * as vscode from 'vscode';
import { openPreview as openPanel, registerPreviewSerializer } from './previewPanel';

export { registerPreviewSerializer };

export async function openPreview(context: vscode.ExtensionContext, uri: vscode.Uri | undefined): Promise<void> {
  if (!uri) {
    await vscode.window.showWarningMessage('ConvLens: open a *.cnn.yaml network to preview its feature maps.');
    return;
  }
  openPanel(context, uri);
}
