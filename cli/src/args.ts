// Command-line arguments: `--name`, `--name=value`, `--name value`, `-` (standard input) and `--`
// (everything after it is a file, even when it starts with a dash).

/** A mistake in how the command was called: one line on stderr, exit 2. */
export class UsageError extends Error {}

export type FlagSpec = Record<string, 'bool' | 'value'>;

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | true>;
}

/** `-h` or `--help` anywhere before `--`: help wins over every other argument. */
export function wantsHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return args.slice(0, end < 0 ? undefined : end).some((a) => a === '-h' || a === '--help');
}

export function parseArgs(args: string[], spec: FlagSpec): ParsedArgs {
  const parsed: ParsedArgs = { positional: [], flags: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      parsed.positional.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const inline = eq < 0 ? undefined : a.slice(eq + 1);
      const kind = spec[name];
      if (!kind) throw new UsageError(`unknown option --${name}`);
      if (kind === 'bool') {
        if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
        parsed.flags[name] = true;
      } else {
        const value = inline ?? args[++i];
        if (value === undefined) throw new UsageError(`--${name} needs a value`);
        parsed.flags[name] = value;
      }
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a} (a file whose name starts with a dash goes after --)`);
    else parsed.positional.push(a);
  }
  return parsed;
}
