// The nesting bound applied before the `yaml` package parses a document (engine/readers/yaml/
// nesting.ts): 201 levels are refused at the level that goes too deep, 200 are read, and what
// only looks nested (brackets in comments, quotes, block scalars) is not counted.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '../../engine';
import { MAX_DEPTH, nestsTooDeep } from '../../engine/readers/yaml/nesting';
import { examplesDir, exampleFiles, readExample } from './helpers/examples';

/** The offset of the n-th (1-based) occurrence of `s` in `text`. */
const nth = (text: string, s: string, n: number) => {
  let at = -1;
  for (let k = 0; k < n; k++) at = text.indexOf(s, at + 1);
  return at;
};

describe('YAML nesting bound (CL010 before parsing)', () => {
  it('fuzz #650 (seed 7): 100,000 nested flow maps are refused at the level past the bound, not by a stack overflow', () => {
    // The yaml package took 0.8–1.0 s to end in "Maximum call stack size exceeded" (a CL001 that
    // named no cause), over the fuzz test's 1 s bound.
    const text = `input: [3, 8, 8]\nlayers:\n  - conv: ${'{a: '.repeat(100000)}1${'}'.repeat(100000)}\n`;
    const a = check(text);
    assert.deepEqual(a.findings.map((f) => f.code), ['CL010']);
    // Levels: the top map, the `layers` list (indented 2), the item its dash opens, then the
    // flow maps: the 198th makes MAX_DEPTH + 1 and is flagged.
    assert.equal(a.findings[0].span.start, nth(text, '{', MAX_DEPTH - 2));
    assert.match(a.findings[0].message, /more than 200 levels/);
  });

  it('flow sequences: 200 levels are read, 201 refused', () => {
    // `input:` is one block level, so 199 brackets make 200 levels.
    const ok = `input: ${'['.repeat(MAX_DEPTH - 1)}3${']'.repeat(MAX_DEPTH - 1)}\nlayers:\n  - relu\n`;
    assert.equal(nestsTooDeep(ok), undefined);
    assert.ok(!check(ok).findings.some((f) => f.code === 'CL010'));
    const deep = `input: ${'['.repeat(MAX_DEPTH)}3${']'.repeat(MAX_DEPTH)}\nlayers:\n  - relu\n`;
    assert.equal(nestsTooDeep(deep)?.span.start, 'input: '.length + MAX_DEPTH - 1);
  });

  it('compact sequences on one line (`- - - x`) count one level per dash', () => {
    const text = `${'- '.repeat(100000)}x\n`;
    const f = nestsTooDeep(text);
    assert.equal(f?.code, 'CL010');
    assert.equal(f?.span.start, 2 * (MAX_DEPTH - 1)); // the line's indentation is level 1
    assert.equal(nestsTooDeep(`${'- '.repeat(MAX_DEPTH - 1)}x\n`), undefined);
    assert.equal(check(text).findings[0].code, 'CL010');
  });

  it('an indentation staircase counts one level per step; a dedent closes levels', () => {
    let deep = 'layers:\n';
    for (let k = 1; k <= 1400; k++) deep += `${' '.repeat(k)}-\n`;
    const f = nestsTooDeep(deep);
    assert.equal(f?.code, 'CL010');
    // Line k (k spaces, a dash) opens level k + 1, its dash the item: line 199's dash makes 201.
    assert.equal(f?.span.start, nth(deep, '\n', MAX_DEPTH - 1) + 1 + MAX_DEPTH - 1);
    assert.equal(check(deep).findings[0].code, 'CL010'); // was CL001 "Maximum call stack size exceeded"
    // 150 levels down, back to the top, 150 down again: never more than 151 open.
    let twice = 'a:\n';
    for (let k = 1; k <= 150; k++) twice += `${' '.repeat(k)}b${k}:\n`;
    twice += 'c:\n';
    for (let k = 1; k <= 150; k++) twice += `${' '.repeat(k)}d${k}:\n`;
    assert.equal(nestsTooDeep(twice), undefined);
  });

  it('brackets in comments, quoted scalars and block scalars are not nesting', () => {
    const many = '['.repeat(500);
    const texts = [
      `# ${many}\ninput: [3, 8, 8]\nlayers:\n  - relu # ${many}\n`,
      `input: [3, 8, 8]\nnote: "${many} \\" ${many}"\nlayers:\n  - relu\n`,
      `input: [3, 8, 8]\nnote: '${many} '' ${many}'\nlayers:\n  - relu\n`,
      `input: [3, 8, 8]\nnote: "a quoted scalar\n  over lines ${many}"\nlayers:\n  - relu\n`,
      `input: [3, 8, 8]\nnote: |-\n  ${many}\n\n   ${many}\nlayers:\n  - relu\n`,
      `input: [3, 8, 8]\nnotes:\n  - >\n    ${many}\nlayers:\n  - relu\n`,
    ];
    for (const t of texts) assert.equal(nestsTooDeep(t), undefined, t.slice(0, 60));
    // After a block scalar, counting resumes.
    assert.equal(nestsTooDeep(`note: |\n  ${many}\ninput: ${many}\n`)?.code, 'CL010');
  });

  it('no example network comes near the bound', () => {
    const files = [
      ...exampleFiles().map((f) => readExample(f)),
      ...readdirSync(join(examplesDir, 'ultralytics')).map((f) => readFileSync(join(examplesDir, 'ultralytics', f), 'utf8')),
    ];
    assert.ok(files.length >= 20);
    for (const text of files) assert.equal(nestsTooDeep(text), undefined);
  });
});
