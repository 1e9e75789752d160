// The feature-map preview command: opens (or reveals) the webview panel for a network file.
// The panel itself lives in previewPanel.ts.
import * as vscode from 'vscode';
import { openPreview as openPanel, registerPreviewSerializer } from './previewPanel';
import type { NetworkDocuments } from './documents';

export { registerPreviewSerializer };

export async function openPreview(context: vscode.ExtensionContext, uri: vscode.Uri | undefined, networks: NetworkDocuments): Promise<void> {
  if (!uri) {
    await vscode.window.showWarningMessage('ConvLens: open a network file (*.cnn.yaml, an Ultralytics model YAML or a Darknet .cfg) to preview its feature maps.');
    return;
  }
  openPanel(context, uri, networks);
}
