// Python's builtins and the standard-library helpers model files use (math, functools.partial,
// collections.OrderedDict), and the methods of lists, dicts and strings: pure functions of
// plain values, computed exactly as Python does.
import type { Span } from '../../types';
import { equal, isKey, Raised, Unfollowed, type CallSite, type Interpreter } from './interpreter';
import { firstUnknown, isModule, isObj, isUnknown, list, show, truthy, tuple, typeName, unknown, type Builtin, type DictKey, type ModuleObj, type Py, type PyClass } from './values';
import { pyRound } from '../ultralytics/python';
import { nearTie } from './constants';

const EXCEPTIONS = new Set(['Exception', 'ValueError', 'TypeError', 'KeyError', 'IndexError', 'RuntimeError', 'NotImplementedError', 'AssertionError', 'AttributeError', 'Warning', 'UserWarning', 'FutureWarning', 'DeprecationWarning']);

/** Names of builtins the reader models (everything else under `builtins.` is unknown). */
export const PYTHON_BUILTINS = new Set([
  'range', 'len', 'int', 'float', 'bool', 'str', 'list', 'tuple', 'dict', 'set', 'max', 'min', 'sum', 'abs', 'round', 'zip', 'enumerate', 'reversed', 'sorted',
  'isinstance', 'issubclass', 'hasattr', 'getattr', 'setattr', 'print', 'super', 'any', 'all', 'map', 'divmod', 'pow', 'object', 'callable', 'type', 'iter', 'next',
  ...EXCEPTIONS,
]);

const num = (v: Py, what: string, span: Span): number => {
  if (typeof v === 'number' || typeof v === 'boolean') return Number(v);
  if (isUnknown(v)) throw new Unfollowed(v.why, v.span);
  // A one-element tensor of constants (int(t[0]), float(t.sum())).
  if (isObj(v) && v.t === 'const' && v.data?.length === 1) {
    if (v.inexact) nearTie(v.data[0], span);
    return v.data[0];
  }
  throw new Raised(`${what} needs a number, got ${typeName(v)}`, span);
};

