// The abstract interpreter of the Python a model file is written in: expressions, statements,
// functions, classes and instances, over the values of values.ts. It never runs the user's
// code: it follows it, with library calls (torch, nn, F, Python's builtins) modelled in
// library.ts, and stops following — an `unknown` value that names the construct and where it
// is — at anything it cannot model, so what depends on it is withheld and nothing is guessed.
import type { Span } from '../../types';
import { AnalysisCancelled } from '../cancelled';
import type { Arg, ClassDef, Expr, FunctionDef, Param, SliceExpr, Stmt } from './ast';
import { dataclassFields, dataclassInit, isDataclass } from './dataclass';
import {
  firstUnknown,
  isModule,
  isObj,
  isUnknown,
  list,
  Scope,
  show,
  truthy,
  tuple,
  typeName,
  unknown,
  type Builtin,
  type DictKey,
  type ModuleObj,
  type Py,
  type PyClass,
  type PyFunction,
  type PyObject,
  type Unknown,
} from './values';

/** Interpretation cannot go on here (a branch on something unknown, a raise): unwinds to the nearest call. */
export class Unfollowed extends Error {
  constructor(readonly why: string, readonly span: Span) {
    super(why);
  }
}

/** The user's code raised (reached a `raise`, or a library call PyTorch would refuse). */
export class Raised extends Error {
  constructor(message: string, readonly span: Span) {
    super(message);
  }
}

/** Bounds that keep a pathological file from freezing the editor. */
const MAX_STEPS = 500_000;
const MAX_DEPTH = 64;
const MAX_ITEMS = 100_000;
/** Items built or copied in all (list copies in a loop): bounds the time and memory steps do not. */
export const MAX_COPIED = 10_000_000;
const MAX_WHILE = 10_000;
const COMPARISON_OPS = new Set(['<', '<=', '>', '>=', '==', '!=', 'in', 'not in', 'is', 'is not']);

/** Where a call is written: the whole call, the callee, and each argument. */
export interface CallSite {
  span: Span;
  fnSpan: Span;
  /** Positional arguments' spans (undefined past a `*args`). */
  posSpans: Array<Span | undefined>;
  kwSpans: Map<string, { name: Span; value: Span }>;
}

type Signal = undefined | { k: 'return'; v: Py } | { k: 'break' } | { k: 'continue' };

/** What the reader observes while the code runs: statements, modules created, library calls. */
export interface Library {
  /** A library name's attribute (`nn.Conv2d`, `torch.cat`). */
  attr(b: Builtin, name: string, span: Span): Py;
  /** Calls a library function or class. */
  call(b: Builtin, args: Py[], kwargs: Map<string, Py>, site: CallSite): Py;
  /** An attribute of a value the interpreter does not model itself (tensors, modules' library attributes). */
  valueAttr(v: Py, name: string, span: Span): Py | undefined;
  /** Calls a module (its forward). */
  callModule(m: ModuleObj, args: Py[], kwargs: Map<string, Py>, site: CallSite): Py;
  /** `+ - * / …` where a tensor or the batch size takes part. */
  binary(op: string, l: Py, r: Py, span: Span): Py | undefined;
  /** `v[items]` for tensors, shapes and modules. */
  index(v: Py, items: Py[], span: Span): Py | undefined;
  /** A module of the file was constructed. */
  created(m: ModuleObj): void;
}

export interface StatementRecord {
  stmt: Stmt;
  count: number;
  /** Modules constructed while it ran (every run). */
  created: ModuleObj[];
  /** Engine layers added while it ran (every run). */
  layers: number[];
  /** The value it computed the last time (assigned or returned). */
  last?: Py;
  /** The function it belongs to, and that function's class. */
  fn: string;
  owner?: PyClass;
}

export class Interpreter {
  private steps = 0;
  private copied = 0;
  /** ReadOptions.workLimit. */
  workLimit = MAX_COPIED;
  private depth = 0;
  private nextId = 1;
  /** Statements being executed, outermost first. */
  readonly active: StatementRecord[] = [];
  readonly records = new Map<Stmt, StatementRecord>();
  /** The first construct that could not be followed, in the order the code ran. */
  unfollowed?: { why: string; span: Span };
  /** Module-level code runs in a restricted mode: no calls of the file's own functions and classes. */
  moduleLevel = false;
  /** The function and class being executed (for statement records). */
  private frames: Array<{ fn: string; owner?: PyClass; self?: Py; prelude?: boolean }> = [];
  /** While a prelude function runs: the user's call it serves (where its modules are located). */
  preludeSite?: Span;
  /** The prelude's definitions, bound where a file imports them (prelude.ts). */
  prelude?: Scope;
  /** The front end abandoned this reading (ReadOptions.cancelled), polled every 256 steps. */
  cancelled?: () => boolean;

  constructor(readonly lib: Library, readonly globals: Scope) {}

  /** Notes a construct that could not be followed (the first one becomes the reader's finding). */
  note(u: { why: string; span: Span }): void {
    // Module-level code (weights tables, registries) is not the model; inside a library helper
    // (the prelude), the place is the user's call of it.
    if (this.moduleLevel) return;
    if (!this.unfollowed) this.unfollowed = { why: u.why, span: this.preludeSite ?? u.span };
  }

  /** An unknown value that is also reported (used where a figure depended on it). */
  lost(why: string, span: Span): Unknown {
    const u = unknown(why, span);
    this.note(u);
    return u;
  }

  newId(): number {
    return this.nextId++;
  }

  /** Counts `items` built or copied; a file past MAX_COPIED in all is not followed. */
  charge(items: number, span: Span): void {
    this.copied += items;
    if (this.copied > this.workLimit) throw new Unfollowed(`building or copying more than ${this.workLimit.toLocaleString('en-US')} list items in all (a list copied in a loop?)`, span);
  }

  private tick(span: Span): void {
    if ((this.steps & 255) === 0 && this.cancelled?.()) throw new AnalysisCancelled();
    if (++this.steps > MAX_STEPS) throw new Unfollowed(`more computation than ConvLens follows in a file (${MAX_STEPS.toLocaleString('en-US')} steps; densenet201 takes 28,000)`, span);
  }

  // ------------------------------------------------------------------ statements

