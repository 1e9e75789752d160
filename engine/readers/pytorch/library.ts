// What the interpreter knows of the libraries a model file imports: Python's builtins, torch,
// torch.nn (modules and containers), torch.nn.functional and tensor methods. Names are kept as
// their full dotted path (`torch.nn.Conv2d`), whatever alias the file imported them under.
import type { Span } from '../../types';
import { Raised, Unfollowed, type CallSite, type Interpreter, type Library } from './interpreter';
import { callPython, hasValueMethod, PYTHON_BUILTINS, valueMethod } from './builtins';
import { bindModuleArgs, CONTAINERS, isModelledModule, moduleArgAttr } from './nn';
import type { ForwardContext } from './forward';
import { constantAttr, constantBinary, constantCall, constantItems, constTensor } from './constants';
import { isConst, isModule, isObj, isTensor, isUnknown, list, tuple, typeName, unknown, type Builtin, type DictKey, type ModuleObj, type Py, type Unknown } from './values';

/** Module paths that name the same things: `torch.nn.modules.conv.Conv2d` is `torch.nn.Conv2d`. */
const canonicalNames = new Map<string, string>();
function canonical(name: string): string {
  let c = canonicalNames.get(name);
  if (c === undefined) {
    c = canonicalForm(name);
    if (canonicalNames.size < 10_000) canonicalNames.set(name, c);
  }
  return c;
}

function canonicalForm(name: string): string {
  return name
    .replace(/^torch\.nn\.modules\.\w+\./, 'torch.nn.')
    .replace(/^torch\.functional\./, 'torch.')
    .replace(/^torch\.nn\.functional\.F\./, 'torch.nn.functional.');
}

/** More modules than any real model has (the engine analyses at most 10,000 layers). */
const MAX_MODULES = 20_000;

/** Tensor-creating calls: they make data, not layers (used to find the input shape). */
const FACTORIES = new Set(['torch.randn', 'torch.rand', 'torch.zeros', 'torch.ones', 'torch.empty', 'torch.randint']);

export class TorchLibrary implements Library {
  interp!: Interpreter;
  /** The forward pass being followed; undefined while the model is constructed. */
  forward?: ForwardContext;
  /** Every module constructed, in order. */
  readonly modules: ModuleObj[] = [];

  attr(b: Builtin, name: string, span: Span): Py {
    if (b.name === 'super') {
      const [self, owner] = (b.self as { items: Py[] }).items;
      return this.interp.superAttr(self as ModuleObj, owner as never, name, span);
    }
    if (b.name === '') {
      // An import or a global name: `torch.nn`, `builtins.range`.
      if (name.startsWith('builtins.')) {
        const short = name.slice('builtins.'.length);
        if (PYTHON_BUILTINS.has(short)) return { t: 'builtin', name };
        return this.interp.lost(`the name ${short}`, span);
      }
      return { t: 'builtin', name: canonical(name) };
    }
    if (b.self !== undefined) {
      // A method of a library base reached through super(), or an attribute of a bound method.
      return { t: 'builtin', name: `${b.name}.${name}`, self: b.self };
    }
    return { t: 'builtin', name: canonical(`${b.name}.${name}`) };
  }

  valueAttr(v: Py, name: string, span: Span): Py | undefined {
    if (isConst(v)) {
      if (name === '__iter__') {
        const items = constantItems(v, span);
        return items ? list(items) : unknown('iterating over a tensor of unknown values', span);
      }
      return constantAttr(v, name);
    }
    if (isTensor(v)) {
      if (!this.forward) return unknown('a tensor made while the model is constructed', span);
      const a = this.forward.attr(v, name);
      return isUnknown(a) ? { ...a, span } : a;
    }
    if (isModule(v)) {
      if (name === 'training') return this.forward ? this.forward.training(span) : false;
      const argAttr = moduleArgAttr(v, name);
      if (argAttr !== undefined) return argAttr;
      if (MODULE_METHODS.has(name)) return { t: 'builtin', name: `module.${name}`, self: v };
      if (name === '__class__' && v.cls) return v.cls;
      if ((name === 'weight' || name === 'bias') && v.torch === 'LayerNorm' && v.args.elementwise_affine === false) return null;
      if (name === 'weight' || name === 'bias') return unknown(`the ${name} of ${v.path ?? typeName(v)}`, span);
      return undefined;
    }
    if (hasValueMethod(v, name)) return { t: 'builtin', name: `method.${name}`, self: v };
    return undefined;
  }

