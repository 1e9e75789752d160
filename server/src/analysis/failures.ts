// Findings about the analysis itself, when it gives no figures: the engine threw (CL000), the
// server stopped an analysis that ran too long (CL034), or the worker running it died (CL035,
// e.g. out of memory). Each replaces the figures of that version of the document: a failing
// file never takes the server down, and nothing stale or guessed is shown.
import { emptyAnalysis, type Analysis, type Finding } from '../../../engine';

/** The document's first line (at most 200 characters): where a finding about the whole file goes. */
function firstLine(text: string) {
  const nl = text.indexOf('\n');
  return { start: 0, end: Math.min(nl < 0 ? text.length : nl, 200) };
}

export function internalError(err: unknown, what: string): Finding {
  return {
    code: 'CL000',
    severity: 'error',
    message: `ConvLens could not ${what} this document (internal error: ${(err as Error)?.message ?? String(err)}).`,
    span: { start: 0, end: 0 },
  };
}

/** CL034: the analysis ran longer than the server allows and was stopped. */
export function analysisStopped(text: string, timeoutMs: number): Analysis {
  const seconds = timeoutMs >= 1000 ? `${+(timeoutMs / 1000).toFixed(1)} s` : `${timeoutMs} ms`;
  return emptyAnalysis([
    {
      code: 'CL034',
      severity: 'warning',
      message: `ConvLens stopped analysing this file after ${seconds}: following its code takes longer than that (a loop over large lists in the constructor?). No figures are shown for this version; editing the file starts a new analysis.`,
      span: firstLine(text),
    },
  ]);
}

/** CL035: the worker analysing the file died (out of memory, or a crash of the engine's thread). */
export function analysisCrashed(text: string, why: { outOfMemory: boolean; memoryMb: number; message: string }): Analysis {
  const cause = why.outOfMemory ? `it needed more than the ${why.memoryMb} MB the analysis may use` : `its worker stopped: ${why.message}`;
  return emptyAnalysis([
    {
      code: 'CL035',
      severity: 'warning',
      message: `ConvLens could not analyse this file: ${cause}. No figures are shown for this version; editing the file starts a new analysis.`,
      span: firstLine(text),
    },
  ]);
}