  execModule(body: Stmt[], scope: Scope = this.globals): void {
    this.moduleLevel = true;
    for (const s of body) {
      // Module level: definitions, imports and assignments of constants; the rest (training
      // loops, `if __name__ == '__main__'`) is not the model and is not run.
      // A `try` around imports (`try: from torch.hub import … except ImportError: …`) is followed too.
      if (s.t !== 'import' && s.t !== 'def' && s.t !== 'class' && s.t !== 'assign' && s.t !== 'try') continue;
      try {
        this.exec(s, scope);
      } catch (err) {
        if (!(err instanceof Unfollowed || err instanceof Raised)) throw err;
      }
    }
    this.moduleLevel = false;
  }

  execBlock(body: Stmt[], scope: Scope): Signal {
    for (const s of body) {
      const sig = this.exec(s, scope);
      if (sig) return sig;
    }
    return undefined;
  }

  private record(s: Stmt): StatementRecord | undefined {
    const frame = this.frames[this.frames.length - 1];
    if (!frame || frame.prelude) return undefined;
    let r = this.records.get(s);
    if (!r) {
      r = { stmt: s, count: 0, created: [], layers: [], fn: frame.fn, owner: frame.owner };
      this.records.set(s, r);
    }
    return r;
  }

  private exec(s: Stmt, scope: Scope): Signal {
    this.tick(s.span);
    const simple = s.t === 'assign' || s.t === 'aug' || s.t === 'expr' || s.t === 'return';
    const rec = simple ? this.record(s) : undefined;
    if (rec) {
      rec.count++;
      this.active.push(rec);
    }
    try {
      return this.execInner(s, scope, rec);
    } finally {
      if (rec) this.active.pop();
    }
  }

  private execInner(s: Stmt, scope: Scope, rec: StatementRecord | undefined): Signal {
    switch (s.t) {
      case 'assign': {
        const v = this.evaluate(s.value, scope);
        for (const target of s.targets) this.assign(target, v, scope);
        if (rec) rec.last = v;
        return undefined;
      }
      case 'aug': {
        const cur = this.evaluate(s.target, scope);
        const v = this.binary(s.op, cur, this.evaluate(s.value, scope), s.span, true);
        this.assign(s.target, v, scope);
        if (rec) rec.last = v;
        return undefined;
      }
      case 'expr':
        // A call whose result is dropped (weight init, logging): its effects on figures are followed, its value is not needed.
        this.evaluate(s.e, scope);
        return undefined;
      case 'return': {
        const v = s.value ? this.evaluate(s.value, scope) : null;
        if (rec) rec.last = v;
        return { k: 'return', v };
      }
      case 'if': {
        for (const b of s.branches) {
          const test = this.evaluate(b.test, scope);
          const t = truthy(test);
          if (t === undefined) throw new Unfollowed(isUnknown(test) ? test.why : `a condition on ${show(test)}`, isUnknown(test) ? test.span : b.test.span);
          if (t) return this.execBlock(b.body, scope);
        }
        return s.orelse ? this.execBlock(s.orelse, scope) : undefined;
      }
      case 'for': {
        const items = this.iterate(this.evaluate(s.iter, scope), s.iter.span);
        for (const item of items) {
          this.assign(s.target, item, scope);
          const sig = this.execBlock(s.body, scope);
          if (sig?.k === 'break') return undefined;
          if (sig?.k === 'return') return sig;
        }
        return s.orelse ? this.execBlock(s.orelse, scope) : undefined;
      }
      case 'def':
        scope.set(s.def.name, this.defineFunction(s.def, scope));
        return undefined;
      case 'class':
        scope.set(s.def.name, this.defineClass(s.def, scope));
        return undefined;
      case 'import':
        for (const n of s.names) {
          if (n.as === '*') continue;
          scope.set(n.as, this.importName(n.module, n.name, n.bindsRoot, s.span));
        }
        return undefined;
      case 'raise': {
        const e = s.e ? this.evaluate(s.e, scope) : null;
        throw new Raised(raisedMessage(e), s.span);
      }
      case 'assert': {
        const t = truthy(this.evaluate(s.test, scope));
        if (t === false) throw new Raised(this.assertMessage(s, scope), s.span);
        // An assert on something unknown may hold: the code goes on, as it would when it holds.
        return undefined;
      }
      case 'while':
        return this.execWhile(s, scope);
      case 'try':
        return this.execTry(s, scope);
      case 'with':
        return this.execWith(s, scope);
      case 'pass':
      case 'declare':
      case 'annotation':
        return undefined;
      case 'break':
        return { k: 'break' };
      case 'continue':
        return { k: 'continue' };
      case 'unsupported':
        throw new Unfollowed(s.what, s.span);
    }
  }

  /** AssertionError with the assert's message, and the values a failed comparison compared. */
  private assertMessage(s: Extract<Stmt, { t: 'assert' }>, scope: Scope): string {
    const msg = s.msg ? this.safeEval(s.msg, scope) : undefined;
    const test = s.test;
    const values = test.t === 'bin' && COMPARISON_OPS.has(test.op) ? ` (${show(this.safeEval(test.l, scope))} ${test.op} ${show(this.safeEval(test.r, scope))} is False)` : '';
    return `AssertionError${typeof msg === 'string' ? `: ${msg}` : ''}${values}`;
  }

  /** `while`: followed while its condition is known, up to a bound (a loop that does not end is not followed). */
  private execWhile(s: Extract<Stmt, { t: 'while' }>, scope: Scope): Signal {
    for (let n = 0; ; n++) {
      const test = this.evaluate(s.test, scope);
      const t = truthy(test);
      if (t === undefined) throw new Unfollowed(isUnknown(test) ? test.why : `a loop condition on ${show(test)}`, isUnknown(test) ? test.span : s.test.span);
      if (!t) return s.orelse ? this.execBlock(s.orelse, scope) : undefined;
      if (n >= MAX_WHILE) throw new Unfollowed(`a while loop that runs more than ${MAX_WHILE.toLocaleString('en-US')} times`, s.test.span);
      const sig = this.execBlock(s.body, scope);
      if (sig?.k === 'break') return undefined;
      if (sig?.k === 'return') return sig;
    }
  }

