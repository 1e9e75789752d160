// The extension manifest (package.json) stays true to the code: every rule has a documented
// severity setting with its real default, contributed files exist, commands have titles.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allCodes } from '../../engine';
import { repoRoot } from '../oracle';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const props = pkg.contributes.configuration.properties as Record<string, any>;

describe('package.json manifest', () => {
  it('convlens.rules lists every rule id with its code and default severity, and nothing else', () => {
    const listed = props['convlens.rules'].properties as Record<string, { markdownDescription: string; enum: string[] }>;
    const codes = allCodes();
    assert.deepEqual(Object.keys(listed).sort(), codes.map((c) => c.id).sort());
    for (const c of codes) {
      const d = listed[c.id].markdownDescription;
      assert.ok(d.includes(c.code), `${c.id} does not name ${c.code}`);
      assert.ok(d.includes(`\`${c.severity}\``), `${c.id}: default ${c.severity} not stated in "${d}"`);
      assert.deepEqual(listed[c.id].enum, ['error', 'warning', 'info', 'hint', 'off']);
    }
  });

  it('every setting has a default and a markdownDescription', () => {
    for (const [key, p] of Object.entries(props)) {
      assert.ok('default' in p, `${key} has no default`);
      assert.ok(typeof p.markdownDescription === 'string' && p.markdownDescription.length > 20, `${key} is undocumented`);
    }
    for (const kind of ['shape', 'receptiveField', 'params', 'macs']) assert.ok(props[`convlens.inlayHints.${kind}.enabled`], kind);
  });

  it('contributed files exist: grammar, language configuration, schema, icon', () => {
    for (const g of pkg.contributes.grammars) assert.ok(existsSync(join(repoRoot, g.path)), g.path);
    for (const l of pkg.contributes.languages) if (l.configuration) assert.ok(existsSync(join(repoRoot, l.configuration)), l.configuration);
    for (const v of pkg.contributes.yamlValidation) assert.ok(existsSync(join(repoRoot, v.url)), v.url);
    assert.ok(existsSync(join(repoRoot, pkg.icon)));
    assert.deepEqual(pkg.contributes.languages.find((l: any) => l.id === 'cnn-yaml').extensions.sort(), ['.cnn.yaml', '.cnn.yml']);
  });

  it('commands have titles and a category; the preview command is in the editor title menu', () => {
    const ids = pkg.contributes.commands.map((c: any) => c.command);
    assert.ok(ids.includes('convlens.previewFeatureMaps'));
    for (const c of pkg.contributes.commands) assert.ok(c.title, c.command);
    assert.ok(pkg.contributes.menus['editor/title'].some((m: any) => m.command === 'convlens.previewFeatureMaps'));
  });

  it('targets VS Code ^1.100.0 and declares its workspace capabilities', () => {
    assert.equal(pkg.engines.vscode, '^1.100.0');
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, true);
    assert.ok(pkg.capabilities.virtualWorkspaces);
    assert.equal(pkg.main, './dist/client.js');
  });
});
