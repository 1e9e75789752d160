// The rule registry, in the style of vscode-css-languageservice's lint rules: every finding
// ConvLens reports has a stable code, an id used in settings (`convlens.rules.<id>`), a title, a
// default severity and a doc page (docs/rules/<code>.md).
import type { Analysis, Finding, FindingData, RelatedSpan, Severity, Span } from '../types';
import { CODES, type CodeInfo } from '../codes';

export type RuleSeverity = Severity | 'off';

/** Severity overrides by rule id or code, e.g. { 'coverage': 'error', CL301: 'off' }. */
export type RuleConfig = Record<string, RuleSeverity>;

export interface RuleContext {
  analysis: Analysis;
  text: string;
  report(finding: { span: Span; message: string; related?: RelatedSpan[]; data?: FindingData }): void;
}

export interface Rule extends Omit<CodeInfo, 'severity'> {
  severity: RuleSeverity;
  /** One sentence for settings and the rules table. */
  description: string;
  check(ctx: RuleContext): void;
}

/** Rules beyond the engine's own findings; rule files register themselves here. */
export const RULES: Rule[] = [];

export function registerRule(rule: Rule): void {
  if (RULES.some((r) => r.code === rule.code)) throw new Error(`duplicate rule code ${rule.code}`);
  RULES.push(rule);
}

/** Every code ConvLens can report, engine findings and rules alike. */
export function allCodes(): Array<{ code: string; id: string; title: string; severity: RuleSeverity; description?: string }> {
  return [...Object.values(CODES), ...RULES.map(({ code, id, title, severity, description }) => ({ code, id, title, severity, description }))];
}

export function docPath(code: string): string {
  return `docs/rules/${code}.md`;
}

function configured(config: RuleConfig | undefined, code: string, id: string, fallback: RuleSeverity): RuleSeverity {
  return config?.[id] ?? config?.[code] ?? fallback;
}

/** Runs every rule over an analysis and applies severity settings to all findings. */
export function applyRules(analysis: Analysis, text: string, config?: RuleConfig): Finding[] {
  const out: Finding[] = [];
  const engineIds = new Map(Object.values(CODES).map((c) => [c.code, c]));
  for (const f of analysis.findings) {
    const info = engineIds.get(f.code);
    const severity = info ? configured(config, info.code, info.id, f.severity) : f.severity;
    if (severity !== 'off') out.push({ ...f, severity });
  }
  for (const rule of RULES) {
    const severity = configured(config, rule.code, rule.id, rule.severity);
    if (severity === 'off') continue;
    rule.check({
      analysis,
      text,
      report: (f) => out.push({ code: rule.code, severity, message: f.message, span: f.span, ...(f.related?.length ? { related: f.related } : {}), ...(f.data ? { data: f.data } : {}) }),
    });
  }
  out.sort((a, b) => a.span.start - b.span.start || a.code.localeCompare(b.code));
  return out;
}
