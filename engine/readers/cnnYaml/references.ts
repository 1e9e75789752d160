// Names and `from` (FORMAT.md "Layer entries"): each entry's inputs resolved to entries of its
// scope (a name, `name.N` for one repeat instance, `input`, or a relative -1), and the order in
// which the scope's entries can be analysed, every input first; cycles are reported.
import { didYouMean } from '../../kinds';
import type { RawNode } from '../yaml/raw';
import type { ReaderContext } from './context';
import type { EntryInfo, Ref } from './entries';

export function resolveRefs(ctx: ReaderContext, info: EntryInfo, infos: EntryInfo[], byName: Map<string, EntryInfo>): void {
  if (info.fromNode && !(info.fromNode.type === 'scalar' && info.fromNode.value === null)) {
    const nodes = info.fromNode.type === 'seq' ? info.fromNode.items : [info.fromNode];
    if (!nodes.length) ctx.report('schema', '`from` lists no inputs.', info.fromNode.span);
    for (const n of nodes) {
      const ref = refFromNode(ctx, n, info.index, infos, byName, false);
      if (ref) info.refs.push(ref);
      else info.failed = true;
    }
  } else {
    info.refs.push(info.index === 0 ? { type: 'input', span: info.kindKey } : { type: 'entry', index: info.index - 1, span: info.kindKey, name: infos[info.index - 1].displayBase });
  }
  const likeNode = info.args?.entries.find((e) => e.key === 'like')?.value;
  if (likeNode && info.kind === 'upsample') {
    const ref = refFromNode(ctx, likeNode, info.index, infos, byName, false);
    if (ref) info.likeRef = ref;
    else info.failed = true;
  }
}

/** A reference: a name (`conv1`, `stage.0`), `input`, or a relative integer (−1 = previous). */
export function refFromNode(ctx: ReaderContext, n: RawNode, index: number, infos: EntryInfo[], byName: Map<string, EntryInfo>, isOutput: boolean): Ref | undefined {
  if (n.type !== 'scalar' || n.value === null || typeof n.value === 'boolean') {
    ctx.report('schema', 'A reference is a layer name, `input`, or a relative integer such as -1.', n.span);
    return undefined;
  }
  if (typeof n.value === 'number') {
    const target = index + n.value;
    if (!Number.isInteger(n.value) || n.value >= 0) {
      ctx.report('badValue', `A relative reference counts back from this entry: -1 is the previous entry; ${n.value} is not allowed.`, n.span);
      return undefined;
    }
    if (target < 0) {
      if (target === -1) return { type: 'input', span: n.span };
      ctx.report('unknownName', `${n.value} reaches back ${-n.value} entries, but only ${index} come before this one${index === 0 ? '' : ` (and ${index + 1} reaches the input)`}.`, n.span);
      return undefined;
    }
    return { type: 'entry', index: target, span: n.span, name: infos[target].displayBase };
  }
  const name = String(n.value);
  if (name === 'input') {
    ctx.addReference({ name, span: n.span, kind: 'input' });
    return { type: 'input', span: n.span };
  }
  let info = byName.get(name);
  let instance: number | undefined;
  if (!info) {
    const m = /^(.*)\.(\d+)$/.exec(name);
    const base = m ? byName.get(m[1]) : undefined;
    if (m && base && base.repeatNode) {
      info = base;
      instance = Number(m[2]);
    }
  }
  if (!info) {
    const suggestion = didYouMean(name, ['input', ...byName.keys()]);
    ctx.report('unknownName', `No layer named '${name}' in this ${isOutput ? 'scope' : 'scope'}${suggestion ? `; did you mean '${suggestion}'?` : ` (known: ${['input', ...byName.keys()].slice(0, 8).join(', ')}${byName.size > 7 ? ', …' : ''}).`}`, n.span, undefined, suggestion ? { replacement: suggestion } : undefined);
    return undefined;
  }
  ctx.addReference({ name, span: n.span, target: info.nameSpan, kind: 'layer' });
  return { type: 'entry', index: info.index, instance, span: n.span, name };
}

/** Orders entries so every input is analysed first; reports cycles. */
export function topologicalOrder(ctx: ReaderContext, infos: EntryInfo[]): EntryInfo[] {
  const deps = infos.map((info) => [...info.refs, ...(info.likeRef ? [info.likeRef] : [])].filter((r) => r.type === 'entry').map((r) => (r as { index: number }).index));
  const state = new Array<number>(infos.length).fill(0); // 0 new, 1 visiting, 2 done
  const order: EntryInfo[] = [];
  const inCycle = new Set<number>();
  const visit = (i: number, path: number[]) => {
    // Iterative enough for realistic sizes; deep `from` chains are bounded by the entry count.
    if (state[i] === 2) return;
    if (state[i] === 1) {
      const cycle = path.slice(path.indexOf(i));
      for (const c of cycle) inCycle.add(c);
      return;
    }
    state[i] = 1;
    path.push(i);
    for (const d of deps[i]) visit(d, path);
    path.pop();
    state[i] = 2;
    order.push(infos[i]);
  };
  // Entries in source order whose dependencies are all earlier need no recursion at all.
  for (let i = 0; i < infos.length; i++) {
    if (state[i] === 0 && deps[i].every((d) => d < i && state[d] === 2)) {
      state[i] = 2;
      order.push(infos[i]);
    } else visit(i, []);
  }
  for (const i of inCycle) {
    const info = infos[i];
    const names = [...inCycle].map((c) => `'${infos[c].displayBase}'`).join(', ');
    ctx.report('cycle', `These layers depend on each other in a cycle: ${names}. Every input must come from an earlier layer or \`input\`.`, info.fromNode?.span ?? info.kindKey);
    info.failed = true;
  }
  return order;
}
