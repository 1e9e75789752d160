// The engine's modules import one another one way (readers → analyse → rules → fixes → explain;
// a registry above the files it registers): no file reaches itself through its imports. A cycle
// makes the load order decide what a module sees and hides which idea depends on which.
import * as assert from 'assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import { importsOf } from './architecture.test';

const root = resolve(__dirname, '..', '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The file a relative specifier names (`./x` → x.ts or x/index.ts), or undefined outside TypeScript. */
function resolveSpec(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  return [`${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p));
}

/** One import cycle among the files under `dir` (as paths relative to the repository), or undefined. */
export function findCycle(dir: string): string[] | undefined {
  const files = tsFiles(dir);
  const edges = new Map(files.map((f) => [f, importsOf(readFileSync(f, 'utf8')).filter((i) => i.spec.startsWith('.')).map((i) => resolveSpec(f, i.spec)).filter((p): p is string => !!p && p.startsWith(dir))]));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (f: string): string[] | undefined => {
    if (state.get(f) === 'done') return undefined;
    if (state.get(f) === 'open') return [...path.slice(path.indexOf(f)), f].map((p) => relative(root, p));
    state.set(f, 'open');
    path.push(f);
    for (const g of edges.get(f) ?? []) {
      const cycle = visit(g);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(f, 'done');
    return undefined;
  };
  for (const f of files) {
    const cycle = visit(f);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('architecture: no import cycles', () => {
  it('the cycle finder sees a cycle (it can fail)', () => {
    const dir = join(root, 'out', 'cycle-probe');
    require('fs').mkdirSync(dir, { recursive: true });
    require('fs').writeFileSync(join(dir, 'a.ts'), "import { b } from './b';\n");
    require('fs').writeFileSync(join(dir, 'b.ts'), "import type { a } from './a';\n");
    assert.deepStrictEqual(findCycle(dir), ['out/cycle-probe/a.ts', 'out/cycle-probe/b.ts', 'out/cycle-probe/a.ts']);
  });

  for (const dir of ['engine', 'kernels', 'protocol']) {
    it(`${dir}/ has no import cycle`, () => {
      const cycle = findCycle(join(root, dir));
      assert.strictEqual(cycle, undefined, `import cycle: ${cycle?.join(' → ')}`);
    });
  }
});
