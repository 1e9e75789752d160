// Document symbols (the outline): top-level layers and block instances with their output shapes,
// and the block definitions with their own entries.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { EntryResult } from '../../../engine';
import { formatShape } from '../../../engine/explain';
import type { Snapshot } from '../service';
import { contains, toRange } from './util';

function entrySymbol(snap: Snapshot, e: EntryResult): DocumentSymbol {
  const def = snap.analysis.definitions.find((d) => contains(e.span, d.span.start) && d.name === e.name);
  const detail = `${e.kind}${e.instances > 1 ? ` ×${e.instances}` : ''}${e.shape ? ` → ${formatShape(e.shape)}` : ''}`;
  return {
    name: e.name,
    detail,
    kind: e.isBlock ? SymbolKind.Module : SymbolKind.Function,
    range: toRange(snap, e.span),
    selectionRange: toRange(snap, def?.span ?? e.kindKey),
  };
}

export function documentSymbols(snap: Snapshot): DocumentSymbol[] {
  const a = snap.analysis;
  const top = a.entries.filter((e) => !e.inBlock).map((e) => entrySymbol(snap, e));
  const blocks: DocumentSymbol[] = a.blocks.map((b) => ({
    name: b.name,
    detail: `block (${b.params.map((p) => p.name).join(', ')}) · ${b.uses} use${b.uses === 1 ? '' : 's'}`,
    kind: SymbolKind.Class,
    range: toRange(snap, b.span),
    selectionRange: toRange(snap, b.keySpan),
    children: a.entries.filter((e) => e.inBlock === b.name && contains(b.span, e.span.start)).map((e) => entrySymbol(snap, e)),
  }));
  const out: DocumentSymbol[] = [];
  if (blocks.length) {
    const m = /^blocks[ \t]*:/m.exec(snap.text);
    const span = { start: m?.index ?? a.blocks[0].span.start, end: a.blocks[a.blocks.length - 1].span.end };
    out.push({ name: 'blocks', kind: SymbolKind.Namespace, range: toRange(snap, span), selectionRange: toRange(snap, { start: span.start, end: span.start + (m ? 6 : 0) }), children: blocks });
  }
  if (top.length) {
    const m = /^layers[ \t]*:/m.exec(snap.text);
    const first = a.entries.find((e) => !e.inBlock)!;
    const last = [...a.entries].reverse().find((e) => !e.inBlock)!;
    const start = m?.index ?? first.span.start;
    out.push({
      name: 'layers',
      detail: a.outputs.length ? `→ ${a.outputs.map((o) => formatShape(o.shape)).join(', ')}` : undefined,
      kind: SymbolKind.Namespace,
      range: toRange(snap, { start: Math.min(start, first.span.start), end: last.span.end }),
      selectionRange: toRange(snap, { start, end: start + (m ? 6 : 0) }),
      children: top,
    });
  }
  return out;
}
