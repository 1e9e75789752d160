// Runs analyses in a worker thread (analysisWorker.ts), one at a time, so the server's main
// thread stays free for requests and keystrokes while a large file is analysed.
//
// Cancelling (the document changed): the server raises a flag shared with the worker; the
// PyTorch interpreter polls it every 256 steps and gives up, so the worker stays warm (its JIT
// and the parser's incremental trees survive). A job that does not stop within cancelGraceMs
// (a reader that does not poll), or runs past the time limit, has its worker terminated and a
// fresh one started for the next job. A worker that dies by itself (out of memory: it runs with
// a heap limit) fails only its job, which becomes a CL035 finding.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ReadOptions } from '../../../engine';
import type { Analyser, AnalyserStats, AnalysisOutcome, AnalysisTask } from './analyser';
import { analysisCrashed, analysisStopped, internalError } from './failures';
import type { AnalysisJobMessage, AnalysisReplyMessage, AnalysisWorkerData } from './messages';
import { emptyAnalysis } from '../../../engine';

export interface WorkerAnalyserOptions {
  /** An analysis running longer is stopped (CL034). */
  timeoutMs: number;
  /** The worker's heap limit (V8 old generation); beyond it the worker dies and the job gets CL035. */
  memoryMb: number;
  /** How long a cancelled job may take to notice its flag before its worker is terminated. */
  cancelGraceMs: number;
  /** ReadOptions.workLimit for every job (default: the engine's). */
  workLimit?: number;
}

export const DEFAULT_WORKER_OPTIONS: WorkerAnalyserOptions = { timeoutMs: 10_000, memoryMb: 1024, cancelGraceMs: 500 };

/** dist/analysisWorker.js beside dist/server.js; out/server/src/analysis/analysisWorker.js when run from tsc's output. */
export function workerScript(): string | undefined {
  const path = join(__dirname, 'analysisWorker.js');
  return existsSync(path) ? path : undefined;
}

interface Job {
  id: number;
  text: string;
  options: ReadOptions;
  resolve: (outcome: AnalysisOutcome | undefined) => void;
  cancelled: boolean;
  done: boolean;
}

export class WorkerAnalyser implements Analyser {
  private readonly queue: Job[] = [];
  private running?: { job: Job; worker: Worker; timers: Array<ReturnType<typeof setTimeout>> };
  private worker?: Worker;
  private nextId = 1;
  /** The highest abandoned job id, read by the worker (Atomics). */
  private readonly abandoned = new Int32Array(new SharedArrayBuffer(4));
  private readonly counts: AnalyserStats = { mode: 'worker', analysed: 0, cancelled: 0, workersStarted: 0, terminated: 0, crashed: 0 };

  constructor(
    private readonly script: string,
    private readonly options: WorkerAnalyserOptions = DEFAULT_WORKER_OPTIONS,
    private readonly log: (message: string) => void = () => {},
  ) {}

  analyse(text: string, options: ReadOptions): AnalysisTask {
    let resolve!: Job['resolve'];
    const result = new Promise<AnalysisOutcome | undefined>((r) => (resolve = r));
    const job: Job = { id: this.nextId++, text, options, resolve, cancelled: false, done: false };
    this.queue.push(job);
    this.pump();
    return { result, cancel: () => this.cancel(job) };
  }

  stats(): AnalyserStats {
    return { ...this.counts };
  }

  dispose(): void {
    for (const job of this.queue.splice(0)) this.finish(job, undefined);
    if (this.running) this.finish(this.running.job, undefined);
    this.stopWorker();
  }

