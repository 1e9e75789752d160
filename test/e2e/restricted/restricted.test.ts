// What works in an untrusted workspace (Restricted Mode): everything. ConvLens only reads the
// network file and computes; it runs nothing from the workspace, so package.json declares
// `untrustedWorkspaces: { supported: true }` and these tests check that the features are there.
import * as assert from 'assert';
import * as vscode from 'vscode';

async function openExample(name: string): Promise<vscode.TextDocument> {
  const [uri] = await vscode.workspace.findFiles(`**/${name}`, undefined, 1);
  assert.ok(uri, `${name} not found in the workspace`);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  return doc;
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, ms = 30000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  // Language features answer once the server has started; wait on the answer, bounded.
  while (Date.now() < deadline) {
    last = await probe();
    if (last !== undefined) return last;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('ConvLens in Restricted Mode (untrusted workspace)', () => {
  it('the workspace is untrusted', () => {
    assert.strictEqual(vscode.workspace.isTrusted, false);
  });

  it('the extension activates', async () => {
    const ext = vscode.extensions.getExtension('convlens.convlens');
    assert.ok(ext);
    await openExample('resnet18.cnn.yaml');
    await ext.activate();
    assert.ok(ext.isActive);
  });

  it('inlay hints work', async () => {
    const doc = await openExample('resnet18.cnn.yaml');
    const range = new vscode.Range(0, 0, doc.lineCount, 0);
    const hints = await until(async () => {
      const h = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', doc.uri, range);
      return h && h.length ? h : undefined;
    }, 'inlay hints');
    const labels = hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
    assert.ok(labels.some((l) => l.includes('64×56×56')), labels.slice(0, 5).join(' | '));
  });

  it('diagnostics are published for a broken file', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'cnn-yaml', content: 'input: [3, 8, 8]\nlayers:\n  - convv: {out: 4, kernel: 3}\n' });
    await vscode.window.showTextDocument(doc);
    const diags = await until(() => {
      const d = vscode.languages.getDiagnostics(doc.uri);
      return d.length ? d : undefined;
    }, 'diagnostics');
    assert.ok(diags.some((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === 'CL003'), JSON.stringify(diags.map((d) => d.code)));
  });

  it('the preview command is available', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('convlens.previewFeatureMaps'));
  });
});