  index(v: Py, items: Py[], span: Span): Py | undefined {
    if (isConst(v)) {
      const all = constantItems({ ...v, inexact: false }, span);
      const k = items[0];
      if (items.length === 1 && all && typeof k === 'number' && Number.isInteger(k)) {
        const i = k < 0 ? all.length + k : k;
        if (i < 0 || i >= all.length) throw new Raised(`IndexError: index ${k} is out of bounds for dimension 0 with size ${all.length}`, span);
        // t[i] of a 1-D tensor is a 0-d tensor (int(), .item() and arithmetic take it).
        const x = all[i];
        return typeof x === 'number' ? { ...constTensor([], [x], v.float), inexact: v.inexact } : x;
      }
      return unknown(`indexing a tensor of constants with ${items.length} items`, span);
    }
    if (isTensor(v)) return this.forward ? this.forward.index(v, items, span) : unknown('a tensor made while the model is constructed', span);
    if (isModule(v) && items.length === 1) {
      const k = items[0];
      const children = [...v.children.values()];
      if (v.torch === 'ModuleDict' && typeof k === 'string') {
        const c = v.children.get(k);
        if (!c) throw new Raised(`KeyError: '${k}'`, span);
        return c;
      }
      if (typeof k === 'number') {
        const i = k < 0 ? children.length + k : k;
        if (i < 0 || i >= children.length) throw new Raised(`index ${k} is out of range`, span);
        return children[i];
      }
      if (isObj(k) && k.t === 'slice') {
        const picked = this.interp.index(list(children), [k], span) as { items: Py[] };
        const m = this.newModule(v.torch ?? 'Sequential', span, span);
        picked.items.forEach((c, i) => m.children.set(String(i), c as ModuleObj));
        return m;
      }
    }
    return undefined;
  }

  binary(op: string, l: Py, r: Py, span: Span): Py | undefined {
    const constant = (isConst(l) && !isTensor(r)) || (isConst(r) && !isTensor(l)) ? constantBinary(op, l, r, span) : undefined;
    if (constant !== undefined) return constant;
    if (!this.forward) {
      if (isTensor(l) || isTensor(r)) return unknown('a tensor made while the model is constructed', span);
      return undefined;
    }
    return this.forward.binary(op, l, r, span);
  }

  created(m: ModuleObj): void {
    // A runaway constructor (a class that builds itself) must stop long before the editor notices.
    if (this.modules.length >= MAX_MODULES) throw new Unfollowed(`more than ${MAX_MODULES.toLocaleString('en-US')} modules (a constructor that builds itself?)`, m.site);
    const site = this.interp.preludeSite;
    if (site) {
      // Built by a library helper (prelude.ts): located at the user's call of it.
      m.site = site;
      m.calleeSpan = site;
      m.argSpans = {};
    }
    this.modules.push(m);
    for (const r of this.interp.active) r.created.push(m);
  }

  callModule(m: ModuleObj, args: Py[], kwargs: Map<string, Py>, site: CallSite): Py {
    if (!this.forward) return this.interp.lost('a module called while the model is constructed', site.span);
    return this.forward.callModule(m, args, kwargs, site);
  }

  private newModule(torch: string, site: Span, callee: Span): ModuleObj {
    const m: ModuleObj = { t: 'module', id: this.interp.newId(), torch, args: {}, argSpans: {}, site, calleeSpan: callee, attrs: new Map(), children: new Map() };
    this.created(m);
    return m;
  }

