// The far end of a pipe that reads slowly: it pauses between its first reads, so a writer that
// does not wait for the pipe to drain loses its output. Writes what it read to the file given.
//   node slowReader.mjs OUT_FILE [PAUSED_READS=8] [PAUSE_MS=25]
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

const [outFile, pausedReads = '8', pauseMs = '25'] = process.argv.slice(2);
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const out = openSync(outFile, 'w');
const buffer = Buffer.alloc(16 * 1024);
for (let reads = 1; ; reads++) {
  let n;
  try {
    n = readSync(0, buffer, 0, buffer.length, null);
  } catch (err) {
    if (err.code === 'EAGAIN') { sleep(5); continue; }
    if (err.code === 'EOF') break;
    throw err;
  }
  if (n === 0) break;
  writeSync(out, buffer, 0, n);
  if (reads <= Number(pausedReads)) sleep(Number(pauseMs));
}
closeSync(out);
