// The values the abstract interpreter computes with: Python's plain values (numbers, strings,
// lists, tuples, dicts), functions and classes of the file, nn.Module instances, tensors (an
// engine Value: a shape and a receptive field, never data), and `unknown`, which carries why a
// value could not be followed and where, so figures that depend on it are withheld, not guessed.
import type { Span } from '../../types';
import type { Value } from '../../analyse/network';
import type { ClassDef, Expr, FunctionDef } from './ast';

export type Py =
  | number
  | string
  | boolean
  | null
  | PyList
  | PyTuple
  | PyDict
  | PyFunction
  | PyClass
  | Builtin
  | ModuleObj
  | PyObject
  | Tensor
  | Batch
  | Partial
  | SliceValue
  | ConstTensor
  | Unknown;

export interface PyList {
  t: 'list';
  items: Py[];
}
export interface PyTuple {
  t: 'tuple';
  items: Py[];
}
export type DictKey = string | number | boolean | null;
export interface PyDict {
  t: 'dict';
  map: Map<DictKey, Py>;
}

/** Python scopes: a function's locals over the module's globals. */
export class Scope {
  readonly vars = new Map<string, Py>();
  constructor(readonly parent?: Scope) {}
  get(name: string): Py | undefined {
    return this.vars.has(name) ? this.vars.get(name) : this.parent?.get(name);
  }
  set(name: string, v: Py): void {
    this.vars.set(name, v);
  }
}

export interface PyFunction {
  t: 'func';
  def: FunctionDef;
  scope: Scope;
  /** Bound method: the instance (or the class, for a classmethod). */
  self?: Py;
  /** The class that defines it (for super()). */
  owner?: PyClass;
  kind?: 'static' | 'class' | 'property';
  /** A lambda: the body is this expression. */
  lambda?: Expr;
}

export interface PyClass {
  t: 'class';
  name: string;
  def: ClassDef;
  bases: Array<PyClass | Builtin>;
  attrs: Map<string, Py>;
  /** True when it derives from torch.nn.Module. */
  isModule: boolean;
  /** A @dataclass's fields, in order (dataclass.ts). */
  fields?: Array<{ name: string; default?: Py }>;
}

/** A name of the library (torch, torch.nn.Conv2d, range, math.ceil) or a method bound to a value. */
export interface Builtin {
  t: 'builtin';
  name: string;
  self?: Py;
}

/** An instance of an nn.Module: a class of the file, or a torch.nn module (`torch` is its type name). */
export interface ModuleObj {
  t: 'module';
  id: number;
  cls?: PyClass;
  /** torch.nn type name (Conv2d, Sequential…) for library modules. */
  torch?: string;
  /** A library module's constructor arguments by parameter name, and where each was written. */
  args: Record<string, Py>;
  argSpans: Record<string, Span>;
  /** The call that constructed it. */
  site: Span;
  /** The callee of that call (`nn.Conv2d`). */
  calleeSpan: Span;
  attrs: Map<string, Py>;
  /** Registered submodules in order (PyTorch's _modules). */
  children: Map<string, ModuleObj>;
  /** Module path as named_modules() gives it ('' for the model); set after construction. */
  path?: string;
  parent?: ModuleObj;
}

/** An instance of a plain class of the file (not a module). */
export interface PyObject {
  t: 'object';
  cls: PyClass;
  attrs: Map<string, Py>;
}

/** A tensor: its engine value (shape without the batch axis, field); undefined when unknown. */
export interface Tensor {
  t: 'tensor';
  v?: Value;
}

/**
 * A tensor made from constants while the model is built (RegNet's widths, ConvNeXt's layer
 * scale): its shape, and its values when they are known (float tensors computed in float32, as
 * PyTorch does). An nn.Parameter is one with `param`, owned by the module it is set on.
 */
export interface ConstTensor {
  t: 'const';
  shape: number[];
  data?: number[];
  float: boolean;
  /** Computed with log, exp or pow, whose last float32 place may differ between libraries. */
  inexact?: boolean;
  param?: boolean;
  /** The parameter's identity: one parameter set on two modules is counted once (as parameters() does). */
  pid?: number;
  owner?: ModuleObj;
  attr?: string;
}

