// A pickle reader that NEVER executes anything. Python's unpickler imports whatever module a
// pickle names and calls whatever it is told to (`os.system` included); this one only builds
// plain data: it knows the few functions a checkpoint uses to rebuild tensors, dicts and sizes
// (rebuilt here without running them), records objects of known namespaces (torch, Ultralytics,
// YOLOv5, numpy, __main__) as plain PyObjects with their state, and refuses everything else.
//
// Bounded: a pickle has no jumps, so it runs at most one step per byte, and every step keeps at
// most a constant number of new values: memory and time are linear in the input. Integers are
// limited to 256 bytes, the input to MAX_PICKLE_BYTES.

/** A module global the pickle names (a class or function), never imported. */
export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get path(): string {
    return `${this.module}.${this.name}`;
  }
}

/** An object of a class, recorded as data: constructor arguments, BUILD state, appended items. */
export class PyObject {
  state: unknown = undefined;
  readonly items: unknown[] = [];
  readonly entries = new Map<unknown, unknown>();
  constructor(readonly className: string, readonly args: unknown[]) {}
}

/** dict / OrderedDict (with the attributes BUILD gives it, e.g. a state_dict's `_metadata`). */
export class PyDict {
  readonly map = new Map<unknown, unknown>();
  state: unknown = undefined;
  constructor(readonly className = 'dict') {}
}

/** A tensor storage a persistent id names: its data lives outside the pickle (see torchFile.ts). */
export class PyStorage {
  /** Filled in by the container reader. */
  bytes: Uint8Array | null = null;
  constructor(readonly dtype: string, readonly key: string, readonly numel: number) {}
}

/** A tensor view of a storage (torch._utils._rebuild_tensor_v2's arguments). */
export class PyTensor {
  constructor(readonly storage: PyStorage, readonly offset: number, readonly size: number[], readonly stride: number[]) {}
}

/** A pickle that is malformed, truncated, or asks for something ConvLens does not run. */
export class PickleError extends Error {}

export const MAX_PICKLE_BYTES = 1 << 30;
const MAX_LONG_BYTES = 256;

/** Storage classes → dtype names (torch.FloatStorage is how torch.save names float32). */
const STORAGE_DTYPES: Record<string, string> = {
  FloatStorage: 'float32', HalfStorage: 'float16', BFloat16Storage: 'bfloat16', DoubleStorage: 'float64',
  LongStorage: 'int64', IntStorage: 'int32', ShortStorage: 'int16', CharStorage: 'int8', ByteStorage: 'uint8', BoolStorage: 'bool',
};

/** Module prefixes whose CLASSES are recorded as plain objects. */
const CLASS_NAMESPACES = ['torch', 'torchvision', 'ultralytics', 'models', 'utils', '__main__', 'numpy', 'collections', 'pathlib', 'timm'];
/** Single globals allowed outside those namespaces. */
const ALLOWED_GLOBALS = new Set([
  'builtins.set', 'builtins.frozenset', 'builtins.slice', 'builtins.bytearray', 'builtins.object', 'builtins.complex',
  '__builtin__.set', '__builtin__.frozenset', '__builtin__.slice', '__builtin__.bytearray', '__builtin__.object',
  '_codecs.encode', 'copyreg._reconstructor', 'copy_reg._reconstructor', 'copyreg.__newobj__',
  'argparse.Namespace', 'types.SimpleNamespace', 'datetime.datetime', 'datetime.date', 'datetime.timedelta',
  // Recorded, never resolved: a fused Ultralytics Conv keeps `forward = getattr(self, 'forward_fuse')`;
  // Ultralytics saves with dill when it is installed, which names some types through _load_type.
  'builtins.getattr', 'dill._dill._load_type',
]);

function allowedGlobal(module: string, name: string): boolean {
  if (ALLOWED_GLOBALS.has(`${module}.${name}`)) return true;
  return CLASS_NAMESPACES.some((ns) => module === ns || module.startsWith(`${ns}.`));
}

