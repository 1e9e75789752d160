// `@dataclass` classes (EfficientNet's _MBConvConfig): the fields are the class body's annotated
// names, in order, after those of dataclass bases; the generated __init__ takes them as
// arguments (with the defaults the body gives) and sets them on the instance, as Python's
// dataclasses do. A class that defines its own __init__ keeps it.
import type { ClassDef, Expr, FunctionDef, Stmt } from './ast';
import type { Py, PyClass, PyFunction, Scope } from './values';

export interface DataclassField {
  name: string;
  default?: Py;
}

/** Whether a class is decorated with `@dataclass`, `@dataclass(...)` or `@dataclasses.dataclass`. */
export function isDataclass(def: ClassDef): boolean {
  return (def.decorators ?? []).some((d) => {
    const callee = d.t === 'call' ? d.fn : d;
    return (callee.t === 'name' && callee.id === 'dataclass') || (callee.t === 'attr' && callee.name === 'dataclass');
  });
}

/** The fields of a dataclass: its bases' first, then its own annotated names (a redefined field keeps its place). */
export function dataclassFields(cls: PyClass, def: ClassDef, bases: Array<{ fields?: DataclassField[] }>): DataclassField[] {
  const fields: DataclassField[] = [];
  const put = (f: DataclassField) => {
    const i = fields.findIndex((x) => x.name === f.name);
    if (i >= 0) fields[i] = f;
    else fields.push(f);
  };
  for (const b of [...bases].reverse()) for (const f of b.fields ?? []) put(f);
  for (const s of def.body) {
    if (s.t === 'annotation') put({ name: s.name });
    else if (s.t === 'assign' && s.annotated && s.targets.length === 1 && s.targets[0].t === 'name') {
      const name = s.targets[0].id;
      put({ name, default: cls.attrs.get(name) });
    }
  }
  return fields;
}

/** The generated __init__(self, field1, field2=default, …): `self.field = field` for each. */
export function dataclassInit(cls: PyClass, def: ClassDef, fields: DataclassField[], scope: Scope): PyFunction {
  const span = def.nameSpan;
  const name = (id: string): Expr => ({ t: 'name', id, span });
  const body: Stmt[] = fields.map((f) => ({ t: 'assign', targets: [{ t: 'attr', obj: name('self'), name: f.name, span }], value: name(f.name), span }));
  const init: FunctionDef = {
    name: '__init__',
    nameSpan: span,
    params: [{ name: 'self', kind: 'pos', span }, ...fields.map((f) => ({ name: f.name, kind: 'pos' as const, span }))],
    body,
    decorators: [],
    span,
    // Generated code, not the user's: it makes no entries and is located at the user's call.
    prelude: true,
  };
  const fn: PyFunction & { defaults?: Map<string, Py> } = { t: 'func', def: init, scope, owner: cls };
  fn.defaults = new Map(fields.filter((f) => f.default !== undefined).map((f) => [f.name, f.default!]));
  return fn;
}
