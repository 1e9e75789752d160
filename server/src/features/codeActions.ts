// Code actions: the engine's quick fixes for each ConvLens diagnostic, a "Show documentation"
// action per code, and two source actions: "Fix all padding problems in file" and fix-all.
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import { allCodes, quickFixes, type Finding, type QuickFix, type TextEdit } from '../../../engine';
import type { Snapshot } from '../service';
import { toRange } from './util';

export const FIX_PADDING_KIND = `${CodeActionKind.Source}.fixPadding.convlens`;
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.convlens`;

/** Codes of every rule about padding (engine findings and lint rules alike). */
export function paddingCodes(): Set<string> {
  return new Set(allCodes().filter((c) => /pad/i.test(`${c.id} ${c.title}`) || c.code === 'CL105').map((c) => c.code));
}

/** The engine's fixes, or a plain replacement when the finding carries a suggestion and no fix is registered. */
export function fixesFor(snap: Snapshot, finding: Finding): QuickFix[] {
  const fixes = quickFixes(snap.text, snap.analysis, finding);
  if (fixes.length) return fixes;
  const replacement = finding.data?.replacement;
  if (typeof replacement === 'string' && finding.span.end > finding.span.start) {
    return [{ title: `Change to '${replacement}'`, isPreferred: true, edits: [{ span: finding.span, newText: replacement }] }];
  }
  return [];
}

function lspEdits(snap: Snapshot, edits: TextEdit[]): LspTextEdit[] {
  return edits.map((e) => ({ range: toRange(snap, e.span), newText: e.newText }));
}

const sameRange = (d: Diagnostic, snap: Snapshot, f: Finding) => {
  const r = toRange(snap, f.span);
  return r.start.line === d.range.start.line && r.start.character === d.range.start.character && r.end.line === d.range.end.line && r.end.character === d.range.end.character;
};

/** Preferred fixes of the given findings, merged into one edit list without overlaps. */
function mergedFixes(snap: Snapshot, findings: Finding[]): { edits: TextEdit[]; count: number } {
  const picked: TextEdit[] = [];
  let count = 0;
  for (const f of findings) {
    const fixes = fixesFor(snap, f);
    const fix = fixes.find((x) => x.isPreferred) ?? (fixes.length === 1 ? fixes[0] : undefined);
    if (!fix || !fix.edits.length) continue;
    const overlaps = fix.edits.some((e) => picked.some((p) => e.span.start < p.span.end && p.span.start < e.span.end));
    if (overlaps) continue;
    picked.push(...fix.edits);
    count++;
  }
  return { edits: picked.sort((a, b) => a.span.start - b.span.start), count };
}

export function codeActions(snap: Snapshot, params: CodeActionParams): CodeAction[] {
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const out: CodeAction[] = [];
  const uri = snap.uri;

  if (wants(CodeActionKind.QuickFix)) {
    const docsShown = new Set<string>();
    for (const d of params.context.diagnostics) {
      if (d.source !== 'convlens') continue;
      const finding = snap.analysis.findings.find((f) => f.code === d.code && sameRange(d, snap, f));
      if (finding) {
        for (const fix of fixesFor(snap, finding)) {
          out.push({
            title: fix.title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [d],
            isPreferred: fix.isPreferred,
            edit: { changes: { [uri]: lspEdits(snap, fix.edits) } },
          });
        }
      }
      const code = String(d.code ?? '');
      if (code && !docsShown.has(code)) {
        docsShown.add(code);
        out.push({
          title: `Show documentation for ${code}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          command: { title: `Show documentation for ${code}`, command: 'convlens.showDocumentation', arguments: [code] },
        });
      }
    }
  }

  if (wants(FIX_PADDING_KIND)) {
    const codes = paddingCodes();
    const { edits, count } = mergedFixes(snap, snap.analysis.findings.filter((f) => codes.has(f.code)));
    if (count) {
      out.push({ title: `Fix all padding problems in file (${count})`, kind: FIX_PADDING_KIND, edit: { changes: { [uri]: lspEdits(snap, edits) } } });
    }
  }
  if (wants(FIX_ALL_KIND) && only) {
    // Fix-all runs on save or on request only (`only` set), like other linters.
    const { edits, count } = mergedFixes(snap, snap.analysis.findings);
    if (count) out.push({ title: `Fix all ConvLens problems (${count})`, kind: FIX_ALL_KIND, edit: { changes: { [uri]: lspEdits(snap, edits) } } });
  }
  return out;
}