  /**
   * `try`: the body is followed. An exception in it that an `except` would catch is not followed
   * (which handler runs, and what it does, depend on the exception); `finally` runs on the way out.
   */
  private execTry(s: Extract<Stmt, { t: 'try' }>, scope: Scope): Signal {
    let sig: Signal;
    try {
      sig = this.execBlock(s.body, scope);
    } catch (err) {
      if (err instanceof Raised && s.handlers.length) throw new Unfollowed(`the except clause taken after ${err.message.replace(/\.$/, '')} (raised in the try body)`, s.handlers[0].span);
      if (err instanceof Raised && s.final) {
        const after = this.execBlock(s.final, scope);
        if (after) return after;
      }
      throw err;
    }
    if (!sig && s.orelse) sig = this.execBlock(s.orelse, scope);
    if (s.final) return this.execBlock(s.final, scope) ?? sig;
    return sig;
  }

  /** `with torch.no_grad():` and the like: the body is followed; `as x` binds what __enter__ gives. */
  private execWith(s: Extract<Stmt, { t: 'with' }>, scope: Scope): Signal {
    const exits: Array<() => void> = [];
    // A context manager ConvLens does not model (or one of the file's, with __exit__) may swallow an exception.
    let maySuppress = false;
    for (const item of s.items) {
      const ctx = this.evaluate(item.ctx, scope);
      let entered: Py = null;
      if (isObj(ctx) && (ctx.t === 'object' || ctx.t === 'module') && ctx.cls) {
        const cls = ctx.cls;
        const enter = this.classAttr(cls, '__enter__');
        const exit = this.classAttr(cls, '__exit__');
        const site: CallSite = { span: item.ctx.span, fnSpan: item.ctx.span, posSpans: [], kwSpans: new Map() };
        if (enter) entered = this.call(this.bind(enter.value, ctx, cls), [], new Map(), site);
        if (exit) exits.push(() => void this.call(this.bind(exit.value, ctx, cls), [null, null, null], new Map(), site));
        maySuppress ||= !!exit;
      } else if (isUnknown(ctx)) {
        entered = ctx;
        maySuppress = true;
      } else if (!(isObj(ctx) && ctx.t === 'builtin' && ctx.name === 'contextmanager')) {
        entered = unknown(`the value a with statement gets from ${typeName(ctx)}`, item.ctx.span);
        maySuppress = true;
      }
      if (item.target) this.assign(item.target, entered, scope);
    }
    let sig: Signal;
    try {
      sig = this.execBlock(s.body, scope);
    } catch (err) {
      if (err instanceof Raised && maySuppress) throw new Unfollowed(`whether the with statement's context manager lets ${err.message.replace(/\.$/, '')} through`, s.span);
      throw err;
    }
    for (const exit of exits.reverse()) exit();
    return sig;
  }

  private importName(module: string, name: string | undefined, bindsRoot: boolean | undefined, span: Span): Py {
    const fromPrelude = name !== undefined && (module.startsWith('.') || module.startsWith('torchvision.')) ? this.prelude?.get(name) : undefined;
    if (fromPrelude !== undefined) return fromPrelude;
    if (module.startsWith('.')) return unknown(`${name ?? module}, imported from ${module} (another file)`, span);
    const full = name ? `${module}.${name}` : bindsRoot ? module.split('.')[0] : module;
    return this.lib.attr({ t: 'builtin', name: '' }, full, span);
  }

  assign(target: Expr, v: Py, scope: Scope): void {
    switch (target.t) {
      case 'name':
        scope.set(target.id, v);
        return;
      case 'tuple':
      case 'list': {
        const star = target.items.findIndex((x) => x.t === 'star');
        const items = this.iterate(v, target.span);
        if (star < 0) {
          if (items.length !== target.items.length) {
            if (isUnknown(v) || firstUnknown(v)) {
              for (const t of target.items) this.assign(t, firstUnknown(v) ?? v, scope);
              return;
            }
            throw new Raised(`cannot unpack ${items.length} values into ${target.items.length} names`, target.span);
          }
          target.items.forEach((t, i) => this.assign(t, items[i], scope));
          return;
        }
        const after = target.items.length - star - 1;
        target.items.slice(0, star).forEach((t, i) => this.assign(t, items[i], scope));
        this.assign((target.items[star] as Extract<Expr, { t: 'star' }>).e, list(items.slice(star, items.length - after)), scope);
        target.items.slice(star + 1).forEach((t, i) => this.assign(t, items[items.length - after + i], scope));
        return;
      }
      case 'attr': {
        const obj = this.evaluate(target.obj, scope);
        this.setAttr(obj, target.name, v, target.span);
        return;
      }
      case 'index': {
        const obj = this.evaluate(target.obj, scope);
        const keys = target.items.map((i) => this.evalIndexItem(i, scope));
        if (isObj(obj) && obj.t === 'list' && keys.length === 1 && typeof keys[0] === 'number') {
          const i = keys[0] < 0 ? obj.items.length + keys[0] : keys[0];
          if (i >= 0 && i < obj.items.length) obj.items[i] = v;
          return;
        }
        if (isObj(obj) && obj.t === 'dict' && keys.length === 1 && isKey(keys[0])) {
          obj.map.set(keys[0] as DictKey, v);
          return;
        }
        if (isModule(obj) && obj.torch === 'ModuleDict' && typeof keys[0] === 'string' && isModule(v)) {
          obj.children.set(keys[0], v);
          return;
        }
        if (isUnknown(obj)) return;
        throw new Unfollowed(`an assignment to an item of ${typeName(obj)}`, target.span);
      }
      default:
        throw new Unfollowed('this assignment', target.span);
    }
  }

  setAttr(obj: Py, name: string, v: Py, span: Span): void {
    if (isModule(obj)) {
      // An nn.Parameter set on a module is registered as its own (named_parameters: `path.name`).
      if (isObj(v) && v.t === 'const' && v.param) v = { ...v, owner: obj, attr: name };
      if (isModule(v)) {
        obj.children.set(name, v);
      } else if (obj.children.has(name)) obj.children.delete(name);
      obj.attrs.set(name, v);
      return;
    }
    if (isObj(obj) && obj.t === 'object') {
      obj.attrs.set(name, v);
      return;
    }
    if (isObj(obj) && obj.t === 'class') {
      obj.attrs.set(name, v);
      return;
    }
    if (isUnknown(obj)) return;
    throw new Unfollowed(`setting ${name} on ${typeName(obj)}`, span);
  }

  // ------------------------------------------------------------------ definitions

