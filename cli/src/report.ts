// Turns an Analysis into what the CLI prints: the JSON summary object, diagnostics with 1-based
// positions, SARIF 2.1.0, and a torchinfo-like table. Pure functions; cli.ts does the I/O.
import { allCodes, docPath, formatField, LineIndex, type Analysis, type Finding, type LayerResult } from '../../engine';
import { compactNumber as compact, thousands } from '../../engine/explain';

export interface CliDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Finding['severity'];
  code: string;
  message: string;
}

export function diagnostics(file: string, text: string, analysis: Analysis): CliDiagnostic[] {
  const index = new LineIndex(text);
  return analysis.findings.map((f) => {
    const s = index.position(f.span.start);
    const e = index.position(f.span.end);
    return { file, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1, severity: f.severity, code: f.code, message: f.message };
  });
}

const jumpNumber = (j: { num: number; den: number }) => j.num / j.den;

export function layerJson(l: LayerResult) {
  return {
    name: l.name,
    kind: l.kind,
    from: l.from,
    shape: l.shape ?? null,
    params: l.params,
    buffers: l.buffers,
    macs: l.macs,
    rf: !l.rf ? null : l.rf.kind === 'global' ? 'global' : { size: l.rf.summary.size, jump: l.rf.summary.jump.map(jumpNumber), start: l.rf.summary.start, holes: l.rf.summary.holes },
  };
}

export function summaryJson(file: string, text: string, analysis: Analysis) {
  return {
    name: analysis.name ?? null,
    input: analysis.input ?? null,
    layers: analysis.layers.map(layerJson),
    outputs: analysis.outputs.map((o) => ({ name: o.name, shape: o.shape ?? null })),
    totals: {
      params: analysis.totals.params,
      buffers: analysis.totals.buffers,
      macs: analysis.totals.macs,
      flops: analysis.totals.flops,
      activation_bytes: analysis.totals.activationBytes,
    },
    diagnostics: diagnostics(file, text, analysis),
  };
}

const SARIF_LEVEL: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export function sarif(results: Array<{ file: string; text: string; analysis: Analysis }>, version: string, docsBase: string) {
  const codes = allCodes();
  const used = new Set(results.flatMap((r) => r.analysis.findings.map((f) => f.code)));
  const rules = codes.filter((c) => used.has(c.code));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ConvLens',
            version,
            informationUri: `${docsBase}README.md`,
            rules: rules.map((r) => ({
              id: r.code,
              name: r.id,
              shortDescription: { text: r.title },
              helpUri: `${docsBase}${docPath(r.code)}`,
              defaultConfiguration: { level: r.severity === 'off' ? 'none' : SARIF_LEVEL[r.severity] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: results.flatMap(({ file, text, analysis }) => {
          const index = new LineIndex(text);
          const region = (span: { start: number; end: number }) => {
            const s = index.position(span.start);
            const e = index.position(span.end);
            return { startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
          };
          return analysis.findings.map((f) => ({
            ruleId: f.code,
            ruleIndex: rules.findIndex((r) => r.code === f.code),
            level: SARIF_LEVEL[f.severity],
            message: { text: f.message },
            locations: [{ physicalLocation: { artifactLocation: { uri: file }, region: region(f.span) } }],
            ...(f.related?.length
              ? { relatedLocations: f.related.map((r, id) => ({ id, message: { text: r.message }, physicalLocation: { artifactLocation: { uri: file }, region: region(r.span) } })) }
              : {}),
          }));
        }),
      },
    ],
  };
}

export function bytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(2)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

export function summaryTable(analysis: Analysis): string {
  const header = ['Layer', 'Kind', 'Output shape', 'Params', 'MACs', 'Receptive field'];
  const rows = analysis.layers.map((l) => [
    l.name,
    l.kind,
    l.shape ? `[${l.shape.join(', ')}]` : '?',
    l.params ? thousands(l.params) : '–',
    l.macs ? thousands(l.macs) : '–',
    !l.rf ? '?' : l.rf.kind === 'global' ? 'global' : formatField(l.rf.summary) + (l.rf.summary.holes.some((h) => h.length) ? ' (holes)' : ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const right = new Set([3, 4]);
  const fmt = (r: string[]) => r.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = '='.repeat(widths.reduce((a, b) => a + b + 2, -2));
  const t = analysis.totals;
  const lines = [
    rule,
    `${analysis.name ?? 'network'}  input [${(analysis.input ?? []).join(', ')}]`,
    rule,
    fmt(header),
    '-'.repeat(rule.length),
    ...rows.map(fmt),
    rule,
    `Total params: ${thousands(t.params)}`,
    `Buffers (batchnorm running mean/var): ${thousands(t.buffers)}`,
    `MACs: ${thousands(t.macs)} (${compact(t.macs)})   FLOPs (2·MACs): ${thousands(t.flops)} (${compact(t.flops)})`,
    `Activation memory (float32, batch 1): ${bytes(t.activationBytes)}`,
    `Outputs: ${analysis.outputs.map((o) => `${o.name} [${(o.shape ?? []).join(', ')}]`).join(', ')}`,
    rule,
  ];
  return lines.join('\n');
}
