// Findings → LSP diagnostics (pushed): severity, code, a link to docs/rules/<code>.md inside the
// extension (codeDescription), related information.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { Finding, Severity } from '../../../engine';
import type { Snapshot } from '../service';
import { toRange } from './util';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** The extension's root: dist/server.js lives in <root>/dist (server/src/features when run from source). */
export function extensionRoot(): string {
  for (const up of ['..', '../../..', '../../../..']) {
    const dir = resolve(__dirname, up);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return resolve(__dirname, '..');
}

const root = extensionRoot();

/** file:// URI of the documentation page of a finding code. */
export function docUri(code: string): string {
  return pathToFileURL(join(root, 'docs', 'rules', `${code}.md`)).toString();
}

export function toDiagnostic(snap: Snapshot, f: Finding): Diagnostic {
  const d: Diagnostic = {
    range: toRange(snap, f.span),
    severity: SEVERITY[f.severity] ?? DiagnosticSeverity.Error,
    code: f.code,
    codeDescription: { href: docUri(f.code) },
    source: 'convlens',
    message: f.message,
    data: { version: snap.version },
  };
  if (f.related?.length) {
    d.relatedInformation = f.related.map((r) => ({ location: { uri: snap.uri, range: toRange(snap, r.span) }, message: r.message }));
  }
  return d;
}

export function diagnostics(snap: Snapshot): Diagnostic[] {
  return snap.analysis.findings.map((f) => toDiagnostic(snap, f));
}
