// Issue 13, part 5: `convlens check models/` walks the folder for network files (the formats
// ConvLens reads, by formatOf), skipping node_modules and dot-folders; quoted patterns with *, ?
// and ** are expanded by the CLI itself.
import * as assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expandOperands } from '../../cli/src/files/operands';
import { runCli, tempTree } from './helpers';

const NET = 'input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernel: 3, padding: 1}\n';
const files = (targets: ReturnType<typeof expandOperands>) => targets.map((t) => ('problem' in t ? `${t.file} (${t.problem})` : t.file));

describe('cli: folders and patterns', function () {
  this.timeout(30000);
  let tree: ReturnType<typeof tempTree>;
  let cwd: string;
  before(() => {
    tree = tempTree({
      'models/a.cnn.yaml': NET,
      'models/b.cnn.yml': NET,
      'models/yolo.yaml': 'nc: 80\nbackbone:\n  - [-1, 1, Conv, [16, 3, 2]]\nhead:\n  - [-1, 1, Detect, [nc]]\n',
      'models/tiny.cfg': '# darknet\n[net]\nwidth=416\n',
      'models/other.cfg': '[section]\nkey=value\n',
      'models/settings.yaml': 'lr: 0.1\n',
      'models/readme.md': '# models\n',
      'models/deep/er/c.cnn.yaml': NET,
      'models/node_modules/pkg/x.cnn.yaml': NET,
      'models/.cache/y.cnn.yaml': NET,
      'models/.hidden.cnn.yaml': NET,
      'empty/readme.md': 'nothing here\n',
    });
    cwd = tree.dir;
    symlinkSync(join(cwd, 'models'), join(cwd, 'models', 'deep', 'loop')); // a cycle, not followed
  });
  after(() => tree.remove());
  const expand = (...operands: string[]) => {
    const here = process.cwd();
    process.chdir(cwd);
    try {
      return files(expandOperands(operands));
    } finally {
      process.chdir(here);
    }
  };

  it('a folder: every network file in name order, by name or first lines; no node_modules, no dot-folders, no link cycle', () => {
    assert.deepEqual(expand('models'), ['models/.hidden.cnn.yaml', 'models/a.cnn.yaml', 'models/b.cnn.yml', 'models/deep/er/c.cnn.yaml', 'models/tiny.cfg', 'models/yolo.yaml']);
  });

  it('patterns: *, ? and ** as bash expands them, wildcards skip dot names, each file once', () => {
    assert.deepEqual(expand('models/*.cnn.yaml'), ['models/a.cnn.yaml']);
    assert.deepEqual(expand('models/?.cnn.y*ml'), ['models/a.cnn.yaml', 'models/b.cnn.yml']);
    assert.deepEqual(expand('models/**/*.cnn.yaml'), ['models/a.cnn.yaml', 'models/deep/er/c.cnn.yaml']);
    assert.deepEqual(expand('**/c.cnn.yaml', 'models/deep'), ['models/deep/er/c.cnn.yaml']);
    assert.deepEqual(expand(`${cwd}/models/*.cnn.yml`), [`${cwd}/models/b.cnn.yml`]);
    // A pattern names files explicitly: they are read whatever formatOf says, as the shell would pass them.
    assert.deepEqual(expand('models/*.yaml'), ['models/a.cnn.yaml', 'models/settings.yaml', 'models/yolo.yaml']);
  });

  it('a folder without network files, a pattern matching nothing: a problem each, reported as CL012 (exit 2)', () => {
    assert.deepEqual(expand('empty', 'nothing/**/*.cnn.yaml'), [
      'empty (No network file in this folder (*.cnn.yaml, Ultralytics model YAML, darknet .cfg, ONNX .onnx; node_modules and dot-folders are skipped).)',
      'nothing/**/*.cnn.yaml (No file matches this pattern.)',
    ]);
    const r = runCli(['check', 'empty', 'models/a.cnn.yaml'], { cwd });
    assert.equal(r.status, 2);
    assert.match(r.stdout, /^empty:1:1 error CL012 No network file in this folder/m);
  });

  it('through the built CLI: a folder and a quoted pattern are checked like the files they hold', () => {
    const r = runCli(['check', '--format', 'json', 'models/**/*.cnn.yaml', 'models/b.cnn.yml'], { cwd });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), []);
    const t = runCli(['check', 'models/deep'], { cwd });
    assert.equal(t.status, 0, t.stdout);
    assert.equal(t.stdout, '1 file checked: 0 errors, 0 warnings, 0 info, 0 hints\n');
  });
});
