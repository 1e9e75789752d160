// Which findings withheld figures, so that the totals count only part of the network: every
// error, and PyTorch's two informational ones that stop figures ("not followed", CL030, and "no
// input shape", CL031: parameters are counted, shapes and MACs are not).
import { CODES } from '../codes';
import type { Finding } from '../types';

const WITHHOLDING_NOTES = new Set([CODES.pytorchNotFollowed.code, CODES.pytorchInput.code]);

export function withholdingFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'error' || WITHHOLDING_NOTES.has(f.code));
}
