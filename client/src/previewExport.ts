// Saving what the preview page exports (validated by parsePageMessage before it gets here): a
// webview cannot download, so the page sends the bytes and the host asks where to put them with
// VS Code's own save dialog, next to the network by default. A PNG is one file (the dialog asks
// before overwriting); the .npy files go into a new folder of the chosen name, or into the
// folder chosen if it exists (again after the dialog's confirmation). Nothing else is written.
import * as vscode from 'vscode';
import type { ExportFile } from '../../protocol/preview';

/** The folder holding the network file. */
function folderOf(network: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(network, '..');
}

async function exists(uri: vscode.Uri): Promise<vscode.FileStat | undefined> {
  try {
    return await vscode.workspace.fs.stat(uri);
  } catch {
    return undefined;
  }
}

async function offerToShow(message: string, target: vscode.Uri, open: boolean): Promise<void> {
  const action = open ? 'Open' : 'Reveal in Explorer';
  const chosen = await vscode.window.showInformationMessage(message, action);
  if (chosen === 'Open') await vscode.commands.executeCommand('vscode.open', target);
  else if (chosen) await vscode.commands.executeCommand('revealInExplorer', target);
}

/** Asks where to save a layer's PNG and writes it. */
export async function savePng(network: vscode.Uri, file: ExportFile): Promise<void> {
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(folderOf(network), file.name),
    filters: { 'PNG image': ['png'] },
    saveLabel: 'Save PNG',
    title: 'Save the feature maps as a PNG image',
  });
  if (!target) return;
  try {
    await vscode.workspace.fs.writeFile(target, file.bytes);
  } catch (err) {
    void vscode.window.showErrorMessage(`ConvLens: cannot save ${target.fsPath}: ${(err as Error).message}`);
    return;
  }
  void offerToShow(`ConvLens: saved ${target.path.split('/').pop()}`, target, true);
}

/** Asks for a folder to create (or an existing one) and writes every .npy file into it. */
export async function saveNpy(network: vscode.Uri, folder: string, files: ExportFile[]): Promise<void> {
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(folderOf(network), folder),
    saveLabel: 'Save .npy files here',
    title: `Save ${files.length} .npy files (the input and every layer's output) into a new folder`,
  });
  if (!target) return;
  try {
    const stat = await exists(target);
    if (stat && stat.type !== vscode.FileType.Directory) throw new Error('a file of that name exists; choose a folder name');
    if (!stat) await vscode.workspace.fs.createDirectory(target);
    for (const f of files) await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(target, f.name), f.bytes);
  } catch (err) {
    void vscode.window.showErrorMessage(`ConvLens: cannot save the .npy files to ${target.fsPath}: ${(err as Error).message}`);
    return;
  }
  void offerToShow(`ConvLens: saved ${files.length} .npy files to ${target.path.split('/').pop()}`, target, false);
}
