// Findings with 1-based lines and columns, as `check --format json` prints them, and as one
// `file:line:col severity code message` line for terminals and editors' problem matchers.
import { LineIndex, type Finding } from '../../../engine';
import type { Checked } from '../checked';

export interface CliDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Finding['severity'];
  code: string;
  message: string;
}

export function diagnostics({ file, text, analysis }: Checked): CliDiagnostic[] {
  const index = new LineIndex(text);
  return analysis.findings.map((f) => {
    const s = index.position(f.span.start);
    const e = index.position(f.span.end);
    return { file, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1, severity: f.severity, code: f.code, message: f.message };
  });
}

export const diagnosticLine = (d: CliDiagnostic) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}\n`;
