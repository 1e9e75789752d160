// Every code ConvLens can report has a doc page, and the rules table lists every code with its
// id and default severity.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allCodes, check, checkOnnx, docPath } from '../../../engine';
import { repoRoot } from '../../oracle';

describe('rules: documentation', () => {
  const codes = allCodes();
  const table = readFileSync(join(repoRoot, 'docs/rules/README.md'), 'utf8');

  for (const c of codes) {
    it(`${c.code} (${c.id}) has ${docPath(c.code)} and a row in docs/rules/README.md`, () => {
      const path = join(repoRoot, docPath(c.code));
      assert.ok(existsSync(path), `missing ${docPath(c.code)}`);
      const doc = readFileSync(path, 'utf8');
      assert.ok(doc.startsWith(`# ${c.code}`), 'the page starts with "# CODE"');
      assert.ok(doc.includes(c.id), 'the page names the setting id');
      assert.ok(/```(yaml|ini|onnx|python)\n/.test(doc), 'the page shows an example network (darknet .cfg examples are fenced as ini; ONNX ones name a model file; PyTorch source is python)');
      const row = table.split('\n').find((l) => l.includes(`[${c.code}]`));
      assert.ok(row, `no table row for ${c.code}`);
      assert.ok(row!.includes(`\`${c.id}\``) && row!.includes(c.severity), `row for ${c.code} must give id and severity: ${row}`);
    });
    it(`${c.code}: the example on its page triggers ${c.code}`, () => {
      const doc = readFileSync(join(repoRoot, docPath(c.code)), 'utf8');
      // A darknet example is fenced as ini; a YAML example in another format than cnn-yaml names its
      // file on its first line (`# file: yolov8.yaml`).
      const [, fence, example] = /```(yaml|ini|onnx|python)\n([\s\S]*?)```/.exec(doc)!;
      const fileName = /^# file: (\S+)/.exec(example)?.[1] ?? (fence === 'python' ? 'model.py' : undefined);
      // An ONNX example names a model file in the repository (binary: it cannot be inlined).
      const a = fence === 'onnx' ? checkOnnx(new Uint8Array(readFileSync(join(repoRoot, fileName!))), { rules: { [c.code]: 'info' } }).analysis : check(example, { rules: { [c.code]: 'info' }, fileName, format: fence === 'ini' ? 'darknet' : fence === 'python' ? 'pytorch' : undefined });
      assert.ok(a.findings.some((f) => f.code === c.code), `${c.code} example gives: ${a.findings.map((f) => f.code + ' ' + f.message).join('\n')}`);
    });
  }
});
