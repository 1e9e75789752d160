// The quick-fix registry: pure functions from (document text, analysis, finding) to text edits.
// Edits are written in the document's own syntax, so providers are registered per syntax: YAML
// (cnn-yaml, Ultralytics) or darknet's `key=value` lines.
import type { Analysis, Finding, NetworkFormat, QuickFix } from '../types';

export type FixProvider = (text: string, analysis: Analysis, finding: Finding) => QuickFix[];

export type FixSyntax = 'yaml' | 'darknet';

/** Fix providers by finding code, for YAML documents. */
export const FIX_PROVIDERS = new Map<string, FixProvider>();
/** Fix providers by finding code, for darknet .cfg documents. */
export const DARKNET_FIX_PROVIDERS = new Map<string, FixProvider>();

export function registerFix(code: string, provider: FixProvider, syntaxes: FixSyntax[] = ['yaml']): void {
  for (const s of syntaxes) (s === 'darknet' ? DARKNET_FIX_PROVIDERS : FIX_PROVIDERS).set(code, provider);
}

/** The provider for a finding's code in documents of this format. */
export function fixProvider(format: NetworkFormat | undefined, code: string): FixProvider | undefined {
  return (format === 'darknet' ? DARKNET_FIX_PROVIDERS : FIX_PROVIDERS).get(code);
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
  return [...new Set([...FIX_PROVIDERS.keys(), ...DARKNET_FIX_PROVIDERS.keys()])].sort();
}
