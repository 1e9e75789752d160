// Files written by torch.save: the zip archive (torch ≥ 1.6: `<name>/data.pkl`, the storages in
// `<name>/data/<key>`, `<name>/byteorder`) and the legacy stream (a magic number, a protocol
// version and system info pickled one after the other, then the object's pickle, the list of
// storage keys, and each storage's element count and bytes). Returns the unpickled object with
// every storage's bytes attached; no tensor is decoded here (see tensorData.ts).
import { PickleError, PyStorage, defaultPersistentLoad, unpickle } from './pickle';
import { ZipError, looksZip, readZip } from './zip';

export class TorchFileError extends Error {}

export interface TorchFile {
  root: unknown;
  container: 'zip' | 'legacy';
}

/** Bytes per element of each storage dtype. */
export const DTYPE_BYTES: Record<string, number> = {
  float32: 4, float16: 2, bfloat16: 2, float64: 8, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

export function readTorchFile(bytes: Uint8Array): TorchFile {
  try {
    if (looksZip(bytes)) return { root: readArchive(bytes), container: 'zip' };
    if (bytes[0] === 0x80) return { root: readLegacy(bytes), container: 'legacy' };
  } catch (err) {
    if (err instanceof ZipError || err instanceof PickleError) throw new TorchFileError(err.message);
    throw err;
  }
  throw new TorchFileError('not a PyTorch file: neither a torch.save zip archive nor a legacy torch.save stream');
}

function readArchive(bytes: Uint8Array): unknown {
  const entries = readZip(bytes);
  const pkl = [...entries.keys()].find((n) => n === 'data.pkl' || n.endsWith('/data.pkl'));
  if (!pkl) throw new TorchFileError('the zip archive has no data.pkl: not written by torch.save');
  const prefix = pkl.slice(0, -'data.pkl'.length);
  const entry = (name: string) => {
    const e = entries.get(name);
    if (!e) return null;
    if (e.method !== 0) {
      throw new TorchFileError(`${name} is compressed (zip method ${e.method === 8 ? 'deflate' : e.method}); torch.save stores its entries uncompressed: load the file in PyTorch and torch.save it again`);
    }
    return e.data;
  };
  const order = entry(`${prefix}byteorder`);
  if (order && String.fromCharCode(...order) !== 'little') throw new TorchFileError(`the archive's tensors are ${String.fromCharCode(...order)}-endian; ConvLens reads little-endian ones`);
  return unpickle(entry(pkl)!, 0, (pid) => {
    const s = defaultPersistentLoad(pid) as PyStorage;
    const data = entry(`${prefix}data/${s.key}`);
    if (!data) throw new TorchFileError(`the archive has no ${prefix}data/${s.key} for a tensor (truncated?)`);
    attach(s, data);
    return s;
  }).value;
}

function attach(s: PyStorage, data: Uint8Array): void {
  const need = s.numel * DTYPE_BYTES[s.dtype];
  if (data.length < need) throw new TorchFileError(`storage ${s.key} holds ${data.length} bytes, its ${s.numel} ${s.dtype} values need ${need} (truncated?)`);
  s.bytes = data.subarray(0, need);
}

function readLegacy(bytes: Uint8Array): unknown {
  const magic = unpickle(bytes, 0, refuseIds);
  if (magic.value !== LEGACY_MAGIC) {
    throw new TorchFileError('not a PyTorch file: a pickle, but not a torch.save stream (no magic number)');
  }
  const version = unpickle(bytes, magic.end, refuseIds);
  if (version.value !== 1001) throw new TorchFileError(`unsupported torch.save legacy protocol ${String(version.value)}`);
  const info = unpickle(bytes, version.end, refuseIds);
  const storages = new Map<string, PyStorage>();
  const main = unpickle(bytes, info.end, (pid) => {
    if (Array.isArray(pid) && pid.length >= 6 && pid[5] !== null) throw new TorchFileError('storage views (legacy torch.save format) are not supported: re-save the file with a recent PyTorch');
    const s = defaultPersistentLoad(pid) as PyStorage;
    const known = storages.get(s.key);
    if (known) return known;
    storages.set(s.key, s);
    return s;
  });
  const keys = unpickle(bytes, main.end, refuseIds);
  if (!Array.isArray(keys.value)) throw new TorchFileError('the legacy stream has no list of storage keys');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = keys.end;
  for (const key of keys.value) {
    const s = storages.get(String(key));
    if (at + 8 > bytes.length) throw new TorchFileError(`the file is truncated before storage ${String(key)}`);
    const n = v.getUint32(at, true) + v.getUint32(at + 4, true) * 2 ** 32;
    at += 8;
    if (!s) throw new TorchFileError(`the legacy stream lists storage ${String(key)} that no tensor uses`);
    if (n !== s.numel) throw new TorchFileError(`storage ${s.key} has ${n} values, its tensors expect ${s.numel}`);
    const size = n * DTYPE_BYTES[s.dtype];
    if (at + size > bytes.length) throw new TorchFileError(`the file is truncated inside storage ${s.key}`);
    attach(s, bytes.subarray(at, at + size));
    at += size;
  }
  for (const s of storages.values()) if (!s.bytes) throw new TorchFileError(`storage ${s.key} has no data in the file`);
  return main.value;
}

function refuseIds(): never {
  throw new PickleError('a persistent id outside the object pickle');
}
