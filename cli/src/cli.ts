// The `convlens` command: summary, check and run for terminals and CI, on the same engine as
// the editor. Exit codes: 0 no errors, 1 errors found, 2 a file that is not a network (CL012),
// a usage error or a network that cannot be run (see help.ts).
import { UsageError, wantsHelp } from './args';
import { checkCommand } from './commands/check';
import { runCommand } from './commands/run';
import { summaryCommand } from './commands/summary';
import { COMMAND_HELP, GENERAL_HELP, VERSION } from './help';
import { processIo, type Io } from './io';

const COMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = { summary: summaryCommand, check: checkCommand, run: runCommand };

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.err(GENERAL_HELP + '\n');
    return 2;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    const topic = rest[0];
    if (topic !== undefined && !COMMAND_HELP[topic]) throw new UsageError(`no command '${topic}' (try convlens --help)`);
    io.out((topic ? COMMAND_HELP[topic] : GENERAL_HELP) + '\n');
    return 0;
  }
  if (command === '--version' || command === '-V') {
    io.out(VERSION + '\n');
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command '${command}' (try convlens --help)`);
  if (wantsHelp(rest)) {
    io.out(COMMAND_HELP[command] + '\n');
    return 0;
  }
  return run(rest, io);
}

if (require.main === module) {
  const io = processIo();
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      io.err(err instanceof UsageError ? `convlens: ${err.message}\n` : `convlens: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
