// `blocks:` (FORMAT.md "Blocks"): reusable sub-networks with parameters, read once per document;
// a block is expanded where it is used (read.ts, runBlock).
import type { Span } from '../../types';
import { BLOCK_KEYS, RESERVED_KEYS, kindSpec } from '../../kinds';
import type { RawEntry, RawNode, RawSeq } from '../yaml/raw';
import type { BlockDef, ReaderContext } from './context';

export function readBlocks(ctx: ReaderContext, entry: RawEntry | undefined): void {
  if (!entry) return;
  if (entry.value.type !== 'map') {
    if (!(entry.value.type === 'scalar' && entry.value.value === null)) ctx.report('schema', '`blocks` must be a map of block names to definitions.', entry.value.span);
    return;
  }
  for (const b of entry.value.entries) {
    if (kindSpec(b.key)) {
      ctx.report('schema', `Block '${b.key}' has the name of a built-in layer kind; choose another name.`, b.keySpan);
      continue;
    }
    if (b.value.type !== 'map') {
      ctx.report('schema', `Block '${b.key}' must be a map with \`layers\` (and optional \`params\`, \`outputs\`).`, b.value.span);
      continue;
    }
    const def: BlockDef = { name: b.key, keySpan: b.keySpan, span: b.span, params: [], uses: 0 };
    for (const e of b.value.entries) {
      if (e.key === 'params') {
        if (e.value.type === 'map') def.params = e.value.entries;
        else if (!(e.value.type === 'scalar' && e.value.value === null)) ctx.report('schema', 'Block `params` must be a map of names to default values.', e.value.span);
      } else if (e.key === 'layers') {
        if (e.value.type === 'seq') def.layers = e.value;
        else ctx.report('schema', 'Block `layers` must be a list of layer entries.', e.value.span);
      } else if (e.key === 'outputs') def.outputs = e.value;
      else ctx.unknownKey(e, BLOCK_KEYS, 'block key');
    }
    if (!def.layers) ctx.report('schema', `Block '${b.key}' has no \`layers\` list.`, b.keySpan);
    ctx.blocks.set(b.key, def);
  }
  checkBlockRecursion(ctx);
}

/** A block that uses itself, directly or through others, would expand forever. */
function checkBlockRecursion(ctx: ReaderContext): void {
  const usesOf = (def: BlockDef) => {
    const out: Array<{ name: string; span: Span }> = [];
    for (const item of def.layers?.items ?? []) {
      const kind = item.type === 'scalar' ? { name: String(item.value), span: item.span } : item.type === 'map' ? item.entries.filter((e) => !(RESERVED_KEYS as readonly string[]).includes(e.key)).map((e) => ({ name: e.key, span: e.keySpan }))[0] : undefined;
      if (kind && ctx.blocks.has(kind.name)) out.push(kind);
    }
    return out;
  };
  for (const def of ctx.blocks.values()) {
    const stack = [{ name: def.name, path: [def.name] }];
    const visited = new Set<string>();
    while (stack.length) {
      const { name, path } = stack.pop()!;
      for (const use of usesOf(ctx.blocks.get(name)!)) {
        if (use.name === def.name) {
          if (name === def.name) ctx.report('recursiveBlock', `Block '${def.name}' uses itself${path.length > 1 ? ` (through ${path.slice(1).join(' → ')})` : ''}: it would expand forever.`, use.span);
          else ctx.report('recursiveBlock', `Block '${def.name}' uses itself through ${[...path, def.name].join(' → ')}: it would expand forever.`, def.keySpan);
          continue;
        }
        if (!visited.has(use.name)) {
          visited.add(use.name);
          stack.push({ name: use.name, path: [...path, use.name] });
        }
      }
    }
  }
}
