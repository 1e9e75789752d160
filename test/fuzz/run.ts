// One fuzz input through the engine, shared by test/unit/fuzz.test.ts and scripts/fuzz.mjs:
// check(text) must not throw; every finding must be located (a span within the text) with a
// non-empty message and a code; every quick fix of every finding must compute without throwing
// (the providers are called directly: quickFixes() would swallow their exceptions), with edits
// inside the text that do not overlap, and the fixed text must analyse without throwing.
import { check, type ReadOptions } from '../../engine';
import { fixProvider } from '../../engine/fixes';
import type { Analysis, Finding } from '../../engine/types';

export interface Outcome {
  /** Milliseconds of check(text). */
  ms: number;
  /** Milliseconds of the quick fixes (computing, applying and re-checking). */
  fixMs: number;
  codes: string[];
  fixes: number;
  /** An exception from check(text) (stack). */
  exception?: string;
  /** Broken contracts (bad spans, empty messages, fix exceptions, fixes out of bounds…). */
  problems: string[];
}

const now = () => performance.now();

export function fuzzOne(text: string, opts: { fixes?: boolean; maxFixChecks?: number; read?: ReadOptions } = {}): Outcome {
  const out: Outcome = { ms: 0, fixMs: 0, codes: [], fixes: 0, problems: [] };
  let analysis: Analysis;
  const t0 = now();
  try {
    analysis = check(text, opts.read);
  } catch (err) {
    out.ms = now() - t0;
    out.exception = (err as Error)?.stack ?? String(err);
    return out;
  }
  out.ms = now() - t0;
  for (const f of analysis.findings) {
    out.codes.push(f.code);
    const p = findingProblem(f, text.length);
    if (p) out.problems.push(p);
  }
  if (opts.fixes === false) return out;
  const t1 = now();
  let rechecks = opts.maxFixChecks ?? 3;
  for (const f of analysis.findings) {
    const provider = fixProvider(analysis.format, f.code);
    if (!provider) continue;
    let fixes;
    try {
      fixes = provider(text, analysis, f);
    } catch (err) {
      out.problems.push(`quick fix for ${f.code} threw: ${(err as Error)?.stack ?? err}`);
      continue;
    }
    for (const fix of fixes) {
      out.fixes++;
      if (typeof fix.title !== 'string' || !fix.title) out.problems.push(`${f.code} fix without a title`);
      const spans = [...fix.edits].sort((a, b) => a.span.start - b.span.start);
      let bad = false;
      for (let i = 0; i < spans.length; i++) {
        const { span, newText } = spans[i];
        if (!Number.isInteger(span.start) || !Number.isInteger(span.end) || span.start < 0 || span.end < span.start || span.end > text.length || typeof newText !== 'string') {
          out.problems.push(`${f.code} fix '${fix.title}': edit ${JSON.stringify(span)} outside the text (length ${text.length})`);
          bad = true;
        } else if (i > 0 && span.start < spans[i - 1].span.end) {
          out.problems.push(`${f.code} fix '${fix.title}': overlapping edits ${JSON.stringify(spans[i - 1].span)} and ${JSON.stringify(span)}`);
          bad = true;
        }
      }
      if (bad || rechecks <= 0) continue;
      rechecks--;
      let fixed = text;
      for (const e of [...spans].reverse()) fixed = fixed.slice(0, e.span.start) + e.newText + fixed.slice(e.span.end);
      try {
        check(fixed, opts.read);
      } catch (err) {
        out.problems.push(`check() threw on the text fixed by '${fix.title}' (${f.code}): ${(err as Error)?.stack ?? err}`);
      }
    }
  }
  out.fixMs = now() - t1;
  return out;
}

function findingProblem(f: Finding, length: number): string | null {
  const where = `${f?.code} '${String(f?.message).slice(0, 80)}'`;
  if (typeof f.code !== 'string' || !f.code) return `finding without a code: ${where}`;
  if (typeof f.message !== 'string' || !f.message.trim()) return `finding without a message: ${where}`;
  if (!['error', 'warning', 'info', 'hint'].includes(f.severity)) return `finding with severity ${f.severity}: ${where}`;
  const s = f.span;
  if (!s || !Number.isInteger(s.start) || !Number.isInteger(s.end) || s.start < 0 || s.end < s.start || s.end > length) {
    return `finding with span ${JSON.stringify(s)} outside the text (length ${length}): ${where}`;
  }
  for (const rel of f.related ?? []) {
    const r = rel.span;
    if (!r || !Number.isInteger(r.start) || !Number.isInteger(r.end) || r.start < 0 || r.end < r.start || r.end > length) return `related span ${JSON.stringify(r)} outside the text: ${where}`;
  }
  return null;
}
