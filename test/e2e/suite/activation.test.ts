// Runs inside the real extension host (code-server = VS Code 1.100): opening a network definition
// gives it the cnn-yaml language and activates ConvLens.
import * as assert from 'assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'convlens.convlens';

describe('activation', () => {
  let uri: vscode.Uri;

  before(async () => {
    const found = await vscode.workspace.findFiles('**/*.cnn.yaml', '**/node_modules/**', 10);
    assert.ok(found.length > 0, 'the test workspace has no *.cnn.yaml file');
    found.sort((a, b) => a.path.localeCompare(b.path));
    uri = found[0];
  });

  it('opens a *.cnn.yaml document with language id cnn-yaml', async () => {
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    assert.strictEqual(editor.document.uri.toString(), uri.toString());
    assert.strictEqual(document.languageId, 'cnn-yaml');
  });

  it(`activates ${EXTENSION_ID}`, async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    await ext.activate();
    assert.strictEqual(ext.isActive, true);
  });
});
