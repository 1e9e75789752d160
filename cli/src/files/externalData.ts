// The files an ONNX model keeps its weights in (`model.onnx.data`), read for the engine (which
// does no I/O): relative to the model's folder, never outside it, each file read once.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';

export function externalDataNextTo(modelFile: string): (location: string) => Uint8Array | undefined {
  const folder = dirname(modelFile);
  const cache = new Map<string, Uint8Array | undefined>();
  return (location) => {
    if (cache.has(location)) return cache.get(location);
    const rel = normalize(location);
    // The ONNX spec: a path relative to the model's folder; anything leaving it is not followed.
    const inside = !isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`) && !rel.includes('\0');
    let bytes: Uint8Array | undefined;
    if (inside) {
      try {
        const b = readFileSync(join(folder, rel));
        bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      } catch {
        bytes = undefined;
      }
    }
    cache.set(location, bytes);
    return bytes;
  };
}
