// Navigation on names: go to definition and find references for names in `from:`, `outputs:`,
// `like:` and for block kinds; rename of a layer (or block) name with all its references.
import { ResponseError, ErrorCodes, type Location, type Position, type Range, type WorkspaceEdit } from 'vscode-languageserver';
import type { Span } from '../../../engine';
import type { Snapshot } from '../service';
import { contains, offsetAt, toRange } from './util';

interface Target {
  name: string;
  /** The definition: a `name:` value or a block key. */
  span: Span;
  /** The span under the cursor. */
  at: Span;
  kind: 'layer' | 'block';
}

const same = (a?: Span, b?: Span) => !!a && !!b && a.start === b.start && a.end === b.end;

/** The named thing under the cursor: a reference, a layer's `name:` value, or a block key. */
export function targetAt(snap: Snapshot, offset: number): Target | undefined {
  const a = snap.analysis;
  const ref = a.references.find((r) => contains(r.span, offset) && r.target);
  if (ref && ref.kind !== 'input') return { name: ref.name, span: ref.target!, at: ref.span, kind: ref.kind };
  const def = a.definitions.find((d) => contains(d.span, offset));
  if (def) return { name: def.name, span: def.span, at: def.span, kind: 'layer' };
  const block = a.blocks.find((b) => contains(b.keySpan, offset));
  if (block) return { name: block.name, span: block.keySpan, at: block.keySpan, kind: 'block' };
  return undefined;
}

export function definition(snap: Snapshot, position: Position): Location | null {
  const t = targetAt(snap, offsetAt(snap, position));
  return t ? { uri: snap.uri, range: toRange(snap, t.span) } : null;
}

function occurrences(snap: Snapshot, t: Target, includeDeclaration: boolean): Span[] {
  const spans = snap.analysis.references.filter((r) => same(r.target, t.span)).map((r) => r.span);
  if (includeDeclaration) spans.unshift(t.span);
  return spans;
}

export function references(snap: Snapshot, position: Position, includeDeclaration: boolean): Location[] {
  const t = targetAt(snap, offsetAt(snap, position));
  if (!t) return [];
  return occurrences(snap, t, includeDeclaration).map((s) => ({ uri: snap.uri, range: toRange(snap, s) }));
}

export function prepareRename(snap: Snapshot, position: Position): { range: Range; placeholder: string } | null {
  const t = targetAt(snap, offsetAt(snap, position));
  return t ? { range: toRange(snap, t.at), placeholder: t.name } : null;
}

export function rename(snap: Snapshot, position: Position, newName: string): WorkspaceEdit | null {
  const t = targetAt(snap, offsetAt(snap, position));
  if (!t) return null;
  if (!/^[A-Za-z_][\w-]*$/.test(newName) || newName === 'input') {
    throw new ResponseError(ErrorCodes.InvalidParams, `'${newName}' is not a valid ${t.kind} name (letters, digits, _ and -, not 'input').`);
  }
  const edits = occurrences(snap, t, true).map((s) => ({ range: toRange(snap, s), newText: newName }));
  return { changes: { [snap.uri]: edits } };
}