  defineFunction(def: FunctionDef, scope: Scope, owner?: PyClass): PyFunction {
    const fn: PyFunction = { t: 'func', def, scope, owner };
    for (const d of def.decorators) {
      const name = d.t === 'name' ? d.id : d.t === 'attr' ? d.name : '';
      if (name === 'staticmethod') fn.kind = 'static';
      else if (name === 'classmethod') fn.kind = 'class';
      else if (name === 'property') fn.kind = 'property';
      // Other decorators (registries, no_grad, typing helpers) are taken to keep the function.
    }
    // Defaults are evaluated once, where the function is defined (as Python does).
    (fn as PyFunction & { defaults?: Map<string, Py> }).defaults = new Map(def.params.filter((p) => p.default).map((p) => [p.name, this.safeEval(p.default!, scope)]));
    return fn;
  }

  private defineClass(def: ClassDef, scope: Scope): PyClass {
    const bases = def.bases.map((b) => this.safeEval(b, scope)).filter((b): b is PyClass | Builtin => isObj(b) && (b.t === 'class' || b.t === 'builtin'));
    const isModuleBase = (b: PyClass | Builtin): boolean => (b.t === 'class' ? b.isModule : /^torch\.nn\.[A-Z]/.test(b.name));
    const cls: PyClass = { t: 'class', name: def.name, def, bases, attrs: new Map(), isModule: bases.some(isModuleBase) };
    const body = new Scope(scope);
    for (const s of def.body) {
      try {
        if (s.t === 'def') cls.attrs.set(s.def.name, this.defineFunction(s.def, scope, cls));
        else if (s.t === 'assign') {
          const v = this.evaluate(s.value, body);
          for (const t of s.targets) this.assign(t, v, body);
        } else if (s.t === 'class') body.set(s.def.name, this.defineClass(s.def, body));
      } catch (err) {
        if (!(err instanceof Unfollowed || err instanceof Raised)) throw err;
      }
    }
    for (const [k, v] of body.vars) cls.attrs.set(k, v);
    if (isDataclass(def)) {
      cls.fields = dataclassFields(cls, def, bases.filter((b): b is PyClass => b.t === 'class'));
      if (!cls.attrs.has('__init__')) cls.attrs.set('__init__', dataclassInit(cls, def, cls.fields, scope));
    }
    return cls;
  }

  /** The class and its bases, nearest first (depth-first, each once: Python's order for the hierarchies models use). */
  mro(cls: PyClass): Array<PyClass | Builtin> {
    let cached = this.mros.get(cls);
    if (!cached) this.mros.set(cls, (cached = this.computeMro(cls)));
    return cached;
  }

  private readonly mros = new Map<PyClass, Array<PyClass | Builtin>>();

  private computeMro(cls: PyClass): Array<PyClass | Builtin> {
    const out: Array<PyClass | Builtin> = [];
    const visit = (c: PyClass | Builtin) => {
      const i = out.indexOf(c);
      if (i >= 0) out.splice(i, 1);
      out.push(c);
      if (c.t === 'class') c.bases.forEach(visit);
    };
    visit(cls);
    return out;
  }

  /** The library base of a class (torch.nn.Module, torch.nn.Sequential…), nearest first. */
  libraryBase(cls: PyClass): string | undefined {
    for (const c of this.mro(cls)) if (c.t === 'builtin') return c.name;
    return undefined;
  }

  /** A class attribute along the MRO, starting after `after` (super()). */
  classAttr(cls: PyClass, name: string, after?: PyClass): { value: Py; owner: PyClass } | undefined {
    const order = this.mro(cls);
    let i = after ? order.indexOf(after) + 1 : 0;
    for (; i < order.length; i++) {
      const c = order[i];
      if (c.t === 'class' && c.attrs.has(name)) return { value: c.attrs.get(name)!, owner: c };
    }
    return undefined;
  }

  private bind(v: Py, self: Py, cls: PyClass): Py {
    if (isObj(v) && v.t === 'func') {
      if (v.kind === 'static') return v;
      if (v.kind === 'class') return { ...v, self: cls };
      return { ...v, self };
    }
    return v;
  }

  // ------------------------------------------------------------------ expressions

  /** Evaluates, turning a failure to follow into an unknown value (for defaults and class bodies). */
  safeEval(e: Expr, scope: Scope): Py {
    try {
      return this.evaluate(e, scope);
    } catch (err) {
      if (err instanceof Unfollowed) return unknown(err.why, err.span);
      if (err instanceof Raised) return unknown(err.message, err.span);
      throw err;
    }
  }

