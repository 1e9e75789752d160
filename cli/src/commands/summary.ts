// `convlens summary FILE`: the table (or JSON object) of one network. Exit 1 when it has errors
// (the figures that are known are still printed), 2 when the file is not a network.
import { parseArgs, UsageError } from '../args';
import { MODEL_FLAGS, modelNotes, modelOptions } from '../modelOptions';
import { checkSource, exitCode, isNotANetwork } from '../checked';
import type { Io } from '../io';
import { diagnosticLine, diagnostics } from '../report/diagnostics';
import { summaryJson, summaryTable } from '../report/summary';
import { readWeights, weightsJson, weightsLine } from '../weightsFile';

export async function summaryCommand(args: string[], io: Io): Promise<number> {
  const { positional, flags } = parseArgs(args, { json: 'bool', expand: 'bool', weights: 'value', ...MODEL_FLAGS });
  if (positional.length !== 1) throw new UsageError(`summary takes exactly one FILE, not ${positional.length} (use check for several)`);
  const file = positional[0];
  const checked = checkSource(await io.read(file), modelOptions(flags));
  const notANetwork = isNotANetwork(checked);
  for (const note of modelNotes(flags, checked.file, checked.analysis)) io.err(`convlens: note: ${note}\n`);
  // --weights: whether the file fits the network (exit 1 when it does not).
  const path = flags.weights === undefined ? undefined : String(flags.weights);
  const weights = path !== undefined && !notANetwork ? readWeights(path, checked.analysis) : undefined;
  if (flags.json) io.out(JSON.stringify({ ...summaryJson(checked, notANetwork), ...(weights ? { weights: weightsJson(path!, weights) } : {}) }, null, 2) + '\n');
  else {
    if (!notANetwork) io.out(summaryTable(checked.analysis, flags.expand === true) + '\n');
    if (weights) io.out(weightsLine(path!, weights) + '\n');
    for (const d of diagnostics(checked)) io.out(diagnosticLine(d));
  }
  const code = exitCode([checked]);
  return code === 0 && weights?.fit.problem ? 1 : code;
}
