// Completion in Ultralytics model files: the module of a row (`- [-1, 1, C|`), with its
// constructor's signature and what it does.
import { CompletionItemKind, MarkupKind, type CompletionItem, type Position } from 'vscode-languageserver';
import { ULTRALYTICS_MODULES } from '../../../engine';
import type { Snapshot } from '../service';

/** The text of a row up to the module name: `- [from, repeats, ` (from may be a list). */
const MODULE_SLOT = /^\s*-?\s*\[\s*(?:\[[^\]]*\]|-?\d+)\s*,\s*\d+\s*,\s*([\w.]*)$/;

export function moduleCompletion(snap: Snapshot, position: Position): CompletionItem[] {
  const lineStart = snap.lines.offset(position.line, 0);
  const before = snap.text.slice(lineStart, snap.lines.offset(position.line, position.character));
  if (!MODULE_SLOT.test(before)) return [];
  return Object.entries(ULTRALYTICS_MODULES).map(([name, spec]) => ({
    label: name,
    kind: CompletionItemKind.Class,
    detail: spec.signature,
    documentation: { kind: MarkupKind.Markdown, value: spec.doc },
  }));
}