  evaluate(e: Expr, scope: Scope): Py {
    this.tick(e.span);
    switch (e.t) {
      case 'num':
        return e.v;
      case 'str':
        return e.v;
      case 'fstr': {
        let out = '';
        for (const p of e.parts) {
          if (typeof p === 'string') out += p;
          else {
            const v = this.evaluate(p.e, scope);
            if (isUnknown(v)) return v;
            if (p.spec || !(typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null)) return unknown('an f-string with a format spec or a non-plain value', e.span);
            out += typeof v === 'string' ? v : show(v);
          }
        }
        return out;
      }
      case 'const':
        return e.v;
      case 'ellipsis':
        return { t: 'builtin', name: 'Ellipsis' };
      case 'name': {
        const v = scope.get(e.id);
        if (v !== undefined) return v;
        return this.lib.attr({ t: 'builtin', name: '' }, `builtins.${e.id}`, e.span);
      }
      case 'attr':
        return this.getAttr(this.evaluate(e.obj, scope), e.name, e.span);
      case 'call':
        return this.evalCall(e, scope);
      case 'index': {
        const obj = this.evaluate(e.obj, scope);
        const items = e.items.map((i) => this.evalIndexItem(i, scope));
        return this.index(obj, items, e.span);
      }
      case 'bin':
        return this.evalBinary(e, scope);
      case 'unary': {
        const v = this.evaluate(e.e, scope);
        if (e.op === 'not') {
          const t = truthy(v);
          return t === undefined ? (isUnknown(v) ? v : unknown(`not ${show(v)}`, e.span)) : !t;
        }
        if (typeof v === 'number' || typeof v === 'boolean') return e.op === '-' ? -Number(v) : e.op === '+' ? Number(v) : ~Number(v);
        if (isUnknown(v)) return v;
        return this.lib.binary(e.op === '-' ? '*' : '+', v, e.op === '-' ? -1 : 0, e.span) ?? unknown(`${e.op}${typeName(v)}`, e.span);
      }
      case 'ifexp': {
        const test = this.evaluate(e.test, scope);
        const t = truthy(test);
        if (t === undefined) throw new Unfollowed(isUnknown(test) ? test.why : `a condition on ${show(test)}`, isUnknown(test) ? test.span : e.test.span);
        return this.evaluate(t ? e.body : e.orelse, scope);
      }
      case 'list':
      case 'tuple':
      case 'set': {
        const items: Py[] = [];
        for (const i of e.items) {
          if (i.t === 'star') items.push(...this.iterate(this.evaluate(i.e, scope), i.span));
          else items.push(this.evaluate(i, scope));
        }
        if (e.t === 'set') return this.call({ t: 'builtin', name: 'builtins.set' }, [list(items)], new Map(), { span: e.span, fnSpan: e.span, posSpans: [e.span], kwSpans: new Map() });
        return e.t === 'tuple' ? tuple(items) : list(items);
      }
      case 'dict': {
        const map = new Map<DictKey, Py>();
        for (const i of e.items) {
          if ('spread' in i) {
            const d = this.evaluate(i.spread, scope);
            if (isObj(d) && d.t === 'dict') for (const [k, v] of d.map) map.set(k, v);
            else return isUnknown(d) ? d : unknown(`**${typeName(d)}`, i.spread.span);
          } else {
            const k = this.evaluate(i.k, scope);
            if (!isKey(k)) return unknown(`a dict key of type ${typeName(k)}`, i.k.span);
            map.set(k as DictKey, this.evaluate(i.v, scope));
          }
        }
        return { t: 'dict', map };
      }
      case 'comp':
        return this.comprehension(e, scope);
      case 'lambda':
        return { t: 'func', def: { name: '<lambda>', nameSpan: e.span, params: e.params, body: [], decorators: [], span: e.span }, scope, lambda: e.body };
      case 'star':
        throw new Unfollowed('a starred expression here', e.span);
      case 'unsupported':
        throw new Unfollowed(e.what, e.span);
    }
  }

  evalIndexItem(i: Expr | SliceExpr, scope: Scope): Py {
    if (i.t === 'slice') return { t: 'slice', lo: i.lo ? this.evaluate(i.lo, scope) : null, hi: i.hi ? this.evaluate(i.hi, scope) : null, step: i.step ? this.evaluate(i.step, scope) : null };
    return this.evaluate(i, scope);
  }

  private comprehension(e: Extract<Expr, { t: 'comp' }>, scope: Scope): Py {
    const inner = new Scope(scope);
    const out: Py[] = [];
    const dict = new Map<DictKey, Py>();
    const loop = (g: number): void => {
      if (g === e.gens.length) {
        if (e.kind === 'dict') {
          const k = this.evaluate(e.key!, inner);
          if (isKey(k)) dict.set(k as DictKey, this.evaluate(e.elt, inner));
        } else out.push(this.evaluate(e.elt, inner));
        return;
      }
      const gen = e.gens[g];
      for (const item of this.iterate(this.evaluate(gen.iter, inner), gen.iter.span)) {
        this.assign(gen.target, item, inner);
        let keep = true;
        for (const c of gen.ifs) {
          const t = truthy(this.evaluate(c, inner));
          if (t === undefined) throw new Unfollowed('a condition in a comprehension', c.span);
          if (!t) keep = false;
        }
        if (keep) loop(g + 1);
      }
    };
    loop(0);
    if (e.kind === 'set') return this.call({ t: 'builtin', name: 'builtins.set' }, [list(out)], new Map(), { span: e.span, fnSpan: e.span, posSpans: [e.span], kwSpans: new Map() });
    return e.kind === 'dict' ? { t: 'dict', map: dict } : list(out);
  }

  /** The items of an iterable; an unknown or unmodelled iterable stops the interpretation. */
  iterate(v: Py, span: Span): Py[] {
    if (typeof v === 'string') return [...v];
    if (isObj(v)) {
      switch (v.t) {
        case 'list':
        case 'tuple':
          this.charge(v.items.length, span);
          return [...v.items];
        case 'dict':
          this.charge(v.map.size, span);
          return [...v.map.keys()];
        case 'module':
          if (v.torch === 'ModuleDict') return [...v.children.keys()];
          if (v.torch === 'Sequential' || v.torch === 'ModuleList') return [...v.children.values()];
          break;
        case 'unknown':
          throw new Unfollowed(v.why, v.span);
      }
      const viaLib = this.lib.valueAttr(v, '__iter__', span);
      if (viaLib && isObj(viaLib) && (viaLib.t === 'list' || viaLib.t === 'tuple')) return viaLib.items;
    }
    throw new Unfollowed(`iterating over ${typeName(v)}`, span);
  }

  getAttr(obj: Py, name: string, span: Span): Py {
    if (!isObj(obj)) {
      const m = this.lib.valueAttr(obj, name, span);
      if (m !== undefined) return m;
      return this.lost(`${typeName(obj)}.${name}`, span);
    }
    switch (obj.t) {
      case 'unknown':
        return obj;
      case 'builtin':
        return this.lib.attr(obj, name, span);
      case 'module':
      case 'object': {
        if (obj.attrs.has(name)) return obj.attrs.get(name)!;
        if (obj.t === 'module' && obj.children.has(name)) return obj.children.get(name)!;
        const cls = obj.t === 'module' ? obj.cls : obj.cls;
        const found = cls && this.classAttr(cls, name);
        if (found) {
          const v = this.bind(found.value, obj, cls!);
          if (isObj(v) && v.t === 'func' && v.kind === 'property') return this.callFunction(v, [], new Map(), span);
          return v;
        }
        const m = this.lib.valueAttr(obj, name, span);
        if (m !== undefined) return m;
        return this.lost(`the attribute ${name} of ${typeName(obj)}`, span);
      }
      case 'class': {
        const found = this.classAttr(obj, name);
        if (found) return isObj(found.value) && found.value.t === 'func' && found.value.kind === 'class' ? { ...found.value, self: obj } : found.value;
        const m = this.lib.valueAttr(obj, name, span);
        if (m !== undefined) return m;
        return this.lost(`${obj.name}.${name}`, span);
      }
      default: {
        const m = this.lib.valueAttr(obj, name, span);
        if (m !== undefined) return m;
        return this.lost(`the attribute ${name} of ${typeName(obj)}`, span);
      }
    }
  }

