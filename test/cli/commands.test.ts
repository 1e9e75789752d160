// Issue 13, part 4: --help for the tool and for each command, --version, `-` for standard input,
// and usage errors as one line with exit 2.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../oracle';
import { runCli, tempTree } from './helpers';

const vgg = readFileSync(join(repoRoot, 'examples', 'tiny-vgg.cnn.yaml'), 'utf8');

describe('cli: help, version, standard input, usage errors', function () {
  this.timeout(30000);

  it('--help (and -h, help) lists the commands and the exit codes, exit 0', () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const r = runCli(args);
      assert.equal(r.status, 0, args.join(' '));
      for (const command of ['summary', 'check', 'run']) assert.match(r.stdout, new RegExp(`^  convlens ${command} `, 'm'));
      assert.match(r.stdout, /Exit codes:\n  0 [^\n]+\n  1 [^\n]+\n  2 [^\n]*not a network/);
    }
  });

  it('COMMAND --help, -h anywhere before --, and help COMMAND give that command\'s options, exit 0', () => {
    const options: Record<string, string[]> = { summary: ['--json'], check: ['--format sarif'], run: ['--out DIR', '--input', '--seed'] };
    for (const [command, flags] of Object.entries(options)) {
      const variants = command === 'check' ? [[command, '--help'], [command, 'x.cnn.yaml', '-h'], ['help', command]] : [[command, '--help']];
      for (const args of variants) {
        const r = runCli(args);
        assert.equal(r.status, 0, args.join(' '));
        assert.ok(r.stdout.startsWith(`Usage: convlens ${command} `), r.stdout);
        for (const flag of flags) assert.ok(r.stdout.includes(flag), `${command}: ${flag}`);
        assert.match(r.stdout, /Exit codes:/);
      }
    }
  });

  it('--version prints the package version', () => {
    const r = runCli(['--version']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `${JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version}\n`);
  });

  it('usage errors: one line on stderr, exit 2, nothing on stdout', () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /Usage:/],
      [['lint', 'a.cnn.yaml'], /^convlens: unknown command 'lint' \(try convlens --help\)\n$/],
      [['check', '--fix', 'a.cnn.yaml'], /^convlens: unknown option --fix\n$/],
      [['check', '-x', 'a.cnn.yaml'], /^convlens: unknown option -x \(a file whose name starts with a dash goes after --\)\n$/],
      [['check', '--format', 'xml', 'a.cnn.yaml'], /^convlens: --format must be text, json or sarif, not xml\n$/],
      [['check'], /^convlens: check needs at least one PATH/],
      [['summary', 'a.cnn.yaml', 'b.cnn.yaml'], /^convlens: summary takes exactly one FILE, not 2 \(use check for several\)\n$/],
      [['summary', '--json=yes', 'a.cnn.yaml'], /^convlens: --json takes no value\n$/],
      [['run', 'a.cnn.yaml'], /^convlens: run needs --out DIR\n$/],
      [['help', 'lint'], /^convlens: no command 'lint'/],
    ];
    for (const [args, stderr] of cases) {
      const r = runCli(args);
      assert.equal(r.status, 2, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
      assert.match(r.stderr, stderr, args.join(' '));
    }
  });

  it('- reads the network from standard input (named <stdin> in reports), for summary and check', () => {
    const s = runCli(['summary', '-', '--json'], { input: vgg });
    assert.equal(s.status, 0, s.stderr);
    const summary = JSON.parse(s.stdout);
    assert.equal(summary.name, 'tiny-vgg');
    assert.equal(summary.file, '<stdin>');
    const c = runCli(['check', '-'], { input: 'input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernel: 9}\n' });
    assert.equal(c.status, 1);
    assert.match(c.stdout, /^<stdin>:3:\d+ error CL101 /);
    const bad = runCli(['check', '-'], { input: Buffer.from([1, 0, 2]) });
    assert.equal(bad.status, 2);
    assert.match(bad.stdout, /^<stdin>:1:1 error CL012 A binary file/);
  });

  it('-- ends the options: a file named like an option is read', () => {
    const tree = tempTree({ '--weird.cnn.yaml': vgg });
    try {
      const r = runCli(['check', '--hints', '--', '--weird.cnn.yaml'], { cwd: tree.dir });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^--weird\.cnn\.yaml:\d+:\d+ hint CL303 /m);
    } finally {
      tree.remove();
    }
  });
});
