// The PyTorch reader: a Python file that defines nn.Module subclasses → the analysis of one
// model. The file is parsed (parse.ts) and followed abstractly (interpreter.ts): its module-level
// definitions, then the model's constructor (which modules, with which arguments, under which
// names), then its forward on a symbolic input of the known shape, each library layer becoming
// an engine layer named by its module path. Statements become entries: constructor lines carry
// the parameters of the modules they create, forward lines the shape and field they compute.
import type { Analysis, EntryResult, Shape, Span } from '../../types';
import type { ReadOptions } from '../options';
import { CODES } from '../../codes';
import { MAX_LAYERS, NetworkBuilder, TooManyLayers, type Value } from '../../analyse/network';
import { identityField, summarise } from '../../analyse/receptiveField';
import { documentTooLarge } from '../size';
import { parsePython } from './parse';
import { Interpreter, Raised, Unfollowed, type CallSite, type StatementRecord } from './interpreter';
import { TorchLibrary } from './library';
import { ForwardContext } from './forward';
import { ownParameters } from './nn';
import { findInputShape, spatialRank, withBatch } from './input';
import { preludeStatements } from './prelude';
import { isModule, isObj, isTensor, isUnknown, Scope, type ModuleObj, type Py, type PyClass, type PyFunction } from './values';
import type { Param } from './ast';

const result_name = (t: PyClass | PyFunction) => (t.t === 'class' ? t.name : t.def.name);

export function readPytorch(text: string, options: ReadOptions = {}): Analysis {
  return new PytorchReader(text, options).run();
}

/** The nn.Module subclasses of a file, in order, and which of them is the model by default. */
export interface ModelClasses {
  classes: PyClass[];
  /** Classes no other class of the file instantiates (the top-level models). */
  topLevel: PyClass[];
  /** Module-level functions, in order (factories such as torchvision's resnet18). */
  factories: string[];
}

class PytorchReader {
  private readonly net = new NetworkBuilder();
  private readonly lib = new TorchLibrary();
  private readonly interp: Interpreter;
  private forward?: ForwardContext;
  /** Something the figures depend on was not followed: the first such construct is reported. */
  private incomplete = false;
  private readonly paramMemo = new Map<ModuleObj, number | undefined>();

  constructor(private readonly text: string, private readonly options: ReadOptions) {
    this.interp = new Interpreter(this.lib, new Scope());
    this.lib.interp = this.interp;
    this.interp.cancelled = options.cancelled;
    if (options.workLimit !== undefined) this.interp.workLimit = options.workLimit;
  }

