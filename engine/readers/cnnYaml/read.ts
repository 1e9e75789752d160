// The cnn-yaml reader (FORMAT.md): resolves the document — blocks, `$` expressions, `repeat`,
// names, `from` — into layers of the engine, analysed as they are added (analyse/network.ts).
// Resolving and analysing happen in one walk because an expression may use `in`, the channel
// count arriving at a layer, which is known only once the layers before it are analysed.
import type { Analysis, BlockInfo, EntryResult, LayerOrigin, NameReference, Shape, Span } from '../../types';
import { parse } from '../yaml/parse';
import type { RawEntry, RawMap, RawNode, RawSeq } from '../yaml/raw';
import { plainValue } from '../yaml/values';
import { TOP_LEVEL_KEYS, didYouMean, kindSpec, own } from '../../kinds';
import { identityField, summarise } from '../../analyse/receptiveField';
import { MAX_LAYERS, NetworkBuilder, TooManyLayers, type Value } from '../../analyse/network';
import { fmtShape } from '../../analyse/layers';
import { evalValue, type Env, type ParamValue } from './values';
import { readBlocks } from './blocks';
import { readEntry, type EntryInfo, type Frame, type Ref } from './entries';
import { refFromNode, resolveRefs, topologicalOrder } from './references';
import type { BlockDef, ReaderContext } from './context';

const MAX_BLOCK_DEPTH = 64;

/** Reads a cnn-yaml document into its analysis (without the lint rules: see check.ts). */
export function readCnnYaml(text: string): Analysis {
  return new CnnYamlReader(text).run();
}

class CnnYamlReader implements ReaderContext {
  private readonly net = new NetworkBuilder();
  readonly report = this.net.report;
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
    this.net.findings.push(...parsed.findings);
    const result: Analysis = { ...this.net.start(), references: this.references, definitions: this.definitions };
    const root = parsed.root;
    if (!root) return this.net.finish(result);
    if (!isNetworkRoot(root)) {
      this.report('notANetwork', `Not a network: ${whyNotANetwork(root)}`, firstLineOf(this.text, root.span));
      return this.net.finish(result);
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
    readBlocks(this, get('blocks'));

    const layersEntry = get('layers');
    if (layersEntry) result.sections = [{ name: 'layers', keySpan: layersEntry.keySpan, span: layersEntry.span }];
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
    result.blocks = [...this.blocks.values()].map((b): BlockInfo => ({
      name: b.name,
      keySpan: b.keySpan,
      span: b.span,
      params: b.params.map((p) => ({ name: p.key, span: p.keySpan, default: plainValue(p.value) })),
      uses: b.uses,
    }));
    result.entries = [...this.entries.values()];
    return this.net.finish(result);
  }

  // ---------------------------------------------------------------- top level

