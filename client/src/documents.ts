// Which open documents are networks, for the client's own features (status bar, preview,
// context keys), with the same rules and settings the language server uses (engine/readers/documents.ts);
// and the language of `.cfg` files that turn out to be Darknet models.
import * as vscode from 'vscode';
import { documentOptions, looksDarknet, parseFormatSettings, type ReadOptions } from '../../engine';

/** Per document: the scale the user chose with the CodeLens (kept across reloads). */
const SCALES_KEY = 'convlens.scales';

export class NetworkDocuments {
  constructor(private readonly state: vscode.Memento) {}

  scaleOf(uri: vscode.Uri): string | undefined {
    return this.state.get<Record<string, string>>(SCALES_KEY, {})[uri.toString()];
  }

  async setScale(uri: vscode.Uri, scale: string | undefined): Promise<void> {
    const all = { ...this.state.get<Record<string, string>>(SCALES_KEY, {}) };
    if (scale) all[uri.toString()] = scale;
    else delete all[uri.toString()];
    await this.state.update(SCALES_KEY, all);
  }

  /** How the document is read, or undefined when it is not a network. */
  optionsOf(doc: vscode.TextDocument): ReadOptions | undefined {
    const config = vscode.workspace.getConfiguration('convlens');
    const settings = parseFormatSettings(config.get('ultralytics'), config.get('pytorch'));
    return documentOptions(doc.languageId, doc.uri.toString(), doc.getText(), settings, this.scaleOf(doc.uri));
  }
}

/**
 * A `.cfg` file opens as `properties` (VS Code's language for .cfg). When its first section is
 * `[net]`, it is a Darknet model: give it the darknet-cfg language, so that other .cfg files are
 * never claimed.
 */
export async function claimDarknet(doc: vscode.TextDocument): Promise<void> {
  if (doc.languageId === 'darknet-cfg' || !/\.cfg$/i.test(doc.uri.path) || !['properties', 'plaintext', 'ini'].includes(doc.languageId)) return;
  if (!looksDarknet(doc.getText())) return;
  await vscode.languages.setTextDocumentLanguage(doc, 'darknet-cfg');
}