  index(obj: Py, items: Py[], span: Span): Py {
    if (isUnknown(obj)) return obj;
    const u = items.find(isUnknown);
    if (u) return u;
    const viaLib = this.lib.index(obj, items, span);
    if (viaLib !== undefined) return viaLib;
    if (items.length === 1) {
      const k = items[0];
      if (typeof obj === 'string' || (isObj(obj) && (obj.t === 'list' || obj.t === 'tuple'))) {
        const seq: Py[] = typeof obj === 'string' ? [...obj] : obj.items;
        if (isObj(k) && k.t === 'slice') {
          const picked = sliceItems(seq, k, span);
          return typeof obj === 'string' ? picked.join('') : isObj(obj) && obj.t === 'tuple' ? tuple(picked) : list(picked);
        }
        if (typeof k === 'number' || typeof k === 'boolean') {
          const n = Number(k);
          const i = n < 0 ? seq.length + n : n;
          if (i < 0 || i >= seq.length) throw new Raised(`index ${n} is out of range (length ${seq.length})`, span);
          return seq[i];
        }
      }
      if (isObj(obj) && obj.t === 'dict' && isKey(k)) {
        if (!obj.map.has(k as DictKey)) throw new Raised(`KeyError: ${show(k)}`, span);
        return obj.map.get(k as DictKey)!;
      }
    }
    return this.lost(`indexing ${typeName(obj)} with ${items.map(show).join(', ')}`, span);
  }

  private evalBinary(e: Extract<Expr, { t: 'bin' }>, scope: Scope): Py {
    if (e.op === 'and' || e.op === 'or') {
      const l = this.evaluate(e.l, scope);
      const t = truthy(l);
      if (t === undefined) return isUnknown(l) ? l : unknown(`${show(l)} ${e.op} …`, e.span);
      if (e.op === 'and') return t ? this.evaluate(e.r, scope) : l;
      return t ? l : this.evaluate(e.r, scope);
    }
    return this.binary(e.op, this.evaluate(e.l, scope), this.evaluate(e.r, scope), e.span, false);
  }

  binary(op: string, l: Py, r: Py, span: Span, inPlace: boolean): Py {
    switch (op) {
      case '==':
        return equal(l, r) ?? unknown(`a comparison with ${isUnknown(l) ? l.why : isUnknown(r) ? r.why : 'a tensor'}`, span);
      case '!=': {
        const eq = equal(l, r);
        return eq === undefined ? unknown('a comparison', span) : !eq;
      }
      case 'is':
      case 'is not': {
        if (isUnknown(l) || isUnknown(r)) return isUnknown(l) ? l : r;
        const same = l === r || (l === null && r === null) || (isObj(l) && isObj(r) && l.t === 'builtin' && r.t === 'builtin' && l.name === r.name && l.self === r.self);
        return op === 'is' ? same : !same;
      }
      case 'in':
      case 'not in': {
        if (isUnknown(r)) return r;
        let found: boolean | undefined;
        if (typeof r === 'string' && typeof l === 'string') found = r.includes(l);
        else if (isObj(r) && r.t === 'dict') found = isKey(l) ? r.map.has(l as DictKey) : undefined;
        else if (isObj(r) && (r.t === 'list' || r.t === 'tuple')) {
          const eqs = r.items.map((x) => equal(l, x));
          found = eqs.some((x) => x === true) ? true : eqs.some((x) => x === undefined) ? undefined : false;
        } else if (isModule(r) && typeof l === 'string') found = r.children.has(l);
        if (found === undefined) return unknown(`'${op}' on ${typeName(r)}`, span);
        return op === 'in' ? found : !found;
      }
    }
    if (isUnknown(l)) return l;
    if (isUnknown(r)) return r;
    const viaLib = this.lib.binary(inPlace ? `${op}=` : op, l, r, span);
    if (viaLib !== undefined) return viaLib;
    if ((typeof l === 'number' || typeof l === 'boolean') && (typeof r === 'number' || typeof r === 'boolean')) return arith(op, Number(l), Number(r), span);
    if (['<', '<=', '>', '>='].includes(op) && typeof l === 'string' && typeof r === 'string') return compare(op, l < r ? -1 : l > r ? 1 : 0);
    if (op === '+' && typeof l === 'string' && typeof r === 'string') {
      this.charge(l.length + r.length, span);
      return l + r;
    }
    if (op === '%' && typeof l === 'string') return formatPercent(l, r, span);
    if (op === '*' && (isObj(l) || typeof l === 'string') && typeof r === 'number') return repeat(l, r, span, this);
    if (op === '*' && typeof l === 'number' && (isObj(r) || typeof r === 'string')) return repeat(r, l, span, this);
    if (isObj(l) && isObj(r) && (l.t === 'list' || l.t === 'tuple') && l.t === r.t) {
      if (op === '+') {
        this.charge(inPlace && l.t === 'list' ? r.items.length : l.items.length + r.items.length, span);
        if (inPlace && l.t === 'list') {
          l.items.push(...r.items);
          return l;
        }
        return l.t === 'list' ? list([...l.items, ...r.items]) : tuple([...l.items, ...r.items]);
      }
      if (['<', '<=', '>', '>='].includes(op)) return unknown('comparing sequences', span);
    }
    if (isObj(l) && l.t === 'list' && isObj(r) && r.t === 'tuple' && inPlace && op === '+') {
      this.charge(r.items.length, span);
      l.items.push(...r.items);
      return l;
    }
    return this.lost(`${typeName(l)} ${op} ${typeName(r)}`, span);
  }

