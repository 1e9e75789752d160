// analyse + lint in one call: what every shell shows as diagnostics.
import type { Analysis } from './types';
import { analyse, type ReadOptions } from './readers';
import { applyRules, type RuleConfig } from './rules';
import { readOnnx, type OnnxReadOptions, type OnnxReadResult } from './readers/onnx/read';

export interface CheckOptions extends ReadOptions {
  rules?: RuleConfig;
}

/** Analyses a document and returns the analysis with `findings` = engine findings + rules. */
export function check(text: string, given?: CheckOptions | null): Analysis {
  const options = given ?? {};
  const analysis = analyse(text, options);
  analysis.findings = applyRules(analysis, text, options.rules);
  return analysis;
}

/** `check` for an ONNX model's bytes: the reader's result with its analysis linted. */
export function checkOnnx(bytes: Uint8Array, given?: (OnnxReadOptions & { rules?: RuleConfig }) | null): OnnxReadResult {
  const options = given ?? {};
  const result = readOnnx(bytes, options);
  result.analysis.findings = applyRules(result.analysis, '', options.rules);
  return result;
}
