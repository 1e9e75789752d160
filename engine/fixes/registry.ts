// The quick-fix registry: pure functions from (document text, analysis, finding) to text edits.
// Edits are written in the document's own syntax, so a provider is registered for the formats
// whose text it knows how to edit (most edit cnn-yaml's structure; a code may have one provider
// per format, e.g. CL011 in cnn-yaml and in darknet's `key=value` lines).
import type { Analysis, Finding, NetworkFormat, QuickFix } from '../types';

export type FixProvider = (text: string, analysis: Analysis, finding: Finding) => QuickFix[];

/** 'any': the provider only replaces the finding's own span (a suggested name), right in every syntax. */
export type FixFormats = readonly NetworkFormat[] | 'any';

/** Fix providers by finding code, each with the formats it edits. */
export const FIX_PROVIDERS = new Map<string, Array<{ provider: FixProvider; formats: FixFormats }>>();

export function registerFix(code: string, provider: FixProvider, formats: FixFormats = ['cnn-yaml']): void {
  const list = FIX_PROVIDERS.get(code) ?? [];
  list.push({ provider, formats });
  FIX_PROVIDERS.set(code, list);
}

/** The provider for a finding in a document of this format, when one fits. */
export function fixProvider(format: NetworkFormat | undefined, code: string): FixProvider | undefined {
  const f = format ?? 'cnn-yaml';
  return FIX_PROVIDERS.get(code)?.find((p) => p.formats === 'any' || p.formats.includes(f))?.provider;
}

export function quickFixes(text: string, analysis: Analysis, finding: Finding): QuickFix[] {
  const provider = fixProvider(analysis.format, finding.code);
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
