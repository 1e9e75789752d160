// The README is for users: what it tells them to type works, and the benchmark diary lives in
// docs/benchmarks.md, not in the README.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../oracle';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

describe('README', () => {
  it('gives the two commands, and every npm script it names exists', () => {
    assert.ok(readme.includes('npm ci && npm start') && readme.includes('npm ci && npm test'));
    const scripts = new Set([...readme.matchAll(/npm (?:run )?(start|test|package|bench|fuzz|build)\b/g)].map((m) => m[1]));
    for (const s of scripts) assert.ok(pkg.scripts[s], `npm ${s} is not a script`);
  });
  it('documents opening your own folder, which scripts/start.mjs supports', () => {
    assert.ok(readme.includes('npm start -- --folder DIR'));
    const start = readFileSync(join(repoRoot, 'scripts', 'start.mjs'), 'utf8');
    assert.ok(start.includes("argv.includes('--folder')") && start.includes("argv.includes('--watch')"));
  });
  it('starts with what ConvLens does, then how to run it, before YOLO, Darknet, the format, the CLI and the settings', () => {
    const order = ['## Two commands', '## What you see in the editor', '## Ultralytics YOLO and Darknet files', '## Your own format', '## Command line', '## Settings'].map((h) => readme.indexOf(h));
    assert.ok(order.every((i) => i > 0), String(order));
    assert.deepEqual([...order].sort((a, b) => a - b), order);
  });
  it('keeps benchmark figures and their history in docs/benchmarks.md', () => {
    assert.ok(existsSync(join(repoRoot, 'docs', 'benchmarks.md')));
    const bench = readFileSync(join(repoRoot, 'docs', 'benchmarks.md'), 'utf8');
    assert.ok(bench.includes('| analysis of resnet50') && bench.includes('Winograd F(4×4, 3×3)'));
    assert.ok(readme.includes('docs/benchmarks.md'));
    for (const diary of ['This machine ran markedly slower', 'GMAC/s', 'previous code, today', 'Measured and not kept']) assert.ok(!readme.includes(diary), `README still has "${diary}"`);
  });
});