const isClassName = (name: string): boolean => /^[A-Z]/.test(name);

export interface UnpickleResult {
  value: unknown;
  /** Offset just past the STOP opcode (several pickles may follow each other: the legacy format). */
  end: number;
}

/**
 * Reads one pickle from `bytes` at `offset`. `persistentLoad` turns a persistent id (torch's
 * storage tuples) into a value.
 */
export function unpickle(bytes: Uint8Array, offset = 0, persistentLoad: (pid: unknown) => unknown = defaultPersistentLoad): UnpickleResult {
  if (bytes.length - offset > MAX_PICKLE_BYTES) throw new PickleError(`the pickle is ${bytes.length - offset} bytes, over the ${MAX_PICKLE_BYTES}-byte limit`);
  return new Machine(bytes, offset, persistentLoad).run();
}

/** torch's persistent ids: ('storage', storage class, key, location, numel[, view metadata]). */
export function defaultPersistentLoad(pid: unknown): unknown {
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) throw new PickleError(`unknown persistent id ${describe(pid)}`);
  const [, type, key, , numel] = pid;
  const dtype = type instanceof PyGlobal ? storageDtype(type) : null;
  if (!dtype) throw new PickleError(`unknown storage type ${describe(type)}`);
  const n = Number(numel);
  if (!Number.isSafeInteger(n) || n < 0) throw new PickleError(`storage ${String(key)} has an invalid size ${describe(numel)}`);
  return new PyStorage(dtype, String(key), n);
}

/** torch.FloatStorage / torch.cuda.HalfStorage… → 'float32' / 'float16'…; null for anything else. */
export function storageDtype(g: PyGlobal): string | null {
  if (g.module !== 'torch' && g.module !== 'torch.cuda') return null;
  return STORAGE_DTYPES[g.name] ?? null;
}

function describe(v: unknown): string {
  if (v instanceof PyGlobal) return v.path;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return `(${v.slice(0, 4).map(describe).join(', ')}${v.length > 4 ? ', …' : ''})`;
  if (v instanceof PyObject) return `<${v.className}>`;
  return String(v);
}

const MARK = Symbol('mark');

class Machine {
  private stack: unknown[] = [];
  private marks: number[] = [];
  private memo = new Map<number, unknown>();
  private pos: number;
  private readonly view: DataView;

