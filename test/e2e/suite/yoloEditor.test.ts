// YOLO files in the real extension host: a model with a module ConvLens does not model shows its
// totals as partial in the status bar (and why), and a diagnostic's rule link opens the rule's
// page rendered (VS Code's markdown preview), not the extension's editable .md file.
import * as assert from 'assert';
import * as vscode from 'vscode';

interface Shown {
  text: string;
  tooltip: string;
  visible: boolean;
}
interface Api {
  statusBar: { last?: { partial?: { code: string; line: number } }; shown: Shown; refresh(): Promise<void> };
}

const codeOf = (d: vscode.Diagnostic) => String(typeof d.code === 'object' ? d.code.value : d.code);

function diagnosticsWhere(uri: vscode.Uri, ok: (d: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve) => {
    const check = () => {
      const d = vscode.languages.getDiagnostics(uri);
      if (!ok(d)) return;
      sub.dispose();
      resolve(d);
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    check();
  });
}

/** Resolves once a tab satisfying `ok` is open (checked now and on every tab change). */
function tabWhere(ok: (t: vscode.Tab) => boolean): Promise<vscode.Tab> {
  return new Promise((resolve) => {
    const find = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find(ok);
    const sub = vscode.window.tabGroups.onDidChangeTabs(() => {
      const t = find();
      if (t) {
        sub.dispose();
        resolve(t);
      }
    });
    const now = find();
    if (now) {
      sub.dispose();
      resolve(now);
    }
  });
}

describe('YOLO files in the editor (extension host)', () => {
  let api: Api;
  let uri: vscode.Uri;

  before(async () => {
    const ext = vscode.extensions.getExtension('convlens.convlens');
    assert.ok(ext);
    api = (await ext.activate()) as Api;
    const [model] = await vscode.workspace.findFiles('**/ultralytics/yolov8n.yaml', '**/node_modules/**', 1);
    assert.ok(model, 'the workspace has no ultralytics/yolov8n.yaml');
    const text = Buffer.from(await vscode.workspace.fs.readFile(model)).toString('utf8').replace('[-1, 3, C2f, [128, True]]', '[-1, 3, FooBlock, [128, True]]');
    assert.ok(text.includes('FooBlock'));
    uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'unmodelled-module.yaml');
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  });

  it('a module ConvLens does not model: the status bar says the totals are partial, and why', async () => {
    await diagnosticsWhere(uri, (d) => d.some((x) => codeOf(x) === 'CL003'));
    await api.statusBar.refresh();
    const shown = api.statusBar.shown;
    assert.ok(shown.visible);
    assert.match(shown.text, /^\$\(warning\) 5\.1K params · 162M MACs · partial \(1 error, line \d+\)$/);
    assert.ok(shown.tooltip.includes('Partial totals') && shown.tooltip.includes('FooBlock'), shown.tooltip);
    assert.strictEqual(api.statusBar.last?.partial?.code, 'CL003');
  });

  it('the rule link of the diagnostic opens the rendered rule page', async () => {
    const [d] = (await diagnosticsWhere(uri, (x) => x.some((y) => codeOf(y) === 'CL003'))).filter((x) => codeOf(x) === 'CL003');
    const target = typeof d.code === 'object' ? d.code.target : undefined;
    assert.ok(target);
    assert.strictEqual(target.scheme, 'command');
    // What the Problems view does with the link: run the command with its arguments.
    await vscode.commands.executeCommand(target.path, ...JSON.parse(decodeURIComponent(target.query)));
    const tab = await tabWhere((t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType) && /CL003/.test(t.label));
    assert.ok(tab, 'no markdown preview of CL003');
    // No editor of the .md itself was opened.
    assert.ok(!vscode.window.visibleTextEditors.some((e) => e.document.uri.path.endsWith('/CL003.md')));
  });
});
