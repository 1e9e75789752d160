// ConvLens beside another Python extension, in the real extension host. Pylance cannot be
// installed offline (it is proprietary and not on npm): test/e2e/python-standin is a stand-in
// that, like Pylance, gives every `python` document its own inlay hints (`: standin` after
// assigned names) and diagnostics (unresolved torch imports). ConvLens must add its hints and
// findings beside those in files that define an nn.Module, leave other Python files alone, and
// leave all of them alone with `convlens.pytorch.enabled: false`; the stand-in's stay.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

const STANDIN_ID = 'convlens-tests.python-standin';
const labelOf = (h: vscode.InlayHint) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));

/** The CIFAR-10 tutorial net at 28×28: fc1's 16 * 5 * 5 does not fit the 256 features that reach it (CL102). */
const MODEL = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'pytorch', 'models', 'cifar_net.py'), 'utf8').replace('input 3x32x32', 'input 3x28x28');

/** A training script: it imports torch but defines no nn.Module. */
const SCRIPT = `import torch

batch = torch.randn(8, 3, 32, 32)
total = batch.sum()
print(total)
`;

function diagnosticsWhere(uri: vscode.Uri, ok: (d: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve) => {
    const check = () => {
      const d = vscode.languages.getDiagnostics(uri);
      if (!ok(d)) return false;
      sub.dispose();
      resolve(d);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    check();
  });
}

async function open(name: string, text: string): Promise<vscode.TextDocument> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder');
  const uri = vscode.Uri.joinPath(folder.uri, name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  assert.strictEqual(doc.languageId, 'python');
  return doc;
}

/** Every provider's hints for the whole document, as the editor asks for them (ConvLens's answer waits for its analysis). */
async function hints(doc: vscode.TextDocument): Promise<Array<{ line: number; label: string }>> {
  const range = new vscode.Range(0, 0, doc.lineCount, 0);
  const all = (await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', doc.uri, range)) ?? [];
  return all.map((h) => ({ line: h.position.line, label: labelOf(h) }));
}

const lineOf = (doc: vscode.TextDocument, needle: string) => doc.positionAt(doc.getText().indexOf(needle)).line;
const fromConvLens = (d: vscode.Diagnostic) => d.source === 'convlens';
const fromStandin = (d: vscode.Diagnostic) => d.source === 'python-standin';

describe('ConvLens beside another Python extension (a stand-in for Pylance, not Pylance)', () => {
  let model: vscode.TextDocument;

  before(async () => {
    model = await open('model.py', MODEL);
    const standin = vscode.extensions.getExtension(STANDIN_ID);
    assert.ok(standin, `${STANDIN_ID} is not installed`);
    await standin.activate();
    assert.ok(vscode.extensions.getExtension('convlens.convlens'), 'ConvLens is not loaded');
  });

  it('a .py with an nn.Module: ConvLens hints and its CL102 error appear beside the stand-in’s hints and warnings', async () => {
    const d = await diagnosticsWhere(model.uri, (ds) => ds.some((x) => fromConvLens(x) && x.code !== undefined) && ds.some(fromStandin));
    const convlens = d.filter(fromConvLens);
    const cl102 = convlens.find((x) => (typeof x.code === 'object' ? x.code.value : x.code) === 'CL102');
    assert.ok(cl102, JSON.stringify(convlens.map((x) => x.message)));
    assert.strictEqual(cl102.range.start.line, lineOf(model, 'self.fc1 ='));
    assert.match(cl102.message, /in_features is 400 but 256 features reach it/);
    assert.deepStrictEqual(d.filter(fromStandin).map((x) => x.range.start.line), [1, 2, 3]);
    const h = await hints(model);
    const on = (needle: string) => h.filter((x) => x.line === lineOf(model, needle)).map((x) => x.label);
    // ConvLens's hint at the end of the line, the stand-in's after the name, on the same line.
    assert.deepStrictEqual(on('x = self.pool(F.relu(self.conv1(x)))'), [': standin', '→ 6×12×12 · 456 params · rf 6×6 /2']);
    assert.deepStrictEqual(on('self.conv1 = nn.Conv2d'), ['456 params']);
  });

  it('a .py without an nn.Module gets nothing from ConvLens; the stand-in’s hints and warnings are there', async () => {
    const script = await open('train.py', SCRIPT);
    const d = await diagnosticsWhere(script.uri, (ds) => ds.some(fromStandin));
    const h = await hints(script);
    assert.deepStrictEqual(h.map((x) => x.label), [': standin', ': standin']);
    // ConvLens answered the hint request above (its analysis of this version is done): no finding, no lens.
    assert.deepStrictEqual(vscode.languages.getDiagnostics(script.uri).filter(fromConvLens), []);
    assert.deepStrictEqual(d.filter(fromConvLens), []);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', script.uri)) ?? [];
    assert.deepStrictEqual(lenses.map((l) => l.command?.title), []);
  });

  it('convlens.pytorch.enabled: false removes ConvLens’s hints and findings from the model; the stand-in’s stay', async () => {
    await vscode.window.showTextDocument(model);
    const config = vscode.workspace.getConfiguration('convlens');
    await config.update('pytorch.enabled', false, vscode.ConfigurationTarget.Workspace);
    try {
      const d = await diagnosticsWhere(model.uri, (ds) => !ds.some(fromConvLens) && ds.some(fromStandin));
      assert.strictEqual(d.filter(fromStandin).length, 3);
      const h = await hints(model);
      assert.ok(h.length > 0 && h.every((x) => x.label === ': standin'), JSON.stringify(h));
    } finally {
      await config.update('pytorch.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    }
    // On again: ConvLens's error comes back.
    await diagnosticsWhere(model.uri, (ds) => ds.some((x) => fromConvLens(x) && (typeof x.code === 'object' ? x.code.value : x.code) === 'CL102'));
  });
});
