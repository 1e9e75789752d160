// Document symbols (the outline): top-level layers and block instances with their output shapes,
// and the block definitions with their own entries.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { EntryResult } from '../../../engine';
import { formatShape } from '../../../engine/explain';
import type { Snapshot } from '../service';
import { contains, toRange } from './util';

function entrySymbol(snap: Snapshot, e: EntryResult): DocumentSymbol {
  const def = snap.analysis.definitions.find((d) => contains(e.span, d.span.start) && d.name === e.name);
  const outs = e.outputs ?? (e.shape ? [e.shape] : []);
  const detail = `${e.kind}${e.instances > 1 ? ` ×${e.instances}` : ''}${outs.length ? ` → ${outs.map(formatShape).join(', ')}` : ''}`;
  const symbol: DocumentSymbol = {
    name: e.name,
    detail,
    kind: e.isBlock ? SymbolKind.Module : SymbolKind.Function,
    range: toRange(snap, e.span),
    selectionRange: toRange(snap, def?.span ?? e.kindKey),
  };
  // A module of a real model file is one collapsible entry holding the layers it expands into.
  if (e.isBlock && snap.analysis.format && snap.analysis.format !== 'cnn-yaml') {
    symbol.children = e.layers.map((i) => snap.analysis.layers[i]).filter(Boolean).map((l) => ({
      name: l.name,
      detail: `${l.kind} → ${formatShape(l.shape)}`,
      kind: SymbolKind.Field,
      range: symbol.range,
      selectionRange: symbol.selectionRange,
    }));
  }
  return symbol;
}

export function documentSymbols(snap: Snapshot): DocumentSymbol[] {
  const a = snap.analysis;
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
  // The lists of entries (cnn-yaml's `layers`, Ultralytics' `backbone` and `head`); a format
  // without such keys (darknet) lists its entries at the top.
  const sections = a.sections?.length ? a.sections : [];
  const rest = a.entries.filter((e) => !e.inBlock && !sections.some((sec) => contains(sec.span, e.span.start)));
  for (const sec of sections) {
    const children = a.entries.filter((e) => !e.inBlock && contains(sec.span, e.span.start)).map((e) => entrySymbol(snap, e));
    if (!children.length) continue;
    const isLast = sec === sections[sections.length - 1];
    out.push({
      name: sec.name,
      detail: isLast && a.outputs.length ? `→ ${a.outputs.map((o) => formatShape(o.shape)).join(', ')}` : undefined,
      kind: SymbolKind.Namespace,
      range: toRange(snap, sec.span),
      selectionRange: toRange(snap, sec.keySpan),
      children,
    });
  }
  out.push(...rest.map((e) => entrySymbol(snap, e)));
  return out;
}