  private readInput(entry: RawEntry | undefined, rootSpan: Span): Shape | undefined {
    if (!entry) {
      this.report('schema', 'The network has no `input:` shape, e.g. `input: [3, 224, 224]` (channels first, no batch axis).', { start: rootSpan.start, end: rootSpan.start + Math.min(1, this.text.length) });
      return undefined;
    }
    const v = evalValue(entry.value, { params: [this.topParams] }, this.report);
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
      const v = evalValue(p.value, { params: [this.topParams] }, this.report);
      if (v !== undefined) this.topParams.set(p.key, v);
    }
  }

  // ---------------------------------------------------------------- scopes and entries

  /** Analyses one `layers:` list; returns its output (the last entry, or `outputs`). */
  private runScope(seq: RawSeq, env: Env, input: Value, prefix: string, frame: Frame, outputsNode: RawNode | undefined, outputsSink: Value[] | undefined, topLevel: boolean): Value | undefined {
    const infos = seq.items.map((node, index) => readEntry(this, node, index));
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
    for (const info of infos) resolveRefs(this, info, infos, byName);

    const order = topologicalOrder(this, infos);
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
      const ref = refFromNode(this, n, lastInfo.index + 1, infos, byName, true);
      if (!ref) continue;
      const v = valueOf(ref);
      if (v) values.push(v);
    }
    if (outputsSink) outputsSink.push(...values);
    else if (names.length > 1) this.report('schema', 'A block has one output: list one name in its `outputs`.', outputsNode.span);
    return values[values.length - 1] ?? fallback;
  }

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
      const r = evalValue(info.repeatNode, { ...env, inChannels: inputs[0]!.shape![0] }, this.report);
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
      const v = evalValue(a.value, callEnv, this.report);
      if (v === undefined) return undefined;
      given.set(a.key, v);
    }
    const blockParams = new Map<string, unknown>();
    const blockEnv: Env = { params: [blockParams, this.topParams], inChannels: input.shape![0] };
    for (const p of def.params) {
      if (given.has(p.key)) blockParams.set(p.key, given.get(p.key));
      else {
        const v = evalValue(p.value, blockEnv, this.report);
        if (v === undefined || v === null) {
          if (v === null) this.report('schema', `Block '${def.name}' needs a value for '${p.key}' (it has no default).`, info.kindKey, [{ span: p.keySpan, message: `parameter '${p.key}'` }]);
          return undefined;
        }
        blockParams.set(p.key, v);
      }
    }
    const first = this.net.layers.length;
    this.blockStack.push(def.name);
    const blockFrame: Frame = { topEntry: frame.topEntry, blockPath: [...frame.blockPath, { block: def.name, use: info.span, definition: def.span }], inBlock: def.name };
    const out = this.runScope(def.layers, blockEnv, input, fullName, blockFrame, def.outputs, undefined, false);
    this.blockStack.pop();
    this.net.credit(entryResult, first);
    return out ? { ...out, span: info.span } : undefined;
  }

  private runLayer(info: EntryInfo, inputs: Value[], like: Value | undefined, env: Env, fullName: string, frame: Frame, entryResult: EntryResult): Value | undefined {
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
      const v = evalValue(a.value, argEnv, this.report);
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
    const first = this.net.layers.length;
    const out = this.net.addLayer({ name: fullName, kind, args, inputs, like, origin });
    if (out) this.net.credit(entryResult, first);
    return out;
  }

  // ---------------------------------------------------------------- reporting

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

  unknownKey(e: RawEntry, allowed: readonly string[], what: string): void {
    const suggestion = didYouMean(e.key, allowed);
    this.report('unknownArgument', `Unknown ${what} '${e.key}'${suggestion ? `; did you mean '${suggestion}'?` : ` (allowed: ${allowed.join(', ')}).`}`, e.keySpan, undefined, suggestion ? { replacement: suggestion } : undefined);
  }

  addReference(ref: NameReference): void {
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

const isNetworkKey = (key: string) => (TOP_LEVEL_KEYS as readonly string[]).includes(key) || didYouMean(key, TOP_LEVEL_KEYS) !== undefined;

/**
 * A network is a map with at least one network key, or a near miss of one (`layer:`): a network
 * being written, whose problems get their own codes. Anything else is not a network (CL012).
 */
function isNetworkRoot(root: RawNode): root is RawMap {
  return root.type === 'map' && root.entries.some((e) => isNetworkKey(e.key));
}

function whyNotANetwork(root: RawNode): string {
  if (root.type === 'seq') return 'the document is a YAML list; a network is a map with `input` and `layers`.';
  if (root.type === 'scalar' || !root.entries.length) return 'the document is not a YAML map with `input` and `layers`.';
  const keys = root.entries.slice(0, 5).map((e) => `\`${e.key}\``).join(', ') + (root.entries.length > 5 ? ', …' : '');
  return `its top-level keys (${keys}) are none of a network's (${TOP_LEVEL_KEYS.map((k) => `\`${k}\``).join(', ')}).`;
}

/** The first line of a span: where a finding about the whole document is shown. */
function firstLineOf(text: string, span: Span): Span {
  const newline = text.indexOf('\n', span.start);
  return { start: span.start, end: Math.min(span.end, newline < 0 ? text.length : newline) };
}
