// Runs a seeded fuzz corpus in child processes (test/fuzz/worker.ts) and collects one record per
// input. A worker that dies (fatal out-of-memory, stack overflow in native code, a hang past the
// watchdog) is recorded as a crash of the input it had begun, and a new worker continues after it.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface InputRecord {
  i: number;
  family: string;
  source: string;
  length: number;
  ms: number;
  fixMs: number;
  codes: string[];
  fixes: number;
  exception?: string;
  problems: string[];
  /** The worker process died on this input (message: exit code / signal / stderr tail). */
  crash?: string;
}

export interface DriverOptions {
  /** Command that starts a worker: e.g. [process.execPath, 'out/test/fuzz/worker.js']. */
  worker: string[];
  examples: string;
  seed: number;
  count: number;
  /** Inputs per worker process. */
  chunk?: number;
  /** Kill a worker when one input runs longer than this (ms). */
  watchdogMs?: number;
  /** Heap limit of a worker, MB. */
  heapMb?: number;
  onRecord?: (r: InputRecord) => void;
}

export async function runCorpus(o: DriverOptions): Promise<InputRecord[]> {
  const records: InputRecord[] = [];
  let next = 0;
  while (next < o.count) {
    const n = Math.min(o.chunk ?? 5000, o.count - next);
    next = await runWorker(o, next, n, (r) => {
      records.push(r);
      o.onRecord?.(r);
    });
  }
  return records;
}

/** Runs [start, start + count); returns the index to continue from. */
function runWorker(o: DriverOptions, start: number, count: number, emit: (r: InputRecord) => void): Promise<number> {
  return new Promise((resolve) => {
    const [cmd, ...rest] = o.worker;
    const args = [`--max-old-space-size=${o.heapMb ?? 2048}`, '--stack-size=984', ...rest, '--examples', o.examples, '--seed', String(o.seed), '--start', String(start), '--count', String(count)];
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let begun: { begin: number; family: string; source: string; length: number } | null = null;
    let done = start;
    let stderr = '';
    let watchdog: NodeJS.Timeout | undefined;
    let killedByWatchdog = false;
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        killedByWatchdog = true;
        child.kill('SIGKILL');
      }, o.watchdogMs ?? 30000);
    };
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    createInterface({ input: child.stdout }).on('line', (l) => {
      const m = JSON.parse(l);
      if ('begin' in m) {
        begun = m;
        arm();
      } else {
        begun = null;
        done = m.i + 1;
        emit(m as InputRecord);
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      if (begun) {
        const b = begun as { begin: number; family: string; source: string; length: number };
        const why = killedByWatchdog ? `no answer within ${o.watchdogMs ?? 30000} ms (killed)` : `worker died (exit ${code}, signal ${signal}): ${stderr.split('\n').filter((x) => /error|Error|heap/.test(x)).slice(0, 3).join(' | ')}`;
        emit({ i: b.begin, family: b.family, source: b.source, length: b.length, ms: NaN, fixMs: 0, codes: [], fixes: 0, problems: [], crash: why });
        resolve(b.begin + 1);
      } else if (done < start + count) {
        emit({ i: done, family: '?', source: '', length: 0, ms: NaN, fixMs: 0, codes: [], fixes: 0, problems: [], crash: `worker exited early (exit ${code}): ${stderr.slice(-500)}` });
        resolve(done + 1);
      } else resolve(done);
    });
  });
}
