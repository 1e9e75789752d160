// Mutation fuzzing of the examples (issue 7), fixed-seed corpus of 3,000 inputs (the long run is
// `npm run fuzz`, scripts/fuzz.mjs, with the same mutators: test/fuzz/corpus.ts). For every input:
// check(text) does not throw, takes < 1 s (a safety bound, not a benchmark), every finding is
// located inside the text with a code and a message, and every quick fix computes, stays inside
// the text and leaves a text that analyses without throwing. Crashes found become regression
// tests below.
import * as assert from 'node:assert/strict';
import { check } from '../../engine';
import { fixProvider } from '../../engine/fixes';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FAMILIES } from '../fuzz/corpus';
import { runCorpus } from '../fuzz/driver';
import { examplesDir, readExample } from './helpers/examples';

const SEED = 7;
const COUNT = 3000;
const LIMIT_MS = 1000;

describe('fuzz: mutated examples never crash, hang or give an unlocated finding', function () {
  this.timeout(180000);

  it(`${COUNT} fixed-seed inputs (every mutation family, two 10 MB files)`, async () => {
    // In worker processes: a fatal out-of-memory kills a process, not this test run.
    const records = await runCorpus({ worker: [process.execPath, join(__dirname, '..', 'fuzz', 'worker.js')], examples: examplesDir, seed: SEED, count: COUNT, chunk: COUNT, watchdogMs: 20000, heapMb: 1536 });
    const failures: string[] = [];
    const families = new Map<string, number>();
    const codes = new Set<string>();
    let slowest = { ms: 0, i: -1, family: '' };
    let big = 0;
    for (const r of records) {
      families.set(r.family, (families.get(r.family) ?? 0) + 1);
      if (r.length >= 10 * 1024 * 1024) big++;
      const label = `#${r.i} ${r.family}${r.source ? ` of ${r.source}` : ''} (${r.length} chars)`;
      if (r.crash) failures.push(`${label}: ${r.crash}`);
      if (r.exception) failures.push(`${label}: check() threw ${r.exception}`);
      for (const p of r.problems) failures.push(`${label}: ${p}`);
      if (r.ms > LIMIT_MS) failures.push(`${label}: check() took ${r.ms.toFixed(0)} ms`);
      if (r.fixMs > LIMIT_MS) failures.push(`${label}: quick fixes took ${r.fixMs.toFixed(0)} ms`);
      r.codes.forEach((c) => codes.add(c));
      if (r.ms > slowest.ms) slowest = { ms: r.ms, i: r.i, family: r.family };
    }
    console.log(`      (${records.length} inputs, ${codes.size} distinct codes, slowest #${slowest.i} ${slowest.family} ${slowest.ms.toFixed(0)} ms)`);
    for (const f of failures) console.log(`      !! ${f.split('\n')[0].slice(0, 300)}`);
    assert.equal(records.length, COUNT);
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} failures (regenerate one: node out/test/fuzz/worker.js --examples examples --seed ${SEED} --dump N)`);
    assert.deepEqual(FAMILIES.filter((f) => !families.has(f)), [], 'every mutation family is exercised');
    assert.equal(big, 2);
    // The corpus reaches deep into the engine: syntax, structure, names, values, shapes, bounds.
    for (const c of ['CL001', 'CL002', 'CL003', 'CL004', 'CL005', 'CL006', 'CL009', 'CL010', 'CL011', 'CL101', 'CL102']) assert.ok(codes.has(c), `no input produced ${c}`);
  });
});

describe('fuzz regressions (inputs the fuzzer found)', () => {
  const located = (text: string) => {
    const a = check(text);
    for (const f of a.findings) {
      assert.ok(f.span.start >= 0 && f.span.end <= text.length && f.span.start <= f.span.end, `${f.code} ${JSON.stringify(f.span)}`);
      assert.ok(f.message && f.code);
    }
    return a;
  };
  it('alias bomb (billion laughs) is refused with a located bounds error, quickly', () => {
    let s = 'x0: &x0 [relu, relu, relu, relu, relu, relu, relu, relu, relu, relu]\n';
    for (let k = 1; k < 10; k++) s += `x${k}: &x${k} [${Array(10).fill(`*x${k - 1}`).join(', ')}]\n`;
    const t0 = Date.now();
    const a = located(`${s}input: [3, 8, 8]\nlayers: *x9\n`);
    assert.ok(Date.now() - t0 < LIMIT_MS);
    assert.ok(a.findings.some((f) => f.severity === 'error'));
  });
  it('a YAML error at the very end of the text is located inside the text (was one past the end)', () => {
    // Fuzz #366 (seed 7): the yaml package reports this error at offset = text length.
    const text = 'input: [1, 4]\nlayers:\n  - conv: {out: 1, kernel: 1}\n  -  {';
    const a = located(text);
    assert.ok(a.findings.some((f) => f.code === 'CL001'));
  });
  it('2,000 aliases of a merged map analyse in well under 1 s (alias resolution walked the document per alias: 3+ s)', () => {
    const text = `a: &a {out: 1, kernel: 1}\nb: &b {<<: *a, stride: 1}\nc: &c {<<: [*a, *b, *a, *b]}\ninput: [3, 8, 8]\nlayers:\n${'  - conv: *c\n'.repeat(2000)}`;
    const t0 = Date.now();
    located(text);
    assert.ok(Date.now() - t0 < LIMIT_MS, `${Date.now() - t0} ms`);
  });
  it('an alias resolves to the latest anchor of that name before it (anchors may be redefined)', () => {
    const a = located('input: [1, 8]\nx: &k 3\ny: &k 5\nlayers:\n  - conv: {out: 1, kernel: *k}\n');
    assert.deepEqual(a.layers[0].shape, [1, 4]);
  });
  it('a 1-D input of 2^32 samples does not run the process out of memory (fuzz #299, seed 7)', function () {
    // rules/coverage.ts allocates one boolean per position of every layer (new Array(W).fill):
    // a fatal out-of-memory that kills the language server. Run in a child process with a heap
    // limit so the failure cannot take this test run down.
    this.timeout(60000);
    const text = readExample('tiny-vgg.cnn.yaml').replace(/^input: .*$/m, 'input: [1, 4294967296]');
    const engine = join(__dirname, '..', '..', 'engine');
    const r = spawnSync(process.execPath, ['--max-old-space-size=512', '-e', `const a = require(${JSON.stringify(engine)}).check(${JSON.stringify(text)}); console.log(a.layers.length)`], { encoding: 'utf8', timeout: 30000 });
    assert.equal(r.status, 0, `check() died: ${r.signal ?? ''} ${r.stderr.split('\n').filter((l) => /heap|Error/.test(l)).slice(0, 2).join(' ')}`);
    assert.match(r.stdout.trim(), /^\d+$/);
  });
  it('a kind, argument or block named after an Object.prototype property (toString, constructor, __proto__) is unknown, not a crash', () => {
    // Fuzz #196 (seed 7): `- toString: {...}` threw "Cannot read properties of undefined (reading 'out')".
    for (const k of ['toString', 'constructor', 'hasOwnProperty', 'valueOf']) {
      const a = located(`input: [1, 8]\nlayers:\n  - ${k}: {out: 1, kernel: 3}\n`);
      assert.ok(a.findings.some((f) => f.code === 'CL003'), k);
    }
    const b = located('input: [1, 8]\nlayers:\n  - conv: {out: 1, kernel: 1, constructor: 3, toString: 2}\n');
    assert.equal(b.findings.filter((f) => f.code === 'CL004').length, 2);
  });
  it('`from: []` is a located error, not a crash', () => {
    // Fuzz #249 (seed 7): threw "Cannot read properties of undefined (reading 'shape')".
    const a = located('input: [1, 8]\nlayers:\n  - conv: {out: 1, kernel: 3}\n    from: []\n');
    assert.ok(a.findings.some((f) => f.severity === 'error'));
    const inBlock = located('input: [1, 8]\nblocks:\n  b:\n    layers:\n      - relu:\n        from: []\nlayers:\n  - b\n');
    assert.ok(inBlock.findings.some((f) => f.severity === 'error'));
  });
  it('an expression beyond 2^53 ($(2**1000)) is a located expression error, like a literal beyond 2^53', () => {
    // Fuzz #2593 (seed 1): `stride: $(2**1000)` was accepted as a stride of 1.07e301 (and the
    // CL201 quick fix then ran for ever on it).
    const a = located('input: [1, 8]\nlayers:\n  - conv: {out: 1, kernel: 1, stride: $(2**1000)}\n');
    assert.ok(a.findings.some((f) => f.code === 'CL009' && /2\^53/.test(f.message)), JSON.stringify(a.findings));
    assert.equal(located('input: [1, 8]\nlayers:\n  - conv: {out: $(2**53 - 1 - 2**53 + 2), kernel: 1}\n').layers[0].shape![0], 1);
  });
  /** Runs fuzzOne(text) in a child process with a time limit (a hang must not hang this run). */
  const inChild = (text: string, ms: number) => {
    const run = join(__dirname, '..', 'fuzz', 'run');
    return spawnSync(process.execPath, ['--max-old-space-size=1024', '-e', `const o = require(${JSON.stringify(run)}).fuzzOne(require('fs').readFileSync(0, 'utf8')); console.log(JSON.stringify({ ms: o.ms, fixMs: o.fixMs, exception: o.exception, problems: o.problems }))`], { input: text, encoding: 'utf8', timeout: ms });
  };
  it('a conv and a relu with the same name inside a block: rules finish (fuzz #10870, seed 1: CL301 looped for ever)', function () {
    this.timeout(30000);
    const text = readExample('dilated-gridding.cnn.yaml').replace(/name: conv$/m, 'name: relu');
    const r = inChild(text, 10000);
    assert.equal(r.signal, null, 'check() + quick fixes did not finish within 10 s');
    const o = JSON.parse(r.stdout);
    assert.ok(o.ms < LIMIT_MS && !o.exception, r.stdout);
  });
  it('the CL201 quick fix on a pool with stride 1000000000 finishes (fuzz #11583, seed 1: ran for ever)', function () {
    this.timeout(30000);
    const lines = readExample('squeezenet1_1.cnn.yaml').split('\n');
    assert.match(lines[45], /maxpool: \{kernel: 3, stride: 2, ceil_mode: true\}/);
    lines[45] = lines[45].replace('stride: 2', 'stride: 1000000000'); // (the last pool)
    const text = lines.join('\n');
    const r = inChild(text, 10000);
    assert.equal(r.signal, null, 'check() + quick fixes did not finish within 10 s');
    const o = JSON.parse(r.stdout);
    assert.ok(o.fixMs < LIMIT_MS && !o.exception && !o.problems.length, r.stdout);
  });
  it('a stride of 1e308 is a located bounds error, and check() finishes (fuzz #19694 and #23201, seed 1: it hung)', function () {
    // 1e308 was read as a whole number; times the next stride of 2 it is Infinity, the field's
    // gaps became NaN, the interval sets could no longer be bounded and tripled at every layer.
    this.timeout(30000);
    const text = readExample('resnet50.cnn.yaml').replace('maxpool: {kernel: 3, stride: 2, padding: 1}', 'maxpool: {kernel: 3, stride: 1e308, padding: 1}');
    const r = inChild(text, 10000);
    assert.equal(r.signal, null, 'check() + quick fixes did not finish within 10 s');
    const a = located(text);
    const bounds = a.findings.filter((f) => f.code === 'CL010');
    assert.equal(bounds.length, 1, JSON.stringify(a.findings));
    assert.equal(text.slice(bounds[0].span.start, bounds[0].span.end), '1e308');
  });
  it('the CL206 quick fix on a transposed conv with stride 100000 finishes (fuzz #34278 and #53718, seed 3: ran for ever)', function () {
    // The fix checked every output phase against every tap: 10^10 steps. It is closed form now.
    this.timeout(30000);
    const text = readExample('unet-small.cnn.yaml').replace('conv_transpose: {out: $base, kernel: 2, stride: 2}', 'conv_transpose: {out: $base, kernel: 2, stride: 100000}');
    const r = inChild(text, 10000);
    assert.equal(r.signal, null, 'check() + quick fixes did not finish within 10 s');
    const o = JSON.parse(r.stdout);
    assert.ok(o.fixMs < LIMIT_MS && !o.exception && !o.problems.length, r.stdout);
    const a = located(text);
    const f = a.findings.find((x) => x.code === 'CL206')!;
    assert.ok(f, JSON.stringify(a.findings.map((x) => x.code)));
    const titles = fixProvider(a.format, 'CL206')!(text, a, f).map((x) => x.title);
    // Kernel = stride: every output phase gets a tap (dilation 1); and stride = kernel.
    assert.deepEqual(titles.map((t) => t.split(' →')[0]), ['Kernel 100000 (= stride)', 'Stride 2 (= kernel)']);
  });
  it('adaptive pooling 7 → 100000 leaves the coverage rule with unknown positions, not an exception (fuzz #51012, seed 3)', () => {
    const text = readExample('resnet18.cnn.yaml').replace('adaptive_avgpool: {size: 1}', 'adaptive_avgpool: {size: 100000}');
    const a = located(text);
    assert.ok(a.layers.some((l) => l.kind === 'adaptive_avgpool' && l.shape?.[1] === 100000));
  });
  it('receptive-field positions beyond 2^53 make the field unknown, not infinite or rounded', () => {
    // Strides just below 2^53, compounded: the jump passes 2^53 at the second pool and Infinity
    // by the 20th. The fields stay exact up to the first pool and are not given after it.
    const text = `input: [1, 8]\nlayers:\n${'  - maxpool: {kernel: 1, stride: 4503599627370495}\n'.repeat(20)}${'  - conv: {out: 1, kernel: 3, padding: 1}\n'.repeat(14)}`;
    const a = located(text);
    assert.equal(a.layers.length, 34);
    const first = a.layers[0].rf;
    assert.ok(first?.kind === 'local');
    assert.deepEqual(first.summary.jump, [{ num: 4503599627370495, den: 1 }]);
    for (const l of a.layers.slice(1)) assert.equal(l.rf, undefined, l.name);
  });
  it('10,000 nested [ in input', () => {
    const a = located(`input: ${'['.repeat(10000)}${']'.repeat(10000)}\nlayers:\n  - relu\n`);
    assert.ok(a.findings.some((f) => f.severity === 'error'));
  });
  it('repeat: 1000000000 is a bounds error, not a hang', () => {
    const t0 = Date.now();
    const a = located('input: [3, 8, 8]\nlayers:\n  - relu:\n    repeat: 1000000000\n');
    assert.ok(Date.now() - t0 < LIMIT_MS);
    assert.ok(a.findings.some((f) => f.code === 'CL010'), JSON.stringify(a.findings));
  });
});
