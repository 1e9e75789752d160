// `convlens check PATH...`: every file's findings as text, JSON or SARIF. Files that cannot be
// read or are not networks are findings (CL012) among the others, never the end of the run.
import { resolve } from 'node:path';
import { parseArgs, UsageError } from '../args';
import { MODEL_FLAGS, modelNotes, modelOptions } from '../modelOptions';
import { checkSource, exitCode, isNotANetwork, type Checked } from '../checked';
import { expandOperands } from '../files/operands';
import { VERSION } from '../help';
import type { Io } from '../io';
import { diagnosticLine, diagnostics } from '../report/diagnostics';
import { sarif } from '../report/sarif';

const FORMATS = ['text', 'json', 'sarif'];
const DOCS_BASE = `file://${resolve(__dirname, '..')}/`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export async function checkCommand(args: string[], io: Io): Promise<number> {
  const { positional, flags } = parseArgs(args, { format: 'value', hints: 'bool', ...MODEL_FLAGS });
  const format = (flags.format as string | undefined) ?? 'text';
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be text, json or sarif, not ${format}`);
  if (!positional.length) throw new UsageError('check needs at least one PATH (a file, a folder, a pattern, or - for standard input)');
  const models = modelOptions(flags);
  const checked: Checked[] = [];
  for (const target of expandOperands(positional)) {
    const source = 'problem' in target ? target : await io.read(target.file);
    checked.push(checkSource(source, models));
  }
  const notes = checked.flatMap((c) => modelNotes(flags, c.file, c.analysis));
  for (const note of notes) io.err(`convlens: note: ${note}\n`);
  const code = exitCode(checked);
  const all = checked.flatMap(diagnostics);
  if (format === 'json') io.out(JSON.stringify(all, null, 2) + '\n');
  else if (format === 'sarif') io.out(JSON.stringify(sarif(checked, VERSION, DOCS_BASE, code), null, 2) + '\n');
  else {
    // Hints are notes for the editor (faint dots, explained on hover); a terminal shows them when asked.
    for (const d of all) if (flags.hints || d.severity !== 'hint') io.out(diagnosticLine(d));
    const count = (severity: string) => all.filter((d) => d.severity === severity).length;
    const hints = count('hint');
    const hidden = hints && !flags.hints ? ' (not shown: --hints shows them)' : '';
    const unread = checked.filter(isNotANetwork).length;
    io.out(`${plural(checked.length, 'file')} checked: ${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info, ${plural(hints, 'hint')}${hidden}${unread ? `; ${plural(unread, 'file')} not analysed (CL012)` : ''}\n`);
  }
  return code;
}
