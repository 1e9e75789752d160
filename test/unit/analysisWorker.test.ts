// The language server's worker analyser (server/src/analysis/): an analysis that crosses the
// thread boundary (structured clone) is the very analysis the engine computes in process —
// for every example of every text format and every PyTorch model fixture — and a cancelled
// job resolves to undefined while the worker goes on with the next one, without a restart.
import * as assert from 'assert';
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { analyse, formatOf } from '../../engine';
import { InProcessAnalyser } from '../../server/src/analysis/analyser';
import { WorkerAnalyser, workerScript } from '../../server/src/analysis/workerAnalyser';
import { repoRoot } from '../oracle';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

const documents = [...filesUnder(join(repoRoot, 'examples')), ...filesUnder(join(repoRoot, 'test', 'fixtures', 'pytorch', 'models'))]
  .map((file) => ({ file, text: readFileSync(file, 'utf8') }))
  .filter(({ file, text }) => {
    const format = formatOf(file, text);
    return format !== undefined && format !== 'onnx';
  });

/** A constructor loop that runs for minutes. */
const RUNAWAY = readFileSync(join(repoRoot, 'test', 'fixtures', 'pytorch', 'pathological', 'runaway.py'), 'utf8');

describe('analysis worker', function () {
  this.timeout(60_000);
  let worker: WorkerAnalyser;
  before(() => {
    const script = workerScript();
    assert.ok(script, 'out/server/src/analysis/analysisWorker.js is missing: run tsc');
    worker = new WorkerAnalyser(script, { timeoutMs: 60_000, memoryMb: 512, cancelGraceMs: 500 });
  });
  after(() => worker.dispose());

  it(`gives the engine's own analysis of ${documents.length} example and fixture files, after the thread crossing`, async () => {
    assert.ok(documents.length >= 25, `only ${documents.length} documents`);
    for (const { file, text } of documents) {
      const options = { fileName: file };
      const outcome = await worker.analyse(text, options).result;
      assert.ok(outcome, relative(repoRoot, file));
      assert.deepStrictEqual(outcome.analysis, analyse(text, options), relative(repoRoot, file));
    }
    assert.deepStrictEqual(worker.stats().workersStarted, 1);
  });

  it('a cancelled job resolves to undefined at once; the worker stops it and analyses the next (no restart)', async () => {
    const before = worker.stats();
    const slow = worker.analyse(RUNAWAY, { format: 'pytorch', fileName: 'slow.py', workLimit: 1e15 });
    const next = worker.analyse(documents[0].text, { fileName: documents[0].file });
    slow.cancel();
    assert.strictEqual(await slow.result, undefined);
    const outcome = await next.result;
    assert.deepStrictEqual(outcome?.analysis, analyse(documents[0].text, { fileName: documents[0].file }));
    const after = worker.stats();
    assert.deepStrictEqual([after.cancelled - before.cancelled, after.terminated - before.terminated, after.workersStarted], [1, 0, 1]);
  });

  it('a cancelled job whose reader does not poll the flag (YAML) has its worker replaced after the grace period; the next job gets a fresh one', async () => {
    const script = workerScript()!;
    // A grace of 1 ms: a 3,000-layer network takes far longer to read.
    const impatient = new WorkerAnalyser(script, { timeoutMs: 60_000, memoryMb: 512, cancelGraceMs: 1 });
    try {
      const yaml = ['input: [3, 32, 32]', 'layers:', ...Array.from({ length: 3000 }, () => '  - conv: {out: 8, kernel: 3, padding: 1}')].join('\n');
      const long = impatient.analyse(yaml, { fileName: 'long.cnn.yaml' });
      const next = impatient.analyse(documents[0].text, { fileName: documents[0].file });
      long.cancel();
      assert.strictEqual(await long.result, undefined);
      assert.deepStrictEqual((await next.result)?.analysis, analyse(documents[0].text, { fileName: documents[0].file }));
      const stats = impatient.stats();
      assert.deepStrictEqual([stats.cancelled, stats.terminated, stats.workersStarted, stats.crashed], [1, 1, 2, 0]);
    } finally {
      impatient.dispose();
    }
  });

  it('the in-process analyser (the fallback) gives the same analyses', async () => {
    const inProcess = new InProcessAnalyser();
    for (const { file, text } of documents.slice(0, 5)) {
      const outcome = await inProcess.analyse(text, { fileName: file }).result;
      assert.deepStrictEqual(outcome?.analysis, analyse(text, { fileName: file }));
    }
  });
});
