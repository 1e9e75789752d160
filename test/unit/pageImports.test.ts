// The preview page's modules import each other one way (issue 22's "House"): state → layout →
// paint, with the user's events reported back through events.ts to one handler. A cycle among
// webview/src's modules, type-only imports included, fails here with the loop it makes.
import * as assert from 'assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import { importsOf } from './helpers/imports';

const root = resolve(__dirname, '..', '..', '..');
const webview = join(root, 'webview', 'src');

/** Import graph of the TypeScript files under `dir`: file → the files under `dir` it imports. */
function importGraph(files: Map<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, source] of files) {
    const deps: string[] = [];
    for (const imp of importsOf(source)) {
      if (!imp.spec.startsWith('.')) continue;
      const target = resolve(dirname(file), imp.spec);
      const hit = [`${target}.ts`, join(target, 'index.ts')].find((f) => files.has(f));
      if (hit) deps.push(hit);
    }
    graph.set(file, deps);
  }
  return graph;
}

/** The first import loop found (its files in order, the first repeated at the end), or null. */
export function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (f: string): string[] | null => {
    state.set(f, 'open');
    path.push(f);
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === 'open') return [...path.slice(path.indexOf(d)), d];
      if (!state.has(d)) {
        const c = visit(d);
        if (c) return c;
      }
    }
    path.pop();
    state.set(f, 'done');
    return null;
  };
  for (const f of graph.keys()) {
    if (state.has(f)) continue;
    const c = visit(f);
    if (c) return c;
  }
  return null;
}

function sourcesUnder(dir: string, into = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourcesUnder(p, into);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) into.set(p, readFileSync(p, 'utf8'));
  }
  return into;
}

const short = (f: string) => relative(webview, f);

describe("the preview page's imports are one-way", () => {
  it('the cycle finder sees a loop (it can fail)', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    assert.deepStrictEqual(findCycle(g), ['a', 'b', 'c', 'a']);
    assert.strictEqual(findCycle(new Map([['a', ['b']], ['b', []], ['c', ['a', 'b']]])), null);
    // Read from sources as the test reads the page: a type-only import back counts too.
    const files = new Map([
      ['/x/sections.ts', "import { newTile } from './tiles';"],
      ['/x/tiles.ts', "import type { Section } from './sections';"],
    ]);
    assert.deepStrictEqual(findCycle(importGraph(files)), ['/x/sections.ts', '/x/tiles.ts', '/x/sections.ts']);
  });

  it('webview/src has no import cycle, type-only imports included', () => {
    const files = sourcesUnder(webview);
    assert.ok(files.size > 20, `only ${files.size} files`);
    const cycle = findCycle(importGraph(files));
    assert.strictEqual(cycle && cycle.map(short).join(' → '), null);
  });

  it('the state and the events modules import no other module of the page (they are the bottom of the flow)', () => {
    const page = join(webview, 'page');
    for (const bottom of ['state.ts', 'events.ts']) {
      const file = join(page, bottom);
      assert.ok(existsSync(file), bottom);
      const graph = importGraph(sourcesUnder(page));
      const deps = (graph.get(file) ?? []).map(short).filter((d) => d !== 'page/state.ts');
      assert.deepStrictEqual(deps, [], `${bottom} imports ${deps.join(', ')}`);
    }
  });
});
