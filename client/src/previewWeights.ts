// Which weights file a network's preview runs with, and reading it for the page (which never
// reads files; its worker parses the bytes). In order: the file the user loaded ("Load
// weights…"), random weights if the user went back to them, a comment in the network file
// (`# convlens: weights=best.pt`), the `convlens.preview.weights` setting, and a file beside the
// network whose name says it belongs to it (asked once; the answer is remembered per workspace).
// Files named by a comment or the setting are read only inside the workspace.
import * as vscode from 'vscode';
import { MAX_WEIGHTS_BYTES, type WeightsFile, type WeightsOrigin } from '../../protocol/preview';
import { WEIGHTS_EXTENSIONS, weightsBeside, weightsFromComment, weightsFromSetting } from './weightsSources';

/** workspaceState: per network URI, what the user chose. */
const CHOICES_KEY = 'convlens.preview.weights';

type Choice = { picked: string } | { random: true } | { beside: string; use: boolean };

export interface WeightsSource {
  uri: vscode.Uri;
  origin: WeightsOrigin;
}

const nameOf = (uri: vscode.Uri): string => uri.path.split('/').pop() ?? 'weights';
const folderOf = (uri: vscode.Uri): vscode.Uri => vscode.Uri.joinPath(uri, '..');

export class PreviewWeights {
  constructor(private readonly state: vscode.Memento) {}

  private choiceOf(network: vscode.Uri): Choice | undefined {
    return this.state.get<Record<string, Choice>>(CHOICES_KEY, {})[network.toString()];
  }

  private async remember(network: vscode.Uri, choice: Choice | undefined): Promise<void> {
    const all = { ...this.state.get<Record<string, Choice>>(CHOICES_KEY, {}) };
    if (choice) all[network.toString()] = choice;
    else delete all[network.toString()];
    await this.state.update(CHOICES_KEY, all);
  }

  /**
   * The weights file for a network without asking (null: random weights), or a file beside it
   * that the user has not been asked about yet (`ask`).
   */
  async find(network: vscode.Uri, text: string, ultralytics: boolean): Promise<{ source: WeightsSource | null; ask?: vscode.Uri }> {
    const choice = this.choiceOf(network);
    if (choice && 'picked' in choice) return { source: { uri: vscode.Uri.parse(choice.picked), origin: 'picked' } };
    if (choice && 'random' in choice) return { source: null };
    const named = weightsFromComment(text);
    if (named) return { source: { uri: resolvePath(network, named), origin: 'comment' } };
    const setting = weightsFromSetting(vscode.workspace.getConfiguration('convlens', network).get('preview.weights'), nameOf(network));
    if (setting) return { source: { uri: resolvePath(network, setting), origin: 'setting' } };
    let siblings: string[] = [];
    try {
      siblings = (await vscode.workspace.fs.readDirectory(folderOf(network))).filter(([, type]) => type === vscode.FileType.File).map(([name]) => name);
    } catch {
      return { source: null };
    }
    const beside = weightsBeside(nameOf(network), siblings, ultralytics);
    if (!beside) return { source: null };
    const uri = vscode.Uri.joinPath(folderOf(network), beside);
    if (choice && 'beside' in choice && choice.beside === uri.toString()) return { source: choice.use ? { uri, origin: 'beside' } : null };
    return { source: null, ask: uri };
  }

  /** Asks once whether to use a file found beside the network; the answer is remembered. */
  async ask(network: vscode.Uri, file: vscode.Uri): Promise<WeightsSource | null> {
    const use = 'Use it';
    const no = 'Not for this file';
    const answer = await vscode.window.showInformationMessage(`ConvLens: preview ${nameOf(network)} with the weights in ${nameOf(file)} (beside it)?`, use, no);
    if (answer === undefined) return null; // dismissed: asked again next time
    await this.remember(network, { beside: file.toString(), use: answer === use });
    return answer === use ? { uri: file, origin: 'beside' } : null;
  }

  /** "Load weights…": the user picks a file (remembered for this network). */
  async pick(network: vscode.Uri): Promise<WeightsSource | null> {
    const picked = await vscode.window.showOpenDialog({
      defaultUri: folderOf(network),
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: false,
      openLabel: 'Load weights',
      title: `Weights for ${nameOf(network)}`,
      filters: { 'Weights files': WEIGHTS_EXTENSIONS, 'All files': ['*'] },
    });
    const uri = picked?.[0];
    if (!uri) return null;
    await this.remember(network, { picked: uri.toString() });
    return { uri, origin: 'picked' };
  }

  /** Back to random weights for this network, until weights are loaded again. */
  async useRandom(network: vscode.Uri): Promise<void> {
    await this.remember(network, { random: true });
  }

  /** Reads the file for the page; an Error with a message for the user when it cannot. */
  async read(source: WeightsSource): Promise<WeightsFile> {
    const { uri, origin } = source;
    // A comment or a setting comes with the workspace: it may name a file only inside it. A file
    // the user picked in the dialog may be anywhere.
    if (origin !== 'picked' && !vscode.workspace.getWorkspaceFolder(uri)) throw new Error(`${uri.fsPath} is outside the workspace: the ${origin === 'comment' ? "network file's comment" : 'setting'} may name only a file inside it`);
    let size: number;
    try {
      size = (await vscode.workspace.fs.stat(uri)).size;
    } catch {
      throw new Error(`${uri.fsPath} does not exist (${describeOrigin(origin)})`);
    }
    if (size > MAX_WEIGHTS_BYTES) throw new Error(`${uri.fsPath} is ${Math.round(size / 1048576)} MB: the preview reads weights files up to ${MAX_WEIGHTS_BYTES / 1048576} MB`);
    return { name: nameOf(uri), origin, bytes: plainBytes(await vscode.workspace.fs.readFile(uri)) };
  }
}

/**
 * The bytes as a plain Uint8Array over the same memory. In a Node extension host readFile gives a
 * Buffer, which webview messages do not carry as bytes (its constructor is not Uint8Array: it
 * arrives as `{type: 'Buffer', data: […]}`, which the page refuses).
 */
export function plainBytes(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function describeOrigin(origin: WeightsOrigin): string {
  return { picked: 'the file loaded', comment: "named in the network file's comment", setting: 'named by convlens.preview.weights', beside: 'found beside the network' }[origin];
}

/** A path from a comment or the setting: absolute, or relative to the network's folder. */
function resolvePath(network: vscode.Uri, path: string): vscode.Uri {
  if (/^([A-Za-z]:)?[\\/]/.test(path)) return network.with({ path: path.replace(/\\/g, '/').replace(/^([A-Za-z]:)/, '/$1') });
  return vscode.Uri.joinPath(folderOf(network), path);
}