/** A call of a Python builtin or standard-library function; undefined when it is not one. */
export function callPython(interp: Interpreter, b: Builtin, args: Py[], kwargs: Map<string, Py>, site: CallSite): Py | undefined {
  const span = site.span;
  const name = b.name.replace(/^builtins\./, '');
  const a0 = args[0];
  if (EXCEPTIONS.has(name)) return { t: 'builtin', name, self: tuple(args) };
  switch (b.name) {
    case 'builtins.range': {
      const ns = args.map((a) => num(a, 'range()', span));
      const [start, stop, step] = ns.length === 1 ? [0, ns[0], 1] : [ns[0], ns[1], ns[2] ?? 1];
      if (step === 0) throw new Raised('range() arg 3 must not be zero', span);
      const n = Math.max(0, Math.ceil((stop - start) / step));
      if (n > 100_000) throw new Unfollowed(`range() of ${n} items`, span);
      interp.charge(n, span);
      return list(Array.from({ length: n }, (_, i) => start + i * step));
    }
    case 'builtins.len': {
      if (typeof a0 === 'string') return a0.length;
      if (isObj(a0) && a0.t === 'const') return a0.shape.length ? a0.shape[0] : undefined;
      if (isObj(a0) && (a0.t === 'list' || a0.t === 'tuple')) return a0.items.length;
      if (isObj(a0) && a0.t === 'dict') return a0.map.size;
      if (isModule(a0)) return a0.children.size;
      return undefined;
    }
    case 'builtins.int': {
      if (typeof a0 === 'string' && /^\s*[+-]?\d+\s*$/.test(a0)) return parseInt(a0, 10);
      if (a0 === undefined) return 0;
      return Math.trunc(num(a0, 'int()', span));
    }
    case 'builtins.float':
      return a0 === undefined ? 0 : typeof a0 === 'string' ? Number(a0) : num(a0, 'float()', span);
    case 'builtins.bool': {
      if (a0 === undefined) return false;
      const t = truthy(a0);
      return t === undefined ? unknown('bool() of an unknown value', span) : t;
    }
    case 'builtins.str':
      return a0 === undefined ? '' : typeof a0 === 'string' ? a0 : isUnknown(a0) ? a0 : typeof a0 === 'number' ? String(a0) : show(a0);
    case 'builtins.list':
    case 'builtins.tuple':
    case 'builtins.set': {
      const items = a0 === undefined ? [] : interp.iterate(a0, site.posSpans[0] ?? span);
      if (b.name === 'builtins.set') return distinct(items, span);
      return b.name === 'builtins.tuple' ? tuple(items) : list(items);
    }
    case 'builtins.dict': {
      const map = new Map<DictKey, Py>();
      if (a0 !== undefined) {
        if (isObj(a0) && a0.t === 'dict') for (const [k, v] of a0.map) map.set(k, v);
        else for (const pair of interp.iterate(a0, span)) {
          const kv = interp.iterate(pair, span);
          if (kv.length === 2 && isKey(kv[0])) map.set(kv[0] as DictKey, kv[1]);
        }
      }
      for (const [k, v] of kwargs) map.set(k, v);
      return { t: 'dict', map };
    }
    case 'builtins.max':
    case 'builtins.min': {
      const items = args.length === 1 ? interp.iterate(a0, span) : args;
      if (!items.length) throw new Raised(`${name}() arg is an empty sequence`, span);
      const ns = items.map((x) => num(x, `${name}()`, span));
      return name === 'max' ? Math.max(...ns) : Math.min(...ns);
    }
    case 'builtins.sum': {
      let total = args[1] === undefined ? 0 : num(args[1], 'sum()', span);
      for (const x of interp.iterate(a0, span)) total += num(x, 'sum()', span);
      return total;
    }
    case 'builtins.abs':
      return Math.abs(num(a0, 'abs()', span));
    case 'builtins.round': {
      const x = num(a0, 'round()', span);
      if (args[1] === undefined || args[1] === null) return pyRound(x);
      const d = num(args[1], 'round()', span);
      return pyRound(x * 10 ** d) / 10 ** d;
    }
    case 'builtins.divmod': {
      const x = num(a0, 'divmod()', span);
      const y = num(args[1], 'divmod()', span);
      if (y === 0) throw new Raised('integer division or modulo by zero', span);
      return tuple([Math.floor(x / y), x - y * Math.floor(x / y)]);
    }
    case 'builtins.pow':
      return num(a0, 'pow()', span) ** num(args[1], 'pow()', span);
    case 'builtins.zip': {
      const seqs = args.map((a) => interp.iterate(a, span));
      const n = seqs.length ? Math.min(...seqs.map((s) => s.length)) : 0;
      return list(Array.from({ length: n }, (_, i) => tuple(seqs.map((s) => s[i]))));
    }
    case 'builtins.enumerate': {
      const start = args[1] ?? kwargs.get('start') ?? 0;
      return list(interp.iterate(a0, span).map((x, i) => tuple([i + num(start, 'enumerate()', span), x])));
    }
    case 'builtins.reversed':
      return list(interp.iterate(a0, span).reverse());
    case 'builtins.sorted': {
      const items = interp.iterate(a0, span);
      if (items.every((x) => typeof x === 'number')) return list([...items].sort((x, y) => (x as number) - (y as number)));
      if (items.every((x) => typeof x === 'string')) return list([...items].sort());
      return undefined;
    }
    case 'builtins.any':
    case 'builtins.all': {
      const ts = interp.iterate(a0, span).map(truthy);
      if (ts.some((t) => t === undefined)) return unknown(`${name}() of unknown values`, span);
      return name === 'any' ? ts.some(Boolean) : ts.every(Boolean);
    }
    case 'builtins.map': {
      const fn = a0;
      const seqs = args.slice(1).map((a) => interp.iterate(a, span));
      const n = seqs.length ? Math.min(...seqs.map((s) => s.length)) : 0;
      return list(Array.from({ length: n }, (_, i) => interp.call(fn, seqs.map((s) => s[i]), new Map(), site)));
    }
    case 'builtins.isinstance':
      return isInstance(interp, a0, args[1]);
    case 'builtins.issubclass':
      return isObj(a0) && a0.t === 'class' && isObj(args[1]) && args[1].t === 'class' ? interp.mro(a0).includes(args[1]) : undefined;
    case 'builtins.callable':
      return isObj(a0) && (a0.t === 'func' || a0.t === 'class' || a0.t === 'builtin' || a0.t === 'module' || a0.t === 'partial');
    case 'builtins.hasattr':
    case 'builtins.getattr': {
      if (typeof args[1] !== 'string') return unknown(`${name}() with a computed name`, site.posSpans[1] ?? span);
      let v: Py;
      const noted = interp.unfollowed;
      try {
        v = interp.getAttr(a0, args[1], span);
      } catch (err) {
        if (!(err instanceof Unfollowed)) throw err;
        v = unknown(err.why, err.span);
      }
      const missing = isUnknown(v) && v.why.startsWith('the attribute ');
      // A missing attribute hasattr asks about (or getattr has a default for) is an answer, not something unfollowed.
      if (missing && (name === 'hasattr' || args.length > 2)) interp.unfollowed = noted;
      if (name === 'hasattr') return isUnknown(a0) ? a0 : !missing;
      if (missing && args.length > 2) return args[2];
      return v;
    }
    case 'builtins.setattr':
      if (typeof args[1] !== 'string') return unknown('setattr() with a computed name', span);
      interp.setAttr(a0, args[1], args[2], span);
      return null;
    case 'builtins.print':
      return null;
    case 'builtins.super': {
      if (args.length >= 2 && isObj(a0) && a0.t === 'class') return interp.superOf(args[1], a0, span);
      const m = interp.currentMethod();
      return interp.superOf(m.self ?? null, m.owner, span);
    }
    case 'builtins.object':
      return { t: 'builtin', name: 'builtins.object' };
    case 'math.ceil':
      return Math.ceil(num(a0, 'math.ceil()', span));
    case 'math.floor':
      return Math.floor(num(a0, 'math.floor()', span));
    case 'math.sqrt':
      return Math.sqrt(num(a0, 'math.sqrt()', span));
    case 'math.log':
      return args[1] === undefined ? Math.log(num(a0, 'math.log()', span)) : Math.log(num(a0, 'math.log()', span)) / Math.log(num(args[1], 'math.log()', span));
    case 'math.log2':
      return Math.log2(num(a0, 'math.log2()', span));
    case 'math.gcd': {
      let [x, y] = [Math.abs(num(a0, 'math.gcd()', span)), Math.abs(num(args[1], 'math.gcd()', span))];
      while (y) [x, y] = [y, x % y];
      return x;
    }
    case 'math.prod': {
      let p = 1;
      for (const x of interp.iterate(a0, span)) p *= num(x, 'math.prod()', span);
      return p;
    }
    case 'typing.cast':
    case 'torch.jit.annotate':
      return args[1];
    case 'torch.jit.is_scripting':
    case 'torch.jit.is_tracing':
    case 'torch._C._get_tracing_state':
      return false;
    case 'warnings.warn':
      return null;
    // Context managers that change no shape: a `with` over them follows its body.
    case 'torch.no_grad':
    case 'torch.enable_grad':
    case 'torch.inference_mode':
    case 'torch.set_grad_enabled':
    case 'torch.autocast':
    case 'torch.cuda.amp.autocast':
    case 'torch.cpu.amp.autocast':
    case 'torch.autograd.no_grad':
    case 'contextlib.nullcontext':
    case 'contextlib.suppress':
    case 'warnings.catch_warnings':
      return b.name === 'contextlib.suppress' ? undefined : { t: 'builtin', name: 'contextmanager' };
    case 'functools.partial':
      return { t: 'partial', fn: a0, args: args.slice(1), kwargs: new Map(kwargs) };
    case 'collections.OrderedDict':
    case 'typing.OrderedDict':
      return callPython(interp, { t: 'builtin', name: 'builtins.dict' }, args, kwargs, site);
    case 'copy.copy':
      return shallowCopy(a0, span);
    case 'copy.deepcopy':
      return deepCopy(a0, span, interp);
  }
  return undefined;
}