  call(b: Builtin, args: Py[], kwargs: Map<string, Py>, site: CallSite): Py {
    const name = b.name;
    const viaPython = callPython(this.interp, b, args, kwargs, site);
    if (viaPython !== undefined) return viaPython;
    if (name.startsWith('method.')) {
      const r = valueMethod(this.interp, b.self!, name.slice('method.'.length), args, kwargs, site);
      if (r !== undefined) return r;
      return this.interp.lost(`${typeName(b.self!)}.${name.slice(7)}()`, site.span);
    }
    if (name.startsWith('module.')) return this.moduleMethod(b.self as ModuleObj, name.slice('module.'.length), args, kwargs, site);
    // Tensors of constants (RegNet's widths, ConvNeXt's layer scale), while the model is built or on constants.
    if (/^torch\.(Tensor\.)?\w+$/.test(name) && (isConst(b.self) || !this.forward || args.some(isConst))) {
      const r = constantCall(name, isConst(b.self) ? b.self : undefined, args, kwargs, site.span);
      if (r !== undefined) return r;
      if (isConst(b.self)) return this.interp.lost(`Tensor.${name.split('.').pop()}() on a tensor of constants`, site.fnSpan);
    }
    // super().__init__(…) of a library base.
    const init = /^torch\.nn\.(\w+)\.__init__$/.exec(name);
    if (init && b.self !== undefined) {
      const self = b.self as ModuleObj;
      if (init[1] === 'Module') return null;
      if (CONTAINERS.has(init[1])) {
        this.fillContainer(self, init[1], args, site);
        return null;
      }
      if (isModelledModule(init[1])) {
        // A subclass of a torch.nn layer (ConvNeXt's LayerNorm2d): the layer's arguments are its own.
        const bound = bindModuleArgs(init[1], args, kwargs, site.posSpans, site.kwSpans);
        if ('error' in bound) throw new Raised(`TypeError: ${bound.error}`, site.span);
        self.args = bound.args;
        if (!this.interp.preludeSite) self.argSpans = bound.spans;
        return null;
      }
      return this.interp.lost(`a subclass of nn.${init[1]}`, site.span);
    }
    if (name === 'builtins.object.__init__') return null;
    if (name.startsWith('torch.nn.init.')) return null;
    const nn = /^torch\.nn\.(\w+)$/.exec(name);
    if (nn) {
      if (CONTAINERS.has(nn[1])) {
        const m = this.newModule(nn[1], site.span, site.fnSpan);
        this.fillContainer(m, nn[1], args, site);
        return m;
      }
      if (isModelledModule(nn[1])) return this.construct(nn[1], args, kwargs, site);
      if (nn[1] === 'Parameter') return isConst(args[0]) ? { ...args[0], param: true, pid: this.interp.newId() } : this.interp.lost('an nn.Parameter', site.span);
      return this.interp.lost(`torch.nn.${nn[1]}`, site.fnSpan);
    }
    if (FACTORIES.has(name)) return unknown(`${name}() data`, site.span);
    const tensorFn = /^torch\.(?:nn\.functional\.|Tensor\.)?(\w+)$/.exec(name);
    if (tensorFn) {
      if (!this.forward) return unknown(`${name} while the model is constructed`, site.span);
      const self = name.startsWith('torch.Tensor.') && isTensor(b.self) ? b.self : undefined;
      const r = this.forward.call(name, self, args, kwargs, site);
      if (r !== undefined) return r;
    }
    return this.interp.lost(`${name.replace(/^torch\.nn\.functional\./, 'F.').replace(/^torch\.Tensor\./, 'Tensor.')}()`, site.fnSpan);
  }

  /** A torch.nn layer: its arguments bound to PyTorch's signature (a wrong call is PyTorch's TypeError). */
  private construct(type: string, args: Py[], kwargs: Map<string, Py>, site: CallSite): Py {
    const bound = bindModuleArgs(type, args, kwargs, site.posSpans, site.kwSpans);
    if ('error' in bound) throw new Raised(`TypeError: ${bound.error}`, site.span);
    const m = this.newModule(type, site.span, site.fnSpan);
    m.args = bound.args;
    // Built by a library helper (prelude.ts): its argument spans are the helper's, not the user's.
    if (!this.interp.preludeSite) m.argSpans = bound.spans;
    return m;
  }

  /** nn.Sequential(a, b), nn.Sequential(OrderedDict(...)), nn.ModuleList([...]), nn.ModuleDict({...}). */
  private fillContainer(m: ModuleObj, type: string, args: Py[], site: CallSite): void {
    m.torch = m.torch ?? type;
    const add = (key: string, v: Py, span: Span) => {
      if (isModule(v)) m.children.set(key, v);
      else if (isUnknown(v)) m.children.set(key, this.placeholder(v));
      else throw new Raised(`TypeError: ${typeName(v)} is not a Module subclass`, span);
    };
    if (type === 'Sequential') {
      if (args.length === 1 && isObj(args[0]) && args[0].t === 'dict') {
        for (const [k, v] of args[0].map) add(String(k), v, site.span);
        return;
      }
      args.forEach((a, i) => add(String(i), a, site.posSpans[i] ?? site.span));
      return;
    }
    if (!args.length || args[0] === null) return;
    if (type === 'ModuleList') {
      this.interp.iterate(args[0], site.span).forEach((a, i) => add(String(i), a, site.span));
      return;
    }
    const d = args[0];
    if (isObj(d) && d.t === 'dict') for (const [k, v] of d.map) add(String(k), v, site.span);
    else for (const pair of this.interp.iterate(d, site.span)) {
      const [k, v] = this.interp.iterate(pair, site.span);
      add(String(k as DictKey), v, site.span);
    }
  }

