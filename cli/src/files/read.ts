// Reading one network file (or standard input) as text. Whatever goes wrong becomes the one-line
// reason a CL012 finding gives, never an exception: the other files of the run are still read.
import { readFileSync, statSync } from 'node:fs';
import { looksOnnx } from '../../../engine';

/** The text of a file, the bytes of a binary model (.onnx), or why there is none. */
export type Source = { file: string; text: string } | { file: string; bytes: Uint8Array } | { file: string; problem: string };

/** ONNX models are binary and much larger than network definitions (protobuf's own limit is 2 GiB). */
const MAX_MODEL_BYTES = 2 * 1024 ** 3 - 1;
const isBinaryModel = (file: string) => /\.onnx$/i.test(file);

/** Far above the engine's own bound (1,000,000 characters, CL010): a guard against reading a dataset. */
const MAX_BYTES = 64 * 1024 * 1024;

/** The operand that means standard input, and how it is named in reports. */
export const STDIN = '-';
export const STDIN_NAME = '<stdin>';

export function readFileSource(file: string): Source {
  const problem = (reason: string): Source => ({ file, problem: reason });
  try {
    const st = statSync(file);
    if (st.isDirectory()) return problem('This is a folder, not a network file (`convlens check` walks folders).');
    if (isBinaryModel(file)) {
      if (st.size > MAX_MODEL_BYTES) return problem(`The file is ${(st.size / 2 ** 30).toFixed(1)} GiB; an ONNX model is at most 2 GiB (its weights beyond that are in external data).`);
      const bytes = readFileSync(file);
      return { file, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    }
    if (st.size > MAX_BYTES) return problem(`The file is ${(st.size / 2 ** 20).toFixed(0)} MiB; a network file is far smaller (at most ${MAX_BYTES / 2 ** 20} MiB are read).`);
    return decode(file, readFileSync(file));
  } catch (err) {
    return problem(readError(err));
  }
}

/**
 * Standard input, which has no name to go by: an ONNX model (`convlens summary - < model.onnx`)
 * is known by its first bytes (a ModelProto's fields) and read as bytes, anything else as text.
 */
export async function readStdinSource(stdin: AsyncIterable<Buffer | string>): Promise<Source> {
  const chunks: Buffer[] = [];
  let size = 0;
  let model: boolean | undefined;
  try {
    for await (const chunk of stdin) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      chunks.push(bytes);
      if (model === undefined && size >= 2) model = looksOnnx(Buffer.concat(chunks));
      if (model && size > MAX_MODEL_BYTES) return { file: STDIN_NAME, problem: `Standard input is an ONNX model of more than 2 GiB; an ONNX model is at most 2 GiB (its weights beyond that are in external data).` };
      if (!model && size > MAX_BYTES) return { file: STDIN_NAME, problem: `Standard input is longer than ${MAX_BYTES / 2 ** 20} MiB; a network file is far smaller.` };
    }
  } catch (err) {
    return { file: STDIN_NAME, problem: readError(err) };
  }
  const all = Buffer.concat(chunks);
  if (model && looksOnnx(all)) return { file: STDIN_NAME, bytes: new Uint8Array(all.buffer, all.byteOffset, all.byteLength) };
  return decode(STDIN_NAME, all);
}

function decode(file: string, bytes: Uint8Array): Source {
  if (bytes.includes(0)) return { file, problem: 'A binary file (it contains NUL bytes), not a network definition.' };
  try {
    return { file, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { file, problem: 'Not UTF-8 text: a network definition is a UTF-8 text file.' };
  }
}

function readError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file.';
  if (code === 'EACCES' || code === 'EPERM') return `Cannot read the file: permission denied (${code}).`;
  return `Cannot read the file: ${(err as Error).message}.`;
}