  constructor(private bytes: Uint8Array, offset: number, private persistentLoad: (pid: unknown) => unknown) {
    this.pos = offset;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): number {
    if (n < 0 || this.pos + n > this.bytes.length) throw new PickleError(`the pickle is truncated at byte ${this.pos} (needs ${n} more)`);
    const at = this.pos;
    this.pos += n;
    return at;
  }
  private u8(): number {
    return this.bytes[this.need(1)];
  }
  private u16(): number {
    return this.view.getUint16(this.need(2), true);
  }
  private u32(): number {
    return this.view.getUint32(this.need(4), true);
  }
  private u64(): number {
    const at = this.need(8);
    const n = this.view.getUint32(at, true) + this.view.getUint32(at + 4, true) * 2 ** 32;
    if (!Number.isSafeInteger(n)) throw new PickleError(`a length at byte ${at} is too large`);
    return n;
  }
  private take(n: number): Uint8Array {
    const at = this.need(n);
    return this.bytes.subarray(at, at + n);
  }
  private line(): string {
    let end = this.pos;
    while (end < this.bytes.length && this.bytes[end] !== 0x0a) end++;
    if (end >= this.bytes.length) throw new PickleError(`the pickle is truncated at byte ${this.pos} (a text line has no end)`);
    const s = latin1(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }
  private utf8(n: number): string {
    return utf8(this.take(n));
  }

  private push(v: unknown): void {
    this.stack.push(v);
  }
  private pop(): unknown {
    if (!this.stack.length || this.stack[this.stack.length - 1] === MARK) throw new PickleError(`stack underflow at byte ${this.pos - 1}`);
    return this.stack.pop();
  }
  private top(): unknown {
    const v = this.stack[this.stack.length - 1];
    if (!this.stack.length || v === MARK) throw new PickleError(`stack underflow at byte ${this.pos - 1}`);
    return v;
  }
  private popMark(): unknown[] {
    const m = this.marks.pop();
    if (m === undefined) throw new PickleError(`no MARK before byte ${this.pos - 1}`);
    const items = this.stack.splice(m);
    items.shift(); // the MARK itself
    return items;
  }
  private memoGet(i: number): unknown {
    if (!this.memo.has(i)) throw new PickleError(`memo entry ${i} is read before it is written`);
    return this.memo.get(i);
  }

  run(): UnpickleResult {
    for (;;) {
      const at = this.pos;
      const op = this.u8();
      switch (op) {
        case 0x80: // PROTO
          if (this.u8() > 5) throw new PickleError(`unsupported pickle protocol at byte ${at}`);
          break;
        case 0x95: // FRAME (a length hint)
          this.u64();
          break;
        case 0x2e: // STOP
          return { value: this.pop(), end: this.pos };
        case 0x28: // MARK
          this.marks.push(this.stack.length);
          this.stack.push(MARK);
          break;
        case 0x30: // POP
          if (this.stack[this.stack.length - 1] === MARK) this.popMark();
          else this.pop();
          break;
        case 0x31: // POP_MARK
          this.popMark();
          break;
        case 0x32: // DUP
          this.push(this.top());
          break;
        case 0x4a: // BININT
          this.push(this.view.getInt32(this.need(4), true));
          break;
        case 0x4b: // BININT1
          this.push(this.u8());
          break;
        case 0x4d: // BININT2
          this.push(this.u16());
          break;
        case 0x8a: // LONG1
          this.push(long(this.take(this.u8())));
          break;
        case 0x8b: {
          // LONG4
          const n = this.u32();
          if (n > MAX_LONG_BYTES) throw new PickleError(`an integer of ${n} bytes at byte ${at} (over ${MAX_LONG_BYTES})`);
          this.push(long(this.take(n)));
          break;
        }
        case 0x49: {
          // INT (text): also protocol 0's True/False
          const s = this.line();
          if (s === '01') this.push(true);
          else if (s === '00') this.push(false);
          else this.push(textInt(s, at));
          break;
        }
        case 0x4c: // LONG (text)
          this.push(textInt(this.line().replace(/L$/, ''), at));
          break;
        case 0x4e: // NONE
          this.push(null);
          break;
        case 0x88: // NEWTRUE
          this.push(true);
          break;
        case 0x89: // NEWFALSE
          this.push(false);
          break;
        case 0x47: // BINFLOAT (big-endian)
          this.push(this.view.getFloat64(this.need(8), false));
          break;
        case 0x46: // FLOAT (text)
          this.push(Number(this.line()));
          break;
        case 0x58: // BINUNICODE
          this.push(this.utf8(this.u32()));
          break;
        case 0x8c: // SHORT_BINUNICODE
          this.push(this.utf8(this.u8()));
          break;
        case 0x8d: // BINUNICODE8
          this.push(this.utf8(this.u64()));
          break;
        case 0x56: // UNICODE (raw-unicode-escape text)
          this.push(this.line().replace(/\\u([0-9a-fA-F]{4})/g, (_, h) => String.fromCharCode(parseInt(h, 16))));
          break;
        case 0x54: // BINSTRING (Python 2 str)
          this.push(latin1(this.take(this.view.getInt32(this.need(4), true))));
          break;
        case 0x55: // SHORT_BINSTRING
          this.push(latin1(this.take(this.u8())));
          break;
        case 0x53: // STRING (quoted text)
          this.push(this.line().replace(/^(['"])(.*)\1$/, '$2'));
          break;
        case 0x42: // BINBYTES
          this.push(this.take(this.u32()));
          break;
        case 0x43: // SHORT_BINBYTES
          this.push(this.take(this.u8()));
          break;
        case 0x8e: // BINBYTES8
        case 0x96: // BYTEARRAY8
          this.push(this.take(this.u64()));
          break;
        case 0x5d: // EMPTY_LIST
          this.push([]);
          break;
        case 0x61: {
          // APPEND
          const v = this.pop();
          append(this.top(), [v], at);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = this.popMark();
          append(this.top(), items, at);
          break;
        }
        case 0x6c: // LIST
          this.push(this.popMark());
          break;
        case 0x29: // EMPTY_TUPLE
          this.push([]);
          break;
        case 0x74: // TUPLE
          this.push(this.popMark());
          break;
        case 0x85: // TUPLE1
          this.push([this.pop()]);
          break;
        case 0x86: {
          // TUPLE2
          const b = this.pop();
          this.push([this.pop(), b]);
          break;
        }
        case 0x87: {
          // TUPLE3
          const c = this.pop();
          const b = this.pop();
          this.push([this.pop(), b, c]);
          break;
        }
        case 0x7d: // EMPTY_DICT
          this.push(new PyDict());
          break;
        case 0x64: {
          // DICT
          const d = new PyDict();
          setItems(d, this.popMark(), at);
          this.push(d);
          break;
        }
        case 0x73: {
          // SETITEM
          const v = this.pop();
          const k = this.pop();
          setItems(this.top(), [k, v], at);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = this.popMark();
          setItems(this.top(), items, at);
          break;
        }
        case 0x8f: // EMPTY_SET
          this.push(new PyObject('builtins.set', []));
          break;
        case 0x90: {
          // ADDITEMS
          const items = this.popMark();
          append(this.top(), items, at);
          break;
        }
        case 0x91: {
          // FROZENSET
          const s = new PyObject('builtins.frozenset', []);
          s.items.push(...this.popMark());
          this.push(s);
          break;
        }
        case 0x63: {
          // GLOBAL
          const module = this.line();
          this.push(this.global(module, this.line(), at));
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string') throw new PickleError(`STACK_GLOBAL at byte ${at} without two strings`);
          this.push(this.global(module, name, at));
          break;
        }
        case 0x52: {
          // REDUCE
          const args = this.pop();
          const fn = this.pop();
          this.push(call(fn, args, at));
          break;
        }
        case 0x81: {
          // NEWOBJ
          const args = this.pop();
          const cls = this.pop();
          this.push(construct(cls, args, at));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX (kwargs are recorded as the state)
          const kwargs = this.pop();
          const args = this.pop();
          const cls = this.pop();
          const o = construct(cls, args, at);
          if (o instanceof PyObject) o.state = kwargs;
          this.push(o);
          break;
        }
        case 0x69: {
          // INST (protocol 0): class from two lines, arguments from the mark
          const module = this.line();
          const cls = this.global(module, this.line(), at);
          this.push(construct(cls, this.popMark(), at));
          break;
        }
        case 0x6f: {
          // OBJ
          const items = this.popMark();
          if (!items.length) throw new PickleError(`OBJ at byte ${at} without a class`);
          this.push(construct(items[0], items.slice(1), at));
          break;
        }
        case 0x62: {
          // BUILD
          const state = this.pop();
          build(this.top(), state);
          break;
        }
        case 0x70: // PUT
          this.memo.set(textIndex(this.line(), at), this.top());
          break;
        case 0x71: // BINPUT
          this.memo.set(this.u8(), this.top());
          break;
        case 0x72: // LONG_BINPUT
          this.memo.set(this.u32(), this.top());
          break;
        case 0x94: // MEMOIZE
          this.memo.set(this.memo.size, this.top());
          break;
        case 0x67: // GET
          this.push(this.memoGet(textIndex(this.line(), at)));
          break;
        case 0x68: // BINGET
          this.push(this.memoGet(this.u8()));
          break;
        case 0x6a: // LONG_BINGET
          this.push(this.memoGet(this.u32()));
          break;
        case 0x50: // PERSID
          this.push(this.persistentLoad(this.line()));
          break;
        case 0x51: // BINPERSID
          this.push(this.persistentLoad(this.pop()));
          break;
        default:
          throw new PickleError(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}${op === 0x82 || op === 0x83 || op === 0x84 ? ' (extension registry)' : op === 0x97 || op === 0x98 ? ' (out-of-band buffer)' : ''}`);
      }
    }
  }

  private global(module: string, name: string, at: number): PyGlobal {
    if (!allowedGlobal(module, name)) {
      throw new PickleError(`refused: the pickle refers to ${module}.${name} (byte ${at}); a weights file only needs tensors, dicts and module objects, and ConvLens never runs code from one`);
    }
    return new PyGlobal(module, name);
  }
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}

/** UTF-8 → string (invalid sequences become U+FFFD), without TextDecoder (not in every host's types). */
function utf8(b: Uint8Array): string {
  const units: number[] = [];
  let out = '';
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xf0 && c < 0xf8 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : -1;
    let cp = n === 0 ? c : n === 1 ? c & 0x1f : n === 2 ? c & 0x0f : c & 0x07;
    let ok = n >= 0 && i + n < b.length;
    for (let k = 1; ok && k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (d & 0x3f);
    }
    if (!ok) {
      units.push(0xfffd);
      i++;
    } else {
      if (cp > 0xffff) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
      else units.push(cp);
      i += n + 1;
    }
    if (units.length >= 8192) out += String.fromCharCode(...units.splice(0));
  }
  return out + String.fromCharCode(...units);
}

/** Little-endian two's complement integer; a number when safe, else a bigint. */
function long(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function textInt(s: string, at: number): number | bigint {
  if (!/^[+-]?\d{1,600}$/.test(s)) throw new PickleError(`bad integer ${JSON.stringify(s.slice(0, 20))} at byte ${at}`);
  const v = BigInt(s);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function textIndex(s: string, at: number): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < 0) throw new PickleError(`bad memo index at byte ${at}`);
  return n;
}

function append(target: unknown, items: unknown[], at: number): void {
  if (Array.isArray(target)) target.push(...items);
  else if (target instanceof PyObject) target.items.push(...items);
  else throw new PickleError(`APPEND to a ${typeof target} at byte ${at}`);
}

function setItems(target: unknown, kv: unknown[], at: number): void {
  if (kv.length % 2) throw new PickleError(`SETITEMS with an odd number of values at byte ${at}`);
  const map = target instanceof PyDict || target instanceof PyObject ? (target instanceof PyDict ? target.map : target.entries) : null;
  if (!map) throw new PickleError(`SETITEM on a ${describe(target)} at byte ${at}`);
  for (let i = 0; i < kv.length; i += 2) map.set(kv[i], kv[i + 1]);
}

function build(target: unknown, state: unknown): void {
  if (target instanceof PyObject || target instanceof PyDict) target.state = state;
  // BUILD on a tensor (its Python attributes) or a plain value: nothing to keep.
}

/** NEWOBJ / INST: an instance of an allowed class, as data. */
function construct(cls: unknown, args: unknown, at: number): unknown {
  if (!(cls instanceof PyGlobal)) throw new PickleError(`NEWOBJ of ${describe(cls)} at byte ${at}`);
  if (!Array.isArray(args)) throw new PickleError(`NEWOBJ arguments of ${cls.path} are not a tuple (byte ${at})`);
  if (cls.path === 'collections.OrderedDict') return new PyDict(cls.path);
  if (!isClassName(cls.name) && cls.path !== 'builtins.object' && cls.path !== 'builtins.set') {
    throw new PickleError(`refused: the pickle constructs ${cls.path} (byte ${at}), which is not a class ConvLens can record as data`);
  }
  return new PyObject(cls.path, args);
}

const num = (v: unknown): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new PickleError(`expected an integer, got ${describe(v)}`);
  return v;
};
const ints = (v: unknown): number[] => {
  if (!Array.isArray(v)) throw new PickleError(`expected a tuple of integers, got ${describe(v)}`);
  return v.map(num);
};

/** REDUCE: the known rebuild functions, computed here; allowed classes recorded; anything else refused. */
function call(fn: unknown, args: unknown, at: number): unknown {
  if (!(fn instanceof PyGlobal)) throw new PickleError(`REDUCE calls ${describe(fn)} at byte ${at}`);
  if (!Array.isArray(args)) throw new PickleError(`REDUCE arguments of ${fn.path} are not a tuple (byte ${at})`);
  switch (fn.path) {
    case 'torch._utils._rebuild_tensor':
    case 'torch._utils._rebuild_tensor_v2': {
      const [storage, offset, size, stride] = args;
      if (!(storage instanceof PyStorage)) throw new PickleError(`${fn.name} without a storage (byte ${at})`);
      return new PyTensor(storage, num(offset), ints(size), ints(stride));
    }
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
      return args[0];
    case 'torch._tensor._rebuild_from_type_v2': {
      // (func, type, args, state): a tensor subclass rebuilt by func, kept as the plain tensor.
      const [inner, , innerArgs] = args;
      return call(inner, innerArgs, at);
    }
    case 'torch.Size':
      return ints(args[0] ?? []);
    case 'collections.OrderedDict': {
      const d = new PyDict(fn.path);
      for (const pair of Array.isArray(args[0]) ? args[0] : []) if (Array.isArray(pair) && pair.length === 2) d.map.set(pair[0], pair[1]);
      return d;
    }
    case '_codecs.encode': {
      // Protocol 2 writes bytes as _codecs.encode(text, 'latin1').
      const [text, encoding] = args;
      if (typeof text !== 'string') throw new PickleError(`_codecs.encode of ${describe(text)} (byte ${at})`);
      if (encoding !== 'latin1' && encoding !== 'latin-1') throw new PickleError(`_codecs.encode to ${describe(encoding)} (byte ${at}): only latin1 is used for bytes`);
      return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
    }
    case 'builtins.set':
    case 'builtins.frozenset':
    case '__builtin__.set':
    case '__builtin__.frozenset': {
      const s = new PyObject(fn.path, []);
      if (Array.isArray(args[0])) s.items.push(...args[0]);
      return s;
    }
    case 'builtins.bytearray':
    case '__builtin__.bytearray':
      // Only from bytes: bytearray(n) would allocate n bytes the file does not hold.
      if (args.length && !(args[0] instanceof Uint8Array)) throw new PickleError(`refused: bytearray(${describe(args[0])}) at byte ${at}`);
      return args[0] ?? new Uint8Array(0);
    case 'builtins.getattr':
    case 'dill._dill._load_type':
      // As data: no attribute is looked up, no type is loaded.
      return new PyObject(fn.path, args);
    case 'copyreg._reconstructor':
    case 'copy_reg._reconstructor': {
      const [cls] = args;
      return construct(cls, [], at);
    }
    case 'copyreg.__newobj__': {
      const [cls, ...rest] = args;
      return construct(cls, rest, at);
    }
  }
  if (isClassName(fn.name) || /^numpy(\._core|\.core)?(\.multiarray)?\.(_reconstruct|scalar|dtype)$/.test(fn.path) || fn.path === 'torch.device' || fn.path === 'builtins.slice' || fn.path === 'builtins.complex') {
    return new PyObject(fn.path, args);
  }
  throw new PickleError(`refused: the pickle calls ${fn.path} (byte ${at}); ConvLens rebuilds tensors, dicts and module objects without running anything, and does not know this function`);
}
