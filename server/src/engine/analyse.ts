// Steps 2 and 3: resolve the network (blocks, `$` expressions, repeat, names, `from`) and
// analyse it layer by layer. Both happen in one walk because expressions may use `in`, the
// channel count arriving at a layer, which is only known once earlier layers are analysed.
import type { Analysis, BlockInfo, EntryResult, Finding, LayerOrigin, LayerResult, NameReference, ReceptiveField, RelatedSpan, Shape, Span } from './types';
import { parse, type RawEntry, type RawMap, type RawNode, type RawSeq } from './parse';
import { CODES, type CodeKey } from './codes';
import { BLOCK_KEYS, KINDS, RESERVED_KEYS, TOP_LEVEL_KEYS, didYouMean } from './kinds';
import { evaluate, expressionBody, ExpressionError, isExpression } from './expressions';
import { computeLayer, fmtShape, LayerError, type FieldOp } from './layers';
import { alignment, applyMap, centre, FieldTooComplex, identityField, summarise, unionFields } from './receptiveField';

/** Own properties only: a kind or argument named `toString` or `__proto__` is not a known one. */
const own = <T>(o: Record<string, T> | undefined, k: string): T | undefined => (o && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
const kindSpec = (k: string) => own(KINDS, k);

/**
 * Expansion bound: a typo in `repeat` must not freeze the editor. 10,000 layers analyse (with
 * every rule) in about 0.4 s here; ResNet-1001, among the deepest published CNNs, has ~3,000.
 */
export const MAX_LAYERS = 10_000;
const MAX_BLOCK_DEPTH = 64;

interface Value {
  /** Index of the producing layer in Analysis.layers; −1 for the network input. */
  index: number;
  shape?: Shape;
  rf?: ReceptiveField;
  /** Display name of the producing layer, or `input`. */
  name: string;
  /** Entry that produced it (for related locations). */
  span?: Span;
}

type ParamValue = unknown;
interface Env {
  /** Parameter lookup: the block's parameters, then the top level's. */
  params: Map<string, ParamValue>[];
  inChannels?: number;
}

interface BlockDef {
  name: string;
  keySpan: Span;
  span: Span;
  params: RawEntry[];
  layers?: RawSeq;
  outputs?: RawNode;
  uses: number;
}

type Ref = { type: 'input'; span: Span } | { type: 'entry'; index: number; instance?: number; span: Span; name: string };

interface EntryInfo {
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

interface Frame {
  /** Top-level entry span that started this expansion. */
  topEntry?: Span;
  blockPath: LayerOrigin['blockPath'];
  /** Name of the block whose definition is being walked (undefined at top level). */
  inBlock?: string;
}

class TooManyLayers extends Error {}

export function analyse(text: string): Analysis {
  return new Analyser(text).run();
}

class Analyser {
  readonly findings: Finding[] = [];
  readonly layers: LayerResult[] = [];
  readonly entries = new Map<number, EntryResult>();
  readonly references: NameReference[] = [];
  readonly definitions: Analysis['definitions'] = [];
  readonly blocks = new Map<string, BlockDef>();
  readonly topParams = new Map<string, ParamValue>();
  private blockStack: string[] = [];
  private readonly seenDefinitions = new Set<string>();
  private readonly seenReferences = new Set<string>();

  constructor(readonly text: string) {}

  run(): Analysis {
    const parsed = parse(this.text);
    this.findings.push(...parsed.findings);
    const result: Analysis = {
      layers: this.layers,
      entries: [],
      blocks: [],
      references: this.references,
      definitions: this.definitions,
      outputs: [],
      totals: { params: 0, buffers: 0, macs: 0, flops: 0, activationBytes: 0 },
      findings: this.findings,
    };
    const root = parsed.root;
    if (!root) return this.finish(result);
    if (root.type !== 'map') {
      this.report('schema', 'A network definition is a YAML map with `input` and `layers`.', root.span);
      return this.finish(result);
    }
    for (const e of root.entries) {
      if (!(TOP_LEVEL_KEYS as readonly string[]).includes(e.key)) this.unknownKey(e, TOP_LEVEL_KEYS, 'top-level key');
    }
    const get = (k: string) => root.entries.find((e) => e.key === k);

    const nameEntry = get('name');
    if (nameEntry) {
      if (nameEntry.value.type === 'scalar' && nameEntry.value.value !== null) result.name = String(nameEntry.value.value);
      else this.report('schema', '`name` must be text.', nameEntry.value.span);
    }
    const input = this.readInput(get('input'), root.span);
    result.input = input;
    this.readParams(get('params'));
    this.readBlocks(get('blocks'));

    const layersEntry = get('layers');
    let final: Value | undefined;
    const scopeOutputs: Value[] = [];
    if (!layersEntry) this.report('schema', 'The network has no `layers:` list.', { start: root.span.start, end: root.span.start + Math.min(1, this.text.length) });
    else if (layersEntry.value.type !== 'seq') this.report('schema', '`layers` must be a list of layer entries (`- conv: {…}`).', layersEntry.value.span);
    else if (input) {
      const inputValue: Value = { shape: input, rf: { kind: 'local', axes: input.slice(1).map(identityField), summary: summarise(input.slice(1).map(identityField)) }, name: 'input', index: -1 };
      try {
        final = this.runScope(layersEntry.value, { params: [this.topParams] }, inputValue, '', { blockPath: [] }, get('outputs')?.value, scopeOutputs, true);
      } catch (err) {
        if (!(err instanceof TooManyLayers)) throw err;
        this.report('bounds', `The network expands to more than ${MAX_LAYERS.toLocaleString('en-US')} layers (check repeat counts and nested blocks); analysis stopped there.`, layersEntry.keySpan);
      }
    }
    result.outputs = scopeOutputs.map((v) => ({ name: v.name, shape: v.shape, index: v.index }));
    if (!scopeOutputs.length && final) result.outputs = [{ name: final.name, shape: final.shape, index: final.index }];
    for (const b of this.blocks.values()) {
      if (b.uses === 0) continue;
    }
    result.blocks = [...this.blocks.values()].map((b): BlockInfo => ({
      name: b.name,
      keySpan: b.keySpan,
      span: b.span,
      params: b.params.map((p) => ({ name: p.key, span: p.keySpan, default: plain(p.value) })),
      uses: b.uses,
    }));
    result.entries = [...this.entries.values()];
    return this.finish(result);
  }

  private finish(result: Analysis): Analysis {
    const t = result.totals;
    for (const l of this.layers) {
      t.params += l.params;
      t.buffers += l.buffers;
      t.macs += l.macs;
      t.activationBytes += l.activationBytes;
    }
    t.flops = 2 * t.macs;
    // The same problem inside a block used N times is one finding, not N.
    const seen = new Set<string>();
    result.findings = this.findings.filter((f) => {
      const key = `${f.code}|${f.span.start}|${f.span.end}|${f.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    result.findings.sort((a, b) => a.span.start - b.span.start);
    return result;
  }

  // ---------------------------------------------------------------- top level

  private readInput(entry: RawEntry | undefined, rootSpan: Span): Shape | undefined {
    if (!entry) {
      this.report('schema', 'The network has no `input:` shape, e.g. `input: [3, 224, 224]` (channels first, no batch axis).', { start: rootSpan.start, end: rootSpan.start + Math.min(1, this.text.length) });
      return undefined;
    }
    const v = this.evalValue(entry.value, { params: [this.topParams] });
    if (!Array.isArray(v) || v.length < 2 || v.length > 4 || !v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 1)) {
      if (v !== undefined) this.report('schema', '`input` must be [C, L], [C, H, W] or [C, D, H, W]: channels first, then 1 to 3 spatial sizes, all positive whole numbers.', entry.value.span);
      return undefined;
    }
    return v as number[];
  }

  private readParams(entry: RawEntry | undefined): void {
    if (!entry) return;
    if (entry.value.type !== 'map') {
      if (!(entry.value.type === 'scalar' && entry.value.value === null)) this.report('schema', '`params` must be a map of names to values, e.g. `params: {width: 64}`.', entry.value.span);
      return;
    }
    for (const p of entry.value.entries) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.key) || p.key === 'in') {
        this.report('schema', `Parameter name '${p.key}' must be an identifier other than \`in\`.`, p.keySpan);
        continue;
      }
      const v = this.evalValue(p.value, { params: [this.topParams] });
      if (v !== undefined) this.topParams.set(p.key, v);
    }
  }

  private readBlocks(entry: RawEntry | undefined): void {
    if (!entry) return;
    if (entry.value.type !== 'map') {
      if (!(entry.value.type === 'scalar' && entry.value.value === null)) this.report('schema', '`blocks` must be a map of block names to definitions.', entry.value.span);
      return;
    }
    for (const b of entry.value.entries) {
      if (kindSpec(b.key)) {
        this.report('schema', `Block '${b.key}' has the name of a built-in layer kind; choose another name.`, b.keySpan);
        continue;
      }
      if (b.value.type !== 'map') {
        this.report('schema', `Block '${b.key}' must be a map with \`layers\` (and optional \`params\`, \`outputs\`).`, b.value.span);
        continue;
      }
      const def: BlockDef = { name: b.key, keySpan: b.keySpan, span: b.span, params: [], uses: 0 };
      for (const e of b.value.entries) {
        if (e.key === 'params') {
          if (e.value.type === 'map') def.params = e.value.entries;
          else if (!(e.value.type === 'scalar' && e.value.value === null)) this.report('schema', 'Block `params` must be a map of names to default values.', e.value.span);
        } else if (e.key === 'layers') {
          if (e.value.type === 'seq') def.layers = e.value;
          else this.report('schema', 'Block `layers` must be a list of layer entries.', e.value.span);
        } else if (e.key === 'outputs') def.outputs = e.value;
        else this.unknownKey(e, BLOCK_KEYS, 'block key');
      }
      if (!def.layers) this.report('schema', `Block '${b.key}' has no \`layers\` list.`, b.keySpan);
      this.blocks.set(b.key, def);
    }
    this.checkBlockRecursion();
  }

  /** A block that uses itself, directly or through others, would expand forever. */
  private checkBlockRecursion(): void {
    const usesOf = (def: BlockDef) => {
      const out: Array<{ name: string; span: Span }> = [];
      for (const item of def.layers?.items ?? []) {
        const kind = item.type === 'scalar' ? { name: String(item.value), span: item.span } : item.type === 'map' ? item.entries.filter((e) => !(RESERVED_KEYS as readonly string[]).includes(e.key)).map((e) => ({ name: e.key, span: e.keySpan }))[0] : undefined;
        if (kind && this.blocks.has(kind.name)) out.push(kind);
      }
      return out;
    };
    for (const def of this.blocks.values()) {
      const stack = [{ name: def.name, path: [def.name] }];
      const visited = new Set<string>();
      while (stack.length) {
        const { name, path } = stack.pop()!;
        for (const use of usesOf(this.blocks.get(name)!)) {
          if (use.name === def.name) {
            if (name === def.name) this.report('recursiveBlock', `Block '${def.name}' uses itself${path.length > 1 ? ` (through ${path.slice(1).join(' → ')})` : ''}: it would expand forever.`, use.span);
            else this.report('recursiveBlock', `Block '${def.name}' uses itself through ${[...path, def.name].join(' → ')}: it would expand forever.`, def.keySpan);
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

  // ---------------------------------------------------------------- scopes

  /** Analyses one `layers:` list; returns its output (the last entry, or `outputs`). */
  private runScope(seq: RawSeq, env: Env, input: Value, prefix: string, frame: Frame, outputsNode: RawNode | undefined, outputsSink: Value[] | undefined, topLevel: boolean): Value | undefined {
    const infos = seq.items.map((node, index) => this.readEntry(node, index, frame));
    if (!infos.length) {
      this.report('schema', 'The `layers` list is empty.', seq.span);
      return undefined;
    }
    // Names in this scope.
    const byName = new Map<string, EntryInfo>();
    for (const info of infos) {
      if (!info.name) continue;
      const prev = byName.get(info.name);
      if (prev) {
        this.report('duplicateName', `The name '${info.name}' is already used in this ${frame.inBlock ? `block ('${frame.inBlock}')` : 'network'}; names must be unique within their scope.`, info.nameSpan!, [{ span: prev.nameSpan!, message: `first '${info.name}'` }]);
        continue;
      }
      byName.set(info.name, info);
      this.addDefinition(info.name, info.nameSpan!, info.span);
    }
    for (const info of infos) this.resolveRefs(info, infos, byName);

    const order = this.topologicalOrder(infos);
    const outputs = new Map<number, Value[]>();
    const valueOf = (ref: Ref): Value | undefined => {
      if (ref.type === 'input') return input;
      const list = outputs.get(ref.index);
      if (!list) return undefined;
      return ref.instance === undefined ? list[list.length - 1] : list[ref.instance];
    };
    for (const info of order) {
      const inputs = info.refs.map(valueOf);
      const like = info.likeRef ? valueOf(info.likeRef) : undefined;
      const results = this.runEntry(info, inputs, like, env, prefix, frame, topLevel);
      if (results) outputs.set(info.index, results);
    }

    // The scope's output.
    const lastInfo = infos[infos.length - 1];
    const fallback = (() => {
      const list = outputs.get(lastInfo.index);
      return list ? list[list.length - 1] : undefined;
    })();
    if (!outputsNode || (outputsNode.type === 'scalar' && outputsNode.value === null)) return fallback;
    const names = outputsNode.type === 'seq' ? outputsNode.items : [outputsNode];
    const values: Value[] = [];
    for (const n of names) {
      const ref = this.refFromNode(n, lastInfo.index + 1, infos, byName, true);
      if (!ref) continue;
      const v = valueOf(ref);
      if (v) values.push(v);
    }
    if (outputsSink) outputsSink.push(...values);
    else if (names.length > 1) this.report('schema', 'A block has one output: list one name in its `outputs`.', outputsNode.span);
    return values[values.length - 1] ?? fallback;
  }

  private readEntry(node: RawNode, index: number, frame: Frame): EntryInfo {
    const info: EntryInfo = { index, node, span: trimSpan(this.text, node.span), kindKey: node.span, displayBase: '', refs: [] };
    if (node.type === 'scalar') {
      if (typeof node.value !== 'string' || node.value === '') {
        this.report('schema', 'A layer entry is a kind (`- relu`) or a map with one kind key (`- conv: {out: 8, kernel: 3}`).', node.span);
        info.failed = true;
      } else info.kind = node.value;
    } else if (node.type === 'map') {
      const kindEntries = node.entries.filter((e) => !(RESERVED_KEYS as readonly string[]).includes(e.key));
      for (const e of node.entries) {
        if (e.key === 'name') {
          const v = e.value;
          if (v.type !== 'scalar' || v.value === null || typeof v.value === 'boolean' || String(v.value).includes('.') || String(v.value).trim() === '') {
            this.report('schema', 'A layer `name` must be text without dots (dots separate block and repeat instances).', v.span);
          } else if (String(v.value) === 'input') {
            this.report('schema', "A layer cannot be called `input`: that name means the network's (or block's) input.", v.span);
          } else {
            info.name = String(v.value);
            info.nameSpan = v.span;
          }
        } else if (e.key === 'from') info.fromNode = e.value;
        else if (e.key === 'repeat') info.repeatNode = e.value;
      }
      if (kindEntries.length === 0) {
        this.report('schema', 'This entry has no layer kind: add one key such as `conv:`, `relu` or a block name.', node.span);
        info.failed = true;
      } else {
        const [first, ...rest] = kindEntries;
        info.kind = first.key;
        info.kindKey = first.keySpan;
        if (first.value.type === 'map') info.args = first.value;
        else if (!(first.value.type === 'scalar' && first.value.value === null)) {
          this.report('schema', `The value of \`${first.key}\` must be a map of arguments (e.g. \`${first.key}: {…}\`) or empty.`, first.value.span);
        }
        for (const extra of rest) {
          if (kindSpec(extra.key) || this.blocks.has(extra.key)) this.report('schema', `One entry can hold one layer kind; '${info.kind}' and '${extra.key}' are both here. Start a new \`- ${extra.key}\` entry.`, extra.keySpan);
          else {
            const argHint = own(kindSpec(info.kind)?.args, extra.key) ? ` — it is an argument of ${info.kind}: indent it under \`${info.kind}:\`` : '';
            const suggestion = didYouMean(extra.key, RESERVED_KEYS);
            this.report('unknownArgument', `Unknown key '${extra.key}' in a layer entry (allowed besides the kind: name, from, repeat)${argHint || (suggestion ? `; did you mean '${suggestion}'?` : '.')}`, extra.keySpan, undefined, suggestion ? { replacement: suggestion } : undefined);
          }
        }
      }
    } else {
      this.report('schema', 'A layer entry is a kind or a map, not a list.', node.span);
      info.failed = true;
    }
    if (info.kind && !kindSpec(info.kind) && !this.blocks.has(info.kind)) {
      const suggestion = didYouMean(info.kind, [...Object.keys(KINDS), ...this.blocks.keys()]);
      this.report('unknownKind', `Unknown layer kind '${info.kind}'${suggestion ? `; did you mean '${suggestion}'?` : '.'}`, info.kindKey, undefined, suggestion ? { replacement: suggestion } : undefined);
      info.failed = true;
    }
    if (info.kind && this.blocks.has(info.kind)) {
      this.addReference({ name: info.kind, span: info.kindKey, target: this.blocks.get(info.kind)!.keySpan, kind: 'block' });
    }
    info.displayBase = info.name ?? `${info.kind ?? 'layer'}${index}`;
    void frame;
    return info;
  }

  private resolveRefs(info: EntryInfo, infos: EntryInfo[], byName: Map<string, EntryInfo>): void {
    if (info.fromNode && !(info.fromNode.type === 'scalar' && info.fromNode.value === null)) {
      const nodes = info.fromNode.type === 'seq' ? info.fromNode.items : [info.fromNode];
      if (!nodes.length) this.report('schema', '`from` lists no inputs.', info.fromNode.span);
      for (const n of nodes) {
        const ref = this.refFromNode(n, info.index, infos, byName, false);
        if (ref) info.refs.push(ref);
        else info.failed = true;
      }
    } else {
      info.refs.push(info.index === 0 ? { type: 'input', span: info.kindKey } : { type: 'entry', index: info.index - 1, span: info.kindKey, name: infos[info.index - 1].displayBase });
    }
    const likeNode = info.args?.entries.find((e) => e.key === 'like')?.value;
    if (likeNode && info.kind === 'upsample') {
      const ref = this.refFromNode(likeNode, info.index, infos, byName, false);
      if (ref) info.likeRef = ref;
      else info.failed = true;
    }
  }

  /** A reference: a name (`conv1`, `stage.0`), `input`, or a relative integer (−1 = previous). */
  private refFromNode(n: RawNode, index: number, infos: EntryInfo[], byName: Map<string, EntryInfo>, isOutput: boolean): Ref | undefined {
    if (n.type !== 'scalar' || n.value === null || typeof n.value === 'boolean') {
      this.report('schema', 'A reference is a layer name, `input`, or a relative integer such as -1.', n.span);
      return undefined;
    }
    if (typeof n.value === 'number') {
      const target = index + n.value;
      if (!Number.isInteger(n.value) || n.value >= 0) {
        this.report('badValue', `A relative reference counts back from this entry: -1 is the previous entry; ${n.value} is not allowed.`, n.span);
        return undefined;
      }
      if (target < 0) {
        if (target === -1) return { type: 'input', span: n.span };
        this.report('unknownName', `${n.value} reaches back ${-n.value} entries, but only ${index} come before this one${index === 0 ? '' : ` (and ${index + 1} reaches the input)`}.`, n.span);
        return undefined;
      }
      return { type: 'entry', index: target, span: n.span, name: infos[target].displayBase };
    }
    const name = String(n.value);
    if (name === 'input') {
      this.addReference({ name, span: n.span, kind: 'input' });
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
      this.report('unknownName', `No layer named '${name}' in this ${isOutput ? 'scope' : 'scope'}${suggestion ? `; did you mean '${suggestion}'?` : ` (known: ${['input', ...byName.keys()].slice(0, 8).join(', ')}${byName.size > 7 ? ', …' : ''}).`}`, n.span, undefined, suggestion ? { replacement: suggestion } : undefined);
      return undefined;
    }
    this.addReference({ name, span: n.span, target: info.nameSpan, kind: 'layer' });
    return { type: 'entry', index: info.index, instance, span: n.span, name };
  }

  /** Orders entries so every input is analysed first; reports cycles. */
  private topologicalOrder(infos: EntryInfo[]): EntryInfo[] {
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
      this.report('cycle', `These layers depend on each other in a cycle: ${names}. Every input must come from an earlier layer or \`input\`.`, info.fromNode?.span ?? info.kindKey);
      info.failed = true;
    }
    return order;
  }

  // ---------------------------------------------------------------- entries

  private runEntry(info: EntryInfo, inputs: Array<Value | undefined>, like: Value | undefined, env: Env, prefix: string, frame: Frame, topLevel: boolean): Value[] | undefined {
    if (info.failed || !info.kind) return undefined;
    const kind = info.kind;
    const entryFrame: Frame = { ...frame, topEntry: frame.topEntry ?? info.span };
    const entryResult = this.entryResult(info, frame);

    const spec = kindSpec(kind);
    // An unknown input already has its own error; only the argument names can still be checked.
    if (inputs.some((v) => !v || !v.shape)) {
      if (spec) for (const a of info.args?.entries ?? []) if (!own(spec.args, a.key)) this.unknownArgument(kind, a);
      return undefined;
    }
    const isBlock = !spec;
    if (inputs.length === 0) return undefined; // (`from: []`: reported where `from` is read)
    if ((isBlock || !spec.merges) && inputs.length > 1) {
      this.report('schema', `${kind} takes one input, but \`from\` lists ${inputs.length}. Only add, mul and concat merge several.`, info.fromNode?.span ?? info.kindKey);
      return undefined;
    }

    let count = 1;
    if (info.repeatNode) {
      const r = this.evalValue(info.repeatNode, { ...env, inChannels: inputs[0]!.shape![0] });
      if (r === undefined) return undefined;
      if (typeof r !== 'number' || !Number.isInteger(r) || r < 1) {
        this.report('badValue', `\`repeat\` must be a whole number ≥ 1, got ${JSON.stringify(r)}.`, info.repeatNode.span);
        return undefined;
      }
      if (r > MAX_LAYERS) {
        this.report('bounds', `\`repeat: ${r}\` is beyond the limit of ${MAX_LAYERS.toLocaleString('en-US')} layers.`, info.repeatNode.span);
        return undefined;
      }
      count = r;
    }

    const results: Value[] = [];
    let current = inputs as Value[];
    for (let inst = 0; inst < count; inst++) {
      const localName = info.repeatNode ? `${info.displayBase}.${inst}` : info.displayBase;
      const fullName = prefix ? `${prefix}.${localName}` : localName;
      const out = isBlock
        ? this.runBlock(info, current[0], env, fullName, entryFrame, entryResult)
        : this.runLayer(info, current, like, env, fullName, entryFrame, entryResult);
      if (!out) return results.length ? results : undefined;
      results.push(out);
      current = [out];
    }
    const last = results[results.length - 1];
    entryResult.instances += count;
    entryResult.inputShape ??= inputs[0]!.shape;
    if (entryResult.shape === undefined && entryResult.instances === count) {
      entryResult.shape = last.shape;
      entryResult.rf = last.rf;
    } else if (entryResult.shape && last.shape && fmtShape(entryResult.shape) !== fmtShape(last.shape)) {
      // Used several times with different shapes: no single answer to show.
      entryResult.shape = undefined;
      entryResult.rf = undefined;
    }
    void topLevel;
    return results;
  }

  private entryResult(info: EntryInfo, frame: Frame): EntryResult {
    const key = info.span.start; // entries never share a start offset
    let r = this.entries.get(key);
    if (!r) {
      r = {
        span: info.span,
        kindKey: info.kindKey,
        name: info.displayBase,
        kind: info.kind!,
        isBlock: !kindSpec(info.kind!),
        inBlock: frame.inBlock,
        instances: 0,
        layers: [],
        params: 0,
        buffers: 0,
        macs: 0,
      };
      this.entries.set(key, r);
    }
    return r;
  }

  private runBlock(info: EntryInfo, input: Value, env: Env, fullName: string, frame: Frame, entryResult: EntryResult): Value | undefined {
    const def = this.blocks.get(info.kind!)!;
    if (this.blockStack.includes(def.name) || this.blockStack.length >= MAX_BLOCK_DEPTH) return undefined; // reported by checkBlockRecursion
    if (!def.layers) return undefined;
    def.uses++;
    // Arguments are evaluated where the block is used; defaults inside the block.
    const callEnv: Env = { ...env, inChannels: input.shape![0] };
    const given = new Map<string, unknown>();
    const known = new Set(def.params.map((p) => p.key));
    for (const a of info.args?.entries ?? []) {
      if (!known.has(a.key)) {
        const suggestion = didYouMean(a.key, known);
        this.report('unknownArgument', `Block '${def.name}' has no parameter '${a.key}'${suggestion ? `; did you mean '${suggestion}'?` : known.size ? ` (its parameters: ${[...known].join(', ')}).` : ' (it takes none).'}`, a.keySpan, [{ span: def.keySpan, message: `block '${def.name}'` }], suggestion ? { replacement: suggestion } : undefined);
        continue;
      }
      const v = this.evalValue(a.value, callEnv);
      if (v === undefined) return undefined;
      given.set(a.key, v);
    }
    const blockParams = new Map<string, unknown>();
    const blockEnv: Env = { params: [blockParams, this.topParams], inChannels: input.shape![0] };
    for (const p of def.params) {
      if (given.has(p.key)) blockParams.set(p.key, given.get(p.key));
      else {
        const v = this.evalValue(p.value, blockEnv);
        if (v === undefined || v === null) {
          if (v === null) this.report('schema', `Block '${def.name}' needs a value for '${p.key}' (it has no default).`, info.kindKey, [{ span: p.keySpan, message: `parameter '${p.key}'` }]);
          return undefined;
        }
        blockParams.set(p.key, v);
      }
    }
    const first = this.layers.length;
    this.blockStack.push(def.name);
    const blockFrame: Frame = { topEntry: frame.topEntry, blockPath: [...frame.blockPath, { block: def.name, use: info.span, definition: def.span }], inBlock: def.name };
    const out = this.runScope(def.layers, blockEnv, input, fullName, blockFrame, def.outputs, undefined, false);
    this.blockStack.pop();
    for (let i = first; i < this.layers.length; i++) {
      const l = this.layers[i];
      entryResult.layers.push(i);
      entryResult.params += l.params;
      entryResult.buffers += l.buffers;
      entryResult.macs += l.macs;
    }
    return out ? { ...out, span: info.span } : undefined;
  }

  private runLayer(info: EntryInfo, inputs: Value[], like: Value | undefined, env: Env, fullName: string, frame: Frame, entryResult: EntryResult): Value | undefined {
    if (this.layers.length >= MAX_LAYERS) throw new TooManyLayers();
    const kind = info.kind!;
    const spec = kindSpec(kind)!;
    const argEnv: Env = { params: env.params, inChannels: inputs[0].shape![0] };
    const args: Record<string, unknown> = {};
    const argSpans = this.argSpansOf(info);
    let ok = true;
    for (const a of info.args?.entries ?? []) {
      if (!own(spec.args, a.key)) {
        this.unknownArgument(kind, a);
        continue;
      }
      if (a.key === 'like') {
        // The name was resolved as a dependency; computeLayer gets the shape through `like`.
        args.like = a.value.type === 'scalar' ? a.value.value : undefined;
        continue;
      }
      const v = this.evalValue(a.value, argEnv);
      if (v === undefined) ok = false;
      else args[a.key] = v;
    }
    if (!ok) return undefined;

    // Repeat instances share one origin object (same entry, same frame): fewer objects to collect.
    let origin = info.origin?.frame === frame ? info.origin.value : undefined;
    if (!origin) {
      origin = { entry: frame.topEntry ?? info.span, kindKey: info.kindKey, innerEntry: info.span, blockPath: frame.blockPath, args: argSpans };
      info.origin = { frame, value: origin };
    }
    const inputShapes = inputs.map((v) => v.shape!);
    let comp;
    try {
      comp = computeLayer({ kind, args, inputs: inputShapes, like: like?.shape });
    } catch (err) {
      if (!(err instanceof LayerError)) throw err;
      const span = err.arg && argSpans[err.arg] ? argSpans[err.arg].value : info.kindKey;
      const related: RelatedSpan[] = frame.blockPath.map((b) => ({ span: b.use, message: `in block '${b.block}' used here` }));
      if ((err.codeKey === 'elementwiseShapes' || err.codeKey === 'concatShapes') && err.data) {
        const idx = (err.data.operands as number[] | undefined) ?? [0, err.data.operand as number];
        for (const i of idx) {
          const v = inputs[i];
          if (v) related.push({ span: v.span ?? info.span, message: `${v.name}: [${v.shape!.join(', ')}]` });
        }
      }
      // The argument spans let a quick fix edit another argument than the one underlined; the
      // operands' shapes and producers let it make one operand match the other.
      this.report(err.codeKey, err.message, span, related, {
        ...err.data,
        layer: fullName,
        kind,
        arg: err.arg,
        inputShape: inputShapes[0],
        args: argSpans,
        operandShapes: inputShapes,
        producers: inputs.map((v) => v.index),
      });
      return undefined;
    }
    for (const n of comp.notes) {
      const span = n.arg && argSpans[n.arg] ? argSpans[n.arg].value : info.kindKey;
      this.report(n.codeKey, n.message, span, undefined, { ...n.data, layer: fullName, kind, arg: n.arg });
    }

    let elements = 1;
    for (const n of comp.shape) elements *= n;
    const tooBig = !Number.isSafeInteger(comp.params) ? 'parameters' : !Number.isSafeInteger(comp.macs) ? 'MACs' : !Number.isSafeInteger(4 * elements) ? 'output elements' : undefined;
    if (tooBig) {
      this.report('bounds', `${fullName}: its ${tooBig} exceed 2^53 and cannot be counted exactly; the sizes are unrealistic.`, info.kindKey);
      return undefined;
    }
    const rf = this.fieldOf(comp.field, inputs);
    const index = this.layers.length;
    const layer: LayerResult = {
      name: fullName,
      kind,
      from: inputs.map((v) => v.name),
      fromIndex: inputs.map((v) => v.index),
      args: comp.resolved,
      inputShapes,
      shape: comp.shape,
      params: comp.params,
      buffers: comp.buffers,
      macs: comp.macs,
      activationBytes: 4 * elements,
      rf: rf.rf,
      merge: rf.merge,
      origin,
      index,
    };
    if (args.weights !== undefined) layer.args.weights = args.weights;
    if (Array.isArray(args.bias)) layer.args.biasValues = args.bias;
    this.layers.push(layer);
    entryResult.layers.push(index);
    entryResult.params += layer.params;
    entryResult.buffers += layer.buffers;
    entryResult.macs += layer.macs;
    return { shape: comp.shape, rf: rf.rf, name: fullName, span: info.span, index };
  }

  private fieldOf(op: FieldOp, inputs: Value[]): { rf?: ReceptiveField; merge?: LayerResult['merge'] } {
    const fields = inputs.map((v) => v.rf);
    if (fields.some((f) => !f)) return {};
    try {
      switch (op.type) {
        case 'same':
          return { rf: fields[0] };
        case 'global':
          return { rf: { kind: 'global' } };
        case 'unknown':
          return {};
        case 'gate': {
          const main = fields[op.main]!;
          return { rf: main.kind === 'local' ? { ...main, gated: true } : main };
        }
        case 'map': {
          const f = fields[0]!;
          if (f.kind === 'global') return { rf: f };
          const axes = f.axes.map((a, i) => applyMap(a, op.axes[i]));
          return { rf: { kind: 'local', axes, summary: summarise(axes), gated: f.gated } };
        }
        case 'union': {
          if (fields.some((f) => f!.kind === 'global')) return { rf: { kind: 'global' } };
          const locals = fields as Array<Extract<ReceptiveField, { kind: 'local' }>>;
          const rank = locals[0].axes.length;
          if (locals.some((f) => f.axes.length !== rank)) return {};
          const merge: LayerResult['merge'] = {
            operands: locals.map((f, i) => ({ name: inputs[i].name, jump: f.summary.jump, centre: f.axes.map(centre), size: f.summary.size })),
            sameJump: true,
            sameCentre: true,
          };
          const axes = [];
          for (let a = 0; a < rank; a++) {
            const per = locals.map((f) => f.axes[a]);
            const al = alignment(per);
            merge.sameJump &&= al.sameJump;
            merge.sameCentre &&= al.sameCentre;
            // Different jumps cannot be one periodic field: keep the widest and mark it approximate.
            axes.push(al.sameJump ? unionFields(per) : { ...per.reduce((x, y) => (Math.max(...y.phases.map((p) => (p.length ? p[p.length - 1][1] - p[0][0] : 0))) > Math.max(...x.phases.map((p) => (p.length ? p[p.length - 1][1] - p[0][0] : 0))) ? y : x)), approximate: true });
          }
          return { rf: { kind: 'local', axes, summary: summarise(axes), gated: locals.some((f) => f.gated) || undefined }, merge };
        }
      }
    } catch (err) {
      if (err instanceof FieldTooComplex) return {};
      throw err;
    }
  }

  // ---------------------------------------------------------------- values

  /** A YAML value with `$` expressions evaluated. undefined = an error was reported. */
  evalValue(node: RawNode, env: Env): unknown {
    if (node.type === 'seq') {
      const out: unknown[] = [];
      for (const item of node.items) {
        const v = this.evalValue(item, env);
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out;
    }
    if (node.type === 'map') {
      this.report('schema', 'A map is not allowed here: expected a number, text, true/false or a list.', node.span);
      return undefined;
    }
    const v = node.value;
    if (typeof v === 'string' && isExpression(v)) {
      const body = expressionBody(v);
      const bare = body.trim();
      const lookup = (name: string): unknown => {
        if (name === 'in') return env.inChannels;
        for (const scope of env.params) if (scope.has(name)) return scope.get(name);
        return undefined;
      };
      // `$name` alone may stand for any value (a list, `same`…); arithmetic needs numbers.
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(bare)) {
        const found = lookup(bare);
        if (found !== undefined) return found;
        if (bare === 'in') {
          this.report('expression', '`in` (the incoming channel count) is not known here.', node.span);
          return undefined;
        }
      }
      try {
        return evaluate(body, (name) => {
          const x = lookup(name);
          if (x === undefined) return undefined;
          if (typeof x !== 'number') throw new ExpressionError(`'${name}' is ${JSON.stringify(x)}, not a number`);
          return x;
        });
      } catch (err) {
        if (!(err instanceof ExpressionError)) throw err;
        const names = new Set<string>(['in']);
        for (const scope of env.params) for (const k of scope.keys()) names.add(k);
        const unknown = /unknown name '([^']+)'/.exec(err.message);
        const suggestion = unknown ? didYouMean(unknown[1], names) : undefined;
        this.report('expression', `In \`${v.trim()}\`: ${err.message}${suggestion ? `; did you mean '${suggestion}'?` : '.'}`, node.span, undefined, suggestion ? { replacement: suggestion, name: unknown![1] } : undefined);
        return undefined;
      }
    }
    return v;
  }

  // ---------------------------------------------------------------- reporting

  report(codeKey: CodeKey, message: string, span: Span, related?: RelatedSpan[], data?: Record<string, unknown>): void {
    const info = CODES[codeKey];
    this.findings.push({ code: info.code, severity: info.severity, message, span, ...(related?.length ? { related } : {}), ...(data ? { data } : {}) });
  }

  private argSpansOf(info: EntryInfo): LayerOrigin['args'] {
    if (!info.argSpans) {
      info.argSpans = {};
      for (const a of info.args?.entries ?? []) info.argSpans[a.key] = { key: a.keySpan, value: a.value.span };
    }
    return info.argSpans;
  }

  private unknownArgument(kind: string, a: RawEntry): void {
    const known = Object.keys(kindSpec(kind)!.args);
    const suggestion = didYouMean(a.key, known);
    this.report('unknownArgument', `${kind} has no argument '${a.key}'${suggestion ? `; did you mean '${suggestion}'?` : known.length ? ` (its arguments: ${known.join(', ')}).` : ' (it takes none).'}`, a.keySpan, undefined, suggestion ? { replacement: suggestion } : undefined);
  }

  private unknownKey(e: RawEntry, allowed: readonly string[], what: string): void {
    const suggestion = didYouMean(e.key, allowed);
    this.report('unknownArgument', `Unknown ${what} '${e.key}'${suggestion ? `; did you mean '${suggestion}'?` : ` (allowed: ${allowed.join(', ')}).`}`, e.keySpan, undefined, suggestion ? { replacement: suggestion } : undefined);
  }

  private addReference(ref: NameReference): void {
    const key = `${ref.span.start}:${ref.span.end}`;
    if (this.seenReferences.has(key)) return;
    this.seenReferences.add(key);
    this.references.push(ref);
  }

  private addDefinition(name: string, span: Span, entry: Span): void {
    const key = `${span.start}:${span.end}`;
    if (this.seenDefinitions.has(key)) return;
    this.seenDefinitions.add(key);
    this.definitions.push({ name, span, entry });
  }
}

/** The span without trailing whitespace/newlines (YAML block nodes end after the line break). */
function trimSpan(text: string, span: Span): Span {
  let end = span.end;
  while (end > span.start && /\s/.test(text[end - 1])) end--;
  return { start: span.start, end };
}

function plain(node: RawNode): unknown {
  if (node.type === 'scalar') return node.value;
  if (node.type === 'seq') return node.items.map(plain);
  return Object.fromEntries(node.entries.map((e) => [e.key, plain(e.value)]));
}