  private cancel(job: Job): void {
    if (job.done || job.cancelled) return;
    job.cancelled = true;
    this.counts.cancelled++;
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.finish(job, undefined);
      return;
    }
    // Running: the caller gets undefined now; the worker stops when it polls the flag.
    job.resolve(undefined);
    Atomics.store(this.abandoned, 0, Math.max(Atomics.load(this.abandoned, 0), job.id));
    const run = this.running;
    if (run?.job === job) {
      run.timers.push(
        setTimeout(() => {
          if (this.running !== run) return;
          this.log(`convlens: an abandoned analysis did not stop within ${this.options.cancelGraceMs} ms; its worker is restarted`);
          this.counts.terminated++;
          this.endRun(run);
          this.stopWorker();
          this.pump();
        }, this.options.cancelGraceMs),
      );
    }
  }

  private finish(job: Job, outcome: AnalysisOutcome | undefined): void {
    if (job.done) return;
    job.done = true;
    job.resolve(job.cancelled ? undefined : outcome);
  }

  private endRun(run: NonNullable<WorkerAnalyser['running']>): void {
    for (const t of run.timers) clearTimeout(t);
    if (this.running === run) this.running = undefined;
  }

  private pump(): void {
    if (this.running) return;
    const job = this.queue.shift();
    if (!job) return;
    let worker: Worker;
    try {
      worker = this.startedWorker();
    } catch (err) {
      this.log(`convlens: the analysis worker could not start: ${(err as Error)?.stack ?? err}`);
      this.finish(job, { analysis: emptyAnalysis([internalError(err, 'start the analysis of')]), ms: 0 });
      this.pump();
      return;
    }
    const run = { job, worker, timers: [] as Array<ReturnType<typeof setTimeout>> };
    this.running = run;
    run.timers.push(
      setTimeout(() => {
        if (this.running !== run) return;
        this.log(`convlens: an analysis ran past ${this.options.timeoutMs} ms; its worker is restarted`);
        this.counts.terminated++;
        this.endRun(run);
        this.stopWorker();
        this.finish(job, { analysis: analysisStopped(job.text, this.options.timeoutMs), ms: this.options.timeoutMs });
        this.pump();
      }, this.options.timeoutMs),
    );
    const { cancelled: _poll, ...options } = job.options;
    const message: AnalysisJobMessage = { id: job.id, text: job.text, options: this.options.workLimit === undefined ? options : { ...options, workLimit: this.options.workLimit } };
    worker.postMessage(message);
  }

  private startedWorker(): Worker {
    if (this.worker) return this.worker;
    const data: AnalysisWorkerData = { cancel: this.abandoned.buffer as SharedArrayBuffer };
    const worker = new Worker(this.script, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb } });
    // The worker never keeps the server alive (the LSP exit notification ends the process).
    worker.unref();
    this.counts.workersStarted++;
    worker.on('message', (reply: AnalysisReplyMessage) => this.replied(worker, reply));
    worker.on('error', (err: Error & { code?: string }) => this.died(worker, err));
    worker.on('exit', (code) => this.died(worker, new Error(`exit code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private stopWorker(): void {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) void worker.terminate().catch(() => {});
  }

  private replied(worker: Worker, reply: AnalysisReplyMessage): void {
    const run = this.running;
    if (!run || run.worker !== worker || run.job.id !== reply.id) return;
    this.endRun(run);
    if ('analysis' in reply) {
      this.counts.analysed++;
      this.finish(run.job, { analysis: reply.analysis, ms: reply.ms });
    } else if ('error' in reply) {
      this.log(`convlens: the analysis failed: ${reply.error}`);
      this.finish(run.job, { analysis: emptyAnalysis([internalError(new Error(reply.error.split('\n')[0].replace(/^\w*Error: /, '')), 'analyse')]), ms: 0 });
    } else this.finish(run.job, undefined);
    this.pump();
  }

  /** The worker died by itself (not terminated by us): its job fails with CL035, the next job gets a fresh worker. */
  private died(worker: Worker, err: Error & { code?: string }): void {
    if (this.worker !== worker) return; // terminated on purpose, or already handled
    this.worker = undefined;
    this.counts.crashed++;
    const outOfMemory = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
    this.log(`convlens: the analysis worker died: ${err.stack ?? err.message}`);
    const run = this.running;
    if (run?.worker === worker) {
      this.endRun(run);
      this.finish(run.job, { analysis: analysisCrashed(run.job.text, { outOfMemory, memoryMb: this.options.memoryMb, message: err.message }), ms: 0 });
    }
    void worker.terminate().catch(() => {});
    this.pump();
  }
}
