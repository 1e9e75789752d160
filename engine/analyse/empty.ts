// The analysis of a document with no network in it: no layers, zero totals, only its findings.
// Readers start from it; front ends use it for a file they could not read or analyse.
import type { Analysis, Finding } from '../types';

export function emptyAnalysis(findings: Finding[] = []): Analysis {
  return {
    layers: [],
    entries: [],
    blocks: [],
    references: [],
    definitions: [],
    outputs: [],
    totals: { params: 0, buffers: 0, macs: 0, flops: 0, activationBytes: 0 },
    findings,
  };
}
