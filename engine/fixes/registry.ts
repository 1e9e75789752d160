// The quick-fix registry: pure functions from (document text, analysis, finding) to text edits.
import type { Analysis, Finding, QuickFix } from '../types';

export type FixProvider = (text: string, analysis: Analysis, finding: Finding) => QuickFix[];

/** Fix providers by finding code. */
export const FIX_PROVIDERS = new Map<string, FixProvider>();

export function registerFix(code: string, provider: FixProvider): void {
  FIX_PROVIDERS.set(code, provider);
}

export function quickFixes(text: string, analysis: Analysis, finding: Finding): QuickFix[] {
  const provider = FIX_PROVIDERS.get(finding.code);
  if (!provider) return [];
  try {
    return provider(text, analysis, finding);
  } catch {
    // A fix that cannot be computed is simply not offered.
    return [];
  }
}

/** Codes that have at least one fix provider. */
export function fixableCodes(): string[] {
  return [...FIX_PROVIDERS.keys()].sort();
}