  private evalCall(e: Extract<Expr, { t: 'call' }>, scope: Scope): Py {
    const fn = this.evaluate(e.fn, scope);
    const args: Py[] = [];
    const kwargs = new Map<string, Py>();
    const site: CallSite = { span: e.span, fnSpan: e.fn.span, posSpans: [], kwSpans: new Map() };
    let starred = false;
    for (const a of e.args) {
      if (a.kind === 'pos') {
        args.push(this.evaluate(a.value, scope));
        site.posSpans.push(starred ? undefined : a.value.span);
      } else if (a.kind === 'star') {
        const v = this.evaluate(a.value, scope);
        const items = this.iterate(v, a.value.span);
        args.push(...items);
        for (let i = 0; i < items.length; i++) site.posSpans.push(undefined);
        starred = true;
      } else if (a.kind === 'kw') {
        kwargs.set(a.name, this.evaluate(a.value, scope));
        site.kwSpans.set(a.name, { name: a.nameSpan, value: a.value.span });
      } else {
        const d = this.evaluate(a.value, scope);
        if (isObj(d) && d.t === 'dict') for (const [k, v] of d.map) if (typeof k === 'string') kwargs.set(k, v);
        else if (isUnknown(d)) return this.callUnknown(d, args, kwargs);
        else throw new Unfollowed(`**${typeName(d)}`, a.span);
      }
    }
    return this.call(fn, args, kwargs, site);
  }

  private callUnknown(u: Unknown, _args: Py[], _kwargs: Map<string, Py>): Py {
    return u;
  }

  call(fn: Py, args: Py[], kwargs: Map<string, Py>, site: CallSite): Py {
    if (!isObj(fn)) return this.lost(`calling ${typeName(fn)}`, site.span);
    switch (fn.t) {
      case 'unknown':
        return fn;
      case 'func':
        if (this.moduleLevel) return unknown(`a call of ${fn.def.name} at module level`, site.span);
        return this.callFunction(fn, args, kwargs, site.span);
      case 'class':
        if (this.moduleLevel) return unknown(`constructing ${fn.name} at module level`, site.span);
        return this.instantiate(fn, args, kwargs, site);
      case 'builtin':
        return this.lib.call(fn, args, kwargs, site);
      case 'module':
        return this.lib.callModule(fn, args, kwargs, site);
      case 'partial': {
        const merged = new Map(fn.kwargs);
        for (const [k, v] of kwargs) merged.set(k, v);
        return this.call(fn.fn, [...fn.args, ...args], merged, { ...site, posSpans: [...fn.args.map(() => undefined), ...site.posSpans] });
      }
      case 'object': {
        const c = this.classAttr(fn.cls, '__call__');
        if (c) return this.call(this.bind(c.value, fn, fn.cls), args, kwargs, site);
        break;
      }
    }
    return this.lost(`calling ${typeName(fn)}`, site.span);
  }

  /** Constructs an instance of a class of the file: a module (nn.Module subclass) or a plain object. */
  instantiate(cls: PyClass, args: Py[], kwargs: Map<string, Py>, site: CallSite): Py {
    let obj: ModuleObj | PyObject;
    if (cls.isModule) {
      const base = this.libraryBase(cls);
      const m: ModuleObj = { t: 'module', id: this.newId(), cls, args: {}, argSpans: {}, site: site.span, calleeSpan: site.fnSpan, attrs: new Map(), children: new Map() };
      if (base && base !== 'torch.nn.Module') m.torch = base.replace(/^torch\.nn\./, '');
      this.lib.created(m);
      obj = m;
    } else obj = { t: 'object', cls, attrs: new Map() };
    const init = this.classAttr(cls, '__init__');
    if (init && isObj(init.value) && init.value.t === 'func') {
      this.callFunction({ ...init.value, self: obj }, args, kwargs, site.span);
    } else if (!init && cls.isModule && isModule(obj) && obj.torch) {
      // A subclass of a library container or layer without its own __init__: the library's.
      this.lib.call({ t: 'builtin', name: `torch.nn.${obj.torch}.__init__`, self: obj }, args, kwargs, site);
    }
    return obj;
  }

  callFunction(fn: PyFunction, args: Py[], kwargs: Map<string, Py>, callSpan: Span): Py {
    if (this.depth >= MAX_DEPTH) throw new Unfollowed(`calls nested deeper than ${MAX_DEPTH} (recursion?)`, callSpan);
    const scope = new Scope(fn.scope);
    const all = fn.self !== undefined ? [fn.self, ...args] : args;
    this.bindParams(fn, all, kwargs, scope, callSpan);
    this.depth++;
    this.frames.push({ fn: fn.def.name, owner: fn.owner, self: fn.self, prelude: fn.def.prelude });
    const outerSite = this.preludeSite;
    if (fn.def.prelude && !outerSite) this.preludeSite = callSpan;
    try {
      if (fn.lambda) return this.evaluate(fn.lambda, scope);
      const sig = this.execBlock(fn.def.body, scope);
      return sig?.k === 'return' ? sig.v : null;
    } catch (err) {
      if (err instanceof Unfollowed) {
        this.note(err);
        return unknown(err.why, err.span);
      }
      throw err;
    } finally {
      this.preludeSite = outerSite;
      this.frames.pop();
      this.depth--;
    }
  }

  private bindParams(fn: PyFunction, args: Py[], kwargs: Map<string, Py>, scope: Scope, span: Span): void {
    const defaults = (fn as PyFunction & { defaults?: Map<string, Py> }).defaults ?? new Map<string, Py>();
    const params: Param[] = fn.def.params;
    let i = 0;
    const extra = new Map(kwargs);
    for (const p of params) {
      if (p.kind === 'pos') {
        if (i < args.length) scope.set(p.name, args[i++]);
        else if (extra.has(p.name)) scope.set(p.name, extra.get(p.name)!);
        else if (defaults.has(p.name)) scope.set(p.name, defaults.get(p.name)!);
        else throw new Raised(`${fn.def.name}() is missing the argument ${p.name}`, span);
        extra.delete(p.name);
      } else if (p.kind === 'star') {
        scope.set(p.name, tuple(args.slice(i)));
        i = args.length;
      } else if (p.kind === 'kwonly') {
        if (extra.has(p.name)) scope.set(p.name, extra.get(p.name)!);
        else if (defaults.has(p.name)) scope.set(p.name, defaults.get(p.name)!);
        else throw new Raised(`${fn.def.name}() is missing the keyword argument ${p.name}`, span);
        extra.delete(p.name);
      } else {
        scope.set(p.name, { t: 'dict', map: new Map(extra) });
        extra.clear();
      }
    }
    if (i < args.length) throw new Raised(`${fn.def.name}() takes ${i} positional arguments but ${args.length} were given`, span);
    if (extra.size) throw new Raised(`${fn.def.name}() got an unexpected keyword argument '${[...extra.keys()][0]}'`, span);
  }

