// Issue 13, part 1: every output mode arrives whole through a real pipe read slowly, however
// large. A generated 5,000-layer network with one finding per layer (CL202, an even kernel with
// padding 'same') makes every report multi-megabyte; the CLI must wait for the pipe to drain
// (before the fix, stdout was cut at the pipe's 64 KiB).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, runCliThroughSlowPipe, tempTree } from './helpers';

const LAYERS = 5000;
/** A first layer name this long pads every line of `run` to it: its output is megabytes too. */
const LONG_NAME = 'stem_'.repeat(100);

function noisyNetwork(): string {
  const lines = ['name: noisy', 'input: [2, 12, 12]', 'layers:', '  - conv: {out: 2, kernel: 2, padding: same}', `    name: ${LONG_NAME}`];
  for (let i = 1; i < LAYERS; i++) lines.push('  - conv: {out: 2, kernel: 2, padding: same}');
  return lines.join('\n') + '\n';
}

const MB = 2 ** 20;

describe('cli: complete output through a slowly read pipe (5,000-layer network)', function () {
  this.timeout(120000);
  let tree: ReturnType<typeof tempTree>;
  before(() => {
    tree = tempTree({ 'noisy.cnn.yaml': noisyNetwork(), 'notes.cnn.yaml': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]) });
  });
  after(() => tree.remove());

  it('summary --json: one whole JSON object with every layer and finding', () => {
    const r = runCliThroughSlowPipe(['summary', 'noisy.cnn.yaml', '--json'], { cwd: tree.dir });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.length > 2 * MB, `${r.stdout.length} bytes`);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.layers.length, LAYERS);
    assert.equal(summary.diagnostics.length, LAYERS);
    assert.equal(summary.layers[LAYERS - 1].name, `conv${LAYERS - 1}`);
  });

  it('summary (table): every row, the totals and every finding line', () => {
    const r = runCliThroughSlowPipe(['summary', 'noisy.cnn.yaml'], { cwd: tree.dir });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.length > 2 * MB, `${r.stdout.length} bytes`);
    const lines = r.stdout.split('\n');
    assert.equal(lines.filter((l) => /^conv\d+ +conv /.test(l)).length, LAYERS - 1);
    assert.ok(lines.includes(`Outputs: conv${LAYERS - 1} [2, 12, 12]`));
    assert.equal(lines.filter((l) => l.startsWith('noisy.cnn.yaml:')).length, LAYERS);
    assert.match(r.stdout, new RegExp(`noisy\\.cnn\\.yaml:${LAYERS + 4}:\\d+ info CL202 conv${LAYERS - 1}: [^\\n]+\\n$`));
  });

  it('check --format text: every finding and the closing count', () => {
    const r = runCliThroughSlowPipe(['check', 'noisy.cnn.yaml'], { cwd: tree.dir });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.length > 1.5 * MB, `${r.stdout.length} bytes`);
    assert.equal(r.stdout.split('\n').filter((l) => / info CL202 /.test(l)).length, LAYERS);
    assert.ok(r.stdout.endsWith(`1 file checked: 0 errors, 0 warnings, ${LAYERS} info, 0 hints\n`));
  });

  it('check --format json: a whole array with every finding', () => {
    const r = runCliThroughSlowPipe(['check', '--format', 'json', 'noisy.cnn.yaml'], { cwd: tree.dir });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.length > 2 * MB, `${r.stdout.length} bytes`);
    assert.equal(JSON.parse(r.stdout).length, LAYERS);
  });

  it('check --format sarif with a binary file in the batch: whole, exit 2, every result', () => {
    const r = runCliThroughSlowPipe(['check', '--format', 'sarif', 'noisy.cnn.yaml', 'notes.cnn.yaml'], { cwd: tree.dir });
    assert.equal(r.status, 2, r.stderr);
    assert.ok(r.stdout.length > 4 * MB, `${r.stdout.length} bytes`);
    const results = JSON.parse(r.stdout).runs[0].results;
    assert.equal(results.length, LAYERS + 1);
    assert.deepEqual(results[LAYERS].ruleId, 'CL012');
  });

  it("run: every layer's line and the closing line; every .npy written", () => {
    const r = runCliThroughSlowPipe(['run', 'noisy.cnn.yaml', '--out', 'maps', '--input', 'noise', '--seed', '3'], { cwd: tree.dir });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.length > 2 * MB, `${r.stdout.length} bytes`);
    const layerLines = r.stdout.split('\n').filter((l) => /^(stem_|conv\d)\S* +conv +\[2, 12, 12\]/.test(l));
    assert.equal(layerLines.length, LAYERS);
    assert.match(r.stdout, new RegExp(`\\n${LAYERS} layer outputs written to maps in \\d+ ms\\n$`));
    assert.equal(readdirSync(join(tree.dir, 'maps')).length, LAYERS);
  });

  it('a reader that stops early (| head) ends the output quietly: no stack trace, the exit code of the run', () => {
    const script = `node "$1" check noisy.cnn.yaml | head -c 100 > /dev/null; echo "exit \${PIPESTATUS[0]}"`;
    const h = spawnSync('bash', ['-c', script, 'bash', cliPath], { cwd: tree.dir, encoding: 'utf8' });
    assert.equal(h.stderr, '');
    assert.equal(h.stdout, 'exit 0\n');
  });
});