/** A set's items (kept as a list, in first-seen order): each value once. */
function distinct(items: Py[], span: Span): Py {
  const out: Py[] = [];
  for (const x of items) {
    const eqs = out.map((y) => equal(x, y));
    if (eqs.some((e) => e === undefined)) return unknown('a set of values ConvLens cannot compare', span);
    if (!eqs.includes(true)) out.push(x);
  }
  return list(out);
}

/** copy.copy: a new list, dict or object with the same items (configs copied before they are changed, EfficientNet's). */
function shallowCopy(v: Py, span: Span): Py {
  if (!isObj(v)) return v;
  switch (v.t) {
    case 'list':
      return list([...v.items]);
    case 'dict':
      return { t: 'dict', map: new Map(v.map) };
    case 'object':
      return { t: 'object', cls: v.cls, attrs: new Map(v.attrs) };
    case 'module':
      return unknown('a copy of a module', span);
  }
  return v;
}

/**
 * copy.deepcopy of plain data, objects and modules (`nn.ModuleList([copy.deepcopy(layer) for _ in
 * range(n)])`): a module's copy is a new module with copies of its submodules and parameters; a
 * module reached twice inside the copied value is copied once, as Python's memo does.
 */
function deepCopy(v: Py, span: Span, interp: Interpreter, depth = 0, memo = new Map<Py, Py>()): Py {
  if (!isObj(v)) return v;
  if (depth > 32) return unknown('a deep copy of deeply nested data', span);
  if (memo.has(v)) return memo.get(v)!;
  const d = (x: Py) => deepCopy(x, span, interp, depth + 1, memo);
  switch (v.t) {
    case 'module': {
      const c: ModuleObj = { t: 'module', id: interp.newId(), cls: v.cls, torch: v.torch, args: { ...v.args }, argSpans: { ...v.argSpans }, site: v.site, calleeSpan: v.calleeSpan, attrs: new Map(), children: new Map() };
      memo.set(v, c);
      interp.lib.created(c);
      for (const [k, x] of v.children) c.children.set(k, d(x) as ModuleObj);
      for (const [k, x] of v.attrs) {
        const copied = v.children.get(k) === x ? c.children.get(k)! : d(x);
        c.attrs.set(k, isObj(copied) && copied.t === 'const' && copied.param ? { ...copied, owner: c } : copied);
      }
      return c;
    }
    case 'const': {
      // A copied parameter is a new parameter.
      const c: Py = { ...v, data: v.data && [...v.data], pid: v.param ? interp.newId() : undefined };
      memo.set(v, c);
      return c;
    }
  }
  switch (v.t) {
    case 'list':
      return list(v.items.map(d));
    case 'tuple':
      return tuple(v.items.map(d));
    case 'dict':
      return { t: 'dict', map: new Map([...v.map].map(([k, x]) => [k, d(x)])) };
    case 'object':
      return { t: 'object', cls: v.cls, attrs: new Map([...v.attrs].map(([k, x]) => [k, d(x)])) };
  }
  return v;
}