  /** `super()` inside a method: attribute lookups start after the method's class. */
  superOf(self: Py, owner: PyClass | undefined, span: Span): Py {
    if (!owner || !(isModule(self) || (isObj(self) && self.t === 'object'))) return this.lost('super() outside a method', span);
    return { t: 'builtin', name: 'super', self: tuple([self, owner]) };
  }

  /** An attribute through super(): the next class's, or the library base's (nn.Module.__init__ and the like). */
  superAttr(self: ModuleObj | PyObject, owner: PyClass, name: string, span: Span): Py {
    const cls = self.cls!;
    if (!cls || !this.mro(cls).includes(owner)) throw new Raised(`TypeError: super(type, obj): obj must be an instance or subtype of type (${owner.name})`, span);
    const found = this.classAttr(cls, name, owner);
    if (found) return this.bind(found.value, self, cls);
    const base = this.libraryBase(cls);
    return this.lib.attr({ t: 'builtin', name: base ?? 'builtins.object', self }, name, span);
  }

  /** The innermost function frame's class and instance (for super() without arguments). */
  currentMethod(): { owner?: PyClass; self?: Py } {
    return this.frames[this.frames.length - 1] ?? {};
  }
}

export function isKey(v: Py): boolean {
  return v === null || typeof v !== 'object';
}

/** Python equality; undefined when it depends on something unknown. */
export function equal(a: Py, b: Py): boolean | undefined {
  if (isUnknown(a) || isUnknown(b)) return undefined;
  if (!isObj(a) || !isObj(b)) {
    if ((typeof a === 'number' || typeof a === 'boolean') && (typeof b === 'number' || typeof b === 'boolean')) return Number(a) === Number(b);
    return a === b;
  }
  if ((a.t === 'list' || a.t === 'tuple') && a.t === b.t) {
    const bi = (b as typeof a).items;
    if (a.items.length !== bi.length) return false;
    let result: boolean | undefined = true;
    for (let i = 0; i < a.items.length; i++) {
      const e = equal(a.items[i], bi[i]);
      if (e === false) return false;
      if (e === undefined) result = undefined;
    }
    return result;
  }
  if (a.t === 'tensor' || b.t === 'tensor' || a.t === 'batch' || b.t === 'batch') return undefined;
  if (a.t === 'builtin' && b.t === 'builtin') return a.name === b.name && a.self === b.self;
  return a === b;
}

function compare(op: string, c: number): boolean {
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

function arith(op: string, a: number, b: number, span: Span): Py {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (b === 0) throw new Raised('division by zero', span);
      return a / b;
    case '//':
      if (b === 0) throw new Raised('integer division by zero', span);
      return Math.floor(a / b);
    case '%':
      if (b === 0) throw new Raised('modulo by zero', span);
      return a - b * Math.floor(a / b);
    case '**':
      return a ** b;
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compare(op, a - b);
    case '&':
      return a & b;
    case '|':
      return a | b;
    case '^':
      return a ^ b;
    case '<<':
      return a << b;
    case '>>':
      return a >> b;
  }
  throw new Unfollowed(`the operator ${op}`, span);
}

function repeat(v: Py, n: number, span: Span, interp: Interpreter): Py {
  if (!Number.isInteger(n)) throw new Raised("can't multiply a sequence by a non-integer", span);
  if (typeof v === 'string') {
    if (v.length * n > MAX_ITEMS) throw new Unfollowed(`a string of more than ${MAX_ITEMS} characters`, span);
    interp.charge(v.length * Math.max(0, n), span);
    return v.repeat(Math.max(0, n));
  }
  if (isObj(v) && (v.t === 'list' || v.t === 'tuple')) {
    if (v.items.length * n > MAX_ITEMS) throw new Unfollowed(`a list of more than ${MAX_ITEMS} items`, span);
    interp.charge(v.items.length * Math.max(0, n), span);
    const items: Py[] = [];
    for (let i = 0; i < n; i++) items.push(...v.items);
    return v.t === 'list' ? list(items) : tuple(items);
  }
  throw new Unfollowed(`${typeName(v)} * int`, span);
}

/** `'layer%d' % i`: %d, %i, %s, %r and %% (what module names are built with). */
function formatPercent(fmt: string, v: Py, span: Span): Py {
  const values = isObj(v) && v.t === 'tuple' ? [...v.items] : [v];
  let bad = false;
  const out = fmt.replace(/%([%dsir])/g, (_, c: string) => {
    if (c === '%') return '%';
    const x = values.shift();
    if (x === undefined || isUnknown(x)) {
      bad = true;
      return '';
    }
    return c === 'd' || c === 'i' ? String(Math.trunc(Number(x))) : typeof x === 'string' ? (c === 'r' ? `'${x}'` : x) : show(x);
  });
  if (bad || /%[^%dsir]/.test(fmt)) return unknown('a % format', span);
  return out;
}

export function sliceItems<T>(seq: T[], s: { lo: Py; hi: Py; step: Py }, span: Span): T[] {
  const n = seq.length;
  const step = s.step === null ? 1 : Number(s.step);
  if (!Number.isInteger(step) || step === 0) throw new Raised('slice step cannot be zero', span);
  const norm = (v: Py, dflt: number, lo: number, hi: number): number => {
    if (v === null) return dflt;
    let x = Number(v);
    if (x < 0) x += n;
    return Math.min(Math.max(x, lo), hi);
  };
  const out: T[] = [];
  if (step > 0) {
    const a = norm(s.lo, 0, 0, n);
    const b = norm(s.hi, n, 0, n);
    for (let i = a; i < b; i += step) out.push(seq[i]);
  } else {
    const a = norm(s.lo, n - 1, -1, n - 1);
    const b = norm(s.hi, -1, -1, n - 1);
    for (let i = a; i > b; i += step) out.push(seq[i]);
  }
  return out;
}

function raisedMessage(e: Py): string {
  if (isObj(e) && e.t === 'builtin' && e.self && isObj(e.self) && e.self.t === 'tuple' && typeof e.self.items[0] === 'string') return `${e.name.replace(/^builtins\./, '')}: ${e.self.items[0]}`;
  if (isObj(e) && e.t === 'builtin') return e.name.replace(/^builtins\./, '');
  return `an exception (${typeName(e)})`;
}

export type { Arg };
