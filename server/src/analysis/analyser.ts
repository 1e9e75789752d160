// How the server gets the engine's analysis of a text: a task that resolves with the analysis
// (undefined once cancelled). The worker analyser (workerAnalyser.ts) runs it off the main
// thread; the in-process one, here, runs it on the main thread (the fallback when no worker
// can start, and the benchmark's baseline).
import { analyse, emptyAnalysis, type Analysis, type ReadOptions } from '../../../engine';
import { internalError } from './failures';

export interface AnalysisOutcome {
  analysis: Analysis;
  /** Milliseconds the engine took (not the wait in the queue). */
  ms: number;
}

export interface AnalysisTask {
  /** The analysis, or undefined when the task was cancelled before it finished. */
  result: Promise<AnalysisOutcome | undefined>;
  /** Abandons the task: its result resolves to undefined, the work stops as soon as it can. */
  cancel(): void;
}

/** What the analyser did so far (the `convlens/memory` request reports it, for tests and the benchmark). */
export interface AnalyserStats {
  mode: 'worker' | 'in-process';
  analysed: number;
  cancelled: number;
  /** Workers started, the first included. */
  workersStarted: number;
  /** Workers terminated because a cancelled job did not stop in time, or a job ran past the time limit. */
  terminated: number;
  /** Workers that died by themselves (out of memory, a crash). */
  crashed: number;
}

export interface Analyser {
  analyse(text: string, options: ReadOptions): AnalysisTask;
  stats(): AnalyserStats;
  dispose(): void;
}

type Log = (message: string) => void;

/** The analysis without the lint rules, never throwing. */
export function safeAnalyse(text: string, options: ReadOptions = {}, log?: Log): Analysis {
  try {
    return analyse(text, options);
  } catch (err) {
    log?.(`convlens: the analysis failed: ${(err as Error)?.stack ?? String(err)}`);
    return emptyAnalysis([internalError(err, 'analyse')]);
  }
}

/** Runs each analysis on the calling thread, on the next turn of the event loop. */
export class InProcessAnalyser implements Analyser {
  private readonly counts: AnalyserStats = { mode: 'in-process', analysed: 0, cancelled: 0, workersStarted: 0, terminated: 0, crashed: 0 };

  constructor(private readonly log?: Log) {}

  analyse(text: string, options: ReadOptions): AnalysisTask {
    let cancelled = false;
    const result = new Promise<AnalysisOutcome | undefined>((resolve) =>
      setImmediate(() => {
        if (cancelled) return resolve(undefined);
        const t0 = performance.now();
        const analysis = safeAnalyse(text, options, this.log);
        this.counts.analysed++;
        resolve(cancelled ? undefined : { analysis, ms: performance.now() - t0 });
      }),
    );
    return {
      result,
      cancel: () => {
        if (!cancelled) this.counts.cancelled++;
        cancelled = true;
      },
    };
  }

  stats(): AnalyserStats {
    return { ...this.counts };
  }

  dispose(): void {}
}