/** isinstance(v, cls) over the file's classes, Python's types and torch.nn classes. */
function isInstance(interp: Interpreter, v: Py, cls: Py): Py {
  if (isObj(cls) && cls.t === 'tuple') {
    const rs = cls.items.map((c) => isInstance(interp, v, c));
    return rs.some((r) => r === true) ? true : rs.some((r) => isUnknown(r)) ? rs.find(isUnknown)! : false;
  }
  if (isUnknown(v)) return v;
  if (!isObj(cls)) return unknown('isinstance() with a non-class', { start: 0, end: 0 });
  if (cls.t === 'class') {
    const own: PyClass | undefined = isObj(v) && (v.t === 'module' || v.t === 'object') ? v.cls : undefined;
    return own ? interp.mro(own).includes(cls) : false;
  }
  if (cls.t !== 'builtin') return false;
  switch (cls.name) {
    case 'builtins.int':
      return typeof v === 'number' && Number.isInteger(v);
    case 'builtins.float':
      return typeof v === 'number';
    case 'builtins.bool':
      return typeof v === 'boolean';
    case 'builtins.str':
      return typeof v === 'string';
    case 'builtins.list':
      return isObj(v) && v.t === 'list';
    case 'typing.Sequence':
    case 'typing.List':
    case 'collections.abc.Sequence':
      return isObj(v) && (v.t === 'list' || v.t === 'tuple');
    case 'builtins.tuple':
      return isObj(v) && v.t === 'tuple';
    case 'builtins.dict':
    case 'collections.OrderedDict':
      return isObj(v) && v.t === 'dict';
    case 'torch.Tensor':
      return isObj(v) && v.t === 'tensor';
    case 'torch.nn.Module':
      return isModule(v);
  }
  if (cls.name.startsWith('torch.nn.') && isModule(v)) {
    const t = cls.name.slice('torch.nn.'.length);
    if (v.torch === t) return true;
    if (v.cls) return interp.mro(v.cls).some((c) => c.t === 'builtin' && c.name === cls.name);
    return false;
  }
  return false;
}