  run(): Analysis {
    const result = this.net.start();
    const tooLarge = documentTooLarge(this.text);
    if (tooLarge) {
      this.net.findings.push(tooLarge);
      return this.net.finish(result);
    }
    const parsed = parsePython(this.text);
    const prelude = new Scope();
    this.interp.execModule(preludeStatements(), prelude);
    this.interp.prelude = prelude;
    this.interp.execModule(parsed.body);
    const found = this.classes(parsed.body.flatMap((s) => (s.t === 'class' ? [s.def.name] : [])), parsed.body.flatMap((s) => (s.t === 'def' ? [s.def.name] : [])));
    const target = this.choose(found);
    if (!target) {
      const wanted = this.options.className;
      const names = found.classes.map((c) => c.name);
      const message = wanted
        ? `This file defines no nn.Module subclass (or factory function without required arguments) named ${wanted}${names.length ? ` (it defines ${names.join(', ')})` : ''}.`
        : 'This file defines no nn.Module subclass: ConvLens reads PyTorch models written as `class Net(nn.Module)`.';
      this.net.report('notANetwork', message, { start: 0, end: Math.min(this.text.length, Math.max(1, this.text.indexOf('\n'))) });
      return this.net.finish(result);
    }
    result.name = target.t === 'class' ? target.name : target.def.name;
    result.models = this.alternatives(found, target);
    result.anchor = target.def.nameSpan;
    const site: CallSite = { span: target.def.nameSpan, fnSpan: target.def.nameSpan, posSpans: [], kwSpans: new Map() };

    const model = this.construct(target, site);
    const given = findInputShape(this.text, this.options.inputShape, this.options.fallbackInputShape);
    const input = given && withBatch(given, spatialRank(this.lib.modules), result_name(target));
    if (model && input && !('problem' in input)) {
      result.input = input.shape;
      result.batch = input.batch;
      this.run_forward(model, input.shape, input.batch, site, result);
    } else if (model && input && 'problem' in input) {
      this.incomplete = true;
      this.net.report('pytorchInputForm', input.problem, input.span ?? target.def.nameSpan);
    } else if (model && !input) {
      this.incomplete = true;
      const first = this.lib.modules.find((m) => /^Conv\dd$/.test(m.torch ?? '') && typeof m.args.in_channels === 'number');
      const rank = first ? Number(/(\d)d$/.exec(first.torch!)![1]) : 2;
      const channels = first ? (first.args.in_channels as number) : 3;
      const lineStart = this.text.lastIndexOf('\n', target.def.span.start - 1) + 1;
      this.net.report('pytorchInput', `No input shape for ${result_name(target)}: parameters are counted, shapes need one. Add a comment \`# convlens: input C×H×W\` (for example \`# convlens: input ${channels}x${Array(rank).fill(rank === 2 ? 224 : 32).join('x')}\`), pass --input-shape to the CLI, or set convlens.pytorch.inputShape.`, target.def.nameSpan, undefined, {
        insertAt: lineStart,
        channels,
        rank,
      });
    }

    result.entries = this.entries(model);
    result.entries.push(...this.elementEntries(result.entries));
    result.entries.sort((a, b) => a.span.start - b.span.start);
    const params = model ? staticParameters(model) : undefined;
    // A parameter count withheld (an nn.Parameter of unknown shape): the total is incomplete.
    if (model && params === undefined) this.incomplete = true;
    if (this.interp.unfollowed && (this.incomplete || !model)) {
      const u = this.interp.unfollowed;
      this.net.report('pytorchNotFollowed', `ConvLens could not follow ${u.why}; the figures that depend on it are not shown (nothing is guessed).`, u.span);
    }
    const analysis = this.net.finish(result);
    if (params !== undefined) analysis.totals.params = params;
    return analysis;
  }

  /** The nn.Module subclasses defined at the top of the file, and those no other one instantiates. */
  private classes(names: string[], factories: string[]): ModelClasses {
    const classes: PyClass[] = [];
    for (const n of names) {
      const v = this.interp.globals.get(n);
      if (isObj(v) && v.t === 'class' && v.isModule && !classes.includes(v)) classes.push(v);
    }
    const used = new Set<string>();
    for (const c of classes) {
      const src = this.text.slice(c.def.span.start, c.def.span.end);
      for (const other of classes) if (other !== c && new RegExp(`\\b${other.name}\\b`).test(src)) used.add(other.name);
    }
    return { classes, topLevel: classes.filter((c) => !used.has(c.name)), factories };
  }

  /**
   * The model: the class (or factory function, `resnet18`) asked for, else the last top-level class
   * that can be built without arguments, else the first factory function of the file that builds one.
   */
  private choose(found: ModelClasses): PyClass | PyFunction | undefined {
    const callableWithoutArguments = (params: Param[]) => params.every((p) => p.default || p.kind === 'star' || p.kind === 'dstar');
    const wanted = this.options.className;
    if (wanted) {
      const cls = found.classes.find((c) => c.name === wanted);
      if (cls) return cls;
      const fn = this.interp.globals.get(wanted);
      return isObj(fn) && fn.t === 'func' && callableWithoutArguments(fn.def.params) ? fn : undefined;
    }
    const tops = found.topLevel.filter((c) => this.buildable(c));
    if (tops.length) return tops[tops.length - 1];
    for (const f of found.factories) {
      const fn = this.interp.globals.get(f);
      if (isObj(fn) && fn.t === 'func' && callableWithoutArguments(fn.def.params) && !f.startsWith('_')) return fn;
    }
    return found.topLevel[found.topLevel.length - 1] ?? found.classes[found.classes.length - 1];
  }

