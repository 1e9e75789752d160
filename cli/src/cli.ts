// The `convlens` command: summary, check and run for terminals and CI, on the same engine as
// the editor. Usage errors and unreadable files exit 2 with one line; findings of severity
// error exit 1.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { check, type Analysis } from '../../engine';
import { diagnostics, sarif, summaryJson, summaryTable } from './report';
import { runCommand } from './run';

const VERSION = '0.1.0';
const DOCS_BASE = `file://${resolve(__dirname, '..')}/`;

const USAGE = `convlens ${VERSION} — shapes, receptive fields, parameters and MACs of a *.cnn.yaml network

Usage:
  convlens summary FILE [--json]             table of every layer (or the JSON object)
  convlens check FILE... [--format text|json|sarif]
                                             diagnostics; exit 1 when any error is found
  convlens run FILE --out DIR [--input scene|impulse|checkerboard|ramp|circles|edge|noise|sine|step|PATH.npy] [--seed N]
                                             run the network on a sample tensor, one .npy per layer
  convlens --help | --version`;

export class UsageError extends Error {}

function readNetwork(path: string): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`cannot read ${path}: no such file`);
  }
  if (st.isDirectory()) throw new UsageError(`${path} is a directory, not a network file`);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (buf.includes(0)) throw new UsageError(`${path} is a binary file, not a YAML network definition`);
  const text = buf.toString('utf8');
  if (text.includes('\uFFFD') && !buf.toString('latin1').includes('\uFFFD')) throw new UsageError(`${path} is not UTF-8 text`);
  return text;
}

/** A readable file that is not YAML at all, or YAML but not a map, is a usage error (exit 2). */
function ensureNetwork(path: string, analysis: Analysis): void {
  const yamlOnly = analysis.findings.length > 0 && analysis.findings.every((f) => f.code === 'CL001');
  const looksYamlName = /\.(ya?ml)$/i.test(path);
  if (yamlOnly && !looksYamlName) throw new UsageError(`${path} is not YAML (${analysis.findings[0].message})`);
  const notMap = analysis.findings.some((f) => f.code === 'CL002' && f.message.startsWith('A network definition is a YAML map'));
  const noNetworkKeys = analysis.findings.some((f) => f.message.startsWith('The network has no `input:`')) && analysis.findings.some((f) => f.message.startsWith('The network has no `layers:`'));
  if ((notMap || noNetworkKeys) && !looksYamlName) throw new UsageError(`${path} is not a network definition (a YAML map with input and layers)`);
}

function parseFlags(args: string[], spec: Record<string, 'bool' | 'value'>): { positional: string[]; flags: Record<string, string | boolean> } {
  const positional: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split('=', 2);
      const kind = spec[name];
      if (!kind) throw new UsageError(`unknown option --${name}`);
      if (kind === 'bool') flags[name] = true;
      else {
        const v = inline ?? args[++i];
        if (v === undefined) throw new UsageError(`--${name} needs a value`);
        flags[name] = v;
      }
    } else positional.push(a);
  }
  return { positional, flags };
}

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    out(USAGE + '\n');
    return command ? 0 : 2;
  }
  if (command === '--version') {
    out(VERSION + '\n');
    return 0;
  }
  if (command === 'summary') {
    const { positional, flags } = parseFlags(rest, { json: 'bool' });
    if (positional.length !== 1) throw new UsageError('summary takes exactly one FILE');
    const file = positional[0];
    const text = readNetwork(file);
    const analysis = check(text);
    ensureNetwork(file, analysis);
    if (flags.json) out(JSON.stringify(summaryJson(file, text, analysis), null, 2) + '\n');
    else {
      out(summaryTable(analysis) + '\n');
      for (const d of diagnostics(file, text, analysis)) out(`${d.file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}\n`);
    }
    return analysis.findings.some((f) => f.severity === 'error') ? 1 : 0;
  }
  if (command === 'check') {
    const { positional, flags } = parseFlags(rest, { format: 'value' });
    const format = (flags.format as string | undefined) ?? 'text';
    if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not ${format}`);
    if (!positional.length) throw new UsageError('check needs at least one FILE');
    const results = positional.map((file) => {
      const text = readNetwork(file);
      const analysis = check(text);
      ensureNetwork(file, analysis);
      return { file, text, analysis };
    });
    const all = results.flatMap((r) => diagnostics(r.file, r.text, r.analysis));
    if (format === 'json') out(JSON.stringify(all, null, 2) + '\n');
    else if (format === 'sarif') out(JSON.stringify(sarif(results, VERSION, DOCS_BASE), null, 2) + '\n');
    else {
      for (const d of all) out(`${d.file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}\n`);
      const errors = all.filter((d) => d.severity === 'error').length;
      out(`${results.length} file${results.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${all.length - errors} other finding${all.length - errors === 1 ? '' : 's'}\n`);
    }
    return all.some((d) => d.severity === 'error') ? 1 : 0;
  }
  if (command === 'run') {
    const { positional, flags } = parseFlags(rest, { out: 'value', input: 'value', seed: 'value' });
    if (positional.length !== 1) throw new UsageError('run takes exactly one FILE');
    if (!flags.out) throw new UsageError('run needs --out DIR');
    const file = positional[0];
    const text = readNetwork(file);
    const analysis = check(text);
    ensureNetwork(file, analysis);
    return runCommand({ file, text, analysis, outDir: String(flags.out), input: (flags.input as string | undefined) ?? 'impulse', seed: flags.seed === undefined ? 0 : Number(flags.seed), out, fail: (m) => new UsageError(m) });
  }
  throw new UsageError(`unknown command '${command}' (try convlens --help)`);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      if (err instanceof UsageError) process.stderr.write(`convlens: ${err.message}\n`);
      else process.stderr.write(`convlens: internal error: ${(err as Error)?.message ?? String(err)}\n`);
      process.exit(2);
    },
  );
}
