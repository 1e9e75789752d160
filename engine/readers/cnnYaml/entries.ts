// One entry of a `layers:` list as written (FORMAT.md "Layer entries"): a bare kind (`- relu`)
// or a map with one kind key plus `name`, `from`, `repeat`. Reading it checks its keys; what
// it refers to is resolved by references.ts, and it is expanded into layers by read.ts.
import type { LayerOrigin, Span } from '../../types';
import { KINDS, RESERVED_KEYS, didYouMean, kindSpec, own } from '../../kinds';
import type { RawMap, RawNode } from '../yaml/raw';
import type { ReaderContext } from './context';

/** Where an entry reads from: the scope's input, or an entry of the scope (one repeat instance, or the last). */
export type Ref = { type: 'input'; span: Span } | { type: 'entry'; index: number; instance?: number; span: Span; name: string };

export interface EntryInfo {
  index: number;
  node: RawNode;
  span: Span;
  kind?: string;
  kindKey: Span;
  args?: RawMap;
  name?: string;
  nameSpan?: Span;
  displayBase: string;
  fromNode?: RawNode;
  repeatNode?: RawNode;
  refs: Ref[];
  likeRef?: Ref;
  failed?: boolean;
  /** Caches: argument spans, and the origin shared by the instances of one expansion. */
  argSpans?: LayerOrigin['args'];
  origin?: { frame: Frame; value: LayerOrigin };
}

export interface Frame {
  /** Top-level entry span that started this expansion. */
  topEntry?: Span;
  blockPath: LayerOrigin['blockPath'];
  /** Name of the block whose definition is being walked (undefined at top level). */
  inBlock?: string;
}

export function readEntry(ctx: ReaderContext, node: RawNode, index: number): EntryInfo {
  const info: EntryInfo = { index, node, span: trimSpan(ctx.text, node.span), kindKey: node.span, displayBase: '', refs: [] };
  if (node.type === 'scalar') {
    if (typeof node.value !== 'string' || node.value === '') {
      ctx.report('schema', 'A layer entry is a kind (`- relu`) or a map with one kind key (`- conv: {out: 8, kernel: 3}`).', node.span);
      info.failed = true;
    } else info.kind = node.value;
  } else if (node.type === 'map') {
    const kindEntries = node.entries.filter((e) => !(RESERVED_KEYS as readonly string[]).includes(e.key));
    for (const e of node.entries) {
      if (e.key === 'name') {
        const v = e.value;
        if (v.type !== 'scalar' || v.value === null || typeof v.value === 'boolean' || String(v.value).includes('.') || String(v.value).trim() === '') {
          ctx.report('schema', 'A layer `name` must be text without dots (dots separate block and repeat instances).', v.span);
        } else if (String(v.value) === 'input') {
          ctx.report('schema', "A layer cannot be called `input`: that name means the network's (or block's) input.", v.span);
        } else {
          info.name = String(v.value);
          info.nameSpan = v.span;
        }
      } else if (e.key === 'from') info.fromNode = e.value;
      else if (e.key === 'repeat') info.repeatNode = e.value;
    }
    if (kindEntries.length === 0) {
      ctx.report('schema', 'This entry has no layer kind: add one key such as `conv:`, `relu` or a block name.', node.span);
      info.failed = true;
    } else {
      const [first, ...rest] = kindEntries;
      info.kind = first.key;
      info.kindKey = first.keySpan;
      if (first.value.type === 'map') info.args = first.value;
      else if (!(first.value.type === 'scalar' && first.value.value === null)) {
        ctx.report('schema', `The value of \`${first.key}\` must be a map of arguments (e.g. \`${first.key}: {…}\`) or empty.`, first.value.span);
      }
      for (const extra of rest) {
        if (kindSpec(extra.key) || ctx.blocks.has(extra.key)) ctx.report('schema', `One entry can hold one layer kind; '${info.kind}' and '${extra.key}' are both here. Start a new \`- ${extra.key}\` entry.`, extra.keySpan);
        else {
          const argHint = own(kindSpec(info.kind)?.args, extra.key) ? ` — it is an argument of ${info.kind}: indent it under \`${info.kind}:\`` : '';
          const suggestion = didYouMean(extra.key, RESERVED_KEYS);
          ctx.report('unknownArgument', `Unknown key '${extra.key}' in a layer entry (allowed besides the kind: name, from, repeat)${argHint || (suggestion ? `; did you mean '${suggestion}'?` : '.')}`, extra.keySpan, undefined, suggestion ? { replacement: suggestion } : undefined);
        }
      }
    }
  } else {
    ctx.report('schema', 'A layer entry is a kind or a map, not a list.', node.span);
    info.failed = true;
  }
  if (info.kind && !kindSpec(info.kind) && !ctx.blocks.has(info.kind)) {
    const suggestion = didYouMean(info.kind, [...Object.keys(KINDS), ...ctx.blocks.keys()]);
    ctx.report('unknownKind', `Unknown layer kind '${info.kind}'${suggestion ? `; did you mean '${suggestion}'?` : '.'}`, info.kindKey, undefined, suggestion ? { replacement: suggestion } : undefined);
    info.failed = true;
  }
  if (info.kind && ctx.blocks.has(info.kind)) {
    ctx.addReference({ name: info.kind, span: info.kindKey, target: ctx.blocks.get(info.kind)!.keySpan, kind: 'block' });
  }
  info.displayBase = info.name ?? `${info.kind ?? 'layer'}${index}`;
  return info;
}

/** The span without trailing whitespace/newlines (YAML block nodes end after the line break). */
function trimSpan(text: string, span: Span): Span {
  let end = span.end;
  while (end > span.start && /\s/.test(text[end - 1])) end--;
  return { start: span.start, end };
}
