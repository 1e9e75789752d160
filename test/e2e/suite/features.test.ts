// ConvLens features in the real extension host (code-server = VS Code 1.100): the language
// client starts the server, and VS Code's own providers API returns what the editor shows.
// Every wait is on an event (diagnostics changes), bounded by mocha's timeout.
import * as assert from 'assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'convlens.convlens';

const labelOf = (h: vscode.InlayHint) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));
const hoverText = (hovers: vscode.Hover[]) =>
  hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : String(c)))).join('\n');

/** Resolves with the document's diagnostics once `ok` holds for them (checked now and on every change). */
function diagnosticsWhere(uri: vscode.Uri, ok: (d: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve) => {
    const check = () => {
      const d = vscode.languages.getDiagnostics(uri);
      if (ok(d)) {
        sub.dispose();
        resolve(d);
        return true;
      }
      return false;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    check();
  });
}

async function workspaceFile(name: string, text: string): Promise<vscode.Uri> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder');
  const uri = vscode.Uri.joinPath(folder.uri, name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  return uri;
}

function lineOf(doc: vscode.TextDocument, needle: string, nth = 0): number {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = doc.getText().indexOf(needle, at + 1);
  assert.ok(at >= 0, `'${needle}' not in ${doc.uri.path}`);
  return doc.positionAt(at).line;
}

describe('ConvLens features (language server through the VS Code client)', () => {
  let doc: vscode.TextDocument;
  let api: { statusBar: { last?: { params: number; macs: number }; refresh(): Promise<void> } } | undefined;

  before(async () => {
    const [uri] = await vscode.workspace.findFiles('**/resnet18.cnn.yaml', '**/node_modules/**', 1);
    assert.ok(uri, 'the workspace has no resnet18.cnn.yaml');
    doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
  });

  it('inlay hints give each layer entry its output shape, field and parameters', async () => {
    const range = new vscode.Range(0, 0, doc.lineCount, 0);
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', doc.uri, range);
    const at = (line: number) => hints.filter((h) => h.position.line === line).map(labelOf).join(' | ');
    assert.strictEqual(at(lineOf(doc, 'name: maxpool')), '→ 64×56×56 · rf 11×11 /4');
    assert.strictEqual(at(lineOf(doc, 'repeat: 2')), '→ 64×56×56 (×2) · rf 43×43 /4 · 148K params');
    assert.strictEqual(at(lineOf(doc, 'name: fc')), '→ 1000 · rf global · 513K params');
  });

  it('hover on a layer shows the size formula filled in', async () => {
    const line = lineOf(doc, '- maxpool:');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 6));
    const text = hoverText(hovers);
    assert.ok(text.includes('⌊(112 + 1 + 1 − 3)/2⌋ + 1 = 56'), text);
    assert.ok(text.includes('r = 7 + (3 − 1)·2 = 11'), text);
  });

  it('the status bar shows the totals of the active file', async () => {
    await vscode.window.showTextDocument(doc);
    await api?.statusBar.refresh();
    assert.strictEqual(api?.statusBar.last?.params, 11_689_512);
    assert.strictEqual(api?.statusBar.last?.macs, 1_814_073_344);
  });

  it('completion offers layer kinds and arguments', async () => {
    const pos = new vscode.Position(lineOf(doc, '- conv: {out: 64, kernel: 7'), 4);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, pos);
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('conv') && labels.includes('maxpool') && labels.includes('basic'), labels.join(', '));
  });

  it('go to definition from a from: name, and the outline', async () => {
    const line = lineOf(doc, 'from: [downsample, bn2]');
    const col = doc.lineAt(line).text.indexOf('bn2') + 1;
    const locs = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>('vscode.executeDefinitionProvider', doc.uri, new vscode.Position(line, col));
    assert.strictEqual(locs.length, 1);
    const target = 'range' in locs[0] ? locs[0].range : locs[0].targetRange;
    assert.strictEqual(doc.getText(target), 'bn2');
    assert.ok(target.start.line < line && target.start.line > lineOf(doc, '  basic_down:'));
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
    const layers = symbols.find((s) => s.name === 'layers');
    assert.ok(layers?.children.some((c) => c.name === 'layer1' && c.detail === 'basic ×2 → 64×56×56'));
  });

  it('a warning has a quick fix; applying it removes the warning', async () => {
    const text = ['name: strided-same', 'input: [3, 64, 64]', 'layers:', '  - conv: {out: 16, kernel: 3, stride: 2, padding: same}', '  - relu', ''].join('\n');
    const uri = await workspaceFile('strided-same.cnn.yaml', text);
    const fresh = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(fresh);
    const diags = await diagnosticsWhere(uri, (d) => d.some((x) => x.code !== undefined && String(typeof x.code === 'object' ? x.code.value : x.code) === 'CL105'));
    const warning = diags.find((x) => String(typeof x.code === 'object' ? x.code.value : x.code) === 'CL105')!;
    assert.strictEqual(warning.severity, vscode.DiagnosticSeverity.Warning);
    // The rule link opens the rendered page (a command), not the extension's editable .md.
    assert.strictEqual(String(typeof warning.code === 'object' ? warning.code.target : ''), `command:convlens.showDocumentation?${encodeURIComponent('["CL105"]')}`);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, warning.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.isPreferred && a.edit) ?? actions.find((a) => a.edit);
    assert.ok(fix?.edit, `no fix among ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(actions.some((a) => a.command?.command === 'convlens.showDocumentation'));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    await diagnosticsWhere(uri, (d) => !d.some((x) => String(typeof x.code === 'object' ? x.code.value : x.code) === 'CL105'));
    assert.ok(!fresh.getText().includes('padding: same'), fresh.getText());
  });

  it('registers the preview and documentation commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('convlens.previewFeatureMaps'));
    assert.ok(commands.includes('convlens.showDocumentation'));
  });
});
