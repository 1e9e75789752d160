// Status bar item for the active cnn-yaml editor: total parameters and MACs, from the server's
// `convlens/summary` request. Refreshed when the active editor changes and whenever the server
// announces a new analysis of the active document (`convlens/analysed`, sent with each
// diagnostics push).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { compactNumber as compact } from '../../engine/explain';
import { partialExplanation, partialLabel, type Summary } from '../../protocol/summary';
import type { NetworkDocuments } from './documents';

export type { Summary };

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('convlens.summary', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [];
  private seq = 0;
  /** The last summary shown (for tests and the command). */
  last: Summary | undefined;

  /** What the item shows: its text and tooltip (for the end-to-end tests). */
  get shown(): { text: string; tooltip: string; visible: boolean } {
    const tooltip = this.item.tooltip;
    return { text: this.item.text, tooltip: typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? ''), visible: this.visible };
  }
  private visible = false;

  constructor(private readonly client: LanguageClient, private readonly networks: NetworkDocuments) {
    this.item.name = 'ConvLens totals';
    this.item.command = 'convlens.previewFeatureMaps';
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      client.onNotification('convlens/analysed', (p: { uri: string }) => {
        if (p.uri === vscode.window.activeTextEditor?.document.uri.toString()) void this.refresh();
      }),
    );
    this.refresh();
  }

  async refresh(): Promise<void> {
    const doc = vscode.window.activeTextEditor?.document;
    const network = doc ? this.networks.optionsOf(doc) : undefined;
    void vscode.commands.executeCommand('setContext', 'convlens.isNetwork', !!network);
    if (!doc || !network) {
      void vscode.commands.executeCommand('setContext', 'convlens.hasScales', false);
      this.hide();
      return;
    }
    const seq = ++this.seq;
    try {
      const s = await this.client.sendRequest<Summary | null>('convlens/summary', { uri: doc.uri.toString() });
      if (seq !== this.seq) return; // a newer refresh is on its way
      if (!s) {
        this.hide();
        return;
      }
      this.last = s;
      // A scale in the file name always wins (as in Ultralytics): nothing to choose then.
      void vscode.commands.executeCommand('setContext', 'convlens.hasScales', (s.scale?.choices.length ?? 0) > 1 && s.scale?.from !== 'file name');
      const native = s.native?.figures.find((f) => f.label === 'GFLOPs' || f.label === 'BFLOPs');
      // Totals of a network with errors count only what was analysed: the item says so (and the tooltip why).
      const figures = `${compact(s.params)} params · ${compact(s.macs)} MACs`;
      this.item.text = s.partial
        ? `$(warning) ${figures} · ${partialLabel(s.partial)}`
        : `$(symbol-structure) ${figures}${native ? ` · ${native.text} ${native.label}` : ''}${s.scale ? ` · ${s.scale.name}` : ''}`;
      const md = new vscode.MarkdownString(
        [
          `**${s.name ?? 'network'}**: ${s.layers} layers`,
          '',
          ...(s.partial ? [partialExplanation(s), ''] : []),
          `- parameters: ${s.params.toLocaleString('en-US')}`,
          `- MACs: ${s.macs.toLocaleString('en-US')} (FLOPs ${compact(s.flops)})`,
          `- output: ${s.outputs.map((o) => `${o.name} ${o.shape}`).join(', ') || '?'}`,
          s.field ? `- ${s.field}` : '',
          ...(s.native ? [`- ${s.native.tool}: ${s.native.figures.map((f) => `${f.text} ${f.label}`).join(', ')}`] : []),
          ...(s.scale ? [`- scale ${s.scale.name} (${s.scale.from}) of ${s.scale.choices.join(', ')}`] : []),
          `- ${s.errors} errors, ${s.warnings} warnings`,
          '',
          'Click to preview feature maps.',
        ].join('\n'),
      );
      this.item.tooltip = md;
      this.item.show();
      this.visible = true;
    } catch {
      if (seq === this.seq) this.hide();
    }
  }

  private hide(): void {
    this.item.hide();
    this.visible = false;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
