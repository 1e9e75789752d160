// What the commands read and write through. Writes to a pipe are asynchronous: the process must
// end by setting process.exitCode, not by process.exit() with writes pending, or everything past
// the pipe's 64 KiB buffer is lost. A reader that goes away early (`| head`) ends the output
// quietly, not with a stack trace, and the exit code stays the run's; any other write error is
// one line, exit 2.
import { readFileSource, readStdinSource, STDIN, type Source } from './files/read';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** A file's text, or standard input's for `-` (read once). */
  read(file: string): Promise<Source>;
}

export function processIo(): Io {
  let readerGone = false;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    readerGone = true;
    if (err.code === 'EPIPE') return;
    process.stderr.write(`convlens: cannot write the output: ${err.code ?? err.message}\n`);
    process.exit(2); // nothing more can be written
  });
  let stdin: Promise<Source> | undefined;
  return {
    out: (text) => {
      if (!readerGone) process.stdout.write(text);
    },
    err: (text) => {
      process.stderr.write(text);
    },
    read: (file) => (file === STDIN ? (stdin ??= readStdinSource(process.stdin)) : Promise.resolve(readFileSource(file))),
  };
}
