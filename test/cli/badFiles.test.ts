// Issue 13, part 2: a file that cannot be read or is not a network is a CL012 finding on its line
// 1 in every format, every other file is still reported in full, and the exit code is 2.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '../../engine';
import { repoRoot } from '../oracle';
import { runCli, tempTree } from './helpers';

const example = (name: string) => readFileSync(join(repoRoot, 'examples', name), 'utf8');
const BROKEN = 'input: [3, 32, 32]\nlayers:\n  - conv: {out: 8, kernel: 3}\n  - conv: {out: 8, kernel: 40}\n';

/** Every way a file can fail to be a network, with the reason each one must give. */
const NOT_NETWORKS: Record<string, RegExp> = {
  'binary.cnn.yaml': /^A binary file/,
  'latin1.cnn.yaml': /^Not UTF-8 text/,
  'list.cnn.yaml': /^Not a network: the document is a YAML list/,
  'compose.yml': /^Not a network: its top-level keys \(`services`\)/,
  'empty.cnn.yaml': /^The document is empty/,
  'notes.txt': /^Not a network file: .* not YAML \(line \d+, column \d+: Implicit keys/,
  'missing.cnn.yaml': /^No such file\.$/,
};

describe('cli: files that are not networks are findings, the others are reported in full', function () {
  this.timeout(30000);
  let tree: ReturnType<typeof tempTree>;
  const good = ['vgg.cnn.yaml', 'broken.cnn.yaml'];
  const batch = ['vgg.cnn.yaml', ...Object.keys(NOT_NETWORKS), 'broken.cnn.yaml'];
  before(() => {
    tree = tempTree({
      'vgg.cnn.yaml': example('tiny-vgg.cnn.yaml'),
      'broken.cnn.yaml': BROKEN,
      'binary.cnn.yaml': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
      'latin1.cnn.yaml': Buffer.from('name: r\xe9seau\ninput: [3, 8, 8]\nlayers:\n  - relu\n', 'latin1'),
      'list.cnn.yaml': '- conv: {out: 8, kernel: 3}\n- relu\n',
      'compose.yml': 'services:\n  web: {image: nginx}\n',
      'empty.cnn.yaml': '',
      'notes.txt': 'Notes on the model\n- try: a wider stem: maybe\n',
    });
  });
  after(() => tree.remove());
  /** What the engine finds in the two readable networks: the report must hold all of it. */
  const expectedFindings = () => good.flatMap((f) => check(readFileSync(join(tree.dir, f), 'utf8')).findings.map((x) => `${f} ${x.code} ${x.message}`));

  it('text: one CL012 line at line 1 per bad file, every finding of the good ones, exit 2', () => {
    const r = runCli(['check', '--hints', ...batch], { cwd: tree.dir });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, '');
    for (const [file, reason] of Object.entries(NOT_NETWORKS)) {
      const line = r.stdout.split('\n').find((l) => l.startsWith(`${file}:`));
      assert.ok(line, `no line for ${file}:\n${r.stdout}`);
      const m = /^[^:]+:1:1 error CL012 (.*)$/.exec(line);
      assert.ok(m, line);
      assert.match(m[1], reason);
    }
    for (const f of expectedFindings()) {
      const [file, code, ...message] = f.split(' ');
      assert.ok(r.stdout.includes(` ${code} ${message.join(' ')}\n`) && r.stdout.includes(`${file}:`), `missing ${f}`);
    }
    assert.match(r.stdout, new RegExp(`\\n${batch.length} files checked: \\d+ errors?, \\d+ warnings?, \\d+ info, \\d+ hints?; ${Object.keys(NOT_NETWORKS).length} files not analysed \\(CL012\\)\\n$`));
  });

  it('json: the same findings as objects, in the order of the files', () => {
    const r = runCli(['check', '--format', 'json', ...batch], { cwd: tree.dir });
    assert.equal(r.status, 2, r.stderr);
    const all = JSON.parse(r.stdout) as Array<{ file: string; line: number; column: number; code: string; message: string; severity: string }>;
    for (const [file, reason] of Object.entries(NOT_NETWORKS)) {
      const d = all.filter((x) => x.file === file);
      assert.equal(d.length, 1, file);
      assert.deepEqual([d[0].line, d[0].column, d[0].code, d[0].severity], [1, 1, 'CL012', 'error']);
      assert.match(d[0].message, reason);
    }
    assert.deepEqual(all.filter((x) => good.includes(x.file)).map((x) => `${x.file} ${x.code} ${x.message}`).sort(), expectedFindings().sort());
    const order = [...new Set(all.map((x) => x.file))];
    assert.deepEqual(order, batch.filter((f) => order.includes(f)));
  });

  it('sarif: a CL012 result on line 1 and a tool execution notification per bad file; the rule is described', () => {
    const r = runCli(['check', '--format', 'sarif', ...batch], { cwd: tree.dir });
    assert.equal(r.status, 2, r.stderr);
    const run = JSON.parse(r.stdout).runs[0];
    const rules = run.tool.driver.rules as Array<{ id: string; name: string; helpUri: string }>;
    const cl012 = rules.findIndex((x) => x.id === 'CL012');
    assert.equal(rules[cl012].name, 'not-a-network');
    assert.match(rules[cl012].helpUri, /docs\/rules\/CL012\.md$/);
    const invocation = run.invocations[0];
    assert.equal(invocation.exitCode, 2);
    for (const file of Object.keys(NOT_NETWORKS)) {
      const results = run.results.filter((x: any) => x.locations[0].physicalLocation.artifactLocation.uri === file);
      assert.equal(results.length, 1, file);
      assert.equal(results[0].ruleId, 'CL012');
      assert.equal(results[0].ruleIndex, cl012);
      assert.equal(results[0].level, 'error');
      const region = results[0].locations[0].physicalLocation.region;
      assert.deepEqual([region.startLine, region.startColumn, region.endLine], [1, 1, 1]);
      const notes = invocation.toolExecutionNotifications.filter((n: any) => n.locations[0].physicalLocation.artifactLocation.uri === file);
      assert.equal(notes.length, 1, file);
      assert.deepEqual([notes[0].level, notes[0].descriptor.id, notes[0].associatedRule.index], ['error', 'CL012', cl012]);
    }
    const goodResults = run.results.filter((x: any) => good.includes(x.locations[0].physicalLocation.artifactLocation.uri));
    assert.equal(goodResults.length, expectedFindings().length);
  });

  it('exit codes of check: 0 with only notes, 1 with errors, 2 as soon as one file is not a network', () => {
    assert.equal(runCli(['check', 'vgg.cnn.yaml'], { cwd: tree.dir }).status, 0);
    assert.equal(runCli(['check', 'vgg.cnn.yaml', 'broken.cnn.yaml'], { cwd: tree.dir }).status, 1);
    assert.equal(runCli(['check', 'vgg.cnn.yaml', 'empty.cnn.yaml'], { cwd: tree.dir }).status, 2);
  });

  it('summary: exit 1 on errors with the known figures, the error and totals marked incomplete', () => {
    const r = runCli(['summary', 'broken.cnn.yaml'], { cwd: tree.dir });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^conv0 +conv +\[8, 30, 30\] +224 +194,400 +3×3$/m);
    assert.match(r.stdout, /The network has 1 error \(below\): the totals count only the 1 layer analysed\.\nTotal params: 224\n/);
    assert.match(r.stdout, /broken\.cnn\.yaml:4:\d+ error CL101 /);
    const j = runCli(['summary', 'broken.cnn.yaml', '--json'], { cwd: tree.dir });
    assert.equal(j.status, 1);
    const s = JSON.parse(j.stdout);
    assert.deepEqual([s.layers.length, s.totals.params, s.totals.complete], [1, 224, false]);
    assert.equal(JSON.parse(runCli(['summary', 'vgg.cnn.yaml', '--json'], { cwd: tree.dir }).stdout).totals.complete, true);
  });

  it('summary: exit 2 on a file that is not a network, with its CL012 line (text) or object (JSON)', () => {
    const r = runCli(['summary', 'list.cnn.yaml'], { cwd: tree.dir });
    assert.equal(r.status, 2);
    assert.match(r.stdout, /^list\.cnn\.yaml:1:1 error CL012 Not a network: the document is a YAML list[^\n]*\n$/);
    const j = runCli(['summary', '--json', 'missing.cnn.yaml'], { cwd: tree.dir });
    assert.equal(j.status, 2);
    const s = JSON.parse(j.stdout);
    assert.deepEqual([s.file, s.totals, s.layers], ['missing.cnn.yaml', null, []]);
    assert.deepEqual(s.diagnostics.map((d: any) => [d.line, d.code, d.message]), [[1, 'CL012', 'No such file.']]);
  });

  it('run: a file that is not a network is its CL012 line on stderr, exit 2', () => {
    const r = runCli(['run', 'binary.cnn.yaml', '--out', 'maps'], { cwd: tree.dir });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^binary\.cnn\.yaml:1:1 error CL012 A binary file/);
  });
});
