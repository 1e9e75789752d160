// The package a user installs (`npm run package` → convlens.vsix): it carries what the extension
// runs and nothing else (no source maps, no CLI), and its README — what VS Code's Extensions view
// shows, often offline — has no broken image and no dead link: that view keeps only http(s),
// mailto and command links and data: images, so images are embedded and relative links are text.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { repoRoot } from '../oracle';

/** The files of a zip archive (the .vsix), by name. */
function unzip(zip: Buffer): Map<string, Buffer> {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'not a zip archive');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + skip;
  }
  return files;
}

describe('the package (npm run package → convlens.vsix)', function () {
  // vsce reads and scans the files: ~10-20 s on a busy machine.
  this.timeout(120_000);
  let dir: string;
  let files: Map<string, Buffer>;
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'convlens-vsix-'));
    // As `npm run package` does (vsce takes a README only from inside the project).
    const readme = join('dist', 'README.md');
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'package-readme.mjs'), readme], { cwd: repoRoot, stdio: 'pipe' });
    const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
    execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--readme-path', readme, '-o', join(dir, 'convlens.vsix')], { cwd: repoRoot, stdio: 'pipe' });
    files = unzip(readFileSync(join(dir, 'convlens.vsix')));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const shipped = () => [...files.keys()].filter((f) => f.startsWith('extension/')).map((f) => f.slice('extension/'.length));

  it('ships what the extension runs: the bundles of client, server and preview, without source maps or the CLI', () => {
    const names = shipped();
    const dist = names.filter((f) => f.startsWith('dist/')).sort();
    assert.deepEqual(dist.filter((f) => !f.startsWith('dist/webview/')), ['dist/analysisWorker.js', 'dist/client.js', 'dist/server.js']);
    assert.ok(dist.includes('dist/webview/main.js') && dist.includes('dist/webview/worker.js'), dist.join(', '));
    assert.ok(dist.every((f) => f.endsWith('.js')), dist.join(', '));
    assert.deepEqual(names.filter((f) => f.endsWith('.map') || /\.ts$/.test(f)), []);
    const rest = names.filter((f) => !f.startsWith('dist/') && !f.startsWith('docs/rules/') && !f.startsWith('syntaxes/') && !f.startsWith('schemas/'));
    assert.deepEqual(rest.sort(), ['LICENSE.txt', 'darknet-language-configuration.json', 'images/icon.png', 'language-configuration.json', 'package.json', 'readme.md']);
  });

  it('every file the manifest and the extension open is in it: main, grammars, language configurations, schema, icon, rule pages', () => {
    const names = new Set(shipped());
    const need = [
      pkg.main.replace(/^\.\//, ''),
      pkg.icon,
      ...pkg.contributes.grammars.map((g: { path: string }) => g.path),
      ...pkg.contributes.languages.flatMap((l: { configuration?: string }) => (l.configuration ? [l.configuration] : [])),
      ...pkg.contributes.yamlValidation.map((v: { url: string }) => v.url),
      'dist/server.js',
      'dist/analysisWorker.js',
      'docs/rules/CL003.md',
      'docs/rules/CL201.md',
    ].map((p: string) => p.replace(/^\.\//, ''));
    for (const n of need) assert.ok(names.has(n), `${n} is not in the package`);
  });

  it('its README has no broken image: the pictures are embedded PNG data, shown offline', () => {
    const readme = files.get('extension/readme.md')!.toString('utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)].map((m) => m[1]);
    assert.equal(images.length, 3, 'the editor, a YOLO file and the preview');
    for (const src of images) {
      assert.match(src, /^data:image\/png;base64,/);
      const png = Buffer.from(src.slice(src.indexOf(',') + 1), 'base64');
      assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'PNG signature');
      assert.ok(png.length > 10_000);
    }
    assert.ok(!/<img\b/i.test(readme));
  });

  it('its README has no dead link: only web and in-page links, every in-page one to a heading', () => {
    const readme = files.get('extension/readme.md')!.toString('utf8');
    const prose = readme.replace(/```[\s\S]*?```/g, '').replace(/`[^`]*`/g, '');
    const links = [...prose.matchAll(/(?<!!)\[[^\]]+\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    const slug = (h: string) => h.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
    const anchors = new Set([...readme.matchAll(/^#+ (.*)$/gm)].map((m) => slug(m[1])));
    for (const href of links) {
      if (href.startsWith('#')) assert.ok(anchors.has(href.slice(1)), `${href} names no heading`);
      else assert.match(href, /^(https?:|mailto:)/, `${href} does nothing in the Extensions view`);
    }
    assert.ok(readme.includes('npm start -- --folder'), 'the package README is the user documentation');
  });
});