/** The batch size, symbolic: x.size(0), x.shape[0]. */
export interface Batch {
  t: 'batch';
}

export interface Partial {
  t: 'partial';
  fn: Py;
  args: Py[];
  kwargs: Map<string, Py>;
}

export interface SliceValue {
  t: 'slice';
  lo: Py;
  hi: Py;
  step: Py;
}

export interface Unknown {
  t: 'unknown';
  /** What could not be followed, in words: `the call of load_config`. */
  why: string;
  span: Span;
}

export const isObj = (v: Py | undefined): v is Exclude<Py, number | string | boolean | null> => v !== null && v !== undefined && typeof v === 'object';
export const isUnknown = (v: Py | undefined): v is Unknown => isObj(v) && v.t === 'unknown';
export const isModule = (v: Py | undefined): v is ModuleObj => isObj(v) && v.t === 'module';
export const isTensor = (v: Py | undefined): v is Tensor => isObj(v) && v.t === 'tensor';
export const isConst = (v: Py | undefined): v is ConstTensor => isObj(v) && v.t === 'const';
export const isSeq = (v: Py | undefined): v is PyList | PyTuple => isObj(v) && (v.t === 'list' || v.t === 'tuple');
export const list = (items: Py[]): PyList => ({ t: 'list', items });
export const tuple = (items: Py[]): PyTuple => ({ t: 'tuple', items });
export const unknown = (why: string, span: Span): Unknown => ({ t: 'unknown', why, span });

/** Python's type name of a value, for messages. */
export function typeName(v: Py | undefined): string {
  if (v === undefined) return 'no value';
  if (v === null) return 'None';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  switch (v.t) {
    case 'module':
      return v.torch ?? v.cls?.name ?? 'Module';
    case 'object':
      return v.cls.name;
    case 'const':
      return v.param ? 'Parameter' : 'Tensor';
    case 'func':
      return 'function';
    case 'class':
      return 'type';
    case 'builtin':
      return v.name;
    default:
      return v.t;
  }
}

/** A short Python-like rendering for messages. */
export function show(v: Py | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `'${v}'`;
  switch (v.t) {
    case 'list':
      return `[${v.items.map(show).join(', ')}]`;
    case 'tuple':
      return `(${v.items.map(show).join(', ')}${v.items.length === 1 ? ',' : ''})`;
    case 'tensor':
      return v.v?.shape ? `tensor [N, ${v.v.shape.join(', ')}]` : 'tensor';
    case 'const':
      return v.data && v.data.length <= 8 ? `tensor([${v.data.join(', ')}])` : `tensor of shape [${v.shape.join(', ')}]`;
    case 'batch':
      return 'N';
    default:
      return typeName(v);
  }
}

/** Python truthiness; undefined when it depends on something unknown. */
export function truthy(v: Py): boolean | undefined {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  switch (v.t) {
    case 'list':
    case 'tuple':
      return v.items.length > 0;
    case 'dict':
      return v.map.size > 0;
    case 'module':
      return v.torch === 'Sequential' || v.torch === 'ModuleList' || v.torch === 'ModuleDict' ? v.children.size > 0 : true;
    case 'const':
      return v.data && v.data.length === 1 ? v.data[0] !== 0 : undefined;
    case 'unknown':
    case 'tensor':
    case 'batch':
      return undefined;
    default:
      return true;
  }
}

/** Plain data (numbers, strings, nested lists) for engine arguments; undefined when not plain. */
export function plain(v: Py): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v.t === 'list' || v.t === 'tuple') {
    const items = v.items.map(plain);
    return items.some((x) => x === undefined) ? undefined : items;
  }
  return undefined;
}

/** The first unknown inside a value (lists, tuples, dicts), for withholding what depends on it. */
export function firstUnknown(v: Py): Unknown | undefined {
  if (!isObj(v)) return undefined;
  if (v.t === 'unknown') return v;
  if (v.t === 'list' || v.t === 'tuple') {
    for (const x of v.items) {
      const u = firstUnknown(x);
      if (u) return u;
    }
  }
  if (v.t === 'dict') {
    for (const x of v.map.values()) {
      const u = firstUnknown(x);
      if (u) return u;
    }
  }
  return undefined;
}
