// Fuzz worker: runs inputs [start, start + count) of a seeded corpus and prints one JSON line per
// input to stdout ({i, family, source, length, ms, fixMs, codes, fixes, exception?, problems}),
// preceded by a {"begin": i} line, so a parent that sees the process die (a fatal out-of-memory
// cannot be caught in-process) knows which input killed it. Used by test/unit/fuzz.test.ts
// (compiled: out/test/fuzz/worker.js) and by scripts/fuzz.mjs (bundled with esbuild).
//   node worker.js --examples DIR --seed S --start I --count N [--dump I]
import { existsSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { generate, type Example } from './corpus';
import { fuzzOne } from './run';

/** The cnn-yaml examples, then the real model files (read as their format, by their file name). */
export function loadExamples(dir: string): Example[] {
  const files = (sub: string, pattern: RegExp): Example[] => {
    const d = join(dir, sub);
    if (!existsSync(d)) return [];
    return readdirSync(d)
      .filter((f) => pattern.test(f))
      .sort()
      .map((f) => ({ name: sub ? `${sub}/${f}` : f, text: readFileSync(join(d, f), 'utf8'), options: sub ? { fileName: f } : undefined }));
  };
  return [...files('', /\.cnn\.ya?ml$/), ...files('ultralytics', /\.ya?ml$/), ...files('darknet', /\.cfg$/)];
}

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  return process.argv[i + 1];
}

function main(): void {
  const examples = loadExamples(arg('examples'));
  const seed = Number(arg('seed', '1'));
  if (process.argv.includes('--dump')) {
    process.stdout.write(generate(examples, seed, Number(arg('dump'))).text);
    return;
  }
  const start = Number(arg('start', '0'));
  const count = Number(arg('count', '1000'));
  const line = (o: unknown) => writeSync(1, JSON.stringify(o) + '\n');
  for (let i = start; i < start + count; i++) {
    const input = generate(examples, seed, i);
    line({ begin: i, family: input.family, source: input.source, length: input.text.length });
    const o = fuzzOne(input.text, { read: input.options });
    line({ i, family: input.family, source: input.source, length: input.text.length, ms: o.ms, fixMs: o.fixMs, codes: o.codes, fixes: o.fixes, exception: o.exception, problems: o.problems });
  }
}

if (require.main === module) main();
