// Typos: the suggested kind (CL003), argument or key (CL004), layer name (CL005), a parameter
// name inside an expression (CL009), and in darknet files a value such as an activation (CL011).
import type { Finding, QuickFix } from '../types';
import { registerFix } from './registry';

function replacement(finding: Finding): string | undefined {
  const r = finding.data?.replacement;
  return typeof r === 'string' ? r : undefined;
}

const replaceSpan = (what: string) => (text: string, _a: unknown, finding: Finding): QuickFix[] => {
  const r = replacement(finding);
  if (!r) return [];
  const old = text.slice(finding.span.start, finding.span.end);
  // Keep quotes if the original was quoted.
  const q = /^["']/.test(old) ? old[0] : '';
  const noun = typeof finding.data?.what === 'string' ? finding.data.what : what;
  return [{ title: `Change ${noun} to '${r}'`, isPreferred: true, edits: [{ span: finding.span, newText: `${q}${r}${q}` }] }];
};

// These only replace the finding's own span with the suggestion: right in every format's syntax.
registerFix('CL003', replaceSpan('kind'), 'any');
registerFix('CL004', replaceSpan('key'), 'any');
registerFix('CL005', replaceSpan('reference'), 'any');
registerFix('CL011', replaceSpan('value'), ['darknet']);

registerFix('CL009', (text, _a, finding) => {
  const r = replacement(finding);
  const name = finding.data?.name;
  if (!r || typeof name !== 'string') return [];
  const old = text.slice(finding.span.start, finding.span.end);
  const re = new RegExp(`(?<![A-Za-z0-9_])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_])`, 'g');
  const updated = old.replace(re, r);
  if (updated === old) return [];
  return [{ title: `Change '${name}' to '${r}'`, isPreferred: true, edits: [{ span: finding.span, newText: updated }] }];
});
