// A stand-in for Pylance in ConvLens's end-to-end tests (Pylance is proprietary and cannot be
// installed offline). Like Pylance, it serves every `python` document: an inlay hint with a
// "type" after each plain variable assigned (`x: standin = …`, where Pylance shows inferred
// types) and a warning on each torch import (Pylance's reportMissingImports: torch is not
// installed here). ConvLens must add its own hints and findings beside these, never replace them.
const vscode = require('vscode');

const SOURCE = 'python-standin';

function hintsOf(document, range) {
  const hints = [];
  for (let line = range.start.line; line <= Math.min(range.end.line, document.lineCount - 1); line++) {
    const m = /^(\s*)([A-Za-z_]\w*)\s*=[^=]/.exec(document.lineAt(line).text);
    if (!m) continue;
    const hint = new vscode.InlayHint(new vscode.Position(line, m[1].length + m[2].length), ': standin', vscode.InlayHintKind.Type);
    hint.paddingLeft = false;
    hints.push(hint);
  }
  return hints;
}

function diagnosticsOf(document) {
  const out = [];
  for (let line = 0; line < document.lineCount; line++) {
    const text = document.lineAt(line).text;
    const m = /^\s*(?:import|from)\s+(torch[\w.]*)/.exec(text);
    if (!m) continue;
    const start = text.indexOf(m[1]);
    const d = new vscode.Diagnostic(new vscode.Range(line, start, line, start + m[1].length), `Import "${m[1]}" could not be resolved (python stand-in)`, vscode.DiagnosticSeverity.Warning);
    d.source = SOURCE;
    out.push(d);
  }
  return out;
}

function activate(context) {
  const collection = vscode.languages.createDiagnosticCollection(SOURCE);
  const refresh = (document) => {
    if (document.languageId === 'python') collection.set(document.uri, diagnosticsOf(document));
  };
  context.subscriptions.push(
    collection,
    vscode.languages.registerInlayHintsProvider({ language: 'python' }, { provideInlayHints: hintsOf }),
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.workspace.onDidChangeTextDocument((e) => refresh(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => collection.delete(d.uri)),
  );
  vscode.workspace.textDocuments.forEach(refresh);
}

module.exports = { activate, deactivate() {} };
