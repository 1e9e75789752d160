// Helpers shared by the feature adapters: spans ↔ LSP ranges, the entry under the cursor, and
// the guard that keeps a failing handler from taking the server down.
import { ResponseError, type Position, type Range } from 'vscode-languageserver';
import type { EntryResult, LayerResult, Span } from '../../../engine';
import type { Snapshot } from '../service';

export function toRange(snap: Snapshot, span: Span): Range {
  return snap.lines.range(span);
}

export function offsetAt(snap: Snapshot, pos: Position): number {
  return snap.lines.offset(pos.line, pos.character);
}

export const contains = (span: Span, offset: number) => span.start <= offset && offset <= span.end;

/** The innermost written entry whose span contains the offset. */
export function entryAt(snap: Snapshot, offset: number): EntryResult | undefined {
  let best: EntryResult | undefined;
  for (const e of snap.analysis.entries) {
    if (contains(e.span, offset) && (!best || e.span.end - e.span.start < best.span.end - best.span.start)) best = e;
  }
  return best;
}

/** The layers an entry produced (all instances). */
export function layersOf(snap: Snapshot, entry: EntryResult): LayerResult[] {
  return entry.layers.map((i) => snap.analysis.layers[i]).filter(Boolean);
}

/** The identifier-like word around an offset, with its span. */
export function wordAt(text: string, offset: number): { word: string; span: Span } | undefined {
  const isWord = (c: string) => /[\w.$]/.test(c);
  let s = offset;
  let e = offset;
  while (s > 0 && isWord(text[s - 1])) s--;
  while (e < text.length && isWord(text[e])) e++;
  if (s === e) return undefined;
  return { word: text.slice(s, e), span: { start: s, end: e } };
}

/**
 * Runs a handler; an exception is logged and turned into the empty answer, so one bad document
 * or a bug in one feature never crashes the server.
 */
export function guard<A extends unknown[], R>(name: string, log: (m: string) => void, empty: R, fn: (...args: A) => R): (...args: A) => R {
  return (...args: A) => {
    try {
      return fn(...args);
    } catch (err) {
      if (err instanceof ResponseError) throw err; // a deliberate answer (e.g. an invalid new name)
      log(`convlens: ${name} failed: ${(err as Error)?.stack ?? String(err)}`);
      return empty;
    }
  };
}