/** Methods of lists, dicts, strings and tuples; undefined when the value has no such method. */
export function valueMethod(interp: Interpreter, self: Py, name: string, args: Py[], kwargs: Map<string, Py>, site: CallSite): Py | undefined {
  const span = site.span;
  if (isObj(self) && self.t === 'list') {
    switch (name) {
      case 'append':
        self.items.push(args[0]);
        return null;
      case 'extend':
        self.items.push(...interp.iterate(args[0], span));
        return null;
      case 'insert': {
        const i = num(args[0], 'insert()', span);
        self.items.splice(i < 0 ? Math.max(0, self.items.length + i) : i, 0, args[1]);
        return null;
      }
      case 'pop': {
        if (!self.items.length) throw new Raised('pop from empty list', span);
        const i = args[0] === undefined ? self.items.length - 1 : num(args[0], 'pop()', span);
        return self.items.splice(i < 0 ? self.items.length + i : i, 1)[0];
      }
      case 'copy':
        interp.charge(self.items.length, span);
        return list([...self.items]);
      case 'reverse':
        self.items.reverse();
        return null;
    }
  }
  if (isObj(self) && (self.t === 'list' || self.t === 'tuple')) {
    if (name === 'index') {
      const i = self.items.findIndex((x) => equal(x, args[0]) === true);
      if (i < 0) throw new Raised(`${show(args[0])} is not in the ${self.t}`, span);
      return i;
    }
    if (name === 'count') return self.items.filter((x) => equal(x, args[0]) === true).length;
  }
  if (isObj(self) && self.t === 'dict') {
    switch (name) {
      case 'items':
        return list([...self.map].map(([k, v]) => tuple([k, v])));
      case 'keys':
        return list([...self.map.keys()]);
      case 'values':
        return list([...self.map.values()]);
      case 'get':
        return isKey(args[0]) && self.map.has(args[0] as DictKey) ? self.map.get(args[0] as DictKey)! : args[1] ?? null;
      case 'update':
        if (isObj(args[0]) && args[0].t === 'dict') for (const [k, v] of args[0].map) self.map.set(k, v);
        for (const [k, v] of kwargs) self.map.set(k, v);
        return null;
      case 'pop': {
        const k = args[0] as DictKey;
        const v = self.map.has(k) ? self.map.get(k)! : args[1];
        if (v === undefined) throw new Raised(`KeyError: ${show(args[0])}`, span);
        self.map.delete(k);
        return v;
      }
      case 'setdefault': {
        const k = args[0] as DictKey;
        if (!self.map.has(k)) self.map.set(k, args[1] ?? null);
        return self.map.get(k)!;
      }
      case 'copy':
        return { t: 'dict', map: new Map(self.map) };
    }
  }
  if (typeof self === 'string') {
    switch (name) {
      case 'format': {
        if (args.some(isUnknown) || [...kwargs.values()].some(isUnknown)) return unknown('a str.format() of unknown values', span);
        let auto = 0;
        return self.replace(/\{([^{}]*)\}/g, (_, f: string) => {
          const key = f.split(':')[0];
          const v = key === '' ? args[auto++] : /^\d+$/.test(key) ? args[Number(key)] : kwargs.get(key);
          return v === undefined ? '' : typeof v === 'string' ? v : show(v);
        });
      }
      case 'join': {
        const items = interp.iterate(args[0], span);
        if (items.some((x) => typeof x !== 'string')) return firstUnknown(list(items)) ?? unknown('str.join() of non-strings', span);
        return items.join(self);
      }
      case 'upper':
        return self.toUpperCase();
      case 'lower':
        return self.toLowerCase();
      case 'startswith':
        return typeof args[0] === 'string' ? self.startsWith(args[0]) : undefined;
      case 'endswith':
        return typeof args[0] === 'string' ? self.endsWith(args[0]) : undefined;
      case 'split':
        return list(typeof args[0] === 'string' ? self.split(args[0]) : self.trim().split(/\s+/));
      case 'replace':
        return typeof args[0] === 'string' && typeof args[1] === 'string' ? self.split(args[0]).join(args[1]) : undefined;
    }
  }
  return undefined;
}

/** Names of the methods valueMethod knows, per value type. */
export function hasValueMethod(self: Py, name: string): boolean {
  if (isObj(self) && self.t === 'list' && ['append', 'extend', 'insert', 'pop', 'copy', 'reverse', 'index', 'count'].includes(name)) return true;
  if (isObj(self) && self.t === 'tuple' && ['index', 'count'].includes(name)) return true;
  if (isObj(self) && self.t === 'dict' && ['items', 'keys', 'values', 'get', 'update', 'pop', 'setdefault', 'copy'].includes(name)) return true;
  if (typeof self === 'string' && ['format', 'join', 'upper', 'lower', 'startswith', 'endswith', 'split', 'replace'].includes(name)) return true;
  return false;
}
