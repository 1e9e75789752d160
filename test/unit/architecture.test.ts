// The house rules of the layout (README "Architecture"): the engine and the kernels are pure
// libraries, protocol/ holds contracts between front ends, and the front ends (server, client,
// webview, cli) import those, never each other. Every import in the tree is checked here, and
// the engine and the kernels are compiled alone without DOM or Node types.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve, sep } from 'path';

const root = resolve(__dirname, '..', '..', '..');

/** The rooms of the house, by folder. */
const ROOMS: Record<string, string> = {
  engine: 'engine',
  kernels: 'kernels',
  protocol: 'protocol',
  server: 'server/src',
  client: 'client/src',
  webview: 'webview/src',
  cli: 'cli/src',
};
const FRONT_ENDS = ['server', 'client', 'webview', 'cli'];

/** Packages each room may import by name (anything else from node_modules or Node is refused). */
const PACKAGES: Record<string, RegExp> = {
  engine: /^(yaml|@lezer\/python|@lezer\/common)$/,
  kernels: /^$/,
  protocol: /^$/,
  server: /^(vscode-languageserver(-textdocument|-protocol)?(\/node)?|node:.*|fs|path|os|url|util|child_process)$/,
  client: /^(vscode|vscode-languageclient(\/node)?|node:.*|fs|path|os|util)$/,
  webview: /^$/,
  cli: /^(node:.*|fs|path|os|util|url|stream)$/,
};

export interface Import {
  spec: string;
  typeOnly: boolean;
  line: number;
}

/** Every module specifier a TypeScript file imports (static, dynamic, require, re-export). */
export function importsOf(source: string): Import[] {
  const out: Import[] = [];
  const re = /(?:^|[;\s])(import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (let m; (m = re.exec(source)); ) {
    const spec = m[3] ?? m[4];
    const line = source.slice(0, m.index).split('\n').length;
    out.push({ spec, typeOnly: !!m[2], line });
  }
  return out;
}

function roomOf(file: string): string | undefined {
  const rel = relative(root, file).split(sep).join('/');
  return Object.keys(ROOMS).find((r) => rel === ROOMS[r] || rel.startsWith(`${ROOMS[r]}/`));
}

/** The broken house rules of one file's imports, as readable lines. */
export function violations(file: string, source: string): string[] {
  const from = roomOf(file);
  if (!from) return [];
  const rel = relative(root, file);
  const bad: string[] = [];
  for (const imp of importsOf(source)) {
    const where = `${rel}:${imp.line} imports '${imp.spec}'`;
    if (!imp.spec.startsWith('.')) {
      if (!PACKAGES[from].test(imp.spec)) bad.push(`${where}: ${from} may not import the package '${imp.spec}'`);
      continue;
    }
    const to = roomOf(resolve(dirname(file), imp.spec));
    if (!to) {
      bad.push(`${where}: outside the rooms of the house`);
      continue;
    }
    if (to === from) continue;
    if (FRONT_ENDS.includes(to)) bad.push(`${where}: nothing imports a front end (${to})`);
    else if (from === 'engine') bad.push(`${where}: the engine imports nothing of ConvLens outside engine/`);
    else if ((from === 'kernels' || from === 'protocol') && to === 'engine' && !imp.typeOnly) bad.push(`${where}: ${from} may import only the engine's types (import type)`);
    else if (from === 'kernels' && to !== 'engine') bad.push(`${where}: the kernels import only themselves and the engine's types`);
    else if (from === 'protocol' && to !== 'engine' && !(to === 'kernels' && imp.typeOnly)) bad.push(`${where}: protocol/ imports only types`);
  }
  return bad;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

describe('architecture: who may import what', () => {
  it('the checker sees forbidden imports (it can fail)', () => {
    const at = (room: string) => join(root, ROOMS[room], 'x.ts');
    assert.deepStrictEqual(violations(at('engine'), "import * as vscode from 'vscode';").length, 1);
    assert.deepStrictEqual(violations(at('engine'), "import { readFileSync } from 'node:fs';").length, 1);
    assert.deepStrictEqual(violations(at('engine'), "import { hover } from '../server/src/features/hover';").length, 1);
    assert.deepStrictEqual(violations(at('engine'), "import { conv } from '../kernels';").length, 1);
    assert.deepStrictEqual(violations(at('server'), "import { el } from '../../webview/src/page/state';").length, 1);
    assert.deepStrictEqual(violations(at('webview'), "const s = require('../../server/src/service');").length, 1);
    assert.deepStrictEqual(violations(at('client'), "export { x } from '../../cli/src/report';").length, 1);
    assert.deepStrictEqual(violations(at('kernels'), "import { check } from '../engine';").length, 1);
    assert.deepStrictEqual(violations(at('kernels'), "import { hover } from '../server/src/features/hover';").length, 1);
    assert.deepStrictEqual(violations(at('kernels'), "import type { Analysis } from '../engine/types';"), []);
    assert.deepStrictEqual(violations(at('webview'), "import { check } from '../../engine';\nimport { conv } from '../../kernels';"), []);
    assert.deepStrictEqual(violations(at('cli'), "import { readFileSync } from 'node:fs';"), []);
  });

  it('every file of engine/, kernels/, protocol/ and the front ends keeps the rules', () => {
    const bad: string[] = [];
    let files = 0;
    for (const dir of Object.values(ROOMS)) {
      for (const f of tsFiles(join(root, dir))) {
        files++;
        bad.push(...violations(f, readFileSync(f, 'utf8')));
      }
    }
    assert.ok(files > 80, `only ${files} files found`);
    assert.deepStrictEqual(bad, []);
  });

  for (const lib of ['engine', 'kernels']) {
    it(`${lib}/ compiles alone with the ES2022 library only (no DOM, no Node types)`, function () {
      this.timeout(60_000);
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      const r = spawnSync(process.execPath, [tsc, '-p', join(root, lib)], { encoding: 'utf8' });
      assert.strictEqual(r.status, 0, r.stdout + r.stderr);
    });
  }
});
