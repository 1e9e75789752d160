// SARIF 2.1.0 for code-scanning tools. A file that is not a network (CL012) is a result like any
// finding, and also a tool execution notification, as linters report files they could not analyse.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { allCodes, CODES, docPath, LineIndex, type Finding, type Span } from '../../../engine';
import { isNotANetwork, type Checked } from '../checked';

const SARIF_LEVEL: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** A file path as a SARIF artifact URI: relative paths stay relative, with reserved characters escaped. */
export function artifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}

export function sarif(checked: Checked[], version: string, docsBase: string, exitCode: number) {
  const used = new Set(checked.flatMap((c) => c.analysis.findings.map((f) => f.code)));
  const rules = allCodes().filter((c) => used.has(c.code));
  const ruleIndex = (code: string) => rules.findIndex((r) => r.code === code);
  const notANetwork = CODES.notANetwork.code;
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
        invocations: [
          {
            executionSuccessful: true,
            exitCode,
            toolExecutionNotifications: checked.filter(isNotANetwork).flatMap(({ file, analysis }) =>
              analysis.findings
                .filter((f) => f.code === notANetwork)
                .map((f) => ({
                  level: 'error',
                  message: { text: `${file} was not analysed: ${f.message}` },
                  descriptor: { id: notANetwork },
                  associatedRule: { id: notANetwork, index: ruleIndex(notANetwork) },
                  locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(file) } } }],
                })),
            ),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results: checked.flatMap(({ file, text, analysis }) => {
          const index = new LineIndex(text);
          const uri = artifactUri(file);
          const region = (span: Span) => {
            const s = index.position(span.start);
            const e = index.position(span.end);
            return { startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
          };
          return analysis.findings.map((f) => ({
            ruleId: f.code,
            ruleIndex: ruleIndex(f.code),
            level: SARIF_LEVEL[f.severity],
            message: { text: f.message },
            locations: [{ physicalLocation: { artifactLocation: { uri }, region: region(f.span) } }],
            ...(f.related?.length
              ? { relatedLocations: f.related.map((r, id) => ({ id, message: { text: r.message }, physicalLocation: { artifactLocation: { uri }, region: region(r.span) } })) }
              : {}),
          }));
        }),
      },
    ],
  };
}
