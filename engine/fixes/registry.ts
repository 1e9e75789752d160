// The quick-fix registry: pure functions from (document text, analysis, finding) to text edits.
import type { Analysis, Finding, NetworkFormat, QuickFix } from '../types';

export type FixProvider = (text: string, analysis: Analysis, finding: Finding) => QuickFix[];

/** Fix providers by finding code. */
export const FIX_PROVIDERS = new Map<string, FixProvider>();

/** The formats whose text each provider knows how to edit (most edit cnn-yaml's structure). */
const FORMATS = new Map<string, readonly NetworkFormat[] | 'any'>();

/**
 * Registers the fix for a code. `formats`: the document formats whose text the provider edits;
 * 'any' for fixes that only replace the finding's own span (a suggested name).
 */
export function registerFix(code: string, provider: FixProvider, formats: readonly NetworkFormat[] | 'any' = ['cnn-yaml']): void {
  FIX_PROVIDERS.set(code, provider);
  FORMATS.set(code, formats);
}

/** The fix provider for a finding, when its edits fit the document's format. */
export function fixProviderFor(analysis: Analysis, finding: Finding): FixProvider | undefined {
  const provider = FIX_PROVIDERS.get(finding.code);
  const formats = FORMATS.get(finding.code);
  return provider && (formats === 'any' || formats?.includes(analysis.format ?? 'cnn-yaml')) ? provider : undefined;
}

export function quickFixes(text: string, analysis: Analysis, finding: Finding): QuickFix[] {
  const provider = fixProviderFor(analysis, finding);
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