  /** Whether a class can be built without arguments. */
  private buildable(c: PyClass): boolean {
    const init = this.interp.classAttr(c, '__init__');
    if (!init || !isObj(init.value) || init.value.t !== 'func') return true;
    return init.value.def.params.slice(1).every((p) => p.default || p.kind === 'star' || p.kind === 'dstar');
  }

  /** The other models of the file: classes and public factory functions that need no arguments. */
  private alternatives(found: ModelClasses, target: PyClass | PyFunction): Array<{ name: string; span: Span }> {
    const out: Array<{ name: string; span: Span }> = [];
    for (const c of found.classes) if (c !== target && this.buildable(c)) out.push({ name: c.name, span: c.def.nameSpan });
    for (const f of found.factories) {
      const fn = this.interp.globals.get(f);
      if (fn !== target && isObj(fn) && fn.t === 'func' && !f.startsWith('_') && fn.def.params.every((p) => p.default || p.kind === 'star' || p.kind === 'dstar')) {
        const src = this.text.slice(fn.def.span.start, fn.def.span.end);
        if (found.classes.some((c) => new RegExp(`\\b${c.name}\\b`).test(src))) out.push({ name: f, span: fn.def.nameSpan });
      }
    }
    return out;
  }

  private construct(target: PyClass | PyFunction, site: CallSite): ModuleObj | undefined {
    let model: Py;
    try {
      model = this.interp.call(target, [], new Map(), site);
    } catch (err) {
      if (err instanceof Raised) {
        this.net.report('pythonError', `${result_name(target)}() raises here: ${err.message}.`, err.span);
        return undefined;
      }
      if (err instanceof Unfollowed) {
        this.interp.note(err);
        return undefined;
      }
      throw err;
    }
    if (!isModule(model)) return undefined;
    nameModules(model);
    return model;
  }

  private run_forward(model: ModuleObj, shape: Shape, batch: number, site: CallSite, result: Analysis): void {
    const fctx = (this.forward = new ForwardContext(this.net, this.interp, batch));
    this.lib.forward = fctx;
    const axes = shape.slice(1).map(() => identityField());
    const x: Value = { index: -1, name: 'input', shape, rf: { kind: 'local', axes, summary: summarise(axes) } };
    let out: Py;
    try {
      out = this.interp.call(model, [{ t: 'tensor', v: x }], new Map(), site);
    } catch (err) {
      if (err instanceof TooManyLayers) {
        this.net.report('bounds', `The model has more than ${MAX_LAYERS.toLocaleString('en-US')} engine layers; analysis stopped.`, site.span);
      } else if (err instanceof Raised) this.net.report('pythonError', `The forward pass raises here: ${err.message}.`, err.span);
      else if (err instanceof Unfollowed) this.interp.note(err);
      else throw err;
      this.incomplete = true;
      return;
    }
    const outs = isObj(out) && (out.t === 'tuple' || out.t === 'list') ? out.items : isObj(out) && out.t === 'dict' ? [...out.map.values()] : [out];
    for (const o of outs) {
      if (isTensor(o) && o.v) result.outputs.push({ name: o.v.name, shape: o.v.shape, index: o.v.index });
      else this.incomplete = true;
    }
    if (isUnknown(out)) this.incomplete = true;
  }

  // ------------------------------------------------------------------ entries

