// The named tensors of an unpickled PyTorch file: a state_dict (an OrderedDict of tensors), a
// checkpoint dict holding one or a whole model (`ema`, `model`, `state_dict`, …: Ultralytics
// loads `ema` when present, else `model`, and so does this), or a pickled module tree (Ultralytics
// and YOLOv5 checkpoints pickle the model object): its `_modules`, `_parameters` and persistent
// `_buffers`, with each BatchNorm's `eps`.
import { PyDict, PyObject, PyTensor } from './pickle';

export class StateDictError extends Error {}

export interface NamedTensors {
  /** Key (dotted module path + parameter name) → tensor, in file order. */
  tensors: Map<string, PyTensor>;
  /** Module path → BatchNorm epsilon (module trees only: a state_dict does not record it). */
  eps: Map<string, number>;
  /** What the tensors were found in, for messages: "state_dict", "checkpoint['ema'] (ultralytics.nn.tasks.DetectionModel)". */
  source: string;
}

/** Checkpoint keys that hold the weights, in the order they are preferred. */
const CHECKPOINT_KEYS = ['ema', 'model_ema', 'state_dict_ema', 'model', 'state_dict', 'model_state_dict', 'model_state', 'net', 'network', 'module', 'weights', 'params'];
const MAX_DEPTH = 64;
const MAX_MODULES = 200_000;

export function namedTensors(root: unknown): NamedTensors {
  return find(root, 'the file', 0);
}

function find(v: unknown, where: string, depth: number): NamedTensors {
  if (depth > 4) throw new StateDictError(`no tensors found in ${where}`);
  if (isModule(v)) return fromModule(v as PyObject, where);
  if (v instanceof PyDict) {
    const values = [...v.map.values()];
    const tensors = values.filter((x) => x instanceof PyTensor).length;
    if (tensors > 0 && tensors >= values.length / 2) return fromStateDict(v, depth === 0 ? 'state_dict' : where);
    for (const k of CHECKPOINT_KEYS) {
      const inner = v.map.get(k);
      if (inner !== undefined && inner !== null) return find(inner, `checkpoint['${k}']`, depth + 1);
    }
    const keys = [...v.map.keys()].slice(0, 8).map(String).join(', ');
    throw new StateDictError(`no weights found in ${where}: a dict of ${v.map.size} entries (${keys}${v.map.size > 8 ? ', …' : ''}) with neither tensors nor a model / state_dict / ema entry`);
  }
  if (v instanceof PyObject) throw new StateDictError(`no weights found in ${where}: a ${v.className} object that is not a torch module`);
  throw new StateDictError(`no weights found in ${where}: it holds ${v === null ? 'None' : Array.isArray(v) ? 'a list' : typeof v}`);
}

function fromStateDict(d: PyDict, source: string): NamedTensors {
  const tensors = new Map<string, PyTensor>();
  for (const [k, t] of d.map) if (t instanceof PyTensor && typeof k === 'string') tensors.set(k, t);
  return { tensors, eps: new Map(), source };
}

function stateOf(v: unknown): PyDict | null {
  return v instanceof PyObject && v.state instanceof PyDict ? v.state : null;
}

function isModule(v: unknown): boolean {
  const s = stateOf(v);
  return !!s && (s.map.has('_modules') || s.map.has('_parameters'));
}

function fromModule(root: PyObject, where: string): NamedTensors {
  const out: NamedTensors = { tensors: new Map(), eps: new Map(), source: `${where} (${root.className})` };
  let visited = 0;
  const walk = (m: PyObject, prefix: string, depth: number): void => {
    if (depth > MAX_DEPTH) throw new StateDictError(`the module tree is deeper than ${MAX_DEPTH} levels at ${prefix || '(root)'}`);
    if (++visited > MAX_MODULES) throw new StateDictError(`the module tree has over ${MAX_MODULES} modules`);
    const s = stateOf(m)!;
    const dict = (k: string) => (s.map.get(k) instanceof PyDict ? (s.map.get(k) as PyDict).map : new Map<unknown, unknown>());
    for (const [name, t] of dict('_parameters')) if (t instanceof PyTensor) out.tensors.set(`${prefix}${String(name)}`, t);
    const nonPersistent = s.map.get('_non_persistent_buffers_set');
    const skip = new Set(nonPersistent instanceof PyObject ? nonPersistent.items.map(String) : []);
    for (const [name, t] of dict('_buffers')) if (t instanceof PyTensor && !skip.has(String(name))) out.tensors.set(`${prefix}${String(name)}`, t);
    const eps = s.map.get('eps');
    if (typeof eps === 'number' && /BatchNorm/.test(m.className)) out.eps.set(prefix.slice(0, -1), eps);
    for (const [name, child] of dict('_modules')) if (isModule(child)) walk(child as PyObject, `${prefix}${String(name)}.`, depth + 1);
  };
  walk(root, '', 0);
  return out;
}
