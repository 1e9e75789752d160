// PyTorch model source over LSP, in the `python` language (beside Pylance): inlay hints on the
// constructor lines (parameters) and on forward lines (shape, field), the CodeLens with totals on
// the class, the in_features error with its preferred fix; other Python files are left alone,
// and convlens.pytorch.enabled = false leaves every Python file alone.
import * as assert from 'assert';
import { readFileSync } from 'fs';
import { join } from 'path';
import type { CodeAction, CodeLens, InlayHint } from 'vscode-languageserver-protocol';
import { applyWorkspaceEdit, LspClient, positionAt, positionOf, repoRoot } from './client';

const labelOf = (h: InlayHint) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));
const wholeRange = (text: string) => ({ start: { line: 0, character: 0 }, end: positionAt(text, text.length) });
const cifar = readFileSync(join(repoRoot, 'test', 'fixtures', 'pytorch', 'models', 'cifar_net.py'), 'utf8');

/** A server for one describe block: started before its tests, shut down after them. */
function server(initializationOptions?: unknown): () => LspClient {
  let lsp: LspClient;
  before(async () => {
    lsp = new LspClient();
    await lsp.initialize(initializationOptions);
  });
  after(async function () {
    this.timeout(10_000);
    await lsp.shutdown();
    assert.strictEqual(lsp.exited?.code, 0, lsp.stderr.join(''));
  });
  return () => lsp;
}

describe('PyTorch model source over LSP', function () {
  const client = server();

  describe('the CIFAR-10 tutorial net', () => {
    const uri = 'file:///work/cifar_net.py';
    before(() => client().open(uri, cifar, 'python'));

    it('is analysed: its only finding is the receptive-field note', async () => {
      const d = await client().diagnostics(uri, 1);
      assert.deepStrictEqual(d.diagnostics.map((x) => x.code), ['CL303']);
    });
    it('constructor lines hint their parameters, forward lines the shape and field after them', async () => {
      const hints = await client().request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: wholeRange(cifar) });
      const on = (needle: string) => hints.filter((h) => h.position.line === positionOf(cifar, needle).line).map(labelOf);
      assert.deepStrictEqual(on('self.conv1 = nn.Conv2d(3, 6, 5)'), ['456 params']);
      assert.deepStrictEqual(on('self.fc1 = nn.Linear'), ['48.1K params']);
      assert.deepStrictEqual(on('self.pool = nn.MaxPool2d(2, 2)'), []);
      assert.deepStrictEqual(on('x = self.pool(F.relu(self.conv1(x)))'), ['→ 6×14×14 · 456 params · rf 6×6 /2']);
      assert.deepStrictEqual(on('x = torch.flatten(x, 1)'), ['→ 400 · rf global']);
      // At the end of the line, after the comment.
      const flat = hints.find((h) => h.position.line === positionOf(cifar, 'x = torch.flatten(x, 1)').line)!;
      assert.strictEqual(flat.position.character, cifar.split('\n')[flat.position.line].length);
    });
    it('a CodeLens on the class shows the totals', async () => {
      const lenses = await client().request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
      assert.strictEqual(lenses[0].range.start.line, positionOf(cifar, 'class Net').line);
      assert.ok(lenses[0].command!.title.startsWith('Σ 62K params'), lenses[0].command!.title);
    });
  });

  describe('a net whose forward ConvLens cannot follow past one line', () => {
    const uri = 'file:///work/unfollowed_net.py';
    // A data-dependent branch: the figures after it are withheld, so the totals are partial.
    const text = cifar.replace('x = torch.flatten(x, 1)', 'if x.sum() > 0:\n            x = x * 2\n        x = torch.flatten(x, 1)');
    before(() => client().open(uri, text, 'python'));

    it('the CodeLens totals say they are partial and name the note’s line (CL030 is information, not an error)', async () => {
      const d = await client().diagnostics(uri, 1);
      const note = d.diagnostics.find((x) => x.code === 'CL030')!;
      assert.ok(note, JSON.stringify(d.diagnostics));
      assert.strictEqual(note.range.start.line, positionOf(text, 'if x.sum() > 0').line);
      const lenses = await client().request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
      const title = lenses[0].command!.title;
      assert.ok(title.endsWith(`partial (CL030, line ${note.range.start.line + 1})`), title);
    });
  });

  describe('a broken net: fc1 expects 16·5·5 features, a 28×28 input gives 16·4·4', () => {
    const uri = 'file:///work/broken_net.py';
    const text = cifar.replace('input 3x32x32', 'input 3x28x28');
    before(() => client().open(uri, text, 'python'));

    it('the error is on in_features, with PyTorch’s message, and the preferred fix sets 16 * 4 * 4', async () => {
      const d = await client().diagnostics(uri, 1);
      const err = d.diagnostics.find((x) => x.code === 'CL102')!;
      assert.ok(err, JSON.stringify(d.diagnostics));
      assert.strictEqual(err.range.start.line, positionOf(text, 'self.fc1').line);
      assert.match(err.message, /mat1 and mat2 shapes cannot be multiplied \(1x256 and 400x120\)/);
      const actions = await client().request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: err.range, context: { diagnostics: [err] } });
      const fix = actions.find((a) => a.isPreferred)!;
      assert.strictEqual(fix.title, 'Set in_features to 256 (16 × 4 × 4)');
      assert.ok(applyWorkspaceEdit(text, uri, fix.edit!).includes('nn.Linear(16 * 4 * 4, 120)'));
    });
  });

  it('a Python file without an nn.Module subclass gets nothing', async () => {
    const uri = 'file:///work/train.py';
    const text = 'import torch\n\nfor epoch in range(10):\n    print(epoch)\n';
    await client().open(uri, text, 'python');
    assert.deepStrictEqual((await client().diagnostics(uri, 1)).diagnostics, []);
    assert.deepStrictEqual(await client().request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: wholeRange(text) }), []);
  });
});