  private entries(model: ModuleObj | undefined): EntryResult[] {
    const out: EntryResult[] = [];
    const layers = this.net.layers;
    const owners = this.forward?.owners ?? [];
    for (const rec of this.interp.records.values()) {
      if (!rec.count) continue;
      if (rec.created.length) {
        const e = this.definitionEntry(rec, model, owners);
        if (e) out.push(e);
        continue;
      }
      const last = rec.last;
      const value = isTensor(last) ? last.v : undefined;
      const tuple = isObj(last) && (last.t === 'tuple' || last.t === 'list') && last.items.every((i) => isTensor(i) && i.v) && last.items.length > 0 ? last.items.map((i) => (i as { v: Value }).v) : undefined;
      if (!value && !tuple && !rec.layers.length) continue;
      if (!value && !tuple) continue;
      const ids = [...new Set(rec.layers)];
      const entry = this.entry(rec, ids);
      const lastLayer = ids.length ? layers[ids[ids.length - 1]] : undefined;
      entry.name = value?.name ?? lastLayer?.name ?? rec.fn;
      entry.kind = lastLayer?.kind ?? 'tensor';
      entry.shape = value?.shape ?? tuple![tuple!.length - 1].shape;
      if (tuple) entry.outputs = tuple.map((t) => t.shape!);
      entry.rf = value?.rf;
      entry.inputShape = ids.length ? layers[ids[0]].inputShapes[0] : undefined;
      out.push(entry);
    }
    return out;
  }