  /** A module ConvLens could not follow, kept in its container so the positions of the others stay right. */
  private placeholder(u: Unknown): ModuleObj {
    const m = this.newModule('Unknown', u.span, u.span);
    m.attrs.set('__unknown__', u);
    return m;
  }

  private moduleMethod(m: ModuleObj, method: string, args: Py[], kwargs: Map<string, Py>, site: CallSite): Py {
    const span = site.span;
    switch (method) {
      case 'add_module':
      case 'register_module': {
        if (typeof args[0] !== 'string') return this.interp.lost(`${method}() with a computed name`, span);
        const v = args[1];
        if (isModule(v)) m.children.set(args[0], v);
        else if (isUnknown(v)) m.children.set(args[0], this.placeholder(v));
        else if (v !== null) throw new Raised(`TypeError: ${typeName(v)} is not a Module subclass`, span);
        return null;
      }
      case 'append': {
        if (!isModule(args[0])) return isUnknown(args[0]) ? (m.children.set(String(m.children.size), this.placeholder(args[0])), m) : this.interp.lost(`appending ${typeName(args[0])}`, span);
        m.children.set(String(m.children.size), args[0]);
        return m;
      }
      case 'extend':
        for (const v of this.interp.iterate(args[0], span)) if (isModule(v)) m.children.set(String(m.children.size), v);
        return m;
      case 'insert': {
        const i = Number(args[0]);
        const items = [...m.children.values()];
        if (isModule(args[1])) items.splice(i < 0 ? items.length + i : i, 0, args[1]);
        m.children.clear();
        items.forEach((c, j) => m.children.set(String(j), c));
        return null;
      }
      case 'children':
        return list([...m.children.values()]);
      case 'named_children':
        return list([...m.children].map(([k, v]) => tuple([k, v])));
      case 'modules':
      case 'named_modules': {
        const out: Py[] = [];
        const seen = new Set<ModuleObj>();
        const walk = (x: ModuleObj, prefix: string) => {
          if (seen.has(x)) return;
          seen.add(x);
          out.push(method === 'modules' ? x : tuple([prefix, x]));
          for (const [k, c] of x.children) walk(c, prefix ? `${prefix}.${k}` : k);
        };
        walk(m, '');
        return list(out);
      }
      case 'keys':
        return list([...m.children.keys()]);
      case 'values':
        return list([...m.children.values()]);
      case 'items':
        return list([...m.children].map(([k, v]) => tuple([k, v])));
      case 'register_parameter':
        if (typeof args[0] !== 'string') return this.interp.lost('register_parameter() with a computed name', span);
        this.interp.setAttr(m, args[0], isConst(args[1]) || args[1] === null ? args[1] : this.interp.lost('an nn.Parameter', span), span);
        return null;
      case 'register_buffer':
        // A buffer is not a parameter; forward may read it (its shape), not compute with it.
        if (typeof args[0] !== 'string') return this.interp.lost('register_buffer() with a computed name', span);
        this.interp.setAttr(m, args[0], isConst(args[1]) || args[1] === null ? args[1] : unknown(`the buffer ${args[0]}`, span), span);
        return null;
      case 'apply':
      case 'eval':
      case 'train':
      case 'requires_grad_':
      case 'zero_grad':
        return method === 'eval' || method === 'train' || method === 'requires_grad_' ? m : null;
      case 'forward':
        return this.callModule(m, args, kwargs, site);
      case 'parameters':
        return unknown('the parameters of a module', span);
    }
    throw new Unfollowed(`Module.${method}()`, span);
  }
}

const MODULE_METHODS = new Set(['add_module', 'register_module', 'append', 'extend', 'insert', 'children', 'named_children', 'modules', 'named_modules', 'keys', 'values', 'items', 'apply', 'register_buffer', 'register_parameter', 'eval', 'train', 'requires_grad_', 'zero_grad', 'forward', 'parameters']);