describe('PyTorch over LSP with convlens.pytorch.enabled = false', function () {
  const client = server({ settings: { pytorch: { enabled: false } } });

  it('a model file is left alone: no hints, no findings', async () => {
    const uri = 'file:///work/cifar_net.py';
    await client().open(uri, cifar, 'python');
    assert.deepStrictEqual((await client().diagnostics(uri, 1)).diagnostics, []);
    assert.deepStrictEqual(await client().request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: wholeRange(cifar) }), []);
  });
});

describe('PyTorch over LSP: choosing the model of a file with several', function () {
  const client = server();

  it('a CodeLens on each other model analyses it instead', async () => {
    const uri = 'file:///work/resnet_blocks.py';
    const text = readFileSync(join(repoRoot, 'test', 'fixtures', 'pytorch', 'models', 'resnet_blocks.py'), 'utf8');
    await client().open(uri, text, 'python');
    const lenses = await client().request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.ok(lenses[0].command!.title.startsWith('Σ 11.2M params'), lenses[0].command!.title);
    const choose = lenses.find((l) => l.command?.title === 'Analyse ResNet')!;
    assert.strictEqual(choose.range.start.line, positionOf(text, 'class ResNet(').line);
    assert.deepStrictEqual(choose.command!.arguments, [uri, 'ResNet']);
    // BasicBlock and Bottleneck need arguments: they are not models of their own.
    assert.deepStrictEqual(lenses.filter((l) => l.command?.command === 'convlens.chooseModel').map((l) => l.command!.title), ['Analyse ResNet']);
    client().forget(uri);
    await client().connection.sendNotification('convlens/setModel', { uri, model: 'ResNet' });
    await client().diagnostics(uri);
    const after = await client().request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.ok(after[0].command!.title.startsWith('Σ 25.6M params'), after[0].command!.title);
    assert.ok(after.some((l) => l.command?.title === 'Analyse ResNet18'));
  });
});