  /**
   * A torch.nn layer written on a line of its own inside a longer statement (an element of a
   * multi-line nn.Sequential): its parameters at the end of that line, all instances together.
   */
  private elementEntries(statements: EntryResult[]): EntryResult[] {
    const lineEnd = (offset: number) => {
      const nl = this.text.indexOf('\n', offset);
      return nl < 0 ? this.text.length : nl;
    };
    const hinted = new Set(statements.map((e) => lineEnd(e.span.end)));
    const bySite = new Map<string, ModuleObj[]>();
    for (const m of this.lib.modules) {
      if (!m.torch || m.cls || m.path === undefined || ['Sequential', 'ModuleList', 'ModuleDict', 'Unknown'].includes(m.torch)) continue;
      if (m.site.end > this.text.length || hinted.has(lineEnd(m.site.end))) continue;
      // Only a call that ends its line (after a comma or a comment) has a line to itself.
      if (!/^\s*,?\s*(#.*)?$/.test(this.text.slice(m.site.end, lineEnd(m.site.end)))) continue;
      const key = `${m.site.start}:${m.site.end}`;
      bySite.set(key, [...(bySite.get(key) ?? []), m]);
    }
    const owners = this.forward?.owners ?? [];
    const out: EntryResult[] = [];
    for (const ms of bySite.values()) {
      const set = new Set(ms);
      const ids = owners.flatMap((o, i) => (o && set.has(o) ? [i] : []));
      const last = ms[ms.length - 1];
      const params = ms.reduce<number | undefined>((n, m) => {
        const p = ownParameters(m);
        return n === undefined || p === undefined ? undefined : n + p;
      }, 0);
      const e: EntryResult = { span: last.site, kindKey: last.calleeSpan, name: last.path!, kind: last.torch!, isBlock: false, instances: ms.length, layers: ids, params: params ?? 0, buffers: 0, macs: 0, definition: true };
      for (const i of ids) e.macs += this.net.layers[i].macs;
      // An element of a Sequential runs where the Sequential runs: its output is worth showing on its line.
      const lastLayer = ids.length ? this.net.layers[ids[ids.length - 1]] : undefined;
      if (lastLayer) Object.assign(e, { shape: lastLayer.shape, rf: lastLayer.rf, inputShape: this.net.layers[ids[0]].inputShapes[0] });
      out.push(e);
    }
    return out;
  }

  private entry(rec: StatementRecord, ids: number[]): EntryResult {
    const layers = this.net.layers;
    const e: EntryResult = {
      span: rec.stmt.span,
      kindKey: rec.stmt.span,
      name: rec.fn,
      kind: '',
      isBlock: ids.length > 1,
      inBlock: this.blockName(rec),
      instances: rec.count,
      layers: ids,
      params: 0,
      buffers: 0,
      macs: 0,
    };
    for (const i of ids) {
      e.params += layers[i].params;
      e.buffers += layers[i].buffers;
      e.macs += layers[i].macs;
    }
    return e;
  }

  private blockName(rec: StatementRecord): string | undefined {
    const root = this.interp.globals.get(this.net.layers.length ? '' : '');
    void root;
    return rec.owner ? rec.owner.name : rec.fn;
  }

  /** A constructor line: the modules it created (every time it ran), their parameters, the layers their calls produced. */
  private definitionEntry(rec: StatementRecord, model: ModuleObj | undefined, owners: Array<ModuleObj | undefined>): EntryResult | undefined {
    const created = new Set(rec.created);
    const tops = rec.created.filter((m) => !m.parent || !created.has(m.parent));
    const attached = tops.filter((m) => m.path !== undefined || m === model);
    if (!attached.length) return undefined;
    const within = (m: ModuleObj | undefined) => {
      for (let x = m; x; x = x.parent) if (created.has(x)) return true;
      return false;
    };
    const ids: number[] = [];
    owners.forEach((o, i) => {
      if (within(o)) ids.push(i);
    });
    const e = this.entry(rec, ids);
    const params = attached.reduce<number | undefined>((n, m) => {
      const p = staticParameters(m, this.paramMemo);
      return n === undefined || p === undefined ? undefined : n + p;
    }, 0);
    if (params !== undefined) e.params = params;
    const last = attached[attached.length - 1];
    e.name = last.path || last.cls?.name || last.torch || rec.fn;
    e.kind = last.torch && !last.cls ? last.torch : last.cls?.name ?? 'Module';
    e.kindKey = last.calleeSpan;
    e.isBlock = !!last.cls || !!(last.torch && ['Sequential', 'ModuleList', 'ModuleDict'].includes(last.torch));
    e.definition = true;
    e.instances = attached.length;
    const outputs = this.forward?.outputs.get(last);
    if (outputs) e.rf = undefined;
    return e;
  }
}

/** Sets each module's path as named_modules() gives it (a module reachable twice keeps its first name). */
function nameModules(model: ModuleObj): void {
  model.path = '';
  const walk = (m: ModuleObj) => {
    for (const [k, c] of m.children) {
      if (c.path !== undefined) continue;
      c.path = m.path ? `${m.path}.${k}` : k;
      c.parent = m;
      walk(c);
    }
  };
  walk(model);
}

/** sum(p.numel() for p in module.parameters()): each module once; undefined when one is not known. */
export function staticParameters(root: ModuleObj, memo?: Map<ModuleObj, number | undefined>): number | undefined {
  if (memo?.has(root)) return memo.get(root);
  const seen = new Set<ModuleObj>();
  const seenParams = new Set<number | undefined>();
  const count = (m: ModuleObj): number | undefined => {
    if (seen.has(m)) return 0;
    seen.add(m);
    if (m.torch === 'Unknown') return undefined;
    // A library module's own parameters, also when a class of the file subclasses it (ConvNeXt's LayerNorm2d).
    let n = m.torch ? ownParameters(m) : 0;
    if (n === undefined) return undefined;
    for (const v of m.attrs.values()) {
      if (isUnknown(v) && v.why === 'an nn.Parameter') return undefined;
      if (isObj(v) && v.t === 'const' && v.param && !seenParams.has(v.pid)) {
        seenParams.add(v.pid);
        n += v.shape.reduce((a, b) => a * b, 1);
      }
    }
    for (const c of m.children.values()) {
      const k = count(c);
      if (k === undefined) return undefined;
      n += k;
    }
    return n;
  };
  const n = count(root);
  memo?.set(root, n);
  return n;
}

export type { Span };
export { CODES };
